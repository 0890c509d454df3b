package workflow_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// loopSpec is a two-state cycle (a ⇄ b) with a terminal end, for tests and
// benchmarks that fire many events.
func loopSpec() workflow.Spec {
	return workflow.Spec{
		Name: "loop", Version: 1, Initial: "a", Terminal: []string{"end"},
		States: []workflow.StateSpec{{Name: "a"}, {Name: "b"}, {Name: "end"}},
		Events: []workflow.EventSpec{
			{Name: "go", From: []string{"a"}, To: "b", Roles: []workflow.Role{workflow.RoleOwner}},
			{Name: "back", From: []string{"b"}, To: "a", Roles: []workflow.Role{workflow.RoleOwner}},
			{Name: "stop", From: []string{"a", "b"}, To: "end", Roles: []workflow.Role{workflow.RoleOwner}},
		},
	}
}

func mustLoop(t testing.TB) *workflow.Definition {
	t.Helper()
	d, err := workflow.Build(loopSpec())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func loopEvent(i int) string {
	if i%2 == 0 {
		return "go"
	}
	return "back"
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *workflow.Spec)
		dup  bool
		path string
		want string
	}{
		{"missing initial", func(s *workflow.Spec) { s.Initial = "" }, false, "initial", "is required"},
		{"unknown initial", func(s *workflow.Spec) { s.Initial = "zz" }, false, "initial", "unknown state"},
		{"missing terminal", func(s *workflow.Spec) { s.Terminal = nil }, false, "terminal", "at least 1"},
		{"unknown terminal", func(s *workflow.Spec) { s.Terminal = []string{"zz"} }, false, "terminal[0]", "unknown state"},
		{"duplicate terminal", func(s *workflow.Spec) { s.Terminal = []string{"end", "end"} }, true, "terminal[1]", "duplicate"},
		{"duplicate state", func(s *workflow.Spec) { s.States = append(s.States, workflow.StateSpec{Name: "a"}) }, true, "states[3].name", "duplicate state"},
		{"unknown source", func(s *workflow.Spec) { s.Events[0].From = []string{"zz"} }, false, "events[0].from[0]", "unknown state"},
		{"unknown destination", func(s *workflow.Spec) { s.Events[0].To = "zz" }, false, "events[0].to", "unknown state"},
		{"unknown guard", func(s *workflow.Spec) { s.Events[0].Guards = []string{"zz"} }, false, "events[0].guards[0]", "unknown guard"},
		{"intent with a key", func(s *workflow.Spec) {
			s.Events[0].Intents = []workflow.Intent{{Key: "k", Kind: "notify", Role: workflow.RoleStore}}
		}, false, "events[0].intents[0].key", "set by Fire"},
		{"unknown role", func(s *workflow.Spec) { s.Events[0].Roles = []workflow.Role{"boss"} }, false, "events[0].roles[0]", "unknown role"},
		{"no roles", func(s *workflow.Spec) { s.Events[0].Roles = nil }, false, "events[0].roles", "at least 1"},
		{"duplicate pair in one event", func(s *workflow.Spec) { s.Events[2].From = []string{"a", "a"} }, true, "events[2].from[1]", "duplicate transition"},
		{"duplicate pair across entries", func(s *workflow.Spec) {
			s.Events = append(s.Events, workflow.EventSpec{Name: "go", From: []string{"a"}, To: "end", Roles: []workflow.Role{workflow.RoleOwner}})
		}, true, "events[3].from[0]", "duplicate transition"},
		{"unreachable", func(s *workflow.Spec) {
			s.States = append(s.States, workflow.StateSpec{Name: "island"})
			s.Events = append(s.Events, workflow.EventSpec{Name: "leave", From: []string{"island"}, To: "end", Roles: []workflow.Role{workflow.RoleOwner}})
		}, false, "states[3]", "unreachable"},
		{"terminal with exit", func(s *workflow.Spec) {
			s.Events = append(s.Events, workflow.EventSpec{Name: "revive", From: []string{"end"}, To: "a", Roles: []workflow.Role{workflow.RoleOwner}})
		}, false, "states[2]", "terminal state"},
		{"dead end", func(s *workflow.Spec) { s.Events = s.Events[:1] }, false, "states[1]", "no outgoing event"},
		{"duplicate guard", func(s *workflow.Spec) {
			s.Guards = []workflow.GuardSpec{{Name: "g", Kind: workflow.GuardPresent, Fact: "f"}, {Name: "g", Kind: workflow.GuardPresent, Fact: "f"}}
		}, true, "guards[1].name", "duplicate guard"},
		{"one_of without values", func(s *workflow.Spec) {
			s.Guards = []workflow.GuardSpec{{Name: "g", Kind: workflow.GuardOneOf, Fact: "f"}}
		}, false, "guards[0].values", "needs values"},
		{"within without period", func(s *workflow.Spec) {
			s.Guards = []workflow.GuardSpec{{Name: "g", Kind: workflow.GuardWithin, Fact: "f"}}
		}, false, "guards[0].within", "positive"},
		{"zero deadline", func(s *workflow.Spec) { s.States[0].Deadline = &workflow.DeadlineSpec{For: "x"} }, false, "states[0].deadline.within", "positive"},
		{"no version", func(s *workflow.Spec) { s.Version = 0 }, false, "version", "at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loopSpec()
			tt.edit(&s)
			_, err := workflow.Build(s)
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			if errors.Is(err, o2o.ErrDuplicate) != tt.dup {
				t.Errorf("ErrDuplicate = %v, want %v (%v)", !tt.dup, tt.dup, err)
			}
			if ve.Fields[0].Path != tt.path || !strings.Contains(ve.Fields[0].Reason, tt.want) {
				t.Errorf("fault = %v, want %s: …%s…", ve.Fields[0], tt.path, tt.want)
			}
		})
	}
}

func TestCanAvailable(t *testing.T) {
	def := flowtest.MustDecoration(t)
	tests := []struct {
		state, event string
		want         bool
	}{
		{decoration.StateNew, "apply", true},
		{decoration.StateNew, "measure", false},
		{decoration.StateApplied, "measure", true},
		{decoration.StateApplied, "buy_live_video", true},
		{decoration.StateHandedOver, "buy_live_video", false},
		{decoration.StateBooked, "cancel", true},
		{decoration.StateUnderConstruction, "cancel", false},
		{"zz", "apply", false},
		{decoration.StateNew, "zz", false},
	}
	for _, tt := range tests {
		if got := def.Can(tt.state, tt.event); got != tt.want {
			t.Errorf("Can(%s, %s) = %v", tt.state, tt.event, got)
		}
	}
	if diff := cmp.Diff([]string{"buy_live_video", "cancel", "measure"}, def.Available(decoration.StateApplied)); diff != "" {
		t.Errorf("Available (-want +got):\n%s", diff)
	}
	a := def.Available(decoration.StateApplied)
	a[0] = "mutated"
	if def.Available(decoration.StateApplied)[0] != "buy_live_video" {
		t.Error("Available aliases the definition")
	}
	if def.Available("zz") != nil {
		t.Error("Available of unknown state")
	}
	if n := testing.AllocsPerRun(100, func() { def.Can(decoration.StateBooked, "cancel") }); n != 0 {
		t.Errorf("Can allocates %v", n)
	}
}

func TestSpecJSON(t *testing.T) {
	for _, spec := range []workflow.Spec{decoration.ProcessSpec(), decoration.AfterSalesSpec(), decoration.ProcessSpec(decoration.WithoutDIY(), decoration.WithVersion(2))} {
		def, err := workflow.Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(def)
		if err != nil {
			t.Fatal(err)
		}
		back, err := workflow.ParseSpec(data)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(def.Spec(), back.Spec()); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		var d2 workflow.Definition
		if err := json.Unmarshal(data, &d2); err != nil {
			t.Fatal(err)
		}
		if d2.Mermaid("") != def.Mermaid("") {
			t.Error("decoded definition renders differently")
		}
	}
	bad := []string{
		`{"name":"x","version":1,"initial":"a","terminal":["a"],"states":[{"name":"a"}],"events":[],"bogus":1}`,
		`{"name":"x","version":1,"initial":"a","terminal":["a"],"states":[{"name":"a","deadline":{"within":"soon","for":"x"}}],"events":[]}`,
		`{"name":"x","version":1,"initial":"a","terminal":["a"],"states":[{"name":"a"}],"events":[{"name":"e","from":["a"],"to":"a","roles":["boss"]}]}`,
		`{"name":"x"} {}`,
	}
	for _, b := range bad {
		if _, err := workflow.ParseSpec([]byte(b)); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("ParseSpec(%s) = %v", b, err)
		}
	}
}

// TestDurationJSON: deadlines and warranty periods are o2o.Duration; the
// texts specs were written with before ("48h", "7d") read the same, and
// the decoration flow still writes whole days.
func TestDurationJSON(t *testing.T) {
	tests := []struct {
		in   string
		want o2o.Duration
		out  string
	}{
		{"7d", workflow.Days(7), "7d"},
		{"48h", workflow.Hours(48), "2d"},
		{"72h", workflow.Hours(72), "3d"},
		{"365d", workflow.Days(365), "365d"},
		{"90m", o2o.Duration(90 * time.Minute), "1h30m0s"},
	}
	for _, tt := range tests {
		var g workflow.GuardSpec
		if err := json.Unmarshal([]byte(`{"name":"w","kind":"within","fact":"f","within":"`+tt.in+`"}`), &g); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if g.Within != tt.want || g.Within.String() != tt.out {
			t.Errorf("within %q = %v (%s), want %v (%s)", tt.in, time.Duration(g.Within), g.Within, time.Duration(tt.want), tt.out)
		}
	}
	b, err := json.Marshal(decoration.ProcessSpec())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"within":"2d"`, `"within":"7d"`, `"within":"3d"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("decoration spec lacks %s", want)
		}
	}
	var g workflow.GuardSpec
	if err := json.Unmarshal([]byte(`{"name":"w","kind":"within","fact":"f","within":"-1d"}`), &g); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("negative period: %v", err)
	}
}

func TestRoleText(t *testing.T) {
	for _, r := range workflow.Roles() {
		b, err := r.MarshalText()
		var back workflow.Role
		if err != nil || back.UnmarshalText(b) != nil || back != r {
			t.Errorf("role %s: %v", r, err)
		}
	}
	var r workflow.Role
	var ee *o2o.EnumError
	if err := r.UnmarshalText([]byte("Owner")); !errors.As(err, &ee) || !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("UnmarshalText(Owner) = %v", err)
	}
	if _, err := workflow.Role("boss").MarshalText(); err == nil {
		t.Error("MarshalText(boss) succeeded")
	}
}

func TestRender(t *testing.T) {
	def := flowtest.MustDecoration(t)
	m := def.Mermaid("")
	if !strings.HasPrefix(m, "stateDiagram-v2\n") || !strings.Contains(m, "    [*] --> new\n") {
		t.Errorf("mermaid does not start from the initial state:\n%s", m)
	}
	for _, want := range []string{
		"    applied --> measured : measure [store] if floor_plan\n",
		"    booked --> under_construction : start_construction [specialist] if booked_date,eco_certified,live_video\n",
		"    reviewed --> [*]\n", "    cancelled --> [*]\n",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("mermaid lacks %q", want)
		}
	}
	if strings.Contains(m, "class ") {
		t.Error("no current state was asked for")
	}
	hm := def.Mermaid(decoration.StateBooked)
	if !strings.HasSuffix(hm, "    class booked current\n") || !strings.Contains(hm, "    [*] --> new\n") {
		t.Errorf("highlighted mermaid:\n%s", hm)
	}
	if def.Mermaid("") != flowtest.MustDecoration(t).Mermaid("") {
		t.Error("mermaid is not deterministic")
	}
	dot := def.DOT(decoration.StateBooked)
	for _, want := range []string{
		`"__start" -> "new";`,
		`"applied" -> "measured" [label="measure [store] if floor_plan"];`,
		`"booked" [label="booked\nConstruction booked (预约施工)\ndue within 3d of booked_for, then escalate to headquarters", style="rounded,filled"`,
		`"reviewed" [label="reviewed\nReviewed online (点评)", peripheries=2];`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("dot lacks %s:\n%s", want, dot)
		}
	}
	if dot != flowtest.MustDecoration(t).DOT(decoration.StateBooked) {
		t.Error("dot is not deterministic")
	}
}

// TestCanTable: Can answers exactly what a search of the spec's events
// finds, for every event name of the flow, every state, and names one byte
// away from them.
func TestCanTable(t *testing.T) {
	def, err := decoration.Process()
	if err != nil {
		t.Fatal(err)
	}
	names := def.Events()
	for _, n := range names {
		if len(n) > 2 {
			b := []byte(n)
			b[len(b)/2] ^= 1
			names = append(names, string(b), n[:len(n)-1], n+"x")
		}
	}
	names = append(names, "", "x")
	spec := def.Spec()
	for _, st := range def.States() {
		for _, n := range names {
			want := false
			for _, e := range spec.Events {
				want = want || e.Name == n && slices.Contains(e.From, st)
			}
			if got := def.Can(st, n); got != want {
				t.Fatalf("Can(%q, %q) = %v, want %v", st, n, got, want)
			}
		}
	}
}
