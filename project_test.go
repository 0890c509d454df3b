package o2okit_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	o2okit "github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/workflow"
)

var projectAccounts = o2okit.ProjectAccounts{Project: "P-1", Holding: "platform-holding",
	Parties: map[string]string{workflow.PartyOwner: "owner-li", workflow.PartyCrew: "crew-5", workflow.PartyStore: "store-sz", workflow.PartyManufacturer: "hq"},
	AtFault: map[string]string{workflow.CompensationNode: "crew-5", workflow.CompensationEco: "hq"}}

// projectSteps are the commands of a project on version 2 up to the start
// of construction, paying 80,000.01 CNY at booking.
func projectSteps(t0 time.Time) []workflow.Command {
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	c := func(id, ev string, role workflow.Role, at int, f workflow.Facts) workflow.Command {
		return workflow.Command{ID: id, Event: ev, Actor: string(role), Role: role, At: h(at), Facts: f}
	}
	return []workflow.Command{
		c("c1", workflow.EventApply, workflow.RoleOwner, 0, workflow.Facts{workflow.FactVenue: "online"}),
		c("c2", workflow.EventMeasure, workflow.RoleStore, 30, workflow.Facts{workflow.FactFloorPlan: "plan"}),
		c("c3", workflow.EventUploadPlan, workflow.RoleOwner, 40, workflow.Facts{workflow.FactDesignMode: "designer"}),
		c("c4", workflow.EventSubmitDesign, workflow.RoleDesigner, 100, workflow.Facts{workflow.FactDesign: "d"}),
		c("c5", workflow.EventConfirmDesign, workflow.RoleOwner, 120, workflow.Facts{workflow.FactProducts: "p", workflow.FactPlatformOrder: "PO", workflow.FactProvincePrice: "true"}),
		c("c6", workflow.EventChooseCrew, workflow.RoleOwner, 150, workflow.Facts{workflow.FactCrew: "crew-5"}),
		c("c7", workflow.EventAgreeDrawings, workflow.RoleStore, 200, workflow.Facts{workflow.FactDrawings: "dwg"}),
		c("c8", workflow.EventBook, workflow.RoleOwner, 210, workflow.Facts{workflow.FactBookedFor: workflow.TimeFact(h(480)),
			workflow.FactPayment: workflow.MoneyFact(o2o.MustParseMoney("80000.01 CNY"))}),
		c("c9", workflow.EventStartConstruction, workflow.RoleSpecialist, 485, workflow.Facts{workflow.FactEcoCertified: workflow.BoolFact(true)}),
	}
}

// TestProjectSettles: the intents of a project on version 2, turned into
// postings step by step, hold the payment, release it node by node and
// leave the holding account at what is still held after every step; a
// rejected node moves nothing; a cancellation refunds the rest.
func TestProjectSettles(t *testing.T) {
	def, err := workflow.Decoration()
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	for _, cancelAfter := range []int{-1, 0, 2} {
		l, err := settlement.NewLedger(settlement.Config{})
		if err != nil {
			t.Fatal(err)
		}
		p := workflow.New(def)
		at := t0
		step := func(c workflow.Command) {
			t.Helper()
			r, err := p.Fire(context.Background(), c)
			if err != nil {
				t.Fatalf("%s: %v", c.Event, err)
			}
			ps, err := o2okit.ProjectPostings(r.Intents, c.At, p.Facts(), projectAccounts)
			if err != nil {
				t.Fatal(err)
			}
			if c.Event == workflow.EventRejectNode && len(ps) != 0 {
				t.Fatalf("a rejected node moved %v", ps)
			}
			if len(ps) > 0 {
				if _, err := l.Apply(settlement.Batch{ID: c.ID, Postings: ps}); err != nil {
					t.Fatal(err)
				}
			}
			held := l.Balance("platform-holding")
			out, _ := o2o.Sum(l.Balance("crew-5"), l.Balance("store-sz"), l.Balance("hq"))
			// What the owner paid and did not get back is held or paid out.
			paid := l.Balance("owner-li").Neg()
			if all, _ := held.Add(out); held.IsNegative() || !all.Equal(paid) || (p.Seq() >= 8 && c.Event != workflow.EventCancel && paid.String() != "80000.01 CNY") {
				t.Fatalf("%s: held %s, out %s, paid %s", c.Event, held, out, paid)
			}
			at = c.At
		}
		for _, c := range projectSteps(t0) {
			step(c)
		}
		h := 0
		next := func() time.Time { h++; return at.Add(time.Hour) }
		for i := range workflow.DefaultNodes() {
			id := strconv.Itoa(i)
			if i == cancelAfter {
				step(workflow.Command{ID: "x", Event: workflow.EventCancel, Actor: "li", Role: workflow.RoleOwner, At: next(), Facts: workflow.Facts{workflow.FactCancelReason: "moved"}})
				break
			}
			step(workflow.Command{ID: "i" + id, Event: workflow.EventInspectNode, Actor: "zhao", Role: workflow.RoleSpecialist, At: next(), Facts: workflow.Facts{workflow.FactNodeReport: "ok"}})
			if i == 1 {
				step(workflow.Command{ID: "r" + id, Event: workflow.EventRejectNode, Actor: "li", Role: workflow.RoleOwner, At: next(), Facts: workflow.Facts{workflow.FactRejection: "gaps"}})
				step(workflow.Command{ID: "i" + id + "b", Event: workflow.EventInspectNode, Actor: "zhao", Role: workflow.RoleSpecialist, At: next(), Facts: workflow.Facts{workflow.FactNodeReport: "ok"}})
			}
			step(workflow.Command{ID: "a" + id, Event: workflow.EventAcceptNode, Actor: "li", Role: workflow.RoleOwner, At: next()})
		}
		if !l.Balance("platform-holding").IsZero() {
			t.Fatalf("cancel after %d: %s still held", cancelAfter, l.Balance("platform-holding"))
		}
		paid, _ := o2o.Sum(l.Balance("crew-5"), l.Balance("store-sz"), l.Balance("hq"))
		if back, _ := paid.Add(l.Balance("owner-li")); !back.IsZero() {
			t.Fatalf("cancel after %d: owner %s, paid out %s", cancelAfter, l.Balance("owner-li"), paid)
		}
		if cancelAfter < 0 && paid.String() != "80000.01 CNY" {
			t.Fatalf("paid out %s", paid)
		}
	}
}

// TestProjectCompensation: compensation settles from the party at fault to
// the owner; an unmapped kind or party is refused.
func TestProjectCompensation(t *testing.T) {
	in := []workflow.Intent{{Key: "a3/0", Kind: workflow.IntentCompensate, Role: workflow.RoleHeadquarters,
		Amounts: []o2o.Part{{Key: workflow.PartyOwner, Amount: o2o.MustParseMoney("500.00")}}}}
	at := time.Date(2025, 6, 1, 9, 0, 0, 0, o2o.China())
	ps, err := o2okit.ProjectPostings(in, at, workflow.Facts{workflow.FactCompensationKind: workflow.CompensationNode}, projectAccounts)
	if err != nil || len(ps) != 1 || ps[0].From != "crew-5" || ps[0].To != "owner-li" || ps[0].Kind != settlement.KindCompensation || ps[0].Key != "a3/0/owner-li" {
		t.Fatalf("%v %v", ps, err)
	}
	if _, err := o2okit.ProjectPostings(in, at, workflow.Facts{workflow.FactCompensationKind: workflow.CompensationStream}, projectAccounts); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("no account at fault: %v", err)
	}
	in[0].Amounts[0].Key = "stranger"
	if _, err := o2okit.ProjectPostings(in, at, workflow.Facts{workflow.FactCompensationKind: workflow.CompensationNode}, projectAccounts); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown party: %v", err)
	}
}
