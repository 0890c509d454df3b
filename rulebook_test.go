package o2okit_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/o2okit/o2okit"
)

// sampleRulebook is the sample rulebook of examples/rulebook, read once per
// test binary.
func sampleRulebook(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("examples/rulebook/rulebook.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadSample(t testing.TB) *o2okit.Rulebook {
	t.Helper()
	rb, err := o2okit.LoadRulebook(sampleRulebook(t))
	if err != nil {
		t.Fatal(err)
	}
	return rb
}

// TestRulebookRoundTrip: the sample loads, and marshal → load → marshal is
// byte-identical.
func TestRulebookRoundTrip(t *testing.T) {
	rb := loadSample(t)
	first, err := rb.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	again, err := o2okit.LoadRulebook(first)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	second, err := again.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("marshal → load → marshal differs:\n%s\n%s", first, second)
	}
}

// TestRulebookOptionalSections: drainage, campaigns, workflows, budget and
// co-investment may be left out; the rulebook then round-trips without them.
func TestRulebookOptionalSections(t *testing.T) {
	data := mutate(t, func(d map[string]any) {
		delete(d, "drainage")
		delete(d, "workflows")
		delete(d, "budget")
		delete(d, "coInvestment")
		delete(d, "campaigns")
	})
	rb, err := o2okit.LoadRulebook(data)
	if err != nil {
		t.Fatal(err)
	}
	if rb.Drainage() != nil || rb.Authority() != nil || len(rb.CoInvestment()) != 0 || len(rb.Campaigns()) != 0 {
		t.Error("absent sections are not nil")
	}
	if _, ok := rb.Workflow("decoration"); ok {
		t.Error("absent workflow found")
	}
	first, _ := rb.MarshalJSON()
	if bytes.Contains(first, []byte(`"drainage"`)) || bytes.Contains(first, []byte(`"workflows"`)) || bytes.Contains(first, []byte(`"budget"`)) || bytes.Contains(first, []byte(`"coInvestment"`)) || bytes.Contains(first, []byte(`"campaigns"`)) {
		t.Errorf("absent sections written: %s", first)
	}
	again, err := o2okit.LoadRulebook(first)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := again.MarshalJSON()
	if !bytes.Equal(first, second) {
		t.Error("round trip differs")
	}
	full := loadSample(t)
	if d, ok := full.Workflow("decoration"); !ok || d.Name() != "decoration" {
		t.Error("the sample's decoration workflow is missing")
	}
	if full.Drainage() == nil || full.Authority() == nil {
		t.Error("the sample's drainage or budget section is missing")
	}
	cs := full.Campaigns()
	if len(cs) != 2 || cs[0].ID != "spring-search" || cs[0].Spend.AmountString() != "30000.00" || cs[1].ID != "village-roadshow" {
		t.Fatalf("the sample's drainage campaigns = %+v", cs)
	}
	cs[0].ID = "changed"
	if full.Campaigns()[0].ID != "spring-search" {
		t.Error("Campaigns returned the rulebook's own slice")
	}
	ci := full.CoInvestment()
	if len(ci) != 1 || ci[0].Store != "store-futian" || ci[0].Investor != "investor-zhao" {
		t.Fatalf("the sample's co-investment = %+v", ci)
	}
	if p, err := ci[0].Open(); err != nil || !p.Capital.IsZero() || p.AdvanceLimit.AmountString() != "50000.00" {
		t.Errorf("the sample's co-investment opens %+v, %v", p, err)
	}
}
