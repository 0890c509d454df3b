package workflow

import (
	"slices"
	"strings"
)

// label is t's edge label: its event, its roles, and its guards if any.
func (t *transition) label() string {
	names := make([]string, 0, len(t.roles)+len(t.guards))
	for _, r := range t.roles {
		names = append(names, string(r))
	}
	s := t.event + " [" + strings.Join(names, ",") + "]"
	if len(t.guards) > 0 {
		names = names[:0]
		for _, g := range t.guards {
			names = append(names, g.spec.Name)
		}
		s += " if " + strings.Join(names, ",")
	}
	return s
}

// Mermaid renders the definition as a Mermaid state diagram. It starts from
// the true initial state (not a current one), labels each edge with its
// event, roles and guards, notes each deadline with its escalation (who is
// told when it passes), and marks the terminal states. When current names
// a state it is highlighted; pass "" for none. The output is deterministic.
func (d *Definition) Mermaid(current string) string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for i, s := range d.states {
		if title := d.spec.States[i].Title; title != "" {
			b.WriteString("    " + s + " : " + mermaidText(title) + "\n")
		}
	}
	for i, s := range d.states {
		if dl := d.deadline[i]; dl != nil {
			b.WriteString("    note right of " + s + " : " + mermaidText(deadlineText(dl)) + "\n")
		}
	}
	b.WriteString("    [*] --> " + d.states[d.initial] + "\n")
	for _, t := range slices.Concat(d.out...) {
		b.WriteString("    " + t.from + " --> " + t.to + " : " + mermaidText(t.label()) + "\n")
	}
	for i, s := range d.states {
		if d.terminal[i] {
			b.WriteString("    " + s + " --> [*]\n")
		}
	}
	if _, ok := d.stateIdx[current]; ok {
		b.WriteString("    classDef current fill:#0a0,color:#fff\n")
		b.WriteString("    class " + current + " current\n")
	}
	return b.String()
}

// mermaidText keeps labels from breaking Mermaid's syntax.
func mermaidText(s string) string { return mermaidEscape.Replace(s) }

// mermaidEscape is immutable and safe for concurrent use.
var mermaidEscape = strings.NewReplacer(":", "-", ";", ",", "\n", " ", "#", "")

// DOT renders the definition as Graphviz DOT, with the same content and
// guarantees as Mermaid: the true initial state, edge labels with roles and
// guards, deadlines and their escalations in the states' labels, terminal states doubled, current (if not "") filled.
func (d *Definition) DOT(current string) string {
	var b strings.Builder
	b.WriteString("digraph " + dotID(d.spec.Name) + " {\n")
	b.WriteString("    rankdir=LR;\n")
	b.WriteString("    node [shape=box, style=rounded];\n")
	b.WriteString("    \"__start\" [shape=point];\n")
	for i, s := range d.states {
		label := s
		if title := d.spec.States[i].Title; title != "" {
			label += "\\n" + title
		}
		if dl := d.deadline[i]; dl != nil {
			label += "\\n" + deadlineText(dl)
		}
		attrs := []string{"label=" + dotID(label)}
		if d.terminal[i] {
			attrs = append(attrs, "peripheries=2")
		}
		if s == current {
			attrs = append(attrs, "style=\"rounded,filled\"", "fillcolor=\"#00aa00\"", "fontcolor=white")
		}
		b.WriteString("    " + dotID(s) + " [" + strings.Join(attrs, ", ") + "];\n")
	}
	b.WriteString("    \"__start\" -> " + dotID(d.states[d.initial]) + ";\n")
	for _, t := range slices.Concat(d.out...) {
		b.WriteString("    " + dotID(t.from) + " -> " + dotID(t.to) + " [label=" + dotID(t.label()) + "];\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// deadlineText describes a state's deadline and its escalation, if any.
func deadlineText(dl *DeadlineSpec) string {
	s := "due within " + dl.Within.String()
	if dl.From != "" {
		s += " of " + dl.From
	}
	if dl.Escalate != nil {
		s += ", then " + dl.Escalate.Kind + " to " + string(dl.Escalate.Role)
	}
	return s
}

// dotID quotes s as a DOT string; "\n" escapes already in s are kept.
func dotID(s string) string {
	return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\""
}
