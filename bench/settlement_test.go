package bench

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// postings is the number of postings per ledger benchmark op: 1,000,000,
// or 100,000 under -short.
func postings() int {
	if tiny {
		return 8_000
	}
	if testing.Short() {
		return 100_000
	}
	return 1_000_000
}

// batches returns n postings in batches of 100 over about 1,100 accounts.
func batches(n int, prefix string) []settlement.Batch {
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	var out []settlement.Batch
	for i := 0; i < n; i += 100 {
		b := settlement.Batch{Postings: make([]settlement.Posting, 0, 100)}
		for j := i; j < min(i+100, n); j++ {
			amount, err := o2o.FromMinor(int64(1+j%100_000), o2o.CNY)
			if err != nil {
				panic(err)
			}
			b.Postings = append(b.Postings, settlement.Posting{Key: fmt.Sprintf("%s%d", prefix, j), Kind: settlement.KindSaleRevenue,
				From: fmt.Sprintf("cust-%d", j%997), To: fmt.Sprintf("store-%d", j%101),
				Amount: amount, Order: "o", At: t0.Add(time.Duration(j) * time.Second)})
		}
		out = append(out, b)
	}
	return out
}

func applyAll(b *testing.B, cfg settlement.Config, work []settlement.Batch) *settlement.Ledger {
	l, err := settlement.NewLedger(cfg)
	if err != nil {
		b.Fatal(err)
	}
	for _, bt := range work {
		if _, err := l.Apply(bt); err != nil {
			b.Fatal(err)
		}
	}
	return l
}

func reportRate(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "postings/s")
}

// reportCPURate reports the postings per second of the CPU time the
// process spent since c0 (processCPU's reading): the rate per core, which
// other programs on the machine do not lower as they lower postings/s.
// The garbage collector's work on the other core counts too.
func reportCPURate(b *testing.B, n int, c0 int64) {
	if ns := processCPU() - c0; c0 > 0 && ns > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/(float64(ns)/1e9), "postings/cpu-s")
	}
}

// BenchmarkSettlement: ledger apply (validation, unique keys, limits,
// hash chain) beside a map of decimals and a map of int64 minor units
// (the limit); building 8 partitions and merging them on 1 and 2
// workers beside one ledger on one worker; a ledger snapshot's decode
// (with its re-apply and hash checks) beside encoding/json into plain
// structs.
func BenchmarkSettlement(b *testing.B) {
	n := postings()
	work := batches(n, "k")
	// One ledger built before any side is timed: the first to run would
	// otherwise pay alone for growing the heap and faulting in its pages
	// (a third of its time at 1,000,000 postings), whichever it is.
	applyAll(b, settlement.Config{}, work)
	b.Run("apply/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		c0 := processCPU()
		for b.Loop() {
			applyAll(b, settlement.Config{}, work)
		}
		reportRate(b, n)
		reportCPURate(b, n, c0)
	})
	b.Run("apply/peer-chain-off", func(b *testing.B) {
		b.ReportAllocs()
		c0 := processCPU()
		for b.Loop() {
			applyAll(b, settlement.Config{DisableChain: true}, work)
		}
		reportRate(b, n)
		reportCPURate(b, n, c0)
	})
	b.Run("apply/peer-map-decimal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bal := map[string]decimal.Decimal{}
			for _, bt := range work {
				for _, p := range bt.Postings {
					a := p.Amount.Amount()
					bal[p.From] = bal[p.From].Sub(a)
					bal[p.To] = bal[p.To].Add(a)
				}
			}
		}
		reportRate(b, n)
	})
	units := make([]int64, 0, n)
	for _, bt := range work {
		for _, p := range bt.Postings {
			u, ok := p.Amount.MinorUnits()
			if !ok {
				b.Fatal("not whole minor units")
			}
			units = append(units, u)
		}
	}
	b.Run("apply/limit-map-int64", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bal := map[string]int64{}
			i := 0
			for _, bt := range work {
				for _, p := range bt.Postings {
					bal[p.From] -= units[i]
					bal[p.To] += units[i]
					i++
				}
			}
		}
		reportRate(b, n)
	})

	parts := make([][]settlement.Batch, 8)
	for i := range parts {
		parts[i] = batches(n/8, fmt.Sprintf("p%d-", i))
	}
	merge := func(b *testing.B, workers int) {
		b.ReportAllocs()
		for b.Loop() {
			ledgers := make([]*settlement.Ledger, len(parts))
			var wg sync.WaitGroup
			next := make(chan int, len(parts))
			for i := range parts {
				next <- i
			}
			close(next)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						ledgers[i] = applyAll(b, settlement.Config{}, parts[i])
					}
				}()
			}
			wg.Wait()
			if _, err := settlement.Merge(ledgers...); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, n/8*8)
	}
	one := func(b *testing.B) {
		var all []settlement.Batch
		for _, p := range parts {
			all = append(all, p...)
		}
		b.ReportAllocs()
		for b.Loop() {
			applyAll(b, settlement.Config{}, all)
		}
		reportRate(b, n/8*8)
	}
	b.Run("merge_8_on_1_worker/o2okit", func(b *testing.B) { merge(b, 1) })
	b.Run("merge_8_on_1_worker/peer-one-ledger", one)
	b.Run("merge_8_on_2_workers/o2okit", func(b *testing.B) { merge(b, 2) })
	b.Run("merge_8_on_2_workers/peer-one-ledger", one)

	snap, err := json.Marshal(applyAll(b, settlement.Config{}, batches(min(20_000, postings()), "s")))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("snapshot_decode_20k/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := settlement.ParseLedger(snap); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("snapshot_decode_20k/peer-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s pLedger
			if err := json.Unmarshal(snap, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("snapshot_decode_20k/peer-json+map-decimal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s pLedger
			if err := json.Unmarshal(snap, &s); err != nil {
				b.Fatal(err)
			}
			bal := map[string]decimal.Decimal{}
			for _, p := range s.Postings {
				a, err := decimal.NewFromString(p.Amount.Amount)
				if err != nil {
					b.Fatal(err)
				}
				bal[p.From] = bal[p.From].Sub(a)
				bal[p.To] = bal[p.To].Add(a)
			}
		}
	})
}

type pPosting struct {
	Key    string    `json:"key"`
	Kind   string    `json:"kind"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Amount pMoney    `json:"amount"`
	Order  string    `json:"order,omitempty"`
	Ref    string    `json:"ref,omitempty"`
	At     time.Time `json:"at"`
}

type pLedger struct {
	Config      json.RawMessage `json:"config"`
	Sequential  bool            `json:"sequential"`
	Head        *string         `json:"head,omitempty"`
	Digest      string          `json:"digest"`
	Fingerprint string          `json:"fingerprint"`
	Postings    []pPosting      `json:"postings"`
}
