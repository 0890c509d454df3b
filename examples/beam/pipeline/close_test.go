package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

// smallMonth is the small month and its close by month.Run on one worker,
// built once.
var smallMonth = sync.OnceValues(func() (*month.Month, *month.Close) {
	m, err := month.Generate(month.Small())
	if err != nil {
		panic(err)
	}
	c, err := month.Run(m, 1)
	if err != nil {
		panic(err)
	}
	return m, c
})

// runOnPrism closes m on n partitions on Prism, writing to dir.
func runOnPrism(t testing.TB, m *month.Month, n int, dir string) {
	t.Helper()
	p, err := Build(m, n, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prism.Execute(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// TestCloseEqualsRun: the pipeline's files (statements, refusals, ledger
// digest, drainage charges and KPIs) equal, byte for byte, those of
// month.Run's single-process close, for several partition counts. The
// small month has credit lines that refuse orders: the pipeline refuses the
// same ones.
func TestCloseEqualsRun(t *testing.T) {
	requireIsolated(t)
	m, want := smallMonth()
	limited := 0
	for _, r := range want.Refused {
		if r.Stage == month.StageLimit {
			limited++
		}
	}
	if limited == 0 {
		t.Fatalf("the small month refuses no order by a credit limit (%d refusals): the test would not see limits checked per partition", len(want.Refused))
	}
	wantFiles, err := Files(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("partitions=%d", n), func(t *testing.T) {
			dir := t.TempDir()
			runOnPrism(t, m, n, dir)
			for _, f := range wantFiles {
				got, err := os.ReadFile(filepath.Join(dir, f.Name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, f.Content) {
					t.Errorf("%s: %d bytes, month.Run's are %d bytes, and differ", f.Name, len(got), len(f.Content))
				}
			}
			if t.Failed() {
				reportDiff(t, dir, want)
			}
		})
	}
}

// reportDiff says how the close the pipeline wrote differs from want.
func reportDiff(t *testing.T, dir string, want *month.Close) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "close.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got month.Close
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("close.json: %v", err)
	}
	t.Errorf("the pipeline's close against month.Run's:\n%s", strings.Join(got.Diff(want), "\n"))
}
