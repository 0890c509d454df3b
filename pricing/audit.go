package pricing

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Deviation is a quote that departs from the province price.
type Deviation struct {
	StoreID  string    `json:"storeId,omitempty"`
	Venue    o2o.Venue `json:"venue"`
	Expected o2o.Money `json:"expected"`
	Got      o2o.Money `json:"got"`
	Reason   string    `json:"reason"`
}

// uniform reports whether a rule changes the price the same way for every
// store in a province, given the same SKU, instant and observations.
func uniform(r RuleName, inStore bool) bool {
	switch r {
	case RuleListPrice, RuleNetworkLowest, RuleRounding, RuleValueAdded, RuleLadder, RuleVAT, RuleLineTotal:
		return true
	case RuleOnlineUplift:
		return !inStore
	}
	return false
}

// UnifiedPrice audits quotes for one SKU in one province, from many stores
// and channels (全省一个价), and returns every quote that deviates from the
// province price. A quote deviates when its list price is not the book's
// price for its province and instant, or when its unit price is not the
// list price moved by its steps, each step a rule that treats every store
// alike (network lowest, rounding, and the online uplift for online
// orders) or one this quote is entitled to:
//   - a clearance markdown, for a quote flagged clearance, placed in the
//     store named by the step, at the markdown the policy sets for the
//     step's grade, and computed as that markdown;
//   - a negotiated price, for a quote flagged negotiated, with negotiation
//     enabled, priced for a designated group account (the quote's Segment
//     and AccountID) named by the step, within the band below list and at
//     or above the floor.
//
// A flag proves nothing on its own: a quote flagged negotiated or
// clearance without the step that entitles it, or whose steps do not add
// up to its unit price, is reported like any other. Quotes for another
// SKU or province are an error wrapping o2o.ErrInvalid.
//
// Every quote can be explained by its own steps and still break the rule:
// two stores given different network observations match different prices.
// So the in-store quotes that pass the first check, apart from those
// entitled to clearance or a negotiated price, are also compared with
// each other, instant by instant: the unit price most of them share (the
// lowest among equally common ones) is the province's in-store price at
// that instant, and every store quoting another is reported. Online quotes
// are compared the same way among themselves. Deviations found by the
// first check come first, in input order; then those found by comparison,
// group by group in order of first appearance.
func (p *Policy) UnifiedPrice(sku string, province o2o.RegionCode, quotes []Quote) ([]Deviation, error) {
	var out []Deviation
	var passed []int
	for i, q := range quotes {
		if q.SKU != sku || q.Region.Province() != province.Province() {
			return nil, o2o.Invalidf(fmt.Sprintf("quotes[%d]", i), "is for SKU %s in %s, not SKU %s in %s", q.SKU, q.Region.Province(), sku, province.Province())
		}
		e, err := p.book.Lookup(sku, province, q.At)
		if err != nil {
			return nil, o2o.Prefix(fmt.Sprintf("quotes[%d]", i), err)
		}
		d := Deviation{StoreID: q.Placed.StoreID, Venue: q.Placed.Venue, Expected: e.Price, Got: q.ListPrice}
		if !q.ListPrice.Equal(e.Price) {
			d.Reason = fmt.Sprintf("list price %s is not the %s price %s (全省一个价)", q.ListPrice, e.ScopeName(), e.Price)
			out = append(out, d)
			continue
		}
		expected := e.Price
		entitled := false // a clearance or negotiated step this quote is entitled to
		for _, s := range q.Steps {
			if s.Rule == RuleListPrice || s.Rule == RuleLineTotal {
				continue
			}
			if !uniform(s.Rule, q.Placed.InStore()) && s.Amount.Sign() != 0 {
				why := p.entitled(&q, s, e.Price)
				if why != "" {
					d.Got = q.UnitPrice
					d.Reason = fmt.Sprintf("step %s changes the price by %s for this store alone: %s", s.Rule, s.Amount, why)
					break
				}
				entitled = true
			}
			if next, err := expected.Add(s.Amount); err == nil {
				expected = next
			}
		}
		if d.Reason == "" {
			for _, x := range [...]struct {
				flagged bool
				rule    RuleName
				name    string
			}{{q.Flags.Clearance, RuleClearance, "clearance"}, {q.Flags.Negotiated, RuleNegotiation, "negotiated"}} {
				if x.flagged && !hasMove(q.Steps, x.rule) {
					d.Got = q.UnitPrice
					d.Reason = fmt.Sprintf("flagged %s, but no %s step explains its price", x.name, x.rule)
					break
				}
			}
		}
		if d.Reason == "" && !q.UnitPrice.Equal(expected) {
			d.Expected, d.Got = expected, q.UnitPrice
			d.Reason = fmt.Sprintf("unit price %s is not explained by its steps (expected %s)", q.UnitPrice, expected)
		}
		if d.Reason != "" {
			out = append(out, d)
			continue
		}
		if !entitled {
			passed = append(passed, i)
		}
	}
	return append(out, crossStore(quotes, passed)...), nil
}

// hasMove reports whether steps hold a step of rule that moves the price.
func hasMove(steps []Step, rule RuleName) bool {
	for _, s := range steps {
		if s.Rule == rule && s.Amount.Sign() != 0 {
			return true
		}
	}
	return false
}

// entitled says why step s, a rule that does not treat every store alike,
// is not one quote q is entitled to, or returns "" when it is (see
// UnifiedPrice). list is the book's price.
func (p *Policy) entitled(q *Quote, s Step, list o2o.Money) string {
	switch s.Rule {
	case RuleClearance:
		pct, ok := p.clearance[s.Facts.Label]
		switch {
		case !q.Flags.Clearance:
			return "a clearance markdown on a quote not flagged clearance"
		case s.Code != ReasonClearance:
			return fmt.Sprintf("reason %s is not a clearance markdown", s.Code)
		case !q.Placed.InStore() || s.Facts.Party != q.Placed.StoreID:
			return fmt.Sprintf("returned goods held by store %s are sold there only, not %s", s.Facts.Party, placedName(q.Placed))
		case !ok || !pct.Equal(s.Facts.Percent.Decimal):
			return fmt.Sprintf("grade %q is not marked down %s%% by this policy", s.Facts.Label, s.Facts.Percent)
		}
		want := s.Base.Amount().Mul(pct).Mul(percentUnit).Neg()
		if !s.Amount.Amount().Equal(want) {
			return fmt.Sprintf("a %s%% markdown of %s is %s, not %s", s.Facts.Percent, s.Base.AmountString(), o2o.FormatDecimal(want), s.Amount.AmountString())
		}
		return ""
	case RuleNegotiation:
		switch {
		case !q.Flags.Negotiated:
			return "a negotiated price on a quote not flagged negotiated"
		case s.Code != ReasonNegotiated:
			return fmt.Sprintf("reason %s is not a negotiated price", s.Code)
		case !p.cfg.Negotiation.Enabled:
			return "this policy negotiates with nobody (不讲价)"
		case !p.Designated(q.Segment, q.AccountID) || s.Facts.Party != q.AccountID:
			return fmt.Sprintf("priced for %s account %q, which is not the designated group account %q the step names", q.Segment, q.AccountID, s.Facts.Party)
		}
		band, err := list.Mul(hundred.Sub(p.cfg.Negotiation.BandPercent.Decimal).Mul(percentUnit)).RoundWith(o2o.RoundCeiling)
		if err != nil {
			return err.Error()
		}
		if c, _ := s.Result.Cmp(band); c < 0 {
			return fmt.Sprintf("negotiated price %s is more than %s%% below the list price %s", s.Result, p.cfg.Negotiation.BandPercent, list)
		}
		if floor := p.Floor(q.SKU, list); s.Result.Amount().LessThan(floor.Amount()) {
			return fmt.Sprintf("negotiated price %s is below the floor %s", s.Result, floor)
		}
		return ""
	}
	return fmt.Sprintf("%s is not a rule a single store may apply", s.Rule)
}

// percentUnit is 1% as a factor.
var percentUnit = decimal.New(1, -2)

// placedName names where an order was placed.
func placedName(pl o2o.Placement) string {
	if pl.InStore() {
		return "store " + pl.StoreID
	}
	return "online"
}

// crossStore compares the unit prices of the quotes at idx that share a
// venue kind (in store or online) and an instant, and reports each quote
// whose unit price is not the one most of them share.
func crossStore(quotes []Quote, idx []int) []Deviation {
	type group struct {
		inStore bool
		at      time.Time
		members []int
	}
	var groups []*group
	for _, i := range idx {
		q := quotes[i]
		var g *group
		for _, h := range groups {
			if h.inStore == q.Placed.InStore() && h.at.Equal(q.At) {
				g = h
				break
			}
		}
		if g == nil {
			g = &group{inStore: q.Placed.InStore(), at: q.At}
			groups = append(groups, g)
		}
		g.members = append(g.members, i)
	}
	var out []Deviation
	for _, g := range groups {
		// The most common unit price; the lowest among equally common ones.
		var want o2o.Money
		best := 0
		for _, i := range g.members {
			n := 0
			for _, j := range g.members {
				if quotes[j].UnitPrice.Equal(quotes[i].UnitPrice) {
					n++
				}
			}
			if c, _ := quotes[i].UnitPrice.Cmp(want); n > best || (n == best && c < 0) {
				want, best = quotes[i].UnitPrice, n
			}
		}
		where := "online"
		if g.inStore {
			where = "in-store"
		}
		for _, i := range g.members {
			q := quotes[i]
			if q.UnitPrice.Equal(want) {
				continue
			}
			out = append(out, Deviation{StoreID: q.Placed.StoreID, Venue: q.Placed.Venue, Expected: want, Got: q.UnitPrice,
				Reason: fmt.Sprintf("%s unit price %s differs from the %s that %d of %d %s quotes at the same instant share (全省一个价): its steps differ (different network observations?)",
					where, q.UnitPrice, want, best, len(g.members), where)})
		}
	}
	return out
}

// Eligibility is the answer of StoreEligible for one SKU in one province
// at one instant: whether the product may be sold through the province's
// community stores, and why. It is plain data, the one shape a showcase
// check takes: it writes as JSON and reads back to the same value
// (decoding refuses unknown fields, and an Eligible that is not Unified
// and Lowest).
type Eligibility struct {
	SKU string `json:"sku"`
	// Province is the province the answer holds for: a store may use it
	// only for a store of that province.
	Province o2o.RegionCode `json:"province"`
	// At is the instant the answer holds at.
	At time.Time `json:"at"`
	// Eligible is true exactly when Unified and Lowest both hold.
	Eligible bool `json:"eligible"`
	// Unified: a national or provincial price is in force (全国/全省统一价).
	Unified bool `json:"unified"`
	// Lowest: the in-store price is the lowest on the network for the brand
	// and model (同品牌同款产品全网最低).
	Lowest bool `json:"lowest"`
	// Price is the in-store unit price quoted; zero when there is none.
	Price o2o.Money `json:"price"`
	// Reasons explain each condition, held or failed; there is at least one.
	Reasons []string `json:"reasons"`
}

// UnmarshalJSON decodes an eligibility answer strictly.
func (e *Eligibility) UnmarshalJSON(data []byte) error {
	type plain Eligibility
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	if p.Eligible != (p.Unified && p.Lowest) {
		return o2o.Invalidf("eligible", "is %v, but unified is %v and lowest %v", p.Eligible, p.Unified, p.Lowest)
	}
	*e = Eligibility(p)
	return nil
}

// StoreEligible reports whether a product may be sold through the community
// stores of region's province at the instant: it needs a
// unified national or provincial price, and its in-store price (as this
// policy quotes it, one unit, retail) must be at or below every fresh outside
// observation of its brand and model. The showcase of hot products (爆款) is
// chosen from eligible products. The answer names its province and
// instant (see Eligibility). A failed condition is an answer, not an
// error; errors are for bad input (an unknown SKU, a missing region or
// instant, a malformed observation).
func (p *Policy) StoreEligible(sku string, region o2o.RegionCode, at time.Time, observations []Observation) (Eligibility, error) {
	switch {
	case region.IsZero():
		return Eligibility{}, o2o.Invalid("region", "is required: eligibility is answered per province")
	case at.IsZero():
		return Eligibility{}, o2o.Invalid("at", "is required")
	}
	if why := instantFault(at); why != "" {
		return Eligibility{}, o2o.Invalid("at", why)
	}
	el := Eligibility{SKU: sku, Province: region.Province(), At: at, Price: p.zero}
	product, ok := p.book.Catalog().Product(sku)
	if !ok {
		return Eligibility{}, fmt.Errorf("store eligibility %s: %w", sku, ErrUnknownSKU)
	}
	if product.Line == o2o.LineDealer {
		el.Reasons = append(el.Reasons, "dealer-line product: the dealer keeps pricing power, so no unified price")
		return el, nil
	}
	q, err := p.Quote(Request{
		SKU: sku, Quantity: o2o.Qty(oneUnit, product.SaleUnit()), Region: region, Channel: o2o.ChannelO2O,
		Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "eligibility-check"}, Segment: o2o.SegmentRetail,
		At: at, Observations: observations,
	})
	switch {
	case errorsIsNoPrice(err):
		el.Reasons = append(el.Reasons, fmt.Sprintf("no unified price: neither province %s nor the nation has a price in force", region.Province()))
		return el, nil
	case err != nil:
		return Eligibility{}, err
	}
	el.Unified, el.Price = true, q.UnitPrice
	el.Reasons = append(el.Reasons, fmt.Sprintf("unified price: %s price %s", q.ListScope, q.ListPrice))
	i, lowN := p.lowest(product.BrandModel(), at, observations)
	var low Observation
	if i >= 0 {
		low = observations[i]
	}
	switch {
	case i < 0:
		el.Lowest = true
		el.Reasons = append(el.Reasons, fmt.Sprintf("lowest on the network: no fresh outside observation of %s", product.BrandModel()))
	case !lowN.less(numOfMoney(q.UnitPrice)):
		el.Lowest = true
		el.Reasons = append(el.Reasons, fmt.Sprintf("lowest on the network: %s at or below %s at %s", q.UnitPrice, low.Price, low.Source))
	default:
		el.Reasons = append(el.Reasons, fmt.Sprintf("not the lowest on the network: %s is sold for %s at %s, below our %s", product.BrandModel(), low.Price, low.Source, q.UnitPrice))
	}
	el.Eligible = el.Unified && el.Lowest
	return el, nil
}
