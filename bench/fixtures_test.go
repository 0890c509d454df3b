package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// readRepo reads a file of the o2okit repository this module sits in.
func readRepo(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pricingPolicy is the pricing package's sample policy over its sample
// book and catalog (pricing/testdata).
func pricingPolicy(t testing.TB) *pricing.Policy {
	t.Helper()
	cat, err := o2o.ParseCatalogJSON(readRepo(t, "pricing/testdata/catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	book, err := pricing.ParseBookJSON(cat, readRepo(t, "pricing/testdata/book.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pricing.ParseConfig(readRepo(t, "pricing/testdata/policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := cfg.Build(book)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pricingRequest is a group account's online order of 12.35 m² of tiles
// with 20 network observations and a campaign at stage 2: every rule of
// the sample policy has something to do.
func pricingRequest() pricing.Request {
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
