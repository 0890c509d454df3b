package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

func TestDecorationJourney(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	in := flowtest.Run(t, def, steps)
	h := in.History()
	if len(h) != len(steps) {
		t.Fatalf("history has %d entries, want %d", len(h), len(steps))
	}
	from, prev := def.Initial(), ""
	for i, e := range h {
		want := workflow.Entry{Seq: i + 1, Command: steps[i].Cmd.ID, Event: steps[i].Cmd.Event, Actor: steps[i].Cmd.Actor,
			Role: steps[i].Cmd.Role, From: from, To: steps[i].Want, At: steps[i].Cmd.At, Facts: steps[i].Cmd.Facts}
		want.Hash = workflow.EntryHash(prev, &want)
		prev = want.Hash
		if diff := cmp.Diff(want, e); diff != "" {
			t.Errorf("entry %d (-want +got):\n%s", i, diff)
		}
		from = e.To
	}
	if got, _ := in.Fact(decoration.FactLiveVideo); got != "bought" {
		t.Errorf("live video fact = %q, want bought", got)
	}
	if od := in.Overdue(flowtest.At(24 * 60)); len(od) != 0 {
		t.Errorf("overdue = %v, want none", od)
	}
	for _, g := range decoration.Guarantees(in, flowtest.At(24*60), decoration.DefaultWarranty()) {
		if !g.Held {
			t.Errorf("guarantee %s not held: %s", g.Guarantee, g.Reason)
		}
	}
	if av := in.Available(); len(av) != 0 {
		t.Errorf("terminal state offers %v", av)
	}
}

func TestFireResult(t *testing.T) {
	def := flowtest.MustDecoration(t)
	in := workflow.New(def)
	r, err := in.Fire(context.Background(), flowtest.DecorationJourney()[0].Cmd)
	if err != nil {
		t.Fatal(err)
	}
	want := workflow.Result{Event: "apply", From: decoration.StateNew, To: decoration.StateApplied, Seq: 1,
		Intents: []workflow.Intent{{Key: "c1/0", Kind: "notify", Role: workflow.RoleStore, Note: "schedule the free on-site measurement"}}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The returned intents are the caller's.
	r.Intents[0].Note = "changed"
	r2, _ := in.Fire(context.Background(), flowtest.DecorationJourney()[1].Cmd)
	if len(r2.Intents) != 1 || r2.Intents[0].Kind != "schedule" || r2.Intents[0].Key != "c2/0" {
		t.Errorf("live video intents = %v", r2.Intents)
	}
	if def.Trans(decoration.StateNew, "apply").Intents()[0].Note == "changed" {
		t.Error("result intents alias the definition")
	}
}

func TestCancelJourney(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()[:3]
	steps = append(steps, flowtest.Step{Cmd: flowtest.Cmd("x1", "cancel", "owner-1", workflow.RoleOwner, 40, workflow.Facts{decoration.FactCancelReason: "moved"}), Want: decoration.StateCancelled})
	in := flowtest.Run(t, def, steps)
	if !def.IsTerminal(in.State()) {
		t.Error("cancelled is not terminal")
	}
	// No cancellation once construction started.
	in = flowtest.Run(t, def, flowtest.DecorationJourney()[:10])
	_, err := in.Fire(context.Background(), flowtest.Cmd("x2", "cancel", "owner-1", workflow.RoleOwner, 24*21, workflow.Facts{decoration.FactCancelReason: "late"}))
	var te *workflow.TransitionError
	if !errors.As(err, &te) || !errors.Is(err, workflow.ErrNotAvailable) || !errors.Is(err, o2o.ErrInvalid) || te.State != decoration.StateUnderConstruction || !te.Known {
		t.Fatalf("cancel under construction: %v", err)
	}
}

func TestAfterSalesReturn(t *testing.T) {
	def := flowtest.MustAfterSales(t)
	in := flowtest.Run(t, def, flowtest.AfterSalesReturn())
	if got, _ := in.Fact(decoration.FactClearance); got != "available" {
		t.Errorf("clearance fact = %q", got)
	}
	// The return hands back a clearance intent.
	in2 := flowtest.Run(t, def, flowtest.AfterSalesReturn()[:2])
	r, err := in2.Fire(context.Background(), flowtest.AfterSalesReturn()[2].Cmd)
	if err != nil || len(r.Intents) != 1 || r.Intents[0].Kind != "clearance" {
		t.Fatalf("return: %v %v", r, err)
	}
}

func TestAfterSalesWarranty(t *testing.T) {
	handed := flowtest.At(0).Format(time.RFC3339)
	tests := []struct {
		name      string
		opts      []decoration.Option
		kind      string
		days      int
		wantGuard string
	}{
		{"product within a year", nil, "product", 365, ""},
		{"product after a year", nil, "product", 366, "product_warranty"},
		{"construction within two years", nil, "construction", 700, ""},
		{"construction after two years", nil, "construction", 731, "construction_warranty"},
		{"configured product warranty", []decoration.Option{decoration.WithWarranty(decoration.Warranty{Product: workflow.Days(30), Construction: workflow.Days(30)})}, "product", 31, "product_warranty"},
		{"unknown kind", nil, "furniture", 1, "claim_kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := workflow.New(flowtest.MustAfterSales(t, tt.opts...))
			before := flowtest.SnapJSON(t, in)
			_, err := in.Fire(context.Background(), flowtest.Cmd("a1", "open", "owner-1", workflow.RoleOwner, 24*tt.days, workflow.Facts{decoration.FactClaimKind: tt.kind, decoration.FactHandedOverAt: handed}))
			if tt.wantGuard == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ge *workflow.GuardError
			if !errors.As(err, &ge) || ge.Guard != tt.wantGuard || !errors.Is(err, workflow.ErrGuard) {
				t.Fatalf("err = %v, want guard %s", err, tt.wantGuard)
			}
			if tt.wantGuard != "claim_kind" && !strings.Contains(ge.Reason, "due by") {
				t.Errorf("reason %q does not say when it was due", ge.Reason)
			}
			if after := flowtest.SnapJSON(t, in); after != before {
				t.Error("refused claim changed the instance")
			}
		})
	}
}

func TestAfterSalesResolutions(t *testing.T) {
	def := flowtest.MustAfterSales(t, decoration.WithResolutions("repair", "compensate"))
	if def.Can(decoration.ClaimInspected, "return") || !def.Can(decoration.ClaimInspected, "repair") {
		t.Errorf("available from inspected = %v", def.Available(decoration.ClaimInspected))
	}
	in := flowtest.Run(t, def, flowtest.AfterSalesReturn()[:2])
	_, err := in.Fire(context.Background(), flowtest.Cmd("a3", "compensate", "hq", workflow.RoleHeadquarters, 24*102, nil))
	var ge *workflow.GuardError
	if !errors.As(err, &ge) || ge.Guard != "compensation_kind" {
		t.Fatalf("compensate without amount: %v", err)
	}
}

func TestForbiddenRoles(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	for i, s := range steps {
		in := flowtest.Run(t, def, steps[:i])
		before := flowtest.SnapJSON(t, in)
		allowed := def.Roles(in.State(), s.Cmd.Event)
		for _, role := range workflow.Roles() {
			if slices.Contains(allowed, role) {
				continue
			}
			c := s.Cmd
			c.Role = role
			_, err := in.Fire(context.Background(), c)
			var fe *workflow.ForbiddenError
			if !errors.As(err, &fe) || fe.Role != role || fe.Event != c.Event || !errors.Is(err, workflow.ErrForbidden) || !errors.Is(err, o2o.ErrInvalid) {
				t.Errorf("%s as %s: err = %v", c.Event, role, err)
			}
			if in.Can(c.Event, role) {
				t.Errorf("Can(%s, %s) = true", c.Event, role)
			}
			if after := flowtest.SnapJSON(t, in); after != before {
				t.Errorf("%s as %s changed the instance", c.Event, role)
			}
		}
	}
}

func TestFailedGuards(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	checked := 0
	for i, s := range steps {
		in := flowtest.Run(t, def, steps[:i])
		before := flowtest.SnapJSON(t, in)
		for key := range s.Cmd.Facts {
			c := s.Cmd
			c.Facts = flowtest.With(s.Cmd.Facts, key, "")
			_, err := in.Fire(context.Background(), c)
			var ge *workflow.GuardError
			if !errors.As(err, &ge) || ge.Event != c.Event || !errors.Is(err, workflow.ErrGuard) {
				t.Errorf("%s with empty %s: err = %v", c.Event, key, err)
				continue
			}
			if !strings.Contains(ge.Reason, key) {
				t.Errorf("%s: reason %q does not name fact %s", c.Event, ge.Reason, key)
			}
			if after := flowtest.SnapJSON(t, in); after != before {
				t.Errorf("%s with empty %s changed the instance", c.Event, key)
			}
			checked++
		}
	}
	if checked < 15 {
		t.Errorf("only %d guard failures checked", checked)
	}
}

func TestLiveVideoGuard(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	in := flowtest.Run(t, def, steps[:9])
	c := steps[9].Cmd
	c.Facts = workflow.Facts{decoration.FactEcoCertified: "true"} // bought live video, no stream
	_, err := in.Fire(context.Background(), c)
	var ge *workflow.GuardError
	if !errors.As(err, &ge) || ge.Guard != "live_video" {
		t.Fatalf("err = %v", err)
	}
	// Without live video bought, no stream is needed.
	noVideo := slices.Delete(slices.Clone(steps[:9]), 1, 2)
	in = flowtest.Run(t, def, noVideo)
	if _, err := in.Fire(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	gs := decoration.Guarantees(in, flowtest.At(24*21), decoration.DefaultWarranty())
	if gs[3].Guarantee != decoration.GuaranteeLiveVideo || !gs[3].Held {
		t.Errorf("live video guarantee = %+v", gs[3])
	}
}

func TestWithoutDIY(t *testing.T) {
	def := flowtest.MustDecoration(t, decoration.WithoutDIY())
	in := flowtest.Run(t, def, flowtest.DecorationJourney()[:3])
	_, err := in.Fire(context.Background(), flowtest.Cmd("c4", "upload_plan", "owner-1", workflow.RoleOwner, 40, workflow.Facts{decoration.FactDesignMode: "diy"}))
	var ge *workflow.GuardError
	if !errors.As(err, &ge) || ge.Guard != "design_mode" {
		t.Fatalf("diy without DIY path: %v", err)
	}
}

func TestWithDeadline(t *testing.T) {
	def := flowtest.MustDecoration(t, decoration.WithDeadline(decoration.StateApplied, workflow.Hours(24)), decoration.WithDeadline(decoration.StateCrewChosen, 0), decoration.WithDeadline(decoration.StateMeasured, workflow.Days(3)))
	in := flowtest.Run(t, def, flowtest.DecorationJourney()[:1])
	od := in.Overdue(flowtest.At(25))
	if len(od) != 1 || !od[0].Due.Equal(flowtest.At(24)) {
		t.Fatalf("overdue = %v", od)
	}
	if s := def.Spec(); s.States[5].Deadline != nil || s.States[2].Deadline == nil || s.States[2].Deadline.Within != workflow.Days(3) {
		t.Errorf("deadlines not adapted: %+v %+v", s.States[5].Deadline, s.States[2].Deadline)
	}
	if _, err := decoration.Process(decoration.WithDeadline("nowhere", workflow.Hours(1))); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown state deadline: %v", err)
	}
}

func TestIdempotency(t *testing.T) {
	def := flowtest.MustDecoration(t)
	in := workflow.New(def)
	c := flowtest.DecorationJourney()[0].Cmd
	if _, err := in.Fire(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	before := flowtest.SnapJSON(t, in)
	r, err := in.Fire(context.Background(), c)
	if err != nil || !r.AlreadyApplied || r.Seq != 1 || r.To != decoration.StateApplied {
		t.Fatalf("repeat: %+v, %v", r, err)
	}
	// The repeat hands back the same intents with the same keys, for a
	// caller to carry out at least once and deduplicate.
	if len(r.Intents) != 1 || r.Intents[0].Key != "c1/0" || r.Intents[0].Kind != "notify" {
		t.Errorf("repeat intents = %+v", r.Intents)
	}
	if flowtest.SnapJSON(t, in) != before {
		t.Error("repeat changed the instance")
	}
	c2 := c
	c2.Facts = workflow.Facts{decoration.FactVenue: "store"}
	if _, err := in.Fire(context.Background(), c2); !errors.Is(err, workflow.ErrConflict) || !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("same id, other content: %v", err)
	}
	// A long history switches to an index and keeps the rule.
	long := workflow.New(mustLoop(t))
	for i, id := range flowtest.IDs(100) {
		if _, err := long.Fire(context.Background(), workflow.Command{ID: id, Event: loopEvent(i), Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := long.Fire(context.Background(), workflow.Command{ID: "cmd-3", Event: loopEvent(3), Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(3)}); err != nil || !r.AlreadyApplied {
		t.Errorf("indexed repeat: %+v %v", r, err)
	}
	if _, err := long.Fire(context.Background(), workflow.Command{ID: "cmd-3", Event: loopEvent(3), Actor: "b", Role: workflow.RoleOwner, At: flowtest.At(3)}); !errors.Is(err, workflow.ErrConflict) {
		t.Errorf("indexed conflict: %v", err)
	}
}

// TestIdempotencyAtEveryLength: at every history length, below, at and
// past the one from which command ids are indexed, fired or restored,
// each id applied repeats as AlreadyApplied with its step, the same id
// with other content is a conflict, and a snapshot repeating an id is
// refused at the repeat.
func TestIdempotencyAtEveryLength(t *testing.T) {
	def := mustLoop(t)
	ctx := context.Background()
	cmd := func(i int, id string) workflow.Command {
		return workflow.Command{ID: id, Event: loopEvent(i), Actor: "a", Role: workflow.RoleOwner, At: flowtest.At(i)}
	}
	for _, n := range []int{1, 2, 15, 16, 17, 31, 32, 33, 70} {
		ids := flowtest.IDs(n)
		fired := workflow.New(def)
		for i, id := range ids {
			if _, err := fired.Fire(ctx, cmd(i, id)); err != nil {
				t.Fatalf("n=%d step %d: %v", n, i, err)
			}
		}
		snap := fired.Snapshot()
		restored, err := workflow.Restore(def, snap)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		for name, in := range map[string]*workflow.Instance{"fired": fired, "restored": restored} {
			for i, id := range ids {
				r, err := in.Fire(ctx, cmd(i, id))
				if err != nil || !r.AlreadyApplied || r.Seq != i+1 {
					t.Errorf("%s n=%d: repeat of %s = %+v, %v; want step %d", name, n, id, r, err, i+1)
				}
				other := cmd(i, id)
				other.Actor = "b"
				if _, err := in.Fire(ctx, other); !errors.Is(err, workflow.ErrConflict) {
					t.Errorf("%s n=%d: %s with other content: %v", name, n, id, err)
				}
			}
			if r, err := in.Fire(ctx, cmd(n, "new")); err != nil || r.AlreadyApplied || r.Seq != n+1 {
				t.Errorf("%s n=%d: a new id = %+v, %v", name, n, r, err)
			}
		}
		for k := 1; k < n; k++ {
			s := flowtest.DeepSnapshot(snap)
			s.History[k].Command = ids[k/2]
			_, err := workflow.Restore(def, s)
			checkRestoreRefusal(t, err, workflow.ErrCorrupt, fmt.Sprintf("history[%d].command", k))
		}
	}
}

func TestFireRefusals(t *testing.T) {
	def := flowtest.MustDecoration(t)
	in := flowtest.Run(t, def, flowtest.DecorationJourney()[:2])
	before := flowtest.SnapJSON(t, in)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		cmd  workflow.Command
		is   error
		path string
	}{
		{"cancelled context", ctx, flowtest.DecorationJourney()[2].Cmd, context.Canceled, ""},
		{"no id", context.Background(), workflow.Command{Event: "measure", Actor: "s", Role: workflow.RoleStore, At: flowtest.At(5)}, o2o.ErrInvalid, "id"},
		{"bad role", context.Background(), workflow.Command{ID: "z", Event: "measure", Actor: "s", Role: "boss", At: flowtest.At(5)}, o2o.ErrInvalid, "role"},
		{"no instant", context.Background(), workflow.Command{ID: "z", Event: "measure", Actor: "s", Role: workflow.RoleStore}, o2o.ErrInvalid, "at"},
		{"before previous step", context.Background(), flowtest.Cmd("z", "measure", "s", workflow.RoleStore, 0, workflow.Facts{decoration.FactFloorPlan: "p"}), o2o.ErrInvalid, "at"},
		{"unknown event", context.Background(), flowtest.Cmd("z", "teleport", "s", workflow.RoleStore, 5, nil), workflow.ErrNotAvailable, ""},
		{"not from this state", context.Background(), flowtest.Cmd("z", "review", "o", workflow.RoleOwner, 5, nil), workflow.ErrNotAvailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := in.Fire(tt.ctx, tt.cmd)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if tt.path != "" {
				var ve *o2o.ValidationError
				if !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
					t.Errorf("err = %v, want path %s", err, tt.path)
				}
			}
			if flowtest.SnapJSON(t, in) != before {
				t.Error("refusal changed the instance")
			}
		})
	}
	var te *workflow.TransitionError
	_, err := in.Fire(context.Background(), flowtest.Cmd("z", "teleport", "s", workflow.RoleStore, 5, nil))
	if !errors.As(err, &te) || te.Known {
		t.Errorf("unknown event: %v", err)
	}
}

func TestOverdue(t *testing.T) {
	def := flowtest.MustDecoration(t)
	in := flowtest.Run(t, def, flowtest.DecorationJourney()[:1])
	if od := in.Overdue(flowtest.At(47)); len(od) != 0 {
		t.Errorf("overdue at 47h = %v", od)
	}
	od := in.Overdue(flowtest.At(49))
	want := []workflow.Deadline{{State: decoration.StateApplied, For: "free on-site measurement (量房) within 48h of applying", Due: flowtest.At(48)}}
	if diff := cmp.Diff(want, od); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// Restoring keeps the due time.
	r, err := workflow.Restore(def, in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, r.Overdue(flowtest.At(49))); diff != "" {
		t.Errorf("after restore (-want +got):\n%s", diff)
	}
	// Measured late: met, late, no longer overdue.
	if _, err := r.Fire(context.Background(), flowtest.Cmd("m", "measure", "s", workflow.RoleStore, 50, workflow.Facts{decoration.FactFloorPlan: "p"})); err != nil {
		t.Fatal(err)
	}
	if od := r.Overdue(flowtest.At(60)); len(od) != 0 {
		t.Errorf("overdue after measuring = %v", od)
	}
	if d := r.Deadlines()[0]; !d.Late(flowtest.At(60)) || !d.Met.Equal(flowtest.At(50)) {
		t.Errorf("deadline = %+v", d)
	}
	// The construction deadline counts from the booked date.
	in = flowtest.Run(t, def, flowtest.DecorationJourney()[:9])
	booked := flowtest.At(24 * 20)
	if od := in.Overdue(booked.Add(71 * time.Hour)); len(od) != 0 {
		t.Errorf("overdue before 72h = %v", od)
	}
	if od := in.Overdue(booked.Add(73 * time.Hour)); len(od) != 1 || od[0].State != decoration.StateBooked || !od[0].Due.Equal(booked.Add(72*time.Hour)) {
		t.Errorf("overdue after 72h = %v", od)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	for cut := 0; cut <= len(steps); cut++ {
		in := flowtest.Run(t, def, steps[:cut])
		data, err := json.Marshal(in.Snapshot())
		if err != nil {
			t.Fatal(err)
		}
		var s workflow.Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(in.Snapshot(), s); diff != "" {
			t.Fatalf("cut %d JSON round trip (-want +got):\n%s", cut, diff)
		}
		r, err := workflow.Restore(def, s)
		if err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		for _, st := range steps[cut:] {
			if _, err := r.Fire(context.Background(), st.Cmd); err != nil {
				t.Fatalf("cut %d, %s after restore: %v", cut, st.Cmd.Event, err)
			}
		}
		if got, want := flowtest.SnapJSON(t, r), flowtest.SnapJSON(t, flowtest.Run(t, def, steps)); got != want {
			t.Fatalf("cut %d: restored journey differs:\n%s\n%s", cut, got, want)
		}
	}
}

func TestSnapshotIsACopy(t *testing.T) {
	def := flowtest.MustDecoration(t)
	in := flowtest.Run(t, def, flowtest.DecorationJourney()[:3])
	s := in.Snapshot()
	s.History[0].Facts[decoration.FactVenue] = "moon"
	s.Facts[decoration.FactVenue] = "moon"
	if v, _ := in.Fact(decoration.FactVenue); v != "online" || in.History()[0].Facts[decoration.FactVenue] != "online" {
		t.Error("snapshot aliases the instance")
	}
	r, err := workflow.Restore(def, in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	s2 := in.Snapshot()
	s2.History[0].Facts[decoration.FactVenue] = "moon"
	if v := r.History()[0].Facts[decoration.FactVenue]; v != "online" {
		t.Error("restore aliases the snapshot")
	}
}

func TestRestoreRefusals(t *testing.T) {
	def := flowtest.MustDecoration(t)
	mem := flowtest.Run(t, def, flowtest.DecorationJourney()[:6]).Snapshot()
	// The same snapshot decoded: the verdicts are the same.
	data, err := json.Marshal(mem)
	if err != nil {
		t.Fatal(err)
	}
	var decoded workflow.Snapshot
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(s *workflow.Snapshot)
		is   error
		path string
	}{
		{"other definition", func(s *workflow.Snapshot) { s.Definition = "after_sales" }, workflow.ErrVersion, ""},
		{"other version", func(s *workflow.Snapshot) { s.Version = 2 }, workflow.ErrVersion, ""},
		{"unknown state", func(s *workflow.Snapshot) { s.State = "limbo" }, workflow.ErrCorrupt, "state"},
		{"state not where history ends", func(s *workflow.Snapshot) { s.State = decoration.StateMeasured }, workflow.ErrCorrupt, "state"},
		{"seq mismatch", func(s *workflow.Snapshot) { s.Seq = 3 }, workflow.ErrCorrupt, "seq"},
		{"entry seq", func(s *workflow.Snapshot) { s.History[2].Seq = 9 }, workflow.ErrCorrupt, "history[2].seq"},
		{"broken chain", func(s *workflow.Snapshot) { s.History[3].From = decoration.StateApplied }, workflow.ErrCorrupt, "history[3].from"},
		{"wrong destination", func(s *workflow.Snapshot) { s.History[2].To = decoration.StateBooked }, workflow.ErrCorrupt, "history[2].to"},
		{"forbidden role", func(s *workflow.Snapshot) { s.History[2].Role = workflow.RoleOwner }, workflow.ErrCorrupt, "history[2].role"},
		{"time goes back", func(s *workflow.Snapshot) { s.History[4].At = flowtest.T0.Add(-time.Hour) }, workflow.ErrCorrupt, "history[4].at"},
		{"repeated command", func(s *workflow.Snapshot) { s.History[4].Command = "c1" }, workflow.ErrCorrupt, "history[4].command"},
		{"missing actor", func(s *workflow.Snapshot) { s.History[1].Actor = "" }, workflow.ErrCorrupt, "history[1]"},
		{"fact changed", func(s *workflow.Snapshot) { s.Facts[decoration.FactFloorPlan] = "forged" }, workflow.ErrCorrupt, "facts.floor_plan"},
		{"fact invented", func(s *workflow.Snapshot) { s.Facts["bonus"] = "yes" }, workflow.ErrCorrupt, "facts.bonus"},
		{"fact dropped", func(s *workflow.Snapshot) {
			delete(s.Facts, decoration.FactCrew)
			delete(s.Facts, decoration.FactVenue)
		}, workflow.ErrCorrupt, "facts"},
		{"record dropped", func(s *workflow.Snapshot) { delete(s.Facts, decoration.FactLiveVideo) }, workflow.ErrCorrupt, "facts"},
		{"deadline state", func(s *workflow.Snapshot) { s.Deadlines[0].State = "limbo" }, workflow.ErrCorrupt, "deadlines[0]"},
		{"deadline due forged", func(s *workflow.Snapshot) { s.Deadlines[0].Due = s.Deadlines[0].Due.Add(time.Hour) }, workflow.ErrCorrupt, "deadlines[0]"},
		{"deadline met forged", func(s *workflow.Snapshot) { s.Deadlines[0].Met = s.Deadlines[0].Met.Add(time.Hour) }, workflow.ErrCorrupt, "deadlines[0]"},
		{"deadline dropped", func(s *workflow.Snapshot) { s.Deadlines = nil }, workflow.ErrCorrupt, "deadlines"},
		{"deadline invented", func(s *workflow.Snapshot) {
			s.Deadlines = append(s.Deadlines, workflow.Deadline{State: decoration.StateDesignConfirmed, For: "x", Due: flowtest.At(500)})
		}, workflow.ErrCorrupt, "deadlines"},
		{"missing from", func(s *workflow.Snapshot) { s.History[0].From = "" }, workflow.ErrCorrupt, "history[0]"},
		{"unknown event", func(s *workflow.Snapshot) { s.History[5].Event = "fly" }, workflow.ErrCorrupt, "history[5].event"},
		{"migration for a never migrated version", func(s *workflow.Snapshot) {
			s.Migrations = []workflow.Migration{{Seq: 2, FromVersion: 1, ToVersion: 1, From: decoration.StateMeasured, To: decoration.StateMeasured, At: flowtest.At(35)}}
		}, workflow.ErrCorrupt, "migrations[0]"},
		{"deadline due", func(s *workflow.Snapshot) { s.Deadlines[0].Due = time.Time{} }, workflow.ErrCorrupt, "deadlines[0]"},
		{"open deadline elsewhere", func(s *workflow.Snapshot) { s.Deadlines[0].Met = time.Time{} }, workflow.ErrCorrupt, "deadlines[0]"},
		{"unknown role", func(s *workflow.Snapshot) { s.History[1].Role = "wizard" }, workflow.ErrCorrupt, "history[1].role"},
		{"fact value from an earlier write", func(s *workflow.Snapshot) {
			// Step 3 wrote design_mode=designer; step 4 now writes diy,
			// which must win over the earlier value the snapshot holds.
			s.History[4].Facts[decoration.FactDesignMode] = "diy"
		}, workflow.ErrCorrupt, "facts.design_mode"},
		// Edits that keep the history consistent are caught by its hashes.
		{"actor edited", func(s *workflow.Snapshot) { s.History[1].Actor = "someone else" }, workflow.ErrCorrupt, "history[1].hash"},
		{"command id edited", func(s *workflow.Snapshot) { s.History[2].Command = "c99" }, workflow.ErrCorrupt, "history[2].hash"},
		{"instant moved within its gap", func(s *workflow.Snapshot) { s.History[3].At = s.History[3].At.Add(time.Minute) }, workflow.ErrCorrupt, "history[3].hash"},
		{"same instant in another offset", func(s *workflow.Snapshot) { s.History[3].At = s.History[3].At.UTC() }, workflow.ErrCorrupt, "history[3].hash"},
		{"entry fact and fact edited alike", func(s *workflow.Snapshot) {
			s.History[2].Facts[decoration.FactFloorPlan] = "forged"
			s.Facts[decoration.FactFloorPlan] = "forged"
		}, workflow.ErrCorrupt, "history[2].hash"},
		{"hash dropped", func(s *workflow.Snapshot) { s.History[0].Hash = "" }, workflow.ErrCorrupt, "history[0].hash"},
		{"hashes swapped", func(s *workflow.Snapshot) {
			a, b := s.History[1], s.History[0]
			s.History[0].Hash, s.History[1].Hash = a.Hash, b.Hash
		}, workflow.ErrCorrupt, "history[0].hash"},
	}
	for _, good := range []workflow.Snapshot{mem, decoded} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := flowtest.DeepSnapshot(good)
				tt.edit(&s)
				before := flowtest.DeepSnapshot(s)
				_, err := workflow.Restore(def, s)
				if diff := cmp.Diff(before, s); diff != "" {
					t.Errorf("a refused restore changed the snapshot (-before +after):\n%s", diff)
				}
				checkRestoreRefusal(t, err, tt.is, tt.path)
			})
		}
		if _, err := workflow.Restore(def, flowtest.DeepSnapshot(good)); err != nil {
			t.Fatalf("good snapshot: %v", err)
		}
	}
	// A name given twice, in an entry's facts or the snapshot's, is
	// refused by the strict decoder.
	for _, dup := range []string{`"facts":{"venue":"online","venue":"store"}`} {
		bad := strings.Replace(string(data), `"facts":{"venue":"online"}`, dup, 1)
		if bad == string(data) {
			t.Fatal("no entry facts to repeat a name in")
		}
		var s workflow.Snapshot
		if err := json.Unmarshal([]byte(bad), &s); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("a fact named twice: %v", err)
		}
	}
	var s workflow.Snapshot
	if err := json.Unmarshal([]byte(`{"definition":"decoration","version":1,"state":"new","seq":0,"history":[],"extra":1}`), &s); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown field: %v", err)
	}
}

// TestRestoreLastWriteWins: a fact written twice holds its last value, by
// both restores, and a restored instance matches one fired step by step.
func TestRestoreLastWriteWins(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()[:6]
	again := flowtest.Step{Cmd: flowtest.Cmd("c5b", decoration.EventSubmitDesign, "designer-7", workflow.RoleDesigner, 110, workflow.Facts{decoration.FactDesign: "design-10"}), Want: decoration.StateDesigning}
	steps = append(steps[:5], again, steps[5])
	in := flowtest.Run(t, def, steps)
	if v, _ := in.Fact(decoration.FactDesign); v != "design-10" {
		t.Fatalf("design = %q", v)
	}
	want := in.Snapshot()
	r, err := workflow.Restore(def, flowtest.DeepSnapshot(want))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, r.Snapshot()); diff != "" {
		t.Errorf("restored (-want +got):\n%s", diff)
	}
}

// TestRestoreJourney decodes a snapshot, restores it and finishes the
// journey: the result equals the instance that never left
// memory, and its snapshots are not tied to the one handed over.
func TestRestoreJourney(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	mem := flowtest.Run(t, def, steps[:7])
	data, err := json.Marshal(mem.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var s workflow.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	in, err := workflow.Restore(def, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps[7:] {
		for _, x := range []*workflow.Instance{mem, in} {
			if _, err := x.Fire(context.Background(), st.Cmd); err != nil {
				t.Fatal(err)
			}
		}
	}
	if diff := cmp.Diff(mem.Snapshot(), in.Snapshot()); diff != "" {
		t.Errorf("restore then fire (-memory +restored):\n%s", diff)
	}
	snap := in.Snapshot()
	snap.Facts[decoration.FactVenue] = "moon"
	snap.History[0].Facts[decoration.FactVenue] = "moon"
	s.History[0].Facts[decoration.FactVenue] = "moon"
	snap.Deadlines[0].Due = time.Time{}
	if diff := cmp.Diff(mem.Snapshot(), in.Snapshot()); diff != "" {
		t.Errorf("a snapshot, or the snapshot restored, aliases the instance:\n%s", diff)
	}
}

func checkRestoreRefusal(t *testing.T, err, is error, path string) {
	t.Helper()
	if !errors.Is(err, is) || !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("err = %v, want %v", err, is)
	}
	var ve *o2o.ValidationError
	if path != "" && (!errors.As(err, &ve) || ve.Fields[0].Path != path) {
		t.Errorf("err = %v, want path %q", err, path)
	}
	if is == workflow.ErrVersion {
		var v *workflow.VersionError
		if !errors.As(err, &v) || v.WantName != "decoration" {
			t.Errorf("err = %v", err)
		}
	}
}

// TestRandomCommands fires random valid and invalid commands and checks
// after each that refusals change nothing, the history agrees with the
// state (Restore accepts the snapshot), and replaying the history gives the
// same instance.
func TestRandomCommands(t *testing.T) {
	defs := []*workflow.Definition{flowtest.MustDecoration(t), flowtest.MustAfterSales(t)}
	rounds := 300
	if testing.Short() {
		rounds = 40
	}
	rng := rand.New(rand.NewPCG(1, 2))
	values := []string{"", "true", "online", "store", "diy", "designer", "5", "bought", "x", "product", "construction",
		flowtest.At(0).Format(time.RFC3339), flowtest.At(24 * 400).Format(time.RFC3339), "not a time"}
	keys := []string{decoration.FactVenue, decoration.FactFloorPlan, decoration.FactDesignMode, decoration.FactDesign, decoration.FactProducts, decoration.FactPlatformOrder, decoration.FactProvincePrice,
		decoration.FactCrew, decoration.FactDrawings, decoration.FactBookedFor, decoration.FactEcoCertified, decoration.FactLiveStream, decoration.FactHandedOverAt, decoration.FactRating, decoration.FactReview,
		decoration.FactCancelReason, decoration.FactClaimKind, decoration.FactInspection, decoration.FactCompensation, decoration.FactClearanceStore, decoration.FactLiveVideo}
	for round := range rounds {
		def := defs[round%2]
		events := append(def.Events(), "bogus")
		in := workflow.New(def)
		h := 0
		for i := range 40 {
			c := workflow.Command{
				ID:    "id-" + string(rune('a'+rng.IntN(20))),
				Event: events[rng.IntN(len(events))],
				Actor: "actor",
				Role:  workflow.Roles()[rng.IntN(len(workflow.Roles()))],
				At:    flowtest.At(h),
			}
			if rng.IntN(4) > 0 {
				c.Event = flowtest.Pick(rng, def.Available(in.State()), c.Event)
				c.Role = flowtest.Pick(rng, def.Roles(in.State(), c.Event), c.Role)
				c.ID = "id-" + string(rune('a'+i))
			}
			if rng.IntN(10) > 0 {
				h += rng.IntN(30)
			}
			c.At = flowtest.At(h)
			c.Facts = nil
			for range rng.IntN(6) {
				if c.Facts == nil {
					c.Facts = workflow.Facts{}
				}
				c.Facts[keys[rng.IntN(len(keys))]] = values[rng.IntN(len(values))]
			}
			before := flowtest.SnapJSON(t, in)
			r, err := in.Fire(context.Background(), c)
			after := flowtest.SnapJSON(t, in)
			if (err != nil || r.AlreadyApplied) && after != before {
				t.Fatalf("round %d: refused %+v changed the instance: %v", round, c, err)
			}
			if err != nil && !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("round %d: %v does not wrap ErrInvalid", round, err)
			}
			if _, err := workflow.Restore(def, in.Snapshot()); err != nil {
				t.Fatalf("round %d: history disagrees with state: %v", round, err)
			}
		}
		replay := workflow.New(def)
		for _, e := range in.History() {
			if _, err := replay.Fire(context.Background(), workflow.Command{ID: e.Command, Event: e.Event, Actor: e.Actor, Role: e.Role, At: e.At, Facts: e.Facts}); err != nil {
				t.Fatalf("round %d: replay %s: %v", round, e.Event, err)
			}
		}
		if a, b := flowtest.SnapJSON(t, replay), flowtest.SnapJSON(t, in); a != b {
			t.Fatalf("round %d: replay differs:\n%s\n%s", round, a, b)
		}
	}
}

func TestConcurrentInstances(t *testing.T) {
	def := flowtest.MustDecoration(t)
	want := flowtest.SnapJSON(t, flowtest.Run(t, def, flowtest.DecorationJourney()))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				in := workflow.New(def)
				for _, s := range flowtest.DecorationJourney() {
					if _, err := in.Fire(context.Background(), s.Cmd); err != nil {
						errs <- err
						return
					}
					_ = def.Can(in.State(), "cancel")
					_ = def.Available(in.State())
				}
				b, _ := json.Marshal(in.Snapshot())
				if string(b) != want {
					errs <- errors.New("concurrent journey differs")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestGuarantees(t *testing.T) {
	def := flowtest.MustDecoration(t)
	in := flowtest.Run(t, def, flowtest.DecorationJourney()[:3])
	got := decoration.Guarantees(in, flowtest.At(10), decoration.DefaultWarranty())
	held := map[decoration.Guarantee]bool{}
	for _, g := range got {
		held[g.Guarantee] = g.Held
	}
	want := map[decoration.Guarantee]bool{decoration.GuaranteeEco: false, decoration.GuaranteeProvincePrice: false, decoration.GuaranteePlatformOrder: false,
		decoration.GuaranteeLiveVideo: false, decoration.GuaranteeMaintenance: true}
	if diff := cmp.Diff(want, held); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	done := flowtest.Run(t, def, flowtest.DecorationJourney())
	last := decoration.Guarantees(done, flowtest.At(24*50).Add(time.Duration(workflow.Days(731))), decoration.DefaultWarranty())[4]
	if last.Held || !strings.Contains(last.Reason, "ended") {
		t.Errorf("after the warranty: %+v", last)
	}
}

// TestCommandFacts: a command's facts are a map the caller writes; the
// instance keeps a copy; commands and results round-trip through JSON,
// facts as an object, and a name given twice in JSON is refused.
func TestCommandFacts(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	in := flowtest.Run(t, def, steps[:5])
	c := steps[5].Cmd // confirm_design: several facts
	if len(c.Facts) < 2 {
		t.Fatalf("step 5 has %d facts", len(c.Facts))
	}
	r, err := in.Fire(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	again, err := in.Fire(context.Background(), workflow.Command{ID: c.ID, Event: c.Event, Actor: c.Actor, Role: c.Role, At: c.At, Facts: flowtest.With(c.Facts)})
	if err != nil || !again.AlreadyApplied || again.Seq != r.Seq {
		t.Errorf("repeat with an equal map: %+v, %v", again, err)
	}
	after := flowtest.SnapJSON(t, in)
	c.Facts[decoration.FactProducts] = "changed by the caller"
	if flowtest.SnapJSON(t, in) != after {
		t.Error("the instance keeps the caller's facts map")
	}
	steps = flowtest.DecorationJourney()

	data, err := json.Marshal(steps[5].Cmd)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"facts":{"`) {
		t.Errorf("command facts are not a JSON object: %s", data)
	}
	var back workflow.Command
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(steps[5].Cmd.Facts, back.Facts); diff != "" {
		t.Errorf("command facts after JSON (-want +got):\n%s", diff)
	}
	rdata, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var rback workflow.Result
	if err := json.Unmarshal(rdata, &rback); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, rback); diff != "" {
		t.Errorf("result after JSON (-want +got):\n%s", diff)
	}
	r0, err := workflow.New(def).Fire(context.Background(), steps[0].Cmd)
	if err != nil {
		t.Fatal(err)
	}
	rdata, err = json.Marshal(r0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rdata), `"intents":[{"key":"c1/0","kind":"notify"`) {
		t.Errorf("result JSON: %s", rdata)
	}
	if err := json.Unmarshal(rdata, &rback); err != nil || !reflect.DeepEqual(rback.Intents, r0.Intents) {
		t.Errorf("result intents after JSON: %v %v", rback.Intents, err)
	}
	for _, bad := range []string{`{"intents":[{"kind":"notify"}]}`, `{"intents":[{"kind":"notify","role":"Owner"}]}`, `{"intents":{}}`} {
		if err := json.Unmarshal([]byte(bad), &rback); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	for _, bad := range []string{`{"id":"x","facts":{"a":"1","a":"2"}}`, `{"ID":"x"}`, `{"id":"x","id":"y"}`, `{"id":"x","role":"Owner"}`} {
		if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("command %s: %v", bad, err)
		}
	}
	if err := json.Unmarshal([]byte(`{"event":"x","Seq":1}`), &rback); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("result with a key in another case: %v", err)
	}
}
