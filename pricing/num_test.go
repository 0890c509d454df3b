package pricing

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// genCoef returns a coefficient of random size, sign and magnitude,
// including values near the int64 limits so that overflow is exercised.
func genCoef(r *rand.Rand) int64 {
	switch r.IntN(8) {
	case 0:
		return 0
	case 1:
		return []int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 5, -5, 15, -25}[r.IntN(8)]
	case 2:
		return r.Int64() - r.Int64() // full range
	}
	c := r.Int64N(pow10s[r.IntN(12)] + 1)
	if r.IntN(3) == 0 {
		c = -c
	}
	return c
}

func genNum(r *rand.Rand) num {
	return num{c: genCoef(r), e: int32(r.IntN(13) - 8)}
}

// sameDec reports whether n and d have the same value and exponent: what
// makes Money format and marshal the same.
func sameDec(n num, d decimal.Decimal) bool {
	got := n.dec()
	return got.Exponent() == d.Exponent() && got.Equal(d)
}

// TestNumMatchesDecimal checks every num operation against
// shopspring/decimal over many generated operands: the value and the
// exponent must agree exactly, whether the int64 path or its decimal
// fallback computed the result.
func TestNumMatchesDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	modes := append(o2o.RoundingModes(), "")
	small := 0
	for i := range n {
		a, b := genNum(r), genNum(r)
		da, db := a.dec(), b.dec()
		check := func(op string, got num, want decimal.Decimal) {
			t.Helper()
			if !got.wide {
				small++
			}
			if !sameDec(got, want) {
				t.Fatalf("#%d %s(%v, %v) = %v (e %d), decimal says %v (e %d)", i, op, da, db, got.dec(), got.dec().Exponent(), want, want.Exponent())
			}
		}
		check("add", a.add(b), da.Add(db))
		check("sub", a.sub(b), da.Sub(db))
		check("mul", a.mul(b), da.Mul(db))
		if got, want := a.cmp(b), da.Cmp(db); got != want {
			t.Fatalf("#%d cmp(%v, %v) = %d, decimal says %d", i, da, db, got, want)
		}
		if got, want := a.same(b), da.Exponent() == db.Exponent() && da.Equal(db); got != want {
			t.Fatalf("#%d same(%v, %v) = %v", i, da, db, got)
		}
		places := int32(r.IntN(7) - 1)
		mode := modes[r.IntN(len(modes))]
		want, err := o2o.NewMoney(da).RoundTo(places, mode)
		if err != nil {
			t.Fatal(err)
		}
		check("round "+string(mode), a.roundTo(places, mode), want.Amount())
		if db.Sign() != 0 {
			prec := int32(r.IntN(16))
			check("divRound", a.divRound(b, prec), da.DivRound(db, prec))
		}
		// A value read back from decimal is the same num.
		if back := numOf(da); !back.wide && (back.c != a.c || back.e != a.e) {
			t.Fatalf("#%d numOf(%v) = %+v, want %+v", i, da, back, a)
		}
	}
	// Most results must have stayed on the int64 path, or the test
	// exercises only the fallback.
	if small < n*3 {
		t.Fatalf("only %d of about %d results on the int64 path", small, n*5)
	}
}

// TestNumOverflowFallsBack pins results that do not fit in an int64: they
// are computed in decimal, never wrapped.
func TestNumOverflowFallsBack(t *testing.T) {
	big := num{c: math.MaxInt64, e: 0}
	for _, tc := range []struct {
		name string
		got  num
		want string
	}{
		{"add", big.add(num{c: 1}), "9223372036854775808"},
		{"sub", num{c: math.MinInt64}.sub(num{c: 1}), "-9223372036854775809"},
		{"mul", big.mul(num{c: 10}), "92233720368547758070"},
		{"align", num{c: 1, e: 0}.add(num{c: 1, e: -19}), "1.0000000000000000001"},
		{"rescale", big.roundTo(2, o2o.RoundHalfEven), "9223372036854775807.00"},
	} {
		if !tc.got.wide {
			t.Errorf("%s: stayed on the int64 path: %+v", tc.name, tc.got)
		}
		if s := o2o.FormatDecimal(tc.got.dec()); s != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, s, tc.want)
		}
	}
}
