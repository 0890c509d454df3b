// Package flowtest holds what the tests of the workflow engine and of the
// decoration process share: a decoration project's journey, commands at
// given hours, and helpers that fire, sum and check. Only tests import it.
package flowtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// T0 is the instant the journeys start from.
var T0 = time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())

// At is h hours after T0.
func At(h int) time.Time { return T0.Add(time.Duration(h) * time.Hour) }

// Step is a command and the state it leads to.
type Step struct {
	Cmd  workflow.Command
	Want string
}

// Cmd is a command at At(h).
func Cmd(id, event, actor string, role workflow.Role, h int, facts workflow.Facts) workflow.Command {
	return workflow.Command{ID: id, Event: event, Actor: actor, Role: role, At: At(h), Facts: facts}
}

// DecorationJourney is a full project from application to review.
func DecorationJourney() []Step {
	booked := At(24 * 20).Format(time.RFC3339)
	return []Step{
		{Cmd("c1", "apply", "owner-1", workflow.RoleOwner, 0, workflow.Facts{decoration.FactVenue: "online"}), decoration.StateApplied},
		{Cmd("c2", "buy_live_video", "owner-1", workflow.RoleOwner, 1, nil), decoration.StateApplied},
		{Cmd("c3", "measure", "store-sz-01", workflow.RoleStore, 30, workflow.Facts{decoration.FactFloorPlan: "plan-001"}), decoration.StateMeasured},
		{Cmd("c4", "upload_plan", "owner-1", workflow.RoleOwner, 40, workflow.Facts{decoration.FactDesignMode: "designer"}), decoration.StateDesigning},
		{Cmd("c5", "submit_design", "designer-7", workflow.RoleDesigner, 100, workflow.Facts{decoration.FactDesign: "design-9"}), decoration.StateDesigning},
		{Cmd("c6", "confirm_design", "owner-1", workflow.RoleOwner, 120, workflow.Facts{decoration.FactProducts: "sel-3", decoration.FactPlatformOrder: "PO-88", decoration.FactProvincePrice: "true"}), decoration.StateDesignConfirmed},
		{Cmd("c7", "choose_crew", "owner-1", workflow.RoleOwner, 150, workflow.Facts{decoration.FactCrew: "crew-5"}), decoration.StateCrewChosen},
		{Cmd("c8", "agree_drawings", "store-sz-01", workflow.RoleStore, 200, workflow.Facts{decoration.FactDrawings: "dwg-2"}), decoration.StateDrawingsAgreed},
		{Cmd("c9", "book", "owner-1", workflow.RoleOwner, 210, workflow.Facts{decoration.FactBookedFor: booked}), decoration.StateBooked},
		{Cmd("c10", "start_construction", "spec-4", workflow.RoleSpecialist, 24*20+5, workflow.Facts{decoration.FactEcoCertified: "true", decoration.FactLiveStream: "live-77"}), decoration.StateUnderConstruction},
		{Cmd("c11", "hand_over", "spec-4", workflow.RoleSpecialist, 24*50, workflow.Facts{decoration.FactHandedOverAt: At(24 * 50).Format(time.RFC3339)}), decoration.StateHandedOver},
		{Cmd("c12", "review", "owner-1", workflow.RoleOwner, 24*52, workflow.Facts{decoration.FactRating: "5", decoration.FactReview: "tidy work"}), decoration.StateReviewed},
	}
}

// T0Ctx is the context the tests fire with.
func T0Ctx() context.Context { return context.Background() }

// MustDecoration builds the decoration process, on version 1 unless opts
// say otherwise (the journeys run on version 1), or fails t.
func MustDecoration(t testing.TB, opts ...decoration.Option) *workflow.Definition {
	t.Helper()
	// The journeys of these tests run on version 1 unless asked otherwise.
	d, err := decoration.Process(append([]decoration.Option{decoration.WithVersion(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// MustAfterSales builds the after-sales flow, or fails t.
func MustAfterSales(t testing.TB, opts ...decoration.Option) *workflow.Definition {
	t.Helper()
	d, err := decoration.AfterSales(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Run fires steps on a new instance, failing on any error or wrong state.
func Run(t testing.TB, def *workflow.Definition, steps []Step) *workflow.Instance {
	t.Helper()
	in := workflow.New(def)
	for i, s := range steps {
		r, err := in.Fire(context.Background(), s.Cmd)
		if err != nil {
			t.Fatalf("step %d %s: %v", i, s.Cmd.Event, err)
		}
		if r.To != s.Want || in.State() != s.Want {
			t.Fatalf("step %d %s: state %q, want %q", i, s.Cmd.Event, in.State(), s.Want)
		}
	}
	return in
}

// SnapJSON is the JSON of in's snapshot.
func SnapJSON(t testing.TB, in *workflow.Instance) string {
	t.Helper()
	b, err := json.Marshal(in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// IDs is "cmd-0" to "cmd-(n-1)".
func IDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("cmd-%d", i)
	}
	return out
}

// With returns a copy of f (never nil) with the given name and value pairs
// set.
func With(f workflow.Facts, kv ...string) workflow.Facts {
	c := workflow.Facts{}
	for k, v := range f {
		c[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i]] = kv[i+1]
	}
	return c
}

// OwnedFacts keeps of facts those that role may bring with event, as def
// declares its facts' writers (all of them when it declares none).
func OwnedFacts(def *workflow.Definition, event string, role workflow.Role, facts workflow.Facts) workflow.Facts {
	declared := def.Spec().Facts
	if len(declared) == 0 {
		return facts
	}
	out := workflow.Facts{}
	for _, f := range declared {
		v, ok := facts[f.Name]
		if ok && slices.Contains(f.Events, event) && (len(f.Roles) == 0 || slices.Contains(f.Roles, role)) {
			out[f.Name] = v
		}
	}
	return out
}

// V1As builds the version 1 decoration flow numbered version: a newer
// version of the same shape, for the tests of restore and migration.
func V1As(t testing.TB, version int, opts ...decoration.Option) *workflow.Definition {
	t.Helper()
	s := decoration.ProcessSpec(append([]decoration.Option{decoration.WithVersion(1)}, opts...)...)
	s.Version = version
	d, err := workflow.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// NodeJourney is a project on version 2 up to the start of construction:
// the owner pays 80,000.00 CNY at booking and buys live video.
func NodeJourney() []Step {
	steps := DecorationJourney()[:10]
	steps[8].Cmd.Facts = With(steps[8].Cmd.Facts, decoration.FactPayment, "80000.01 CNY")
	steps[9].Want = decoration.NodeState(decoration.NodePlumbing)
	return steps
}

// Fire fires c and fails the test on error.
func Fire(t testing.TB, in *workflow.Instance, c workflow.Command) workflow.Result {
	t.Helper()
	r, err := in.Fire(context.Background(), c)
	if err != nil {
		t.Fatalf("%s: %v", c.Event, err)
	}
	return r
}

// Money sums the amounts of the intents of kind.
func Money(t testing.TB, intents []workflow.Intent, kind string) o2o.Money {
	t.Helper()
	sum := o2o.CNY.Zero()
	for _, in := range intents {
		if in.Kind != kind {
			continue
		}
		for _, p := range in.Amounts {
			var err error
			if sum, err = sum.Add(p.Amount); err != nil {
				t.Fatal(err)
			}
		}
	}
	return sum
}

// WalkNodes fires up to n random commands through the construction nodes
// of in (payments of instalments due, inspections, rejections, accepts,
// and a cancellation, taken one time in odds), giving each result to
// account, until the project completes or is cancelled. It reports
// whether it cancelled.
func WalkNodes(t *testing.T, rng Draws, in *workflow.Instance, n, odds int, account func(workflow.Result)) bool {
	for i := 0; i < n && in.State() != decoration.StateCompleted; i++ {
		id := "n" + strconv.Itoa(i)
		h := 24*21 + i
		var c workflow.Command
		switch ev := Pick(rng, in.Available(), ""); ev {
		case decoration.EventPayInstalment:
			c = Cmd(id, ev, "owner-1", workflow.RoleOwner, h, nil)
		case decoration.EventInspectNode:
			c = Cmd(id, ev, "spec-4", workflow.RoleSpecialist, h, workflow.Facts{decoration.FactNodeReport: "ok"})
		case decoration.EventRejectNode:
			c = Cmd(id, ev, "owner-1", workflow.RoleOwner, h, workflow.Facts{decoration.FactRejection: "no"})
		case decoration.EventAcceptNode:
			c = Cmd(id, ev, "owner-1", workflow.RoleOwner, h, nil)
		case decoration.EventCancel:
			if rng.IntN(odds) > 0 {
				continue
			}
			account(Fire(t, in, Cmd(id, ev, "owner-1", workflow.RoleOwner, h, workflow.Facts{decoration.FactCancelReason: "moved"})))
			return true
		default:
			continue
		}
		account(Fire(t, in, c))
	}
	return false
}

// Draws is what WalkNodes and Pick draw their choices from: a test's seeded
// *rand.Rand, so that this package holds no source of randomness itself.
type Draws interface{ IntN(n int) int }

// Pick draws one of xs, or fallback when there is none.
func Pick[T any](rng Draws, xs []T, fallback T) T {
	if len(xs) == 0 {
		return fallback
	}
	return xs[rng.IntN(len(xs))]
}

// AfterSalesReturn is a claim opened, inspected, resolved by a return and
// closed.
func AfterSalesReturn() []Step {
	handed := At(0).Format(time.RFC3339)
	return []Step{
		{Cmd("a1", "open", "owner-1", workflow.RoleOwner, 24*100, workflow.Facts{decoration.FactClaimKind: "product", decoration.FactHandedOverAt: handed}), decoration.ClaimOpened},
		{Cmd("a2", "inspect", "spec-4", workflow.RoleSpecialist, 24*101, workflow.Facts{decoration.FactInspection: "cracked tile"}), decoration.ClaimInspected},
		{Cmd("a3", "return", "spec-4", workflow.RoleSpecialist, 24*102, workflow.Facts{decoration.FactClearanceStore: "store-sz-01"}), decoration.ClaimReturned},
		{Cmd("a4", "close", "store-sz-01", workflow.RoleStore, 24*103, nil), decoration.ClaimClosed},
	}
}

// FireRefused fires c on in and wants a refusal that leaves in unchanged;
// it returns the error.
func FireRefused(t *testing.T, in *workflow.Instance, c workflow.Command) error {
	t.Helper()
	before := SnapJSON(t, in)
	_, err := in.Fire(context.Background(), c)
	if err == nil {
		t.Fatalf("%s: accepted, want a refusal", c.Event)
	}
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("%s: %v does not wrap o2o.ErrInvalid", c.Event, err)
	}
	if SnapJSON(t, in) != before {
		t.Errorf("%s: the refusal changed the instance", c.Event)
	}
	return err
}

// WantGuard fails t unless err is a *workflow.GuardError naming guard.
func WantGuard(t *testing.T, err error, guard string) {
	t.Helper()
	var ge *workflow.GuardError
	if !errors.As(err, &ge) || ge.Guard != guard || !errors.Is(err, workflow.ErrGuard) {
		t.Fatalf("err = %v, want guard %q", err, guard)
	}
}

// DeepSnapshot copies s and everything reachable from it.
func DeepSnapshot(s workflow.Snapshot) workflow.Snapshot {
	c := s
	c.History = slices.Clone(s.History)
	for i := range c.History {
		c.History[i].Facts = c.History[i].Facts.Clone()
	}
	c.Facts = s.Facts.Clone()
	c.Deadlines = slices.Clone(s.Deadlines)
	c.Migrations = slices.Clone(s.Migrations)
	for i := range c.Migrations {
		c.Migrations[i].Facts = c.Migrations[i].Facts.Clone()
		c.Migrations[i].Deadlines = slices.Clone(c.Migrations[i].Deadlines)
	}
	return c
}
