package drainage

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

func costData() ([]Touch, []Conversion, []Campaign) {
	ts := []Touch{
		storeTouch("1", "a", day0.Add(-days(3)), KindStoreCoupon, "spring", "s1"),
		storeTouch("2", "b", day0.Add(-days(3)), KindStoreCoupon, "spring", "s1"),
		storeTouch("3", "c", day0.Add(-days(3)), KindStoreCoupon, "spring", "s2"),
		touch("4", "d", day0.Add(-days(3)), KindSearchAd, "spring"),
		{ID: "5", Customer: "e", At: day0.Add(-days(3)), Channel: o2o.ChannelO2O, Kind: KindRoadShow, Campaign: "spring"},
	}
	cs := []Conversion{
		{ID: "v", Customer: "c", At: day0, Kind: ConversionDeal, StoreID: "s2", Value: o2o.MustParseMoney("3000")},
		{ID: "p", Customer: "d", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("100")},
	}
	camps := []Campaign{{ID: "spring", Spend: o2o.MustParseMoney("1000.01")}, {ID: "silent", Spend: o2o.MustParseMoney("50")}}
	return ts, cs, camps
}

func TestAllocateBases(t *testing.T) {
	ts, cs, camps := costData()
	type line struct{ Campaign, Payer, Amount string }
	tests := []struct {
		basis Basis
		kinds []ConversionKind
		want  []line
		b2c   string
		un    string
	}{
		{BasisTraffic, nil, []line{
			{"silent", "headquarters", "50.00"},
			{"spring", "store s1", "400.01"}, {"spring", "store s2", "200.00"},
			{"spring", "b2c", "200.00"}, {"spring", "headquarters", "200.00"},
		}, "200.00", "250.00"},
		{BasisConversions, nil, []line{
			{"silent", "headquarters", "50.00"},
			{"spring", "store s2", "500.01"}, {"spring", "b2c", "500.00"},
		}, "500.00", "50.00"},
		// Deals only: the online payment no longer weighs.
		{BasisConversions, []ConversionKind{ConversionDeal}, []line{
			{"silent", "headquarters", "50.00"},
			{"spring", "store s2", "1000.01"},
		}, "0.00", "50.00"},
		// Online payments only: the deal no longer weighs.
		{BasisConversions, []ConversionKind{ConversionOnlinePayment}, []line{
			{"silent", "headquarters", "50.00"},
			{"spring", "b2c", "1000.01"},
		}, "1000.01", "50.00"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.basis, tc.kinds), func(t *testing.T) {
			r := mustRules(t, Config{Model: ModelLastTouch, Basis: tc.basis, BasisKinds: tc.kinds})
			res, err := r.Attribute(ts, cs)
			if err != nil {
				t.Fatal(err)
			}
			st, err := r.Allocate(res, camps)
			if err != nil {
				t.Fatal(err)
			}
			var got []line
			for _, c := range st.Charges {
				got = append(got, line{c.Campaign, c.Payer.String(), c.Amount.AmountString()})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("charges (-want +got):\n%s", diff)
			}
			if st.B2C.AmountString() != tc.b2c || st.Unattributed.AmountString() != tc.un {
				t.Errorf("b2c %s unattributed %s, want %s %s", st.B2C, st.Unattributed, tc.b2c, tc.un)
			}
			if st.Spend.AmountString() != "1050.01" {
				t.Errorf("spend %s", st.Spend)
			}
		})
	}
}

func TestAllocateErrors(t *testing.T) {
	r := mustRules(t, Config{Model: ModelLinear})
	res, err := r.Attribute(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		camps    []Campaign
		sentinel error
	}{
		{"missing id", []Campaign{{Spend: o2o.MustParseMoney("1")}}, o2o.ErrInvalid},
		{"duplicate id", []Campaign{{ID: "a"}, {ID: "a"}}, o2o.ErrDuplicate},
		{"negative spend", []Campaign{{ID: "a", Spend: o2o.MustParseMoney("-1")}}, o2o.ErrInvalid},
		{"fraction of a fen", []Campaign{{ID: "a", Spend: o2o.MustParseMoney("0.001")}}, o2o.ErrInvalid},
		{"mixed currencies", []Campaign{{ID: "a", Spend: o2o.MustParseMoney("1")}, {ID: "b", Spend: o2o.MustParseMoney("1 USD")}}, o2o.ErrCurrencyMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := r.Allocate(res, tc.camps); !errors.Is(err, tc.sentinel) {
				t.Errorf("err = %v, want %v", err, tc.sentinel)
			}
		})
	}
	if _, err := r.Allocate(nil, nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("nil result: %v", err)
	}
}

type line2 struct{ Key, Cost string }

func TestKPIs(t *testing.T) {
	ts, cs, camps := costData()
	r := mustRules(t, Config{Model: ModelLastTouch})
	res, err := r.Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Allocate(res, camps)
	if err != nil {
		t.Fatal(err)
	}
	rep := KPIs(res, st)
	roi := 14.0
	rate := 0.0
	minus1 := -1.0
	perDeal := o2o.MustParseMoney("200.00")
	want := []KPI{
		{Key: "s1", Touches: 2, Customers: 2, Visits: o2o.MustDec("0"), Deals: o2o.MustDec("0"), Payments: o2o.MustDec("0"),
			Value: o2o.MustParseMoney("0"), Cost: o2o.MustParseMoney("400.01"), StoreVisitRate: &rate, OnlinePaymentRate: &rate, ROI: &minus1},
		{Key: "s2", Touches: 1, Customers: 1, Buyers: 1, Visits: o2o.MustDec("0"), Deals: o2o.MustDec("1"), Payments: o2o.MustDec("0"),
			Value: o2o.MustParseMoney("3000"), Cost: o2o.MustParseMoney("200"), StoreVisitRate: &rate, OnlinePaymentRate: &rate, CostPerDeal: &perDeal, ROI: &roi},
	}
	if diff := cmp.Diff(want, rep.Stores); diff != "" {
		t.Errorf("store KPIs (-want +got):\n%s", diff)
	}
	if len(rep.Summaries) != 2 || rep.Summaries[1].Metric != "roi" || rep.Summaries[1].Mean != 6.5 {
		t.Errorf("summaries %+v", rep.Summaries)
	}
	// Source cost: spring's 1000.01 over its sources by touches 1:1:3.
	var sources []line2
	for _, k := range rep.Sources {
		sources = append(sources, line2{k.Key, k.Cost.AmountString()})
	}
	wantSources := []line2{{"road_show/spring", "200.00"}, {"search_ad/spring", "200.00"}, {"store_coupon/spring", "600.01"}}
	if diff := cmp.Diff(wantSources, sources); diff != "" {
		t.Errorf("source costs (-want +got):\n%s", diff)
	}
	var b2c KPI
	for _, k := range rep.Channels {
		if k.Key == "b2c" {
			b2c = k
		}
	}
	if b2c.OnlinePaymentRate == nil || *b2c.OnlinePaymentRate != 1 || !b2c.Cost.Equal(o2o.MustParseMoney("200")) {
		t.Errorf("b2c KPI %+v", b2c)
	}
}

// TestReachDistinctCustomers checks that rates count distinct customers,
// not touches or conversions: a customer touched three times and visiting
// twice counts once; a visit to another store is not the bound store's
// visitor (but is the campaign's); a bound customer paying online is the
// store's online payer; a touch outside the window does not make a
// visitor; and visitors never exceed customers.
func TestReachDistinctCustomers(t *testing.T) {
	ts := []Touch{
		storeTouch("a1", "a", day0.Add(-days(5)), KindStoreCoupon, "spring", "s1"),
		storeTouch("a2", "a", day0.Add(-days(4)), KindGroundPush, "spring", "s1"),
		storeTouch("a3", "a", day0.Add(-days(3)), KindStoreCoupon, "spring", "s1"),
		storeTouch("b1", "b", day0.Add(-days(3)), KindStoreCoupon, "spring", "s1"),
		storeTouch("c1", "c", day0.Add(-days(3)), KindStoreCoupon, "spring", "s1"),
		storeTouch("d1", "d", day0.Add(-days(40)), KindStoreCoupon, "spring", "s1"),
		touch("e1", "e", day0.Add(-days(1)), KindSearchAd, "search"),
	}
	cs := []Conversion{
		{ID: "va1", Customer: "a", At: day0.Add(-days(2)), Kind: ConversionStoreVisit, StoreID: "s1"},
		{ID: "va2", Customer: "a", At: day0, Kind: ConversionStoreVisit, StoreID: "s1"},
		{ID: "vb", Customer: "b", At: day0, Kind: ConversionStoreVisit, StoreID: "s2"},
		{ID: "pc", Customer: "c", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("99")},
		{ID: "vd", Customer: "d", At: day0, Kind: ConversionStoreVisit, StoreID: "s1"}, // touch 40 days before: out of the 30-day window
		{ID: "pe", Customer: "e", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("10")},
	}
	res, err := mustRules(t, Config{Model: ModelLinear}).Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	want := []Reach{
		{By: ByStore, Key: "s1", Customers: 4, Visitors: 1, Payers: 1},
		{By: ByCampaign, Key: "search", Customers: 1, Payers: 1},
		{By: ByCampaign, Key: "spring", Customers: 4, Visitors: 2, Payers: 1},
		{By: BySource, Key: "ground_push/spring", Customers: 1, Visitors: 1},
		{By: BySource, Key: "search_ad/search", Customers: 1, Payers: 1},
		{By: BySource, Key: "store_coupon/spring", Customers: 4, Visitors: 2, Payers: 1},
		{By: ByChannel, Key: "b2c", Customers: 1, Payers: 1},
		{By: ByChannel, Key: "o2o", Customers: 4, Visitors: 2, Payers: 1},
	}
	if diff := cmp.Diff(want, res.Reach); diff != "" {
		t.Errorf("reach (-want +got):\n%s", diff)
	}
	rep := KPIs(res, nil)
	if got := *rep.Stores[0].StoreVisitRate; got != 0.25 {
		t.Errorf("s1 store-visit rate %v, want 1/4 (a of a, b, c, d)", got)
	}
	if got := *rep.Stores[0].OnlinePaymentRate; got != 0.25 {
		t.Errorf("s1 online-payment rate %v, want 1/4 (c)", got)
	}
}
