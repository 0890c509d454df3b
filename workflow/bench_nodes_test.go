package workflow

import (
	"encoding/json"
	"strconv"
	"testing"
)

// nodeProject is a whole project on version 2: through every default node
// (tiling rejected once), handover and review; 24 steps.
func nodeProject() []Command {
	var out []Command
	for _, s := range nodeJourney() {
		out = append(out, s.cmd)
	}
	h := 24 * 21
	for i, n := range DefaultNodes() {
		id := strconv.Itoa(i)
		out = append(out, cmd("i"+id, EventInspectNode, "spec-4", RoleSpecialist, h, Facts{FactNodeReport: "ok"}))
		if n.Name == NodeTiling {
			out = append(out, cmd("r"+id, EventRejectNode, "owner-1", RoleOwner, h+1, Facts{FactRejection: "uneven"}),
				cmd("j"+id, EventInspectNode, "spec-4", RoleSpecialist, h+2, Facts{FactNodeReport: "reworked"}))
		}
		out = append(out, cmd("a"+id, EventAcceptNode, "owner-1", RoleOwner, h+3, nil))
		h += 24
	}
	return append(out,
		cmd("h", EventHandOver, "spec-4", RoleSpecialist, h, Facts{FactHandedOverAt: TimeFact(at(h))}),
		cmd("v", EventReview, "owner-1", RoleOwner, h+1, Facts{FactRating: "5", FactReview: "tidy"}))
}

// BenchmarkNodeProjectFire fires a whole project on version 2, payouts
// computed at booking and at each accepted node.
func BenchmarkNodeProjectFire(b *testing.B) {
	def := mustDecoration(b, WithVersion(2))
	cmds := nodeProject()
	for b.Loop() {
		in := New(def)
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
	def := mustDecoration(b, WithVersion(2))
	in := New(def)
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
		var s Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			b.Fatal(err)
		}
		if _, err := Restore(def, s); err != nil {
			b.Fatal(err)
		}
	}
}
