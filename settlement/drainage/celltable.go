package drainage

// cellTable is a speed trick for addCredits, which looks a credit cell up
// for every credited touch: a dense array indexed by (store, conversion
// kind, source) in front of accumulator.cells, so most lookups index an
// array instead of hashing into the map. It only caches what cellIndex
// returns: the cells, their order in cellData and the map stay exactly
// what accumulator.cell alone makes (TestCellTableMatchesMap). A nil table
// (too many sources × stores for the data at hand) goes to the map
// directly, and so do keys outside the table.
type cellTable struct {
	idx             []int32 // cellData index + 1; 0 until first looked up
	sources, stores int
}

// maxCellTable bounds a cellTable's entries (16 MiB of int32).
const maxCellTable = 1 << 22

// numConversionKinds is the number of values conversionIndex returns.
const numConversionKinds = 3

// newCellTable returns a table for a's sources and stores, or nil when it
// would hold more entries than maxCellTable or than touches + 4096 (a
// table larger than the data it serves costs more than it saves).
func (a *accumulator) newCellTable(touches int) *cellTable {
	n := len(a.sources) * numConversionKinds * len(a.stores)
	if n == 0 || n > maxCellTable || n > touches+4096 {
		return nil
	}
	return &cellTable{idx: make([]int32, n), sources: len(a.sources), stores: len(a.stores)}
}

// cell returns a's credit cell of k, adding it if new, as a.cell does.
func (t *cellTable) cell(a *accumulator, k creditKey) *creditCell {
	if t == nil || int(k.store) >= t.stores || int(k.src) >= t.sources {
		return a.cell(k)
	}
	// Store-major: one journey's credits (one store, one kind, a few
	// sources) fall in a few neighbouring entries.
	p := (int(k.store)*numConversionKinds+int(k.kind))*t.sources + int(k.src)
	i := t.idx[p]
	if i == 0 {
		i = a.cellIndex(k) + 1
		t.idx[p] = i
	}
	return &a.cellData[i-1]
}

// trafficTable is the same speed trick for addShared's traffic counts, one
// per touch: counts in a dense array indexed by (store, source, sales
// mode), added into accumulator.traffic by flush, in place of a map
// increment per touch. The map ends up exactly as the increments alone
// leave it (TestTrafficTableMatchesMap). Stores are interned while the
// table fills, so it grows with the stores seen, a block of entries at a
// time (no block is copied or dropped), up to limit entries; keys past
// that, or of a source outside it, and every key of a nil table, go to the
// map directly.
type trafficTable struct {
	blocks  [][]int64 // entry p is blocks[p/trafficBlock][p%trafficBlock]
	sources int
	limit   int
}

// trafficBlock is the number of entries in one block of a trafficTable.
const trafficBlock = 1 << 12

// newTrafficTable returns a table for a's sources, holding at most
// touches + 4096 entries (and maxCellTable), or nil when a has no sources.
func (a *accumulator) newTrafficTable(touches int) *trafficTable {
	if len(a.sources) == 0 {
		return nil
	}
	return &trafficTable{sources: len(a.sources), limit: min(maxCellTable, touches+4096)}
}

// add counts one touch of key k.
func (t *trafficTable) add(a *accumulator, k trafficKey) {
	if t == nil || int(k.src) >= t.sources {
		a.traffic[k.pack()]++
		return
	}
	p := (int(k.store)*t.sources+int(k.src))*2 + int(k.channel)
	b := p / trafficBlock
	if b >= len(t.blocks) {
		if p >= t.limit {
			a.traffic[k.pack()]++
			return
		}
		for b >= len(t.blocks) {
			t.blocks = append(t.blocks, make([]int64, trafficBlock))
		}
	}
	t.blocks[b][p%trafficBlock]++
}

// flush adds the table's counts into a.traffic and empties the table.
func (t *trafficTable) flush(a *accumulator) {
	if t == nil {
		return
	}
	for b, block := range t.blocks {
		for i, n := range block {
			if n != 0 {
				p := b*trafficBlock + i
				k := trafficKey{src: int32(p / 2 % t.sources), channel: int8(p % 2), store: int32(p / 2 / t.sources)}
				a.traffic[k.pack()] += n
			}
		}
		clear(block)
	}
}
