package workflow

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/looplab/fsm"
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
	// visible to the event's guards. Names must be distinct; their order
	// does not matter (a command repeated with the same facts in another
	// order is the same command). Its JSON form is an object, as for Facts;
	// build one from a map with Facts.List.
	Facts FactList `json:"facts,omitempty"`
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
	// Intents are the actions for the caller to carry out, as a read-only
	// view of the definition's own list (Fire does not copy it). They are
	// empty for an AlreadyApplied result (they were handed out the first
	// time).
	Intents Intents `json:"intents,omitzero"`
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
	// Facts are the facts the command brought, sorted by name (the event's
	// own records are in the definition).
	Facts FactList `json:"facts,omitempty"`
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
// it was. The zero Instance is empty, on no definition: it fires nothing
// until Load gives it one. An Instance must not be copied (copies would
// share its memory); Snapshot and Restore make an independent one.
type Instance struct {
	def *Definition
	// si is the index of the current state in def.
	si int
	// last is the instant of the last step or migration.
	last time.Time
	// facts are the recorded facts, in the order each was first written.
	facts     []Fact
	deadlines []Deadline
	history   []record
	// The history's entries: past holds those restored (the snapshot's
	// own after RestoreOwned), then those fired since while its backing
	// array has room (a decoded snapshot's usually has); more holds the
	// rest as compact steps, in chunks, so that a growing history never
	// copies its entries. Entries are never changed once written; Migrate
	// turns the compact steps into entries in a new past, as their
	// transitions are the old definition's.
	past []Entry
	more []*[entryChunk]fired
	// hfacts is the free room of the chunk the facts of new steps are
	// stored in; each entry keeps a capped slice of it.
	hfacts []Fact
	// migrations lists the moves to newer versions, oldest first. The last
	// one is the checkpoint the live history is validated from.
	migrations []Migration
	// index maps command ids to history positions once the history is long.
	index map[string]int
	// machine is the looplab machine of def that an instance filled by
	// Load keeps from step to step and from load to load (other instances
	// take one from def's pool for each step); machineAt is the index of
	// the state it is in, or -1.
	machine   *fsm.FSM
	machineAt int
	keep      bool
}

// record indexes one history step. It holds no pointers, so building a
// history costs no GC write barriers.
type record struct {
	// idh is idHash of the step's command id, to skip most string
	// comparisons in scans.
	idh uint32
	// t is the transition taken, by Definition.all; -1 for a step restored
	// from before a migration.
	t int32
}

// fired is a step fired on this instance and kept in Instance.more: an
// Entry without what its transition (record.t, of the instance's current
// definition) and its position give. It has half an Entry's size and
// pointers, so writing one costs fewer GC write barriers.
type fired struct {
	cmd, actor string
	at         time.Time
	facts      FactList
	// role is the role by roleIndex.
	role uint8
}

// entryChunk is the number of steps in one chunk of Instance.more.
const entryChunk = 16

// fired returns step i, which is not in past.
func (in *Instance) fired(i int) *fired {
	j := i - len(in.past)
	return &in.more[j/entryChunk][j%entryChunk]
}

// entry returns step i's entry.
func (in *Instance) entry(i int) Entry {
	if i < len(in.past) {
		return in.past[i]
	}
	f := in.fired(i)
	t := in.def.all[in.history[i].t]
	return Entry{Seq: i + 1, Command: f.cmd, Event: t.event, Actor: f.actor, Role: roleAt(f.role),
		From: t.from, To: t.to, At: f.at, Facts: f.facts}
}

// command returns step i's command id.
func (in *Instance) command(i int) string {
	if i < len(in.past) {
		return in.past[i].Command
	}
	return in.fired(i).cmd
}

// idHash is a cheap fingerprint of a command id: its length and last
// bytes, where ids in a sequence usually differ.
func idHash(id string) uint32 {
	n := len(id)
	h := uint32(n) << 24
	if n > 0 {
		h ^= uint32(id[n-1])
	}
	if n > 1 {
		h ^= uint32(id[n-2]) << 8
	}
	if n > 2 {
		h ^= uint32(id[n-3]) << 16
	}
	return h
}

// indexFrom is the history length above which command ids are indexed in a
// map instead of scanned.
const indexFrom = 32

// New returns an instance of def in its initial state.
func New(def *Definition) *Instance {
	return &Instance{def: def, si: def.initial}
}

// Definition returns the definition the instance runs on.
func (in *Instance) Definition() *Definition { return in.def }

// State returns the current state ("" for the zero Instance).
func (in *Instance) State() string {
	if in.def == nil {
		return ""
	}
	return in.def.states[in.si]
}

// Seq returns the number of steps taken.
func (in *Instance) Seq() int { return len(in.history) }

// Fact returns a recorded fact.
func (in *Instance) Fact(name string) (string, bool) { return getFact(in.facts, name) }

// Facts returns a copy of the recorded facts.
func (in *Instance) Facts() Facts { return factMap(in.facts) }

// History returns a copy of the history, oldest first.
func (in *Instance) History() []Entry {
	h := make([]Entry, len(in.history), len(in.history)+2)
	for i := range in.history {
		h[i] = in.entry(i)
		h[i].Facts = sortedList(h[i].Facts)
	}
	return h
}

// Deadlines returns a copy of every deadline, met or open.
func (in *Instance) Deadlines() []Deadline { return cloneDeadlines(in.deadlines) }

// cloneDeadlines copies ds, nil when empty.
func cloneDeadlines(ds []Deadline) []Deadline {
	if len(ds) == 0 {
		return nil
	}
	return slices.Clone(ds)
}

// Migrations returns a copy of the instance's migrations, oldest first.
func (in *Instance) Migrations() []Migration { return cloneMigrations(in.migrations) }

// Can reports whether role may fire event now by the table and roles
// (guards are not checked). It does not allocate.
func (in *Instance) Can(event string, role Role) bool {
	if in.def == nil {
		return false
	}
	t := in.def.from(in.si, event)
	ri, ok := roleIndex(role)
	return t != nil && ok && t.mask&(1<<ri) != 0
}

// Available returns the events that may fire from the current state, sorted.
func (in *Instance) Available() []string {
	if in.def == nil {
		return nil
	}
	return in.def.Available(in.State())
}

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
// (*GuardError), data guards and Go guard functions alike; then it moves
// through looplab/fsm, records the facts, closes and opens deadlines, and
// appends to the history. Every refusal leaves the instance unchanged. ctx
// is only checked before anything happens; it is never handed to
// looplab/fsm, so a cancelled context can never leave a transition half
// done.
func (in *Instance) Fire(ctx context.Context, cmd Command) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("fire %q: %w", cmd.Event, err)
	}
	if err := checkCommand(cmd); err != nil {
		return Result{}, err
	}
	if in.def == nil {
		return Result{}, errEmpty()
	}
	h := idHash(cmd.ID)
	if i := in.find(cmd.ID, h); i >= 0 {
		e := in.entry(i)
		if !sameCommand(&e, cmd) {
			return Result{}, fmt.Errorf("command %q (step %d, %s): %w", cmd.ID, i+1, e.Event, ErrConflict)
		}
		return Result{Event: e.Event, From: e.From, To: e.To, Seq: i + 1, AlreadyApplied: true}, nil
	}
	if last := in.lastAt(); cmd.At.Before(last) {
		return Result{}, o2o.Invalidf("at", "%s is before the previous step at %s",
			cmd.At.Format(time.RFC3339), last.Format(time.RFC3339))
	}
	t := in.def.from(in.si, cmd.Event)
	if t == nil {
		_, known := in.def.events[cmd.Event]
		return Result{}, &TransitionError{Event: cmd.Event, State: in.State(), Known: known}
	}
	ri, _ := roleIndex(cmd.Role) // checkCommand checked the role
	if t.mask&(1<<ri) == 0 {
		return Result{}, &ForbiddenError{Event: cmd.Event, Role: cmd.Role, Allowed: slices.Clone(t.roles)}
	}
	v := view{inst: in.facts, cmd: cmd.Facts, rec: t.records}
	for _, g := range t.guards {
		if err := g.check(&v, t, cmd); err != nil {
			return Result{}, err
		}
	}
	var next *Deadline
	if t.toIdx != t.fromIdx {
		if spec := in.def.deadline[t.toIdx]; spec != nil {
			due, err := v.due(spec, cmd.At)
			if err != nil {
				return Result{}, o2o.Prefix("facts", err)
			}
			next = &Deadline{State: t.to, For: spec.For, Due: due}
		}
	}
	if err := in.step(t); err != nil {
		return Result{}, err
	}
	// Commit: nothing below can fail.
	var written FactList
	if n := len(cmd.Facts); n > 0 {
		if cap(in.hfacts)-len(in.hfacts) < n {
			in.hfacts = make([]Fact, 0, max(n, min(2*cap(in.hfacts), 64)))
		}
		lo := len(in.hfacts)
		in.hfacts = append(in.hfacts, cmd.Facts...)
		written = in.hfacts[lo:len(in.hfacts):len(in.hfacts)]
		in.facts = fold(in.facts, written)
	}
	if len(t.records) > 0 {
		in.facts = fold(in.facts, t.records)
	}
	if t.toIdx != t.fromIdx {
		in.deadlines = moveDeadlines(in.deadlines, t.from, cmd.At, next)
	}
	if j := len(in.history) - len(in.past); j == 0 && len(in.past) < cap(in.past) {
		// the restored history's spare room
		in.past = append(in.past, Entry{Seq: len(in.history) + 1, Command: cmd.ID, Event: cmd.Event, Actor: cmd.Actor,
			Role: cmd.Role, From: t.from, To: t.to, At: cmd.At, Facts: written})
	} else {
		if j%entryChunk == 0 {
			in.more = append(in.more, new([entryChunk]fired))
		}
		// Field by field: no temporary to copy.
		f := &in.more[j/entryChunk][j%entryChunk]
		f.cmd, f.actor, f.at, f.role = cmd.ID, cmd.Actor, cmd.At, ri
		if written != nil {
			f.facts = written
		}
	}
	in.history = append(in.history, record{idh: h, t: t.id})
	seq := len(in.history)
	if in.index != nil {
		in.index[cmd.ID] = seq - 1
	}
	in.si, in.last = t.toIdx, cmd.At
	r := Result{Event: cmd.Event, From: t.from, To: t.to, Seq: seq}
	r.Intents = Intents{list: t.intents}
	return r, nil
}

// step takes t through looplab/fsm: on the instance's own machine if it
// keeps one (see Load), else on one of the definition's pool.
func (in *Instance) step(t *transition) error {
	if !in.keep {
		return in.def.step(t)
	}
	if in.machine == nil {
		in.machine, in.machineAt = in.def.pool.Get().(*fsm.FSM), -1
	}
	if err := stepOn(in.machine, t, in.machineAt != t.fromIdx); err != nil {
		in.machineAt = -1
		return err
	}
	in.machineAt = t.toIdx
	return nil
}

// release hands a kept machine back to the pool of the definition it was
// taken from, before the instance moves to another definition.
func (in *Instance) release() {
	if in.machine != nil {
		in.def.pool.Put(in.machine)
		in.machine = nil
	}
}

// moveDeadlines closes the open deadline of the state left at at and opens
// next, if any.
func moveDeadlines(ds []Deadline, left string, at time.Time, next *Deadline) []Deadline {
	for i := range ds {
		if d := &ds[i]; d.Met.IsZero() && d.State == left {
			d.Met = at
		}
	}
	if next != nil {
		ds = append(ds, *next)
	}
	return ds
}

// lastAt is the instant of the last step or migration (zero for none).
func (in *Instance) lastAt() time.Time { return in.last }

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
	if len(c.Facts) > 1 && !c.Facts.distinct() {
		f = append(f, o2o.FieldError{Path: "facts", Reason: "names a fact twice"})
	}
	if f != nil {
		return &o2o.ValidationError{Fields: f}
	}
	return nil
}

func sameCommand(e *Entry, c Command) bool {
	return e.Event == c.Event && e.Actor == c.Actor && e.Role == c.Role && e.At.Equal(c.At) &&
		sameList(e.Facts, c.Facts)
}

// find returns the history position of command id, or -1.
func (in *Instance) find(id string, h uint32) int {
	if in.index == nil && len(in.history) > indexFrom {
		in.index = make(map[string]int, len(in.history)*2)
		for i := range in.history {
			in.index[in.command(i)] = i
		}
	}
	if in.index != nil {
		if i, ok := in.index[id]; ok {
			return i
		}
		return -1
	}
	for i := len(in.history) - 1; i >= 0; i-- {
		if in.history[i].idh == h && in.command(i) == id {
			return i
		}
	}
	return -1
}

// dueTime is when a deadline entered at at falls due; s is the value of
// the fact it counts from, if it names one.
func dueTime(spec *DeadlineSpec, s string, at time.Time) (time.Time, error) {
	from := at
	if spec.From != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, badDueFrom(spec, s)
		}
		from = t
	}
	return from.Add(time.Duration(spec.Within)), nil
}

// dueInstant is dueTime for comparing only: the same instant, in UTC,
// without the location time.Parse allocates for an offset.
func dueInstant(spec *DeadlineSpec, s string, at time.Time) (time.Time, error) {
	if spec.From == "" {
		return at.Add(time.Duration(spec.Within)), nil
	}
	from, ok := parseInstant(s)
	if !ok {
		return time.Time{}, badDueFrom(spec, s)
	}
	return from.Add(time.Duration(spec.Within)), nil
}

func badDueFrom(spec *DeadlineSpec, s string) error {
	return o2o.Invalidf(spec.From, "is %q, want an RFC 3339 instant the deadline %q counts from", s, spec.For)
}

// UnmarshalJSON decodes strictly: unknown fields, repeated keys and
// trailing data are errors. The command itself is checked by Fire.
func (c *Command) UnmarshalJSON(data []byte) error {
	type plain Command
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*c = Command(p)
	return nil
}

// UnmarshalJSON decodes strictly: unknown fields, repeated keys and
// trailing data are errors.
func (r *Result) UnmarshalJSON(data []byte) error {
	type plain Result
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*r = Result(p)
	return nil
}
