package workflow_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// TestFactOwnershipTable checks every (event, role, fact) triple of both
// default flows against the declared writers: a command bringing the fact
// is refused as forbidden exactly when the declaration does not list the
// event and role.
func TestFactOwnershipTable(t *testing.T) {
	for _, def := range []*workflow.Definition{flowtest.MustDecoration(t), flowtest.MustAfterSales(t)} {
		spec := def.Spec()
		declared := map[string]workflow.FactSpec{}
		var facts []string
		for _, f := range spec.Facts {
			declared[f.Name] = f
			facts = append(facts, f.Name)
		}
		facts = append(facts, decoration.FactLiveVideo, decoration.FactClearance, "unknown")
		checked := 0
		for _, tr := range def.Transitions() {
			for _, role := range tr.Roles() {
				for _, fact := range facts {
					f, ok := declared[fact]
					want := ok && slices.Contains(f.Events, tr.Event()) && (len(f.Roles) == 0 || slices.Contains(f.Roles, role))
					err := tr.Owns(def.Writes()[tr.Event()], workflow.Command{Role: role, Facts: workflow.Facts{fact: "x"}})
					if got := err == nil; got != want {
						t.Errorf("%s: %s as %s writing %s: err = %v, want allowed %v", def.Name(), tr.Event(), role, fact, err, want)
					}
					checked++
				}
			}
		}
		if checked < 100 {
			t.Errorf("%s: only %d triples", def.Name(), checked)
		}
	}
}

// TestBuildOwnership: a Spec declaring its facts refuses a guard reading
// a fact no event writes, and unknown events and roles and duplicates in
// its declarations; it round-trips through JSON.
func TestBuildOwnership(t *testing.T) {
	base := func() workflow.Spec {
		return workflow.Spec{Name: "f", Version: 1, Initial: "a", Terminal: []string{"b"},
			States: []workflow.StateSpec{{Name: "a"}, {Name: "b"}},
			Events: []workflow.EventSpec{{Name: "go", From: []string{"a"}, To: "b", Roles: []workflow.Role{workflow.RoleOwner, workflow.RoleStore}, Guards: []string{"g"}}},
			Guards: []workflow.GuardSpec{{Name: "g", Kind: workflow.GuardPresent, Fact: "x"}},
			Facts:  []workflow.FactSpec{{Name: "x", Events: []string{"go"}, Roles: []workflow.Role{workflow.RoleStore}}},
		}
	}
	def, err := workflow.Build(base())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	back, err := workflow.ParseSpec(b)
	if err != nil || !back.Owned() {
		t.Fatalf("round trip: %v", err)
	}
	in := workflow.New(back)
	err = flowtest.FireRefused(t, in, workflow.Command{ID: "1", Event: "go", Actor: "o", Role: workflow.RoleOwner, At: flowtest.T0, Facts: workflow.Facts{"x": "1"}})
	var fe *workflow.ForbiddenError
	if !errors.As(err, &fe) || fe.Fact != "x" || !slices.Equal(fe.Allowed, []workflow.Role{workflow.RoleStore}) {
		t.Fatalf("owner writing x: %v", err)
	}
	if _, err := in.Fire(flowtest.T0Ctx(), workflow.Command{ID: "1", Event: "go", Actor: "s", Role: workflow.RoleStore, At: flowtest.T0, Facts: workflow.Facts{"x": "1"}}); err != nil {
		t.Fatal(err)
	}

	for name, tt := range map[string]struct {
		edit func(*workflow.Spec)
		path string
	}{
		"unwritten guard fact":   {func(s *workflow.Spec) { s.Guards[0].Fact = "y" }, "guards[0].fact"},
		"unwritten when fact":    {func(s *workflow.Spec) { s.Guards[0].When = &workflow.Condition{Fact: "z", Equals: "1"} }, "guards[0].when.fact"},
		"unknown event":          {func(s *workflow.Spec) { s.Facts[0].Events = []string{"went"} }, "facts[0].events[0]"},
		"unknown role":           {func(s *workflow.Spec) { s.Facts[0].Roles = []workflow.Role{"boss"} }, "facts[0].roles[0]"},
		"declared twice":         {func(s *workflow.Spec) { s.Facts = append(s.Facts, s.Facts[0]) }, "facts[1].name"},
		"money without currency": {func(s *workflow.Spec) { s.Guards[0].Kind = workflow.GuardMoney }, "guards[0].currency"},
		"ceiling in another currency": {func(s *workflow.Spec) {
			m := o2o.MustParseMoney("1.00 USD")
			s.Guards[0].Kind, s.Guards[0].Currency, s.Guards[0].Max = workflow.GuardMoney, o2o.CNY, &m
		}, "guards[0].max"},
		"currency on a present guard": {func(s *workflow.Spec) { s.Guards[0].Currency = o2o.CNY }, "guards[0]"},
	} {
		s := base()
		tt.edit(&s)
		_, err := workflow.Build(s)
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) || !strings.Contains(err.Error(), tt.path+":") {
			t.Errorf("%s: err = %v, want a fault at %s", name, err, tt.path)
		}
	}
	// A recorded fact counts as written.
	s := base()
	s.Guards[0].Fact = "r"
	s.Events[0].Records = workflow.Facts{"r": "1"}
	if _, err := workflow.Build(s); err != nil {
		t.Errorf("a guard reading a recorded fact: %v", err)
	}
}

// TestBuildPayout: Build refuses a payout taking an unknown stage, weights
// o2o.Allocate refuses, amounts set in a Spec and an escalation moving
// money; Fire refuses a step whose payout fact is not an amount.
func TestBuildPayout(t *testing.T) {
	one := o2o.Share{Key: "all", Weight: o2o.MustParseMoney("1").Amount()}
	base := func() workflow.Spec {
		return workflow.Spec{Name: "p", Version: 1, Initial: "a", Terminal: []string{"b"},
			States: []workflow.StateSpec{{Name: "a"}, {Name: "b"}},
			Events: []workflow.EventSpec{{Name: "go", From: []string{"a"}, To: "b", Roles: []workflow.Role{workflow.RoleOwner},
				Intents: []workflow.Intent{{Kind: "pay", Role: workflow.RolePlatform, Payout: &workflow.Payout{Fact: "amount", Stages: []o2o.Share{one}, Take: []string{"all"}, To: []o2o.Share{{Key: "x", Weight: one.Weight}}}}}}},
		}
	}
	def, err := workflow.Build(base())
	if err != nil {
		t.Fatal(err)
	}
	in := workflow.New(def)
	for _, bad := range []string{"", "lots", "-1.00 CNY"} {
		err := flowtest.FireRefused(t, in, workflow.Command{ID: "1", Event: "go", Actor: "o", Role: workflow.RoleOwner, At: flowtest.T0, Facts: workflow.Facts{"amount": bad}})
		if !strings.Contains(err.Error(), "facts.amount") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	r, err := in.Fire(flowtest.T0Ctx(), workflow.Command{ID: "1", Event: "go", Actor: "o", Role: workflow.RoleOwner, At: flowtest.T0, Facts: workflow.Facts{"amount": "12.34 CNY"}})
	if err != nil || r.Intents[0].Amounts[0].Amount.String() != "12.34 CNY" || r.Intents[0].Payout != nil {
		t.Fatalf("%+v %v", r, err)
	}
	for name, tt := range map[string]struct {
		edit func(*workflow.Spec)
		path string
	}{
		"unknown stage":  {func(s *workflow.Spec) { s.Events[0].Intents[0].Payout.Take = []string{"half"} }, "events[0].intents[0].payout.take[0]"},
		"no weight":      {func(s *workflow.Spec) { s.Events[0].Intents[0].Payout.To[0].Weight = o2o.MustParseMoney("0").Amount() }, "events[0].intents[0].payout.to"},
		"repeated stage": {func(s *workflow.Spec) { p := s.Events[0].Intents[0].Payout; p.Stages = append(p.Stages, one) }, "events[0].intents[0].payout.stages"},
		"amounts set": {func(s *workflow.Spec) {
			s.Events[0].Intents[0].Amounts = []o2o.Part{{Key: "x", Amount: o2o.MustParseMoney("1.00")}}
		}, "events[0].intents[0].amounts"},
		"escalation moves money": {func(s *workflow.Spec) {
			s.States[0].Deadline = &workflow.DeadlineSpec{Within: workflow.Hours(1), For: "x", Escalate: &workflow.Intent{Kind: "e", Role: workflow.RoleOwner, Payout: s.Events[0].Intents[0].Payout}}
		}, "states[0].deadline.escalate.payout"},
	} {
		s := base()
		tt.edit(&s)
		if _, err := workflow.Build(s); !errors.Is(err, o2o.ErrInvalid) || !strings.Contains(err.Error(), tt.path) {
			t.Errorf("%s: err = %v, want a fault at %s", name, err, tt.path)
		}
	}
}

// TestWithinBeforeTheInstant: a within guard refuses a command before the
// instant in its fact (a claim before the handover), as well as one past
// the period.
func TestWithinBeforeTheInstant(t *testing.T) {
	g := workflow.GuardSpec{Name: "w", Kind: workflow.GuardWithin, Fact: "handed_over_at", Within: workflow.Days(1)}
	if reason := workflow.GuardTest(&g, workflow.Facts{"handed_over_at": flowtest.At(5).Format(time.RFC3339)}, flowtest.At(4)); !strings.Contains(reason, "is before") {
		t.Errorf("within before the instant: %q", reason)
	}
}
