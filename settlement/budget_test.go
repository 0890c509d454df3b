package settlement

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

const authorityJSON = `{
  "currency": "CNY",
  "bands": [
    {"upTo": {"amount": "5000.00", "currency": "CNY"}, "level": "area_director"},
    {"level": "vp"}
  ],
  "caps": [{"city": "440300", "cap": {"amount": "100000.00", "currency": "CNY"}}],
  "defaultCap": {"amount": "50000.00", "currency": "CNY"}
}`

func testAuthority(t testing.TB) *Authority {
	t.Helper()
	var cfg AuthorityConfig
	if err := json.Unmarshal([]byte(authorityJSON), &cfg); err != nil {
		t.Fatal(err)
	}
	a, err := cfg.Build()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDecide(t *testing.T) {
	a := testAuthority(t)
	req := func(city, amount string) Request {
		return Request{ID: "B-1", Station: "station-sz", City: o2o.MustRegionCode(city), Purpose: "community road show", Amount: cny(amount), At: t0}
	}
	clerk, director, vp := Approver{"c", LevelStaff}, Approver{"d", LevelAreaDirector}, Approver{"v", LevelVP}
	tests := []struct {
		name     string
		req      Request
		who      Approver
		already  string
		outcome  Outcome
		required Level
		overCap  bool
	}{
		// Seed 000's first extreme: a junior clerk on a few hundred yuan.
		{"clerk on a few hundred yuan", req("440300", "300.00"), clerk, "0", OutcomeNoAuthority, LevelAreaDirector, false},
		{"director within band", req("440300", "300.00"), director, "0", OutcomeApproved, LevelAreaDirector, false},
		{"band edge", req("440300", "5000.00"), director, "0", OutcomeApproved, LevelAreaDirector, false},
		{"director above band", req("440300", "5000.01"), director, "0", OutcomeNoAuthority, LevelVP, false},
		{"vp above band", req("440300", "8000.00"), vp, "0", OutcomeApproved, LevelVP, false},
		{"cap edge", req("440300", "4000.00"), director, "96000.00", OutcomeApproved, LevelAreaDirector, false},
		{"over the city cap", req("440300", "4000.00"), director, "96000.01", OutcomeOverCap, LevelVP, true},
		// Seed 000's second extreme: 300,000 a month is no rubber stamp.
		{"300k a month, director", req("440300", "300000.00"), director, "0", OutcomeNoAuthority, LevelVP, true},
		{"vp exceeds the cap", req("440300", "300000.00"), vp, "0", OutcomeApproved, LevelVP, true},
		{"county read as its city", req("440305", "4000.00"), director, "96000.01", OutcomeOverCap, LevelVP, true},
		{"default cap elsewhere", req("110100", "4000.00"), director, "46000.01", OutcomeOverCap, LevelVP, true},
		{"staff never decide, even small", req("110100", "0.01"), clerk, "0", OutcomeNoAuthority, LevelAreaDirector, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := a.Decide(tt.req, tt.who, cny(tt.already))
			if err != nil {
				t.Fatal(err)
			}
			if d.Outcome != tt.outcome || d.Required != tt.required || d.OverCap != tt.overCap || d.Month != "2024-05" {
				t.Errorf("decision = %+v", d)
			}
			if d.Approved() != (tt.outcome == OutcomeApproved) || d.Reason == "" {
				t.Errorf("approved/reason: %+v", d)
			}
			data, _ := json.Marshal(d)
			var back Decision
			if err := o2o.DecodeJSON(data, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(d, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	bad := []struct {
		name    string
		req     Request
		who     Approver
		already o2o.Money
	}{
		{"no id", Request{Station: "s", City: o2o.MustRegionCode("440300"), Amount: cny("1"), At: t0}, vp, cny("0")},
		{"zero amount", req("440300", "0"), vp, cny("0")},
		{"fraction", req("440300", "0.001"), vp, cny("0")},
		{"unknown level", req("440300", "1"), Approver{"x", "ceo"}, cny("0")},
		{"no approver id", req("440300", "1"), Approver{Level: LevelVP}, cny("0")},
		{"foreign already", req("440300", "1"), vp, o2o.MustParseMoney("1 USD")},
	}
	for _, b := range bad {
		if _, err := a.Decide(b.req, b.who, b.already); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %v", b.name, err)
		}
	}
}

func TestAuthorityConfigErrors(t *testing.T) {
	m := func(s string) *o2o.Money { v := cny(s); return &v }
	tests := []struct {
		name string
		cfg  AuthorityConfig
		path string
	}{
		{"no bands", AuthorityConfig{}, "bands"},
		{"staff band", AuthorityConfig{Bands: []Band{{Level: LevelStaff}}}, "bands[0].level"},
		{"closed last band", AuthorityConfig{Bands: []Band{{UpTo: m("1"), Level: LevelVP}}}, "bands[0].upTo"},
		{"open middle band", AuthorityConfig{Bands: []Band{{Level: LevelAreaDirector}, {Level: LevelVP}}}, "bands[0].upTo"},
		{"descending", AuthorityConfig{Bands: []Band{{UpTo: m("10"), Level: LevelAreaDirector}, {UpTo: m("5"), Level: LevelAreaDirector}, {Level: LevelVP}}}, "bands[1].upTo"},
		{"level goes down", AuthorityConfig{Bands: []Band{{UpTo: m("10"), Level: LevelVP}, {Level: LevelAreaDirector}}}, "bands[1].level"},
		{"cap on a county", AuthorityConfig{Bands: []Band{{Level: LevelVP}}, Caps: []CityCap{{City: o2o.MustRegionCode("440305"), Cap: cny("1")}}}, "caps[0].city"},
		{"negative cap", AuthorityConfig{Bands: []Band{{Level: LevelVP}}, Caps: []CityCap{{City: o2o.MustRegionCode("440300"), Cap: cny("-1")}}}, "caps[0].cap"},
	}
	for _, tt := range tests {
		_, err := tt.cfg.Build()
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
			t.Errorf("%s: err = %v, want path %q", tt.name, err, tt.path)
		}
	}
	var cfg AuthorityConfig
	if err := json.Unmarshal([]byte(`{"bands":[{"level":"vp"}],"x":1}`), &cfg); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown field: %v", err)
	}
	a := testAuthority(t)
	data, _ := json.Marshal(a)
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a.Config(), cfg, cmpRegion); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

// cmpRegion compares region codes, whose field is unexported.
var cmpRegion = cmp.Comparer(func(a, b o2o.RegionCode) bool { return a == b })
