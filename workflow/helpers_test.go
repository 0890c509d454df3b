package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())

func at(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

type step struct {
	cmd  Command
	want string
}

func cmd(id, event, actor string, role Role, h int, facts Facts) Command {
	return Command{ID: id, Event: event, Actor: actor, Role: role, At: at(h), Facts: facts}
}

// decorationJourney is a full project from application to review.
func decorationJourney() []step {
	booked := at(24 * 20).Format(time.RFC3339)
	return []step{
		{cmd("c1", "apply", "owner-1", RoleOwner, 0, Facts{FactVenue: "online"}), StateApplied},
		{cmd("c2", "buy_live_video", "owner-1", RoleOwner, 1, nil), StateApplied},
		{cmd("c3", "measure", "store-sz-01", RoleStore, 30, Facts{FactFloorPlan: "plan-001"}), StateMeasured},
		{cmd("c4", "upload_plan", "owner-1", RoleOwner, 40, Facts{FactDesignMode: "designer"}), StateDesigning},
		{cmd("c5", "submit_design", "designer-7", RoleDesigner, 100, Facts{FactDesign: "design-9"}), StateDesigning},
		{cmd("c6", "confirm_design", "owner-1", RoleOwner, 120, Facts{FactProducts: "sel-3", FactPlatformOrder: "PO-88", FactProvincePrice: "true"}), StateDesignConfirmed},
		{cmd("c7", "choose_crew", "owner-1", RoleOwner, 150, Facts{FactCrew: "crew-5"}), StateCrewChosen},
		{cmd("c8", "agree_drawings", "store-sz-01", RoleStore, 200, Facts{FactDrawings: "dwg-2"}), StateDrawingsAgreed},
		{cmd("c9", "book", "owner-1", RoleOwner, 210, Facts{FactBookedFor: booked}), StateBooked},
		{cmd("c10", "start_construction", "spec-4", RoleSpecialist, 24*20+5, Facts{FactEcoCertified: "true", FactLiveStream: "live-77"}), StateUnderConstruction},
		{cmd("c11", "hand_over", "spec-4", RoleSpecialist, 24*50, Facts{FactHandedOverAt: at(24 * 50).Format(time.RFC3339)}), StateHandedOver},
		{cmd("c12", "review", "owner-1", RoleOwner, 24*52, Facts{FactRating: "5", FactReview: "tidy work"}), StateReviewed},
	}
}

func t0Ctx() context.Context { return context.Background() }

func mustDecoration(t testing.TB, opts ...Option) *Definition {
	t.Helper()
	// The journeys of these tests run on version 1 unless asked otherwise.
	d, err := Decoration(append([]Option{WithVersion(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustAfterSales(t testing.TB, opts ...Option) *Definition {
	t.Helper()
	d, err := AfterSales(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// run fires steps on a new instance, failing on any error or wrong state.
func run(t testing.TB, def *Definition, steps []step) *Instance {
	t.Helper()
	in := New(def)
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

func snapJSON(t testing.TB, in *Instance) string {
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
func with(f Facts, kv ...string) Facts {
	c := Facts{}
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
func ownedFacts(def *Definition, state, event string, role Role, facts Facts) Facts {
	t := def.trans[transKey{state, event}]
	if t == nil || !def.owned {
		return facts
	}
	out := Facts{}
	for k, v := range facts {
		if roles, ok := def.writes[t.event][k]; ok && (roles == nil || slices.Contains(roles, role)) {
			out[k] = v
		}
	}
	return out
}

// v1As builds the version 1 decoration flow numbered version: a newer
// version of the same shape, for the tests of restore and migration.
func v1As(t testing.TB, version int, opts ...Option) *Definition {
	t.Helper()
	s := DecorationSpec(append([]Option{WithVersion(1)}, opts...)...)
	s.Version = version
	d, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
