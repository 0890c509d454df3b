package drainage

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
	"golang.org/x/exp/stats"

	"github.com/o2okit/o2okit/o2o"
)

// KPI is one row of drainage KPIs, for a store, a campaign, a source or a
// sales mode. Visits, Deals and Payments are attributed credit, exact in
// conversions; Customers, Visitors, Buyers and Payers count distinct
// customers (see Reach); ratios are floating point, amounts o2o.Money. A ratio
// whose denominator is zero is omitted (nil).
type KPI struct {
	Key     string `json:"key"`
	Touches int64  `json:"touches"`
	// Customers is the distinct customers the group's touches reached;
	// Visitors, Buyers and Payers those of them who then made a store
	// visit, closed a deal or paid online with a touch of the group in the
	// conversion's window.
	Customers    int64 `json:"customers"`
	Visitors     int64 `json:"visitors"`
	Buyers       int64 `json:"buyers"`
	OnlinePayers int64 `json:"onlinePayers"`
	// Visits, Deals and Payments are the credited store visits, deals and
	// online payments, in conversions.
	Visits   o2o.Decimal `json:"visits"`
	Deals    o2o.Decimal `json:"deals"`
	Payments o2o.Decimal `json:"payments"`
	// Value is the credited revenue.
	Value o2o.Money `json:"value"`
	// Cost is the drainage cost charged: to a store or a sales mode, its
	// charges; to a campaign, its spend; to a source, its campaign's spend
	// split over the campaign's sources on the statement's basis (touches,
	// or credited conversions), cent-exact with o2o.Allocate.
	Cost o2o.Money `json:"cost"`
	// StoreVisitRate (到店率, the O2O KPI) is Visitors / Customers: the share
	// of the distinct customers reached who came into a store.
	StoreVisitRate *float64 `json:"storeVisitRate,omitempty"`
	// OnlinePaymentRate (the B2C KPI, online-payment conversion) is
	// OnlinePayers / Customers.
	OnlinePaymentRate *float64 `json:"onlinePaymentRate,omitempty"`
	// CostPerVisit and CostPerDeal are Cost divided by the credited visits
	// or deals, rounded half-even to the minor unit.
	CostPerVisit *o2o.Money `json:"costPerVisit,omitempty"`
	CostPerDeal  *o2o.Money `json:"costPerDeal,omitempty"`
	// ROI is (Value - Cost) / Cost.
	ROI *float64 `json:"roi,omitempty"`
}

// Summary describes one KPI ratio across stores (the store-visit rate,
// ROI): count, mean, sample standard deviation and quartiles (Hyndman–Fan
// R7), from golang.org/x/exp/stats. Cost per visit and per deal are not
// summarised here: read them per store, exact.
type Summary struct {
	Metric string  `json:"metric"`
	N      int     `json:"n"`
	Mean   float64 `json:"mean"`
	StdDev float64 `json:"stdDev"`
	P25    float64 `json:"p25"`
	Median float64 `json:"median"`
	P75    float64 `json:"p75"`
}

// Report holds the KPIs per store, campaign, source and sales mode, each
// sorted by key, and summaries across stores.
type Report struct {
	Stores    []KPI     `json:"stores"`
	Campaigns []KPI     `json:"campaigns"`
	Sources   []KPI     `json:"sources"`
	Channels  []KPI     `json:"channels"`
	Summaries []Summary `json:"summaries"`
}

type kpiAcc struct {
	touches                int64
	reach                  Reach
	visits, deals, payment int64
	value, cost            o2o.Money
}

// KPIs computes the report from an attribution result and the statement
// the same result was allocated into (st may be nil: costs are then zero).
// Stores are those that received traffic, conversions or charges.
func KPIs(res *Result, st *Statement) *Report {
	currency := o2o.CNY
	if st != nil {
		currency = st.Spend.Currency()
	} else if len(res.Credits) > 0 {
		currency = res.Credits[0].Value.Currency()
	}
	groups := [4]map[string]*kpiAcc{{}, {}, {}, {}} // stores, campaigns, sources, channels
	get := func(g int, key string) *kpiAcc {
		a := groups[g][key]
		if a == nil {
			a = &kpiAcc{value: zeroIn(currency), cost: zeroIn(currency)}
			groups[g][key] = a
		}
		return a
	}
	for _, t := range res.Traffic {
		if t.StoreID != "" {
			get(0, t.StoreID).touches += t.Touches
		}
		if t.Source.Campaign != "" {
			get(1, t.Source.Campaign).touches += t.Touches
		}
		get(2, t.Source.String()).touches += t.Touches
		get(3, string(t.Channel)).touches += t.Touches
	}
	for _, r := range res.Reach {
		if g := groupRank(r.By); g >= 0 {
			get(g, r.Key).reach = r
		}
	}
	for _, c := range res.Credits {
		accs := []*kpiAcc{get(2, c.Source.String()), get(3, string(c.Conversion.Channel()))}
		if c.StoreID != "" {
			accs = append(accs, get(0, c.StoreID))
		}
		if c.Source.Campaign != "" {
			accs = append(accs, get(1, c.Source.Campaign))
		}
		for _, a := range accs {
			switch c.Conversion {
			case ConversionStoreVisit:
				a.visits += c.Units
			case ConversionDeal:
				a.deals += c.Units
			default:
				a.payment += c.Units
			}
			a.value, _ = a.value.Add(c.Value)
		}
	}
	if st != nil {
		for _, ch := range st.Charges {
			a := get(1, ch.Campaign)
			a.cost, _ = a.cost.Add(ch.Amount)
			switch ch.Payer.Kind {
			case o2o.PartyStore:
				s := get(0, ch.Payer.ID)
				s.cost, _ = s.cost.Add(ch.Amount)
				c := get(3, string(o2o.ChannelO2O))
				c.cost, _ = c.cost.Add(ch.Amount)
			case o2o.PartyPlatform:
				c := get(3, string(o2o.ChannelB2C))
				c.cost, _ = c.cost.Add(ch.Amount)
			}
		}
		for src, cost := range sourceCosts(res, st) {
			a := get(2, src)
			a.cost, _ = a.cost.Add(cost)
		}
	}
	rep := &Report{}
	outs := []*[]KPI{&rep.Stores, &rep.Campaigns, &rep.Sources, &rep.Channels}
	for g, m := range groups {
		rows := []KPI{}
		for k, a := range m {
			rows = append(rows, a.kpi(k))
		}
		slices.SortFunc(rows, func(a, b KPI) int { return cmp.Compare(a.Key, b.Key) })
		*outs[g] = rows
	}
	rep.Summaries = summaries(rep.Stores)
	return rep
}

func (a *kpiAcc) kpi(key string) KPI {
	k := KPI{
		Key: key, Touches: a.touches, Value: a.value, Cost: a.cost,
		Customers: a.reach.Customers, Visitors: a.reach.Visitors, Buyers: a.reach.Buyers, OnlinePayers: a.reach.Payers,
		Visits:   o2o.Dec(decimal.New(a.visits, -ScaleDigits)),
		Deals:    o2o.Dec(decimal.New(a.deals, -ScaleDigits)),
		Payments: o2o.Dec(decimal.New(a.payment, -ScaleDigits)),
	}
	if n := a.reach.Customers; n > 0 {
		v := float64(a.reach.Visitors) / float64(n)
		p := float64(a.reach.Payers) / float64(n)
		k.StoreVisitRate, k.OnlinePaymentRate = &v, &p
	}
	per := func(units int64) *o2o.Money {
		if units == 0 {
			return nil
		}
		amount := a.cost.Amount().Mul(decimal.New(Scale, 0)).DivRound(decimal.New(units, 0), 8)
		m, _ := o2o.NewMoneyIn(amount, a.cost.Currency())
		m = m.Round()
		return &m
	}
	k.CostPerVisit, k.CostPerDeal = per(a.visits), per(a.deals)
	if a.cost.IsPositive() {
		roi := a.value.Amount().Sub(a.cost.Amount()).DivRound(a.cost.Amount(), 12).InexactFloat64()
		k.ROI = &roi
	}
	return k
}

func summaries(stores []KPI) []Summary {
	metrics := []struct {
		name string
		get  func(KPI) (float64, bool)
	}{
		{"storeVisitRate", func(k KPI) (float64, bool) { return deref(k.StoreVisitRate) }},
		{"roi", func(k KPI) (float64, bool) { return deref(k.ROI) }},
	}
	out := []Summary{}
	for _, m := range metrics {
		var vals []float64
		for _, s := range stores {
			if v, ok := m.get(s); ok {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			continue
		}
		s := Summary{Metric: m.name, N: len(vals)}
		s.Mean = stats.Mean(vals)
		if len(vals) > 1 {
			_, s.StdDev = stats.MeanAndStdDev(vals)
		}
		q := stats.Quantiles(vals, 0.25, 0.5, 0.75)
		s.P25, s.Median, s.P75 = q[0], q[1], q[2]
		out = append(out, s)
	}
	return out
}

func deref(p *float64) (float64, bool) {
	if p == nil {
		return 0, false
	}
	return *p, true
}

// sourceCosts splits each campaign's spend over the campaign's sources, in
// proportion to their touches (traffic basis) or their credited units
// (conversions basis, falling back to touches for a campaign no conversion
// was credited to), cent-exact with o2o.Allocate; equal remainders go to
// the earlier source (kind, then campaign). A campaign that delivered no
// touch has no source to carry its spend: it stays out of the source rows.
func sourceCosts(res *Result, st *Statement) map[string]o2o.Money {
	spend := map[string]o2o.Money{}
	for _, ch := range st.Charges {
		s, ok := spend[ch.Campaign]
		if !ok {
			s = zeroIn(ch.Amount.Currency())
		}
		spend[ch.Campaign], _ = s.Add(ch.Amount)
	}
	touches := map[string]map[Source]int64{}
	credits := map[string]map[Source]int64{}
	add := func(m map[string]map[Source]int64, s Source, n int64) {
		if s.Campaign == "" || n == 0 {
			return
		}
		if m[s.Campaign] == nil {
			m[s.Campaign] = map[Source]int64{}
		}
		m[s.Campaign][s] += n
	}
	for _, t := range res.Traffic {
		add(touches, t.Source, t.Touches)
	}
	if st.Basis == BasisConversions {
		for _, c := range res.Credits {
			if st.counts(c.Conversion) {
				add(credits, c.Source, c.Units)
			}
		}
	}
	out := map[string]o2o.Money{}
	campaigns := make([]string, 0, len(spend))
	for c := range spend {
		campaigns = append(campaigns, c)
	}
	slices.Sort(campaigns)
	for _, c := range campaigns {
		weights := credits[c]
		if len(weights) == 0 {
			weights = touches[c]
		}
		if len(weights) == 0 {
			continue
		}
		srcs := make([]Source, 0, len(weights))
		for s := range weights {
			srcs = append(srcs, s)
		}
		slices.SortFunc(srcs, compareSources)
		shares := make([]o2o.Share, len(srcs))
		for i, s := range srcs {
			shares[i] = o2o.Share{Key: fmt.Sprintf("%08d", i), Weight: decimal.New(weights[s], 0)}
		}
		parts, err := o2o.Allocate(spend[c], shares)
		if err != nil { // cannot happen: positive weights, one currency
			continue
		}
		for i, p := range parts {
			out[srcs[i].String()] = p.Amount
		}
	}
	return out
}
