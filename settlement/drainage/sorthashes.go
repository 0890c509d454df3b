package drainage

import "slices"

// sortHashes sorts hs ascending, exactly as slices.Sort does
// (TestSortHashes), faster for the millions of id hashes noDuplicates
// sorts: one in-place pass moves every value into one of 256 buckets by
// its top byte (an American flag sort), then slices.Sort sorts each bucket.
// Hashes spread evenly, so a bucket holds 1/256 of them: a sort of fewer
// levels, over memory that stays in cache. Short inputs go to slices.Sort
// directly.
func sortHashes(hs []uint64) {
	if len(hs) < 1<<12 {
		slices.Sort(hs)
		return
	}
	var count [256]int
	for _, h := range hs {
		count[h>>56]++
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
			d := h >> 56
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
		slices.Sort(hs[start[b]:end[b]])
	}
}
