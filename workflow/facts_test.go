package workflow_test

import (
	"errors"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// TestTypedFacts: times, amounts and booleans written as facts read back;
// malformed ones are refused naming the fact.
func TestTypedFacts(t *testing.T) {
	when := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	f := workflow.Facts{decoration.FactBookedFor: workflow.TimeFact(when), decoration.FactPayment: workflow.MoneyFact(o2o.MustParseMoney("80000.01 CNY")), decoration.FactEcoCertified: workflow.BoolFact(true),
		"bad": "x"}
	if got, err := f.Time(decoration.FactBookedFor); err != nil || !got.Equal(when) || f[decoration.FactBookedFor] != "2025-03-01T09:00:00+08:00" {
		t.Errorf("time: %v %v", got, err)
	}
	if got, err := f.Money(decoration.FactPayment); err != nil || got.String() != "80000.01 CNY" {
		t.Errorf("money: %v %v", got, err)
	}
	if got, err := f.Bool(decoration.FactEcoCertified); err != nil || !got || workflow.BoolFact(false) != "false" {
		t.Errorf("bool: %v %v", got, err)
	}
	if got, err := f.Bool("missing"); err != nil || got {
		t.Errorf("missing bool: %v %v", got, err)
	}
	for name, err := range map[string]error{
		"time bad": func() error { _, err := f.Time("bad"); return err }(), "time missing": func() error { _, err := f.Time("m"); return err }(),
		"money bad": func() error { _, err := f.Money("bad"); return err }(), "money missing": func() error { _, err := f.Money("m"); return err }(),
		"bool bad": func() error { _, err := f.Bool("bad"); return err }(),
	} {
		if !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
