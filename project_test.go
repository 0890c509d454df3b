package o2okit_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	o2okit "github.com/o2okit/o2okit"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

var projectAccounts = o2okit.ProjectAccounts{Project: "P-1", Holding: "platform-holding",
	Parties: map[string]string{decoration.PartyOwner: "owner-li", decoration.PartyCrew: "crew-5", decoration.PartyStore: "store-sz", decoration.PartyManufacturer: "hq"},
	AtFault: map[string]string{decoration.CompensationNode: "crew-5", decoration.CompensationEco: "hq"}}

// projectSteps are the commands of a project on version 2 up to the start
// of construction, paying 80,000.01 CNY at booking.
func projectSteps(t0 time.Time) []workflow.Command {
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	c := func(id, ev string, role workflow.Role, at int, f workflow.Facts) workflow.Command {
		return workflow.Command{ID: id, Event: ev, Actor: string(role), Role: role, At: h(at), Facts: f}
	}
	return []workflow.Command{
		c("c1", decoration.EventApply, workflow.RoleOwner, 0, workflow.Facts{decoration.FactVenue: "online"}),
		c("c2", decoration.EventMeasure, workflow.RoleStore, 30, workflow.Facts{decoration.FactFloorPlan: "plan"}),
		c("c3", decoration.EventUploadPlan, workflow.RoleOwner, 40, workflow.Facts{decoration.FactDesignMode: "designer"}),
		c("c4", decoration.EventSubmitDesign, workflow.RoleDesigner, 100, workflow.Facts{decoration.FactDesign: "d"}),
		c("c5", decoration.EventConfirmDesign, workflow.RoleOwner, 120, workflow.Facts{decoration.FactProducts: "p", decoration.FactPlatformOrder: "PO", decoration.FactProvincePrice: "true"}),
		c("c6", decoration.EventChooseCrew, workflow.RoleOwner, 150, workflow.Facts{decoration.FactCrew: "crew-5"}),
		c("c7", decoration.EventAgreeDrawings, workflow.RoleStore, 200, workflow.Facts{decoration.FactDrawings: "dwg"}),
		c("c8", decoration.EventBook, workflow.RoleOwner, 210, workflow.Facts{decoration.FactBookedFor: workflow.TimeFact(h(480)),
			decoration.FactPayment: workflow.MoneyFact(o2o.MustParseMoney("80000.01 CNY"))}),
		c("c9", decoration.EventStartConstruction, workflow.RoleSpecialist, 485, workflow.Facts{decoration.FactEcoCertified: workflow.BoolFact(true)}),
	}
}

// TestProjectSettles: the intents of a project on version 2, turned into
// postings step by step, hold the payment, release it node by node and
// leave the holding account at what is still held after every step; a
// rejected node moves nothing; a cancellation refunds the rest. Paid in
// instalments, each is held as it is paid, and the same holds.
func TestProjectSettles(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	// The whole price at booking, or in three instalments: at booking, at
	// tiling and at completion.
	instalments := []decoration.Instalment{{Name: "deposit", Weight: decimal.NewFromInt(40)},
		{Name: "midway", Node: decoration.NodeTiling, Weight: decimal.NewFromInt(45)},
		{Name: "final", Node: decoration.NodeCompletion, Weight: decimal.NewFromInt(15)}}
	for _, schedule := range [][]decoration.Instalment{nil, instalments} {
		def, err := decoration.Process(decoration.WithInstalments(schedule...))
		if schedule == nil {
			def, err = decoration.Process()
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, cancelAfter := range []int{-1, 0, 2, 4} {
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
				if c.Event == decoration.EventRejectNode && len(ps) != 0 {
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
				if all, _ := held.Add(out); held.IsNegative() || !all.Equal(paid) || (schedule == nil && p.Seq() >= 8 && c.Event != decoration.EventCancel && paid.String() != "80000.01 CNY") {
					t.Fatalf("%s: held %s, out %s, paid %s", c.Event, held, out, paid)
				}
				at = c.At
			}
			for _, c := range projectSteps(t0) {
				step(c)
			}
			h := 0
			next := func() time.Time { h++; return at.Add(time.Hour) }
			for i, n := range decoration.DefaultNodes() {
				id := strconv.Itoa(i)
				if p.State() == decoration.NodeDueState(n.Name) {
					step(workflow.Command{ID: "p" + id, Event: decoration.EventPayInstalment, Actor: "li", Role: workflow.RoleOwner, At: next()})
				}
				if i == cancelAfter {
					step(workflow.Command{ID: "x", Event: decoration.EventCancel, Actor: "li", Role: workflow.RoleOwner, At: next(), Facts: workflow.Facts{decoration.FactCancelReason: "moved"}})
					break
				}
				step(workflow.Command{ID: "i" + id, Event: decoration.EventInspectNode, Actor: "zhao", Role: workflow.RoleSpecialist, At: next(), Facts: workflow.Facts{decoration.FactNodeReport: "ok"}})
				if i == 1 {
					step(workflow.Command{ID: "r" + id, Event: decoration.EventRejectNode, Actor: "li", Role: workflow.RoleOwner, At: next(), Facts: workflow.Facts{decoration.FactRejection: "gaps"}})
					step(workflow.Command{ID: "i" + id + "b", Event: decoration.EventInspectNode, Actor: "zhao", Role: workflow.RoleSpecialist, At: next(), Facts: workflow.Facts{decoration.FactNodeReport: "ok"}})
				}
				step(workflow.Command{ID: "a" + id, Event: decoration.EventAcceptNode, Actor: "li", Role: workflow.RoleOwner, At: next()})
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
}

// TestProjectCompensation: compensation settles from the party at fault to
// the owner; an unmapped kind or party is refused.
func TestProjectCompensation(t *testing.T) {
	in := []workflow.Intent{{Key: "a3/0", Kind: decoration.IntentCompensate, Role: workflow.RoleHeadquarters,
		Amounts: []o2o.Part{{Key: decoration.PartyOwner, Amount: o2o.MustParseMoney("500.00")}}}}
	at := time.Date(2025, 6, 1, 9, 0, 0, 0, o2o.China())
	ps, err := o2okit.ProjectPostings(in, at, workflow.Facts{decoration.FactCompensationKind: decoration.CompensationNode}, projectAccounts)
	if err != nil || len(ps) != 1 || ps[0].From != "crew-5" || ps[0].To != "owner-li" || ps[0].Kind != settlement.KindCompensation || ps[0].Key != "a3/0/owner-li" {
		t.Fatalf("%v %v", ps, err)
	}
	if _, err := o2okit.ProjectPostings(in, at, workflow.Facts{decoration.FactCompensationKind: decoration.CompensationStream}, projectAccounts); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("no account at fault: %v", err)
	}
	in[0].Amounts[0].Key = "stranger"
	if _, err := o2okit.ProjectPostings(in, at, workflow.Facts{decoration.FactCompensationKind: decoration.CompensationNode}, projectAccounts); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown party: %v", err)
	}
}
