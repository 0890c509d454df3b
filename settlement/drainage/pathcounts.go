package drainage

// transitionCounts is a speed trick for AttributePaths under the Markov
// model: it counts the chain's transitions while the paths are read and
// their sources interned (in first-seen order), so the paths need no
// second pass; byRank then renumbers the counts into the sorted sources'
// order. The counts equal those of the plain count over renumbered paths,
// countTransitions (TestTransitionCountsMatch).
type transitionCounts struct {
	stride            int     // row length of pair: room for this many sources
	pair              []int64 // pair[a*stride+b]: journeys going from a to b
	start, conv, null []int64 // by source: journeys starting at it, converting or not after it
	over              bool    // more than MaxMarkovSources sources: counting stopped
}

// path counts one path of n sources (ids, first-seen indices), taken by
// conversions journeys that converted and nulls that did not.
func (tc *transitionCounts) path(ids []int32, conversions, nulls int64) {
	if tc.over || conversions+nulls == 0 {
		return
	}
	for _, id := range ids {
		if int(id) >= tc.stride && !tc.grow(int(id)+1) {
			return
		}
	}
	n := conversions + nulls
	tc.start[ids[0]] += n
	for j := 0; j+1 < len(ids); j++ {
		tc.pair[int(ids[j])*tc.stride+int(ids[j+1])] += n
	}
	last := ids[len(ids)-1]
	tc.conv[last] += conversions
	tc.null[last] += nulls
}

// grow makes room for k sources; false (counting stopped) past
// MaxMarkovSources, where AttributePaths refuses the paths anyway.
func (tc *transitionCounts) grow(k int) bool {
	if k > MaxMarkovSources {
		tc.over = true
		return false
	}
	stride := max(16, 2*tc.stride)
	for stride < k {
		stride *= 2
	}
	stride = min(stride, MaxMarkovSources)
	pair := make([]int64, stride*stride)
	for a := range tc.stride {
		copy(pair[a*stride:a*stride+tc.stride], tc.pair[a*tc.stride:(a+1)*tc.stride])
	}
	tc.pair, tc.stride = pair, stride
	tc.start = append(tc.start, make([]int64, stride-len(tc.start))...)
	tc.conv = append(tc.conv, make([]int64, stride-len(tc.conv))...)
	tc.null = append(tc.null, make([]int64, stride-len(tc.null))...)
	return true
}

// byRank returns the counts as markovReport takes them, for k sources
// whose first-seen index i has rank rank[i]: counts[a][b] the journeys from
// a to b, counts[a][k] and counts[a][k+1] those converting and not after
// a; start[a] those starting at a.
func (tc *transitionCounts) byRank(rank []int32) (counts [][]int64, start []int64) {
	k := len(rank)
	counts = make([][]int64, k)
	for i := range counts {
		counts[i] = make([]int64, k+2)
	}
	start = make([]int64, k)
	for a := range min(k, tc.stride) {
		ra := rank[a]
		for b := range min(k, tc.stride) {
			counts[ra][rank[b]] = tc.pair[a*tc.stride+b]
		}
		counts[ra][k], counts[ra][k+1] = tc.conv[a], tc.null[a]
		start[ra] = tc.start[a]
	}
	return counts, start
}

// countTransitions is transitionCounts' plain reference: the counts over
// paths whose sources are ids (sorted-source indices, paths one after the
// other) among k sources.
func countTransitions(paths []Path, ids []int32, k int) (counts [][]int64, start []int64) {
	counts = make([][]int64, k)
	for i := range counts {
		counts[i] = make([]int64, k+2)
	}
	start = make([]int64, k)
	pos := 0
	for _, p := range paths {
		id := ids[pos : pos+len(p.Sources)]
		pos += len(p.Sources)
		for end, n := range [2]int64{p.Conversions, p.Nulls} {
			if n == 0 {
				continue
			}
			start[id[0]] += n
			for j := 0; j+1 < len(id); j++ {
				counts[id[j]][id[j+1]] += n
			}
			counts[id[len(id)-1]][k+end] += n
		}
	}
	return counts, start
}
