package settlement

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// TestAmountText: amountText formats exactly as Money.AmountString, for
// every currency scale, sign, magnitude and exponent (extra trailing zeros
// too), so that reasons built with it read as before.
func TestAmountText(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	currencies := []o2o.Currency{o2o.CNY, "JPY", "KWD"}
	fixed := []int64{0, 1, -1, 5, -5, 9, 10, 99, 100, -100, 101, 12345, -12345, MaxPostingUnits, -MaxPostingUnits, math.MaxInt64, math.MinInt64 + 1}
	for c := range 20_000 {
		cur := currencies[c%len(currencies)]
		u := r.Int64N(1 << uint(1+r.IntN(62)))
		if c < len(fixed)*len(currencies) {
			u = fixed[c/len(currencies)]
		} else if r.IntN(2) == 0 {
			u = -u
		}
		digits := cur.MinorDigits()
		exps := []int32{-digits, -digits + 1, -digits - 1, -digits + 2}
		for _, e := range exps {
			d := decimal.New(u, -digits)
			if e != -digits && e > -digits {
				// The same value with a coarser exponent, when exact.
				k := int64(math.Pow10(int(e + digits)))
				if u%k != 0 {
					continue
				}
				d = decimal.New(u/k, e)
			} else if e < -digits {
				d = decimal.New(u, -digits).Add(decimal.New(0, e)) // a finer exponent
				d = decimal.NewFromBigInt(d.Coefficient(), d.Exponent())
			}
			m, err := o2o.NewMoneyIn(d, cur)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := amountText(m), m.AmountString(); got != want {
				t.Fatalf("amountText(%s %s) = %q, AmountString %q", o2o.FormatDecimal(d), cur, got, want)
			}
		}
	}
}
