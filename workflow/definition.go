package workflow

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/looplab/fsm"

	"github.com/o2okit/o2okit/o2o"
)

// Definition is a validated, immutable workflow: the table of transitions,
// roles, guards and deadlines built once from a Spec. It is safe for
// concurrent use; one Definition drives any number of instances.
//
// Can and Available answer from the definition's own table. Transitions are
// executed through looplab/fsm machines kept in a per-definition pool and
// reused across calls, with no callbacks registered and a context that
// cannot be cancelled, so none of looplab's deadlocks or stuck transitions
// can happen.
type Definition struct {
	spec     Spec
	states   []string
	stateIdx map[string]int
	initial  int
	terminal []bool
	deadline []*DeadlineSpec
	guards   map[string]guardRef
	// events holds every event name, sorted.
	events []string
	// trans is the table: (source state, event) to the transition.
	trans map[transKey]*transition
	// out holds, per state, its outgoing transitions sorted by event name;
	// available their names.
	out       [][]*transition
	available [][]string
	fsmEvents fsm.Events
	pool      *sync.Pool
	// owned reports that the spec declares its facts' writers: commands
	// may then bring only the facts writes allows their event.
	owned bool
	// writes maps each event to the facts its commands may bring and the
	// roles allowed to bring each (nil: every role of the event).
	writes map[string]map[string][]Role
}

type transKey struct{ from, event string }

type transition struct {
	event   string
	from    string
	fromIdx int
	to      string
	toIdx   int
	roles   []Role
	guards  []guardRef
	records Facts
	intents []Intent
}

// Build validates spec and returns its Definition. It rejects unknown state,
// event and guard names, duplicate states, guards and (state, event) pairs,
// states unreachable from the initial state, a missing initial or terminal
// state, terminal states with outgoing events and other states without any,
// intents and escalations that carry a key (Fire and Escalations give each
// its key), escalations to unknown roles, money guards without a known
// currency or with a ceiling that is not positive or in it, fact
// declarations (Spec.Facts) naming unknown events or roles or a fact twice,
// and, when facts are declared, a guard, condition or deadline reading a
// fact no event writes, and text that is not
// valid UTF-8 (its JSON could not carry it unchanged). Its work is
// linear in the size of the spec, but for sorting names. Errors are
// *o2o.ValidationError (wrapping o2o.ErrInvalid, and o2o.ErrDuplicate for
// duplicates) naming faults by their JSON paths.
func Build(spec Spec) (*Definition, error) {
	if err := o2o.Validate(spec); err != nil {
		return nil, err
	}
	var faults []o2o.FieldError
	dup := false
	bad := func(path, format string, args ...any) {
		faults = append(faults, o2o.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	checkSpecText(spec, bad)
	d := &Definition{
		spec:     cloneSpec(spec),
		stateIdx: make(map[string]int, len(spec.States)),
		guards:   make(map[string]guardRef, len(spec.Guards)),
		trans:    make(map[transKey]*transition, len(spec.Events)),
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
		if s.Deadline != nil && s.Deadline.Escalate != nil {
			checkEscalation(fmt.Sprintf("states[%d].deadline.escalate", i), s.Deadline.Escalate, bad)
		}
		d.stateIdx[s.Name] = len(d.states)
		d.states = append(d.states, s.Name)
		d.deadline = append(d.deadline, s.Deadline)
	}
	n := len(d.states)
	d.terminal = make([]bool, n)
	d.out = make([][]*transition, n)
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
		case g.Kind == GuardMoney && (g.Currency == "" || !g.Currency.Valid()):
			bad(path+".currency", "a money guard needs a known currency, not %q", string(g.Currency))
		case g.Kind != GuardMoney && (g.Currency != "" || g.Max != nil):
			bad(path, "only a money guard takes a currency and a ceiling")
		case g.Max != nil && (!g.Max.IsPositive() || g.Max.Currency() != g.Currency):
			bad(path+".max", "the ceiling %s must be positive and in %s", *g.Max, g.Currency)
		}
		d.guards[g.Name] = ref
	}
	names := make(map[string]bool, len(spec.Events))
	for i, e := range spec.Events {
		path := fmt.Sprintf("events[%d]", i)
		names[e.Name] = true
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
		for k, in := range e.Intents {
			if in.Key != "" {
				bad(fmt.Sprintf("%s.intents[%d].key", path, k), "is set by Fire; leave it empty")
			}
			if len(in.Amounts) > 0 {
				bad(fmt.Sprintf("%s.intents[%d].amounts", path, k), "are set by Fire; leave them empty")
			}
			if in.Payout != nil {
				in.Payout.check(fmt.Sprintf("%s.intents[%d].payout", path, k), bad)
			}
		}
		for k, src := range e.From {
			fromIdx, ok := d.stateIdx[src]
			if !ok {
				bad(fmt.Sprintf("%s.from[%d]", path, k), "unknown state %q", src)
				continue
			}
			key := transKey{src, e.Name}
			if _, ok := d.trans[key]; ok {
				bad(fmt.Sprintf("%s.from[%d]", path, k), "duplicate transition: event %q from state %q", e.Name, src)
				dup = true
				continue
			}
			if !toOK {
				continue
			}
			t := &transition{
				event: e.Name, from: src, fromIdx: fromIdx, to: e.To, toIdx: toIdx,
				roles: e.Roles, guards: guards, records: e.Records, intents: e.Intents,
			}
			d.trans[key] = t
			d.out[fromIdx] = append(d.out[fromIdx], t)
		}
	}
	d.events = slices.Sorted(maps.Keys(names))
	d.owned = len(spec.Facts) > 0
	if d.owned {
		d.buildOwnership(spec, names, bad)
	}
	for i, out := range d.out {
		slices.SortFunc(out, func(a, b *transition) int { return strings.Compare(a.event, b.event) })
		for _, t := range out {
			d.available[i] = append(d.available[i], t.event)
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
	d.buildFSM()
	return d, nil
}

// buildOwnership reads spec.Facts into each transition's writes, and
// rejects a declaration naming an unknown event or role, a fact declared
// twice, and a guard, condition or deadline reading a fact no event writes.
func (d *Definition) buildOwnership(spec Spec, events map[string]bool, bad func(path, format string, args ...any)) {
	d.writes = make(map[string]map[string][]Role, len(events))
	written := map[string]bool{}
	for i, f := range spec.Facts {
		path := fmt.Sprintf("facts[%d]", i)
		if written[f.Name] {
			bad(path+".name", "fact %q declared twice", f.Name)
			continue
		}
		written[f.Name] = true
		for k, r := range f.Roles {
			if !r.Valid() {
				bad(fmt.Sprintf("%s.roles[%d]", path, k), "unknown role %q", r)
			}
		}
		for k, e := range f.Events {
			if !events[e] {
				bad(fmt.Sprintf("%s.events[%d]", path, k), "unknown event %q", e)
				continue
			}
			if d.writes[e] == nil {
				d.writes[e] = map[string][]Role{}
			}
			d.writes[e][f.Name] = f.Roles
		}
	}
	for _, e := range spec.Events {
		for name := range e.Records {
			written[name] = true
		}
	}
	reads := func(path, fact string) {
		if fact != "" && !written[fact] {
			bad(path, "reads fact %q, which no event writes", fact)
		}
	}
	for i, g := range spec.Guards {
		reads(fmt.Sprintf("guards[%d].fact", i), g.Fact)
		if g.When != nil {
			reads(fmt.Sprintf("guards[%d].when.fact", i), g.When.Fact)
		}
	}
	for i, st := range spec.States {
		if st.Deadline != nil {
			reads(fmt.Sprintf("states[%d].deadline.from", i), st.Deadline.From)
		}
	}
	for i, e := range spec.Events {
		for k, in := range e.Intents {
			if in.Payout != nil {
				reads(fmt.Sprintf("events[%d].intents[%d].payout.fact", i, k), in.Payout.Fact)
			}
		}
	}
}

// checkSpecText rejects text in spec that is not valid UTF-8, which its
// JSON could not carry unchanged: every string it holds, named by its JSON
// path, and the names and values of the facts events record.
func checkSpecText(spec Spec, bad func(path, format string, args ...any)) {
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if !utf8.ValidString(v.String()) {
				bad(path, "is not valid UTF-8")
			}
		case reflect.Pointer:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(path+"["+strconv.Itoa(i)+"]", v.Index(i))
			}
		case reflect.Map:
			if f, ok := v.Interface().(Facts); ok {
				if name, ok := invalidText(f); !ok {
					bad(path, "fact %q is not valid UTF-8", name)
				}
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if f.IsExported() && name != "-" {
					walk(strings.TrimPrefix(path+"."+cmp.Or(name, strings.ToLower(f.Name)), "."), v.Field(i))
				}
			}
		}
	}
	walk("", reflect.ValueOf(spec))
}

// checkEscalation rejects an escalation whose role is unknown or which
// carries a key (Instance.Escalations gives it its key).
func checkEscalation(path string, esc *Intent, bad func(path, format string, args ...any)) {
	if !esc.Role.Valid() {
		bad(path+".role", "unknown role %q", esc.Role)
	}
	if esc.Key != "" {
		bad(path+".key", "is set by Escalations; leave it empty")
	}
	if esc.Payout != nil || len(esc.Amounts) > 0 {
		bad(path+".payout", "an escalation moves no money")
	}
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
		for _, t := range d.out[s] {
			if !reached[t.toIdx] {
				reached[t.toIdx] = true
				queue = append(queue, t.toIdx)
			}
		}
	}
	for i, name := range d.states {
		path := fmt.Sprintf("states[%d]", i)
		out := d.out[i]
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

func (d *Definition) buildFSM() {
	for _, t := range slices.Concat(d.out...) {
		d.fsmEvents = append(d.fsmEvents, fsm.EventDesc{Name: t.event, Src: []string{t.from}, Dst: t.to})
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
func (d *Definition) Events() []string { return slices.Clone(d.events) }

// IsTerminal reports whether state is a terminal state of d.
func (d *Definition) IsTerminal(state string) bool {
	i, ok := d.stateIdx[state]
	return ok && d.terminal[i]
}

// Spec returns a deep copy of the description d was built from.
func (d *Definition) Spec() Spec { return cloneSpec(d.spec) }

// Can reports whether event may fire from state, by the table alone (roles
// and guards are not considered).
func (d *Definition) Can(state, event string) bool {
	return d.trans[transKey{state, event}] != nil
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
	t := d.trans[transKey{state, event}]
	if t == nil {
		return nil
	}
	return slices.Clone(t.roles)
}

// leaving returns the transition taking event from the state of index si,
// or nil: a binary search of its few events, cheaper than a trans lookup.
func (d *Definition) leaving(si int, event string) *transition {
	if i, ok := slices.BinarySearch(d.available[si], event); ok {
		return d.out[si][i]
	}
	return nil
}

// known reports whether d has an event of that name.
func (d *Definition) known(event string) bool {
	_, ok := slices.BinarySearch(d.events, event)
	return ok
}

// step takes t with looplab/fsm, on a machine of d's pool set to t.from.
// The machines are built from the same table as t, so where Event succeeds
// it lands in t.to. Its context is never cancellable and it has no
// callbacks, so it cannot deadlock or get stuck. A self-transition, which
// looplab reports as NoTransitionError, is normalised to success.
func (d *Definition) step(t *transition) error {
	m := d.pool.Get().(*fsm.FSM)
	m.SetState(t.from)
	err := m.Event(context.Background(), t.event)
	d.pool.Put(m)
	if err != nil {
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
	built, err := ParseSpec(data)
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
			if cp.Escalate != nil {
				esc := *cp.Escalate
				cp.Escalate = &esc
			}
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
		e.Intents = cloneIntents(e.Intents)
	}
	c.Funcs = maps.Clone(s.Funcs)
	c.Facts = slices.Clone(s.Facts)
	for i := range c.Facts {
		c.Facts[i].Events = slices.Clone(c.Facts[i].Events)
		c.Facts[i].Roles = slices.Clone(c.Facts[i].Roles)
	}
	c.Guards = slices.Clone(s.Guards)
	for i := range c.Guards {
		g := &c.Guards[i]
		g.Values = slices.Clone(g.Values)
		if g.When != nil {
			cp := *g.When
			g.When = &cp
		}
		if g.Max != nil {
			cp := *g.Max
			g.Max = &cp
		}
	}
	return c
}

// cloneIntents copies intents, their payouts and amounts.
func cloneIntents(intents []Intent) []Intent {
	out := slices.Clone(intents)
	for i := range out {
		out[i].Amounts = slices.Clone(out[i].Amounts)
		if p := out[i].Payout; p != nil {
			cp := *p
			cp.Stages, cp.Take, cp.To = slices.Clone(p.Stages), slices.Clone(p.Take), slices.Clone(p.To)
			out[i].Payout = &cp
		}
	}
	return out
}
