package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

// TestSmall runs the command at the small size: the month, the close and
// the check that 1 and 3 workers agree on standard output; the times, which
// differ from run to run, on standard error.
func TestSmall(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-workers", "3"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	golden(t, "small.txt", out.Bytes())
	for _, want := range []string{"1 worker: ", "3 workers: ", "speed-up on 3 workers: "} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("standard error lacks %q:\n%s", want, errOut.String())
		}
	}
}

// TestBadFlags checks the exit status and message for bad flags.
func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-size", "huge"}, {"-workers", "0"}, {"extra"}} {
		var out, errOut bytes.Buffer
		code := run(args, &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), "monthend") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut.String())
		}
	}
}
