// Command attribution walks through drainage-cost attribution (引流成本核算):
// one month of a 1,000,000.00 CNY campaign budget over search ads, paid
// ad-reading, road shows and ground-push teams, for 2 provinces and 6
// stores. It prints the attribution under three models side by side, the
// cost charged to each store and to B2C, the unattributed remainder, and
// each store's KPIs, then posts the charges to the settlement ledger as
// drainage-charge postings, twice, to show that re-posting changes nothing.
package main

import (
	"fmt"
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
	fmt.Printf("Drainage cost of %s, by traffic received:\n", st.Spend)
	for _, p := range st.Payers {
		fmt.Printf("  %-18s %16s\n", p.Payer, p.Total)
	}
	fmt.Printf("  stores %s + B2C %s + unattributed %s = %s\n\n", st.Stores, st.B2C, st.Unattributed, st.Spend)

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
