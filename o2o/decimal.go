package o2o

import (
	"database/sql/driver"
	"fmt"
	"math/big"
	"strconv"

	"github.com/shopspring/decimal"
)

// MaxDigits is the most digits an amount of [Money] or a [Decimal] may
// have written out in full: the digits before the point (at least one:
// "0.5" has two) plus the places after it, and for Money at least its
// currency's minor places ("1" CNY is written "1.00": three digits). So an
// amount has at most 40 integer digits, at most 39 places, and at most 40
// digits in all; 10^38 CNY, written with 39 integer digits and 2 places, is
// refused.
//
// Every parser and decoder of o2o refuses more (ParseDecimal, ParseMoney,
// NewMoneyIn, and the UnmarshalJSON and UnmarshalText of Money and
// Decimal), and every encoder (MarshalJSON and MarshalText of Money and
// Decimal, Decimal.Value) refuses a value beyond it that was built in Go
// (with NewMoney, Dec or arithmetic), with an error wrapping ErrInvalid:
// whatever o2o writes, it reads back to the same value. Rule packages check
// a computed amount with [Money.Encodable] or [Decimal.Encodable] before
// they hand it out. The bound also keeps outside input from making
// arithmetic arbitrarily expensive.
const MaxDigits = 40

// maxDecimalDigits is the digits ParseDecimal reads.
const maxDecimalDigits = MaxDigits

// writtenDigits returns the number of digits d has when written out in
// full with at least minPlaces places ("0.50" has three).
func writtenDigits(d decimal.Decimal, minPlaces int32) int64 {
	exp := int64(d.Exponent())
	places := max(-exp, int64(minPlaces), 0)
	var whole int64 = 1 // the "0" of "0.5", or of zero
	if !d.IsZero() {
		whole = max(1, int64(d.NumDigits())+exp)
	}
	return whole + places
}

// checkDigits returns an error wrapping ErrInvalid when d, written with at
// least minPlaces places, has more than MaxDigits digits. what names the
// value in the message ("amount", "decimal").
func checkDigits(what string, d decimal.Decimal, minPlaces int32) error {
	// An exponent far out of range would make NumDigits slow on a huge
	// coefficient; the written form is too long either way.
	if e := d.Exponent(); e > MaxDigits || e < -MaxDigits {
		if !(d.IsZero() && e > 0) {
			return Invalidf("", "%s with exponent %d has more than %d digits written out", what, e, MaxDigits)
		}
	}
	if n := writtenDigits(d, minPlaces); n > MaxDigits {
		return Invalidf("", "%s has %d digits written out, more than %d", what, n, MaxDigits)
	}
	return nil
}

// Encodable returns nil when d can be written and read back exactly (at
// most MaxDigits digits written out), else an error wrapping ErrInvalid.
// MarshalJSON, MarshalText and Value refuse what it refuses.
func (d Decimal) Encodable() error { return checkDigits("decimal", d.Decimal, 0) }

// ParseDecimal parses a plain decimal such as "12", "-0.5" or "1234.5600":
// an optional sign, digits, and at most one point with digits on both sides.
// Exponents, spaces and more than MaxDigits (40) digits are refused. Unlike
// decimal.NewFromString it reads none of shopspring/decimal's package globals,
// and it keeps the scale written ("1.50" has two places).
func ParseDecimal(s string) (decimal.Decimal, error) {
	if len(s) > maxDecimalDigits+2 { // sign and point
		return decimal.Decimal{}, Invalidf("", "decimal %q has more than %d digits", clip(s), maxDecimalDigits)
	}
	if d, ok := parseSmallDecimal(s); ok {
		return d, nil
	}
	return parseDecimalGeneral(s)
}

// parseDecimalGeneral is ParseDecimal for any length of coefficient.
func parseDecimalGeneral(s string) (decimal.Decimal, error) {
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

// parseSmallDecimal parses s as ParseDecimal does when s is a well-formed
// decimal of at most 18 digits, which an int64 holds, without the big.Int
// text parsing; otherwise ok is false and ParseDecimal's general path
// parses it or says what is wrong.
func parseSmallDecimal[T string | []byte](s T) (d decimal.Decimal, ok bool) {
	i := 0
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	var v int64
	n, point, seen := 0, -1, false // n counts digits from the first non-zero
	for j := i; j < len(s); j++ {
		switch c := s[j]; {
		case c >= '0' && c <= '9':
			seen = true
			if v == 0 && c == '0' {
				continue
			}
			if n == 18 {
				return decimal.Decimal{}, false
			}
			v = v*10 + int64(c-'0')
			n++
		case c == '.' && point < 0 && j > i && j < len(s)-1:
			point = j
		default:
			return decimal.Decimal{}, false
		}
	}
	if !seen {
		return decimal.Decimal{}, false
	}
	scale := 0
	if point >= 0 {
		scale = len(s) - point - 1
	}
	if neg {
		v = -v
	}
	return decimal.New(v, -int32(scale)), true
}

// appendFixed appends d with exactly places digits after the point, as
// d.StringFixed(places) writes it, for places of at least -d.Exponent()
// (so nothing is rounded). A coefficient of at most 18 digits is written
// from an int64; a longer one through StringFixed.
func appendFixed(b []byte, d decimal.Decimal, places int32) []byte {
	exp := d.Exponent()
	if places < -exp || d.NumDigits() > 18 || exp > 40 || places > 60 {
		return append(b, d.StringFixed(places)...)
	}
	coef := d.CoefficientInt64()
	if coef < 0 {
		b = append(b, '-')
		coef = -coef
	}
	var buf [20]byte
	digits := strconv.AppendInt(buf[:0], coef, 10)
	scale := int(-exp) // digits after the point in the coefficient
	if coef == 0 && scale < 0 {
		scale = 0 // StringFixed writes a zero without its exponent's zeros
	}
	switch {
	case scale <= 0:
		b = append(b, digits...)
		for range -scale {
			b = append(b, '0')
		}
		scale = 0
	case len(digits) <= scale:
		b = append(b, "0."...)
		for range scale - len(digits) {
			b = append(b, '0')
		}
		b = append(b, digits...)
	default:
		b = append(b, digits[:len(digits)-scale]...)
		b = append(b, '.')
		b = append(b, digits[len(digits)-scale:]...)
	}
	if int(places) > scale {
		if scale == 0 {
			b = append(b, '.')
		}
		for range int(places) - scale {
			b = append(b, '0')
		}
	}
	return b
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
// A value beyond MaxDigits is an error wrapping ErrInvalid.
func (d Decimal) Value() (driver.Value, error) {
	if err := d.Encodable(); err != nil {
		return nil, err
	}
	return d.String(), nil
}

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

// MarshalText formats the value exactly. A value beyond MaxDigits is an
// error wrapping ErrInvalid: it would not read back.
func (d Decimal) MarshalText() ([]byte, error) {
	if err := d.Encodable(); err != nil {
		return nil, err
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses the value with ParseDecimal.
func (d *Decimal) UnmarshalText(text []byte) error {
	v, err := ParseDecimal(string(text))
	if err != nil {
		return err
	}
	d.Decimal = v
	return nil
}

// MarshalJSON writes the value as a JSON string: "12.50". A value beyond
// MaxDigits is an error wrapping ErrInvalid: it would not read back.
func (d Decimal) MarshalJSON() ([]byte, error) {
	return d.AppendJSON(make([]byte, 0, 24))
}

// AppendJSON appends d to b as MarshalJSON writes it, byte for byte, for
// encoders that write a document in one buffer. A value beyond MaxDigits
// is MarshalJSON's error, and b is returned unchanged.
func (d Decimal) AppendJSON(b []byte) ([]byte, error) {
	if err := d.Encodable(); err != nil {
		return b, err
	}
	b = append(b, '"')
	b = appendFixed(b, d.Decimal, max(0, -d.Exponent()))
	return append(b, '"'), nil
}

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
