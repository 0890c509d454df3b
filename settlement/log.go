package settlement

// chunkBits sets the size of the log's chunks: 1<<chunkBits entries each.
const chunkBits = 10

const chunkSize = 1 << chunkBits

// entryLog is the ledger's append-only log of entries, kept in fixed-size
// chunks: appending never copies what is already there (a plain slice
// would copy the whole log each time it doubles) and memory grows by one
// chunk at a time.
type entryLog struct {
	chunks [][]entry
	n      int
}

func (g *entryLog) len() int { return g.n }

// at returns the i-th entry; i must be below len.
func (g *entryLog) at(i int) *entry { return &g.chunks[i>>chunkBits][i&(chunkSize-1)] }

func (g *entryLog) append(e entry) {
	c := g.n >> chunkBits
	if c == len(g.chunks) {
		g.chunks = append(g.chunks, make([]entry, chunkSize))
	}
	g.chunks[c][g.n&(chunkSize-1)] = e
	g.n++
}

// truncate drops the entries from n on, zeroing them so that the log keeps
// no reference to a refused batch's postings.
func (g *entryLog) truncate(n int) {
	for i := n; i < g.n; i++ {
		*g.at(i) = entry{}
	}
	g.n = n
}

// all calls yield with each entry in order until it returns false.
func (g *entryLog) all(yield func(int, *entry) bool) {
	for i := range g.n {
		if !yield(i, g.at(i)) {
			return
		}
	}
}

// clone returns a deep copy.
func (g *entryLog) clone() entryLog {
	out := entryLog{chunks: make([][]entry, len(g.chunks)), n: g.n}
	for i, c := range g.chunks {
		out.chunks[i] = make([]entry, chunkSize)
		copy(out.chunks[i], c)
	}
	return out
}
