package settlement

import "sort"

// chunkBits sets the size of the log's chunks: 1<<chunkBits entries each.
const chunkBits = 10

const chunkSize = 1 << chunkBits

// entryLog is the ledger's append-only log of entries, kept in chunks.
// Appending copies at most the last chunk (a plain slice would copy the
// whole log each time it doubles): the first chunk starts small and grows to
// chunkSize, later chunks are whole. Merge shares the parts' chunks instead
// of copying them: applied entries never change, and a chunk the log does
// not own is kept with its capacity clipped to its length, so the log never
// writes into it (an append grows it into a new array, or starts a chunk).
//
// While every chunk but the last holds exactly chunkSize entries (any log
// built by Apply alone) an index is found by arithmetic; after a merge, by a
// binary search over the chunks' starts.
type entryLog struct {
	chunks [][]entry
	starts []int // starts[c] is the log index of chunks[c][0]
	n      int
	// irregular is set when some chunk but the last is not full.
	irregular bool
}

func (g *entryLog) len() int { return g.n }

// at returns the i-th entry; i must be below len.
func (g *entryLog) at(i int) *entry {
	if !g.irregular {
		return &g.chunks[i>>chunkBits][i&(chunkSize-1)]
	}
	c := len(g.chunks) - 1
	if i < g.starts[c] {
		c = sort.Search(len(g.starts), func(k int) bool { return g.starts[k] > i }) - 1
	}
	return &g.chunks[c][i-g.starts[c]]
}

// firstChunk is the capacity a new log starts with: a small ledger (one
// order's, a test's) does not pay for a whole chunk.
const firstChunk = 16

func (g *entryLog) append(e entry) {
	last := len(g.chunks) - 1
	switch {
	case last < 0 || len(g.chunks[last]) >= chunkSize:
		size := chunkSize
		if g.n < chunkSize {
			size = firstChunk
		}
		g.addChunk(make([]entry, 0, size))
		last++
	case len(g.chunks[last]) == cap(g.chunks[last]):
		// Grow the last chunk by copying, up to a whole chunk: a new array,
		// so a chunk shared with another ledger is never written into.
		c := g.chunks[last]
		grown := make([]entry, len(c), min(2*cap(c)+firstChunk, chunkSize))
		copy(grown, c)
		g.chunks[last] = grown
	}
	g.chunks[last] = append(g.chunks[last], e)
	g.n++
}

// addChunk appends a chunk (empty and owned, or shared and clipped).
func (g *entryLog) addChunk(c []entry) {
	if k := len(g.chunks); k > 0 && len(g.chunks[k-1]) != chunkSize {
		g.irregular = true
	}
	g.chunks = append(g.chunks, c)
	g.starts = append(g.starts, g.n)
}

// share appends the entries of o by reference: o's chunks, clipped.
func (g *entryLog) share(o *entryLog) {
	for _, c := range o.chunks {
		if len(c) == 0 {
			continue
		}
		g.addChunk(c[:len(c):len(c)])
		g.n += len(c)
	}
}

// truncate drops the entries from n on, zeroing them so that the log keeps
// no reference to a refused batch's postings. Only entries appended since n
// are dropped, and those live in chunks the log owns.
func (g *entryLog) truncate(n int) {
	for len(g.chunks) > 0 && g.n > n {
		last := len(g.chunks) - 1
		c := g.chunks[last]
		keep := max(0, n-g.starts[last])
		clear(c[keep:])
		g.chunks[last] = c[:keep]
		g.n = g.starts[last] + keep
		if keep == 0 {
			g.chunks[last] = nil
			g.chunks, g.starts = g.chunks[:last], g.starts[:last]
		}
	}
	g.irregular = false
	for c := 0; c+1 < len(g.chunks); c++ {
		if len(g.chunks[c]) != chunkSize {
			g.irregular = true
		}
	}
}

// all calls yield with each entry in order until it returns false.
func (g *entryLog) all(yield func(int, *entry) bool) {
	for c, chunk := range g.chunks {
		for k := range chunk {
			if !yield(g.starts[c]+k, &chunk[k]) {
				return
			}
		}
	}
}

// clone returns a deep copy with chunks of its own.
func (g *entryLog) clone() entryLog {
	var out entryLog
	for _, e := range g.all {
		out.append(*e)
	}
	return out
}
