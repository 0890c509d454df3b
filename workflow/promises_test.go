package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// fireRefused fires c on in and wants a refusal that leaves in unchanged;
// it returns the error.
func fireRefused(t *testing.T, in *workflow.Instance, c workflow.Command) error {
	t.Helper()
	before := snapJSON(t, in)
	_, err := in.Fire(context.Background(), c)
	if err == nil {
		t.Fatalf("%s: accepted, want a refusal", c.Event)
	}
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("%s: %v does not wrap o2o.ErrInvalid", c.Event, err)
	}
	if snapJSON(t, in) != before {
		t.Errorf("%s: the refusal changed the instance", c.Event)
	}
	return err
}

func wantGuard(t *testing.T, err error, guard string) {
	t.Helper()
	var ge *workflow.GuardError
	if !errors.As(err, &ge) || ge.Guard != guard || !errors.Is(err, workflow.ErrGuard) {
		t.Fatalf("err = %v, want guard %q", err, guard)
	}
}

// TestStreamBoughtNeverRan: live video bought during construction, never
// streamed, blocks the handover; the specialist starting the stream (an
// event of its own, with the stream's id) lets it through, and nobody
// else may start it.
func TestStreamBoughtNeverRan(t *testing.T) {
	def := mustDecoration(t)
	steps := decorationJourney()
	steps = append(steps[:1], steps[2:]...) // no live video before construction
	steps[8].cmd.Facts = workflow.Facts{decoration.FactEcoCertified: "true"}
	in := run(t, def, steps[:9])
	if _, err := in.Fire(t0Ctx(), cmd("v1", decoration.EventBuyLiveVideo, "owner-1", workflow.RoleOwner, 24*30, nil)); err != nil {
		t.Fatal(err)
	}
	handOver := steps[9].cmd
	wantGuard(t, fireRefused(t, in, handOver), "live_video")

	var fe *workflow.ForbiddenError
	owner := cmd("s0", decoration.EventStartStream, "owner-1", workflow.RoleOwner, 24*31, workflow.Facts{decoration.FactLiveStream: "fake"})
	if err := fireRefused(t, in, owner); !errors.As(err, &fe) {
		t.Fatalf("owner starting the stream: %v", err)
	}
	wantGuard(t, fireRefused(t, in, cmd("s1", decoration.EventStartStream, "spec-4", workflow.RoleSpecialist, 24*31, nil)), "stream_id")
	if _, err := in.Fire(t0Ctx(), cmd("s2", decoration.EventStartStream, "spec-4", workflow.RoleSpecialist, 24*31, workflow.Facts{decoration.FactLiveStream: "live-9"})); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Fire(t0Ctx(), handOver); err != nil {
		t.Fatalf("hand over with the stream running: %v", err)
	}
}

// TestTimeFactsAgainstTheCommand: a booking date before the booking, a
// handover dated after the command recording it and a claim before the
// handover are refused by a guard naming the instants.
func TestTimeFactsAgainstTheCommand(t *testing.T) {
	def := mustDecoration(t)
	steps := decorationJourney()

	in := run(t, def, steps[:8])
	book := steps[8].cmd
	book.Facts = workflow.Facts{decoration.FactBookedFor: at(200).Format(time.RFC3339)} // booked at 210
	err := fireRefused(t, in, book)
	wantGuard(t, err, "booking_date")
	if !strings.Contains(err.Error(), "before the command's instant") {
		t.Errorf("reason: %v", err)
	}
	book.Facts = workflow.Facts{decoration.FactBookedFor: at(210).Format(time.RFC3339)} // the same instant is fine
	if _, err := in.Fire(t0Ctx(), book); err != nil {
		t.Fatal(err)
	}

	in = run(t, def, steps[:10])
	hand := steps[10].cmd
	hand.Facts = workflow.Facts{decoration.FactHandedOverAt: hand.At.AddDate(1, 0, 0).Format(time.RFC3339)}
	err = fireRefused(t, in, hand)
	wantGuard(t, err, "handover_date")
	if !strings.Contains(err.Error(), "after the command's instant") {
		t.Errorf("reason: %v", err)
	}

	as := mustAfterSales(t)
	claim := workflow.New(as)
	open := cmd("a1", decoration.EventOpen, "owner-1", workflow.RoleOwner, 24*10, workflow.Facts{decoration.FactClaimKind: "product", decoration.FactHandedOverAt: at(24 * 20).Format(time.RFC3339)})
	wantGuard(t, fireRefused(t, claim, open), "handed_over")
	// A custom within guard refuses a claim before its instant too.
	g := workflow.GuardSpec{Name: "w", Kind: workflow.GuardWithin, Fact: decoration.FactHandedOverAt, Within: workflow.Days(1)}
	if reason := workflow.GuardTest(&g, workflow.Facts{decoration.FactHandedOverAt: at(5).Format(time.RFC3339)}, at(4)); !strings.Contains(reason, "is before") {
		t.Errorf("within before the instant: %q", reason)
	}
}

// TestCompensationIsMoney: compensation must be an amount, positive, in
// the project's currency and within the ceiling of its kind.
func TestCompensationIsMoney(t *testing.T) {
	as := mustAfterSales(t, decoration.WithCompensation(decoration.Compensation{Currency: o2o.CNY, Ceilings: map[string]o2o.Money{
		decoration.CompensationDeadline: o2o.MustParseMoney("800.00 CNY"),
		decoration.CompensationEco:      o2o.MustParseMoney("9000.00 CNY"),
	}}))
	claim := afterSalesReturn()[:2]
	for _, tt := range []struct {
		kind, amount, guard string
	}{
		{decoration.CompensationDeadline, "lots", "compensation_deadline"},
		{decoration.CompensationDeadline, "-500.00 CNY", "compensation_deadline"},
		{decoration.CompensationDeadline, "0.00 CNY", "compensation_deadline"},
		{decoration.CompensationDeadline, "500.00 USD", "compensation_deadline"},
		{decoration.CompensationDeadline, "800.01 CNY", "compensation_deadline"},
		{decoration.CompensationDeadline, "", "compensation_deadline"},
		{decoration.CompensationStream, "100.00 CNY", "compensation_kind"}, // no ceiling configured
		{"", "100.00 CNY", "compensation_kind"},
	} {
		in := run(t, as, claim)
		err := fireRefused(t, in, cmd("a3", decoration.EventCompensate, "spec-4", workflow.RoleSpecialist, 24*102,
			workflow.Facts{decoration.FactCompensationKind: tt.kind, decoration.FactCompensation: tt.amount}))
		wantGuard(t, err, tt.guard)
	}
	in := run(t, as, claim)
	r, err := in.Fire(t0Ctx(), cmd("a3", decoration.EventCompensate, "spec-4", workflow.RoleSpecialist, 24*102,
		workflow.Facts{decoration.FactCompensationKind: decoration.CompensationEco, decoration.FactCompensation: "9000.00 CNY"}))
	if err != nil || len(r.Intents) != 1 || r.Intents[0].Kind != decoration.IntentCompensate || len(r.Intents[0].Amounts) != 1 ||
		r.Intents[0].Amounts[0].Key != decoration.PartyOwner || r.Intents[0].Amounts[0].Amount.String() != "9000.00 CNY" {
		t.Fatalf("compensation at the ceiling: %+v, %v", r, err)
	}
}

// TestEcoCertifiedOwned: the owner may not write the eco certificate when
// applying; only the specialist at acceptance may.
func TestEcoCertifiedOwned(t *testing.T) {
	def := mustDecoration(t)
	in := workflow.New(def)
	err := fireRefused(t, in, cmd("c1", decoration.EventApply, "owner-1", workflow.RoleOwner, 0, workflow.Facts{decoration.FactVenue: "online", decoration.FactEcoCertified: "true"}))
	var fe *workflow.ForbiddenError
	if !errors.As(err, &fe) || fe.Fact != decoration.FactEcoCertified || !errors.Is(err, workflow.ErrForbidden) || fe.Event != decoration.EventApply || len(fe.Allowed) != 0 {
		t.Fatalf("owner writing eco_certified at apply: %v", err)
	}
	steps := decorationJourney()
	in = run(t, def, steps[:9])
	start := steps[9].cmd
	start.Role = workflow.RoleSpecialist
	if err := in.Check(t0Ctx(), start); err != nil {
		t.Fatalf("specialist at acceptance: %v", err)
	}
}

// TestFactOwnershipTable checks every (event, role, fact) triple of both
// default flows against the declared writers: a command bringing the fact
// is refused as forbidden exactly when the declaration does not list the
// event and role.
func TestFactOwnershipTable(t *testing.T) {
	for _, def := range []*workflow.Definition{mustDecoration(t), mustAfterSales(t)} {
		spec := def.Spec()
		declared := map[string]workflow.FactSpec{}
		var facts []string
		for _, f := range spec.Facts {
			declared[f.Name] = f
			facts = append(facts, f.Name)
		}
		facts = append(facts, decoration.FactLiveVideo, decoration.FactClearance, "unknown")
		checked := 0
		for _, tr := range def.Transitions() {
			for _, role := range tr.Roles() {
				for _, fact := range facts {
					f, ok := declared[fact]
					want := ok && slices.Contains(f.Events, tr.Event()) && (len(f.Roles) == 0 || slices.Contains(f.Roles, role))
					err := tr.Owns(def.Writes()[tr.Event()], workflow.Command{Role: role, Facts: workflow.Facts{fact: "x"}})
					if got := err == nil; got != want {
						t.Errorf("%s: %s as %s writing %s: err = %v, want allowed %v", def.Name(), tr.Event(), role, fact, err, want)
					}
					checked++
				}
			}
		}
		if checked < 100 {
			t.Errorf("%s: only %d triples", def.Name(), checked)
		}
	}
}

// TestBuildOwnership: a Spec declaring its facts refuses a guard reading
// a fact no event writes, and unknown events and roles and duplicates in
// its declarations; it round-trips through JSON.
func TestBuildOwnership(t *testing.T) {
	base := func() workflow.Spec {
		return workflow.Spec{Name: "f", Version: 1, Initial: "a", Terminal: []string{"b"},
			States: []workflow.StateSpec{{Name: "a"}, {Name: "b"}},
			Events: []workflow.EventSpec{{Name: "go", From: []string{"a"}, To: "b", Roles: []workflow.Role{workflow.RoleOwner, workflow.RoleStore}, Guards: []string{"g"}}},
			Guards: []workflow.GuardSpec{{Name: "g", Kind: workflow.GuardPresent, Fact: "x"}},
			Facts:  []workflow.FactSpec{{Name: "x", Events: []string{"go"}, Roles: []workflow.Role{workflow.RoleStore}}},
		}
	}
	def, err := workflow.Build(base())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	back, err := workflow.ParseSpec(b)
	if err != nil || !back.Owned() {
		t.Fatalf("round trip: %v", err)
	}
	in := workflow.New(back)
	err = fireRefused(t, in, workflow.Command{ID: "1", Event: "go", Actor: "o", Role: workflow.RoleOwner, At: t0, Facts: workflow.Facts{"x": "1"}})
	var fe *workflow.ForbiddenError
	if !errors.As(err, &fe) || fe.Fact != "x" || !slices.Equal(fe.Allowed, []workflow.Role{workflow.RoleStore}) {
		t.Fatalf("owner writing x: %v", err)
	}
	if _, err := in.Fire(t0Ctx(), workflow.Command{ID: "1", Event: "go", Actor: "s", Role: workflow.RoleStore, At: t0, Facts: workflow.Facts{"x": "1"}}); err != nil {
		t.Fatal(err)
	}

	for name, tt := range map[string]struct {
		edit func(*workflow.Spec)
		path string
	}{
		"unwritten guard fact":   {func(s *workflow.Spec) { s.Guards[0].Fact = "y" }, "guards[0].fact"},
		"unwritten when fact":    {func(s *workflow.Spec) { s.Guards[0].When = &workflow.Condition{Fact: "z", Equals: "1"} }, "guards[0].when.fact"},
		"unknown event":          {func(s *workflow.Spec) { s.Facts[0].Events = []string{"went"} }, "facts[0].events[0]"},
		"unknown role":           {func(s *workflow.Spec) { s.Facts[0].Roles = []workflow.Role{"boss"} }, "facts[0].roles[0]"},
		"declared twice":         {func(s *workflow.Spec) { s.Facts = append(s.Facts, s.Facts[0]) }, "facts[1].name"},
		"money without currency": {func(s *workflow.Spec) { s.Guards[0].Kind = workflow.GuardMoney }, "guards[0].currency"},
		"ceiling in another currency": {func(s *workflow.Spec) {
			m := o2o.MustParseMoney("1.00 USD")
			s.Guards[0].Kind, s.Guards[0].Currency, s.Guards[0].Max = workflow.GuardMoney, o2o.CNY, &m
		}, "guards[0].max"},
		"currency on a present guard": {func(s *workflow.Spec) { s.Guards[0].Currency = o2o.CNY }, "guards[0]"},
	} {
		s := base()
		tt.edit(&s)
		_, err := workflow.Build(s)
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) || !strings.Contains(err.Error(), tt.path+":") {
			t.Errorf("%s: err = %v, want a fault at %s", name, err, tt.path)
		}
	}
	// A recorded fact counts as written.
	s := base()
	s.Guards[0].Fact = "r"
	s.Events[0].Records = workflow.Facts{"r": "1"}
	if _, err := workflow.Build(s); err != nil {
		t.Errorf("a guard reading a recorded fact: %v", err)
	}
}

// TestBuildPayout: Build refuses a payout taking an unknown stage, weights
// o2o.Allocate refuses, amounts set in a Spec and an escalation moving
// money; Fire refuses a step whose payout fact is not an amount.
func TestBuildPayout(t *testing.T) {
	one := o2o.Share{Key: "all", Weight: o2o.MustParseMoney("1").Amount()}
	base := func() workflow.Spec {
		return workflow.Spec{Name: "p", Version: 1, Initial: "a", Terminal: []string{"b"},
			States: []workflow.StateSpec{{Name: "a"}, {Name: "b"}},
			Events: []workflow.EventSpec{{Name: "go", From: []string{"a"}, To: "b", Roles: []workflow.Role{workflow.RoleOwner},
				Intents: []workflow.Intent{{Kind: "pay", Role: workflow.RolePlatform, Payout: &workflow.Payout{Fact: "amount", Stages: []o2o.Share{one}, Take: []string{"all"}, To: []o2o.Share{{Key: "x", Weight: one.Weight}}}}}}},
		}
	}
	def, err := workflow.Build(base())
	if err != nil {
		t.Fatal(err)
	}
	in := workflow.New(def)
	for _, bad := range []string{"", "lots", "-1.00 CNY"} {
		err := fireRefused(t, in, workflow.Command{ID: "1", Event: "go", Actor: "o", Role: workflow.RoleOwner, At: t0, Facts: workflow.Facts{"amount": bad}})
		if !strings.Contains(err.Error(), "facts.amount") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	r, err := in.Fire(t0Ctx(), workflow.Command{ID: "1", Event: "go", Actor: "o", Role: workflow.RoleOwner, At: t0, Facts: workflow.Facts{"amount": "12.34 CNY"}})
	if err != nil || r.Intents[0].Amounts[0].Amount.String() != "12.34 CNY" || r.Intents[0].Payout != nil {
		t.Fatalf("%+v %v", r, err)
	}
	for name, tt := range map[string]struct {
		edit func(*workflow.Spec)
		path string
	}{
		"unknown stage":  {func(s *workflow.Spec) { s.Events[0].Intents[0].Payout.Take = []string{"half"} }, "events[0].intents[0].payout.take[0]"},
		"no weight":      {func(s *workflow.Spec) { s.Events[0].Intents[0].Payout.To[0].Weight = o2o.MustParseMoney("0").Amount() }, "events[0].intents[0].payout.to"},
		"repeated stage": {func(s *workflow.Spec) { p := s.Events[0].Intents[0].Payout; p.Stages = append(p.Stages, one) }, "events[0].intents[0].payout.stages"},
		"amounts set": {func(s *workflow.Spec) {
			s.Events[0].Intents[0].Amounts = []o2o.Part{{Key: "x", Amount: o2o.MustParseMoney("1.00")}}
		}, "events[0].intents[0].amounts"},
		"escalation moves money": {func(s *workflow.Spec) {
			s.States[0].Deadline = &workflow.DeadlineSpec{Within: workflow.Hours(1), For: "x", Escalate: &workflow.Intent{Kind: "e", Role: workflow.RoleOwner, Payout: s.Events[0].Intents[0].Payout}}
		}, "states[0].deadline.escalate.payout"},
	} {
		s := base()
		tt.edit(&s)
		if _, err := workflow.Build(s); !errors.Is(err, o2o.ErrInvalid) || !strings.Contains(err.Error(), tt.path) {
			t.Errorf("%s: err = %v, want a fault at %s", name, err, tt.path)
		}
	}
}
