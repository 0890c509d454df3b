package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/o2okit/o2okit/o2o"
)

// view reads facts as they would be after a command: the event's own
// records win over the command's facts, which win over the instance's.
type view struct {
	inst, cmd, rec Facts
}

func (v *view) get(key string) (string, bool) {
	if s, ok := v.rec[key]; ok {
		return s, true
	}
	if s, ok := v.cmd[key]; ok {
		return s, true
	}
	s, ok := v.inst[key]
	return s, ok
}

// instant returns fact key's value and that value parsed as an RFC 3339
// instant (ok false when it is not one).
func (v *view) instant(key string) (s string, t time.Time, ok bool) {
	s, _ = v.get(key)
	t, err := time.Parse(time.RFC3339, s)
	return s, t, err == nil
}

// GuardFunc is a guard written in Go, for a rule that the data guards
// cannot express (a check against the caller's own data passed in the
// command's facts, a computation over several facts). It returns nil when
// the guard holds, or an error saying why not: Fire refuses the command
// with a *GuardError whose Err is that error, so errors.Is and errors.As
// reach it. A GuardFunc must be pure and safe for concurrent use (one
// Definition serves many goroutines), and must not keep its GuardInput.
//
// Guard functions are code-only hooks: a Spec carries them in Spec.Funcs,
// tagged json:"-", and a guard of kind GuardCustom names one in
// GuardSpec.Func. A Spec loaded from JSON gets its functions set in code
// before Build.
type GuardFunc func(in GuardInput) error

// GuardInput is what a GuardFunc sees: the command and the facts as they
// would be if it succeeded (the event's records, then the command's facts,
// then the instance's).
type GuardInput struct {
	// Event is the event asked for; From and To are its states.
	Event, From, To string
	// Actor and Role are who fires it.
	Actor string
	Role  Role
	// At is the command's instant.
	At time.Time
	v  view
}

// Fact returns a fact as it would be after the command.
func (g GuardInput) Fact(name string) (string, bool) { return g.v.get(name) }

// guardRef is a guard as a transition uses it: its spec and, for a
// GuardCustom guard, the function registered under GuardSpec.Func.
type guardRef struct {
	spec *GuardSpec
	fn   GuardFunc
}

// check applies the guard; it returns nil when the guard holds, else a
// *GuardError naming it and saying which condition failed. It never panics
// (a GuardFunc's own panic aside).
func (g guardRef) check(v *view, t *transition, cmd Command) error {
	s := g.spec
	if s.When != nil {
		if val, _ := v.get(s.When.Fact); val != s.When.Equals {
			return nil
		}
	}
	if g.fn != nil {
		if err := g.fn(GuardInput{Event: t.event, From: t.from, To: t.to, Actor: cmd.Actor, Role: cmd.Role, At: cmd.At, v: *v}); err != nil {
			return &GuardError{Event: t.event, Guard: s.Name, Reason: s.explain(err.Error()), Err: err}
		}
		return nil
	}
	if reason := s.test(v, cmd.At); reason != "" {
		return &GuardError{Event: t.event, Guard: s.Name, Reason: s.explain(reason)}
	}
	return nil
}

// test applies a data guard; it returns "" when it holds, else the reason.
func (g *GuardSpec) test(v *view, at time.Time) string {
	switch g.Kind {
	case GuardPresent:
		if s, _ := v.get(g.Fact); s == "" {
			return fmt.Sprintf("fact %q is not recorded", g.Fact)
		}
	case GuardOneOf:
		if s, _ := v.get(g.Fact); !slices.Contains(g.Values, s) {
			return fmt.Sprintf("fact %q is %q, want one of [%s]", g.Fact, s, strings.Join(g.Values, ", "))
		}
	case GuardTime:
		if s, _, ok := v.instant(g.Fact); !ok {
			return fmt.Sprintf("fact %q is %q, want an RFC 3339 instant", g.Fact, s)
		}
	case GuardWithin:
		s, from, ok := v.instant(g.Fact)
		if !ok {
			return fmt.Sprintf("fact %q is %q, want an RFC 3339 instant", g.Fact, s)
		}
		if at.Before(from) {
			return fmt.Sprintf("%s is before %s %s", at.Format(time.RFC3339), g.Fact, from.Format(time.RFC3339))
		}
		if due := from.Add(time.Duration(g.Within)); at.After(due) {
			return fmt.Sprintf("%s is more than %s after %s %s (due by %s)",
				at.Format(time.RFC3339), g.Within, g.Fact, from.Format(time.RFC3339), due.Format(time.RFC3339))
		}
	case GuardNotBefore, GuardNotAfter:
		s, t, ok := v.instant(g.Fact)
		switch {
		case !ok:
			return fmt.Sprintf("fact %q is %q, want an RFC 3339 instant", g.Fact, s)
		case g.Kind == GuardNotBefore && t.Before(at):
			return fmt.Sprintf("fact %q is %s, before the command's instant %s", g.Fact, s, at.Format(time.RFC3339))
		case g.Kind == GuardNotAfter && t.After(at):
			return fmt.Sprintf("fact %q is %s, after the command's instant %s", g.Fact, s, at.Format(time.RFC3339))
		}
	case GuardMoney:
		s, _ := v.get(g.Fact)
		return g.testMoney(s)
	default:
		return fmt.Sprintf("guard kind %q has no function", g.Kind)
	}
	return ""
}

func (g *GuardSpec) explain(reason string) string {
	if g.Description == "" {
		return reason
	}
	return reason + " (" + g.Description + ")"
}

// testMoney applies a money guard to s; "" when it holds.
func (g *GuardSpec) testMoney(s string) string {
	m, err := o2o.ParseMoney(s)
	if err != nil {
		return fmt.Sprintf("fact %q is %q, want an amount such as \"500.00 %s\"", g.Fact, clip(s), g.Currency)
	}
	switch {
	case !m.IsPositive():
		return fmt.Sprintf("fact %q is %s, want a positive amount", g.Fact, m)
	case m.Currency() != g.Currency:
		return fmt.Sprintf("fact %q is %s, want an amount in %s", g.Fact, m, g.Currency)
	case g.Max != nil:
		if c, err := m.Cmp(*g.Max); err != nil || c > 0 {
			return fmt.Sprintf("fact %q is %s, more than the ceiling %s", g.Fact, m, *g.Max)
		}
	}
	return ""
}

// clip shortens s for an error message.
func clip(s string) string {
	const most = 64
	if len(s) <= most {
		return s
	}
	for i := most; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}
