package pricing

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// check validates the request's shape and currencies. When bm is not nil
// it also picks, in the same pass over the observations, the lowest fresh
// outside observation of that brand and model into low, so that the
// network-lowest rule does not read them again. For a line of an order
// (line not nil), the fields the lines share (region, channel, placement,
// customer, instant, observations, campaign) were checked once for the
// order: only the line's own are checked, and the pick is the order's.
func (p *Policy) check(r *Request, bm *o2o.BrandModel, low *pick, line *orderLine) error {
	var f faults
	cur := p.book.Currency()
	if line != nil {
		if bm != nil {
			if l, ok := line.lows[*bm]; ok {
				*low = l
			}
		}
		if err := p.checkNegotiated(r); err != nil {
			return err
		}
		checkItem(r, &f)
		checkAsked(r, &f)
		checkReturned(r, &f)
		if len(f) > 0 {
			return &o2o.ValidationError{Fields: f}
		}
		return nil
	}
	if err := p.checkNegotiated(r); err != nil {
		return err
	}
	checkItem(r, &f)
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
	} else if why := instantFault(r.At); why != "" {
		f.add("at", "%s", why)
	}
	checkAsked(r, &f)
	minor := cur.MinorDigits()
	for i := range r.Observations {
		o := &r.Observations[i]
		// The path is built only for a fault: a clean request formats nothing.
		path := func() string { return "observations[" + strconv.Itoa(i) + "]" }
		if o.Price.Currency() != cur {
			return fmt.Errorf("%s.price in %s, book in %s: %w", path(), o.Price.Currency(), cur, o2o.ErrCurrencyMismatch)
		}
		ok := true
		if o.Source == "" {
			f.add(path()+".source", "is required")
			ok = false
		}
		// The price is read as a num once: to check it and, for a
		// candidate, to compare it.
		n := p.in(o.Price)
		if !priceFits(n, minor) {
			if o.Price.Sign() <= 0 {
				f.add(path()+".price", "must be positive, got %s", o.Price)
				ok = false
			} else if why := amountFault(o.Price); why != "" {
				f.add(path()+".price", "%s", why)
				ok = false
			}
		}
		if why := instantFault(o.ObservedAt); why != "" {
			f.add(path()+".observedAt", "%s", why)
			ok = false
		}
		if why := instantFault(o.ValidUntil); why != "" {
			f.add(path()+".validUntil", "%s", why)
			ok = false
		}
		// A fresh observation (observedAt ≤ at < validUntil) is valid too.
		fresh := o.fresh(r.At)
		if !fresh && !o.ValidUntil.After(o.ObservedAt) {
			f.add(path()+".validUntil", "must be after observedAt")
			ok = false
		}
		if ok && fresh && bm != nil && o.Brand == bm.Brand && o.Model == bm.Model {
			p.consider(low, i, n, r.Observations)
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
		f.money("campaign.fundingLeft", c.FundingLeft, cur)
	}
	checkReturned(r, &f)
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

// checkNegotiated refuses a negotiated price in another currency than
// the book's.
func (p *Policy) checkNegotiated(r *Request) error {
	if cur := p.book.Currency(); r.Negotiated != nil && r.Negotiated.Currency() != cur {
		return fmt.Errorf("negotiated price in %s, book in %s: %w", r.Negotiated.Currency(), cur, o2o.ErrCurrencyMismatch)
	}
	return nil
}

// checkItem checks the SKU and the quantity: positive, in the domain, and
// a whole number for units that are counted.
func checkItem(r *Request, f *faults) {
	if r.SKU == "" {
		f.add("sku", "is required")
	}
	if !r.Quantity.Unit.Valid() {
		f.add("quantity.unit", "unknown unit %q", string(r.Quantity.Unit))
	}
	if r.Quantity.Value.Sign() <= 0 {
		f.add("quantity.value", "must be positive, got %s", r.Quantity.Value)
	} else if why := quantityFault(r.Quantity.Value.Decimal); why != "" {
		f.add("quantity.value", "%s", why)
	} else if places, _ := shape(r.Quantity.Value.Decimal); places > 0 && WholeUnit(r.Quantity.Unit) {
		f.add("quantity.value", "%s is not a whole number of %s: pieces, sets and jobs are counted in whole units", r.Quantity.Value, r.Quantity.Unit)
	}
}

// checkAsked checks a negotiated price asked for (its currency aside).
func checkAsked(r *Request, f *faults) {
	if r.Negotiated != nil {
		if !r.Negotiated.IsPositive() {
			f.add("negotiated", "must be positive, got %s", r.Negotiated)
		} else if why := amountFault(*r.Negotiated); why != "" {
			f.add("negotiated", "%s", why)
		}
	}
}

// checkReturned checks the clearance marking.
func checkReturned(r *Request, f *faults) {
	if r.Returned != nil && r.Returned.StoreID == "" {
		f.add("returned.storeId", "is required: clearance goods are sold by the store that holds them")
	}
}

func (p *Policy) listPrice(s *state) error {
	price, scope, ok := p.book.price(s.req.SKU, s.req.Region, s.req.At)
	if !ok {
		_, err := p.book.Lookup(s.req.SKU, s.req.Region, s.req.At) // the error, worded once
		return fmt.Errorf("quote %s: %w", s.req.SKU, err)
	}
	e := Entry{SKU: s.req.SKU, Scope: scope, Price: price}
	list := s.fig(e.Price)
	s.q.ListPrice, s.q.ListScope = e.Price, e.ScopeName()
	if f := &s.info.floor; s.info.hasFloor {
		s.floor = figure{m: f.m, n: s.k(f.n), known: true}
	} else {
		s.floor = list
	}
	s.q.Floor = s.show(&s.floor)
	if e.Price.IsZero() {
		// A free service item (NewBook allows zero for services only).
		s.step(RuleListPrice, list, ReasonFreeService, &Facts{Label: string(s.product.Service), Region: s.req.Region.Province()})
		return nil
	}
	if e.National() {
		s.step(RuleListPrice, list, ReasonNationalPrice, &Facts{Region: s.req.Region.Province()})
	} else {
		s.step(RuleListPrice, list, ReasonProvincePrice, &Facts{Region: e.Scope})
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
		return refuse(RuleClearance, sku, ErrClearance, "returned goods are sold in the community store that holds them, never online (退换货就地低价出售)")
	}
	if s.req.Placed.StoreID != ret.StoreID {
		return refuse(RuleClearance, sku, ErrClearance, "returned goods are held by store %s, not %s", ret.StoreID, s.req.Placed.StoreID)
	}
	markdown, ok := p.markdowns[ret.Grade]
	if !ok {
		return refuse(RuleClearance, sku, ErrClearance, "unknown condition grade %q", ret.Grade)
	}
	s.q.Flags.Clearance = true
	next := s.price.n.sub(s.price.n.mul(s.k(markdown)))
	s.step(RuleClearance, figure{n: next}, ReasonClearance, &Facts{Label: ret.Grade, Percent: o2o.Dec(p.clearance[ret.Grade]), Party: ret.StoreID})
	return nil
}

func (p *Policy) uplift(s *state) {
	if s.req.Placed.Venue == o2o.VenueStoreScreen {
		s.note(RuleOnlineUplift, ReasonStoreScreen, &Facts{Party: s.req.Placed.StoreID})
		return
	}
	if s.req.Placed.InStore() || p.cfg.Uplift.Percent.Sign() == 0 || s.price.n.sign() == 0 {
		return
	}
	up := s.price.n.mul(s.k(p.upliftFactor))
	code, facts := ReasonOnlineUplift, Facts{Percent: p.cfg.Uplift.Percent}
	if capN := s.k(p.upliftCap); capN.less(up) {
		up = capN
		s.q.Flags.Capped = true
		code, facts.Figure = ReasonOnlineUpliftCapped, p.cfg.Uplift.Cap
	}
	s.stepBy(RuleOnlineUplift, up, figure{n: s.price.n.add(up)}, code, &facts)
}

func (p *Policy) negotiation(s *state) error {
	asked := s.req.Negotiated
	if asked == nil {
		return nil
	}
	sku := s.req.SKU
	designated := s.designated
	switch {
	case s.q.Flags.Clearance:
		return refuse(RuleNegotiation, sku, ErrNoHaggling, "clearance goods are sold at their grade's markdown, not negotiated")
	case !p.cfg.Negotiation.Enabled && designated:
		return refuse(RuleNegotiation, sku, ErrNoHaggling, "no haggling (不讲价): designated group account %s does not negotiate either; it receives value-added services (增值服务) instead", s.req.AccountID)
	case !p.cfg.Negotiation.Enabled:
		return refuse(RuleNegotiation, sku, ErrNoHaggling, "no haggling (不讲价): the price is the same for everyone")
	case !designated:
		return refuse(RuleNegotiation, sku, ErrNoHaggling, "no haggling (不讲价): a negotiated price (议价) is open only to designated group accounts")
	}
	ask := s.fig(*asked)
	band := s.in(s.q.ListPrice).mul(s.k(p.bandFactor)).roundTo(p.minor, o2o.RoundCeiling)
	if ask.n.less(band) {
		return refuse(RuleNegotiation, sku, ErrOutOfBand, "negotiated price %s is more than %s%% below the list price %s (lowest allowed %s)", asked, p.cfg.Negotiation.BandPercent, s.q.ListPrice, s.out(band))
	}
	if ask.n.less(s.floor.n) {
		return refuse(RuleNegotiation, sku, ErrOutOfBand, "negotiated price %s is below the floor %s (cost plus minimum margin)", asked, s.show(&s.floor))
	}
	if !ask.n.less(s.price.n) {
		s.note(RuleNegotiation, ReasonNegotiationNotLower, &Facts{Figure: *asked})
		return nil
	}
	s.q.Flags.Negotiated = true
	s.step(RuleNegotiation, ask, ReasonNegotiated, &Facts{Party: s.req.AccountID, Percent: p.cfg.Negotiation.BandPercent, Limit: s.show(&s.floor)})
	return nil
}

// pick is the lowest fresh outside observation found so far: its index in
// the observations (-1 for none) and its price as a num.
type pick struct {
	i int
	n num
}

// noPick is a pick of nothing yet.
var noPick = pick{i: -1}

// consider makes obs[i], a fresh observation of the product's brand and
// model, the pick when it is an outside one and lower than the pick so far
// (ties by source); n is its price.
func (p *Policy) consider(l *pick, i int, n num, obs []Observation) {
	o := &obs[i]
	if l.i >= 0 {
		if c := n.cmp(l.n); c > 0 || (c == 0 && !cmp.Less(o.Source, obs[l.i].Source)) {
			return
		}
	}
	// Our own channels are looked up only for a candidate that would win.
	if p.own[o.Source] {
		return
	}
	l.i, l.n = i, n
}

// lowest returns the index of the lowest fresh outside observation of the
// product's brand and model, ties by source, with its price as a num, or
// -1 when there is none.
func (p *Policy) lowest(bm o2o.BrandModel, at time.Time, obs []Observation) (int, num) {
	l := noPick
	for i := range obs {
		if o := &obs[i]; o.Brand == bm.Brand && o.Model == bm.Model && o.fresh(at) {
			p.consider(&l, i, p.in(o.Price), obs)
		}
	}
	return l.i, l.n
}

func (p *Policy) networkLowest(s *state) error {
	mode := p.cfg.NetworkLowest.Mode
	if mode == "" || len(s.req.Observations) == 0 {
		return nil
	}
	if s.q.Flags.Clearance {
		s.note(RuleNetworkLowest, ReasonNetworkClearance, &Facts{})
		return nil
	}
	bm := s.product.BrandModel()
	i, lowN := s.low.i, s.low.n // picked while checking the request
	if i < 0 {
		s.note(RuleNetworkLowest, ReasonNetworkNoObservation, &Facts{Product: bm})
		return nil
	}
	low := s.req.Observations[i]
	if !lowN.less(s.price.n) {
		s.note(RuleNetworkLowest, ReasonNetworkLowest, &Facts{Product: bm, Figure: low.Price, Party: low.Source})
		return nil
	}
	// The violation is built only when there is one: a clean match shows no
	// Money for the price it moved from.
	violation := func() Violation {
		return Violation{Rule: RuleNetworkLowest, Source: low.Source, Lowest: low.Price, Price: s.show(&s.price)}
	}
	if mode == NetworkReport {
		v := violation()
		v.Reason = fmt.Sprintf("%s is sold for %s at %s, below our %s (report mode: price kept)", bm, low.Price, low.Source, v.Price)
		s.q.Violations = append(s.q.Violations, v)
		s.note(RuleNetworkLowest, ReasonNetworkReported, &Facts{Figure: low.Price, Party: low.Source})
		return nil
	}
	target := figure{m: low.Price, n: lowN, known: true}
	if lowN.less(s.floor.n) {
		target = s.floor
		s.q.Flags.Floored = true
		v := violation()
		v.Reason = fmt.Sprintf("%s is sold for %s at %s; the floor %s forbids matching it", bm, low.Price, low.Source, s.show(&s.floor))
		s.q.Violations = append(s.q.Violations, v)
	}
	if !target.n.less(s.price.n) {
		s.note(RuleNetworkLowest, ReasonNetworkFloorBlocks, &Facts{Figure: low.Price, Party: low.Source, Limit: s.show(&s.floor)})
		return nil
	}
	s.q.Flags.Matched = true
	if s.q.Flags.Floored {
		s.step(RuleNetworkLowest, target, ReasonNetworkMatchedFloor, &Facts{Figure: low.Price, Party: low.Source, Limit: s.show(&s.floor)})
		return nil
	}
	s.step(RuleNetworkLowest, target, ReasonNetworkMatched, &Facts{Product: bm, Figure: low.Price, Party: low.Source})
	return nil
}

func (p *Policy) round(s *state) {
	mode, inc := p.cfg.Rounding.Mode, p.cfg.Rounding.Increment
	unit := s.price.n.roundTo(p.places, mode)
	if unit.less(s.floor.n) && !s.price.n.less(s.floor.n) {
		unit = s.price.n.roundTo(p.places, o2o.RoundCeiling)
		s.step(RuleRounding, figure{n: unit}, ReasonRoundedUpToFloor, &Facts{Increment: Increment(inc.String()), Limit: s.show(&s.floor)})
		s.q.Flags.Rounded = true
	} else if !unit.equal(s.price.n) {
		s.step(RuleRounding, figure{n: unit}, ReasonRounded, &Facts{Increment: Increment(inc.String()), Mode: o2o.RoundingMode(mode.String())})
		s.q.Flags.Rounded = true
	} else if !unit.same(s.price.n) {
		// The same value with fewer places (99.7500 is 99.75): shown rounded.
		s.price = figure{n: unit}
	}
	s.q.UnitPrice = s.show(&s.price)
	exact := figure{n: unit.mul(s.dec(s.req.Quantity.Value.Decimal))}
	s.total = figure{n: exact.n.roundTo(p.minor, mode)}
	s.q.LineTotal = s.show(&s.total)
	if !s.total.n.equal(exact.n) {
		s.push(RuleLineTotal, ReasonRoundingDifference, &exact, &figure{n: s.total.n.sub(exact.n)}, &s.total,
			&Facts{Figure: s.q.UnitPrice, Quantity: s.req.Quantity, Mode: o2o.RoundingMode(mode.String())})
		s.q.Flags.Rounded = true
	}
}

func (p *Policy) valueAdded(s *state) {
	if p.services == 0 || !s.designated {
		return
	}
	p.grant(s, p.lines[:p.services], "headquarters")
	s.note(RuleValueAdded, ReasonValueAdded, &Facts{Party: s.req.AccountID, Count: len(p.cfg.ValueAdded)})
}

// stageCostFor returns what ladder stages 1..k cost for the line total,
// as a figure: shown from Build's Money when the stages give no products
// away (their cost is then fixed).
func (p *Policy) stageCostFor(s *state, k int) figure {
	st := &p.stages[k-1]
	if st.freeRuns == 0 && !s.wide {
		return figure{m: st.fixedM, n: st.fixed, known: true}
	}
	cost := s.k(st.fixed)
	for range st.freeRuns {
		cost = cost.add(s.total.n)
	}
	return figure{n: cost}
}

// grant adds benefit lines funded by funder; a products_free line costs
// the line total.
func (p *Policy) grant(s *state, lines []Benefit, funder string) {
	if s.q.Benefits == nil {
		s.q.Benefits = make([]Benefit, 0, p.maxBenefits(&s.req, s.designated))
	}
	n := len(s.q.Benefits)
	s.q.Benefits = append(s.q.Benefits, lines...)
	for i := range s.q.Benefits[n:] {
		b := &s.q.Benefits[n+i]
		b.FundedBy = funder
		if b.Kind == BenefitProductsFree {
			b.Cost = s.show(&s.total)
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
		s.note(RuleLadder, ReasonLadderClearance, &Facts{})
		return nil
	}
	funding := s.fig(c.FundingLeft)
	for k := c.Stage; k >= 1; k-- {
		cost := p.stageCostFor(s, k)
		if funding.n.less(cost.n) {
			continue
		}
		p.grant(s, p.lines[p.ladderLines[0][0]:p.ladderLines[k-1][1]], c.ID)
		s.q.Stage = k
		if k < c.Stage {
			s.q.Flags.StageFallback = true
			s.noteFigures(RuleLadder, ReasonLadderFallback, &Facts{Party: c.ID, Asked: c.Stage, Stage: k},
				p.stageCostFor(s, c.Stage), funding, cost)
		} else {
			s.noteFigures(RuleLadder, ReasonLadderStage, &Facts{Party: c.ID, Stage: k, Count: p.stages[k-1].lines}, figure{}, funding, cost)
		}
		return nil
	}
	s.q.Flags.StageFallback = true
	s.noteFigures(RuleLadder, ReasonLadderUnaffordable, &Facts{Party: c.ID, Asked: c.Stage}, p.stageCostFor(s, 1), funding, figure{})
	return nil
}

func (p *Policy) showVAT(s *state) {
	if !s.info.hasVAT {
		return
	}
	rate := &s.info.vat
	// VAT included in a gross amount G at rate r%: G × r / (100 + r),
	// to 12 places, then rounded to the minor unit.
	vat := s.total.n.mul(s.k(rate.percentN)).divRound(s.k(rate.divisN), 12).roundTo(p.minor, p.cfg.Rounding.Mode)
	included := s.out(vat)
	s.q.VAT = &VATShown{Category: s.product.Category, Percent: o2o.Dec(rate.percent), Included: included}
	s.note(RuleVAT, ReasonVATIncluded, &Facts{Percent: o2o.Dec(rate.percent), Label: s.product.Category, Figure: included})
}

var oneUnit = decimal.New(1, 0)

func errorsIsNoPrice(err error) bool { return errors.Is(err, ErrNoPrice) }
