package o2okit_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
)

// benchOrder is a 3-line O2O order placed online: tile, a cabinet and a
// measurement, delivered to a Nanshan street.
func benchOrder() o2o.Order {
	return baseOrder("B1", lines(line("TILE-YF600", "12.5", o2o.UnitSquareMetre), line("CAB-K1", "2", o2o.UnitPiece), line("SVC-MEASURE", "1", o2o.UnitJob)))
}

// BenchmarkEvaluate measures Evaluate on a 3-line order beside the sum of its
// parts in the same run: validate, route, conflicts, three quotes and the
// split, called directly on the packages with the inputs Evaluate would give
// them. Compare engine with parts: the target is engine ≤ 1.2 × parts.
//
//	go test -run '^$' -bench BenchmarkEvaluate -benchmem -count 5 .
func BenchmarkEvaluate(b *testing.B) {
	e := sampleEngine(b)
	rb := e.Rulebook()
	order := benchOrder()
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Evaluate(order, o2okit.Circumstances{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	net, policy, splitter, catalog := rb.Network(), rb.Policy(), rb.Splitter(), rb.Catalog()
	needs := []channel.Capability{channel.CapMeasurement, channel.CapDelivery} // a measurement and goods
	parts := func(b *testing.B) {
		leads := channel.Leads{}
		{
			if err := order.ValidateWith(catalog); err != nil {
				b.Fatal(err)
			}
			d, err := net.RouteNeeding(order, needs, leads)
			if err != nil {
				b.Fatal(err)
			}
			served := order
			served.ServedBy = &o2o.Serving{Kind: d.Serve.Kind, PartyID: d.Serve.ID}
			if _, err := net.CheckOrder(served, channel.Facts{Need: needs[0], Also: needs[1:]}); err != nil {
				b.Fatal(err)
			}
			sale := settlement.Sale{Order: served, Lines: make([]settlement.SaleLine, len(order.Lines))}
			for i, l := range order.Lines {
				q, err := policy.Quote(pricing.Request{SKU: l.SKU, Quantity: l.Quantity, Region: order.Delivery, Channel: order.Channel,
					Placed: order.Placed, Segment: order.Customer.Segment, At: order.At})
				if err != nil {
					b.Fatal(err)
				}
				sale.Lines[i] = settlement.SaleLine{Line: o2o.LineO2O, Amount: q.LineTotal}
			}
			if _, err := splitter.SplitValidated(sale, settlement.Routing{RegionStore: d.Serve.ID}, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("parts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			parts(b)
		}
	})
	// ratio runs the two in turn, round by round (each first in every other
	// round, so neither always finds the caches warmed by the other), and
	// reports the engine's time over the parts' time: on a shared machine
	// the noise hits both alike.
	b.Run("ratio", func(b *testing.B) {
		var engine, sum time.Duration
		evaluate := func() time.Duration {
			start := time.Now()
			if _, err := e.Evaluate(order, o2okit.Circumstances{}); err != nil {
				b.Fatal(err)
			}
			return time.Since(start)
		}
		split := func() time.Duration {
			start := time.Now()
			parts(b)
			return time.Since(start)
		}
		round := 0
		for b.Loop() {
			round++
			if round%2 == 0 {
				engine += evaluate()
				sum += split()
			} else {
				sum += split()
				engine += evaluate()
			}
		}
		b.ReportMetric(float64(engine)/float64(sum), "engine/parts")
	})
}

// BenchmarkEvaluateJSON measures the user's whole path: order JSON bytes in,
// evaluation JSON bytes out.
func BenchmarkEvaluateJSON(b *testing.B) {
	e := sampleEngine(b)
	in, err := json.Marshal(benchOrder())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var o o2o.Order
		if err := o2o.DecodeJSON(in, &o); err != nil {
			b.Fatal(err)
		}
		ev, err := e.Evaluate(o, o2okit.Circumstances{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyEvaluation measures applying an evaluation's batch to a
// ledger, each round a new order so every posting is created.
func BenchmarkApplyEvaluation(b *testing.B) {
	e := sampleEngine(b)
	ev, err := e.Evaluate(benchOrder(), o2okit.Circumstances{})
	if err != nil {
		b.Fatal(err)
	}
	batch := ev.Batch()
	ledger := settlement.MustLedger(settlement.Config{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		next := settlement.Batch{ID: fmt.Sprint(i), Postings: make([]settlement.Posting, len(batch.Postings))}
		for j, p := range batch.Postings {
			p.Key = fmt.Sprintf("%d/%s", i, p.Key)
			next.Postings[j] = p
		}
		if _, err := ledger.Apply(next); err != nil {
			b.Fatal(err)
		}
	}
}
