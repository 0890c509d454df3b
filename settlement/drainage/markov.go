package drainage

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/o2okit/o2okit/o2o"
)

// Markov reports the first-order Markov model fitted on the whole data set.
//
// The chain has a start state, one state per source, and two absorbing
// states: conversion and null. Each converting journey is the path start →
// its touches' sources in order → conversion; each customer's touches that
// no conversion counted form one path ending in null. Conversions with no
// eligible touch are not in the chain (they are Unattributed). Transition
// probabilities are the observed counts, normalised per state.
//
// The probability of conversion from start, and with each source removed
// (its incoming transitions redirected to null), are solved exactly as
// absorption probabilities — no simulation, so the same data always gives
// the same result. A source's removal effect is
// 1 - P(conversion without it) / P(conversion).
//
// Two outputs come out of it, both summing exactly to the attributed
// conversions, and they are not interchangeable:
//   - the removal-effect totals, Effects[i].Units: each source's share of
//     the removal effects × the attributed conversions (largest remainder,
//     ties by source order). This is what ChannelAttribution and the
//     literature report as Markov attribution; use it to compare sources,
//     to budget between them, or to compare with those tools.
//   - the per-journey split, Result.Credits: each journey's conversion is
//     split over its own touches in proportion to their sources' removal
//     effects, so every credit has a conversion kind, a store and a value.
//     Use it wherever credit must land on a store or carry money: cost
//     allocation by conversions (Rules.Allocate) and KPIs use it.
//
// They differ per source — on a data set of a million journeys over 20
// sources by up to 83% — because the totals weigh a source by its effect
// over the whole data set while the split renormalises within each
// journey, so a source that appears mostly in short journeys gains there.
type Markov struct {
	// ConversionProbability is P(conversion) from start, rounded to 12 places.
	ConversionProbability o2o.Decimal     `json:"conversionProbability"`
	Effects               []RemovalEffect `json:"effects"`
}

// RemovalEffect is one source's removal effect and its share of the
// attributed conversions.
type RemovalEffect struct {
	Source Source `json:"source"`
	// Effect is 1 - P(conv without the source)/P(conv), rounded to 12 places.
	Effect o2o.Decimal `json:"effect"`
	// Units is the source's removal-effect total: its share of the removal
	// effects × the attributed conversions, in Scale units per conversion —
	// what ChannelAttribution reports. It is not the sum of the source's
	// Result.Credits, the per-journey split (see Markov for which to use).
	Units int64 `json:"units"`
}

// MaxMarkovSources is the most distinct sources (touch kind × campaign) the
// Markov model fits. Its chain is solved exactly, and that cost grows
// about as the fourth power of the sources on dense data: at this limit
// the densest data set takes a few seconds. Beyond it Attribute refuses the
// data set with ErrTooManySources; group campaigns, or use another model.
const MaxMarkovSources = 150

// ErrTooManySources reports a data set with more distinct sources than
// MaxMarkovSources for the Markov model. It wraps o2o.ErrInvalid.
var ErrTooManySources = fmt.Errorf("%w: too many sources for the markov model", o2o.ErrInvalid)

// markov fits the chain and returns the report and per-source effects as
// integers (effect × 2^40, rounded) for the per-journey split.
func (rn *run) markov() (*Markov, []uint64, error) {
	k := len(rn.sources)
	if k > MaxMarkovSources {
		return nil, nil, fmt.Errorf("touches: %w: %d distinct sources (kind × campaign), at most %d", ErrTooManySources, k, MaxMarkovSources)
	}
	// states: 0..k-1 sources; counts[i][j] for j in 0..k-1, conv at k, null at k+1.
	counts := make([][]int64, k)
	for i := range counts {
		counts[i] = make([]int64, k+2)
	}
	start := make([]int64, k)
	var paths int64
	addPath := func(idx []int32, end int) {
		start[idx[0]]++
		for i := 0; i+1 < len(idx); i++ {
			counts[idx[i]][idx[i+1]]++
		}
		counts[idx[len(idx)-1]][end]++
	}
	var buf []int32
	rn.journeys(func(c *Conversion, lo, hi int) {
		if lo == hi {
			return
		}
		paths++
		addPath(rn.srcIdx[lo:hi], k)
	}, func(rest []int) {
		buf = buf[:0]
		for _, i := range rest {
			buf = append(buf, rn.srcIdx[i])
		}
		addPath(buf, k+1)
	})
	m, effects := markovReport(rn.sources, counts, start, paths)
	return m, effects, nil
}

// markovReport solves the chain of counts and start (paths converting
// paths in it) and returns the report and per-source effects as integers
// (effect × 2^40, rounded).
func markovReport(sources []Source, counts [][]int64, start []int64, paths int64) (*Markov, []uint64) {
	k := len(sources)
	m := &Markov{Effects: []RemovalEffect{}}
	effects := make([]uint64, k)
	if paths == 0 {
		m.ConversionProbability = o2o.MustDec("0")
		return m, effects
	}
	sol := solveChain(counts, start)
	m.ConversionProbability = ratDecimal(sol.probability())
	num, den := sol.effects()
	units := apportionInts(paths*Scale, sol.weights(num))
	scale := big.NewInt(decayUnit)
	for s := 0; s < k; s++ {
		re := new(big.Rat)
		if den[s].Sign() != 0 {
			re.SetFrac(num[s], den[s])
		}
		m.Effects = append(m.Effects, RemovalEffect{Source: sources[s], Effect: ratDecimal(re), Units: units[s]})
		effects[s] = roundRat(re.Mul(re, new(big.Rat).SetInt(scale)))
	}
	return m, effects
}

// solveChainBareiss solves the chain by fraction-free elimination over the
// integers. solveChainModular gives the same integers faster; this is its
// fallback and its reference in the tests.
//
// With M the system out_i·x_i - Σ_j c_ij·x_j = c_i,conv over the source
// states (non-singular: every path ends in an absorbing state), x = M⁻¹b
// are the absorption probabilities. Removing s keeps exactly the paths that
// never visit s, so from state j the probability becomes x_j - h_j(s)·x_s,
// where h_j(s) = (M⁻¹)_js / (M⁻¹)_ss is the probability of visiting s from
// j (1 for j = s). So one inversion of M gives every removal:
//
//	P(conv without s) = P(conv) - x_s · (Σ_j start_j (M⁻¹)_js) / ((M⁻¹)_ss · Σ_j start_j)
//
// where solving the chain again with each source removed (the textbook
// way, kept as the reference in the tests) costs one elimination per
// source. The result is the same rational either way.
func solveChainBareiss(counts [][]int64, start []int64) chainSolution {
	k := len(start)
	width := 2*k + 1
	// a is [M | b | I], k rows of 2k+1 integers, reduced by fraction-free
	// Gauss-Jordan elimination (Bareiss): every entry stays an integer (a
	// minor of the augmented matrix), each division is exact, and no
	// fraction is normalised on the way. At the end the left block is D·I
	// with D = ±det M, column k holds D·x and the rest D·M⁻¹.
	a := make([][]*big.Int, k)
	for i := range a {
		a[i] = make([]*big.Int, width)
		for j := range a[i] {
			a[i][j] = new(big.Int)
		}
		var out int64
		for _, c := range counts[i] {
			out += c
		}
		a[i][i].SetInt64(out)
		for j := 0; j < k; j++ {
			if counts[i][j] != 0 {
				a[i][j].Sub(a[i][j], big.NewInt(counts[i][j]))
			}
		}
		a[i][k].SetInt64(counts[i][k])
		a[i][k+1+i].SetInt64(1)
	}
	prev := big.NewInt(1)
	t, u := new(big.Int), new(big.Int)
	for col := 0; col < k; col++ {
		piv := col
		for piv < k && a[piv][col].Sign() == 0 {
			piv++
		}
		if piv == k {
			// Singular: a state from which no path ends. Observed paths
			// always end, so this cannot happen; credit nothing.
			return singular(k)
		}
		a[col], a[piv] = a[piv], a[col]
		p, row := a[col][col], a[col]
		for r := 0; r < k; r++ {
			if r == col {
				continue
			}
			f := a[r][col]
			for c := 0; c < width; c++ {
				if c == col {
					continue
				}
				x := a[r][c]
				switch {
				case row[c].Sign() == 0 || f.Sign() == 0:
					if x.Sign() == 0 {
						continue
					}
					x.Mul(x, p)
				default:
					t.Mul(x, p)
					u.Mul(f, row[c])
					x.Sub(t, u)
				}
				x.Quo(x, prev)
			}
			f.SetInt64(0)
		}
		prev = new(big.Int).Set(p)
	}
	sol := chainSolution{d: a[0][0], x: make([]*big.Int, k), a: make([]*big.Int, k), z: make([]*big.Int, k)}
	if sol.d.Sign() == 0 {
		return singular(k)
	}
	for j := range k {
		sol.x[j], sol.a[j] = a[j][k], a[j][k+1+j]
	}
	for s := range k {
		z := new(big.Int)
		for j, c := range start {
			if c != 0 && a[j][k+1+s].Sign() != 0 {
				z.Add(z, t.Mul(big.NewInt(c), a[j][k+1+s]))
			}
		}
		sol.z[s] = z
	}
	sol.finish(start)
	return sol
}

// apportionInts splits total over weights (≥ 0) in proportion, by largest
// remainder, equal remainders to the lower index. A zero sum gives all
// zeros.
func apportionInts(total int64, weights []*big.Int) []int64 {
	out := make([]int64, len(weights))
	sum := new(big.Int)
	for _, w := range weights {
		sum.Add(sum, w)
	}
	if sum.Sign() == 0 {
		return out
	}
	rems := make([]*big.Int, len(weights))
	left := total
	bt := big.NewInt(total)
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(w, bt), sum, new(big.Int))
		out[i], rems[i] = q.Int64(), r
		left -= out[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	for _, i := range order[:left] {
		out[i]++
	}
	return out
}

func roundRat(v *big.Rat) uint64 {
	half := new(big.Rat).Add(v, big.NewRat(1, 2))
	return new(big.Int).Quo(half.Num(), half.Denom()).Uint64()
}

func ratDecimal(v *big.Rat) o2o.Decimal {
	d, err := o2o.ParseDecimal(v.FloatString(12))
	if err != nil {
		return o2o.Decimal{}
	}
	return o2o.Dec(d)
}
