package pricing_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

func TestUnifiedPrice(t *testing.T) {
	p := fixturePolicy(t, "")
	f := loadScenarios(t)
	req := f.request(t, scenario{Request: map[string]any{"sku": "TILE-800", "quantity": map[string]any{"value": "10", "unit": "m2"}}})
	var quotes []pricing.Quote
	for _, venue := range []o2o.Placement{{Venue: o2o.VenueStore, StoreID: "S-1"}, {Venue: o2o.VenueStore, StoreID: "S-2"}, {Venue: o2o.VenueOnline}} {
		r := req
		r.Placed = venue
		q, err := p.Quote(r)
		if err != nil {
			t.Fatal(err)
		}
		quotes = append(quotes, q)
	}
	devs, err := p.UnifiedPrice("TILE-800", gd, quotes)
	if err != nil || len(devs) != 0 {
		t.Fatalf("clean quotes: %v %v", devs, err)
	}
	// S-3 sells below the province price without a rule; S-4 carries a wrong list price;
	// S-5 applies an uplift in store.
	cheap := quotes[0]
	cheap.Placed.StoreID, cheap.UnitPrice = "S-3", o2o.MustParseMoney("90.00")
	wrongList := quotes[1]
	wrongList.Placed.StoreID, wrongList.ListPrice = "S-4", o2o.MustParseMoney("99.00")
	uplifted := quotes[0]
	uplifted.Placed.StoreID = "S-5"
	up := pricing.Step{Rule: pricing.RuleOnlineUplift, Code: pricing.ReasonOnlineUplift, Base: uplifted.Steps[0].Result,
		Amount: o2o.MustParseMoney("2.00"), Result: must(uplifted.Steps[0].Result.Add(o2o.MustParseMoney("2.00"))), Facts: pricing.Facts{Percent: o2o.MustDec("2")}}
	uplifted.Steps = append(uplifted.Steps[:1:1], up)
	devs, err = p.UnifiedPrice("TILE-800", gd, append(quotes, cheap, wrongList, uplifted))
	if err != nil {
		t.Fatal(err)
	}
	var stores []string
	for _, d := range devs {
		stores = append(stores, d.StoreID)
	}
	if diff := cmp.Diff([]string{"S-3", "S-4", "S-5"}, stores); diff != "" {
		t.Errorf("deviating stores (-want +got):\n%s", diff)
	}
	// S-6 was given a cheaper network observation than the others: its
	// quote explains itself, yet its in-store price is not the province's.
	undercut := req
	undercut.Placed = o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-6"}
	undercut.Observations = []pricing.Observation{{Source: "jd", Brand: "Mianpeng", Model: "T800",
		Price: o2o.MustParseMoney("90.00"), ObservedAt: req.At.Add(-1), ValidUntil: req.At.Add(1)}}
	matched, err := p.Quote(undercut)
	if err != nil || !matched.Flags.Matched {
		t.Fatalf("undercut quote: %v %+v", err, matched.Flags)
	}
	devs, err = p.UnifiedPrice("TILE-800", gd, append(quotes[:3:3], matched))
	if err != nil || len(devs) != 1 || devs[0].StoreID != "S-6" || !devs[0].Expected.Equal(quotes[0].UnitPrice) || !devs[0].Got.Equal(o2o.MustParseMoney("90.00")) {
		t.Fatalf("store given other observations: %+v %v", devs, err)
	}
	// The online quote is compared with online quotes only: its uplift is no deviation.
	if devs[0].Venue != o2o.VenueStore {
		t.Errorf("deviation venue %s", devs[0].Venue)
	}
	other := quotes[0]
	other.SKU = "CAB-01"
	if _, err := p.UnifiedPrice("TILE-800", gd, []pricing.Quote{other}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("mixed SKU accepted: %v", err)
	}
}

func TestStoreEligible(t *testing.T) {
	p := fixturePolicy(t, "policy-report.json")
	f := loadScenarios(t)
	at := f.request(t, scenario{}).At
	fresh := func(price string) []pricing.Observation {
		return []pricing.Observation{{Source: "jd", Brand: "Mianpeng", Model: "T800", Price: o2o.MustParseMoney(price), ObservedAt: at.Add(-1), ValidUntil: at.Add(1)}}
	}
	tests := []struct {
		name              string
		sku               string
		obs               []pricing.Observation
		eligible, unified bool
	}{
		{"unified and lowest", "TILE-800", fresh("99.00"), true, true},
		{"no observation counts as lowest", "TILE-800", nil, true, true},
		{"undercut on the network", "TILE-800", fresh("89.00"), false, true},
		{"dealer line has no unified price", "DLR-TILE", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			el, err := p.StoreEligible(tt.sku, gd, at, tt.obs)
			if err != nil {
				t.Fatal(err)
			}
			if el.Eligible != tt.eligible || el.Unified != tt.unified || len(el.Reasons) == 0 {
				t.Errorf("got %+v", el)
			}
		})
	}
	if _, err := p.StoreEligible("GHOST", gd, at, nil); !errors.Is(err, pricing.ErrUnknownSKU) {
		t.Errorf("unknown SKU: %v", err)
	}
}
