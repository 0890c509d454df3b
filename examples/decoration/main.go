// Command decoration walks one decoration project through every step of
// the re-engineered decoration process, printing each transition with its actor
// and instant: the owner's payment held by the platform at booking, each
// construction node inspected and accepted (one rejected and reworked)
// with its share released to the crew, the store and the manufacturer,
// and the postings that carry the money out. It shows a forbidden action,
// a failed guard, an overdue step, refused promises, an after-sales
// return opened from the project and the Mermaid diagram.
//
//	go run ./examples/decoration
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	o2okit "github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	def, err := decoration.Process()
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
		{ID: "c1", Event: "apply", Actor: "owner Li", Role: workflow.RoleOwner, At: h(0), Facts: workflow.Facts{decoration.FactVenue: "online"}},
		{ID: "c2", Event: "buy_live_video", Actor: "owner Li", Role: workflow.RoleOwner, At: h(1)},
		{ID: "c3", Event: "measure", Actor: "store Shenzhen-Nanshan", Role: workflow.RoleStore, At: h(52), Facts: workflow.Facts{decoration.FactFloorPlan: "plan-001"}},
		{ID: "c4", Event: "upload_plan", Actor: "owner Li", Role: workflow.RoleOwner, At: h(60), Facts: workflow.Facts{decoration.FactDesignMode: "designer"}},
		{ID: "c5", Event: "submit_design", Actor: "designer Wang", Role: workflow.RoleDesigner, At: h(100), Facts: workflow.Facts{decoration.FactDesign: "design-9"}},
		{ID: "c6", Event: "confirm_design", Actor: "owner Li", Role: workflow.RoleOwner, At: h(120), Facts: workflow.Facts{
			decoration.FactProducts: "tiles+cabinets", decoration.FactPlatformOrder: "PO-88", decoration.FactProvincePrice: "true"}},
		{ID: "c7", Event: "choose_crew", Actor: "owner Li", Role: workflow.RoleOwner, At: h(150), Facts: workflow.Facts{decoration.FactCrew: "crew-5"}},
		{ID: "c8", Event: "agree_drawings", Actor: "store Shenzhen-Nanshan", Role: workflow.RoleStore, At: h(200), Facts: workflow.Facts{decoration.FactDrawings: "dwg-2"}},
		{ID: "c9", Event: decoration.EventBook, Actor: "owner Li", Role: workflow.RoleOwner, At: h(210), Facts: workflow.Facts{decoration.FactBookedFor: booked,
			decoration.FactPayment: workflow.MoneyFact(o2o.MustParseMoney("80000.00 CNY"))}},
		{ID: "c10", Event: decoration.EventStartStream, Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(24*20 + 4), Facts: workflow.Facts{
			decoration.FactLiveStream: "live-77"}},
		{ID: "c11", Event: decoration.EventStartConstruction, Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(24*20 + 5), Facts: workflow.Facts{
			decoration.FactEcoCertified: workflow.BoolFact(true)}},
	}
	day := 24 * 21
	for _, n := range decoration.DefaultNodes() {
		day += 24 * 5
		steps = append(steps, c{ID: "i-" + n.Name, Event: decoration.EventInspectNode, Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(day),
			Facts: workflow.Facts{decoration.FactNodeReport: n.Name + " inspected"}})
		if n.Name == decoration.NodeTiling {
			steps = append(steps,
				c{ID: "r-" + n.Name, Event: decoration.EventRejectNode, Actor: "owner Li", Role: workflow.RoleOwner, At: h(day + 3),
					Facts: workflow.Facts{decoration.FactRejection: "uneven tiles in the kitchen"}},
				c{ID: "i-" + n.Name + "-2", Event: decoration.EventInspectNode, Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(day + 48),
					Facts: workflow.Facts{decoration.FactNodeReport: n.Name + " reworked"}})
			day += 48
		}
		steps = append(steps, c{ID: "a-" + n.Name, Event: decoration.EventAcceptNode, Actor: "owner Li", Role: workflow.RoleOwner, At: h(day + 6)})
	}
	handedAt := h(day + 24)
	steps = append(steps,
		c{ID: "c12", Event: decoration.EventHandOver, Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: handedAt, Facts: workflow.Facts{
			decoration.FactHandedOverAt: workflow.TimeFact(handedAt)}},
		c{ID: "c13", Event: decoration.EventReview, Actor: "owner Li", Role: workflow.RoleOwner, At: h(day + 48), Facts: workflow.Facts{decoration.FactRating: "5", decoration.FactReview: "tidy work"}},
	)
	accounts := o2okit.ProjectAccounts{Project: "project-li", Holding: "platform-holding",
		Parties: map[string]string{decoration.PartyOwner: "owner-li", decoration.PartyCrew: "crew-5", decoration.PartyStore: "store-nanshan", decoration.PartyManufacturer: "hq"}}
	ledger, err := settlement.NewLedger(settlement.Config{})
	if err != nil {
		return err
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
		if cmd.Event == decoration.EventBook {
			// A booking date before the booking itself is refused.
			bad := cmd
			bad.Facts = workflow.Facts{decoration.FactBookedFor: workflow.TimeFact(h(200)), decoration.FactPayment: cmd.Facts[decoration.FactPayment]}
			if _, err := project.Fire(ctx, bad); err != nil {
				fmt.Println("   refused:", err)
			}
		}
		if cmd.Event == decoration.EventStartConstruction {
			// The owner cannot write the eco certificate (here along with
			// the live video add-on): only the specialist, at acceptance.
			bad := cmd
			bad.Role, bad.Actor = workflow.RoleOwner, "owner Li"
			bad.Event = decoration.EventBuyLiveVideo
			if _, err := project.Fire(ctx, bad); err != nil {
				fmt.Println("   refused:", err)
			}
		}
		r, err := project.Fire(ctx, cmd)
		if err != nil {
			return err
		}
		fmt.Printf("%2d. %s  %-18s %-52s by %s (%s)\n", r.Seq, cmd.At.Format("2006-01-02 15:04"), cmd.Event, r.From+" → "+r.To, cmd.Actor, cmd.Role)
		for _, in := range r.Intents {
			fmt.Printf("       intent %s: %s %s: %s\n", in.Key, in.Kind, in.Role, in.Note)
			for _, p := range in.Amounts {
				fmt.Printf("         %-14s %14s\n", p.Key, p.Amount)
			}
		}
		postings, err := o2okit.ProjectPostings(r.Intents, cmd.At, project.Facts(), accounts)
		if err != nil {
			return err
		}
		if len(postings) > 0 {
			if _, err := ledger.Apply(settlement.Batch{ID: cmd.ID, Postings: postings}); err != nil {
				return err
			}
			fmt.Printf("       held by the platform now: %s\n", ledger.Balance("platform-holding"))
		}
	}
	fmt.Println()
	fmt.Println("== The money, node by node ==")
	for _, st := range decoration.Nodes(project, decoration.DefaultNodes()) {
		fmt.Printf("   node %-11s inspections=%d rework=%d accepted=%v\n", st.Node, st.Inspections, st.Rework, st.Accepted)
	}
	for _, b := range ledger.Balances() {
		fmt.Printf("   %-18s %14s\n", b.Account, b.Balance)
	}
	fmt.Println()
	fmt.Println("== The five guarantees (几大保障) ==")
	as, err := decoration.AfterSales()
	if err != nil {
		return err
	}
	for _, g := range decoration.GuaranteesFor(project, as, h(day+24*10)) {
		fmt.Printf("   %-16s held=%-5v %s\n", g.Guarantee, g.Held, g.Reason)
	}
	for _, d := range project.Deadlines() {
		fmt.Printf("   deadline %-26s due %s met %s late=%v\n", d.State, d.Due.Format("01-02 15:04"), d.Met.Format("01-02 15:04"), d.Late(h(day+24*10)))
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
	claim, r, err := decoration.OpenClaim(ctx, project, as, c{ID: "a1", Event: decoration.EventOpen, Actor: "owner Li", Role: workflow.RoleOwner, At: h(day + 24*30),
		Facts: workflow.Facts{decoration.FactClaimKind: decoration.ClaimProduct}})
	if err != nil {
		return err
	}
	fmt.Printf("%2d. %-8s %s (handed over %s, from the project)\n", r.Seq, "open", r.From+" → "+r.To, claim.Facts()[decoration.FactHandedOverAt])
	for _, cmd := range []c{
		{ID: "a2", Event: "inspect", Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(day + 24*30 + 20), Facts: workflow.Facts{decoration.FactInspection: "cracked tile"}},
		{ID: "a3", Event: "return", Actor: "specialist Zhao", Role: workflow.RoleSpecialist, At: h(day + 24*31), Facts: workflow.Facts{decoration.FactClearanceStore: "Shenzhen-Nanshan"}},
		{ID: "a4", Event: "close", Actor: "store Shenzhen-Nanshan", Role: workflow.RoleStore, At: h(day + 24*32)},
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
	v, _ := claim.Fact(decoration.FactClearance)
	fmt.Println("   clearance:", v)

	fmt.Println()
	fmt.Println("== Mermaid (current state highlighted) ==")
	fmt.Print(def.Mermaid(project.State()))
	return nil
}
