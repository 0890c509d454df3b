package workflow

import (
	"fmt"
	"maps"
	"slices"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// Spec describes a workflow as data: its states, its events with their
// sources, destination, roles and guards, and the deadline of each state.
// Build validates a Spec once into an immutable Definition. A Spec
// round-trips through JSON (decode it with o2o.DecodeJSON or
// Spec.UnmarshalJSON, which is strict), so a flow can live in a database.
type Spec struct {
	// Name names the flow, such as "decoration".
	Name string `json:"name" validate:"required"`
	// Version is the flow's version, from 1. Instances stay on the version
	// they were started on; Migrate moves one to another.
	Version int `json:"version" validate:"min=1"`
	// Initial is the state a new instance starts in.
	Initial string `json:"initial" validate:"required"`
	// Terminal lists the states where the flow ends; at least one.
	Terminal []string `json:"terminal" validate:"min=1"`
	// States lists every state, in the order they are drawn.
	States []StateSpec `json:"states" validate:"min=1,dive"`
	// Events lists the transitions. One event name may appear in several
	// entries (with different sources), but each (source state, event) pair
	// only once.
	Events []EventSpec `json:"events" validate:"min=1,dive"`
	// Guards declares the guards that events name.
	Guards []GuardSpec `json:"guards,omitempty" validate:"dive"`
	// Facts, when set, declares who may write each fact: a command may then
	// bring only facts declared here for its event and role, and Fire
	// refuses any other with a *ForbiddenError naming the fact, as it
	// refuses a forbidden role. Left empty, any command may bring any fact
	// (the behaviour of a Spec that predates ownership). With it set, Build
	// refuses a guard, condition or deadline that reads a fact no event
	// writes (declared here or recorded by an event's Records).
	Facts []FactSpec `json:"facts,omitempty" validate:"dive"`
	// Funcs registers the Go guard functions that GuardCustom guards name in
	// GuardSpec.Func. It is a code-only hook: it is not marshalled (json:"-"),
	// so a Spec loaded from JSON gets its functions set in code before Build.
	Funcs map[string]GuardFunc `json:"-"`
}

// StateSpec is one state and, optionally, the deadline for leaving it.
type StateSpec struct {
	// Name is the state's name, such as "applied".
	Name string `json:"name" validate:"required"`
	// Title is a human title, such as "Applied (申请)"; optional.
	Title string `json:"title,omitempty"`
	// Deadline, when set, is the time allowed to leave the state.
	Deadline *DeadlineSpec `json:"deadline,omitempty"`
}

// DeadlineSpec is the time allowed in a state: the state must be left
// within Within of the instant it was entered, or of the instant recorded
// in the fact From when From is set (such as a booked date).
type DeadlineSpec struct {
	// Within is the time allowed, written "48h" or "7d"; positive.
	Within o2o.Duration `json:"within"`
	// From, when set, names a fact holding an RFC 3339 instant the deadline
	// counts from. The event entering the state must record it.
	From string `json:"from,omitempty"`
	// For says what is due, such as "on-site measurement (量房)".
	For string `json:"for" validate:"required"`
	// Escalate, when set, is the intent a host sends once the deadline has
	// passed with the state still open: who is told (its Role) and what
	// is asked (its Kind and Note). Instance.Escalations hands it out with
	// its key; its Key is empty in a Spec.
	Escalate *Intent `json:"escalate,omitempty"`
}

// EventSpec is an event: the states it may fire from, the state it leads
// to, the roles allowed to fire it, the guards that must hold, the facts it
// records by itself, and the intents it hands back to the caller.
type EventSpec struct {
	// Name is the event's name, such as "measure".
	Name string `json:"name" validate:"required"`
	// From lists the source states.
	From []string `json:"from" validate:"min=1"`
	// To is the destination. It may equal a source: a self-transition
	// records facts and history without changing state.
	To string `json:"to" validate:"required"`
	// Roles lists the roles allowed to fire the event; at least one.
	Roles []Role `json:"roles" validate:"min=1"`
	// Guards names guards declared in Spec.Guards, checked in this order.
	Guards []string `json:"guards,omitempty"`
	// Records lists facts the event records by itself when it succeeds
	// (such as live_video=true), after the command's own facts.
	Records Facts `json:"records,omitempty"`
	// Intents are what the caller should carry out after the transition
	// (notify the store, schedule the crew), handed back as data.
	Intents []Intent `json:"intents,omitempty" validate:"dive"`
}

// FactSpec declares which events may write a fact, and by which roles.
type FactSpec struct {
	// Name is the fact's name, such as "eco_certified".
	Name string `json:"name" validate:"required"`
	// Events lists the events whose commands may bring the fact; at least
	// one.
	Events []string `json:"events" validate:"min=1"`
	// Roles, when set, narrows the writers to these roles among those the
	// event allows; empty means every role the event allows.
	Roles []Role `json:"roles,omitempty"`
	// Description says what the fact holds, in plain words; optional.
	Description string `json:"description,omitempty"`
}

// Intent is a side effect the caller carries out after a transition: the
// SDK itself does no I/O.
type Intent struct {
	// Key identifies the intent handed out by a step, for a caller that runs
	// intents at least once (an outbox, a durable activity, a message) and
	// deduplicates them: Fire sets it to the command's id, a slash and the
	// intent's index among the step's intents ("c11/0"). It is the same
	// each time the step's intents are handed out, and unique within an
	// instance, as command ids are; prefix it with the project's own id
	// when command ids are not unique across projects. It is empty in a
	// Spec.
	Key string `json:"key,omitempty"`
	// Kind names the action, such as "notify" or "schedule".
	Kind string `json:"kind" validate:"required"`
	// Role is who the action is for.
	Role Role `json:"role" validate:"required"`
	// Note says what to do, in plain words.
	Note string `json:"note,omitempty"`
	// Payout, in a Spec, makes the intent carry money: Fire computes its
	// Amounts from a fact holding an amount (see Payout).
	Payout *Payout `json:"payout,omitempty"`
	// Amounts are the sums the intent moves, by recipient, computed by Fire
	// from Payout; empty in a Spec.
	Amounts []o2o.Part `json:"amounts,omitempty"`
}

// Payout describes the money an intent moves, as data: a total held in a
// fact (an amount o2o.ParseMoney reads, such as the owner's payment) is
// split into stages by weight (o2o.Allocate, to the fen), the intent
// moves the stages it Takes, split among its recipients To by weight. As
// every stage's part is computed from the same total and weights, the
// parts of all stages sum exactly to the total: what one intent releases
// and what another refunds never overlap nor lose a fen. Fire refuses a
// step whose payout fact is not such an amount (o2o.ErrInvalid naming the
// fact). An intent handed back again for a repeated command is computed
// from the fact as recorded now.
type Payout struct {
	// Fact names the fact holding the total.
	Fact string `json:"fact" validate:"required"`
	// Stages splits the total into stages, by weight; unique keys.
	Stages []o2o.Share `json:"stages" validate:"min=1"`
	// Take lists the stages this intent moves; each a key of Stages.
	Take []string `json:"take" validate:"min=1"`
	// To splits what it moves among the recipients, by weight; unique keys.
	To []o2o.Share `json:"to" validate:"min=1"`
}

// amounts computes the payout from the total recorded as s.
func (p *Payout) amounts(s string) ([]o2o.Part, error) {
	total, err := o2o.ParseMoney(s)
	if err != nil {
		return nil, o2o.Invalidf("facts."+p.Fact, "is %q, want an amount the payout splits: %v", clip(s), err)
	}
	if total.IsNegative() {
		return nil, o2o.Invalidf("facts."+p.Fact, "is %s, want an amount not negative", total)
	}
	stages, err := o2o.Allocate(total, p.Stages)
	if err != nil {
		return nil, o2o.Prefix("facts."+p.Fact, err)
	}
	sum := total.Currency().Zero()
	for _, st := range stages {
		if slices.Contains(p.Take, st.Key) {
			if sum, err = sum.Add(st.Amount); err != nil {
				return nil, o2o.Prefix("facts."+p.Fact, err)
			}
		}
	}
	parts, err := o2o.Allocate(sum, p.To)
	if err != nil {
		return nil, o2o.Prefix("facts."+p.Fact, err)
	}
	return parts, nil
}

// check rejects a payout whose stages or recipients o2o.Allocate would
// refuse, or which takes a stage it does not split.
func (p *Payout) check(path string, bad func(path, format string, args ...any)) {
	one := o2o.MustParseMoney("1.00")
	if _, err := o2o.Allocate(one, p.Stages); err != nil {
		bad(path+".stages", "%v", err)
	}
	if _, err := o2o.Allocate(one, p.To); err != nil {
		bad(path+".to", "%v", err)
	}
	for k, take := range p.Take {
		if !slices.ContainsFunc(p.Stages, func(s o2o.Share) bool { return s.Key == take }) {
			bad(fmt.Sprintf("%s.take[%d]", path, k), "unknown stage %q", take)
		}
	}
}

// GuardKind is the test a guard applies to a fact.
type GuardKind string

// The guard kinds.
const (
	// GuardPresent holds when the fact is recorded and not empty.
	GuardPresent GuardKind = "present"
	// GuardOneOf holds when the fact is one of Values.
	GuardOneOf GuardKind = "one_of"
	// GuardTime holds when the fact is an RFC 3339 instant.
	GuardTime GuardKind = "time"
	// GuardWithin holds when the command's instant is no earlier than the
	// instant in the fact and no later than that instant plus Within (a
	// claim within the warranty counted from the handover, never before
	// the handover).
	GuardWithin GuardKind = "within"
	// GuardNotBefore holds when the fact is an RFC 3339 instant no earlier
	// than the command's own instant (a booking date is not in the past of
	// the booking).
	GuardNotBefore GuardKind = "not_before"
	// GuardNotAfter holds when the fact is an RFC 3339 instant no later
	// than the command's own instant (a handover is not dated after the
	// command that records it).
	GuardNotAfter GuardKind = "not_after"
	// GuardMoney holds when the fact is an amount o2o.ParseMoney reads
	// ("500.00 CNY"), positive, in Currency, and no more than Max when Max
	// is set.
	GuardMoney GuardKind = "money"
	// GuardCustom holds when the Go function registered in Spec.Funcs under
	// the guard's Func returns nil.
	GuardCustom GuardKind = "func"
)

// GuardKinds returns every guard kind in a fixed order.
func GuardKinds() []GuardKind {
	return []GuardKind{GuardPresent, GuardOneOf, GuardTime, GuardWithin, GuardNotBefore, GuardNotAfter, GuardMoney, GuardCustom}
}

// String returns the kind's text form.
func (k GuardKind) String() string { return string(k) }

// Valid reports whether k is one of the guard kinds.
func (k GuardKind) Valid() bool { return enum.Valid(k, GuardKinds()...) }

// MarshalText returns the text form; it refuses an invalid kind.
func (k GuardKind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, &o2o.EnumError{Enum: "guard kind", Value: string(k)}
	}
	return []byte(k), nil
}

// UnmarshalText accepts exactly one of the kinds' text forms.
func (k *GuardKind) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, GuardKinds()...)
	if !ok {
		return &o2o.EnumError{Enum: "guard kind", Value: string(text)}
	}
	*k = v
	return nil
}

// GuardSpec is a pure predicate over the facts recorded on an instance
// (plus those the command brings). Guards are data, so a definition loaded
// from JSON carries them.
type GuardSpec struct {
	// Name names the guard, such as "floor_plan".
	Name string `json:"name" validate:"required"`
	// Kind is the test applied to Fact.
	Kind GuardKind `json:"kind" validate:"required"`
	// Fact is the fact tested; a GuardCustom guard reads what it needs
	// through its GuardInput instead.
	Fact string `json:"fact,omitempty" validate:"required_unless=Kind func"`
	// Values are the accepted values of a one_of guard.
	Values []string `json:"values,omitempty"`
	// Within is the period of a within guard, written "365d" or "48h".
	Within o2o.Duration `json:"within,omitempty"`
	// Currency is the currency a money guard requires; required for it.
	Currency o2o.Currency `json:"currency,omitempty"`
	// Max, when set, is the most a money guard accepts (a ceiling per kind
	// of compensation); in Currency.
	Max *o2o.Money `json:"max,omitempty"`
	// Func names the Go function of a GuardCustom guard in Spec.Funcs.
	Func string `json:"func,omitempty"`
	// When, when set, makes the guard apply only if that fact has that value
	// (live video must be streaming only when it was bought).
	When *Condition `json:"when,omitempty"`
	// Description says what the guard protects, in plain words; it labels
	// the edges of the rendered diagram and explains a refusal.
	Description string `json:"description,omitempty"`
}

// Condition is "fact Fact equals Equals".
type Condition struct {
	// Fact is the fact read.
	Fact string `json:"fact" validate:"required"`
	// Equals is the value it must have for the condition to hold.
	Equals string `json:"equals"`
}

// Facts are named facts: names to text values (instants in RFC 3339). A
// command brings them, an instance records them. encoding/json writes them
// with sorted keys, so they marshal deterministically; the strict decoders
// refuse a name given twice.
type Facts map[string]string

// Clone returns a copy of f (nil for an empty f).
func (f Facts) Clone() Facts {
	if len(f) == 0 {
		return nil
	}
	return maps.Clone(f)
}
