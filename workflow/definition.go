package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/looplab/fsm"
	"github.com/o2okit/o2okit/o2o"
)

// Definition is a validated, immutable workflow: the table of transitions,
// roles, guards and deadlines built once from a Spec. It is safe for
// concurrent use; one Definition drives any number of instances.
//
// Can and Available answer from the definition's own table. Transitions are
// executed through looplab/fsm machines kept in a per-definition pool and
// reused across calls (no fsm.FSM is built per call), with no callbacks
// registered and a context that cannot be cancelled, so none of looplab's
// deadlocks or stuck transitions can happen.
type Definition struct {
	spec     Spec
	states   []string
	stateIdx map[string]int
	titles   []string
	initial  int
	terminal []bool
	deadline []*DeadlineSpec
	guards   map[string]guardRef
	events   map[string]*eventEntry
	// available holds, per state, its events sorted by name.
	available [][]string
	// out holds, per state, its transitions by event name, each with its
	// event's name inline so that a lookup follows no pointer until found.
	out [][]edge
	// outKey holds, per state, a perfect hash of its events' names by
	// length, first and last byte (see nameKey), when one exists.
	outKey []perfect
	// stateKey holds the states' names as nameKeys, by index.
	stateKey []nameKey
	// all holds every transition, by transition.id.
	all       []*transition
	fsmEvents fsm.Events
	pool      *sync.Pool
}

// edge is an outgoing transition of a state under its event's name.
type edge struct {
	event nameKey
	t     *transition
}

// nameKey is a name of the definition with its bytes as words, so that a
// decoded name (which never shares memory with it) is compared in one
// call that reads the definition's side from here.
type nameKey struct {
	s      string
	w0, w1 uint64
}

func newNameKey(s string) nameKey {
	k := nameKey{s: s}
	switch n := len(s); {
	case n >= 8 && n <= 16:
		k.w0, k.w1 = word(s, 0), word(s, n-8)
	case n >= 4 && n < 8:
		k.w0, k.w1 = uint64(half(s, 0)), uint64(half(s, n-4))
	}
	return k
}

// is reports whether s is k's name.
func (k *nameKey) is(s string) bool {
	n := len(s)
	switch {
	case n != len(k.s):
		return false
	case n >= 8 && n <= 16:
		return word(s, 0) == k.w0 && word(s, n-8) == k.w1
	case n >= 4 && n < 8:
		return uint64(half(s, 0)) == k.w0 && uint64(half(s, n-4)) == k.w1
	}
	return s == k.s
}

type eventEntry struct {
	name  string
	trans []transition
}

type transition struct {
	id      int32 // index in Definition.all
	event   string
	from    string
	fromIdx int
	to      string
	toIdx   int
	roles   []Role
	mask    uint8 // roles as bits by roleIndex
	guards  []guardRef
	records []Fact
	intents []Intent
}

// Build validates spec and returns its Definition. It rejects unknown state,
// event and guard names, duplicate states, guards and (state, event) pairs,
// states unreachable from the initial state, a missing initial or terminal
// state, terminal states with outgoing events and other states without any.
// Errors are *o2o.ValidationError (wrapping o2o.ErrInvalid, and
// o2o.ErrDuplicate for duplicates) naming every fault by its JSON path.
func Build(spec Spec) (*Definition, error) {
	if err := o2o.Validate(spec); err != nil {
		return nil, err
	}
	var faults []o2o.FieldError
	dup := false
	bad := func(path, format string, args ...any) {
		faults = append(faults, o2o.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	d := &Definition{
		spec:     cloneSpec(spec),
		stateIdx: make(map[string]int, len(spec.States)),
		guards:   make(map[string]guardRef, len(spec.Guards)),
		events:   make(map[string]*eventEntry, len(spec.Events)),
	}
	spec = d.spec
	for i, s := range spec.States {
		if _, ok := d.stateIdx[s.Name]; ok {
			bad(fmt.Sprintf("states[%d].name", i), "duplicate state %q", s.Name)
			dup = true
			continue
		}
		if s.Deadline != nil && s.Deadline.Within <= 0 {
			bad(fmt.Sprintf("states[%d].deadline.within", i), "must be positive")
		}
		d.stateIdx[s.Name] = len(d.states)
		d.states = append(d.states, s.Name)
		d.titles = append(d.titles, s.Title)
		d.deadline = append(d.deadline, s.Deadline)
	}
	n := len(d.states)
	d.terminal = make([]bool, n)
	d.available = make([][]string, n)
	if i, ok := d.stateIdx[spec.Initial]; ok {
		d.initial = i
	} else {
		bad("initial", "unknown state %q", spec.Initial)
	}
	for i, t := range spec.Terminal {
		j, ok := d.stateIdx[t]
		switch {
		case !ok:
			bad(fmt.Sprintf("terminal[%d]", i), "unknown state %q", t)
		case d.terminal[j]:
			bad(fmt.Sprintf("terminal[%d]", i), "duplicate terminal state %q", t)
			dup = true
		default:
			d.terminal[j] = true
		}
	}
	for i := range spec.Guards {
		g := &spec.Guards[i]
		path := fmt.Sprintf("guards[%d]", i)
		if _, ok := d.guards[g.Name]; ok {
			bad(path+".name", "duplicate guard %q", g.Name)
			dup = true
			continue
		}
		ref := guardRef{spec: g}
		switch {
		case g.Kind == GuardOneOf && len(g.Values) == 0:
			bad(path+".values", "a one_of guard needs values")
		case g.Kind == GuardWithin && g.Within <= 0:
			bad(path+".within", "a within guard needs a positive period")
		case g.Kind != GuardOneOf && len(g.Values) > 0:
			bad(path+".values", "only a one_of guard takes values")
		case g.Kind != GuardCustom && g.Func != "":
			bad(path+".func", "only a func guard names a Go function")
		case g.Kind == GuardCustom && g.Func == "":
			bad(path+".func", "a func guard names a Go function registered in Spec.Funcs")
		case g.Kind == GuardCustom:
			if ref.fn = spec.Funcs[g.Func]; ref.fn == nil {
				bad(path+".func", "no Go function %q is registered in Spec.Funcs", g.Func)
			}
		}
		d.guards[g.Name] = ref
	}
	for i, e := range spec.Events {
		path := fmt.Sprintf("events[%d]", i)
		toIdx, toOK := d.stateIdx[e.To]
		if !toOK {
			bad(path+".to", "unknown state %q", e.To)
		}
		var guards []guardRef
		for k, g := range e.Guards {
			gs, ok := d.guards[g]
			if !ok {
				bad(fmt.Sprintf("%s.guards[%d]", path, k), "unknown guard %q", g)
				continue
			}
			guards = append(guards, gs)
		}
		for k, r := range e.Roles {
			if !r.Valid() {
				bad(fmt.Sprintf("%s.roles[%d]", path, k), "unknown role %q", r)
			}
		}
		entry := d.events[e.Name]
		if entry == nil {
			entry = &eventEntry{name: e.Name}
			d.events[e.Name] = entry
		}
		records := make([]Fact, 0, len(e.Records))
		for k, v := range e.Records {
			records = append(records, Fact{k, v})
		}
		slices.SortFunc(records, func(a, b Fact) int { return strings.Compare(a.Name, b.Name) })
		for k, src := range e.From {
			fromIdx, ok := d.stateIdx[src]
			if !ok {
				bad(fmt.Sprintf("%s.from[%d]", path, k), "unknown state %q", src)
				continue
			}
			if slices.ContainsFunc(entry.trans, func(t transition) bool { return t.from == src }) {
				bad(fmt.Sprintf("%s.from[%d]", path, k), "duplicate transition: event %q from state %q", e.Name, src)
				dup = true
				continue
			}
			if !toOK {
				continue
			}
			entry.trans = append(entry.trans, transition{
				event: e.Name, from: src, fromIdx: fromIdx, to: e.To, toIdx: toIdx,
				roles: slices.Clone(e.Roles), mask: roleMask(e.Roles), guards: guards, records: records, intents: e.Intents,
			})
			d.available[fromIdx] = append(d.available[fromIdx], e.Name)
		}
	}
	if len(faults) == 0 {
		d.checkGraph(bad)
	}
	if len(faults) > 0 {
		ve := &o2o.ValidationError{Fields: faults}
		if dup {
			ve.Err = o2o.ErrDuplicate
		}
		return nil, ve
	}
	for _, name := range d.eventNames() {
		e := d.events[name]
		for k := range e.trans {
			e.trans[k].id = int32(len(d.all))
			d.all = append(d.all, &e.trans[k])
		}
	}
	d.out = make([][]edge, n)
	for i := range d.available {
		slices.Sort(d.available[i])
		for _, t := range d.outgoing(i) {
			d.out[i] = append(d.out[i], edge{newNameKey(t.event), t})
		}
	}
	d.stateKey = make([]nameKey, n)
	for i, name := range d.states {
		d.stateKey[i] = newNameKey(name)
	}
	d.outKey = make([]perfect, n)
	for i, out := range d.out {
		d.outKey[i] = newPerfect(out)
	}
	d.buildFSM()
	return d, nil
}

// checkGraph rejects unreachable states, terminal states that can be left
// and non-terminal states that cannot.
func (d *Definition) checkGraph(bad func(path, format string, args ...any)) {
	reached := make([]bool, len(d.states))
	reached[d.initial] = true
	queue := []int{d.initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, t := range d.outgoing(s) {
			if !reached[t.toIdx] {
				reached[t.toIdx] = true
				queue = append(queue, t.toIdx)
			}
		}
	}
	for i, name := range d.states {
		path := fmt.Sprintf("states[%d]", i)
		out := d.outgoing(i)
		switch {
		case !reached[i]:
			bad(path, "state %q is unreachable from the initial state %q", name, d.states[d.initial])
		case d.terminal[i] && len(out) > 0:
			bad(path, "terminal state %q has outgoing event %q", name, out[0].event)
		case !d.terminal[i] && len(out) == 0:
			bad(path, "state %q has no outgoing event and is not terminal", name)
		}
	}
}

// outgoing returns the transitions leaving state i, by event name.
func (d *Definition) outgoing(i int) []*transition {
	var out []*transition
	for _, name := range d.eventNames() {
		e := d.events[name]
		for k := range e.trans {
			if e.trans[k].fromIdx == i {
				out = append(out, &e.trans[k])
			}
		}
	}
	return out
}

func (d *Definition) eventNames() []string {
	names := make([]string, 0, len(d.events))
	for n := range d.events {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (d *Definition) buildFSM() {
	for _, name := range d.eventNames() {
		for _, t := range d.events[name].trans {
			d.fsmEvents = append(d.fsmEvents, fsm.EventDesc{Name: t.event, Src: []string{t.from}, Dst: t.to})
		}
	}
	initial := d.states[d.initial]
	events := d.fsmEvents
	d.pool = &sync.Pool{New: func() any {
		// No callbacks: nothing can re-enter the machine or be misspelt.
		return fsm.NewFSM(initial, events, nil)
	}}
}

// Name returns the flow's name.
func (d *Definition) Name() string { return d.spec.Name }

// Version returns the flow's version.
func (d *Definition) Version() int { return d.spec.Version }

// Initial returns the initial state.
func (d *Definition) Initial() string { return d.states[d.initial] }

// States returns the states in declaration order, as a fresh slice.
func (d *Definition) States() []string { return slices.Clone(d.states) }

// Events returns the event names, sorted, as a fresh slice.
func (d *Definition) Events() []string { return d.eventNames() }

// IsTerminal reports whether state is a terminal state of d.
func (d *Definition) IsTerminal(state string) bool {
	i, ok := d.stateIdx[state]
	return ok && d.terminal[i]
}

// Spec returns a deep copy of the description d was built from.
func (d *Definition) Spec() Spec { return cloneSpec(d.spec) }

// Can reports whether event may fire from state, by the table alone (roles
// and guards are not considered). It does not allocate.
func (d *Definition) Can(state, event string) bool {
	return d.lookup(state, event) != nil
}

// Available returns the events that may fire from state, sorted by name, as
// a fresh slice the caller may keep. It returns nil for an unknown state.
func (d *Definition) Available(state string) []string {
	i, ok := d.stateIdx[state]
	if !ok {
		return nil
	}
	return slices.Clone(d.available[i])
}

// Roles returns the roles allowed to fire event from state, or nil.
func (d *Definition) Roles(state, event string) []Role {
	t := d.lookup(state, event)
	if t == nil {
		return nil
	}
	return slices.Clone(t.roles)
}

// from returns the transition for event out of state index si, or nil. It
// compares names instead of hashing them: the state's perfect hash of
// length, first and last byte names the one candidate, whose name is then
// compared (a state without one, which needs two of its events to share
// all three, is searched in order).
func (d *Definition) from(si int, event string) *transition {
	out := d.out[si]
	if p := &d.outKey[si]; p.mul != 0 {
		if len(event) == 0 {
			return nil
		}
		j := p.slot[p.of(event)]
		if j == 0 || !out[j-1].event.is(event) {
			return nil
		}
		return out[j-1].t
	}
	for _, e := range out {
		if e.event.is(event) {
			return e.t
		}
	}
	return nil
}

// perfect maps the names of a state's events, by length, first and last
// byte, to distinct slots: slot holds 1 + the event's index in the state's
// edges, or 0. mul is 0 when no multiplier tried separates them.
type perfect struct {
	mul  uint32
	slot [perfectSlots]uint8
}

const perfectSlots = 32

// of is the slot for name, which is not empty.
func (p *perfect) of(name string) uint32 {
	k := uint32(len(name))<<16 | uint32(name[0])<<8 | uint32(name[len(name)-1])
	return (k * p.mul) >> 27 // 32 slots
}

// newPerfect finds a multiplier that gives out's names distinct slots,
// trying a fixed sequence of odd multipliers (deterministic).
func newPerfect(out []edge) perfect {
	var p perfect
	if len(out) == 0 || len(out) > perfectSlots/2 || len(out) > 255 {
		return p
	}
	for _, e := range out {
		if e.event.s == "" {
			return p
		}
	}
	for try := range uint32(256) {
		p.mul = 0x9E3779B1 + 2*try*0x10001
		clear(p.slot[:])
		ok := true
		for j, e := range out {
			k := p.of(e.event.s)
			if p.slot[k] != 0 {
				ok = false
				break
			}
			p.slot[k] = uint8(j + 1)
		}
		if ok {
			return p
		}
	}
	return perfect{}
}

func (d *Definition) lookup(state, event string) *transition {
	e := d.events[event]
	if e == nil {
		return nil
	}
	for i := range e.trans {
		if e.trans[i].from == state {
			return &e.trans[i]
		}
	}
	return nil
}

// step takes t with looplab/fsm, on a pooled machine (see stepOn).
//
// Pools per state, handing a machine on to the pool of t.to to save the
// SetState, were tried and dropped: flows run one way, so the pools of
// early states run dry and every step then builds a new machine.
func (d *Definition) step(t *transition) error {
	m := d.pool.Get().(*fsm.FSM)
	err := stepOn(m, t, true)
	d.pool.Put(m)
	return err
}

// stepOn takes t with looplab/fsm on m, a machine of t's definition, set
// to t.from first when set is true (false: the caller knows m is there
// already). The machines are built from
// the same table as t, so where Event succeeds it lands in t.to (the state
// is not read back: that would take one more lock). Its context is never
// cancellable and it has no callbacks, so it cannot deadlock or get stuck.
// A self-transition, which looplab reports as NoTransitionError, is
// normalised to success.
func stepOn(m *fsm.FSM, t *transition, set bool) error {
	if set {
		m.SetState(t.from)
	}
	if err := m.Event(context.Background(), t.event); err != nil {
		if _, ok := err.(fsm.NoTransitionError); !ok {
			return fmt.Errorf("%w: fsm: %v", errInternal, err)
		}
	}
	return nil
}

// MarshalJSON writes the definition's Spec.
func (d *Definition) MarshalJSON() ([]byte, error) { return json.Marshal(d.spec) }

// UnmarshalJSON strictly decodes a Spec and builds it into d.
func (d *Definition) UnmarshalJSON(data []byte) error {
	var s Spec
	if err := o2o.DecodeJSON(data, &s); err != nil {
		return err
	}
	built, err := Build(s)
	if err != nil {
		return err
	}
	*d = *built
	return nil
}

// ParseSpec strictly decodes a JSON Spec and builds it.
func ParseSpec(data []byte) (*Definition, error) {
	var s Spec
	if err := o2o.DecodeJSON(data, &s); err != nil {
		return nil, err
	}
	return Build(s)
}

func cloneSpec(s Spec) Spec {
	c := s
	c.Terminal = slices.Clone(s.Terminal)
	c.States = slices.Clone(s.States)
	for i := range c.States {
		if dl := c.States[i].Deadline; dl != nil {
			cp := *dl
			c.States[i].Deadline = &cp
		}
	}
	c.Events = slices.Clone(s.Events)
	for i := range c.Events {
		e := &c.Events[i]
		e.From = slices.Clone(e.From)
		e.Roles = slices.Clone(e.Roles)
		e.Guards = slices.Clone(e.Guards)
		e.Records = e.Records.Clone()
		e.Intents = slices.Clone(e.Intents)
	}
	c.Funcs = maps.Clone(s.Funcs)
	c.Guards = slices.Clone(s.Guards)
	for i := range c.Guards {
		g := &c.Guards[i]
		g.Values = slices.Clone(g.Values)
		if g.When != nil {
			cp := *g.When
			g.When = &cp
		}
	}
	return c
}
