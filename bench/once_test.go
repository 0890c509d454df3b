package bench

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// tiny shrinks the data sets to a few thousand postings and journeys;
// TestBenchmarksRunOnce sets it (through O2OKIT_BENCH_TINY) in the test
// binary it starts.
var tiny = os.Getenv("O2OKIT_BENCH_TINY") == "1"

// TestBenchmarksRunOnce runs every benchmark of the module once, on tiny
// data sets, in a child run of this test binary (-test.bench .
// -test.benchtime 1x), so that `go test ./...` and CI keep each
// comparison compiling and its setup checks — the peers compute the
// same figures and write the same JSON shape as o2okit — passing. It
// measures nothing.
func TestBenchmarksRunOnce(t *testing.T) {
	if tiny {
		t.Skip("already the child run")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^$", "-test.bench", ".", "-test.benchtime", "1x", "-test.short")
	cmd.Env = append(os.Environ(), "O2OKIT_BENCH_TINY=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("running the benchmarks once: %v\n%s", err, out)
	}
	for _, want := range []string{"BenchmarkPricing/whole_path/o2okit", "BenchmarkWorkflow/whole_path/peer-stateless",
		"BenchmarkSettlement/snapshot_decode_20k/o2okit", "BenchmarkDrainage/time_decay/limit-bare-loop"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s did not run:\n%s", want, out)
		}
	}
}
