package workflow_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/workflow"
)

// BenchmarkUserPath is what serving one request costs a user: the stored
// snapshot's bytes (a decoration project 10 steps in) are decoded,
// restored, one command is fired, and the new snapshot is encoded.
func BenchmarkUserPath(b *testing.B) {
	_, _, data := restoreSnapshot(b)
	def := flowtest.MustDecoration(b)
	c := flowtest.DecorationJourney()[10].Cmd
	ctx := context.Background()
	for b.Loop() {
		var s workflow.Snapshot
		if err := json.Unmarshal(data, &s); err != nil {
			b.Fatal(err)
		}
		in, err := workflow.Restore(def, s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := in.Fire(ctx, c); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(in.Snapshot()); err != nil {
			b.Fatal(err)
		}
	}
}
