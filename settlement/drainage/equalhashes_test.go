package drainage

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAnyEqualHash checks anyEqualHash against its plain reference,
// slices.Sort then equalNeighbours: random hashes, repeats, values all in
// one bucket, zeros, one planted repeat, lengths on both sides of the
// short cut.
func TestAnyEqualHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 10))
	for round := range rounds(t, 80) {
		n := rng.IntN(3 << 12)
		if round%10 == 0 {
			n = 1<<20 + rng.IntN(1<<16)
		}
		hs := make([]uint64, n)
		for i := range hs {
			switch round % 4 {
			case 0:
				hs[i] = rng.Uint64()
			case 1:
				hs[i] = rng.Uint64N(50) << 56 // few values, repeated, in few buckets
			case 2:
				hs[i] = 7<<56 | 3<<48 | rng.Uint64N(1<<40) // one bucket
			default:
				hs[i] = rng.Uint64N(256) * rng.Uint64N(2) // zeros among small values
			}
		}
		if n > 1 && round%8 >= 4 { // plant one repeat
			hs[rng.IntN(n)] = hs[rng.IntN(n)]
		}
		want := slices.Clone(hs)
		slices.Sort(want)
		if got := anyEqualHash(slices.Clone(hs)); got != equalNeighbours(want) {
			t.Fatalf("round %d (%d values): %v, reference %v", round, n, got, !got)
		}
	}
	for _, hs := range [][]uint64{nil, {0}, {0, 0}, {0, 1}, {5, 5}} {
		big := append(make([]uint64, 0, 1<<13), hs...)
		for i := range 1<<13 - len(hs) {
			big = append(big, uint64(i+1)<<20|1)
		}
		want := slices.Clone(big)
		slices.Sort(want)
		if got := anyEqualHash(big); got != equalNeighbours(want) {
			t.Errorf("%v among %d distinct: %v", hs, len(big)-len(hs), got)
		}
	}
}
