package workflow

import (
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

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
	// History is the append-only list of steps, oldest first, chained by
	// their hashes.
	History []Entry `json:"history"`
	// Migrations lists the moves to newer versions of the flow, oldest
	// first (see Instance.Migrate); empty for an instance never migrated.
	Migrations []Migration `json:"migrations,omitempty"`
	// MAC is the keyed seal that Snapshot.Seal sets (HMAC-SHA-256 of the
	// snapshot's canonical encoding without it, in hex); empty when the
	// snapshot is not sealed. Snapshot.Verify checks it.
	MAC string `json:"seal,omitempty"`
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

// UnmarshalJSON decodes strictly: unknown fields, repeated keys and
// trailing data are errors.
func (s *Snapshot) UnmarshalJSON(data []byte) error {
	type plain Snapshot
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*s = Snapshot(p)
	return nil
}

// UnmarshalJSON decodes strictly: unknown fields, repeated keys and
// trailing data are errors.
func (s *Spec) UnmarshalJSON(data []byte) error {
	type plain Spec
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*s = Spec(p)
	return nil
}

// Snapshot returns the instance as plain data, deep-copied, its history
// chained by hashes (the zero Snapshot for the zero Instance). It is not
// sealed: see Snapshot.Seal.
func (in *Instance) Snapshot() Snapshot {
	if in.def == nil {
		return Snapshot{}
	}
	return Snapshot{
		Definition: in.def.Name(),
		Version:    in.def.Version(),
		State:      in.State(),
		Seq:        len(in.history),
		Facts:      in.facts.Clone(),
		Deadlines:  cloneDeadlines(in.deadlines),
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
//     the events' own records, the last write of a name winning;
//   - Deadlines are exactly what the history gives: each due time is
//     recomputed from the step that opened it, so a forged or reset due
//     time is refused, and a restore never resets one. Changing a
//     deadline is therefore a new version of the flow (see Migrate);
//   - each entry's Hash matches the entry and the hash before it, so an
//     entry damaged or edited (its actor, its command id, any field), or
//     entries reordered, are refused, unless whoever edited them computed
//     the hashes again: only a keyed seal refuses that (Snapshot.Verify).
//
// The work is linear in the size of the snapshot, but for sorting each
// entry's facts by name to hash them. Restore keeps no reference to the
// snapshot: later changes to it do not reach the instance. It does not
// check a seal: call Snapshot.Verify first for a sealed snapshot.
func Restore(def *Definition, s Snapshot) (*Instance, error) {
	if def == nil {
		return nil, o2o.Invalid("definition", "is required")
	}
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
	if len(s.Facts) > MaxFacts {
		return nil, o2o.Invalidf("facts", "has %d facts, at most %d", len(s.Facts), MaxFacts)
	}
	// The checkpoint the live history starts from: the initial state, or
	// the last migration. Before it, steps are checked for shape only.
	si, live := def.initial, 0
	state := def.states[si]
	facts := make(Facts, len(s.Facts))
	var dls []Deadline
	if len(s.Migrations) > 0 {
		if err := checkMigrations(def, s); err != nil {
			return nil, err
		}
		m := &s.Migrations[len(s.Migrations)-1]
		state, live = "", m.Seq
		maps.Copy(facts, m.Facts)
		dls = slices.Clone(m.Deadlines)
	}
	// Room for the steps of a request or two beyond the snapshot's.
	in := &Instance{def: def, history: make([]Entry, 0, n+roomSteps)}
	var last time.Time
	mi := 0
	// migrate applies the migrations that come before step i.
	migrate := func(i int) error {
		for ; mi < len(s.Migrations) && s.Migrations[mi].Seq == i; mi++ {
			m := &s.Migrations[mi]
			if err := checkMove(m, mi, state, last); err != nil {
				return err
			}
			state, last = m.To, m.At
			if mi == len(s.Migrations)-1 {
				si = def.stateIdx[m.To] // checkMigrations checked it
			}
		}
		return nil
	}
	for i := range s.History {
		if err := migrate(i); err != nil {
			return nil, err
		}
		e := &s.History[i]
		path := historyPath(i)
		switch {
		case e.Seq != i+1:
			return nil, corrupt(path+".seq", "is %d, want %d", e.Seq, i+1)
		case e.Command == "" || e.Actor == "" || e.Event == "" || e.From == "" || e.To == "" || e.At.IsZero():
			return nil, corrupt(path, "command, event, actor, from, to and at are required")
		case state != "" && e.From != state:
			return nil, corrupt(path+".from", "is %q, but the previous step ended in %q", e.From, state)
		case e.At.Before(last):
			return nil, corrupt(path+".at", "is before the previous step")
		case !encodable(e.At):
			return nil, corrupt(path+".at", "year %d is outside 0 to 9999", e.At.Year())
		case !e.Role.Valid():
			return nil, corrupt(path+".role", "unknown role %q", e.Role)
		case len(e.Facts) > MaxFacts:
			return nil, o2o.Invalidf(path+".facts", "has %d facts, at most %d", len(e.Facts), MaxFacts)
		case !validText(e.Command, e.Actor, e.Event, e.From, e.To):
			return nil, corrupt(path, "command, actor, event, from and to must be valid UTF-8")
		}
		if name, ok := invalidText(e.Facts); !ok {
			return nil, corrupt(path+".facts", "fact %q is not valid UTF-8", name)
		}
		if j, ok := in.stepOf(e.Command); ok {
			return nil, corrupt(path+".command", "command %q repeats step %d", e.Command, j+1)
		}
		if i >= live {
			t := def.trans[transKey{e.From, e.Event}]
			switch {
			case t == nil:
				return nil, corrupt(path+".event", "event %q is not available in state %q", e.Event, e.From)
			case e.To != t.to:
				return nil, corrupt(path+".to", "is %q, but %q leads from %q to %q", e.To, e.Event, e.From, t.to)
			case !slices.Contains(t.roles, e.Role):
				return nil, corrupt(path+".role", "role %q may not fire %q", e.Role, e.Event)
			}
			maps.Copy(facts, e.Facts)
			maps.Copy(facts, t.records)
			if len(facts) > MaxFacts {
				return nil, o2o.Invalidf(path+".facts", "make the instance record %d facts, at most %d", len(facts), MaxFacts)
			}
			if t.toIdx != t.fromIdx {
				var next *Deadline
				if spec := def.deadline[t.toIdx]; spec != nil {
					due, err := dueTime(spec, facts[spec.From], e.At)
					if err != nil {
						return nil, corrupt(path, "%v", err)
					}
					next = &Deadline{State: t.to, For: spec.For, Due: due}
				}
				dls = moveDeadlines(dls, t.from, e.At, next)
			}
			si = t.toIdx
		}
		state, last = e.To, e.At
		in.history = append(in.history, *e)
		in.history[i].Facts = e.Facts.Clone()
		in.indexLast()
	}
	if err := migrate(n); err != nil {
		return nil, err
	}
	if state != s.State {
		return nil, corrupt("state", "is %q, but the history ends in %q", s.State, state)
	}
	if err := factsFault(facts, s.Facts); err != nil {
		return nil, err
	}
	if err := deadlinesFault(dls, s.Deadlines); err != nil {
		return nil, err
	}
	prev := ""
	for i := range s.History {
		if !hashMatches(prev, &s.History[i]) {
			return nil, corrupt(historyPath(i)+".hash", "does not match the entry and the hash before it: the history was damaged or edited")
		}
		prev = s.History[i].Hash
	}
	if len(facts) > 0 {
		in.facts = facts
	}
	in.deadlines = cloneDeadlines(s.Deadlines)
	in.migrations = cloneMigrations(s.Migrations)
	in.si, in.last = si, last
	return in, nil
}

// checkMigrations checks the migrations' own shape: in order, versions
// rising to the snapshot's, the last one leading to a state of def with at
// most one open deadline, for that state, the last of its deadlines.
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
		case !encodable(m.At):
			return corrupt(path+".at", "year %d is outside 0 to 9999", m.At.Year())
		case !validText(m.From, m.To):
			return corrupt(path, "from and to must be valid UTF-8")
		}
		if name, ok := invalidText(m.Facts); !ok {
			return corrupt(path+".facts", "fact %q is not valid UTF-8", name)
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
			if d.State != m.To || open > 1 || k != len(m.Deadlines)-1 {
				return corrupt(path+".deadlines["+strconv.Itoa(k)+"]", "an open deadline must be the state's only one, and the last")
			}
		}
	}
	return nil
}

// validText reports whether every s is valid UTF-8.
func validText(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
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

// factsFault names the first fact, by name, where the snapshot's facts,
// want, and the history's, got, differ; nil when they agree.
func factsFault(got, want Facts) error {
	if maps.Equal(got, want) {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		v, ok := got[name]
		if !ok {
			return corrupt("facts."+name, "was recorded by no step")
		}
		if v != want[name] {
			return corrupt("facts."+name, "is %q, but the history recorded %q", want[name], v)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok {
			return corrupt("facts", "fact %q recorded by the history is missing", name)
		}
	}
	return corrupt("facts", "differ from the history")
}

// deadlinesFault names the first of the snapshot's deadlines, want, that
// differs from those the history gives, got; nil when they agree (due and
// met times compared as instants).
func deadlinesFault(got, want []Deadline) error {
	for k := range min(len(got), len(want)) {
		g, w := &got[k], &want[k]
		if w.State != g.State || w.For != g.For || !w.Due.Equal(g.Due) || !w.Met.Equal(g.Met) {
			return corrupt("deadlines["+strconv.Itoa(k)+"]", "is %s, but the history gives %s", w, g)
		}
	}
	if len(got) != len(want) {
		return corrupt("deadlines", "has %d entries, but the history gives %d", len(want), len(got))
	}
	return nil
}

func historyPath(i int) string { return "history[" + strconv.Itoa(i) + "]" }
