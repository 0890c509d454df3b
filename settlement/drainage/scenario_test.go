package drainage_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/drainage"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// scenarioFile is one testdata/scenarios/*.json: inputs shared by its
// cases, and "it" cases each naming rules and what they must give.
type scenarioFile struct {
	Description string                `json:"description"`
	Touches     []drainage.Touch      `json:"touches"`
	Conversions []drainage.Conversion `json:"conversions"`
	Campaigns   []drainage.Campaign   `json:"campaigns"`
	Cases       []scenarioCase        `json:"cases"`
}

// scenarioCase is one rule set and its expected results. Every expectation
// given is checked; one left out is not (the golden file still pins it).
type scenarioCase struct {
	It    string          `json:"it"`
	Rules drainage.Config `json:"rules"`
	// Credits is the credited value per source ("kind/campaign"), in the
	// currency's major unit, for every source credited.
	Credits map[string]string `json:"credits,omitempty"`
	// Units is the fixed-point credit per source, for every source credited.
	Units map[string]int64 `json:"units,omitempty"`
	// Unattributed is the conversions without an eligible touch and their value.
	Unattributed *struct {
		Conversions int64  `json:"conversions"`
		Value       string `json:"value"`
	} `json:"unattributed,omitempty"`
	// Charges is every charge, "campaign | payer | amount", in statement order.
	Charges []string `json:"charges,omitempty"`
	// KPIs maps "store s1", "campaign spring", "source kind/campaign" or
	// "channel o2o" to the KPI fields checked.
	KPIs map[string]kpiWant `json:"kpis,omitempty"`
	// Error is the sentinel Attribute or Allocate must fail with.
	Error string `json:"error,omitempty"`
}

type kpiWant struct {
	Customers         *int64  `json:"customers,omitempty"`
	Visitors          *int64  `json:"visitors,omitempty"`
	OnlinePayers      *int64  `json:"onlinePayers,omitempty"`
	Cost              *string `json:"cost,omitempty"`
	StoreVisitRate    *string `json:"storeVisitRate,omitempty"`
	OnlinePaymentRate *string `json:"onlinePaymentRate,omitempty"`
	CostPerVisit      *string `json:"costPerVisit,omitempty"`
	CostPerDeal       *string `json:"costPerDeal,omitempty"`
	ROI               *string `json:"roi,omitempty"`
}

var scenarioSentinels = map[string]error{
	"invalid":           o2o.ErrInvalid,
	"duplicate":         o2o.ErrDuplicate,
	"currency_mismatch": o2o.ErrCurrencyMismatch,
}

// golden is what a case produced, in full.
type golden struct {
	It        string              `json:"it"`
	Rules     string              `json:"rules"`
	Result    *drainage.Result    `json:"result,omitempty"`
	Statement *drainage.Statement `json:"statement,omitempty"`
	KPIs      *drainage.Report    `json:"kpis,omitempty"`
	Error     string              `json:"error,omitempty"`
}

// TestScenarios runs every testdata/scenarios/*.json file: each case's
// expectations, then the whole output against testdata/golden/<name>.json
// (go test -run TestScenarios -update rewrites the golden files).
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var sf scenarioFile
			if err := o2o.DecodeJSON(data, &sf); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			var outs []golden
			for _, c := range sf.Cases {
				t.Run(c.It, func(t *testing.T) {
					outs = append(outs, runCase(t, sf, c))
				})
			}
			got, err := json.MarshalIndent(outs, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestScenarios -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s differs from the output (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
			}
		})
	}
}

func runCase(t *testing.T, sf scenarioFile, c scenarioCase) golden {
	t.Helper()
	out := golden{It: c.It}
	rules, err := c.Rules.Build()
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	out.Rules = rules.String()
	res, err := rules.Attribute(sf.Touches, sf.Conversions)
	var st *drainage.Statement
	if err == nil {
		st, err = rules.Allocate(res, sf.Campaigns)
	}
	if c.Error != "" {
		sentinel, ok := scenarioSentinels[c.Error]
		if !ok {
			t.Fatalf("unknown sentinel %q", c.Error)
		}
		if !errors.Is(err, sentinel) {
			t.Fatalf("err = %v, want %s", err, c.Error)
		}
		out.Error = err.Error()
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	rep := drainage.KPIs(res, st)
	out.Result, out.Statement, out.KPIs = res, st, rep

	if c.Credits != nil || c.Units != nil {
		credits, units := map[string]string{}, map[string]int64{}
		for _, s := range res.Sources() {
			credits[s.Source.String()] = s.Value.AmountString()
			units[s.Source.String()] = s.Units
		}
		if c.Credits != nil {
			if diff := cmp.Diff(c.Credits, credits); diff != "" {
				t.Errorf("credits per source (-want +got):\n%s", diff)
			}
		}
		if c.Units != nil {
			if diff := cmp.Diff(c.Units, units); diff != "" {
				t.Errorf("units per source (-want +got):\n%s", diff)
			}
		}
	}
	if c.Unattributed != nil {
		var n int64
		v := o2o.MustParseMoney("0")
		for _, u := range res.Unattributed {
			n += u.Conversions
			v, _ = v.Add(u.Value)
		}
		if n != c.Unattributed.Conversions || v.AmountString() != c.Unattributed.Value {
			t.Errorf("unattributed %d conversions, %s; want %d, %s", n, v.AmountString(), c.Unattributed.Conversions, c.Unattributed.Value)
		}
	}
	if c.Charges != nil {
		var got []string
		for _, ch := range st.Charges {
			got = append(got, fmt.Sprintf("%s | %s | %s", ch.Campaign, ch.Payer, ch.Amount.AmountString()))
		}
		if diff := cmp.Diff(c.Charges, got); diff != "" {
			t.Errorf("charges (-want +got):\n%s", diff)
		}
	}
	rows := map[string]drainage.KPI{}
	for prefix, ks := range map[string][]drainage.KPI{"store": rep.Stores, "campaign": rep.Campaigns, "source": rep.Sources, "channel": rep.Channels} {
		for _, k := range ks {
			rows[prefix+" "+k.Key] = k
		}
	}
	for key, w := range c.KPIs {
		k, ok := rows[key]
		if !ok {
			t.Errorf("no KPI row %q", key)
			continue
		}
		checkKPI(t, key, w, k)
	}
	return out
}

func checkKPI(t *testing.T, key string, w kpiWant, k drainage.KPI) {
	t.Helper()
	ratio := func(p *float64) string {
		if p == nil {
			return "none"
		}
		return fmt.Sprintf("%.4f", *p)
	}
	money := func(m *o2o.Money) string {
		if m == nil {
			return "none"
		}
		return m.AmountString()
	}
	check := func(field string, want *string, got string) {
		if want != nil && *want != got {
			t.Errorf("%s %s = %s, want %s", key, field, got, *want)
		}
	}
	checkN := func(field string, want *int64, got int64) {
		if want != nil && *want != got {
			t.Errorf("%s %s = %d, want %d", key, field, got, *want)
		}
	}
	checkN("customers", w.Customers, k.Customers)
	checkN("visitors", w.Visitors, k.Visitors)
	checkN("onlinePayers", w.OnlinePayers, k.OnlinePayers)
	check("cost", w.Cost, k.Cost.AmountString())
	check("storeVisitRate", w.StoreVisitRate, ratio(k.StoreVisitRate))
	check("onlinePaymentRate", w.OnlinePaymentRate, ratio(k.OnlinePaymentRate))
	check("costPerVisit", w.CostPerVisit, money(k.CostPerVisit))
	check("costPerDeal", w.CostPerDeal, money(k.CostPerDeal))
	check("roi", w.ROI, ratio(k.ROI))
}
