package drainage

// cellTable is a speed trick for addCredits, which looks a credit cell up
// for every credited touch: a dense array indexed by (source, conversion
// kind, store) in front of accumulator.cells, so most lookups index an
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
	p := (int(k.src)*numConversionKinds+int(k.kind))*t.stores + int(k.store)
	i := t.idx[p]
	if i == 0 {
		i = a.cellIndex(k) + 1
		t.idx[p] = i
	}
	return &a.cellData[i-1]
}
