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

// TestTrafficTableMatchesMap checks the trafficTable trick against its
// plain reference, a map increment per touch: the same keys leave the same
// map behind, with stores interned while the table fills, keys past its
// limit and of sources outside it.
func TestTrafficTableMatchesMap(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 9))
		nSrc, nStore := 1+rng.IntN(6), 1+rng.IntN(1200) // several blocks
		a := newAccumulator(&Rules{}, nil, nil)
		for s := range nSrc {
			a.intern(Source{Kind: KindSearchAd, Campaign: string(rune('a' + s))})
		}
		plain := map[uint64]int64{}
		touches := rng.IntN(3000)
		table := a.newTrafficTable(touches)
		table.limit = min(table.limit, 1+rng.IntN(4*nSrc*nStore)) // some keys past it
		for range touches {
			k := trafficKey{src: int32(rng.IntN(nSrc + 1)), channel: int8(rng.IntN(2)), store: int32(rng.IntN(nStore))}
			plain[k.pack()]++
			table.add(a, k)
		}
		table.flush(a)
		if diff := cmp.Diff(plain, a.traffic); diff != "" {
			t.Fatalf("seed %d: traffic (-plain +table):\n%s", seed, diff)
		}
		table.flush(a) // flushed counts are not added twice
		if diff := cmp.Diff(plain, a.traffic); diff != "" {
			t.Fatalf("seed %d: traffic after a second flush (-plain +table):\n%s", seed, diff)
		}
	}
	a := newAccumulator(&Rules{}, nil, nil)
	if a.newTrafficTable(10) != nil {
		t.Fatal("a table for no sources")
	}
	var nilTable *trafficTable
	nilTable.add(a, trafficKey{store: 3})
	nilTable.flush(a)
	if len(a.traffic) != 1 || a.traffic[trafficKey{store: 3}.pack()] != 1 {
		t.Fatalf("nil table: %v", a.traffic)
	}
}
