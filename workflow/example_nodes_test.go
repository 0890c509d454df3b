package workflow_test

import (
	"context"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
)

// A project on version 2, from booking: the payment held, the first node
// inspected, rejected, reworked and accepted, its share released.
func ExampleNodes() {
	def, _ := workflow.Decoration(workflow.WithNodes(workflow.DefaultNodes()[0], workflow.DefaultNodes()[4]))
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
	fire("c1", workflow.EventApply, workflow.RoleOwner, 0, workflow.Facts{workflow.FactVenue: "online"})
	fire("c2", workflow.EventMeasure, workflow.RoleStore, 1, workflow.Facts{workflow.FactFloorPlan: "plan"})
	fire("c3", workflow.EventUploadPlan, workflow.RoleOwner, 2, workflow.Facts{workflow.FactDesignMode: "diy"})
	fire("c4", workflow.EventSubmitDesign, workflow.RoleOwner, 3, workflow.Facts{workflow.FactDesign: "d"})
	fire("c5", workflow.EventConfirmDesign, workflow.RoleOwner, 4, workflow.Facts{workflow.FactProducts: "p", workflow.FactPlatformOrder: "PO-1", workflow.FactProvincePrice: "true"})
	fire("c6", workflow.EventChooseCrew, workflow.RoleOwner, 5, workflow.Facts{workflow.FactCrew: "crew-5"})
	fire("c7", workflow.EventAgreeDrawings, workflow.RoleStore, 6, workflow.Facts{workflow.FactDrawings: "dwg"})
	fire("c8", workflow.EventBook, workflow.RoleOwner, 7, workflow.Facts{workflow.FactBookedFor: workflow.TimeFact(at(48)),
		workflow.FactPayment: workflow.MoneyFact(o2o.MustParseMoney("10000.00 CNY"))})
	fire("c9", workflow.EventStartConstruction, workflow.RoleSpecialist, 48, workflow.Facts{workflow.FactEcoCertified: workflow.BoolFact(true)})
	fire("i1", workflow.EventInspectNode, workflow.RoleSpecialist, 100, workflow.Facts{workflow.FactNodeReport: "ok"})
	fire("r1", workflow.EventRejectNode, workflow.RoleOwner, 101, workflow.Facts{workflow.FactRejection: "a socket is missing"})
	fire("i2", workflow.EventInspectNode, workflow.RoleSpecialist, 120, workflow.Facts{workflow.FactNodeReport: "socket added"})
	fire("a1", workflow.EventAcceptNode, workflow.RoleOwner, 121, nil)
	st := workflow.Nodes(p, workflow.DefaultNodes())[0]
	fmt.Println(p.State(), st.Node, "rework", st.Rework)
	// Output:
	// c8/1 hold platform 10000.00 CNY
	// a1/0 release crew 4000.00 CNY
	// a1/0 release manufacturer 1142.86 CNY
	// a1/0 release store 571.43 CNY
	// node_completion plumbing rework 1
}
