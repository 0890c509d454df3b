package pricing

import (
	"cmp"
	"errors"
	"fmt"
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
		path := fmt.Sprintf("observations[%d]", i)
		if o.Price.Currency() != cur {
			return fmt.Errorf("%s.price in %s, book in %s: %w", path, o.Price.Currency(), cur, o2o.ErrCurrencyMismatch)
		}
		if o.Source == "" {
			f.add(path+".source", "is required")
		}
		if !o.Price.IsPositive() {
			f.add(path+".price", "must be positive, got %s", o.Price)
		}
		if !o.ValidUntil.After(o.ObservedAt) {
			f.add(path+".validUntil", "must be after observedAt")
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
		s.step(RuleListPrice, e.Price, "national price: province %s has no price of its own (全國統一價)", s.req.Region.Province())
	} else {
		s.step(RuleListPrice, e.Price, "province price of %s: one price per province (全省一個價)", e.Scope)
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
	s.step(RuleClearance, next, "returned goods of grade %s marked down %s%% in store %s (退換貨就地低價出售)", ret.Grade, o2o.FormatDecimal(pct), ret.StoreID)
	return nil
}

func (p *Policy) uplift(s *state) {
	if s.req.Placed.Venue == o2o.VenueStoreScreen {
		s.note(RuleOnlineUplift, "ordered online on store %s's own screen: counts as in store, no uplift (seed 001 part 1)", s.req.Placed.StoreID)
		return
	}
	if s.req.Placed.InStore() || p.cfg.Uplift.Percent.Sign() == 0 {
		return
	}
	up := percentOf(s.price, p.cfg.Uplift.Percent.Decimal)
	reason := fmt.Sprintf("ordered online: %s%% above the in-store price (線上價格比線下高一點)", p.cfg.Uplift.Percent)
	if less(p.cfg.Uplift.Cap, up) {
		up = p.cfg.Uplift.Cap
		s.q.Flags.Capped = true
		reason += fmt.Sprintf(", capped at %s", p.cfg.Uplift.Cap)
	}
	next, _ := s.price.Add(up)
	s.step(RuleOnlineUplift, next, "%s", reason)
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
		s.note(RuleNegotiation, "requested price %s is not below the current price; unchanged", asked)
		return nil
	}
	s.q.Flags.Negotiated = true
	s.step(RuleNegotiation, *asked, "negotiated price (議價) for designated group account %s, within %s%% of list and above the floor %s (seed 001 part 2.3)", s.req.AccountID, p.cfg.Negotiation.BandPercent, s.floor)
	return nil
}

// lowest returns the lowest fresh outside observation of the product's
// brand and model, ties by source, and whether there is one.
func (p *Policy) lowest(bm o2o.BrandModel, at time.Time, obs []Observation) (Observation, bool) {
	var best Observation
	found := false
	for _, o := range obs {
		if o.Brand != bm.Brand || o.Model != bm.Model || p.own[o.Source] || !o.fresh(at) {
			continue
		}
		if !found {
			best, found = o, true
			continue
		}
		if c, _ := o.Price.Cmp(best.Price); c < 0 || (c == 0 && cmp.Less(o.Source, best.Source)) {
			best = o
		}
	}
	return best, found
}

func (p *Policy) networkLowest(s *state) error {
	mode := p.cfg.NetworkLowest.Mode
	if mode == "" || len(s.req.Observations) == 0 {
		return nil
	}
	if s.q.Flags.Clearance {
		s.note(RuleNetworkLowest, "clearance goods are not compared with the network")
		return nil
	}
	bm := s.product.BrandModel()
	low, ok := p.lowest(bm, s.req.At, s.req.Observations)
	if !ok {
		s.note(RuleNetworkLowest, "no fresh outside observation of %s: the price stands (全網最低)", bm)
		return nil
	}
	if !less(low.Price, s.price) {
		s.note(RuleNetworkLowest, "lowest on the network for %s (同品牌同款產品全網最低): lowest observed %s at %s", bm, low.Price, low.Source)
		return nil
	}
	violation := Violation{Rule: RuleNetworkLowest, Source: low.Source, Lowest: low.Price, Price: s.price}
	if mode == NetworkReport {
		violation.Reason = fmt.Sprintf("%s is sold for %s at %s, below our %s (report mode: price kept)", bm, low.Price, low.Source, s.price)
		s.q.Violations = append(s.q.Violations, violation)
		s.note(RuleNetworkLowest, "not the lowest on the network: %s at %s; reported, price kept", low.Price, low.Source)
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
		s.note(RuleNetworkLowest, "cannot match %s at %s: the floor %s is not below the price", low.Price, low.Source, s.floor)
		return nil
	}
	s.q.Flags.Matched = true
	if s.q.Flags.Floored {
		s.step(RuleNetworkLowest, target, "matched toward %s at %s but held at the floor %s (全網最低)", low.Price, low.Source, s.floor)
		return nil
	}
	s.step(RuleNetworkLowest, target, "matched the lowest price on the network for %s: %s at %s (同品牌同款產品全網最低)", bm, low.Price, low.Source)
	return nil
}

func (p *Policy) round(s *state) {
	mode, inc := p.cfg.Rounding.Mode, p.cfg.Rounding.Increment
	unit, _ := s.price.RoundTo(inc.places(), mode)
	if less(unit, s.floor) && !less(s.price, s.floor) {
		unit, _ = s.price.RoundTo(inc.places(), o2o.RoundCeiling)
		s.step(RuleRounding, unit, "rounded up to the %s to stay at or above the floor %s", inc, s.floor)
		s.q.Flags.Rounded = true
	} else if !unit.Equal(s.price) {
		s.step(RuleRounding, unit, "unit price rounded to the %s (%s)", inc, mode)
		s.q.Flags.Rounded = true
	}
	s.price, s.q.UnitPrice = unit, unit
	exact := unit.Mul(s.req.Quantity.Value.Decimal)
	total, _ := exact.RoundWith(mode)
	s.q.LineTotal = total
	if !total.Equal(exact) {
		diff, _ := total.Sub(exact)
		s.q.Steps = append(s.q.Steps, Step{Rule: RuleLineTotal, Base: exact, Amount: diff, Result: total,
			Reason: fmt.Sprintf("rounding difference: %s × %s = %s, line total rounded to the fen (%s)", unit.AmountString(), s.req.Quantity, exact.AmountString(), mode)})
		s.q.Flags.Rounded = true
	}
}

func (p *Policy) valueAdded(s *state) {
	if len(p.cfg.ValueAdded) == 0 || !p.Designated(s.req.Segment, s.req.AccountID) {
		return
	}
	for _, v := range p.cfg.ValueAdded {
		s.q.Benefits = append(s.q.Benefits, Benefit{Rule: RuleValueAdded, Code: v.Code, Description: v.Description,
			Kind: BenefitService, Price: zeroIn(v.Cost.Currency()), Cost: v.Cost, FundedBy: "headquarters"})
	}
	s.note(RuleValueAdded, "designated group account %s receives %d value-added service(s) (增值服務) instead of a discount; price unchanged (seed 001 part 3.1)", s.req.AccountID, len(p.cfg.ValueAdded))
}

// ladderBenefits returns the benefits of stages 1..k and their total cost.
func (p *Policy) ladderBenefits(k int, campaign string, lineTotal o2o.Money) ([]Benefit, o2o.Money) {
	var out []Benefit
	total := zeroIn(lineTotal.Currency())
	for _, st := range p.cfg.Ladder[:k] {
		for _, b := range st.Adds {
			g := Benefit{Rule: RuleLadder, Stage: st.Stage, Code: b.Code, Description: b.Description, Kind: b.Kind,
				Price: zeroIn(lineTotal.Currency()), Cost: b.Cost, FundedBy: campaign}
			switch b.Kind {
			case BenefitProductsFree:
				g.Cost = lineTotal
			case BenefitPayback:
				g.Price = b.Cost.Neg()
			}
			total, _ = total.Add(g.Cost)
			out = append(out, g)
		}
	}
	return out, total
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
		s.note(RuleLadder, "clearance goods are excluded from the promotion ladder")
		return nil
	}
	for k := c.Stage; k >= 1; k-- {
		benefits, cost := p.ladderBenefits(k, c.ID, s.q.LineTotal)
		if less(c.FundingLeft, cost) {
			continue
		}
		s.q.Benefits = append(s.q.Benefits, benefits...)
		s.q.Stage = k
		if k < c.Stage {
			_, need := p.ladderBenefits(c.Stage, c.ID, s.q.LineTotal)
			s.q.Flags.StageFallback = true
			s.note(RuleLadder, "campaign %s asks for stage %d, which needs %s, but only %s of funding is left: stage %d applies, costing %s (every move backed by the supply chain)", c.ID, c.Stage, need, c.FundingLeft, k, cost)
		} else {
			s.note(RuleLadder, "campaign %s stage %d: %d benefit line(s) costing %s, covered by the %s of funding left; the unit price is unchanged", c.ID, k, len(benefits), cost, c.FundingLeft)
		}
		return nil
	}
	_, need := p.ladderBenefits(1, c.ID, s.q.LineTotal)
	s.q.Flags.StageFallback = true
	s.note(RuleLadder, "campaign %s asks for stage %d, but %s of funding left does not cover even stage 1 (%s): no ladder benefits", c.ID, c.Stage, c.FundingLeft, need)
	return nil
}

func (p *Policy) showVAT(s *state) {
	rate, ok := p.vat[s.product.Category]
	if !ok {
		if p.cfg.VAT.Default == nil {
			return
		}
		rate = p.cfg.VAT.Default.Decimal
	}
	// VAT included in a gross amount G at rate r%: G × r / (100 + r).
	num := s.q.LineTotal.Amount().Mul(rate)
	vat := num.DivRound(hundred.Add(rate), 12)
	included, _ := o2o.NewMoneyIn(vat, s.q.LineTotal.Currency())
	included, _ = included.RoundWith(p.cfg.Rounding.Mode)
	s.q.VAT = &VATShown{Category: s.product.Category, Percent: o2o.Dec(rate), Included: included}
	s.note(RuleVAT, "price includes VAT at %s%% for category %s: %s", o2o.FormatDecimal(rate), s.product.Category, included)
}

var oneUnit = decimal.New(1, 0)

func errorsIsNoPrice(err error) bool { return errors.Is(err, ErrNoPrice) }
