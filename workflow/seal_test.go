package workflow_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/internal/limits"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// TestAuditTrailEveryEntry: for every entry of a project's history, an
// edit of its actor, its command id, or the offset its instant is written
// in, which leaves the history consistent, is refused by Restore at that
// entry's hash; so is a history whose hashes were dropped.
func TestAuditTrailEveryEntry(t *testing.T) {
	def := flowtest.MustDecoration(t)
	good := flowtest.Run(t, def, flowtest.DecorationJourney()).Snapshot()
	if _, err := workflow.Restore(def, good); err != nil {
		t.Fatal(err)
	}
	edits := map[string]func(e *workflow.Entry){
		"actor":   func(e *workflow.Entry) { e.Actor += " (edited)" },
		"command": func(e *workflow.Entry) { e.Command += "-edited" },
		"offset":  func(e *workflow.Entry) { e.At = e.At.UTC() },
		"hash":    func(e *workflow.Entry) { e.Hash = "" },
	}
	for i := range good.History {
		for name, edit := range edits {
			s := flowtest.DeepSnapshot(good)
			edit(&s.History[i])
			_, err := workflow.Restore(def, s)
			checkRestoreRefusal(t, err, workflow.ErrCorrupt, workflow.HistoryPath(i)+".hash")
			if t.Failed() {
				t.Fatalf("entry %d, %s edited", i, name)
			}
		}
	}
}

// sealedProject is a sealed snapshot of a project 10 steps in, migrated to
// version 2 after its sixth step, with the key that sealed it.
func sealedProject(t *testing.T) (workflow.Snapshot, []byte, *workflow.Definition) {
	t.Helper()
	v1 := flowtest.MustDecoration(t)
	v2, err := flowtest.V1As(t, 2), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := flowtest.DecorationJourney()
	in := flowtest.Run(t, v1, steps[:6])
	if err := in.Migrate(v2, nil, steps[5].Cmd.At); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps[6:10] {
		if _, err := in.Fire(flowtest.T0Ctx(), st.Cmd); err != nil {
			t.Fatal(err)
		}
	}
	key := []byte("0123456789abcdef-project-key")
	s, err := in.Snapshot().Seal(key)
	if err != nil {
		t.Fatal(err)
	}
	return s, key, v2
}

// TestSealRefusesEveryEdit: a sealed snapshot verifies under its key, also
// after a JSON round trip; any edit of any field (state, actor, command id,
// instants, facts, deadlines, the order of entries, migrations, version),
// a missing or altered seal, and another key are refused with
// o2o.ErrSealBroken; a short key with o2o.ErrInvalid. Edits that keep the
// history consistent and its hashes recomputed pass Restore: only the seal
// catches them.
func TestSealRefusesEveryEdit(t *testing.T) {
	good, key, def := sealedProject(t)
	if err := good.Verify(key); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	var back workflow.Snapshot
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(key); err != nil {
		t.Fatalf("after JSON: %v", err)
	}
	if _, err := workflow.Restore(def, back); err != nil {
		t.Fatal(err)
	}
	// rehash recomputes the chain, as whoever edits a snapshot can.
	rehash := func(s *workflow.Snapshot) {
		prev := ""
		for i := range s.History {
			s.History[i].Hash = workflow.EntryHash(prev, &s.History[i])
			prev = s.History[i].Hash
		}
	}
	tests := []struct {
		name string
		edit func(s *workflow.Snapshot)
		// restores reports that the edit, hashes recomputed, passes
		// Restore: the seal alone refuses it.
		restores bool
	}{
		{"definition", func(s *workflow.Snapshot) { s.Definition = "after_sales" }, false},
		{"version", func(s *workflow.Snapshot) { s.Version = 3 }, false},
		{"state", func(s *workflow.Snapshot) { s.State = decoration.StateCancelled }, false},
		{"seq", func(s *workflow.Snapshot) { s.Seq++ }, false},
		{"fact value", func(s *workflow.Snapshot) { s.Facts[decoration.FactCrew] = "crew-6" }, false},
		{"fact added", func(s *workflow.Snapshot) { s.Facts["bonus"] = "yes" }, false},
		{"fact removed", func(s *workflow.Snapshot) { delete(s.Facts, decoration.FactCrew) }, false},
		{"fact and its entry", func(s *workflow.Snapshot) {
			s.Facts[decoration.FactCrew] = "crew-6"
			s.History[6].Facts[decoration.FactCrew] = "crew-6"
			rehash(s)
		}, true},
		{"actor", func(s *workflow.Snapshot) { s.History[3].Actor = "owner-2"; rehash(s) }, true},
		{"command id", func(s *workflow.Snapshot) { s.History[7].Command = "c77"; rehash(s) }, true},
		{"role", func(s *workflow.Snapshot) { s.History[0].Role = workflow.RolePlatform; rehash(s) }, true},
		{"instant", func(s *workflow.Snapshot) { s.History[4].At = s.History[4].At.Add(time.Minute); rehash(s) }, true},
		{"instant's offset", func(s *workflow.Snapshot) { s.History[4].At = s.History[4].At.UTC(); rehash(s) }, true},
		{"event", func(s *workflow.Snapshot) { s.History[2].Event = "cancel" }, false},
		{"from", func(s *workflow.Snapshot) { s.History[2].From = decoration.StateNew }, false},
		{"to", func(s *workflow.Snapshot) { s.History[2].To = decoration.StateCancelled }, false},
		{"hash", func(s *workflow.Snapshot) { s.History[5].Hash = s.History[4].Hash }, false},
		{"order of entries", func(s *workflow.Snapshot) { s.History[0], s.History[1] = s.History[1], s.History[0] }, false},
		{"order of entries, renumbered", func(s *workflow.Snapshot) {
			// Two steps of the same state, swapped with their numbers and
			// instants kept in place.
			s.History[3].Event, s.History[4].Event = s.History[4].Event, s.History[3].Event
		}, false},
		{"entry dropped", func(s *workflow.Snapshot) { s.History = s.History[:len(s.History)-1]; s.Seq-- }, false},
		{"deadline due", func(s *workflow.Snapshot) { s.Deadlines[0].Due = s.Deadlines[0].Due.Add(time.Hour) }, false},
		{"deadline met", func(s *workflow.Snapshot) { s.Deadlines[0].Met = time.Time{} }, false},
		{"deadline for", func(s *workflow.Snapshot) { s.Deadlines[0].For = "later" }, false},
		{"migration instant", func(s *workflow.Snapshot) { s.Migrations[0].At = s.Migrations[0].At.Add(time.Minute) }, true},
		{"migration facts", func(s *workflow.Snapshot) {
			s.Migrations[0].Facts[decoration.FactVenue] = "store"
			s.Facts[decoration.FactVenue] = "store"
		}, true},
		{"migration versions", func(s *workflow.Snapshot) { s.Migrations[0].FromVersion = 0 }, false},
		{"seal altered", func(s *workflow.Snapshot) { s.MAC = s.MAC[:10] + "0000" + s.MAC[14:] }, true},
		{"seal removed", func(s *workflow.Snapshot) { s.MAC = "" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := flowtest.DeepSnapshot(good)
			tt.edit(&s)
			if diff := cmp.Diff(good, s); diff == "" && tt.name != "seal altered" {
				t.Fatal("the edit changed nothing")
			}
			if err := s.Verify(key); !errors.Is(err, o2o.ErrSealBroken) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("Verify = %v, want o2o.ErrSealBroken", err)
			}
			if _, err := workflow.Restore(def, s); (err == nil) != tt.restores {
				t.Errorf("Restore = %v; want it to restore: %v", err, tt.restores)
			}
		})
	}
	if err := good.Verify([]byte("another key, 16 bytes or more")); !errors.Is(err, o2o.ErrSealBroken) {
		t.Errorf("another key: %v", err)
	}
	short := []byte("too short")
	if err := good.Verify(short); !errors.Is(err, o2o.ErrInvalid) || errors.Is(err, o2o.ErrSealBroken) {
		t.Errorf("Verify with a short key: %v", err)
	}
	if _, err := good.Seal(short); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Seal with a short key: %v", err)
	}
	// Seal copies: sealing again, or editing the copy, leaves the original.
	again, err := good.Seal(key)
	if err != nil || again.MAC != good.MAC {
		t.Errorf("sealing again: %v %q %q", err, again.MAC, good.MAC)
	}
	again.History[0].Facts[decoration.FactVenue] = "moon"
	if good.History[0].Facts[decoration.FactVenue] != "online" {
		t.Error("Seal returned a copy that shares the snapshot's facts")
	}
}

// TestDecodeManyFacts: a command or a snapshot whose facts exceed the
// shared limit on keys is refused when decoded, quickly.
func TestDecodeManyFacts(t *testing.T) {
	over, err := json.Marshal(manyFacts("f", limits.MaxKeys+1))
	if err != nil {
		t.Fatal(err)
	}
	var probe workflow.Facts
	if err := o2o.DecodeJSON(over, &probe); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("facts beyond limits.MaxKeys decoded: %v", err)
	}
	f := manyFacts("f", 40_000)
	c, err := json.Marshal(workflow.Command{ID: "c", Event: "go", Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(0), Facts: f})
	if err != nil {
		t.Fatal(err)
	}
	s := workflow.New(mustLoop(t)).Snapshot()
	s.Facts = f
	sd, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"command": c, "snapshot": sd} {
		err := hostile.Within(t, hostile.Default, "decode a "+name+" with 40,000 facts", func() error {
			if name == "command" {
				var v workflow.Command
				return json.Unmarshal(data, &v)
			}
			var v workflow.Snapshot
			return json.Unmarshal(data, &v)
		})
		if !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
