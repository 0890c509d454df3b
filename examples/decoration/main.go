// Command decoration walks one decoration project through every step of
// the re-engineered decoration process, printing each transition with its actor
// and instant, and shows a forbidden action, a failed guard, an overdue
// step, an after-sales return and the Mermaid diagram.
//
//	go run ./examples/decoration
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	def, err := workflow.Decoration()
	if err != nil {
		return err
	}
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	booked := h(24 * 20).Format(time.RFC3339)
	project := workflow.New(def)

	type c = workflow.Command
	steps := []c{
		{ID: "c1", Event: "apply", Actor: "owner Li", Role: workflow.RoleOwner, At: h(0), Facts: workflow.Facts{workflow.FactVenue: "online"}},
		{ID: "c2", Event: "buy_live_video", Actor: "owner Li", Role: workflow.RoleOwner, At: h(1)},
		{ID: "c3", Event: "measure", Actor: "store Shenzhen-Nanshan", Role: workflow.RoleStore, At: h(52), Facts: workflow.Facts{workflow.FactFloorPlan: "plan-001"}},
		{ID: "c4", Event: "upload_plan", Actor: "owner Li", Role: workflow.RoleOwner, At: h(60), Facts: workflow.Facts{workflow.FactDesignMode: "designer"}},
		{ID: "c5", Event: "submit_design", Actor: "designer Wang", Role: workflow.RoleDesigner, At: h(100), Facts: workflow.Facts{workflow.FactDesign: "design-9"}},
		{ID: "c6", Event: "confirm_design", Actor: "owner Li", Role: workflow.RoleOwner, At: h(120), Facts: workflow.Facts{
			workflow.FactProducts: "tiles+cabinets", workflow.FactPlatformOrder: "PO-88", workflow.FactProvincePrice: "true"}},
		{ID: "c7", Event: "choose_crew", Actor: "owner Li", Role: workflow.RoleOwner, At: h(150), Facts: workflow.Facts{workflow.FactCrew: "crew-5"}},
		{ID: "c8", Event: "agree_drawings", Actor: "store Shenzhen-Nanshan", Role: workflow.RoleStore, At: h(200), Facts: workflow.Facts{workflow.FactDrawings: "dwg-2"}},
		{ID: "c9", Event: "book", Actor: "owner Li", Role: workflow.RoleOwner, At: h(210), Facts: workflow.Facts{workflow.FactBookedFor: booked}},
		{ID: "c10", Event: "start_construction", Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(24*20 + 5), Facts: workflow.Facts{
			workflow.FactEcoCertified: "true", workflow.FactLiveStream: "live-77"}},
		{ID: "c11", Event: "hand_over", Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(24 * 50), Facts: workflow.Facts{
			workflow.FactHandedOverAt: h(24 * 50).Format(time.RFC3339)}},
		{ID: "c12", Event: "review", Actor: "owner Li", Role: workflow.RoleOwner, At: h(24 * 52), Facts: workflow.Facts{workflow.FactRating: "5", workflow.FactReview: "tidy work"}},
	}

	fmt.Println("== A decoration project, step by step ==")
	for i, cmd := range steps {
		switch i {
		case 2:
			// A forbidden action: the owner cannot complete the store's measurement.
			bad := cmd
			bad.Role, bad.Actor = workflow.RoleOwner, "owner Li"
			_, err := project.Fire(ctx, bad)
			var fe *workflow.ForbiddenError
			if errors.As(err, &fe) {
				fmt.Println("   refused:", err)
			}
			// A failed guard: measuring without a floor plan.
			bad = cmd
			bad.Facts = nil
			_, err = project.Fire(ctx, bad)
			var ge *workflow.GuardError
			if errors.As(err, &ge) {
				fmt.Println("   refused:", err)
			}
			// An overdue step: the measurement was due 48h after applying.
			for _, d := range project.Overdue(h(50)) {
				fmt.Printf("   overdue at %s: %s (due %s)\n", h(50).Format("01-02 15:04"), d.For, d.Due.Format("01-02 15:04"))
			}
		}
		r, err := project.Fire(ctx, cmd)
		if err != nil {
			return err
		}
		fmt.Printf("%2d. %s  %-18s %-38s by %s (%s)\n", r.Seq, cmd.At.Format("2006-01-02 15:04"), cmd.Event, r.From+" → "+r.To, cmd.Actor, cmd.Role)
		for _, in := range r.Intents {
			fmt.Printf("       intent %s: %s %s: %s\n", in.Key, in.Kind, in.Role, in.Note)
		}
	}
	fmt.Println()
	fmt.Println("== The five guarantees (几大保障) ==")
	for _, g := range workflow.Guarantees(project, h(24*60), workflow.DefaultWarranty()) {
		fmt.Printf("   %-16s held=%-5v %s\n", g.Guarantee, g.Held, g.Reason)
	}
	for _, d := range project.Deadlines() {
		fmt.Printf("   deadline %-14s due %s met %s late=%v\n", d.State, d.Due.Format("01-02 15:04"), d.Met.Format("01-02 15:04"), d.Late(h(24*60)))
	}

	fmt.Println()
	fmt.Println("== Stored and restored: the audit trail ==")
	// The caller keeps the key (in a secret store, say); the snapshot never holds it.
	key := []byte("example key: 16 bytes or more")
	sealed, err := project.Snapshot().Seal(key)
	if err != nil {
		return err
	}
	fmt.Printf("   sealed: %d steps, last hash %s…, seal %s…\n", sealed.Seq, sealed.History[sealed.Seq-1].Hash[:12], sealed.MAC[:12])
	if err := sealed.Verify(key); err != nil {
		return err
	}
	if _, err := workflow.Restore(def, sealed); err != nil {
		return err
	}
	fmt.Println("   verified and restored")
	edited := sealed
	edited.History = append([]workflow.Entry(nil), sealed.History...)
	edited.History[2].Actor = "store Futian" // who measured, rewritten
	_, err = workflow.Restore(def, edited)
	fmt.Printf("   actor edited: restore refused (the hash chain): %v\n", err)
	fmt.Printf("   actor edited: seal broken: %v\n", errors.Is(edited.Verify(key), o2o.ErrSealBroken))

	fmt.Println()
	fmt.Println("== After-sales: a cracked tile is returned ==")
	as, err := workflow.AfterSales()
	if err != nil {
		return err
	}
	claim := workflow.New(as)
	handed := h(24 * 50).Format(time.RFC3339)
	for _, cmd := range []c{
		{ID: "a1", Event: "open", Actor: "owner Li", Role: workflow.RoleOwner, At: h(24 * 100), Facts: workflow.Facts{workflow.FactClaimKind: "product", workflow.FactHandedOverAt: handed}},
		{ID: "a2", Event: "inspect", Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(24*100 + 20), Facts: workflow.Facts{workflow.FactInspection: "cracked tile"}},
		{ID: "a3", Event: "return", Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(24 * 101), Facts: workflow.Facts{workflow.FactClearanceStore: "Shenzhen-Nanshan"}},
		{ID: "a4", Event: "close", Actor: "store Shenzhen-Nanshan", Role: workflow.RoleStore, At: h(24 * 102)},
	} {
		r, err := claim.Fire(ctx, cmd)
		if err != nil {
			return err
		}
		fmt.Printf("%2d. %-8s %s\n", r.Seq, cmd.Event, r.From+" → "+r.To)
		for _, in := range r.Intents {
			fmt.Printf("       intent %s: %s %s: %s\n", in.Key, in.Kind, in.Role, in.Note)
		}
	}
	v, _ := claim.Fact(workflow.FactClearance)
	fmt.Println("   clearance:", v)

	fmt.Println()
	fmt.Println("== Mermaid (current state highlighted) ==")
	fmt.Print(def.Mermaid(project.State()))
	return nil
}
