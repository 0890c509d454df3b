package channel

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/o2okit/o2okit/o2o"
)

// Rule names the rule behind a verdict, a routing decision or a finding.
// Rules are stable text, safe to store and to match on.
type Rule string

// The rules of the package.
const (
	// RuleSameModelBothLines: the same brand and model on the O2O and the
	// dealer line breaks product segregation (产品区隔).
	RuleSameModelBothLines Rule = "segregation.same_model_both_lines"
	// RuleB2COnlyVariant: an online-only SKU of a model the stores sell is a
	// conflict risk between B2C and the stores.
	RuleB2COnlyVariant Rule = "segregation.b2c_only_variant"
	// RuleDealerLineDealersOnly: a dealer-line product is sold only by dealers,
	// who keep its pricing power.
	RuleDealerLineDealersOnly Rule = "segregation.dealer_line_dealers_only"
	// RuleO2OLineNotByDealer: an O2O-line product is priced by the
	// manufacturer (全省一个价), never by a dealer.
	RuleO2OLineNotByDealer Rule = "segregation.o2o_line_not_by_dealer"
	// RuleB2COnly: a SKU differentiated for online sale is not sold in stores.
	RuleB2COnly Rule = "segregation.b2c_only"
	// RuleO2OOnly: a SKU kept to the O2O system is not paid through B2C.
	RuleO2OOnly Rule = "segregation.o2o_only"
	// RuleSeller: the party may not sell through the channel.
	RuleSeller Rule = "channel.seller"
	// RuleTerritory: a dealer sells its line only within its own territory
	// (地域代理制).
	RuleTerritory Rule = "territory.exclusive"
	// RuleAssortment: a store sells through O2O only what its assortment
	// (product selection) includes and does not exclude.
	RuleAssortment Rule = "segregation.store_assortment"
	// RuleAllowed: every rule passed.
	RuleAllowed Rule = "segregation.allowed"
)

// segregation is the built segregation index.
type segregation struct {
	b2cOnly map[string]bool
	o2oOnly map[string]bool
	// dealerSKU maps a brand and model to its first dealer-line SKU, for a
	// brand and model also on the O2O line.
	dealerSKU map[o2o.BrandModel]string
	report    SegregationReport
}

func buildSegregation(f *o2o.Faults, c *o2o.Catalog, cfg SegregationConfig, dup *bool) segregation {
	s := segregation{b2cOnly: map[string]bool{}, o2oOnly: map[string]bool{}, dealerSKU: map[o2o.BrandModel]string{}}
	for _, l := range []struct {
		path string
		skus []string
		set  map[string]bool
	}{{"segregation.b2cOnly", cfg.B2COnly, s.b2cOnly}, {"segregation.o2oOnly", cfg.O2OOnly, s.o2oOnly}} {
		for i, sku := range l.skus {
			path := fmt.Sprintf("%s[%d]", l.path, i)
			p, ok := c.Product(sku)
			switch {
			case !ok:
				f.Addf(path, "SKU %q is not in the catalog", sku)
				continue
			case p.Line != o2o.LineO2O:
				f.Addf(path, "SKU %q is on the %s line; only O2O-line SKUs are restricted to a channel", sku, p.Line)
				continue
			case s.b2cOnly[sku] || s.o2oOnly[sku]:
				f.Addf(path, "SKU %q is listed twice", sku)
				*dup = true
				continue
			}
			l.set[sku] = true
		}
	}
	s.report = segregate(c.Products(), s.b2cOnly)
	for _, fd := range s.report.Conflicts {
		if _, ok := s.dealerSKU[fd.BrandModel]; !ok {
			s.dealerSKU[fd.BrandModel] = fd.OtherSKU
		}
	}
	return s
}

// SegregationFinding is one breach or risk of product segregation, naming
// both SKUs.
type SegregationFinding struct {
	Rule       Rule           `json:"rule"`
	BrandModel o2o.BrandModel `json:"brandModel"`
	// SKU is the O2O-line SKU (a conflict) or the online-only SKU (a risk).
	SKU string `json:"sku"`
	// OtherSKU is the dealer-line SKU (a conflict) or the SKU the stores
	// sell (a risk).
	OtherSKU string `json:"otherSku"`
	Reason   string `json:"reason"`
}

// SegregationReport proves, or disproves, that the O2O line and the dealer
// line are disjoint (产品区隔).
type SegregationReport struct {
	// Conflicts are brands and models on both lines. Every SKU involved is
	// named: each O2O-line SKU with the first dealer-line SKU of its model,
	// and each further dealer-line SKU with the first O2O-line SKU.
	Conflicts []SegregationFinding `json:"conflicts"`
	// Risks are online-only SKUs of a model the stores sell,
	// paired as conflicts are: each online-only SKU with the first SKU the
	// stores sell, and each further store SKU with the first online one.
	Risks []SegregationFinding `json:"risks"`
}

// Disjoint reports whether the lines are disjoint: no conflicts. Risks do
// not break segregation; they are for people to look at.
func (r SegregationReport) Disjoint() bool { return len(r.Conflicts) == 0 }

// CheckSegregation checks a catalog: every brand and model found on both the
// O2O and the dealer line is a conflict naming both SKUs, and every SKU in
// b2cOnly whose brand and model the stores also sell under another O2O-line
// SKU is a risk (a differentiated online SKU of an O2O model).
// Every SKU involved is named in a finding with one SKU of the other side
// (see SegregationReport), so the report grows with the catalog, not with
// its square. Findings are sorted by brand, model and SKUs. A nil catalog
// gives an empty report.
func CheckSegregation(catalog *o2o.Catalog, b2cOnly []string) SegregationReport {
	set := make(map[string]bool, len(b2cOnly))
	for _, s := range b2cOnly {
		set[s] = true
	}
	return segregate(catalog.Products(), set)
}

func segregate(products []o2o.Product, b2cOnly map[string]bool) SegregationReport {
	groups := make(map[o2o.BrandModel][]o2o.Product)
	var keys []o2o.BrandModel
	for _, p := range products { // sorted by SKU
		bm := p.BrandModel()
		if _, ok := groups[bm]; !ok {
			keys = append(keys, bm)
		}
		groups[bm] = append(groups[bm], p)
	}
	slices.SortFunc(keys, func(a, b o2o.BrandModel) int {
		return cmp.Or(cmp.Compare(a.Brand, b.Brand), cmp.Compare(a.Model, b.Model))
	})
	r := SegregationReport{Conflicts: []SegregationFinding{}, Risks: []SegregationFinding{}}
	for _, bm := range keys {
		var o2oLine, dealerLine, online, stores []string
		for _, p := range groups[bm] {
			switch {
			case p.Line == o2o.LineDealer:
				dealerLine = append(dealerLine, p.SKU)
			case b2cOnly[p.SKU]:
				o2oLine = append(o2oLine, p.SKU)
				online = append(online, p.SKU)
			default:
				o2oLine = append(o2oLine, p.SKU)
				stores = append(stores, p.SKU)
			}
		}
		for _, pr := range cover(o2oLine, dealerLine) {
			r.Conflicts = append(r.Conflicts, SegregationFinding{
				Rule: RuleSameModelBothLines, BrandModel: bm, SKU: pr[0], OtherSKU: pr[1],
				Reason: fmt.Sprintf("%s is on the O2O line as %s and on the dealer line as %s; the lines must be disjoint (产品区隔)", bm, pr[0], pr[1]),
			})
		}
		for _, pr := range cover(online, stores) {
			r.Risks = append(r.Risks, SegregationFinding{
				Rule: RuleB2COnlyVariant, BrandModel: bm, SKU: pr[0], OtherSKU: pr[1],
				Reason: fmt.Sprintf("%s is sold online only as %s while the stores sell it as %s: online sales may draw the stores' customers", bm, pr[0], pr[1]),
			})
		}
	}
	return r
}

// cover pairs two sorted SKU lists so that every SKU of each is named once
// with one of the other: each SKU of a with the first of b, then each
// further SKU of b with the first of a, sorted. That is len(a)+len(b)-1
// pairs (none when either is empty), where every pair would be their
// product: a brand and model with thousands of SKUs on both lines gives a
// report of thousands of findings, not millions.
func cover(a, b []string) [][2]string {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	out := make([][2]string, 0, len(a)+len(b)-1)
	for _, x := range a {
		out = append(out, [2]string{x, b[0]})
	}
	for _, y := range b[1:] {
		out = append(out, [2]string{a[0], y})
	}
	slices.SortFunc(out, func(p, q [2]string) int {
		return cmp.Or(cmp.Compare(p[0], q[0]), cmp.Compare(p[1], q[1]))
	})
	return out
}

// Segregation returns the segregation report of the network's catalog, with
// the network's online-only SKUs.
func (n *Network) Segregation() SegregationReport {
	r := n.seg.report
	return SegregationReport{Conflicts: slices.Clone(r.Conflicts), Risks: slices.Clone(r.Risks)}
}

// Sale asks whether a SKU may be sold through a channel by a party,
// optionally delivered to a region (needed for the territory rule).
type Sale struct {
	SKU     string      `json:"sku"`
	Channel o2o.Channel `json:"channel"`
	Seller  PartyRef    `json:"seller"`
	// Delivery, when set, is where the goods go; a dealer sells only into
	// its own territory.
	Delivery o2o.RegionCode `json:"delivery,omitzero"`
}

// Verdict answers a Sale: allowed or not, the rule that decided, and why.
type Verdict struct {
	Sale    Sale   `json:"sale"`
	Allowed bool   `json:"allowed"`
	Rule    Rule   `json:"rule"`
	Reason  string `json:"reason"`
}

// MaySell answers "may this SKU be sold through this channel by this
// party?". It is the one segregation check: listings (Listing), lookups and
// checkout (CheckOrder) all go through it, so no path can show or sell what
// another refuses.
//
// The rules, in order: a dealer-line product sells only through the dealer
// channel, and an O2O-line one never does; a brand and model on both lines is
// refused; online-only and O2O-only SKUs keep to their channel; B2C is sold
// by the platform; O2O by a store or an agent within the store's assortment,
// a reformed dealer, or the platform on a store's behalf; the dealer channel by a fused or independent
// dealer within its own territory.
//
// Errors: an unknown SKU or party wraps o2o.ErrNotFound; an unknown channel
// or party kind is an *o2o.EnumError.
func (n *Network) MaySell(s Sale) (Verdict, error) {
	p, err := n.catalog.Lookup(s.SKU)
	if err != nil {
		return Verdict{}, err
	}
	if err := n.checkSale(s); err != nil {
		return Verdict{}, err
	}
	return n.verdict(s, p), nil
}

func (n *Network) checkSale(s Sale) error {
	if !s.Channel.Valid() {
		return &o2o.EnumError{Enum: "channel", Value: string(s.Channel)}
	}
	if !s.Seller.Kind.Valid() {
		return &o2o.EnumError{Enum: "party kind", Value: string(s.Seller.Kind)}
	}
	switch s.Seller.Kind {
	case o2o.PartyStore, o2o.PartyAgent, o2o.PartyDealer:
		if !n.Has(s.Seller) {
			return fmt.Errorf("seller %s: %w", s.Seller, o2o.ErrNotFound)
		}
	}
	return nil
}

func (n *Network) verdict(s Sale, p o2o.Product) Verdict {
	deny := func(rule Rule, format string, args ...any) Verdict {
		return Verdict{Sale: s, Rule: rule, Reason: fmt.Sprintf(format, args...)}
	}
	if p.Line == o2o.LineDealer && s.Channel != o2o.ChannelDealer {
		return deny(RuleDealerLineDealersOnly, "%s is a dealer-line product: the dealer keeps its pricing power, so it is sold only through dealers, not through %s (产品区隔)", p.SKU, s.Channel)
	}
	if p.Line == o2o.LineO2O {
		if s.Channel == o2o.ChannelDealer {
			return deny(RuleO2OLineNotByDealer, "%s is an O2O-line product priced by the manufacturer, one price per province (全省一个价); a dealer may not sell or price it", p.SKU)
		}
		if d, ok := n.seg.dealerSKU[p.BrandModel()]; ok {
			return deny(RuleSameModelBothLines, "%s (%s) is also on the dealer line as %s; segregation (产品区隔) is broken until one is withdrawn", p.SKU, p.BrandModel(), d)
		}
		if s.Channel == o2o.ChannelO2O && n.seg.b2cOnly[p.SKU] {
			return deny(RuleB2COnly, "%s is differentiated for online sale only; the stores do not sell it", p.SKU)
		}
		if s.Channel == o2o.ChannelB2C && n.seg.o2oOnly[p.SKU] {
			return deny(RuleO2OOnly, "%s is kept to the O2O system and is not paid through B2C", p.SKU)
		}
	}
	k := s.Seller.Kind
	switch s.Channel {
	case o2o.ChannelB2C:
		if k != o2o.PartyPlatform {
			return deny(RuleSeller, "B2C is online payment on the platform; a %s does not sell through it (never mixed with O2O)", k)
		}
	case o2o.ChannelO2O:
		switch k {
		case o2o.PartyStore, o2o.PartyAgent:
			if why := n.storeOf(s.Seller).assortment.why(p); why != "" {
				return deny(RuleAssortment, "%s; %s sells through O2O only its own selection", why, s.Seller)
			}
		case o2o.PartyPlatform:
		case o2o.PartyDealer:
			if m := n.dealers[n.dealerByID[s.Seller.ID]].cfg.Mode; m != ModeReformed {
				return deny(RuleSeller, "dealer %s is %s and has no O2O role; only a reformed dealer (改造) sells the O2O line", s.Seller.ID, m)
			}
		default:
			return deny(RuleSeller, "a %s does not sell through O2O; stores, their agents, reformed dealers and the platform do", k)
		}
	case o2o.ChannelDealer:
		if k != o2o.PartyDealer {
			return deny(RuleSeller, "the dealer channel is sold by dealers, not by a %s", k)
		}
		if m := n.dealers[n.dealerByID[s.Seller.ID]].cfg.Mode; m == ModeReformed {
			return deny(RuleSeller, "dealer %s is reformed (改造): it sells the O2O line at the unified price, not a dealer line", s.Seller.ID)
		}
		if !s.Delivery.IsZero() {
			holder, region, ok := n.TerritoryAt(s.Delivery)
			switch {
			case !ok:
				return deny(RuleTerritory, "%s lies in no dealer's territory; dealer %s sells only within its own (地域代理制)", s.Delivery, s.Seller.ID)
			case holder.ID != s.Seller.ID:
				return deny(RuleTerritory, "%s lies in territory %s of dealer %s; dealer %s sells only within its own (地域代理制)", s.Delivery, region, holder.ID, s.Seller.ID)
			}
		}
	}
	return Verdict{Sale: s, Allowed: true, Rule: RuleAllowed, Reason: fmt.Sprintf("%s (%s line) may be sold through %s by %s", p.SKU, p.Line, s.Channel, s.Seller)}
}

// Listing returns the SKUs the party may sell through the channel, sorted:
// the catalog filtered by MaySell, with no delivery region. Errors are those
// of MaySell for the channel and party.
func (n *Network) Listing(ch o2o.Channel, seller PartyRef) ([]string, error) {
	if err := n.checkSale(Sale{Channel: ch, Seller: seller}); err != nil {
		return nil, err
	}
	out := []string{}
	for _, p := range n.catalog.Products() {
		if n.verdict(Sale{SKU: p.SKU, Channel: ch, Seller: seller}, p).Allowed {
			out = append(out, p.SKU)
		}
	}
	return out, nil
}

// storeOf returns the service point of a store, or of an agent's store. The
// party must be known to the network.
func (n *Network) storeOf(p PartyRef) *point {
	if p.Kind == o2o.PartyAgent {
		return &n.points[n.agents[p.ID].store]
	}
	return &n.points[n.byRef[p]]
}
