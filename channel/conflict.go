package channel

import (
	"errors"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Kind is the kind of a finding on an order.
type Kind string

// The finding kinds.
const (
	// KindSteeredToB2C: an O2O customer (holding a protected lead or a
	// store-bound coupon) paid online through B2C, on a B2C order or on an
	// O2O order paid online.
	KindSteeredToB2C Kind = "steered_to_b2c"
	// KindDealerLineOutsideDealers: a dealer-line product sold through O2O or B2C.
	KindDealerLineOutsideDealers Kind = "dealer_line_outside_dealers"
	// KindO2OLineByDealer: an O2O-line product sold, and so priced, by a dealer.
	KindO2OLineByDealer Kind = "o2o_line_by_dealer"
	// KindNotSellable: another segregation rule refused a line (an online-only
	// SKU in a store, an O2O-only SKU paid through B2C, a seller not entitled
	// to the channel, a dealer outside its territory).
	KindNotSellable Kind = "not_sellable"
	// KindCrossCompensation: an O2O-line sale delivered into a fused dealer's
	// territory entitles the dealer to cross-compensation (交叉补偿).
	KindCrossCompensation Kind = "cross_compensation"
	// KindLeadServedByOther: the order is served by a party other than the
	// holder of the customer's protected lead.
	KindLeadServedByOther Kind = "lead_served_by_other"
	// KindUnroutedServing: the order is served by a party other than the one
	// routing picks, and no reason was recorded.
	KindUnroutedServing Kind = "unrouted_serving"
)

// More rules, for the order findings.
const (
	// RuleNoSteering: the O2O operation is independent and never mixed with
	// B2C; an O2O customer is not steered to pay through B2C.
	RuleNoSteering Rule = "conflict.no_steering_to_b2c"
	// RuleCrossCompensation: a fused dealer (融合) is compensated for O2O-line
	// sales into its territory (交叉补偿).
	RuleCrossCompensation Rule = "conflict.cross_compensation"
	// RuleLeadHolderServes: the protected lead's holder serves the order.
	RuleLeadHolderServes Rule = "conflict.lead_holder_serves"
	// RuleServeAsRouted: an order is served by the party routing picks, or a
	// reason is recorded.
	RuleServeAsRouted Rule = "conflict.serve_as_routed"
)

// Coupon is a store-bound coupon held by a customer: drainage that binds
// online traffic to a store.
type Coupon struct {
	Code     string `json:"code"`
	Customer string `json:"customer"`
	Store    string `json:"store"`
}

// Facts are what the caller knows about an order besides the order itself.
type Facts struct {
	// Leads is the lead registry at the time of the check; the zero Leads
	// holds nothing. In JSON it is the registry's form (see
	// Leads.MarshalJSON), left out when empty.
	Leads Leads `json:"leads,omitzero"`
	// Coupons are store-bound coupons; those of the order's customer count.
	Coupons []Coupon `json:"coupons,omitempty"`
	// Need is the capability routing checks the serving party against;
	// empty means CapRetail.
	Need Capability `json:"need,omitempty"`
	// Also are the capabilities, besides Need, the serving party must have
	// (see Network.RouteNeeding); none for an order needing one.
	Also []Capability `json:"also,omitempty"`
	// ServingReason is the recorded reason for serving the order by a party
	// other than the one routing picks (a customer's request, a capacity
	// problem). Empty means none was recorded.
	ServingReason string `json:"servingReason,omitempty"`
}

// Entitlement is a fused dealer's claim to cross-compensation (交叉补偿) for
// an O2O-line sale delivered into its territory, as plain data for
// settlement to price and post.
type Entitlement struct {
	Dealer    string          `json:"dealer"`
	OrderID   string          `json:"orderId"`
	Channel   o2o.Channel     `json:"channel"`
	Delivery  o2o.RegionCode  `json:"delivery"`
	Territory o2o.RegionCode  `json:"territory"`
	Lines     []o2o.OrderLine `json:"lines"`
	At        time.Time       `json:"at"`
	Rule      Rule            `json:"rule"`
}

// Finding is one conflict (or entitlement) found on an order: its kind, the
// parties, the evidence, the rule and why.
type Finding struct {
	Kind     Kind       `json:"kind"`
	Rule     Rule       `json:"rule"`
	Parties  []PartyRef `json:"parties"`
	SKUs     []string   `json:"skus,omitempty"`
	Evidence []string   `json:"evidence"`
	Reason   string     `json:"reason"`
}

// The notes on an order: facts worth a look that are neither conflicts nor
// entitlements.
const (
	// NoteServingUnchecked: the serving party could not be checked against
	// routing, because routing itself found no one (ErrNoRoute) or a tie it
	// refuses to break (ErrTie).
	NoteServingUnchecked Kind = "serving_unchecked"
	// NoteIndependentTerritory: an O2O-line sale delivered into an
	// independent dealer's territory. It is allowed and owes nothing (an
	// independent dealer gets no cross-compensation); noted for people who
	// watch channel friction.
	NoteIndependentTerritory Kind = "independent_territory"
)

// Note is something CheckOrder could not decide, or a fact worth a look,
// that is neither a conflict nor an entitlement. Notes use the Finding
// shape; their kinds are the Note… constants.
type Note = Finding

// Report is every finding on an order, in a fixed order of kinds, the
// cross-compensation entitlements, and the notes.
type Report struct {
	OrderID      string        `json:"orderId"`
	Findings     []Finding     `json:"findings"`
	Entitlements []Entitlement `json:"entitlements"`
	Notes        []Note        `json:"notes"`
}

// Conflicts returns the findings that are conflicts, leaving out
// cross-compensation entitlements (which are due, not wrong).
func (r Report) Conflicts() []Finding {
	out := []Finding{}
	for _, f := range r.Findings {
		if f.Kind != KindCrossCompensation {
			out = append(out, f)
		}
	}
	return out
}

// CheckOrder runs the conflict rules on an order:
//   - every line through MaySell (the one segregation check) for the
//     order's seller: the platform for B2C, the serving party (else the
//     platform) for O2O, the serving dealer for the dealer channel;
//   - an O2O customer (protected lead or store-bound coupon) paying online
//     through B2C: on a B2C order, and on an O2O order paid online
//     (o2o.Order.PaidOnline; see o2o.Order for how Channel and PaidOnline
//     differ). The finding names the holder, the coupons' stores, then the
//     platform (Config.Platform);
//   - O2O-line lines delivered into a fused dealer's territory (an
//     entitlement, also reported as a finding);
//   - a serving party other than the lead holder, or, with no lead held,
//     other than the party routing picks and with no recorded reason
//     (an agent counts as its store, and a store as its agents).
//
// The order is validated once, in full and against the network's catalog
// (o2o.Order.ValidateWith); routing then runs on the same internal path as
// Route. Routing gaps (ErrNoRoute, ErrTie) are not errors
// here: the serving party cannot be checked, and the report says so in a
// NoteServingUnchecked note. An O2O-line sale into an independent dealer's
// territory gets a NoteIndependentTerritory note.
//
// Errors: an invalid order wraps o2o.ErrInvalid, listing every fault (at
// most 100, then how many more): a fraction of a whole-number unit or a
// unit other than the product's wraps o2o.ErrUnit, a SKU not in the
// catalog wraps o2o.ErrUnknownSKU (which wraps o2o.ErrNotFound too); a
// dealer-channel order must name its serving dealer; a serving agent must
// be named with the store it is attached to. A lead registry whose parties
// are not this network's wraps o2o.ErrInvalid; an unknown serving party
// wraps o2o.ErrNotFound.
func (n *Network) CheckOrder(order o2o.Order, facts Facts) (Report, error) {
	if err := order.ValidateWith(n.catalog); err != nil {
		return Report{}, fmt.Errorf("check order: %w", err)
	}
	return n.check(order, facts)
}

// CheckValidated is CheckOrder for an order the caller has already
// validated against this network's catalog (o2o.Order.ValidateWith with
// Catalog()): it skips that validation and runs the rules. The report and
// every other error are CheckOrder's. An order that was not valid may give
// a report that does not hold, never a panic.
func (n *Network) CheckValidated(order o2o.Order, facts Facts) (Report, error) {
	return n.check(order, facts)
}

func (n *Network) check(order o2o.Order, facts Facts) (Report, error) {
	leads, err := n.bind(facts.Leads)
	if err != nil {
		return Report{}, fmt.Errorf("check order %q: %w", order.ID, o2o.Prefix("leads", err))
	}
	need := facts.Need
	if need == "" {
		need = CapRetail
	}
	for _, c := range append([]Capability{need}, facts.Also...) {
		if !c.Valid() {
			return Report{}, &o2o.EnumError{Enum: "capability", Value: string(c)}
		}
	}
	seller := n.platform
	var served PartyRef
	if order.ServedBy != nil {
		served = PartyRef{Kind: order.ServedBy.Kind, ID: order.ServedBy.PartyID}
		if !n.Has(served) {
			return Report{}, fmt.Errorf("check order %q: serving %s: %w", order.ID, served, o2o.ErrNotFound)
		}
		if a, ok := n.agents[served.ID]; ok && served.Kind == o2o.PartyAgent && order.ServedBy.StoreID != a.cfg.StoreID {
			return Report{}, fmt.Errorf("check order %q: %w", order.ID, o2o.Invalidf("servedBy.storeId",
				"agent %s is attached to store %q, not %q", served.ID, a.cfg.StoreID, order.ServedBy.StoreID))
		}
		if order.Channel != o2o.ChannelB2C {
			seller = served
		}
	}
	if order.Channel == o2o.ChannelDealer && seller.Kind != o2o.PartyDealer {
		return Report{}, fmt.Errorf("check order %q: %w", order.ID, o2o.Invalid("servedBy", "a dealer-channel order must name its serving dealer"))
	}
	r := Report{OrderID: order.ID, Findings: []Finding{}, Entitlements: []Entitlement{}, Notes: []Note{}}
	var o2oLines []o2o.OrderLine
	for i, line := range order.Lines {
		p, ok := n.catalog.Product(line.SKU)
		if !ok {
			return Report{}, fmt.Errorf("check order %q: %w", order.ID, o2o.InvalidAs(o2o.ErrUnknownSKU, fmt.Sprintf("lines[%d].sku", i), fmt.Sprintf("%q is not in the catalog", line.SKU)))
		}
		if p.Line == o2o.LineO2O {
			o2oLines = append(o2oLines, line)
		}
		v := n.verdict(Sale{SKU: p.SKU, Channel: order.Channel, Seller: seller, Delivery: order.Delivery}, p)
		if v.Allowed {
			continue
		}
		kind := KindNotSellable
		switch v.Rule {
		case RuleDealerLineDealersOnly:
			kind = KindDealerLineOutsideDealers
		case RuleO2OLineNotByDealer:
			kind = KindO2OLineByDealer
		}
		r.Findings = append(r.Findings, Finding{Kind: kind, Rule: v.Rule, Parties: []PartyRef{seller}, SKUs: []string{p.SKU},
			Evidence: []string{fmt.Sprintf("lines[%d]: %s %s through %s by %s", i, p.SKU, line.Quantity, order.Channel, seller)}, Reason: v.Reason})
	}
	holder, held := leads.Holder(order.Customer.ID, order.At)
	if order.Channel == o2o.ChannelB2C || (order.Channel == o2o.ChannelO2O && order.PaidOnline) {
		if f, ok := n.steered(order, facts, holder, held); ok {
			r.Findings = append(r.Findings, f)
		}
	}
	if order.Channel != o2o.ChannelDealer && len(o2oLines) > 0 {
		d, region, ok := n.TerritoryAt(order.Delivery)
		if ok && d.Mode == ModeIndependent {
			r.Notes = append(r.Notes, Note{Kind: NoteIndependentTerritory, Rule: RuleCrossCompensation, Parties: []PartyRef{Dealer(d.ID)},
				SKUs: skus(o2oLines), Evidence: []string{fmt.Sprintf("delivery %s lies in territory %s of independent dealer %s", order.Delivery, region, d.ID)},
				Reason: fmt.Sprintf("an O2O-line sale through %s delivered into the territory of independent dealer %s: allowed, and no cross-compensation is due (the dealer has no O2O role)", order.Channel, d.ID)})
		}
		if ok && d.Mode == ModeFused {
			e := Entitlement{Dealer: d.ID, OrderID: order.ID, Channel: order.Channel, Delivery: order.Delivery, Territory: region,
				Lines: o2oLines, At: order.At, Rule: RuleCrossCompensation}
			r.Entitlements = append(r.Entitlements, e)
			r.Findings = append(r.Findings, Finding{Kind: KindCrossCompensation, Rule: RuleCrossCompensation, Parties: []PartyRef{Dealer(d.ID)},
				SKUs: skus(o2oLines), Evidence: []string{fmt.Sprintf("delivery %s lies in territory %s of fused dealer %s", order.Delivery, region, d.ID)},
				Reason: fmt.Sprintf("an O2O-line sale through %s delivered into the territory of fused dealer %s entitles it to cross-compensation (交叉补偿)", order.Channel, d.ID)})
		}
	}
	if order.ServedBy != nil && order.Channel != o2o.ChannelDealer {
		f, ok, err := n.serving(order, facts, served, needOf(need, facts.Also), holder, held)
		var re *RouteError
		switch {
		case errors.As(err, &re):
			r.Notes = append(r.Notes, unchecked(served, re))
		case err != nil:
			return Report{}, err
		case ok:
			r.Findings = append(r.Findings, f)
		}
	}
	return r, nil
}

func skus(lines []o2o.OrderLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.SKU
	}
	return out
}

func (n *Network) steered(order o2o.Order, facts Facts, holder Lead, held bool) (Finding, bool) {
	f := Finding{Kind: KindSteeredToB2C, Rule: RuleNoSteering, Parties: []PartyRef{}, Evidence: []string{}}
	if held {
		f.Parties = append(f.Parties, holder.Party)
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s holds the protected lead on customer %q since %s", holder.Party, holder.Customer, holder.At.In(n.loc).Format("2006-01-02 15:04")))
	}
	named := make(map[PartyRef]bool, len(f.Parties))
	for _, p := range f.Parties {
		named[p] = true
	}
	for _, c := range facts.Coupons {
		if c.Customer == order.Customer.ID {
			if p := Store(c.Store); !named[p] {
				named[p] = true
				f.Parties = append(f.Parties, p)
			}
			f.Evidence = append(f.Evidence, fmt.Sprintf("coupon %q binds customer %q to store %s", c.Code, c.Customer, c.Store))
		}
	}
	if len(f.Evidence) == 0 {
		return Finding{}, false
	}
	f.Parties = append(f.Parties, n.platform)
	paid := "paid online through B2C"
	if order.Channel == o2o.ChannelO2O {
		paid = "the O2O order was paid online through B2C"
	}
	f.Reason = fmt.Sprintf("customer %q is an O2O customer of %s but %s; the O2O operation is independent and never mixed with B2C", order.Customer.ID, f.Parties[0], paid)
	return f, true
}

func containsRef(refs []PartyRef, p PartyRef) bool {
	for _, r := range refs {
		if r == p {
			return true
		}
	}
	return false
}

// sameTeam reports whether a and b are the same party, or an agent and the
// store it is attached to.
func (n *Network) sameTeam(a, b PartyRef) bool {
	if a == b {
		return true
	}
	storeOf := func(p PartyRef) PartyRef {
		if p.Kind == o2o.PartyAgent {
			if ag, ok := n.agents[p.ID]; ok {
				return Store(ag.cfg.StoreID)
			}
		}
		return p
	}
	if a.Kind == o2o.PartyAgent && b.Kind == o2o.PartyAgent {
		return false // two agents each hold their own customers
	}
	return storeOf(a) == storeOf(b)
}

func (n *Network) serving(order o2o.Order, facts Facts, served PartyRef, need need, holder Lead, held bool) (Finding, bool, error) {
	if held {
		if n.sameTeam(served, holder.Party) {
			return Finding{}, false, nil
		}
		return Finding{Kind: KindLeadServedByOther, Rule: RuleLeadHolderServes, Parties: []PartyRef{holder.Party, served},
			Evidence: []string{fmt.Sprintf("%s registered customer %q at %s, protected %d days", holder.Party, holder.Customer, holder.At.In(n.loc).Format("2006-01-02 15:04"), n.protectionDays)},
			Reason:   fmt.Sprintf("%s serves the order but %s holds the protected lead on the customer; the holder serves", served, holder.Party)}, true, nil
	}
	if facts.ServingReason != "" {
		return Finding{}, false, nil
	}
	d, err := n.routeNeed(order, need)
	if err != nil {
		return Finding{}, false, err
	}
	if n.sameTeam(served, d.Serve) {
		return Finding{}, false, nil
	}
	return Finding{Kind: KindUnroutedServing, Rule: RuleServeAsRouted, Parties: []PartyRef{served, d.Serve},
		Evidence: []string{d.Reason},
		Reason:   fmt.Sprintf("%s serves the order but routing picks %s for %s in %s, and no reason was recorded", served, d.Serve, need, order.Delivery)}, true, nil
}

// unchecked notes that the serving party could not be checked because
// routing failed.
func unchecked(served PartyRef, re *RouteError) Note {
	parties := []PartyRef{served}
	for _, p := range re.Tied {
		if !containsRef(parties, p) {
			parties = append(parties, p)
		}
	}
	why := fmt.Sprintf("routing finds no candidate able to do %s in %s", needOf(re.Need, re.Also), re.Delivery)
	if errors.Is(re, ErrTie) {
		why = fmt.Sprintf("routing refuses a tie among %d candidates for %s in %s", len(re.Tied), needOf(re.Need, re.Also), re.Delivery)
	}
	return Note{Kind: NoteServingUnchecked, Rule: RuleServeAsRouted, Parties: parties,
		Evidence: []string{re.Error()},
		Reason:   fmt.Sprintf("%s serves the order, but %s, so whether it is the right party is not checked; a person should confirm it", served, why)}
}
