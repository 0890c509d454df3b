package settlement_test

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

var (
	_ driver.Valuer = settlement.Kind("")
	_ sql.Scanner   = (*settlement.Kind)(nil)
)

func TestKindSQLRoundTrip(t *testing.T) {
	for _, k := range settlement.Kinds() {
		v, err := k.Value()
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		for _, src := range []any{v, []byte(v.(string))} {
			var got settlement.Kind
			if err := got.Scan(src); err != nil || got != k {
				t.Errorf("Scan(%#v) = %q, %v; want %q", src, got, err, k)
			}
		}
	}
}

func TestKindSQLRefused(t *testing.T) {
	if v, err := settlement.Kind("gift").Value(); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Value of an unknown kind = %#v, %v; want ErrInvalid", v, err)
	}
	k := settlement.KindReversal
	for _, src := range []any{nil, "", "gift", "Reversal", []byte("\xff"), int64(1), 2.5} {
		if err := k.Scan(src); !errors.Is(err, o2o.ErrInvalid) || k != settlement.KindReversal {
			t.Errorf("Scan(%#v) = %v, left %q; want ErrInvalid, reversal", src, err, k)
		}
	}
}
