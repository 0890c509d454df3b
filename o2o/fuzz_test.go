package o2o_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

// Every fuzz target checks that input never panics, that a refusal wraps
// ErrInvalid, and that anything accepted round-trips.

func FuzzParseRegionCode(f *testing.F) {
	for _, s := range []string{"440000", "440300", "440305", "440305001", "441900003", "350527000", "429004", "990000", "44030", "4403050011", "44030a", "440012"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := o2o.ParseRegionCode(s)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("ParseRegionCode(%q) = %v, not ErrInvalid", s, err)
			}
			return
		}
		if r.String() != s {
			t.Fatalf("String() = %q, want %q", r.String(), s)
		}
		text, _ := r.MarshalText()
		var back o2o.RegionCode
		if err := back.UnmarshalText(text); err != nil || back != r {
			t.Fatalf("text round trip of %q = %v, %v", s, back, err)
		}
		for _, a := range r.Ancestors() {
			if !a.Contains(r) || a.Level().Rank() >= r.Level().Rank() {
				t.Fatalf("%q: ancestor %q does not contain it or is not above it", s, a)
			}
			if _, err := o2o.ParseRegionCode(a.String()); err != nil {
				t.Fatalf("%q: ancestor %q does not parse: %v", s, a, err)
			}
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12.34", "-0.5", "12.34 USD", "1000 JPY", "1e5", "", "1.", ".5", "+7", "0.0000001 KWD", "12.34 XXX",
		"10000000000000000000000000000000000000", "1000000000000000000000000000000000000000 JPY", "0.000000000000000000000000000000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := o2o.ParseMoney(s)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("ParseMoney(%q) = %v, not ErrInvalid", s, err)
			}
			return
		}
		back, err := o2o.ParseMoney(m.String())
		if err != nil || !back.Equal(m) {
			t.Fatalf("ParseMoney(%q).String() = %q does not round-trip: %v, %v", s, m.String(), back, err)
		}
		checkMoneyJSON(t, m)
	})
}

func checkMoneyJSON(t *testing.T, m o2o.Money) {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("Marshal(%v): %v", m, err)
	}
	var back o2o.Money
	if err := json.Unmarshal(data, &back); err != nil || !back.Equal(m) {
		t.Fatalf("JSON round trip of %v via %s = %v, %v", m, data, back, err)
	}
}

func FuzzMoneyJSON(f *testing.F) {
	for _, s := range []string{`{"amount":"12.34","currency":"CNY"}`, `{"amount":"1","currency":"JPY"}`, `{"amount":"1"}`, `{"amount":1,"currency":"CNY"}`, `{"currency":"USD","amount":"-0.001"}`, `null`, `{}`, `[]`,
		`{"amount":"100000000000000000000000000000000000000","currency":"CNY"}`, "{\"amount\":\"1\",\"currency\":\"CNY\",\"\xff\":1}",
		"\xEF\xBB\xBF{\"amount\":\"1\",\"currency\":\"CNY\"}", `{"amount":"1","currency":"CNY","amount":"2"}`, `{"amount":"1","currency":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m o2o.Money
		if err := m.UnmarshalJSON(data); err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("UnmarshalJSON(%q) = %v, not ErrInvalid", data, err)
			}
			return
		}
		checkMoneyJSON(t, m)
	})
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-1.50", "+3", "1e3", "", ".", "00012.3400", "99999999999999999999999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := o2o.ParseDecimal(s)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("ParseDecimal(%q) = %v, not ErrInvalid", s, err)
			}
			return
		}
		back, err := o2o.ParseDecimal(o2o.FormatDecimal(d))
		if err != nil || !back.Equal(d) || back.Exponent() != d.Exponent() {
			t.Fatalf("ParseDecimal(%q) = %s does not round-trip exactly: %v, %v", s, o2o.FormatDecimal(d), back, err)
		}
		checkDecimalRoundTrip(t, o2o.Dec(d))
	})
}

// FuzzMoneyProduct multiplies two amounts, as a quote multiplies a price by
// a quantity: a product that is Encodable reads back from its JSON, and one
// that is not is refused by MarshalJSON with ErrInvalid, never written.
func FuzzMoneyProduct(f *testing.F) {
	nines := "9999999999999999999999999999999999999" // 37 digits
	for _, p := range [][2]string{{"12.34", "3"}, {nines, nines}, {"0.0001", "0.0001"}, {"1" + nines, "10"}, {"-5.5", "0.000000000000000000001"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		m, err := o2o.ParseMoney(a)
		if err != nil {
			return
		}
		q, err := o2o.ParseDecimal(b)
		if err != nil {
			return
		}
		product := m.Mul(q)
		if err := product.Encodable(); err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("Encodable(%s × %s) = %v, not ErrInvalid", a, b, err)
			}
			if data, err := json.Marshal(product); !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("Marshal of %s × %s, not Encodable, = %s, %v", a, b, data, err)
			}
			return
		}
		checkMoneyRoundTrip(t, product)
	})
}

func FuzzCatalogJSON(f *testing.F) {
	f.Add([]byte(`{"products":[{"sku":"T-1","brand":"b","model":"m","category":"tile","line":"o2o","unit":"m2"}]}`))
	f.Add([]byte(`{"products":[{"sku":"S","brand":"b","model":"m","category":"svc","line":"dealer","service":"design"},{"sku":"S","brand":"b","model":"m","category":"c","line":"o2o"}]}`))
	f.Add([]byte(`{"products":[]}`))
	f.Add([]byte(`{"products":null,"x":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := o2o.ParseCatalogJSON(data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("ParseCatalogJSON(%q) = %v, not ErrInvalid", data, err)
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		back, err := o2o.ParseCatalogJSON(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if diff := cmp.Diff(c.Products(), back.Products()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
