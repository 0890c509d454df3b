package channel

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

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

// MaxLeadAhead is how far a registration's instant may lie after the
// instant the caller says it was received. The SDK has no clock, so
// Register, RegisterAll and ParseLeads take that instant from the caller
// (when the registration arrived, or when the registry is loaded); a
// registration dated later than it by more than MaxLeadAhead would claim
// the customer from the future — and, since older registrations are refused
// as out of order, block every honest registration until then — so it is
// refused with ErrFutureLead. The margin allows for clocks a little apart.
const MaxLeadAhead = 15 * time.Minute

// Leads is a lead registry: who holds which customer, and the conflicting
// claims seen, with its protection window. It is an immutable value:
// Register returns a new Leads and leaves the receiver unchanged, so the
// caller keeps the registry and passes it back; instants are always passed
// in. Get an empty one from Network.Leads. A registration costs time
// logarithmic in the registry's size: the new value shares everything but
// the changed path with the old one, which stays valid.
//
// A registry made by Network.Leads, RegisterAll or ParseLeads is bound to its
// network's parties and window. One decoded with encoding/json (inside Facts,
// say) is unbound: it answers Holder with the window it was saved with, and
// CheckOrder and RouteWithLeads check it against their network on each call
// (decode it with Network.ParseLeads to check it once). The zero Leads holds
// nothing and refuses registrations. Leads is safe for concurrent use.
type Leads struct {
	net       *Network
	days      int       // protection window in +08:00 calendar days
	held      *leadTree // customer → latest holding (possibly expired)
	conflicts *claimList
}

// Leads returns an empty lead registry bound to the network's parties and
// protection window.
func (n *Network) Leads() Leads {
	return Leads{net: n, days: n.protectionDays}
}

// until returns the end of a lead's protection window: its instant plus the
// protection days in the +08:00 calendar.
func (l Leads) until(lead Lead) time.Time { return untilDays(lead.At, l.days) }

func untilDays(at time.Time, days int) time.Time {
	return at.In(o2o.China()).AddDate(0, 0, days)
}

// ProtectionDays returns the registry's protection window in +08:00
// calendar days (0 for the zero Leads).
func (l Leads) ProtectionDays() int { return l.days }

// IsZero reports whether the registry holds no lead and recorded no
// conflict. Facts leaves such a registry out of its JSON.
func (l Leads) IsZero() bool { return l.held == nil && l.conflicts == nil }

// Holder returns the lead holding the customer at the instant: registered at
// or before it, and not yet expired.
func (l Leads) Holder(customer string, at time.Time) (Lead, bool) {
	h, ok := l.held.get(customer)
	if !ok || at.Before(h.At) || !at.Before(l.until(h)) {
		return Lead{}, false
	}
	return h, true
}

// Conflicts returns the conflicting claims recorded, in registration order.
func (l Leads) Conflicts() []Claim { return l.conflicts.slice() }

// Len returns the number of customers with a registration (held or expired).
func (l Leads) Len() int { return l.held.len() }

// Register applies a registration received at the instant received and
// returns the new registry and the claim's outcome: the first valid
// registration holds the customer for the protection window; a repeat by
// the holder changes nothing; a claim by another party inside the window is
// a conflict, recorded, and the holder keeps the lead; after the window the
// customer is free and the new registration holds it.
//
// Errors leave the registry as it was: a registration without customer or
// instant, by a party that is not a store or agent of the network, without
// a received instant, or whose instant or protection window cannot be
// written as a date of years 0 to 9999 wraps o2o.ErrInvalid; one dated more
// than MaxLeadAhead after received wraps ErrFutureLead; one older than the
// customer's current holding wraps ErrOutOfOrder.
func (l Leads) Register(lead Lead, received time.Time) (Leads, Claim, error) {
	if l.net == nil {
		return l, Claim{}, o2o.Invalid("", "leads are not bound to a network; start from Network.Leads")
	}
	if err := l.net.checkLead(lead); err != nil {
		return l, Claim{}, err
	}
	if err := checkReceived(lead, received); err != nil {
		return l, Claim{}, err
	}
	if err := checkWindow(lead, l.days); err != nil {
		return l, Claim{}, err
	}
	h, has := l.held.get(lead.Customer)
	if has && lead.At.Before(h.At) {
		err := fmt.Errorf("lead on customer %q at %s is older than the holding by %s at %s: %w",
			lead.Customer, lead.At.Format(time.RFC3339), h.Party, h.At.Format(time.RFC3339), ErrOutOfOrder)
		if h.At.After(received.Add(MaxLeadAhead)) {
			err = fmt.Errorf("customer %q is held by %s from %s, after this registration was received at %s: no registration could have made that holding (the registry was not built by Register): %w",
				lead.Customer, h.Party, h.At.Format(time.RFC3339), received.Format(time.RFC3339), ErrOutOfOrder)
		}
		return l, Claim{}, err
	}
	if _, active := l.Holder(lead.Customer, lead.At); active {
		until := l.until(h)
		if h.Party == lead.Party {
			c := Claim{Lead: lead, Holder: h, Until: until, Outcome: OutcomeAlreadyHeld, Rule: RuleLeadFirst}
			c.Reason = fmt.Sprintf("%s already holds customer %q until %s; a repeat registration does not extend the window", h.Party, h.Customer, c.Until.Format(time.RFC3339))
			return l, c, nil
		}
		c := conflictClaim(lead, h, until)
		return Leads{net: l.net, days: l.days, held: l.held, conflicts: l.conflicts.push(c)}, c, nil
	}
	c := Claim{Lead: lead, Outcome: OutcomeHeld, Holder: lead, Until: l.until(lead), Rule: RuleLeadFirst}
	c.Reason = fmt.Sprintf("%s holds customer %q from %s until %s (%d days)", lead.Party, lead.Customer, lead.At.Format(time.RFC3339), c.Until.Format(time.RFC3339), l.days)
	if has {
		c.Reason += fmt.Sprintf("; the previous holding by %s expired", h.Party)
	}
	return Leads{net: l.net, days: l.days, held: l.held.put(lead), conflicts: l.conflicts}, c, nil
}

// conflictClaim is the claim Register records when lead claims a customer
// that h holds until the instant.
func conflictClaim(lead, h Lead, until time.Time) Claim {
	return Claim{Lead: lead, Outcome: OutcomeConflict, Holder: h, Until: until, Rule: RuleLeadConflict,
		Reason: fmt.Sprintf("%s claims customer %q, held by %s since %s until %s: the first valid registration holds",
			lead.Party, lead.Customer, h.Party, h.At.Format(time.RFC3339), until.Format(time.RFC3339))}
}

// checkLead checks a registration's shape and, with a network, that its
// party belongs to it.
func (n *Network) checkLead(lead Lead) error {
	switch {
	case lead.Customer == "":
		return o2o.Invalid("customer", "is required")
	case !utf8.ValidString(lead.Customer):
		return o2o.Invalidf("customer", "%q is not valid UTF-8", lead.Customer)
	case lead.At.IsZero():
		return o2o.Invalid("at", "is required")
	case !encodable(lead.At):
		return o2o.Invalidf("at", "%s cannot be written as a date of years 0 to 9999 in a zone of whole minutes", lead.At)
	case lead.Party.Kind != o2o.PartyStore && lead.Party.Kind != o2o.PartyAgent:
		return o2o.Invalidf("party.kind", "only stores and agents register leads, not %q", string(lead.Party.Kind))
	case lead.Party.ID == "":
		return o2o.Invalid("party.id", "is required")
	case !utf8.ValidString(lead.Party.ID):
		return o2o.Invalidf("party.id", "%q is not valid UTF-8", lead.Party.ID)
	case n != nil && !n.Has(lead.Party):
		return o2o.Invalidf("party.id", "%s is not in the network", lead.Party)
	}
	return nil
}

// checkReceived refuses a registration dated more than MaxLeadAhead after
// the instant it was received (or the registry loaded).
func checkReceived(lead Lead, received time.Time) error {
	if received.IsZero() {
		return o2o.Invalid("received", "is required: the instant the registration was received, to judge its own instant against")
	}
	if lead.At.After(received.Add(MaxLeadAhead)) {
		return fmt.Errorf("lead on customer %q by %s is dated %s, %s after it was received at %s (at most %s is allowed): %w",
			lead.Customer, lead.Party, lead.At.Format(time.RFC3339), lead.At.Sub(received).Round(time.Second), received.Format(time.RFC3339), MaxLeadAhead, ErrFutureLead)
	}
	return nil
}

// checkWindow refuses a registration whose protection window ends past
// what a date can be written as (year 9999).
func checkWindow(lead Lead, days int) error {
	if u := untilDays(lead.At, days); !encodable(u) {
		return o2o.Invalidf("at", "%s plus the %d-day protection window ends past year 9999", lead.At.Format(time.RFC3339), days)
	}
	return nil
}

// encodable reports whether t can be written as JSON and read back as the
// same instant (RFC 3339: years 0 to 9999, a zone offset of whole minutes
// under 24 hours).
func encodable(t time.Time) bool {
	if _, off := t.Zone(); off%60 != 0 {
		return false
	}
	_, err := t.MarshalJSON()
	return err == nil
}

// RegisterAll applies registrations in time order (ties keep the given
// order) to an empty registry and returns it with every claim's outcome, in
// the order applied. It is how a registry is rebuilt from stored
// registrations; received is when the rebuild happens, and every
// registration is judged against it as Register judges one. Errors are
// those of Register, prefixed with the position.
func (n *Network) RegisterAll(leads []Lead, received time.Time) (Leads, []Claim, error) {
	order := make([]int, len(leads))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return leads[a].At.Compare(leads[b].At) })
	reg := n.Leads()
	claims := make([]Claim, 0, len(leads))
	for _, i := range order {
		next, c, err := reg.Register(leads[i], received)
		if err != nil {
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
	held := make([]Lead, 0, l.held.len())
	l.held.walk(func(h Lead) bool { held = append(held, h); return true })
	return json.Marshal(leadsJSON{ProtectionDays: l.days, Held: held, Conflicts: l.conflicts.slice()})
}

// UnmarshalJSON decodes a registry strictly into an unbound Leads, checking
// it as ParseLeads does (see there) except for its parties and the future
// (it has no network and no instant). Errors wrap o2o.ErrInvalid.
func (l *Leads) UnmarshalJSON(data []byte) error {
	var raw leadsJSON
	if err := o2o.DecodeJSON(data, &raw); err != nil {
		return err
	}
	got, err := raw.build(nil, time.Time{})
	if err != nil {
		return err
	}
	*l = got
	return nil
}

// ParseLeads rebuilds a registry from its JSON form and binds it to the
// network, checking that it is a registry Register could have produced:
//   - every registration has a customer, an instant whose protection
//     window ends by year 9999, and a store or agent of the network;
//   - one holding per customer, and a window of 1 to 3660 days when
//     anything is held;
//   - no holding or claim dated more than MaxLeadAhead after at, the
//     instant the registry is loaded (ErrFutureLead);
//   - every conflict is exactly the claim Register records: outcome
//     conflict, rule RuleLeadConflict, the claimant and the holder on the
//     same customer and different parties, the claim inside the holder's
//     window (until is the holder's instant plus the saved window), the
//     reason Register writes, and a holder that is the customer's current
//     holding or one that expired before it; per customer, conflicts come
//     in the order of their holders.
//
// The network's protection window replaces the saved one. Unknown fields
// are refused. Errors wrap o2o.ErrInvalid.
func (n *Network) ParseLeads(data []byte, at time.Time) (Leads, error) {
	if at.IsZero() {
		return Leads{}, o2o.Invalid("", "an instant is required to load a lead registry at")
	}
	var raw leadsJSON
	if err := o2o.DecodeJSON(data, &raw); err != nil {
		return Leads{}, err
	}
	return raw.build(n, at)
}

// build checks the decoded registry, against the network when there is one
// and against the load instant when it is not zero.
func (raw leadsJSON) build(n *Network, at time.Time) (Leads, error) {
	if err := checkSetting("protectionDays", raw.ProtectionDays); err != nil {
		return Leads{}, err
	}
	saved := raw.ProtectionDays
	l := Leads{net: n, days: saved}
	if n != nil {
		l.days = n.protectionDays
		if saved == 0 {
			saved = n.protectionDays
		}
	} else if saved == 0 && (len(raw.Held) > 0 || len(raw.Conflicts) > 0) {
		return Leads{}, o2o.Invalid("protectionDays", "is required when leads are held")
	}
	check := func(path string, lead Lead) error {
		if err := n.checkLead(lead); err != nil {
			return o2o.Prefix(path, err)
		}
		for _, days := range []int{saved, l.days} {
			if err := checkWindow(lead, days); err != nil {
				return o2o.Prefix(path, err)
			}
		}
		if !at.IsZero() {
			if err := checkReceived(lead, at); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		return nil
	}
	for i, h := range raw.Held {
		path := fmt.Sprintf("held[%d]", i)
		if err := check(path, h); err != nil {
			return Leads{}, err
		}
		if _, dup := l.held.get(h.Customer); dup {
			return Leads{}, o2o.InvalidAs(o2o.ErrDuplicate, path+".customer", fmt.Sprintf("repeats customer %q", h.Customer))
		}
		l.held = l.held.put(h)
	}
	lastHolder := make(map[string]time.Time) // customer → holder instant of its latest conflict
	for i, c := range raw.Conflicts {
		path := fmt.Sprintf("conflicts[%d]", i)
		if err := check(path+".lead", c.Lead); err != nil {
			return Leads{}, err
		}
		if err := check(path+".holder", c.Holder); err != nil {
			return Leads{}, err
		}
		if err := checkConflict(path, c, saved, l.held, lastHolder); err != nil {
			return Leads{}, err
		}
		lastHolder[c.Lead.Customer] = c.Holder.At
		l.conflicts = l.conflicts.push(c)
	}
	return l, nil
}

// checkConflict checks that a decoded conflict is exactly the claim
// Register would have recorded, consistent with the holdings and with the
// conflicts before it.
func checkConflict(path string, c Claim, days int, held *leadTree, lastHolder map[string]time.Time) error {
	bad := func(field, format string, args ...any) error {
		return o2o.Invalidf(path+field, format, args...)
	}
	switch {
	case c.Outcome != OutcomeConflict:
		return bad(".outcome", "must be %q, got %q", OutcomeConflict, string(c.Outcome))
	case c.Rule != RuleLeadConflict:
		return bad(".rule", "must be %q, got %q", RuleLeadConflict, string(c.Rule))
	case c.Holder.Customer != c.Lead.Customer:
		return bad(".holder.customer", "is %q, but the claim is on customer %q", c.Holder.Customer, c.Lead.Customer)
	case c.Holder.Party == c.Lead.Party:
		return bad(".lead.party", "is the holder %s itself; a repeat by the holder is not a conflict", c.Holder.Party)
	case c.Lead.At.Before(c.Holder.At):
		return bad(".lead.at", "%s is before the holder's registration at %s", c.Lead.At.Format(time.RFC3339), c.Holder.At.Format(time.RFC3339))
	}
	until := untilDays(c.Holder.At, days)
	switch {
	case !c.Until.Equal(until):
		return bad(".until", "must be the end of the holder's %d-day window, %s, got %s", days, until.Format(time.RFC3339), c.Until.Format(time.RFC3339))
	case !c.Lead.At.Before(until):
		return bad(".lead.at", "%s is after the holder's window ended at %s: the claim would have held the customer, not conflicted", c.Lead.At.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	if want := conflictClaim(c.Lead, c.Holder, until).Reason; c.Reason != want {
		return bad(".reason", "is not the reason the registry records: want %q", want)
	}
	h, ok := held.get(c.Lead.Customer)
	switch {
	case !ok:
		return bad(".lead.customer", "customer %q is held by no one in the registry", c.Lead.Customer)
	case h.Party == c.Holder.Party && h.At.Equal(c.Holder.At):
	case h.At.Before(until):
		return bad(".holder", "%s at %s is not the customer's holding (%s at %s), nor one that expired before it", c.Holder.Party, c.Holder.At.Format(time.RFC3339), h.Party, h.At.Format(time.RFC3339))
	}
	if last, ok := lastHolder[c.Lead.Customer]; ok && c.Holder.At.Before(last) {
		return bad(".holder.at", "%s is before the holder of an earlier conflict on customer %q (%s)", c.Holder.At.Format(time.RFC3339), c.Lead.Customer, last.Format(time.RFC3339))
	}
	return nil
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
	var err error
	i := 0
	l.held.walk(func(h Lead) bool {
		if e := n.checkLead(h); e != nil {
			err = o2o.Prefix(fmt.Sprintf("held[%d]", i), e)
			return false
		}
		i++
		return true
	})
	if err != nil {
		return Leads{}, err
	}
	for i, c := range l.conflicts.slice() {
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
