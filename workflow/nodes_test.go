package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// nodeJourney is a project on version 2 up to the start of construction:
// the owner pays 80,000.00 CNY at booking and buys live video.
func nodeJourney() []step {
	steps := decorationJourney()[:10]
	steps[8].cmd.Facts = with(steps[8].cmd.Facts, decoration.FactPayment, "80000.01 CNY")
	steps[9].want = decoration.NodeState(decoration.NodePlumbing)
	return steps
}

// fire fires c and fails the test on error.
func fire(t testing.TB, in *workflow.Instance, c workflow.Command) workflow.Result {
	t.Helper()
	r, err := in.Fire(context.Background(), c)
	if err != nil {
		t.Fatalf("%s: %v", c.Event, err)
	}
	return r
}

// money sums the amounts of the intents of kind.
func money(t testing.TB, intents []workflow.Intent, kind string) o2o.Money {
	t.Helper()
	sum := o2o.CNY.Zero()
	for _, in := range intents {
		if in.Kind != kind {
			continue
		}
		for _, p := range in.Amounts {
			var err error
			if sum, err = sum.Add(p.Amount); err != nil {
				t.Fatal(err)
			}
		}
	}
	return sum
}

// TestNodeJourney: a full project on version 2 through every node, one
// rejected and reworked, the payment held at booking and released node by
// node, the handover only after completion; every fen accounted for.
func TestNodeJourney(t *testing.T) {
	def := mustDecoration(t, decoration.WithVersion(2))
	if def.Version() != 2 {
		t.Fatalf("version %d", def.Version())
	}
	in := workflow.New(def)
	var held, released o2o.Money = o2o.CNY.Zero(), o2o.CNY.Zero()
	for _, s := range nodeJourney() {
		r := fire(t, in, s.cmd)
		held, _ = held.Add(money(t, r.Intents, decoration.IntentHold))
		if in.State() != s.want {
			t.Fatalf("%s: state %s, want %s", s.cmd.Event, in.State(), s.want)
		}
	}
	if held.String() != "80000.01 CNY" {
		t.Fatalf("held %s", held)
	}
	h := 24 * 21
	next := func() int { h++; return h }
	// Handover before completion is not available.
	var te *workflow.TransitionError
	if err := fireRefused(t, in, cmd("early", decoration.EventHandOver, "spec-4", workflow.RoleSpecialist, next(), workflow.Facts{decoration.FactHandedOverAt: at(h).Format(time.RFC3339)})); !errors.As(err, &te) {
		t.Fatalf("early handover: %v", err)
	}
	for i, n := range decoration.DefaultNodes() {
		id := strconv.Itoa(i)
		fire(t, in, cmd("i"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, next(), workflow.Facts{decoration.FactNodeReport: "ok " + n.Name}))
		if n.Name == decoration.NodeTiling {
			// The owner may not accept for the specialist, nor reject without a reason.
			wantGuard(t, fireRefused(t, in, cmd("r"+id, decoration.EventRejectNode, "owner-1", workflow.RoleOwner, next(), nil)), "rejection")
			r := fire(t, in, cmd("r"+id, decoration.EventRejectNode, "owner-1", workflow.RoleOwner, next(), workflow.Facts{decoration.FactRejection: "uneven tiles"}))
			if !money(t, r.Intents, decoration.IntentRelease).IsZero() || in.State() != decoration.NodeState(n.Name) {
				t.Fatalf("a rejected node released %s, state %s", money(t, r.Intents, decoration.IntentRelease), in.State())
			}
			if d, ok := in.NextDue(); !ok || d.State != decoration.NodeState(n.Name) || !d.Due.Equal(at(h).Add(time.Duration(n.Within))) {
				t.Fatalf("rework deadline: %v %v", d, ok)
			}
			fire(t, in, cmd("i"+id+"b", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, next(), workflow.Facts{decoration.FactNodeReport: "reworked"}))
		}
		r := fire(t, in, cmd("a"+id, decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, next(), nil))
		if len(r.Intents) != 1 || r.Intents[0].Kind != decoration.IntentRelease || r.Intents[0].Key != "a"+id+"/0" || len(r.Intents[0].Amounts) != 3 {
			t.Fatalf("release of %s: %+v", n.Name, r.Intents)
		}
		released, _ = released.Add(money(t, r.Intents, decoration.IntentRelease))
	}
	if in.State() != decoration.StateCompleted || !released.Equal(held) {
		t.Fatalf("state %s, released %s of %s", in.State(), released, held)
	}
	st := decoration.Nodes(in, decoration.DefaultNodes())
	if st[2].Rework != 1 || st[2].Inspections != 2 || !st[4].Accepted || st[0].Rework != 0 {
		t.Fatalf("nodes: %+v", st)
	}
	fire(t, in, cmd("h", decoration.EventHandOver, "spec-4", workflow.RoleSpecialist, next(), workflow.Facts{decoration.FactHandedOverAt: at(h).Format(time.RFC3339)}))
	if in.State() != decoration.StateHandedOver {
		t.Fatal(in.State())
	}
	// The whole project restores, through a registry holding both versions.
	v1 := mustDecoration(t)
	reg, err := workflow.NewRegistry(v1, def)
	if err != nil {
		t.Fatal(err)
	}
	back, err := reg.Restore(deepSnapshot(in.Snapshot()))
	if err != nil || back.State() != decoration.StateHandedOver || back.Definition().Version() != 2 {
		t.Fatalf("restore: %v", err)
	}
}

// TestNodeStreamMustRun: with live video bought, a node cannot be
// inspected before the specialist started the stream.
func TestNodeStreamMustRun(t *testing.T) {
	def := mustDecoration(t, decoration.WithVersion(2))
	steps := nodeJourney()
	steps[9].cmd.Facts = workflow.Facts{decoration.FactEcoCertified: "true"}
	steps = append(steps[:1], steps[2:]...)
	in := run(t, def, steps)
	fire(t, in, cmd("v", decoration.EventBuyLiveVideo, "owner-1", workflow.RoleOwner, 24*21, nil))
	wantGuard(t, fireRefused(t, in, cmd("i", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactNodeReport: "ok"})), "live_video")
	fire(t, in, cmd("s", decoration.EventStartStream, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactLiveStream: "live-1"}))
	fire(t, in, cmd("i", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactNodeReport: "ok"}))
}

// TestNodeCancelRefunds: cancelling mid-construction refunds to the owner
// exactly what is still held; before booking nothing was held and nothing
// is refunded.
func TestNodeCancelRefunds(t *testing.T) {
	def := mustDecoration(t, decoration.WithVersion(2))
	in := run(t, def, nodeJourney())
	fire(t, in, cmd("i0", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactNodeReport: "ok"}))
	r := fire(t, in, cmd("a0", decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, 24*22, nil))
	released := money(t, r.Intents, decoration.IntentRelease)
	r = fire(t, in, cmd("x", decoration.EventCancel, "owner-1", workflow.RoleOwner, 24*23, workflow.Facts{decoration.FactCancelReason: "moved"}))
	refund := money(t, r.Intents, decoration.IntentRefund)
	if sum, _ := released.Add(refund); sum.String() != "80000.01 CNY" || refund.String() != "64000.01 CNY" {
		t.Fatalf("released %s, refunded %s", released, refund)
	}
	if len(r.Intents) != 1 || r.Intents[0].Amounts[0].Key != decoration.PartyOwner {
		t.Fatalf("refund: %+v", r.Intents)
	}
	early := run(t, def, nodeJourney()[:3])
	if r := fire(t, early, cmd("x", decoration.EventCancel, "owner-1", workflow.RoleOwner, 40, workflow.Facts{decoration.FactCancelReason: "moved"})); len(r.Intents) != 0 {
		t.Fatalf("cancel before booking: %+v", r.Intents)
	}
}

// TestPaymentIsMoney: the payment at booking is an amount in the
// project's currency.
func TestPaymentIsMoney(t *testing.T) {
	def := mustDecoration(t, decoration.WithVersion(2))
	steps := nodeJourney()
	for _, bad := range []string{"", "lots", "-1.00 CNY", "10.00 USD", "0.00 CNY"} {
		in := run(t, def, steps[:8])
		c := steps[8].cmd
		c.Facts = with(c.Facts, decoration.FactPayment, bad)
		wantGuard(t, fireRefused(t, in, c), "payment")
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
		def := mustDecoration(t, decoration.WithVersion(2), decoration.WithNodes(nodes...))
		steps := nodeJourney()
		pay := strconv.Itoa(rng.IntN(1_000_000)) + "." + strconv.Itoa(10+rng.IntN(90)) + " CNY"
		steps[8].cmd.Facts[decoration.FactPayment] = pay
		steps[9].want = decoration.NodeState(nodes[0].Name)
		in := workflow.New(def)
		held, out := o2o.CNY.Zero(), o2o.CNY.Zero()
		account := func(r workflow.Result) {
			held, _ = held.Add(money(t, r.Intents, decoration.IntentHold))
			out, _ = out.Add(money(t, r.Intents, decoration.IntentRelease))
			out, _ = out.Add(money(t, r.Intents, decoration.IntentRefund))
			if c, _ := out.Cmp(held); c > 0 {
				t.Fatalf("round %d: %s paid out of %s held", round, out, held)
			}
		}
		for _, s := range steps {
			account(fire(t, in, s.cmd))
		}
		cancelled := walkNodes(t, rng, in, 40, 6, account)
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

// walkNodes fires up to n random commands through the construction nodes
// of in (payments of instalments due, inspections, rejections, accepts,
// and a cancellation, taken one time in odds), giving each result to
// account, until the project completes or is cancelled. It reports
// whether it cancelled.
func walkNodes(t *testing.T, rng *rand.Rand, in *workflow.Instance, n, odds int, account func(workflow.Result)) bool {
	for i := 0; i < n && in.State() != decoration.StateCompleted; i++ {
		id := "n" + strconv.Itoa(i)
		h := 24*21 + i
		var c workflow.Command
		switch ev := pick(rng, in.Available(), ""); ev {
		case decoration.EventPayInstalment:
			c = cmd(id, ev, "owner-1", workflow.RoleOwner, h, nil)
		case decoration.EventInspectNode:
			c = cmd(id, ev, "spec-4", workflow.RoleSpecialist, h, workflow.Facts{decoration.FactNodeReport: "ok"})
		case decoration.EventRejectNode:
			c = cmd(id, ev, "owner-1", workflow.RoleOwner, h, workflow.Facts{decoration.FactRejection: "no"})
		case decoration.EventAcceptNode:
			c = cmd(id, ev, "owner-1", workflow.RoleOwner, h, nil)
		case decoration.EventCancel:
			if rng.IntN(odds) > 0 {
				continue
			}
			account(fire(t, in, cmd(id, ev, "owner-1", workflow.RoleOwner, h, workflow.Facts{decoration.FactCancelReason: "moved"})))
			return true
		default:
			continue
		}
		account(fire(t, in, c))
	}
	return false
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
	v1, v2 := mustDecoration(t, decoration.WithVersion(1)), mustDecoration(t, decoration.WithVersion(2))
	if v1.Version() != 1 || slices.Contains(v1.States(), decoration.StateCompleted) {
		t.Fatalf("v1: %d %v", v1.Version(), v1.States())
	}
	reg, err := workflow.NewRegistry(v1, v2)
	if err != nil {
		t.Fatal(err)
	}
	in := run(t, v1, decorationJourney()[:10])
	back, err := reg.Restore(deepSnapshot(in.Snapshot()))
	if err != nil || back.Definition() != v1 || back.State() != decoration.StateUnderConstruction {
		t.Fatalf("restore v1: %v", err)
	}
	if err := back.Migrate(v2, map[string]string{decoration.StateUnderConstruction: decoration.NodeState(decoration.NodePlumbing)}, at(24*22)); err != nil {
		t.Fatal(err)
	}
	// The payment was never recorded on v1: a release on v2 is refused
	// naming the fact, leaving the project as it was.
	fire(t, back, cmd("i", decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, 24*22, workflow.Facts{decoration.FactNodeReport: "ok"}))
	err = fireRefused(t, back, cmd("a", decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, 24*23, nil))
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Fatal(err)
	}
	r, err := workflow.Restore(v2, deepSnapshot(back.Snapshot()))
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
	reg, err := workflow.NewRegistry(mustDecoration(t, decoration.WithVersion(1)), mustDecoration(t, decoration.WithVersion(2)))
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
