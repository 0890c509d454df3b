package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// decoded returns the snapshot of def's decoration journey after n steps,
// through JSON.
func decoded(t testing.TB, def *workflow.Definition, n int) workflow.Snapshot {
	t.Helper()
	data, err := json.Marshal(flowtest.Run(t, def, flowtest.DecorationJourney()[:n]).Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var s workflow.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRestoreLongHistory restores histories long and short, and finds the
// command ids of each again.
func TestRestoreLongHistory(t *testing.T) {
	def := mustLoop(t)
	for _, n := range []int{40, 5, 32, 33, 100, 2} {
		in := workflow.New(def)
		for i, id := range flowtest.IDs(n) {
			if _, err := in.Fire(context.Background(), workflow.Command{ID: id, Event: loopEvent(i), Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(i)}); err != nil {
				t.Fatal(err)
			}
		}
		worker, err := workflow.Restore(def, in.Snapshot())
		if err != nil {
			t.Fatalf("%d steps: %v", n, err)
		}
		if diff := cmp.Diff(in.Snapshot(), worker.Snapshot()); diff != "" {
			t.Fatalf("%d steps (-want +restored):\n%s", n, diff)
		}
		// An id of the restored history is found again.
		c := workflow.Command{ID: flowtest.IDs(n)[n-1], Event: loopEvent(n - 1), Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(n - 1)}
		if r, err := worker.Fire(context.Background(), c); err != nil || !r.AlreadyApplied {
			t.Fatalf("%d steps: repeated last command: %+v, %v", n, r, err)
		}
	}
}

// TestRestoreVersionRefusals: a missing definition or another version is
// refused.
func TestRestoreVersionRefusals(t *testing.T) {
	def := flowtest.MustDecoration(t)
	s := decoded(t, def, 4)
	v2, err := flowtest.V1As(t, 2), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := workflow.Restore(nil, s); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Restore(nil) = %v", err)
	}
	if _, err := workflow.Restore(v2, s); !errors.Is(err, workflow.ErrVersion) {
		t.Errorf("Restore on v2 = %v", err)
	}
	in, err := workflow.Restore(def, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := in.State(); got != decoration.StateDesigning {
		t.Errorf("state = %q, want %q", got, decoration.StateDesigning)
	}
}

// TestZeroInstance: the zero Instance answers as an empty one and refuses
// commands and migrations with an error, never a panic.
func TestZeroInstance(t *testing.T) {
	var in workflow.Instance
	if in.State() != "" || in.Seq() != 0 || in.Can("apply", workflow.RoleOwner) || in.Available() != nil ||
		in.Definition() != nil || in.Facts() != nil || len(in.History()) != 0 || len(in.Overdue(flowtest.At(1))) != 0 {
		t.Errorf("zero Instance: state %q, seq %d, available %v", in.State(), in.Seq(), in.Available())
	}
	if diff := cmp.Diff(workflow.Snapshot{}, in.Snapshot()); diff != "" {
		t.Errorf("snapshot of the zero Instance (-want +got):\n%s", diff)
	}
	c := workflow.Command{ID: "c1", Event: "apply", Actor: "owner-1", Role: workflow.RoleOwner, At: flowtest.At(0)}
	if _, err := in.Fire(context.Background(), c); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Fire on the zero Instance = %v, want ErrInvalid", err)
	}
	v2, err := flowtest.V1As(t, 2), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Migrate(v2, nil, flowtest.At(1)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Migrate of the zero Instance = %v, want ErrInvalid", err)
	}
}

// TestRestoreMigrate: a restored instance migrates and goes on under the
// new definition; a migrated snapshot restores on the new definition.
func TestRestoreMigrate(t *testing.T) {
	v1 := flowtest.MustDecoration(t)
	v2, err := flowtest.V1As(t, 2), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := flowtest.DecorationJourney()
	worker, err := workflow.Restore(v1, decoded(t, v1, 3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := worker.Fire(context.Background(), steps[3].Cmd); err != nil {
		t.Fatal(err)
	}
	if err := worker.Migrate(v2, nil, steps[3].Cmd.At); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps[4:] {
		if _, err := worker.Fire(context.Background(), st.Cmd); err != nil {
			t.Fatalf("on v2, %s: %v", st.Cmd.Event, err)
		}
	}
	if got := worker.State(); got != decoration.StateReviewed {
		t.Fatalf("state = %q", got)
	}
	for _, def := range []*workflow.Definition{v1, v2, v2, v1} {
		s := decoded(t, v1, 6)
		if def == v2 {
			mem := flowtest.Run(t, v1, steps[:6])
			if err := mem.Migrate(v2, nil, steps[5].Cmd.At); err != nil {
				t.Fatal(err)
			}
			s = mem.Snapshot()
		}
		worker, err := workflow.Restore(def, s)
		if err != nil {
			t.Fatalf("restore on v%d: %v", def.Version(), err)
		}
		for _, st := range steps[6:] {
			if _, err := worker.Fire(context.Background(), st.Cmd); err != nil {
				t.Fatalf("on v%d, %s: %v", def.Version(), st.Cmd.Event, err)
			}
		}
	}
}
