// Package project runs one decoration project as one Temporal workflow.
// The rules are o2okit's pure workflow package: the Temporal workflow holds
// a workflow.Instance as its state and only carries out what the instance
// decides. Commands arrive as the Update "fire" (its validator refuses a
// command the instance would refuse, before it enters history); intents run
// as activities beside the main loop, at least once, deduplicated by their
// keys in the Sink; the open deadline waits on a durable timer whose firing
// sends the escalation its definition names; the query "state" returns the
// snapshot and the Mermaid diagram; and the run continues as new, carrying
// the snapshot, when the server suggests it.
//
// Every instant the rules see comes from Temporal (workflow.Now), never the
// wall clock, so a replay decides exactly as the first run did.
package project

import (
	"context"
	"fmt"
	"slices"
	"time"

	flow "github.com/o2okit/o2okit/workflow"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Names shared by the worker and its clients.
const (
	// WorkflowName is the registered name of the project workflow.
	WorkflowName = "DecorationProject"
	// UpdateFire is the Update that fires a command.
	UpdateFire = "fire"
	// QueryState is the query returning a State.
	QueryState = "state"
	// ActivityRunIntent is the activity that carries out one intent.
	ActivityRunIntent = "RunIntent"
	// TaskQueue is the task queue the example uses.
	TaskQueue = "decoration"
	// ChangeActivityIDs names the GetVersion marker of the change that gives
	// each intent's activity its key as activity id (see Host.Run).
	ChangeActivityIDs = "intent-activity-id"
	// DrainTimeout is how long a run about to continue as new waits for
	// its running intents to finish before carrying them over.
	DrainTimeout = time.Minute
)

// Input starts a project, or continues one as new.
type Input struct {
	// ProjectID identifies the project; it prefixes intent keys in the
	// Sink, since command ids are unique only within a project.
	ProjectID string `json:"projectId"`
	// Definition and Version choose the definition a new project runs on;
	// the client picks them (Registry.Latest) so the choice is in history.
	// A continued run takes them from Snapshot.
	Definition string `json:"definition"`
	Version    int    `json:"version"`
	// Snapshot is the project carried over by continue-as-new; nil for a
	// new project.
	Snapshot *flow.Snapshot `json:"snapshot,omitempty"`
	// Pending are intents started but not confirmed done by the previous
	// run; they run again (the Sink deduplicates by key).
	Pending []flow.Intent `json:"pending,omitempty"`
	// Escalated are the keys of escalations already sent.
	Escalated []string `json:"escalated,omitempty"`
	// Runs counts the runs before this one.
	Runs int `json:"runs,omitempty"`
}

// FireRequest is the argument of the Update "fire": a command without its
// instant, which the workflow takes from Temporal.
type FireRequest struct {
	ID    string     `json:"id"`
	Event string     `json:"event"`
	Actor string     `json:"actor"`
	Role  flow.Role  `json:"role"`
	Facts flow.Facts `json:"facts,omitempty"`
}

// State is the answer of the query "state", and the workflow's result.
type State struct {
	Snapshot  flow.Snapshot `json:"snapshot"`
	Mermaid   string        `json:"mermaid"`
	Available []string      `json:"available,omitempty"`
	Pending   []flow.Intent `json:"pending,omitempty"`
	Escalated []string      `json:"escalated,omitempty"`
	Runs      int           `json:"runs"`
}

// Task is the argument of the activity RunIntent.
type Task struct {
	ProjectID string      `json:"projectId"`
	Intent    flow.Intent `json:"intent"`
}

// Host is the workflow's code with the definitions it runs on, built once
// at worker start (outside workflow code) and never changed while the
// worker runs.
type Host struct {
	// Registry holds every definition a running project may be on.
	Registry *flow.Registry
	// StepsPerRun, when positive, continues as new after that many steps
	// in one run even if the server has not suggested it (for tests).
	StepsPerRun int
	// IntentRetry is the retry policy of intent activities; nil retries
	// forever with backoff from one second to one minute.
	IntentRetry *temporal.RetryPolicy
	// BeforeActivityIDs runs the workflow as it was before the change
	// ChangeActivityIDs: no version marker, activity ids chosen by the
	// SDK. It exists only so that a test can record a history of the old
	// code and prove that today's code still replays it; never set it in a
	// worker.
	BeforeActivityIDs bool
}

// project is one run's state.
type project struct {
	id        string
	inst      *flow.Instance
	pending   []flow.Intent
	escalated []string
	changed   int
	steps     int
	runs      int
	idVersion workflow.Version
}

// Run is the workflow: one decoration project from its first command to a
// terminal state with every intent carried out.
func (h *Host) Run(ctx workflow.Context, in Input) (State, error) {
	inst, err := h.instance(in)
	if err != nil {
		return State{}, temporal.NewNonRetryableApplicationError(err.Error(), "invalid-input", err)
	}
	p := &project{id: in.ProjectID, inst: inst, escalated: slices.Clone(in.Escalated), runs: in.Runs}
	// Version 1 gives each intent activity its key as activity id, which
	// makes histories readable; DefaultVersion left the id to the SDK. A
	// project started before the change replays on the old branch.
	if h.BeforeActivityIDs {
		p.idVersion = workflow.DefaultVersion
	} else {
		p.idVersion = workflow.GetVersion(ctx, ChangeActivityIDs, workflow.DefaultVersion, 1)
	}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) { return p.state(), nil }); err != nil {
		return State{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateFire,
		func(ctx workflow.Context, req FireRequest) (flow.Result, error) { return p.fire(ctx, h, req) },
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req FireRequest) error {
			return p.inst.Check(context.Background(), command(ctx, p.inst, req))
		}}); err != nil {
		return State{}, err
	}
	for _, it := range in.Pending {
		p.start(ctx, h, it)
	}
	for {
		if p.inst.Definition().IsTerminal(p.inst.State()) && len(p.pending) == 0 && workflow.AllHandlersFinished(ctx) {
			return p.state(), nil
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() || (h.StepsPerRun > 0 && p.steps >= h.StepsPerRun) {
			// Let running intents finish for a while, so the next run does
			// not start them again; those still running are carried over
			// and run again, which their keys make harmless.
			if _, err := workflow.AwaitWithTimeout(ctx, DrainTimeout, func() bool { return len(p.pending) == 0 }); err != nil {
				return State{}, err
			}
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return State{}, err
			}
			snap := p.inst.Snapshot()
			return State{}, workflow.NewContinueAsNewError(ctx, WorkflowName, Input{
				ProjectID: p.id, Definition: snap.Definition, Version: snap.Version, Snapshot: &snap,
				Pending: slices.Clone(p.pending), Escalated: slices.Clone(p.escalated), Runs: p.runs + 1,
			})
		}
		now := workflow.Now(ctx)
		for _, esc := range p.inst.Escalations(now) {
			if !slices.Contains(p.escalated, esc.Key) {
				p.escalated = append(p.escalated, esc.Key)
				p.start(ctx, h, esc)
			}
		}
		seen := p.changed
		changed := func() bool { return p.changed != seen }
		var err error
		if d, ok := p.inst.NextDue(); ok && !now.After(d.Due) {
			// Overdue means strictly after the due time: wake just past it.
			_, err = workflow.AwaitWithTimeout(ctx, d.Due.Sub(now)+time.Millisecond, changed)
		} else {
			err = workflow.Await(ctx, changed)
		}
		if err != nil {
			return State{}, err
		}
	}
}

// instance restores the carried snapshot with the definition it names, or
// starts a new instance on the definition the input names.
func (h *Host) instance(in Input) (*flow.Instance, error) {
	if in.ProjectID == "" {
		return nil, fmt.Errorf("project id is required")
	}
	if in.Snapshot != nil {
		return h.Registry.Restore(*in.Snapshot)
	}
	def, ok := h.Registry.Lookup(in.Definition, in.Version)
	if !ok {
		return nil, fmt.Errorf("definition %s v%d is not registered", in.Definition, in.Version)
	}
	return flow.New(def), nil
}

// command is req at the workflow's current time, or, for a command id
// already applied, at the instant it was applied, so that a resent command
// is recognised as the same one and not as a conflict.
func command(ctx workflow.Context, inst *flow.Instance, req FireRequest) flow.Command {
	c := flow.Command{ID: req.ID, Event: req.Event, Actor: req.Actor, Role: req.Role, At: workflow.Now(ctx), Facts: req.Facts}
	if prev, ok := inst.Applied(req.ID); ok {
		c.At = prev.At
	}
	return c
}

// fire applies the command; the validator has already checked it against
// the same instance in the same workflow task.
func (p *project) fire(ctx workflow.Context, h *Host, req FireRequest) (flow.Result, error) {
	r, err := p.inst.Fire(context.Background(), command(ctx, p.inst, req))
	if err != nil {
		return r, err
	}
	if !r.AlreadyApplied {
		p.steps++
		for _, it := range r.Intents {
			p.start(ctx, h, it)
		}
	}
	p.changed++
	return r, nil
}

// start runs an intent's activity in its own coroutine, beside the main
// loop, so that a retried intent never holds the loop (nor a deadline).
func (p *project) start(ctx workflow.Context, h *Host, it flow.Intent) {
	p.pending = append(p.pending, it)
	workflow.Go(ctx, func(ctx workflow.Context) {
		retry := h.IntentRetry
		if retry == nil {
			retry = &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute}
		}
		opts := workflow.ActivityOptions{StartToCloseTimeout: time.Minute, RetryPolicy: retry}
		if p.idVersion >= 1 {
			opts.ActivityID = it.Key
		}
		actx := workflow.WithActivityOptions(ctx, opts)
		err := workflow.ExecuteActivity(actx, ActivityRunIntent, Task{ProjectID: p.id, Intent: it}).Get(actx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Error("intent not carried out", "key", it.Key, "error", err)
		}
		p.pending = slices.DeleteFunc(p.pending, func(q flow.Intent) bool { return q.Key == it.Key })
		p.changed++
	})
}

func (p *project) state() State {
	return State{
		Snapshot:  p.inst.Snapshot(),
		Mermaid:   p.inst.Definition().Mermaid(p.inst.State()),
		Available: p.inst.Available(),
		Pending:   slices.Clone(p.pending),
		Escalated: slices.Clone(p.escalated),
		Runs:      p.runs,
	}
}
