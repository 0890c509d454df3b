package hostile

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
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
}

// TestOnlyTestsImportHostile: the package reads the clock to bound a test's
// time, which the SDK's own packages must never do, so no file but a test
// may import it.
func TestOnlyTestsImportHostile(t *testing.T) {
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
			if strings.Trim(imp.Path.Value, `"`) == "github.com/o2okit/o2okit/internal/hostile" {
				t.Errorf("%s imports internal/hostile: only tests may", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
