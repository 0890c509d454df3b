// Command attribution walks through drainage-cost attribution (引流成本核算):
// one month of a 1,000,000.00 CNY campaign budget over search ads, paid
// ad-reading, road shows and ground-push teams, for 2 provinces and 6
// stores. It prints the attribution under three models side by side, the
// cost charged to each store and to B2C, the unattributed remainder, and
// each store's KPIs, then posts the charges to the settlement ledger as
// drainage-charge postings, twice, to show that re-posting changes nothing.
//
// Road shows and ad-reading that named no store are charged to the stores
// where their customers came in (the default): the cost table shows it beside
// the earlier rule that kept them on headquarters. Then a search budget is
// split over one sub-account per store, sized to what each store can serve,
// and the month's online leads show which stores let them go cold.
package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/settlement/drainage"
)

func main() {
	touches, conversions := month()
	campaigns := []drainage.Campaign{
		{ID: "search", Spend: o2o.MustParseMoney("400000.00")},
		{ID: "adread", Spend: o2o.MustParseMoney("250000.00")},
		{ID: "roadshow", Spend: o2o.MustParseMoney("200000.00")},
		{ID: "groundpush", Spend: o2o.MustParseMoney("150000.00")},
	}
	models := []drainage.Config{
		{Model: drainage.ModelLastTouch},
		{Model: drainage.ModelPosition, Position: &drainage.Position{Preset: drainage.PresetUShaped}},
		{Model: drainage.ModelMarkov},
	}
	// The month is validated, ordered and interned once for the three models.
	prepared, err := drainage.Prepare(touches, conversions)
	check(err)
	results := make([]*drainage.Result, len(models))
	for i, cfg := range models {
		rules, err := cfg.Build()
		check(err)
		results[i], err = rules.AttributePrepared(prepared)
		check(err)
	}

	fmt.Println("Attribution by source, in conversions (value credited in CNY):")
	fmt.Printf("  %-26s %20s %20s %20s\n", "source", "last touch", "u-shaped", "markov")
	totals := make([]map[drainage.Source]drainage.SourceTotal, len(results))
	var sources []drainage.Source
	for i, r := range results {
		totals[i] = map[drainage.Source]drainage.SourceTotal{}
		for _, s := range r.Sources() {
			totals[i][s.Source] = s
			if i == 0 || !contains(sources, s.Source) {
				if !contains(sources, s.Source) {
					sources = append(sources, s.Source)
				}
			}
		}
	}
	for _, s := range sources {
		fmt.Printf("  %-26s", s)
		for i := range results {
			t := totals[i][s]
			fmt.Printf(" %8.2f %11s", float64(t.Units)/float64(drainage.Scale), t.Value.AmountString())
		}
		fmt.Println()
	}
	fmt.Printf("  attributed %d of %d conversions; unattributed (None): %d\n\n",
		results[0].Attributed, results[0].Conversions, results[0].Conversions-results[0].Attributed)

	rules, err := drainage.Config{Model: drainage.ModelPosition, Position: &drainage.Position{Preset: drainage.PresetUShaped}}.Build()
	check(err)
	st, err := rules.Allocate(results[1], campaigns)
	check(err)
	// The earlier rule, for comparison: unattached touches stay on headquarters.
	hqRules, err := drainage.Config{Model: drainage.ModelPosition, Position: &drainage.Position{Preset: drainage.PresetUShaped},
		Unattached: drainage.UnattachedHeadquarters}.Build()
	check(err)
	hq, err := hqRules.Allocate(results[1], campaigns)
	check(err)
	before := map[drainage.Payer]o2o.Money{}
	for _, p := range hq.Payers {
		before[p.Payer] = p.Total
	}
	fmt.Printf("Drainage cost of %s, by traffic received:\n", st.Spend)
	fmt.Println("  (a road show or ad that named no store is charged where its customer came in or paid)")
	fmt.Printf("  %-18s %16s %26s\n", "payer", "charged", "if kept on headquarters")
	for _, p := range st.Payers {
		fmt.Printf("  %-18s %16s %26s\n", p.Payer, p.Total, before[p.Payer])
	}
	fmt.Printf("  stores %s + B2C %s + unattributed %s = %s\n", st.Stores, st.B2C, st.Unattributed, st.Spend)
	var drawn int64
	for _, d := range results[1].Drawn {
		drawn += d.Units
	}
	fmt.Printf("  %.2f unattached touches followed by a conversion were charged where it happened\n\n",
		float64(drawn)/float64(drainage.Scale))

	fmt.Println("Store KPIs (u-shaped credit, traffic basis):")
	fmt.Println("  (reached and came in count distinct customers; visits and deals are credited conversions)")
	fmt.Printf("  %-10s %8s %8s %8s %8s %8s %12s %14s %14s %8s\n", "store", "touches", "reached", "came in", "visits", "deals", "visit rate", "cost/visit", "cost/deal", "ROI")
	for _, k := range drainage.KPIs(results[1], st).Stores {
		fmt.Printf("  %-10s %8d %8d %8d %8s %8s %12.3f %14s %14s %8.2f\n", k.Key, k.Touches, k.Customers, k.Visitors, k.Visits.StringFixed(2), k.Deals.StringFixed(2),
			val(k.StoreVisitRate), money(k.CostPerVisit), money(k.CostPerDeal), val(k.ROI))
	}
	for _, s := range drainage.KPIs(results[1], st).Summaries {
		fmt.Printf("  across stores, %s: mean %.3f, sd %.3f, median %.3f\n", s.Metric, s.Mean, s.StdDev, s.Median)
	}

	// Month end: the charges become drainage-charge postings in the
	// settlement ledger, one balanced batch keyed by period, campaign and
	// payer, so posting the month twice changes nothing.
	ledger := settlement.MustLedger(settlement.Config{})
	cfg := drainage.PostingConfig{Period: "2025-06", At: time.Date(2025, 6, 30, 23, 59, 0, 0, o2o.China())}
	applied, err := st.Post(ledger, cfg)
	check(err)
	fmt.Printf("\nPosted to the ledger: %d drainage-charge postings, for example\n", applied.Created)
	for _, p := range ledger.Postings()[:3] {
		fmt.Println(" ", p)
	}
	again, err := st.Post(ledger, cfg)
	check(err)
	fmt.Printf("  posting June again: %d created, %d already there\n", again.Created, again.Exists)
	fmt.Println("Balances (received minus given):")
	for _, b := range ledger.Balances() {
		fmt.Printf("  %-26s %16s\n", b.Account, b.Balance)
	}
	nanshan, err := ledger.Statement("sz-nanshan", settlement.Month(2025, time.June, nil))
	check(err)
	fmt.Printf("sz-nanshan's June statement: %d lines, debits %s, closing %s\n", len(nanshan.Lines), nanshan.Debits, nanshan.Closing)

	searchSubAccounts(drainage.KPIs(results[1], st).Stores)
	onlineLeads()
}

// capacityRules is July's search campaign as data: the budget, what a
// visit costs through search, and the visits each store can serve.
const capacityRules = `{
  "budget": {"amount": "400000.00", "currency": "CNY"},
  "costPerVisit": {"amount": "2500.00", "currency": "CNY"},
  "tolerancePercent": "15",
  "stores": [
    {"storeId": "gz-tianhe", "capacity": 30},
    {"storeId": "gz-panyu", "capacity": 25},
    {"storeId": "sz-nanshan", "capacity": 40},
    {"storeId": "cs-yuelu", "capacity": 20},
    {"storeId": "cs-furong", "capacity": 35},
    {"storeId": "zz-lukou", "capacity": 15}
  ]
}`

// searchSubAccounts sizes July's search sub-accounts to each store's
// capacity and June's deals per visit, then checks June's visitors against
// capacity.
func searchSubAccounts(kpis []drainage.KPI) {
	c, err := drainage.ParseCapacityConfig([]byte(capacityRules))
	check(err)
	var visits []drainage.StoreVisits
	for i := range c.Stores {
		for _, k := range kpis {
			if k.Key == c.Stores[i].StoreID && k.Visits.IsPositive() {
				c.Stores[i].Conversion = o2o.Dec(k.Deals.DivRound(k.Visits.Decimal, 2)) // June's deals per visit
				visits = append(visits, drainage.StoreVisits{StoreID: k.Key, Visits: k.Visitors})
			}
		}
	}
	plan, err := drainage.PlanSubAccounts(c)
	check(err)
	fmt.Printf("\nSearch sub-accounts for July: %s by deals each store can make at capacity, none above capacity × %s a visit\n", plan.Budget, plan.CostPerVisit)
	fmt.Printf("  %-10s %8s %10s %10s %14s %14s %8s\n", "store", "capacity", "conversion", "exp. deals", "ceiling", "budget", "visits")
	for _, a := range plan.Accounts {
		note := ""
		if a.Capped {
			note = "  full: cannot digest more"
		}
		fmt.Printf("  %-10s %8d %10s %10s %14s %14s %8d%s\n", a.StoreID, a.Capacity, a.Conversion, a.Weight, a.Ceiling, a.Budget, a.Visits, note)
	}
	fmt.Printf("  placed %s + unplaced %s = %s\n", plan.Placed, plan.Unplaced, plan.Budget)
	checks, err := plan.Check(visits)
	check(err)
	fmt.Println("June's visitors against capacity (±15%):")
	for _, ch := range checks {
		fmt.Printf("  %-10s %-6s load %s  %s\n", ch.StoreID, ch.Status, ch.Load, ch.Explanation)
	}
}

// onlineLeads reports how June's online leads were worked: the Guangdong
// stores hand theirs to the network sales team (网销团队), the others leave
// them to their own store sales.
func onlineLeads() {
	cfg, err := drainage.ParseLeadConfig([]byte(`{"contactWindow":"24h","flagBelowPercent":"50","minLeads":10}`))
	check(err)
	leads, walkIns := leadMonth()
	r, err := cfg.Report(leads, walkIns, time.Date(2025, 7, 1, 0, 0, 0, 0, o2o.China()))
	check(err)
	fmt.Println("\nOnline leads in June, by store (conversion against walk-ins; flagged below 50% of walk-ins):")
	fmt.Println("  (missed: not contacted within 24 hours; median wait: from the lead to its first contact)")
	fmt.Printf("  %-10s %6s %10s %10s %8s %8s %12s  %s\n", "store", "leads", "lead conv", "walk-in", "missed", "pending", "median wait", "worked by")
	for _, s := range r.Stores {
		var by []string
		for _, t := range s.ByTeam {
			by = append(by, fmt.Sprintf("%s %d", t.Team, t.Leads))
		}
		flag := ""
		if s.Flagged {
			flag = "  FLAGGED: leads going cold"
		}
		fmt.Printf("  %-10s %6d %10s %10s %8d %8d %12s  %s%s\n", s.StoreID, s.Leads, pct(s.Conversion), pct(s.WalkInConversion), s.Missed, s.Pending, minutes(s.MedianMinutesToContact), strings.Join(by, ", "), flag)
	}
	fmt.Println("By handler:")
	for _, h := range r.Handlers {
		fmt.Printf("  %-14s %-20s %3d leads, %s converted (their stores' walk-ins %s), %d missed, median wait %s\n",
			h.Team, h.Handler, h.Leads, pct(h.Conversion), pct(h.WalkInConversion), h.Missed, minutes(h.MedianMinutesToContact))
	}
	for _, t := range r.Teams {
		fmt.Printf("  all %-14s %3d leads, %s converted, %d missed\n", t.Team, t.Leads, pct(t.Conversion), t.Missed)
	}
}

// leadMonth builds June's online leads and walk-ins, deterministically.
func leadMonth() ([]drainage.Lead, []drainage.WalkIns) {
	stores := []string{"gz-tianhe", "gz-panyu", "sz-nanshan", "cs-yuelu", "cs-furong", "zz-lukou"}
	start := time.Date(2025, 6, 1, 9, 0, 0, 0, o2o.China())
	seed := uint32(11)
	next := func(n int) int { seed = seed*1664525 + 1013904223; return int(seed>>8) % n }
	var leads []drainage.Lead
	for i := 0; i < 180; i++ {
		store := stores[next(len(stores))]
		l := drainage.Lead{ID: fmt.Sprintf("lead-%03d", i), StoreID: store, Received: start.Add(time.Duration(next(29*24)) * time.Hour)}
		network := strings.HasPrefix(store, "gz-") || strings.HasPrefix(store, "sz-")
		if network {
			l.Team, l.Handler = drainage.TeamNetworkSales, []string{"ns-zhang", "ns-liu"}[next(2)]
			c := l.Received.Add(time.Duration(5+next(180)) * time.Minute)
			l.FirstContact = &c
			l.Converted = i%3 == 0 // about the walk-ins' rate: every lead is worked
		} else {
			l.Team, l.Handler = drainage.TeamStoreSales, store+"-sales"
			switch next(10) {
			case 0, 1, 2, 3: // the easy ones, reached the same day
				c := l.Received.Add(time.Duration(30+next(6*60)) * time.Minute)
				l.FirstContact = &c
				l.Converted = next(3) == 0
			case 4, 5: // reached when the floor is quiet, days later
				c := l.Received.Add(time.Duration(48*60+next(72*60)) * time.Minute)
				l.FirstContact = &c
				l.Converted = next(10) == 0
			}
		}
		leads = append(leads, l)
	}
	walkIns := []drainage.WalkIns{
		{StoreID: "gz-tianhe", Visitors: 210, Deals: 63}, {StoreID: "gz-panyu", Visitors: 160, Deals: 45},
		{StoreID: "sz-nanshan", Visitors: 240, Deals: 70}, {StoreID: "cs-yuelu", Visitors: 150, Deals: 48},
		{StoreID: "cs-furong", Visitors: 190, Deals: 61}, {StoreID: "zz-lukou", Visitors: 120, Deals: 35},
	}
	return leads, walkIns
}

func pct(d *o2o.Decimal) string {
	if d == nil {
		return "-"
	}
	return d.Decimal.Shift(2).StringFixed(1) + "%"
}

func minutes(m *int64) string {
	if m == nil {
		return "-"
	}
	return fmt.Sprintf("%dh%02dm", *m/60, *m%60)
}

// month builds a deterministic month of traffic: customers in Guangdong and
// Hunan, touched by the four campaigns, bound to six stores.
func month() ([]drainage.Touch, []drainage.Conversion) {
	stores := []string{"gz-tianhe", "gz-panyu", "sz-nanshan", "cs-yuelu", "cs-furong", "zz-lukou"}
	start := time.Date(2025, 6, 1, 9, 0, 0, 0, o2o.China())
	var ts []drainage.Touch
	var cs []drainage.Conversion
	seed := uint32(7)
	next := func(n int) int { seed = seed*1664525 + 1013904223; return int(seed>>8) % n }
	for c := 0; c < 600; c++ {
		cust := fmt.Sprintf("cust-%03d", c)
		store := stores[next(len(stores))]
		at := start.Add(time.Duration(next(24*25)) * time.Hour)
		add := func(kind drainage.TouchKind, campaign string, ch o2o.Channel, st string) {
			ts = append(ts, drainage.Touch{ID: fmt.Sprintf("%s-%d", cust, len(ts)), Customer: cust, At: at,
				Channel: ch, Kind: kind, Campaign: campaign, StoreID: st})
			at = at.Add(time.Duration(1+next(48)) * time.Hour)
		}
		online := next(4) == 0
		switch next(4) {
		case 0:
			add(drainage.KindSearchAd, "search", channelOf(online), "")
		case 1:
			add(drainage.KindPaidAdReading, "adread", channelOf(online), "")
		case 2:
			add(drainage.KindRoadShow, "roadshow", o2o.ChannelO2O, "")
		default:
			add(drainage.KindGroundPush, "groundpush", o2o.ChannelO2O, store)
		}
		if next(2) == 0 {
			add(drainage.KindOnlineVisit, "", channelOf(online), "")
		}
		if online {
			if next(3) == 0 {
				m, _ := o2o.FromMinor(int64(50_000+next(500_000)), o2o.CNY)
				cs = append(cs, drainage.Conversion{ID: cust + "-pay", Customer: cust, At: at, Kind: drainage.ConversionOnlinePayment, Value: m})
			}
			continue
		}
		if next(3) > 0 {
			add(drainage.KindStoreCoupon, "search", o2o.ChannelO2O, store)
		}
		if next(5) < 2 {
			cs = append(cs, drainage.Conversion{ID: cust + "-visit", Customer: cust, At: at, Kind: drainage.ConversionStoreVisit, StoreID: store})
			if next(3) == 0 {
				m, _ := o2o.FromMinor(int64(2_000_000+next(10_000_000)), o2o.CNY)
				cs = append(cs, drainage.Conversion{ID: cust + "-deal", Customer: cust, At: at.Add(72 * time.Hour), Kind: drainage.ConversionDeal, StoreID: store, Value: m})
			}
		}
	}
	return ts, cs
}

func channelOf(online bool) o2o.Channel {
	if online {
		return o2o.ChannelB2C
	}
	return o2o.ChannelO2O
}

func contains(s []drainage.Source, x drainage.Source) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func val(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func money(m *o2o.Money) string {
	if m == nil {
		return "-"
	}
	return m.String()
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
