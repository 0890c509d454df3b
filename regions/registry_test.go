package regions

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

func code(s string) o2o.RegionCode { return o2o.MustRegionCode(s) }

func TestChinaCounts(t *testing.T) {
	r := China()
	if r.Version() != "2022-10-31" {
		t.Fatalf("version %q", r.Version())
	}
	levels := map[o2o.RegionLevel]int{}
	for c := range r.names {
		if r.Covers(c) {
			levels[c.Level()]++
		}
	}
	// Dongguan, Zhongshan, Danzhou and Jiayuguan-style cities act as their own
	// county and are counted once, as cities.
	want := map[o2o.RegionLevel]int{
		o2o.LevelProvince: 31, o2o.LevelCity: 342, o2o.LevelCounty: 2978 - cityCounties(t), o2o.LevelTownship: 41352,
	}
	if d := cmp.Diff(want, levels); d != "" {
		t.Fatalf("divisions per level (-want +got):\n%s", d)
	}
	if got := r.Len(); got != 31+342+2978-cityCounties(t)+41352+3 {
		t.Fatalf("Len = %d", got)
	}
}

// cityCounties counts the county rows that repeat their city's code.
func cityCounties(t *testing.T) int {
	n := 0
	for c, kids := range China().children {
		if c.Level() == o2o.LevelCity {
			for _, k := range kids {
				if k.Level() == o2o.LevelTownship {
					n++
					break
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no city acts as its own county: Dongguan should")
	}
	return n
}

func TestNamesAndLabels(t *testing.T) {
	r := China()
	tests := []struct {
		code, name, full, label string
	}{
		{"440000", "广东省", "广东省", "广东省 (440000)"},
		{"440300", "深圳市", "广东省深圳市", "深圳市 (440300)"},
		{"440305", "南山区", "广东省深圳市南山区", "深圳市南山区 (440305)"},
		{"110101", "东城区", "北京市东城区", "北京市东城区 (110101)"},
		{"500229", "城口县", "重庆市城口县", "重庆市城口县 (500229)"},
		{"429004", "仙桃市", "湖北省仙桃市", "湖北省仙桃市 (429004)"},
		{"441900", "东莞市", "广东省东莞市", "东莞市 (441900)"},
		{"441900003", "东城街道", "广东省东莞市东城街道", "东莞市东城街道 (441900003)"},
		{"350527000", "金门县", "福建省泉州市金门县", "泉州市金门县 (350527000)"},
		{"810000", "香港特别行政区", "香港特别行政区", "香港特别行政区 (810000)"},
		{"440660103", "", "", "440660103"},
	}
	for _, tt := range tests {
		c := code(tt.code)
		got := []string{r.Name(c), r.FullName(c), r.Label(c)}
		if d := cmp.Diff([]string{tt.name, tt.full, tt.label}, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.code, d)
		}
	}
}

func TestCheck(t *testing.T) {
	r := China()
	for _, ok := range []string{"440305", "440305001", "441900003", "350527000", "110100", "810000", "810100", "710100"} {
		if err := r.Check(code(ok)); err != nil {
			t.Errorf("Check(%s) = %v", ok, err)
		}
	}
	for _, bad := range []string{"440660103", "449900", "440399", "119900"} {
		err := r.Check(code(bad))
		if !errors.Is(err, o2o.ErrInvalid) || !errors.Is(err, o2o.ErrNotFound) {
			t.Errorf("Check(%s) = %v, want ErrInvalid and ErrNotFound", bad, err)
		}
	}
	if r.Covers(code("810100")) || r.Covers(o2o.RegionCode{}) || !r.Covers(code("440660103")) {
		t.Error("Covers: 81 is outside the data, 44 inside, the zero code nowhere")
	}
	if err := r.Check(o2o.RegionCode{}); err != nil {
		t.Errorf("the zero code is for the caller's own required check: %v", err)
	}
}

func TestChildren(t *testing.T) {
	r := China()
	kids := r.Children(code("441900"))
	if len(kids) == 0 || kids[0] != code("441900003") {
		t.Fatalf("Dongguan's townships: %v", kids)
	}
	for _, k := range kids {
		if k == code("441900") {
			t.Fatal("Dongguan lists itself as its own child")
		}
	}
	for parent, kids := range r.children {
		for i, k := range kids {
			if !parent.Contains(k) {
				t.Fatalf("%s lists %s, which it does not contain", parent, k)
			}
			if i > 0 && kids[i-1].String() >= k.String() {
				t.Fatalf("%s: children out of order at %s", parent, k)
			}
		}
	}
	kids[0] = code("440000")
	if r.Children(code("441900"))[0] != code("441900003") {
		t.Fatal("Children returned the registry's own slice")
	}
}

func TestEveryListedCodeHasItsAncestors(t *testing.T) {
	r := China()
	for c := range r.names {
		for _, a := range c.Ancestors() {
			if !r.Exists(a) {
				t.Fatalf("%s is listed but its ancestor %s is not", c, a)
			}
		}
	}
}

func BenchmarkLabel(b *testing.B) {
	r := China()
	c := code("440305001")
	for b.Loop() {
		_ = r.Label(c)
	}
}
