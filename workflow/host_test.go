package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// TestEscalationIsData: the decoration flow says who is told when the
// measurement is overdue; Escalations hands it out with a stable key only
// once the deadline has passed with the state still open.
func TestEscalationIsData(t *testing.T) {
	in := flowtest.Run(t, flowtest.MustDecoration(t), flowtest.DecorationJourney()[:1]) // applied at hour 0
	due, ok := in.NextDue()
	if !ok || due.State != decoration.StateApplied || !due.Due.Equal(flowtest.At(48)) {
		t.Fatalf("NextDue = %v, %v; want applied due at hour 48", due, ok)
	}
	if got := in.Escalations(flowtest.At(48)); got != nil {
		t.Errorf("Escalations at the due time = %v, want none (overdue is strictly after)", got)
	}
	got := in.Escalations(flowtest.At(49))
	want := []workflow.Intent{{Key: "deadline/0/escalate", Kind: "escalate", Role: workflow.RoleHeadquarters,
		Note: "on-site measurement overdue; follow up with the store"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Escalations (-want +got):\n%s", diff)
	}
	// Asked again, after a restore: the same key.
	back, err := workflow.Restore(in.Definition(), in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, back.Escalations(flowtest.At(60))); diff != "" {
		t.Errorf("Escalations after restore (-want +got):\n%s", diff)
	}
	// Once measured the deadline is met: no escalation, and no open due.
	in = flowtest.Run(t, flowtest.MustDecoration(t), flowtest.DecorationJourney()[:3])
	if got := in.Escalations(flowtest.At(1000)); got != nil {
		t.Errorf("Escalations after the measurement = %v, want none", got)
	}
	if d, ok := in.NextDue(); ok {
		t.Errorf("NextDue after the measurement = %v, want none", d)
	}
	// A deadline without an escalation gives none.
	def := flowtest.MustDecoration(t, decoration.WithDeadline(decoration.StateMeasured, workflow.Hours(1)))
	in = flowtest.Run(t, def, flowtest.DecorationJourney()[:3])
	if d, ok := in.NextDue(); !ok || d.State != decoration.StateMeasured {
		t.Errorf("NextDue = %v, %v; want measured", d, ok)
	}
	if got := in.Escalations(flowtest.At(1000)); got != nil {
		t.Errorf("Escalations of a deadline without one = %v, want none", got)
	}
	var zero workflow.Instance
	if got := zero.Escalations(flowtest.At(1)); got != nil {
		t.Errorf("zero Instance Escalations = %v", got)
	}
}

// TestEscalationKeysNeverCollide: a command id that looks like an
// escalation key cannot make Fire hand out the same key.
func TestEscalationKeysNeverCollide(t *testing.T) {
	in := workflow.New(flowtest.MustDecoration(t))
	r, err := in.Fire(context.Background(), flowtest.Cmd("deadline/0/escalate", "apply", "owner-1", workflow.RoleOwner, 0, workflow.Facts{decoration.FactVenue: "online"}))
	if err != nil {
		t.Fatal(err)
	}
	esc := in.Escalations(flowtest.At(49))
	if len(esc) != 1 || len(r.Intents) != 1 || esc[0].Key == r.Intents[0].Key {
		t.Errorf("keys collide: fire %v, escalations %v", r.Intents, esc)
	}
}

func TestEscalationValidated(t *testing.T) {
	spec := decoration.ProcessSpec()
	spec.States[1].Deadline.Escalate = &workflow.Intent{Key: "k", Kind: "escalate", Role: "nobody"}
	_, err := workflow.Build(spec)
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("Build = %v, want ErrInvalid", err)
	}
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Build = %T, want *o2o.ValidationError", err)
	}
	for _, path := range []string{"states[1].deadline.escalate.role", "states[1].deadline.escalate.key"} {
		found := false
		for _, f := range ve.Fields {
			found = found || f.Path == path
		}
		if !found {
			t.Errorf("error %v does not name %s", ve.Fields, path)
		}
	}
	spec = decoration.ProcessSpec()
	spec.States[1].Deadline.Escalate.Note = "bad \xff"
	if _, err := workflow.Build(spec); err == nil || !strings.Contains(err.Error(), "states[1].deadline.escalate.note") {
		t.Errorf("Build with a note not UTF-8 = %v, want an error naming it", err)
	}
	spec = decoration.ProcessSpec()
	spec.States[1].Deadline.Escalate = &workflow.Intent{Role: workflow.RoleStore}
	if _, err := workflow.Build(spec); err == nil || !strings.Contains(err.Error(), "kind") {
		t.Errorf("Build without a kind = %v, want an error naming kind", err)
	}
	// The spec round-trips through JSON with its escalations, and the
	// definition keeps its own copy.
	spec = decoration.ProcessSpec()
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	def, err := workflow.ParseSpec(b)
	if err != nil {
		t.Fatal(err)
	}
	spec.States[1].Deadline.Escalate.Role = workflow.RoleOwner
	if got := def.Spec().States[1].Deadline.Escalate; got == nil || got.Role != workflow.RoleHeadquarters {
		t.Errorf("escalation after JSON = %+v, want headquarters", got)
	}
	s := def.Spec()
	s.States[1].Deadline.Escalate.Role = workflow.RoleOwner
	if got := def.Spec().States[1].Deadline.Escalate.Role; got != workflow.RoleHeadquarters {
		t.Errorf("Spec() shares the escalation: %v", got)
	}
}

// TestCheckChangesNothing: Check reports exactly what Fire would, and
// leaves the instance byte-for-byte as it was.
func TestCheckChangesNothing(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	in := flowtest.Run(t, def, steps[:2])
	before := flowtest.SnapJSON(t, in)
	cases := []workflow.Command{
		flowtest.Cmd("x1", "measure", "owner-1", workflow.RoleOwner, 30, workflow.Facts{decoration.FactFloorPlan: "p"}), // forbidden
		flowtest.Cmd("x2", "measure", "store-1", workflow.RoleStore, 30, nil),                                           // guard
		flowtest.Cmd("x3", "review", "owner-1", workflow.RoleOwner, 30, nil),                                            // not available
		flowtest.Cmd("c1", "apply", "owner-1", workflow.RoleOwner, 5, workflow.Facts{decoration.FactVenue: "store"}),    // conflict
		flowtest.Cmd("x4", "measure", "store-1", workflow.RoleStore, 0, workflow.Facts{decoration.FactFloorPlan: "p"}),  // before the last step
		{ID: "x5"}, // invalid
	}
	for _, c := range cases {
		cerr := in.Check(context.Background(), c)
		if cerr == nil {
			t.Errorf("Check(%s %s) = nil, want a refusal", c.ID, c.Event)
		}
		clone, err := workflow.Restore(def, in.Snapshot())
		if err != nil {
			t.Fatal(err)
		}
		_, ferr := clone.Fire(context.Background(), c)
		if ferr == nil || ferr.Error() != cerr.Error() {
			t.Errorf("Check(%s) = %v, Fire = %v; want the same", c.ID, cerr, ferr)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := in.Check(ctx, steps[2].Cmd); !errors.Is(err, context.Canceled) {
		t.Errorf("Check with a cancelled context = %v", err)
	}
	if err := in.Check(context.Background(), steps[2].Cmd); err != nil {
		t.Errorf("Check(measure) = %v, want nil", err)
	}
	if err := in.Check(context.Background(), steps[0].Cmd); err != nil {
		t.Errorf("Check of a repeated command = %v, want nil (Fire reports AlreadyApplied)", err)
	}
	if after := flowtest.SnapJSON(t, in); after != before {
		t.Errorf("Check changed the instance:\n%s\n%s", before, after)
	}
	var zero workflow.Instance
	if err := zero.Check(context.Background(), steps[0].Cmd); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("zero Instance Check = %v", err)
	}
}

// TestAppliedRefires: the command returned by Applied fires again as
// AlreadyApplied with the same intents and keys.
func TestAppliedRefires(t *testing.T) {
	in := flowtest.Run(t, flowtest.MustDecoration(t), flowtest.DecorationJourney()[:3])
	c, ok := in.Applied("c3")
	if !ok {
		t.Fatal("Applied(c3) = false")
	}
	if diff := cmp.Diff(flowtest.DecorationJourney()[2].Cmd, c); diff != "" {
		t.Errorf("Applied (-want +got):\n%s", diff)
	}
	c.Facts[decoration.FactFloorPlan] = "changed"
	if v, _ := in.Fact(decoration.FactFloorPlan); v != "plan-001" {
		t.Errorf("Applied shares facts: %q", v)
	}
	c, _ = in.Applied("c3")
	r, err := in.Fire(context.Background(), c)
	if err != nil || !r.AlreadyApplied || len(r.Intents) != 1 || r.Intents[0].Key != "c3/0" {
		t.Errorf("refire = %+v, %v", r, err)
	}
	if _, ok := in.Applied("nope"); ok {
		t.Error("Applied(nope) = true")
	}
}

// TestRegistryKeepsVersions: a project started on v1 keeps running on v1
// after v2 is registered, and moves only by an explicit Migrate.
func TestRegistryKeepsVersions(t *testing.T) {
	v1, v2 := flowtest.MustDecoration(t), decorationV2(t)
	reg, err := workflow.NewRegistry(v1)
	if err != nil {
		t.Fatal(err)
	}
	steps := flowtest.DecorationJourney()
	in := flowtest.Run(t, v1, steps[:4]) // designing, on v1
	snap := in.Snapshot()
	if err := reg.Add(v2); err != nil {
		t.Fatal(err)
	}
	if d, ok := reg.Latest("decoration"); !ok || d != v2 {
		t.Errorf("Latest = %v, %v; want v2", d, ok)
	}
	if got := reg.Versions("decoration"); !slices2(got, 1, 2) {
		t.Errorf("Versions = %v", got)
	}
	back, err := reg.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	if back.Definition() != v1 || back.State() != decoration.StateDesigning {
		t.Fatalf("restored on v%d in %s, want v1 in designing", back.Definition().Version(), back.State())
	}
	for _, s := range steps[4:] {
		if _, err := back.Fire(context.Background(), s.Cmd); err != nil {
			t.Fatalf("v1 project after v2 was registered: %s: %v", s.Cmd.Event, err)
		}
	}
	if back.State() != decoration.StateReviewed {
		t.Errorf("state %s, want reviewed", back.State())
	}
	// An explicit move to v2.
	moved, err := reg.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Migrate(moved, 3, nil, flowtest.At(45)); !errors.Is(err, workflow.ErrVersion) {
		t.Errorf("Migrate to an unregistered version = %v, want ErrVersion", err)
	}
	if err := reg.Migrate(moved, 2, map[string]string{decoration.StateDesigning: "design_in_progress"}, flowtest.At(45)); err != nil {
		t.Fatal(err)
	}
	again, err := reg.Restore(moved.Snapshot())
	if err != nil || again.Definition() != v2 || again.State() != "design_in_progress" {
		t.Fatalf("restore after migrate: %v on %v in %s", err, again.Definition().Version(), again.State())
	}
	// Refusals.
	if err := reg.Add(flowtest.MustDecoration(t)); !errors.Is(err, o2o.ErrDuplicate) {
		t.Errorf("Add of v1 again = %v, want ErrDuplicate", err)
	}
	if err := reg.Add(nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Add(nil) = %v", err)
	}
	snap.Version = 7
	if _, err := reg.Restore(snap); !errors.Is(err, workflow.ErrVersion) || !strings.Contains(err.Error(), "v7") {
		t.Errorf("Restore of an unregistered version = %v, want ErrVersion naming v7", err)
	}
	if _, err := workflow.NewRegistry(v1, v1); !errors.Is(err, o2o.ErrDuplicate) || !strings.Contains(err.Error(), "[1]") {
		t.Errorf("NewRegistry with a duplicate = %v", err)
	}
	var zero workflow.Registry
	if _, ok := zero.Latest("decoration"); ok {
		t.Error("zero Registry has a definition")
	}
	if err := zero.Migrate(&workflow.Instance{}, 2, nil, flowtest.At(1)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Migrate of the zero Instance = %v", err)
	}
}

func slices2(got []int, want ...int) bool { return cmp.Equal(got, want) }

// TestRegistryConcurrent: lookups and adds from many goroutines (run
// with -race).
func TestRegistryConcurrent(t *testing.T) {
	reg := &workflow.Registry{}
	done := make(chan struct{})
	for v := 1; v <= 8; v++ {
		go func() {
			defer func() { done <- struct{}{} }()
			d := flowtest.V1As(t, v)
			if err := reg.Add(d); err != nil {
				t.Error(err)
			}
			reg.Latest("decoration")
			reg.Lookup("decoration", v)
		}()
	}
	for range 8 {
		<-done
	}
	if got := reg.Versions("decoration"); len(got) != 8 {
		t.Errorf("Versions = %v", got)
	}
}

// TestInvalidTextErrorIsStable: several facts not valid UTF-8 give the same
// error every time (the least name), not one chosen by map order: a host
// recording errors in a durable history must see the same one on replay.
func TestInvalidTextErrorIsStable(t *testing.T) {
	facts := workflow.Facts{}
	for _, name := range []string{"e", "b", "d", "a", "c", "f", "g", "h"} {
		facts[name] = "bad \xff"
	}
	in := workflow.New(flowtest.MustDecoration(t))
	c := flowtest.Cmd("c1", "apply", "owner-1", workflow.RoleOwner, 0, facts)
	for range 64 {
		err := in.Check(context.Background(), c)
		if err == nil || !strings.Contains(err.Error(), `fact "a" is not valid UTF-8`) {
			t.Fatalf("Check = %v, want the fact \"a\" named", err)
		}
	}
}
