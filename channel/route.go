package channel

import (
	"fmt"

	"github.com/o2okit/o2okit/o2o"
)

// The routing rules.
const (
	// RuleRouteClosest: the capable candidate covering the closest region
	// serves (township, else county, else city, else province).
	RuleRouteClosest Rule = "routing.closest"
	// RuleRouteTie: several capable candidates covered the same closest region
	// and the tie rule picked one.
	RuleRouteTie Rule = "routing.tie"
	// RuleRouteLead: the holder of a protected lead serves; routing only
	// checked that it can.
	RuleRouteLead Rule = "routing.lead_holder"
)

// PassedOver is a candidate routing considered and did not choose, and why.
type PassedOver struct {
	Party PartyRef `json:"party"`
	// Covers is the candidate's region that contains the delivery region.
	Covers o2o.RegionCode  `json:"covers"`
	Level  o2o.RegionLevel `json:"level"`
	Reason string          `json:"reason"`
}

// Decision is who serves an order needing a capability, and why. It lists
// every candidate passed over with its reason.
type Decision struct {
	OrderID  string         `json:"orderId"`
	Need     Capability     `json:"need"`
	Delivery o2o.RegionCode `json:"delivery"`
	// Also are the capabilities the order needs besides Need (an order of
	// construction and goods needs delivery too); the chosen party can do
	// every one. Empty when the order needs one capability.
	Also []Capability `json:"also,omitempty"`
	// Serve is the chosen store, reformed dealer, or lead-holding agent.
	Serve PartyRef `json:"serve"`
	// Store is, when an agent serves, the store it is attached to.
	Store string `json:"store,omitempty"`
	// Agents are the chosen store's agents able to do the work, sorted by id.
	Agents []string `json:"agents,omitempty"`
	// Covers and Level are the chosen party's region containing the delivery.
	Covers     o2o.RegionCode  `json:"covers"`
	Level      o2o.RegionLevel `json:"level"`
	Rule       Rule            `json:"rule"`
	Reason     string          `json:"reason"`
	PassedOver []PassedOver    `json:"passedOver"`
}

// Route picks who serves an order needing a capability, by the order's
// delivery region: the store or reformed dealer covering the township, else
// the county, else the city, else the province, among those able to do it.
//
// Ties (several capable candidates covering the same closest region) follow
// the network's tie rule: TiePreferStore takes a store before a reformed
// dealer, then the lower priority number, then the smaller id; TieRefuse
// assigns no one and returns a *RouteError wrapping ErrTie. The result does
// not depend on the order in which the config listed the candidates.
//
// Routing looks candidates up by region (the delivery region and its
// ancestors), never by scanning the network. Route ignores leads; see
// RouteWithLeads.
//
// Route reads only the order's id and delivery region, and checks only
// those: it is a hot path, and the rest of the order (lines, channel,
// placement) does not bear on who serves. CheckOrder validates the whole
// order once and routes on the same path. Errors: a missing delivery region
// or an unknown capability wraps o2o.ErrInvalid; no capable candidate is a
// *RouteError wrapping ErrNoRoute.
func (n *Network) Route(order o2o.Order, need Capability) (Decision, error) {
	if err := checkRouteInput(order, need, false); err != nil {
		return Decision{}, err
	}
	return n.route(order, need)
}

// RouteWithLeads is Route where a protected lead counts: when the customer
// is held by a store or agent at the order's instant, the holder serves and
// routing only checks that it can (its store covers the delivery region and
// can do the work; an agent does on-site work only as a service
// specialist). A holder that cannot is a *RouteError wrapping
// ErrLeadHolderCannotServe — the customer is never passed silently to
// another party. Without a held lead it routes as Route does.
//
// Besides what Route checks, it needs the order's customer id and instant.
// A registry decoded with encoding/json, or built by another network, is
// first checked against this network and takes its window.
func (n *Network) RouteWithLeads(order o2o.Order, need Capability, leads Leads) (Decision, error) {
	return n.RouteNeeding(order, []Capability{need}, leads)
}

// RouteNeeding is RouteWithLeads for an order that needs several
// capabilities at once (construction and delivery of goods, say): the party
// chosen, by the same rules, is one able to do every one of them, and a lead
// holder serves only when it can do them all. needs[0] is the Decision's
// Need and the rest its Also; a capability listed twice counts once. No
// needs at all is an error wrapping o2o.ErrInvalid, as is an unknown
// capability.
func (n *Network) RouteNeeding(order o2o.Order, needs []Capability, leads Leads) (Decision, error) {
	if len(needs) == 0 {
		return Decision{}, fmt.Errorf("route %q: %w", order.ID, o2o.Invalid("needs", "name at least one capability"))
	}
	for _, c := range needs[1:] {
		if !c.Valid() {
			return Decision{}, &o2o.EnumError{Enum: "capability", Value: string(c)}
		}
	}
	if err := checkRouteInput(order, needs[0], true); err != nil {
		return Decision{}, err
	}
	leads, err := n.bind(leads)
	if err != nil {
		return Decision{}, fmt.Errorf("route %q: %w", order.ID, o2o.Prefix("leads", err))
	}
	return n.routeWithLeads(order, needOf(needs[0], needs[1:]), leads)
}

// need is what an order needs of the party serving it: a capability, and
// possibly more besides it.
type need struct {
	cap  Capability
	also []Capability
	set  capSet
}

// needOf returns the need of c and also, dropping repeats.
func needOf(c Capability, also []Capability) need {
	nd := need{cap: c, set: capSet(0).with(c)}
	for _, a := range also {
		if !nd.set.has(a) {
			nd.set = nd.set.with(a)
			nd.also = append(nd.also, a)
		}
	}
	return nd
}

// String returns "construction", or "construction and delivery".
func (nd need) String() string {
	if len(nd.also) == 0 {
		return string(nd.cap)
	}
	s := string(nd.cap)
	for i, a := range nd.also {
		if i == len(nd.also)-1 {
			s += " and " + string(a)
		} else {
			s += ", " + string(a)
		}
	}
	return s
}

// onSite reports whether any capability needed is on-site work.
func (nd need) onSite() bool {
	if nd.cap.OnSite() {
		return true
	}
	for _, a := range nd.also {
		if a.OnSite() {
			return true
		}
	}
	return false
}

// onSiteCap returns the first on-site capability needed.
func (nd need) onSiteCap() Capability {
	for _, c := range append([]Capability{nd.cap}, nd.also...) {
		if c.OnSite() {
			return c
		}
	}
	return nd.cap
}

func (n *Network) routeWithLeads(order o2o.Order, nd need, leads Leads) (Decision, error) {
	lead, ok := leads.Holder(order.Customer.ID, order.At)
	if !ok {
		return n.routeNeed(order, nd)
	}
	d := Decision{OrderID: order.ID, Need: nd.cap, Also: nd.also, Delivery: order.Delivery, Serve: lead.Party, Rule: RuleRouteLead, PassedOver: []PassedOver{}}
	covers, why := n.canServe(lead.Party, order.Delivery, nd)
	if why != "" {
		return Decision{}, &RouteError{Err: ErrLeadHolderCannotServe, OrderID: order.ID, Delivery: order.Delivery, Need: nd.cap, Also: nd.also,
			PassedOver: []PassedOver{{Party: lead.Party, Reason: fmt.Sprintf("holds the protected lead on customer %q since %s but %s", lead.Customer, lead.At.In(n.loc).Format("2006-01-02 15:04"), why)}}}
	}
	d.Covers, d.Level = covers, covers.Level()
	if lead.Party.Kind == o2o.PartyAgent {
		d.Store = n.agents[lead.Party.ID].cfg.StoreID
	} else {
		d.Agents = n.agentsFor(n.byRef[lead.Party], nd)
	}
	d.Reason = fmt.Sprintf("%s holds the protected lead on customer %q (registered %s, protected %d days) and can do %s in %s",
		lead.Party, lead.Customer, lead.At.In(n.loc).Format("2006-01-02 15:04"), n.protectionDays, nd, order.Delivery)
	return d, nil
}

// checkRouteInput checks what routing reads: the delivery region and the
// capability, and with leads the customer and the instant.
func checkRouteInput(order o2o.Order, need Capability, leads bool) error {
	switch {
	case order.Delivery.IsZero():
		return fmt.Errorf("route %q: %w", order.ID, o2o.Invalid("delivery", "is required"))
	case leads && order.Customer.ID == "":
		return fmt.Errorf("route %q: %w", order.ID, o2o.Invalid("customer.id", "is required"))
	case leads && order.At.IsZero():
		return fmt.Errorf("route %q: %w", order.ID, o2o.Invalid("at", "is required"))
	}
	if !need.Valid() {
		return &o2o.EnumError{Enum: "capability", Value: string(need)}
	}
	return nil
}

func (n *Network) route(order o2o.Order, c Capability) (Decision, error) {
	return n.routeNeed(order, needOf(c, nil))
}

func (n *Network) routeNeed(order o2o.Order, need need) (Decision, error) {
	d := Decision{OrderID: order.ID, Need: need.cap, Also: need.also, Delivery: order.Delivery, PassedOver: []PassedOver{}}
	chosen := -1
	var tied []int
	var buf [4]o2o.RegionCode
	for _, r := range chain(order.Delivery, &buf) {
		idx := n.byCover[r]
		if chosen >= 0 {
			for _, i := range idx {
				d.PassedOver = append(d.PassedOver, PassedOver{Party: n.points[i].ref, Covers: r, Level: r.Level(),
					Reason: fmt.Sprintf("covers only the %s %s; %s covers the closer %s %s", r.Level(), r, d.Serve, d.Level, d.Covers)})
			}
			continue
		}
		var capable []int
		for _, i := range idx {
			if n.points[i].caps&need.set == need.set {
				capable = append(capable, i)
				continue
			}
			d.PassedOver = append(d.PassedOver, PassedOver{Party: n.points[i].ref, Covers: r, Level: r.Level(),
				Reason: fmt.Sprintf("covers the %s %s but cannot do %s", r.Level(), r, need)})
		}
		if len(capable) == 0 {
			continue
		}
		if len(capable) > 1 && n.ties == TieRefuse {
			refs := make([]PartyRef, len(capable))
			for k, i := range capable {
				refs[k] = n.points[i].ref
			}
			return Decision{}, &RouteError{Err: ErrTie, OrderID: order.ID, Delivery: order.Delivery, Need: need.cap, Also: need.also, Tied: refs, PassedOver: d.PassedOver}
		}
		chosen, tied = capable[0], capable[1:]
		p := &n.points[chosen]
		d.Serve, d.Covers, d.Level = p.ref, r, r.Level()
		d.Agents = n.agentsFor(chosen, need)
		for _, i := range tied {
			d.PassedOver = append(d.PassedOver, PassedOver{Party: n.points[i].ref, Covers: r, Level: r.Level(),
				Reason: fmt.Sprintf("tied with %s on the %s %s; the tie rule (%s) prefers %s", p.ref, r.Level(), r, n.ties, tieWhy(p, &n.points[i]))})
		}
	}
	if chosen < 0 {
		return Decision{}, &RouteError{Err: ErrNoRoute, OrderID: order.ID, Delivery: order.Delivery, Need: need.cap, Also: need.also, PassedOver: d.PassedOver}
	}
	d.Rule = RuleRouteClosest
	if len(tied) > 0 {
		d.Rule = RuleRouteTie
	}
	d.Reason = fmt.Sprintf("%s covers the %s %s, the closest level to %s with a candidate able to do %s", d.Serve, d.Level, d.Covers, order.Delivery, need)
	return d, nil
}

// tieWhy says why a beat b under TiePreferStore.
func tieWhy(a, b *point) string {
	switch {
	case a.store != b.store:
		return "a directly operated store over a reformed dealer"
	case a.priority != b.priority:
		return fmt.Sprintf("priority %d over %d", a.priority, b.priority)
	}
	return fmt.Sprintf("the smaller id %q", a.ref.ID)
}

// agentsFor returns the ids of the agents of point i able to do need.
func (n *Network) agentsFor(i int, need need) []string {
	if !n.points[i].store {
		return nil
	}
	var out []string
	for _, a := range n.storeAgents[i] {
		if !need.onSite() || a.Role == RoleService {
			out = append(out, a.ID)
		}
	}
	return out
}

// canServe checks that a party can serve a delivery region needing a
// capability. It returns the party's covering region, or why it cannot.
func (n *Network) canServe(p PartyRef, delivery o2o.RegionCode, need need) (o2o.RegionCode, string) {
	var pi int
	switch p.Kind {
	case o2o.PartyAgent:
		a, ok := n.agents[p.ID]
		if !ok {
			return o2o.RegionCode{}, "is not an agent of the network"
		}
		if need.onSite() && a.cfg.Role != RoleService {
			return o2o.RegionCode{}, fmt.Sprintf("is a %s agent, and only a service specialist (施工服务专员) does %s", a.cfg.Role, need.onSiteCap())
		}
		pi = a.store
	default:
		i, ok := n.byRef[p]
		if !ok {
			return o2o.RegionCode{}, "is not a service point of the network"
		}
		pi = i
	}
	pt := &n.points[pi]
	if pt.caps&need.set != need.set {
		return o2o.RegionCode{}, fmt.Sprintf("%s cannot do %s", pt.ref, need)
	}
	if r, ok := pt.covering(delivery); ok {
		return r, ""
	}
	return o2o.RegionCode{}, fmt.Sprintf("%s does not cover %s", pt.ref, delivery)
}

// chain returns the region and its ancestors, nearest first, in buf.
func chain(r o2o.RegionCode, buf *[4]o2o.RegionCode) []o2o.RegionCode {
	out := buf[:0]
	for ok := !r.IsZero(); ok && len(out) < len(buf); r, ok = r.Parent() {
		out = append(out, r)
	}
	return out
}
