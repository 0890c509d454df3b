package drainage

import "slices"

// sortHashes sorts hs ascending, exactly as slices.Sort does
// (TestSortHashes), faster for the millions of id hashes noDuplicates
// sorts: one in-place pass moves every value into one of 256 buckets by
// its top byte (an American flag sort), and each bucket is sorted the same
// way by its next byte, down to buckets short enough for slices.Sort.
// Hashes spread evenly, so each level divides the work by 256 over memory
// that stays in cache.
func sortHashes(hs []uint64) {
	sortByByte(hs, 56)
}

// sortByByte sorts hs, whose values agree above bit shift+8, by the byte
// at shift, then each bucket by the bytes below.
func sortByByte(hs []uint64, shift uint) {
	if len(hs) < 1<<12 || shift < 8 {
		slices.Sort(hs)
		return
	}
	var count [256]int
	for _, h := range hs {
		count[h>>shift&0xff]++
	}
	var next, end [256]int
	sum := 0
	for b, c := range count {
		next[b] = sum
		sum += c
		end[b] = sum
	}
	start := next
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
	for b := range start {
		sortByByte(hs[start[b]:end[b]], shift-8)
	}
}
