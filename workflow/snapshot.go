package workflow

import (
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
	h := in.History()
	if h == nil {
		h = []Entry{}
	}
	return Snapshot{
		Definition: in.def.Name(),
		Version:    in.def.Version(),
		State:      in.state,
		Seq:        len(in.history),
		Facts:      in.facts.Clone(),
		Deadlines:  slices.Clone(in.deadlines),
		History:    h,
	}
}

// Restore rebuilds an instance of def from a snapshot, firing nothing. It
// checks that the snapshot is for def's name and version (*VersionError,
// ErrVersion), and that its state, history, facts and deadlines agree with
// each other and with def (ErrCorrupt, as *o2o.ValidationError naming the
// field): the history must chain from the initial state through def's
// transitions by allowed roles, in order of time, with unique command ids,
// and end in State; Facts must be exactly what the history recorded. The
// snapshot's due times are kept as they are, so a restore never resets a
// deadline. The snapshot is copied; later changes to it do not reach the
// instance.
func Restore(def *Definition, s Snapshot) (*Instance, error) {
	if s.Definition != def.Name() || s.Version != def.Version() {
		return nil, &VersionError{WantName: def.Name(), WantVersion: def.Version(), GotName: s.Definition, GotVersion: s.Version}
	}
	if _, ok := def.stateIdx[s.State]; !ok {
		return nil, corrupt("state", "unknown state %q", s.State)
	}
	if s.Seq != len(s.History) {
		return nil, corrupt("seq", "is %d, but the history has %d steps", s.Seq, len(s.History))
	}
	state := def.Initial()
	var last time.Time
	for i := range s.History {
		e := &s.History[i]
		t := def.lookup(e.From, e.Event)
		switch {
		case e.Seq != i+1:
			return nil, corrupt(historyPath(i)+".seq", "is %d, want %d", e.Seq, i+1)
		case e.Command == "" || e.Actor == "" || e.At.IsZero():
			return nil, corrupt(historyPath(i), "command, actor and at are required")
		case e.From != state:
			return nil, corrupt(historyPath(i)+".from", "is %q, but the previous step ended in %q", e.From, state)
		case t == nil:
			return nil, corrupt(historyPath(i)+".event", "event %q is not available in state %q", e.Event, e.From)
		case e.To != t.to:
			return nil, corrupt(historyPath(i)+".to", "is %q, but %q leads from %q to %q", e.To, e.Event, e.From, t.to)
		case !slices.Contains(t.roles, e.Role):
			return nil, corrupt(historyPath(i)+".role", "role %q may not fire %q", e.Role, e.Event)
		case e.At.Before(last):
			return nil, corrupt(historyPath(i)+".at", "is before the previous step")
		}
		for j := range i {
			if s.History[j].Command == e.Command {
				return nil, corrupt(historyPath(i)+".command", "command %q repeats step %d", e.Command, j+1)
			}
		}
		state, last = e.To, e.At
		for k := range e.Facts {
			if _, ok := s.Facts[k]; !ok {
				return nil, corrupt("facts", "fact %q recorded at step %d is missing", k, i+1)
			}
		}
		for _, f := range t.records {
			if _, ok := s.Facts[f.key]; !ok {
				return nil, corrupt("facts", "fact %q recorded at step %d is missing", f.key, i+1)
			}
		}
	}
	if state != s.State {
		return nil, corrupt("state", "is %q, but the history ends in %q", s.State, state)
	}
	for k, v := range s.Facts {
		got, ok := lastWritten(def, s.History, k)
		if !ok {
			return nil, corrupt("facts."+k, "was recorded by no step")
		}
		if got != v {
			return nil, corrupt("facts."+k, "is %q, but the history recorded %q", v, got)
		}
	}
	open := 0
	for i, d := range s.Deadlines {
		if _, ok := def.stateIdx[d.State]; !ok {
			return nil, corrupt(deadlinePath(i)+".state", "unknown state %q", d.State)
		}
		if d.Due.IsZero() || d.For == "" {
			return nil, corrupt(deadlinePath(i), "due and for are required")
		}
		if d.Met.IsZero() {
			open++
			if d.State != s.State || open > 1 {
				return nil, corrupt(deadlinePath(i), "an open deadline must be the current state's only one")
			}
		}
	}
	in := &Instance{
		def:       def,
		state:     s.State,
		facts:     s.Facts.Clone(),
		deadlines: slices.Clone(s.Deadlines),
		history:   slices.Clone(s.History),
	}
	for i := range in.history {
		in.history[i].Facts = in.history[i].Facts.Clone()
	}
	return in, nil
}

// historyPath returns "history[i]" without fmt, as Restore is on the hot path.
func historyPath(i int) string { return "history[" + strconv.Itoa(i) + "]" }

func deadlinePath(i int) string { return "deadlines[" + strconv.Itoa(i) + "]" }

// lastWritten returns the value the history last recorded for fact k.
func lastWritten(def *Definition, h []Entry, k string) (string, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if t := def.lookup(h[i].From, h[i].Event); t != nil {
			for _, f := range t.records {
				if f.key == k {
					return f.value, true
				}
			}
		}
		if v, ok := h[i].Facts[k]; ok {
			return v, true
		}
	}
	return "", false
}
