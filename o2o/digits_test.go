package o2o_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// ParseMoney("1" + 38 zeros) used to succeed and print 41 digits that it
// could not read back.
func TestMoneyDigitsBound(t *testing.T) {
	refused := []string{
		"1" + strings.Repeat("0", 38),          // 39 integer digits + 2 places
		"1" + strings.Repeat("0", 38) + " USD", // the same in another currency
		"1" + strings.Repeat("0", 37) + " KWD", // 38 + 3 places
		"1" + strings.Repeat("0", 40) + " JPY", // 41 digits
		"0." + strings.Repeat("0", 39) + "1",   // 41 digits
	}
	for _, s := range refused {
		if m, err := o2o.ParseMoney(s); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("ParseMoney(%s) = %v, %v; want ErrInvalid", s, m, err)
		}
		num, code, _ := strings.Cut(s, " ")
		if code == "" {
			code = "CNY"
		}
		var m o2o.Money
		if err := json.Unmarshal([]byte(`{"amount":"`+num+`","currency":"`+code+`"}`), &m); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Money JSON %s %s = %v, %v; want ErrInvalid", num, code, m, err)
		}
	}
	accepted := []string{
		"1" + strings.Repeat("0", 37),          // 38 + 2 = 40
		"-" + strings.Repeat("9", 38) + ".99",  // 40
		"1" + strings.Repeat("0", 39) + " JPY", // 40, no places
		"1" + strings.Repeat("0", 36) + " KWD", // 37 + 3 = 40
		"0." + strings.Repeat("0", 38) + "1",   // 40
		"00000000000000000000000000000000000001.5",
	}
	for _, s := range accepted {
		m, err := o2o.ParseMoney(s)
		if err != nil {
			t.Errorf("ParseMoney(%s) = %v", s, err)
			continue
		}
		checkMoneyRoundTrip(t, m)
	}
	if _, err := o2o.NewMoneyIn(decimal.New(1, 38), o2o.CNY); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("NewMoneyIn(1e38 CNY) = %v, want ErrInvalid", err)
	}
	if m, err := o2o.NewMoneyIn(decimal.New(1, 37), o2o.CNY); err != nil || m.Encodable() != nil {
		t.Errorf("NewMoneyIn(1e37 CNY) = %v, %v", m, err)
	}
}

// Two 37-digit factors make an amount that cannot be written: Encodable
// says so and MarshalJSON refuses it, rather than write JSON that cannot
// be read.
func TestMoneyEncodable(t *testing.T) {
	f := o2o.MustParseMoney(strings.Repeat("9", 37))
	product := f.Mul(f.Amount())
	if err := product.Encodable(); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Encodable of a 74-digit amount = %v, want ErrInvalid", err)
	}
	if data, err := json.Marshal(product); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Marshal of a 74-digit amount = %s, %v; want ErrInvalid", data, err)
	}
	if err := o2o.NewMoney(decimal.New(1, -45)).Encodable(); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Encodable of 1e-45 = %v, want ErrInvalid", err)
	}
	if err := o2o.Currency("XXX").Zero().Encodable(); !errors.Is(err, o2o.ErrUnknownCurrency) {
		t.Errorf("Encodable in an unknown currency = %v, want ErrUnknownCurrency", err)
	}
	if err := o2o.NewMoney(decimal.New(0, 900)).Encodable(); err != nil {
		t.Errorf("Encodable of zero with a large exponent = %v", err)
	}
	for _, d := range []decimal.Decimal{decimal.New(1, 40), decimal.New(1, -40), decimal.New(123, 38), decimal.New(0, -40)} {
		v := o2o.Dec(d)
		if err := v.Encodable(); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Decimal %s: Encodable = %v, want ErrInvalid", v, err)
		}
		if _, err := json.Marshal(v); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Decimal %s: Marshal = %v, want ErrInvalid", v, err)
		}
		if _, err := v.MarshalText(); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Decimal %s: MarshalText = %v, want ErrInvalid", v, err)
		}
		if _, err := v.Value(); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Decimal %s: Value = %v, want ErrInvalid", v, err)
		}
	}
	for _, d := range []decimal.Decimal{decimal.New(1, 39), decimal.New(1, -39), decimal.New(-123, 37), decimal.New(0, -39)} {
		checkDecimalRoundTrip(t, o2o.Dec(d))
	}
}

func checkMoneyRoundTrip(t *testing.T, m o2o.Money) {
	t.Helper()
	if err := m.Encodable(); err != nil {
		t.Fatalf("%v: accepted but not Encodable: %v", m, err)
	}
	back, err := o2o.ParseMoney(m.String())
	if err != nil || !back.Equal(m) {
		t.Fatalf("ParseMoney(%q) = %v, %v; want %v", m.String(), back, err, m)
	}
	checkMoneyJSON(t, m)
}

func checkDecimalRoundTrip(t *testing.T, d o2o.Decimal) {
	t.Helper()
	if err := d.Encodable(); err != nil {
		t.Fatalf("%s: not Encodable: %v", d, err)
	}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("Marshal(%s): %v", d, err)
	}
	var back o2o.Decimal
	if err := json.Unmarshal(data, &back); err != nil || !back.Equal(d.Decimal) || back.Exponent() != d.Exponent() && d.Exponent() < 0 {
		t.Fatalf("JSON round trip of %s via %s = %s, %v", d, data, back, err)
	}
	text, _ := d.MarshalText()
	if p, err := o2o.ParseDecimal(string(text)); err != nil || !p.Equal(d.Decimal) {
		t.Fatalf("text round trip of %s = %v, %v", d, p, err)
	}
}

// TestMoneyDigitsProperty draws amounts of every length of integer part and
// of fraction up to past the bound, in every class of currency: ParseMoney
// accepts exactly those of at most MaxDigits digits written with the
// currency's places, and each one it accepts reads back from its String
// and from its JSON to the same amount.
func TestMoneyDigitsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2)) // fixed: the test is the same on every run
	digits := func(n int, lead bool) string {
		var b strings.Builder
		for i := range n {
			c := byte('0' + rng.IntN(10))
			if i == 0 && lead && c == '0' {
				c = '1'
			}
			b.WriteByte(c)
		}
		return b.String()
	}
	for _, cur := range []o2o.Currency{"JPY", o2o.CNY, "KWD"} {
		minor := int(cur.MinorDigits())
		for whole := 1; whole <= o2o.MaxDigits+1; whole++ {
			for places := 0; places+whole <= o2o.MaxDigits+2; places++ {
				s := digits(whole, true)
				if places > 0 {
					s += "." + digits(places, false)
				}
				if rng.IntN(2) == 0 {
					s = "-" + s
				}
				want := whole+max(places, minor) <= o2o.MaxDigits
				m, err := o2o.ParseMoney(s + " " + string(cur))
				if (err == nil) != want {
					t.Fatalf("ParseMoney(%s %s) = %v, %v; want accepted = %v", s, cur, m, err, want)
				}
				if err != nil {
					if !errors.Is(err, o2o.ErrInvalid) {
						t.Fatalf("ParseMoney(%s %s) = %v, not ErrInvalid", s, cur, err)
					}
					continue
				}
				checkMoneyRoundTrip(t, m)
				if d, err := o2o.ParseDecimal(s); err == nil {
					checkDecimalRoundTrip(t, o2o.Dec(d))
				}
			}
		}
	}
}
