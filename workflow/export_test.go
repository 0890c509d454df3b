package workflow

import (
	"time"

	"github.com/looplab/fsm"
)

// What the external tests reach of the internals. They run the engine on
// the decoration flow, whose package imports this one, so they cannot be
// internal tests.

var (
	EntryHash       = entryHash
	HistoryPath     = historyPath
	CloneSpec       = cloneSpec
	CloneMigrations = cloneMigrations
)

// Transition is one row of a definition's table.
type Transition = transition

func (d *Definition) FSMEvents() fsm.Events                { return d.fsmEvents }
func (d *Definition) Owned() bool                          { return d.owned }
func (d *Definition) Writes() map[string]map[string][]Role { return d.writes }
func (d *Definition) Trans(from, event string) *Transition { return d.trans[transKey{from, event}] }

// Transitions lists the table's rows.
func (d *Definition) Transitions() []*Transition {
	var out []*Transition
	for _, t := range d.trans {
		out = append(out, t)
	}
	return out
}

func (t *Transition) Event() string     { return t.event }
func (t *Transition) From() string      { return t.from }
func (t *Transition) To() string        { return t.to }
func (t *Transition) Roles() []Role     { return t.roles }
func (t *Transition) Records() Facts    { return t.records }
func (t *Transition) Intents() []Intent { return t.intents }
func (t *Transition) Owns(writes map[string][]Role, cmd Command) error {
	return t.owns(writes, cmd)
}

// Guards returns the specs of the transition's guards, in order.
func (t *Transition) Guards() []*GuardSpec {
	out := make([]*GuardSpec, len(t.guards))
	for i, g := range t.guards {
		out[i] = g.spec
	}
	return out
}

// GuardTest applies data guard g to facts brought by a command at at.
func GuardTest(g *GuardSpec, cmd Facts, at time.Time) string {
	return g.test(&view{cmd: cmd}, at)
}
