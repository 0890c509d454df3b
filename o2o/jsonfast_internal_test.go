package o2o

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// moneyInputs are Money documents in the usual form and around it: the
// one-pass reader must take exactly what the strict decoder takes.
var moneyInputs = []string{
	`{"amount":"12.34","currency":"CNY"}`,
	`{"currency":"CNY","amount":"12.34"}`,
	` { "amount" : "-0.50" , "currency" : "USD" } `,
	`{"amount":"+7","currency":"JPY"}`,
	`{"amount":"007.250","currency":"KWD"}`,
	`{"amount":"123456789012345678","currency":"CNY"}`,
	`{"amount":"1234567890123456789","currency":"CNY"}`,
	`{"amount":"12345678901234567890123456789012345678.90","currency":"CNY"}`,
	`{"amount":"123456789012345678901234567890123456789.90","currency":"CNY"}`,
	`{"amount":"1.00","currency":""}`,
	`{"amount":"1.00","currency":"XXX"}`,
	`{"amount":"1.00","currency":"cny"}`,
	`{"amount":"1.00"}`,
	`{"currency":"CNY"}`,
	`{}`,
	`{"amount":"1.00","currency":"CNY","note":"x"}`,
	`{"amount":"1.00","amount":"2.00"}`,
	`{"amount":"1.00","currency":"CNY","currency":"CNY"}`,
	`{"amount":"1.00","Currency":"CNY"}`,
	`{"amount":"1.\u0030","currency":"CNY"}`,
	`{"amount":"1.00","currency":"C\u004eY"}`,
	`{"amount":1.00,"currency":"CNY"}`,
	`{"amount":null,"currency":"CNY"}`,
	`{"amount":"1.","currency":"CNY"}`,
	`{"amount":".5","currency":"CNY"}`,
	`{"amount":"-","currency":"CNY"}`,
	`{"amount":"","currency":"CNY"}`,
	`{"amount":"1e3","currency":"CNY"}`,
	`{"amount":"1.00","currency":"CNY"}x`,
	`{"amount":"1.00","currency":"CNY"`,
	`{"amount":"1.00" "currency":"CNY"}`,
	`{"amount":"1.00",,"currency":"CNY"}`,
	"{\"amount\":\"1.00\",\"currency\":\"CN\xffY\"}",
	`null`,
	`"1.00 CNY"`,
	`[]`,
}

// agree fails unless the one-pass reader, when it reads data, gives what
// the strict decoder gives.
func agree(t *testing.T, data []byte) {
	t.Helper()
	fast, ok := parseMoneyJSON(data)
	strict, err := decodeMoneyStrict(data)
	if !ok {
		return
	}
	if err != nil {
		t.Fatalf("%s: the one-pass reader took it, the strict decoder refuses it: %v", data, err)
	}
	if !reflect.DeepEqual(fast, strict) {
		t.Fatalf("%s: one-pass %#v, strict %#v", data, fast, strict)
	}
}

func TestParseMoneyJSONAgrees(t *testing.T) {
	read := 0
	for _, in := range moneyInputs {
		agree(t, []byte(in))
		if _, ok := parseMoneyJSON([]byte(in)); ok {
			read++
		}
	}
	if read < 5 {
		t.Errorf("the one-pass reader read only %d of the usual forms", read)
	}
	// Every form it does not read still decodes, or fails, as before.
	var m Money
	if err := m.UnmarshalJSON([]byte(`{"amount":"1.00","currency":"CNY","note":"x"}`)); err == nil || !strings.Contains(err.Error(), "note") {
		t.Errorf("an unknown field: %v, want an error naming it", err)
	}
	if err := m.UnmarshalJSON([]byte(`{"amount":"1.00","amount":"2.00","currency":"CNY"}`)); err == nil || !errors.Is(err, ErrInvalid) {
		t.Errorf("a repeated field: %v, want ErrInvalid", err)
	}
}

func FuzzMoneyJSONPaths(f *testing.F) {
	for _, in := range moneyInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) { agree(t, data) })
}

// TestParseSmallDecimalAgrees: the int64 path parses as the general one.
func TestParseSmallDecimalAgrees(t *testing.T) {
	for _, s := range []string{"0", "-0", "+0.00", "1", "-1.5", "0.001", "007.250", "999999999999999999",
		"-999999999999999999", "99999999999999999.9", "0.000000000000000001", "1234567890.12345678"} {
		small, ok := parseSmallDecimal(s)
		general, err := parseDecimalGeneral(s)
		if !ok || err != nil {
			t.Fatalf("%s: small ok %v, general %v", s, ok, err)
		}
		if !reflect.DeepEqual(small, general) {
			t.Errorf("%s: small %#v, general %#v", s, small, general)
		}
	}
	for _, s := range []string{"", "-", ".", "1.", ".5", "1..2", "1e3", "1 ", "1234567890123456789", "--1", "+-1", "１"} {
		if _, ok := parseSmallDecimal(s); ok {
			t.Errorf("%q: the small path took it", s)
		}
	}
}

// TestAppendFixedMatchesStringFixed: the int64 formatting writes what
// StringFixed writes, for every places from the exponent up.
func TestAppendFixedMatchesStringFixed(t *testing.T) {
	var ds []decimal.Decimal
	for _, c := range []int64{0, 1, -1, 5, -50, 12345, -987654321, 999999999999999999, -999999999999999999} {
		for e := int32(-20); e <= 22; e += 3 {
			ds = append(ds, decimal.New(c, e))
		}
	}
	ds = append(ds, MustDec("123456789012345678901234567890.12").Decimal)
	for _, d := range ds {
		for places := max(0, -d.Exponent()); places <= max(0, -d.Exponent())+3; places++ {
			got, want := string(appendFixed([]byte("x"), d, places)), "x"+d.StringFixed(places)
			if got != want {
				t.Errorf("appendFixed(%s, %d) = %s, want %s", d.StringFixed(places), places, got, want)
			}
		}
	}
}

// TestMoneyJSONAllocs: encoding a Money is one allocation (its bytes),
// and reading its usual form no more than the decimal's own; both used
// to cost several (a buffer, quoted copies, a second strict decode).
func TestMoneyJSONAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	m := MustParseMoney("1234.50")
	if n := testing.AllocsPerRun(100, func() {
		if _, err := m.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("Money.MarshalJSON: %v allocations, want at most 1", n)
	}
	data := []byte(`{"amount":"1234.50","currency":"CNY"}`)
	if n := testing.AllocsPerRun(100, func() {
		var v Money
		if err := v.UnmarshalJSON(data); err != nil {
			t.Fatal(err)
		}
	}); n > 2 {
		t.Errorf("Money.UnmarshalJSON: %v allocations, want at most 2", n)
	}
	d := Dec(decimal.New(125, -1))
	if n := testing.AllocsPerRun(100, func() {
		if _, err := d.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("Decimal.MarshalJSON: %v allocations, want at most 1", n)
	}
}
