package pricing_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// genAmount returns a positive amount in CNY's domain (0 to 2 places, at
// most pricing.MaxPrice) and, now and then, one of 12 digits that leaves
// the int64 path once multiplied by a quantity (see genQuantity).
func genAmount(r *rand.Rand) string {
	return genDecimal(r, 2, 11)
}

// genQuantity returns a positive quantity in the domain (0 to 6 places, at
// most pricing.MaxQuantity), now and then of 9 digits.
func genQuantity(r *rand.Rand) string {
	return genDecimal(r, pricing.MaxQuantityPlaces, 8)
}

// genDecimal returns a positive decimal text with 0 to maxPlaces places
// and, now and then, 1+sevens digits before the point.
func genDecimal(r *rand.Rand, maxPlaces, sevens int) string {
	whole := fmt.Sprint(1 + r.IntN(5000))
	switch r.IntN(12) {
	case 0:
		whole = "9" + strings.Repeat("7", sevens-r.IntN(3)) // beyond int64 once scaled
	case 1:
		whole = fmt.Sprint(r.IntN(3)) // below one yuan
		if whole == "0" {
			whole = "0"
		}
	}
	places := r.IntN(maxPlaces + 1)
	if places == 0 {
		if whole == "0" {
			return "1"
		}
		return whole
	}
	frac := make([]byte, places)
	for i := range frac {
		frac[i] = byte('0' + r.IntN(10))
	}
	if whole == "0" {
		frac[len(frac)-1] = '7' // keep it positive
	}
	return whole + "." + string(frac)
}

func genPercent(r *rand.Rand) o2o.Decimal {
	return o2o.MustDec([]string{"0", "5", "4.75", "13", "9", "6.5", "12.345", "33.3333", "1"}[r.IntN(9)])
}

// genPolicy builds a random policy over a random book of the fixture
// catalog: prices, costs, percents and caps of many scales, every rounding
// mode and increment, match or report mode, negotiation on or off.
func genPolicy(t *testing.T, r *rand.Rand, cat *o2o.Catalog) *pricing.Policy {
	t.Helper()
	money := func() o2o.Money { return o2o.MustParseMoney(genAmount(r)) }
	var entries []pricing.Entry
	for _, sku := range []string{"TILE-800", "CAB-01", "SVC-CONS", "DOOR-9"} {
		entries = append(entries, pricing.Entry{SKU: sku, Price: money()})
		for _, prov := range []string{"440000", "510000"} {
			if r.IntN(2) == 0 {
				entries = append(entries, pricing.Entry{SKU: sku, Scope: o2o.MustRegionCode(prov), Price: money()})
			}
		}
	}
	book, err := pricing.NewBook(cat, entries)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pricing.ParseConfig(readFile(t, "policy-negotiation.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Negotiation.Enabled = r.IntN(2) == 0
	cfg.Negotiation.BandPercent = o2o.MustDec([]string{"5", "10", "12.5", "33.33"}[r.IntN(4)])
	cfg.MinMarginPercent = genPercent(r)
	cfg.Uplift = pricing.Uplift{Percent: genPercent(r), Cap: money()}
	for i := range cfg.Costs {
		cfg.Costs[i].Cost = o2o.MustParseMoney(genAmount(r))
	}
	for i := range cfg.VAT.Categories {
		cfg.VAT.Categories[i].Percent = genPercent(r)
	}
	cfg.NetworkLowest.Mode = []pricing.NetworkMode{pricing.NetworkMatch, pricing.NetworkReport}[r.IntN(2)]
	modes := o2o.RoundingModes()
	cfg.Rounding = pricing.Rounding{Mode: modes[r.IntN(len(modes))], Increment: []pricing.Increment{"fen", "jiao", "yuan"}[r.IntN(3)]}
	for i := range cfg.Ladder {
		for j := range cfg.Ladder[i].Adds {
			cfg.Ladder[i].Adds[j].Cost = o2o.MustParseMoney(genAmount(r))
		}
	}
	p, err := cfg.Build(book)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// genWideRequest varies what genRequest keeps fixed: venue, quantity
// scale, negotiated price, clearance, and prices of any scale.
func genWideRequest(r *rand.Rand) pricing.Request {
	req := genRequest(r)
	for i := range req.Observations {
		req.Observations[i].Price = o2o.MustParseMoney(genAmount(r))
	}
	req.Quantity.Value = o2o.MustDec(genQuantity(r))
	if pricing.WholeUnit(req.Quantity.Unit) {
		// Pieces, sets and jobs are counted: a whole number, at least 1.
		req.Quantity.Value = o2o.Dec(decimal.Max(req.Quantity.Value.Truncate(0), decimal.New(1, 0)))
	}
	switch r.IntN(4) {
	case 0:
		req.Placed = o2o.Placement{Venue: o2o.VenueOnline}
	case 1:
		req.Placed.Venue = o2o.VenueStoreScreen
	}
	if r.IntN(4) == 0 {
		m := o2o.MustParseMoney(genAmount(r))
		req.Negotiated = &m
	}
	if r.IntN(6) == 0 && req.Placed.InStore() {
		req.Returned = &pricing.Returned{Grade: []string{"A", "B", "C"}[r.IntN(3)], StoreID: req.Placed.StoreID}
	}
	if req.Campaign != nil {
		req.Campaign.FundingLeft = o2o.MustParseMoney(genAmount(r))
	}
	return req
}

// TestInt64PathMatchesDecimal quotes many generated requests through many
// generated policies twice — on the int64 path and on the decimal path —
// and requires the same quote byte for byte (every amount with its places)
// or the same error.
func TestInt64PathMatchesDecimal(t *testing.T) {
	cat, err := o2o.ParseCatalogJSON(readFile(t, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 5))
	policies, perPolicy := 60, 100
	if testing.Short() {
		policies, perPolicy = 10, 50
	}
	quoted := 0
	for pi := range policies {
		fast := genPolicy(t, r, cat)
		ref := pricing.DecimalOnly(fast)
		for i := range perPolicy {
			req := genWideRequest(r)
			got, gotErr := fast.Quote(req)
			want, wantErr := ref.Quote(req)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("policy %d #%d: error %v, decimal path %v", pi, i, gotErr, wantErr)
			}
			if gotErr != nil {
				continue
			}
			quoted++
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Fatalf("policy %d #%d: int64 path\n%s\ndecimal path\n%s", pi, i, g, w)
			}
			if got.Explain() != want.Explain() {
				t.Fatalf("policy %d #%d: explanations differ", pi, i)
			}
		}
	}
	if quoted < policies*perPolicy/3 {
		t.Fatalf("only %d of %d requests quoted: the generator mostly makes errors", quoted, policies*perPolicy)
	}
}
