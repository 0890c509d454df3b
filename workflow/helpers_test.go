package workflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())

func at(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

type step struct {
	cmd  workflow.Command
	want string
}

func cmd(id, event, actor string, role workflow.Role, h int, facts workflow.Facts) workflow.Command {
	return workflow.Command{ID: id, Event: event, Actor: actor, Role: role, At: at(h), Facts: facts}
}

// decorationJourney is a full project from application to review.
func decorationJourney() []step {
	booked := at(24 * 20).Format(time.RFC3339)
	return []step{
		{cmd("c1", "apply", "owner-1", workflow.RoleOwner, 0, workflow.Facts{decoration.FactVenue: "online"}), decoration.StateApplied},
		{cmd("c2", "buy_live_video", "owner-1", workflow.RoleOwner, 1, nil), decoration.StateApplied},
		{cmd("c3", "measure", "store-sz-01", workflow.RoleStore, 30, workflow.Facts{decoration.FactFloorPlan: "plan-001"}), decoration.StateMeasured},
		{cmd("c4", "upload_plan", "owner-1", workflow.RoleOwner, 40, workflow.Facts{decoration.FactDesignMode: "designer"}), decoration.StateDesigning},
		{cmd("c5", "submit_design", "designer-7", workflow.RoleDesigner, 100, workflow.Facts{decoration.FactDesign: "design-9"}), decoration.StateDesigning},
		{cmd("c6", "confirm_design", "owner-1", workflow.RoleOwner, 120, workflow.Facts{decoration.FactProducts: "sel-3", decoration.FactPlatformOrder: "PO-88", decoration.FactProvincePrice: "true"}), decoration.StateDesignConfirmed},
		{cmd("c7", "choose_crew", "owner-1", workflow.RoleOwner, 150, workflow.Facts{decoration.FactCrew: "crew-5"}), decoration.StateCrewChosen},
		{cmd("c8", "agree_drawings", "store-sz-01", workflow.RoleStore, 200, workflow.Facts{decoration.FactDrawings: "dwg-2"}), decoration.StateDrawingsAgreed},
		{cmd("c9", "book", "owner-1", workflow.RoleOwner, 210, workflow.Facts{decoration.FactBookedFor: booked}), decoration.StateBooked},
		{cmd("c10", "start_construction", "spec-4", workflow.RoleSpecialist, 24*20+5, workflow.Facts{decoration.FactEcoCertified: "true", decoration.FactLiveStream: "live-77"}), decoration.StateUnderConstruction},
		{cmd("c11", "hand_over", "spec-4", workflow.RoleSpecialist, 24*50, workflow.Facts{decoration.FactHandedOverAt: at(24 * 50).Format(time.RFC3339)}), decoration.StateHandedOver},
		{cmd("c12", "review", "owner-1", workflow.RoleOwner, 24*52, workflow.Facts{decoration.FactRating: "5", decoration.FactReview: "tidy work"}), decoration.StateReviewed},
	}
}

func t0Ctx() context.Context { return context.Background() }

func mustDecoration(t testing.TB, opts ...decoration.Option) *workflow.Definition {
	t.Helper()
	// The journeys of these tests run on version 1 unless asked otherwise.
	d, err := decoration.Process(append([]decoration.Option{decoration.WithVersion(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustAfterSales(t testing.TB, opts ...decoration.Option) *workflow.Definition {
	t.Helper()
	d, err := decoration.AfterSales(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// run fires steps on a new instance, failing on any error or wrong state.
func run(t testing.TB, def *workflow.Definition, steps []step) *workflow.Instance {
	t.Helper()
	in := workflow.New(def)
	for i, s := range steps {
		r, err := in.Fire(context.Background(), s.cmd)
		if err != nil {
			t.Fatalf("step %d %s: %v", i, s.cmd.Event, err)
		}
		if r.To != s.want || in.State() != s.want {
			t.Fatalf("step %d %s: state %q, want %q", i, s.cmd.Event, in.State(), s.want)
		}
	}
	return in
}

func snapJSON(t testing.TB, in *workflow.Instance) string {
	t.Helper()
	b, err := json.Marshal(in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("cmd-%d", i)
	}
	return out
}

// with returns a copy of f (never nil) with the given name and value pairs
// set.
func with(f workflow.Facts, kv ...string) workflow.Facts {
	c := workflow.Facts{}
	for k, v := range f {
		c[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i]] = kv[i+1]
	}
	return c
}

// ownedFacts keeps of facts those that role may bring with event from
// state, as def declares its facts' writers.
func ownedFacts(def *workflow.Definition, state, event string, role workflow.Role, facts workflow.Facts) workflow.Facts {
	t := def.Trans(state, event)
	if t == nil || !def.Owned() {
		return facts
	}
	out := workflow.Facts{}
	for k, v := range facts {
		if roles, ok := def.Writes()[t.Event()][k]; ok && (roles == nil || slices.Contains(roles, role)) {
			out[k] = v
		}
	}
	return out
}

// v1As builds the version 1 decoration flow numbered version: a newer
// version of the same shape, for the tests of restore and migration.
func v1As(t testing.TB, version int, opts ...decoration.Option) *workflow.Definition {
	t.Helper()
	s := decoration.ProcessSpec(append([]decoration.Option{decoration.WithVersion(1)}, opts...)...)
	s.Version = version
	d, err := workflow.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
