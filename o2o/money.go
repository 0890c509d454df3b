package o2o

import (
	"fmt"
	"math"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/internal/enum"
)

// Money is an exact decimal amount in one ISO-4217 currency. It is an
// immutable value: every method returns a new Money. The zero value is 0 CNY.
//
// Money is never converted between currencies: arithmetic or comparison
// across currencies returns ErrCurrencyMismatch. Amounts keep the precision
// they were given (a unit price may have four places); Round brings them to
// the currency's minor unit where a rule says so.
//
// Money reads none of shopspring/decimal's package globals, so a host
// application that changes them does not move any amount or its text.
type Money struct {
	amount   decimal.Decimal
	currency Currency // "" means CNY
}

// NewMoney returns amount in CNY. The amount should come from ParseDecimal
// or a literal: a decimal with an exponent beyond ±1000 makes arithmetic
// slow, and one near the int32 limit makes shopspring/decimal panic in Mul;
// one of more than MaxDigits digits cannot be encoded. Use NewMoneyIn for
// amounts from elsewhere; it checks.
func NewMoney(amount decimal.Decimal) Money { return Money{amount: amount} }

// NewMoneyIn returns amount in currency. An unknown currency is an error
// wrapping ErrUnknownCurrency; an amount whose decimal exponent lies outside
// ±1000 (no real amount does), or that has more than MaxDigits digits
// written with the currency's minor places, is an error wrapping ErrInvalid.
func NewMoneyIn(amount decimal.Decimal, currency Currency) (Money, error) {
	if !currency.Valid() {
		return Money{}, fmt.Errorf("%w %q", ErrUnknownCurrency, string(currency))
	}
	if e := amount.Exponent(); e > maxExponent || e < -maxExponent {
		return Money{}, Invalidf("amount", "exponent %d is out of range ±%d", e, maxExponent)
	}
	m := Money{amount: amount, currency: currency.orDefault()}
	if err := m.checkDigits(); err != nil {
		return Money{}, Prefix("amount", err)
	}
	return m, nil
}

// checkDigits refuses an amount of more than MaxDigits digits written
// with at least the currency's minor places.
func (m Money) checkDigits() error {
	return checkDigits("amount", m.amount, m.Currency().MinorDigits())
}

// Encodable returns nil when m can be written and read back exactly: its
// currency is known and its amount, written with at least the currency's
// minor places, has at most MaxDigits digits. Otherwise it returns the
// error MarshalJSON would, wrapping ErrInvalid (ErrUnknownCurrency for the
// currency). Rule packages call it on an amount they computed (a product
// of two large factors, say) before they hand it out.
func (m Money) Encodable() error {
	if !m.Currency().Valid() {
		return fmt.Errorf("%w %q", ErrUnknownCurrency, string(m.currency))
	}
	return m.checkDigits()
}

// Zero returns 0 in c (CNY for the zero Currency). It is for a currency
// already checked at the boundary: an unknown c is kept as it is, and
// MarshalJSON will write it, so validate outside input with ParseCurrency.
func (c Currency) Zero() Money { return Money{currency: c.orDefault()} }

// FromMinor returns units minor units (fen for CNY) of currency.
func FromMinor(units int64, currency Currency) (Money, error) {
	if !currency.Valid() {
		return Money{}, fmt.Errorf("%w %q", ErrUnknownCurrency, string(currency))
	}
	c := currency.orDefault()
	return Money{amount: decimal.New(units, -c.MinorDigits()), currency: c}, nil
}

// ParseMoney parses "12.34" (CNY) or "12.34 USD": a plain decimal, then
// optionally one space and a known currency code. An amount of more than
// MaxDigits digits, written with the currency's minor places, is refused.
// It accepts what String returns for every Money it or NewMoneyIn accepts.
func ParseMoney(s string) (Money, error) {
	num, code, hasCode := strings.Cut(s, " ")
	currency := CNY
	if hasCode {
		c, err := ParseCurrency(code)
		if err != nil {
			return Money{}, err
		}
		currency = c
	}
	amount, err := ParseDecimal(num)
	if err != nil {
		return Money{}, fmt.Errorf("money %q: %w", clip(s), err)
	}
	m := Money{amount: amount, currency: currency}
	if err := m.checkDigits(); err != nil {
		return Money{}, fmt.Errorf("money %q: %w", clip(s), err)
	}
	return m, nil
}

// MustParseMoney is ParseMoney that panics on error. Use it for constants
// and in tests only.
func MustParseMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Amount returns the decimal amount.
func (m Money) Amount() decimal.Decimal { return m.amount }

// Currency returns the currency (CNY for the zero value).
func (m Money) Currency() Currency { return m.currency.orDefault() }

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.amount.IsZero() }

// Sign returns -1, 0 or +1 as the amount is negative, zero or positive.
func (m Money) Sign() int { return m.amount.Sign() }

// IsNegative reports whether the amount is below zero.
func (m Money) IsNegative() bool { return m.amount.Sign() < 0 }

// IsPositive reports whether the amount is above zero.
func (m Money) IsPositive() bool { return m.amount.Sign() > 0 }

// SameCurrency reports whether m and o are in the same currency.
func (m Money) SameCurrency(o Money) bool { return m.Currency() == o.Currency() }

func (m Money) mismatch(op string, o Money) error {
	return fmt.Errorf("%w: %s %s and %s", ErrCurrencyMismatch, op, m.Currency(), o.Currency())
}

// Add returns m + o, or ErrCurrencyMismatch.
func (m Money) Add(o Money) (Money, error) {
	if !m.SameCurrency(o) {
		return Money{}, m.mismatch("add", o)
	}
	return Money{amount: m.amount.Add(o.amount), currency: m.currency}, nil
}

// Sub returns m - o, or ErrCurrencyMismatch.
func (m Money) Sub(o Money) (Money, error) {
	if !m.SameCurrency(o) {
		return Money{}, m.mismatch("subtract", o)
	}
	return Money{amount: m.amount.Sub(o.amount), currency: m.currency}, nil
}

// Neg returns -m.
func (m Money) Neg() Money { return Money{amount: m.amount.Neg(), currency: m.currency} }

// Abs returns |m|.
func (m Money) Abs() Money { return Money{amount: m.amount.Abs(), currency: m.currency} }

// Mul returns m × factor, exactly (no rounding).
func (m Money) Mul(factor decimal.Decimal) Money {
	return Money{amount: m.amount.Mul(factor), currency: m.currency}
}

// Percent returns pct percent of m, exactly (m × pct / 100, no rounding).
func (m Money) Percent(pct decimal.Decimal) Money {
	return Money{amount: m.amount.Mul(pct).Shift(-2), currency: m.currency}
}

// Cmp compares m and o: -1 if m < o, 0 if equal, +1 if m > o. Amounts in
// different currencies do not compare: that is ErrCurrencyMismatch.
func (m Money) Cmp(o Money) (int, error) {
	if !m.SameCurrency(o) {
		return 0, m.mismatch("compare", o)
	}
	return m.amount.Cmp(o.amount), nil
}

// Equal reports whether m and o are the same currency and the same amount
// (1.5 equals 1.50).
func (m Money) Equal(o Money) bool {
	return m.SameCurrency(o) && m.amount.Equal(o.amount)
}

// RoundingMode says how Round resolves the digits it drops. The zero value
// is RoundHalfEven, the default. It marshals as its text form.
type RoundingMode string

// The rounding modes.
const (
	// RoundHalfEven rounds to nearest, ties to even (banker's rounding).
	RoundHalfEven RoundingMode = "half_even"
	// RoundHalfUp rounds to nearest, ties away from zero.
	RoundHalfUp RoundingMode = "half_up"
	// RoundDown rounds toward zero (truncates).
	RoundDown RoundingMode = "down"
	// RoundUp rounds away from zero.
	RoundUp RoundingMode = "up"
	// RoundFloor rounds toward negative infinity.
	RoundFloor RoundingMode = "floor"
	// RoundCeiling rounds toward positive infinity.
	RoundCeiling RoundingMode = "ceiling"
)

// RoundingModes returns every rounding mode in a fixed order.
func RoundingModes() []RoundingMode {
	return []RoundingMode{RoundHalfEven, RoundHalfUp, RoundDown, RoundUp, RoundFloor, RoundCeiling}
}

// String returns the mode's text form ("half_even" for the zero value).
func (r RoundingMode) String() string {
	if r == "" {
		return string(RoundHalfEven)
	}
	return string(r)
}

// Valid reports whether r is a rounding mode (the zero value is half-even).
func (r RoundingMode) Valid() bool { return r == "" || enum.Valid(r, RoundingModes()...) }

// MarshalText returns the text form.
func (r RoundingMode) MarshalText() ([]byte, error) {
	return marshalEnum("rounding mode", RoundingMode(r.String()), r.Valid())
}

// UnmarshalText accepts exactly one of the modes' text forms.
func (r *RoundingMode) UnmarshalText(text []byte) error {
	return unmarshalEnum("rounding mode", text, r, RoundingModes())
}

// round rounds d to places with mode r.
func (r RoundingMode) round(d decimal.Decimal, places int32) (decimal.Decimal, error) {
	switch r {
	case "", RoundHalfEven:
		return d.RoundBank(places), nil
	case RoundHalfUp:
		return d.Round(places), nil
	case RoundDown:
		return d.RoundDown(places), nil
	case RoundUp:
		return d.RoundUp(places), nil
	case RoundFloor:
		return d.RoundFloor(places), nil
	case RoundCeiling:
		return d.RoundCeil(places), nil
	}
	return d, &EnumError{Enum: "rounding mode", Value: string(r)}
}

// Round rounds m to its currency's minor unit, half-even.
func (m Money) Round() Money {
	r, _ := m.RoundWith(RoundHalfEven)
	return r
}

// RoundWith rounds m to its currency's minor unit with mode. An unknown mode
// is an error wrapping ErrInvalid.
func (m Money) RoundWith(mode RoundingMode) (Money, error) {
	return m.RoundTo(m.Currency().MinorDigits(), mode)
}

// RoundTo rounds m to places decimal places with mode (a unit price may
// keep four places, say). An unknown mode is an error wrapping ErrInvalid.
func (m Money) RoundTo(places int32, mode RoundingMode) (Money, error) {
	d, err := mode.round(m.amount, places)
	if err != nil {
		return Money{}, err
	}
	return Money{amount: d, currency: m.currency}, nil
}

// IsWhole reports whether m is a whole number of minor units (no fraction
// of a fen).
func (m Money) IsWhole() bool {
	return m.amount.Equal(m.amount.Truncate(m.Currency().MinorDigits()))
}

// MinorUnits returns m as a whole number of minor units (fen for CNY) and
// true, or 0 and false when m has a fraction of a minor unit or does not fit
// in an int64. It does not allocate when the amount's coefficient has at
// most 18 digits.
func (m Money) MinorUnits() (int64, bool) {
	digits := m.Currency().MinorDigits()
	if units, ok := scaledUint64(m.amount, digits); ok && units <= math.MaxInt64 {
		if m.amount.Sign() < 0 {
			return -int64(units), true
		}
		return int64(units), true
	}
	// More than 18 digits of coefficient (1.0000000000000000000, say):
	// the exact but allocating path.
	if !m.IsWhole() || m.amount.Exponent() > 20 {
		return 0, false
	}
	v := m.amount.Shift(digits).BigInt()
	if !v.IsInt64() {
		return 0, false
	}
	return v.Int64(), true
}

// AmountString formats the amount exactly with at least the currency's
// minor digits: "12.30", "0.0125", "-5.00".
func (m Money) AmountString() string {
	var buf [48]byte
	return string(appendFixed(buf[:0], m.amount, max(m.Currency().MinorDigits(), -m.amount.Exponent())))
}

// String returns "12.30 CNY"; ParseMoney reads it back when m is
// Encodable.
func (m Money) String() string { return m.AmountString() + " " + m.Currency().String() }

// moneyJSON is Money's JSON shape. The currency is required in JSON.
type moneyJSON struct {
	Amount   *string   `json:"amount"`
	Currency *Currency `json:"currency"`
}

// MarshalJSON writes {"amount":"12.34","currency":"CNY"}. A Money that is
// not Encodable is an error: in an unknown currency (built with
// Currency.Zero from an unchecked code), wrapping ErrUnknownCurrency; of
// more than MaxDigits digits (built by arithmetic), wrapping ErrInvalid. It
// would not read back.
func (m Money) MarshalJSON() ([]byte, error) {
	return m.AppendJSON(make([]byte, 0, 48))
}

// AppendJSON appends m to b as MarshalJSON writes it, byte for byte, for
// encoders that write a document in one buffer. A Money that is not
// Encodable is MarshalJSON's error, and b is returned unchanged.
func (m Money) AppendJSON(b []byte) ([]byte, error) {
	if err := m.Encodable(); err != nil {
		return b, err
	}
	// The amount's text is digits, a point and a sign, and a known
	// currency is upper-case letters: neither needs escaping.
	b = append(b, `{"amount":"`...)
	b = appendFixed(b, m.amount, max(m.Currency().MinorDigits(), -m.amount.Exponent()))
	b = append(b, `","currency":"`...)
	b = append(b, m.Currency()...)
	return append(b, `"}`...), nil
}

// UnmarshalJSON reads {"amount":"12.34","currency":"CNY"}. Both fields are
// required, the amount is a JSON string holding a plain decimal (a number
// would invite float rounding upstream), unknown fields are refused, an
// unknown currency is an error wrapping ErrUnknownCurrency, and an amount of
// more than MaxDigits digits written with the currency's minor places is an
// error wrapping ErrInvalid.
func (m *Money) UnmarshalJSON(data []byte) error {
	v, ok := parseMoneyJSON(data)
	if !ok {
		var err error
		if v, err = decodeMoneyStrict(data); err != nil {
			return err
		}
	}
	*m = v
	return nil
}

// decodeMoneyStrict is UnmarshalJSON through the strict decoder, for every
// form parseMoneyJSON does not read itself.
func decodeMoneyStrict(data []byte) (Money, error) {
	var raw moneyJSON
	if err := DecodeJSON(data, &raw); err != nil {
		return Money{}, err
	}
	if raw.Amount == nil {
		return Money{}, Invalid("amount", "is required")
	}
	if raw.Currency == nil {
		return Money{}, Invalid("currency", "is required")
	}
	amount, err := ParseDecimal(*raw.Amount)
	if err != nil {
		return Money{}, Prefix("amount", err)
	}
	v := Money{amount: amount, currency: *raw.Currency}
	if err := v.checkDigits(); err != nil {
		return Money{}, Prefix("amount", err)
	}
	return v, nil
}

// parseMoneyJSON reads the usual form of a Money in one pass: an object
// with the keys "amount" and "currency", once each, in either order, each
// value a JSON string of printable ASCII without escapes, the amount of at
// most 18 digits, the currency known, the digits within MaxDigits. Any
// other input, valid or not, gives ok false: the strict decoder then reads
// it and accepts it or says what is wrong, so that both paths accept the
// same documents, give the same value and refuse with the same error.
func parseMoneyJSON(data []byte) (m Money, ok bool) {
	r := lite{data: data}
	if !r.skip('{') {
		return Money{}, false
	}
	var amount, currency []byte
	for i := range 2 {
		key, ok := r.str()
		if !ok || !r.skip(':') {
			return Money{}, false
		}
		val, ok := r.str()
		if !ok {
			return Money{}, false
		}
		switch {
		case string(key) == "amount" && amount == nil:
			amount = val
		case string(key) == "currency" && currency == nil:
			currency = val
		default:
			return Money{}, false
		}
		if i == 0 && !r.skip(',') {
			return Money{}, false
		}
	}
	if !r.skip('}') || !r.end() {
		return Money{}, false
	}
	c := CNY
	if string(currency) != string(CNY) {
		c = Currency(currency)
		if _, known := minorDigits(c); !known { // "" is no currency here
			return Money{}, false
		}
	}
	d, ok := parseSmallDecimal(amount)
	if !ok {
		return Money{}, false
	}
	m = Money{amount: d, currency: c}
	if m.checkDigits() != nil {
		return Money{}, false
	}
	return m, true
}

// lite reads the few JSON forms parseMoneyJSON knows.
type lite struct {
	data []byte
	pos  int
}

func (r *lite) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// skip reads the byte c, after white space.
func (r *lite) skip(c byte) bool {
	r.space()
	if r.pos < len(r.data) && r.data[r.pos] == c {
		r.pos++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (r *lite) end() bool {
	r.space()
	return r.pos == len(r.data)
}

// str reads a string of printable ASCII without escapes, after white
// space, and returns its content (a view of the data, never nil).
func (r *lite) str() ([]byte, bool) {
	if !r.skip('"') {
		return nil, false
	}
	start := r.pos
	for ; r.pos < len(r.data); r.pos++ {
		switch c := r.data[r.pos]; {
		case c == '"':
			r.pos++
			return r.data[start : r.pos-1 : r.pos-1], true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return nil, false
		}
	}
	return nil, false
}

// Sum adds amounts that share one currency. The sum of none is 0 CNY.
func Sum(amounts ...Money) (Money, error) {
	if len(amounts) == 0 {
		return Money{}, nil
	}
	total := Money{currency: amounts[0].currency}
	for _, a := range amounts {
		var err error
		if total, err = total.Add(a); err != nil {
			return Money{}, err
		}
	}
	return total, nil
}
