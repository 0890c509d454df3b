package settlement

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// benchBatches returns n postings in batches of 100 over 1,000 accounts.
func benchBatches(n int, prefix string) []Batch {
	var out []Batch
	for i := 0; i < n; i += 100 {
		b := Batch{Postings: make([]Posting, 0, 100)}
		for j := i; j < min(i+100, n); j++ {
			b.Postings = append(b.Postings, Posting{Key: fmt.Sprintf("%s%d", prefix, j), Kind: KindSaleRevenue,
				From: fmt.Sprintf("cust-%d", j%997), To: fmt.Sprintf("store-%d", j%101),
				Amount: fromUnits(int64(1+j%100_000), o2o.CNY), Order: "o", At: t0.Add(time.Duration(j) * time.Second)})
		}
		out = append(out, b)
	}
	return out
}

func reportRate(b *testing.B, postings int) {
	b.ReportMetric(float64(postings)*float64(b.N)/b.Elapsed().Seconds(), "postings/s")
}

// cpuMeter reports, besides wall-clock rates, the postings per second of
// CPU time the process spent (all threads, GC included): on a machine
// shared with other work that figure moves much less than the wall clock.
type cpuMeter struct{ start int64 }

func startCPU() cpuMeter { return cpuMeter{processCPU()} }

func (m cpuMeter) report(b *testing.B, postings int) { m.reportAs(b, postings, "postings/cpu-s") }

func (m cpuMeter) reportAs(b *testing.B, n int, unit string) {
	if ns := processCPU() - m.start; ns > 0 && m.start > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/(float64(ns)/1e9), unit)
	}
}

// benchN is the postings per op: the 1,000,000, in batches of 100
// (run with -benchtime=1x or 3x). -short runs 100,000.
var benchN = 1_000_000

func benchScale() {
	if testing.Short() {
		benchN = 100_000
	}
}

// BenchmarkBaselineSum is the bare baseline: summing the same amounts into a
// map of balances, no validation, no idempotency, no hashing.
func BenchmarkBaselineSum(b *testing.B) {
	benchScale()
	batches := benchBatches(benchN, "k")
	b.ReportAllocs()
	for b.Loop() {
		bal := map[string]int64{}
		for _, bt := range batches {
			for _, p := range bt.Postings {
				u := p.Amount.Amount().Shift(2).IntPart()
				bal[p.From] -= u
				bal[p.To] += u
			}
		}
	}
	reportRate(b, benchN)
}

func benchApply(b *testing.B, cfg Config) {
	benchScale()
	batches := benchBatches(benchN, "k")
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		l := MustLedger(cfg)
		for _, bt := range batches {
			if _, err := l.Apply(bt); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRate(b, benchN)
	cpu.report(b, benchN)
}

func BenchmarkApplyChainOn(b *testing.B)  { benchApply(b, Config{}) }
func BenchmarkApplyChainOff(b *testing.B) { benchApply(b, Config{DisableChain: true}) }

// benchPartitions builds k partial ledgers of benchN postings in all.
func benchPartitions(b *testing.B, k int, parallel bool) []*Ledger {
	parts := make([]*Ledger, k)
	work := make([][]Batch, k)
	for i := range k {
		work[i] = benchBatches(benchN/k, fmt.Sprintf("p%d-", i))
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	build := func(i int) {
		l := MustLedger(Config{})
		for _, bt := range work[i] {
			if _, err := l.Apply(bt); err != nil {
				panic(err)
			}
		}
		parts[i] = l
	}
	for i := range k {
		if parallel {
			wg.Add(1)
			go func() { defer wg.Done(); build(i) }()
		} else {
			build(i)
		}
	}
	wg.Wait()
	return parts
}

func benchMerge(b *testing.B, k int) {
	benchScale()
	parts := benchPartitions(b, k, false)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Merge(parts...); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, benchN)
}

func BenchmarkMerge2(b *testing.B) { benchMerge(b, 2) }
func BenchmarkMerge8(b *testing.B) { benchMerge(b, 8) }

// BenchmarkBuildAndMerge2Workers builds two partitions on two goroutines and
// merges them; compare with BenchmarkApplyChainOn (one worker, same postings).
func BenchmarkBuildAndMerge2Workers(b *testing.B) {
	benchScale()
	b.ReportAllocs()
	cpu := startCPU()
	var setup int64 // CPU time spent making the batches, taken out
	for b.Loop() {
		b.StopTimer()
		c0 := processCPU()
		work := [2][]Batch{benchBatches(benchN/2, "a"), benchBatches(benchN/2, "b")}
		setup += processCPU() - c0
		b.StartTimer()
		var parts [2]*Ledger
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := MustLedger(Config{})
				for _, bt := range work[i] {
					if _, err := l.Apply(bt); err != nil {
						panic(err)
					}
				}
				parts[i] = l
			}()
		}
		wg.Wait()
		if _, err := Merge(parts[0], parts[1]); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, benchN)
	cpu.start += setup
	cpu.report(b, benchN)
}

// BenchmarkSplitLine splits one order line of an O2O sale with every leg.
func BenchmarkSplitLine(b *testing.B) {
	s := testSplitter(b)
	sale := testOrder(o2o.ChannelO2O, "333.33")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Split(sale, Routing{RegionStore: "store-2"}, dealerEnt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSplitLineBaseline is the bare baseline: o2o.Allocate alone on the
// same four weights.
func BenchmarkSplitLineBaseline(b *testing.B) {
	amount := cny("333.33")
	shares := []o2o.Share{{Key: "a", Weight: cny("26.6664").Amount()}, {Key: "b", Weight: cny("6.6666").Amount()},
		{Key: "c", Weight: cny("9.9999").Amount()}, {Key: "d", Weight: cny("289.9971").Amount()}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := o2o.Allocate(amount, shares); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSplitLineValidated is BenchmarkSplitLine for an order validated
// once upstream (SplitValidated).
func BenchmarkSplitLineValidated(b *testing.B) {
	s := testSplitter(b)
	sale := testOrder(o2o.ChannelO2O, "333.33")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.SplitValidated(sale, Routing{RegionStore: "store-2"}, dealerEnt); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSales returns n order lines: orders of ten lines each, online, with
// every leg of the rule paid.
func benchSales(n int) []Sale {
	sales := make([]Sale, 0, n/10)
	for i := 0; i < n; i += 10 {
		amounts := make([]string, min(10, n-i))
		for j := range amounts {
			amounts[j] = fromUnits(int64(1+(i+j)*7919%1_000_000), o2o.CNY).AmountString()
		}
		s := testOrder(o2o.ChannelO2O, amounts...)
		s.Order.ID = fmt.Sprintf("SO-%d", i/10)
		sales = append(sales, s)
	}
	return sales
}

// BenchmarkSplit1MLines splits 1,000,000 order lines (100,000 orders of ten
// lines; 100,000 lines under -short) with SplitValidated; lines/s reported.
// Compare with BenchmarkSplit1MLinesBaseline, o2o.Allocate alone on the
// same lines and weights.
func BenchmarkSplit1MLines(b *testing.B) {
	benchScale()
	s := testSplitter(b)
	sales := benchSales(benchN)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for b.Loop() {
		for _, sale := range sales {
			if _, err := s.SplitValidated(sale, Routing{RegionStore: "store-2"}, dealerEnt); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(benchN)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	cpu.reportAs(b, benchN, "lines/cpu-s")
}

// BenchmarkSplit1MLinesBaseline is the bare baseline for
// BenchmarkSplit1MLines: o2o.Allocate on each line with the rule's four
// weights (8%, 2%, 3%, the rest), no rules, parties, postings or reasons.
func BenchmarkSplit1MLinesBaseline(b *testing.B) {
	benchScale()
	sales := benchSales(benchN)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for b.Loop() {
		for _, sale := range sales {
			for _, ln := range sale.Lines {
				a := ln.Amount.Amount()
				shares := []o2o.Share{{Key: "a", Weight: a.Mul(decimal.New(8, -2))}, {Key: "b", Weight: a.Mul(decimal.New(2, -2))},
					{Key: "c", Weight: a.Mul(decimal.New(3, -2))}, {Key: "d", Weight: a.Mul(decimal.New(87, -2))}}
				if _, err := o2o.Allocate(ln.Amount, shares); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(benchN)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	cpu.reportAs(b, benchN, "lines/cpu-s")
}

// BenchmarkMerge2ThenPosting merges two partitions and looks one key up in
// the merged ledger, which needs its key index: the cost of a merge whose
// result is used for more than balances.
func BenchmarkMerge2ThenPosting(b *testing.B) {
	benchScale()
	parts := benchPartitions(b, 2, false)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m, err := Merge(parts...)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Posting("p1-0"); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, benchN)
}

// BenchmarkStatements builds every account's statement (1,098 accounts)
// of a ledger of 100,000 postings.
func BenchmarkStatements(b *testing.B) {
	l := MustLedger(Config{DisableChain: true})
	for _, bt := range benchBatches(100_000, "s") {
		if _, err := l.Apply(bt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Statements(Period{}); err != nil {
			b.Fatal(err)
		}
	}
}
