package o2okit_test

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestExamplesAreWhole walks the module's SDK packages and fails on any
// Example that uses a package-level name declared in a _test.go file
// (a helper function, variable, constant or type) that pkg.go.dev does not
// show beside it. pkg.go.dev shows an Example's body only, unless the
// Example is a whole-file example: the only Example in its file, with no
// Test, Benchmark or Fuzz function there, in which case it shows the whole
// file. So an Example may use helpers only if it is a whole-file example and
// the helpers are in its own file; otherwise a reader copying it from the
// documentation gets code that does not compile.
func TestExamplesAreWhole(t *testing.T) {
	module := modulePath(t)
	fset := token.NewFileSet()
	dirs := map[string][]*ast.File{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "examples") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		dirs[dir] = append(dirs[dir], file)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	examples := 0
	for dir, files := range dirs {
		importPath := module
		if dir != "." {
			importPath = path.Join(module, dir)
		}
		for _, bad := range unwholeExamples(fset, importPath, files) {
			t.Error(bad)
		}
		for _, f := range files {
			examples += len(doc.Examples(f))
		}
	}
	if examples == 0 {
		t.Fatal("found no Example functions: the walk is broken")
	}
}

// TestUnwholeExamplesDetected keeps the checker honest: it must flag an
// Example that uses a helper from another file, a helper of its own file
// when that file holds other Examples or Tests, an exported name of an
// export_test.go file, and a whole-file example whose own helper leans on
// another file's; and it must accept a whole-file example, names of the
// package under test and locals that shadow a helper.
func TestUnwholeExamplesDetected(t *testing.T) {
	const internal = `package p
func Hidden() int { return 1 }
`
	const helpers = `package p_test
var at = 3
func day(n int) int { return n }
type row struct{ n int }
`
	const mixed = `package p_test
import ("fmt"; "example.com/p")
const local = 2
func ExampleA() { fmt.Println(day(1)) }
func ExampleB() { fmt.Println(local, row{}.n) }
func ExampleC() { at := 4; fmt.Println(at, p.Hidden()) }
func ExampleD() { fmt.Println(p.Visible()) }
func TestE(t *testing.T) {}
`
	const whole = `package p_test
import "fmt"
func helper() int { return 1 }
func ExampleW() { fmt.Println(helper()) }
`
	const wholeButForeign = `package p_test
import "fmt"
func helperF() int { return day(2) }
func ExampleF() { fmt.Println(helperF(), at) }
`
	fset := token.NewFileSet()
	var files []*ast.File
	for i, src := range []string{internal, helpers, mixed, whole, wholeButForeign} {
		f, err := parser.ParseFile(fset, fmt.Sprintf("f%d_test.go", i), src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	got := unwholeExamples(fset, "example.com/p", files)
	var names []string
	for _, g := range got {
		names = append(names, g[strings.Index(g, "Example"):])
	}
	want := []string{
		"ExampleA uses day, declared in f1_test.go, which pkg.go.dev does not show with it",
		"ExampleB uses local, declared in f2_test.go, which pkg.go.dev does not show with it",
		"ExampleB uses row, declared in f1_test.go, which pkg.go.dev does not show with it",
		"ExampleC uses p.Hidden, declared in f0_test.go, which pkg.go.dev does not show with it",
		"ExampleF uses day, declared in f1_test.go, which pkg.go.dev does not show with it",
		"ExampleF uses at, declared in f1_test.go, which pkg.go.dev does not show with it",
	}
	if !slices.Equal(names, want) {
		t.Errorf("flagged:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
}

// unwholeExamples reports, for the _test.go files of one directory, each
// use by an Example of a name declared in a _test.go file that pkg.go.dev
// does not show with the Example. An Example is shown with its own file's
// declarations only when it is a whole-file example (as go/doc decides);
// the names an Example's whole file uses are checked as well, so a
// whole-file example cannot lean on another file's helpers either.
func unwholeExamples(fset *token.FileSet, importPath string, files []*ast.File) []string {
	packages := map[string][]*ast.File{}
	for _, f := range files {
		packages[f.Name.Name] = append(packages[f.Name.Name], f)
	}
	// Names the package under test declares in its _test.go files
	// (export_test.go): an external test package reaches them as p.Name.
	exported := map[string]token.Pos{}
	for name, group := range packages {
		if strings.HasSuffix(name, "_test") {
			continue
		}
		for _, f := range group {
			for _, decl := range f.Decls {
				for _, id := range declaredNames(decl) {
					exported[id.Name] = id.Pos()
				}
			}
		}
	}
	var out []string
	for _, group := range packages {
		info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
		conf := types.Config{
			Importer: noImports{},
			// Imports are refused on purpose, and an internal test
			// package's names from non-test files stay undefined: only
			// names that resolve to _test.go declarations matter here.
			Error: func(error) {},
		}
		pkg, _ := conf.Check(importPath, fset, group, info)
		for _, f := range group {
			// Only Example functions can be flagged: go/doc decides which
			// ones there are and whether the file is shown whole.
			exs := doc.Examples(f)
			whole := len(exs) == 1 && exs[0].Code == ast.Node(f)
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !isExample(fn.Name.Name) {
					continue
				}
				var scope ast.Node = fn
				if whole {
					scope = f
				}
				seen := map[string]bool{}
				ast.Inspect(scope, func(n ast.Node) bool {
					var name string
					var at token.Pos
					switch x := n.(type) {
					case *ast.SelectorExpr:
						id, ok := x.X.(*ast.Ident)
						if !ok {
							return true
						}
						pn, ok := info.Uses[id].(*types.PkgName)
						if !ok || pn.Imported().Path() != importPath {
							return true
						}
						pos, ok := exported[x.Sel.Name]
						if !ok {
							return true
						}
						name, at = id.Name+"."+x.Sel.Name, pos
					case *ast.Ident:
						obj := info.Uses[x]
						if obj == nil || pkg == nil || obj.Parent() != pkg.Scope() {
							return true
						}
						if whole && fset.File(obj.Pos()) == fset.File(f.Pos()) {
							return true
						}
						name, at = x.Name, obj.Pos()
					default:
						return true
					}
					if !seen[name] {
						seen[name] = true
						out = append(out, fmt.Sprintf("%s: %s uses %s, declared in %s, which pkg.go.dev does not show with it",
							fset.Position(n.Pos()), fn.Name.Name, name, filepath.Base(fset.Position(at).Filename)))
					}
					return true
				})
			}
		}
	}
	slices.Sort(out)
	return out
}

// isExample reports whether name names an Example function, as go/doc
// reads it: "Example" alone or followed by anything but a lower-case letter.
func isExample(name string) bool {
	rest, ok := strings.CutPrefix(name, "Example")
	if !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !unicode.IsLower(r)
}

// declaredNames returns the names a top-level declaration declares.
func declaredNames(decl ast.Decl) []*ast.Ident {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			return []*ast.Ident{d.Name}
		}
	case *ast.GenDecl:
		var ids []*ast.Ident
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				ids = append(ids, s.Name)
			case *ast.ValueSpec:
				ids = append(ids, s.Names...)
			}
		}
		return ids
	}
	return nil
}

// noImports refuses every import: the check needs only which package-level
// names an Example uses, not the types of what it imports.
type noImports struct{}

func (noImports) Import(p string) (*types.Package, error) {
	return nil, fmt.Errorf("not imported: %s", p)
}

func modulePath(t *testing.T) string {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if m, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.TrimSpace(m)
		}
	}
	t.Fatal("go.mod names no module")
	return ""
}
