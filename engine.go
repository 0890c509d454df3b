package o2okit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
)

// Engine evaluates orders against one rulebook: it routes, checks conflicts,
// prices every line, derives the sale from the quotes and splits it into a
// balanced batch of postings, in one call. It composes the packages' own
// rules and adds none of its own: every setting it follows is a package's
// (the platform is channel's, the same-store rule settlement's).
//
// An Engine is immutable and safe for concurrent use. It does no I/O and
// reads no clock: every instant comes in with the order, and everything that
// changes between orders (campaign funding, observations, leads) comes in
// with the Circumstances.
type Engine struct {
	rb *Rulebook
	// provinces holds each store's own province, for eligibility.
	provinces map[string]o2o.RegionCode
	// regionStores holds, for each region a candidate able to sell retail
	// covers, the store routing picks there for retail ("" for a reformed
	// dealer); nil when the network refuses ties (see regionStore).
	regionStores map[o2o.RegionCode]string
	// manufacturer is the split's manufacturer account, credited by a
	// campaign's products-free funding.
	manufacturer string
}

// NewEngine returns the engine of a loaded rulebook. A nil rulebook is an
// error wrapping o2o.ErrInvalid.
func NewEngine(rb *Rulebook) (*Engine, error) {
	if rb == nil {
		return nil, fmt.Errorf("%w: new engine: no rulebook", o2o.ErrInvalid)
	}
	e := &Engine{rb: rb, provinces: map[string]o2o.RegionCode{}, manufacturer: rb.splitter.Config().Manufacturer}
	cfg := rb.network.Config()
	var covered []o2o.RegionCode
	for _, s := range cfg.Stores {
		if len(s.Covers) > 0 {
			e.provinces[s.ID] = s.Covers[0].Province()
		}
		covered = append(covered, s.Covers...)
	}
	for _, d := range cfg.Dealers {
		covered = append(covered, d.Territory...)
	}
	if rb.network.TieRule() == channel.TiePreferStore {
		// Routing for retail at a region picks among the candidates covering
		// the closest region of its chain (itself, then its ancestors) that has
		// any: so the answer at each covered region, asked of routing once
		// here, answers every region below it. Under the refuse rule a tie
		// has no answer to keep, and regionStore asks routing each time.
		e.regionStores = map[o2o.RegionCode]string{}
		for _, c := range covered {
			d, err := rb.network.Route(o2o.Order{ID: "region-store", Delivery: c}, channel.CapRetail)
			if err == nil && d.Covers == c {
				e.regionStores[c] = storeOf(servingOf(d))
			}
		}
	}
	return e, nil
}

// Rulebook returns the engine's rulebook.
func (e *Engine) Rulebook() *Rulebook { return e.rb }

// Circumstances are what the rules need from outside the order when it is
// evaluated: what the market and the campaign look like, and what the field
// knows about the customer. The zero Circumstances is a market with no
// observations, no campaign, no lead held and no coupon.
type Circumstances struct {
	// Observations are prices seen on the network, for the network-lowest
	// rule (同品牌同款产品全网最低).
	Observations []pricing.Observation `json:"observations,omitempty"`
	// Campaign is the promotion campaign the order runs under, with the
	// funding it has left; nil for none. The Engine draws the order's
	// benefits from that funding line by line (see Evaluate).
	Campaign *pricing.Campaign `json:"campaign,omitempty"`
	// Leads is the lead registry at the order's instant.
	Leads channel.Leads `json:"leads,omitzero"`
	// Coupons are store-bound coupons; those of the order's customer count.
	Coupons []channel.Coupon `json:"coupons,omitempty"`
	// ServingReason is the recorded reason for serving the order by a party
	// other than the one routing picks; empty for none.
	ServingReason string `json:"servingReason,omitempty"`
	// Clearance marks order lines that are returned goods sold on clearance
	// (in the store holding them, by condition grade); none for new goods.
	Clearance []ClearanceLine `json:"clearance,omitempty"`
}

// ClearanceLine marks one order line as returned goods on clearance.
type ClearanceLine struct {
	// Line is the line's index in the order.
	Line int `json:"line"`
	// Returned is the goods' condition grade and the store holding them.
	Returned pricing.Returned `json:"returned"`
}

// Stage names the step of an evaluation that refused an order.
type Stage string

// The stages of an evaluation, in the order they run.
const (
	// StageValidation checks the order against the catalog: fields, SKUs,
	// units and whole quantities.
	StageValidation Stage = "validation"
	// StageRouting picks who serves the order.
	StageRouting Stage = "routing"
	// StageConflicts runs the channel-conflict rules; a finding that forbids
	// the sale (product segregation) refuses the order here.
	StageConflicts Stage = "conflicts"
	// StagePricing quotes every line.
	StagePricing Stage = "pricing"
	// StageSettlement splits the sale into postings.
	StageSettlement Stage = "settlement"
)

// StageError is an order the Engine could not evaluate: the stage that
// refused it and the cause, which errors.Is and errors.As reach
// (channel.ErrNoRoute, pricing.ErrNoPrice, o2o.ErrInvalid, …).
type StageError struct {
	// Stage is the step that refused the order.
	Stage Stage
	// OrderID is the order's id.
	OrderID string
	// Err is the cause.
	Err error
}

// Error returns "evaluate order ORD-1: pricing: …".
func (e *StageError) Error() string {
	return fmt.Sprintf("evaluate order %q: %s: %v", e.OrderID, e.Stage, e.Err)
}

// Unwrap returns the cause.
func (e *StageError) Unwrap() error { return e.Err }

// ErrForbidden reports an order a conflict rule forbids: a dealer-line product
// through O2O or B2C, an O2O-line one through a dealer, or a SKU its channel
// or seller may not sell. The error is a *ConflictError inside a *StageError.
var ErrForbidden = fmt.Errorf("%w: forbidden by a channel rule", o2o.ErrInvalid)

// ErrUnit reports an order line whose unit is not its product's, or a
// fraction of a whole-number unit (piece, set, job). It is o2o.ErrUnit, the
// one sentinel every package gives for that fault.
var ErrUnit = o2o.ErrUnit

// ConflictError lists the findings that forbid an order. It wraps
// ErrForbidden.
type ConflictError struct {
	// Findings are the forbidding findings, as channel reported them.
	Findings []channel.Finding
}

// Error lists the findings' reasons.
func (e *ConflictError) Error() string {
	s := "forbidden"
	for i, f := range e.Findings {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		s += sep + string(f.Kind) + ": " + f.Reason
	}
	return s
}

// Unwrap returns ErrForbidden.
func (e *ConflictError) Unwrap() error { return ErrForbidden }

// forbids reports whether a finding forbids the sale: a segregation finding.
// Steering, a lead served by another and unrouted serving are conflicts to
// report, not to refuse a paid order over; cross-compensation is due.
func forbids(k channel.Kind) bool {
	switch k {
	case channel.KindDealerLineOutsideDealers, channel.KindO2OLineByDealer, channel.KindNotSellable:
		return true
	}
	return false
}

// Needs returns the capabilities routing needs for an order, derived from
// its products, the most demanding first: construction when a line is a
// construction service, measurement when a line is a measurement, delivery
// when a line is goods; retail alone for an order of design or live video
// only. An order of construction and goods needs construction and delivery,
// and is served by a party able to do both. Unknown SKUs count as goods.
func (e *Engine) Needs(order o2o.Order) []channel.Capability {
	var construction, measurement, goods bool
	for _, l := range order.Lines {
		p, ok := e.rb.catalog.Product(l.SKU)
		switch {
		case !ok || !p.IsService():
			goods = true
		case p.Service == o2o.ServiceConstruction:
			construction = true
		case p.Service == o2o.ServiceMeasurement:
			measurement = true
		}
	}
	var needs []channel.Capability
	if construction {
		needs = append(needs, channel.CapConstruction)
	}
	if measurement {
		needs = append(needs, channel.CapMeasurement)
	}
	if goods {
		needs = append(needs, channel.CapDelivery)
	}
	if needs == nil {
		needs = append(needs, channel.CapRetail)
	}
	return needs
}

// Validate checks an order as Evaluate's validation stage does, without
// evaluating it: o2o.Order.ValidateWith against the rulebook's catalog (an
// unknown SKU wraps o2o.ErrUnknownSKU; a unit other than the product's, or a
// fraction of a piece, set or job, wraps ErrUnit). Every fault is listed in
// one *o2o.ValidationError with its JSON path; all wrap o2o.ErrInvalid.
func (e *Engine) Validate(order o2o.Order) error { return order.ValidateWith(e.rb.catalog) }

// wholeUnit reports whether a unit counts whole things (o2o.Unit.Whole).
func wholeUnit(u o2o.Unit) bool { return u.Whole() }

// servingOf turns a routing decision into the order's serving party.
func servingOf(d channel.Decision) *o2o.Serving {
	s := &o2o.Serving{Kind: d.Serve.Kind, PartyID: d.Serve.ID}
	if d.Serve.Kind == o2o.PartyAgent {
		s.StoreID = d.Store
	}
	return s
}

// storeOf returns the store a serving party is or belongs to ("" for a dealer).
func storeOf(s *o2o.Serving) string {
	switch {
	case s == nil:
		return ""
	case s.Kind == o2o.PartyStore:
		return s.PartyID
	case s.Kind == o2o.PartyAgent:
		return s.StoreID
	}
	return ""
}

// regionStore returns the store of the customer's region (home, else
// delivery): the store routing picks there for retail, when it is a store or
// an agent's store. None is "".
//
// Under the prefer-store tie rule it reads the answer kept by NewEngine for
// the closest covered region of the home's chain, which is what routing
// would answer (TestRegionStoreMatchesRouting checks every county of China
// and the sample's townships); under the refuse rule it asks routing.
func (e *Engine) regionStore(order o2o.Order) string {
	home := order.Customer.Home
	if home.IsZero() {
		home = order.Delivery
	}
	if e.regionStores == nil {
		return e.routeRegionStore(home)
	}
	for code := home; ; {
		if s, ok := e.regionStores[code]; ok {
			return s
		}
		parent, ok := code.Parent()
		if !ok || parent == code {
			return ""
		}
		code = parent
	}
}

// routeRegionStore asks routing for the store of a region.
func (e *Engine) routeRegionStore(region o2o.RegionCode) string {
	d, err := e.rb.network.Route(o2o.Order{ID: "region-store", Delivery: region}, channel.CapRetail)
	if err != nil {
		return ""
	}
	return storeOf(servingOf(d))
}

// Evaluate evaluates one order, in stages:
//
//  1. validation: the order's own checks, and every line against the catalog
//     (o2o.Order.ValidateWith: an unknown SKU wraps o2o.ErrUnknownSKU, a
//     unit other than the product's or a fraction of a piece, set or job
//     wraps ErrUnit). A dealer-channel order is refused
//     (pricing.ErrDealerPriced): its dealer prices it;
//  2. routing: the capabilities needed are derived from the products
//     (Needs), and the party chosen can do every one of them
//     (channel.Network.RouteNeeding): the holder of a protected lead serves,
//     else the closest capable store. An order that names its serving party keeps it, and the
//     conflict check compares it with routing's pick. An order routing
//     cannot place (channel.ErrNoRoute, channel.ErrTie,
//     channel.ErrLeadHolderCannotServe) is refused here, even when it names
//     its serving party;
//  3. conflicts: channel's rules, told who serves and every capability
//     needed. A segregation finding forbids the sale (a *ConflictError
//     wrapping ErrForbidden); the others (steering to B2C — on a B2C order,
//     or an O2O order paid online through B2C —, a lead served by another,
//     cross-compensation) are in the evaluation;
//  4. pricing: each line is quoted in turn, at the delivery region's price.
//     The campaign's funding is drawn line by line (a line's ladder stage is
//     checked against what the lines before it left), and a ladder or
//     value-added benefit that is not a products-free line is granted once per
//     order (Evaluation.Benefits) though each quote still lists it;
//  5. settlement: the campaign's money is posted in a batch of its own
//     (Evaluation.Campaign: products given free and paybacks, from the
//     campaign's account); the sale is derived from the quotes (what the
//     customer pays for each line: its total less a products-free benefit)
//     and split by
//     the split rules, with the serving party, the store of the customer's
//     region (the split's SameStore rule decides whether a serving store
//     that is also the region's store gets the transfer payment too) and the
//     cross-compensation entitlements.
//
// The batch is not applied. A wholly free order gives an evaluation with
// an empty batch: nothing to post, which is not an error. An order that
// cannot be evaluated gives a *StageError naming the stage and wrapping the
// cause, and no evaluation.
func (e *Engine) Evaluate(order o2o.Order, c Circumstances) (*Evaluation, error) {
	fail := func(stage Stage, err error) (*Evaluation, error) {
		return nil, &StageError{Stage: stage, OrderID: order.ID, Err: err}
	}
	if err := order.ValidateWith(e.rb.catalog); err != nil {
		return fail(StageValidation, err)
	}
	for k, cl := range c.Clearance {
		if cl.Line < 0 || cl.Line >= len(order.Lines) || slices.IndexFunc(c.Clearance[:k], func(o ClearanceLine) bool { return o.Line == cl.Line }) >= 0 {
			return fail(StageValidation, o2o.Invalidf(fmt.Sprintf("clearance[%d].line", k), "names no line of the order, or one named before: %d", cl.Line))
		}
	}
	if order.Channel == o2o.ChannelDealer {
		return fail(StageValidation, o2o.InvalidAs(pricing.ErrDealerPriced, "channel", "a dealer-channel order is priced by its dealer: the Engine evaluates B2C and O2O orders"))
	}
	order.Lines = slices.Clone(order.Lines)
	needs := e.Needs(order)
	ev := &Evaluation{Need: needs[0], Also: needs[1:]}
	if len(ev.Also) == 0 {
		ev.Also = nil
	}

	// Routing.
	route, err := e.rb.network.RouteNeeding(order, needs, c.Leads)
	if err != nil {
		return fail(StageRouting, err)
	}
	ev.Route = route
	if order.ServedBy == nil {
		order.ServedBy = servingOf(route)
	} else {
		s := *order.ServedBy
		order.ServedBy = &s
	}

	// Conflicts.
	// The order was validated against the network's own catalog above.
	report, err := e.rb.network.CheckValidated(order, channel.Facts{Leads: c.Leads, Coupons: c.Coupons, Need: ev.Need, Also: ev.Also, ServingReason: c.ServingReason})
	if err != nil {
		return fail(StageConflicts, err)
	}
	var forbidding []channel.Finding
	for _, f := range report.Findings {
		if forbids(f.Kind) {
			forbidding = append(forbidding, f)
		}
	}
	if forbidding != nil {
		return fail(StageConflicts, &ConflictError{Findings: forbidding})
	}
	ev.Conflicts = report

	// Pricing.
	if err := e.price(ev, order, c); err != nil {
		return fail(StagePricing, err)
	}

	// Settlement.
	sale := settlement.Sale{Order: order, Lines: make([]settlement.SaleLine, len(order.Lines))}
	for i, q := range ev.Quotes {
		p, _ := e.rb.catalog.Product(q.SKU)
		sale.Lines[i] = settlement.SaleLine{Line: p.Line, Amount: ev.Lines[i].Pays}
	}
	var routing settlement.Routing
	if !order.Placed.InStore() {
		// Transfer payments are for online sales only: an in-store order
		// needs no store of the customer's region.
		routing.RegionStore = e.regionStore(order)
	}
	var ents []settlement.Entitlement
	for _, en := range report.Entitlements {
		ents = append(ents, settlement.Entitlement{Dealer: en.Dealer, Territory: en.Territory,
			Reason: fmt.Sprintf("delivery %s lies in territory %s of fused dealer %s", en.Delivery, en.Territory, en.Dealer)})
	}
	split, err := e.rb.splitter.SplitValidated(sale, routing, ents)
	if err != nil {
		return fail(StageSettlement, err)
	}
	campaign, err := e.campaignBatch(order, ev)
	if err != nil {
		return fail(StageSettlement, err)
	}
	ev.Sale = sale
	ev.Split = split
	ev.Campaign = campaign
	ev.RegionStore = creditedRegionStore(split)
	return ev, nil
}

// campaignBatch posts the campaign's money (see Evaluation.Campaign): for
// each line given free, what the customer no longer pays, from the
// products-free benefit's funder to the manufacturer; for each payback, its
// amount from its funder to the customer.
func (e *Engine) campaignBatch(order o2o.Order, ev *Evaluation) (settlement.Batch, error) {
	b := settlement.Batch{ID: order.ID + "/campaign", Postings: []settlement.Posting{}}
	add := func(p settlement.Posting) error {
		if err := p.Validate(); err != nil {
			return o2o.Prefix("campaign", err)
		}
		b.Postings = append(b.Postings, p)
		return nil
	}
	for i, la := range ev.Lines {
		funded, err := la.Total.Sub(la.Pays)
		if err != nil {
			return b, err
		}
		if !funded.IsPositive() {
			continue
		}
		funder := ""
		for _, bl := range ev.Benefits {
			if bl.Kind == pricing.BenefitProductsFree {
				funder = bl.FundedBy
				break
			}
		}
		if err := add(settlement.Posting{Key: fmt.Sprintf("%s/%d/campaign", order.ID, i), Kind: settlement.KindCampaignFunding,
			From: funder, To: e.manufacturer, Amount: funded, Order: order.ID, At: order.At}); err != nil {
			return b, err
		}
	}
	for _, bl := range ev.Benefits {
		if bl.Kind != pricing.BenefitPayback || !bl.Price.IsNegative() {
			continue
		}
		if err := add(settlement.Posting{Key: fmt.Sprintf("%s/payback/%s/%d/%s", order.ID, bl.Rule, bl.Stage, bl.Code), Kind: settlement.KindCampaignPayback,
			From: bl.FundedBy, To: order.Customer.ID, Amount: bl.Price.Neg(), Order: order.ID, At: order.At}); err != nil {
			return b, err
		}
	}
	return b, nil
}

// creditedRegionStore returns the store a split credits with a transfer
// payment, "" for none.
func creditedRegionStore(split settlement.Split) string {
	for _, l := range split.Lines {
		for _, p := range l.Parts {
			if p.Role == settlement.RoleRegionStore && p.Party != "" {
				return p.Party
			}
		}
	}
	return ""
}

// price quotes every line, drawing the campaign's funding line by line and
// granting per-order benefits once.
func (e *Engine) price(ev *Evaluation, order o2o.Order, c Circumstances) error {
	req := pricing.OrderRequest{Region: order.Delivery, Channel: order.Channel, Placed: order.Placed,
		Segment: order.Customer.Segment, AccountID: order.Customer.AccountID, At: order.At,
		Observations: c.Observations, Campaign: c.Campaign, Lines: make([]pricing.OrderLine, len(order.Lines))}
	for i, l := range order.Lines {
		req.Lines[i] = pricing.OrderLine{SKU: l.SKU, Quantity: l.Quantity}
		for k := range c.Clearance {
			if c.Clearance[k].Line == i {
				req.Lines[i].Returned = &c.Clearance[k].Returned
			}
		}
	}
	oq, err := e.rb.policy.QuoteOrder(req)
	if err != nil {
		return err
	}
	cur := e.rb.book.Currency()
	ev.Quotes, ev.Benefits, ev.OrderSteps = oq.Lines, oq.Benefits, oq.Steps
	free := slices.ContainsFunc(oq.Benefits, func(b pricing.Benefit) bool { return b.Kind == pricing.BenefitProductsFree })
	ev.Lines = make([]LineAmounts, len(oq.Lines))
	for i, q := range oq.Lines {
		la := LineAmounts{Index: i, SKU: q.SKU, Total: q.LineTotal, Free: cur.Zero(), Pays: q.LineTotal}
		if free && !q.Flags.Clearance { // the ladder gives every line but clearance goods free
			la.Free, la.Pays = q.LineTotal, cur.Zero()
		}
		ev.Lines[i] = la
	}
	p := &ev.Payable
	p.Total, p.Free, p.Paybacks = oq.Subtotal, oq.ProductsFree, oq.PaidBack.Neg()
	if p.Pays, err = p.Total.Sub(p.Free); err != nil {
		return err
	}
	if p.Net, err = p.Pays.Add(p.Paybacks); err != nil {
		return err
	}
	if c.Campaign != nil {
		left, err := c.Campaign.FundingLeft.Sub(oq.FundingDrawn)
		if err != nil {
			return err
		}
		if left.IsNegative() {
			left = cur.Zero()
		}
		ev.FundingLeft = &left
	}
	return nil
}

// CheckShowcase checks a store's showcase plan (爆款) at an instant with
// pricing's store-eligibility answer for each hot product in the store's own
// province — the province of the first region the store covers — converted
// once into channel's shape: channel.Network.CheckShowcase with
// pricing.Policy.StoreEligible, joined. observations are the network prices
// the network-lowest condition compares with.
//
// Errors: an unknown store wraps o2o.ErrNotFound; pricing's errors for a hot
// product (an unknown SKU, say) and channel's are returned wrapped.
func (e *Engine) CheckShowcase(plan channel.ShowcasePlan, at time.Time, observations []pricing.Observation) (channel.ShowcaseReport, error) {
	province, ok := e.storeProvince(plan.Store)
	if !ok {
		return channel.ShowcaseReport{}, fmt.Errorf("check showcase: store %q: %w", plan.Store, o2o.ErrNotFound)
	}
	var answers []channel.Eligibility
	seen := map[string]bool{}
	for i, sku := range plan.HotProducts {
		if seen[sku] {
			continue // channel reports a repeated hot product
		}
		seen[sku] = true
		if _, ok := e.rb.catalog.Product(sku); !ok {
			continue // channel reports a SKU it cannot sell
		}
		el, err := e.rb.policy.StoreEligible(sku, province, at, observations)
		if err != nil {
			return channel.ShowcaseReport{}, fmt.Errorf("check showcase: %w", o2o.Prefix(fmt.Sprintf("hotProducts[%d]", i), err))
		}
		answers = append(answers, channel.Eligibility{SKU: sku, Eligible: el.Eligible, Reason: strings.Join(el.Reasons, "; ")})
	}
	return e.rb.network.CheckShowcase(plan, answers, at)
}

// storeProvince returns the province of the first region a store covers.
func (e *Engine) storeProvince(store string) (o2o.RegionCode, bool) {
	p, ok := e.provinces[store]
	return p, ok
}
