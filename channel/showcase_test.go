package channel

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

func TestCheckShowcase(t *testing.T) {
	n := testNetwork(t) // at most 3 hot products, refreshed every 30 days
	ok := []Eligibility{{SKU: "SOFA-S3", Eligible: true}, {SKU: "TILE-800", Eligible: true}, {SKU: "CAB-A1", Eligible: false, Reason: "no province price in 330000"}}
	type v struct {
		Rule Rule
		SKU  string
	}
	tests := []struct {
		name string
		plan ShowcasePlan
		at   time.Time
		want []v
	}{
		{"good plan", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3", "TILE-800"}, RefreshedAt: day(1)}, day(31), nil},
		{"empty", ShowcasePlan{Store: "SZ-NT", RefreshedAt: day(1)}, day(2), []v{{RuleShowcaseFew, ""}}},
		{"too many", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3", "TILE-800", "SVC-BUILD", "SVC-MEASURE"}, RefreshedAt: day(1)}, day(2),
			[]v{{RuleShowcaseFew, ""}, {RuleShowcaseEligible, "SVC-BUILD"}, {RuleShowcaseEligible, "SVC-MEASURE"}}},
		{"duplicate", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3", "SOFA-S3"}, RefreshedAt: day(1)}, day(2), []v{{RuleShowcaseFew, "SOFA-S3"}}},
		{"not eligible", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"CAB-A1"}, RefreshedAt: day(1)}, day(2), []v{{RuleShowcaseEligible, "CAB-A1"}}},
		{"not sellable in store", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"TILE-800-WEB", "FLOOR-D7", "NOPE"}, RefreshedAt: day(1)}, day(2),
			[]v{{RuleShowcaseSellable, "TILE-800-WEB"}, {RuleShowcaseSellable, "FLOOR-D7"}, {RuleShowcaseSellable, "NOPE"}}},
		{"stale by one calendar day", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3"}, RefreshedAt: day(1)}, time.Date(2024, 6, 1, 0, 30, 0, 0, o2o.China()), []v{{RuleShowcaseFresh, ""}}},
		// 23:30 UTC on 31 May is already 1 June in +08:00.
		{"calendar read in +08:00", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3"}, RefreshedAt: day(1)}, time.Date(2024, 5, 31, 16, 30, 0, 0, time.UTC), []v{{RuleShowcaseFresh, ""}}},
		{"last fresh day", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3"}, RefreshedAt: day(1)}, time.Date(2024, 5, 31, 23, 59, 0, 0, o2o.China()), nil},
		{"refreshed in the future", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3"}, RefreshedAt: day(5)}, day(2), []v{{RuleShowcaseFresh, ""}}},
		{"never refreshed", ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3"}}, day(2), []v{{RuleShowcaseFresh, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := n.CheckShowcase(tc.plan, ok, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			got := []v{}
			for _, x := range r.Violations {
				got = append(got, v{x.Rule, x.SKU})
				if x.Reason == "" {
					t.Errorf("no reason: %+v", x)
				}
			}
			if tc.want == nil {
				tc.want = []v{}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if r.OK() != (len(tc.want) == 0) {
				t.Errorf("OK = %v", r.OK())
			}
		})
	}
	r, _ := n.CheckShowcase(ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"CAB-A1"}, RefreshedAt: day(1)}, ok, day(2))
	if want := "CAB-A1 is not store-eligible (unified price and network lowest, 全省统一价 and 全网最低): no province price in 330000"; r.Violations[0].Reason != want {
		t.Errorf("reason = %q", r.Violations[0].Reason)
	}
	// A SKU pricing gave no answer for is a violation of its own, not a
	// silent "not eligible".
	r, _ = n.CheckShowcase(ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SVC-BUILD"}, RefreshedAt: day(1)}, ok, day(2))
	if want := "SVC-BUILD has no store-eligibility answer from pricing"; len(r.Violations) != 1 || r.Violations[0].Reason != want {
		t.Errorf("missing answer: %+v", r.Violations)
	}
	r, _ = n.CheckShowcase(ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"CAB-A1"}, RefreshedAt: day(1)}, ok, day(2))
	if !r.RefreshBy.Equal(time.Date(2024, 5, 31, 0, 0, 0, 0, o2o.China())) {
		t.Errorf("refresh by %s", r.RefreshBy)
	}
	roundTrip(t, r)
}

func TestCheckShowcaseErrors(t *testing.T) {
	n := testNetwork(t)
	if _, err := n.CheckShowcase(ShowcasePlan{Store: "XX"}, nil, day(1)); !errors.Is(err, o2o.ErrNotFound) {
		t.Errorf("unknown store: %v", err)
	}
	if _, err := n.CheckShowcase(ShowcasePlan{Store: "DL-CD"}, nil, day(1)); !errors.Is(err, o2o.ErrNotFound) {
		t.Errorf("dealer as store: %v", err)
	}
	if _, err := n.CheckShowcase(ShowcasePlan{Store: "SZ-NT"}, nil, time.Time{}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("zero instant: %v", err)
	}
	dup := []Eligibility{{SKU: "A", Eligible: true}, {SKU: "A"}}
	if _, err := n.CheckShowcase(ShowcasePlan{Store: "SZ-NT"}, dup, day(1)); !errors.Is(err, o2o.ErrDuplicate) {
		t.Errorf("duplicate answer: %v", err)
	}
}

// TestShowcaseInstants: an instant or a refresh period that cannot be
// written as a date is refused, never reported and then unencodable; and
// day counts stay right across the whole range of dates.
func TestShowcaseInstants(t *testing.T) {
	n := testNetwork(t)
	plan := func(at time.Time) ShowcasePlan {
		return ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3"}, RefreshedAt: at}
	}
	ok := []Eligibility{{SKU: "SOFA-S3", Eligible: true}}
	late := time.Date(9999, 12, 20, 0, 0, 0, 0, o2o.China())
	for _, tc := range []struct {
		name string
		plan ShowcasePlan
		path string
		when time.Time
	}{
		{"refresh period past 9999", plan(late), "refreshedAt", late},
		{"refresh past 9999", plan(time.Date(10000, 1, 2, 0, 0, 0, 0, time.UTC)), "refreshedAt", late},
		{"check past 9999", plan(late), "at", time.Date(10000, 1, 2, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := n.CheckShowcase(tc.plan, ok, tc.when)
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
				t.Errorf("err = %v, want path %q", err, tc.path)
			}
		})
	}
	r, err := n.CheckShowcase(plan(time.Date(1, 1, 1, 10, 0, 0, 0, o2o.China())), ok, time.Date(9999, 12, 31, 10, 0, 0, 0, o2o.China()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Violations) != 1 || !strings.Contains(r.Violations[0].Reason, "3652058 days before 9999-12-31") {
		t.Errorf("violations: %+v", r.Violations)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
}
