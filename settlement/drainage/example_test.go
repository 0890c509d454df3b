package drainage_test

import (
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/settlement/drainage"
)

// Adobe's worked example: a $50 purchase after paid search (9 days
// before), social (6 days), email and display (on the day), under time decay.
func ExampleRules_Attribute() {
	at := time.Date(2025, 9, 24, 18, 0, 0, 0, o2o.China())       // the day of the conversion
	day := func(n int) time.Time { return at.AddDate(0, 0, -n) } // n days before it
	rules, err := drainage.Config{Model: drainage.ModelTimeDecay}.Build()
	if err != nil {
		panic(err)
	}
	touches := []drainage.Touch{
		{ID: "1", Customer: "u", At: day(9), Channel: o2o.ChannelB2C, Kind: drainage.KindSearchAd, Campaign: "paid-search"},
		{ID: "2", Customer: "u", At: day(6), Channel: o2o.ChannelB2C, Kind: drainage.KindRoadShow, Campaign: "social"},
		{ID: "3", Customer: "u", At: at, Channel: o2o.ChannelB2C, Kind: drainage.KindGroundPush, Campaign: "email"},
		{ID: "4", Customer: "u", At: at, Seq: 1, Channel: o2o.ChannelB2C, Kind: drainage.KindPaidAdReading, Campaign: "display"},
	}
	conversions := []drainage.Conversion{{ID: "c", Customer: "u", At: at, Kind: drainage.ConversionOnlinePayment, Value: o2o.MustParseMoney("50")}}
	res, err := rules.Attribute(touches, conversions)
	if err != nil {
		panic(err)
	}
	for _, s := range res.Sources() {
		fmt.Printf("%-24s %s\n", s.Source, s.Value)
	}
	// Output:
	// ground_push/email        16.88 CNY
	// paid_ad_reading/display  16.88 CNY
	// road_show/social         9.32 CNY
	// search_ad/paid-search    6.92 CNY
}

// Rules load from JSON; a preset's name maps to its exact shares.
func ExampleParseConfig() {
	at := time.Date(2025, 9, 24, 18, 0, 0, 0, o2o.China())       // the day of the conversion
	day := func(n int) time.Time { return at.AddDate(0, 0, -n) } // n days before it
	rules, err := drainage.ParseConfig([]byte(`{"model":"position","position":{"preset":"j_curve"},"lookback":{"storeVisit":7},"basis":"conversions"}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(rules)
	w, _ := rules.Weigh(at, []drainage.Touch{
		{ID: "a", Customer: "u", At: day(3), Channel: o2o.ChannelO2O, Kind: drainage.KindRoadShow, Campaign: "village"},
		{ID: "b", Customer: "u", At: day(2), Channel: o2o.ChannelO2O, Kind: drainage.KindGroundPush, Campaign: "team"},
		{ID: "c", Customer: "u", At: day(1), Channel: o2o.ChannelO2O, Kind: drainage.KindStoreCoupon, Campaign: "coupon", StoreID: "s1"},
	})
	fmt.Println(w)
	// Output:
	// position 20.00/20.00/60.00, windows 7/90/30 days, basis conversions
	// [200000000 200000000 600000000]
}

// A store that receives traffic and converts none still carries its cost;
// traffic that reached no store stays visibly on headquarters.
func ExampleRules_Allocate() {
	at := time.Date(2025, 9, 24, 18, 0, 0, 0, o2o.China())       // the day of the conversion
	day := func(n int) time.Time { return at.AddDate(0, 0, -n) } // n days before it
	rules, _ := drainage.Config{Model: drainage.ModelLastTouch}.Build()
	touches := []drainage.Touch{
		{ID: "1", Customer: "a", At: day(2), Channel: o2o.ChannelO2O, Kind: drainage.KindStoreCoupon, Campaign: "spring", StoreID: "s1"},
		{ID: "2", Customer: "b", At: day(2), Channel: o2o.ChannelO2O, Kind: drainage.KindStoreCoupon, Campaign: "spring", StoreID: "s2"},
		{ID: "3", Customer: "c", At: day(2), Channel: o2o.ChannelB2C, Kind: drainage.KindSearchAd, Campaign: "spring"},
		{ID: "4", Customer: "d", At: day(2), Channel: o2o.ChannelO2O, Kind: drainage.KindRoadShow, Campaign: "spring"},
	}
	conversions := []drainage.Conversion{{ID: "x", Customer: "b", At: at, Kind: drainage.ConversionDeal, StoreID: "s2", Value: o2o.MustParseMoney("8000")}}
	res, _ := rules.Attribute(touches, conversions)
	st, err := rules.Allocate(res, []drainage.Campaign{{ID: "spring", Spend: o2o.MustParseMoney("1000.00")}})
	if err != nil {
		panic(err)
	}
	for _, p := range st.Payers {
		fmt.Println(p.Explanation)
	}
	// Output:
	// store s1 pays 250.00 CNY of drainage cost (引流成本) by traffic received: spring 250.00 CNY
	// store s2 pays 250.00 CNY of drainage cost (引流成本) by traffic received: spring 250.00 CNY
	// b2c pays 250.00 CNY of drainage cost (引流成本) by traffic received: spring 250.00 CNY
	// headquarters keeps 250.00 CNY of spend that reached no store and converted nowhere (unattributed): spring 250.00 CNY
}

// KPIs per store: store-visit rate, cost per deal, ROI.
func ExampleKPIs() {
	at := time.Date(2025, 9, 24, 18, 0, 0, 0, o2o.China())       // the day of the conversion
	day := func(n int) time.Time { return at.AddDate(0, 0, -n) } // n days before it
	rules, _ := drainage.Config{Model: drainage.ModelLinear}.Build()
	touches := []drainage.Touch{
		{ID: "1", Customer: "a", At: day(2), Channel: o2o.ChannelO2O, Kind: drainage.KindStoreCoupon, Campaign: "spring", StoreID: "s1"},
		{ID: "2", Customer: "b", At: day(2), Channel: o2o.ChannelO2O, Kind: drainage.KindStoreCoupon, Campaign: "spring", StoreID: "s1"},
	}
	conversions := []drainage.Conversion{
		{ID: "v", Customer: "a", At: day(1), Kind: drainage.ConversionStoreVisit, StoreID: "s1"},
		{ID: "d", Customer: "a", At: at, Kind: drainage.ConversionDeal, StoreID: "s1", Value: o2o.MustParseMoney("3000")},
	}
	res, _ := rules.Attribute(touches, conversions)
	st, _ := rules.Allocate(res, []drainage.Campaign{{ID: "spring", Spend: o2o.MustParseMoney("600")}})
	for _, k := range drainage.KPIs(res, st).Stores {
		fmt.Printf("%s: visit rate %.2f, cost per deal %s, ROI %.1f\n", k.Key, *k.StoreVisitRate, k.CostPerDeal, *k.ROI)
	}
	// Output:
	// s1: visit rate 0.50, cost per deal 600.00 CNY, ROI 4.0
}

// The charges become one balanced batch of drainage-charge postings in the
// settlement ledger, keyed by period, campaign and payer: posting the same
// month again changes nothing.
func ExampleStatement_Post() {
	at := time.Date(2025, 9, 24, 18, 0, 0, 0, o2o.China())       // the day of the conversion
	day := func(n int) time.Time { return at.AddDate(0, 0, -n) } // n days before it
	rules, _ := drainage.Config{Model: drainage.ModelLastTouch}.Build()
	touches := []drainage.Touch{
		{ID: "1", Customer: "a", At: day(2), Channel: o2o.ChannelO2O, Kind: drainage.KindStoreCoupon, Campaign: "spring", StoreID: "s1"},
		{ID: "2", Customer: "b", At: day(2), Channel: o2o.ChannelB2C, Kind: drainage.KindSearchAd, Campaign: "spring"},
		{ID: "3", Customer: "c", At: day(2), Channel: o2o.ChannelO2O, Kind: drainage.KindRoadShow, Campaign: "spring"},
	}
	res, _ := rules.Attribute(touches, nil)
	st, _ := rules.Allocate(res, []drainage.Campaign{{ID: "spring", Spend: o2o.MustParseMoney("1000.00")}})

	ledger := settlement.MustLedger(settlement.Config{})
	cfg := drainage.PostingConfig{Period: "2025-09", At: at}
	applied, err := st.Post(ledger, cfg)
	if err != nil {
		panic(err)
	}
	for _, p := range ledger.Postings() {
		fmt.Println(p)
	}
	again, _ := st.Post(ledger, cfg)
	fmt.Printf("created %d, then created %d and found %d\n", applied.Created, again.Created, again.Exists)
	for _, b := range ledger.Balances() {
		fmt.Printf("%-26s %s\n", b.Account, b.Balance)
	}
	// Output:
	// drainage/2025-09/spring/b2c drainage_charge b2c→headquarters 333.33 CNY
	// drainage/2025-09/spring/headquarters drainage_charge headquarters/unattributed→headquarters 333.33 CNY
	// drainage/2025-09/spring/store/s1 drainage_charge s1→headquarters 333.34 CNY
	// created 3, then created 0 and found 3
	// b2c                        -333.33 CNY
	// headquarters               1000.00 CNY
	// headquarters/unattributed  -333.33 CNY
	// s1                         -333.34 CNY
}

// Search sub-accounts sized to each store's capacity, from rules as JSON:
// the small store is full at its ceiling, the rest goes by expected deals,
// and the new store without conversion gets nothing.
func ExamplePlanSubAccounts() {
	c, err := drainage.ParseCapacityConfig([]byte(`{
	  "budget": {"amount": "10000.00", "currency": "CNY"},
	  "costPerVisit": {"amount": "20.00", "currency": "CNY"},
	  "stores": [
	    {"storeId": "s1", "capacity": 100, "conversion": "0.20"},
	    {"storeId": "s2", "capacity": 300, "conversion": "0.10"},
	    {"storeId": "s3", "capacity": 500, "conversion": "0.05"},
	    {"storeId": "s4", "capacity": 200, "conversion": "0"}
	  ]}`))
	if err != nil {
		panic(err)
	}
	plan, err := drainage.PlanSubAccounts(c)
	if err != nil {
		panic(err)
	}
	for _, a := range plan.Accounts {
		fmt.Println(a.Explanation)
	}
	fmt.Println("unplaced:", plan.Unplaced)
	checks, _ := plan.Check([]drainage.StoreVisits{{StoreID: "s1", Visits: 130}, {StoreID: "s2", Visits: 280}, {StoreID: "s3", Visits: 200}})
	for _, ch := range checks {
		fmt.Println(ch.Status, "-", ch.Explanation)
	}
	// Output:
	// store s1: 2000.00 CNY, its ceiling (capacity 100 visits × 20.00 CNY per visit): the store cannot digest more
	// store s2: 4363.64 CNY by 30 expected deals (capacity 300 × conversion 0.10) of 55 among stores below their ceiling; buys 218 of 300 visits
	// store s3: 3636.36 CNY by 25 expected deals (capacity 500 × conversion 0.05) of 55 among stores below their ceiling; buys 181 of 500 visits
	// store s4: 0.00 CNY: no recorded conversion
	// unplaced: 0.00 CNY
	// over - store s1: 130 visits against a capacity of 100: over capacity by more than 10%: customers wait or leave, move budget to stores with room
	// within - store s2: 280 visits against a capacity of 300: within 10%
	// under - store s3: 200 visits against a capacity of 500: under capacity by more than 10%, room for more traffic
	// under - store s4: 0 visits against a capacity of 200: under capacity by more than 10%, room for more traffic
}

// Online leads worked by the network sales team against those left to a
// store's own sales, with the flag threshold as data.
func ExampleLeadConfig_Report() {
	cfg, err := drainage.ParseLeadConfig([]byte(`{"contactWindow":"24h","flagBelowPercent":"50","minLeads":3}`))
	if err != nil {
		panic(err)
	}
	at := func(d, h int) time.Time { return time.Date(2025, 9, d, h, 0, 0, 0, o2o.China()) }
	reached := func(t time.Time) *time.Time { return &t }
	leads := []drainage.Lead{
		{ID: "1", StoreID: "s1", Received: at(1, 9), Team: drainage.TeamStoreSales, Handler: "wang", FirstContact: reached(at(3, 9))},
		{ID: "2", StoreID: "s1", Received: at(2, 9), Team: drainage.TeamStoreSales, Handler: "wang"},
		{ID: "3", StoreID: "s1", Received: at(3, 9), Team: drainage.TeamStoreSales, Handler: "wang", FirstContact: reached(at(3, 10)), Converted: true},
		{ID: "4", StoreID: "s1", Received: at(4, 9), Team: drainage.TeamStoreSales, Handler: "wang", FirstContact: reached(at(6, 10))},
		{ID: "5", StoreID: "s2", Received: at(1, 9), Team: drainage.TeamNetworkSales, Handler: "zhang", FirstContact: reached(at(1, 10)), Converted: true},
		{ID: "6", StoreID: "s2", Received: at(2, 9), Team: drainage.TeamNetworkSales, Handler: "zhang", FirstContact: reached(at(2, 11)), Converted: true},
		{ID: "7", StoreID: "s2", Received: at(3, 9), Team: drainage.TeamNetworkSales, Handler: "zhang", FirstContact: reached(at(3, 9))},
	}
	walkIns := []drainage.WalkIns{{StoreID: "s1", Visitors: 60, Deals: 36}, {StoreID: "s2", Visitors: 50, Deals: 15}}
	r, err := cfg.Report(leads, walkIns, at(30, 0))
	if err != nil {
		panic(err)
	}
	for _, s := range r.Stores {
		fmt.Println(s.Explanation)
	}
	for _, h := range r.Handlers {
		fmt.Printf("%s %s: %d leads, %d missed, median %d minutes to first contact\n", h.Team, h.Handler, h.Leads, h.Missed, *h.MedianMinutesToContact)
	}
	// Output:
	// store s1: 4 online leads, 1 converted (25.0%) against walk-ins 36 of 60 (60.0%); 3 not contacted within 1d; FLAGGED: online leads convert below 50% of walk-ins — leads left to cool while walk-ins are served; give them to the network sales team (网销团队)
	// store s2: 3 online leads, 2 converted (66.7%) against walk-ins 15 of 50 (30.0%); 0 not contacted within 1d
	// network_sales zhang: 3 leads, 0 missed, median 60 minutes to first contact
	// store_sales wang: 4 leads, 3 missed, median 2880 minutes to first contact
}

// Two workers attribute their own customers; one partial crosses to the
// other as JSON and the merged result equals attributing everyone at once.
func ExamplePartial_MarshalJSON() {
	at := time.Date(2025, 9, 24, 18, 0, 0, 0, o2o.China())
	rules, err := drainage.Config{Model: drainage.ModelLinear}.Build()
	if err != nil {
		panic(err)
	}
	touch := func(id, customer, campaign string, kind drainage.TouchKind) drainage.Touch {
		return drainage.Touch{ID: id, Customer: customer, At: at.AddDate(0, 0, -2), Channel: o2o.ChannelB2C, Kind: kind, Campaign: campaign}
	}
	buy := func(id, customer, value string) drainage.Conversion {
		return drainage.Conversion{ID: id, Customer: customer, At: at, Kind: drainage.ConversionOnlinePayment, Value: o2o.MustParseMoney(value)}
	}
	first, err := rules.NewPartial() // on one worker: customer a
	if err != nil {
		panic(err)
	}
	if err := first.Add([]drainage.Touch{touch("1", "a", "spring", drainage.KindSearchAd)}, []drainage.Conversion{buy("c1", "a", "100")}); err != nil {
		panic(err)
	}
	second, err := rules.NewPartial() // on another: customer b
	if err != nil {
		panic(err)
	}
	if err := second.Add([]drainage.Touch{touch("2", "b", "spring", drainage.KindSearchAd), touch("3", "b", "fair", drainage.KindRoadShow)},
		[]drainage.Conversion{buy("c2", "b", "50")}); err != nil {
		panic(err)
	}
	data, err := second.MarshalJSON() // sent to the first worker
	if err != nil {
		panic(err)
	}
	received, err := rules.ParsePartial(data)
	if err != nil {
		panic(err)
	}
	if err := first.Merge(received); err != nil {
		panic(err)
	}
	res, err := first.Result()
	if err != nil {
		panic(err)
	}
	for _, s := range res.Sources() {
		fmt.Printf("%-18s %s\n", s.Source, s.Value)
	}
	// Output:
	// road_show/fair     25.00 CNY
	// search_ad/spring   125.00 CNY
}
