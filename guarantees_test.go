package o2okit_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGuaranteesNameRealTests: every test, fuzz target and example that
// GUARANTEES.md names exists in a test file of the repository (nested
// modules included), so a renamed or deleted test cannot leave a promise
// held by nothing.
func TestGuaranteesNameRealTests(t *testing.T) {
	doc, err := os.ReadFile("GUARANTEES.md")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	funcName := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz|Example|Benchmark)\w*)\(`)
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range funcName.FindAllSubmatch(src, -1) {
			defined[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile("`((?:Test|Fuzz|Example)[A-Za-z0-9_]*)`")
	seen := 0
	for _, m := range named.FindAllSubmatch(doc, -1) {
		seen++
		if name := string(m[1]); !defined[name] {
			t.Errorf("GUARANTEES.md names %s, which no test file defines", name)
		}
	}
	if seen < 100 {
		t.Errorf("GUARANTEES.md names only %d tests: is the pattern still right?", seen)
	}
}
