package drainage

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

func leadAt(day, hour, minute int) time.Time {
	return time.Date(2025, 9, day, hour, minute, 0, 0, o2o.China())
}

func contact(t time.Time) *time.Time { return &t }

// handLeads is worked by hand in TestLeadReportByHand.
func handLeads() ([]Lead, []WalkIns, time.Time) {
	leads := []Lead{
		{ID: "L1", StoreID: "s1", Received: leadAt(1, 10, 0), Team: TeamStoreSales, Handler: "wang", FirstContact: contact(leadAt(1, 12, 0)), Converted: true},
		{ID: "L2", StoreID: "s1", Received: leadAt(2, 10, 0), Team: TeamStoreSales, Handler: "wang", FirstContact: contact(leadAt(4, 10, 0))},
		{ID: "L3", StoreID: "s1", Received: leadAt(3, 10, 0), Team: TeamStoreSales, Handler: "li"},
		{ID: "L4", StoreID: "s1", Received: leadAt(29, 20, 0), Team: TeamStoreSales, Handler: "li"},
		{ID: "L5", StoreID: "s1", Received: leadAt(5, 10, 0), Team: TeamStoreSales, Handler: "wang", FirstContact: contact(leadAt(5, 10, 30))},
		{ID: "L6", StoreID: "s2", Received: leadAt(1, 10, 0), Team: TeamNetworkSales, Handler: "zhang", FirstContact: contact(leadAt(1, 10, 15)), Converted: true},
		{ID: "L7", StoreID: "s2", Received: leadAt(2, 10, 0), Team: TeamNetworkSales, Handler: "zhang", FirstContact: contact(leadAt(2, 11, 0))},
		{ID: "L8", StoreID: "s2", Received: leadAt(3, 10, 0), Team: TeamNetworkSales, Handler: "zhang", FirstContact: contact(leadAt(3, 10, 5)), Converted: true},
		{ID: "L9", StoreID: "s2", Received: leadAt(4, 10, 0), Team: TeamNetworkSales, Handler: "zhang", FirstContact: contact(leadAt(4, 10, 20))},
	}
	walk := []WalkIns{{StoreID: "s1", Visitors: 100, Deals: 50}, {StoreID: "s2", Visitors: 80, Deals: 20}, {StoreID: "s3", Visitors: 10, Deals: 2}}
	return leads, walk, leadAt(30, 0, 0)
}

func statsText(s LeadStats) string {
	conv, med := "none", "none"
	if s.Conversion != nil {
		conv = s.Conversion.String()
	}
	if s.MedianMinutesToContact != nil {
		med = fmt.Sprint(*s.MedianMinutesToContact)
	}
	return fmt.Sprintf("leads %d converted %d (%s) in-window %d missed %d pending %d median %s", s.Leads, s.Converted, conv, s.InWindow, s.Missed, s.Pending, med)
}

func reportText(r *LeadReport) []string {
	out := []string{"total: " + statsText(r.Total)}
	for _, t := range r.Teams {
		out = append(out, fmt.Sprintf("team %s: %s", t.Team, statsText(t.LeadStats)))
	}
	for _, h := range r.Handlers {
		w := "none"
		if h.WalkInConversion != nil {
			w = h.WalkInConversion.String()
		}
		out = append(out, fmt.Sprintf("%s/%s: %s walk-in %s", h.Team, h.Handler, statsText(h.LeadStats), w))
	}
	for _, s := range r.Stores {
		w := "none"
		if s.WalkInConversion != nil {
			w = s.WalkInConversion.String()
		}
		out = append(out, fmt.Sprintf("store %s: %s walk-in %s flagged %t", s.StoreID, statsText(s.LeadStats), w, s.Flagged))
	}
	return out
}

// Worked by hand. s1's store sales converted 1 of 5 leads (20%) against
// walk-ins 50 of 100 (50%): below 50% of it (25%), with 5 ≥ minLeads 4
// leads: flagged. L2 was reached after two days and L3 never (missed); L4
// came in 4 hours before the report (pending). s2's network sales team
// converted 2 of 4 (50%) against walk-ins of 25%, all reached within the
// hour. Medians: s1 [30 120 2880] → 120; s2 [5 15 20 60] → 15 (the lower
// middle); all [5 15 20 30 60 120 2880] → 30.
func TestLeadReportByHand(t *testing.T) {
	leads, walk, at := handLeads()
	cfg, err := ParseLeadConfig([]byte(`{"contactWindow":"24h","flagBelowPercent":"50","minLeads":4}`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := cfg.Report(leads, walk, at)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"total: leads 9 converted 3 (0.3333) in-window 6 missed 2 pending 1 median 30",
		"team network_sales: leads 4 converted 2 (0.5000) in-window 4 missed 0 pending 0 median 15",
		"team store_sales: leads 5 converted 1 (0.2000) in-window 2 missed 2 pending 1 median 120",
		"network_sales/zhang: leads 4 converted 2 (0.5000) in-window 4 missed 0 pending 0 median 15 walk-in 0.2500",
		"store_sales/li: leads 2 converted 0 (0.0000) in-window 0 missed 1 pending 1 median none walk-in 0.5000",
		"store_sales/wang: leads 3 converted 1 (0.3333) in-window 2 missed 1 pending 0 median 120 walk-in 0.5000",
		"store s1: leads 5 converted 1 (0.2000) in-window 2 missed 2 pending 1 median 120 walk-in 0.5000 flagged true",
		"store s2: leads 4 converted 2 (0.5000) in-window 4 missed 0 pending 0 median 15 walk-in 0.2500 flagged false",
		"store s3: leads 0 converted 0 (none) in-window 0 missed 0 pending 0 median none walk-in 0.2000 flagged false",
	}
	if diff := cmp.Diff(want, reportText(r)); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	// The threshold is data: at 40% of walk-ins (20%), s1's 20% is not below.
	cfg.FlagBelowPercent = ptrDec("40")
	r, _ = cfg.Report(leads, walk, at)
	if r.Stores[0].Flagged {
		t.Errorf("s1 flagged at 40%%: %s", r.Stores[0].Explanation)
	}
	// With the default minimum of 10 leads, 5 are too few to flag.
	r, _ = LeadConfig{}.Report(leads, walk, at)
	if r.Stores[0].Flagged {
		t.Errorf("s1 flagged with 5 leads under the default minimum: %s", r.Stores[0].Explanation)
	}
}

func ptrDec(s string) *o2o.Decimal { d := o2o.MustDec(s); return &d }

func TestLeadReportErrors(t *testing.T) {
	leads, walk, at := handLeads()
	for name, tc := range map[string]struct {
		mut  func(l []Lead, w []WalkIns) ([]Lead, []WalkIns)
		path string
		is   error
	}{
		"dup id":     {func(l []Lead, w []WalkIns) ([]Lead, []WalkIns) { l[1].ID = "L1"; return l, w }, "leads[1].id", o2o.ErrDuplicate},
		"no store":   {func(l []Lead, w []WalkIns) ([]Lead, []WalkIns) { l[2].StoreID = ""; return l, w }, "leads[2].storeId", o2o.ErrInvalid},
		"bad team":   {func(l []Lead, w []WalkIns) ([]Lead, []WalkIns) { l[0].Team = "boss"; return l, w }, "leads[0].team", o2o.ErrInvalid},
		"no handler": {func(l []Lead, w []WalkIns) ([]Lead, []WalkIns) { l[3].Handler = ""; return l, w }, "leads[3].handler", o2o.ErrInvalid},
		"early touch": {func(l []Lead, w []WalkIns) ([]Lead, []WalkIns) {
			l[0].FirstContact = contact(leadAt(1, 9, 0))
			return l, w
		}, "leads[0].firstContact", o2o.ErrInvalid},
		"no received":  {func(l []Lead, w []WalkIns) ([]Lead, []WalkIns) { l[4].Received = time.Time{}; return l, w }, "leads[4].received", o2o.ErrInvalid},
		"deals > seen": {func(l []Lead, w []WalkIns) ([]Lead, []WalkIns) { w[0].Deals = 101; return l, w }, "walkIns[0]", o2o.ErrInvalid},
		"dup walk-in":  {func(l []Lead, w []WalkIns) ([]Lead, []WalkIns) { w[1].StoreID = "s1"; return l, w }, "walkIns[1].storeId", o2o.ErrDuplicate},
	} {
		l, w := tc.mut(append([]Lead(nil), leads...), append([]WalkIns(nil), walk...))
		_, err := LeadConfig{}.Report(l, w, at)
		var ve *o2o.ValidationError
		if !errors.Is(err, tc.is) || !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
			t.Errorf("%s: got %v, want %v at %s", name, err, tc.is, tc.path)
		}
	}
	for _, js := range []string{`{"contactWindow":"-1h"}`, `{"flagBelowPercent":"120"}`, `{"minLeads":-1}`, `{"threshold":1}`, `{"contactWindow":"400d"}`} {
		if _, err := ParseLeadConfig([]byte(js)); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: got %v, want invalid", js, err)
		}
	}
}

// Conservation and shuffle invariance: every lead is counted once in the
// total, in its team, its handler and its store; in-window + missed +
// pending = leads; shuffling the leads changes nothing.
func TestPropertyLeadReport(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 4))
	for round := range rounds(t, 100) {
		var leads []Lead
		for i := range rng.IntN(60) {
			l := Lead{ID: fmt.Sprintf("L%d", i), StoreID: fmt.Sprintf("s%d", rng.IntN(4)), Received: leadAt(1+rng.IntN(28), rng.IntN(24), 0),
				Team: Teams()[rng.IntN(2)], Handler: fmt.Sprintf("h%d", rng.IntN(5)), Converted: rng.IntN(3) == 0}
			if rng.IntN(4) > 0 {
				l.FirstContact = contact(l.Received.Add(time.Duration(rng.IntN(72*60)) * time.Minute))
			}
			leads = append(leads, l)
		}
		walk := []WalkIns{{StoreID: "s0", Visitors: 40, Deals: int64(rng.IntN(41))}, {StoreID: "s2", Visitors: 0}}
		cfg := LeadConfig{MinLeads: 1 + rng.IntN(5), FlagBelowPercent: ptrDec(fmt.Sprint(rng.IntN(101)))}
		r, err := cfg.Report(leads, walk, leadAt(29, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, s LeadStats) {
			if s.InWindow+s.Missed+s.Pending != s.Leads || s.Converted > s.Leads {
				t.Fatalf("round %d %s: %+v", round, what, s)
			}
		}
		check("total", r.Total)
		var n [3]int64
		for _, x := range r.Teams {
			check("team", x.LeadStats)
			n[0] += x.Leads
		}
		for _, x := range r.Handlers {
			check("handler", x.LeadStats)
			n[1] += x.Leads
		}
		for _, x := range r.Stores {
			check("store", x.LeadStats)
			n[2] += x.Leads
			var bt int64
			for _, y := range x.ByTeam {
				bt += y.Leads
			}
			if bt != x.Leads {
				t.Fatalf("round %d: store %s by team %d of %d", round, x.StoreID, bt, x.Leads)
			}
		}
		if n != [3]int64{int64(len(leads)), int64(len(leads)), int64(len(leads))} || r.Total.Leads != int64(len(leads)) {
			t.Fatalf("round %d: counted %v of %d", round, n, len(leads))
		}
		shuffled := append([]Lead(nil), leads...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		r2, err := cfg.Report(shuffled, walk, leadAt(29, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(r)
		b, _ := json.Marshal(r2)
		if string(a) != string(b) {
			t.Fatalf("round %d: shuffled leads changed the report", round)
		}
	}
}

func FuzzLeadReport(f *testing.F) {
	leads, walk, _ := handLeads()
	lj, _ := json.Marshal(leads)
	wj, _ := json.Marshal(walk)
	f.Add([]byte(`{"contactWindow":"24h","flagBelowPercent":"50","minLeads":4}`), lj, wj)
	f.Add([]byte(`{}`), []byte(`[{"id":"x","storeId":"s","received":"2025-09-01T00:00:00Z","team":"store_sales","handler":"h"}]`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, cfgJSON, leadsJSON, walkJSON []byte) {
		cfg, err := ParseLeadConfig(cfgJSON)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("config error %v does not wrap ErrInvalid", err)
			}
			return
		}
		var ls []Lead
		var ws []WalkIns
		if o2o.DecodeJSON(leadsJSON, &ls) != nil || o2o.DecodeJSON(walkJSON, &ws) != nil {
			return
		}
		r, err := cfg.Report(ls, ws, leadAt(30, 0, 0))
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("report error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if r.Total.Leads != int64(len(ls)) || r.Total.InWindow+r.Total.Missed+r.Total.Pending != r.Total.Leads {
			t.Fatalf("total %+v of %d leads", r.Total, len(ls))
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("report does not marshal: %v", err)
		}
	})
}

// Reports and plans are data: they round-trip through JSON without loss.
func TestLeadReportAndPlanRoundTrip(t *testing.T) {
	leads, walk, at := handLeads()
	r, err := LeadConfig{MinLeads: 4}.Report(leads, walk, at)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back LeadReport
	if err := o2o.DecodeJSON(js, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if string(js) != string(again) {
		t.Errorf("lead report changed in a round trip:\n%s\n%s", js, again)
	}
	p, err := PlanSubAccounts(capacityConfig(t, `{"budget":{"amount":"10000.00","currency":"CNY"},"costPerVisit":{"amount":"20.00","currency":"CNY"},
	 "stores":[{"storeId":"s1","capacity":100,"conversion":"0.2"},{"storeId":"s2","capacity":150,"conversion":"0.1"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	js, _ = json.Marshal(p)
	var pb CapacityPlan
	if err := o2o.DecodeJSON(js, &pb); err != nil {
		t.Fatal(err)
	}
	again, _ = json.Marshal(&pb)
	if string(js) != string(again) {
		t.Errorf("plan changed in a round trip:\n%s\n%s", js, again)
	}
}
