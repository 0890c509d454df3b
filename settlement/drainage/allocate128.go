package drainage

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// allocate128 is allocateMinorBig's split in machine words, for the common
// case: the weights sum to less than 2^128, the total is below 2^63 minor
// units, and each total × weight is below 2^128. Then every share
// ⌊total·w/Σw⌋ is at most the total and fits in a word, and its remainder
// is below Σw; both come from one 128-by-128-bit division (quoRem128)
// instead of a handful of big.Int operations and allocations per share.
// ok is false when the figures do not fit, and the caller must use
// allocateMinorBig; when ok, the parts are exactly allocateMinorBig's
// (TestAllocate128MatchesBig).
func allocate128(total [2]uint64, weights [][2]uint64) (parts []uint64, ok bool) {
	if total[0] != 0 || total[1] > math.MaxInt64 {
		return nil, false
	}
	var sum [2]uint64
	for _, w := range weights {
		var c uint64
		sum[1], c = bits.Add64(sum[1], w[1], 0)
		sum[0], c = bits.Add64(sum[0], w[0], c)
		if c != 0 {
			return nil, false
		}
	}
	if sum == [2]uint64{} {
		return nil, false // allocateMinorBig says why
	}
	t := total[1]
	parts = make([]uint64, len(weights))
	rems := make([][2]uint64, len(weights))
	left := t
	for i, w := range weights {
		// total × w, 192 bits: top must be zero.
		h1, lo := bits.Mul64(w[1], t)
		h2, l2 := bits.Mul64(w[0], t)
		mid, c := bits.Add64(h1, l2, 0)
		if h2+c != 0 {
			return nil, false
		}
		parts[i], rems[i] = quoRem128([2]uint64{mid, lo}, sum)
		left -= parts[i]
	}
	if left > 0 { // left < len(weights): the largest remainders, then the smaller key as text
		order := make([]int, len(weights))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int {
			if c := cmp.Compare(rems[b][0], rems[a][0]); c != 0 {
				return c
			}
			if c := cmp.Compare(rems[b][1], rems[a][1]); c != 0 {
				return c
			}
			return compareKeys(a, b)
		})
		for _, i := range order[:left] {
			parts[i]++
		}
	}
	return parts, true
}

// quoRem128 returns n / d and n % d for 128-bit n and d (hi, lo), d not
// zero, when the quotient fits in 64 bits (n < d·2^64). It is the
// estimate-and-correct division of Hacker's Delight (divlu): divide the top
// of n by the top 64 bits of d normalised, which gives the quotient or one
// more than it, then correct once.
func quoRem128(n, d [2]uint64) (q uint64, r [2]uint64) {
	if d[0] == 0 {
		q, rem := bits.Div64(n[0], n[1], d[1]) // n[0] < d[1], as the quotient fits
		return q, [2]uint64{0, rem}
	}
	s := uint(bits.LeadingZeros64(d[0]))
	v := d[0]<<s | d[1]>>(64-s) // d's top 64 bits, normalised (d[1]>>64 is 0)
	// n >> 1, so the top word is below v and Div64 cannot overflow.
	q, _ = bits.Div64(n[0]>>1, n[0]<<63|n[1]>>1, v)
	q >>= 63 - s
	if q != 0 {
		q--
	}
	// r = n - q·d, then one correction.
	ph, pl := bits.Mul64(d[1], q)
	ph += d[0] * q
	var borrow uint64
	r[1], borrow = bits.Sub64(n[1], pl, 0)
	r[0], _ = bits.Sub64(n[0], ph, borrow)
	if r[0] > d[0] || (r[0] == d[0] && r[1] >= d[1]) {
		q++
		r[1], borrow = bits.Sub64(r[1], d[1], 0)
		r[0], _ = bits.Sub64(r[0], d[0], borrow)
	}
	return q, r
}
