package o2o

import "fmt"

// Currency is an ISO-4217 currency code such as "CNY". The zero Currency
// stands for CNY, the default of every constructor.
type Currency string

// CNY is the renminbi, the default currency.
const CNY Currency = "CNY"

// minorDigits returns the number of minor-unit digits of the currencies the
// SDK knows: those of mainland China, Hong Kong, Macao and Taiwan, and the
// currencies a manufacturer meets in cross-border trade. A switch keeps the
// table immutable.
func minorDigits(c Currency) (int32, bool) {
	switch c {
	case CNY, "HKD", "MOP", "TWD", "USD", "EUR", "GBP", "AUD", "CAD", "SGD", "CHF",
		"NZD", "MYR", "THB", "PHP", "INR", "RUB", "AED", "SAR", "SEK", "NOK", "DKK", "IDR":
		return 2, true
	case "JPY", "KRW", "VND", "CLP":
		return 0, true
	case "KWD", "BHD", "OMR", "JOD", "TND":
		return 3, true
	}
	return 0, false
}

// ParseCurrency returns the currency for an upper-case ISO-4217 code.
// An unknown code is an error wrapping ErrUnknownCurrency, never a default.
func ParseCurrency(code string) (Currency, error) {
	c := Currency(code)
	if _, ok := minorDigits(c); !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownCurrency, clip(code))
	}
	return c, nil
}

// orDefault maps the zero Currency to CNY.
func (c Currency) orDefault() Currency {
	if c == "" {
		return CNY
	}
	return c
}

// String returns the code ("CNY" for the zero Currency).
func (c Currency) String() string { return string(c.orDefault()) }

// MinorDigits returns how many digits the currency's minor unit has
// (2 for CNY: the fen). It is 0 for an unknown currency.
func (c Currency) MinorDigits() int32 {
	d, _ := minorDigits(c.orDefault())
	return d
}

// Valid reports whether c is a known currency (the zero Currency is CNY).
func (c Currency) Valid() bool {
	_, ok := minorDigits(c.orDefault())
	return ok
}

// MarshalText returns the code; an unknown currency is an error.
func (c Currency) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("%w %q", ErrUnknownCurrency, string(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText accepts a known upper-case ISO-4217 code.
func (c *Currency) UnmarshalText(text []byte) error {
	parsed, err := ParseCurrency(string(text))
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}
