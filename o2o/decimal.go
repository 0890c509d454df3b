package o2o

import (
	"database/sql/driver"
	"fmt"
	"math/big"
	"strconv"

	"github.com/shopspring/decimal"
)

// maxDecimalDigits bounds the digits ParseDecimal accepts, so that outside
// input cannot make arithmetic arbitrarily expensive.
const maxDecimalDigits = 40

// ParseDecimal parses a plain decimal such as "12", "-0.5" or "1234.5600":
// an optional sign, digits, and at most one point with digits on both sides.
// Exponents, spaces and more than 40 digits are refused. Unlike
// decimal.NewFromString it reads none of shopspring/decimal's package globals,
// and it keeps the scale written ("1.50" has two places).
func ParseDecimal(s string) (decimal.Decimal, error) {
	if len(s) > maxDecimalDigits+2 { // sign and point
		return decimal.Decimal{}, Invalidf("", "decimal %q has more than %d digits", clip(s), maxDecimalDigits)
	}
	digits, scale, neg, ok := scanDecimal(s)
	if !ok {
		return decimal.Decimal{}, Invalidf("", "malformed decimal %q", clip(s))
	}
	if len(digits) > maxDecimalDigits {
		return decimal.Decimal{}, Invalidf("", "decimal %q has more than %d digits", clip(s), maxDecimalDigits)
	}
	var v big.Int
	v.SetString(digits, 10) // digits are ASCII digits, checked by scanDecimal
	if neg {
		v.Neg(&v)
	}
	return decimal.NewFromBigInt(&v, -int32(scale)), nil
}

// clip shortens outside input echoed in an error message.
func clip(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}

// scanDecimal splits s into its digits (point removed), the number of
// digits after the point, and its sign.
func scanDecimal(s string) (digits string, scale int, neg, ok bool) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	point := -1
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			buf = append(buf, c)
		case c == '.' && point < 0 && i > 0 && i < len(s)-1:
			point = i
		default:
			return "", 0, false, false
		}
	}
	if len(buf) == 0 {
		return "", 0, false, false
	}
	if point >= 0 {
		scale = len(s) - point - 1
	}
	return string(buf), scale, neg, true
}

// FormatDecimal writes d exactly, with as many places as its scale and no
// exponent ("1.50", "-3", "0.001"). It reads none of shopspring/decimal's
// package globals, unlike decimal.Decimal.String.
func FormatDecimal(d decimal.Decimal) string {
	return d.StringFixed(max(0, -d.Exponent()))
}

// Decimal is a decimal.Decimal that marshals to JSON as a string and to
// text exactly, without reading shopspring/decimal's package globals. Use
// it for the decimal fields of rule configs (percents, weights, quantities).
// The zero value is 0.
type Decimal struct {
	decimal.Decimal
}

// Dec wraps d.
func Dec(d decimal.Decimal) Decimal { return Decimal{d} }

// MustDec parses s with ParseDecimal and panics on error. Use it for
// constants and in tests only.
func MustDec(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return Decimal{d}
}

// String formats the value exactly, as FormatDecimal does.
func (d Decimal) String() string { return FormatDecimal(d.Decimal) }

// Format makes fmt's verbs (%s, %v) print String: without it fmt would
// use the embedded decimal.Decimal's Format, which reads shopspring's
// package globals and trims trailing zeros.
func (d Decimal) Format(f fmt.State, verb rune) {
	if verb != 'q' {
		verb = 's'
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), d.String())
}

// Value stores the exact text in a database (database/sql's driver.Valuer).
// Without it the embedded decimal's Value would read shopspring's globals.
func (d Decimal) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a decimal from a database column holding its text, or an
// integer (database/sql's Scanner).
func (d *Decimal) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case int64:
		d.Decimal = decimal.New(v, 0)
		return nil
	}
	return Invalidf("", "cannot scan %T into a decimal", src)
}

// MarshalText formats the value exactly.
func (d Decimal) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses the value with ParseDecimal.
func (d *Decimal) UnmarshalText(text []byte) error {
	v, err := ParseDecimal(string(text))
	if err != nil {
		return err
	}
	d.Decimal = v
	return nil
}

// MarshalJSON writes the value as a JSON string: "12.50".
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// UnmarshalJSON accepts a JSON string or a JSON number, parsed exactly.
func (d *Decimal) UnmarshalJSON(data []byte) error {
	text, err := decimalJSONText(data)
	if err != nil {
		return err
	}
	return d.UnmarshalText([]byte(text))
}

// decimalJSONText returns the text of a JSON string or number.
func decimalJSONText(data []byte) (string, error) {
	if len(data) > 0 && data[0] == '"' {
		s, err := strconv.Unquote(string(data))
		if err != nil {
			return "", Invalidf("", "malformed JSON string %s", data)
		}
		return s, nil
	}
	if string(data) == "null" {
		return "", Invalid("", "decimal must not be null")
	}
	return string(data), nil
}
