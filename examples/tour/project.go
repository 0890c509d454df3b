package main

import (
	"context"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/workflow"
)

// project runs the decoration of Chen's flat through the re-engineered
// process, from the application to the owner's review. The order of the
// previous chapters is the project's platform order.
func (s *story) project() error {
	s.chapter("The decoration project, from application to review")
	def, ok := s.rb.Workflow("decoration")
	if !ok {
		return fmt.Errorf("the sample rulebook has no decoration workflow")
	}
	s.say("The same flat is being decorated. The project follows the rulebook's decoration " +
		"workflow: each step is allowed to certain roles and guarded by the facts it needs; a step " +
		"refused leaves the project exactly as it was; deadlines are judged at the instant the caller " +
		"passes in. Each step may hand the caller intents to carry out (notify, schedule): the SDK " +
		"itself sends nothing.")
	s.printf("\n")
	ctx := context.Background()
	p := workflow.New(def)
	orderID := s.order.order.ID
	fire := func(c workflow.Command) error {
		r, err := p.Fire(ctx, c)
		if err != nil {
			s.printf("  %s  %-16s %-18s refused: %v\n", c.At.Format("Jan 02 15:04"), c.Actor, c.Event, err)
			return err
		}
		s.printf("  %s  %-16s %-18s %s → %s\n", c.At.Format("Jan 02 15:04"), c.Actor, c.Event, r.From, r.To)
		for _, in := range r.Intents {
			s.printf("  %12s  intent for %s: %s %s\n", "", in.Role, in.Kind, in.Note)
		}
		return nil
	}
	run := func(cs ...workflow.Command) error {
		for _, c := range cs {
			if err := fire(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := run(
		workflow.Command{ID: "c1", Event: "apply", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(1, 20, 0),
			Facts: workflow.Facts{workflow.FactVenue: "store"}},
		workflow.Command{ID: "c2", Event: "measure", Actor: "store-gd-hub", Role: workflow.RoleStore, At: march(3, 10, 0),
			Facts: workflow.Facts{workflow.FactFloorPlan: "plan-dg-0303"}},
		workflow.Command{ID: "c3", Event: "buy_live_video", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(3, 12, 0)},
		workflow.Command{ID: "c4", Event: "upload_plan", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(3, 21, 0),
			Facts: workflow.Facts{workflow.FactDesignMode: "designer"}},
		workflow.Command{ID: "c5", Event: "submit_design", Actor: "designer Zhou", Role: workflow.RoleDesigner, At: march(5, 16, 0),
			Facts: workflow.Facts{workflow.FactDesign: "design-dg-v2"}},
	); err != nil {
		return err
	}
	// Confirming the design needs the platform order: the owner buys through
	// the platform and only accepts. Without it the step is refused.
	s.printf("\n")
	s.say("Chen tries to confirm the design before ordering: refused, because the products must be " +
		"ordered through the platform at the province price, and the project is unchanged.")
	_ = fire(workflow.Command{ID: "c6", Event: "confirm_design", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(5, 18, 0),
		Facts: workflow.Facts{workflow.FactProducts: "tiles, kitchen cabinet", workflow.FactProvincePrice: "true"}})
	s.printf("  still %q after the refusal, %d steps in the history\n\n", p.State(), p.Seq())
	s.say("The next day Chen places order " + orderID + " (chapter 2), and confirms with it:")
	if err := run(
		workflow.Command{ID: "c7", Event: "confirm_design", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(6, 11, 0),
			Facts: workflow.Facts{workflow.FactProducts: "tiles, kitchen cabinet", workflow.FactProvincePrice: "true",
				workflow.FactPlatformOrder: orderID}},
		workflow.Command{ID: "c8", Event: "choose_crew", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(7, 9, 0),
			Facts: workflow.Facts{workflow.FactCrew: "crew-dg-07"}},
	); err != nil {
		return err
	}
	late := march(15, 9, 0)
	s.printf("\n")
	s.say("A week later the drawings are still not agreed. Asked at " + late.Format("Jan 02 15:04") +
		", the project lists what is overdue:")
	for _, d := range p.Overdue(late) {
		s.printf("  overdue: %s, due %s\n", d.For, d.Due.Format("Jan 02 15:04"))
	}
	s.printf("\n")
	booked := march(20, 9, 0)
	if err := run(
		workflow.Command{ID: "c9", Event: "agree_drawings", Actor: "store-gd-hub", Role: workflow.RoleStore, At: march(15, 16, 0),
			Facts: workflow.Facts{workflow.FactDrawings: "drawings-dg-v1"}},
		workflow.Command{ID: "c10", Event: "book", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(15, 17, 0),
			Facts: workflow.Facts{workflow.FactBookedFor: booked.Format(time.RFC3339)}},
		workflow.Command{ID: "c11", Event: "start_construction", Actor: "agent-wang", Role: workflow.RoleSpecialist, At: booked,
			Facts: workflow.Facts{workflow.FactEcoCertified: "true", workflow.FactLiveStream: "live-dg-0320"}},
		workflow.Command{ID: "c12", Event: "hand_over", Actor: "agent-wang", Role: workflow.RoleSpecialist, At: march(28, 17, 0),
			Facts: workflow.Facts{workflow.FactHandedOverAt: march(28, 17, 0).Format(time.RFC3339)}},
		workflow.Command{ID: "c13", Event: "review", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(29, 20, 0),
			Facts: workflow.Facts{workflow.FactRating: "5", workflow.FactReview: "tiles as shown in store; crew on time"}},
	); err != nil {
		return err
	}
	s.printf("\nThe deadlines, as met:\n")
	for _, d := range p.Deadlines() {
		status := "on time"
		if d.Met.After(d.Due) {
			status = "late"
		}
		s.printf("  %-72s due %s, met %s (%s)\n", d.For, d.Due.Format("Jan 02 15:04"), d.Met.Format("Jan 02 15:04"), status)
	}
	s.printf("\nThe guarantees the project promised the owner, checked on its facts:\n")
	for _, g := range workflow.Guarantees(p, march(29, 20, 0), workflow.DefaultWarranty()) {
		s.printf("  %-22s held %-5v %s\n", g.Guarantee, g.Held, g.Reason)
	}
	return nil
}
