package drainage

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCellTableMatchesMap checks the cellTable trick against its plain
// reference, accumulator.cell: the same lookups, in the same order, leave
// the same cells, map and cell order behind.
func TestCellTableMatchesMap(t *testing.T) {
	if numConversionKinds != len(ConversionKinds()) {
		t.Fatalf("numConversionKinds %d, ConversionKinds %d", numConversionKinds, len(ConversionKinds()))
	}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		nSrc, nStore := 1+rng.IntN(6), 1+rng.IntN(9)
		mk := func() *accumulator {
			a := newAccumulator(&Rules{}, nil, nil)
			for s := range nSrc {
				a.intern(Source{Kind: KindSearchAd, Campaign: string(rune('a' + s))})
			}
			a.internStore("")
			for s := range nStore - 1 {
				a.internStore(string(rune('A' + s)))
			}
			return a
		}
		plain, fast := mk(), mk()
		table := fast.newCellTable(1000)
		if table == nil {
			t.Fatal("no table for a small data set")
		}
		for range 200 {
			k := creditKey{src: int32(rng.IntN(nSrc)), kind: int8(rng.IntN(numConversionKinds)), store: int32(rng.IntN(nStore))}
			u := rng.Int64N(1000)
			plain.cell(k).units += u
			table.cell(fast, k).units += u
		}
		// A key outside the table goes through the map and is kept too.
		out := creditKey{src: int32(nSrc), kind: 1, store: 0}
		plain.cell(out).units++
		table.cell(fast, out).units++

		if diff := cmp.Diff(plain.cells, fast.cells); diff != "" {
			t.Fatalf("seed %d: cells map (-plain +table):\n%s", seed, diff)
		}
		if diff := cmp.Diff(plain.cellData, fast.cellData, cmp.AllowUnexported(creditCell{})); diff != "" {
			t.Fatalf("seed %d: cell data (-plain +table):\n%s", seed, diff)
		}
	}
	a := newAccumulator(&Rules{}, nil, nil)
	var nilTable *cellTable
	nilTable.cell(a, creditKey{}).units++
	if len(a.cellData) != 1 || a.cellData[0].units != 1 || len(a.cells) != 1 {
		t.Fatalf("nil table: %+v", a.cellData)
	}
}
