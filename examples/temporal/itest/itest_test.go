// Package itest runs decoration projects on a real Temporal server started
// in the test process.
package itest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/examples/temporal/project"
	"github.com/o2okit/o2okit/o2o"
	flow "github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/protobuf/encoding/protojson"
)

// server starts one in-process Temporal server for the test.
func server(t *testing.T) (*temporaltest.TestServer, client.Client) {
	t.Helper()
	began := time.Now()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	t.Logf("in-process server up in %v", time.Since(began).Round(time.Millisecond))
	return ts, ts.GetDefaultClient()
}

func newWorker(t *testing.T, ts *temporaltest.TestServer, reg *flow.Registry, sink *project.MemorySink) worker.Worker {
	t.Helper()
	return newHostWorker(t, ts, reg, sink, func(*project.Host) {})
}

// newHostWorker starts a worker whose Host adapt may change.
func newHostWorker(t *testing.T, ts *temporaltest.TestServer, reg *flow.Registry, sink *project.MemorySink, adapt func(*project.Host)) worker.Worker {
	t.Helper()
	h := &project.Host{Registry: reg, IntentRetry: &temporal.RetryPolicy{InitialInterval: 50 * time.Millisecond, BackoffCoefficient: 2, MaximumInterval: time.Second}}
	adapt(h)
	return ts.NewWorker(project.TaskQueue, func(r worker.Registry) {
		project.Register(r, h, &project.Activities{Sink: sink})
	})
}

func definitions(t *testing.T, v2 bool) *flow.Registry {
	t.Helper()
	reg, err := project.Definitions(v2)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func start(t *testing.T, c client.Client, id string, version int) client.WorkflowRun {
	t.Helper()
	run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: project.TaskQueue},
		project.WorkflowName, project.Input{ProjectID: id, Definition: "decoration", Version: version})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func fire(t *testing.T, c client.Client, id string, req project.FireRequest) (flow.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateID: req.ID, UpdateName: project.UpdateFire,
		Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return flow.Result{}, err
	}
	var r flow.Result
	err = h.Get(ctx, &r)
	return r, err
}

func query(t *testing.T, c client.Client, id string) project.State {
	t.Helper()
	v, err := c.QueryWorkflow(context.Background(), id, "", project.QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var st project.State
	if err := v.Get(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

func finish(t *testing.T, run client.WorkflowRun) project.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var st project.State
	if err := run.Get(ctx, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// onceEach checks that each intent's effect was done exactly once and
// returns the total delivery attempts.
func onceEach(t *testing.T, sink *project.MemorySink, keys []string) int {
	t.Helper()
	got := sink.Effects()
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	want := slices.Clone(keys)
	slices.Sort(want)
	if !slices.Equal(sorted, want) {
		t.Errorf("effects %v, want %v (each once)", got, want)
	}
	n := 0
	for _, k := range keys {
		n += sink.Attempts(k)
	}
	return n
}

func journeyKeys(id string) []string {
	var out []string
	for _, c := range []string{"c1", "c2", "c4", "c6", "c8", "c10"} {
		out = append(out, id+"/"+c+"/0")
	}
	return out
}

func TestWholeProject(t *testing.T) {
	ts, c := server(t)
	sink := project.NewMemorySink()
	newWorker(t, ts, definitions(t, false), sink)
	began := time.Now()
	id := "whole"
	run := start(t, c, id, 1)
	for _, req := range project.Journey(time.Now()) {
		if _, err := fire(t, c, id, req); err != nil {
			t.Fatalf("%s: %v", req.ID, err)
		}
	}
	st := finish(t, run)
	t.Logf("whole project: %v", time.Since(began).Round(time.Millisecond))
	if st.Snapshot.State != decoration.StateReviewed || st.Snapshot.Seq != 11 || st.Snapshot.Version != 1 {
		t.Errorf("end %s seq %d v%d", st.Snapshot.State, st.Snapshot.Seq, st.Snapshot.Version)
	}
	if n := onceEach(t, sink, journeyKeys(id)); n != 6 {
		t.Errorf("%d deliveries, want 6", n)
	}
	record(t, c, id, run.GetRunID())
}

// TestRecordBeforeActivityIDs records, with RECORD set, a whole project
// run by the code as it was before ChangeActivityIDs, for the replay test
// that proves today's code still replays it.
func TestRecordBeforeActivityIDs(t *testing.T) {
	if os.Getenv("RECORD") == "" {
		t.Skip("records a history only with RECORD set")
	}
	ts, c := server(t)
	newHostWorker(t, ts, definitions(t, false), project.NewMemorySink(), func(h *project.Host) { h.BeforeActivityIDs = true })
	id := "before-activity-ids"
	run := start(t, c, id, 1)
	for _, req := range project.Journey(time.Now()) {
		if _, err := fire(t, c, id, req); err != nil {
			t.Fatalf("%s: %v", req.ID, err)
		}
	}
	finish(t, run)
	record(t, c, id, run.GetRunID())
}

// TestRejectedAbsentFromHistory: the validator rejects a forbidden command
// before it is written to the workflow's history.
func TestRejectedAbsentFromHistory(t *testing.T) {
	ts, c := server(t)
	newWorker(t, ts, definitions(t, false), project.NewMemorySink())
	id := "rejected"
	run := start(t, c, id, 1)
	j := project.Journey(time.Now())
	if _, err := fire(t, c, id, j[0]); err != nil {
		t.Fatal(err)
	}
	bad := project.FireRequest{ID: "bad", Event: "measure", Actor: "owner-1", Role: flow.RoleOwner, Facts: flow.Facts{decoration.FactFloorPlan: "x"}}
	if _, err := fire(t, c, id, bad); err == nil || !strings.Contains(err.Error(), "may not fire") {
		t.Fatalf("forbidden command: %v", err)
	}
	if st := query(t, c, id); st.Snapshot.Seq != 1 {
		t.Errorf("seq %d after a rejected command", st.Snapshot.Seq)
	}
	it := c.GetWorkflowHistory(context.Background(), id, run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := e.GetWorkflowExecutionUpdateAcceptedEventAttributes(); a != nil && a.GetAcceptedRequest().GetMeta().GetUpdateId() == "bad" {
			t.Errorf("the rejected update is in history: %v", e)
		}
	}
}

// TestWorkerStoppedMidProject: a worker stops after five steps; a new
// worker, on a registry that now also holds v2, resumes the v1 project from
// history. Nothing is done twice.
func TestWorkerStoppedMidProject(t *testing.T) {
	ts, c := server(t)
	sink := project.NewMemorySink()
	w1 := newWorker(t, ts, definitions(t, false), sink)
	id := "resumed"
	run := start(t, c, id, 1)
	j := project.Journey(time.Now())
	for _, req := range j[:5] {
		if _, err := fire(t, c, id, req); err != nil {
			t.Fatalf("%s: %v", req.ID, err)
		}
	}
	w1.Stop()
	began := time.Now()
	newWorker(t, ts, definitions(t, true), sink) // v2 deployed meanwhile
	// A command resent after the restart is answered, not applied again.
	r, err := fire(t, c, id, project.FireRequest{ID: j[3].ID, Event: j[3].Event, Actor: j[3].Actor, Role: j[3].Role, Facts: j[3].Facts})
	if err != nil || r.Seq != 4 {
		t.Fatalf("resent c4: %+v, %v", r, err)
	}
	for _, req := range j[5:] {
		if _, err := fire(t, c, id, req); err != nil {
			t.Fatalf("%s: %v", req.ID, err)
		}
	}
	st := finish(t, run)
	t.Logf("resumed on a new worker and finished in %v", time.Since(began).Round(time.Millisecond))
	if st.Snapshot.Version != 1 || st.Snapshot.State != decoration.StateReviewed {
		t.Errorf("end v%d %s, want v1 reviewed", st.Snapshot.Version, st.Snapshot.State)
	}
	if n := onceEach(t, sink, journeyKeys(id)); n != 6 {
		t.Errorf("%d deliveries, want 6", n)
	}
}

// TestContinueAsNew: with four steps per run, the project continues as new
// twice, carrying its snapshot; Updates sent by workflow id reach the
// current run, and every intent's effect happens once.
func TestContinueAsNew(t *testing.T) {
	ts, c := server(t)
	sink := project.NewMemorySink()
	newHostWorker(t, ts, definitions(t, false), sink, func(h *project.Host) { h.StepsPerRun = 4 })
	id := "continued"
	run := start(t, c, id, 1)
	for _, req := range project.Journey(time.Now()) {
		if _, err := fire(t, c, id, req); err != nil {
			t.Fatalf("%s: %v", req.ID, err)
		}
	}
	st := finish(t, run)
	if st.Runs < 2 || st.Snapshot.Seq != 11 || st.Snapshot.State != decoration.StateReviewed {
		t.Errorf("end: runs %d seq %d %s; want at least 2 continued runs, 11 steps, reviewed", st.Runs, st.Snapshot.Seq, st.Snapshot.State)
	}
	onceEach(t, sink, journeyKeys(id))
}

// TestIntentFailsTwice: the store's notification fails twice and then
// succeeds; the owner's notification does its effect but its completion is
// lost once, so it runs again. Each effect happens once, and the project
// went on meanwhile.
func TestIntentFailsTwice(t *testing.T) {
	ts, c := server(t)
	sink := project.NewMemorySink()
	id := "flaky"
	sink.FailNext(id+"/c1/0", 2)
	sink.LoseCompletion(id+"/c2/0", 1)
	newWorker(t, ts, definitions(t, false), sink)
	run := start(t, c, id, 1)
	for _, req := range project.Journey(time.Now()) {
		if _, err := fire(t, c, id, req); err != nil {
			t.Fatalf("%s: %v", req.ID, err)
		}
	}
	finish(t, run)
	if n := sink.Attempts(id + "/c1/0"); n != 3 {
		t.Errorf("c1/0 attempted %d times, want 3", n)
	}
	if n := sink.Attempts(id + "/c2/0"); n != 2 {
		t.Errorf("c2/0 attempted %d times, want 2 (the completion was lost once)", n)
	}
	onceEach(t, sink, journeyKeys(id))
}

// TestDeadlineEscalates: with the measurement due within two seconds, the
// durable timer fires and the definition's escalation reaches headquarters
// once.
func TestDeadlineEscalates(t *testing.T) {
	ts, c := server(t)
	sink := project.NewMemorySink()
	fast, err := decoration.Process(decoration.WithVersion(9), decoration.WithDeadline(decoration.StateApplied, o2o.Duration(2*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	reg := definitions(t, false)
	if err := reg.Add(fast); err != nil {
		t.Fatal(err)
	}
	newWorker(t, ts, reg, sink)
	id := "late"
	start(t, c, id, 9)
	if _, err := fire(t, c, id, project.Journey(time.Now())[0]); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	key := id + "/deadline/0/escalate"
	for time.Since(began) < 30*time.Second {
		if _, ok := sink.Effect(key); ok {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	it, ok := sink.Effect(key)
	if !ok || it.Role != flow.RoleHeadquarters {
		t.Fatalf("escalation %+v, %v", it, ok)
	}
	t.Logf("escalated %v after applying", time.Since(began).Round(time.Millisecond))
	if st := query(t, c, id); !slices.Equal(st.Escalated, []string{"deadline/0/escalate"}) {
		t.Errorf("escalated %v", st.Escalated)
	}
	if n := sink.Attempts(key); n != 1 {
		t.Errorf("escalation delivered %d times", n)
	}
}

// record writes the workflow's history to the host's testdata for its
// replay test, when RECORD is set.
func record(t *testing.T, c client.Client, id, runID string) {
	t.Helper()
	if os.Getenv("RECORD") == "" {
		return
	}
	h := &historypb.History{}
	it := c.GetWorkflowHistory(context.Background(), id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	b, err := protojson.MarshalOptions{Indent: " "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "project", "testdata", fmt.Sprintf("%s-v1.history.json", id))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %d events to %s", len(h.Events), path)
}
