package workflow

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Command asks an instance to fire an event. ID is chosen by the caller and
// makes the command idempotent: firing the same command twice applies it once.
type Command struct {
	// ID identifies the command; required and unique per instance.
	ID string `json:"id" validate:"required"`
	// Event is the event to fire.
	Event string `json:"event" validate:"required"`
	// Actor identifies who acts (a user, a store, a specialist).
	Actor string `json:"actor" validate:"required"`
	// Role is the role the actor acts in.
	Role Role `json:"role" validate:"required"`
	// At is the instant of the command; it may not precede the last step.
	At time.Time `json:"at" validate:"required"`
	// Facts are recorded on the instance when the command succeeds, and are
	// visible to the event's guards.
	Facts Facts `json:"facts,omitempty"`
}

// Result is what a command did.
type Result struct {
	// Event is the event fired.
	Event string `json:"event"`
	// From and To are the states before and after.
	From string `json:"from"`
	To   string `json:"to"`
	// Seq is the history sequence number of the step.
	Seq int `json:"seq"`
	// AlreadyApplied reports a command id applied before: nothing changed now.
	AlreadyApplied bool `json:"alreadyApplied,omitempty"`
	// Intents are the actions for the caller to carry out. They are empty
	// for an AlreadyApplied result (they were handed out the first time).
	Intents []Intent `json:"intents,omitempty"`
}

// Entry is one step of an instance's append-only history.
type Entry struct {
	Seq     int       `json:"seq"`
	Command string    `json:"command"`
	Event   string    `json:"event"`
	Actor   string    `json:"actor"`
	Role    Role      `json:"role"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	At      time.Time `json:"at"`
	// Facts are the facts the command brought (the event's own records are
	// in the definition).
	Facts Facts `json:"facts,omitempty"`
}

// Deadline is the due time for leaving a state, as an absolute instant, so
// that a restore never resets it.
type Deadline struct {
	// State is the state that must be left.
	State string `json:"state"`
	// For says what is due.
	For string `json:"for"`
	// Due is the instant it is due by.
	Due time.Time `json:"due"`
	// Met is when the state was left; zero while open.
	Met time.Time `json:"met,omitzero"`
}

// Late reports whether the deadline was met after its due time, or is still
// open at at and past due.
func (d Deadline) Late(at time.Time) bool {
	if d.Met.IsZero() {
		return at.After(d.Due)
	}
	return d.Met.After(d.Due)
}

// Instance is one project or claim running on a Definition: its state,
// recorded facts, deadlines and history. An Instance is not safe for
// concurrent use; its Definition is. A refused command leaves it exactly as
// it was.
type Instance struct {
	def       *Definition
	state     string
	facts     Facts
	deadlines []Deadline
	history   []Entry
	// index maps command ids to history positions once the history is long.
	index map[string]int
}

// indexFrom is the history length above which command ids are indexed in a
// map instead of scanned.
const indexFrom = 32

// New returns an instance of def in its initial state.
func New(def *Definition) *Instance {
	return &Instance{def: def, state: def.Initial()}
}

// Definition returns the definition the instance runs on.
func (in *Instance) Definition() *Definition { return in.def }

// State returns the current state.
func (in *Instance) State() string { return in.state }

// Seq returns the number of steps taken.
func (in *Instance) Seq() int { return len(in.history) }

// Fact returns a recorded fact.
func (in *Instance) Fact(name string) (string, bool) {
	v, ok := in.facts[name]
	return v, ok
}

// Facts returns a copy of the recorded facts.
func (in *Instance) Facts() Facts { return in.facts.Clone() }

// History returns a copy of the history, oldest first.
func (in *Instance) History() []Entry {
	h := slices.Clone(in.history)
	for i := range h {
		h[i].Facts = h[i].Facts.Clone()
	}
	return h
}

// Deadlines returns a copy of every deadline, met or open.
func (in *Instance) Deadlines() []Deadline { return slices.Clone(in.deadlines) }

// Can reports whether role may fire event now by the table and roles
// (guards are not checked). It does not allocate.
func (in *Instance) Can(event string, role Role) bool {
	t := in.def.lookup(in.state, event)
	return t != nil && slices.Contains(t.roles, role)
}

// Available returns the events that may fire from the current state, sorted.
func (in *Instance) Available() []string { return in.def.Available(in.state) }

// Overdue returns the open deadlines past due at at, oldest due first.
func (in *Instance) Overdue(at time.Time) []Deadline {
	var out []Deadline
	for _, d := range in.deadlines {
		if d.Met.IsZero() && at.After(d.Due) {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b Deadline) int { return a.Due.Compare(b.Due) })
	return out
}

// Fire applies cmd. It checks, in order: the context, the command's fields,
// the command id (an id already applied with the same content gives
// AlreadyApplied; with other content, ErrConflict), the instant, the
// transition (*TransitionError), the role (*ForbiddenError) and the guards
// (*GuardError); then it moves through looplab/fsm, records the facts,
// closes and opens deadlines, and appends to the history. Every refusal
// leaves the instance unchanged. ctx is only checked before anything
// happens; it is never handed to looplab/fsm, so a cancelled context can
// never leave a transition half done.
func (in *Instance) Fire(ctx context.Context, cmd Command) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("fire %q: %w", cmd.Event, err)
	}
	if err := checkCommand(cmd); err != nil {
		return Result{}, err
	}
	if i := in.find(cmd.ID); i >= 0 {
		e := &in.history[i]
		if !sameCommand(e, cmd) {
			return Result{}, fmt.Errorf("command %q (step %d, %s): %w", cmd.ID, e.Seq, e.Event, ErrConflict)
		}
		return Result{Event: e.Event, From: e.From, To: e.To, Seq: e.Seq, AlreadyApplied: true}, nil
	}
	if n := len(in.history); n > 0 && cmd.At.Before(in.history[n-1].At) {
		return Result{}, o2o.Invalidf("at", "%s is before the previous step at %s",
			cmd.At.Format(time.RFC3339), in.history[n-1].At.Format(time.RFC3339))
	}
	t := in.def.lookup(in.state, cmd.Event)
	if t == nil {
		_, known := in.def.events[cmd.Event]
		return Result{}, &TransitionError{Event: cmd.Event, State: in.state, Known: known}
	}
	if !slices.Contains(t.roles, cmd.Role) {
		return Result{}, &ForbiddenError{Event: cmd.Event, Role: cmd.Role, Allowed: slices.Clone(t.roles)}
	}
	v := view{inst: in.facts, cmd: cmd.Facts, rec: t.records}
	for _, g := range t.guards {
		if reason := g.check(v, cmd.At); reason != "" {
			return Result{}, &GuardError{Event: cmd.Event, Guard: g.Name, Reason: reason}
		}
	}
	var next *Deadline
	if t.toIdx != t.fromIdx {
		if spec := in.def.deadline[t.toIdx]; spec != nil {
			due, err := dueTime(spec, v, cmd.At)
			if err != nil {
				return Result{}, err
			}
			next = &Deadline{State: t.to, For: spec.For, Due: due}
		}
	}
	dst, err := in.def.step(in.state, cmd.Event)
	if err != nil {
		return Result{}, err
	}
	if dst != t.to {
		return Result{}, fmt.Errorf("%w: fsm moved %q to %q, table says %q", errInternal, cmd.Event, dst, t.to)
	}
	// Commit: nothing below can fail.
	if len(cmd.Facts) > 0 || len(t.records) > 0 {
		if in.facts == nil {
			in.facts = make(Facts, len(cmd.Facts)+len(t.records))
		}
		for k, val := range cmd.Facts {
			in.facts[k] = val
		}
		for _, f := range t.records {
			in.facts[f.key] = f.value
		}
	}
	if t.toIdx != t.fromIdx {
		for i := range in.deadlines {
			if d := &in.deadlines[i]; d.Met.IsZero() && d.State == t.from {
				d.Met = cmd.At
			}
		}
		if next != nil {
			in.deadlines = append(in.deadlines, *next)
		}
	}
	seq := len(in.history) + 1
	in.history = append(in.history, Entry{
		Seq: seq, Command: cmd.ID, Event: cmd.Event, Actor: cmd.Actor, Role: cmd.Role,
		From: t.from, To: t.to, At: cmd.At, Facts: cmd.Facts.Clone(),
	})
	if in.index != nil {
		in.index[cmd.ID] = seq - 1
	}
	in.state = t.to
	r := Result{Event: cmd.Event, From: t.from, To: t.to, Seq: seq}
	if len(t.intents) > 0 {
		r.Intents = slices.Clone(t.intents)
	}
	return r, nil
}

func checkCommand(c Command) error {
	var f []o2o.FieldError
	if c.ID == "" {
		f = append(f, o2o.FieldError{Path: "id", Reason: "is required"})
	}
	if c.Event == "" {
		f = append(f, o2o.FieldError{Path: "event", Reason: "is required"})
	}
	if c.Actor == "" {
		f = append(f, o2o.FieldError{Path: "actor", Reason: "is required"})
	}
	if !c.Role.Valid() {
		f = append(f, o2o.FieldError{Path: "role", Reason: fmt.Sprintf("unknown role %q", c.Role)})
	}
	if c.At.IsZero() {
		f = append(f, o2o.FieldError{Path: "at", Reason: "is required"})
	}
	if f != nil {
		return &o2o.ValidationError{Fields: f}
	}
	return nil
}

func sameCommand(e *Entry, c Command) bool {
	return e.Event == c.Event && e.Actor == c.Actor && e.Role == c.Role && e.At.Equal(c.At) &&
		maps.Equal(e.Facts, c.Facts)
}

// find returns the history position of command id, or -1.
func (in *Instance) find(id string) int {
	if in.index == nil && len(in.history) > indexFrom {
		in.index = make(map[string]int, len(in.history)*2)
		for i := range in.history {
			in.index[in.history[i].Command] = i
		}
	}
	if in.index != nil {
		if i, ok := in.index[id]; ok {
			return i
		}
		return -1
	}
	for i := len(in.history) - 1; i >= 0; i-- {
		if in.history[i].Command == id {
			return i
		}
	}
	return -1
}

func dueTime(spec *DeadlineSpec, v view, at time.Time) (time.Time, error) {
	from := at
	if spec.From != "" {
		s, _ := v.get(spec.From)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, o2o.Invalidf("facts."+spec.From, "is %q, want an RFC 3339 instant the deadline %q counts from", s, spec.For)
		}
		from = t
	}
	return from.Add(time.Duration(spec.Within)), nil
}
