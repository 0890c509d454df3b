package settlement

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// Role names who receives a leg of a split.
type Role string

// The split roles.
const (
	// RoleManufacturer is headquarters: the manufacturer's sale revenue.
	RoleManufacturer Role = "manufacturer"
	// RoleServing is the store, agent or reformed dealer serving the order:
	// its commission.
	RoleServing Role = "serving"
	// RoleRegionStore is the offline store of the customer's region, credited
	// by a transfer payment when the sale was made online (线上反哺线下).
	RoleRegionStore Role = "region_store"
	// RoleDealer is the fused dealer whose territory the sale went into: its
	// cross-compensation (交叉补偿).
	RoleDealer Role = "dealer"
)

// Roles returns every role in a fixed order.
func Roles() []Role { return []Role{RoleManufacturer, RoleServing, RoleRegionStore, RoleDealer} }

// String returns the role's text form.
func (r Role) String() string { return string(r) }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return enum.Valid(r, Roles()...) }

// MarshalText returns the text form; it refuses an invalid role.
func (r Role) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, &o2o.EnumError{Enum: "split role", Value: string(r)}
	}
	return []byte(r), nil
}

// UnmarshalText accepts exactly one of the roles' text forms.
func (r *Role) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, Roles()...)
	if !ok {
		return &o2o.EnumError{Enum: "split role", Value: string(text)}
	}
	*r = v
	return nil
}

// Leg is one recipient's share of an order line: a percent of the line
// amount (optionally capped), a fixed amount, or — for the one remaining
// leg — whatever the other legs leave.
type Leg struct {
	Role Role `json:"role"`
	// Percent of the line amount, 0 to 100.
	Percent *o2o.Decimal `json:"percent,omitempty"`
	// Cap bounds a percent leg's amount; a whole number of minor units.
	Cap *o2o.Money `json:"cap,omitempty"`
	// Fixed is a fixed amount per line; a whole number of minor units.
	Fixed *o2o.Money `json:"fixed,omitempty"`
	// Remaining marks the leg that takes the rest (Formance's "remaining").
	Remaining bool `json:"remaining,omitempty"`
}

// Rule says how a line sold through Channel of product Line is split.
type Rule struct {
	Channel o2o.Channel `json:"channel"`
	// Line is the product line; empty matches any line without its own rule.
	Line o2o.Line `json:"line,omitempty"`
	Legs []Leg    `json:"legs"`
}

// SplitConfig is the JSON-friendly description of the split rules; Build
// validates it into a Splitter.
type SplitConfig struct {
	// Currency of every amount (default CNY).
	Currency o2o.Currency `json:"currency,omitempty"`
	// Manufacturer is headquarters' account, the manufacturer role's party.
	Manufacturer string `json:"manufacturer"`
	// Rules, at most one per channel and line.
	Rules []Rule `json:"rules"`
	// SameStore says what the store serving an online order gets when it is
	// also the store of the customer's region (Routing.RegionStore): both
	// its commission and the transfer payment (SameStoreBoth), or its
	// commission only (SameStoreCommissionOnly), the transfer payment's
	// share then falling to the rule's remaining leg. Empty means
	// SameStoreBoth. It applies to a serving store only: an agent serving
	// for the region store is another party, and the store keeps its
	// transfer payment.
	SameStore SameStoreRule `json:"sameStore,omitempty"`
}

// SameStoreRule says what a store that serves an online order and is also
// the store of the customer's region gets: the split's transfer payment
// (转移支付, online sales feeding the offline store) goes to the store of the
// customer's region and the commission to the serving store, and when both
// are one store the rule says whether it takes both.
type SameStoreRule string

// The same-store rules.
const (
	// SameStoreBoth pays the one store both its commission and the transfer
	// payment.
	SameStoreBoth SameStoreRule = "both"
	// SameStoreCommissionOnly pays the one store its commission only; the
	// transfer payment's share falls to the split rule's remaining leg.
	SameStoreCommissionOnly SameStoreRule = "commission_only"
)

// SameStoreRules returns every same-store rule in a fixed order.
func SameStoreRules() []SameStoreRule { return []SameStoreRule{SameStoreBoth, SameStoreCommissionOnly} }

// Valid reports whether r is one of the same-store rules.
func (r SameStoreRule) Valid() bool { return enum.Valid(r, SameStoreRules()...) }

// MarshalText returns the text form; it refuses an invalid rule.
func (r SameStoreRule) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, &o2o.EnumError{Enum: "same-store rule", Value: string(r)}
	}
	return []byte(r), nil
}

// UnmarshalText accepts exactly "both" or "commission_only".
func (r *SameStoreRule) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, SameStoreRules()...)
	if !ok {
		return &o2o.EnumError{Enum: "same-store rule", Value: string(text)}
	}
	*r = v
	return nil
}

// ParseSplitConfig decodes a SplitConfig strictly (unknown fields refused)
// and builds it.
func ParseSplitConfig(data []byte) (*Splitter, error) {
	var cfg SplitConfig
	if err := o2o.DecodeJSON(data, &cfg); err != nil {
		return nil, err
	}
	return cfg.Build()
}

// UnmarshalJSON decodes strictly: unknown fields and trailing data are refused.
func (c *SplitConfig) UnmarshalJSON(data []byte) error {
	type plain SplitConfig
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*c = SplitConfig(p)
	return nil
}

var hundred = decimal.New(100, 0)

// Build validates the config and returns an immutable Splitter. Errors are
// *o2o.ValidationError with JSON paths ("rules[1].legs[0].percent"):
// unknown channel, line or role; a role twice in a rule; a leg with none or
// two of percent, fixed and remaining; a percent outside 0..100; a cap or
// fixed amount that is negative, not whole or in another currency; two
// remaining legs; percents that over-allocate (above 100 with a remaining
// leg, anything but exactly 100 without one — a rule without a remaining leg
// may hold percent legs only); a positive fixed leg beside percents that
// make 100% (it could never be paid, so no line could be split); two rules
// for one channel and line (o2o.ErrDuplicate).
//
// Any other rule splits a line whose amount covers what its fixed and
// percent legs take (with every party present: F + A × P / 100 ≤ A for the
// fixed total F and the percents P); a smaller line is refused by Split.
func (c SplitConfig) Build() (*Splitter, error) {
	if !c.Currency.Valid() {
		return nil, o2o.Prefix("currency", fmt.Errorf("%w %q", o2o.ErrUnknownCurrency, string(c.Currency)))
	}
	currency := o2o.Currency(c.Currency.String())
	if c.Manufacturer == "" {
		return nil, o2o.Invalid("manufacturer", "is required")
	}
	if len(c.Rules) == 0 {
		return nil, o2o.Invalid("rules", "must have at least one rule")
	}
	if c.SameStore != "" && !c.SameStore.Valid() {
		return nil, o2o.Invalidf("sameStore", `must be "both" or "commission_only", got %q`, string(c.SameStore))
	}
	s := &Splitter{currency: currency, manufacturer: c.Manufacturer, rules: map[ruleKey]*compiledRule{}, commissionOnly: c.SameStore == SameStoreCommissionOnly}
	for i, r := range c.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		if err := checkRule(r, currency); err != nil {
			return nil, o2o.Prefix(path, err)
		}
		k := ruleKey{r.Channel, r.Line}
		if _, dup := s.rules[k]; dup {
			return nil, &o2o.ValidationError{Fields: []o2o.FieldError{{Path: path, Reason: fmt.Sprintf("repeats the rule for channel %q and line %q", r.Channel, r.Line)}}, Err: o2o.ErrDuplicate}
		}
		s.rules[k] = compile(cloneRule(r))
	}
	s.config = c.clone()
	s.config.Currency = currency
	return s, nil
}

func checkRule(r Rule, currency o2o.Currency) error {
	if !r.Channel.Valid() {
		return o2o.Invalidf("channel", "unknown channel %q", string(r.Channel))
	}
	if r.Line != "" && !r.Line.Valid() {
		return o2o.Invalidf("line", "unknown line %q", string(r.Line))
	}
	if len(r.Legs) == 0 {
		return o2o.Invalid("legs", "must have at least one leg")
	}
	seen := map[Role]bool{}
	remaining, fixedOrCapped, fixedPaid := 0, false, false
	total := decimal.Decimal{}
	for j, leg := range r.Legs {
		path := fmt.Sprintf("legs[%d]", j)
		if !leg.Role.Valid() {
			return o2o.Invalidf(path+".role", "unknown split role %q", string(leg.Role))
		}
		if seen[leg.Role] {
			return o2o.Invalidf(path+".role", "role %q appears twice in the rule", leg.Role)
		}
		seen[leg.Role] = true
		ways := 0
		for _, set := range []bool{leg.Percent != nil, leg.Fixed != nil, leg.Remaining} {
			if set {
				ways++
			}
		}
		if ways != 1 {
			return o2o.Invalid(path, "must have exactly one of percent, fixed and remaining")
		}
		if leg.Cap != nil && leg.Percent == nil {
			return o2o.Invalid(path+".cap", "only a percent leg has a cap")
		}
		switch {
		case leg.Remaining:
			remaining++
			if remaining > 1 {
				return o2o.Invalid(path+".remaining", "only one leg may take the remaining amount")
			}
		case leg.Percent != nil:
			p := leg.Percent.Decimal
			if p.Sign() < 0 || p.Cmp(hundred) > 0 {
				return o2o.Invalidf(path+".percent", "must be between 0 and 100, got %s", leg.Percent)
			}
			total = total.Add(p)
			if leg.Cap != nil {
				fixedOrCapped = true
				if err := checkAmount(*leg.Cap, currency); err != nil {
					return o2o.Prefix(path+".cap", err)
				}
			}
		default:
			fixedOrCapped = true
			if err := checkAmount(*leg.Fixed, currency); err != nil {
				return o2o.Prefix(path+".fixed", err)
			}
			fixedPaid = fixedPaid || leg.Fixed.IsPositive()
		}
	}
	switch {
	case total.Cmp(hundred) > 0:
		return o2o.Invalidf("legs", "percents sum to %s%%: they over-allocate the line", o2o.FormatDecimal(total))
	case remaining == 0 && fixedOrCapped:
		return o2o.Invalid("legs", "fixed or capped legs need a remaining leg to take what they leave")
	case remaining == 0 && !total.Equal(hundred):
		return o2o.Invalidf("legs", "percents sum to %s%%, not 100%%, and no leg takes the remaining amount", o2o.FormatDecimal(total))
	case fixedPaid && total.Equal(hundred):
		return o2o.Invalid("legs", "percents sum to 100% and leave nothing for the fixed legs: no line could ever be split")
	}
	return nil
}

func checkAmount(m o2o.Money, currency o2o.Currency) error {
	switch {
	case m.Currency() != currency:
		return fmt.Errorf("%w: %s in a %s split", o2o.ErrCurrencyMismatch, m.Currency(), currency)
	case m.IsNegative():
		return o2o.Invalidf("", "must not be negative, got %s", m)
	case !m.IsWhole():
		return o2o.Invalidf("", "%s is not a whole number of minor units", m)
	}
	return nil
}

func cloneRule(r Rule) Rule {
	r.Legs = append([]Leg(nil), r.Legs...)
	for i, l := range r.Legs {
		if l.Percent != nil {
			p := *l.Percent
			r.Legs[i].Percent = &p
		}
		if l.Cap != nil {
			c := *l.Cap
			r.Legs[i].Cap = &c
		}
		if l.Fixed != nil {
			f := *l.Fixed
			r.Legs[i].Fixed = &f
		}
	}
	return r
}

func (c SplitConfig) clone() SplitConfig {
	out := c
	out.Rules = make([]Rule, len(c.Rules))
	for i, r := range c.Rules {
		out.Rules[i] = cloneRule(r)
	}
	return out
}

type ruleKey struct {
	channel o2o.Channel
	line    o2o.Line
}

// Splitter splits order lines into postings by its rules. It is immutable
// and safe for concurrent use.
type Splitter struct {
	config       SplitConfig
	currency     o2o.Currency
	manufacturer string
	rules        map[ruleKey]*compiledRule
	// commissionOnly is SameStore == SameStoreCommissionOnly.
	commissionOnly bool
}

// compiledRule is a rule with the texts of its explanations formatted once,
// when built, rather than for every line split.
type compiledRule struct {
	rule  Rule
	name  string // "o2o/o2o", or "b2c/*" for a channel-wide rule
	texts []legText
}

// legText holds a leg's numbers as text: its percent, cap and fixed amount.
type legText struct {
	percent, cap, fixed string
}

func compile(r Rule) *compiledRule {
	c := &compiledRule{rule: r, name: string(r.Channel) + "/" + string(r.Line), texts: make([]legText, len(r.Legs))}
	if r.Line == "" {
		c.name = string(r.Channel) + "/*"
	}
	for i, leg := range r.Legs {
		if leg.Percent != nil {
			c.texts[i].percent = leg.Percent.String()
		}
		if leg.Cap != nil {
			c.texts[i].cap = leg.Cap.AmountString()
		}
		if leg.Fixed != nil {
			c.texts[i].fixed = leg.Fixed.AmountString()
		}
	}
	return c
}

// Config returns a copy of the config the splitter was built from.
func (s *Splitter) Config() SplitConfig { return s.config.clone() }

// MarshalJSON writes the splitter's config.
func (s *Splitter) MarshalJSON() ([]byte, error) { return json.Marshal(s.config) }

// UnmarshalJSON reads a config strictly and builds it.
func (s *Splitter) UnmarshalJSON(data []byte) error {
	built, err := ParseSplitConfig(data)
	if err != nil {
		return err
	}
	*s = *built
	return nil
}

// Sale is an order with the amount the customer pays for each line —
// pricing's answer, passed in as data.
type Sale struct {
	Order o2o.Order `json:"order"`
	// Lines hold, for each order line in order, its product line and amount.
	Lines []SaleLine `json:"lines"`
}

// SaleLine is one order line's product line and the amount paid for it (a
// whole number of minor units, not negative).
type SaleLine struct {
	Line   o2o.Line  `json:"line"`
	Amount o2o.Money `json:"amount"`
}

// Routing is channel's answer for the order, passed in as data: who serves
// it and which store covers the customer's region.
type Routing struct {
	// Serving is who serves the order; nil means the order's ServedBy.
	Serving *o2o.Serving `json:"serving,omitempty"`
	// RegionStore is the store covering the customer's region, credited by
	// the transfer payment of an online sale. Empty when none covers it.
	RegionStore string `json:"regionStore,omitempty"`
}

// Entitlement is channel's answer that a fused dealer is owed
// cross-compensation (交叉补偿) for this order, passed in as data. When
// several dealers are entitled (territories that overlap, say), the dealer
// leg is shared among them in proportion to their weights.
type Entitlement struct {
	Dealer string `json:"dealer"`
	// Territory is the dealer's territory; when set it must contain the
	// order's delivery region.
	Territory o2o.RegionCode `json:"territory,omitzero"`
	// Reason is channel's explanation, carried into the split's.
	Reason string `json:"reason,omitempty"`
	// Weight is the dealer's share of the dealer leg when several dealers
	// are entitled: positive; absent means 1 (equal shares). Ignored for a
	// single dealer.
	Weight *o2o.Decimal `json:"weight,omitempty"`
}

// Part is one recipient's cent-exact piece of a line.
type Part struct {
	Role   Role      `json:"role"`
	Party  string    `json:"party,omitempty"`
	Kind   Kind      `json:"kind,omitempty"`
	Amount o2o.Money `json:"amount"`
	// Key is the idempotency key of the posting; empty when no posting was
	// made (a zero amount, or a leg skipped).
	Key string `json:"key,omitempty"`
	// Reason explains the amount, or why the leg was skipped.
	Reason string `json:"reason"`
}

// LineSplit explains how one order line was split.
type LineSplit struct {
	Index    int          `json:"index"`
	SKU      string       `json:"sku"`
	Quantity o2o.Quantity `json:"quantity"`
	Amount   o2o.Money    `json:"amount"`
	// Rule names the rule applied: "o2o/o2o", or "b2c/*" for a channel-wide one.
	Rule  string `json:"rule"`
	Parts []Part `json:"parts"`
	// Postings are the line's postings, also in the split's batch.
	Postings []Posting `json:"postings"`
}

// Split is a sale split into a balanced batch, with an explanation per line.
type Split struct {
	Order string      `json:"order"`
	Batch Batch       `json:"batch"`
	Lines []LineSplit `json:"lines"`
}

// Split splits every line of a sale by the rule for the order's channel and
// the line's product line. Each line's amount is split with o2o.Allocate
// (largest remainder, cent-exact, ties by party), so the parts sum exactly
// to the line. Each posting moves money from the customer's account
// (order.customer.id) to a recipient, keyed "order/line/role".
//
// When several dealers are entitled, the dealer leg is shared among them by
// their weights within the same allocation (so still cent-exact, each
// dealer within a fen of its exact share), one posting per dealer keyed
// "order/line/dealer/<dealer>".
//
// A leg whose party is missing — no serving party, no region store or an
// in-store sale (transfer payments are for online sales), a region store
// that is the serving store under SameStoreCommissionOnly, no entitled
// dealer — is skipped and its share falls to the remaining leg; without one, that
// is ErrMissingParty. Other errors: an invalid order or sale
// (*o2o.ValidationError); no rule for a line (ErrNoRule); fixed legs above a
// line's amount; an entitlement without a dealer, naming a dealer twice
// (o2o.ErrDuplicate), with a weight not positive, or whose territory does
// not contain the delivery region. All wrap o2o.ErrInvalid.
func (s *Splitter) Split(sale Sale, routing Routing, entitlements []Entitlement) (Split, error) {
	if err := sale.Order.Validate(); err != nil {
		return Split{}, o2o.Prefix("order", err)
	}
	return s.split(&sale, routing, entitlements)
}

// SplitValidated is Split for an order the caller has already validated
// (o2o.Order.Validate, or decoding through o2o.DecodeJSON and validating
// once where it entered the system): it skips the order's full validation
// and checks only the fields the split reads — the order id, the customer
// id, the channel, the venue and the instant. The result and every other error are Split's. An
// order that was not valid may give a split of an invalid order, never a
// panic or an unbalanced batch.
func (s *Splitter) SplitValidated(sale Sale, routing Routing, entitlements []Entitlement) (Split, error) {
	o := &sale.Order
	switch {
	case o.ID == "":
		return Split{}, o2o.Invalid("order.id", "is required")
	case o.Customer.ID == "":
		return Split{}, o2o.Invalid("order.customer.id", "is required")
	case !o.Channel.Valid():
		return Split{}, o2o.Invalidf("order.channel", "unknown channel %q", string(o.Channel))
	case !o.Placed.Venue.Valid():
		return Split{}, o2o.Invalidf("order.placed.venue", "unknown venue %q", string(o.Placed.Venue))
	case o.At.IsZero():
		return Split{}, o2o.Invalid("order.at", "is required")
	}
	return s.split(&sale, routing, entitlements)
}

func (s *Splitter) split(sale *Sale, routing Routing, entitlements []Entitlement) (Split, error) {
	o := &sale.Order
	if err := instant.Check(o.At); err != nil {
		return Split{}, o2o.Prefix("order.at", err)
	}
	if len(sale.Lines) != len(o.Lines) {
		return Split{}, o2o.Invalidf("lines", "has %d amounts for %d order lines", len(sale.Lines), len(o.Lines))
	}
	parties, err := s.parties(o, routing, entitlements)
	if err != nil {
		return Split{}, err
	}
	out := Split{Order: o.ID, Batch: Batch{ID: o.ID, Postings: make([]Posting, 0, 4*len(o.Lines))}, Lines: make([]LineSplit, 0, len(o.Lines))}
	for i, sl := range sale.Lines {
		ls, err := s.splitLine(o, i, sl, &parties)
		if err != nil {
			return Split{}, o2o.Prefix(fmt.Sprintf("lines[%d]", i), err)
		}
		out.Batch.Postings = append(out.Batch.Postings, ls.Postings...)
		out.Lines = append(out.Lines, ls)
	}
	return out, nil
}

// recipient is who a role pays, or why nobody.
type recipient struct {
	party, why string
	kind       Kind
}

// recipients holds who each role pays for one order.
type recipients struct {
	manufacturer, serving, regionStore, dealer recipient
	// dealers, with their weights and the weights' total, when several
	// dealers share the dealer leg; dealer then stands for all of them.
	dealers       []recipient
	dealerWeights []decimal.Decimal
	dealerTotal   decimal.Decimal
}

// of returns the recipient of a role (a rule's roles are valid: Build
// checked them).
func (r *recipients) of(role Role) recipient {
	switch role {
	case RoleManufacturer:
		return r.manufacturer
	case RoleServing:
		return r.serving
	case RoleRegionStore:
		return r.regionStore
	default:
		return r.dealer
	}
}

func (s *Splitter) parties(o *o2o.Order, routing Routing, ents []Entitlement) (recipients, error) {
	m := recipients{
		manufacturer: recipient{party: s.manufacturer, kind: KindSaleRevenue, why: "manufacturer's sale revenue"},
	}
	serving := routing.Serving
	if serving == nil {
		serving = o.ServedBy
	}
	switch {
	case serving == nil:
		m.serving = recipient{why: "no party serves the order"}
	case serving.PartyID == "":
		return m, o2o.Invalid("routing.serving.partyId", "is required")
	case serving.Kind == o2o.PartyAgent:
		m.serving = recipient{party: serving.PartyID, kind: KindAgentCommission, why: fmt.Sprintf("commission of the serving agent (特许代理人) of store %s", serving.StoreID)}
	case serving.Kind == o2o.PartyDealer:
		m.serving = recipient{party: serving.PartyID, kind: KindStoreCommission, why: "commission of the reformed dealer serving as a local service point (改造)"}
	default:
		m.serving = recipient{party: serving.PartyID, kind: KindStoreCommission, why: "commission of the serving store"}
	}
	switch {
	case o.Placed.InStore():
		m.regionStore = recipient{why: "placed in store: transfer payments credit stores for online sales only"}
	case routing.RegionStore == "":
		m.regionStore = recipient{why: "no store covers the customer's region"}
	case s.commissionOnly && serving != nil && serving.Kind == o2o.PartyStore && serving.PartyID == routing.RegionStore:
		m.regionStore = recipient{why: "the serving store is the store of the customer's region, and the same-store rule (commission_only) pays it its commission only"}
	default:
		m.regionStore = recipient{party: routing.RegionStore, kind: KindTransferPayment, why: "transfer payment: the online sale credits the store of the customer's region (线上反哺线下)"}
	}
	if len(ents) == 0 {
		m.dealer = recipient{why: "no dealer is entitled to cross-compensation"}
		return m, nil
	}
	for k, e := range ents {
		switch {
		case e.Dealer == "":
			return m, o2o.Invalid(fmt.Sprintf("entitlements[%d].dealer", k), "is required")
		case !e.Territory.IsZero() && !e.Territory.Contains(o.Delivery):
			return m, o2o.Invalidf(fmt.Sprintf("entitlements[%d].territory", k), "%s does not contain the delivery region %s", e.Territory, o.Delivery)
		case len(ents) > 1 && e.Weight != nil && e.Weight.Sign() <= 0:
			return m, o2o.Invalidf(fmt.Sprintf("entitlements[%d].weight", k), "must be positive, got %s", e.Weight)
		}
		for _, prev := range ents[:k] {
			if prev.Dealer == e.Dealer {
				return m, o2o.InvalidAs(o2o.ErrDuplicate, fmt.Sprintf("entitlements[%d].dealer", k), fmt.Sprintf("repeats dealer %q", e.Dealer))
			}
		}
	}
	if len(ents) == 1 {
		why := "cross-compensation (交叉补偿) for a sale into the fused dealer's territory"
		if ents[0].Reason != "" {
			why += ": " + ents[0].Reason
		}
		m.dealer = recipient{party: ents[0].Dealer, kind: KindCrossCompensation, why: why}
		return m, nil
	}
	m.dealer = recipient{party: ents[0].Dealer, kind: KindCrossCompensation,
		why: "cross-compensation (交叉补偿) for a sale into a territory " + strconv.Itoa(len(ents)) + " fused dealers share"}
	for _, e := range ents {
		w := decimal.New(1, 0)
		if e.Weight != nil {
			w = e.Weight.Decimal
		}
		why := e.Dealer + "'s share"
		if e.Reason != "" {
			why += " (" + e.Reason + ")"
		}
		m.dealers = append(m.dealers, recipient{party: e.Dealer, kind: KindCrossCompensation, why: why})
		m.dealerWeights = append(m.dealerWeights, w)
		m.dealerTotal = m.dealerTotal.Add(w)
	}
	return m, nil
}

func (s *Splitter) rule(ch o2o.Channel, line o2o.Line) (*compiledRule, bool) {
	if r, ok := s.rules[ruleKey{ch, line}]; ok {
		return r, true
	}
	r, ok := s.rules[ruleKey{ch, ""}]
	return r, ok
}

// pick is one recipient's leg of a line, before allocation: its exact
// share and the reason it gets it.
type pick struct {
	leg    Leg
	to     recipient
	exact  decimal.Decimal
	reason string
	// share is, when several dealers share the leg, this dealer's weight
	// (its part of exact is exact × share / dealerTotal).
	share decimal.Decimal
	multi bool
}

// splitLine splits one line: it picks each leg's recipient and exact share,
// allocates the line's amount over them cent-exact, and emits the parts and
// postings.
func (s *Splitter) splitLine(o *o2o.Order, i int, sl SaleLine, parties *recipients) (LineSplit, error) {
	ol := o.Lines[i]
	ls := LineSplit{Index: i, SKU: ol.SKU, Quantity: ol.Quantity, Amount: sl.Amount}
	if !sl.Line.Valid() {
		return ls, o2o.Invalidf("line", "unknown line %q", string(sl.Line))
	}
	if err := checkAmount(sl.Amount, s.currency); err != nil {
		return ls, o2o.Prefix("amount", err)
	}
	if _, err := toUnits(sl.Amount); err != nil {
		return ls, o2o.Prefix("amount", err)
	}
	compiled, ok := s.rule(o.Channel, sl.Line)
	if !ok {
		return ls, fmt.Errorf("%w for channel %q and line %q", ErrNoRule, o.Channel, sl.Line)
	}
	ls.Rule = compiled.name
	// Working memory sized for the usual rule (one leg per role), so that a
	// split allocates only its results; append grows past it if need be.
	var picksBuf [4]pick
	var sharesBuf [4]o2o.Share
	var indexBuf [4]int
	picks, used, err := pickLegs(picksBuf[:0], compiled, sl.Amount, parties)
	if err != nil {
		return ls, err
	}
	shares, index, err := allocationShares(sharesBuf[:0], indexBuf[:0], picks, sl.Amount, used, parties)
	if err != nil {
		return ls, err
	}
	var alloc []o2o.Part // in the order of shares
	if sl.Amount.IsPositive() && len(shares) > 0 {
		if alloc, err = o2o.Allocate(sl.Amount, shares); err != nil {
			return ls, err
		}
	}
	return s.emit(o, i, ls, picks, index, alloc)
}

// pickLegs appends to picks each leg's recipient and exact share of line
// (a remaining leg's is set by allocationShares), a dealer leg shared by
// several dealers as one pick each, and returns them with what the fixed
// and percent legs take. A leg without a party is skipped, its share
// falling to the remaining leg; without one, that is ErrMissingParty.
func pickLegs(picks []pick, compiled *compiledRule, line o2o.Money, parties *recipients) ([]pick, decimal.Decimal, error) {
	rule := compiled.rule
	lineText := amountText(line)
	amount := line.Amount()
	used := decimal.Decimal{}
	for j, leg := range rule.Legs {
		to := parties.of(leg.Role)
		p := pick{leg: leg, to: to}
		text := compiled.texts[j]
		var head string // the reason, but for who
		switch {
		case leg.Remaining:
			head = "takes the remaining amount: "
		case leg.Percent != nil:
			p.exact = amount.Mul(leg.Percent.Decimal).Shift(-2)
			head = text.percent + "% of " + lineText + ": "
			if leg.Cap != nil && p.exact.Cmp(leg.Cap.Amount()) > 0 {
				p.exact = leg.Cap.Amount()
				head = text.percent + "% of " + lineText + " capped at " + text.cap + ": "
			}
		default:
			p.exact = leg.Fixed.Amount()
			head = "fixed " + text.fixed + ": "
		}
		p.reason = head + to.why
		if leg.Role == RoleDealer && len(parties.dealers) > 1 {
			used = used.Add(p.exact)
			total := o2o.FormatDecimal(parties.dealerTotal)
			for k, d := range parties.dealers {
				q := p
				q.to, q.share, q.multi = d, parties.dealerWeights[k], true
				q.reason = p.reason + "; " + d.why + ", weight " + o2o.FormatDecimal(q.share) + " of " + total
				picks = append(picks, q)
			}
			continue
		}
		if to.party == "" {
			if leg.Remaining {
				return nil, used, fmt.Errorf("%w: the remaining leg %q has no party: %s", ErrMissingParty, leg.Role, to.why)
			}
			if !hasRemaining(rule) {
				return nil, used, fmt.Errorf("%w: leg %q: %s, and no leg takes the remaining amount", ErrMissingParty, leg.Role, to.why)
			}
			p.reason = "skipped, its share falls to the remaining leg: " + to.why
			p.exact = decimal.Decimal{}
		}
		used = used.Add(p.exact)
		picks = append(picks, p)
	}
	return picks, used, nil
}

// allocationShares gives the remaining leg what the others leave of line
// and appends to shares the weight of each pick with a party, by its exact
// share, for o2o.Allocate (largest remainder; ties go by party), and to
// index the position in shares of each pick (-1 for none).
func allocationShares(shares []o2o.Share, index []int, picks []pick, line o2o.Money, used decimal.Decimal, parties *recipients) ([]o2o.Share, []int, error) {
	left := line.Amount().Sub(used)
	if left.Sign() < 0 {
		return nil, nil, o2o.Invalidf("amount", "%s is less than the fixed and percent legs take (%s)", line, o2o.FormatDecimal(used))
	}
	for j := range picks {
		p := &picks[j]
		index = append(index, -1)
		if p.leg.Remaining {
			p.exact = left
		}
		if p.to.party == "" {
			continue
		}
		index[j] = len(shares)
		weight := p.exact
		switch {
		case p.multi: // exact × share / total, scaled by total like the rest
			weight = weight.Mul(p.share)
		case len(parties.dealers) > 1:
			weight = weight.Mul(parties.dealerTotal)
		}
		// Ties go by party: the key starts with it.
		shares = append(shares, o2o.Share{Key: p.to.party + "\x00" + string(p.leg.Role), Weight: weight})
	}
	return shares, index, nil
}

// emit writes the line's parts, in the order of its picks, and a posting
// from the customer for each positive part, keyed "order/line/role" (and
// "/dealer" when several dealers share the leg).
func (s *Splitter) emit(o *o2o.Order, i int, ls LineSplit, picks []pick, index []int, alloc []o2o.Part) (LineSplit, error) {
	prefix := o.ID + "/" + strconv.Itoa(i) + "/"
	ls.Parts = make([]Part, 0, len(picks))
	if alloc != nil {
		ls.Postings = make([]Posting, 0, len(alloc))
	}
	zero := s.currency.Zero()
	for j, p := range picks {
		part := Part{Role: p.leg.Role, Party: p.to.party, Kind: p.to.kind, Amount: zero, Reason: p.reason}
		if alloc != nil && index[j] >= 0 {
			part.Amount = alloc[index[j]].Amount
		}
		if part.Amount.IsPositive() {
			if p.to.party == o.Customer.ID {
				return ls, o2o.Invalidf("", "the customer %q cannot also be the %s party", o.Customer.ID, p.leg.Role)
			}
			part.Key = prefix + string(p.leg.Role)
			if p.multi {
				part.Key += "/" + p.to.party
			}
			ls.Postings = append(ls.Postings, Posting{Key: part.Key, Kind: p.to.kind, From: o.Customer.ID, To: p.to.party,
				Amount: part.Amount, Order: o.ID, At: o.At})
		}
		ls.Parts = append(ls.Parts, part)
	}
	return ls, nil
}

func hasRemaining(r Rule) bool {
	for _, l := range r.Legs {
		if l.Remaining {
			return true
		}
	}
	return false
}

// Explain returns the split in plain text, one line per part.
func (s Split) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "order %s\n", s.Order)
	for _, ls := range s.Lines {
		fmt.Fprintf(&b, "  line %d %s %s: %s by rule %s\n", ls.Index, ls.SKU, ls.Quantity, ls.Amount, ls.Rule)
		for _, p := range ls.Parts {
			fmt.Fprintf(&b, "    %-12s %-16s %12s  %s\n", p.Role, p.Party, p.Amount.AmountString(), p.Reason)
		}
	}
	return b.String()
}
