package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// renamed returns spec with state old renamed to nw everywhere.
func renamed(spec workflow.Spec, old, nw string) workflow.Spec {
	spec = workflow.CloneSpec(spec)
	ren := func(s *string) {
		if *s == old {
			*s = nw
		}
	}
	ren(&spec.Initial)
	for i := range spec.Terminal {
		ren(&spec.Terminal[i])
	}
	for i := range spec.States {
		ren(&spec.States[i].Name)
	}
	for i := range spec.Events {
		ren(&spec.Events[i].To)
		for k := range spec.Events[i].From {
			ren(&spec.Events[i].From[k])
		}
	}
	return spec
}

// decorationV2 renames designing to design_in_progress and shortens the
// measurement deadline to 24h.
func decorationV2(t testing.TB) *workflow.Definition {
	t.Helper()
	s := decoration.ProcessSpec(decoration.WithVersion(1), decoration.WithDeadline(decoration.StateApplied, workflow.Hours(24)))
	s.Version = 2
	d, err := workflow.Build(renamed(s, decoration.StateDesigning, "design_in_progress"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMigrateJourney(t *testing.T) {
	v1, v2 := flowtest.MustDecoration(t), decorationV2(t)
	steps := flowtest.DecorationJourney()
	in := flowtest.Run(t, v1, steps[:4]) // designing
	before := in.History()
	if err := in.Migrate(v2, map[string]string{decoration.StateDesigning: "design_in_progress"}, flowtest.At(45)); err != nil {
		t.Fatal(err)
	}
	// The steps taken under v1 keep v1's events and state names.
	if diff := cmp.Diff(before, in.History()); diff != "" {
		t.Errorf("history changed by the migration (-before +after):\n%s", diff)
	}
	if in.State() != "design_in_progress" || in.Definition() != v2 || in.Seq() != 4 {
		t.Fatalf("after migrate: %s v%d seq %d", in.State(), in.Definition().Version(), in.Seq())
	}
	want := []workflow.Migration{{Seq: 4, FromVersion: 1, ToVersion: 2, From: decoration.StateDesigning, To: "design_in_progress", At: flowtest.At(45),
		Facts: in.Facts(), Deadlines: in.Deadlines()}}
	if diff := cmp.Diff(want, in.Migrations()); diff != "" {
		t.Errorf("migrations (-want +got):\n%s", diff)
	}
	for i, s := range steps[4:] {
		if i == 0 {
			s.Want = "design_in_progress" // submit_design is a self-transition
		}
		r, err := in.Fire(context.Background(), s.Cmd)
		if err != nil || r.To != s.Want {
			t.Fatalf("%s on v2: %v %v", s.Cmd.Event, r, err)
		}
	}
	if in.State() != decoration.StateReviewed {
		t.Fatalf("state %q", in.State())
	}
	// The migrated instance restores on v2 only, and equals itself.
	data, err := json.Marshal(in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var s workflow.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	back, err := workflow.Restore(v2, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := flowtest.SnapJSON(t, back); got != string(data) {
		t.Errorf("restored migrated instance differs:\n%s\n%s", got, data)
	}
	if _, err := workflow.Restore(v1, s); !errors.Is(err, workflow.ErrVersion) {
		t.Errorf("restore on v1: %v", err)
	}
	// Command ids applied before the move stay idempotent.
	r, err := back.Fire(context.Background(), steps[0].Cmd)
	if err != nil || !r.AlreadyApplied {
		t.Errorf("replayed c1 after migration: %v %v", r, err)
	}
}

// TestMigrateKeepsDueTimes: an open deadline moves with its state and keeps
// its due time, even though v2 allows less time.
func TestMigrateKeepsDueTimes(t *testing.T) {
	v1, v2 := flowtest.MustDecoration(t), decorationV2(t)
	in := flowtest.Run(t, v1, flowtest.DecorationJourney()[:1]) // applied, due at(48)
	if err := in.Migrate(v2, nil, flowtest.At(2)); err != nil {
		t.Fatal(err)
	}
	od := in.Overdue(flowtest.At(47))
	if len(od) != 0 {
		t.Fatalf("overdue at 47h after migration: %v", od)
	}
	if od := in.Overdue(flowtest.At(49)); len(od) != 1 || !od[0].Due.Equal(flowtest.At(48)) || od[0].State != decoration.StateApplied {
		t.Fatalf("overdue at 49h: %v", od)
	}
	back, err := workflow.Restore(v2, in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := back.Fire(context.Background(), flowtest.Cmd("m1", "measure", "store-1", workflow.RoleStore, 50, workflow.Facts{decoration.FactFloorPlan: "p"})); err != nil {
		t.Fatal(err)
	}
	ds := back.Deadlines()
	if len(ds) != 1 || !ds[0].Met.Equal(flowtest.At(50)) || !ds[0].Late(flowtest.At(50)) {
		t.Fatalf("deadlines after measuring late: %v", ds)
	}
	if _, err := workflow.Restore(v2, back.Snapshot()); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateRefusals(t *testing.T) {
	v1, v2 := flowtest.MustDecoration(t), decorationV2(t)
	after2 := flowtest.MustAfterSales(t, decoration.WithVersion(2))
	tests := []struct {
		name   string
		to     *workflow.Definition
		states map[string]string
		at     time.Time
		is     error
		path   string
	}{
		{"no definition", nil, nil, flowtest.At(50), o2o.ErrInvalid, "definition"},
		{"same version", v1, nil, flowtest.At(50), workflow.ErrVersion, "version"},
		{"another flow", after2, nil, flowtest.At(50), workflow.ErrVersion, "version"},
		{"current state has no counterpart", v2, nil, flowtest.At(50), o2o.ErrInvalid, "states.designing"},
		{"unknown old state", v2, map[string]string{decoration.StateDesigning: "design_in_progress", "limbo": decoration.StateApplied}, flowtest.At(50), o2o.ErrInvalid, "states.limbo"},
		{"unknown new state", v2, map[string]string{decoration.StateDesigning: "drafting"}, flowtest.At(50), o2o.ErrInvalid, "states.designing"},
		{"before the last step", v2, map[string]string{decoration.StateDesigning: "design_in_progress"}, flowtest.At(39), o2o.ErrInvalid, "at"},
		{"no instant", v2, map[string]string{decoration.StateDesigning: "design_in_progress"}, time.Time{}, o2o.ErrInvalid, "at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := flowtest.Run(t, v1, flowtest.DecorationJourney()[:4])
			before := flowtest.SnapJSON(t, in)
			err := in.Migrate(tt.to, tt.states, tt.at)
			var ve *o2o.ValidationError
			if !errors.Is(err, tt.is) || !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
				t.Fatalf("err = %v, want %v at %q", err, tt.is, tt.path)
			}
			if after := flowtest.SnapJSON(t, in); after != before || in.Definition() != v1 {
				t.Errorf("refused migration changed the instance")
			}
		})
	}
	// Older versions are refused too.
	in := workflow.New(v2)
	if err := in.Migrate(v1, nil, flowtest.At(1)); !errors.Is(err, workflow.ErrVersion) {
		t.Errorf("migrate to an older version: %v", err)
	}
}

func TestRestoreRefusesCorruptMigrations(t *testing.T) {
	v1, v2 := flowtest.MustDecoration(t), decorationV2(t)
	in := flowtest.Run(t, v1, flowtest.DecorationJourney()[:4])
	if err := in.Migrate(v2, map[string]string{decoration.StateDesigning: "design_in_progress"}, flowtest.At(45)); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Fire(context.Background(), flowtest.DecorationJourney()[4].Cmd); err != nil {
		t.Fatal(err)
	}
	good := in.Snapshot()
	tests := []struct {
		name string
		edit func(s *workflow.Snapshot)
		path string
	}{
		{"seq beyond history", func(s *workflow.Snapshot) { s.Migrations[0].Seq = 9 }, "migrations[0].seq"},
		{"not newer", func(s *workflow.Snapshot) { s.Migrations[0].FromVersion = 2 }, "migrations[0]"},
		{"other target version", func(s *workflow.Snapshot) { s.Migrations[0].ToVersion = 3 }, "migrations[0].toVersion"},
		{"unknown target state", func(s *workflow.Snapshot) { s.Migrations[0].To = "limbo" }, "migrations[0].to"},
		{"from breaks the chain", func(s *workflow.Snapshot) { s.Migrations[0].From = decoration.StateApplied }, "migrations[0].from"},
		{"before the previous step", func(s *workflow.Snapshot) { s.Migrations[0].At = flowtest.At(1) }, "migrations[0].at"},
		{"checkpoint facts forged", func(s *workflow.Snapshot) { s.Migrations[0].Facts = workflow.Facts{} }, "facts.design_mode"},
		{"no migrations", func(s *workflow.Snapshot) { s.Migrations = nil }, "history[3].to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			s.Migrations = workflow.CloneMigrations(good.Migrations)
			s.History = slices.Clone(good.History)
			tt.edit(&s)
			_, err := workflow.Restore(v2, s)
			var ve *o2o.ValidationError
			if !errors.Is(err, workflow.ErrCorrupt) || !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
				t.Fatalf("err = %v, want ErrCorrupt at %q", err, tt.path)
			}
		})
	}
}
