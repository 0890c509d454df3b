package decoration_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestRenderGolden compares the rendered diagrams of the default flows with
// testdata/*.golden. Run `go test ./workflow/decoration -run RenderGolden -update` to
// rewrite them after a deliberate change, and review the diff.
func TestRenderGolden(t *testing.T) {
	dec, after := flowtest.MustDecoration(t), flowtest.MustAfterSales(t)
	tests := []struct {
		file string
		got  string
	}{
		{"decoration.mmd.golden", dec.Mermaid("")},
		{"decoration-booked.mmd.golden", dec.Mermaid(decoration.StateBooked)},
		{"decoration.dot.golden", dec.DOT("")},
		{"decoration-booked.dot.golden", dec.DOT(decoration.StateBooked)},
		{"after_sales.mmd.golden", after.Mermaid("")},
		{"after_sales.dot.golden", after.DOT(decoration.ClaimInspected)},
		{"decoration-v2.mmd.golden", flowtest.MustDecoration(t, decoration.WithVersion(2)).Mermaid(decoration.NodeInspectedState(decoration.NodeTiling))},
		{"decoration-nodiy.mmd.golden", flowtest.MustDecoration(t, decoration.WithoutDIY(), decoration.WithDeadline(decoration.StateApplied, workflow.Hours(24))).Mermaid("")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tt.got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(want) != tt.got {
				t.Errorf("%s differs from the golden file; got:\n%s", path, tt.got)
			}
		})
	}
}
