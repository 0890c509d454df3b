package o2o_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

func dec(s string) decimal.Decimal { return o2o.MustDec(s).Decimal }

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in         string
		amount     string
		currency   o2o.Currency
		formatted  string
		minorWhole bool
	}{
		{"12.34", "12.34", o2o.CNY, "12.34 CNY", true},
		{"12.3", "12.3", o2o.CNY, "12.30 CNY", true},
		{"12", "12", o2o.CNY, "12.00 CNY", true},
		{"-0.5", "-0.5", o2o.CNY, "-0.50 CNY", true},
		{"+7.25", "7.25", o2o.CNY, "7.25 CNY", true},
		{"0.0125", "0.0125", o2o.CNY, "0.0125 CNY", false},
		{"12.34 USD", "12.34", "USD", "12.34 USD", true},
		{"1000 JPY", "1000", "JPY", "1000 JPY", true},
		{"1.234 KWD", "1.234", "KWD", "1.234 KWD", true},
		{"1000000000000000.00", "1000000000000000", o2o.CNY, "1000000000000000.00 CNY", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := o2o.ParseMoney(tt.in)
			if err != nil {
				t.Fatalf("ParseMoney(%q): %v", tt.in, err)
			}
			if !m.Amount().Equal(dec(tt.amount)) || m.Currency() != tt.currency {
				t.Errorf("ParseMoney(%q) = %v, want %s %s", tt.in, m, tt.amount, tt.currency)
			}
			if got := m.String(); got != tt.formatted {
				t.Errorf("String() = %q, want %q", got, tt.formatted)
			}
			if m.IsWhole() != tt.minorWhole {
				t.Errorf("IsWhole() = %v, want %v", m.IsWhole(), tt.minorWhole)
			}
			back, err := o2o.ParseMoney(m.String())
			if err != nil || !back.Equal(m) {
				t.Errorf("ParseMoney(String()) = %v, %v; want %v", back, err, m)
			}
		})
	}
}

func TestParseMoneyRejects(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", o2o.ErrInvalid},
		{"abc", o2o.ErrInvalid},
		{"1e5", o2o.ErrInvalid},
		{"1.", o2o.ErrInvalid},
		{".5", o2o.ErrInvalid},
		{"1.2.3", o2o.ErrInvalid},
		{"--1", o2o.ErrInvalid},
		{"1,000", o2o.ErrInvalid},
		{"12.34 XXX", o2o.ErrUnknownCurrency},
		{"12.34 cny", o2o.ErrUnknownCurrency},
		{"12.34  CNY", o2o.ErrUnknownCurrency},
		{"12.34 ", o2o.ErrUnknownCurrency},
		{"NaN", o2o.ErrInvalid},
		{"Infinity", o2o.ErrInvalid},
		{"12345678901234567890123456789012345678901", o2o.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := o2o.ParseMoney(tt.in)
			if !errors.Is(err, tt.want) || !errors.Is(err, o2o.ErrInvalid) {
				t.Errorf("ParseMoney(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

func TestMoneyArithmetic(t *testing.T) {
	a, b := o2o.MustParseMoney("10.50"), o2o.MustParseMoney("0.75")
	usd := o2o.MustParseMoney("1.00 USD")
	mustEqual := func(name string, got o2o.Money, err error, want string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(o2o.MustParseMoney(want), got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	sum, err := a.Add(b)
	mustEqual("Add", sum, err, "11.25")
	diff, err := a.Sub(b)
	mustEqual("Sub", diff, err, "9.75")
	mustEqual("Neg", a.Neg(), nil, "-10.50")
	mustEqual("Abs", a.Neg().Abs(), nil, "10.50")
	mustEqual("Mul", a.Mul(dec("1.13")), nil, "11.865")
	total, err := o2o.Sum(a, b, a)
	mustEqual("Sum", total, err, "21.75")
	empty, err := o2o.Sum()
	mustEqual("Sum()", empty, err, "0")

	if c, err := a.Cmp(b); err != nil || c != 1 {
		t.Errorf("Cmp = %d, %v; want 1", c, err)
	}
	if !o2o.MustParseMoney("1.5").Equal(o2o.MustParseMoney("1.50")) {
		t.Error("1.5 and 1.50 should be equal")
	}
	if (o2o.Money{}).Currency() != o2o.CNY || !(o2o.Money{}).Equal(o2o.MustParseMoney("0")) {
		t.Error("the zero Money should be 0 CNY")
	}

	for name, op := range map[string]func() error{
		"Add": func() error { _, err := a.Add(usd); return err },
		"Sub": func() error { _, err := a.Sub(usd); return err },
		"Cmp": func() error { _, err := a.Cmp(usd); return err },
		"Sum": func() error { _, err := o2o.Sum(a, usd); return err },
	} {
		if err := op(); !errors.Is(err, o2o.ErrCurrencyMismatch) || !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s across currencies = %v, want ErrCurrencyMismatch", name, err)
		}
	}
	if a.Equal(o2o.MustParseMoney("10.50 USD")) {
		t.Error("Equal across currencies should be false")
	}
}

func TestMoneyRound(t *testing.T) {
	tests := []struct {
		in   string
		mode o2o.RoundingMode
		want string
	}{
		{"2.345", "", "2.34"},
		{"2.345", o2o.RoundHalfEven, "2.34"},
		{"2.355", o2o.RoundHalfEven, "2.36"},
		{"2.345", o2o.RoundHalfUp, "2.35"},
		{"-2.345", o2o.RoundHalfUp, "-2.35"},
		{"2.349", o2o.RoundDown, "2.34"},
		{"-2.349", o2o.RoundDown, "-2.34"},
		{"2.341", o2o.RoundUp, "2.35"},
		{"-2.341", o2o.RoundUp, "-2.35"},
		{"-2.341", o2o.RoundFloor, "-2.35"},
		{"2.349", o2o.RoundFloor, "2.34"},
		{"-2.349", o2o.RoundCeiling, "-2.34"},
		{"2.341", o2o.RoundCeiling, "2.35"},
		{"1.5 JPY", o2o.RoundHalfEven, "2 JPY"},
		{"2.5 JPY", o2o.RoundHalfEven, "2 JPY"},
		{"1.2345 KWD", o2o.RoundHalfEven, "1.234 KWD"},
	}
	for _, tt := range tests {
		got, err := o2o.MustParseMoney(tt.in).RoundWith(tt.mode)
		if err != nil {
			t.Fatalf("RoundWith(%q, %q): %v", tt.in, tt.mode, err)
		}
		if diff := cmp.Diff(o2o.MustParseMoney(tt.want), got); diff != "" {
			t.Errorf("RoundWith(%q, %q) (-want +got):\n%s", tt.in, tt.mode, diff)
		}
	}
	if got := o2o.MustParseMoney("2.345").Round(); !got.Equal(o2o.MustParseMoney("2.34")) {
		t.Errorf("Round() = %v, want half-even 2.34", got)
	}
	var enumErr *o2o.EnumError
	if _, err := o2o.MustParseMoney("1").RoundWith("sideways"); !errors.As(err, &enumErr) || !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("RoundWith(unknown) = %v, want *EnumError", err)
	}
	if got, _ := o2o.MustParseMoney("1.23456").RoundTo(4, o2o.RoundHalfUp); got.AmountString() != "1.2346" {
		t.Errorf("RoundTo(4) = %s, want 1.2346", got.AmountString())
	}
}

func TestMoneyConstructors(t *testing.T) {
	m, err := o2o.FromMinor(-1234, o2o.CNY)
	if err != nil || m.String() != "-12.34 CNY" {
		t.Errorf("FromMinor(-1234, CNY) = %v, %v", m, err)
	}
	m, err = o2o.FromMinor(1234, "JPY")
	if err != nil || m.String() != "1234 JPY" {
		t.Errorf("FromMinor(1234, JPY) = %v, %v", m, err)
	}
	if _, err := o2o.FromMinor(1, "XYZ"); !errors.Is(err, o2o.ErrUnknownCurrency) {
		t.Errorf("FromMinor(XYZ) = %v, want ErrUnknownCurrency", err)
	}
	if _, err := o2o.NewMoneyIn(dec("1"), "usd"); !errors.Is(err, o2o.ErrUnknownCurrency) {
		t.Errorf("NewMoneyIn(usd) = %v, want ErrUnknownCurrency", err)
	}
	if m, err := o2o.NewMoneyIn(dec("1"), ""); err != nil || m.Currency() != o2o.CNY {
		t.Errorf("NewMoneyIn with the zero Currency = %v, %v; want CNY", m, err)
	}
	if o2o.NewMoney(dec("3")).Currency() != o2o.CNY {
		t.Error("NewMoney should default to CNY")
	}
}

func TestMoneyJSON(t *testing.T) {
	in := o2o.MustParseMoney("12.3")
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"amount":"12.30","currency":"CNY"}` {
		t.Errorf("Marshal = %s", data)
	}
	var out o2o.Money
	if err := json.Unmarshal([]byte(`{"amount":"0.0125","currency":"USD"}`), &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(o2o.MustParseMoney("0.0125 USD"), out); diff != "" {
		t.Errorf("Unmarshal (-want +got):\n%s", diff)
	}

	tests := []struct {
		json string
		want error
		path string
	}{
		{`{"amount":"1.00"}`, o2o.ErrInvalid, "currency"},
		{`{"currency":"CNY"}`, o2o.ErrInvalid, "amount"},
		{`{"amount":"1.00","currency":"XYZ"}`, o2o.ErrUnknownCurrency, ""},
		{`{"amount":"1.00","currency":""}`, o2o.ErrUnknownCurrency, ""},
		{`{"amount":1.00,"currency":"CNY"}`, o2o.ErrInvalid, "amount"},
		{`{"amount":"1e3","currency":"CNY"}`, o2o.ErrInvalid, "amount"},
		{`{"amount":"1.00","currency":"CNY","note":"x"}`, o2o.ErrInvalid, "note"},
		{`{"amount":"1.00","currency":"CNY"} {}`, o2o.ErrInvalid, ""},
		{`"12.34"`, o2o.ErrInvalid, ""},
		{`null`, o2o.ErrInvalid, "amount"},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var m o2o.Money
			err := m.UnmarshalJSON([]byte(tt.json))
			if !errors.Is(err, tt.want) {
				t.Fatalf("UnmarshalJSON(%s) = %v, want %v", tt.json, err, tt.want)
			}
			var ve *o2o.ValidationError
			if tt.path != "" && (!errors.As(err, &ve) || ve.Fields[0].Path != tt.path) {
				t.Errorf("UnmarshalJSON(%s) = %v, want the field %q named", tt.json, err, tt.path)
			}
			if !m.Equal(o2o.Money{}) {
				t.Errorf("a refused UnmarshalJSON changed the value to %v", m)
			}
		})
	}
}

func TestCurrency(t *testing.T) {
	if o2o.Currency("IDR").MinorDigits() != 2 {
		t.Error("IDR has 2 minor digits (ISO 4217)")
	}
	for _, code := range []string{"CNY", "USD", "JPY", "HKD", "MOP", "TWD", "KWD"} {
		c, err := o2o.ParseCurrency(code)
		if err != nil || c.String() != code {
			t.Errorf("ParseCurrency(%q) = %v, %v", code, c, err)
		}
		text, err := c.MarshalText()
		if err != nil || string(text) != code {
			t.Errorf("MarshalText(%q) = %s, %v", code, text, err)
		}
	}
	if o2o.CNY.MinorDigits() != 2 || o2o.Currency("JPY").MinorDigits() != 0 || o2o.Currency("KWD").MinorDigits() != 3 {
		t.Error("wrong minor digits")
	}
	for _, code := range []string{"", "cny", "RMB", "XXX", "CNY "} {
		if _, err := o2o.ParseCurrency(code); !errors.Is(err, o2o.ErrUnknownCurrency) {
			t.Errorf("ParseCurrency(%q) = %v, want ErrUnknownCurrency", code, err)
		}
	}
	if _, err := o2o.Currency("RMB").MarshalText(); !errors.Is(err, o2o.ErrUnknownCurrency) {
		t.Errorf("MarshalText(RMB) = %v, want ErrUnknownCurrency", err)
	}
}

// TestDecimalGlobalsDoNotMoveOutput changes every shopspring/decimal package
// global that formatting, JSON or division read, and checks that Money,
// Allocate and Decimal give the same bytes as before.
func TestDecimalGlobalsDoNotMoveOutput(t *testing.T) {
	render := func() string {
		m := o2o.MustParseMoney("1234.5000")
		js, _ := json.Marshal(m)
		parts, err := o2o.Allocate(o2o.MustParseMoney("100.00"), []o2o.Share{
			{Key: "a", Weight: dec("1")}, {Key: "b", Weight: dec("1")}, {Key: "c", Weight: dec("1")},
		})
		if err != nil {
			t.Fatal(err)
		}
		pj, _ := json.Marshal(parts)
		d, _ := json.Marshal(o2o.MustDec("100.50"))
		big := o2o.MustParseMoney("123456789012345678.90")
		// Weights with 22 places take Allocate's decimal path.
		slow, err := o2o.Allocate(o2o.MustParseMoney("100.00"), []o2o.Share{
			{Key: "a", Weight: dec("0.0000000000000000000001")}, {Key: "b", Weight: dec("0.0000000000000000000002")},
		})
		if err != nil {
			t.Fatal(err)
		}
		sj, _ := json.Marshal(slow)
		value, _ := o2o.MustDec("1.50").Value()
		return m.String() + string(js) + string(pj) + string(d) + big.String() + o2o.FormatDecimal(dec("0.000001")) +
			string(sj) + m.Percent(dec("13")).String() + fmt.Sprint(o2o.MustDec("1.50")) + value.(string)
	}
	before := render()

	saved := struct {
		div, pow    int
		quotes      bool
		trim, sci   bool
		maxExponent int
	}{decimal.DivisionPrecision, decimal.PowPrecisionNegativeExponent, decimal.MarshalJSONWithoutQuotes,
		decimal.TrimTrailingZeros, decimal.UseScientificNotation, decimal.MaxDecodeExponent}
	t.Cleanup(func() {
		decimal.DivisionPrecision, decimal.PowPrecisionNegativeExponent = saved.div, saved.pow
		decimal.MarshalJSONWithoutQuotes, decimal.TrimTrailingZeros = saved.quotes, saved.trim
		decimal.UseScientificNotation, decimal.MaxDecodeExponent = saved.sci, saved.maxExponent
	})
	decimal.DivisionPrecision = 1
	decimal.PowPrecisionNegativeExponent = 1
	decimal.MarshalJSONWithoutQuotes = true
	decimal.TrimTrailingZeros = false
	decimal.UseScientificNotation = true
	decimal.MaxDecodeExponent = 0

	if after := render(); after != before {
		t.Errorf("output moved with decimal's globals:\nbefore %s\nafter  %s", before, after)
	}
}

func TestDecimal(t *testing.T) {
	for _, s := range []string{"0", "1.50", "-0.001", "123456789.123456789"} {
		d := o2o.MustDec(s)
		if d.String() != s {
			t.Errorf("MustDec(%q).String() = %q", s, d.String())
		}
		js, _ := json.Marshal(d)
		var back o2o.Decimal
		if err := json.Unmarshal(js, &back); err != nil || !back.Equal(d.Decimal) {
			t.Errorf("JSON round trip of %s = %v, %v", s, back, err)
		}
	}
	var d o2o.Decimal
	if err := json.Unmarshal([]byte(`2.5`), &d); err != nil || d.String() != "2.5" {
		t.Errorf("Unmarshal of a JSON number = %v, %v", d, err)
	}
	for _, bad := range []string{`null`, `"x"`, `true`, `"1e2"`, `"\x"`} {
		if err := d.UnmarshalJSON([]byte(bad)); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("UnmarshalJSON(%s) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestMinorUnits(t *testing.T) {
	for in, want := range map[string]int64{
		"12.34": 1234, "-0.5": -50, "1.2300": 123, "0": 0, "1000 JPY": 1000,
		"10000000000000000.00":  1_000_000_000_000_000_000,
		"92233720368547758.07":  math.MaxInt64,
		"-92233720368547758.08": math.MinInt64,
		"1.0000000000000000000": 100,
	} {
		if got, ok := o2o.MustParseMoney(in).MinorUnits(); !ok || got != want {
			t.Errorf("MinorUnits(%s) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"0.001", "100000000000000000000.00", "92233720368547758.08", "1.0000000000000000001"} {
		if got, ok := o2o.MustParseMoney(in).MinorUnits(); ok {
			t.Errorf("MinorUnits(%s) = %d, true; want false", in, got)
		}
	}
}

func TestMoneyExponentBounds(t *testing.T) {
	for _, e := range []int32{math.MaxInt32, math.MinInt32, 1001, -1001} {
		if _, err := o2o.NewMoneyIn(decimal.New(1, e), o2o.CNY); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("NewMoneyIn(1e%d) = %v, want ErrInvalid", e, err)
		}
	}
	if _, err := json.Marshal(o2o.Currency("XYZ").Zero()); !errors.Is(err, o2o.ErrUnknownCurrency) {
		t.Errorf("Marshal of a Money in an unknown currency = %v, want ErrUnknownCurrency", err)
	}
}

func TestDecimalDatabaseAndFormat(t *testing.T) {
	d := o2o.MustDec("1.50")
	if v, err := d.Value(); err != nil || v != "1.50" {
		t.Errorf("Value = %v, %v", v, err)
	}
	var back o2o.Decimal
	for _, src := range []any{"2.250", []byte("2.250")} {
		if err := back.Scan(src); err != nil || back.String() != "2.250" {
			t.Errorf("Scan(%T) = %v, %v", src, back, err)
		}
	}
	if err := back.Scan(int64(7)); err != nil || back.String() != "7" {
		t.Errorf("Scan(int64) = %v, %v", back, err)
	}
	if err := back.Scan(1.5); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Scan(float64) = %v, want ErrInvalid", err)
	}
	if got := fmt.Sprintf("[%6v][%-6s]", d, d); got != "[  1.50][1.50  ]" {
		t.Errorf("widths = %s", got)
	}
}

// TestValidateConcurrently shares the one validator instance between
// goroutines; run under -race it shows the instance is safe to share.
func TestValidateConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				o := sampleOrder()
				if (g+i)%2 == 0 {
					o.Lines[0].SKU = ""
				}
				err := o.Validate()
				if ((g+i)%2 == 0) != (err != nil) {
					t.Errorf("goroutine %d, order %d: Validate = %v", g, i, err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestDecodeJSONPaths(t *testing.T) {
	type line struct {
		SKU   string      `json:"sku"`
		Price o2o.Money   `json:"price"`
		Kind  o2o.Channel `json:"channel"`
	}
	type doc struct {
		Region o2o.RegionCode `json:"region"`
		Lines  []line         `json:"lines"`
	}
	tests := []struct {
		json string
		path string
		want error
	}{
		{`{"lines":[{"sku":"a"},{"sku":"b","price":{"amount":"1.00"}}]}`, "lines[1].price.currency", o2o.ErrInvalid},
		{`{"lines":[{"price":{"amount":"1.00","currency":"CNY","note":1}}]}`, "lines[0].price.note", o2o.ErrInvalid},
		{`{"lines":[{"price":{"amount":"1.00","currency":"XYZ"}}]}`, "lines[0].price.currency", o2o.ErrUnknownCurrency},
		{`{"region":"990000"}`, "region", o2o.ErrInvalid},
		{`{"lines":[{},{},{"channel":"B2C"}]}`, "lines[2].channel", o2o.ErrInvalid},
		{`{"lines":[{"sku":1}]}`, "lines[0].sku", o2o.ErrInvalid},
		{`{"lines":[{"price":{"amount":"1.00","currency":"CNY","Amount":"999.00"}}]}`, "lines[0].price.Amount", o2o.ErrInvalid},
		{`{"lines":[],"lines":[]}`, "lines", o2o.ErrInvalid},
		{`{"LINES":[]}`, "LINES", o2o.ErrInvalid},
	}
	for _, tt := range tests {
		var d doc
		err := o2o.DecodeJSON([]byte(tt.json), &d)
		var ve *o2o.ValidationError
		if !errors.Is(err, tt.want) || !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
			t.Errorf("DecodeJSON(%s) = %v, want %v at %q", tt.json, err, tt.want, tt.path)
		}
	}
	var d doc
	err := o2o.DecodeJSON([]byte(`{"lines":[{"channel":"B2C"}]}`), &d)
	var ee *o2o.EnumError
	if !errors.As(err, &ee) || ee.Value != "B2C" {
		t.Errorf("an unknown enum inside a document = %v, want its *EnumError", err)
	}
}
