package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
)

var errBudget = errors.New("budget out of the rural band")

// budgetSpec is a one-step flow whose guard is a Go function: a rural
// self-built house's decoration budget must be 100,000 to 200,000 CNY.
func budgetSpec(calls *atomic.Int64) workflow.Spec {
	return workflow.Spec{
		Name: "budget", Version: 1, Initial: "draft", Terminal: []string{"approved"},
		States: []workflow.StateSpec{{Name: "draft"}, {Name: "approved"}},
		Guards: []workflow.GuardSpec{{Name: "rural_budget", Kind: workflow.GuardCustom, Func: "rural_band", Description: "seed 001 part 3.2"}},
		Events: []workflow.EventSpec{{Name: "approve", From: []string{"draft"}, To: "approved", Roles: []workflow.Role{workflow.RoleStore}, Guards: []string{"rural_budget"},
			Records: workflow.Facts{"approved": "true"}}},
		Funcs: map[string]workflow.GuardFunc{"rural_band": func(in workflow.GuardInput) error {
			calls.Add(1)
			if in.Event != "approve" || in.From != "draft" || in.To != "approved" || in.Role != workflow.RoleStore || in.At.IsZero() {
				return errors.New("wrong input")
			}
			if v, _ := in.Fact("approved"); v != "true" {
				return errors.New("the event's own records are not visible")
			}
			s, _ := in.Fact("budget")
			n, err := strconv.Atoi(s)
			if err != nil || n < 100000 || n > 200000 {
				return errBudget
			}
			return nil
		}},
	}
}

func TestGuardFunc(t *testing.T) {
	var calls atomic.Int64
	def, err := workflow.Build(budgetSpec(&calls))
	if err != nil {
		t.Fatal(err)
	}
	in := workflow.New(def)
	before := flowtest.SnapJSON(t, in)
	_, err = in.Fire(context.Background(), flowtest.Cmd("b1", "approve", "store-1", workflow.RoleStore, 1, workflow.Facts{"budget": "80000"}))
	var ge *workflow.GuardError
	if !errors.Is(err, errBudget) || !errors.Is(err, workflow.ErrGuard) || !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ge) {
		t.Fatalf("err = %v", err)
	}
	want := &workflow.GuardError{Event: "approve", Guard: "rural_budget", Reason: "budget out of the rural band (seed 001 part 3.2)", Err: errBudget}
	if diff := cmp.Diff(*want, *ge, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if flowtest.SnapJSON(t, in) != before {
		t.Error("refused command changed the instance")
	}
	if _, err := in.Fire(context.Background(), flowtest.Cmd("b2", "approve", "store-1", workflow.RoleStore, 2, workflow.Facts{"budget": "150000"})); err != nil {
		t.Fatal(err)
	}
	// Restore calls no guard.
	n := calls.Load()
	if _, err := workflow.Restore(def, in.Snapshot()); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != n {
		t.Error("Restore called a guard function")
	}
}

func TestGuardFuncJSON(t *testing.T) {
	var calls atomic.Int64
	spec := budgetSpec(&calls)
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	// The functions are code: not marshalled, so a JSON spec alone cannot build.
	if _, err := workflow.ParseSpec(b); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("ParseSpec without functions: %v", err)
	}
	var loaded workflow.Spec
	if err := json.Unmarshal(b, &loaded); err != nil {
		t.Fatal(err)
	}
	if loaded.Funcs != nil {
		t.Fatal("functions came back from JSON")
	}
	loaded.Funcs = spec.Funcs
	def, err := workflow.Build(loaded)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := workflow.New(def).Fire(context.Background(), flowtest.Cmd("b1", "approve", "store-1", workflow.RoleStore, 1, workflow.Facts{"budget": "1"})); !errors.Is(err, errBudget) {
		t.Errorf("loaded spec's guard: %v", err)
	}
}

func TestGuardFuncBuildRejects(t *testing.T) {
	var calls atomic.Int64
	tests := []struct {
		name string
		edit func(s *workflow.Spec)
		path string
	}{
		{"not registered", func(s *workflow.Spec) { s.Funcs = nil }, "guards[0].func"},
		{"nil function", func(s *workflow.Spec) { s.Funcs["rural_band"] = nil }, "guards[0].func"},
		{"no function named", func(s *workflow.Spec) { s.Guards[0].Func = "" }, "guards[0].func"},
		{"function on a data guard", func(s *workflow.Spec) { s.Guards[0].Kind, s.Guards[0].Fact = workflow.GuardPresent, "budget" }, "guards[0].func"},
		{"data guard without a fact", func(s *workflow.Spec) { s.Guards[0].Kind, s.Guards[0].Func = workflow.GuardPresent, "" }, "guards[0].fact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := budgetSpec(&calls)
			tt.edit(&s)
			_, err := workflow.Build(s)
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) || ve.Fields[0].Path != tt.path {
				t.Fatalf("err = %v, want a fault at %q", err, tt.path)
			}
		})
	}
}
