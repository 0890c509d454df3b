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

// allocate128, where it takes the figures, gives allocateMinorBig's parts
// exactly: random weights of every width (many ties, weights near 2^128
// in sum), totals up to 2^63, and the edges of what it takes. quoRem128 is
// checked against big.Int on its own, divisors of one word and of two.
func TestAllocate128MatchesBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 9))
	taken := 0
	for round := range rounds(t, 3000) {
		n := 1 + rng.IntN(30)
		ws := make([][2]uint64, n)
		for i := range ws {
			switch rng.IntN(4) {
			case 0:
				ws[i] = [2]uint64{0, uint64(rng.IntN(4))}
			case 1:
				ws[i] = [2]uint64{0, rng.Uint64()}
			case 2:
				ws[i] = [2]uint64{rng.Uint64() >> (1 + rng.IntN(63)), rng.Uint64()}
			default:
				ws[i] = [2]uint64{rng.Uint64() >> 5, rng.Uint64()} // sums may pass 2^128
			}
		}
		if round%2 == 0 { // attribution's usual figures: weights and total well within the words
			for i := range ws {
				ws[i] = [2]uint64{0, ws[i][1] >> 4}
			}
		}
		ws[0][1] |= 1
		total := [2]uint64{0, rng.Uint64() >> rng.IntN(64)}
		if round%2 == 0 {
			total[1] >>= 20
		}
		if round%7 == 0 {
			total = [2]uint64{0, 1<<63 - 1}
		}
		got, ok := allocate128(total, ws)
		want, err := allocateMinorBig(total, ws, "JPY")
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		taken++
		for i := range got {
			if m, _ := want[i].MinorUnits(); uint64(m) != got[i] {
				t.Fatalf("round %d part %d: %d, want %s", round, i, got[i], want[i])
			}
		}
	}
	if taken < rounds(t, 3000)/3 {
		t.Fatalf("allocate128 took only %d of the cases", taken)
	}
	if _, ok := allocate128([2]uint64{1, 0}, [][2]uint64{{0, 1}}); ok {
		t.Error("took a total beyond 64 bits")
	}
	if _, ok := allocate128([2]uint64{0, 1}, [][2]uint64{{1 << 63, 0}, {1 << 63, 0}}); ok {
		t.Error("took weights summing to 2^128")
	}
	for range rounds(t, 20000) {
		d := [2]uint64{rng.Uint64() >> rng.IntN(65), rng.Uint64() >> rng.IntN(64)}
		if d == [2]uint64{} {
			d[1] = 1
		}
		bd := bigU128(d[0], d[1])
		// n < d·2^64, so the quotient fits in a word.
		bn := new(big.Int).Mul(bd, new(big.Int).SetUint64(rng.Uint64()))
		bn.Add(bn, new(big.Int).Mod(bigU128(rng.Uint64(), rng.Uint64()), bd))
		if bn.BitLen() > 128 {
			continue
		}
		n := [2]uint64{new(big.Int).Rsh(bn, 64).Uint64(), bn.Uint64()}
		q, r := quoRem128(n, d)
		wq, wr := new(big.Int).QuoRem(bn, bd, new(big.Int))
		if wq.Uint64() != q || bigU128(r[0], r[1]).Cmp(wr) != 0 {
			t.Fatalf("%s / %s: %d r %s, want %s r %s", bn, bd, q, bigU128(r[0], r[1]), wq, wr)
		}
	}
}
