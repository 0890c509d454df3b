package settlement

import (
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// Position is an investor's co-investment in a store (资金自循环): the investor
// funds the store, the manufacturer at most advances money (垫付) up to a
// limit, and the store's revenue share repays the advances first, then the
// investor's capital, on a schedule. It is a plain value: each operation
// returns the postings and the next Position, leaving the receiver
// unchanged.
type Position struct {
	Store        string `json:"store"`
	Investor     string `json:"investor"`
	Manufacturer string `json:"manufacturer"`
	// Capital is the investor's capital not yet repaid.
	Capital o2o.Money `json:"capital"`
	// Advanced is the manufacturer's advances not yet repaid.
	Advanced o2o.Money `json:"advanced"`
	// AdvanceLimit is the most the manufacturer may have advanced at once.
	AdvanceLimit o2o.Money `json:"advanceLimit"`
	// RepayPercent is the schedule: the percent of each revenue share drawn
	// for repayment, 0 to 100.
	RepayPercent o2o.Decimal `json:"repayPercent"`
	// Installment, when set, bounds what one repayment draws.
	Installment *o2o.Money `json:"installment,omitempty"`
	// Closed reports a fully repaid position: it draws no more revenue and
	// takes no new advance.
	Closed bool `json:"closed"`
}

// Validate checks the position: the three parties present and distinct,
// amounts whole and not negative in one currency, the advances within the
// limit, the percent within 0..100. Errors wrap o2o.ErrInvalid.
func (p Position) Validate() error {
	switch {
	case p.Store == "":
		return o2o.Invalid("store", "is required")
	case p.Investor == "":
		return o2o.Invalid("investor", "is required")
	case p.Manufacturer == "":
		return o2o.Invalid("manufacturer", "is required")
	case p.Store == p.Investor || p.Store == p.Manufacturer || p.Investor == p.Manufacturer:
		return o2o.Invalid("", "store, investor and manufacturer must be three parties")
	case p.RepayPercent.Sign() < 0 || p.RepayPercent.Cmp(hundred) > 0:
		return o2o.Invalidf("repayPercent", "must be between 0 and 100, got %s", p.RepayPercent)
	}
	cur := p.Capital.Currency()
	for _, f := range []struct {
		path string
		m    *o2o.Money
	}{{"capital", &p.Capital}, {"advanced", &p.Advanced}, {"advanceLimit", &p.AdvanceLimit}, {"installment", p.Installment}} {
		if f.m == nil {
			continue
		}
		if err := checkAmount(*f.m, cur); err != nil {
			return o2o.Prefix(f.path, err)
		}
		if _, err := toUnits(*f.m); err != nil {
			return o2o.Prefix(f.path, err)
		}
	}
	if c, _ := p.Advanced.Cmp(p.AdvanceLimit); c > 0 {
		return o2o.Invalidf("advanced", "%s is above the advance limit %s", p.Advanced, p.AdvanceLimit)
	}
	return nil
}

// Outstanding returns the advances plus the capital not yet repaid.
func (p Position) Outstanding() o2o.Money {
	s, _ := p.Advanced.Add(p.Capital)
	return s
}

func (p Position) money(amount o2o.Money, path string) (int64, error) {
	if err := p.Validate(); err != nil {
		return 0, o2o.Prefix("position", err)
	}
	if err := checkAmount(amount, p.Capital.Currency()); err != nil {
		return 0, o2o.Prefix(path, err)
	}
	u, err := toUnits(amount)
	if err != nil {
		return 0, o2o.Prefix(path, err)
	}
	return u, nil
}

// Invest records the investor paying amount of capital into the store.
// Errors: an invalid position or amount, a closed position (ErrClosed).
func (p Position) Invest(amount o2o.Money, key string, at time.Time) ([]Posting, Position, error) {
	u, err := p.money(amount, "amount")
	if err != nil {
		return nil, p, err
	}
	if err := checkOp(p, u, key, at); err != nil {
		return nil, p, err
	}
	next := p
	next.Capital, _ = p.Capital.Add(amount)
	return []Posting{{Key: key, Kind: KindInvestment, From: p.Investor, To: p.Store, Amount: amount, At: at}}, next, nil
}

// Advance records the manufacturer advancing amount to the store. The
// manufacturer at most advances (最多是垫付一下): advances outstanding may
// not exceed AdvanceLimit (a *LimitError wrapping ErrLimit names the
// manufacturer, the amount needed and what is left under the limit).
func (p Position) Advance(amount o2o.Money, key string, at time.Time) ([]Posting, Position, error) {
	u, err := p.money(amount, "amount")
	if err != nil {
		return nil, p, err
	}
	if err := checkOp(p, u, key, at); err != nil {
		return nil, p, err
	}
	after, _ := p.Advanced.Add(amount)
	if c, _ := after.Cmp(p.AdvanceLimit); c > 0 {
		left, _ := p.AdvanceLimit.Sub(p.Advanced)
		return nil, p, &LimitError{Account: p.Manufacturer, Key: key, Needed: amount, Available: left}
	}
	next := p
	next.Advanced = after
	return []Posting{{Key: key, Kind: KindAdvance, From: p.Manufacturer, To: p.Store, Amount: amount, At: at}}, next, nil
}

func checkOp(p Position, units int64, key string, at time.Time) error {
	switch {
	case p.Closed:
		return fmt.Errorf("store %q: %w: fully repaid, it takes no new money", p.Store, ErrClosed)
	case units <= 0:
		return o2o.Invalid("amount", "must be positive")
	case key == "":
		return o2o.Invalid("key", "is required")
	case at.IsZero():
		return o2o.Invalid("at", "is required")
	}
	if err := instant.Check(at); err != nil {
		return o2o.Prefix("at", err)
	}
	return nil
}

// Repayment is what one revenue share repaid.
type Repayment struct {
	// Drawn is the part of the revenue share drawn for repayment.
	Drawn o2o.Money `json:"drawn"`
	// ToAdvances and ToCapital split Drawn: advances first.
	ToAdvances o2o.Money `json:"toAdvances"`
	ToCapital  o2o.Money `json:"toCapital"`
	Postings   []Posting `json:"postings"`
	// Position is the position after the repayment.
	Position Position `json:"position"`
	Reason   string   `json:"reason"`
}

// Repay draws the schedule's percent of the store's revenue share (rounded
// down to the minor unit, bounded by the installment and by what is
// outstanding) and repays the manufacturer's advances first, then the
// investor's capital: postings from the store keyed key+"/advance" and
// key+"/capital". When nothing is left outstanding the position closes and
// stops drawing; repaying a closed position draws nothing. Errors: an
// invalid position or revenue share (negative, not whole, foreign), a
// missing key or instant; all wrap o2o.ErrInvalid.
func Repay(p Position, revenueShare o2o.Money, key string, at time.Time) (Repayment, error) {
	share, err := p.money(revenueShare, "revenueShare")
	if err != nil {
		return Repayment{}, err
	}
	switch {
	case share < 0:
		return Repayment{}, o2o.Invalid("revenueShare", "must not be negative")
	case key == "":
		return Repayment{}, o2o.Invalid("key", "is required")
	case at.IsZero():
		return Repayment{}, o2o.Invalid("at", "is required")
	}
	if err := instant.Check(at); err != nil {
		return Repayment{}, o2o.Prefix("at", err)
	}
	cur := p.Capital.Currency()
	zero := fromUnits(0, cur)
	r := Repayment{Drawn: zero, ToAdvances: zero, ToCapital: zero, Position: p, Postings: []Posting{}}
	if p.Closed {
		r.Reason = "position closed: fully repaid, it draws no more revenue"
		return r, nil
	}
	drawn, _ := revenueShare.Mul(p.RepayPercent.Decimal.Shift(-2)).RoundWith(o2o.RoundDown)
	// Reasons are joined, not formatted: Repay sits in loops.
	why := p.RepayPercent.String() + "% of the revenue share " + amountText(revenueShare)
	if p.Installment != nil {
		if c, _ := drawn.Cmp(*p.Installment); c > 0 {
			drawn = *p.Installment
			why += ", bounded by the installment " + amountText(*p.Installment)
		}
	}
	if c, _ := drawn.Cmp(p.Outstanding()); c > 0 {
		drawn = p.Outstanding()
		why += ", bounded by what is outstanding"
	}
	toAdv := drawn
	if c, _ := toAdv.Cmp(p.Advanced); c > 0 {
		toAdv = p.Advanced
	}
	toCap, _ := drawn.Sub(toAdv)
	r.Drawn, r.ToAdvances, r.ToCapital = drawn, toAdv, toCap
	next := p
	next.Advanced, _ = p.Advanced.Sub(toAdv)
	next.Capital, _ = p.Capital.Sub(toCap)
	if toAdv.IsPositive() {
		r.Postings = append(r.Postings, Posting{Key: key + "/advance", Kind: KindRepayment, From: p.Store, To: p.Manufacturer, Amount: toAdv, At: at})
	}
	if toCap.IsPositive() {
		r.Postings = append(r.Postings, Posting{Key: key + "/capital", Kind: KindRepayment, From: p.Store, To: p.Investor, Amount: toCap, At: at})
	}
	if drawn.IsPositive() && next.Outstanding().IsZero() {
		next.Closed = true
		why += "; everything is repaid: the position closes"
	}
	r.Position = next
	r.Reason = "drew " + amountText(drawn) + " (" + why + "): " + amountText(toAdv) + " to the manufacturer's advances first, " +
		amountText(toCap) + " to the investor's capital"
	return r, nil
}

// CoInvestTerms are the terms of an investor's co-investment in a store
// (资金自循环), as a rulebook states them: who invests in which store, the
// most the manufacturer may advance, and the repayment schedule. Open turns
// them into the Position of a co-investment with nothing invested or
// advanced yet.
type CoInvestTerms struct {
	Store        string `json:"store"`
	Investor     string `json:"investor"`
	Manufacturer string `json:"manufacturer"`
	// AdvanceLimit is the most the manufacturer may have advanced at once
	// (the manufacturer at most advances, 最多是垫付); its currency is the
	// co-investment's.
	AdvanceLimit o2o.Money `json:"advanceLimit"`
	// RepayPercent is the percent of each revenue share drawn for
	// repayment, 0 to 100.
	RepayPercent o2o.Decimal `json:"repayPercent"`
	// Installment, when set, bounds what one repayment draws.
	Installment *o2o.Money `json:"installment,omitempty"`
}

// Open returns the position the terms open: no capital, no advance, not
// closed, in the advance limit's currency. It checks the terms as
// Position.Validate does (errors wrap o2o.ErrInvalid, with the terms' JSON
// paths).
func (t CoInvestTerms) Open() (Position, error) {
	zero := t.AdvanceLimit.Currency().Zero()
	p := Position{Store: t.Store, Investor: t.Investor, Manufacturer: t.Manufacturer,
		Capital: zero, Advanced: zero, AdvanceLimit: t.AdvanceLimit, RepayPercent: t.RepayPercent, Installment: t.Installment}
	if err := p.Validate(); err != nil {
		return Position{}, err
	}
	return p, nil
}
