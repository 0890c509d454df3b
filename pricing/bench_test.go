package pricing_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

func benchRequest(b testing.TB) pricing.Request {
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	obs := make([]pricing.Observation, 20)
	for i := range obs {
		obs[i] = pricing.Observation{Source: fmt.Sprintf("shop-%02d", i), Brand: "Mianpeng", Model: "T800",
			Price: o2o.MustParseMoney(fmt.Sprintf("%d.90", 96+i)), ObservedAt: at.Add(-time.Hour), ValidUntil: at.Add(time.Hour)}
	}
	obs[7].Price = o2o.MustParseMoney("97.30")
	return pricing.Request{
		SKU: "TILE-800", Quantity: o2o.Qty(decimal.New(1235, -2), o2o.UnitSquareMetre),
		Region: o2o.MustRegionCode("440305001"), Channel: o2o.ChannelO2O, Placed: o2o.Placement{Venue: o2o.VenueOnline},
		Segment: o2o.SegmentGroup, AccountID: "G-001", At: at, Observations: obs,
		Campaign: &pricing.Campaign{ID: "C", Stage: 2, FundingLeft: o2o.MustParseMoney("10000")},
	}
}

// BenchmarkQuote runs the full policy: base, uplift, group, network lowest
// over 20 observations, ladder, rounding, VAT.
func BenchmarkQuote(b *testing.B) {
	p := fixturePolicy(b, "")
	req := benchRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Quote(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuoteBaseline does the same decimal arithmetic by hand: the
// price from a map, the uplift and its cap, the lowest of 20 observations
// against the floor, rounding, the line total, the ladder's cost and the VAT.
func BenchmarkQuoteBaseline(b *testing.B) {
	req := benchRequest(b)
	prices := map[string]decimal.Decimal{"TILE-800|440000": decimal.New(9500, -2)}
	pct, capAmt := decimal.New(5, -2), decimal.New(100, 0)
	floor := decimal.New(6600, -2)
	stageCost := []decimal.Decimal{decimal.New(800, 0), decimal.New(2000, 0)}
	funding := req.Campaign.FundingLeft.Amount()
	vat := decimal.New(13, 0)
	b.ReportAllocs()
	for b.Loop() {
		price := prices[req.SKU+"|"+req.Region.Province().String()]
		up := price.Mul(pct)
		if up.GreaterThan(capAmt) {
			up = capAmt
		}
		price = price.Add(up)
		low := decimal.Decimal{}
		for i, o := range req.Observations {
			if o.Brand != "Mianpeng" || !o.ValidUntil.After(req.At) {
				continue
			}
			if a := o.Price.Amount(); i == 0 || a.LessThan(low) {
				low = a
			}
		}
		if low.LessThan(price) {
			price = decimal.Max(low, floor)
		}
		unit := price.RoundBank(2)
		total := unit.Mul(req.Quantity.Value.Decimal).RoundBank(2)
		cost := stageCost[0].Add(stageCost[1])
		_ = cost.LessThan(funding)
		_ = total.Mul(vat).DivRound(vat.Add(decimal.New(100, 0)), 12).RoundBank(2)
	}
}

func benchBookQuote(b *testing.B, n int, rotate bool) {
	book, skus := bigBook(b, n)
	p, err := pricing.Config{VAT: pricing.VAT{Default: &o2o.Decimal{}}}.Build(book)
	if err != nil {
		b.Fatal(err)
	}
	req := pricing.Request{
		Quantity: o2o.Qty(decimal.New(3, 0), o2o.UnitPiece), Region: o2o.MustRegionCode("510104"), Channel: o2o.ChannelO2O,
		Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S"}, Segment: o2o.SegmentRetail,
		At: time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China()),
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req.SKU = skus[0]
		if rotate {
			req.SKU = skus[i%len(skus)]
			i++
		}
		if _, err := p.Quote(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuoteBook10 and BenchmarkQuoteBook10000 quote from a 10-SKU and a
// 10,000-SKU book of 31 provinces each, rotating over every SKU;
// BenchmarkQuoteBook10000Hot quotes one SKU of the big book again and
// again. Hot and 10-SKU figures match (the indexed lookup does the same
// work); the rotating 10,000-SKU figure adds the cache misses of touching a
// different SKU's memory every time.
func BenchmarkQuoteBook10(b *testing.B)       { benchBookQuote(b, 10, true) }
func BenchmarkQuoteBook10000(b *testing.B)    { benchBookQuote(b, 10000, true) }
func BenchmarkQuoteBook10000Hot(b *testing.B) { benchBookQuote(b, 10000, false) }

func benchLookup(b *testing.B, n int, rotate bool) {
	book, skus := bigBook(b, n)
	region, at := o2o.MustRegionCode("510104"), time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sku := skus[0]
		if rotate {
			sku = skus[i%len(skus)]
			i++
		}
		if _, err := book.Lookup(sku, region, at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupBook10 and BenchmarkLookupBook10000 isolate the book
// lookup, rotating over every SKU; BenchmarkLookupBook10000Hot asks for one
// SKU again and again, so its memory stays in cache: the gap between it and
// the rotating 10,000-SKU figure is the cost of cache misses, not of the
// lookup's algorithm.
func BenchmarkLookupBook10(b *testing.B)       { benchLookup(b, 10, true) }
func BenchmarkLookupBook10000(b *testing.B)    { benchLookup(b, 10000, true) }
func BenchmarkLookupBook10000Hot(b *testing.B) { benchLookup(b, 10000, false) }

// BenchmarkQuoteJSON encodes the quote of BenchmarkQuote as JSON.
func BenchmarkQuoteJSON(b *testing.B) {
	p := fixturePolicy(b, "")
	q, err := p.Quote(benchRequest(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(q); err != nil {
			b.Fatal(err)
		}
	}
}

// handQuote is the arithmetic of BenchmarkQuote's request written by hand
// with shopspring/decimal, every figure the quote shows included: the
// price from a map, the uplift and its cap, the lowest fresh outside
// observation (own sources excluded, ties by source) against the floor and
// the amount matched, rounding with its floor check, the exact line total
// and its rounding difference, the ladder's cost against the funding, and
// the VAT included. It does not validate the request nor build the
// explanation (steps, benefits, flags), which the quote does.
type handQuote struct {
	prices       map[string]decimal.Decimal
	pct, capAmt  decimal.Decimal
	floor        decimal.Decimal
	own          map[string]bool
	stageCost    []decimal.Decimal
	vat, hundred decimal.Decimal
}

// handFigures are the figures handQuote computes, each one the quote shows.
type handFigures struct {
	uplift, matched, unit, exact, difference, total, stageCost, vat decimal.Decimal
	affordable                                                      bool
}

func newHandQuote() handQuote {
	return handQuote{
		prices: map[string]decimal.Decimal{"TILE-800|440000": decimal.New(9500, -2)},
		pct:    decimal.New(5, -2), capAmt: decimal.New(100, 0), floor: decimal.New(6600, -2),
		own:       map[string]bool{"our-b2c": true, "our-o2o": true},
		stageCost: []decimal.Decimal{decimal.New(800, 0), decimal.New(2000, 0)},
		vat:       decimal.New(13, 0), hundred: decimal.New(100, 0),
	}
}

func (h handQuote) quote(req pricing.Request) (f handFigures) {
	price := h.prices[req.SKU+"|"+req.Region.Province().String()]
	f.uplift = price.Mul(h.pct)
	if f.uplift.GreaterThan(h.capAmt) {
		f.uplift = h.capAmt
	}
	price = price.Add(f.uplift)
	low, src, found := decimal.Decimal{}, "", false
	for _, o := range req.Observations {
		if o.Brand != "Mianpeng" || o.Model != "T800" || o.ObservedAt.After(req.At) || !o.ValidUntil.After(req.At) || h.own[o.Source] {
			continue
		}
		if a := o.Price.Amount(); !found || a.LessThan(low) || (a.Equal(low) && o.Source < src) {
			low, src, found = a, o.Source, true
		}
	}
	if found && low.LessThan(price) {
		next := decimal.Max(low, h.floor)
		f.matched = next.Sub(price)
		price = next
	}
	f.unit = price.RoundBank(2)
	if f.unit.LessThan(h.floor) {
		f.unit = price.RoundCeil(2)
	}
	f.exact = f.unit.Mul(req.Quantity.Value.Decimal)
	f.total = f.exact.RoundBank(2)
	f.difference = f.total.Sub(f.exact)
	f.stageCost = h.stageCost[0].Add(h.stageCost[1])
	f.affordable = !req.Campaign.FundingLeft.Amount().LessThan(f.stageCost)
	f.vat = f.total.Mul(h.vat).DivRound(h.vat.Add(h.hundred), 12).RoundBank(2)
	return f
}

// checkHand fails unless the hand arithmetic gives every figure the quote
// shows: the baseline must do the quote's arithmetic, no less.
func checkHand(b *testing.B, q pricing.Quote, f handFigures) {
	b.Helper()
	step := func(r pricing.RuleName) pricing.Step {
		for _, s := range q.Steps {
			if s.Rule == r {
				return s
			}
		}
		b.Fatalf("no %s step", r)
		return pricing.Step{}
	}
	for _, x := range []struct {
		name string
		hand decimal.Decimal
		got  o2o.Money
	}{
		{"uplift", f.uplift, step(pricing.RuleOnlineUplift).Amount},
		{"matched", f.matched, step(pricing.RuleNetworkLowest).Amount},
		{"unit", f.unit, q.UnitPrice},
		{"exact", f.exact, step(pricing.RuleLineTotal).Base},
		{"difference", f.difference, step(pricing.RuleLineTotal).Amount},
		{"total", f.total, q.LineTotal},
		{"stage cost", f.stageCost, step(pricing.RuleLadder).Facts.Cost},
		{"vat", f.vat, q.VAT.Included},
	} {
		if !x.hand.Equal(x.got.Amount()) {
			b.Fatalf("hand %s %s differs from the quote's %s", x.name, x.hand, x.got)
		}
	}
	if f.affordable != (q.Stage == 2) {
		b.Fatalf("hand affordable %v, quote stage %d", f.affordable, q.Stage)
	}
}

// BenchmarkQuoteVsHand runs, in one run, BenchmarkQuote's quote and the
// same arithmetic by hand (handQuote), alternating in blocks, and reports
// the time of each per operation and their ratio (quote/hand). The quote
// also builds its explanation (steps, benefits, flags), which the hand
// version does not. The setup checks that both give the same figures.
// Run it with -count 6 and compare the medians of ratio (and ratio-min).
func BenchmarkQuoteVsHand(b *testing.B) {
	p := fixturePolicy(b, "")
	req := benchRequest(b)
	h := newHandQuote()
	q, err := p.Quote(req)
	if err != nil {
		b.Fatal(err)
	}
	checkHand(b, q, h.quote(req))
	const block = 64
	var tq, th time.Duration
	minQ, minH := time.Duration(1<<62), time.Duration(1<<62)
	n := 0
	for b.Loop() {
		t0 := time.Now()
		for range block {
			if _, err := p.Quote(req); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for range block {
			h.quote(req)
		}
		dh, dq := time.Since(t1), t1.Sub(t0)
		th, tq = th+dh, tq+dq
		minQ, minH = min(minQ, dq), min(minH, dh)
		n += block
	}
	b.ReportMetric(float64(tq.Nanoseconds())/float64(n), "quote-ns/op")
	b.ReportMetric(float64(th.Nanoseconds())/float64(n), "hand-ns/op")
	b.ReportMetric(float64(tq)/float64(th), "ratio")
	// On a shared machine other processes inflate some blocks: the ratio
	// of the fastest blocks is the steadier figure (it may miss a garbage
	// collection that the mean ratio shares out).
	b.ReportMetric(float64(minQ)/float64(minH), "ratio-min")
}
