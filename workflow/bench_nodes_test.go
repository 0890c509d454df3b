package workflow_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// nodeProject is a whole project on version 2: through every default node
// (tiling rejected once), handover and review; 24 steps.
func nodeProject() []workflow.Command {
	var out []workflow.Command
	for _, s := range nodeJourney() {
		out = append(out, s.cmd)
	}
	h := 24 * 21
	for i, n := range decoration.DefaultNodes() {
		id := strconv.Itoa(i)
		out = append(out, cmd("i"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, h, workflow.Facts{decoration.FactNodeReport: "ok"}))
		if n.Name == decoration.NodeTiling {
			out = append(out, cmd("r"+id, decoration.EventRejectNode, "owner-1", workflow.RoleOwner, h+1, workflow.Facts{decoration.FactRejection: "uneven"}),
				cmd("j"+id, decoration.EventInspectNode, "spec-4", workflow.RoleSpecialist, h+2, workflow.Facts{decoration.FactNodeReport: "reworked"}))
		}
		out = append(out, cmd("a"+id, decoration.EventAcceptNode, "owner-1", workflow.RoleOwner, h+3, nil))
		h += 24
	}
	return append(out,
		cmd("h", decoration.EventHandOver, "spec-4", workflow.RoleSpecialist, h, workflow.Facts{decoration.FactHandedOverAt: workflow.TimeFact(at(h))}),
		cmd("v", decoration.EventReview, "owner-1", workflow.RoleOwner, h+1, workflow.Facts{decoration.FactRating: "5", decoration.FactReview: "tidy"}))
}

// BenchmarkNodeProjectFire fires a whole project on version 2, payouts
// computed at booking and at each accepted node.
func BenchmarkNodeProjectFire(b *testing.B) {
	def := mustDecoration(b, decoration.WithVersion(2))
	cmds := nodeProject()
	for b.Loop() {
		in := workflow.New(def)
		for _, c := range cmds {
			if _, err := in.Fire(t0Ctx(), c); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(cmds)), "steps/op")
}

// BenchmarkNodeProjectRestore decodes and restores the snapshot of a
// whole project on version 2.
func BenchmarkNodeProjectRestore(b *testing.B) {
	def := mustDecoration(b, decoration.WithVersion(2))
	in := workflow.New(def)
	for _, c := range nodeProject() {
		if _, err := in.Fire(t0Ctx(), c); err != nil {
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
