package channel

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// The lead-protection rules.
const (
	// RuleLeadFirst: the first valid registration holds the customer for the
	// protection window.
	RuleLeadFirst Rule = "lead.first_registration"
	// RuleLeadConflict: a later claim on a customer already held by another
	// party inside the window is a conflict; the holder keeps the lead.
	RuleLeadConflict Rule = "lead.claim_conflict"
)

// Outcome is what a lead registration did.
type Outcome string

// The registration outcomes.
const (
	// OutcomeHeld: the registration now holds the customer (no lead was
	// held, or the previous one had expired).
	OutcomeHeld Outcome = "held"
	// OutcomeAlreadyHeld: the same party already holds the customer; nothing
	// changes (a repeat registration does not extend the window).
	OutcomeAlreadyHeld Outcome = "already_held"
	// OutcomeConflict: another party holds the customer inside its window;
	// the claim is recorded as a conflict and the holder keeps the lead.
	OutcomeConflict Outcome = "conflict"
)

// Lead is a registration of a customer by a store or an agent at an instant.
type Lead struct {
	Customer string    `json:"customer"`
	Party    PartyRef  `json:"party"`
	At       time.Time `json:"at"`
}

// Claim is the outcome of one registration: the registration, what it did,
// the lead that holds the customer afterwards and until when, and why.
type Claim struct {
	Lead    Lead      `json:"lead"`
	Outcome Outcome   `json:"outcome"`
	Holder  Lead      `json:"holder"`
	Until   time.Time `json:"until"`
	Rule    Rule      `json:"rule"`
	Reason  string    `json:"reason"`
}

// Leads is a lead registry: who holds which customer, and the conflicting
// claims seen, with its protection window. It is an immutable value:
// Register returns a new Leads and leaves the receiver unchanged, so the
// caller keeps the registry and passes it back; instants are always passed
// in. Get an empty one from Network.Leads.
//
// A registry made by Network.Leads, RegisterAll or ParseLeads is bound to its
// network's parties and window. One decoded with encoding/json (inside Facts,
// say) is unbound: it answers Holder with the window it was saved with, and
// CheckOrder and RouteWithLeads check it against their network on each call
// (decode it with Network.ParseLeads to check it once). The zero Leads holds
// nothing and refuses registrations. Leads is safe for concurrent use.
type Leads struct {
	net       *Network
	days      int             // protection window in +08:00 calendar days
	held      map[string]Lead // customer → latest holding (possibly expired)
	conflicts []Claim
}

// Leads returns an empty lead registry bound to the network's parties and
// protection window.
func (n *Network) Leads() Leads {
	return Leads{net: n, days: n.protectionDays, held: map[string]Lead{}}
}

// until returns the end of a lead's protection window: its instant plus the
// protection days in the +08:00 calendar.
func (l Leads) until(lead Lead) time.Time {
	return lead.At.In(o2o.China()).AddDate(0, 0, l.days)
}

// ProtectionDays returns the registry's protection window in +08:00
// calendar days (0 for the zero Leads).
func (l Leads) ProtectionDays() int { return l.days }

// IsZero reports whether the registry holds no lead and recorded no
// conflict. Facts leaves such a registry out of its JSON.
func (l Leads) IsZero() bool { return len(l.held) == 0 && len(l.conflicts) == 0 }

// Holder returns the lead holding the customer at the instant: registered at
// or before it, and not yet expired.
func (l Leads) Holder(customer string, at time.Time) (Lead, bool) {
	h, ok := l.held[customer]
	if !ok || at.Before(h.At) || !at.Before(l.until(h)) {
		return Lead{}, false
	}
	return h, true
}

// Conflicts returns the conflicting claims recorded, in registration order.
func (l Leads) Conflicts() []Claim { return slices.Clone(l.conflicts) }

// Len returns the number of customers with a registration (held or expired).
func (l Leads) Len() int { return len(l.held) }

// Register applies a registration and returns the new registry and the
// claim's outcome: the first valid registration holds the customer for the
// protection window; a repeat by the holder changes nothing; a claim by
// another party inside the window is a conflict, recorded, and the holder
// keeps the lead; after the window the customer is free and the new
// registration holds it.
//
// Errors leave the registry as it was: a registration without customer or
// instant, or by a party that is not a store or agent of the network, wraps
// o2o.ErrInvalid; one older than the customer's current holding wraps
// ErrOutOfOrder.
func (l Leads) Register(lead Lead) (Leads, Claim, error) {
	if l.net == nil {
		return l, Claim{}, o2o.Invalid("", "leads are not bound to a network; start from Network.Leads")
	}
	if err := l.net.checkLead(lead); err != nil {
		return l, Claim{}, err
	}
	h, has := l.held[lead.Customer]
	if has && lead.At.Before(h.At) {
		return l, Claim{}, fmt.Errorf("lead on customer %q at %s is older than the holding by %s at %s: %w",
			lead.Customer, lead.At.Format(time.RFC3339), h.Party, h.At.Format(time.RFC3339), ErrOutOfOrder)
	}
	if _, active := l.Holder(lead.Customer, lead.At); active {
		c := Claim{Lead: lead, Holder: h, Until: l.until(h)}
		if h.Party == lead.Party {
			c.Outcome, c.Rule = OutcomeAlreadyHeld, RuleLeadFirst
			c.Reason = fmt.Sprintf("%s already holds customer %q until %s; a repeat registration does not extend the window", h.Party, h.Customer, c.Until.Format(time.RFC3339))
			return l, c, nil
		}
		c.Outcome, c.Rule = OutcomeConflict, RuleLeadConflict
		c.Reason = fmt.Sprintf("%s claims customer %q, held by %s since %s until %s: the first valid registration holds", lead.Party, lead.Customer, h.Party, h.At.Format(time.RFC3339), c.Until.Format(time.RFC3339))
		next := Leads{net: l.net, days: l.days, held: l.held, conflicts: append(slices.Clone(l.conflicts), c)}
		return next, c, nil
	}
	c := Claim{Lead: lead, Outcome: OutcomeHeld, Holder: lead, Until: l.until(lead), Rule: RuleLeadFirst}
	c.Reason = fmt.Sprintf("%s holds customer %q from %s until %s (%d days)", lead.Party, lead.Customer, lead.At.Format(time.RFC3339), c.Until.Format(time.RFC3339), l.days)
	if has {
		c.Reason += fmt.Sprintf("; the previous holding by %s expired", h.Party)
	}
	held := maps.Clone(l.held)
	held[lead.Customer] = lead
	return Leads{net: l.net, days: l.days, held: held, conflicts: l.conflicts}, c, nil
}

// checkLead checks a registration's shape and, with a network, that its
// party belongs to it.
func (n *Network) checkLead(lead Lead) error {
	switch {
	case lead.Customer == "":
		return o2o.Invalid("customer", "is required")
	case lead.At.IsZero():
		return o2o.Invalid("at", "is required")
	case lead.Party.Kind != o2o.PartyStore && lead.Party.Kind != o2o.PartyAgent:
		return o2o.Invalidf("party.kind", "only stores and agents register leads, not %q", string(lead.Party.Kind))
	case lead.Party.ID == "":
		return o2o.Invalid("party.id", "is required")
	case n != nil && !n.Has(lead.Party):
		return o2o.Invalidf("party.id", "%s is not in the network", lead.Party)
	}
	return nil
}

// RegisterAll applies registrations in time order (ties keep the given
// order) to an empty registry and returns it with every claim's outcome, in
// the order applied. It is how a registry is rebuilt from stored
// registrations. Errors are those of Register, prefixed with the position.
func (n *Network) RegisterAll(leads []Lead) (Leads, []Claim, error) {
	sorted := slices.Clone(leads)
	slices.SortStableFunc(sorted, func(a, b Lead) int { return a.At.Compare(b.At) })
	reg := n.Leads()
	claims := make([]Claim, 0, len(sorted))
	for _, lead := range sorted {
		next, c, err := reg.Register(lead)
		if err != nil {
			i := slices.IndexFunc(leads, func(l Lead) bool { return l == lead })
			return n.Leads(), nil, o2o.Prefix(fmt.Sprintf("[%d]", i), err)
		}
		reg = next
		claims = append(claims, c)
	}
	return reg, claims, nil
}

// leadsJSON is the registry's JSON shape.
type leadsJSON struct {
	ProtectionDays int     `json:"protectionDays"`
	Held           []Lead  `json:"held"`
	Conflicts      []Claim `json:"conflicts"`
}

// MarshalJSON writes {"protectionDays":30,"held":[…],"conflicts":[…]},
// holdings sorted by customer.
func (l Leads) MarshalJSON() ([]byte, error) {
	held := slices.Collect(maps.Values(l.held))
	slices.SortFunc(held, func(a, b Lead) int { return cmp.Compare(a.Customer, b.Customer) })
	if held == nil {
		held = []Lead{}
	}
	conflicts := l.conflicts
	if conflicts == nil {
		conflicts = []Claim{}
	}
	return json.Marshal(leadsJSON{ProtectionDays: l.days, Held: held, Conflicts: conflicts})
}

// UnmarshalJSON decodes a registry strictly into an unbound Leads, checking
// its shape (customer, instant and a store or agent on every registration,
// one holding per customer, a window of 1 to 3660 days when anything is
// held) but not its parties. Errors wrap o2o.ErrInvalid.
func (l *Leads) UnmarshalJSON(data []byte) error {
	var raw leadsJSON
	if err := o2o.DecodeJSON(data, &raw); err != nil {
		return err
	}
	got, err := raw.build(nil)
	if err != nil {
		return err
	}
	*l = got
	return nil
}

// ParseLeads rebuilds a registry from its JSON form and binds it to the
// network: every registration is checked as UnmarshalJSON does, and its
// party must be a store or agent of the network. The network's protection
// window replaces the saved one. Unknown fields are refused. Errors wrap
// o2o.ErrInvalid.
func (n *Network) ParseLeads(data []byte) (Leads, error) {
	var raw leadsJSON
	if err := o2o.DecodeJSON(data, &raw); err != nil {
		return Leads{}, err
	}
	return raw.build(n)
}

// build checks the decoded registry, against the network when there is one.
func (raw leadsJSON) build(n *Network) (Leads, error) {
	if err := checkSetting("protectionDays", raw.ProtectionDays); err != nil {
		return Leads{}, err
	}
	l := Leads{net: n, days: raw.ProtectionDays, held: make(map[string]Lead, len(raw.Held))}
	if n != nil {
		l.days = n.protectionDays
	} else if l.days == 0 && (len(raw.Held) > 0 || len(raw.Conflicts) > 0) {
		return Leads{}, o2o.Invalid("protectionDays", "is required when leads are held")
	}
	for i, h := range raw.Held {
		if err := n.checkLead(h); err != nil {
			return Leads{}, o2o.Prefix(fmt.Sprintf("held[%d]", i), err)
		}
		if _, dup := l.held[h.Customer]; dup {
			return Leads{}, o2o.InvalidAs(o2o.ErrDuplicate, fmt.Sprintf("held[%d].customer", i), fmt.Sprintf("repeats customer %q", h.Customer))
		}
		l.held[h.Customer] = h
	}
	for i, c := range raw.Conflicts {
		path := fmt.Sprintf("conflicts[%d]", i)
		if err := n.checkLead(c.Lead); err != nil {
			return Leads{}, o2o.Prefix(path+".lead", err)
		}
		if err := n.checkLead(c.Holder); err != nil {
			return Leads{}, o2o.Prefix(path+".holder", err)
		}
		if c.Outcome != OutcomeConflict {
			return Leads{}, o2o.Invalidf(path+".outcome", "must be %q, got %q", OutcomeConflict, string(c.Outcome))
		}
	}
	if len(raw.Conflicts) > 0 {
		l.conflicts = raw.Conflicts
	}
	return l, nil
}

// bind returns the registry bound to the network: as it is when already
// bound to n, else checked against n's parties and given n's window.
// Errors wrap o2o.ErrInvalid.
func (n *Network) bind(l Leads) (Leads, error) {
	if l.net == n {
		return l, nil
	}
	if l.IsZero() {
		return n.Leads(), nil
	}
	// Paths index the registry's JSON form: holdings sorted by customer.
	for i, c := range slices.Sorted(maps.Keys(l.held)) {
		if err := n.checkLead(l.held[c]); err != nil {
			return Leads{}, o2o.Prefix(fmt.Sprintf("held[%d]", i), err)
		}
	}
	for i, c := range l.conflicts {
		for _, side := range []struct {
			name string
			lead Lead
		}{{"lead", c.Lead}, {"holder", c.Holder}} {
			if err := n.checkLead(side.lead); err != nil {
				return Leads{}, o2o.Prefix(fmt.Sprintf("conflicts[%d].%s", i, side.name), err)
			}
		}
	}
	return Leads{net: n, days: n.protectionDays, held: l.held, conflicts: l.conflicts}, nil
}
