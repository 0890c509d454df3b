package decoration_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// TestNodeJourney: a full project on version 2 through every node, one
// rejected and reworked, the payment held at booking and released node by
// node, the handover only after completion; every fen accounted for.
func TestNodeJourney(t *testing.T) {
	def := flowtest.MustDecoration(t, decoration.WithVersion(2))
	if def.Version() != 2 {
		t.Fatalf("version %d", def.Version())
	}
	in := workflow.New(def)
	var held, released o2o.Money = o2o.CNY.Zero(), o2o.CNY.Zero()
	for _, s := range flowtest.NodeJourney() {
		r := flowtest.Fire(t, in, s.Cmd)
		held, _ = held.Add(flowtest.Money(t, r.Intents, decoration.IntentHold))
		if in.State() != s.Want {
			t.Fatalf("%s: state %s, want %s", s.Cmd.Event, in.State(), s.Want)
		}
	}
	if held.String() != "80000.01 CNY" {
		t.Fatalf("held %s", held)
	}
	h := 24 * 21
	next := func() int { h++; return h }
	// Handover before completion is not available.
	var te *workflow.TransitionError
	if err := flowtest.FireRefused(t, in, flowtest.Cmd("early", decoration.EventHandOver, "spec-4", workflow.RoleSpecialist, next(), workflow.Facts{decoration.FactHandedOverAt: flowtest.At(h).Format(time.RFC3339)})); !errors.As(err, &te) {
		t.Fatalf("early handover: %v", err)
	}
	for i, n := range decoration.DefaultNodes() {
		id := strconv.Itoa(i)
		flowtest.Fire(t, in, flowtest.Cmd("i"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, next(), workflow.Facts{decoration.FactNodeReport: "ok " + n.Name}))
		if n.Name == decoration.NodeTiling {
			// The owner may not accept for the specialist, nor reject without a reason.
			flowtest.WantGuard(t, flowtest.FireRefused(t, in, flowtest.Cmd("r"+id, decoration.EventRejectNode, "owner-1", workflow.RoleOwner, next(), nil)), "rejection")
			r := flowtest.Fire(t, in, flowtest.Cmd("r"+id, decoration.EventRejectNode, "owner-1", workflow.RoleOwner, next(), workflow.Facts{decoration.FactRejection: "uneven tiles"}))
			if !flowtest.Money(t, r.Intents, decoration.IntentRelease).IsZero() || in.State() != decoration.NodeState(n.Name) {
				t.Fatalf("a rejected node released %s, state %s", flowtest.Money(t, r.Intents, decoration.IntentRelease), in.State())
			}
			if d, ok := in.NextDue(); !ok || d.State != decoration.NodeState(n.Name) || !d.Due.Equal(flowtest.At(h).Add(time.Duration(n.Within))) {
				t.Fatalf("rework deadline: %v %v", d, ok)
			}
			flowtest.Fire(t, in, flowtest.Cmd("i"+id+"b", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, next(), workflow.Facts{decoration.FactNodeReport: "reworked"}))
		}
		r := flowtest.Fire(t, in, flowtest.Cmd("a"+id, decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, next(), nil))
		if len(r.Intents) != 1 || r.Intents[0].Kind != decoration.IntentRelease || r.Intents[0].Key != "a"+id+"/0" || len(r.Intents[0].Amounts) != 3 {
			t.Fatalf("release of %s: %+v", n.Name, r.Intents)
		}
		released, _ = released.Add(flowtest.Money(t, r.Intents, decoration.IntentRelease))
	}
	if in.State() != decoration.StateCompleted || !released.Equal(held) {
		t.Fatalf("state %s, released %s of %s", in.State(), released, held)
	}
	st := decoration.Nodes(in, decoration.DefaultNodes())
	if st[2].Rework != 1 || st[2].Inspections != 2 || !st[4].Accepted || st[0].Rework != 0 {
		t.Fatalf("nodes: %+v", st)
	}
	flowtest.Fire(t, in, flowtest.Cmd("h", decoration.EventHandOver, "spec-4", workflow.RoleSpecialist, next(), workflow.Facts{decoration.FactHandedOverAt: flowtest.At(h).Format(time.RFC3339)}))
	if in.State() != decoration.StateHandedOver {
		t.Fatal(in.State())
	}
	// The whole project restores, through a registry holding both versions.
	v1 := flowtest.MustDecoration(t)
	reg, err := workflow.NewRegistry(v1, def)
	if err != nil {
		t.Fatal(err)
	}
	back, err := reg.Restore(flowtest.DeepSnapshot(in.Snapshot()))
	if err != nil || back.State() != decoration.StateHandedOver || back.Definition().Version() != 2 {
		t.Fatalf("restore: %v", err)
	}
}

// TestNodeStreamMustRun: with live video bought, a node cannot be
// inspected before the specialist started the stream.
func TestNodeStreamMustRun(t *testing.T) {
	def := flowtest.MustDecoration(t, decoration.WithVersion(2))
	steps := flowtest.NodeJourney()
	steps[9].Cmd.Facts = workflow.Facts{decoration.FactEcoCertified: "true"}
	steps = append(steps[:1], steps[2:]...)
	in := flowtest.Run(t, def, steps)
	flowtest.Fire(t, in, flowtest.Cmd("v", decoration.EventBuyLiveVideo, "owner-1", workflow.RoleOwner, 24*21, nil))
	flowtest.WantGuard(t, flowtest.FireRefused(t, in, flowtest.Cmd("i", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactNodeReport: "ok"})), "live_video")
	flowtest.Fire(t, in, flowtest.Cmd("s", decoration.EventStartStream, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactLiveStream: "live-1"}))
	flowtest.Fire(t, in, flowtest.Cmd("i", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactNodeReport: "ok"}))
}

// TestNodeCancelRefunds: cancelling mid-construction refunds to the owner
// exactly what is still held; before booking nothing was held and nothing
// is refunded.
func TestNodeCancelRefunds(t *testing.T) {
	def := flowtest.MustDecoration(t, decoration.WithVersion(2))
	in := flowtest.Run(t, def, flowtest.NodeJourney())
	flowtest.Fire(t, in, flowtest.Cmd("i0", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactNodeReport: "ok"}))
	r := flowtest.Fire(t, in, flowtest.Cmd("a0", decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, 24*22, nil))
	released := flowtest.Money(t, r.Intents, decoration.IntentRelease)
	r = flowtest.Fire(t, in, flowtest.Cmd("x", decoration.EventCancel, "owner-1", workflow.RoleOwner, 24*23, workflow.Facts{decoration.FactCancelReason: "moved"}))
	refund := flowtest.Money(t, r.Intents, decoration.IntentRefund)
	if sum, _ := released.Add(refund); sum.String() != "80000.01 CNY" || refund.String() != "64000.01 CNY" {
		t.Fatalf("released %s, refunded %s", released, refund)
	}
	if len(r.Intents) != 1 || r.Intents[0].Amounts[0].Key != decoration.PartyOwner {
		t.Fatalf("refund: %+v", r.Intents)
	}
	early := flowtest.Run(t, def, flowtest.NodeJourney()[:3])
	if r := flowtest.Fire(t, early, flowtest.Cmd("x", decoration.EventCancel, "owner-1", workflow.RoleOwner, 40, workflow.Facts{decoration.FactCancelReason: "moved"})); len(r.Intents) != 0 {
		t.Fatalf("cancel before booking: %+v", r.Intents)
	}
}

// TestPaymentIsMoney: the payment at booking is an amount in the
// project's currency.
func TestPaymentIsMoney(t *testing.T) {
	def := flowtest.MustDecoration(t, decoration.WithVersion(2))
	steps := flowtest.NodeJourney()
	for _, bad := range []string{"", "lots", "-1.00 CNY", "10.00 USD", "0.00 CNY"} {
		in := flowtest.Run(t, def, steps[:8])
		c := steps[8].Cmd
		c.Facts = flowtest.With(c.Facts, decoration.FactPayment, bad)
		flowtest.WantGuard(t, flowtest.FireRefused(t, in, c), "payment")
	}
}

// TestStagedPaymentConservation: along random projects on version 2 (any
// payment, any node weights and shares, inspections, rejections, accepts
// and a cancellation at any point), at every step what was held equals
// what was released plus what was refunded plus what is still held, to the
// fen; and once the project completes or is cancelled nothing is held.
func TestStagedPaymentConservation(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2))
	for round := range 200 {
		nodes := decoration.DefaultNodes()[:1+rng.IntN(5)]
		for i := range nodes {
			nodes[i].Weight = o2o.MustParseMoney(strconv.Itoa(rng.IntN(50)+1) + ".00").Amount()
			for k := range nodes[i].Release {
				nodes[i].Release[k].Weight = o2o.MustParseMoney(strconv.Itoa(rng.IntN(9)) + ".5").Amount()
			}
		}
		def := flowtest.MustDecoration(t, decoration.WithVersion(2), decoration.WithNodes(nodes...))
		steps := flowtest.NodeJourney()
		pay := strconv.Itoa(rng.IntN(1_000_000)) + "." + strconv.Itoa(10+rng.IntN(90)) + " CNY"
		steps[8].Cmd.Facts[decoration.FactPayment] = pay
		steps[9].Want = decoration.NodeState(nodes[0].Name)
		in := workflow.New(def)
		held, out := o2o.CNY.Zero(), o2o.CNY.Zero()
		account := func(r workflow.Result) {
			held, _ = held.Add(flowtest.Money(t, r.Intents, decoration.IntentHold))
			out, _ = out.Add(flowtest.Money(t, r.Intents, decoration.IntentRelease))
			out, _ = out.Add(flowtest.Money(t, r.Intents, decoration.IntentRefund))
			if c, _ := out.Cmp(held); c > 0 {
				t.Fatalf("round %d: %s paid out of %s held", round, out, held)
			}
		}
		for _, s := range steps {
			account(flowtest.Fire(t, in, s.Cmd))
		}
		cancelled := flowtest.WalkNodes(t, rng, in, 40, 6, account)
		if held.String() != o2o.MustParseMoney(pay).String() {
			t.Fatalf("round %d: held %s of %s", round, held, pay)
		}
		if in.State() == decoration.StateCompleted || cancelled {
			if !out.Equal(held) {
				t.Fatalf("round %d (%s): %s paid out of %s held", round, in.State(), out, held)
			}
		}
	}
}

// TestNodesOption: WithNodes refuses no nodes and names given twice, and
// shapes the flow.
func TestNodesOption(t *testing.T) {
	if _, err := decoration.Process(decoration.WithNodes()); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("no nodes: %v", err)
	}
	n := decoration.DefaultNodes()
	if _, err := decoration.Process(decoration.WithNodes(n[0], n[0])); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("twice: %v", err)
	}
	d, err := decoration.Process(decoration.WithNodes(n[4]))
	if err != nil || !slices.Contains(d.States(), decoration.NodeState(decoration.NodeCompletion)) || slices.Contains(d.States(), decoration.NodeState(decoration.NodePlumbing)) {
		t.Fatalf("%v %v", d.States(), err)
	}
}

// TestV1StillRuns: version 1 builds and runs as before; a project on it
// restores through a registry holding both versions, and moves to version
// 2 with Migrate, mapping under_construction to the first node.
func TestV1StillRuns(t *testing.T) {
	v1, v2 := flowtest.MustDecoration(t, decoration.WithVersion(1)), flowtest.MustDecoration(t, decoration.WithVersion(2))
	if v1.Version() != 1 || slices.Contains(v1.States(), decoration.StateCompleted) {
		t.Fatalf("v1: %d %v", v1.Version(), v1.States())
	}
	reg, err := workflow.NewRegistry(v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	in := flowtest.Run(t, v1, flowtest.DecorationJourney()[:10])
	back, err := reg.Restore(flowtest.DeepSnapshot(in.Snapshot()))
	if err != nil || back.Definition() != v1 || back.State() != decoration.StateUnderConstruction {
		t.Fatalf("restore v1: %v", err)
	}
	if err := back.Migrate(v2, map[string]string{decoration.StateUnderConstruction: decoration.NodeState(decoration.NodePlumbing)}, flowtest.At(24*22)); err != nil {
		t.Fatal(err)
	}
	// The payment was never recorded on v1: a release on v2 is refused
	// naming the fact, leaving the project as it was.
	flowtest.Fire(t, back, flowtest.Cmd("i", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactNodeReport: "ok"}))
	err = flowtest.FireRefused(t, back, flowtest.Cmd("a", decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, 24*23, nil))
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Fatal(err)
	}
	r, err := workflow.Restore(v2, flowtest.DeepSnapshot(back.Snapshot()))
	if err != nil || r.State() != decoration.NodeInspectedState(decoration.NodePlumbing) {
		t.Fatalf("restore after migrate: %v", err)
	}
}

// TestV1SnapshotBeforeNodes: a snapshot of a whole project stored by the
// package before version 2 and fact ownership existed restores through a
// registry holding both versions, on version 1, unchanged.
func TestV1SnapshotBeforeNodes(t *testing.T) {
	data, err := os.ReadFile("testdata/v1-journey.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	var s workflow.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	reg, err := workflow.NewRegistry(flowtest.MustDecoration(t, decoration.WithVersion(1)), flowtest.MustDecoration(t, decoration.WithVersion(2)))
	if err != nil {
		t.Fatal(err)
	}
	in, err := reg.Restore(s)
	if err != nil || in.State() != decoration.StateReviewed || in.Definition().Version() != 1 {
		t.Fatalf("restore: %v", err)
	}
	if diff := cmp.Diff(s, in.Snapshot()); diff != "" {
		t.Errorf("restored (-stored +got):\n%s", diff)
	}
}
