package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

// decoded returns the snapshot of def's decoration journey after n steps,
// through JSON.
func decoded(t testing.TB, def *Definition, n int) Snapshot {
	t.Helper()
	data, err := json.Marshal(run(t, def, decorationJourney()[:n]).Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLoadJourney loads snapshots one after another into one instance, as a
// worker would, and finishes each journey: every result equals the instance
// that never left memory, and nothing read from the instance before a Load
// (a snapshot, a history, facts) changes when it is reused.
func TestLoadJourney(t *testing.T) {
	def := mustDecoration(t)
	steps := decorationJourney()
	var worker Instance
	var earlier []Snapshot
	var histories [][]Entry
	for _, from := range []int{7, 3, 0, 10, 1} {
		if err := worker.Load(def, decoded(t, def, from)); err != nil {
			t.Fatalf("load after %d steps: %v", from, err)
		}
		mem := run(t, def, steps[:from])
		for _, st := range steps[from:] {
			for _, x := range []*Instance{mem, &worker} {
				if _, err := x.Fire(context.Background(), st.cmd); err != nil {
					t.Fatalf("after %d steps, %s: %v", from, st.cmd.Event, err)
				}
			}
		}
		if diff := cmp.Diff(mem.Snapshot(), worker.Snapshot()); diff != "" {
			t.Errorf("load after %d steps, then fire (-memory +loaded):\n%s", from, diff)
		}
		earlier = append(earlier, worker.Snapshot())
		histories = append(histories, worker.History())
	}
	// The last journey ran through every step: each earlier snapshot and
	// history must still read as the full journey did.
	want := run(t, def, steps)
	for i := range earlier {
		if diff := cmp.Diff(want.Snapshot(), earlier[i]); diff != "" {
			t.Errorf("snapshot %d changed when the instance was reused (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(want.History(), histories[i]); diff != "" {
			t.Errorf("history %d changed when the instance was reused (-want +got):\n%s", i, diff)
		}
	}
}

// TestLoadLongHistory loads histories longer than the stack scratch and the
// instance's kept room, and shorter ones after them.
func TestLoadLongHistory(t *testing.T) {
	def := mustLoop(t)
	var worker Instance
	for _, n := range []int{40, 5, loadSteps, loadSteps + 1, 100, 2} {
		in := New(def)
		for i, id := range ids(n) {
			if _, err := in.Fire(context.Background(), Command{ID: id, Event: loopEvent(i), Actor: "a", Role: RoleOwner, At: at(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := worker.Load(def, in.Snapshot()); err != nil {
			t.Fatalf("%d steps: %v", n, err)
		}
		if diff := cmp.Diff(in.Snapshot(), worker.Snapshot()); diff != "" {
			t.Fatalf("%d steps (-want +loaded):\n%s", n, diff)
		}
		// An id of the loaded history is found again (by scan or index).
		c := Command{ID: ids(n)[n-1], Event: loopEvent(n - 1), Actor: "a", Role: RoleOwner, At: at(n - 1)}
		if r, err := worker.Fire(context.Background(), c); err != nil || !r.AlreadyApplied {
			t.Fatalf("%d steps: repeated last command: %+v, %v", n, r, err)
		}
	}
}

// TestLoadRefusals: a Load refused for a missing definition or another
// version leaves the instance as it was; the zero Instance is a target.
func TestLoadRefusals(t *testing.T) {
	def := mustDecoration(t)
	s := decoded(t, def, 4)
	v2, err := Decoration(WithVersion(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		def  *Definition
		is   error
	}{
		{"no definition", nil, o2o.ErrInvalid},
		{"another version", v2, ErrVersion},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := run(t, def, decorationJourney()[:2])
			before := in.Snapshot()
			if err := in.Load(tt.def, s); !errors.Is(err, tt.is) {
				t.Fatalf("Load = %v, want %v", err, tt.is)
			}
			if diff := cmp.Diff(before, in.Snapshot()); diff != "" {
				t.Errorf("a refused Load changed the instance (-before +after):\n%s", diff)
			}
		})
	}
	var zero Instance
	if err := zero.Load(nil, s); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("Load(nil) into the zero Instance = %v", err)
	}
	if err := zero.Load(def, s); err != nil {
		t.Fatal(err)
	}
	if got := zero.State(); got != StateDesigning {
		t.Errorf("state = %q, want %q", got, StateDesigning)
	}
}

// TestZeroInstance: the zero Instance answers as an empty one and refuses
// commands and migrations with an error, never a panic.
func TestZeroInstance(t *testing.T) {
	var in Instance
	if in.State() != "" || in.Seq() != 0 || in.Can("apply", RoleOwner) || in.Available() != nil ||
		in.Definition() != nil || in.Facts() != nil || len(in.History()) != 0 || len(in.Overdue(at(1))) != 0 {
		t.Errorf("zero Instance: state %q, seq %d, available %v", in.State(), in.Seq(), in.Available())
	}
	if diff := cmp.Diff(Snapshot{}, in.Snapshot()); diff != "" {
		t.Errorf("snapshot of the zero Instance (-want +got):\n%s", diff)
	}
	c := Command{ID: "c1", Event: "apply", Actor: "owner-1", Role: RoleOwner, At: at(0)}
	if _, err := in.Fire(context.Background(), c); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Fire on the zero Instance = %v, want ErrInvalid", err)
	}
	v2, err := Decoration(WithVersion(2))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Migrate(v2, nil, at(1)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Migrate of the zero Instance = %v, want ErrInvalid", err)
	}
}

// TestLoadAllocs: loading a decoded 10-step project into a kept instance
// does not allocate.
func TestLoadAllocs(t *testing.T) {
	def := mustDecoration(t)
	s := decoded(t, def, 10)
	var worker Instance
	if n := testing.AllocsPerRun(100, func() {
		if err := worker.Load(def, s); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Load: %v allocations, want 0", n)
	}
}

// TestLoadMigrate: an instance filled by Load keeps its looplab machine
// across steps and loads, and moves to the new definition's machines when
// it is migrated or loaded with another definition.
func TestLoadMigrate(t *testing.T) {
	v1 := mustDecoration(t)
	v2, err := Decoration(WithVersion(2))
	if err != nil {
		t.Fatal(err)
	}
	steps := decorationJourney()
	var worker Instance
	if err := worker.Load(v1, decoded(t, v1, 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := worker.Fire(context.Background(), steps[3].cmd); err != nil {
		t.Fatal(err)
	}
	if err := worker.Migrate(v2, nil, steps[3].cmd.At); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps[4:] {
		if _, err := worker.Fire(context.Background(), st.cmd); err != nil {
			t.Fatalf("on v2, %s: %v", st.cmd.Event, err)
		}
	}
	if got := worker.State(); got != StateReviewed {
		t.Fatalf("state = %q", got)
	}
	for _, def := range []*Definition{v1, v2, v2, v1} {
		s := decoded(t, v1, 6)
		if def == v2 {
			mem := run(t, v1, steps[:6])
			if err := mem.Migrate(v2, nil, steps[5].cmd.At); err != nil {
				t.Fatal(err)
			}
			s = mem.Snapshot()
		}
		if err := worker.Load(def, s); err != nil {
			t.Fatalf("load on v%d: %v", def.Version(), err)
		}
		for _, st := range steps[6:] {
			if _, err := worker.Fire(context.Background(), st.cmd); err != nil {
				t.Fatalf("on v%d, %s: %v", def.Version(), st.cmd.Event, err)
			}
		}
	}
}
