package workflow

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/o2okit/o2okit/o2o"
)

// referenceRestore is a deliberately plain replay of a snapshot without
// migrations, written from the spec as data: it walks the history through
// the spec's events and reports whether the snapshot is exactly what its
// history gives. FuzzRestore holds Restore to it.
func referenceRestore(def *Definition, s Snapshot) bool {
	spec := def.Spec()
	if s.Definition != spec.Name || s.Version != spec.Version || s.Seq != len(s.History) {
		return false
	}
	state := spec.Initial
	facts := Facts{}
	var dls []Deadline
	var last time.Time
	seen := map[string]bool{}
	prev := ""
	inYears := func(t time.Time) bool { return t.Year() >= 0 && t.Year() <= 9999 }
	for i, e := range s.History {
		if e.Seq != i+1 || e.Command == "" || e.Actor == "" || e.Event == "" || e.From == "" || e.To == "" || e.At.IsZero() ||
			e.From != state || e.At.Before(last) || !inYears(e.At) || seen[e.Command] {
			return false
		}
		var ev *EventSpec
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
				dls = append(dls, Deadline{State: ev.To, For: st.Deadline.For, Due: due})
			}
		}
		if e.Hash != entryHash(prev, &e) {
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
	def, err := Decoration()
	if err != nil {
		f.Fatal(err)
	}
	steps := decorationJourney()
	for _, n := range []int{0, 1, 3, 10, len(steps)} {
		in := New(def)
		for _, s := range steps[:n] {
			if _, err := in.Fire(t0Ctx(), s.cmd); err != nil {
				f.Fatal(err)
			}
		}
		b, _ := json.Marshal(in.Snapshot())
		f.Add(b)
	}
	f.Add([]byte(`{"definition":"decoration","version":1,"state":"new","seq":0,"history":[]}`))
	f.Add([]byte(`{"definition":"decoration","version":1,"state":"applied","seq":1,"history":[{"seq":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		in, err := Restore(def, s)
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
		var back Snapshot
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		again, err := Restore(def, back)
		if err != nil {
			t.Fatalf("accepted snapshot does not restore after a round trip: %v", err)
		}
		if diff := cmp.Diff(in.Snapshot(), again.Snapshot()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// FuzzParseSpec: never panics; an accepted spec round-trips.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []Spec{loopSpec(), DecorationSpec(), AfterSalesSpec()} {
		b, _ := json.Marshal(s)
		f.Add(b)
	}
	f.Add([]byte(`{"name":"x","version":1,"initial":"a","terminal":["a"],"states":[{"name":"a"}],"events":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := ParseSpec(data)
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
		back, err := ParseSpec(b)
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
