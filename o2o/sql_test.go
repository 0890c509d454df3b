package o2o_test

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Every type a table holds is a driver.Valuer, and its pointer an sql.Scanner.
var (
	_ driver.Valuer = o2o.Money{}
	_ sql.Scanner   = (*o2o.Money)(nil)
	_ driver.Valuer = o2o.Decimal{}
	_ sql.Scanner   = (*o2o.Decimal)(nil)
	_ driver.Valuer = o2o.Currency("")
	_ sql.Scanner   = (*o2o.Currency)(nil)
	_ driver.Valuer = o2o.RegionCode{}
	_ sql.Scanner   = (*o2o.RegionCode)(nil)
	_ driver.Valuer = o2o.RegionLevel("")
	_ sql.Scanner   = (*o2o.RegionLevel)(nil)
	_ driver.Valuer = o2o.Channel("")
	_ sql.Scanner   = (*o2o.Channel)(nil)
	_ driver.Valuer = o2o.PartyKind("")
	_ sql.Scanner   = (*o2o.PartyKind)(nil)
	_ driver.Valuer = o2o.Segment("")
	_ sql.Scanner   = (*o2o.Segment)(nil)
	_ driver.Valuer = o2o.Line("")
	_ sql.Scanner   = (*o2o.Line)(nil)
	_ driver.Valuer = o2o.ServiceKind("")
	_ sql.Scanner   = (*o2o.ServiceKind)(nil)
	_ driver.Valuer = o2o.Unit("")
	_ sql.Scanner   = (*o2o.Unit)(nil)
	_ driver.Valuer = o2o.Venue("")
	_ sql.Scanner   = (*o2o.Venue)(nil)
	_ driver.Valuer = o2o.RoundingMode("")
	_ sql.Scanner   = (*o2o.RoundingMode)(nil)
)

// roundTrip writes v with Value, checks that the driver accepts what it
// wrote, and reads it back into dst from a string and from a []byte.
func roundTrip[T any, P interface {
	*T
	sql.Scanner
}](t *testing.T, v driver.Valuer, eq func(a, b T) bool) {
	t.Helper()
	dv, err := v.Value()
	if err != nil {
		t.Fatalf("%v: Value: %v", v, err)
	}
	if !driver.IsValue(dv) {
		t.Fatalf("%v: Value %#v is not a driver.Value", v, dv)
	}
	s, ok := dv.(string)
	if !ok {
		t.Fatalf("%v: Value %#v is not text", v, dv)
	}
	for _, src := range []any{s, []byte(s)} {
		var got T
		if err := P(&got).Scan(src); err != nil {
			t.Fatalf("%v: Scan(%#v): %v", v, src, err)
		}
		if !eq(got, v.(any).(T)) {
			t.Errorf("%v: Scan(Value()) = %v", v, got)
		}
	}
}

func same[T comparable](a, b T) bool { return a == b }

func TestSQLRoundTrip(t *testing.T) {
	for _, s := range []string{"12.30 CNY", "0.00 CNY", "-5.00 CNY", "0.0125 CNY", "1000 JPY", "1.234 KWD", "99999999999999999999.99 USD"} {
		roundTrip[o2o.Money](t, o2o.MustParseMoney(s), o2o.Money.Equal)
	}
	roundTrip[o2o.Money](t, o2o.Money{}, o2o.Money.Equal)
	for _, s := range []string{"440000", "440300", "440305", "440305001", "350527000", ""} {
		var r o2o.RegionCode
		if s != "" {
			r = o2o.MustRegionCode(s)
		}
		roundTrip[o2o.RegionCode](t, r, o2o.RegionCode.Equal)
	}
	roundTrip[o2o.Currency](t, o2o.CNY, same)
	roundTrip[o2o.Currency](t, o2o.Currency("JPY"), same)
	for _, v := range o2o.RegionLevels() {
		roundTrip[o2o.RegionLevel](t, v, same)
	}
	for _, v := range o2o.Channels() {
		roundTrip[o2o.Channel](t, v, same)
	}
	for _, v := range o2o.PartyKinds() {
		roundTrip[o2o.PartyKind](t, v, same)
	}
	for _, v := range o2o.Segments() {
		roundTrip[o2o.Segment](t, v, same)
	}
	for _, v := range o2o.Lines() {
		roundTrip[o2o.Line](t, v, same)
	}
	for _, v := range append(o2o.ServiceKinds(), "") {
		roundTrip[o2o.ServiceKind](t, v, same)
	}
	for _, v := range o2o.Units() {
		roundTrip[o2o.Unit](t, v, same)
	}
	for _, v := range o2o.Venues() {
		roundTrip[o2o.Venue](t, v, same)
	}
	for _, v := range o2o.RoundingModes() {
		roundTrip[o2o.RoundingMode](t, v, same)
	}
}

// TestSQLZeroValues: the zero Currency and RoundingMode are written as what
// they mean (CNY, half_even), so they read back as that.
func TestSQLZeroValues(t *testing.T) {
	for _, c := range []struct {
		v    driver.Valuer
		want string
	}{{o2o.Currency(""), "CNY"}, {o2o.RoundingMode(""), "half_even"}, {o2o.Money{}, "0.00 CNY"}, {o2o.RegionCode{}, ""}} {
		got, err := c.v.Value()
		if err != nil || got != c.want {
			t.Errorf("%#v.Value() = %#v, %v; want %q", c.v, got, err, c.want)
		}
	}
}

// TestSQLNumericColumns reads money kept in two columns, a NUMERIC amount
// and a CHAR(3) currency, the way the reference schema stores it.
func TestSQLNumericColumns(t *testing.T) {
	var amount o2o.Decimal
	var cur o2o.Currency
	if err := amount.Scan([]byte("4199.00")); err != nil {
		t.Fatal(err)
	}
	if err := cur.Scan("CNY"); err != nil {
		t.Fatal(err)
	}
	m, err := o2o.NewMoneyIn(amount.Decimal, cur)
	if err != nil {
		t.Fatal(err)
	}
	if want := o2o.MustParseMoney("4199.00 CNY"); !m.Equal(want) || m.String() != want.String() {
		t.Errorf("got %v, want %v", m, want)
	}
}

// TestSQLValueRefused: what would not read back is not written.
func TestSQLValueRefused(t *testing.T) {
	big := o2o.MustParseMoney("1 CNY").Mul(decimal.RequireFromString("1e45"))
	for name, v := range map[string]driver.Valuer{
		"money too long":      big,
		"money, unknown code": o2o.Currency("XXX").Zero(),
		"currency":            o2o.Currency("XXX"),
		"region level":        o2o.RegionLevel("planet"),
		"channel":             o2o.Channel("tv"),
		"party kind":          o2o.PartyKind("alien"),
		"segment":             o2o.Segment("vip"),
		"line":                o2o.Line("boats"),
		"service kind":        o2o.ServiceKind("massage"),
		"unit":                o2o.Unit("furlong"),
		"venue":               o2o.Venue("moon"),
		"rounding mode":       o2o.RoundingMode("random"),
	} {
		got, err := v.Value()
		if err == nil || !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: Value() = %#v, %v; want an error wrapping ErrInvalid", name, got, err)
		}
	}
}

// TestSQLScanRefused: bad text, NULL and non-text values are refused with
// ErrInvalid, and the destination keeps its value.
func TestSQLScanRefused(t *testing.T) {
	bad := []any{nil, int64(7), 1.5, true, "x", []byte("\xff")}
	check := func(name string, s sql.Scanner, extra ...any) {
		t.Helper()
		before, _ := s.(driver.Valuer).Value()
		for _, src := range append(append([]any{}, bad...), extra...) {
			err := s.Scan(src)
			if err == nil || !errors.Is(err, o2o.ErrInvalid) {
				t.Errorf("%s: Scan(%#v) = %v; want an error wrapping ErrInvalid", name, src, err)
			}
			if after, _ := s.(driver.Valuer).Value(); after != before {
				t.Errorf("%s: Scan(%#v) changed the destination from %v to %v", name, src, before, after)
			}
		}
	}
	m := o2o.MustParseMoney("1.00 CNY")
	check("money", &m, "1.00", "1.00 XXX", "1,00 CNY", "", " CNY", "1e3 CNY", "NaN CNY", "1.00 CNY extra",
		"1"+string(make([]byte, 60))+" CNY", "12345678901234567890123456789012345678901 CNY")
	c := o2o.CNY
	check("currency", &c, "cny", "", "XXX", "CNY ")
	r := o2o.MustRegionCode("440305")
	check("region code", &r, "123", "000000", "44030", "440305 ", "4403050011")
	l := o2o.LevelCounty
	check("region level", &l, "")
	ch := o2o.ChannelO2O
	check("channel", &ch, "", "O2O")
	pk := o2o.PartyStore
	check("party kind", &pk, "")
	sg := o2o.SegmentRetail
	check("segment", &sg, "")
	ln := o2o.LineO2O
	check("line", &ln, "")
	sk := o2o.ServiceDesign
	check("service kind", &sk, "Design")
	u := o2o.UnitPiece
	check("unit", &u, "")
	v := o2o.VenueStore
	check("venue", &v, "")
	rm := o2o.RoundHalfUp
	check("rounding mode", &rm, "")
	// A Decimal also reads an integer column.
	d := o2o.MustDec("1.5")
	for _, src := range []any{nil, 1.5, true, "", "1e3", "abc", []byte("\xff")} {
		if err := d.Scan(src); err == nil || !errors.Is(err, o2o.ErrInvalid) || d.String() != "1.5" {
			t.Errorf("decimal: Scan(%#v) = %v, left %v; want an error wrapping ErrInvalid, 1.5", src, err, d)
		}
	}
}

// FuzzMoneyScan: whatever text a column holds, Scan either refuses it with
// ErrInvalid, leaving the destination alone, or reads a Money whose Value
// scans back to the same money.
func FuzzMoneyScan(f *testing.F) {
	for _, s := range []string{"12.30 CNY", "0 JPY", "-0.001 KWD", "1.00", "1 XXX", "", " ", "1e3 CNY", "00.10 CNY", "+1.5 USD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := o2o.MustParseMoney("7.00 CNY")
		if err := m.Scan(s); err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("Scan(%q): %v does not wrap ErrInvalid", s, err)
			}
			if m.String() != "7.00 CNY" {
				t.Fatalf("Scan(%q) failed but changed the destination to %v", s, m)
			}
			return
		}
		v, err := m.Value()
		if err != nil {
			t.Fatalf("Scan(%q) gave %v, whose Value fails: %v", s, m, err)
		}
		var back o2o.Money
		if err := back.Scan(v); err != nil || !back.Equal(m) || back.String() != m.String() {
			t.Fatalf("Scan(%q) = %v; Value %q scans back to %v, %v", s, m, v, back, err)
		}
	})
}
