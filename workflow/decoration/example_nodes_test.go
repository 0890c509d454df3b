package decoration_test

import (
	"context"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// A project on version 2, from booking: the payment held, the first node
// inspected, rejected, reworked and accepted, its share released.
func ExampleNodes() {
	def, _ := decoration.Process(decoration.WithNodes(decoration.DefaultNodes()[0], decoration.DefaultNodes()[4]))
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	p := workflow.New(def)
	fire := func(id, event string, role workflow.Role, h int, facts workflow.Facts) {
		r, err := p.Fire(context.Background(), workflow.Command{ID: id, Event: event, Actor: string(role), Role: role, At: at(h), Facts: facts})
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, in := range r.Intents {
			for _, part := range in.Amounts {
				fmt.Println(in.Key, in.Kind, part.Key, part.Amount)
			}
		}
	}
	fire("c1", decoration.EventApply, workflow.RoleOwner, 0, workflow.Facts{decoration.FactVenue: "online"})
	fire("c2", decoration.EventMeasure, workflow.RoleStore, 1, workflow.Facts{decoration.FactFloorPlan: "plan"})
	fire("c3", decoration.EventUploadPlan, workflow.RoleOwner, 2, workflow.Facts{decoration.FactDesignMode: "diy"})
	fire("c4", decoration.EventSubmitDesign, workflow.RoleOwner, 3, workflow.Facts{decoration.FactDesign: "d"})
	fire("c5", decoration.EventConfirmDesign, workflow.RoleOwner, 4, workflow.Facts{decoration.FactProducts: "p", decoration.FactPlatformOrder: "PO-1", decoration.FactProvincePrice: "true"})
	fire("c6", decoration.EventChooseCrew, workflow.RoleOwner, 5, workflow.Facts{decoration.FactCrew: "crew-5"})
	fire("c7", decoration.EventAgreeDrawings, workflow.RoleStore, 6, workflow.Facts{decoration.FactDrawings: "dwg"})
	fire("c8", decoration.EventBook, workflow.RoleOwner, 7, workflow.Facts{decoration.FactBookedFor: workflow.TimeFact(at(48)),
		decoration.FactPayment: workflow.MoneyFact(o2o.MustParseMoney("10000.00 CNY"))})
	fire("c9", decoration.EventStartConstruction, workflow.RoleSpecialist, 48, workflow.Facts{decoration.FactEcoCertified: workflow.BoolFact(true)})
	fire("i1", decoration.EventInspectNode, workflow.RoleSpecialist, 100, workflow.Facts{decoration.FactNodeReport: "ok"})
	fire("r1", decoration.EventRejectNode, workflow.RoleOwner, 101, workflow.Facts{decoration.FactRejection: "a socket is missing"})
	fire("i2", decoration.EventInspectNode, workflow.RoleSpecialist, 120, workflow.Facts{decoration.FactNodeReport: "socket added"})
	fire("a1", decoration.EventAcceptNode, workflow.RoleOwner, 121, nil)
	st := decoration.Nodes(p, decoration.DefaultNodes())[0]
	fmt.Println(p.State(), st.Node, "rework", st.Rework)
	// Output:
	// c8/1 hold platform 10000.00 CNY
	// a1/0 release crew 4000.00 CNY
	// a1/0 release manufacturer 1142.86 CNY
	// a1/0 release store 571.43 CNY
	// node_completion plumbing rework 1
}
