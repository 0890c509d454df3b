package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o2okit/o2okit/examples/internal/golden"
)

func runArgs(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestSamples runs the command as CI does, with no arguments: every sample
// order evaluated under the sample rulebook, the bad lines reported by line
// number, and exit status 0.
func TestSamples(t *testing.T) {
	stdout, stderr, code := runArgs(t, "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout, "\n"); n < 50 {
		t.Errorf("%d evaluations, want at least 50", n)
	}
	golden.Check(t, filepath.Join("testdata", "samples.stdout.jsonl"), []byte(stdout))
	golden.Check(t, filepath.Join("testdata", "samples.stderr.txt"), []byte(stderr))
}

// TestBaselinePriceChange is what an ERP team does with the tool: change one
// price in a copy of the rulebook and see exactly the orders it touches, and
// what changed in each.
func TestBaselinePriceChange(t *testing.T) {
	rules, err := os.ReadFile("../rulebook/rulebook.json")
	if err != nil {
		t.Fatal(err)
	}
	old := `"scope": "440000", "price": {"amount": "85.00"`
	if !bytes.Contains(rules, []byte(old)) {
		t.Fatal("the sample rulebook no longer holds Guangdong's tile price of 85.00 in the expected layout")
	}
	changed := bytes.Replace(rules, []byte(old), []byte(strings.Replace(old, "85.00", "86.00", 1)), 1)
	path := filepath.Join(t.TempDir(), "new.json")
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runArgs(t, "", "-rules", path, "-baseline", "../rulebook/rulebook.json", "-orders", "../rulebook/orders.jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if !strings.Contains(line, `"TILE-YF600"`) && !strings.Contains(line, `"85.00"`) {
			t.Errorf("an order without Guangdong tile differs: %.200s", line)
		}
	}
	golden.Check(t, filepath.Join("testdata", "baseline.stdout.jsonl"), []byte(stdout))
	golden.Check(t, filepath.Join("testdata", "baseline.stderr.txt"), []byte(stderr))

	// The same rulebook on both sides: nothing differs.
	stdout, stderr, code = runArgs(t, "", "-rules", "../rulebook/rulebook.json", "-baseline", "../rulebook/rulebook.json", "-orders", "../rulebook/orders.jsonl")
	if code != 0 || stdout != "" {
		t.Errorf("same rulebook twice: exit %d, output %.300q, stderr %s", code, stdout, stderr)
	}
}

// TestBadLines: each bad line is reported with its number and the run goes
// on to the good ones.
func TestBadLines(t *testing.T) {
	good := `{"id":"SO-1","channel":"o2o","customer":{"id":"c","segment":"retail"},"delivery":"440305001","placed":{"venue":"online"},"lines":[{"sku":"TILE-YF600","quantity":{"value":"10","unit":"m2"}}],"at":"2026-03-01T10:00:00+08:00"}`
	stdin := strings.Join([]string{
		"{not json",
		"",
		"# a comment",
		good,
		`{"order":` + good + `,"circumstances":{"campaign":{"id":"c1","stage":1,"fundingLeft":{"amount":"5000.00","currency":"CNY"}}}}`,
		strings.Replace(good, "TILE-YF600", "NO-SUCH", 1),
		strings.Repeat("x", maxLine+10),
		good[:40],
		strings.Replace(good, "440305001", "440660103", 1),
	}, "\n")
	stdout, stderr, code := runArgs(t, stdin, "-rules", "../rulebook/rulebook.json", "-orders", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout, "\n"); n != 2 {
		t.Errorf("%d evaluations, want 2", n)
	}
	// Without the registry, the made-up township passes: shape only.
	stdout, _, _ = runArgs(t, stdin, "-rules", "../rulebook/rulebook.json", "-orders", "-", "-regions=false")
	if n := strings.Count(stdout, "\n"); n != 3 {
		t.Errorf("-regions=false: %d evaluations, want 3", n)
	}
	for _, want := range []string{"line 1: ", "line 6: ", "line 7: longer than", "line 8: ", "line 9: order \"SO-1\": invalid: delivery: region 440660103 is well-formed but names no division", "6 orders: 2 evaluated, 1 refused by the rules, 4 unreadable"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestGenerateDeterministic: the same count gives the same orders.
func TestGenerateDeterministic(t *testing.T) {
	a, _, _ := runArgs(t, "", "-generate", "20")
	b, _, _ := runArgs(t, "", "-generate", "20")
	if a != b || strings.Count(a, "\n") != 20 {
		t.Errorf("generate is not deterministic or wrong count")
	}
}

func TestBadFlags(t *testing.T) {
	if _, _, code := runArgs(t, "", "stray"); code != 2 {
		t.Errorf("stray argument: exit %d, want 2", code)
	}
	if _, stderr, code := runArgs(t, "", "-rules", "no-such.json", "-orders", "-"); code != 1 || !strings.Contains(stderr, "no-such.json") {
		t.Errorf("missing rulebook: exit %d, %s", code, stderr)
	}
}
