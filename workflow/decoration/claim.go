package decoration

import (
	"context"
	"strings"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
)

// FactProjectNodes lists, comma-separated, the construction nodes a
// handed-over project accepted; OpenClaim records it on the claim.
const FactProjectNodes = "project_nodes"

// WarrantyOf reads the warranty an after-sales definition judges claims
// by (its product_warranty and construction_warranty guards), and true;
// or false when claims has no such guards.
func WarrantyOf(claims *workflow.Definition) (Warranty, bool) {
	var w Warranty
	found := 0
	for _, g := range claims.Spec().Guards {
		switch {
		case g.Kind == workflow.GuardWithin && g.Name == "product_warranty":
			w.Product = g.Within
			found++
		case g.Kind == workflow.GuardWithin && g.Name == "construction_warranty":
			w.Construction = g.Within
			found++
		}
	}
	return w, found == 2
}

// HandedOver reads the handover instant of a decoration project: it
// refuses (o2o.ErrInvalid) a project not handed over yet or without a
// valid handover instant.
func HandedOver(project *workflow.Instance) (time.Time, error) {
	if s := project.State(); s != StateHandedOver && s != StateReviewed {
		return time.Time{}, o2o.Invalidf("project", "is %q, not handed over", s)
	}
	return project.Facts().Time(FactHandedOverAt)
}

// OpenClaim opens an after-sales claim on claims from a handed-over
// decoration project: it fires cmd (whose Event must be "open") on a new
// claim, adding the project's handover instant (FactHandedOverAt) and the
// nodes it accepted (FactProjectNodes), so the warranty counts from the
// project's own handover and nobody copies it by hand. A cmd bringing
// either fact itself is refused, as is a project not handed over. The
// claim is judged by claims' warranty, the same that GuaranteesFor uses.
func OpenClaim(ctx context.Context, project *workflow.Instance, claims *workflow.Definition, cmd workflow.Command) (*workflow.Instance, workflow.Result, error) {
	if cmd.Event != EventOpen {
		return nil, workflow.Result{}, o2o.Invalidf("event", "is %q, want %q", cmd.Event, EventOpen)
	}
	for _, f := range []string{FactHandedOverAt, FactProjectNodes} {
		if _, ok := cmd.Facts[f]; ok {
			return nil, workflow.Result{}, o2o.Invalidf("facts."+f, "comes from the project; leave it out")
		}
	}
	if _, err := HandedOver(project); err != nil {
		return nil, workflow.Result{}, err
	}
	facts := cmd.Facts.Clone()
	if facts == nil {
		facts = workflow.Facts{}
	}
	facts[FactHandedOverAt], _ = project.Fact(FactHandedOverAt)
	var accepted []string
	for _, e := range project.History() {
		if e.Event == EventAcceptNode && strings.HasPrefix(e.From, "node_") && strings.HasSuffix(e.From, "_inspected") {
			accepted = append(accepted, strings.TrimSuffix(strings.TrimPrefix(e.From, "node_"), "_inspected"))
		}
	}
	if len(accepted) > 0 {
		facts[FactProjectNodes] = strings.Join(accepted, ",")
	}
	cmd.Facts = facts
	claim := workflow.New(claims)
	r, err := claim.Fire(ctx, cmd)
	if err != nil {
		return nil, workflow.Result{}, err
	}
	return claim, r, nil
}

// GuaranteesFor is Guarantees judging free maintenance by the warranty of
// claims, the after-sales definition that opens the project's claims.
func GuaranteesFor(project *workflow.Instance, claims *workflow.Definition, at time.Time) []GuaranteeCheck {
	w, ok := WarrantyOf(claims)
	if !ok {
		w = DefaultWarranty()
	}
	return Guarantees(project, at, w)
}
