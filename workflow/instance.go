package workflow

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/o2okit/o2okit/internal/limits"
	"github.com/o2okit/o2okit/o2o"
)

// Command asks an instance to fire an event. ID is chosen by the caller and
// makes the command idempotent: firing the same command twice applies it once.
type Command struct {
	// ID identifies the command; required and unique per instance. ID,
	// Event, Actor and the facts' names and values must be valid UTF-8,
	// which a snapshot's JSON can carry unchanged.
	ID string `json:"id" validate:"required"`
	// Event is the event to fire.
	Event string `json:"event" validate:"required"`
	// Actor identifies who acts (a user, a store, a specialist).
	Actor string `json:"actor" validate:"required"`
	// Role is the role the actor acts in.
	Role Role `json:"role" validate:"required"`
	// At is the instant of the command; it may not precede the last step,
	// and it and every due time it sets lie within years 0 to 9999 (the
	// years a snapshot can encode).
	At time.Time `json:"at" validate:"required"`
	// Facts are recorded on the instance when the command succeeds, and are
	// visible to the event's guards. The instance keeps a copy. At most
	// MaxFacts.
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
	// Intents are the actions for the caller to carry out, each with its
	// Key. A repeated command (AlreadyApplied) hands back the same intents
	// with the same keys, so a caller that could not carry them out the
	// first time can do so now, deduplicating by key (a step taken before
	// the instance's last migration hands back none: they were the old
	// version's). The slice is the caller's.
	Intents []Intent `json:"intents,omitempty"`
}

// Entry is one step of an instance's append-only history.
type Entry struct {
	// Seq is the step's number, from 1.
	Seq int `json:"seq"`
	// Command is the id of the command that took the step.
	Command string `json:"command"`
	// Event is the event fired; From and To the states before and after.
	Event string `json:"event"`
	// Actor and Role are who fired it.
	Actor string `json:"actor"`
	Role  Role   `json:"role"`
	From  string `json:"from"`
	To    string `json:"to"`
	// At is the command's instant.
	At time.Time `json:"at"`
	// Facts are the facts the command brought (the event's own records are
	// in the definition).
	Facts Facts `json:"facts,omitempty"`
	// Hash chains the history: the SHA-256, in hex, of the previous
	// entry's Hash and every other field of this entry. Snapshot and
	// History fill it in; Restore refuses a history whose hashes do not
	// match. It reveals accidental damage, not a deliberate edit (see
	// Snapshot.Seal).
	Hash string `json:"hash"`
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

// String describes the deadline: state, what is due, due time, met time.
func (d Deadline) String() string {
	s := d.State + " (" + d.For + ") due " + d.Due.Format(time.RFC3339)
	if d.Met.IsZero() {
		return s + ", open"
	}
	return s + ", met " + d.Met.Format(time.RFC3339)
}

// Instance is one project or claim running on a Definition: its state,
// recorded facts, deadlines and history. An Instance is not safe for
// concurrent use; its Definition is. A refused command leaves it exactly as
// it was. The zero Instance is empty, on no definition: it fires nothing.
// Snapshot and Restore make an independent copy of one.
type Instance struct {
	def *Definition
	// si is the index of the current state in def.
	si int
	// last is the instant of the last step or migration.
	last      time.Time
	facts     Facts
	deadlines []Deadline
	// history holds the steps, oldest first: those restored with the
	// hashes Restore checked, those fired since without (History computes
	// them).
	history []Entry
	// ids maps each command id to its step's index in history (see stepOf).
	ids map[string]int
	// migrations lists the moves to newer versions, oldest first. The last
	// one is the checkpoint the live history is validated from.
	migrations []Migration
}

// New returns an instance of def in its initial state.
func New(def *Definition) *Instance {
	return &Instance{def: def, si: def.initial, history: make([]Entry, 0, roomSteps)}
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
func (in *Instance) Fact(name string) (string, bool) {
	v, ok := in.facts[name]
	return v, ok
}

// Facts returns a copy of the recorded facts.
func (in *Instance) Facts() Facts { return in.facts.Clone() }

// History returns a copy of the history, oldest first, with its hashes.
func (in *Instance) History() []Entry {
	h := make([]Entry, len(in.history))
	prev := ""
	for i := range in.history {
		h[i] = in.history[i]
		h[i].Facts = h[i].Facts.Clone()
		if h[i].Hash == "" {
			h[i].Hash = entryHash(prev, &h[i])
		}
		prev = h[i].Hash
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
// (guards are not checked).
func (in *Instance) Can(event string, role Role) bool {
	if in.def == nil {
		return false
	}
	t := in.def.leaving(in.si, event)
	return t != nil && slices.Contains(t.roles, role)
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
// transition (*TransitionError), the role (*ForbiddenError), the facts'
// writers when the definition declares them (Spec.Facts: a
// *ForbiddenError naming the Fact), the guards (*GuardError), data guards and Go guard functions alike, and the due time
// of the deadline the step opens; then it moves through looplab/fsm,
// records the facts, closes and opens deadlines, and appends to the
// history. Every refusal leaves the instance unchanged. ctx is only
// checked before anything happens; it is never handed to looplab/fsm, so a
// cancelled context can never leave a transition half done.
func (in *Instance) Fire(ctx context.Context, cmd Command) (Result, error) {
	p, err := in.prepare(ctx, cmd)
	switch {
	case err != nil:
		return Result{}, err
	case p.repeat != nil:
		return *p.repeat, nil
	}
	t, next := p.t, p.next
	if err := in.def.step(t); err != nil {
		return Result{}, err
	}
	// Commit: nothing below can fail.
	facts := cmd.Facts.Clone()
	if n := len(facts) + len(t.records); n > 0 {
		if in.facts == nil {
			in.facts = make(Facts, n)
		}
		maps.Copy(in.facts, facts)
		maps.Copy(in.facts, t.records)
	}
	if t.toIdx != t.fromIdx {
		in.deadlines = moveDeadlines(in.deadlines, t.from, cmd.At, next)
	}
	in.history = append(in.history, Entry{Seq: len(in.history) + 1, Command: cmd.ID, Event: cmd.Event, Actor: cmd.Actor,
		Role: cmd.Role, From: t.from, To: t.to, At: cmd.At, Facts: facts})
	in.indexLast()
	in.si, in.last = t.toIdx, cmd.At
	return Result{Event: cmd.Event, From: t.from, To: t.to, Seq: len(in.history), Intents: p.intents}, nil
}

// plan is what prepare found a command would do: the transition and the
// deadline it opens, or, for a command applied before, its result.
type plan struct {
	t       *transition
	next    *Deadline
	repeat  *Result
	intents []Intent
}

// prepare runs every check of Fire without changing the instance.
func (in *Instance) prepare(ctx context.Context, cmd Command) (plan, error) {
	if err := ctx.Err(); err != nil {
		return plan{}, fmt.Errorf("fire %q: %w", cmd.Event, err)
	}
	if err := checkCommand(&cmd); err != nil {
		return plan{}, err
	}
	if in.def == nil {
		return plan{}, errEmpty()
	}
	if i, ok := in.stepOf(cmd.ID); ok {
		e := &in.history[i]
		if !sameCommand(e, cmd) {
			return plan{}, fmt.Errorf("command %q (step %d, %s): %w", cmd.ID, i+1, e.Event, ErrConflict)
		}
		var intents []Intent
		if t := in.def.trans[transKey{e.From, e.Event}]; t != nil && i >= in.live() {
			v := view{inst: in.facts}
			intents, _ = keyed(t.intents, e.Command, &v)
		}
		return plan{repeat: &Result{Event: e.Event, From: e.From, To: e.To, Seq: i + 1, AlreadyApplied: true, Intents: intents}}, nil
	}
	if cmd.At.Before(in.last) {
		return plan{}, o2o.Invalidf("at", "%s is before the previous step at %s",
			cmd.At.Format(time.RFC3339), in.last.Format(time.RFC3339))
	}
	t := in.def.leaving(in.si, cmd.Event)
	if t == nil {
		return plan{}, &TransitionError{Event: cmd.Event, State: in.State(), Known: in.def.known(cmd.Event)}
	}
	if !slices.Contains(t.roles, cmd.Role) {
		return plan{}, &ForbiddenError{Event: cmd.Event, Role: cmd.Role, Allowed: slices.Clone(t.roles)}
	}
	if in.def.owned {
		if err := t.owns(in.def.writes[t.event], cmd); err != nil {
			return plan{}, err
		}
	}
	v := view{inst: in.facts, cmd: cmd.Facts, rec: t.records}
	for _, g := range t.guards {
		if err := g.check(&v, t, cmd); err != nil {
			return plan{}, err
		}
	}
	var next *Deadline
	if t.toIdx != t.fromIdx {
		if spec := in.def.deadline[t.toIdx]; spec != nil {
			s, _ := v.get(spec.From)
			due, err := dueTime(spec, s, cmd.At)
			if err != nil {
				return plan{}, err
			}
			next = &Deadline{State: t.to, For: spec.For, Due: due}
		}
	}
	if n := len(in.facts) + len(cmd.Facts) + len(t.records); n > MaxFacts && newFacts(in.facts, cmd.Facts, t.records) > MaxFacts {
		return plan{}, o2o.Invalidf("facts", "would make the instance record %d facts, at most %d", newFacts(in.facts, cmd.Facts, t.records), MaxFacts)
	}
	intents, err := keyed(t.intents, cmd.ID, &v)
	if err != nil {
		return plan{}, err
	}
	return plan{t: t, next: next, intents: intents}, nil
}

// owns refuses the least-named fact of cmd that t's event, or cmd's role,
// may not write by writes, the event's writable facts (the least, so the
// same command always gives the same error).
func (t *transition) owns(writes map[string][]Role, cmd Command) error {
	bad, found := "", false
	for name := range cmd.Facts {
		roles, ok := writes[name]
		if (!ok || (roles != nil && !slices.Contains(roles, cmd.Role))) && (!found || name < bad) {
			bad, found = name, true
		}
	}
	if !found {
		return nil
	}
	roles, ok := writes[bad]
	switch {
	case !ok:
		roles = nil
	case roles == nil:
		roles = slices.Clone(t.roles)
	default:
		roles = slices.Clone(roles)
	}
	return &ForbiddenError{Event: t.event, Role: cmd.Role, Allowed: roles, Fact: bad}
}

// Check reports the error Fire would return for cmd now, without applying
// it or changing the instance in any way: nil when Fire would take the
// step, or when cmd repeats a command already applied with the same
// content (Fire would report AlreadyApplied). It is what a host calls to
// refuse a command before recording it anywhere (a Temporal update's
// validator, an API's dry run). A guard function is called as Fire would
// call it, so it must be pure.
func (in *Instance) Check(ctx context.Context, cmd Command) error {
	_, err := in.prepare(ctx, cmd)
	return err
}

// Applied returns the command applied under id, as Fire received it (its
// facts copied), and true; or false when no step carries that id. A host
// that resends a command it may already have applied (after a crash, a
// retry, a restart of its durable run) fires the returned command again to
// get the step's result and intents, with the same keys.
func (in *Instance) Applied(id string) (Command, bool) {
	i, ok := in.stepOf(id)
	if !ok {
		return Command{}, false
	}
	e := &in.history[i]
	return Command{ID: e.Command, Event: e.Event, Actor: e.Actor, Role: e.Role, At: e.At, Facts: e.Facts.Clone()}, true
}

// NextDue returns the open deadline, the one a host waits on with a timer,
// and true; or false when no deadline is open (an instance has at most one
// open deadline: that of its current state).
func (in *Instance) NextDue() (Deadline, bool) {
	for i := len(in.deadlines) - 1; i >= 0; i-- {
		if in.deadlines[i].Met.IsZero() {
			return in.deadlines[i], true
		}
	}
	return Deadline{}, false
}

// Escalations returns the escalation intents of the open deadlines past
// due at at (see Overdue: strictly after the due time), as the definition
// the instance runs on says (DeadlineSpec.Escalate), in the order of
// Deadlines. A
// deadline without an escalation gives none. Each intent carries a Key,
// "deadline/" and the deadline's index among Deadlines and "/escalate",
// the same every time it is asked for and never equal to a key that Fire
// hands out (those end in a digit), so a host sends it at least once and
// deduplicates by key. The slice is the caller's.
func (in *Instance) Escalations(at time.Time) []Intent {
	if in.def == nil {
		return nil
	}
	var out []Intent
	for k, d := range in.deadlines {
		if !d.Met.IsZero() || !at.After(d.Due) {
			continue
		}
		si, ok := in.def.stateIdx[d.State]
		if !ok || in.def.deadline[si] == nil || in.def.deadline[si].Escalate == nil {
			continue
		}
		esc := *in.def.deadline[si].Escalate
		esc.Key = "deadline/" + strconv.Itoa(k) + "/escalate"
		out = append(out, esc)
	}
	return out
}

// MaxFacts is the most facts a command may bring, and the most distinct
// facts an instance may record: Fire refuses a command beyond either, and
// Restore a snapshot beyond either (o2o.ErrInvalid naming "facts").
const MaxFacts = limits.MaxKeys

// roomSteps is the room for steps a new or restored instance starts with
// beyond its history, so that the first steps append without copying.
const roomSteps = 8

// indexFrom is the history length from which command ids are looked up in
// ids: below it, comparing them one by one is cheaper than a growing map.
const indexFrom = 16

// stepOf returns the index in history of the step command id took.
func (in *Instance) stepOf(id string) (int, bool) {
	if in.ids != nil {
		i, ok := in.ids[id]
		return i, ok
	}
	for i := range in.history {
		if in.history[i].Command == id {
			return i, true
		}
	}
	return 0, false
}

// indexLast adds the last step of history to ids, which it makes once the
// history holds indexFrom steps, sized for its room and indexFrom more.
func (in *Instance) indexLast() {
	i := len(in.history) - 1
	if in.ids == nil {
		if i+1 < indexFrom {
			return
		}
		in.ids, i = make(map[string]int, cap(in.history)+indexFrom), 0
	}
	for ; i < len(in.history); i++ {
		in.ids[in.history[i].Command] = i
	}
}

// newFacts is the number of distinct names in have and the writes.
func newFacts(have Facts, writes ...Facts) int {
	n := len(have)
	seen := Facts{}
	for _, w := range writes {
		for k := range w {
			if _, ok := have[k]; !ok {
				if _, dup := seen[k]; !dup {
					seen[k] = ""
					n++
				}
			}
		}
	}
	return n
}

// live is the number of steps taken before the last migration: the steps
// from there on are transitions of the current definition.
func (in *Instance) live() int {
	if len(in.migrations) == 0 {
		return 0
	}
	return in.migrations[len(in.migrations)-1].Seq
}

// keyed returns a copy of intents, each with its key for the command id.
func keyed(intents []Intent, id string, v *view) ([]Intent, error) {
	if len(intents) == 0 {
		return nil, nil
	}
	out := slices.Clone(intents)
	for i := range out {
		out[i].Key = id + "/" + strconv.Itoa(i)
		if p := out[i].Payout; p != nil {
			s, _ := v.get(p.Fact)
			amounts, err := p.amounts(s)
			if err != nil {
				return nil, err
			}
			out[i].Payout, out[i].Amounts = nil, amounts
		}
	}
	return out, nil
}

// moveDeadlines closes the open deadline of the state left at at and opens
// next, if any. At most one deadline is open, the last one (Restore checks
// a migration's checkpoint for it), so only the last is looked at.
func moveDeadlines(ds []Deadline, left string, at time.Time, next *Deadline) []Deadline {
	if n := len(ds); n > 0 && ds[n-1].Met.IsZero() && ds[n-1].State == left {
		ds[n-1].Met = at
	}
	if next != nil {
		ds = append(ds, *next)
	}
	return ds
}

func checkCommand(c *Command) error {
	var f []o2o.FieldError
	text := func(path, s string) {
		switch {
		case s == "":
			f = append(f, o2o.FieldError{Path: path, Reason: "is required"})
		case !utf8.ValidString(s):
			f = append(f, o2o.FieldError{Path: path, Reason: "is not valid UTF-8"})
		}
	}
	text("id", c.ID)
	text("event", c.Event)
	text("actor", c.Actor)
	if !c.Role.Valid() {
		f = append(f, o2o.FieldError{Path: "role", Reason: fmt.Sprintf("unknown role %q", c.Role)})
	}
	switch {
	case c.At.IsZero():
		f = append(f, o2o.FieldError{Path: "at", Reason: "is required"})
	case !encodable(c.At):
		f = append(f, o2o.FieldError{Path: "at", Reason: fmt.Sprintf("year %d is outside 0 to 9999", c.At.Year())})
	}
	if len(c.Facts) > MaxFacts {
		f = append(f, o2o.FieldError{Path: "facts", Reason: fmt.Sprintf("has %d facts, at most %d", len(c.Facts), MaxFacts)})
	} else if name, ok := invalidText(c.Facts); !ok {
		f = append(f, o2o.FieldError{Path: "facts", Reason: fmt.Sprintf("fact %q is not valid UTF-8", name)})
	}
	if f != nil {
		return &o2o.ValidationError{Fields: f}
	}
	return nil
}

// invalidText returns the least name of a fact whose name or value is not
// valid UTF-8 (which JSON cannot carry: it would come back as U+FFFD), and
// false; or true when every fact is valid. The least, not the first met in
// the map's random order, so the same facts always give the same error (a
// durable host records the error in its history).
func invalidText(f Facts) (string, bool) {
	bad, found := "", false
	for k, v := range f {
		if (!utf8.ValidString(k) || !utf8.ValidString(v)) && (!found || k < bad) {
			bad, found = k, true
		}
	}
	return bad, !found
}

// encodable reports whether t lies within the years a snapshot can encode
// (RFC 3339 has four-digit years). An instant a day inside the range is in
// it in any offset, known without the calendar year (a third of the cost of
// the check Fire makes of every command; TestEncodableAgreesWithYear).
func encodable(t time.Time) bool {
	if u := t.Unix(); u >= -62167132800 && u < 253402214400 { // 0000-01-02 and 9999-12-31 UTC
		return true
	}
	y := t.Year()
	return y >= 0 && y <= 9999
}

func sameCommand(e *Entry, c Command) bool {
	return e.Event == c.Event && e.Actor == c.Actor && e.Role == c.Role && e.At.Equal(c.At) &&
		maps.Equal(e.Facts, c.Facts)
}

// dueTime is when a deadline entered at at falls due; s is the value of the
// fact it counts from, if it names one (the due time is then in that
// fact's offset, as it is kept and shown). A due time past year 9999 is
// refused: no snapshot could hold it.
func dueTime(spec *DeadlineSpec, s string, at time.Time) (time.Time, error) {
	from, path := at, "at"
	if spec.From != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, o2o.Invalidf("facts."+spec.From, "is %q, want an RFC 3339 instant the deadline %q counts from", s, spec.For)
		}
		from, path = t, "facts."+spec.From
	}
	due := from.Add(time.Duration(spec.Within))
	if !encodable(due) {
		return time.Time{}, o2o.Invalidf(path, "the deadline %q would fall due in year %d, after 9999", spec.For, due.Year())
	}
	return due, nil
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
// trailing data are errors, and each intent needs its kind and role.
func (r *Result) UnmarshalJSON(data []byte) error {
	type plain Result
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	for i := range p.Intents {
		if err := o2o.Validate(p.Intents[i]); err != nil {
			return o2o.Prefix("intents["+strconv.Itoa(i)+"]", err)
		}
	}
	*r = Result(p)
	return nil
}
