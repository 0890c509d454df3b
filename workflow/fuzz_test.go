package workflow

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

// FuzzRestore feeds arbitrary snapshots to Restore: it must never panic,
// refusals wrap o2o.ErrInvalid, an accepted snapshot round-trips, and
// RestoreOwned and Load decide exactly as Restore does (a refused Load
// leaving its instance as it was).
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
		owned, oerr := RestoreOwned(def, deepSnapshot(s))
		if (err == nil) != (oerr == nil) || (err != nil && err.Error() != oerr.Error()) {
			t.Fatalf("Restore: %v; RestoreOwned: %v", err, oerr)
		}
		worker := New(def)
		before := worker.Snapshot()
		lerr := worker.Load(def, deepSnapshot(s))
		if (err == nil) != (lerr == nil) || (err != nil && err.Error() != lerr.Error()) {
			t.Fatalf("Restore: %v; Load: %v", err, lerr)
		}
		if lerr != nil {
			if diff := cmp.Diff(before, worker.Snapshot()); diff != "" {
				t.Fatalf("a refused Load changed the instance:\n%s", diff)
			}
		} else if diff := cmp.Diff(in.Snapshot(), worker.Snapshot()); diff != "" {
			t.Fatalf("Restore and Load differ (-restored +loaded):\n%s", diff)
		}
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		if diff := cmp.Diff(in.Snapshot(), owned.Snapshot()); diff != "" {
			t.Fatalf("Restore and RestoreOwned differ (-copy +owned):\n%s", diff)
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
