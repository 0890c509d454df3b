package pricing

import (
	"fmt"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// ReasonCode says why a step of a quote happened, in a stable,
// machine-readable form. A step carries its code and the Facts it quotes;
// Step.Reason formats the readable reason from them (Step.String,
// Quote.Explain and a step's JSON use it). Each code's comment lists the
// facts it uses.
type ReasonCode string

// The reason codes, by rule.
const (
	// ReasonProvincePrice: the province's own price (Facts.Region: the province).
	ReasonProvincePrice ReasonCode = "province_price"
	// ReasonNationalPrice: the province has no price, the national one
	// applies (Facts.Region: the province asked for).
	ReasonNationalPrice ReasonCode = "national_price"
	// ReasonFreeService: a service item the book prices at zero, such as
	// the free on-site measurement (Facts.Label: the service kind, Region:
	// the province asked for).
	ReasonFreeService ReasonCode = "free_service"
	// ReasonClearance: returned goods marked down (Facts.Label: grade,
	// Percent: markdown, Party: the store holding them).
	ReasonClearance ReasonCode = "clearance_markdown"
	// ReasonStoreScreen: ordered on a store's own screen, no uplift (Facts.Party: the store).
	ReasonStoreScreen ReasonCode = "store_screen"
	// ReasonOnlineUplift: ordered online (Facts.Percent: the uplift).
	ReasonOnlineUplift ReasonCode = "online_uplift"
	// ReasonOnlineUpliftCapped: ordered online, uplift capped (Facts.Percent,
	// Figure: the cap).
	ReasonOnlineUpliftCapped ReasonCode = "online_uplift_capped"
	// ReasonNegotiationNotLower: the requested price is not below the
	// current one (Facts.Figure: the price asked).
	ReasonNegotiationNotLower ReasonCode = "negotiation_not_lower"
	// ReasonNegotiated: a negotiated price (议价) applied (Facts.Party: the
	// account, Percent: the band, Limit: the floor).
	ReasonNegotiated ReasonCode = "negotiated"
	// ReasonNetworkClearance: clearance goods are not compared with the network.
	ReasonNetworkClearance ReasonCode = "network_clearance_excluded"
	// ReasonNetworkNoObservation: no fresh outside observation (Facts.Product).
	ReasonNetworkNoObservation ReasonCode = "network_no_observation"
	// ReasonNetworkLowest: already the lowest on the network (Facts.Product,
	// Figure: the lowest observed, Party: its source).
	ReasonNetworkLowest ReasonCode = "network_lowest"
	// ReasonNetworkReported: a lower price was reported, the price kept
	// (Facts.Figure: the lowest observed, Party: its source).
	ReasonNetworkReported ReasonCode = "network_reported"
	// ReasonNetworkFloorBlocks: the floor is not below the price, nothing to
	// match (Facts.Figure, Party, Limit: the floor).
	ReasonNetworkFloorBlocks ReasonCode = "network_floor_blocks"
	// ReasonNetworkMatchedFloor: matched toward a lower price but held at the
	// floor (Facts.Figure, Party, Limit: the floor).
	ReasonNetworkMatchedFloor ReasonCode = "network_matched_floor"
	// ReasonNetworkMatched: matched the lowest price on the network
	// (Facts.Product, Figure, Party).
	ReasonNetworkMatched ReasonCode = "network_matched"
	// ReasonRoundedUpToFloor: rounded up to stay at or above the floor
	// (Facts.Increment, Limit: the floor).
	ReasonRoundedUpToFloor ReasonCode = "rounded_up_to_floor"
	// ReasonRounded: the unit price rounded (Facts.Increment, Mode).
	ReasonRounded ReasonCode = "rounded"
	// ReasonRoundingDifference: the line total rounded to the fen; the step's
	// Base is unit × quantity (Facts.Figure: the unit price, Quantity, Mode).
	ReasonRoundingDifference ReasonCode = "rounding_difference"
	// ReasonValueAdded: value-added services (增值服务) granted (Facts.Party:
	// the account, Count: the services).
	ReasonValueAdded ReasonCode = "value_added"
	// ReasonLadderClearance: clearance goods are excluded from the ladder.
	ReasonLadderClearance ReasonCode = "ladder_clearance_excluded"
	// ReasonLadderStage: the stage asked for applies (Facts.Party: the
	// campaign, Stage, Count: benefit lines, Cost, Limit: the funding left).
	ReasonLadderStage ReasonCode = "ladder_stage"
	// ReasonLadderFallback: a lower stage applies (Facts.Party, Asked: the
	// stage asked for, Figure: its cost, Limit: the funding left, Stage: the
	// stage applied, Cost: its cost).
	ReasonLadderFallback ReasonCode = "ladder_fallback"
	// ReasonLadderUnaffordable: not even stage 1 is affordable (Facts.Party,
	// Asked, Limit: the funding left, Figure: stage 1's cost).
	ReasonLadderUnaffordable ReasonCode = "ladder_unaffordable"
	// ReasonVATIncluded: the VAT contained in the line total (Facts.Percent:
	// the rate, Label: the category, Figure: the VAT).
	ReasonVATIncluded ReasonCode = "vat_included"
)

// ReasonCodes returns every reason code.
func ReasonCodes() []ReasonCode {
	return []ReasonCode{ReasonProvincePrice, ReasonNationalPrice, ReasonFreeService, ReasonClearance, ReasonStoreScreen,
		ReasonOnlineUplift, ReasonOnlineUpliftCapped, ReasonNegotiationNotLower, ReasonNegotiated,
		ReasonNetworkClearance, ReasonNetworkNoObservation, ReasonNetworkLowest, ReasonNetworkReported,
		ReasonNetworkFloorBlocks, ReasonNetworkMatchedFloor, ReasonNetworkMatched, ReasonRoundedUpToFloor,
		ReasonRounded, ReasonRoundingDifference, ReasonValueAdded, ReasonLadderClearance, ReasonLadderStage,
		ReasonLadderFallback, ReasonLadderUnaffordable, ReasonVATIncluded}
}

// String returns the text form.
func (c ReasonCode) String() string { return string(c) }

// Valid reports whether c is a reason code.
func (c ReasonCode) Valid() bool { return enum.Valid(c, ReasonCodes()...) }

// MarshalText returns the text form; it refuses an unknown code.
func (c ReasonCode) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, &o2o.EnumError{Enum: "reason code", Value: string(c)}
	}
	return []byte(c), nil
}

// UnmarshalText accepts exactly one of the reason codes.
func (c *ReasonCode) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, ReasonCodes()...)
	if !ok {
		return &o2o.EnumError{Enum: "reason code", Value: string(text)}
	}
	*c = v
	return nil
}

// factField names a field of Facts.
type factField uint16

const (
	factParty factField = 1 << iota
	factLabel
	factRegion
	factProduct
	factPercent
	factFigure // factLimit and factCost must follow, in this order
	factLimit
	factCost
	factQuantity
	factMode
	factIncrement
	factStage
	factAsked
	factCount
)

// facts returns the fields of Facts the code's reason uses (as each code's
// comment lists them); a step keeps only those.
func (c ReasonCode) facts() factField {
	switch c {
	case ReasonProvincePrice, ReasonNationalPrice:
		return factRegion
	case ReasonFreeService:
		return factLabel | factRegion
	case ReasonClearance:
		return factLabel | factPercent | factParty
	case ReasonStoreScreen:
		return factParty
	case ReasonOnlineUplift:
		return factPercent
	case ReasonOnlineUpliftCapped:
		return factPercent | factFigure
	case ReasonNegotiationNotLower:
		return factFigure
	case ReasonNegotiated:
		return factParty | factPercent | factLimit
	case ReasonNetworkNoObservation:
		return factProduct
	case ReasonNetworkLowest, ReasonNetworkMatched:
		return factProduct | factFigure | factParty
	case ReasonNetworkReported:
		return factFigure | factParty
	case ReasonNetworkFloorBlocks, ReasonNetworkMatchedFloor:
		return factFigure | factParty | factLimit
	case ReasonRoundedUpToFloor:
		return factIncrement | factLimit
	case ReasonRounded:
		return factIncrement | factMode
	case ReasonRoundingDifference:
		return factFigure | factQuantity | factMode
	case ReasonValueAdded:
		return factParty | factCount
	case ReasonLadderStage:
		return factParty | factStage | factCount | factCost | factLimit
	case ReasonLadderFallback:
		return factParty | factAsked | factFigure | factLimit | factStage | factCost
	case ReasonLadderUnaffordable:
		return factParty | factAsked | factLimit | factFigure
	case ReasonVATIncluded:
		return factPercent | factLabel | factFigure
	}
	return 0
}

// Facts are the names and figures a step's reason quotes. Which fields a
// step fills depends on its ReasonCode (see each code); the others are
// zero. In a step's JSON only the facts its code uses are written, every
// amount and percent among them even when zero, so that a zero amount keeps
// its currency; Facts on its own always writes its amounts and percent, for
// the same reason (o2o.Money.IsZero reports a zero amount, so "omitzero"
// would turn 0 USD into 0 CNY).
type Facts struct {
	// Party is the store, account, campaign or network source named.
	Party string `json:"party,omitempty"`
	// Label is a condition grade or a product category.
	Label string `json:"label,omitempty"`
	// Region is the province whose price was looked up.
	Region o2o.RegionCode `json:"region,omitzero"`
	// Product is the brand and model compared with the network.
	Product o2o.BrandModel `json:"product,omitzero"`
	// Percent is an uplift, markdown, band or VAT rate, in percent.
	Percent o2o.Decimal `json:"percent"`
	// Figure is the amount the reason is about: a cap, a price asked, the
	// lowest observed, a unit price, a stage's cost or the VAT.
	Figure o2o.Money `json:"figure"`
	// Limit is the floor or the campaign funding left.
	Limit o2o.Money `json:"limit"`
	// Cost is the cost of the ladder stage applied.
	Cost o2o.Money `json:"cost"`
	// Quantity is the quantity of a line total.
	Quantity o2o.Quantity `json:"quantity,omitzero"`
	// Mode and Increment are the rounding applied.
	Mode      o2o.RoundingMode `json:"mode,omitempty"`
	Increment Increment        `json:"increment,omitempty"`
	// Stage is the ladder stage applied, Asked the stage asked for.
	Stage int `json:"stage,omitempty"`
	Asked int `json:"asked,omitempty"`
	// Count is the number of services or benefit lines granted.
	Count int `json:"count,omitempty"`
}

// Reason returns the step's readable reason, formatted from its code and
// facts, with the Chinese term in parentheses where it helps.
func (s Step) Reason() string {
	f := s.Facts
	switch s.Code {
	case ReasonProvincePrice:
		return fmt.Sprintf("province price of %s: one price per province (全省一个价)", f.Region)
	case ReasonNationalPrice:
		return fmt.Sprintf("national price: province %s has no price of its own (全国统一价)", f.Region)
	case ReasonFreeService:
		return fmt.Sprintf("free service (%s): the book prices it at zero for province %s; nothing to pay (免费)", f.Label, f.Region)
	case ReasonClearance:
		return fmt.Sprintf("returned goods of grade %s marked down %s%% in store %s (退换货就地低价出售)", f.Label, f.Percent, f.Party)
	case ReasonStoreScreen:
		return fmt.Sprintf("ordered online on store %s's own screen: counts as in store, no uplift", f.Party)
	case ReasonOnlineUplift:
		return fmt.Sprintf("ordered online: %s%% above the in-store price (线上价格比线下高一点)", f.Percent)
	case ReasonOnlineUpliftCapped:
		return fmt.Sprintf("ordered online: %s%% above the in-store price (线上价格比线下高一点), capped at %s", f.Percent, f.Figure)
	case ReasonNegotiationNotLower:
		return fmt.Sprintf("requested price %s is not below the current price; unchanged", f.Figure)
	case ReasonNegotiated:
		return fmt.Sprintf("negotiated price (议价) for designated group account %s, within %s%% of list and above the floor %s", f.Party, f.Percent, f.Limit)
	case ReasonNetworkClearance:
		return "clearance goods are not compared with the network"
	case ReasonNetworkNoObservation:
		return fmt.Sprintf("no fresh outside observation of %s: the price stands (全网最低)", f.Product)
	case ReasonNetworkLowest:
		return fmt.Sprintf("lowest on the network for %s (同品牌同款产品全网最低): lowest observed %s at %s", f.Product, f.Figure, f.Party)
	case ReasonNetworkReported:
		return fmt.Sprintf("not the lowest on the network: %s at %s; reported, price kept", f.Figure, f.Party)
	case ReasonNetworkFloorBlocks:
		return fmt.Sprintf("cannot match %s at %s: the floor %s is not below the price", f.Figure, f.Party, f.Limit)
	case ReasonNetworkMatchedFloor:
		return fmt.Sprintf("matched toward %s at %s but held at the floor %s (全网最低)", f.Figure, f.Party, f.Limit)
	case ReasonNetworkMatched:
		return fmt.Sprintf("matched the lowest price on the network for %s: %s at %s (同品牌同款产品全网最低)", f.Product, f.Figure, f.Party)
	case ReasonRoundedUpToFloor:
		return fmt.Sprintf("rounded up to the %s to stay at or above the floor %s", f.Increment, f.Limit)
	case ReasonRounded:
		return fmt.Sprintf("unit price rounded to the %s (%s)", f.Increment, f.Mode)
	case ReasonRoundingDifference:
		return fmt.Sprintf("rounding difference: %s × %s = %s, line total rounded to the fen (%s)", f.Figure.AmountString(), f.Quantity, s.Base.AmountString(), f.Mode)
	case ReasonValueAdded:
		return fmt.Sprintf("designated group account %s receives %d value-added service(s) (增值服务) instead of a discount; price unchanged", f.Party, f.Count)
	case ReasonLadderClearance:
		return "clearance goods are excluded from the promotion ladder"
	case ReasonLadderStage:
		return fmt.Sprintf("campaign %s stage %d: %d benefit line(s) costing %s, covered by the %s of funding left; the unit price is unchanged", f.Party, f.Stage, f.Count, f.Cost, f.Limit)
	case ReasonLadderFallback:
		return fmt.Sprintf("campaign %s asks for stage %d, which needs %s, but only %s of funding is left: stage %d applies, costing %s (every move backed by the supply chain)", f.Party, f.Asked, f.Figure, f.Limit, f.Stage, f.Cost)
	case ReasonLadderUnaffordable:
		return fmt.Sprintf("campaign %s asks for stage %d, but %s of funding left does not cover even stage 1 (%s): no ladder benefits", f.Party, f.Asked, f.Limit, f.Figure)
	case ReasonVATIncluded:
		return fmt.Sprintf("price includes VAT at %s%% for category %s: %s", f.Percent, f.Label, f.Figure)
	}
	return fmt.Sprintf("unknown reason code %q", string(s.Code))
}

// String returns the step on one line: rule, base, amount, result and reason.
func (s Step) String() string {
	return fmt.Sprintf("%s %s %s = %s: %s", s.Rule, s.Base.AmountString(), signed(s.Amount), s.Result.AmountString(), s.Reason())
}
