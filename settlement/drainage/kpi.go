package drainage

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"
	"golang.org/x/exp/stats"

	"github.com/o2okit/o2okit/o2o"
)

// KPI is one row of drainage KPIs, for a store, a campaign, a source or a
// sales mode. Counts of conversions are attributed credit, exact in
// conversions; ratios are float64 (money never is). A ratio whose
// denominator is zero is omitted (nil).
type KPI struct {
	Key     string `json:"key"`
	Touches int64  `json:"touches"`
	// Visits, Deals and Payments are the credited store visits, deals and
	// online payments, in conversions.
	Visits   o2o.Decimal `json:"visits"`
	Deals    o2o.Decimal `json:"deals"`
	Payments o2o.Decimal `json:"payments"`
	// Value is the credited revenue.
	Value o2o.Money `json:"value"`
	// Cost is the drainage cost charged (zero for a source: charges are per
	// campaign).
	Cost o2o.Money `json:"cost"`
	// StoreVisitRate (到店率, the O2O KPI) is credited store visits per touch.
	StoreVisitRate *float64 `json:"storeVisitRate,omitempty"`
	// OnlinePaymentRate (the B2C KPI) is credited online payments per touch.
	OnlinePaymentRate *float64 `json:"onlinePaymentRate,omitempty"`
	// CostPerVisit and CostPerDeal are Cost divided by the credited visits
	// or deals, rounded half-even to the minor unit.
	CostPerVisit *o2o.Money `json:"costPerVisit,omitempty"`
	CostPerDeal  *o2o.Money `json:"costPerDeal,omitempty"`
	// ROI is (Value - Cost) / Cost.
	ROI *float64 `json:"roi,omitempty"`
}

// Summary describes one KPI across stores: count, mean, sample standard
// deviation and quartiles (Hyndman–Fan R7), from golang.org/x/exp/stats.
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
		Visits:   o2o.Dec(decimal.New(a.visits, -ScaleDigits)),
		Deals:    o2o.Dec(decimal.New(a.deals, -ScaleDigits)),
		Payments: o2o.Dec(decimal.New(a.payment, -ScaleDigits)),
	}
	if a.touches > 0 {
		v := float64(a.visits) / float64(Scale) / float64(a.touches)
		p := float64(a.payment) / float64(Scale) / float64(a.touches)
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
		{"costPerVisit", func(k KPI) (float64, bool) {
			if k.CostPerVisit == nil {
				return 0, false
			}
			return k.CostPerVisit.Amount().InexactFloat64(), true
		}},
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
