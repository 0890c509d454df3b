package pricing_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

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
	if diff := cmp.Diff([]string{"S-4", "S-5", "S-6", "S-7", "S-8"}, stores); diff != "" {
		t.Errorf("deviating stores (-want +got):\n%s\n%+v", diff, devs)
	}
}
