package main

import (
	"context"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
)

// workflowStep runs a decoration project through the first steps of seed
// 001's re-engineered process (申请 → 量房 → 设计), shows a step refused with
// its reason, and a deadline that has passed.
func workflowStep() error {
	heading("The decoration process (seed 001 part 2.4)")
	def, err := workflow.Decoration()
	if err != nil {
		return err
	}
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	project := workflow.New(def)
	fire := func(c workflow.Command) error {
		r, err := project.Fire(ctx, c)
		if err != nil {
			fmt.Printf("  %s  %-14s %-14s refused: %v\n", c.At.Format("01-02 15:04"), c.Actor, c.Event, err)
			return err
		}
		fmt.Printf("  %s  %-14s %-14s %s → %s\n", c.At.Format("01-02 15:04"), c.Actor, c.Event, r.From, r.To)
		for _, in := range r.Intents {
			fmt.Printf("  %11s  intent: %s %s: %s\n", "", in.Kind, in.Role, in.Note)
		}
		return nil
	}
	steps := []workflow.Command{
		{ID: "t1", Event: "apply", Actor: "owner Li", Role: workflow.RoleOwner, At: h(0),
			Facts: workflow.Facts{workflow.FactVenue: "store"}},
		{ID: "t2", Event: "measure", Actor: "store Nanshan", Role: workflow.RoleStore, At: h(30),
			Facts: workflow.Facts{workflow.FactFloorPlan: "plan-017"}},
		{ID: "t3", Event: "upload_plan", Actor: "owner Li", Role: workflow.RoleOwner, At: h(40),
			Facts: workflow.Facts{workflow.FactDesignMode: "diy"}},
		{ID: "t4", Event: "submit_design", Actor: "owner Li", Role: workflow.RoleOwner, At: h(70),
			Facts: workflow.Facts{workflow.FactDesign: "my-kitchen-v2"}},
	}
	for _, c := range steps {
		if err := fire(c); err != nil {
			return err
		}
	}
	// Confirming without a platform order breaks guarantee 3: refused, and
	// the project is unchanged.
	_ = fire(workflow.Command{ID: "t5", Event: "confirm_design", Actor: "owner Li", Role: workflow.RoleOwner, At: h(80),
		Facts: workflow.Facts{workflow.FactProducts: "tiles+cabinet", workflow.FactProvincePrice: "true"}})
	fmt.Printf("  still %s after the refusal, %d steps in the history\n", project.State(), project.Seq())

	// A second project, applied for online, waits too long for its measurement.
	late := workflow.New(def)
	if _, err := late.Fire(ctx, workflow.Command{ID: "l1", Event: "apply", Actor: "owner Zhao", Role: workflow.RoleOwner, At: h(0),
		Facts: workflow.Facts{workflow.FactVenue: "online"}}); err != nil {
		return err
	}
	for _, d := range late.Overdue(h(60)) {
		fmt.Printf("  overdue at %s: %s was due %s\n", h(60).Format("01-02 15:04"), d.For, d.Due.Format("01-02 15:04"))
	}
	return nil
}
