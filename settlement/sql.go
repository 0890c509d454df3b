package settlement

import (
	"database/sql/driver"

	"github.com/o2okit/o2okit/o2o"
)

// Value returns the posting kind's name, for a database column; an unknown
// kind is an *o2o.EnumError.
func (k Kind) Value() (driver.Value, error) {
	b, err := k.MarshalText()
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan reads a posting kind's name from a text column. An unknown name is an
// *o2o.EnumError; NULL or a value that is not text is an error wrapping
// o2o.ErrInvalid. On error k is left as it was.
func (k *Kind) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return k.UnmarshalText([]byte(v))
	case []byte:
		return k.UnmarshalText(v)
	case nil:
		return o2o.Invalid("", "cannot scan NULL into a posting kind: scan a nullable column into sql.Null")
	}
	return o2o.Invalidf("", "cannot scan %T into a posting kind: it is stored as text", src)
}
