package pricing_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func fixtureBook(t testing.TB) *pricing.Book {
	t.Helper()
	cat, err := o2o.ParseCatalogJSON(readFile(t, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	book, err := pricing.ParseBookJSON(cat, readFile(t, "book.json"))
	if err != nil {
		t.Fatal(err)
	}
	return book
}

func fixturePolicy(t testing.TB, name string) *pricing.Policy {
	t.Helper()
	if name == "" {
		name = "policy.json"
	}
	cfg, err := pricing.ParseConfig(readFile(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p, err := cfg.Build(fixtureBook(t))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

var sentinels = map[string]error{
	"no_haggling":   pricing.ErrNoHaggling,
	"out_of_band":   pricing.ErrOutOfBand,
	"dealer_priced": pricing.ErrDealerPriced,
	"clearance":     pricing.ErrClearance,
	"ladder":        pricing.ErrLadder,
	"unknown_sku":   pricing.ErrUnknownSKU,
	"no_price":      pricing.ErrNoPrice,
}

type scenarioFile struct {
	Defaults map[string]any `json:"defaults"`
	Cases    []scenario     `json:"cases"`
}

type scenario struct {
	It      string         `json:"it"`
	Policy  string         `json:"policy"`
	Request map[string]any `json:"request"`
	Want    *want          `json:"want"`
	Error   string         `json:"error"`
}

// want is the part of a quote a scenario pins down; nil fields are not checked.
type want struct {
	UnitPrice  *string            `json:"unitPrice"`
	LineTotal  *string            `json:"lineTotal"`
	VAT        *string            `json:"vat"`
	ListScope  *string            `json:"listScope"`
	Rules      []pricing.RuleName `json:"rules"`
	Flags      *pricing.Flags     `json:"flags"`
	Stage      *int               `json:"stage"`
	Benefits   []string           `json:"benefits"`
	Violations *int               `json:"violations"`
}

func project(q pricing.Quote, w *want) want {
	got := want{}
	str := func(m o2o.Money) *string { s := m.AmountString(); return &s }
	if w.UnitPrice != nil {
		got.UnitPrice = str(q.UnitPrice)
	}
	if w.LineTotal != nil {
		got.LineTotal = str(q.LineTotal)
	}
	if w.VAT != nil && q.VAT != nil {
		got.VAT = str(q.VAT.Included)
	}
	if w.ListScope != nil {
		got.ListScope = &q.ListScope
	}
	if w.Rules != nil {
		got.Rules = []pricing.RuleName{}
		for _, s := range q.Steps {
			got.Rules = append(got.Rules, s.Rule)
		}
	}
	if w.Flags != nil {
		f := q.Flags
		got.Flags = &f
	}
	if w.Stage != nil {
		got.Stage = &q.Stage
	}
	if w.Benefits != nil {
		got.Benefits = []string{}
		for _, b := range q.Benefits {
			got.Benefits = append(got.Benefits, b.Code)
		}
	}
	if w.Violations != nil {
		n := len(q.Violations)
		got.Violations = &n
	}
	return got
}

func loadScenarios(t testing.TB) scenarioFile {
	var f scenarioFile
	if err := json.Unmarshal(readFile(t, "scenarios.json"), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f scenarioFile) request(t testing.TB, s scenario) pricing.Request {
	t.Helper()
	merged := map[string]any{}
	for k, v := range f.Defaults {
		merged[k] = v
	}
	for k, v := range s.Request {
		merged[k] = v
	}
	data, err := json.Marshal(merged)
	if err != nil {
		t.Fatal(err)
	}
	var req pricing.Request
	if err := json.Unmarshal(data, &req); err != nil {
		t.Fatalf("%s: request: %v", s.It, err)
	}
	return req
}

// TestScenarios runs the seed scenarios of testdata/scenarios.json and
// compares every explanation with testdata/scenarios.golden (-update rewrites it).
func TestScenarios(t *testing.T) {
	f := loadScenarios(t)
	policies := map[string]*pricing.Policy{}
	var golden strings.Builder
	for _, s := range f.Cases {
		p, ok := policies[s.Policy]
		if !ok {
			p = fixturePolicy(t, s.Policy)
			policies[s.Policy] = p
		}
		req := f.request(t, s)
		q, err := p.Quote(req)
		golden.WriteString("## " + s.It + "\n")
		if s.Error != "" {
			sentinel, ok := sentinels[s.Error]
			if !ok {
				t.Fatalf("%s: unknown error name %q", s.It, s.Error)
			}
			if !errors.Is(err, sentinel) || !errors.Is(err, o2o.ErrInvalid) {
				t.Errorf("%s: error = %v, want %s", s.It, err, s.Error)
			}
			if err != nil {
				golden.WriteString("error: " + err.Error() + "\n\n")
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s.It, err)
			continue
		}
		if diff := cmp.Diff(*s.Want, project(q, s.Want)); diff != "" {
			t.Errorf("%s (-want +got):\n%s\n%s", s.It, diff, q.Explain())
		}
		golden.WriteString(q.Explain() + "\n")
	}
	path := filepath.Join("testdata", "scenarios.golden")
	if *update {
		if err := os.WriteFile(path, []byte(golden.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	wantGolden, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(wantGolden), golden.String()); diff != "" {
		t.Errorf("explanations differ from %s (-want +got):\n%s", path, diff)
	}
}

// TestScenarioQuotes compares every scenario's full quote — every step
// with its code and facts, benefits, violations, flags, VAT, totals — with
// the expected quote kept as data in testdata/scenarios.quotes.json (keyed
// by the scenario's "it"; -update rewrites it). The hand-written "want" of
// each scenario in TestScenarios stays as an independent check of the key
// figures.
func TestScenarioQuotes(t *testing.T) {
	f := loadScenarios(t)
	policies := map[string]*pricing.Policy{}
	got := map[string]pricing.Quote{}
	for _, s := range f.Cases {
		if s.Error != "" {
			continue
		}
		p, ok := policies[s.Policy]
		if !ok {
			p = fixturePolicy(t, s.Policy)
			policies[s.Policy] = p
		}
		q, err := p.Quote(f.request(t, s))
		if err != nil {
			t.Fatalf("%s: %v", s.It, err)
		}
		if _, dup := got[s.It]; dup {
			t.Fatalf("two scenarios are called %q", s.It)
		}
		got[s.It] = q
	}
	path := filepath.Join("testdata", "scenarios.quotes.json")
	if *update {
		data, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var want map[string]pricing.Quote
	if err := json.Unmarshal(readFile(t, "scenarios.quotes.json"), &want); err != nil {
		t.Fatalf("%v (run go test -run TestScenarioQuotes -update)", err)
	}
	if len(want) != len(got) {
		t.Errorf("%s has %d quotes, the scenarios give %d", path, len(want), len(got))
	}
	// Byte for byte too: Money compares by value (1.5 equals 1.50), but the
	// quote's JSON shows each amount's places, which are part of the contract.
	data, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if wantData := readFile(t, "scenarios.quotes.json"); string(append(data, '\n')) != string(wantData) {
		t.Errorf("%s: the quotes' JSON is not byte-identical to the file", path)
	}
	for it, q := range got {
		w, ok := want[it]
		if !ok {
			t.Errorf("%s: no expected quote in %s", it, path)
			continue
		}
		if diff := cmp.Diff(w, q, cmpOpts...); diff != "" {
			t.Errorf("%s: quote (-want +got):\n%s", it, diff)
		}
	}
}

// TestLineTotalStepChain pins how a line_total step sits among the others:
// it goes from unit × quantity to the line total, and the next step (a
// note after rounding) starts again from the unit price, as documented on
// Quote. A change that made the next step start from the line total, or
// that moved the line_total step out of place, fails here.
func TestLineTotalStepChain(t *testing.T) {
	p := fixturePolicy(t, "")
	req := benchRequest(t) // 12.35 m² at 96.90: 1196.715 rounds to 1196.72
	q, err := p.Quote(req)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Rule, Base, Result string }
	var got []row
	for _, s := range q.Steps {
		got = append(got, row{string(s.Rule), s.Base.AmountString(), s.Result.AmountString()})
	}
	want := []row{
		{"list_price", "0.00", "95.00"},
		{"online_uplift", "95.00", "99.7500"},
		{"network_lowest", "99.7500", "96.90"},
		{"line_total", "1196.7150", "1196.72"},
		{"value_added", "96.90", "96.90"},
		{"ladder", "96.90", "96.90"},
		{"vat", "96.90", "96.90"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}
