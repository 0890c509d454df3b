package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/o2okit/o2okit/examples/internal/golden"
)

// TestSmall runs the command at the small size: the month, the close and
// the check that 1 and 3 workers agree on standard output; the times, which
// differ from run to run, on standard error.
func TestSmall(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-workers", "3"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	golden.Check(t, filepath.Join("testdata", "small.txt"), out.Bytes())
	for _, want := range []string{"1 worker: ", "3 workers: ", "speed-up on 3 workers: ", "(partition ", ", statements "} {
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
