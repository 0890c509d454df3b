package drainage

import (
	"math/bits"
	"slices"
)

// anyEqualHash reports whether two values of hs are equal, reordering hs.
// Its plain reference is sorting hs and comparing neighbours
// (equalNeighbours after slices.Sort; TestAnyEqualHash checks they agree).
//
// Speed trick, for the millions of id hashes noDuplicates checks: one
// in-place pass moves every value into one of 256 buckets by its top byte
// (an American flag sort's first step), so equal values share a bucket;
// each bucket, about 1/256 of the values, then goes into an
// open-addressing set that stays in cache, where an equal value is found
// on insertion. No bucket is sorted.
func anyEqualHash(hs []uint64) bool {
	if len(hs) < 1<<12 {
		slices.Sort(hs)
		return equalNeighbours(hs)
	}
	start, end := partitionByByte(hs, 56)
	var set []uint64
	for b := range start {
		if hasRepeat(hs[start[b]:end[b]], &set) {
			return true
		}
	}
	return false
}

// equalNeighbours reports whether two neighbours of hs are equal.
func equalNeighbours(hs []uint64) bool {
	for i := 1; i < len(hs); i++ {
		if hs[i] == hs[i-1] {
			return true
		}
	}
	return false
}

// partitionByByte moves the values of hs into 256 buckets in place by the
// byte at shift; bucket b is hs[start[b]:end[b]].
func partitionByByte(hs []uint64, shift uint) (start, end [256]int) {
	var count [256]int
	for _, h := range hs {
		count[h>>shift&0xff]++
	}
	var next [256]int
	sum := 0
	for b, c := range count {
		next[b] = sum
		sum += c
		end[b] = sum
	}
	start = next
	for b := range next {
		for next[b] < end[b] {
			h := hs[next[b]]
			d := h >> shift & 0xff
			if int(d) == b {
				next[b]++
				continue
			}
			// Put h in its bucket; what was there comes here to be placed.
			hs[next[b]], hs[next[d]] = hs[next[d]], h
			next[d]++
		}
	}
	return start, end
}

// hasRepeat reports whether a value occurs twice in hs, inserting them
// into an open-addressing set (linear probing, at most half full) held in
// *set, which it reuses from call to call. Zero marks an empty slot, so a
// zero value is counted apart.
func hasRepeat(hs []uint64, set *[]uint64) bool {
	if len(hs) < 2 {
		return false
	}
	lg := bits.Len(uint(2*len(hs) - 1)) // 2^lg ≥ 2·len(hs)
	n := 1 << lg
	if cap(*set) < n {
		*set = make([]uint64, n)
	}
	t := (*set)[:n]
	clear(t)
	mask := uint64(n - 1)
	zero := false
	for _, h := range hs {
		if h == 0 {
			if zero {
				return true
			}
			zero = true
			continue
		}
		// Fibonacci hashing: the product's top bits mix every bit of h
		// (the values of one bucket share their top byte).
		i := (h * 0x9e3779b97f4a7c15) >> (64 - lg)
		for t[i] != 0 {
			if t[i] == h {
				return true
			}
			i = (i + 1) & mask
		}
		t[i] = h
	}
	return false
}
