package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// manyFacts returns n facts named by prefix and index.
func manyFacts(prefix string, n int) workflow.Facts {
	f := make(workflow.Facts, n)
	for i := range n {
		f[prefix+strconv.Itoa(i)] = "v" + strconv.Itoa(i)
	}
	return f
}

// composite bounds a test that runs an input of the largest size through
// several steps (build, encode, decode, restore): generous enough for the
// race detector, far below what a quadratic step costs at these sizes.
var composite = hostile.Bound{Time: 30 * time.Second, Bytes: 1 << 30}

func checkPath(t *testing.T, err error, path string) {
	t.Helper()
	var ve *o2o.ValidationError
	if !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) || ve.Fields[0].Path != path {
		t.Fatalf("err = %v, want o2o.ErrInvalid at %q", err, path)
	}
}

// TestManyFacts: a command or a snapshot with 40,000 facts is refused
// quickly (MaxFacts); MaxFacts facts go through Fire, Snapshot, JSON and
// Restore in time linear in their number; an instance never records more
// than MaxFacts.
func TestManyFacts(t *testing.T) {
	def := mustLoop(t)
	ctx := context.Background()
	in := workflow.New(def)
	before := flowtest.SnapJSON(t, in)
	err := hostile.Within(t, hostile.Default, "Fire with 40,000 facts", func() error {
		_, err := in.Fire(ctx, workflow.Command{ID: "c1", Event: "go", Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(0), Facts: manyFacts("f", 40_000)})
		return err
	})
	checkPath(t, err, "facts")
	if flowtest.SnapJSON(t, in) != before {
		t.Fatal("a refused command changed the instance")
	}
	var data []byte
	err = hostile.Within(t, composite, "MaxFacts facts: Fire, Snapshot, JSON, Restore", func() error {
		if _, err := in.Fire(ctx, workflow.Command{ID: "c1", Event: "go", Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(0), Facts: manyFacts("f", workflow.MaxFacts)}); err != nil {
			return err
		}
		var err error
		if data, err = json.Marshal(in.Snapshot()); err != nil {
			return err
		}
		var s workflow.Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		_, err = workflow.Restore(def, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// One more fact than MaxFacts, over two commands: refused.
	before = flowtest.SnapJSON(t, in)
	_, err = in.Fire(ctx, workflow.Command{ID: "c2", Event: "back", Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(1), Facts: workflow.Facts{"one more": "x"}})
	checkPath(t, err, "facts")
	if flowtest.SnapJSON(t, in) != before {
		t.Fatal("a refused command changed the instance")
	}
	// Writing facts it already holds is fine.
	if _, err := in.Fire(ctx, workflow.Command{ID: "c2", Event: "back", Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(1), Facts: workflow.Facts{"f7": "again"}}); err != nil {
		t.Fatal(err)
	}
	// Snapshots beyond the limit, in their facts or an entry's.
	s := workflow.New(def).Snapshot()
	s.Facts = manyFacts("f", 40_000)
	err = hostile.Within(t, hostile.Default, "Restore with 40,000 facts", func() error { _, err := workflow.Restore(def, s); return err })
	checkPath(t, err, "facts")
	s = in.Snapshot()
	s.History[1].Facts = manyFacts("g", 40_000)
	err = hostile.Within(t, hostile.Default, "Restore with 40,000 facts in an entry", func() error { _, err := workflow.Restore(def, s); return err })
	checkPath(t, err, "history[1].facts")
	s = in.Snapshot()
	s.History[1].Facts = manyFacts("g", 2)
	_, err = workflow.Restore(def, s)
	checkPath(t, err, "history[1].facts")
}

// wideSpec is a chain of n states, s0 to s(n-1), each with its own event to
// the next, and one event "cancel" from every state but the last to a
// terminal "cancelled".
func wideSpec(n int) workflow.Spec {
	s := workflow.Spec{Name: "wide", Version: 1, Initial: "s0", Terminal: []string{"s" + strconv.Itoa(n-1), "cancelled"}}
	cancel := workflow.EventSpec{Name: "cancel", To: "cancelled", Roles: []workflow.Role{workflow.RoleOwner}}
	for i := range n {
		name := "s" + strconv.Itoa(i)
		s.States = append(s.States, workflow.StateSpec{Name: name, Deadline: &workflow.DeadlineSpec{Within: workflow.Hours(1), For: "leave " + name}})
		if i < n-1 {
			s.Events = append(s.Events, workflow.EventSpec{Name: "e" + strconv.Itoa(i), From: []string{name}, To: "s" + strconv.Itoa(i+1), Roles: []workflow.Role{workflow.RoleOwner}})
			cancel.From = append(cancel.From, name)
		}
	}
	s.States = append(s.States, workflow.StateSpec{Name: "cancelled"})
	s.Events = append(s.Events, cancel)
	return s
}

// TestManyStates: specs of 3,000 and 20,000 states build, parse from JSON
// and render in time linear in their size, and an instance walks the
// longest one through Snapshot and Restore (a part of it under the race
// detector).
func TestManyStates(t *testing.T) {
	for _, n := range []int{3_000, 20_000} {
		spec := wideSpec(n)
		data, err := json.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		var def *workflow.Definition
		err = hostile.Within(t, composite, strconv.Itoa(n)+" states: Build, ParseSpec, Mermaid, DOT", func() error {
			var err error
			if def, err = workflow.Build(spec); err != nil {
				return err
			}
			parsed, err := workflow.ParseSpec(data)
			if err != nil {
				return err
			}
			_ = parsed.Mermaid("s1")
			_ = parsed.DOT("s1")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !def.Can("s"+strconv.Itoa(n-2), "cancel") || len(def.Available("s0")) != 2 {
			t.Fatalf("%d states: table wrong: %v", n, def.Available("s0"))
		}
		if n < 20_000 {
			continue
		}
		steps := n - 1
		if raceEnabled {
			steps = 200 // sync.Pool drops machines under the race detector: each new one is built from the whole table
		}
		err = hostile.Within(t, composite, "20,000 steps: Fire, Snapshot, JSON, Restore", func() error {
			in := workflow.New(def)
			for i := range steps {
				if _, err := in.Fire(context.Background(), workflow.Command{ID: "c" + strconv.Itoa(i), Event: "e" + strconv.Itoa(i), Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(0)}); err != nil {
					return err
				}
			}
			b, err := json.Marshal(in.Snapshot())
			if err != nil {
				return err
			}
			var s workflow.Snapshot
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			r, err := workflow.Restore(def, s)
			if err == nil && r.State() != "s"+strconv.Itoa(steps) {
				t.Errorf("restored state %q", r.State())
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestInstantsBeyond9999: an instant a snapshot could not encode (a
// command's, a migration's, or a due time derived from one or from a
// booked date) is refused when it comes in, and the instance stays
// encodable.
func TestInstantsBeyond9999(t *testing.T) {
	ctx := context.Background()
	def := flowtest.MustDecoration(t)
	late := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

	in := workflow.New(def)
	_, err := in.Fire(ctx, workflow.Command{ID: "c1", Event: "apply", Actor: "o", Role: workflow.RoleOwner, At: late.AddDate(1, 0, 0), Facts: workflow.Facts{decoration.FactVenue: "online"}})
	checkPath(t, err, "at")
	// Applying on the last day of 9999 opens a deadline due 48h later.
	_, err = in.Fire(ctx, workflow.Command{ID: "c1", Event: "apply", Actor: "o", Role: workflow.RoleOwner, At: late, Facts: workflow.Facts{decoration.FactVenue: "online"}})
	checkPath(t, err, "at")
	if in.Seq() != 0 {
		t.Fatal("a refused command changed the instance")
	}

	// A booking date whose deadline falls past 9999.
	in = flowtest.Run(t, def, flowtest.DecorationJourney()[:8])
	before := flowtest.SnapJSON(t, in)
	c := flowtest.DecorationJourney()[8].Cmd
	c.Facts = workflow.Facts{decoration.FactBookedFor: late.Format(time.RFC3339)}
	_, err = in.Fire(ctx, c)
	checkPath(t, err, "facts."+decoration.FactBookedFor)
	if flowtest.SnapJSON(t, in) != before {
		t.Fatal("a refused command changed the instance")
	}

	// A migration.
	v2, err := flowtest.V1As(t, 2), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	err = in.Migrate(v2, nil, late.AddDate(1, 0, 0))
	checkPath(t, err, "at")

	// A snapshot built in Go with such an instant.
	s := flowtest.Run(t, def, flowtest.DecorationJourney()[:3]).Snapshot()
	s.History[2].At = late.AddDate(1, 0, 0)
	_, err = workflow.Restore(def, s)
	checkPath(t, err, "history[2].at")
	if _, err := json.Marshal(in.Snapshot()); err != nil {
		t.Fatal(err)
	}
}

// TestInvalidUTF8: text JSON cannot carry unchanged (it would come back as
// U+FFFD, so two different ids could become one, and the history's hashes
// would no longer match) is refused where it comes in: a command's id,
// event, actor or facts, a Go-built snapshot, a spec.
func TestInvalidUTF8(t *testing.T) {
	def := mustLoop(t)
	in := workflow.New(def)
	before := flowtest.SnapJSON(t, in)
	good := workflow.Command{ID: "c1", Event: "go", Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(0)}
	for _, tt := range []struct {
		name string
		edit func(c *workflow.Command)
		path string
	}{
		{"id", func(c *workflow.Command) { c.ID = "c\xff" }, "id"},
		{"event", func(c *workflow.Command) { c.Event = "g\xffo" }, "event"},
		{"actor", func(c *workflow.Command) { c.Actor = "a\xfe" }, "actor"},
		{"fact name", func(c *workflow.Command) { c.Facts = workflow.Facts{"n\xff": "v"} }, "facts"},
		{"fact value", func(c *workflow.Command) { c.Facts = workflow.Facts{"n": "v\xff"} }, "facts"},
	} {
		c := good
		tt.edit(&c)
		_, err := in.Fire(flowtest.T0Ctx(), c)
		checkPath(t, err, tt.path)
		if flowtest.SnapJSON(t, in) != before {
			t.Fatalf("%s: a refused command changed the instance", tt.name)
		}
	}
	if _, err := in.Fire(flowtest.T0Ctx(), good); err != nil {
		t.Fatal(err)
	}
	s := in.Snapshot()
	s.History[0].Actor = "a\xfe"
	_, err := workflow.Restore(def, s)
	checkRestoreRefusal(t, err, workflow.ErrCorrupt, "history[0]")
	s = in.Snapshot()
	s.History[0].Facts = workflow.Facts{"n": "v\xff"}
	s.Facts = workflow.Facts{"n": "v\xff"}
	_, err = workflow.Restore(def, s)
	checkRestoreRefusal(t, err, workflow.ErrCorrupt, "history[0].facts")
	spec := loopSpec()
	spec.States[0].Title = "A\xff"
	_, err = workflow.Build(spec)
	checkPath(t, err, "states[0].title")
}

// TestHostilePayout: a payout of 20,000 stages over the largest payment
// ParseMoney reads, built and fired within the default bound; a payment of
// more digits is refused by the guard, not computed.
func TestHostilePayout(t *testing.T) {
	const n = 20_000
	stages := make([]o2o.Share, n)
	take := make([]string, n)
	for i := range stages {
		stages[i] = o2o.Share{Key: "s" + strconv.Itoa(i), Weight: o2o.MustParseMoney(strconv.Itoa(i%7 + 1)).Amount()}
		take[i] = stages[i].Key
	}
	spec := workflow.Spec{Name: "p", Version: 1, Initial: "a", Terminal: []string{"b"},
		States: []workflow.StateSpec{{Name: "a"}, {Name: "b"}},
		Guards: []workflow.GuardSpec{{Name: "amount", Kind: workflow.GuardMoney, Fact: "amount", Currency: o2o.CNY}},
		Events: []workflow.EventSpec{{Name: "go", From: []string{"a"}, To: "b", Roles: []workflow.Role{workflow.RoleOwner}, Guards: []string{"amount"},
			Intents: []workflow.Intent{{Kind: "pay", Role: workflow.RolePlatform, Payout: &workflow.Payout{Fact: "amount", Stages: stages, Take: take[:n/2], To: stages}}}}},
	}
	big := strings.Repeat("9", 38) + ".99 CNY"
	err := hostile.Within(t, hostile.Default, "a payout of 20,000 stages", func() error {
		data, err := json.Marshal(spec)
		if err != nil {
			return err
		}
		def, err := workflow.ParseSpec(data)
		if err != nil {
			return err
		}
		in := workflow.New(def)
		if _, err := in.Fire(flowtest.T0Ctx(), workflow.Command{ID: "x", Event: "go", Actor: "o", Role: workflow.RoleOwner, At: flowtest.T0, Facts: workflow.Facts{"amount": big + "9"}}); !errors.Is(err, workflow.ErrGuard) {
			return fmt.Errorf("more digits than MaxDigits: %v", err)
		}
		r, err := in.Fire(flowtest.T0Ctx(), workflow.Command{ID: "y", Event: "go", Actor: "o", Role: workflow.RoleOwner, At: flowtest.T0, Facts: workflow.Facts{"amount": big}})
		if err != nil {
			return err
		}
		if len(r.Intents[0].Amounts) != n {
			return fmt.Errorf("%d parts", len(r.Intents[0].Amounts))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHostileOwnership: 10,000 facts declared for an event with 5,000
// sources build in time linear in the declarations, not in their product
// with the transitions.
func TestHostileOwnership(t *testing.T) {
	const states, facts = 5_000, 10_000
	spec := workflow.Spec{Name: "wide", Version: 1, Initial: "s0", Terminal: []string{"end"}}
	var from []string
	for i := range states {
		name := "s" + strconv.Itoa(i)
		spec.States = append(spec.States, workflow.StateSpec{Name: name})
		from = append(from, name)
		next := "end"
		if i+1 < states {
			next = "s" + strconv.Itoa(i+1)
		}
		spec.Events = append(spec.Events, workflow.EventSpec{Name: "step" + strconv.Itoa(i), From: []string{name}, To: next, Roles: []workflow.Role{workflow.RoleOwner}})
	}
	spec.States = append(spec.States, workflow.StateSpec{Name: "end"})
	spec.Events = append(spec.Events, workflow.EventSpec{Name: "note", From: from, To: "end", Roles: []workflow.Role{workflow.RoleOwner}})
	for i := range facts {
		spec.Facts = append(spec.Facts, workflow.FactSpec{Name: "f" + strconv.Itoa(i), Events: []string{"note"}})
	}
	err := hostile.Within(t, hostile.Default, "10,000 facts owned by an event of 5,000 sources", func() error {
		def, err := workflow.Build(spec)
		if err != nil {
			return err
		}
		_, err = workflow.New(def).Fire(flowtest.T0Ctx(), workflow.Command{ID: "1", Event: "note", Actor: "o", Role: workflow.RoleOwner, At: flowtest.T0, Facts: workflow.Facts{"f9999": "x"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
