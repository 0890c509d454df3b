package workflow

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// TestOpenClaimFromProject: a claim opened from the handed-over project
// takes its handover instant and accepted nodes from it, refuses them
// given by hand and a project not handed over, and is judged by the same
// warranty as GuaranteesFor.
func TestOpenClaimFromProject(t *testing.T) {
	def := mustDecoration(t, WithVersion(2))
	in := run(t, def, nodeJourney())
	for i := range DefaultNodes() {
		id := string(rune('a' + i))
		fire(t, in, cmd("i"+id, EventInspectNode, "spec-4", RoleSpecialist, 24*21+i, Facts{FactNodeReport: "ok"}))
		fire(t, in, cmd("a"+id, EventAcceptNode, "owner-1", RoleOwner, 24*21+i, nil))
	}
	claims := mustAfterSales(t, WithWarranty(Warranty{Product: Days(30), Construction: Days(60)}))
	open := cmd("o1", EventOpen, "owner-1", RoleOwner, 24*40, Facts{FactClaimKind: ClaimProduct})
	if _, _, err := OpenClaim(context.Background(), in, claims, open); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("before handover: %v", err)
	}
	handed := at(24 * 30)
	fire(t, in, cmd("h", EventHandOver, "spec-4", RoleSpecialist, 24*30, Facts{FactHandedOverAt: TimeFact(handed)}))
	byHand := open
	byHand.Facts = with(open.Facts, FactHandedOverAt, TimeFact(at(24*39)))
	if _, _, err := OpenClaim(context.Background(), in, claims, byHand); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("handover by hand: %v", err)
	}
	claim, r, err := OpenClaim(context.Background(), in, claims, open)
	if err != nil || r.To != ClaimOpened {
		t.Fatal(err)
	}
	if v, _ := claim.Fact(FactHandedOverAt); v != TimeFact(handed) {
		t.Errorf("handed_over_at %q", v)
	}
	if v, _ := claim.Fact(FactProjectNodes); v != "plumbing,carpentry,tiling,painting,completion" {
		t.Errorf("nodes %q", v)
	}
	// 31 days after handover: outside the 30-day product warranty, by the
	// claim and by the guarantees alike.
	late := cmd("o2", EventOpen, "owner-1", RoleOwner, 24*61, Facts{FactClaimKind: ClaimProduct})
	if _, _, err := OpenClaim(context.Background(), in, claims, late); !errors.Is(err, ErrGuard) {
		t.Fatalf("late claim: %v", err)
	}
	g := GuaranteesFor(in, claims, handed.Add(61*24*time.Hour))
	if last := g[len(g)-1]; last.Guarantee != GuaranteeMaintenance || last.Held {
		t.Errorf("maintenance after the 60-day construction warranty: %+v", last)
	}
	if w, ok := WarrantyOf(claims); !ok || w.Product != Days(30) {
		t.Errorf("warranty %v %v", w, ok)
	}
}
