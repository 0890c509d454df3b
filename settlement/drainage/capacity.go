package drainage

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// MaxSubAccounts is the most stores one capacity plan takes.
const MaxSubAccounts = 10_000

// MaxCapacity is the most visits a store may declare it can serve in one
// period.
const MaxCapacity = 1_000_000_000_000

// DefaultTolerancePercent is the band around capacity within which actual
// traffic counts as neither over nor under capacity.
const DefaultTolerancePercent = 10

// StoreCapacity is one store's search sub-account input: the visits it can
// serve in the period and its recent conversion (deals per visit, 0 to 1).
type StoreCapacity struct {
	StoreID string `json:"storeId"`
	// Capacity is the visits the store can serve in the period.
	Capacity int64 `json:"capacity"`
	// Conversion is the store's recent deals per visit, 0 to 1.
	Conversion o2o.Decimal `json:"conversion"`
}

// CapacityConfig is a search-advertising campaign run through one
// sub-account per store, as data. Load it with ParseCapacityConfig (unknown
// fields refused) and plan it with PlanSubAccounts.
//
//	{"budget":{"amount":"30000.00","currency":"CNY"},
//	 "costPerVisit":{"amount":"20.00","currency":"CNY"},
//	 "stores":[{"storeId":"s1","capacity":400,"conversion":"0.12"}]}
type CapacityConfig struct {
	// Budget is the campaign's budget for the period; required, not
	// negative, in whole minor units.
	Budget o2o.Money `json:"budget"`
	// CostPerVisit is what search advertising pays for one store visit;
	// required, above zero, in whole minor units, in the budget's currency.
	// A store's ceiling is Capacity × CostPerVisit.
	CostPerVisit o2o.Money `json:"costPerVisit"`
	// TolerancePercent is the band around capacity, in percent (0 to 100),
	// within which actual traffic is neither over nor under; empty means
	// DefaultTolerancePercent.
	TolerancePercent *o2o.Decimal `json:"tolerancePercent,omitempty"`
	// Stores are the sub-accounts, one per store, at least one and at most
	// MaxSubAccounts, each store once.
	Stores []StoreCapacity `json:"stores"`
}

// Validate checks the config and reports every fault with its JSON path
// (a *o2o.ValidationError wrapping o2o.ErrInvalid, o2o.ErrDuplicate for a
// store given twice, at most o2o.MaxFaults listed).
func (c CapacityConfig) Validate() error {
	var f o2o.Faults
	var dup bool
	switch {
	case !c.Budget.Currency().Valid():
		f.Add("budget", "unknown currency")
	case c.Budget.IsNegative() || !c.Budget.IsWhole():
		f.Addf("budget", "must be a non-negative whole number of minor units, got %s", c.Budget)
	case c.Budget.Encodable() != nil:
		f.Add("budget", c.Budget.Encodable().Error())
	}
	switch {
	case !c.CostPerVisit.IsPositive() || !c.CostPerVisit.IsWhole():
		f.Addf("costPerVisit", "must be above zero in whole minor units, got %s", c.CostPerVisit)
	case !c.CostPerVisit.SameCurrency(c.Budget):
		f.Addf("costPerVisit", "currency %s is not the budget's %s", c.CostPerVisit.Currency(), c.Budget.Currency())
	case c.CostPerVisit.Encodable() != nil:
		f.Add("costPerVisit", c.CostPerVisit.Encodable().Error())
	}
	if t := c.TolerancePercent; t != nil && (t.Sign() < 0 || t.Cmp(hundredPercent) > 0) {
		f.Addf("tolerancePercent", "must be 0 to 100, got %s", t.String())
	}
	switch {
	case len(c.Stores) == 0:
		f.Add("stores", "at least one store is required")
	case len(c.Stores) > MaxSubAccounts:
		f.Addf("stores", "at most %d stores, got %d", MaxSubAccounts, len(c.Stores))
		return f.Err()
	}
	seen := make(map[string]int, len(c.Stores))
	one := decimal.New(1, 0)
	for i, s := range c.Stores {
		path := indexPath("stores", i)
		if s.StoreID == "" {
			f.Add(path+".storeId", "is required")
		} else if j, ok := seen[s.StoreID]; ok {
			f.Addf(path+".storeId", "repeats %q of %s", s.StoreID, indexPath("stores", j))
			dup = true
		} else {
			seen[s.StoreID] = i
		}
		if s.Capacity < 0 || s.Capacity > MaxCapacity {
			f.Addf(path+".capacity", "must be 0 to %d visits, got %d", int64(MaxCapacity), s.Capacity)
		} else if err := c.CostPerVisit.Mul(decimal.New(s.Capacity, 0)).Encodable(); err != nil {
			f.Addf(path+".capacity", "capacity × costPerVisit has too many digits: %v", err)
		}
		if s.Conversion.Sign() < 0 || s.Conversion.Cmp(one) > 0 {
			f.Addf(path+".conversion", "must be 0 to 1 (deals per visit), got %s", s.Conversion.String())
		} else if err := o2o.Dec(decimal.New(max(s.Capacity, 1), 0).Mul(s.Conversion.Decimal)).Encodable(); err != nil {
			f.Addf(path+".conversion", "capacity × conversion has too many digits: %v", err)
		}
	}
	if dup && f.Len() > 0 {
		return f.ErrAs(o2o.ErrDuplicate)
	}
	return f.Err()
}

// ParseCapacityConfig decodes a capacity config strictly (unknown fields,
// trailing data, depth and key limits refused) and validates it.
func ParseCapacityConfig(data []byte) (CapacityConfig, error) {
	var c CapacityConfig
	if err := o2o.DecodeJSON(data, &c); err != nil {
		return CapacityConfig{}, err
	}
	if err := c.Validate(); err != nil {
		return CapacityConfig{}, err
	}
	return c, nil
}

// SubAccount is one store's search sub-account in a plan.
type SubAccount struct {
	StoreID    string      `json:"storeId"`
	Capacity   int64       `json:"capacity"`
	Conversion o2o.Decimal `json:"conversion"`
	// Weight is the deals the store can make at capacity: Capacity ×
	// Conversion. The budget goes in proportion to it.
	Weight o2o.Decimal `json:"weight"`
	// Ceiling is the most the store can digest: Capacity × CostPerVisit.
	Ceiling o2o.Money `json:"ceiling"`
	// Budget is the sub-account's budget, never above Ceiling.
	Budget o2o.Money `json:"budget"`
	// Visits is the visits the budget buys, whole: ⌊Budget / CostPerVisit⌋.
	Visits int64 `json:"visits"`
	// Capped reports that the store got its whole ceiling.
	Capped      bool   `json:"capped"`
	Explanation string `json:"explanation"`
}

// CapacityPlan is a campaign's budget split over store sub-accounts:
// Placed + Unplaced = Budget, exactly; Placed is the sum of the accounts'
// budgets. A plan is plain data.
type CapacityPlan struct {
	Budget       o2o.Money `json:"budget"`
	CostPerVisit o2o.Money `json:"costPerVisit"`
	// TolerancePercent is the band Check uses.
	TolerancePercent o2o.Decimal `json:"tolerancePercent"`
	Placed           o2o.Money   `json:"placed"`
	// Unplaced is the budget no store could digest: reported, not spread.
	Unplaced    o2o.Money    `json:"unplaced"`
	Accounts    []SubAccount `json:"accounts"`
	Explanation string       `json:"explanation"`
}

// PlanSubAccounts splits the budget over the stores' sub-accounts,
// cent-exact, in proportion to the deals each store can make at capacity
// (Capacity × Conversion), never above a store's ceiling (Capacity ×
// CostPerVisit): a store whose share would pass its ceiling gets the
// ceiling, and the rest is split again over the stores below theirs, until
// no share passes. The budget left when every store with a weight is at its
// ceiling is Unplaced, never spread over stores that cannot digest it. A
// store without capacity or without recorded conversion gets nothing.
// Each split uses o2o.Allocate (largest remainder, equal remainders by
// store id), so no budget is ever lost and a share rounded up a fen never
// passes a ceiling. Accounts are sorted by store id.
//
// Errors: those of CapacityConfig.Validate. The config is not modified.
func PlanSubAccounts(c CapacityConfig) (*CapacityPlan, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	cur := c.Budget.Currency()
	tol := decimal.New(DefaultTolerancePercent, 0)
	if c.TolerancePercent != nil {
		tol = c.TolerancePercent.Decimal
	}
	p := &CapacityPlan{Budget: c.Budget, CostPerVisit: c.CostPerVisit, TolerancePercent: o2o.Dec(tol),
		Placed: cur.Zero(), Unplaced: cur.Zero(), Accounts: make([]SubAccount, len(c.Stores))}
	for i, s := range c.Stores {
		p.Accounts[i] = SubAccount{StoreID: s.StoreID, Capacity: s.Capacity, Conversion: s.Conversion,
			Weight:  o2o.Dec(trimmed(decimal.New(s.Capacity, 0).Mul(s.Conversion.Decimal))),
			Ceiling: c.CostPerVisit.Mul(decimal.New(s.Capacity, 0)), Budget: cur.Zero()}
	}
	slices.SortFunc(p.Accounts, func(a, b SubAccount) int { return cmp.Compare(a.StoreID, b.StoreID) })
	var active []int
	for i, a := range p.Accounts {
		if a.Weight.Sign() > 0 {
			active = append(active, i)
		}
	}
	// Water-filling: the stores whose ceiling is smallest against their
	// weight fill first. Taken in that order, a store passes its ceiling
	// when left × weight > ceiling × W (W the weights not yet at their
	// ceiling), compared exactly; the first that does not pass ends the
	// filling, since every later one has room at least as large.
	slices.SortStableFunc(active, func(x, y int) int {
		a, b := &p.Accounts[x], &p.Accounts[y]
		return a.Ceiling.Amount().Mul(b.Weight.Decimal).Cmp(b.Ceiling.Amount().Mul(a.Weight.Decimal))
	})
	left := c.Budget.Amount()
	w := decimal.Decimal{}
	for _, i := range active {
		w = w.Add(p.Accounts[i].Weight.Decimal)
	}
	for len(active) > 0 {
		a := &p.Accounts[active[0]]
		if left.Mul(a.Weight.Decimal).Cmp(a.Ceiling.Amount().Mul(w)) <= 0 {
			break
		}
		a.Budget, a.Capped = a.Ceiling, true
		left = left.Sub(a.Ceiling.Amount())
		w = w.Sub(a.Weight.Decimal)
		active = active[1:]
	}
	if len(active) > 0 && left.Sign() > 0 {
		slices.Sort(active) // by store id: Allocate breaks ties by key anyway
		shares := make([]o2o.Share, len(active))
		for k, i := range active {
			shares[k] = o2o.Share{Key: p.Accounts[i].StoreID, Weight: p.Accounts[i].Weight.Decimal}
		}
		rest, err := o2o.NewMoneyIn(left, cur)
		if err != nil {
			return nil, err
		}
		parts, err := o2o.Allocate(rest, shares)
		if err != nil {
			return nil, err
		}
		for k, i := range active {
			p.Accounts[i].Budget = parts[k].Amount
		}
	}
	var wBelow decimal.Decimal
	for _, a := range p.Accounts {
		if !a.Capped {
			wBelow = wBelow.Add(a.Weight.Decimal)
		}
	}
	for i := range p.Accounts {
		a := &p.Accounts[i]
		p.Placed, _ = p.Placed.Add(a.Budget)
		q, _ := a.Budget.Amount().QuoRem(c.CostPerVisit.Amount(), 0)
		a.Visits = q.IntPart()
		a.explain(c.CostPerVisit, wBelow)
	}
	p.Unplaced, _ = c.Budget.Sub(p.Placed)
	p.Explanation = fmt.Sprintf("budget %s over %d search sub-accounts by deals each store can make at capacity, none above its ceiling at %s per visit: %s placed", c.Budget, len(p.Accounts), c.CostPerVisit, p.Placed)
	if p.Unplaced.IsPositive() {
		p.Explanation += fmt.Sprintf(", %s unplaced: every store that converts is at its ceiling", p.Unplaced)
	}
	return p, nil
}

func (a *SubAccount) explain(cpv o2o.Money, wBelow decimal.Decimal) {
	head := fmt.Sprintf("store %s: %s", a.StoreID, a.Budget)
	switch {
	case a.Capacity == 0:
		a.Explanation = head + ": no capacity declared for the period"
	case a.Weight.Sign() == 0:
		a.Explanation = head + ": no recorded conversion"
	case a.Capped:
		a.Explanation = fmt.Sprintf("%s, its ceiling (capacity %d visits × %s per visit): the store cannot digest more", head, a.Capacity, cpv)
	default:
		a.Explanation = fmt.Sprintf("%s by %s expected deals (capacity %d × conversion %s) of %s among stores below their ceiling; buys %d of %d visits", head, a.Weight.String(), a.Capacity, a.Conversion.String(), o2o.FormatDecimal(wBelow), a.Visits, a.Capacity)
	}
}

// CapacityStatus says how a store's actual traffic compares with its capacity.
type CapacityStatus string

// The capacity statuses.
const (
	// CapacityOver is traffic above capacity by more than the tolerance.
	CapacityOver CapacityStatus = "over"
	// CapacityWithin is traffic within the tolerance of capacity.
	CapacityWithin CapacityStatus = "within"
	// CapacityUnder is traffic below capacity by more than the tolerance.
	CapacityUnder CapacityStatus = "under"
)

// CapacityStatuses returns every status in a fixed order.
func CapacityStatuses() []CapacityStatus {
	return []CapacityStatus{CapacityOver, CapacityWithin, CapacityUnder}
}

// String returns the status's text form.
func (s CapacityStatus) String() string { return string(s) }

// Valid reports whether s is one of the statuses.
func (s CapacityStatus) Valid() bool { return enum.Valid(s, CapacityStatuses()...) }

// MarshalText returns the text form; it refuses an invalid status.
func (s CapacityStatus) MarshalText() ([]byte, error) {
	return marshalEnum("capacity status", s, s.Valid())
}

// UnmarshalText accepts exactly "over", "within" or "under".
func (s *CapacityStatus) UnmarshalText(text []byte) error {
	return unmarshalEnum("capacity status", text, s, CapacityStatuses())
}

// StoreVisits is the visits a store actually received in the period.
type StoreVisits struct {
	StoreID string `json:"storeId"`
	Visits  int64  `json:"visits"`
}

// CapacityCheck compares one store's actual visits with its capacity.
type CapacityCheck struct {
	StoreID  string `json:"storeId"`
	Capacity int64  `json:"capacity"`
	Visits   int64  `json:"visits"`
	// Load is Visits / Capacity, rounded half up to 4 places; absent when
	// the capacity is zero.
	Load        *o2o.Decimal   `json:"load,omitempty"`
	Status      CapacityStatus `json:"status"`
	Explanation string         `json:"explanation"`
}

// Check compares the visits each store of the plan actually received with
// its capacity: over when Visits > Capacity × (1 + tolerance), under when
// Visits < Capacity × (1 − tolerance), within otherwise (a store with zero
// capacity is over with any visit). A store of the plan missing from visits
// received none. Rows follow the plan's accounts.
//
// Errors (wrapping o2o.ErrInvalid, with the path of the row): a store not
// in the plan, a store given twice (o2o.ErrDuplicate), negative visits.
func (p *CapacityPlan) Check(visits []StoreVisits) ([]CapacityCheck, error) {
	got := make(map[string]int64, len(visits))
	for i, v := range visits {
		path := indexPath("visits", i)
		if _, dup := got[v.StoreID]; dup {
			return nil, o2o.InvalidAs(o2o.ErrDuplicate, path+".storeId", fmt.Sprintf("repeats %q", v.StoreID))
		}
		if !slices.ContainsFunc(p.Accounts, func(a SubAccount) bool { return a.StoreID == v.StoreID }) {
			return nil, o2o.Invalidf(path+".storeId", "store %q has no sub-account in the plan", v.StoreID)
		}
		if v.Visits < 0 {
			return nil, o2o.Invalidf(path+".visits", "must not be negative, got %d", v.Visits)
		}
		got[v.StoreID] = v.Visits
	}
	band := p.TolerancePercent.Decimal.Shift(-2)
	one := decimal.New(1, 0)
	out := make([]CapacityCheck, len(p.Accounts))
	for i, a := range p.Accounts {
		ch := CapacityCheck{StoreID: a.StoreID, Capacity: a.Capacity, Visits: got[a.StoreID], Status: CapacityWithin}
		v, c := decimal.New(ch.Visits, 0), decimal.New(a.Capacity, 0)
		switch {
		case a.Capacity == 0 && ch.Visits > 0:
			ch.Status = CapacityOver
		case v.Cmp(c.Mul(one.Add(band))) > 0:
			ch.Status = CapacityOver
		case v.Cmp(c.Mul(one.Sub(band))) < 0:
			ch.Status = CapacityUnder
		}
		if a.Capacity > 0 {
			l := o2o.Dec(v.DivRound(c, 4))
			ch.Load = &l
		}
		switch ch.Status {
		case CapacityOver:
			ch.Explanation = fmt.Sprintf("store %s: %d visits against a capacity of %d: over capacity by more than %s%%: customers wait or leave, move budget to stores with room", a.StoreID, ch.Visits, a.Capacity, p.TolerancePercent.String())
		case CapacityUnder:
			ch.Explanation = fmt.Sprintf("store %s: %d visits against a capacity of %d: under capacity by more than %s%%, room for more traffic", a.StoreID, ch.Visits, a.Capacity, p.TolerancePercent.String())
		default:
			ch.Explanation = fmt.Sprintf("store %s: %d visits against a capacity of %d: within %s%%", a.StoreID, ch.Visits, a.Capacity, p.TolerancePercent.String())
		}
		out[i] = ch
	}
	return out, nil
}
