package decoration_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// TestOpenClaimFromProject: a claim opened from the handed-over project
// takes its handover instant and accepted nodes from it, refuses them
// given by hand and a project not handed over, and is judged by the same
// warranty as GuaranteesFor.
func TestOpenClaimFromProject(t *testing.T) {
	def := flowtest.MustDecoration(t, decoration.WithVersion(2))
	in := flowtest.Run(t, def, flowtest.NodeJourney())
	for i := range decoration.DefaultNodes() {
		id := string(rune('a' + i))
		flowtest.Fire(t, in, flowtest.Cmd("i"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*21+i, workflow.Facts{decoration.FactNodeReport: "ok"}))
		flowtest.Fire(t, in, flowtest.Cmd("a"+id, decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, 24*21+i, nil))
	}
	claims := flowtest.MustAfterSales(t, decoration.WithWarranty(decoration.Warranty{Product: workflow.Days(30), Construction: workflow.Days(60)}))
	open := flowtest.Cmd("o1", decoration.EventOpen, "owner-1", workflow.RoleOwner, 24*40, workflow.Facts{decoration.FactClaimKind: decoration.ClaimProduct})
	if _, _, err := decoration.OpenClaim(context.Background(), in, claims, open); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("before handover: %v", err)
	}
	handed := flowtest.At(24 * 30)
	flowtest.Fire(t, in, flowtest.Cmd("h", decoration.EventHandOver, "spec-4", workflow.RoleSpecialist, 24*30, workflow.Facts{decoration.FactHandedOverAt: workflow.TimeFact(handed)}))
	byHand := open
	byHand.Facts = flowtest.With(open.Facts, decoration.FactHandedOverAt, workflow.TimeFact(flowtest.At(24*39)))
	if _, _, err := decoration.OpenClaim(context.Background(), in, claims, byHand); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("handover by hand: %v", err)
	}
	claim, r, err := decoration.OpenClaim(context.Background(), in, claims, open)
	if err != nil || r.To != decoration.ClaimOpened {
		t.Fatal(err)
	}
	if v, _ := claim.Fact(decoration.FactHandedOverAt); v != workflow.TimeFact(handed) {
		t.Errorf("handed_over_at %q", v)
	}
	if v, _ := claim.Fact(decoration.FactProjectNodes); v != "plumbing,carpentry,tiling,painting,completion" {
		t.Errorf("nodes %q", v)
	}
	// 31 days after handover: outside the 30-day product warranty, by the
	// claim and by the guarantees alike.
	late := flowtest.Cmd("o2", decoration.EventOpen, "owner-1", workflow.RoleOwner, 24*61, workflow.Facts{decoration.FactClaimKind: decoration.ClaimProduct})
	if _, _, err := decoration.OpenClaim(context.Background(), in, claims, late); !errors.Is(err, workflow.ErrGuard) {
		t.Fatalf("late claim: %v", err)
	}
	g := decoration.GuaranteesFor(in, claims, handed.Add(61*24*time.Hour))
	if last := g[len(g)-1]; last.Guarantee != decoration.GuaranteeMaintenance || last.Held {
		t.Errorf("maintenance after the 60-day construction warranty: %+v", last)
	}
	if w, ok := decoration.WarrantyOf(claims); !ok || w.Product != workflow.Days(30) {
		t.Errorf("warranty %v %v", w, ok)
	}
}
