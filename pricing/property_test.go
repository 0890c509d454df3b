package pricing_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// genRequest makes a random in-store request and its observations.
func genRequest(r *rand.Rand) pricing.Request {
	skus := []struct {
		sku  string
		unit o2o.Unit
	}{{"TILE-800", o2o.UnitSquareMetre}, {"CAB-01", o2o.UnitPiece}, {"SVC-CONS", o2o.UnitJob}, {"DOOR-9", o2o.UnitPiece}}
	s := skus[r.IntN(len(skus))]
	regions := []string{"440305001", "440300", "510104", "330106", "110105"}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, o2o.China()).Add(time.Duration(r.IntN(500*24)) * time.Hour)
	var obs []pricing.Observation
	for range r.IntN(5) {
		obs = append(obs, pricing.Observation{
			Source: []string{"jd", "tmall", "our-b2c", "pdd"}[r.IntN(4)], Brand: "Mianpeng",
			Model:      []string{"T800", "K1", "C", "D9"}[r.IntN(4)],
			Price:      o2o.MustParseMoney(fmt.Sprintf("%d.%02d", 30+r.IntN(4500), r.IntN(100))),
			ObservedAt: at.Add(-time.Duration(r.IntN(72)) * time.Hour), ValidUntil: at.Add(time.Duration(r.IntN(72)-24) * time.Hour),
		})
	}
	for i := range obs {
		if !obs[i].ValidUntil.After(obs[i].ObservedAt) {
			obs[i].ValidUntil = obs[i].ObservedAt.Add(time.Hour)
		}
	}
	req := pricing.Request{
		SKU: s.sku, Quantity: o2o.Quantity{Value: o2o.MustDec(fmt.Sprintf("%d.%d", 1+r.IntN(40), r.IntN(100))), Unit: s.unit},
		Region: o2o.MustRegionCode(regions[r.IntN(len(regions))]), Channel: o2o.ChannelO2O,
		Placed:  o2o.Placement{Venue: o2o.VenueStore, StoreID: fmt.Sprintf("S-%d", r.IntN(20))},
		Segment: o2o.SegmentRetail, At: at, Observations: obs,
	}
	if pricing.WholeUnit(s.unit) {
		req.Quantity.Value = o2o.MustDec(fmt.Sprint(1 + r.IntN(40))) // counted, not measured
	}
	if r.IntN(3) == 0 {
		req.Segment, req.AccountID = o2o.SegmentGroup, []string{"G-001", "G-002"}[r.IntN(2)]
	}
	if r.IntN(3) == 0 {
		req.Campaign = &pricing.Campaign{ID: "C", Stage: r.IntN(5), FundingLeft: o2o.MustParseMoney(fmt.Sprintf("%d", r.IntN(20000)))}
	}
	return req
}

func iterations() int {
	if testing.Short() {
		return 200
	}
	return 2000
}

func TestProperties(t *testing.T) {
	for _, name := range []string{"policy.json", "policy-report.json", "policy-yuan.json"} {
		p := fixturePolicy(t, name)
		cap := p.Config().Uplift.Cap
		r := rand.New(rand.NewPCG(1, uint64(len(name))))
		for i := range iterations() {
			req := genRequest(r)
			store, err := p.Quote(req)
			if err != nil {
				t.Fatalf("%s #%d: %v", name, i, err)
			}
			// The same request gives the same quote, byte for byte.
			again, _ := p.Quote(req)
			if store.Explain() != again.Explain() {
				t.Fatalf("%s #%d: not deterministic", name, i)
			}
			// Every store in the province gets the same in-store price.
			other := req
			other.Placed.StoreID = "S-OTHER"
			o, err := p.Quote(other)
			if err != nil || !o.UnitPrice.Equal(store.UnitPrice) || !o.LineTotal.Equal(store.LineTotal) {
				t.Fatalf("%s #%d: store %s got %s, store S-OTHER %s", name, i, req.Placed.StoreID, store.UnitPrice, o.UnitPrice)
			}
			// Online ≥ in store, and online ≤ in store + cap (+ one rounding increment).
			online := req
			online.Placed = o2o.Placement{Venue: o2o.VenueOnline}
			on, err := p.Quote(online)
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := on.UnitPrice.Cmp(store.UnitPrice); c < 0 {
				t.Fatalf("%s #%d: online %s below in store %s", name, i, on.UnitPrice, store.UnitPrice)
			}
			slack := o2o.MustParseMoney("0.00")
			if name == "policy-yuan.json" {
				slack = o2o.MustParseMoney("1.00")
			}
			limit := must(o2o.Sum(store.UnitPrice, cap, slack))
			if c, _ := on.UnitPrice.Cmp(limit); c > 0 {
				t.Fatalf("%s #%d: online %s above in store %s + cap %s", name, i, on.UnitPrice, store.UnitPrice, cap)
			}
			for _, q := range []pricing.Quote{store, on} {
				checkQuote(t, fmt.Sprintf("%s #%d", name, i), q)
			}
		}
	}
}

// checkQuote checks invariants every quote keeps.
func checkQuote(t *testing.T, label string, q pricing.Quote) {
	t.Helper()
	// No unit price below the floor unless a violation is reported.
	if c, _ := q.UnitPrice.Cmp(q.Floor); c < 0 && len(q.Violations) == 0 && !q.Flags.Clearance {
		t.Fatalf("%s: unit %s below floor %s without a violation", label, q.UnitPrice, q.Floor)
	}
	// No amount is negative except the payback line.
	for _, m := range []o2o.Money{q.ListPrice, q.UnitPrice, q.LineTotal, q.Floor} {
		if m.IsNegative() {
			t.Fatalf("%s: negative amount %s", label, m)
		}
	}
	for _, b := range q.Benefits {
		if b.Cost.IsNegative() || (b.Price.IsNegative() && b.Kind != pricing.BenefitPayback) {
			t.Fatalf("%s: negative benefit %+v", label, b)
		}
	}
	// unit × quantity + the line_total step = line total, to the fen.
	exact := q.UnitPrice.Mul(q.Quantity.Value.Decimal)
	for _, s := range q.Steps {
		if s.Rule == pricing.RuleLineTotal {
			// The line-level step: from unit × quantity to the line total.
			if !s.Base.Equal(exact) || !s.Result.Equal(q.LineTotal) {
				t.Fatalf("%s: line_total step %s, want from %s to %s", label, s, exact, q.LineTotal)
			}
			exact = must(exact.Add(s.Amount))
		}
	}
	if !exact.Equal(q.LineTotal) || !q.LineTotal.IsWhole() {
		t.Fatalf("%s: unit %s × %s does not add up to %s", label, q.UnitPrice, q.Quantity, q.LineTotal)
	}
	// The steps chain: each starts where the previous ended, and the price
	// steps lead from 0 to the unit price.
	price := o2o.MustParseMoney("0")
	for _, s := range q.Steps {
		if s.Rule == pricing.RuleLineTotal {
			continue
		}
		if !s.Base.Equal(price) || !must(s.Base.Add(s.Amount)).Equal(s.Result) {
			t.Fatalf("%s: step %s does not chain", label, s.Rule)
		}
		price = s.Result
	}
	if !price.Equal(q.UnitPrice) {
		t.Fatalf("%s: steps end at %s, unit price %s", label, price, q.UnitPrice)
	}
}

func must(m o2o.Money, err error) o2o.Money {
	if err != nil {
		panic(err)
	}
	return m
}
