package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// view reads facts as they would be after a command: the event's own
// records win over the command's facts, which win over the instance's.
type view struct {
	inst Facts
	cmd  Facts
	rec  []fact
}

func (v view) get(key string) (string, bool) {
	for _, f := range v.rec {
		if f.key == key {
			return f.value, true
		}
	}
	if s, ok := v.cmd[key]; ok {
		return s, true
	}
	s, ok := v.inst[key]
	return s, ok
}

// check applies the guard; it returns "" when the guard holds, else the
// reason it failed. It never panics and never allocates when it holds.
func (g *GuardSpec) check(v view, at time.Time) string {
	if g.When != nil {
		if s, _ := v.get(g.When.Fact); s != g.When.Equals {
			return ""
		}
	}
	s, _ := v.get(g.Fact)
	switch g.Kind {
	case GuardPresent:
		if s == "" {
			return g.explain(fmt.Sprintf("fact %q is not recorded", g.Fact))
		}
	case GuardOneOf:
		if !slices.Contains(g.Values, s) {
			return g.explain(fmt.Sprintf("fact %q is %q, want one of [%s]", g.Fact, s, strings.Join(g.Values, ", ")))
		}
	case GuardTime:
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return g.explain(fmt.Sprintf("fact %q is %q, want an RFC 3339 instant", g.Fact, s))
		}
	case GuardWithin:
		from, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return g.explain(fmt.Sprintf("fact %q is %q, want an RFC 3339 instant", g.Fact, s))
		}
		if due := from.Add(time.Duration(g.Within)); at.After(due) {
			return g.explain(fmt.Sprintf("%s is more than %s after %s %s (due by %s)",
				at.Format(time.RFC3339), g.Within, g.Fact, from.Format(time.RFC3339), due.Format(time.RFC3339)))
		}
	default:
		return g.explain(fmt.Sprintf("unknown guard kind %q", g.Kind))
	}
	return ""
}

func (g *GuardSpec) explain(reason string) string {
	if g.Description == "" {
		return reason
	}
	return reason + " (" + g.Description + ")"
}
