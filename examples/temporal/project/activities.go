package project

import (
	"context"
	_ "embed"
	"fmt"
	"sync"

	flow "github.com/o2okit/o2okit/workflow"

	"github.com/o2okit/o2okit/workflow/decoration"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Sink carries out intents: it notifies the store, schedules the crew,
// escalates to headquarters. Temporal runs each intent at least once (a
// lost completion runs it again), so Deliver must do its effect at most
// once per key: it is given the project's id and the intent's key, stable
// across retries, restarts and continue-as-new.
type Sink interface {
	Deliver(ctx context.Context, key string, it flow.Intent) error
}

// Activities are the project's activities.
type Activities struct {
	Sink Sink
}

// RunIntent carries out one intent through the Sink, keyed by the project
// and the intent's key.
func (a *Activities) RunIntent(ctx context.Context, t Task) error {
	if t.Intent.Key == "" {
		return fmt.Errorf("intent %q has no key", t.Intent.Kind)
	}
	return a.Sink.Deliver(ctx, t.ProjectID+"/"+t.Intent.Key, t.Intent)
}

// Register registers the workflow and the activities on a worker. Build h's
// Registry before, outside workflow code.
func Register(r worker.Registry, h *Host, a *Activities) {
	r.RegisterWorkflowWithOptions(h.Run, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterActivityWithOptions(a.RunIntent, activity.RegisterOptions{Name: ActivityRunIntent})
}

// decorationV1 is version 1 of the decoration flow as this host first
// deployed it, kept as data. A durable host replays the commands it
// recorded against the definition they ran on, so it pins each version's
// Spec as JSON rather than rebuilding it from the SDK's code, which may
// grow stricter from one release to the next (a later release of the SDK
// enforces more of the decoration promises in its own version 1).
//
//go:embed decoration-v1.json
var decorationV1 []byte

// Definitions builds the registry a worker runs on: the decoration flow
// version 1 and, when v2 is true, version 2 as well (the measurement due
// within 24 hours instead of 48). Call it at worker start.
func Definitions(v2 bool) (*flow.Registry, error) {
	v1, err := flow.ParseSpec(decorationV1)
	if err != nil {
		return nil, err
	}
	reg, err := flow.NewRegistry(v1)
	if err != nil || !v2 {
		return reg, err
	}
	// Version 2 is version 1 with a shorter measurement deadline.
	spec := v1.Spec()
	spec.Version = 2
	for i := range spec.States {
		if st := &spec.States[i]; st.Name == decoration.StateApplied && st.Deadline != nil {
			dl := *st.Deadline
			dl.Within = flow.Hours(24)
			st.Deadline = &dl
		}
	}
	d2, err := flow.Build(spec)
	if err != nil {
		return nil, err
	}
	return reg, reg.Add(d2)
}

// MemorySink is an in-memory Sink that does each key's effect once and
// counts every delivery attempt, for the example and its tests. A real
// Sink keeps its keys where its effect lives (the same database
// transaction, or the receiving system's idempotency key).
type MemorySink struct {
	mu       sync.Mutex
	attempts map[string]int
	done     map[string]flow.Intent
	order    []string
	failures map[string]int
	lost     map[string]int
}

// NewMemorySink returns an empty MemorySink.
func NewMemorySink() *MemorySink {
	return &MemorySink{attempts: map[string]int{}, done: map[string]flow.Intent{}, failures: map[string]int{}, lost: map[string]int{}}
}

// FailNext makes the next n deliveries of key fail before its effect.
func (s *MemorySink) FailNext(key string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[key] = n
}

// LoseCompletion makes the next n deliveries of key fail after its effect,
// as when a worker dies between doing the effect and reporting it: Temporal
// runs the activity again, and the key keeps the effect single.
func (s *MemorySink) LoseCompletion(key string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lost[key] = n
}

// Deliver does the intent's effect once per key; later deliveries of the
// same key succeed without doing it again.
func (s *MemorySink) Deliver(_ context.Context, key string, it flow.Intent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts[key]++
	if s.failures[key] > 0 {
		s.failures[key]--
		return fmt.Errorf("deliver %s: injected failure", key)
	}
	if _, ok := s.done[key]; !ok {
		s.done[key] = it
		s.order = append(s.order, key)
	}
	if s.lost[key] > 0 {
		s.lost[key]--
		return fmt.Errorf("deliver %s: completion lost after the effect", key)
	}
	return nil
}

// Attempts returns how many times key was delivered, failures included.
func (s *MemorySink) Attempts(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[key]
}

// Effects returns the keys whose effect was done, in order: each once.
func (s *MemorySink) Effects() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.order...)
}

// Effect returns the intent done under key.
func (s *MemorySink) Effect(key string) (flow.Intent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.done[key]
	return it, ok
}
