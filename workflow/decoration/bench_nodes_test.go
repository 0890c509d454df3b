package decoration_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// nodeProject is a whole project on version 2: through every default node
// (tiling rejected once), handover and review; 24 steps.
func nodeProject() []workflow.Command {
	var out []workflow.Command
	for _, s := range flowtest.NodeJourney() {
		out = append(out, s.Cmd)
	}
	h := 24 * 21
	for i, n := range decoration.DefaultNodes() {
		id := strconv.Itoa(i)
		out = append(out, flowtest.Cmd("i"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, h, workflow.Facts{decoration.FactNodeReport: "ok"}))
		if n.Name == decoration.NodeTiling {
			out = append(out, flowtest.Cmd("r"+id, decoration.EventRejectNode, "owner-1", workflow.RoleOwner, h+1, workflow.Facts{decoration.FactRejection: "uneven"}),
				flowtest.Cmd("j"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, h+2, workflow.Facts{decoration.FactNodeReport: "reworked"}))
		}
		out = append(out, flowtest.Cmd("a"+id, decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, h+3, nil))
		h += 24
	}
	return append(out,
		flowtest.Cmd("h", decoration.EventHandOver, "spec-4", workflow.RoleSpecialist, h, workflow.Facts{decoration.FactHandedOverAt: workflow.TimeFact(flowtest.At(h))}),
		flowtest.Cmd("v", decoration.EventReview, "owner-1", workflow.RoleOwner, h+1, workflow.Facts{decoration.FactRating: "5", decoration.FactReview: "tidy"}))
}

// BenchmarkNodeProjectFire fires a whole project on version 2, payouts
// computed at booking and at each accepted node.
func BenchmarkNodeProjectFire(b *testing.B) {
	def := flowtest.MustDecoration(b, decoration.WithVersion(2))
	cmds := nodeProject()
	for b.Loop() {
		in := workflow.New(def)
		for _, c := range cmds {
			if _, err := in.Fire(flowtest.T0Ctx(), c); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(cmds)), "steps/op")
}

// BenchmarkNodeProjectRestore decodes and restores the snapshot of a
// whole project on version 2.
func BenchmarkNodeProjectRestore(b *testing.B) {
	def := flowtest.MustDecoration(b, decoration.WithVersion(2))
	in := workflow.New(def)
	for _, c := range nodeProject() {
		if _, err := in.Fire(flowtest.T0Ctx(), c); err != nil {
			b.Fatal(err)
		}
	}
	data, err := json.Marshal(in.Snapshot())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var s workflow.Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			b.Fatal(err)
		}
		if _, err := workflow.Restore(def, s); err != nil {
			b.Fatal(err)
		}
	}
}
