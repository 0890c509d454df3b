package pricing_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// gapCatalog is the test catalog plus the free on-site measurement, a
// service item sold by the job.
func gapCatalog(t testing.TB) *o2o.Catalog {
	t.Helper()
	products := append(testCatalog(t).Products(), o2o.Product{SKU: "SVC-MEAS", Name: "On-site measurement", Brand: "Mianpeng",
		Model: "M", Category: "measurement", Line: o2o.LineO2O, Service: o2o.ServiceMeasurement, Unit: o2o.UnitJob})
	cat, err := o2o.NewCatalog(products)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// gapPolicy is policy.json over the fixture book plus the measurement at
// 0.00 nationally.
func gapPolicy(t testing.TB) *pricing.Policy {
	t.Helper()
	entries := fixtureBook(t).Entries()
	entries = append(entries, pricing.Entry{SKU: "SVC-MEAS", Price: o2o.MustParseMoney("0.00")})
	book, err := pricing.NewBook(gapCatalog(t), entries)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pricing.ParseConfig(readFile(t, "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.VAT.Categories = append(cfg.VAT.Categories, pricing.CategoryRate{Category: "measurement", Percent: o2o.MustDec("6")})
	p, err := cfg.Build(book)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFreeServiceLine: a service item may be priced at 0.00 and quotes at
// zero with a step saying why; goods at 0.00 stay refused.
func TestFreeServiceLine(t *testing.T) {
	cat := gapCatalog(t)
	var be *pricing.BookError
	if _, err := pricing.NewBook(cat, []pricing.Entry{{SKU: "CAB-01", Price: o2o.MustParseMoney("0.00")}}); !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &be) {
		t.Fatalf("goods at 0.00: got %v, want a *BookError wrapping o2o.ErrInvalid", err)
	}
	if _, err := pricing.NewBook(cat, []pricing.Entry{{SKU: "SVC-MEAS", Price: o2o.MustParseMoney("-1.00")}}); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("a negative service price: got %v, want o2o.ErrInvalid", err)
	}
	p := gapPolicy(t)
	req := benchRequest(t)
	req.SKU, req.Quantity, req.Observations = "SVC-MEAS", o2o.Qty(o2o.MustDec("1").Decimal, o2o.UnitJob), nil
	req.Campaign.Stage = 3
	q, err := p.Quote(req)
	if err != nil {
		t.Fatal(err)
	}
	zero := o2o.MustParseMoney("0.00")
	if !q.UnitPrice.Equal(zero) || !q.LineTotal.Equal(zero) || q.VAT == nil || !q.VAT.Included.Equal(zero) {
		t.Fatalf("free line: unit %s, total %s, VAT %+v; want zeros", q.UnitPrice, q.LineTotal, q.VAT)
	}
	if len(q.Steps) == 0 || q.Steps[0].Code != pricing.ReasonFreeService || q.Steps[0].Facts.Label != "measurement" {
		t.Fatalf("the first step does not explain the free line:\n%s", q.Explain())
	}
	for _, s := range q.Steps {
		if s.Rule == pricing.RuleOnlineUplift {
			t.Errorf("a free line carries an uplift step: %s", s)
		}
	}
	data, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var back pricing.Quote
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("free quote does not decode: %v\n%s", err, data)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(data) {
		t.Errorf("free quote JSON does not round-trip:\n%s\n%s", data, again)
	}
}

// TestWholeUnits: pieces, sets and jobs are counted, so a fraction of one
// is refused; square metres may have one.
func TestWholeUnits(t *testing.T) {
	p := fixturePolicy(t, "")
	for _, tt := range []struct {
		sku, qty string
		unit     o2o.Unit
		ok       bool
	}{
		{"CAB-01", "1.5", o2o.UnitPiece, false},
		{"CAB-01", "0.001", o2o.UnitPiece, false},
		{"SVC-CONS", "0.5", o2o.UnitJob, false},
		{"CAB-01", "2.000", o2o.UnitPiece, true},
		{"CAB-01", "3", o2o.UnitPiece, true},
		{"TILE-800", "12.35", o2o.UnitSquareMetre, true},
	} {
		req := benchRequest(t)
		req.SKU, req.Quantity = tt.sku, o2o.Qty(o2o.MustDec(tt.qty).Decimal, tt.unit)
		_, err := p.Quote(req)
		var ve *o2o.ValidationError
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s × %s %s: %v", tt.sku, tt.qty, tt.unit, err)
		case !tt.ok && (!errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != "quantity.value"):
			t.Errorf("%s × %s %s: got %v, want a fault at quantity.value", tt.sku, tt.qty, tt.unit, err)
		}
	}
	for _, u := range o2o.Units() {
		want := u == o2o.UnitPiece || u == o2o.UnitSet || u == o2o.UnitJob
		if pricing.WholeUnit(u) != want {
			t.Errorf("WholeUnit(%s) = %v, want %v", u, !want, want)
		}
	}
}

// TestUnifiedPriceFlagsProveNothing: a quote flagged negotiated or
// clearance is set aside only when its steps entitle it to its price; a
// flag alone, a negotiated price for an account that is not designated, or
// clearance sold by another store is reported.
func TestUnifiedPriceFlagsProveNothing(t *testing.T) {
	p := fixturePolicy(t, "policy-negotiation.json")
	at := benchRequest(t).At
	base := pricing.Request{SKU: "CAB-01", Quantity: o2o.Qty(o2o.MustDec("2").Decimal, o2o.UnitPiece), Region: o2o.MustRegionCode("440305001"),
		Channel: o2o.ChannelO2O, Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-1"}, Segment: o2o.SegmentRetail, At: at}
	quote := func(r pricing.Request) pricing.Quote {
		t.Helper()
		q, err := p.Quote(r)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	clean := quote(base)
	neg := base
	neg.Placed.StoreID, neg.Segment, neg.AccountID = "S-2", o2o.SegmentGroup, "G-001"
	asked := o2o.MustParseMoney("3700.00")
	neg.Negotiated = &asked
	negotiated := quote(neg)
	if negotiated.AccountID != "G-001" || negotiated.Segment != o2o.SegmentGroup || !negotiated.Flags.Negotiated {
		t.Fatalf("the quote does not record whom it was priced for: %q %q %+v", negotiated.Segment, negotiated.AccountID, negotiated.Flags)
	}
	cl := base
	cl.Placed.StoreID, cl.Returned = "S-3", &pricing.Returned{Grade: "B", StoreID: "S-3"}
	clearance := quote(cl)

	devs, err := p.UnifiedPrice("CAB-01", gd, []pricing.Quote{clean, negotiated, clearance})
	if err != nil || len(devs) != 0 {
		t.Fatalf("honest quotes reported: %+v %v", devs, err)
	}

	// A flag and a lower price, no step.
	flagged := clean
	flagged.Placed.StoreID, flagged.UnitPrice, flagged.Flags.Negotiated = "S-4", o2o.MustParseMoney("3000.00"), true
	// A clearance flag and a lower price, no step.
	flaggedCl := clean
	flaggedCl.Placed.StoreID, flaggedCl.UnitPrice, flaggedCl.Flags.Clearance = "S-5", o2o.MustParseMoney("3000.00"), true
	// A negotiated price re-labelled as priced for a retail customer.
	retail := negotiated
	retail.Placed.StoreID, retail.Segment, retail.AccountID = "S-6", o2o.SegmentRetail, ""
	// Clearance goods held by S-3 sold in S-7.
	moved := clearance
	moved.Placed.StoreID = "S-7"
	// A negotiated step whose price is below the floor.
	low := negotiated
	low.Placed.StoreID = "S-8"
	low.Steps = append([]pricing.Step(nil), negotiated.Steps...)
	for i, s := range low.Steps {
		if s.Rule == pricing.RuleNegotiation {
			low.Steps[i].Result = o2o.MustParseMoney("2000.00")
			low.Steps[i].Amount = must(o2o.MustParseMoney("2000.00").Sub(s.Base))
		}
	}
	low.UnitPrice = o2o.MustParseMoney("2000.00")

	devs, err = p.UnifiedPrice("CAB-01", gd, []pricing.Quote{clean, negotiated, clearance, flagged, flaggedCl, retail, moved, low})
	if err != nil {
		t.Fatal(err)
	}
	var stores []string
	for _, d := range devs {
		stores = append(stores, d.StoreID)
	}
	for _, d := range devs {
		t.Logf("%s: %s", d.StoreID, d.Reason)
	}
	if diff := cmp.Diff([]string{"S-4", "S-5", "S-6", "S-7", "S-8"}, stores); diff != "" {
		t.Errorf("deviating stores (-want +got):\n%s\n%+v", diff, devs)
	}
}

// orderRequest is an in-store order in Guangdong for 10 m2 of TILE-800 and
// one CAB-01 (950.00 + 3999.00 = 4949.00) under campaign C.
func orderRequest(t testing.TB, stage int, funding string) pricing.OrderRequest {
	return pricing.OrderRequest{
		Region: o2o.MustRegionCode("440305001"), Channel: o2o.ChannelO2O, Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-1"},
		Segment: o2o.SegmentRetail, At: benchRequest(t).At,
		Campaign: &pricing.Campaign{ID: "C", Stage: stage, FundingLeft: o2o.MustParseMoney(funding)},
		Lines: []pricing.OrderLine{
			{SKU: "TILE-800", Quantity: o2o.Qty(o2o.MustDec("10").Decimal, o2o.UnitSquareMetre)},
			{SKU: "CAB-01", Quantity: o2o.Qty(o2o.MustDec("1").Decimal, o2o.UnitPiece)},
		},
	}
}

func ladderCodes(bs []pricing.Benefit) []string {
	var out []string
	for _, b := range bs {
		if b.Rule == pricing.RuleLadder {
			out = append(out, b.Code)
		}
	}
	return out
}

// TestQuoteOrderLadderOncePerOrder: the ladder's benefits are granted once
// per order, its cost drawn once from the funding, and no line counts it
// again; what the customer pays follows.
func TestQuoteOrderLadderOncePerOrder(t *testing.T) {
	p := fixturePolicy(t, "")
	m := o2o.MustParseMoney
	for _, tt := range []struct {
		name, funding                          string
		stage, wantStage                       int
		fallback                               bool
		codes                                  []string
		drawn, productsFree, paidBack, payable string
	}{
		// Stage 2 costs 800 + 2000 once: 2800, not 5600 for two lines.
		{"stage 2 once", "2800.00", 2, 2, false, []string{"free_construction", "house_fee_waived"}, "2800.00", "0.00", "0.00", "4949.00"},
		// Stage 3 costs 2800 + the products (4949.00) = 7749.00 exactly;
		// counting the services per line would need 10549.00.
		{"stage 3 products free", "7749.00", 3, 3, false, []string{"free_construction", "house_fee_waived", "products_free"}, "7749.00", "4949.00", "0.00", "0.00"},
		{"stage 3 falls back to 2", "7748.99", 3, 2, true, []string{"free_construction", "house_fee_waived"}, "2800.00", "0.00", "0.00", "4949.00"},
		// Stage 4 adds a 500.00 payback: the customer receives 500.00.
		{"stage 4 pays back", "8249.00", 4, 4, false, []string{"free_construction", "house_fee_waived", "products_free", "payback"}, "8249.00", "4949.00", "500.00", "-500.00"},
		{"nothing affordable", "799.99", 1, 0, true, nil, "0.00", "0.00", "0.00", "4949.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			oq, err := p.QuoteOrder(orderRequest(t, tt.stage, tt.funding))
			if err != nil {
				t.Fatal(err)
			}
			if oq.Stage != tt.wantStage || oq.StageFallback != tt.fallback {
				t.Errorf("stage %d fallback %v, want %d %v", oq.Stage, oq.StageFallback, tt.wantStage, tt.fallback)
			}
			if diff := cmp.Diff(tt.codes, ladderCodes(oq.Benefits)); diff != "" {
				t.Errorf("ladder benefits (-want +got):\n%s", diff)
			}
			for _, x := range []struct {
				name      string
				got, want o2o.Money
			}{{"subtotal", oq.Subtotal, m("4949.00")}, {"fundingDrawn", oq.FundingDrawn, m(tt.drawn)},
				{"productsFree", oq.ProductsFree, m(tt.productsFree)}, {"paidBack", oq.PaidBack, m(tt.paidBack)}, {"payable", oq.Payable, m(tt.payable)}} {
				if !x.got.Equal(x.want) {
					t.Errorf("%s = %s, want %s", x.name, x.got, x.want)
				}
			}
			for i, q := range oq.Lines {
				if len(q.Benefits) != 0 || q.Stage != 0 {
					t.Errorf("line %d carries per-order benefits: %+v", i, q.Benefits)
				}
				for _, s := range q.Steps {
					if s.Rule == pricing.RuleLadder || s.Rule == pricing.RuleValueAdded {
						t.Errorf("line %d carries a per-order step: %s", i, s)
					}
				}
			}
			if n := len(oq.Steps); n != 1 || oq.Steps[0].Rule != pricing.RuleLadder {
				t.Errorf("order steps: %v", oq.Steps)
			}
			data, err := json.Marshal(oq)
			if err != nil {
				t.Fatal(err)
			}
			var back pricing.OrderQuote
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("order quote does not decode: %v", err)
			}
			if again, _ := json.Marshal(back); string(again) != string(data) {
				t.Errorf("order quote JSON does not round-trip:\n%s\n%s", data, again)
			}
		})
	}
}

// TestQuoteOrderMatchesQuote: an order of one line gets the line quote
// Quote gives, less the per-order rules, and the same stage and benefits.
func TestQuoteOrderMatchesQuote(t *testing.T) {
	p := fixturePolicy(t, "")
	req := orderRequest(t, 2, "10000.00")
	req.Segment, req.AccountID = o2o.SegmentGroup, "G-001"
	req.Observations = benchRequest(t).Observations
	req.Observations[3].Price = o2o.MustParseMoney("90.00") // the line is matched to the network
	req.Lines = req.Lines[:1]
	oq, err := p.QuoteOrder(req)
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.Quote(req.Request(0))
	if err != nil {
		t.Fatal(err)
	}
	if oq.Stage != q.Stage || !cmp.Equal(oq.Benefits, q.Benefits, cmpOpts...) {
		t.Errorf("order: stage %d, %v; quote: stage %d, %v", oq.Stage, oq.Benefits, q.Stage, q.Benefits)
	}
	var perLine []pricing.Step
	for _, s := range q.Steps {
		if s.Rule != pricing.RuleLadder && s.Rule != pricing.RuleValueAdded {
			perLine = append(perLine, s)
		}
	}
	if !q.Flags.Matched {
		t.Fatalf("the quote was not matched to the network:\n%s", q.Explain())
	}
	if !cmp.Equal(perLine, oq.Lines[0].Steps, cmpOpts...) || !oq.Lines[0].LineTotal.Equal(q.LineTotal) {
		t.Errorf("line steps differ:\n%v\n%v", perLine, oq.Lines[0].Steps)
	}
}

// TestQuoteOrderRefuses: faults are named by their path in the order, and a
// refused order returns nothing.
func TestQuoteOrderRefuses(t *testing.T) {
	p := fixturePolicy(t, "")
	path := func(err error) string {
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) == 0 {
			return "not a validation error: " + fmt.Sprint(err)
		}
		return ve.Fields[0].Path
	}
	req := orderRequest(t, 1, "1000")
	req.Lines = nil
	if _, err := p.QuoteOrder(req); path(err) != "lines" {
		t.Errorf("no lines: %v", err)
	}
	req = orderRequest(t, 1, "1000")
	req.Lines = make([]pricing.OrderLine, pricing.MaxOrderLines+1)
	if _, err := p.QuoteOrder(req); path(err) != "lines" {
		t.Errorf("too many lines: %v", err)
	}
	req = orderRequest(t, 1, "1000")
	req.Lines[1].Quantity.Value = o2o.MustDec("1.5")
	if oq, err := p.QuoteOrder(req); path(err) != "lines[1].quantity.value" || oq.Lines != nil {
		t.Errorf("a fraction of a piece: %v", err)
	}
	req = orderRequest(t, 1, "1000")
	req.Region = o2o.RegionCode{}
	if _, err := p.QuoteOrder(req); path(err) != "region" {
		t.Errorf("no region: %v", err)
	}
	req = orderRequest(t, 1, "1000")
	req.Campaign.ID = ""
	if _, err := p.QuoteOrder(req); path(err) != "campaign.id" {
		t.Errorf("no campaign id: %v", err)
	}
	req = orderRequest(t, 5, "1000")
	if _, err := p.QuoteOrder(req); !errors.Is(err, pricing.ErrLadder) {
		t.Errorf("stage 5: %v", err)
	}
	req = orderRequest(t, 1, "1000")
	req.Lines[0].SKU = "NOPE"
	if _, err := p.QuoteOrder(req); !errors.Is(err, pricing.ErrUnknownSKU) || !strings.Contains(err.Error(), "lines[0]") {
		t.Errorf("unknown SKU: %v", err)
	}
	req = orderRequest(t, 1, "1000")
	req.Lines[1].Returned = &pricing.Returned{Grade: "B", StoreID: "S-2"}
	var re *pricing.RuleError
	if _, err := p.QuoteOrder(req); !errors.Is(err, pricing.ErrClearance) || !errors.As(err, &re) || !strings.Contains(err.Error(), "lines[1]") {
		t.Errorf("clearance from another store: %v", err)
	}
}

// TestQuoteOrderFreeAndClearance: a wholly free order quotes at zero with
// nothing to pay; clearance goods are not given free by the ladder.
func TestQuoteOrderFreeAndClearance(t *testing.T) {
	p := gapPolicy(t)
	req := orderRequest(t, 0, "0")
	req.Campaign = nil
	req.Lines = []pricing.OrderLine{{SKU: "SVC-MEAS", Quantity: o2o.Qty(o2o.MustDec("1").Decimal, o2o.UnitJob)}}
	oq, err := p.QuoteOrder(req)
	if err != nil {
		t.Fatal(err)
	}
	if !oq.Subtotal.IsZero() || !oq.Payable.IsZero() || len(oq.Benefits) != 0 {
		t.Errorf("wholly free order: %+v", oq)
	}
	req = orderRequest(t, 3, "100000.00")
	req.Lines[0].Returned = &pricing.Returned{Grade: "B", StoreID: "S-1"} // 950.00 − 35% = 617.50
	oq, err = p.QuoteOrder(req)
	if err != nil {
		t.Fatal(err)
	}
	if oq.Stage != 3 || !oq.ProductsFree.Equal(o2o.MustParseMoney("3999.00")) || !oq.Payable.Equal(o2o.MustParseMoney("617.50")) {
		t.Errorf("clearance line under products free: stage %d, free %s, payable %s", oq.Stage, oq.ProductsFree, oq.Payable)
	}
}

// TestEligibilityIsPlainData: the answer names its province and instant and
// round-trips through JSON; decoding refuses an inconsistent answer.
func TestEligibilityIsPlainData(t *testing.T) {
	p := fixturePolicy(t, "policy-report.json")
	at := benchRequest(t).At
	obs := []pricing.Observation{{Source: "jd", Brand: "Mianpeng", Model: "T800", Price: o2o.MustParseMoney("89.00"), ObservedAt: at.Add(-1), ValidUntil: at.Add(1)}}
	for _, sku := range []string{"TILE-800", "DLR-TILE", "CAB-01"} {
		el, err := p.StoreEligible(sku, o2o.MustRegionCode("440305001"), at, obs)
		if err != nil {
			t.Fatal(err)
		}
		if el.Province != gd || !el.At.Equal(at) || len(el.Reasons) == 0 {
			t.Errorf("%s: province %s at %s reasons %v", sku, el.Province, el.At, el.Reasons)
		}
		data, err := json.Marshal(el)
		if err != nil {
			t.Fatal(err)
		}
		var back pricing.Eligibility
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v\n%s", sku, err, data)
		}
		if again, _ := json.Marshal(back); string(again) != string(data) || !back.At.Equal(el.At) || back.Province != el.Province ||
			!back.Price.Equal(el.Price) || back.Eligible != el.Eligible || !cmp.Equal(back.Reasons, el.Reasons) {
			t.Errorf("%s: JSON does not round-trip:\n%s\n%s", sku, data, again)
		}
	}
	var el pricing.Eligibility
	bad := `{"sku":"X","province":"440000","at":"2025-06-01T10:00:00+08:00","eligible":true,"unified":true,"lowest":false,"price":{"amount":"1.00","currency":"CNY"},"reasons":["r"]}`
	if err := json.Unmarshal([]byte(bad), &el); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("eligible without lowest decoded: %v", err)
	}
	if err := json.Unmarshal([]byte(strings.Replace(bad, `"sku"`, `"extra":1,"sku"`, 1)), &el); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown field decoded: %v", err)
	}
	if _, err := p.StoreEligible("TILE-800", o2o.RegionCode{}, at, nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("no region: %v", err)
	}
}

// TestQuoteOrderManyLinesManyObservations: an order of MaxOrderLines lines
// with 10,000 observations reads the observations once, not once per line.
func TestQuoteOrderManyLinesManyObservations(t *testing.T) {
	p := fixturePolicy(t, "")
	req := orderRequest(t, 0, "0")
	req.Campaign = nil
	base := benchRequest(t).Observations[0]
	base.Price = o2o.MustParseMoney("90.00")
	req.Observations = make([]pricing.Observation, 10_000)
	for i := range req.Observations {
		o := base
		o.Source = fmt.Sprintf("shop-%05d", i)
		req.Observations[i] = o
	}
	line := req.Lines[0]
	req.Lines = make([]pricing.OrderLine, pricing.MaxOrderLines)
	for i := range req.Lines {
		req.Lines[i] = line
	}
	err := hostile.Within(t, hostile.Bound{Time: 5 * time.Second, Bytes: 64 << 20}, "order of many lines", func() error {
		oq, err := p.QuoteOrder(req)
		if err == nil && (len(oq.Lines) != pricing.MaxOrderLines || !oq.Lines[999].Flags.Matched) {
			t.Errorf("lines %d, last matched %v", len(oq.Lines), oq.Lines[999].Flags.Matched)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestQuoteOrderConcurrent: one policy prices orders on many goroutines
// with the same answers (run it under -race).
func TestQuoteOrderConcurrent(t *testing.T) {
	p := fixturePolicy(t, "")
	var reqs []pricing.OrderRequest
	var want []string
	for stage := range 5 {
		req := orderRequest(t, stage, "8000.00")
		req.Observations = benchRequest(t).Observations
		oq, err := p.QuoteOrder(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(oq)
		reqs, want = append(reqs, req), append(want, string(data))
	}
	errs := make(chan error, 16)
	for g := range 16 {
		go func() {
			for i := range 50 {
				i := (i + g) % len(reqs)
				oq, err := p.QuoteOrder(reqs[i])
				data, _ := json.Marshal(oq)
				if err != nil || string(data) != want[i] {
					errs <- fmt.Errorf("goroutine %d, order %d: %v", g, i, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
