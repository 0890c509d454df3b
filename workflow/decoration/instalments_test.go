package decoration_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// threeInstalments is a schedule of three instalments: 40 at booking
// (plumbing and carpentry), 45 when tiling starts (tiling and painting), 15
// when completion starts.
func threeInstalments() []decoration.Instalment {
	return []decoration.Instalment{
		{Name: "final", Node: decoration.NodeCompletion, Weight: decimal.NewFromInt(15)},
		{Name: "deposit", Weight: decimal.NewFromInt(40)},
		{Name: "midway", Node: decoration.NodeTiling, Weight: decimal.NewFromInt(45)},
	}
}

// TestInstalmentsJourney: a project paying in three instalments: the
// deposit is held at booking, tiling and completion wait for their
// instalments (a node cannot be inspected, nor so accepted, before), each
// release is within what is held, and at handover everything paid was
// released.
func TestInstalmentsJourney(t *testing.T) {
	def := flowtest.MustDecoration(t, decoration.WithVersion(2), decoration.WithInstalments(threeInstalments()...))
	in := workflow.New(def)
	held := o2o.CNY.Zero()
	for _, s := range flowtest.NodeJourney() {
		r := flowtest.Fire(t, in, s.Cmd)
		held, _ = held.Add(flowtest.Money(t, r.Intents, decoration.IntentHold))
	}
	if held.String() != "32000.00 CNY" {
		t.Fatalf("deposit held %s", held)
	}
	released := o2o.CNY.Zero()
	h := 24 * 21
	for i := 0; in.State() != decoration.StateCompleted; i++ {
		h++
		id := strconv.Itoa(i)
		var r workflow.Result
		switch in.State() {
		case decoration.NodeDueState(decoration.NodeTiling), decoration.NodeDueState(decoration.NodeCompletion):
			var te *workflow.TransitionError
			if err := flowtest.FireRefused(t, in, flowtest.Cmd("early"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, h, workflow.Facts{decoration.FactNodeReport: "ok"})); !errors.As(err, &te) {
				t.Fatalf("inspected before the instalment: %v", err)
			}
			r = flowtest.Fire(t, in, flowtest.Cmd("p"+id, decoration.EventPayInstalment, "owner-1", workflow.RoleOwner, h, nil))
		case decoration.NodeState(decoration.NodePlumbing), decoration.NodeState(decoration.NodeCarpentry), decoration.NodeState(decoration.NodeTiling), decoration.NodeState(decoration.NodePainting), decoration.NodeState(decoration.NodeCompletion):
			r = flowtest.Fire(t, in, flowtest.Cmd("i"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, h, workflow.Facts{decoration.FactNodeReport: "ok"}))
		default:
			r = flowtest.Fire(t, in, flowtest.Cmd("a"+id, decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, h, nil))
		}
		held, _ = held.Add(flowtest.Money(t, r.Intents, decoration.IntentHold))
		released, _ = released.Add(flowtest.Money(t, r.Intents, decoration.IntentRelease))
		if c, _ := released.Cmp(held); c > 0 {
			t.Fatalf("%s: released %s of %s held", in.State(), released, held)
		}
	}
	if held.String() != "80000.01 CNY" || !released.Equal(held) {
		t.Fatalf("held %s, released %s", held, released)
	}
}

// TestInstalmentsRefused: a schedule that is empty, names a node twice or
// not at all, has a share not positive, a name given twice, or releases a
// node before enough is paid is refused.
func TestInstalmentsRefused(t *testing.T) {
	one := decimal.NewFromInt(1)
	for name, insts := range map[string][]decoration.Instalment{
		"empty":         {},
		"no name":       {{Weight: one}},
		"name twice":    {{Name: "a", Weight: one}, {Name: "a", Node: decoration.NodeTiling, Weight: one}},
		"zero":          {{Name: "a", Weight: decimal.Zero}},
		"unknown node":  {{Name: "a", Weight: one}, {Name: "b", Node: "roof", Weight: one}},
		"due together":  {{Name: "a", Weight: one}, {Name: "b", Weight: one}},
		"uncovered":     {{Name: "a", Weight: decimal.NewFromInt(10)}, {Name: "b", Node: decoration.NodeTiling, Weight: decimal.NewFromInt(90)}},
		"none at first": {{Name: "a", Node: decoration.NodeCarpentry, Weight: one}},
	} {
		if _, err := decoration.Process(decoration.WithInstalments(insts...)); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// coveringSchedule draws a schedule over nodes that covers every release:
// instalments at random nodes (the first at booking or the first node),
// each paying for the nodes up to the next, the first paying a random
// extra; shuffled.
func coveringSchedule(rng *rand.Rand, nodes []decoration.Node) []decoration.Instalment {
	due := []int{rng.IntN(2) - 1}
	for i := 1; i < len(nodes); i++ {
		if rng.IntN(3) == 0 {
			due = append(due, i)
		}
	}
	var out []decoration.Instalment
	for k, d := range due {
		end := len(nodes)
		if k+1 < len(due) {
			end = due[k+1]
		}
		w := decimal.Zero
		for _, n := range nodes[max(d, 0):end] {
			w = w.Add(n.Weight)
		}
		if k == 0 {
			w = w.Add(decimal.NewFromInt(int64(rng.IntN(30))))
		}
		switch {
		case w.IsPositive():
		case k == 0:
			w = decimal.NewFromInt(1) // paying more early keeps every release covered
		default:
			continue // nothing to pay for: no instalment
		}
		in := decoration.Instalment{Name: "i" + strconv.Itoa(k), Weight: w}
		if d >= 0 {
			in.Node = nodes[d].Name
		}
		out = append(out, in)
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// TestInstalmentConservation: along random projects on version 2 (any
// contract price, node weights, releases and schedule of instalments,
// inspections, rejections, payments, accepts and a cancellation at any
// point), at every step what is held equals what was paid less what was
// released and refunded, never below zero, to the fen; every instalment is
// paid once; once the project completes or is cancelled nothing is held,
// and a completed project paid the whole price.
func TestInstalmentConservation(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 12))
	completed, cancels := 0, 0
	for round := range 300 {
		nodes := decoration.DefaultNodes()[:1+rng.IntN(5)]
		for i := range nodes {
			nodes[i].Weight = decimal.NewFromInt(int64(rng.IntN(50)))
			for k := range nodes[i].Release {
				nodes[i].Release[k].Weight = o2o.MustParseMoney(strconv.Itoa(rng.IntN(9)) + ".5").Amount()
			}
		}
		nodes[rng.IntN(len(nodes))].Weight = decimal.NewFromInt(int64(1 + rng.IntN(50)))
		sched := coveringSchedule(rng, nodes)
		def, err := decoration.Process(decoration.WithNodes(nodes...), decoration.WithInstalments(sched...))
		if err != nil {
			t.Fatalf("round %d: %v %+v", round, err, sched)
		}
		steps := flowtest.NodeJourney()
		price := strconv.Itoa(rng.IntN(1_000_000)) + "." + strconv.Itoa(10+rng.IntN(90)) + " CNY"
		steps[8].Cmd.Facts[decoration.FactPayment] = price
		in := workflow.New(def)
		paid, released, refunded := o2o.CNY.Zero(), o2o.CNY.Zero(), o2o.CNY.Zero()
		holds := 0
		account := func(r workflow.Result) {
			for _, it := range r.Intents {
				if it.Kind == decoration.IntentHold {
					holds++
				}
			}
			paid, _ = paid.Add(flowtest.Money(t, r.Intents, decoration.IntentHold))
			released, _ = released.Add(flowtest.Money(t, r.Intents, decoration.IntentRelease))
			refunded, _ = refunded.Add(flowtest.Money(t, r.Intents, decoration.IntentRefund))
			held, _ := paid.Sub(released)
			held, _ = held.Sub(refunded)
			if held.IsNegative() {
				t.Fatalf("round %d (%s): held %s = paid %s - released %s - refunded %s", round, in.State(), held, paid, released, refunded)
			}
		}
		for _, s := range steps[:10] {
			account(flowtest.Fire(t, in, s.Cmd))
		}
		cancelled := flowtest.WalkNodes(t, rng, in, 120, 8, account)
		out, _ := released.Add(refunded)
		switch {
		case in.State() == decoration.StateCompleted && (paid.String() != o2o.MustParseMoney(price).String() || holds != len(sched)):
			t.Fatalf("round %d: completed having paid %s of %s in %d holds of %d", round, paid, price, holds, len(sched))
		case (in.State() == decoration.StateCompleted || cancelled) && !out.Equal(paid):
			t.Fatalf("round %d (%s): paid %s, released %s, refunded %s", round, in.State(), paid, released, refunded)
		case holds > len(sched):
			t.Fatalf("round %d: %d holds of %d instalments", round, holds, len(sched))
		}
		if in.State() == decoration.StateCompleted && len(sched) > 1 {
			completed++
		}
		if cancelled && holds > 1 {
			cancels++
		}
	}
	if completed < 20 || cancels < 20 {
		t.Fatalf("the rounds completed %d schedules of several instalments and cancelled %d after a second one: too few to judge", completed, cancels)
	}
}

// TestInstalmentStates: the default schedule adds no state; a schedule
// with an instalment at a node adds its waiting state, in order.
func TestInstalmentStates(t *testing.T) {
	d := flowtest.MustDecoration(t, decoration.WithVersion(2))
	if slices.Contains(d.States(), decoration.NodeDueState(decoration.NodePlumbing)) {
		t.Fatal("default schedule waits")
	}
	d = flowtest.MustDecoration(t, decoration.WithVersion(2), decoration.WithInstalments(threeInstalments()...))
	st := d.States()
	i, j := slices.Index(st, decoration.NodeDueState(decoration.NodeTiling)), slices.Index(st, decoration.NodeState(decoration.NodeTiling))
	if i < 0 || j != i+1 || slices.Contains(st, decoration.NodeDueState(decoration.NodePlumbing)) {
		t.Fatalf("states %v", st)
	}
}
