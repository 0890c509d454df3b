package main

import (
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/drainage"
)

// drainageStep attributes a few customer journeys to the campaigns that
// brought them, under two models side by side, then charges each
// campaign's cost cent-exact to the stores and to B2C by the traffic each
// received (seed 004: a store that fails to convert its traffic still
// carries its cost), and shows the O2O KPI, the store-visit rate (到店率).
func drainageStep() error {
	heading("Drainage: who brought the customer, and who pays for the traffic (引流成本)")
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, o2o.China()) }
	o2oTouch := func(id, customer string, t time.Time, kind drainage.TouchKind, campaign, store string) drainage.Touch {
		return drainage.Touch{ID: id, Customer: customer, At: t, Channel: o2o.ChannelO2O, Kind: kind, Campaign: campaign, StoreID: store}
	}
	touches := []drainage.Touch{
		// Li: a search ad routed to the Nanshan store, its coupon, then a visit and a deal.
		o2oTouch("li-1", "li", at(10, 9), drainage.KindSearchAd, "spring-search", "nanshan"),
		o2oTouch("li-2", "li", at(12, 20), drainage.KindStoreCoupon, "spring-search", "nanshan"),
		// Wang: bound to Guancheng by a village road show and its coupon; never comes.
		o2oTouch("wang-1", "wang", at(14, 15), drainage.KindRoadShow, "village-roadshow", "guancheng"),
		o2oTouch("wang-2", "wang", at(14, 16), drainage.KindStoreCoupon, "village-roadshow", "guancheng"),
		// Chen: a road show, then a ground-push visit, then a visit and a deal at Guancheng.
		o2oTouch("chen-1", "chen", at(6, 15), drainage.KindRoadShow, "village-roadshow", "guancheng"),
		o2oTouch("chen-2", "chen", at(17, 10), drainage.KindGroundPush, "village-roadshow", "guancheng"),
		// Sun: a road show that bound no store: its cost stays, visibly, on headquarters.
		o2oTouch("sun-1", "sun", at(14, 15), drainage.KindRoadShow, "village-roadshow", ""),
		// Zhao: a B2C search ad, then a direct visit, then pays online.
		{ID: "zhao-1", Customer: "zhao", At: at(15, 21), Channel: o2o.ChannelB2C, Kind: drainage.KindSearchAd, Campaign: "spring-search"},
		{ID: "zhao-2", Customer: "zhao", At: at(18, 22), Channel: o2o.ChannelB2C, Kind: drainage.KindOnlineVisit},
	}
	conversions := []drainage.Conversion{
		{ID: "li-visit", Customer: "li", At: at(15, 11), Kind: drainage.ConversionStoreVisit, StoreID: "nanshan"},
		{ID: "li-deal", Customer: "li", At: at(20, 16), Kind: drainage.ConversionDeal, StoreID: "nanshan", Value: o2o.MustParseMoney("28000.00")},
		{ID: "chen-visit", Customer: "chen", At: at(19, 10), Kind: drainage.ConversionStoreVisit, StoreID: "guancheng"},
		{ID: "chen-deal", Customer: "chen", At: at(19, 12), Kind: drainage.ConversionDeal, StoreID: "guancheng", Value: o2o.MustParseMoney("12000.00")},
		{ID: "zhao-pay", Customer: "zhao", At: at(18, 23), Kind: drainage.ConversionOnlinePayment, Value: o2o.MustParseMoney("3200.00")},
	}
	campaigns := []drainage.Campaign{
		{ID: "spring-search", Spend: o2o.MustParseMoney("600000.00")},
		{ID: "village-roadshow", Spend: o2o.MustParseMoney("400000.01")},
	}

	// Two models side by side: the rules are data, built once.
	linear, err := drainage.ParseConfig([]byte(`{"model":"linear"}`))
	if err != nil {
		return err
	}
	decay, err := drainage.ParseConfig([]byte(`{"model":"time_decay","halfLifeDays":"7"}`))
	if err != nil {
		return err
	}
	byLinear, err := linear.Attribute(touches, conversions)
	if err != nil {
		return err
	}
	byDecay, err := decay.Attribute(touches, conversions)
	if err != nil {
		return err
	}
	decayValue := map[drainage.Source]drainage.SourceTotal{}
	for _, s := range byDecay.Sources() {
		decayValue[s.Source] = s
	}
	fmt.Printf("  %-32s %22s %22s\n", "revenue credited to source", "linear", "time decay (7 days)")
	for _, s := range byLinear.Sources() {
		d := decayValue[s.Source]
		fmt.Printf("  %-32s %22s %22s\n", s.Source, s.Value, d.Value)
	}
	fmt.Printf("  (%d of %d conversions attributed; online_visit is Zhao's direct visit: organic, no campaign pays for it)\n", byLinear.Attributed, byLinear.Conversions)

	// Cost by traffic received: Wang never came, Guancheng still pays for him.
	// Sun's road show reached no store: unattributed, kept on headquarters.
	st, err := linear.Allocate(byLinear, campaigns)
	if err != nil {
		return err
	}
	fmt.Println("  Campaign cost charged by traffic received:")
	for _, ch := range st.Charges {
		fmt.Printf("    %-17s -> %-16s %16s  (%s)\n", ch.Campaign, ch.Payer, ch.Amount, ch.Reason)
	}
	total, err := o2o.Sum(st.Stores, st.B2C, st.Unattributed)
	if err != nil {
		return err
	}
	fmt.Printf("  stores %s + B2C %s + unattributed %s = %s (the spend exactly: %v)\n", st.Stores, st.B2C, st.Unattributed, total, total.Equal(st.Spend))

	fmt.Println("  Store KPIs (distinct customers):")
	for _, k := range drainage.KPIs(byLinear, st).Stores {
		rate := 0.0
		if k.StoreVisitRate != nil {
			rate = *k.StoreVisitRate
		}
		fmt.Printf("    %-16s reached %d, came in %d: store-visit rate %3.0f%%, cost %s\n", k.Key, k.Customers, k.Visitors, 100*rate, k.Cost)
	}
	return nil
}
