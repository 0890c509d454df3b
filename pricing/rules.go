package pricing

import (
	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// RuleName names a rule of a pricing procedure, and the rule behind each
// step of a quote. It marshals as its text form.
type RuleName string

// The rules a procedure may list, in the default order, and the step-only
// name RuleLineTotal.
const (
	// RuleListPrice takes the book price: province first, then national (全省一个价).
	RuleListPrice RuleName = "list_price"
	// RuleClearance marks returned goods down by condition grade, in the
	// store holding them only.
	RuleClearance RuleName = "clearance"
	// RuleOnlineUplift adds a bounded uplift to orders placed online.
	RuleOnlineUplift RuleName = "online_uplift"
	// RuleNegotiation handles a requested lower price: refused (不讲价, the
	// default), or a negotiated price (议价) for designated group
	// accounts within a band and above a floor.
	RuleNegotiation RuleName = "negotiation"
	// RuleNetworkLowest checks the price against the lowest price observed on
	// the network for the same brand and model (同品牌同款产品全网最低).
	RuleNetworkLowest RuleName = "network_lowest"
	// RuleRounding rounds the unit price to the configured increment and
	// computes the line total.
	RuleRounding RuleName = "rounding"
	// RuleValueAdded grants value-added services (增值服务) to designated
	// group accounts, price unchanged.
	RuleValueAdded RuleName = "value_added"
	// RuleLadder grants the promotion ladder's benefits, funded by the campaign.
	RuleLadder RuleName = "ladder"
	// RuleVAT shows the VAT included in the line total at the category's rate.
	RuleVAT RuleName = "vat"
	// RuleLineTotal is the step that carries a rounding difference between
	// unit × quantity and the line total. It is not listed in a procedure.
	// It is a line-level step on its own: its Base is unit price × quantity
	// (exact) and its Result the line total, so it does not chain with the
	// unit-price steps around it; the step after it starts again from the
	// unit price (see Quote).
	RuleLineTotal RuleName = "line_total"
)

// RuleNames returns every rule name in the default procedure order, then
// RuleLineTotal.
func RuleNames() []RuleName {
	return append(DefaultProcedure(), RuleLineTotal)
}

// DefaultProcedure returns the default procedure: list price, clearance,
// online uplift, negotiation, network lowest, rounding, value-added
// services, ladder, VAT.
func DefaultProcedure() []RuleName {
	return []RuleName{RuleListPrice, RuleClearance, RuleOnlineUplift, RuleNegotiation, RuleNetworkLowest,
		RuleRounding, RuleValueAdded, RuleLadder, RuleVAT}
}

// String returns the text form.
func (r RuleName) String() string { return string(r) }

// Valid reports whether r is a rule name.
func (r RuleName) Valid() bool { return enum.Valid(r, ruleNames...) }

// ruleNames is RuleNames, made once: Valid runs for every step encoded.
// It is never written to.
var ruleNames = RuleNames()

// MarshalText returns the text form; it refuses an unknown name.
func (r RuleName) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, &o2o.EnumError{Enum: "pricing rule", Value: string(r)}
	}
	return []byte(r), nil
}

// UnmarshalText accepts exactly one of the rule names.
func (r *RuleName) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, RuleNames()...)
	if !ok {
		return &o2o.EnumError{Enum: "pricing rule", Value: string(text)}
	}
	*r = v
	return nil
}

// phase orders the rules: price rules, then rounding, then rules that
// attach benefits or disclosures to the rounded price.
func (r RuleName) phase() int {
	switch r {
	case RuleListPrice:
		return 0
	case RuleClearance, RuleOnlineUplift, RuleNegotiation, RuleNetworkLowest:
		return 1
	case RuleRounding:
		return 2
	}
	return 3
}

// NetworkMode says what the network-lowest rule does when a lower price is
// observed.
type NetworkMode string

// The network-lowest modes.
const (
	// NetworkMatch lowers the price to the lowest fresh observation, never
	// below the floor; if the floor forbids it, a violation is reported.
	NetworkMatch NetworkMode = "match"
	// NetworkReport keeps the price and reports the violation.
	NetworkReport NetworkMode = "report"
)

func networkModes() []NetworkMode { return []NetworkMode{NetworkMatch, NetworkReport} }

// String returns the text form.
func (m NetworkMode) String() string { return string(m) }

// MarshalText returns the text form; it refuses an unknown mode.
func (m NetworkMode) MarshalText() ([]byte, error) {
	if !enum.Valid(m, networkModes()...) {
		return nil, &o2o.EnumError{Enum: "network mode", Value: string(m)}
	}
	return []byte(m), nil
}

// UnmarshalText accepts exactly "match" or "report".
func (m *NetworkMode) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, networkModes()...)
	if !ok {
		return &o2o.EnumError{Enum: "network mode", Value: string(text)}
	}
	*m = v
	return nil
}

// Increment is the step unit prices are rounded to.
type Increment string

// The rounding increments. The zero value is IncrementFen.
const (
	// IncrementFen rounds to 0.01 (分).
	IncrementFen Increment = "fen"
	// IncrementJiao rounds to 0.10 (角).
	IncrementJiao Increment = "jiao"
	// IncrementYuan rounds to 1.00 (元).
	IncrementYuan Increment = "yuan"
)

func increments() []Increment { return []Increment{IncrementFen, IncrementJiao, IncrementYuan} }

// places returns the decimal places of the increment.
func (i Increment) places() int32 {
	switch i {
	case IncrementJiao:
		return 1
	case IncrementYuan:
		return 0
	}
	return 2
}

// String returns the text form ("fen" for the zero value).
func (i Increment) String() string {
	if i == "" {
		return string(IncrementFen)
	}
	return string(i)
}

// MarshalText returns the text form; it refuses an unknown increment.
func (i Increment) MarshalText() ([]byte, error) {
	if i != "" && !enum.Valid(i, increments()...) {
		return nil, &o2o.EnumError{Enum: "rounding increment", Value: string(i)}
	}
	return []byte(i.String()), nil
}

// UnmarshalText accepts exactly "fen", "jiao" or "yuan".
func (i *Increment) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, increments()...)
	if !ok {
		return &o2o.EnumError{Enum: "rounding increment", Value: string(text)}
	}
	*i = v
	return nil
}

// BenefitKind is what a benefit line is.
type BenefitKind string

// The benefit kinds.
const (
	// BenefitService is a service line at zero price whose cost the funder
	// carries (free construction, free design, an extended warranty,
	// priority scheduling, a waived house or decoration fee).
	BenefitService BenefitKind = "service"
	// BenefitProductsFree covers the product line total (免单): zero price
	// to the customer, the line total as the funder's cost.
	BenefitProductsFree BenefitKind = "products_free"
	// BenefitPayback is cash paid back to the customer: a negative payable line.
	BenefitPayback BenefitKind = "payback"
)

func benefitKinds() []BenefitKind {
	return []BenefitKind{BenefitService, BenefitProductsFree, BenefitPayback}
}

// String returns the text form.
func (k BenefitKind) String() string { return string(k) }

// Valid reports whether k is a known benefit kind.
func (k BenefitKind) Valid() bool { return enum.Valid(k, benefitKinds()...) }

// MarshalText returns the text form; it refuses an unknown kind.
func (k BenefitKind) MarshalText() ([]byte, error) {
	if !enum.Valid(k, benefitKinds()...) {
		return nil, &o2o.EnumError{Enum: "benefit kind", Value: string(k)}
	}
	return []byte(k), nil
}

// UnmarshalText accepts exactly "service", "products_free" or "payback".
func (k *BenefitKind) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, benefitKinds()...)
	if !ok {
		return &o2o.EnumError{Enum: "benefit kind", Value: string(text)}
	}
	*k = v
	return nil
}
