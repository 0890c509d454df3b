package pricing

import (
	"math"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// rec is one step or one benefit of a quote in the form a quote keeps it:
// pointer-free, so that the quote's one block of steps and benefits costs
// the garbage collector nothing to scan and filling it needs no write
// barriers. Names and percents are indexes into the quote's trail,
// amounts exact int64 coefficients (in CNY), and amounts that do not fit,
// or are in another currency, an index into the trail's side slice.
//
// A step: rule and code are indexes (rules, codes); coef/exp are the
// slots; str the Party, Label/Region/Brand/Mode and Model/Increment/Unit
// names; dec the percent or the quantity's value; ints Stage, Asked, Count.
// A benefit: ints[0] is the index of its shared line, str[0] its funder,
// slot 0 its cost.
type rec struct {
	coef [slots]int64
	ints [3]int32
	wide int32 // -1: coef holds the amounts; else the first of them in trail.wide
	str  [3]uint16
	exp  [slots]int8
	rule uint8
	code uint8
	dec  uint8
}

// nameSlots and decSlots are how many names and decimals a trail keeps
// inline (a quote needs fewer); more spill to a slice.
const (
	nameSlots = 10
	decSlots  = 4
)

// trail is a quote's steps and benefits: one pointer-free block of records
// and what they refer to. A trail is never modified once its quote is made,
// so copies of a quote share it safely.
type trail struct {
	recs     []rec         // steps at [0:steps], benefits at [from:from+benefits]
	lines    []benefitLine // the shared benefit lines (the policy's)
	wide     []o2o.Money   // amounts kept as Money, allocated only when needed
	more     []string      // names beyond the inline ones
	moreDecs []o2o.Decimal // decimals beyond the inline ones
	names    [nameSlots]string
	decs     [decSlots]o2o.Decimal
	steps    int32
	from     int32
	benefits int32
	nNames   uint16
	nDecs    uint8
	listed   bool // the steps are an empty list, not none (JSON [] rather than null)
	// The benefits a policy granted, as ranges of its lines (kept as
	// records only for a quote decoded or assembled by hand): the
	// value-added services lines[:svc], funded by headquarters, and the
	// ladder's lines[ladFrom:ladTo], funded by the campaign (name funder).
	svc, ladFrom, ladTo int32
	funder              uint16
}

var (
	ruleTable = [...]RuleName{RuleListPrice, RuleClearance, RuleOnlineUplift, RuleNegotiation, RuleNetworkLowest,
		RuleRounding, RuleValueAdded, RuleLadder, RuleVAT, RuleLineTotal}
	codeTable = [...]ReasonCode{ReasonProvincePrice, ReasonNationalPrice, ReasonClearance, ReasonStoreScreen,
		ReasonOnlineUplift, ReasonOnlineUpliftCapped, ReasonNegotiationNotLower, ReasonNegotiated,
		ReasonNetworkClearance, ReasonNetworkNoObservation, ReasonNetworkLowest, ReasonNetworkReported,
		ReasonNetworkFloorBlocks, ReasonNetworkMatchedFloor, ReasonNetworkMatched, ReasonRoundedUpToFloor,
		ReasonRounded, ReasonRoundingDifference, ReasonValueAdded, ReasonLadderClearance, ReasonLadderStage,
		ReasonLadderFallback, ReasonLadderUnaffordable, ReasonVATIncluded}
)

// ruleIndex returns the index of its argument in ruleTable (0 for an unknown one).
func ruleIndex(x RuleName) uint8 {
	switch x {
	case RuleListPrice:
		return 0
	case RuleClearance:
		return 1
	case RuleOnlineUplift:
		return 2
	case RuleNegotiation:
		return 3
	case RuleNetworkLowest:
		return 4
	case RuleRounding:
		return 5
	case RuleValueAdded:
		return 6
	case RuleLadder:
		return 7
	case RuleVAT:
		return 8
	case RuleLineTotal:
		return 9
	}
	return 0
}

// codeIndex returns the index of its argument in codeTable (0 for an unknown one).
func codeIndex(x ReasonCode) uint8 {
	switch x {
	case ReasonProvincePrice:
		return 0
	case ReasonNationalPrice:
		return 1
	case ReasonClearance:
		return 2
	case ReasonStoreScreen:
		return 3
	case ReasonOnlineUplift:
		return 4
	case ReasonOnlineUpliftCapped:
		return 5
	case ReasonNegotiationNotLower:
		return 6
	case ReasonNegotiated:
		return 7
	case ReasonNetworkClearance:
		return 8
	case ReasonNetworkNoObservation:
		return 9
	case ReasonNetworkLowest:
		return 10
	case ReasonNetworkReported:
		return 11
	case ReasonNetworkFloorBlocks:
		return 12
	case ReasonNetworkMatchedFloor:
		return 13
	case ReasonNetworkMatched:
		return 14
	case ReasonRoundedUpToFloor:
		return 15
	case ReasonRounded:
		return 16
	case ReasonRoundingDifference:
		return 17
	case ReasonValueAdded:
		return 18
	case ReasonLadderClearance:
		return 19
	case ReasonLadderStage:
		return 20
	case ReasonLadderFallback:
		return 21
	case ReasonLadderUnaffordable:
		return 22
	case ReasonVATIncluded:
		return 23
	}
	return 0
}

// name returns the index of s among the trail's names, adding it (0 is "").
func (t *trail) name(s string) uint16 {
	if s == "" {
		return 0
	}
	n := int(t.nNames)
	for i := range min(n, nameSlots) {
		if t.names[i] == s {
			return uint16(i + 1)
		}
	}
	for i, x := range t.more {
		if x == s {
			return uint16(nameSlots + i + 1)
		}
	}
	if n < nameSlots {
		t.names[n] = s
	} else {
		t.more = append(t.more, s)
	}
	t.nNames++
	return t.nNames
}

// nameAt returns name i.
func (t *trail) nameAt(i uint16) string {
	switch {
	case i == 0:
		return ""
	case i <= nameSlots:
		return t.names[i-1]
	}
	return t.more[i-nameSlots-1]
}

// decimal adds d to the trail's decimals and returns its index (0 is zero).
func (t *trail) decimal(d o2o.Decimal) uint8 {
	if d.Decimal == (decimal.Decimal{}) {
		return 0
	}
	n := int(t.nDecs)
	if n < decSlots {
		t.decs[n] = d
	} else {
		t.moreDecs = append(t.moreDecs, d)
	}
	t.nDecs++
	return t.nDecs
}

// decAt returns decimal i.
func (t *trail) decAt(i uint8) o2o.Decimal {
	switch {
	case i == 0:
		return o2o.Decimal{}
	case i <= decSlots:
		return t.decs[i-1]
	}
	return t.moreDecs[i-decSlots-1]
}

// step returns a new step record, appended to the block (which has room).
func (t *trail) step() *rec {
	t.steps++
	return &t.recs[t.steps-1]
}

// benefit returns a new benefit record, appended to the block.
func (t *trail) benefit() *rec {
	t.benefits++
	return &t.recs[t.from+t.benefits-1]
}

// grow makes sure the block has room for steps and benefits records.
func (t *trail) grow(steps, benefits int) {
	if int(t.steps) <= steps && int(t.benefits) <= benefits && int(t.from) == steps &&
		len(t.recs) >= steps+benefits {
		return
	}
	recs := make([]rec, steps+benefits)
	copy(recs, t.recs[:t.steps])
	copy(recs[steps:], t.recs[t.from:t.from+t.benefits])
	t.recs, t.from = recs, int32(steps)
}

// set packs a step record from its amounts as nums and its facts (the
// amounts of f are ignored: they come in n); uses is code.facts().
func (t *trail) set(r *rec, rule RuleName, code ReasonCode, uses factField, cur o2o.Currency, n *[slots]num, f *Facts) {
	r.rule, r.code, r.wide = ruleIndex(rule), codeIndex(code), -1
	other := cur.String() != string(o2o.CNY) // kept wide, with the currency
	for i := range n {
		x := &n[i]
		if other || x.wide || x.e < math.MinInt8 || x.e > math.MaxInt8 {
			r.wide = int32(len(t.wide))
			for _, y := range n {
				t.wide = append(t.wide, y.money(cur))
			}
			r.coef, r.exp = [slots]int64{}, [slots]int8{}
			break
		}
		r.coef[i], r.exp[i] = x.c, int8(x.e)
	}
	if uses == 0 {
		return
	}
	if uses&factParty != 0 {
		r.str[0] = t.name(f.Party)
	}
	switch {
	case uses&factLabel != 0:
		r.str[1] = t.name(f.Label)
	case uses&factRegion != 0:
		r.str[1] = t.name(f.Region.String())
	case uses&factProduct != 0:
		r.str[1], r.str[2] = t.name(f.Product.Brand), t.name(f.Product.Model)
	}
	if uses&factMode != 0 {
		r.str[1] = t.name(string(f.Mode))
	}
	if uses&factIncrement != 0 {
		r.str[2] = t.name(string(f.Increment))
	}
	if uses&factQuantity != 0 {
		r.dec, r.str[2] = t.decimal(f.Quantity.Value), t.name(string(f.Quantity.Unit))
	}
	if uses&factPercent != 0 {
		r.dec = t.decimal(f.Percent)
	}
	r.ints = [3]int32{int32(f.Stage), int32(f.Asked), int32(f.Count)}
}

// view returns step record r as a Step.
func (t *trail) view(r *rec) Step {
	s := Step{Rule: ruleTable[r.rule], Code: codeTable[r.code], coef: r.coef, exp: r.exp, ints: r.ints, dec: t.decAt(r.dec)}
	for i, x := range r.str {
		s.str[i] = t.nameAt(x)
	}
	if r.wide >= 0 {
		var w [slots]o2o.Money
		copy(w[:], t.wide[r.wide:])
		s.wide = &w
	}
	return s
}

// record adds Step s as a step record.
func (t *trail) record(s Step) {
	r := t.step()
	r.rule, r.code, r.coef, r.exp, r.ints, r.wide = ruleIndex(s.Rule), codeIndex(s.Code), s.coef, s.exp, s.ints, -1
	for i, x := range s.str {
		r.str[i] = t.name(x)
	}
	r.dec = t.decimal(s.dec)
	if s.wide != nil {
		r.wide = int32(len(t.wide))
		t.wide = append(t.wide, s.wide[:]...)
	}
}

// setCost sets benefit record r's cost.
func (t *trail) setCost(r *rec, cost num, m o2o.Money, known bool, cur o2o.Currency) {
	r.wide = -1
	if cur.String() != string(o2o.CNY) || cost.wide || cost.e < math.MinInt8 || cost.e > math.MaxInt8 {
		if !known {
			m = cost.money(cur)
		}
		r.wide = int32(len(t.wide))
		t.wide = append(t.wide, m)
		r.coef[0], r.exp[0] = 0, 0
		return
	}
	r.coef[0], r.exp[0] = cost.c, int8(cost.e)
}

// benefitView returns benefit record r as a Benefit.
func (t *trail) benefitView(r *rec) Benefit {
	b := Benefit{line: &t.lines[r.ints[0]], fundedBy: t.nameAt(r.str[0])}
	if r.wide >= 0 {
		b.cost = t.wide[r.wide]
	} else {
		b.cost, _ = o2o.NewMoneyIn(decimal.New(r.coef[0], int32(r.exp[0])), o2o.CNY)
	}
	return b
}

// recordBenefit adds Benefit b, with its own copy of the shared line.
func (t *trail) recordBenefit(b Benefit) {
	r := t.benefit()
	r.ints[0] = int32(len(t.lines))
	t.lines = append(t.lines, b.shared())
	r.str[0] = t.name(b.fundedBy)
	c := b.cost
	t.setCost(r, numOfMoney(c), c, true, c.Currency())
}

// Steps returns the quote's steps, in order (see Quote). The slice is the
// caller's to keep.
func (q Quote) Steps() []Step {
	t := &q.tr
	if t.steps == 0 {
		if t.listed {
			return []Step{}
		}
		return nil
	}
	out := make([]Step, t.steps)
	for i := range out {
		out[i] = t.view(&t.recs[i])
	}
	return out
}

// Benefits returns the benefits granted with the quote, in order. The
// slice is the caller's to keep. A products_free line granted by a policy
// costs its funder the quote's line total.
func (q Quote) Benefits() []Benefit {
	t := &q.tr
	n := int(t.benefits + t.svc + t.ladTo - t.ladFrom)
	if n == 0 {
		return nil
	}
	out := make([]Benefit, 0, n)
	for i := range t.benefits {
		out = append(out, t.benefitView(&t.recs[t.from+i]))
	}
	granted := func(from, to int32, funder string) {
		for i := from; i < to; i++ {
			l := &t.lines[i]
			b := Benefit{line: l, fundedBy: funder, cost: l.cost}
			if l.kind == BenefitProductsFree {
				b.cost = q.LineTotal
			}
			out = append(out, b)
		}
	}
	granted(0, t.svc, "headquarters")
	granted(t.ladFrom, t.ladTo, t.nameAt(t.funder))
	return out
}

// WithSteps returns a copy of the quote with the given steps and benefits
// (nil for none), for a caller that assembles or amends a quote by hand;
// the quote keeps its own copy.
func (q Quote) WithSteps(steps []Step, benefits []Benefit) Quote {
	q.tr = newTrail(steps, benefits)
	return q
}

// newTrail packs steps and benefits into a trail of their own.
func newTrail(steps []Step, benefits []Benefit) trail {
	t := trail{listed: steps != nil}
	t.grow(len(steps), len(benefits))
	for _, s := range steps {
		t.record(s)
	}
	for _, b := range benefits {
		t.recordBenefit(b)
	}
	return t
}
