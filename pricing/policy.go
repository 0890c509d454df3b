package pricing

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Policy is a built pricing procedure: an ordered list of rules over a
// price book, like an ERP pricing procedure. Build it with Config.Build.
// It keeps no state of its own (usage, funding and observations come in with
// each Request), is immutable, and is safe for concurrent use.
type Policy struct {
	cfg       Config
	book      *Book
	procedure []RuleName
	on        map[RuleName]bool
	groups    map[string]bool
	costs     map[string]o2o.Money
	vat       map[string]decimal.Decimal
	own       map[string]bool
	clearance map[string]decimal.Decimal

	// Derived once at Build so that Quote does the least arithmetic: the
	// figures every quote needs, already as nums.
	zero         o2o.Money          // zero in the book's currency
	floors       map[string]figure  // SKU → cost × (1 + margin), rounded up
	upliftFactor num                // uplift percent / 100
	upliftCap    num                // the uplift's cap
	bandFactor   num                // (100 − negotiation band) / 100
	markdowns    map[string]num     // clearance grade → percent
	vatRates     map[string]vatRate // category → rate
	vatDefault   *vatRate           // the default rate, if any
	stages       []stageCost        // ladder stage k at stages[k-1], cumulative
	lines        []Benefit          // the benefit lines: value-added services, then the ladder's
	services     int                // lines[:services] are the value-added services
	ladderLines  [][2]int           // ladder[i]'s lines are lines[from:to], FundedBy to fill in
	places       int32              // the rounding increment's places
	network      bool               // the network-lowest rule runs
	minor        int32              // the currency's minor digits

	skus        map[string]int32 // SKU → its index in infos: one lookup per quote
	infos       []skuInfo        // per catalog SKU: product, floor, VAT rate
	onValueAdd  bool             // the procedure lists value_added
	onLadder    bool             // the procedure lists ladder
	onClearance bool             // the procedure lists clearance

	arith // the int64 path, or decimal only (set only by tests: see num.go)
}

// skuInfo is what a quote needs of its SKU, looked up once: the product,
// its floor (when a cost is configured) and its category's VAT rate (when
// one applies).
type skuInfo struct {
	product  o2o.Product
	floor    figure
	hasFloor bool
	vat      vatRate
	hasVAT   bool
}

// figure is an amount as a num (to compute with) and, when it came in as
// Money (known), as that Money too, so that showing it costs nothing.
type figure struct {
	m     o2o.Money
	n     num
	known bool
}

// vatRate is a VAT percent with its divisor 100 + percent.
type vatRate struct {
	percent          decimal.Decimal
	percentN, divisN num
}

// stageCost is the cost of ladder stages 1..k: the fixed service and
// payback costs, and how many times the line total is given away.
type stageCost struct {
	fixed    num
	fixedM   o2o.Money // fixed, as Money
	freeRuns int
	lines    int
}

// Config returns a copy of the config the policy was built from.
func (p *Policy) Config() Config { return p.cfg.clone() }

// Procedure returns a copy of the rules in the order they run.
func (p *Policy) Procedure() []RuleName { return slices.Clone(p.procedure) }

// Book returns the policy's price book.
func (p *Policy) Book() *Book { return p.book }

// Designated reports whether the segment and account make a designated
// upstream group account.
func (p *Policy) Designated(segment o2o.Segment, accountID string) bool {
	return segment == o2o.SegmentGroup && accountID != "" && p.groups[accountID]
}

// Floor returns the SKU's floor: its cost plus the minimum margin, rounded
// up to the fen, or, without a configured cost, the given list price.
func (p *Policy) Floor(sku string, list o2o.Money) o2o.Money {
	if f, ok := p.floors[sku]; ok {
		return f.m
	}
	return list
}

// floorOf returns cost × (100 + margin) / 100, rounded up to the fen.
func floorOf(cost o2o.Money, marginPercent decimal.Decimal) o2o.Money {
	f, _ := cost.Mul(hundred.Add(marginPercent)).Mul(decimal.New(1, -2)).RoundWith(o2o.RoundCeiling)
	return f
}

// state is one quote in the making. The price, the floor and the line
// total are figures: nums to compute with, and their Money once shown.
type state struct {
	arith
	req     Request
	product o2o.Product
	info    *skuInfo
	cur     o2o.Currency
	// designated: the request comes from a designated group account.
	designated bool
	price      figure
	floor      figure
	total      figure // the line total, once rounding has run
	low        pick   // the lowest outside observation, picked by check
	zero       o2o.Money
	zeroN      num
	q          Quote
}

// out returns n as Money in the book's currency.
func (s *state) out(n num) o2o.Money { return n.money(s.cur) }

// fig returns m as a figure.
func (s *state) fig(m o2o.Money) figure { return figure{m: m, n: s.in(m), known: true} }

// show returns f as Money, keeping it in f so that it is built once.
func (s *state) show(f *figure) o2o.Money {
	if !f.known {
		f.m, f.known = s.out(f.n), true
	}
	return f.m
}

// push appends a step whose result is next; base and amount are shown
// from nums, the facts kept are those code uses.
func (s *state) push(rule RuleName, code ReasonCode, base, amount, next *figure, f *Facts) {
	n := len(s.q.Steps)
	if n < cap(s.q.Steps) {
		s.q.Steps = s.q.Steps[:n+1] // zeroed: filled field by field below
	} else {
		s.q.Steps = append(s.q.Steps, Step{})
	}
	st := &s.q.Steps[n]
	st.Rule, st.Code, st.Base, st.Amount, st.Result = rule, code, s.show(base), s.zero, s.show(next)
	if amount.n.sign() != 0 {
		st.Amount = s.show(amount)
	}
	f.copyTo(&st.Facts, code.facts())
}

// step records a rule that moved the price to next. No text is formatted
// here: the reason is the code and its facts.
func (s *state) step(rule RuleName, next figure, code ReasonCode, f *Facts) {
	if s.price.n.sign() == 0 {
		s.push(rule, code, &s.price, &next, &next, f) // from zero: the amount is the price
	} else {
		s.push(rule, code, &s.price, &figure{n: next.n.sub(s.price.n)}, &next, f)
	}
	s.price = next
}

// stepBy records a rule that moved the price by a known amount to next.
func (s *state) stepBy(rule RuleName, amount num, next figure, code ReasonCode, f *Facts) {
	s.push(rule, code, &s.price, &figure{n: amount}, &next, f)
	s.price = next
}

// noteFigures is note with the facts' figure, limit and cost given as
// figures (those of f are ignored; a figure the code does not use is not
// shown).
func (s *state) noteFigures(rule RuleName, code ReasonCode, f *Facts, figure, limit, cost figure) {
	uses := code.facts()
	g := *f
	if uses&factFigure != 0 {
		g.Figure = s.show(&figure)
	}
	if uses&factLimit != 0 {
		g.Limit = s.show(&limit)
	}
	if uses&factCost != 0 {
		g.Cost = s.show(&cost)
	}
	s.note(rule, code, &g)
}

// note records a rule that decided or noted something without moving the price.
func (s *state) note(rule RuleName, code ReasonCode, f *Facts) {
	zero := figure{m: s.zero, n: s.zeroN, known: true}
	s.push(rule, code, &s.price, &zero, &s.price, f)
}

// maxBenefits bounds the benefit lines a request can be granted, so that
// they are allocated once: the value-added services for a designated
// account, and the ladder's lines up to the stage asked for.
func (p *Policy) maxBenefits(r *Request, designated bool) int {
	n := 0
	if designated && p.onValueAdd {
		n += p.services
	}
	if c := r.Campaign; c != nil && p.onLadder && c.Stage >= 1 && c.Stage <= len(p.ladderLines) {
		n += p.ladderLines[c.Stage-1][1] - p.ladderLines[0][0]
	}
	return n
}

// maxSteps bounds the steps a request can produce, so that a quote's steps
// are allocated once: every rule adds at most one step (rounding two, with
// the line total), and a rule whose input is absent adds none. It is a
// capacity: were it short, the steps would grow.
func (p *Policy) maxSteps(r *Request, designated bool) int {
	n := 0
	for _, rule := range p.procedure {
		switch rule {
		case RuleClearance:
			if r.Returned == nil {
				continue
			}
		case RuleOnlineUplift:
			if r.Placed.Venue == o2o.VenueStore {
				continue
			}
		case RuleNegotiation:
			if r.Negotiated == nil {
				continue
			}
		case RuleNetworkLowest:
			if len(r.Observations) == 0 {
				continue
			}
		case RuleValueAdded:
			if !designated {
				continue
			}
		case RuleLadder:
			if r.Campaign == nil {
				continue
			}
		case RuleRounding:
			// A line_total step carries a fraction of the minor unit, which
			// a whole quantity of a unit price rounded to at most the
			// minor unit's places cannot make.
			if places, _ := shape(r.Quantity.Value.Decimal); places > 0 || p.places > p.minor {
				n++
			}
		}
		n++
	}
	return n
}

// Quote prices one request through the procedure and returns a quote that
// explains itself. Errors wrap o2o.ErrInvalid: a *o2o.ValidationError for a
// malformed request; ErrUnknownSKU; ErrDealerPriced for a dealer-line SKU
// or the dealer channel; ErrNoPrice; and a *RuleError with ErrNoHaggling,
// ErrOutOfBand, ErrClearance or ErrLadder when a rule refuses.
// o2o.ErrCurrencyMismatch reports an input in another currency than the book.
func (p *Policy) Quote(req Request) (Quote, error) {
	return p.quote(req, nil)
}

// quote prices req. With line not nil, req is a line of an order whose
// shared fields QuoteOrder has checked, and the rules that apply once per
// order (value_added, ladder) are left to QuoteOrder.
func (p *Policy) quote(req Request, line *orderLine) (Quote, error) {
	var info *skuInfo
	var product o2o.Product
	k, ok := p.skus[req.SKU]
	if ok {
		info = &p.infos[k]
		product = info.product
	}
	low, bm := noPick, (*o2o.BrandModel)(nil)
	if ok && p.network {
		b := product.BrandModel()
		bm = &b
	}
	if err := p.check(&req, bm, &low, line); err != nil {
		return Quote{}, err
	}
	if !ok {
		return Quote{}, fmt.Errorf("quote %s: %w", req.SKU, ErrUnknownSKU)
	}
	if product.Line == o2o.LineDealer {
		return Quote{}, refuse(RuleListPrice, req.SKU, ErrDealerPriced, "dealer-line product: the dealer keeps pricing power, the O2O policy does not quote it")
	}
	if req.Quantity.Unit != product.SaleUnit() {
		return Quote{}, o2o.Invalidf("quantity.unit", "SKU %s sells by %s, not %s", req.SKU, product.SaleUnit(), req.Quantity.Unit)
	}
	if req.Returned != nil && !p.onClearance {
		return Quote{}, refuse(RuleClearance, req.SKU, ErrClearance, "returned goods, but the procedure has no clearance rule")
	}
	designated := p.Designated(req.Segment, req.AccountID)
	s := &state{arith: p.arith, req: req, designated: designated, product: product, info: info, cur: p.book.Currency(), zero: p.zero, low: low}
	s.price = s.fig(p.zero)
	s.zeroN = s.price.n
	s.q = Quote{
		SKU: req.SKU, BrandModel: product.BrandModel(), Category: product.Category, Region: req.Region,
		Channel: req.Channel, Placed: req.Placed, Segment: req.Segment, AccountID: req.AccountID, Quantity: req.Quantity, At: req.At,
	}
	s.q.Steps = make([]Step, 0, p.maxSteps(&req, designated))
	for _, r := range p.procedure {
		var err error
		switch r {
		case RuleListPrice:
			err = p.listPrice(s)
		case RuleClearance:
			err = p.clearanceRule(s)
		case RuleOnlineUplift:
			p.uplift(s)
		case RuleNegotiation:
			err = p.negotiation(s)
		case RuleNetworkLowest:
			err = p.networkLowest(s)
		case RuleRounding:
			p.round(s)
		case RuleValueAdded:
			if line == nil {
				p.valueAdded(s)
			}
		case RuleLadder:
			if line == nil {
				err = p.ladder(s)
			}
		case RuleVAT:
			p.showVAT(s)
		}
		if err != nil {
			return Quote{}, err
		}
	}
	return s.q, nil
}
