package drainage

import (
	"errors"
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
		want  []line
		b2c   string
		un    string
	}{
		{BasisTraffic, []line{
			{"silent", "headquarters", "50.00"},
			{"spring", "store s1", "400.01"}, {"spring", "store s2", "200.00"},
			{"spring", "b2c", "200.00"}, {"spring", "headquarters", "200.00"},
		}, "200.00", "250.00"},
		{BasisConversions, []line{
			{"silent", "headquarters", "50.00"},
			{"spring", "store s2", "500.01"}, {"spring", "b2c", "500.00"},
		}, "500.00", "50.00"},
	}
	for _, tc := range tests {
		t.Run(string(tc.basis), func(t *testing.T) {
			r := mustRules(t, Config{Model: ModelLastTouch, Basis: tc.basis})
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
		{Key: "s1", Touches: 2, Visits: o2o.MustDec("0"), Deals: o2o.MustDec("0"), Payments: o2o.MustDec("0"),
			Value: o2o.MustParseMoney("0"), Cost: o2o.MustParseMoney("400.01"), StoreVisitRate: &rate, OnlinePaymentRate: &rate, ROI: &minus1},
		{Key: "s2", Touches: 1, Visits: o2o.MustDec("0"), Deals: o2o.MustDec("1"), Payments: o2o.MustDec("0"),
			Value: o2o.MustParseMoney("3000"), Cost: o2o.MustParseMoney("200"), StoreVisitRate: &rate, OnlinePaymentRate: &rate, CostPerDeal: &perDeal, ROI: &roi},
	}
	if diff := cmp.Diff(want, rep.Stores); diff != "" {
		t.Errorf("store KPIs (-want +got):\n%s", diff)
	}
	if len(rep.Summaries) != 2 || rep.Summaries[1].Metric != "roi" || rep.Summaries[1].Mean != 6.5 {
		t.Errorf("summaries %+v", rep.Summaries)
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
