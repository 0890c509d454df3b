package drainage

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

var day0 = time.Date(2025, 9, 24, 18, 0, 0, 0, o2o.China())

func days(n float64) time.Duration { return time.Duration(n * float64(24*time.Hour)) }

func mustRules(t testing.TB, c Config) *Rules {
	t.Helper()
	r, err := c.Build()
	if err != nil {
		t.Fatalf("Build(%+v): %v", c, err)
	}
	return r
}

func touch(id, cust string, at time.Time, kind TouchKind, campaign string) Touch {
	return Touch{ID: id, Customer: cust, At: at, Channel: o2o.ChannelB2C, Kind: kind, Campaign: campaign}
}

func storeTouch(id, cust string, at time.Time, kind TouchKind, campaign, store string) Touch {
	return Touch{ID: id, Customer: cust, At: at, Channel: o2o.ChannelO2O, Kind: kind, Campaign: campaign, StoreID: store}
}

// adobe is Adobe's worked example: paid search 9 days before a $50
// purchase, social 6 days before, then email and display on the day.
func adobe() ([]Touch, []Conversion) {
	ts := []Touch{
		touch("t1", "u", day0.Add(-days(9)), KindSearchAd, "paid-search"),
		touch("t2", "u", day0.Add(-days(6)), KindRoadShow, "social"),
		touch("t3", "u", day0, KindGroundPush, "email"),
		touch("t4", "u", day0, KindPaidAdReading, "display"),
	}
	ts[3].Seq = 1
	cs := []Conversion{{ID: "c1", Customer: "u", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("50")}}
	return ts, cs
}

func sourceValues(res *Result) map[string]string {
	out := map[string]string{}
	for _, s := range res.Sources() {
		out[s.Source.String()] = s.Value.AmountString()
	}
	return out
}

func TestAdobeWorkedExample(t *testing.T) {
	ts, cs := adobe()
	tests := []struct {
		name string
		cfg  Config
		want map[string]string
	}{
		{"time decay 7 days: 16.88 + 16.88 + 9.32 + 6.92", Config{Model: ModelTimeDecay},
			map[string]string{"paid_ad_reading/display": "16.88", "ground_push/email": "16.88", "road_show/social": "9.32", "search_ad/paid-search": "6.92"}},
		{"linear", Config{Model: ModelLinear},
			map[string]string{"paid_ad_reading/display": "12.50", "ground_push/email": "12.50", "road_show/social": "12.50", "search_ad/paid-search": "12.50"}},
		{"u-shaped", Config{Model: ModelPosition, Position: &Position{Preset: PresetUShaped}},
			map[string]string{"paid_ad_reading/display": "20.00", "ground_push/email": "5.00", "road_show/social": "5.00", "search_ad/paid-search": "20.00"}},
		{"j-curve", Config{Model: ModelPosition, Position: &Position{Preset: PresetJCurve}},
			map[string]string{"paid_ad_reading/display": "30.00", "ground_push/email": "5.00", "road_show/social": "5.00", "search_ad/paid-search": "10.00"}},
		{"inverse j", Config{Model: ModelPosition, Position: &Position{Preset: PresetInverseJ}},
			map[string]string{"paid_ad_reading/display": "10.00", "ground_push/email": "5.00", "road_show/social": "5.00", "search_ad/paid-search": "30.00"}},
		{"first touch", Config{Model: ModelFirstTouch}, map[string]string{"search_ad/paid-search": "50.00"}},
		{"last touch", Config{Model: ModelLastTouch}, map[string]string{"paid_ad_reading/display": "50.00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := mustRules(t, tc.cfg).Attribute(ts, cs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, sourceValues(res)); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

func weigh(t *testing.T, r *Rules, ts []Touch) []int64 {
	t.Helper()
	w, err := r.Weigh(day0, ts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestPositionSmallPaths(t *testing.T) {
	one := []Touch{touch("a", "u", day0.Add(-days(1)), KindSearchAd, "x")}
	two := append(one, touch("b", "u", day0, KindRoadShow, "y"))
	three := append(two[:2:2], touch("c", "u", day0, KindGroundPush, "z"))
	three[2].Seq = 1
	for _, tc := range []struct {
		preset           Preset
		wantTwo, wantThr []int64
	}{
		{PresetUShaped, []int64{500_000_000, 500_000_000}, []int64{400_000_000, 200_000_000, 400_000_000}},
		{PresetJCurve, []int64{250_000_000, 750_000_000}, []int64{200_000_000, 200_000_000, 600_000_000}},
		{PresetInverseJ, []int64{750_000_000, 250_000_000}, []int64{600_000_000, 200_000_000, 200_000_000}},
	} {
		t.Run(string(tc.preset), func(t *testing.T) {
			r := mustRules(t, Config{Model: ModelPosition, Position: &Position{Preset: tc.preset}})
			if diff := cmp.Diff([]int64{Scale}, weigh(t, r, one)); diff != "" {
				t.Errorf("n=1 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantTwo, weigh(t, r, two)); diff != "" {
				t.Errorf("n=2 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantThr, weigh(t, r, three)); diff != "" {
				t.Errorf("n=3 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWeighRules(t *testing.T) {
	a := touch("a", "u", day0.Add(-days(3)), KindSearchAd, "x")
	d1 := touch("d1", "u", day0.Add(-days(2)), KindOnlineVisit, "")
	b := touch("b", "u", day0.Add(-days(1)), KindRoadShow, "y")
	d2 := touch("d2", "u", day0, KindOnlineVisit, "")
	tests := []struct {
		name string
		cfg  Config
		in   []Touch
		want []int64
	}{
		{"last touch skips direct visits", Config{Model: ModelLastTouch}, []Touch{a, d1, b, d2}, []int64{0, 0, Scale, 0}},
		{"last touch on an all-direct path takes the last", Config{Model: ModelLastTouch}, []Touch{d1, d2}, []int64{0, Scale}},
		{"first touch counts direct visits", Config{Model: ModelFirstTouch}, []Touch{d1, b}, []int64{Scale, 0}},
		{"linear thirds: the spare unit goes to the earlier touch", Config{Model: ModelLinear}, []Touch{a, b, d2}, []int64{333_333_334, 333_333_333, 333_333_333}},
		{"input order does not matter", Config{Model: ModelLinear}, []Touch{d2, b, a}, []int64{333_333_333, 333_333_333, 333_333_334}},
		{"shapley splits over distinct sources, then touches", Config{Model: ModelShapley},
			[]Touch{a, b, touch("a2", "u", day0, KindSearchAd, "x")}, []int64{250_000_000, 500_000_000, 250_000_000}},
		{"time decay halves per half-life", Config{Model: ModelTimeDecay, HalfLifeDays: ptr(o2o.MustDec("1"))},
			[]Touch{b, d2}, []int64{333_333_333, 666_666_667}},
		{"explicit position shares", Config{Model: ModelPosition, Position: &Position{First: ptr(o2o.MustDec("30")), Middle: ptr(o2o.MustDec("30")), Last: ptr(o2o.MustDec("40"))}},
			[]Touch{a, d1, b, d2}, []int64{300_000_000, 150_000_000, 150_000_000, 400_000_000}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, weigh(t, mustRules(t, tc.cfg), tc.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestWeighErrors(t *testing.T) {
	r := mustRules(t, Config{Model: ModelMarkov})
	if _, err := r.Weigh(day0, nil); !errors.Is(err, ErrWholeDataSet) || !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("markov Weigh: %v, want ErrWholeDataSet", err)
	}
	lin := mustRules(t, Config{Model: ModelLinear})
	_, err := lin.Weigh(day0, []Touch{touch("a", "u", day0.Add(time.Second), KindSearchAd, "x")})
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || ve.Fields[0].Path != "touches[0].at" {
		t.Errorf("touch after conversion: %v", err)
	}
}

func TestWindows(t *testing.T) {
	r := mustRules(t, Config{Model: ModelLinear, Lookback: Lookback{StoreVisit: 7, OnlinePayment: 1}})
	ts := []Touch{
		storeTouch("edge", "u", day0.Add(-days(7)), KindStoreCoupon, "cp", "s1"),
		storeTouch("old", "u", day0.Add(-days(7)-time.Nanosecond), KindStoreCoupon, "old", "s1"),
		storeTouch("after", "u", day0.Add(time.Nanosecond), KindGroundPush, "late", "s1"),
		touch("b2c", "v", day0.Add(-days(2)), KindSearchAd, "sea"),
	}
	cs := []Conversion{
		{ID: "visit", Customer: "u", At: day0, Kind: ConversionStoreVisit, StoreID: "s1"},
		{ID: "pay", Customer: "v", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("10")},
	}
	res, err := r.Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	wantCredits := []Credit{{Source: Source{KindStoreCoupon, "cp"}, Conversion: ConversionStoreVisit, StoreID: "s1", Units: Scale, Value: o2o.MustParseMoney("0")}}
	if diff := cmp.Diff(wantCredits, res.Credits); diff != "" {
		t.Errorf("credits: the edge counts in, older and later touches do not (-want +got):\n%s", diff)
	}
	wantUn := []Unattributed{{Conversion: ConversionOnlinePayment, Conversions: 1, Value: o2o.MustParseMoney("10")}}
	if diff := cmp.Diff(wantUn, res.Unattributed); diff != "" {
		t.Errorf("unattributed (-want +got):\n%s", diff)
	}
	if res.Attributed != 1 || res.Conversions != 2 {
		t.Errorf("attributed %d of %d, want 1 of 2", res.Attributed, res.Conversions)
	}
}

// TestMarkovHandSolved: journeys A→B→conv, A→null, B→conv.
// P(conv) = 2/3; without A 1/3 (effect 1/2); without B 0 (effect 1).
// Totals: A 1/3 and B 2/3 of 2 conversions; per journey A→B splits 1/3, 2/3.
func TestMarkovHandSolved(t *testing.T) {
	ts := []Touch{
		touch("1a", "c1", day0.Add(-days(2)), KindSearchAd, "A"),
		touch("1b", "c1", day0.Add(-days(1)), KindRoadShow, "B"),
		touch("2a", "c2", day0.Add(-days(1)), KindSearchAd, "A"),
		touch("3b", "c3", day0.Add(-days(1)), KindRoadShow, "B"),
	}
	cs := []Conversion{
		{ID: "x1", Customer: "c1", At: day0, Kind: ConversionOnlinePayment},
		{ID: "x3", Customer: "c3", At: day0, Kind: ConversionOnlinePayment},
	}
	res, err := mustRules(t, Config{Model: ModelMarkov}).Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	want := &Markov{
		ConversionProbability: o2o.MustDec("0.666666666667"),
		Effects: []RemovalEffect{
			{Source: Source{KindRoadShow, "B"}, Effect: o2o.MustDec("1.000000000000"), Units: 1_333_333_333},
			{Source: Source{KindSearchAd, "A"}, Effect: o2o.MustDec("0.500000000000"), Units: 666_666_667},
		},
	}
	if diff := cmp.Diff(want, res.Markov); diff != "" {
		t.Errorf("markov (-want +got):\n%s", diff)
	}
	var got []int64
	for _, s := range res.Sources() {
		got = append(got, s.Units)
	}
	if diff := cmp.Diff([]int64{1_666_666_667, 333_333_333}, got); diff != "" {
		t.Errorf("journey-level credits (-want +got):\n%s", diff)
	}
}

func TestAttributeErrors(t *testing.T) {
	r := mustRules(t, Config{Model: ModelLinear})
	ok := touch("a", "u", day0, KindSearchAd, "x")
	conv := Conversion{ID: "c", Customer: "u", At: day0, Kind: ConversionOnlinePayment}
	tests := []struct {
		name     string
		ts       []Touch
		cs       []Conversion
		wantPath string
		sentinel error
	}{
		{"coupon without store", []Touch{{ID: "a", Customer: "u", At: day0, Channel: o2o.ChannelO2O, Kind: KindStoreCoupon}}, nil, "touches[0].storeId", o2o.ErrInvalid},
		{"b2c touch with a store", []Touch{{ID: "a", Customer: "u", At: day0, Channel: o2o.ChannelB2C, Kind: KindGroundPush, StoreID: "s"}}, nil, "touches[0].storeId", o2o.ErrInvalid},
		{"dealer channel", []Touch{{ID: "a", Customer: "u", At: day0, Channel: o2o.ChannelDealer, Kind: KindSearchAd}}, nil, "touches[0].channel", o2o.ErrInvalid},
		{"unknown kind", []Touch{{ID: "a", Customer: "u", At: day0, Channel: o2o.ChannelB2C, Kind: "tv"}}, nil, "touches[0].kind", o2o.ErrInvalid},
		{"missing customer", []Touch{{ID: "a", At: day0, Channel: o2o.ChannelB2C, Kind: KindSearchAd}}, nil, "touches[0].customer", o2o.ErrInvalid},
		{"duplicate touch", []Touch{ok, ok}, nil, "touches[1].id", o2o.ErrDuplicate},
		{"deal without store", []Touch{ok}, []Conversion{{ID: "c", Customer: "u", At: day0, Kind: ConversionDeal}}, "conversions[0].storeId", o2o.ErrInvalid},
		{"online payment with store", []Touch{ok}, []Conversion{{ID: "c", Customer: "u", At: day0, Kind: ConversionOnlinePayment, StoreID: "s"}}, "conversions[0].storeId", o2o.ErrInvalid},
		{"negative value", nil, []Conversion{{ID: "c", Customer: "u", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("-1")}}, "conversions[0].value", o2o.ErrInvalid},
		{"fraction of a fen", nil, []Conversion{{ID: "c", Customer: "u", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("0.001")}}, "conversions[0].value", o2o.ErrInvalid},
		{"duplicate conversion", nil, []Conversion{conv, conv}, "conversions[1].id", o2o.ErrDuplicate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Attribute(tc.ts, tc.cs)
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want %v", err, tc.sentinel)
			}
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Path != tc.wantPath {
				t.Errorf("err = %v, want path %s", err, tc.wantPath)
			}
		})
	}
	usd := conv
	usd.ID, usd.Value = "d", o2o.MustParseMoney("1 USD")
	if _, err := r.Attribute(nil, []Conversion{conv, usd}); !errors.Is(err, o2o.ErrCurrencyMismatch) {
		t.Errorf("mixed currencies: %v", err)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name, json, wantPath string
	}{
		{"unknown model", `{"model":"magic"}`, "model"},
		{"unknown field", `{"model":"linear","extra":1}`, "extra"},
		{"position without shares", `{"model":"position"}`, "position"},
		{"position on linear", `{"model":"linear","position":{"preset":"u_shaped"}}`, "position"},
		{"half-life on linear", `{"model":"linear","halfLifeDays":"7"}`, "halfLifeDays"},
		{"zero half-life", `{"model":"time_decay","halfLifeDays":"0"}`, "halfLifeDays"},
		{"shares not 100", `{"model":"position","position":{"first":"40","middle":"40","last":"40"}}`, "position"},
		{"three decimals", `{"model":"position","position":{"first":"40.001","middle":"19.999","last":"40"}}`, "position.first"},
		{"preset and shares", `{"model":"position","position":{"preset":"j_curve","first":"40","middle":"20","last":"40"}}`, "position"},
		{"only middle", `{"model":"position","position":{"first":"0","middle":"100","last":"0"}}`, "position"},
		{"window too long", `{"model":"linear","lookback":{"deal":400}}`, "lookback.deal"},
		{"unknown basis", `{"model":"linear","basis":"revenue"}`, "basis"},
		{"basis kinds on traffic", `{"model":"linear","basisKinds":["deal"]}`, "basisKinds"},
		{"unknown basis kind", `{"model":"linear","basis":"conversions","basisKinds":["deal","refund"]}`, "basisKinds[1]"},
		{"repeated basis kind", `{"model":"linear","basis":"conversions","basisKinds":["deal","deal"]}`, "basisKinds[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.json))
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			var ve *o2o.ValidationError
			var ee *o2o.EnumError
			switch {
			case errors.As(err, &ve):
				if ve.Fields[0].Path != tc.wantPath {
					t.Errorf("path %q, want %q (%v)", ve.Fields[0].Path, tc.wantPath, err)
				}
			case errors.As(err, &ee):
			default:
				t.Errorf("err %T %v", err, err)
			}
		})
	}
	for _, in := range []string{
		`{"model":"position","position":{"preset":"j_curve"},"lookback":{"storeVisit":7},"basis":"conversions"}`,
		`{"model":"position","position":{"first":"33.33","middle":"33.34","last":"33.33"}}`,
		`{"model":"time_decay","halfLifeDays":"3.5"}`,
		`{"model":"markov"}`,
		`{"model":"linear","basis":"conversions","basisKinds":["online_payment","deal"]}`,
	} {
		r, err := ParseConfig([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(out)
		if err != nil {
			t.Fatalf("round trip %s: %v", out, err)
		}
		if diff := cmp.Diff(r.Config(), back.Config()); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	r := mustRules(t, Config{Model: ModelPosition, Position: &Position{Preset: PresetJCurve}})
	if f, m, l := r.Shares(); f.String()+"/"+m.String()+"/"+l.String() != "20.00/20.00/60.00" {
		t.Errorf("j_curve shares %s/%s/%s", f, m, l)
	}
	if got := r.Window(ConversionDeal); got != 90*24*time.Hour {
		t.Errorf("default deal window %v", got)
	}
}

// TestInstantsPastYear9999 refuses touches, conversions and posting
// instants whose month ends past year 9999: they were accepted, and the
// statement's postings could then not be written.
func TestInstantsPastYear9999(t *testing.T) {
	r := mustRules(t, Config{Model: ModelLinear})
	late := time.Date(9999, 12, 31, 20, 0, 0, 0, time.UTC)
	ok := touch("a", "u", day0, KindSearchAd, "x")
	conv := Conversion{ID: "c", Customer: "u", At: day0, Kind: ConversionOnlinePayment}
	lateTouch, lateConv := ok, conv
	lateTouch.At, lateConv.At = late, late
	for name, in := range map[string]struct {
		ts []Touch
		cs []Conversion
	}{"touch": {[]Touch{lateTouch}, []Conversion{conv}}, "conversion": {[]Touch{ok}, []Conversion{lateConv}}} {
		_, err := r.Attribute(in.ts, in.cs)
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) || ve.Fields[0].Path[len(ve.Fields[0].Path)-3:] != ".at" {
			t.Errorf("%s at %v: %v", name, late, err)
		}
		s, err := r.Stream()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(in.ts, in.cs); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("stream, %s at %v: %v", name, late, err)
		}
	}
	if err := (PostingConfig{Period: "9999-12", At: late}).Validate(); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("posting config at %v: %v", late, err)
	}
}
