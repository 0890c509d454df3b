package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/o2okit/o2okit/examples/internal/golden"
)

// TestTour runs the whole tour and compares its output with
// testdata/tour.txt. Every chapter checks its own figures (the balances sum to
// zero, the hash chain verifies, the drainage charges sum to the spend) and
// returns an error when one does not hold.
func TestTour(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "tour.txt"), out.Bytes())
	if bytes.Contains(out.Bytes(), []byte("seed 0")) {
		t.Error("the tour cites the seed articles, which readers do not have")
	}
}

// TestExamples runs every other program under examples/ that is not a module
// of its own, from the repository root and with no arguments, as CI and a
// reader do, and compares its output with testdata/examples/NAME.txt.
// (examples/evaluate checks its own output in its own tests.)
func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example program")
	}
	dirs, err := filepath.Glob(filepath.Join("..", "*"))
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	for _, dir := range dirs {
		name := filepath.Base(dir)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || name == "tour" || name == "evaluate" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(m) == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			exe := filepath.Join(bin, name)
			if out, err := exec.Command("go", "build", "-o", exe, dir).CombinedOutput(); err != nil {
				t.Fatalf("go build %s: %v\n%s", dir, err, out)
			}
			cmd := exec.Command(exe)
			cmd.Dir = filepath.Join("..", "..")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, stderr.String())
			}
			golden.Check(t, filepath.Join("testdata", "examples", name+".txt"), out)
		})
	}
}
