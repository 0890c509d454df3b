package drainage

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// The reference: the chain solved again with each source removed, one
// exact elimination per source (what Markov did before solveRemovals).

// refSolveChain returns P(absorbed in conversion) from start, with source
// removed (its incoming transitions going to null) when removed ≥ 0. It
// solves out_i·x_i - Σ_j c_ij·x_j = c_i,conv for the source states by
// Gaussian elimination over the rationals. The system is non-singular
// because every path ends in an absorbing state.
func refSolveChain(counts [][]int64, start []int64, removed int) *big.Rat {
	k := len(start)
	a := make([][]*big.Rat, k)
	for i := range a {
		a[i] = make([]*big.Rat, k+1)
		for j := range a[i] {
			a[i][j] = new(big.Rat)
		}
		if i == removed {
			a[i][i].SetInt64(1) // x_removed = 0
			continue
		}
		var out int64
		for _, c := range counts[i] {
			out += c
		}
		a[i][i].SetInt64(out)
		for j := 0; j < k; j++ {
			if counts[i][j] != 0 {
				a[i][j].Sub(a[i][j], new(big.Rat).SetInt64(counts[i][j]))
			}
		}
		a[i][k].SetInt64(counts[i][k])
	}
	x := refGauss(a)
	p := new(big.Rat)
	var total int64
	for j, c := range start {
		total += c
		if c != 0 && j != removed {
			p.Add(p, new(big.Rat).Mul(new(big.Rat).SetInt64(c), x[j]))
		}
	}
	return p.Quo(p, new(big.Rat).SetInt64(total))
}

// refGauss solves the augmented system a (k rows, k+1 columns) exactly.
func refGauss(a [][]*big.Rat) []*big.Rat {
	k := len(a)
	tmp := new(big.Rat)
	for col := 0; col < k; col++ {
		piv := col
		for piv < k && a[piv][col].Sign() == 0 {
			piv++
		}
		if piv == k {
			continue // a state never visited: its x stays 0
		}
		a[col], a[piv] = a[piv], a[col]
		for r := 0; r < k; r++ {
			if r == col || a[r][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(a[r][col], a[col][col])
			for c := col; c <= k; c++ {
				if a[col][c].Sign() != 0 {
					a[r][c].Sub(a[r][c], tmp.Mul(f, a[col][c]))
				}
			}
		}
	}
	x := make([]*big.Rat, k)
	for i := range x {
		x[i] = new(big.Rat)
		if a[i][i].Sign() != 0 {
			x[i].Quo(a[i][k], a[i][i])
		}
	}
	return x
}

// TestSolveRemovalsMatchesReference compares solveRemovals with the
// reference on random chains: the rationals must be equal, so every
// attribution is the same to the last unit.
func TestSolveRemovalsMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cases := 300
	if testing.Short() {
		cases = 60
	}
	for n := range cases {
		k := 1 + r.IntN(12)
		if n%10 == 0 {
			k = 13 + r.IntN(8) // a few larger chains
		}
		counts := make([][]int64, k)
		start := make([]int64, k)
		for i := range counts {
			counts[i] = make([]int64, k+2)
			// Every state ends somewhere, as every observed path does.
			counts[i][k+r.IntN(2)] = 1 + r.Int64N(5)
			for j := range counts[i] {
				if r.IntN(3) == 0 {
					counts[i][j] += r.Int64N(20)
				}
			}
			if r.IntN(2) == 0 || i == 0 {
				start[i] = 1 + r.Int64N(9)
			}
		}
		p, without := solveRemovals(counts, start)
		if want := refSolveChain(counts, start, -1); p.Cmp(want) != 0 {
			t.Fatalf("case %d: P(conv) = %s, want %s", n, p.RatString(), want.RatString())
		}
		for s := range k {
			if want := refSolveChain(counts, start, s); without[s].Cmp(want) != 0 {
				t.Fatalf("case %d, source %d removed: %s, want %s", n, s, without[s].RatString(), want.RatString())
			}
		}
	}
}

// randomChain returns counts and start for k sources, each state ending
// somewhere; dense sets about two thirds of the transitions, big scales
// the counts up to a million.
func randomChain(r *rand.Rand, k int, dense, big bool) ([][]int64, []int64) {
	scale := int64(20)
	if big {
		scale = 1_000_000
	}
	counts := make([][]int64, k)
	start := make([]int64, k)
	for i := range counts {
		counts[i] = make([]int64, k+2)
		counts[i][k+r.IntN(2)] = 1 + r.Int64N(5)
		for j := range counts[i] {
			if r.IntN(3) == 0 || (dense && r.IntN(3) > 0) {
				counts[i][j] += r.Int64N(scale)
			}
		}
		if r.IntN(2) == 0 || i == 0 {
			start[i] = 1 + r.Int64N(scale)
		}
	}
	return counts, start
}

// The modular solver gives exactly the rationals of fraction-free
// elimination over the integers, on sparse and dense chains up to 60
// sources with counts up to a million.
func TestSolveRemovalsMatchesBareiss(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 18))
	cases := 60
	if testing.Short() {
		cases = 15
	}
	for n := range cases {
		k := 1 + r.IntN(25)
		if n%6 == 0 {
			k = 40 + r.IntN(21)
		}
		counts, start := randomChain(r, k, n%2 == 0, n%3 == 0)
		p, without := solveRemovals(counts, start)
		wp, wwithout := solveRemovalsBareiss(counts, start)
		if p.Cmp(wp) != 0 {
			t.Fatalf("case %d (k=%d): P(conv) = %s, want %s", n, k, p.RatString(), wp.RatString())
		}
		for s := range k {
			if without[s].Cmp(wwithout[s]) != 0 {
				t.Fatalf("case %d (k=%d), source %d removed: %s, want %s", n, k, s, without[s].RatString(), wwithout[s].RatString())
			}
		}
	}
}

// A chain with a state that never ends (singular: no observed path gives
// one) makes every prime unlucky; the solver falls back to the integers
// and credits nothing, as they do.
func TestSolveRemovalsSingular(t *testing.T) {
	// State 0 only loops on itself; state 1 goes to 0 or converts.
	counts := [][]int64{{5, 0, 0, 0}, {2, 0, 1, 0}}
	start := []int64{1, 1}
	p, without := solveRemovals(counts, start)
	wp, wwithout := solveRemovalsBareiss(counts, start)
	if p.Cmp(wp) != 0 || len(without) != len(wwithout) {
		t.Fatalf("%s %v, want %s %v", p, without, wp, wwithout)
	}
	for i := range without {
		if without[i].Cmp(wwithout[i]) != 0 {
			t.Fatalf("%d: %s, want %s", i, without[i], wwithout[i])
		}
	}
}
