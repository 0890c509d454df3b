package project

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	flow "github.com/o2okit/o2okit/workflow"

	"github.com/o2okit/o2okit/workflow/decoration"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// journey is a whole project from application to review; wait is the
// workflow time before each command.
type move struct {
	wait time.Duration
	req  FireRequest
	// update is the Update's id; the command id when empty.
	update string
}

func journey() []move {
	booked := start.Add(20 * 24 * time.Hour).Format(time.RFC3339)
	handed := start.Add(50 * 24 * time.Hour).Format(time.RFC3339)
	return []move{
		{time.Hour, FireRequest{"c1", "apply", "owner-1", flow.RoleOwner, flow.Facts{decoration.FactVenue: "online"}}, ""},
		{time.Hour, FireRequest{"c2", "measure", "store-1", flow.RoleStore, flow.Facts{decoration.FactFloorPlan: "plan-1"}}, ""},
		{time.Hour, FireRequest{"c3", "upload_plan", "owner-1", flow.RoleOwner, flow.Facts{decoration.FactDesignMode: "designer"}}, ""},
		{time.Hour, FireRequest{"c4", "submit_design", "designer-7", flow.RoleDesigner, flow.Facts{decoration.FactDesign: "design-9"}}, ""},
		{time.Hour, FireRequest{"c5", "confirm_design", "owner-1", flow.RoleOwner, flow.Facts{decoration.FactProducts: "sel-3", decoration.FactPlatformOrder: "PO-88", decoration.FactProvincePrice: "true"}}, ""},
		{time.Hour, FireRequest{"c6", "choose_crew", "owner-1", flow.RoleOwner, flow.Facts{decoration.FactCrew: "crew-5"}}, ""},
		{time.Hour, FireRequest{"c7", "agree_drawings", "store-1", flow.RoleStore, flow.Facts{decoration.FactDrawings: "dwg-2"}}, ""},
		{time.Hour, FireRequest{"c8", "book", "owner-1", flow.RoleOwner, flow.Facts{decoration.FactBookedFor: booked}}, ""},
		{20 * 24 * time.Hour, FireRequest{"c9", "start_construction", "spec-4", flow.RoleSpecialist, flow.Facts{decoration.FactEcoCertified: "true"}}, ""},
		{30 * 24 * time.Hour, FireRequest{"c10", "hand_over", "spec-4", flow.RoleSpecialist, flow.Facts{decoration.FactHandedOverAt: handed}}, ""},
		{time.Hour, FireRequest{"c11", "review", "owner-1", flow.RoleOwner, flow.Facts{decoration.FactRating: "5", decoration.FactReview: "tidy"}}, ""},
	}
}

type harness struct {
	t    *testing.T
	env  *testsuite.TestWorkflowEnvironment
	sink *MemorySink
	host *Host
	errs map[string]error
}

func newHarness(t *testing.T, reg *flow.Registry, sinks ...*MemorySink) *harness {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	sink := NewMemorySink()
	if len(sinks) > 0 {
		sink = sinks[0]
	}
	if reg == nil {
		var err error
		if reg, err = Definitions(false); err != nil {
			t.Fatal(err)
		}
	}
	h := &Host{Registry: reg, IntentRetry: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 5}}
	Register(env, h, &Activities{Sink: sink})
	return &harness{t: t, env: env, sink: sink, host: h, errs: map[string]error{}}
}

// schedule sends the moves as updates at their workflow times; each
// accepted or rejected outcome lands in errs by command id.
func (h *harness) schedule(moves []move) {
	var at time.Duration
	for _, m := range moves {
		at += m.wait
		id := m.update
		if id == "" {
			id = m.req.ID
		}
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(UpdateFire, id, &testsuite.TestUpdateCallback{
				OnAccept: func() {},
				OnReject: func(err error) { h.errs[m.req.ID] = err },
				OnComplete: func(_ interface{}, err error) {
					if err != nil {
						h.errs[m.req.ID] = err
					}
				},
			}, m.req)
		}, at)
	}
}

func (h *harness) query() State {
	v, err := h.env.QueryWorkflow(QueryState)
	if err != nil {
		h.t.Fatal(err)
	}
	var st State
	if err := v.Get(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

func TestWholeProject(t *testing.T) {
	h := newHarness(t, nil)
	h.schedule(journey())
	h.env.ExecuteWorkflow(WorkflowName, Input{ProjectID: "p1", Definition: "decoration", Version: 1})
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	for id, err := range h.errs {
		t.Errorf("command %s: %v", id, err)
	}
	var st State
	if err := h.env.GetWorkflowResult(&st); err != nil {
		t.Fatal(err)
	}
	if st.Snapshot.State != decoration.StateReviewed || st.Snapshot.Seq != 11 || len(st.Pending) != 0 {
		t.Errorf("end state %s seq %d pending %v", st.Snapshot.State, st.Snapshot.Seq, st.Pending)
	}
	if !strings.Contains(st.Mermaid, "class reviewed current") {
		t.Errorf("mermaid does not show the current state:\n%s", st.Mermaid)
	}
	want := []string{"p1/c1/0", "p1/c2/0", "p1/c4/0", "p1/c6/0", "p1/c8/0", "p1/c10/0"}
	if got := h.sink.Effects(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("effects %v, want %v", got, want)
	}
	if len(st.Escalated) != 0 {
		t.Errorf("escalated %v on a project on time", st.Escalated)
	}
	// Every instant came from Temporal's clock.
	if got := st.Snapshot.History[0].At; !got.Equal(start.Add(time.Hour)) {
		t.Errorf("first step at %v, want %v", got, start.Add(time.Hour))
	}
}

// TestForbiddenRejectedByValidator: a command the instance refuses is
// rejected by the Update's validator and never enters history.
func TestForbiddenRejectedByValidator(t *testing.T) {
	h := newHarness(t, nil)
	moves := journey()[:1]
	moves = append(moves,
		move{time.Minute, FireRequest{"bad1", "measure", "owner-1", flow.RoleOwner, flow.Facts{decoration.FactFloorPlan: "x"}}, ""},
		move{time.Minute, FireRequest{"bad2", "measure", "store-1", flow.RoleStore, nil}, ""},
		move{time.Minute, FireRequest{"bad3", "review", "owner-1", flow.RoleOwner, nil}, ""},
		// The same command id with other content, under a new Update id
		// (Temporal itself answers a repeated Update id).
		move{time.Minute, FireRequest{"c1", "apply", "owner-1", flow.RoleOwner, flow.Facts{decoration.FactVenue: "store"}}, "c1-again"},
	)
	h.schedule(moves)
	var st State
	h.env.RegisterDelayedCallback(func() { st = h.query(); h.env.CancelWorkflow() }, time.Hour+time.Minute*10)
	h.env.ExecuteWorkflow(WorkflowName, Input{ProjectID: "p1", Definition: "decoration", Version: 1})
	// The validator's error crosses Temporal as its message.
	checks := map[string]string{"bad1": "may not fire", "bad2": `refused by guard "floor_plan"`,
		"bad3": "not available in state", "c1": "reused with other content"}
	for id, want := range checks {
		if err := h.errs[id]; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("command %s: %v, want a rejection saying %q", id, err, want)
		}
	}
	if st.Snapshot.Seq != 1 || st.Snapshot.State != decoration.StateApplied {
		t.Errorf("after rejections: seq %d state %s, want 1 applied", st.Snapshot.Seq, st.Snapshot.State)
	}
}

// TestOverdueEscalates: the measurement is not done within 48 hours of
// workflow time; the timer fires and the definition's escalation is sent
// once, to headquarters.
func TestOverdueEscalates(t *testing.T) {
	h := newHarness(t, nil)
	h.schedule(journey()[:1])
	var before, after State
	h.env.RegisterDelayedCallback(func() { before = h.query() }, time.Hour+47*time.Hour)
	h.env.RegisterDelayedCallback(func() { after = h.query(); h.env.CancelWorkflow() }, time.Hour+49*time.Hour)
	h.env.ExecuteWorkflow(WorkflowName, Input{ProjectID: "p1", Definition: "decoration", Version: 1})
	if len(before.Escalated) != 0 {
		t.Errorf("escalated before the due time: %v", before.Escalated)
	}
	if len(after.Escalated) != 1 || after.Escalated[0] != "deadline/0/escalate" {
		t.Fatalf("escalated %v, want deadline/0/escalate", after.Escalated)
	}
	it, ok := h.sink.Effect("p1/deadline/0/escalate")
	if !ok || it.Role != flow.RoleHeadquarters || it.Kind != "escalate" {
		t.Errorf("escalation effect %+v, %v", it, ok)
	}
	if n := h.sink.Attempts("p1/deadline/0/escalate"); n != 1 {
		t.Errorf("escalation delivered %d times", n)
	}
}

// TestContinueAsNewKeepsProject: after StepsPerRun steps the run continues
// as new with the snapshot; a new run from that input finishes the project.
func TestContinueAsNewKeepsProject(t *testing.T) {
	h := newHarness(t, nil)
	h.host.StepsPerRun = 4
	moves := journey()
	h.schedule(moves[:4])
	h.env.ExecuteWorkflow(WorkflowName, Input{ProjectID: "p1", Definition: "decoration", Version: 1})
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow error %v, want continue-as-new", err)
	}
	var next Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.Snapshot == nil || next.Snapshot.Seq != 4 || next.Snapshot.State != decoration.StateDesigning || next.Runs != 1 {
		t.Fatalf("carried %+v", next)
	}
	// The next run, with a fresh environment on the same sink.
	h2 := newHarness(t, nil, h.sink)
	rest := moves[4:]
	rest[0].wait = time.Hour
	h2.env.SetStartTime(next.Snapshot.History[3].At)
	h2.schedule(rest)
	h2.env.ExecuteWorkflow(WorkflowName, next)
	if err := h2.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var st State
	if err := h2.env.GetWorkflowResult(&st); err != nil {
		t.Fatal(err)
	}
	if st.Snapshot.State != decoration.StateReviewed || st.Snapshot.Seq != 11 || st.Runs != 1 {
		t.Errorf("end: %s seq %d runs %d", st.Snapshot.State, st.Snapshot.Seq, st.Runs)
	}
	for _, k := range h.sink.Effects() {
		if n := h.sink.Attempts(k); n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
}

// TestIntentRetriedBesideLoop: an intent failing twice is retried while the
// loop goes on; its effect happens once.
func TestIntentRetriedBesideLoop(t *testing.T) {
	h := newHarness(t, nil)
	h.sink.FailNext("p1/c1/0", 2)
	h.sink.LoseCompletion("p1/c2/0", 1)
	h.schedule(journey())
	h.env.ExecuteWorkflow(WorkflowName, Input{ProjectID: "p1", Definition: "decoration", Version: 1})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if n := h.sink.Attempts("p1/c1/0"); n != 3 {
		t.Errorf("attempts %d, want 3", n)
	}
	if _, ok := h.sink.Effect("p1/c1/0"); !ok {
		t.Error("no effect")
	}
	if n := h.sink.Attempts("p1/c2/0"); n != 2 {
		t.Errorf("c2/0 attempts %d, want 2 (completion lost once)", n)
	}
	effects := h.sink.Effects()
	slices.Sort(effects)
	if len(slices.Compact(effects)) != 6 {
		t.Errorf("effects %v, want 6 distinct, each once", h.sink.Effects())
	}
}

// TestV1ContinuesAfterV2: a project carried over on v1 restores on v1 from
// a registry that also holds v2.
func TestV1ContinuesAfterV2(t *testing.T) {
	reg1, _ := Definitions(false)
	v1, _ := reg1.Lookup("decoration", 1)
	in := flow.New(v1)
	if _, err := in.Fire(t.Context(), flow.Command{ID: "c1", Event: "apply", Actor: "o", Role: flow.RoleOwner, At: start, Facts: flow.Facts{decoration.FactVenue: "store"}}); err != nil {
		t.Fatal(err)
	}
	snap := in.Snapshot()
	reg2, err := Definitions(true)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, reg2)
	h.env.SetStartTime(start.Add(time.Hour))
	rest := journey()[1:]
	h.schedule(rest)
	h.env.ExecuteWorkflow(WorkflowName, Input{ProjectID: "p1", Snapshot: &snap})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var st State
	if err := h.env.GetWorkflowResult(&st); err != nil {
		t.Fatal(err)
	}
	if st.Snapshot.Version != 1 || st.Snapshot.State != decoration.StateReviewed {
		t.Errorf("v%d in %s, want v1 reviewed", st.Snapshot.Version, st.Snapshot.State)
	}
}
