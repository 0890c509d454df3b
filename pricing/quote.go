package pricing

import (
	"fmt"
	"strings"
	"time"

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
	// counts as in store.
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
// the price after (Result). Code and Facts say why, Facts holding only the
// fields its code uses (see each ReasonCode); Reason formats them. Every
// amount, facts included, is in the quote's currency.
//
// In JSON a step also carries its formatted "reason", and its facts only
// the fields its code uses, amounts and percent written out even when
// zero; decoding refuses unknown fields, a reason that is not what the
// code and facts format to, and facts the code does not use.
type Step struct {
	Rule   RuleName
	Code   ReasonCode
	Base   o2o.Money
	Amount o2o.Money
	Result o2o.Money
	Facts  Facts
}

// stepJSON is a step's JSON form: the step, its reason, and the facts its
// code uses.
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

// MarshalJSON writes the step with its reason formatted from the code and
// facts, and only the facts its code uses.
func (s Step) MarshalJSON() ([]byte, error) {
	return s.appendJSON(make([]byte, 0, 640))
}

// UnmarshalJSON decodes a step strictly. The reason is derived data: it
// must be exactly what the code and facts format to, the facts must be
// those the code uses, its amounts and percent written out, and every
// amount must be in the base's currency; otherwise decoding fails with
// o2o.ErrInvalid.
func (s *Step) UnmarshalJSON(data []byte) error {
	var p stepJSON
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	if !p.Rule.Valid() {
		return &o2o.EnumError{Enum: "pricing rule", Value: string(p.Rule)}
	}
	if !p.Code.Valid() {
		return &o2o.EnumError{Enum: "reason code", Value: string(p.Code)}
	}
	j, uses := p.Facts, p.Code.facts()
	f := Facts{Party: j.Party, Label: j.Label, Region: j.Region, Product: j.Product, Quantity: j.Quantity,
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
		f.Percent = *j.Percent
	}
	if j.Figure != nil {
		f.Figure = *j.Figure
	}
	if j.Limit != nil {
		f.Limit = *j.Limit
	}
	if j.Cost != nil {
		f.Cost = *j.Cost
	}
	if !factsEqual(f.only(uses), f) {
		return o2o.Invalidf("facts", "carries facts that code %s does not use", p.Code)
	}
	cur := p.Base.Currency()
	for _, m := range []o2o.Money{p.Amount, p.Result, f.Figure, f.Limit, f.Cost} {
		if m != (o2o.Money{}) && m.Currency() != cur {
			return fmt.Errorf("step %s: amount in %s, base in %s: %w", p.Rule, m.Currency(), cur, o2o.ErrCurrencyMismatch)
		}
	}
	st := Step{Rule: p.Rule, Code: p.Code, Base: p.Base, Amount: p.Amount, Result: p.Result, Facts: f}
	if got := st.Reason(); got != p.Reason {
		return o2o.Invalidf("reason", "does not match code %s and its facts: want %q", p.Code, got)
	}
	*s = st
	return nil
}

// only returns the fields of f that uses names; the others are zero.
func (f *Facts) only(uses factField) Facts {
	var o Facts
	f.copyTo(&o, uses)
	return o
}

// copyTo sets the fields of o that uses names to those of f, and leaves
// the others.
func (f *Facts) copyTo(o *Facts, uses factField) {
	if uses&factParty != 0 {
		o.Party = f.Party
	}
	if uses&factLabel != 0 {
		o.Label = f.Label
	}
	if uses&factRegion != 0 {
		o.Region = f.Region
	}
	if uses&factProduct != 0 {
		o.Product = f.Product
	}
	if uses&factPercent != 0 {
		o.Percent = f.Percent
	}
	if uses&factFigure != 0 {
		o.Figure = f.Figure
	}
	if uses&factLimit != 0 {
		o.Limit = f.Limit
	}
	if uses&factCost != 0 {
		o.Cost = f.Cost
	}
	if uses&factQuantity != 0 {
		o.Quantity = f.Quantity
	}
	if uses&factMode != 0 {
		o.Mode = f.Mode
	}
	if uses&factIncrement != 0 {
		o.Increment = f.Increment
	}
	if uses&factStage != 0 {
		o.Stage = f.Stage
	}
	if uses&factAsked != 0 {
		o.Asked = f.Asked
	}
	if uses&factCount != 0 {
		o.Count = f.Count
	}
}

// factsEqual reports whether a and b hold the same facts.
func factsEqual(a, b Facts) bool {
	return a.Party == b.Party && a.Label == b.Label && a.Region == b.Region && a.Product == b.Product &&
		a.Percent.Equal(b.Percent.Decimal) && a.Figure.Equal(b.Figure) && a.Limit.Equal(b.Limit) && a.Cost.Equal(b.Cost) &&
		a.Quantity.Unit == b.Quantity.Unit && a.Quantity.Value.Equal(b.Quantity.Value.Decimal) &&
		a.Mode == b.Mode && a.Increment == b.Increment && a.Stage == b.Stage && a.Asked == b.Asked && a.Count == b.Count
}

// Benefit is a benefit granted with a quote: a line that does not change
// the unit price — a value-added service, or a ladder benefit funded by a
// campaign. Price is what the customer pays for the line (zero, or
// negative for a payback) and Cost what it costs the funder (FundedBy:
// "headquarters" for value-added services, the campaign id for ladder
// benefits); a products_free line costs the quote's line total. Decoding
// refuses unknown fields, an unknown rule or kind, and a price and cost in
// different currencies.
type Benefit struct {
	// Rule is the rule that granted the benefit (value_added or ladder).
	Rule RuleName `json:"rule"`
	// Stage is the ladder stage that added the benefit (0 for value-added
	// services).
	Stage int `json:"stage,omitempty"`
	// Code is the benefit's code, such as "free_design".
	Code string `json:"code"`
	// Description is the benefit's readable description.
	Description string `json:"description"`
	// Kind is what the benefit is: a service, products free or a payback.
	Kind     BenefitKind `json:"kind"`
	Price    o2o.Money   `json:"price"`
	Cost     o2o.Money   `json:"cost"`
	FundedBy string      `json:"fundedBy"`
}

// UnmarshalJSON decodes a benefit strictly.
func (b *Benefit) UnmarshalJSON(data []byte) error {
	type plain Benefit
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	if p.Price.Currency() != p.Cost.Currency() {
		return fmt.Errorf("benefit %s: price in %s, cost in %s: %w", p.Code, p.Price.Currency(), p.Cost.Currency(), o2o.ErrCurrencyMismatch)
	}
	*b = Benefit(p)
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
	// Negotiated: a negotiated price (议价) applied.
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
	// Segment and AccountID are the customer segment and account the quote
	// was priced for: UnifiedPrice checks a negotiated price against them.
	Segment   o2o.Segment  `json:"segment"`
	AccountID string       `json:"accountId,omitempty"`
	Quantity  o2o.Quantity `json:"quantity"`
	At        time.Time    `json:"at"`
	// ListPrice is the book price; ListScope is "national" or the province.
	ListPrice o2o.Money `json:"listPrice"`
	ListScope string    `json:"listScope"`
	Floor     o2o.Money `json:"floor"`
	// Steps are the steps, in order.
	Steps []Step `json:"steps"`
	// Benefits are the benefits granted, in order.
	Benefits   []Benefit   `json:"benefits,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
	Flags      Flags       `json:"flags"`
	// Stage is the ladder stage applied (0 for none).
	Stage     int       `json:"stage,omitempty"`
	UnitPrice o2o.Money `json:"unitPrice"`
	LineTotal o2o.Money `json:"lineTotal"`
	VAT       *VATShown `json:"vat,omitempty"`
}

// MarshalJSON writes the quote: its fields under their JSON names, each
// step with its reason. An amount that is not Encodable, or an unknown
// enum value, is an error.
func (q Quote) MarshalJSON() ([]byte, error) {
	return q.appendJSON(make([]byte, 0, q.sizeHint()))
}

// sizeHint is about the length of the quote's JSON, a little over, and at
// least 4 KB: a buffer of that capacity is written without growing (a step
// with its reason and facts takes about 500 bytes, a benefit or a
// violation less; long names and reasons take more).
func (q Quote) sizeHint() int {
	return max(4096, 1536+640*len(q.Steps)+384*(len(q.Benefits)+len(q.Violations)))
}

// AppendJSON appends the quote's JSON to b, byte for byte what
// json.Marshal writes, for a caller that writes responses into its own
// buffer: json.Marshal checks and copies whatever MarshalJSON returns,
// AppendJSON does not. On error b is returned unchanged.
func (q Quote) AppendJSON(b []byte) ([]byte, error) {
	out, err := q.appendJSON(b)
	if err != nil {
		return b, err
	}
	return out, nil
}

// UnmarshalJSON decodes a quote strictly: unknown fields are refused, and
// each step and benefit is checked as it decodes.
func (q *Quote) UnmarshalJSON(data []byte) error {
	type plain Quote
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*q = Quote(p)
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
	for i, s := range q.Steps {
		fmt.Fprintf(&b, "  %d. %-15s %12s %13s = %12s  %s\n", i+1, s.Rule,
			s.Base.AmountString(), signed(s.Amount), s.Result.AmountString(), s.Reason())
	}
	fmt.Fprintf(&b, "Unit price %s × %s = line total %s\n", q.UnitPrice, q.Quantity, q.LineTotal)
	if q.VAT != nil {
		fmt.Fprintf(&b, "VAT %s%% included: %s (category %s)\n", q.VAT.Percent, q.VAT.Included, q.VAT.Category)
	}
	if len(q.Benefits) > 0 {
		b.WriteString("Benefits (the unit price is unchanged):\n")
		for _, g := range q.Benefits {
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
