package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
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
		printStep(s, c, r)
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
			Facts: workflow.Facts{decoration.FactVenue: "store"}},
		workflow.Command{ID: "c2", Event: "measure", Actor: "store-gd-hub", Role: workflow.RoleStore, At: march(3, 10, 0),
			Facts: workflow.Facts{decoration.FactFloorPlan: "plan-dg-0303"}},
		workflow.Command{ID: "c3", Event: "buy_live_video", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(3, 12, 0)},
		workflow.Command{ID: "c4", Event: "upload_plan", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(3, 21, 0),
			Facts: workflow.Facts{decoration.FactDesignMode: "designer"}},
		workflow.Command{ID: "c5", Event: "submit_design", Actor: "designer Zhou", Role: workflow.RoleDesigner, At: march(5, 16, 0),
			Facts: workflow.Facts{decoration.FactDesign: "design-dg-v2"}},
	); err != nil {
		return err
	}
	// Confirming the design needs the platform order: the owner buys through
	// the platform and only accepts. Without it the step is refused.
	s.printf("\n")
	s.say("Chen tries to confirm the design before ordering: refused, because the products must be " +
		"ordered through the platform at the province price, and the project is unchanged.")
	_ = fire(workflow.Command{ID: "c6", Event: "confirm_design", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(5, 18, 0),
		Facts: workflow.Facts{decoration.FactProducts: "tiles, kitchen cabinet", decoration.FactProvincePrice: "true"}})
	s.printf("  still %q after the refusal, %d steps in the history\n\n", p.State(), p.Seq())
	s.say("The next day Chen places order " + orderID + " (chapter 2), and confirms with it:")
	if err := run(
		workflow.Command{ID: "c7", Event: "confirm_design", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(6, 11, 0),
			Facts: workflow.Facts{decoration.FactProducts: "tiles, kitchen cabinet", decoration.FactProvincePrice: "true",
				decoration.FactPlatformOrder: orderID}},
		workflow.Command{ID: "c8", Event: "choose_crew", Actor: "owner Chen", Role: workflow.RoleOwner, At: march(7, 9, 0),
			Facts: workflow.Facts{decoration.FactCrew: "crew-dg-07"}},
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
	// The construction is free for Chen (chapter 2): the campaign pays its
	// cost through the platform in Chen's place, and the platform holds it
	// until the nodes are accepted.
	price := s.order.ev.Benefits[0].Cost
	accounts := o2okit.ProjectAccounts{Project: "project-chen", Holding: "platform/holding", Parties: map[string]string{
		decoration.PartyOwner: "campaign/spring-ladder", decoration.PartyCrew: "crew-dg-07",
		decoration.PartyStore: "store-gd-hub", decoration.PartyManufacturer: "headquarters"}}
	s.say("The construction is free for Chen: the campaign pays its cost, " + price.String() + ", through the " +
		"platform at booking, in Chen's place. The platform holds it and releases it node by node (节点控制) as " +
		"the specialist inspects each node and Chen accepts it, to the crew, the manufacturer and the store by " +
		"the shares the rulebook sets; each release is posted to the ledger of chapter 2.")
	s.printf("\n")
	post := func(c workflow.Command, r workflow.Result) error {
		postings, err := o2okit.ProjectPostings(r.Intents, c.At, p.Facts(), accounts)
		if err != nil || len(postings) == 0 {
			return err
		}
		if _, err := s.order.ledger.Apply(settlement.Batch{ID: "project-chen/" + c.ID, Postings: postings}); err != nil {
			return err
		}
		for _, in := range r.Intents {
			for _, part := range in.Amounts {
				s.printf("  %12s  %-8s %-14s %10s\n", "", in.Kind, part.Key, part.Amount.AmountString())
			}
		}
		s.printf("  %12s  held by the platform now: %s\n", "", s.order.ledger.Balance(accounts.Holding))
		return nil
	}
	booked := march(20, 9, 0)
	steps := []workflow.Command{
		{ID: "c9", Event: decoration.EventAgreeDrawings, Actor: "store-gd-hub", Role: workflow.RoleStore, At: march(15, 16, 0),
			Facts: workflow.Facts{decoration.FactDrawings: "drawings-dg-v1"}},
		{ID: "c10", Event: decoration.EventBook, Actor: "owner Chen", Role: workflow.RoleOwner, At: march(15, 17, 0),
			Facts: workflow.Facts{decoration.FactBookedFor: workflow.TimeFact(booked), decoration.FactPayment: workflow.MoneyFact(price)}},
		{ID: "c11", Event: decoration.EventStartConstruction, Actor: "agent-wang", Role: workflow.RoleSpecialist, At: booked,
			Facts: workflow.Facts{decoration.FactEcoCertified: "true", decoration.FactLiveStream: "live-dg-0320"}},
	}
	// The rulebook's decoration flow has the default construction nodes.
	day := 20
	for _, n := range decoration.DefaultNodes() {
		day++
		steps = append(steps, workflow.Command{ID: "i-" + n.Name, Event: decoration.EventInspectNode, Actor: "agent-wang", Role: workflow.RoleSpecialist,
			At: march(day, 16, 0), Facts: workflow.Facts{decoration.FactNodeReport: n.Name + " done to the drawings"}})
		if n.Name == decoration.NodeTiling {
			steps = append(steps,
				workflow.Command{ID: "r-" + n.Name, Event: decoration.EventRejectNode, Actor: "owner Chen", Role: workflow.RoleOwner, At: march(day, 19, 0),
					Facts: workflow.Facts{decoration.FactRejection: "two kitchen tiles are uneven"}},
				workflow.Command{ID: "i-" + n.Name + "-2", Event: decoration.EventInspectNode, Actor: "agent-wang", Role: workflow.RoleSpecialist,
					At: march(day+1, 12, 0), Facts: workflow.Facts{decoration.FactNodeReport: "kitchen tiles relaid"}})
			day++
		}
		steps = append(steps, workflow.Command{ID: "a-" + n.Name, Event: decoration.EventAcceptNode, Actor: "owner Chen", Role: workflow.RoleOwner,
			At: march(day, 20, 0)})
	}
	steps = append(steps,
		workflow.Command{ID: "c12", Event: decoration.EventHandOver, Actor: "agent-wang", Role: workflow.RoleSpecialist, At: march(28, 17, 0),
			Facts: workflow.Facts{decoration.FactHandedOverAt: workflow.TimeFact(march(28, 17, 0))}},
		workflow.Command{ID: "c13", Event: decoration.EventReview, Actor: "owner Chen", Role: workflow.RoleOwner, At: march(29, 20, 0),
			Facts: workflow.Facts{decoration.FactRating: "5", decoration.FactReview: "tiles as shown in store; crew on time"}})
	for _, c := range steps {
		r, err := p.Fire(ctx, c)
		if err != nil {
			return err
		}
		printStep(s, c, r)
		if err := post(c, r); err != nil {
			return err
		}
	}
	s.printf("\nThe nodes, as the history tells them:\n")
	for _, st := range decoration.Nodes(p, decoration.DefaultNodes()) {
		s.printf("  %-11s inspected %d, reworked %d, accepted %v\n", st.Node, st.Inspections, st.Rework, st.Accepted)
	}
	s.printf("  what the project moved: %s\n", strings.Join(projectBalances(s.order.ledger, accounts), ", "))
	s.printf("\nThe deadlines, as met:\n")
	for _, d := range p.Deadlines() {
		status := "on time"
		if d.Met.After(d.Due) {
			status = "late"
		}
		s.printf("  %-72s due %s, met %s (%s)\n", d.For, d.Due.Format("Jan 02 15:04"), d.Met.Format("Jan 02 15:04"), status)
	}
	s.printf("\nThe guarantees the project promised the owner, checked on its facts:\n")
	for _, g := range decoration.Guarantees(p, march(29, 20, 0), decoration.DefaultWarranty()) {
		s.printf("  %-22s held %-5v %s\n", g.Guarantee, g.Held, g.Reason)
	}
	return nil
}

// printStep prints a step the project took and the intents it handed back.
func printStep(s *story, c workflow.Command, r workflow.Result) {
	s.printf("  %s  %-16s %-18s %s → %s\n", c.At.Format("Jan 02 15:04"), c.Actor, c.Event, r.From, r.To)
	for _, in := range r.Intents {
		s.printf("  %12s  intent for %s: %s %s\n", "", in.Role, in.Kind, in.Note)
	}
}

// projectBalances lists the balances of the project's accounts in the
// ledger, as "account balance".
func projectBalances(l *settlement.Ledger, a o2okit.ProjectAccounts) []string {
	var out []string
	for _, acc := range []string{a.Parties[decoration.PartyOwner], a.Holding, a.Parties[decoration.PartyCrew]} {
		out = append(out, acc+" "+l.Balance(acc).String())
	}
	return out
}
