package workflow

import (
	"math/bits"
	"slices"
	"strconv"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Snapshot is an instance as plain data, for storage. It round-trips
// through JSON; decoding is strict.
type Snapshot struct {
	// Definition and Version name the definition the instance runs on.
	Definition string `json:"definition"`
	Version    int    `json:"version"`
	// State is the current state.
	State string `json:"state"`
	// Seq is the number of steps taken: the length of History.
	Seq int `json:"seq"`
	// Facts are the recorded facts, sorted by name.
	Facts FactList `json:"facts,omitempty"`
	// Deadlines are the due times, absolute, met or open.
	Deadlines []Deadline `json:"deadlines,omitempty"`
	// History is the append-only list of steps, oldest first.
	History []Entry `json:"history"`
	// Migrations lists the moves to newer versions of the flow, oldest
	// first (see Instance.Migrate); empty for an instance never migrated.
	Migrations []Migration `json:"migrations,omitempty"`
}

// Migration records a move of an instance to a newer version of its flow
// (Instance.Migrate). It is also a checkpoint: the state, facts and
// deadlines right after the move, from which Restore validates the later
// history against the new definition. The steps before it were validated
// under the old version and are kept as the record of what happened.
type Migration struct {
	// Seq is the number of history steps taken before the move.
	Seq int `json:"seq"`
	// FromVersion and ToVersion are the versions moved between.
	FromVersion int `json:"fromVersion"`
	ToVersion   int `json:"toVersion"`
	// From is the state under the old version, To the state it maps to.
	From string `json:"from"`
	To   string `json:"to"`
	// At is the instant of the move.
	At time.Time `json:"at"`
	// Facts are the recorded facts at the move, sorted by name (they carry
	// over unchanged).
	Facts FactList `json:"facts,omitempty"`
	// Deadlines are the deadlines right after the move: the open one, if
	// any, moved to To with its due time unchanged.
	Deadlines []Deadline `json:"deadlines,omitempty"`
}

// UnmarshalJSON decodes strictly: unknown fields and trailing data are errors.
func (s *Snapshot) UnmarshalJSON(data []byte) error {
	type plain Snapshot
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*s = Snapshot(p)
	s.pack()
	return nil
}

// UnmarshalJSON decodes strictly: unknown fields and trailing data are errors.
func (s *Spec) UnmarshalJSON(data []byte) error {
	type plain Spec
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*s = Spec(p)
	return nil
}

// Snapshot returns the instance as plain data, deep-copied (the zero
// Snapshot for the zero Instance).
func (in *Instance) Snapshot() Snapshot {
	if in.def == nil {
		return Snapshot{}
	}
	return Snapshot{
		Definition: in.def.Name(),
		Version:    in.def.Version(),
		State:      in.State(),
		Seq:        len(in.history),
		Facts:      withRoom(sortedList(in.facts)),
		Deadlines:  cloneDeadlines(in.deadlines),
		History:    in.History(),
		Migrations: cloneMigrations(in.migrations),
	}
}

func cloneMigrations(ms []Migration) []Migration {
	ms = slices.Clone(ms)
	for i := range ms {
		ms[i].Facts = slices.Clone(ms[i].Facts)
		ms[i].Deadlines = slices.Clone(ms[i].Deadlines)
	}
	return ms
}

// Restore rebuilds an instance of def from a snapshot, firing nothing and
// calling no guard. It checks that the snapshot is for def's name and
// version (*VersionError, ErrVersion; an instance stays on its version, so
// restore it with its own definition and Migrate it), and that its state,
// history, facts and deadlines agree with each other and with def
// (ErrCorrupt, as *o2o.ValidationError naming the field):
//   - the history chains from the initial state (or from the last
//     migration's checkpoint) through def's transitions by allowed roles,
//     in order of time, with unique command ids, and ends in State;
//   - Facts are exactly what the history recorded: the commands' facts and
//     the events' own records;
//   - Deadlines are exactly what the history gives: each due time is
//     recomputed from the step that opened it, so a forged or reset due
//     time is refused, and a restore never resets one. Changing a
//     deadline is therefore a new version of the flow (see Migrate).
//
// The work is linear in the size of the snapshot, with no sorting. Restore
// keeps no reference to the snapshot: it copies it first (a handful of
// allocations), so later changes to it do not reach the instance.
// RestoreOwned does the same checks without copying, in one allocation for
// a typical project.
func Restore(def *Definition, s Snapshot) (*Instance, error) { return restore(def, s, false) }

// RestoreOwned is Restore for a snapshot the caller hands over, typically
// one just decoded from storage to serve one request: the instance takes
// over the snapshot's slices (history, facts, deadlines, the entries'
// facts, migrations) instead of copying them, which makes it two to three
// times as cheap; later steps are written into their spare room, beyond
// their lengths. The caller must not use s, or anything reachable from it, after
// the call, whether it succeeds or not (a refusal changes nothing in s). It
// checks exactly what Restore checks.
func RestoreOwned(def *Definition, s Snapshot) (*Instance, error) { return restore(def, s, true) }

func restore(def *Definition, s Snapshot, owned bool) (*Instance, error) {
	if err := checkVersion(def, s); err != nil {
		return nil, err
	}
	if !owned {
		s = cloneSnapshot(s)
	}
	in := newRestored(len(s.History))
	recs, err := in.replay(def, s, in.history)
	if err != nil {
		return nil, badState(def, s.State, err)
	}
	in.history = recs
	return in, nil
}

// Load makes in the instance s describes, with RestoreOwned's checks, and
// reuses in's memory instead of allocating a new instance: a worker that
// keeps one Instance and loads a decoded snapshot into it for each request
// restores without allocating (for histories of up to loadSteps steps;
// beyond that, a scratch list of them). As with RestoreOwned, the instance
// takes s over: the caller must not use s, or anything reachable from it,
// afterwards. What in was before is dropped; nothing read from it earlier
// (results, histories, snapshots, facts) changes, as those are copies. A
// refused snapshot leaves in exactly as it was. The zero Instance is a
// valid target.
//
// An instance filled by Load also keeps one looplab machine of its
// definition from step to step and from load to load, instead of taking
// one from the definition's pool for each step; it hands it back when it
// moves to another definition (Load with another one, Migrate). Load and
// Fire on a kept instance cost about 3.0 looplab Events for a decoded
// 10-step project, RestoreOwned and Fire about 3.2 (see
// BenchmarkRestoreFireVsBare).
func (in *Instance) Load(def *Definition, s Snapshot) error {
	if err := checkVersion(def, s); err != nil {
		return err
	}
	n := len(s.History)
	// Validate into a scratch instance on the stack, so that a refusal
	// touches nothing of in.
	// (Each variable below holds either stack or heap memory, never both,
	// so that the scratch stays on the stack.)
	var scratch [loadSteps]record
	var tmp Instance
	if n > loadSteps {
		recs, err := tmp.replay(def, s, make([]record, 0, n+2))
		if err != nil {
			return badState(def, s.State, err)
		}
		tmp.history = recs
	} else {
		checked, err := tmp.replay(def, s, scratch[:0])
		if err != nil {
			return badState(def, s.State, err)
		}
		// Commit: nothing below can fail.
		kept := in.history[:0]
		if cap(kept) < n+2 {
			kept = make([]record, 0, max(n+2, arenaSteps))
		}
		tmp.history = append(kept, checked...)
	}
	// The facts of steps fired on the instance dropped are not reachable
	// from outside it (every accessor copies), so their room is reused.
	tmp.hfacts = in.hfacts[:0]
	// The instance keeps its machine while it stays on one definition.
	if in.def != def {
		in.release()
	}
	tmp.machine, tmp.machineAt, tmp.keep = in.machine, in.machineAt, true
	*in = tmp
	return nil
}

// loadSteps is the history length up to which Load validates on the stack.
const loadSteps = 32

// checkVersion refuses a missing definition, or a snapshot of another
// definition or version.
func checkVersion(def *Definition, s Snapshot) error {
	if def == nil {
		return o2o.Invalid("definition", "is required")
	}
	if s.Definition != def.Name() || s.Version != def.Version() {
		return &VersionError{WantName: def.Name(), WantVersion: def.Version(), GotName: s.Definition, GotVersion: s.Version}
	}
	return nil
}

// badState returns the refusal of an unknown snapshot state, which comes
// before every other fault but the version, or else err.
func badState(def *Definition, state string, err error) error {
	if _, ok := def.stateIdx[state]; !ok {
		return corrupt("state", "unknown state %q", state)
	}
	return err
}

// replay validates s against def and makes in, an empty instance, the
// instance s describes, taking s over, but for its history's records: it
// appends them to recs and returns it, for the caller to store (kept apart
// from in, a Load's records can stay on the stack). It leaves out the
// check that the snapshot's state is one of def's, which its caller makes
// on refusal only.
func (in *Instance) replay(def *Definition, s Snapshot, recs []record) ([]record, error) {
	n := len(s.History)
	if s.Seq != n {
		return nil, corrupt("seq", "is %d, but the history has %d steps", s.Seq, n)
	}
	in.def, in.past = def, s.History
	dc := deadlineCheck{snap: s.Deadlines, open: -1}
	// The checkpoint the live history starts from: the initial state, or
	// the last migration. Before it, steps are checked for shape only.
	si, live := def.initial, 0
	state := def.states[si]
	var base FactList
	if len(s.Migrations) > 0 {
		if err := checkMigrations(def, s); err != nil {
			return nil, err
		}
		m := &s.Migrations[len(s.Migrations)-1]
		state, live, base = "", m.Seq, m.Facts
		dc.checkpoint(m.Deadlines)
	}
	if n > indexFrom {
		in.index = make(map[string]int, n)
	}
	var last time.Time
	// hashes has bit idHash%64 set for every command id so far: an id
	// whose bit is clear repeats none, and needs no scan.
	var hashes uint64
	var fc factCheck
	fc.start(s.Facts, base)
	// move is the step before which the next migration comes, if any.
	mi, move := 0, -1
	if len(s.Migrations) > 0 {
		move = s.Migrations[0].Seq
	}
	for i := range s.History {
		e := &s.History[i]
		for ; i == move; mi++ {
			m := &s.Migrations[mi]
			if err := checkMove(m, mi, state, last); err != nil {
				return nil, err
			}
			state, last = m.To, m.At
			si = def.stateIdx[m.To] // only the last migration's To is a state of def
			if move = -1; mi+1 < len(s.Migrations) {
				move = s.Migrations[mi+1].Seq
			}
		}
		switch {
		case e.Seq != i+1:
			return nil, corrupt(historyPath(i)+".seq", "is %d, want %d", e.Seq, i+1)
		case e.Command == "" || e.Actor == "" || e.Event == "" || e.From == "" || e.To == "" || e.At.IsZero():
			return nil, corrupt(historyPath(i), "command, event, actor, from, to and at are required")
		case i >= live && !(i > live && sameData(e.From, state)) && !def.stateKey[si].is(e.From), i < live && state != "" && e.From != state:
			// From live on, state is def's state si.
			return nil, corrupt(historyPath(i)+".from", "is %q, but the previous step ended in %q", e.From, state)
		case e.At.Before(last):
			return nil, corrupt(historyPath(i)+".at", "is before the previous step")
		case len(e.Facts) > 0 && (i >= live && !fc.write(e.Facts) || i < live && !e.Facts.distinct()):
			return nil, corrupt(historyPath(i)+".facts", "names a fact twice")
		}
		h := idHash(e.Command)
		if bit := uint64(1) << (h % 64); hashes&bit == 0 && in.index == nil {
			hashes |= bit
		} else if j := in.seen(recs, e.Command, h, i); j >= 0 {
			return nil, corrupt(historyPath(i)+".command", "command %q repeats step %d", e.Command, j+1)
		}
		var t *transition
		tid := int32(-1)
		if i >= live {
			t = def.from(si, e.Event)
			switch {
			case t == nil:
				return nil, corrupt(historyPath(i)+".event", "event %q is not available in state %q", e.Event, e.From)
			case !def.stateKey[t.toIdx].is(e.To):
				return nil, corrupt(historyPath(i)+".to", "is %q, but %q leads from %q to %q", e.To, e.Event, e.From, t.to)
			case !t.allows(e.Role):
				return nil, corrupt(historyPath(i)+".role", "role %q may not fire %q", e.Role, e.Event)
			}
			si, tid = t.toIdx, t.id
			if len(t.records) > 0 {
				fc.write(t.records) // distinct: Build checked
			}
		} else if !e.Role.Valid() {
			return nil, corrupt(historyPath(i)+".role", "unknown role %q", e.Role)
		}
		recs = append(recs, record{idh: h, t: tid})
		if t != nil && t.toIdx != t.fromIdx {
			if dc.open >= 0 { // a deadline is open: the state left was its
				dc.leave(t.from, e.At)
			}
			if spec := def.deadline[t.toIdx]; spec != nil {
				var from string
				if spec.From != "" {
					from = in.factAt(recs, live, base, spec.From)
				}
				due, err := dueInstant(spec, from, e.At)
				if err != nil {
					return nil, corrupt(historyPath(i), "%v", err)
				}
				dc.enter(e.To, spec.For, due) // e.To is t.to
			}
		}
		state, last = e.To, e.At
	}
	for ; mi < len(s.Migrations); mi++ {
		m := &s.Migrations[mi]
		if err := checkMove(m, mi, state, last); err != nil {
			return nil, err
		}
		state, last = m.To, m.At
		si = def.stateIdx[m.To]
	}
	if state != s.State {
		return nil, corrupt("state", "is %q, but the history ends in %q", s.State, state)
	}
	if !fc.holds() {
		// Beyond 64 facts, or to say what differs: fold the history.
		got := in.foldAll(recs, live, base)
		if !fc.many || !sameList(got, s.Facts) {
			return nil, factsFault(got, s.Facts)
		}
	}
	if err := dc.finish(state); err != nil {
		return nil, err
	}
	// Facts and deadlines are exactly what the history gives (due times
	// compared with Equal): keep them as they were written.
	in.facts, in.deadlines, in.migrations = s.Facts, s.Deadlines, s.Migrations
	in.si, in.last = si, last
	return recs, nil
}

// cloneSnapshot deep-copies s in a few allocations, with room for the
// instance to grow its facts and deadlines.
func cloneSnapshot(s Snapshot) Snapshot {
	writes := 0
	for i := range s.History {
		writes += len(s.History[i].Facts)
	}
	c := s
	c.History = append(make([]Entry, 0, len(s.History)+2), s.History...) // room for the next steps
	chunk := make([]Fact, 0, writes)
	for i := range c.History {
		if f := c.History[i].Facts; len(f) > 0 {
			lo := len(chunk)
			chunk = append(chunk, f...)
			c.History[i].Facts = chunk[lo:len(chunk):len(chunk)]
		}
	}
	c.Facts = append(make(FactList, 0, len(s.Facts)+4), s.Facts...)
	c.Deadlines = append(make([]Deadline, 0, len(s.Deadlines)+1), s.Deadlines...)
	c.Migrations = cloneMigrations(s.Migrations)
	return c
}

// factCheck checks a snapshot's facts, want, against the writes of its
// history as they are replayed, oldest first (the migration checkpoint's
// facts, then each step's command facts and its transition's records): want
// must hold every name written, and no other, with the value of its last
// write. It finds a name among want's names of its length, ticks it off in
// a bitmask and notes whether the value written is want's, so it neither
// allocates nor sorts, nor walks the history twice. Beyond 64 facts it
// gives up and the facts are compared by folding the history.
type factCheck struct {
	want FactList
	// byLen has bit j set in entry len%32 for each want[j] of that length.
	byLen [32]uint64
	// written has bit j set once want[j]'s name was written; last has it
	// set while its last write so far has want[j]'s value.
	written, last uint64
	// missing is set by a write of a name want does not hold.
	missing, many bool
}

// start indexes want's names and records the checkpoint's facts, base,
// as the first writes.
func (c *factCheck) start(want, base FactList) {
	c.want = want
	if len(want) > 64 {
		c.many = true
		return
	}
	for j := range want {
		c.byLen[len(want[j].Name)%32] |= 1 << j
	}
	c.write(base)
}

// write records the writes fs of one step, in order. It reports false when
// fs names a fact twice.
func (c *factCheck) write(fs FactList) (distinct bool) {
	if c.many || c.missing {
		return fs.distinct()
	}
	var here uint64
	for k := range fs {
		f := &fs[k]
		// Find f among want's names of its length.
		j := -1
		for m := c.byLen[len(f.Name)%32]; m != 0; m &= m - 1 {
			if jj := bits.TrailingZeros64(m); sameName(c.want[jj].Name, f.Name) {
				j = jj
				break
			}
		}
		if j < 0 {
			c.missing = true
			return fs.distinct()
		}
		bit := uint64(1) << j
		if here&bit != 0 {
			return false
		}
		here |= bit
		c.written |= bit
		if w := c.want[j].Value; sameData(w, f.Value) || w == f.Value {
			c.last |= bit
		} else {
			c.last &^= bit
		}
	}
	return true
}

// holds reports whether the writes gave exactly want; it is false beyond
// 64 facts, for the caller to fold the history and compare.
func (c *factCheck) holds() bool {
	all := uint64(1)<<len(c.want) - 1 // all ones for 64
	return !c.many && !c.missing && c.written == all && c.last == all
}

// foldAll returns the facts base and then the restored steps from live on
// wrote, the last write of a name winning.
func (in *Instance) foldAll(recs []record, live int, base FactList) []Fact {
	fs := fold(nil, base)
	for i := live; i < len(recs); i++ {
		fs = fold(fold(fs, in.past[i].Facts), in.def.all[recs[i].t].records)
	}
	return fs
}

// factAt is the value of fact key after the restored steps so far, from
// live on, which follow the checkpoint facts base.
func (in *Instance) factAt(recs []record, live int, base FactList, key string) string {
	for i := len(recs) - 1; i >= live; i-- {
		if v, ok := lastWrite(in.def.all[recs[i].t].records, key); ok {
			return v
		}
		if v, ok := getFact(in.past[i].Facts, key); ok {
			return v
		}
	}
	v, _ := getFact(base, key)
	return v
}

// arenaSteps is the history length (plus room for two more steps) up to
// which a restored instance and its history are one allocation.
const arenaSteps = 16

// arenaFacts is the room, in the same allocation, for the facts of the
// first steps fired after the restore (a command brings one or two).
const arenaFacts = 2

type arena struct {
	in    Instance
	recs  [arenaSteps]record
	facts [arenaFacts]Fact
}

// newRestored returns an empty instance with room for n steps, and a
// couple more.
func newRestored(n int) *Instance {
	if n+2 <= arenaSteps {
		a := new(arena)
		a.in.history = a.recs[:0]
		a.in.hfacts = a.facts[:0]
		return &a.in
	}
	return &Instance{history: make([]record, 0, n+2)}
}

// seen returns the position of an earlier step with command id (idHash
// h), or -1, and indexes id at position i when the history is long.
func (in *Instance) seen(recs []record, id string, h uint32, i int) int {
	if in.index != nil {
		if j, ok := in.index[id]; ok {
			return j
		}
		in.index[id] = i
		return -1
	}
	for j := range recs[:i] {
		if recs[j].idh == h && in.past[j].Command == id {
			return j
		}
	}
	return -1
}

// checkMigrations checks the migrations' own shape: in order, versions
// rising to the snapshot's, the last one leading to a state of def with at
// most one open deadline, for that state.
func checkMigrations(def *Definition, s Snapshot) error {
	prevSeq, prevVersion := 0, 0
	for i, m := range s.Migrations {
		path := "migrations[" + strconv.Itoa(i) + "]"
		switch {
		case m.Seq < prevSeq || m.Seq > len(s.History):
			return corrupt(path+".seq", "is %d, want %d to %d", m.Seq, prevSeq, len(s.History))
		case m.FromVersion < 1 || m.ToVersion <= m.FromVersion:
			return corrupt(path, "moves from version %d to %d; want a newer version", m.FromVersion, m.ToVersion)
		case prevVersion != 0 && m.FromVersion != prevVersion:
			return corrupt(path+".fromVersion", "is %d, but the previous migration moved to %d", m.FromVersion, prevVersion)
		case m.From == "" || m.To == "" || m.At.IsZero():
			return corrupt(path, "from, to and at are required")
		case !m.Facts.distinct():
			return corrupt(path+".facts", "names a fact twice")
		}
		prevSeq, prevVersion = m.Seq, m.ToVersion
	}
	i := len(s.Migrations) - 1
	m := s.Migrations[i]
	path := "migrations[" + strconv.Itoa(i) + "]"
	if m.ToVersion != s.Version {
		return corrupt(path+".toVersion", "is %d, but the snapshot is version %d", m.ToVersion, s.Version)
	}
	if _, ok := def.stateIdx[m.To]; !ok {
		return corrupt(path+".to", "unknown state %q", m.To)
	}
	open := 0
	for k, d := range m.Deadlines {
		if d.Due.IsZero() || d.For == "" {
			return corrupt(path+".deadlines["+strconv.Itoa(k)+"]", "due and for are required")
		}
		if d.Met.IsZero() {
			open++
			if d.State != m.To || open > 1 {
				return corrupt(path+".deadlines["+strconv.Itoa(k)+"]", "an open deadline must be the state's only one")
			}
		}
	}
	return nil
}

// checkMove checks that migration i follows on from state at last.
func checkMove(m *Migration, i int, state string, last time.Time) error {
	path := "migrations[" + strconv.Itoa(i) + "]"
	if state != "" && m.From != state {
		return corrupt(path+".from", "is %q, but the history was in %q", m.From, state)
	}
	if m.At.Before(last) {
		return corrupt(path+".at", "is before the previous step")
	}
	return nil
}

// factsFault names the first fact, by name, where the snapshot's facts and
// the history's differ.
func factsFault(got []Fact, want FactList) error {
	for _, f := range sortedList(want) {
		v, ok := getFact(got, f.Name)
		if !ok {
			return corrupt("facts."+f.Name, "was recorded by no step")
		}
		if v != f.Value {
			return corrupt("facts."+f.Name, "is %q, but the history recorded %q", f.Value, v)
		}
	}
	for _, f := range got {
		if _, ok := want.Get(f.Name); !ok {
			return corrupt("facts", "fact %q recorded by the history is missing", f.Name)
		}
	}
	return corrupt("facts", "differ from the history")
}

// deadlineCheck compares a snapshot's deadlines with those its history
// gives, as the history is replayed, without building them. In the live
// history at most one deadline is open, the current state's. The first
// fault is kept and reported by finish, after the history's own faults.
type deadlineCheck struct {
	snap []Deadline
	// k is how many deadlines the history has opened so far; open is the
	// index of the open one, or -1.
	k, open int
	err     error
}

func (c *deadlineCheck) fault(i int, format string, args ...any) {
	if c.err == nil {
		c.err = corrupt(deadlinePath(i), format, args...)
	}
}

// checkpoint starts from a migration's deadlines, which the snapshot's must
// begin with (the open one may have been met since).
func (c *deadlineCheck) checkpoint(ds []Deadline) {
	for i, d := range ds {
		if i >= len(c.snap) {
			c.err = corrupt("deadlines", "has %d entries, but the last migration has %d", len(c.snap), len(ds))
			break
		}
		s := &c.snap[i]
		if s.State != d.State || s.For != d.For || !s.Due.Equal(d.Due) || (!d.Met.IsZero() && !s.Met.Equal(d.Met)) {
			c.fault(i, "is %s, but the last migration has %s", s, d)
		}
		if d.Met.IsZero() {
			c.open = i
		}
	}
	c.k = len(ds)
}

// leave meets the open deadline, if any, at at: the state it was for is
// being left.
func (c *deadlineCheck) leave(state string, at time.Time) {
	if c.open < 0 || c.open >= len(c.snap) {
		c.open = -1
		return
	}
	if s := &c.snap[c.open]; !s.Met.Equal(at) {
		c.fault(c.open, "is %s, but the history left %q at %s", s, state, at.Format(time.RFC3339))
	}
	c.open = -1
}

// enter opens the next deadline: state must be left for what by due.
func (c *deadlineCheck) enter(state, what string, due time.Time) {
	// Beyond the snapshot's deadlines, finish reports the count.
	if c.k < len(c.snap) {
		if s := &c.snap[c.k]; !sameName(s.State, state) || s.For != what || !s.Due.Equal(due) {
			c.fault(c.k, "is %s, but the history opens %q (%s) due %s", s, state, what, due.In(s.Due.Location()).Format(time.RFC3339))
		}
	}
	c.open = c.k
	c.k++
}

// finish reports the first fault, or deadlines the history never opened,
// or the open deadline (the current state's) marked met.
func (c *deadlineCheck) finish(state string) error {
	if c.err != nil {
		return c.err
	}
	if c.k != len(c.snap) {
		return corrupt("deadlines", "has %d entries, but the history gives %d", len(c.snap), c.k)
	}
	if c.open >= 0 && c.open < len(c.snap) && !c.snap[c.open].Met.IsZero() {
		return corrupt(deadlinePath(c.open), "is %s, but the instance is still in %q", &c.snap[c.open], state)
	}
	return nil
}

// String describes the deadline: state, what is due, due time, met time.
func (d Deadline) String() string {
	s := d.State + " (" + d.For + ") due " + d.Due.Format(time.RFC3339)
	if d.Met.IsZero() {
		return s + ", open"
	}
	return s + ", met " + d.Met.Format(time.RFC3339)
}

// historyPath returns "history[i]" without fmt.
func historyPath(i int) string { return "history[" + strconv.Itoa(i) + "]" }

func deadlinePath(i int) string { return "deadlines[" + strconv.Itoa(i) + "]" }
