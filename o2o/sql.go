package o2o

import (
	"bytes"
	"database/sql/driver"
	"encoding"
)

// database/sql support. Money goes into one text column in its String form
// ("12.30 CNY"), and is read back with ParseMoney; a schema that keeps the
// amount in a NUMERIC column and the currency in a CHAR(3) column instead
// scans the amount into a Decimal and the currency into a Currency, and joins
// them with NewMoneyIn. RegionCode and every enumeration go in as their text.
//
// A Value refuses what would not read back (a Money that is not Encodable, an
// unknown enumeration value); a Scan refuses NULL and text that does not
// parse, with an error wrapping ErrInvalid, and leaves the destination as it
// was. A nullable column scans into sql.Null[T].

// Value returns the money's String form, "12.30 CNY". A Money that is not
// Encodable is an error: it would not read back.
func (m Money) Value() (driver.Value, error) {
	if err := m.Encodable(); err != nil {
		return nil, err
	}
	return m.String(), nil
}

// Scan reads the String form, "12.30 CNY", with ParseMoney, and requires
// the currency code that Value always writes: a bare "12.30" is refused
// rather than taken for CNY. Anything else, NULL included, is an error
// wrapping ErrInvalid.
func (m *Money) Scan(src any) error {
	text, err := scanText("money", src)
	if err != nil {
		return err
	}
	if !bytes.ContainsRune(text, ' ') {
		return Invalidf("", "money %q has no currency code: the column holds \"12.30 CNY\"", clip(string(text)))
	}
	v, err := ParseMoney(string(text))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Value returns the currency's code; an unknown currency is an error
// wrapping ErrUnknownCurrency. The zero Currency is written as CNY.
func (c Currency) Value() (driver.Value, error) { return textValue(c) }

// Scan reads a currency code with ParseCurrency; an unknown code wraps
// ErrUnknownCurrency, NULL or a non-text value ErrInvalid.
func (c *Currency) Scan(src any) error { return scanInto("currency", src, c) }

// Value returns the code; the zero RegionCode is written as "", which Scan
// reads back as the zero code. Store a missing region as NULL and scan it
// into sql.Null[RegionCode] when "" is not wanted.
func (r RegionCode) Value() (driver.Value, error) { return r.code, nil }

// Scan reads a code with ParseRegionCode ("" gives the zero code); a
// malformed code, NULL or a non-text value is an error wrapping ErrInvalid.
func (r *RegionCode) Scan(src any) error { return scanInto("region code", src, r) }

// Value returns the level's name; an unknown level is an *EnumError.
func (l RegionLevel) Value() (driver.Value, error) { return textValue(l) }

// Scan reads a level's name; an unknown one is an *EnumError.
func (l *RegionLevel) Scan(src any) error { return scanInto("region level", src, l) }

// Value returns the channel's name; an unknown channel is an *EnumError.
func (c Channel) Value() (driver.Value, error) { return textValue(c) }

// Scan reads a channel's name; an unknown one is an *EnumError.
func (c *Channel) Scan(src any) error { return scanInto("channel", src, c) }

// Value returns the party kind's name; an unknown kind is an *EnumError.
func (k PartyKind) Value() (driver.Value, error) { return textValue(k) }

// Scan reads a party kind's name; an unknown one is an *EnumError.
func (k *PartyKind) Scan(src any) error { return scanInto("party kind", src, k) }

// Value returns the segment's name; an unknown segment is an *EnumError.
func (s Segment) Value() (driver.Value, error) { return textValue(s) }

// Scan reads a segment's name; an unknown one is an *EnumError.
func (s *Segment) Scan(src any) error { return scanInto("segment", src, s) }

// Value returns the product line's name; an unknown line is an *EnumError.
func (l Line) Value() (driver.Value, error) { return textValue(l) }

// Scan reads a product line's name; an unknown one is an *EnumError.
func (l *Line) Scan(src any) error { return scanInto("line", src, l) }

// Value returns the service kind's name ("" for a product that is not a
// service); an unknown kind is an *EnumError.
func (s ServiceKind) Value() (driver.Value, error) { return textValue(s) }

// Scan reads a service kind's name, or ""; an unknown one is an *EnumError.
func (s *ServiceKind) Scan(src any) error { return scanInto("service kind", src, s) }

// Value returns the unit's name; an unknown unit is an *EnumError.
func (u Unit) Value() (driver.Value, error) { return textValue(u) }

// Scan reads a unit's name; an unknown one is an *EnumError.
func (u *Unit) Scan(src any) error { return scanInto("unit", src, u) }

// Value returns the venue's name; an unknown venue is an *EnumError.
func (v Venue) Value() (driver.Value, error) { return textValue(v) }

// Scan reads a venue's name; an unknown one is an *EnumError.
func (v *Venue) Scan(src any) error { return scanInto("venue", src, v) }

// Value returns the rounding mode's name (the zero mode is written as
// half_even); an unknown mode is an *EnumError.
func (r RoundingMode) Value() (driver.Value, error) { return textValue(r) }

// Scan reads a rounding mode's name; an unknown one is an *EnumError.
func (r *RoundingMode) Scan(src any) error { return scanInto("rounding mode", src, r) }

// textValue is v's MarshalText as a string, for a driver.Value.
func textValue(v encoding.TextMarshaler) (driver.Value, error) {
	b, err := v.MarshalText()
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// scanInto reads a text column into dst with its UnmarshalText, which
// leaves dst as it was on error.
func scanInto(what string, src any, dst encoding.TextUnmarshaler) error {
	text, err := scanText(what, src)
	if err != nil {
		return err
	}
	return dst.UnmarshalText(text)
}

// scanText returns the text a database driver handed to a Scan: a string or
// a []byte. NULL and any other type are an error wrapping ErrInvalid that
// names what was being scanned.
func scanText(what string, src any) ([]byte, error) {
	switch v := src.(type) {
	case string:
		return []byte(v), nil
	case []byte:
		return v, nil
	case nil:
		return nil, Invalidf("", "cannot scan NULL into a %s: scan a nullable column into sql.Null", what)
	}
	return nil, Invalidf("", "cannot scan %T into a %s: it is stored as text", src, what)
}
