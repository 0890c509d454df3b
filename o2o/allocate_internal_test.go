package o2o

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestSplitPathsAgree checks that the 64-bit fast path and the decimal path
// of Allocate give the same whole units wherever the fast path applies.
func TestSplitPathsAgree(t *testing.T) {
	cases := 20_000
	if testing.Short() {
		cases = 2_000
	}
	rng := rand.New(rand.NewPCG(64, 128))
	for n := range cases {
		units := decimal.New(rng.Int64N(1_000_000_000_000_000_000), 0)
		shares := make([]Share, 1+rng.IntN(10))
		for i := range shares {
			shares[i] = Share{Key: fmt.Sprint("k", rng.IntN(50), "-", i), Weight: decimal.New(rng.Int64N(1_000_000), -int32(rng.IntN(6)))}
		}
		fast, ok := splitUint64(units, 0, shares)
		if !ok {
			t.Fatalf("case %d: fast path refused %v over %v", n, units, shares)
		}
		slow := splitDecimal(units, shares)
		if (fast == nil) != (slow == nil) {
			t.Fatalf("case %d: zero-weight verdicts differ", n)
		}
		for i := range fast {
			if !decimal.New(int64(fast[i]), 0).Equal(slow[i]) {
				t.Fatalf("case %d share %d: fast %d, decimal %s", n, i, fast[i], FormatDecimal(slow[i]))
			}
		}
	}
}

func TestScaledUint64(t *testing.T) {
	tests := []struct {
		d     string
		shift int32
		want  uint64
		ok    bool
	}{
		{"12.34", 2, 1234, true},
		{"12.3400", 2, 1234, true},
		{"-12.34", 2, 1234, true},
		{"12.345", 2, 0, false},
		{"0", 5, 0, true},
		{"18446744073709551615", 0, 0, false}, // 20 digits
		{"999999999999999999", 1, 9999999999999999990, true},
		{"999999999999999999", 2, 0, false},
		{"1", 19, 1e19, true},
		{"1", 20, 0, false},
		{"1", -20, 0, false},
	}
	for _, tt := range tests {
		got, ok := scaledUint64(MustDec(tt.d).Decimal, tt.shift)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("scaledUint64(%s, %d) = %d, %v; want %d, %v", tt.d, tt.shift, got, ok, tt.want, tt.ok)
		}
	}
}
