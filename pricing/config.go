package pricing

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Config is a pricing policy as data: the procedure (which rules run, in
// which order) and each rule's settings. It marshals to and from JSON
// (ParseConfig decodes strictly), so rules can live in an ERP's database.
// Build validates it once against a price book and returns an immutable
// Policy. The zero Config, built, runs the default procedure with no
// uplift, no negotiation (不讲价), no value-added services, no VAT rates
// (so its VAT rule refuses to build unless rates are set: see VAT), no
// network check, no ladder, no clearance grades, and half-even rounding to
// the fen.
type Config struct {
	// Procedure lists the rules in the order they run; empty means
	// DefaultProcedure. list_price must come first and rounding must be
	// present; price rules (clearance, online_uplift, negotiation,
	// network_lowest) come before rounding, and value_added, ladder and vat
	// after it. No rule may be listed twice.
	Procedure []RuleName `json:"procedure,omitempty"`
	// GroupAccounts are the designated upstream group accounts (面碰面特定的上游集团用户):
	// the account ids that receive value-added services and, when
	// negotiation is enabled, may negotiate.
	GroupAccounts []string `json:"groupAccounts,omitempty"`
	// Costs are the SKUs' unit costs; the floor of a SKU is its cost plus
	// MinMarginPercent, rounded up to the fen. A SKU without a cost has its
	// list price as floor: nothing may take it lower.
	Costs []Cost `json:"costs,omitempty"`
	// MinMarginPercent is the minimum margin over cost that makes the floor.
	MinMarginPercent o2o.Decimal `json:"minMarginPercent"`
	// Uplift is the online uplift (线上价格比线下高一点).
	Uplift Uplift `json:"uplift"`
	// Negotiation switches negotiated prices on; off by default (no haggling).
	Negotiation Negotiation `json:"negotiation"`
	// ValueAdded lists the value-added services (增值服务) granted to
	// designated group accounts, price unchanged.
	ValueAdded []Service `json:"valueAdded,omitempty"`
	// VAT holds the VAT rates by product category.
	VAT VAT `json:"vat"`
	// NetworkLowest configures the network-lowest rule.
	NetworkLowest Network `json:"networkLowest"`
	// Ladder lists the promotion ladder's stages, 1 up to at most 4, each
	// adding benefits to the stages below it.
	Ladder []Stage `json:"ladder,omitempty"`
	// Clearance lists the markdown of returned goods by condition grade.
	Clearance []Markdown `json:"clearance,omitempty"`
	// Rounding is how and where unit prices are rounded.
	Rounding Rounding `json:"rounding"`
}

// Cost is a SKU's unit cost.
type Cost struct {
	SKU  string    `json:"sku"`
	Cost o2o.Money `json:"cost"`
}

// Uplift is the online uplift: Percent of the in-store price, at most Cap.
// A zero Percent means none.
type Uplift struct {
	Percent o2o.Decimal `json:"percent"`
	Cap     o2o.Money   `json:"cap"`
}

// Negotiation enables a negotiated price (议价) for
// designated group accounts: at most BandPercent below the list price and
// never below the floor. Disabled, nobody negotiates.
type Negotiation struct {
	Enabled     bool        `json:"enabled"`
	BandPercent o2o.Decimal `json:"bandPercent"`
}

// Service is a value-added service: a benefit line at zero price whose
// cost headquarters carries.
type Service struct {
	Code        string    `json:"code"`
	Description string    `json:"description"`
	Cost        o2o.Money `json:"cost"`
}

// VAT holds VAT rates, in percent, by product category, and an optional
// default for categories not listed.
type VAT struct {
	Categories []CategoryRate `json:"categories,omitempty"`
	Default    *o2o.Decimal   `json:"default,omitempty"`
}

// CategoryRate is the VAT rate, in percent, of a product category.
type CategoryRate struct {
	Category string      `json:"category"`
	Percent  o2o.Decimal `json:"percent"`
}

// Network configures the network-lowest rule: its mode (empty turns the
// rule off) and the sources that are our own channels, whose observations
// do not count.
type Network struct {
	Mode       NetworkMode `json:"mode,omitempty"`
	OwnSources []string    `json:"ownSources,omitempty"`
}

// Stage is one rung of the promotion ladder: the benefits it adds to the
// stages below it.
type Stage struct {
	Stage int            `json:"stage"`
	Adds  []StageBenefit `json:"adds"`
}

// StageBenefit is a benefit a ladder stage adds. Cost is the campaign's cost
// for a service, the cash paid back for a payback, and unused (zero) for
// products free, whose cost is the line total.
type StageBenefit struct {
	Code        string      `json:"code"`
	Description string      `json:"description"`
	Kind        BenefitKind `json:"kind"`
	Cost        o2o.Money   `json:"cost"`
}

// Markdown is the clearance markdown, in percent, of a condition grade.
type Markdown struct {
	Grade   string      `json:"grade"`
	Percent o2o.Decimal `json:"percent"`
}

// Rounding is the rounding mode (half-even by default) and the increment
// unit prices are rounded to (the fen by default). Line totals are always
// rounded to the fen with the same mode.
type Rounding struct {
	Mode      o2o.RoundingMode `json:"mode,omitempty"`
	Increment Increment        `json:"increment,omitempty"`
}

// ParseConfig decodes a Config from JSON strictly: unknown fields and
// trailing data are errors with the JSON path at fault. It does not build:
// call Build.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := o2o.DecodeJSON(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

var hundred = decimal.New(100, 0)

// faults collects field errors.
type faults []o2o.FieldError

func (f *faults) add(path, format string, args ...any) {
	*f = append(*f, o2o.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
}

func (f *faults) percent(path string, d o2o.Decimal, max decimal.Decimal) {
	if why := percentPlacesFault(d.Decimal); why != "" {
		f.add(path, "%s", why)
		return
	}
	if d.Sign() < 0 || d.GreaterThan(max) {
		f.add(path, "must be between 0 and %s, got %s", o2o.FormatDecimal(max), d)
	}
}

// money checks an amount of the config or of a request: in the book's
// currency, not negative, and within the domain (see MaxPrice).
func (f *faults) money(path string, m o2o.Money, currency o2o.Currency) {
	why := amountFault(m)
	switch {
	case m.Currency() != currency:
		f.add(path, "is in %s, but the price book is in %s", m.Currency(), currency)
	case why != "":
		f.add(path, "%s", why)
	case m.IsNegative():
		f.add(path, "must not be negative, got %s", m)
	}
}

// Build validates the config against book (its catalog and currency) and
// returns the policy. Errors are a *o2o.ValidationError listing every field
// at fault by its JSON path ("uplift.cap", "ladder[2].adds[0].kind").
func (c Config) Build(book *Book) (*Policy, error) {
	if book == nil {
		return nil, o2o.Invalid("book", "is required")
	}
	cur := book.Currency()
	var f faults
	proc := slices.Clone(c.Procedure)
	if len(proc) == 0 {
		proc = DefaultProcedure()
	}
	seen := map[RuleName]int{}
	for i, r := range proc {
		path := fmt.Sprintf("procedure[%d]", i)
		switch {
		case !r.Valid() || r == RuleLineTotal:
			f.add(path, "unknown rule %q", string(r))
		case i == 0 && r != RuleListPrice:
			f.add(path, "must be list_price: every quote starts from the book price")
		case i > 0 && r == RuleListPrice:
			f.add(path, "list_price must come first")
		case i > 0 && r.phase() < proc[i-1].phase() && proc[i-1].Valid():
			f.add(path, "%s must come before %s: price rules, then rounding, then benefits", r, proc[i-1])
		}
		if j, dup := seen[r]; dup {
			f.add(path, "repeats %s of procedure[%d]", r, j)
		}
		seen[r] = i
	}
	if _, ok := seen[RuleRounding]; !ok {
		f.add("procedure", "must include rounding: unit prices are rounded at a named point")
	}
	p := &Policy{
		cfg: c, book: book, procedure: proc,
		groups:    map[string]bool{},
		costs:     map[string]o2o.Money{},
		vat:       map[string]decimal.Decimal{},
		own:       map[string]bool{},
		clearance: map[string]decimal.Decimal{},
	}
	for i, a := range c.GroupAccounts {
		if a == "" {
			f.add(fmt.Sprintf("groupAccounts[%d]", i), "must not be empty")
		}
		p.groups[a] = true
	}
	for i, k := range c.Costs {
		path := fmt.Sprintf("costs[%d]", i)
		if _, ok := book.Catalog().Product(k.SKU); !ok {
			f.add(path+".sku", "SKU %q is not in the catalog", k.SKU)
		}
		if _, dup := p.costs[k.SKU]; dup {
			f.add(path+".sku", "repeats SKU %q", k.SKU)
		}
		f.money(path+".cost", k.Cost, cur)
		p.costs[k.SKU] = k.Cost
	}
	f.percent("minMarginPercent", c.MinMarginPercent, decimal.New(1000, 0))
	f.percent("uplift.percent", c.Uplift.Percent, hundred)
	f.money("uplift.cap", c.Uplift.Cap, cur)
	if c.Uplift.Percent.Sign() > 0 && !c.Uplift.Cap.IsPositive() {
		f.add("uplift.cap", "must be positive when an uplift percent is set: the online uplift is bounded")
	}
	if c.Negotiation.Enabled {
		f.percent("negotiation.bandPercent", c.Negotiation.BandPercent, hundred)
		if len(c.GroupAccounts) == 0 {
			f.add("groupAccounts", "must name the designated group accounts when negotiation is enabled")
		}
	}
	for i, s := range c.ValueAdded {
		path := fmt.Sprintf("valueAdded[%d]", i)
		if s.Code == "" {
			f.add(path+".code", "is required")
		}
		f.money(path+".cost", s.Cost, cur)
	}
	for i, r := range c.VAT.Categories {
		path := fmt.Sprintf("vat.categories[%d]", i)
		if r.Category == "" {
			f.add(path+".category", "is required")
		}
		if _, dup := p.vat[r.Category]; dup {
			f.add(path+".category", "repeats category %q", r.Category)
		}
		f.percent(path+".percent", r.Percent, hundred)
		p.vat[r.Category] = r.Percent.Decimal
	}
	if c.VAT.Default != nil {
		f.percent("vat.default", *c.VAT.Default, hundred)
	}
	if _, ok := seen[RuleVAT]; ok && c.VAT.Default == nil {
		for _, prod := range book.Catalog().Products() {
			if _, ok := p.vat[prod.Category]; !ok && prod.Line == o2o.LineO2O {
				f.add("vat", "has no rate for category %q (SKU %s) and no default", prod.Category, prod.SKU)
				break
			}
		}
	}
	if m := c.NetworkLowest.Mode; m != "" && m != NetworkMatch && m != NetworkReport {
		f.add("networkLowest.mode", "unknown mode %q", string(m))
	}
	for _, s := range c.NetworkLowest.OwnSources {
		p.own[s] = true
	}
	if len(c.Ladder) > 4 {
		f.add("ladder", "has %d stages; the ladder has at most 4", len(c.Ladder))
	}
	for i, s := range c.Ladder {
		path := fmt.Sprintf("ladder[%d]", i)
		if s.Stage != i+1 {
			f.add(path+".stage", "must be %d: stages run 1, 2, 3, 4 in order", i+1)
		}
		if len(s.Adds) == 0 {
			f.add(path+".adds", "must add at least one benefit")
		}
		for j, b := range s.Adds {
			bp := fmt.Sprintf("%s.adds[%d]", path, j)
			if b.Code == "" {
				f.add(bp+".code", "is required")
			}
			if !slices.Contains(benefitKinds(), b.Kind) {
				f.add(bp+".kind", "unknown benefit kind %q", string(b.Kind))
			}
			f.money(bp+".cost", b.Cost, cur)
		}
	}
	for i, m := range c.Clearance {
		path := fmt.Sprintf("clearance[%d]", i)
		if m.Grade == "" {
			f.add(path+".grade", "is required")
		}
		if _, dup := p.clearance[m.Grade]; dup {
			f.add(path+".grade", "repeats grade %q", m.Grade)
		}
		if why := percentPlacesFault(m.Percent.Decimal); why != "" {
			f.add(path+".percent", "%s", why)
		} else if m.Percent.Sign() <= 0 || !m.Percent.LessThan(hundred) {
			f.add(path+".percent", "must be above 0 and below 100, got %s", m.Percent)
		}
		p.clearance[m.Grade] = m.Percent.Decimal
	}
	if !c.Rounding.Mode.Valid() {
		f.add("rounding.mode", "unknown rounding mode %q", string(c.Rounding.Mode))
	}
	if i := c.Rounding.Increment; i != "" && !slices.Contains(increments(), i) {
		f.add("rounding.increment", "unknown increment %q", string(i))
	}
	if len(f) > 0 {
		return nil, &o2o.ValidationError{Fields: f}
	}
	p.cfg = c.clone()
	p.on = make(map[RuleName]bool, len(proc))
	for _, r := range proc {
		p.on[r] = true
	}
	p.derive()
	return p, nil
}

// derive computes, once, what every quote would otherwise recompute:
// floors, the uplift factor, VAT divisors and the ladder's stage costs.
func (p *Policy) derive() {
	cur := p.book.Currency()
	p.zero = cur.Zero()
	p.minor = cur.MinorDigits()
	p.places = p.cfg.Rounding.Increment.places()
	p.network = p.on[RuleNetworkLowest] && p.cfg.NetworkLowest.Mode != ""
	p.floors = make(map[string]figure, len(p.costs))
	for sku, cost := range p.costs {
		f := floorOf(cost, p.cfg.MinMarginPercent.Decimal)
		p.floors[sku] = figure{m: f, n: numOfMoney(f)}
	}
	p.upliftFactor = numOf(p.cfg.Uplift.Percent.Mul(decimal.New(1, -2)))
	p.upliftCap = numOfMoney(p.cfg.Uplift.Cap)
	p.bandFactor = numOf(hundred.Sub(p.cfg.Negotiation.BandPercent.Decimal).Mul(decimal.New(1, -2)))
	p.markdowns = make(map[string]num, len(p.clearance))
	for grade, pct := range p.clearance {
		p.markdowns[grade] = numOf(pct.Mul(decimal.New(1, -2)))
	}
	p.vatRates = make(map[string]vatRate, len(p.vat))
	for cat, r := range p.vat {
		p.vatRates[cat] = newVATRate(r)
	}
	if d := p.cfg.VAT.Default; d != nil {
		r := newVATRate(d.Decimal)
		p.vatDefault = &r
	}
	p.onValueAdd, p.onLadder, p.onClearance = p.on[RuleValueAdded], p.on[RuleLadder], p.on[RuleClearance]
	products := p.book.Catalog().Products()
	p.skus, p.infos = make(map[string]int32, len(products)), make([]skuInfo, len(products))
	for i, prod := range products {
		in := skuInfo{product: prod}
		in.floor, in.hasFloor = p.floors[prod.SKU]
		if r, ok := p.vatRates[prod.Category]; ok {
			in.vat, in.hasVAT = r, true
		} else if p.vatDefault != nil {
			in.vat, in.hasVAT = *p.vatDefault, true
		}
		p.skus[prod.SKU], p.infos[i] = int32(i), in
	}
	p.lines = nil
	for _, v := range p.cfg.ValueAdded {
		p.lines = append(p.lines, Benefit{Rule: RuleValueAdded, Code: v.Code, Description: v.Description,
			Kind: BenefitService, Price: p.zero, Cost: v.Cost})
	}
	p.services = len(p.lines)
	acc := stageCost{fixed: numOfMoney(p.zero)}
	for _, st := range p.cfg.Ladder {
		from := len(p.lines)
		for _, b := range st.Adds {
			acc.lines++
			// FundedBy (the campaign) and a products_free line's cost (the
			// line total) are filled in by each quote.
			line := Benefit{Rule: RuleLadder, Stage: st.Stage, Code: b.Code, Description: b.Description, Kind: b.Kind,
				Price: p.zero, Cost: b.Cost}
			if b.Kind == BenefitPayback {
				line.Price = b.Cost.Neg()
			}
			p.lines = append(p.lines, line)
			if b.Kind == BenefitProductsFree {
				acc.freeRuns++
				continue
			}
			acc.fixed = acc.fixed.add(numOfMoney(b.Cost))
		}
		acc.fixedM = acc.fixed.money(cur)
		p.stages = append(p.stages, acc)
		p.ladderLines = append(p.ladderLines, [2]int{from, len(p.lines)})
	}
}

func newVATRate(pct decimal.Decimal) vatRate {
	return vatRate{percent: pct, percentN: numOf(pct), divisN: numOf(hundred.Add(pct))}
}

// clone deep-copies the config's slices.
func (c Config) clone() Config {
	c.Procedure = slices.Clone(c.Procedure)
	c.GroupAccounts = slices.Clone(c.GroupAccounts)
	c.Costs = slices.Clone(c.Costs)
	c.ValueAdded = slices.Clone(c.ValueAdded)
	c.VAT.Categories = slices.Clone(c.VAT.Categories)
	if c.VAT.Default != nil {
		d := *c.VAT.Default
		c.VAT.Default = &d
	}
	c.NetworkLowest.OwnSources = slices.Clone(c.NetworkLowest.OwnSources)
	c.Ladder = slices.Clone(c.Ladder)
	for i := range c.Ladder {
		c.Ladder[i].Adds = slices.Clone(c.Ladder[i].Adds)
	}
	c.Clearance = slices.Clone(c.Clearance)
	return c
}
