package drainage

import (
	"math/big"
	"math/bits"
)

// The Markov chain's removal effects are rationals whose numerators and
// denominators are determinants of the count matrix: thousands of bits at
// a hundred sources. solveRemovals computes the few integers it needs —
// D = det M, D·x, the diagonal of D·M⁻¹ and start·D·M⁻¹ — modulo enough
// word-sized primes to pin them down (their absolute values are bounded by
// Hadamard's inequality), eliminating with machine words, and rebuilds them
// exactly by the Chinese remainder theorem. The result is the same rational
// as fraction-free elimination over the integers (solveRemovalsBareiss,
// kept as the fallback and as a reference in the tests), at a fraction of
// the cost: one k×(2k+1) elimination in words per prime.

// field is arithmetic modulo an odd prime p < 2^62 in Montgomery form
// (a is held as a·2^64 mod p).
type field struct {
	p      uint64
	negInv uint64 // -p⁻¹ mod 2^64
	r2     uint64 // 2^128 mod p, to enter Montgomery form
}

func newField(p uint64) field {
	inv := p // Newton's iteration: p·inv ≡ 1 mod 2^64 after 5 steps (p odd)
	for range 5 {
		inv *= 2 - p*inv
	}
	r := new(big.Int).Lsh(big.NewInt(1), 128)
	r.Mod(r, new(big.Int).SetUint64(p))
	return field{p: p, negInv: -inv, r2: r.Uint64()}
}

// mul returns a·b·2^-64 mod p (Montgomery reduction).
func (f *field) mul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	m := lo * f.negInv
	mh, ml := bits.Mul64(m, f.p)
	_, c := bits.Add64(lo, ml, 0)
	r := hi + mh + c
	if r >= f.p {
		r -= f.p
	}
	return r
}

func (f *field) sub(a, b uint64) uint64 {
	if a >= b {
		return a - b
	}
	return a + f.p - b
}

// enter returns v (reduced mod p, sign kept) in Montgomery form.
func (f *field) enter(v int64) uint64 {
	neg := v < 0
	if neg {
		v = -v
	}
	m := uint64(v) % f.p
	if neg && m != 0 {
		m = f.p - m
	}
	return f.mul(m, f.r2)
}

// leave returns a out of Montgomery form, in [0, p).
func (f *field) leave(a uint64) uint64 { return f.mul(a, 1) }

// inv returns a⁻¹ (a ≠ 0, Montgomery form in and out) by Fermat.
func (f *field) inv(a uint64) uint64 {
	e := f.p - 2
	r := f.mul(1, f.r2) // 1 in Montgomery form
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = f.mul(r, a)
		}
		a = f.mul(a, a)
	}
	return r
}

// modPrimes returns n primes below 2^62, the largest first: the same list
// on every call and platform (ProbablyPrime is exact below 2^64).
func modPrimes(n int, from uint64) []uint64 {
	var out []uint64
	v := new(big.Int)
	for c := from; len(out) < n; c -= 2 {
		if v.SetUint64(c).ProbablyPrime(0) {
			out = append(out, c)
		}
	}
	return out
}

// topPrime is the first candidate of modPrimes: 2^62 - 1, odd.
const topPrime = 1<<62 - 1

// residues is what one prime gives: D, D·x, diag(D·M⁻¹), start·D·M⁻¹.
type residues struct {
	d       uint64
	x, a, z []uint64
}

// solveMod eliminates [M | b | I] modulo f.p by Gauss-Jordan and returns
// the residues, or false when M is singular modulo p (an unlucky prime, or
// M singular).
func solveMod(f *field, counts [][]int64, start []int64, rows [][]uint64) (residues, bool) {
	k := len(start)
	w := 2*k + 1
	for i := range rows {
		row := rows[i]
		clear(row)
		var out int64
		for _, c := range counts[i] {
			out += c
		}
		for j := range k {
			row[j] = f.enter(-counts[i][j])
		}
		row[i] = f.enter(out - counts[i][i])
		row[k] = f.enter(counts[i][k])
		row[k+1+i] = f.enter(1)
	}
	one := f.enter(1)
	det := one
	nz := make([]int, 0, w)
	for col := range k {
		piv := col
		for piv < k && rows[piv][col] == 0 {
			piv++
		}
		if piv == k {
			return residues{}, false
		}
		if piv != col {
			rows[col], rows[piv] = rows[piv], rows[col]
			det = f.sub(0, det)
		}
		row := rows[col]
		det = f.mul(det, row[col])
		inv := f.inv(row[col])
		// Normalise the pivot row; only its columns right of col in the
		// left block, b and the inverse block can be non-zero.
		nz = nz[:0]
		for c := col + 1; c < w; c++ {
			if row[c] != 0 {
				row[c] = f.mul(row[c], inv)
				nz = append(nz, c)
			}
		}
		row[col] = one
		for r := range k {
			if r == col {
				continue
			}
			x := rows[r]
			fac := x[col]
			if fac == 0 {
				continue
			}
			for _, c := range nz {
				x[c] = f.sub(x[c], f.mul(fac, row[c]))
			}
			x[col] = 0
		}
	}
	res := residues{d: f.leave(det), x: make([]uint64, k), a: make([]uint64, k), z: make([]uint64, k)}
	dm := det // D in Montgomery form
	for j := range k {
		res.x[j] = f.leave(f.mul(dm, rows[j][k]))
		res.a[j] = f.leave(f.mul(dm, rows[j][k+1+j]))
	}
	sm := make([]uint64, k)
	for j, c := range start {
		sm[j] = f.enter(c)
	}
	for s := range k {
		var z uint64 // Σ_j start_j·(M⁻¹)_js, Montgomery form
		for j, c := range sm {
			if c != 0 {
				z = addMod(f.p, z, f.mul(c, rows[j][k+1+s]))
			}
		}
		res.z[s] = f.leave(f.mul(dm, z))
	}
	return res, true
}

func addMod(p, a, b uint64) uint64 {
	s := a + b
	if s >= p {
		s -= p
	}
	return s
}

// hadamard returns a bound on the absolute value of every minor of
// [M | b] (D, D·x_j, the cofactors of M): the product of the rows'
// Euclidean norms, each rounded up and at least 1.
func hadamard(counts [][]int64) *big.Int {
	k := len(counts)
	h := big.NewInt(1)
	sq, t := new(big.Int), new(big.Int)
	for i := range k {
		var out int64
		for _, c := range counts[i] {
			out += c
		}
		sq.SetInt64(0)
		for j := 0; j <= k; j++ {
			v := -counts[i][j]
			if j == i {
				v = out - counts[i][i]
			}
			if j == k {
				v = counts[i][k]
			}
			t.SetInt64(v)
			sq.Add(sq, t.Mul(t, t))
		}
		sq.Sqrt(sq)
		h.Mul(h, sq.Add(sq, big.NewInt(1)))
	}
	return h
}

// crt rebuilds signed integers from their residues modulo primes (Garner's
// algorithm, incrementally), in (-P/2, P/2], P the primes' product.
type crt struct {
	mod  *big.Int
	vals []*big.Int
}

func newCRT(n int) *crt {
	c := &crt{mod: big.NewInt(1), vals: make([]*big.Int, n)}
	for i := range c.vals {
		c.vals[i] = new(big.Int)
	}
	return c
}

// add folds in the residues r (one per value) modulo p.
func (c *crt) add(p uint64, r []uint64) {
	bp := new(big.Int).SetUint64(p)
	inv := new(big.Int).ModInverse(new(big.Int).Mod(c.mod, bp), bp)
	t := new(big.Int)
	for i, v := range c.vals {
		// t = (r - v) · mod⁻¹ mod p; v += t·mod.
		t.Mod(v, bp)
		t.Sub(new(big.Int).SetUint64(r[i]), t)
		t.Mul(t, inv)
		t.Mod(t, bp)
		v.Add(v, t.Mul(t, c.mod))
	}
	c.mod.Mul(c.mod, bp)
}

// signed moves the values to the symmetric range.
func (c *crt) signed() []*big.Int {
	half := new(big.Int).Rsh(c.mod, 1)
	for _, v := range c.vals {
		if v.Cmp(half) > 0 {
			v.Sub(v, c.mod)
		}
	}
	return c.vals
}

// maxUnluckyPrimes bounds the primes that may divide D before the solver
// gives up on primes and eliminates over the integers (exact either way).
const maxUnluckyPrimes = 8

// chainSolution holds the integers the removal effects are made of, for M
// the system out_i·x_i - Σ_j c_ij·x_j = c_i,conv over the source states and
// D = det M (made positive): X = D·x (x the absorption probabilities into
// conversion), A = diag(D·M⁻¹), Z = start·D·M⁻¹, SX = Σ_j start_j·X_j and
// the number of paths. D = 0 (singular: no observed data gives it) credits
// nothing.
type chainSolution struct {
	d, sx   *big.Int
	total   int64
	x, a, z []*big.Int
}

func singular(k int) chainSolution {
	s := chainSolution{d: new(big.Int), sx: new(big.Int), x: make([]*big.Int, k), a: make([]*big.Int, k), z: make([]*big.Int, k)}
	for i := range k {
		s.x[i], s.a[i], s.z[i] = new(big.Int), new(big.Int), new(big.Int)
	}
	return s
}

// finish makes D positive (every other value is linear in D) and sums SX.
func (s *chainSolution) finish(start []int64) {
	if s.d.Sign() < 0 {
		for _, v := range [][]*big.Int{{s.d}, s.x, s.a, s.z} {
			for _, x := range v {
				x.Neg(x)
			}
		}
	}
	s.sx, s.total = new(big.Int), 0
	t := new(big.Int)
	for j, c := range start {
		s.total += c
		if c != 0 {
			s.sx.Add(s.sx, t.Mul(big.NewInt(c), s.x[j]))
		}
	}
}

// probability returns P(conversion) from start: SX / (D·paths).
func (s *chainSolution) probability() *big.Rat {
	if s.d.Sign() == 0 || s.total == 0 {
		return new(big.Rat)
	}
	return new(big.Rat).SetFrac(s.sx, new(big.Int).Mul(s.d, big.NewInt(s.total)))
}

// effects returns each source's removal effect as num/den (den > 0).
// Removing s keeps exactly the paths that never visit s, so from state j
// the probability becomes x_j - h_j(s)·x_s, where h_j(s) = (M⁻¹)_js /
// (M⁻¹)_ss is the probability of visiting s from j. Hence
//
//	1 - P(conv without s)/P(conv) = X_s·Z_s / (A_ss·SX),
//
// where solving the chain again with each source removed (the textbook
// way, kept as the reference in the tests) costs one elimination per
// source. The result is the same rational either way.
func (s *chainSolution) effects() (num, den []*big.Int) {
	k := len(s.x)
	num, den = make([]*big.Int, k), make([]*big.Int, k)
	for i := range k {
		num[i], den[i] = new(big.Int), big.NewInt(1)
		if s.a[i].Sign() == 0 || s.sx.Sign() == 0 {
			continue
		}
		num[i].Mul(s.x[i], s.z[i])
		if num[i].Sign() != 0 {
			den[i].Mul(s.a[i], s.sx)
		}
	}
	return num, den
}

// weights returns the effects over a common denominator, dropped:
// num_s·Π A_tt over the other sources t of non-zero effect (SX is common
// to all). Their shares are the effects' shares, exactly.
func (s *chainSolution) weights(num []*big.Int) []*big.Int {
	k := len(num)
	w := make([]*big.Int, k)
	prefix := big.NewInt(1)
	for i := range k {
		w[i] = new(big.Int)
		if num[i].Sign() != 0 {
			w[i].Set(prefix)
			prefix = new(big.Int).Mul(prefix, s.a[i])
		}
	}
	suffix := big.NewInt(1)
	for i := k - 1; i >= 0; i-- {
		if num[i].Sign() != 0 {
			w[i].Mul(w[i], suffix)
			w[i].Mul(w[i], num[i])
			suffix = new(big.Int).Mul(suffix, s.a[i])
		}
	}
	return w
}

// removals returns P(conversion) and, per source, P(conversion) with it
// removed (its incoming transitions going to null).
func (s *chainSolution) removals() (*big.Rat, []*big.Rat) {
	p := s.probability()
	num, den := s.effects()
	without := make([]*big.Rat, len(num))
	for i := range num {
		e := new(big.Rat).SetFrac(num[i], den[i])
		without[i] = e.Mul(p, e.Sub(big.NewRat(1, 1), e))
	}
	return p, without
}

// solveRemovals returns P(absorbed in conversion) from start, and for each
// source the same probability with it removed, exactly.
func solveRemovals(counts [][]int64, start []int64) (*big.Rat, []*big.Rat) {
	s := solveChain(counts, start)
	return s.removals()
}

// solveRemovalsBareiss is solveRemovals over the integers (the reference).
func solveRemovalsBareiss(counts [][]int64, start []int64) (*big.Rat, []*big.Rat) {
	s := solveChainBareiss(counts, start)
	return s.removals()
}

// solveChain computes the chain's integers modulo primes and rebuilds
// them; should more than a few primes divide D, it eliminates over the
// integers instead (exact either way).
func solveChain(counts [][]int64, start []int64) chainSolution {
	k := len(start)
	var total int64
	for _, c := range start {
		total += c
	}
	// Every value rebuilt is at most H·total in absolute value; the
	// primes' product must exceed twice that.
	bound := hadamard(counts)
	bound.Mul(bound, big.NewInt(max(total, 1)))
	bound.Lsh(bound, 2)
	rows := make([][]uint64, k)
	for i := range rows {
		rows[i] = make([]uint64, 2*k+1)
	}
	c := newCRT(1 + 3*k)
	flat := make([]uint64, 1+3*k)
	next := uint64(topPrime)
	unlucky := 0
	for c.mod.Cmp(bound) <= 0 {
		p := modPrimes(1, next)[0]
		next = p - 2
		f := newField(p)
		r, ok := solveMod(&f, counts, start, rows)
		if !ok {
			if unlucky++; unlucky > maxUnluckyPrimes {
				return solveChainBareiss(counts, start)
			}
			continue
		}
		flat[0] = r.d
		copy(flat[1:], r.x)
		copy(flat[1+k:], r.a)
		copy(flat[1+2*k:], r.z)
		c.add(p, flat)
	}
	v := c.signed()
	sol := chainSolution{d: v[0], x: v[1 : 1+k], a: v[1+k : 1+2*k], z: v[1+2*k:]}
	if sol.d.Sign() == 0 {
		return singular(k)
	}
	sol.finish(start)
	return sol
}
