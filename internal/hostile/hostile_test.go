package hostile

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestGenerators(t *testing.T) {
	var v map[string]int
	if err := json.Unmarshal(ManyKeys(1000), &v); err != nil || len(v) != 1000 || v["k999"] != 0 {
		t.Fatalf("ManyKeys: %v, %d keys", err, len(v))
	}
	var a any
	if err := json.Unmarshal(NestedClosed(50), &a); err != nil {
		t.Fatalf("NestedClosed: %v", err)
	}
	if json.Valid(Nested(3)) {
		t.Fatal("Nested must be unterminated")
	}
	if err := Within(t, Bound{Time: time.Second, Bytes: 1 << 20}, "noop", func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	// A call past its bound fails the test: run Within on a recorder.
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Within(rec, Bound{Time: 10 * time.Millisecond, Bytes: 1 << 30}, "slow", func() error {
			time.Sleep(time.Second)
			return nil
		})
	}()
	<-done
	if !rec.failed {
		t.Fatal("a call past its time bound did not fail")
	}
}

// TestOnlyTestsImportHostile: the package sets timers and forces garbage
// collections, examples/internal/golden reads and writes files and
// internal/flowtest draws random journeys, which the SDK's own packages must
// never do, so no file but a test may import any of them.
func TestOnlyTestsImportHostile(t *testing.T) {
	testOnly := map[string]bool{
		"github.com/o2okit/o2okit/internal/hostile":         true,
		"github.com/o2okit/o2okit/examples/internal/golden": true,
		"github.com/o2okit/o2okit/internal/flowtest":        true,
	}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); testOnly[p] {
				t.Errorf("%s imports %s: only tests may", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// recorder is a testing.TB that records a failure instead of failing; its
// Fatalf ends the calling goroutine as testing's does.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(string, ...any) { r.failed = true }

func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	runtime.Goexit()
}
