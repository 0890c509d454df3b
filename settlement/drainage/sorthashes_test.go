package drainage

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// sortHashes sorts as slices.Sort does: random hashes, repeats, values
// all in one bucket, lengths on both sides of the short cut.
func TestSortHashes(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 10))
	for round := range rounds(t, 60) {
		n := rng.IntN(3 << 12)
		if round%10 == 0 {
			n = 1<<20 + rng.IntN(1<<16) // buckets long enough to split again
		}
		hs := make([]uint64, n)
		for i := range hs {
			switch round % 3 {
			case 0:
				hs[i] = rng.Uint64()
			case 1:
				hs[i] = rng.Uint64N(50) << 56 // few values, repeated, in few buckets
			default:
				hs[i] = 7<<56 | 3<<48 | rng.Uint64N(1<<20) // one bucket, twice
			}
		}
		want := slices.Clone(hs)
		slices.Sort(want)
		sortHashes(hs)
		if !slices.Equal(hs, want) {
			t.Fatalf("round %d (%d values): not slices.Sort's order", round, n)
		}
	}
}
