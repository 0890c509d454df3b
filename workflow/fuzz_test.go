package workflow_test

import (
	"encoding/json"
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// referenceRestore is a deliberately plain replay of a snapshot without
// migrations, written from the spec as data: it walks the history through
// the spec's events and reports whether the snapshot is exactly what its
// history gives. FuzzRestore holds Restore to it.
func referenceRestore(def *workflow.Definition, s workflow.Snapshot) bool {
	spec := def.Spec()
	if s.Definition != spec.Name || s.Version != spec.Version || s.Seq != len(s.History) {
		return false
	}
	state := spec.Initial
	facts := workflow.Facts{}
	var dls []workflow.Deadline
	var last time.Time
	seen := map[string]bool{}
	prev := ""
	inYears := func(t time.Time) bool { return t.Year() >= 0 && t.Year() <= 9999 }
	for i, e := range s.History {
		if e.Seq != i+1 || e.Command == "" || e.Actor == "" || e.Event == "" || e.From == "" || e.To == "" || e.At.IsZero() ||
			e.From != state || e.At.Before(last) || !inYears(e.At) || seen[e.Command] {
			return false
		}
		var ev *workflow.EventSpec
		for k := range spec.Events {
			if spec.Events[k].Name == e.Event && slices.Contains(spec.Events[k].From, state) {
				ev = &spec.Events[k]
			}
		}
		if ev == nil || ev.To != e.To || !slices.Contains(ev.Roles, e.Role) {
			return false
		}
		for k, v := range e.Facts {
			facts[k] = v
		}
		for k, v := range ev.Records {
			facts[k] = v
		}
		if ev.To != state {
			for j := range dls {
				if dls[j].Met.IsZero() && dls[j].State == state {
					dls[j].Met = e.At
				}
			}
			for _, st := range spec.States {
				if st.Name != ev.To || st.Deadline == nil {
					continue
				}
				from := e.At
				if st.Deadline.From != "" {
					t, err := time.Parse(time.RFC3339, facts[st.Deadline.From])
					if err != nil {
						return false
					}
					from = t
				}
				due := from.Add(time.Duration(st.Deadline.Within))
				if !inYears(due) {
					return false
				}
				dls = append(dls, workflow.Deadline{State: ev.To, For: st.Deadline.For, Due: due})
			}
		}
		if e.Hash != workflow.EntryHash(prev, &e) {
			return false
		}
		prev, state, last, seen[e.Command] = e.Hash, e.To, e.At, true
	}
	if state != s.State || !maps.Equal(facts, s.Facts) || len(dls) != len(s.Deadlines) {
		return false
	}
	for i, d := range dls {
		w := s.Deadlines[i]
		if d.State != w.State || d.For != w.For || !d.Due.Equal(w.Due) || !d.Met.Equal(w.Met) {
			return false
		}
	}
	return true
}

// FuzzRestore feeds arbitrary snapshots to Restore: it must never panic,
// refusals wrap o2o.ErrInvalid, it accepts exactly what referenceRestore
// accepts (for snapshots without migrations, which the reference does not
// model), the instance it restores gives back the snapshot, and an
// accepted snapshot round-trips.
func FuzzRestore(f *testing.F) {
	def, err := decoration.Process(decoration.WithVersion(1))
	if err != nil {
		f.Fatal(err)
	}
	steps := flowtest.DecorationJourney()
	for _, n := range []int{0, 1, 3, 10, len(steps)} {
		in := workflow.New(def)
		for _, s := range steps[:n] {
			if _, err := in.Fire(flowtest.T0Ctx(), s.Cmd); err != nil {
				f.Fatal(err)
			}
		}
		b, _ := json.Marshal(in.Snapshot())
		f.Add(b)
	}
	f.Add([]byte(`{"definition":"decoration","version":1,"state":"new","seq":0,"history":[]}`))
	f.Add([]byte(`{"definition":"decoration","version":1,"state":"applied","seq":1,"history":[{"seq":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s workflow.Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		// The snapshot as it is, and with its hashes computed again (so
		// that the fuzzer reaches the checks behind them).
		rehashed := flowtest.DeepSnapshot(s)
		prev := ""
		for i := range rehashed.History {
			rehashed.History[i].Hash = workflow.EntryHash(prev, &rehashed.History[i])
			prev = rehashed.History[i].Hash
		}
		for _, s := range []workflow.Snapshot{s, rehashed} {
			checkRestore(t, def, s)
		}
	})
}

// checkRestore is FuzzRestore's check of one snapshot.
func checkRestore(t *testing.T, def *workflow.Definition, s workflow.Snapshot) {
	in, err := workflow.Restore(def, s)
	if err != nil && !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("error does not wrap ErrInvalid: %v", err)
	}
	if len(s.Migrations) == 0 {
		if ref := referenceRestore(def, s); ref != (err == nil) {
			t.Fatalf("Restore: %v; the reference replay accepts: %v", err, ref)
		}
	}
	if err != nil {
		return
	}
	want := s
	want.MAC = ""
	if diff := cmp.Diff(want, in.Snapshot(), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("the restored instance does not give back its snapshot (-snapshot +restored):\n%s", diff)
	}
	b, err := json.Marshal(in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var back workflow.Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, err := workflow.Restore(def, back)
	if err != nil {
		t.Fatalf("accepted snapshot does not restore after a round trip: %v", err)
	}
	if diff := cmp.Diff(in.Snapshot(), again.Snapshot()); diff != "" {
		t.Fatalf("round trip (-first +second):\n%s", diff)
	}
}

// FuzzParseSpec: never panics; an accepted spec round-trips.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []workflow.Spec{loopSpec(), decoration.ProcessSpec(), decoration.ProcessSpec(decoration.WithVersion(1)), decoration.AfterSalesSpec()} {
		b, _ := json.Marshal(s)
		f.Add(b)
	}
	f.Add([]byte(`{"name":"x","version":1,"initial":"a","terminal":["a"],"states":[{"name":"a"}],"events":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := workflow.ParseSpec(data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		b, err := json.Marshal(def)
		if err != nil {
			t.Fatal(err)
		}
		back, err := workflow.ParseSpec(b)
		if err != nil {
			t.Fatalf("accepted spec does not parse after a round trip: %v", err)
		}
		if diff := cmp.Diff(def.Spec(), back.Spec()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		_ = def.Mermaid(def.Initial())
		_ = def.DOT("")
	})
}

// TestRestoreReference holds Restore to referenceRestore on snapshots of
// random journeys, each edited at random (a field of an entry, a fact, a
// deadline) with its hashes computed again, so that both accept and refuse.
func TestRestoreReference(t *testing.T) {
	defs := []*workflow.Definition{flowtest.MustDecoration(t), flowtest.MustAfterSales(t)}
	rng := rand.New(rand.NewPCG(3, 4))
	accepted, refused := 0, 0
	for round := range 400 {
		def := defs[round%2]
		in := workflow.New(def)
		for i := range 12 {
			ev := flowtest.Pick(rng, def.Available(in.State()), "bogus")
			role := flowtest.Pick(rng, def.Roles(in.State(), ev), workflow.RoleOwner)
			facts := workflow.Facts{}
			for _, k := range []string{decoration.FactVenue, decoration.FactFloorPlan, decoration.FactDesignMode, decoration.FactDesign, decoration.FactProducts, decoration.FactPlatformOrder, decoration.FactProvincePrice,
				decoration.FactCrew, decoration.FactDrawings, decoration.FactEcoCertified, decoration.FactLiveStream, decoration.FactRating, decoration.FactReview, decoration.FactCancelReason, decoration.FactClaimKind,
				decoration.FactInspection, decoration.FactCompensation, decoration.FactClearanceStore} {
				facts[k] = flowtest.Pick(rng, []string{"true", "online", "designer", "5", "product", "x"}, "")
			}
			facts[decoration.FactBookedFor] = flowtest.At(24 * 20).Format(time.RFC3339)
			facts[decoration.FactHandedOverAt] = flowtest.At(0).Format(time.RFC3339)
			_, _ = in.Fire(flowtest.T0Ctx(), workflow.Command{ID: "c" + strconv.Itoa(i), Event: ev, Actor: "a", Role: role, At: flowtest.At(24*i + rng.IntN(24)),
				Facts: flowtest.OwnedFacts(def, ev, role, facts)})
		}
		s := in.Snapshot()
		if n := len(s.History); n > 0 && rng.IntN(5) > 0 {
			e := &s.History[rng.IntN(n)]
			switch rng.IntN(8) {
			case 0:
				e.Role = workflow.Roles()[rng.IntN(len(workflow.Roles()))]
			case 1:
				e.Event = flowtest.Pick(rng, def.Events(), "x")
			case 2:
				e.To = flowtest.Pick(rng, def.States(), "x")
			case 3:
				e.At = e.At.Add(time.Duration(rng.IntN(96)-48) * time.Hour)
			case 4:
				e.Command = "c" + strconv.Itoa(rng.IntN(12))
			case 5:
				e.Facts = flowtest.With(e.Facts, decoration.FactBookedFor, flowtest.At(rng.IntN(1000)).Format(time.RFC3339))
			case 6:
				s.Facts = flowtest.With(s.Facts, decoration.FactCrew, "other")
			case 7:
				if len(s.Deadlines) > 0 {
					s.Deadlines[0].Due = s.Deadlines[0].Due.Add(time.Hour)
				}
			}
			prev := ""
			for i := range s.History {
				s.History[i].Hash = workflow.EntryHash(prev, &s.History[i])
				prev = s.History[i].Hash
			}
		}
		_, err := workflow.Restore(def, s)
		if ref := referenceRestore(def, s); ref != (err == nil) {
			t.Fatalf("round %d: Restore: %v; the reference replay accepts: %v", round, err, ref)
		}
		if err == nil {
			accepted++
		} else {
			refused++
		}
	}
	t.Logf("%d accepted, %d refused", accepted, refused)
	if accepted < 50 || refused < 50 {
		t.Errorf("%d accepted, %d refused: the edits do not reach both", accepted, refused)
	}
}
