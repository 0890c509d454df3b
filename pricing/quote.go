package pricing

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Observation is a price seen on the network for a brand and model: where
// (Source), what, at which price, when it was observed, and until when it
// stays valid.
type Observation struct {
	Source     string    `json:"source"`
	Brand      string    `json:"brand"`
	Model      string    `json:"model"`
	Price      o2o.Money `json:"price"`
	ObservedAt time.Time `json:"observedAt"`
	ValidUntil time.Time `json:"validUntil"`
}

// fresh reports whether the observation is in force at: observed at or
// before it, and valid until after it.
func (o Observation) fresh(at time.Time) bool {
	return !o.ObservedAt.After(at) && at.Before(o.ValidUntil)
}

// Campaign is the promotion campaign a quote runs under: its id, the ladder
// stage it has reached, and the funding left to pay for benefits. The
// caller keeps the funding; the policy only reads it.
type Campaign struct {
	ID          string    `json:"id"`
	Stage       int       `json:"stage"`
	FundingLeft o2o.Money `json:"fundingLeft"`
}

// Returned marks returned or exchanged goods sold on clearance: their
// condition grade and the store that holds them.
type Returned struct {
	Grade   string `json:"grade"`
	StoreID string `json:"storeId"`
}

// Request asks for the price of one SKU. The policy keeps no state:
// campaign funding and observations come in with the request.
type Request struct {
	SKU      string       `json:"sku"`
	Quantity o2o.Quantity `json:"quantity"`
	// Region is the customer's (delivery) region, at any level; its province
	// selects the price.
	Region  o2o.RegionCode `json:"region"`
	Channel o2o.Channel    `json:"channel"`
	// Placed says where the order is placed; online on a store's own screen
	// counts as in store (seed 001 part 1).
	Placed    o2o.Placement `json:"placed"`
	Segment   o2o.Segment   `json:"segment"`
	AccountID string        `json:"accountId,omitempty"`
	At        time.Time     `json:"at"`
	// Negotiated is a requested lower unit price, if any.
	Negotiated *o2o.Money `json:"negotiated,omitempty"`
	// Observations are network prices for the network-lowest rule.
	Observations []Observation `json:"observations,omitempty"`
	// Campaign is the promotion campaign, if any.
	Campaign *Campaign `json:"campaign,omitempty"`
	// Returned marks clearance goods, if any.
	Returned *Returned `json:"returned,omitempty"`
}

// Step is one rule's effect on the price: the price before (Base), the
// change (Amount, zero for a rule that only decided or noted something) and
// the price after (Result). Code and Facts say why; Reason formats them.
// In JSON a step also carries its formatted "reason", which decoding checks
// against the code and facts.
//
// A step is compact, so that a quote is cheap to make: its amounts are kept
// as exact int64 coefficients (in CNY; other currencies as Money, like
// amounts too wide for an int64) and its facts as the few
// names and figures its code uses; Base, Amount, Result and Facts rebuild
// them as o2o.Money and Facts on demand, with the same value and places.
// Build a step with NewStep. A step is a plain value, safe to copy and to
// share between goroutines.
type Step struct {
	Rule RuleName
	Code ReasonCode
	// Amounts: base, amount, result, then the facts' figure, limit and cost,
	// in CNY.
	coef [slots]int64
	// wide holds all the amounts as Money when one of them does not fit in
	// an int64, or when they are not in CNY (nil otherwise).
	wide *[slots]o2o.Money
	// The facts the code uses (see ReasonCode.facts): Party; Label, Region,
	// Brand or Mode; Model, Increment or the quantity's unit.
	str  [3]string
	dec  o2o.Decimal // Percent, or the quantity's value
	ints [3]int32    // Stage, Asked, Count
	exp  [slots]int8
}

// The amount slots of a step.
const (
	slotBase = iota
	slotAmount
	slotResult
	slotFigure
	slotLimit
	slotCost
	slots
)

// NewStep returns the step of rule with reason code: the price went from
// base by amount to result, for the reasons f gives. Facts the code does not
// use (see each ReasonCode) are not kept. Every amount, facts included,
// must be in base's currency, or the error wraps o2o.ErrCurrencyMismatch;
// an unknown rule or code is an error wrapping o2o.ErrInvalid.
func NewStep(rule RuleName, code ReasonCode, base, amount, result o2o.Money, f Facts) (Step, error) {
	if !rule.Valid() {
		return Step{}, &o2o.EnumError{Enum: "pricing rule", Value: string(rule)}
	}
	if !code.Valid() {
		return Step{}, &o2o.EnumError{Enum: "reason code", Value: string(code)}
	}
	cur := base.Currency()
	uses := code.facts()
	amounts := [slots]o2o.Money{base, amount, result}
	for i, x := range []struct {
		use factField
		m   o2o.Money
	}{{factFigure, f.Figure}, {factLimit, f.Limit}, {factCost, f.Cost}} {
		if uses&x.use != 0 {
			amounts[slotFigure+i] = x.m
		}
	}
	for i, m := range amounts {
		if i < slotFigure || uses&(factFigure<<(i-slotFigure)) != 0 {
			if m.Currency() != cur {
				return Step{}, fmt.Errorf("step %s: amount in %s, base in %s: %w", rule, m.Currency(), cur, o2o.ErrCurrencyMismatch)
			}
		}
	}
	var n [slots]num
	for i, m := range amounts {
		n[i] = numOfMoney(m)
	}
	var st Step
	st.set(rule, code, uses, cur, &n, &f)
	return st, nil
}

// set packs the step from its amounts as nums and its facts (the amounts
// of f are ignored: they come in n); uses is code.facts(). s must be the
// zero Step.
func (s *Step) set(rule RuleName, code ReasonCode, uses factField, cur o2o.Currency, n *[slots]num, f *Facts) {
	s.Rule, s.Code = rule, code
	other := cur.String() != string(o2o.CNY) // kept wide, with the currency
	for i := range n {
		x := &n[i]
		if other || x.wide || x.e < math.MinInt8 || x.e > math.MaxInt8 {
			s.wide = new([slots]o2o.Money)
			for j, y := range *n {
				s.wide[j] = y.money(cur)
			}
			s.coef, s.exp = [slots]int64{}, [slots]int8{}
			break
		}
		s.coef[i], s.exp[i] = x.c, int8(x.e)
	}
	if uses == 0 {
		return
	}
	if uses&factParty != 0 {
		s.str[0] = f.Party
	}
	switch {
	case uses&factLabel != 0:
		s.str[1] = f.Label
	case uses&factRegion != 0:
		s.str[1] = f.Region.String()
	case uses&factProduct != 0:
		s.str[1], s.str[2] = f.Product.Brand, f.Product.Model
	}
	if uses&factMode != 0 {
		s.str[1] = string(f.Mode)
	}
	if uses&factIncrement != 0 {
		s.str[2] = string(f.Increment)
	}
	if uses&factQuantity != 0 {
		s.dec, s.str[2] = f.Quantity.Value, string(f.Quantity.Unit)
	}
	if uses&factPercent != 0 {
		s.dec = f.Percent
	}
	s.ints = [3]int32{int32(f.Stage), int32(f.Asked), int32(f.Count)}
}

// money returns amount slot i as Money.
func (s Step) money(i int) o2o.Money {
	if s.wide != nil {
		return s.wide[i]
	}
	m, _ := o2o.NewMoneyIn(decimal.New(s.coef[i], int32(s.exp[i])), o2o.CNY)
	return m
}

// Base returns the price before the step.
func (s Step) Base() o2o.Money { return s.money(slotBase) }

// Amount returns the change the step made (zero for a note).
func (s Step) Amount() o2o.Money { return s.money(slotAmount) }

// Result returns the price after the step.
func (s Step) Result() o2o.Money { return s.money(slotResult) }

// amountSign returns the sign of the step's amount without building Money.
func (s Step) amountSign() int {
	if s.wide != nil {
		return s.wide[slotAmount].Sign()
	}
	switch c := s.coef[slotAmount]; {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// Facts returns the names and figures the step's reason quotes: the fields
// its code uses; the others are zero.
func (s Step) Facts() Facts {
	uses := s.Code.facts()
	var f Facts
	if uses&factParty != 0 {
		f.Party = s.str[0]
	}
	if uses&factLabel != 0 {
		f.Label = s.str[1]
	}
	if uses&factRegion != 0 && s.str[1] != "" {
		f.Region, _ = o2o.ParseRegionCode(s.str[1])
	}
	if uses&factProduct != 0 {
		f.Product = o2o.BrandModel{Brand: s.str[1], Model: s.str[2]}
	}
	if uses&factPercent != 0 {
		f.Percent = s.dec
	}
	if uses&factFigure != 0 {
		f.Figure = s.money(slotFigure)
	}
	if uses&factLimit != 0 {
		f.Limit = s.money(slotLimit)
	}
	if uses&factCost != 0 {
		f.Cost = s.money(slotCost)
	}
	if uses&factQuantity != 0 {
		f.Quantity = o2o.Quantity{Value: s.dec, Unit: o2o.Unit(s.str[2])}
	}
	if uses&factMode != 0 {
		f.Mode = o2o.RoundingMode(s.str[1])
	}
	if uses&factIncrement != 0 {
		f.Increment = Increment(s.str[2])
	}
	if uses&factStage != 0 {
		f.Stage = int(s.ints[0])
	}
	if uses&factAsked != 0 {
		f.Asked = int(s.ints[1])
	}
	if uses&factCount != 0 {
		f.Count = int(s.ints[2])
	}
	return f
}

// Equal reports whether s and o are the same step: rule, code, amounts (by
// value, as o2o.Money.Equal) and facts. go-cmp uses it.
func (s Step) Equal(o Step) bool {
	if s.Rule != o.Rule || s.Code != o.Code {
		return false
	}
	for i := range slots {
		if !s.money(i).Equal(o.money(i)) {
			return false
		}
	}
	return s.str == o.str && s.ints == o.ints && s.dec.Equal(o.dec.Decimal)
}

type stepJSON struct {
	Rule   RuleName   `json:"rule"`
	Code   ReasonCode `json:"code"`
	Reason string     `json:"reason"`
	Base   o2o.Money  `json:"base"`
	Amount o2o.Money  `json:"amount"`
	Result o2o.Money  `json:"result"`
	Facts  stepFacts  `json:"facts"`
}

// stepFacts is Facts as a step writes them: the amounts and the percent are
// present exactly when the code uses them, zero included (a zero amount
// keeps its currency).
type stepFacts struct {
	Party     string           `json:"party,omitempty"`
	Label     string           `json:"label,omitempty"`
	Region    o2o.RegionCode   `json:"region,omitzero"`
	Product   o2o.BrandModel   `json:"product,omitzero"`
	Percent   *o2o.Decimal     `json:"percent,omitempty"`
	Figure    *o2o.Money       `json:"figure,omitempty"`
	Limit     *o2o.Money       `json:"limit,omitempty"`
	Cost      *o2o.Money       `json:"cost,omitempty"`
	Quantity  o2o.Quantity     `json:"quantity,omitzero"`
	Mode      o2o.RoundingMode `json:"mode,omitempty"`
	Increment Increment        `json:"increment,omitempty"`
	Stage     int              `json:"stage,omitempty"`
	Asked     int              `json:"asked,omitempty"`
	Count     int              `json:"count,omitempty"`
}

// MarshalJSON writes the step with its reason formatted from the code and facts.
func (s Step) MarshalJSON() ([]byte, error) {
	f, uses := s.Facts(), s.Code.facts()
	j := stepFacts{Party: f.Party, Label: f.Label, Region: f.Region, Product: f.Product, Quantity: f.Quantity,
		Mode: f.Mode, Increment: f.Increment, Stage: f.Stage, Asked: f.Asked, Count: f.Count}
	if uses&factPercent != 0 {
		j.Percent = &f.Percent
	}
	if uses&factFigure != 0 {
		j.Figure = &f.Figure
	}
	if uses&factLimit != 0 {
		j.Limit = &f.Limit
	}
	if uses&factCost != 0 {
		j.Cost = &f.Cost
	}
	return json.Marshal(stepJSON{Rule: s.Rule, Code: s.Code, Reason: s.Reason(), Base: s.Base(),
		Amount: s.Amount(), Result: s.Result(), Facts: j})
}

// UnmarshalJSON decodes a step strictly. The reason is derived data: it
// must be exactly what the code and facts format to, and the facts must be
// those the code uses, its amounts and percent written out; otherwise
// decoding fails with o2o.ErrInvalid.
func (s *Step) UnmarshalJSON(data []byte) error {
	var p stepJSON
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	if !p.Code.Valid() {
		return &o2o.EnumError{Enum: "reason code", Value: string(p.Code)}
	}
	j, uses := p.Facts, p.Code.facts()
	facts := Facts{Party: j.Party, Label: j.Label, Region: j.Region, Product: j.Product, Quantity: j.Quantity,
		Mode: j.Mode, Increment: j.Increment, Stage: j.Stage, Asked: j.Asked, Count: j.Count}
	for _, x := range []struct {
		name  string
		use   factField
		isSet bool
	}{{"percent", factPercent, j.Percent != nil}, {"figure", factFigure, j.Figure != nil},
		{"limit", factLimit, j.Limit != nil}, {"cost", factCost, j.Cost != nil}} {
		switch used := uses&x.use != 0; {
		case used && !x.isSet:
			return o2o.Invalidf("facts."+x.name, "is required by code %s", p.Code)
		case !used && x.isSet:
			return o2o.Invalidf("facts", "carries facts that code %s does not use", p.Code)
		}
	}
	if j.Percent != nil {
		facts.Percent = *j.Percent
	}
	if j.Figure != nil {
		facts.Figure = *j.Figure
	}
	if j.Limit != nil {
		facts.Limit = *j.Limit
	}
	if j.Cost != nil {
		facts.Cost = *j.Cost
	}
	st, err := NewStep(p.Rule, p.Code, p.Base, p.Amount, p.Result, facts)
	if err != nil {
		return err
	}
	if !factsEqual(st.Facts(), facts) {
		return o2o.Invalidf("facts", "carries facts that code %s does not use", p.Code)
	}
	if got := st.Reason(); got != p.Reason {
		return o2o.Invalidf("reason", "does not match code %s and its facts: want %q", p.Code, got)
	}
	*s = st
	return nil
}

// factsEqual reports whether a and b hold the same facts.
func factsEqual(a, b Facts) bool {
	return a.Party == b.Party && a.Label == b.Label && a.Region == b.Region && a.Product == b.Product &&
		a.Percent.Equal(b.Percent.Decimal) && a.Figure.Equal(b.Figure) && a.Limit.Equal(b.Limit) && a.Cost.Equal(b.Cost) &&
		a.Quantity.Unit == b.Quantity.Unit && a.Quantity.Value.Equal(b.Quantity.Value.Decimal) &&
		a.Mode == b.Mode && a.Increment == b.Increment && a.Stage == b.Stage && a.Asked == b.Asked && a.Count == b.Count
}

// BenefitLine is a benefit granted with a quote in plain form: a line that
// does not change the unit price — a value-added service, or a ladder
// benefit funded by a campaign. Price is what the customer pays for the
// line — zero, or negative for a payback — and Cost what it costs the
// funder (FundedBy). It is the JSON form of a Benefit.
type BenefitLine struct {
	Rule        RuleName    `json:"rule"`
	Stage       int         `json:"stage,omitempty"`
	Code        string      `json:"code"`
	Description string      `json:"description"`
	Kind        BenefitKind `json:"kind"`
	Price       o2o.Money   `json:"price"`
	Cost        o2o.Money   `json:"cost"`
	FundedBy    string      `json:"fundedBy"`
}

// Benefit is a benefit granted with a quote (see BenefitLine, its plain
// form, returned by Line). A benefit is compact, so that a quote is cheap to
// make: what every quote of a policy grants alike (rule, stage, code,
// description, kind, price) is shared, and only the funder and the cost are
// its own. Build one with NewBenefit; the zero Benefit is an empty line. A
// benefit is an immutable value, safe to copy and to share between
// goroutines.
type Benefit struct {
	line     *benefitLine // shared and never modified
	fundedBy string
	cost     o2o.Money
}

// benefitLine is what the benefits of a policy's quotes share.
type benefitLine struct {
	rule        RuleName
	stage       int
	code        string
	description string
	kind        BenefitKind
	price       o2o.Money
	cost        o2o.Money // a policy's configured cost (a products_free line's is the line total)
}

// NewBenefit returns the benefit l describes. The rule and kind must be
// known (else the error is an *o2o.EnumError wrapping o2o.ErrInvalid), and
// the price and cost in one currency (else the error wraps
// o2o.ErrCurrencyMismatch).
func NewBenefit(l BenefitLine) (Benefit, error) {
	if !l.Rule.Valid() {
		return Benefit{}, &o2o.EnumError{Enum: "rule", Value: string(l.Rule)}
	}
	if !l.Kind.Valid() {
		return Benefit{}, &o2o.EnumError{Enum: "benefit kind", Value: string(l.Kind)}
	}
	if l.Price.Currency() != l.Cost.Currency() {
		return Benefit{}, fmt.Errorf("benefit %s: price in %s, cost in %s: %w", l.Code, l.Price.Currency(), l.Cost.Currency(), o2o.ErrCurrencyMismatch)
	}
	return newBenefit(l), nil
}

// newBenefit packs l, already checked.
func newBenefit(l BenefitLine) Benefit {
	return Benefit{
		line:     &benefitLine{rule: l.Rule, stage: l.Stage, code: l.Code, description: l.Description, kind: l.Kind, price: l.Price},
		fundedBy: l.FundedBy,
		cost:     l.Cost,
	}
}

// shared returns the shared part of b (an empty one for the zero Benefit).
func (b Benefit) shared() benefitLine {
	if b.line == nil {
		return benefitLine{}
	}
	return *b.line
}

// Line returns the benefit in plain form.
func (b Benefit) Line() BenefitLine {
	l := b.shared()
	return BenefitLine{Rule: l.rule, Stage: l.stage, Code: l.code, Description: l.description, Kind: l.kind,
		Price: l.price, Cost: b.cost, FundedBy: b.fundedBy}
}

// Rule returns the rule that granted the benefit (value_added or ladder).
func (b Benefit) Rule() RuleName { return b.shared().rule }

// Stage returns the ladder stage that added the benefit (0 for value-added
// services).
func (b Benefit) Stage() int { return b.shared().stage }

// Code returns the benefit's code, such as "free_design".
func (b Benefit) Code() string { return b.shared().code }

// Description returns the benefit's readable description.
func (b Benefit) Description() string { return b.shared().description }

// Kind returns what the benefit is: a service, products free or a payback.
func (b Benefit) Kind() BenefitKind { return b.shared().kind }

// Price returns what the customer pays for the line: zero, or negative for
// a payback.
func (b Benefit) Price() o2o.Money { return b.shared().price }

// Cost returns what the line costs its funder.
func (b Benefit) Cost() o2o.Money { return b.cost }

// FundedBy returns who pays for the line: "headquarters" for value-added
// services, the campaign id for ladder benefits.
func (b Benefit) FundedBy() string { return b.fundedBy }

// Equal reports whether b and o are the same line, amounts compared by
// value (as o2o.Money.Equal). go-cmp uses it.
func (b Benefit) Equal(o Benefit) bool {
	x, y := b.Line(), o.Line()
	return x.Rule == y.Rule && x.Stage == y.Stage && x.Code == y.Code && x.Description == y.Description &&
		x.Kind == y.Kind && x.Price.Equal(y.Price) && x.Cost.Equal(y.Cost) && x.FundedBy == y.FundedBy
}

// MarshalJSON writes the benefit's plain form (BenefitLine).
func (b Benefit) MarshalJSON() ([]byte, error) { return json.Marshal(b.Line()) }

// UnmarshalJSON decodes a benefit strictly from its plain form and checks
// it as NewBenefit does.
func (b *Benefit) UnmarshalJSON(data []byte) error {
	var l BenefitLine
	if err := o2o.DecodeJSON(data, &l); err != nil {
		return err
	}
	nb, err := NewBenefit(l)
	if err != nil {
		return err
	}
	*b = nb
	return nil
}

// Violation is a rule broken but not refused: a lower price on the network
// that the policy reported rather than matched, or could not match because
// of the floor.
type Violation struct {
	Rule   RuleName  `json:"rule"`
	Reason string    `json:"reason"`
	Source string    `json:"source,omitempty"`
	Lowest o2o.Money `json:"lowest"`
	Price  o2o.Money `json:"price"`
}

// Flags report outcomes of a quote, apart from errors.
type Flags struct {
	// Matched: the price was lowered to match the network.
	Matched bool `json:"matched,omitempty"`
	// Capped: the online uplift hit its cap.
	Capped bool `json:"capped,omitempty"`
	// Rounded: the unit price or the line total changed on rounding.
	Rounded bool `json:"rounded,omitempty"`
	// Floored: the floor stopped a match.
	Floored bool `json:"floored,omitempty"`
	// StageFallback: the ladder stage asked for was not affordable and a
	// lower one (or none) applied.
	StageFallback bool `json:"stageFallback,omitempty"`
	// Negotiated: a negotiated price (議價) applied.
	Negotiated bool `json:"negotiated,omitempty"`
	// Clearance: returned goods sold on clearance.
	Clearance bool `json:"clearance,omitempty"`
}

// VATShown is the VAT contained in a VAT-inclusive line total.
type VATShown struct {
	Category string      `json:"category"`
	Percent  o2o.Decimal `json:"percent"`
	Included o2o.Money   `json:"included"`
}

// Quote is a policy's answer: the list price, each step that changed or
// decided it, the benefits granted, the violations found, the outcome
// flags, and the final unit price and line total (unit price × quantity,
// plus a line_total step when that product has a fraction of a fen).
// Every step but line_total chains on the unit price (each Base is the
// previous Result, from zero to UnitPrice); the line_total step goes from
// UnitPrice × Quantity to LineTotal, and the step after it starts from the
// unit price again (see the package doc, "Explaining a quote").
// Quote is a plain value; it round-trips through JSON.
type Quote struct {
	SKU        string         `json:"sku"`
	BrandModel o2o.BrandModel `json:"brandModel"`
	Category   string         `json:"category"`
	Region     o2o.RegionCode `json:"region"`
	Channel    o2o.Channel    `json:"channel"`
	Placed     o2o.Placement  `json:"placed"`
	Quantity   o2o.Quantity   `json:"quantity"`
	At         time.Time      `json:"at"`
	// ListPrice is the book price; ListScope is "national" or the province.
	ListPrice o2o.Money `json:"listPrice"`
	ListScope string    `json:"listScope"`
	Floor     o2o.Money `json:"floor"`
	// The steps and benefits (see Steps, Benefits and WithSteps; in JSON
	// "steps" and "benefits").
	tr         trail
	Violations []Violation `json:"violations,omitempty"`
	Flags      Flags       `json:"flags"`
	// Stage is the ladder stage applied (0 for none).
	Stage     int       `json:"stage,omitempty"`
	UnitPrice o2o.Money `json:"unitPrice"`
	LineTotal o2o.Money `json:"lineTotal"`
	VAT       *VATShown `json:"vat,omitempty"`
}

// quoteJSON is a quote's JSON form.
type quoteJSON struct {
	SKU        string         `json:"sku"`
	BrandModel o2o.BrandModel `json:"brandModel"`
	Category   string         `json:"category"`
	Region     o2o.RegionCode `json:"region"`
	Channel    o2o.Channel    `json:"channel"`
	Placed     o2o.Placement  `json:"placed"`
	Quantity   o2o.Quantity   `json:"quantity"`
	At         time.Time      `json:"at"`
	ListPrice  o2o.Money      `json:"listPrice"`
	ListScope  string         `json:"listScope"`
	Floor      o2o.Money      `json:"floor"`
	Steps      []Step         `json:"steps"`
	Benefits   []Benefit      `json:"benefits,omitempty"`
	Violations []Violation    `json:"violations,omitempty"`
	Flags      Flags          `json:"flags"`
	Stage      int            `json:"stage,omitempty"`
	UnitPrice  o2o.Money      `json:"unitPrice"`
	LineTotal  o2o.Money      `json:"lineTotal"`
	VAT        *VATShown      `json:"vat,omitempty"`
}

// UnmarshalJSON decodes a quote strictly (unknown fields refused).
func (q *Quote) UnmarshalJSON(data []byte) error {
	var p quoteJSON
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*q = Quote{SKU: p.SKU, BrandModel: p.BrandModel, Category: p.Category, Region: p.Region, Channel: p.Channel,
		Placed: p.Placed, Quantity: p.Quantity, At: p.At, ListPrice: p.ListPrice, ListScope: p.ListScope, Floor: p.Floor,
		tr: newTrail(p.Steps, p.Benefits), Violations: p.Violations, Flags: p.Flags, Stage: p.Stage,
		UnitPrice: p.UnitPrice, LineTotal: p.LineTotal, VAT: p.VAT}
	return nil
}

// UnmarshalJSON decodes a request strictly (unknown fields refused).
func (r *Request) UnmarshalJSON(data []byte) error {
	type plain Request
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*r = Request(p)
	return nil
}

// MarshalJSON is the default encoding; it exists so that Quote's JSON form
// is documented next to UnmarshalJSON.
func (q Quote) MarshalJSON() ([]byte, error) {
	steps := q.Steps()
	return json.Marshal(quoteJSON{SKU: q.SKU, BrandModel: q.BrandModel, Category: q.Category, Region: q.Region,
		Channel: q.Channel, Placed: q.Placed, Quantity: q.Quantity, At: q.At, ListPrice: q.ListPrice,
		ListScope: q.ListScope, Floor: q.Floor, Steps: steps, Benefits: q.Benefits(), Violations: q.Violations,
		Flags: q.Flags, Stage: q.Stage, UnitPrice: q.UnitPrice, LineTotal: q.LineTotal, VAT: q.VAT})
}

// Explain returns a readable breakdown of the quote: the product and
// where it was ordered, every step, the line total, the VAT, the benefits,
// the violations and the flags. The text is deterministic.
func (q Quote) Explain() string {
	var b strings.Builder
	where := "online"
	if q.Placed.InStore() {
		where = fmt.Sprintf("in store %s", q.Placed.StoreID)
		if q.Placed.Venue == o2o.VenueStoreScreen {
			where += " (on the store's screen)"
		}
	}
	fmt.Fprintf(&b, "Quote %s (%s, %s): %s, %s, region %s, %s channel\n",
		q.SKU, q.BrandModel, q.Category, q.Quantity, where, q.Region, q.Channel)
	for i, s := range q.Steps() {
		fmt.Fprintf(&b, "  %d. %-15s %12s %13s = %12s  %s\n", i+1, s.Rule,
			s.Base().AmountString(), signed(s.Amount()), s.Result().AmountString(), s.Reason())
	}
	fmt.Fprintf(&b, "Unit price %s × %s = line total %s\n", q.UnitPrice, q.Quantity, q.LineTotal)
	if q.VAT != nil {
		fmt.Fprintf(&b, "VAT %s%% included: %s (category %s)\n", q.VAT.Percent, q.VAT.Included, q.VAT.Category)
	}
	if bens := q.Benefits(); len(bens) > 0 {
		b.WriteString("Benefits (the unit price is unchanged):\n")
		for _, bn := range bens {
			g := bn.Line()
			stage := ""
			if g.Stage > 0 {
				stage = fmt.Sprintf(" stage %d", g.Stage)
			}
			fmt.Fprintf(&b, "  - %s%s: %s; price %s, cost %s, funded by %s\n", g.Code, stage, g.Description,
				g.Price.AmountString(), g.Cost.AmountString(), g.FundedBy)
		}
	}
	for _, v := range q.Violations {
		fmt.Fprintf(&b, "Violation (%s): %s\n", v.Rule, v.Reason)
	}
	if f := q.Flags.names(); f != "" {
		fmt.Fprintf(&b, "Flags: %s\n", f)
	}
	return b.String()
}

func signed(m o2o.Money) string {
	if m.IsNegative() {
		return m.AmountString()
	}
	return "+" + m.AmountString()
}

func (f Flags) names() string {
	var out []string
	for _, x := range []struct {
		on   bool
		name string
	}{
		{f.Matched, "matched"}, {f.Capped, "capped"}, {f.Rounded, "rounded"}, {f.Floored, "floored"},
		{f.StageFallback, "stage fallback"}, {f.Negotiated, "negotiated"}, {f.Clearance, "clearance"},
	} {
		if x.on {
			out = append(out, x.name)
		}
	}
	return strings.Join(out, ", ")
}
