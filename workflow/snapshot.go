package workflow

import (
	"math"
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
	// Facts are the recorded facts.
	Facts Facts `json:"facts,omitempty"`
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
	// Facts are the recorded facts at the move (they carry over unchanged).
	Facts Facts `json:"facts,omitempty"`
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

// Snapshot returns the instance as plain data, deep-copied.
func (in *Instance) Snapshot() Snapshot {
	return Snapshot{
		Definition: in.def.Name(),
		Version:    in.def.Version(),
		State:      in.state,
		Seq:        len(in.history),
		Facts:      factMap(in.facts),
		Deadlines:  slices.Clone(in.deadlines),
		History:    in.History(),
		Migrations: cloneMigrations(in.migrations),
	}
}

func cloneMigrations(ms []Migration) []Migration {
	ms = slices.Clone(ms)
	for i := range ms {
		ms[i].Facts = ms[i].Facts.Clone()
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
// The work is linear in the size of the snapshot. Restore keeps no
// reference to the snapshot: later changes to it do not reach the instance.
func Restore(def *Definition, s Snapshot) (*Instance, error) {
	if s.Definition != def.Name() || s.Version != def.Version() {
		return nil, &VersionError{WantName: def.Name(), WantVersion: def.Version(), GotName: s.Definition, GotVersion: s.Version}
	}
	if _, ok := def.stateIdx[s.State]; !ok {
		return nil, corrupt("state", "unknown state %q", s.State)
	}
	n := len(s.History)
	if s.Seq != n {
		return nil, corrupt("seq", "is %d, but the history has %d steps", s.Seq, n)
	}
	total := 0
	for i := range s.History {
		total += len(s.History[i].Facts)
	}
	if total > math.MaxInt32/2 {
		return nil, corrupt("history", "is too long")
	}
	in := &Instance{
		def:     def,
		history: make([]record, n, n+2),
		hfacts:  make([]fact, 0, total+8),
	}
	// The checkpoint the live history starts from: the initial state, or
	// the last migration. Before it, steps are checked for shape only.
	state, live := def.Initial(), 0
	var base []fact
	var dls []Deadline
	if len(s.Migrations) > 0 {
		if err := checkMigrations(def, s); err != nil {
			return nil, err
		}
		m := &s.Migrations[len(s.Migrations)-1]
		state, live = "", m.Seq
		base = sortedFacts(m.Facts)
		dls = append(make([]Deadline, 0, len(s.Deadlines)+1), m.Deadlines...)
		in.migrations = cloneMigrations(s.Migrations)
	} else if len(s.Deadlines) > 0 {
		dls = make([]Deadline, 0, len(s.Deadlines)+1)
	}
	// The live history's writes are hfacts[liveLo:], after base.
	liveLo := 0
	get := func(k string) (string, bool) {
		if v, ok := lastWrite(in.hfacts[liveLo:], k); ok {
			return v, true
		}
		return getFact(base, k)
	}
	if n > indexFrom {
		in.index = make(map[string]int, n)
	}
	var last time.Time
	mi := 0
	for i := range s.History {
		e := &s.History[i]
		for ; mi < len(s.Migrations) && s.Migrations[mi].Seq == i; mi++ {
			m := &s.Migrations[mi]
			if err := checkMove(m, mi, state, last); err != nil {
				return nil, err
			}
			state, last = m.To, m.At
		}
		switch {
		case e.Seq != i+1:
			return nil, corrupt(historyPath(i)+".seq", "is %d, want %d", e.Seq, i+1)
		case e.Command == "" || e.Actor == "" || e.Event == "" || e.From == "" || e.To == "" || e.At.IsZero():
			return nil, corrupt(historyPath(i), "command, event, actor, from, to and at are required")
		case state != "" && e.From != state:
			return nil, corrupt(historyPath(i)+".from", "is %q, but the previous step ended in %q", e.From, state)
		case e.At.Before(last):
			return nil, corrupt(historyPath(i)+".at", "is before the previous step")
		}
		if j := in.seen(e.Command, i); j >= 0 {
			return nil, corrupt(historyPath(i)+".command", "command %q repeats step %d", e.Command, j+1)
		}
		var t *transition
		if i == live {
			liveLo = len(in.hfacts)
		}
		if i >= live {
			t = def.lookup(e.From, e.Event)
			switch {
			case t == nil:
				return nil, corrupt(historyPath(i)+".event", "event %q is not available in state %q", e.Event, e.From)
			case e.To != t.to:
				return nil, corrupt(historyPath(i)+".to", "is %q, but %q leads from %q to %q", e.To, e.Event, e.From, t.to)
			case !slices.Contains(t.roles, e.Role):
				return nil, corrupt(historyPath(i)+".role", "role %q may not fire %q", e.Role, e.Event)
			}
		}
		lo := int32(len(in.hfacts))
		for k, v := range e.Facts {
			in.hfacts = append(in.hfacts, fact{k, v})
		}
		mid := int32(len(in.hfacts))
		if t != nil {
			in.hfacts = append(in.hfacts, t.records...)
			if t.toIdx != t.fromIdx {
				var next *Deadline
				if spec := def.deadline[t.toIdx]; spec != nil {
					due, err := dueTime(spec, get, e.At)
					if err != nil {
						return nil, corrupt(historyPath(i), "%v", err)
					}
					next = &Deadline{State: t.to, For: spec.For, Due: due}
				}
				dls = moveDeadlines(dls, t.from, e.At, next)
			}
		}
		in.history[i] = record{
			command: e.Command, event: e.Event, actor: e.Actor, role: e.Role,
			from: e.From, to: e.To, at: e.At, lo: lo, mid: mid, hi: int32(len(in.hfacts)),
		}
		state, last = e.To, e.At
	}
	for ; mi < len(s.Migrations); mi++ {
		m := &s.Migrations[mi]
		if err := checkMove(m, mi, state, last); err != nil {
			return nil, err
		}
		state, last = m.To, m.At
	}
	if state != s.State {
		return nil, corrupt("state", "is %q, but the history ends in %q", s.State, state)
	}
	if n == live {
		liveLo = len(in.hfacts)
	}
	if base != nil {
		in.facts = settle(append(base, in.hfacts[liveLo:]...))
	} else {
		in.facts = settle(in.hfacts[liveLo:])
	}
	if !sameFacts(in.facts, s.Facts) {
		return nil, factsFault(in.facts, s.Facts)
	}
	if err := sameDeadlines(dls, s.Deadlines); err != nil {
		return nil, err
	}
	// Keep the persisted due times exactly as they were written.
	copy(dls, s.Deadlines)
	in.state, in.deadlines = s.State, dls
	return in, nil
}

// seen returns the position of an earlier step with command id, or -1, and
// indexes id at position i when the history is long.
func (in *Instance) seen(id string, i int) int {
	if in.index != nil {
		if j, ok := in.index[id]; ok {
			return j
		}
		in.index[id] = i
		return -1
	}
	for j := range in.history[:i] {
		if in.history[j].command == id {
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
func factsFault(got []fact, want Facts) error {
	for _, f := range sortedFacts(want) {
		v, ok := getFact(got, f.key)
		if !ok {
			return corrupt("facts."+f.key, "was recorded by no step")
		}
		if v != f.value {
			return corrupt("facts."+f.key, "is %q, but the history recorded %q", f.value, v)
		}
	}
	for _, f := range got {
		if _, ok := want[f.key]; !ok {
			return corrupt("facts", "fact %q recorded by the history is missing", f.key)
		}
	}
	return corrupt("facts", "differ from the history")
}

// sameDeadlines compares the snapshot's deadlines with those the history
// gives.
func sameDeadlines(got, snap []Deadline) error {
	for i := range min(len(got), len(snap)) {
		g, s := &got[i], &snap[i]
		if g.State != s.State || g.For != s.For || !g.Due.Equal(s.Due) || !g.Met.Equal(s.Met) {
			return corrupt(deadlinePath(i), "is %s, but the history gives %s", s, g)
		}
	}
	if len(got) != len(snap) {
		return corrupt("deadlines", "has %d entries, but the history gives %d", len(snap), len(got))
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
