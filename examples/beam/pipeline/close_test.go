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

// closed generates a month and closes it with month.Run on one worker.
func closed(cfg month.Config) (*month.Month, *month.Close) {
	m, err := month.Generate(cfg)
	if err != nil {
		panic(err)
	}
	c, err := month.Run(m, 1)
	if err != nil {
		panic(err)
	}
	return m, c
}

// smallMonth is the small month and its single-process close, built once.
var smallMonth = sync.OnceValues(func() (*month.Month, *month.Close) { return closed(month.Small()) })

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
// month.Run's single-process close, for several partition counts. Both
// months have credit lines that refuse orders (the breach month, a third
// of its orders on four credit lines): the pipeline refuses the same ones.
func TestCloseEqualsRun(t *testing.T) {
	requireIsolated(t)
	months := []struct {
		name      string
		month     func() (*month.Month, *month.Close)
		minLimits int
	}{
		{"small", smallMonth, 1},
		{"breach", func() (*month.Month, *month.Close) { return closed(month.Breach()) }, 20},
	}
	for _, tc := range months {
		m, want := tc.month()
		if n := overLimit(want); n < tc.minLimits {
			t.Fatalf("%s: %d orders refused by a credit limit, want at least %d: the test would not see limits checked per partition", tc.name, n, tc.minLimits)
		}
		for _, n := range []int{1, 3, 8} {
			t.Run(fmt.Sprintf("%s/partitions=%d", tc.name, n), func(t *testing.T) {
				dir := t.TempDir()
				runOnPrism(t, m, n, dir)
				sameFiles(t, dir, want)
			})
		}
	}
}

// overLimit counts the orders a close refused by a credit limit.
func overLimit(c *month.Close) int {
	n := 0
	for _, r := range c.Refused {
		if r.Stage == month.StageLimit {
			n++
		}
	}
	return n
}

// sameFiles checks that the files in dir are, byte for byte, the files of
// the close want (Files), and says how the closes differ when they are not.
func sameFiles(t *testing.T, dir string, want *month.Close) {
	t.Helper()
	wantFiles, err := Files(want)
	if err != nil {
		t.Fatal(err)
	}
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

// TestCloseFromFiles: read from JSON-lines files with textio, as on a
// cluster, the pipeline gives month.Run's files too.
func TestCloseFromFiles(t *testing.T) {
	requireIsolated(t)
	m, want := smallMonth()
	in := t.TempDir()
	orders, journeys := filepath.Join(in, "orders.jsonl"), filepath.Join(in, "journeys.jsonl")
	writeInput(t, m, orders, journeys)
	out := t.TempDir()
	p, err := BuildFromFiles(m.Setup, 3, orders, journeys, out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prism.Execute(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, out, want)
}

// writeInput writes m's orders and journeys as JSON lines.
func writeInput(t *testing.T, m *month.Month, orders, journeys string) {
	t.Helper()
	of, err := os.Create(orders)
	if err != nil {
		t.Fatal(err)
	}
	defer of.Close()
	jf, err := os.Create(journeys)
	if err != nil {
		t.Fatal(err)
	}
	defer jf.Close()
	if err := WriteLines(m, of, jf); err != nil {
		t.Fatal(err)
	}
}
