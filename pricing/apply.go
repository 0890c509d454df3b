package pricing

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

func zeroIn(c o2o.Currency) o2o.Money {
	m, _ := o2o.FromMinor(0, c)
	return m
}

// percentOf returns m × pct / 100, exactly.
func percentOf(m o2o.Money, pct decimal.Decimal) o2o.Money {
	return m.Mul(pct).Mul(decimal.New(1, -2))
}

// less reports a < b for amounts known to share a currency.
func less(a, b o2o.Money) bool { c, _ := a.Cmp(b); return c < 0 }

// check validates the request's shape and currencies.
func (p *Policy) check(r *Request) error {
	var f faults
	cur := p.book.Currency()
	if r.SKU == "" {
		f.add("sku", "is required")
	}
	if !r.Quantity.Unit.Valid() {
		f.add("quantity.unit", "unknown unit %q", string(r.Quantity.Unit))
	}
	if r.Quantity.Value.Sign() <= 0 {
		f.add("quantity.value", "must be positive, got %s", r.Quantity.Value)
	}
	if r.Region.IsZero() {
		f.add("region", "is required: the province selects the price")
	}
	if !r.Segment.Valid() {
		f.add("segment", "unknown segment %q", string(r.Segment))
	}
	switch {
	case !r.Placed.Venue.Valid():
		f.add("placed.venue", "unknown venue %q", string(r.Placed.Venue))
	case r.Placed.InStore() && r.Placed.StoreID == "":
		f.add("placed.storeId", "is required for an order placed in a store")
	case !r.Placed.InStore() && r.Placed.StoreID != "":
		f.add("placed.storeId", "must be empty for an order placed online")
	}
	if r.At.IsZero() {
		f.add("at", "is required")
	}
	if r.Negotiated != nil {
		if r.Negotiated.Currency() != cur {
			return fmt.Errorf("negotiated price in %s, book in %s: %w", r.Negotiated.Currency(), cur, o2o.ErrCurrencyMismatch)
		}
		if !r.Negotiated.IsPositive() {
			f.add("negotiated", "must be positive, got %s", r.Negotiated)
		}
	}
	for i, o := range r.Observations {
		// The path is built only for a fault: a clean request formats nothing.
		path := func() string { return "observations[" + strconv.Itoa(i) + "]" }
		if o.Price.Currency() != cur {
			return fmt.Errorf("%s.price in %s, book in %s: %w", path(), o.Price.Currency(), cur, o2o.ErrCurrencyMismatch)
		}
		if o.Source == "" {
			f.add(path()+".source", "is required")
		}
		if !o.Price.IsPositive() {
			f.add(path()+".price", "must be positive, got %s", o.Price)
		}
		if !o.ValidUntil.After(o.ObservedAt) {
			f.add(path()+".validUntil", "must be after observedAt")
		}
	}
	if c := r.Campaign; c != nil {
		if c.FundingLeft.Currency() != cur {
			return fmt.Errorf("campaign funding in %s, book in %s: %w", c.FundingLeft.Currency(), cur, o2o.ErrCurrencyMismatch)
		}
		if c.ID == "" {
			f.add("campaign.id", "is required")
		}
		if c.Stage < 0 {
			f.add("campaign.stage", "must not be negative, got %d", c.Stage)
		}
		if c.FundingLeft.IsNegative() {
			f.add("campaign.fundingLeft", "must not be negative, got %s", c.FundingLeft)
		}
	}
	if r.Returned != nil && r.Returned.StoreID == "" {
		f.add("returned.storeId", "is required: clearance goods are sold by the store that holds them")
	}
	if len(f) > 0 {
		return &o2o.ValidationError{Fields: f}
	}
	switch {
	case !r.Channel.Valid():
		return o2o.Invalidf("channel", "unknown channel %q", string(r.Channel))
	case r.Channel == o2o.ChannelDealer:
		return refuse(RuleListPrice, r.SKU, ErrDealerPriced, "the dealer channel keeps its own pricing power; the O2O policy quotes b2c and o2o")
	}
	return nil
}

func (p *Policy) listPrice(s *state) error {
	e, err := p.book.Lookup(s.req.SKU, s.req.Region, s.req.At)
	if err != nil {
		return fmt.Errorf("quote %s: %w", s.req.SKU, err)
	}
	s.q.ListPrice, s.q.ListScope = e.Price, e.ScopeName()
	s.floor = p.Floor(s.req.SKU, e.Price)
	s.q.Floor = s.floor
	if e.National() {
		s.step(RuleListPrice, e.Price, ReasonNationalPrice, Facts{Region: s.req.Region.Province()})
	} else {
		s.step(RuleListPrice, e.Price, ReasonProvincePrice, Facts{Region: e.Scope})
	}
	return nil
}

func (p *Policy) clearanceRule(s *state) error {
	ret := s.req.Returned
	if ret == nil {
		return nil
	}
	sku := s.req.SKU
	if !s.req.Placed.InStore() {
		return refuse(RuleClearance, sku, ErrClearance, "returned goods are sold in the community store that holds them, never online (seed 001 part 2.7)")
	}
	if s.req.Placed.StoreID != ret.StoreID {
		return refuse(RuleClearance, sku, ErrClearance, "returned goods are held by store %s, not %s", ret.StoreID, s.req.Placed.StoreID)
	}
	pct, ok := p.clearance[ret.Grade]
	if !ok {
		return refuse(RuleClearance, sku, ErrClearance, "unknown condition grade %q", ret.Grade)
	}
	s.q.Flags.Clearance = true
	next, _ := s.price.Sub(percentOf(s.price, pct))
	s.step(RuleClearance, next, ReasonClearance, Facts{Label: ret.Grade, Percent: o2o.Dec(pct), Party: ret.StoreID})
	return nil
}

func (p *Policy) uplift(s *state) {
	if s.req.Placed.Venue == o2o.VenueStoreScreen {
		s.note(RuleOnlineUplift, ReasonStoreScreen, Facts{Party: s.req.Placed.StoreID})
		return
	}
	if s.req.Placed.InStore() || p.cfg.Uplift.Percent.Sign() == 0 {
		return
	}
	up := s.price.Mul(p.upliftFactor)
	code, facts := ReasonOnlineUplift, Facts{Percent: p.cfg.Uplift.Percent}
	if less(p.cfg.Uplift.Cap, up) {
		up = p.cfg.Uplift.Cap
		s.q.Flags.Capped = true
		code, facts.Figure = ReasonOnlineUpliftCapped, p.cfg.Uplift.Cap
	}
	next, _ := s.price.Add(up)
	s.stepBy(RuleOnlineUplift, up, next, code, facts)
}

func (p *Policy) negotiation(s *state) error {
	asked := s.req.Negotiated
	if asked == nil {
		return nil
	}
	sku := s.req.SKU
	designated := p.Designated(s.req.Segment, s.req.AccountID)
	switch {
	case s.q.Flags.Clearance:
		return refuse(RuleNegotiation, sku, ErrNoHaggling, "clearance goods are sold at their grade's markdown, not negotiated")
	case !p.cfg.Negotiation.Enabled && designated:
		return refuse(RuleNegotiation, sku, ErrNoHaggling, "no haggling (不講價): designated group account %s does not negotiate either; it receives value-added services instead (seed 001 part 3.1)", s.req.AccountID)
	case !p.cfg.Negotiation.Enabled:
		return refuse(RuleNegotiation, sku, ErrNoHaggling, "no haggling (不講價): the price is the same for everyone (seed 001 part 3.1)")
	case !designated:
		return refuse(RuleNegotiation, sku, ErrNoHaggling, "no haggling (不講價): a negotiated price (議價) is open only to designated group accounts (seed 001 part 2.3)")
	}
	band := percentOf(s.q.ListPrice, hundred.Sub(p.cfg.Negotiation.BandPercent.Decimal))
	band, _ = band.RoundWith(o2o.RoundCeiling)
	if less(*asked, band) {
		return refuse(RuleNegotiation, sku, ErrOutOfBand, "negotiated price %s is more than %s%% below the list price %s (lowest allowed %s)", asked, p.cfg.Negotiation.BandPercent, s.q.ListPrice, band)
	}
	if less(*asked, s.floor) {
		return refuse(RuleNegotiation, sku, ErrOutOfBand, "negotiated price %s is below the floor %s (cost plus minimum margin)", asked, s.floor)
	}
	if !less(*asked, s.price) {
		s.note(RuleNegotiation, ReasonNegotiationNotLower, Facts{Figure: *asked})
		return nil
	}
	s.q.Flags.Negotiated = true
	s.step(RuleNegotiation, *asked, ReasonNegotiated, Facts{Party: s.req.AccountID, Percent: p.cfg.Negotiation.BandPercent, Limit: s.floor})
	return nil
}

// lowest returns the lowest fresh outside observation of the product's
// brand and model, ties by source, and whether there is one.
func (p *Policy) lowest(bm o2o.BrandModel, at time.Time, obs []Observation) (Observation, bool) {
	var best Observation
	found := false
	for i := range obs {
		o := &obs[i]
		if o.Brand != bm.Brand || o.Model != bm.Model || !o.fresh(at) {
			continue
		}
		if found {
			if c, _ := o.Price.Cmp(best.Price); c > 0 || (c == 0 && !cmp.Less(o.Source, best.Source)) {
				continue
			}
		}
		// Our own channels are looked up only for a candidate that would win.
		if p.own[o.Source] {
			continue
		}
		best, found = *o, true
	}
	return best, found
}

func (p *Policy) networkLowest(s *state) error {
	mode := p.cfg.NetworkLowest.Mode
	if mode == "" || len(s.req.Observations) == 0 {
		return nil
	}
	if s.q.Flags.Clearance {
		s.note(RuleNetworkLowest, ReasonNetworkClearance, Facts{})
		return nil
	}
	bm := s.product.BrandModel()
	low, ok := p.lowest(bm, s.req.At, s.req.Observations)
	if !ok {
		s.note(RuleNetworkLowest, ReasonNetworkNoObservation, Facts{Product: bm})
		return nil
	}
	if !less(low.Price, s.price) {
		s.note(RuleNetworkLowest, ReasonNetworkLowest, Facts{Product: bm, Figure: low.Price, Party: low.Source})
		return nil
	}
	violation := Violation{Rule: RuleNetworkLowest, Source: low.Source, Lowest: low.Price, Price: s.price}
	if mode == NetworkReport {
		violation.Reason = fmt.Sprintf("%s is sold for %s at %s, below our %s (report mode: price kept)", bm, low.Price, low.Source, s.price)
		s.q.Violations = append(s.q.Violations, violation)
		s.note(RuleNetworkLowest, ReasonNetworkReported, Facts{Figure: low.Price, Party: low.Source})
		return nil
	}
	target := low.Price
	if less(low.Price, s.floor) {
		target = s.floor
		s.q.Flags.Floored = true
		violation.Reason = fmt.Sprintf("%s is sold for %s at %s; the floor %s forbids matching it", bm, low.Price, low.Source, s.floor)
		s.q.Violations = append(s.q.Violations, violation)
	}
	if !less(target, s.price) {
		s.note(RuleNetworkLowest, ReasonNetworkFloorBlocks, Facts{Figure: low.Price, Party: low.Source, Limit: s.floor})
		return nil
	}
	s.q.Flags.Matched = true
	if s.q.Flags.Floored {
		s.step(RuleNetworkLowest, target, ReasonNetworkMatchedFloor, Facts{Figure: low.Price, Party: low.Source, Limit: s.floor})
		return nil
	}
	s.step(RuleNetworkLowest, target, ReasonNetworkMatched, Facts{Product: bm, Figure: low.Price, Party: low.Source})
	return nil
}

func (p *Policy) round(s *state) {
	mode, inc := p.cfg.Rounding.Mode, p.cfg.Rounding.Increment
	unit, _ := s.price.RoundTo(inc.places(), mode)
	if less(unit, s.floor) && !less(s.price, s.floor) {
		unit, _ = s.price.RoundTo(inc.places(), o2o.RoundCeiling)
		s.step(RuleRounding, unit, ReasonRoundedUpToFloor, Facts{Increment: Increment(inc.String()), Limit: s.floor})
		s.q.Flags.Rounded = true
	} else if !unit.Equal(s.price) {
		s.step(RuleRounding, unit, ReasonRounded, Facts{Increment: Increment(inc.String()), Mode: o2o.RoundingMode(mode.String())})
		s.q.Flags.Rounded = true
	}
	s.price, s.q.UnitPrice = unit, unit
	exact := unit.Mul(s.req.Quantity.Value.Decimal)
	total, _ := exact.RoundWith(mode)
	s.q.LineTotal = total
	if !total.Equal(exact) {
		diff, _ := total.Sub(exact)
		s.q.Steps = append(s.q.Steps, Step{Rule: RuleLineTotal, Code: ReasonRoundingDifference, Base: exact, Amount: diff, Result: total,
			Facts: Facts{Figure: unit, Quantity: s.req.Quantity, Mode: o2o.RoundingMode(mode.String())}})
		s.q.Flags.Rounded = true
	}
}

func (p *Policy) valueAdded(s *state) {
	if len(p.cfg.ValueAdded) == 0 || !p.Designated(s.req.Segment, s.req.AccountID) {
		return
	}
	n := len(p.cfg.ValueAdded)
	if c := s.req.Campaign; c != nil && c.Stage > 0 && c.Stage <= len(p.stages) {
		n += p.stages[c.Stage-1].lines // room for the ladder's lines too
	}
	s.q.Benefits = slices.Grow(s.q.Benefits, n)
	for _, v := range p.cfg.ValueAdded {
		s.q.Benefits = append(s.q.Benefits, Benefit{Rule: RuleValueAdded, Code: v.Code, Description: v.Description,
			Kind: BenefitService, Price: p.zero, Cost: v.Cost, FundedBy: "headquarters"})
	}
	s.note(RuleValueAdded, ReasonValueAdded, Facts{Party: s.req.AccountID, Count: len(p.cfg.ValueAdded)})
}

// stageCostFor returns what ladder stages 1..k cost for a line total.
func (p *Policy) stageCostFor(k int, lineTotal o2o.Money) o2o.Money {
	st := p.stages[k-1]
	cost := st.fixed
	for range st.freeRuns {
		cost, _ = cost.Add(lineTotal)
	}
	return cost
}

// grantLadder appends the benefit lines of stages 1..k.
func (p *Policy) grantLadder(s *state, k int, campaign string) {
	s.q.Benefits = slices.Grow(s.q.Benefits, p.stages[k-1].lines)
	for _, st := range p.cfg.Ladder[:k] {
		for _, b := range st.Adds {
			g := Benefit{Rule: RuleLadder, Stage: st.Stage, Code: b.Code, Description: b.Description, Kind: b.Kind,
				Price: p.zero, Cost: b.Cost, FundedBy: campaign}
			switch b.Kind {
			case BenefitProductsFree:
				g.Cost = s.q.LineTotal
			case BenefitPayback:
				g.Price = b.Cost.Neg()
			}
			s.q.Benefits = append(s.q.Benefits, g)
		}
	}
}

func (p *Policy) ladder(s *state) error {
	c := s.req.Campaign
	if c == nil || c.Stage == 0 {
		return nil
	}
	if c.Stage > len(p.cfg.Ladder) {
		return refuse(RuleLadder, s.req.SKU, ErrLadder, "campaign %s is at stage %d, but the ladder has %d stage(s)", c.ID, c.Stage, len(p.cfg.Ladder))
	}
	if s.q.Flags.Clearance {
		s.note(RuleLadder, ReasonLadderClearance, Facts{})
		return nil
	}
	for k := c.Stage; k >= 1; k-- {
		cost := p.stageCostFor(k, s.q.LineTotal)
		if less(c.FundingLeft, cost) {
			continue
		}
		p.grantLadder(s, k, c.ID)
		s.q.Stage = k
		if k < c.Stage {
			s.q.Flags.StageFallback = true
			s.note(RuleLadder, ReasonLadderFallback, Facts{Party: c.ID, Asked: c.Stage, Figure: p.stageCostFor(c.Stage, s.q.LineTotal),
				Limit: c.FundingLeft, Stage: k, Cost: cost})
		} else {
			s.note(RuleLadder, ReasonLadderStage, Facts{Party: c.ID, Stage: k, Count: p.stages[k-1].lines, Cost: cost, Limit: c.FundingLeft})
		}
		return nil
	}
	s.q.Flags.StageFallback = true
	s.note(RuleLadder, ReasonLadderUnaffordable, Facts{Party: c.ID, Asked: c.Stage, Limit: c.FundingLeft, Figure: p.stageCostFor(1, s.q.LineTotal)})
	return nil
}

func (p *Policy) showVAT(s *state) {
	rate, ok := p.vatRates[s.product.Category]
	if !ok {
		if p.vatDefault == nil {
			return
		}
		rate = *p.vatDefault
	}
	// VAT included in a gross amount G at rate r%: G × r / (100 + r).
	vat := s.q.LineTotal.Amount().Mul(rate.percent).DivRound(rate.divisor, 12)
	included, _ := o2o.NewMoneyIn(vat, s.q.LineTotal.Currency())
	included, _ = included.RoundWith(p.cfg.Rounding.Mode)
	s.q.VAT = &VATShown{Category: s.product.Category, Percent: o2o.Dec(rate.percent), Included: included}
	s.note(RuleVAT, ReasonVATIncluded, Facts{Percent: o2o.Dec(rate.percent), Label: s.product.Category, Figure: included})
}

var oneUnit = decimal.New(1, 0)

func errorsIsNoPrice(err error) bool { return errors.Is(err, ErrNoPrice) }
