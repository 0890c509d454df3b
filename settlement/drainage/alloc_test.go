package drainage

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/o2okit/o2okit/o2o"
	"github.com/shopspring/decimal"
)

// allocateMinor gives o2o.Allocate's amounts exactly: random 128-bit and
// small weights with many ties, more than ten shares (keys compare as
// text), totals beyond 64 bits, and currencies of 0 and 2 minor digits.
func TestAllocateMinorMatchesAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 5))
	for round := range rounds(t, 300) {
		n := 1 + rng.IntN(40)
		ws := make([][2]uint64, n)
		shares := make([]o2o.Share, n)
		for i := range ws {
			switch rng.IntN(3) {
			case 0:
				ws[i] = [2]uint64{0, uint64(rng.IntN(4))} // ties
			case 1:
				ws[i] = [2]uint64{0, rng.Uint64()}
			default:
				ws[i] = [2]uint64{rng.Uint64() >> rng.IntN(64), rng.Uint64()}
			}
			if i == 0 {
				ws[i][1] |= 1
			}
			shares[i] = o2o.Share{Key: fmt.Sprint(i), Weight: u128(ws[i][0], ws[i][1])}
		}
		total := [2]uint64{0, uint64(1 + rng.IntN(1000))}
		if round%3 == 0 {
			total = [2]uint64{rng.Uint64() >> 40, rng.Uint64()}
		}
		cur := o2o.CNY
		if round%2 == 0 {
			cur = "JPY"
		}
		m, err := o2o.NewMoneyIn(u128(total[0], total[1]).Shift(-int32(cur.MinorDigits())), cur)
		if err != nil {
			t.Fatal(err)
		}
		want, err := o2o.Allocate(m, shares)
		if err != nil {
			t.Fatal(err)
		}
		got, err := allocateMinor(total, ws, cur)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !want[i].Amount.Equal(got[i]) || want[i].Amount.String() != got[i].String() {
				t.Fatalf("round %d share %d: %s, want %s", round, i, got[i], want[i].Amount)
			}
		}
	}
}

// u128 returns hi·2^64 + lo as a decimal.
func u128(hi, lo uint64) decimal.Decimal {
	v := new(big.Int)
	v.SetUint64(hi)
	v.Lsh(v, 64)
	v.Or(v, new(big.Int).SetUint64(lo))
	return decimal.NewFromBigInt(v, 0)
}
