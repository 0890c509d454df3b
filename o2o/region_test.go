package o2o_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

func TestParseRegionCode(t *testing.T) {
	tests := []struct {
		code      string
		level     o2o.RegionLevel
		province  string
		city      string
		county    string
		ancestors []string
	}{
		{"440000", o2o.LevelProvince, "440000", "", "", nil},
		{"440300", o2o.LevelCity, "440000", "440300", "", []string{"440000"}},
		{"440305", o2o.LevelCounty, "440000", "440300", "440305", []string{"440300", "440000"}},
		{"440305001", o2o.LevelTownship, "440000", "440300", "440305", []string{"440305", "440300", "440000"}},
		// Dongguan has no county level: its townships hang off the city code.
		{"441900003", o2o.LevelTownship, "440000", "441900", "441900", []string{"441900", "440000"}},
		// A township code may end in 000 (Kinmen, administered from Fujian's data).
		{"350527000", o2o.LevelTownship, "350000", "350500", "350527", []string{"350527", "350500", "350000"}},
		// Province-administered county under a pseudo-city.
		{"429004", o2o.LevelCounty, "420000", "429000", "429004", []string{"429000", "420000"}},
		// Municipality placeholder city.
		{"110101", o2o.LevelCounty, "110000", "110100", "110101", []string{"110100", "110000"}},
		// Taiwan, Hong Kong and Macao are among the 34.
		{"710000", o2o.LevelProvince, "710000", "", "", nil},
		{"810000", o2o.LevelProvince, "810000", "", "", nil},
		{"820000", o2o.LevelProvince, "820000", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			r, err := o2o.ParseRegionCode(tt.code)
			if err != nil {
				t.Fatalf("ParseRegionCode(%q): %v", tt.code, err)
			}
			got := struct {
				Level                  o2o.RegionLevel
				Province, City, County string
				Ancestors              []string
			}{r.Level(), r.Province().String(), r.City().String(), r.County().String(), codes(r.Ancestors())}
			want := struct {
				Level                  o2o.RegionLevel
				Province, City, County string
				Ancestors              []string
			}{tt.level, tt.province, tt.city, tt.county, tt.ancestors}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.code, diff)
			}
		})
	}
}

func codes(rs []o2o.RegionCode) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.String())
	}
	return out
}

func TestParseRegionCodeRejects(t *testing.T) {
	tests := []struct{ code, reason string }{
		{"", "6 or 9 digits"},
		{"44030", "6 or 9 digits"},
		{"4403050", "6 or 9 digits"},
		{"4403050011", "6 or 9 digits"},
		{"44030a", "digits only"},
		{" 440305", "6 or 9 digits"},
		{"-44030", "digits only"},
		{"４４０３０５", "6 or 9 digits"},
		{"990000", "province part 99"},
		{"000000", "province part 00"},
		{"720000", "province part 72"},
		{"440012", "county part under an empty city part"},
		{"440000001", "township directly under a province"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			_, err := o2o.ParseRegionCode(tt.code)
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("ParseRegionCode(%q) = %v, want ErrInvalid", tt.code, err)
			}
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("ParseRegionCode(%q) = %v, want a ValidationError mentioning %q", tt.code, err, tt.reason)
			}
		})
	}
}

func TestRegionContains(t *testing.T) {
	r := o2o.MustRegionCode
	tests := []struct {
		outer, inner o2o.RegionCode
		want         bool
	}{
		{r("440000"), r("440305001"), true},
		{r("440300"), r("440305001"), true},
		{r("440305"), r("440305001"), true},
		{r("440305001"), r("440305001"), true},
		{r("440305"), r("440305"), true},
		{r("441900"), r("441900003"), true},
		{r("440305001"), r("440305"), false},
		{r("440305"), r("440300"), false},
		{r("440300"), r("440400"), false},
		{r("440305"), r("440306001"), false},
		{r("440000"), r("450000"), false},
		{r("440300"), r("441900003"), false},
		{o2o.RegionCode{}, r("440000"), false},
		{r("440000"), o2o.RegionCode{}, false},
	}
	for _, tt := range tests {
		if got := tt.outer.Contains(tt.inner); got != tt.want {
			t.Errorf("%q.Contains(%q) = %v, want %v", tt.outer, tt.inner, got, tt.want)
		}
	}
}

func TestRegionCodeZero(t *testing.T) {
	var z o2o.RegionCode
	if !z.IsZero() || z.Level() != "" || !z.Province().IsZero() || !z.City().IsZero() || !z.County().IsZero() {
		t.Errorf("zero RegionCode is not empty at every level: %+v", z)
	}
	if _, ok := z.Parent(); ok {
		t.Error("zero RegionCode has a parent")
	}
}

func TestRegionCodeJSON(t *testing.T) {
	type holder struct {
		Region o2o.RegionCode `json:"region"`
	}
	in := holder{Region: o2o.MustRegionCode("441900003")}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"region":"441900003"}` {
		t.Errorf("Marshal = %s", data)
	}
	var out holder
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip: got %v, want %v", out, in)
	}
	err = json.Unmarshal([]byte(`{"region":"990000"}`), &out)
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Unmarshal of a bad code = %v, want ErrInvalid", err)
	}
}

// readCSV reads a testdata file, skipping the header row.
func readCSV(t testing.TB, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "regions", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

// TestRegionConformance parses every real division code (NBS data as of
// 2022-10-31, testdata/regions) and checks its level, its parents and that
// each ancestor contains it.
func TestRegionConformance(t *testing.T) {
	pad := func(code string, width int) string { return code + strings.Repeat("0", width-len(code)) }
	type row struct {
		code    string
		level   o2o.RegionLevel
		parents []string // expected ancestors, nearest first
	}
	var rows []row
	for _, r := range readCSV(t, "provinces.csv") {
		rows = append(rows, row{pad(r[0], 6), o2o.LevelProvince, nil})
	}
	for _, r := range readCSV(t, "cities.csv") {
		rows = append(rows, row{pad(r[0], 6), o2o.LevelCity, []string{pad(r[2], 6)}})
	}
	for _, r := range readCSV(t, "areas.csv") {
		rows = append(rows, row{r[0], o2o.LevelCounty, []string{pad(r[2], 6), pad(r[3], 6)}})
	}
	for _, r := range readCSV(t, "streets.csv") {
		area, city, province := r[2], pad(r[4], 6), pad(r[3], 6)
		parents := []string{area, city, province}
		if area == city { // a city with no county level (Dongguan 441900)
			parents = []string{city, province}
		}
		rows = append(rows, row{r[0], o2o.LevelTownship, parents})
	}
	counts := map[o2o.RegionLevel]int{}
	for _, want := range rows {
		r, err := o2o.ParseRegionCode(want.code)
		if err != nil {
			t.Errorf("real code %s: %v", want.code, err)
			continue
		}
		counts[want.level]++
		level := want.level
		// A county-level row whose code is a city code (441900 as the county
		// level of its own townships) reads as a city from its shape.
		if want.level == o2o.LevelCounty && strings.HasSuffix(want.code, "00") {
			level = o2o.LevelCity
			want.parents = want.parents[1:]
		}
		if r.Level() != level {
			t.Errorf("%s: level %s, want %s", want.code, r.Level(), level)
		}
		if diff := cmp.Diff(want.parents, codes(r.Ancestors())); diff != "" {
			t.Errorf("%s ancestors (-want +got):\n%s", want.code, diff)
		}
		for _, a := range r.Ancestors() {
			if !a.Contains(r) {
				t.Errorf("%s does not contain its descendant %s", a, r)
			}
			if r.Contains(a) && a != r {
				t.Errorf("%s contains its ancestor %s", r, a)
			}
		}
		if !r.Contains(r) {
			t.Errorf("%s does not contain itself", r)
		}
	}
	want := map[o2o.RegionLevel]int{o2o.LevelProvince: 31, o2o.LevelCity: 342, o2o.LevelCounty: 2978, o2o.LevelTownship: 41352}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("codes parsed per level (-want +got):\n%s", diff)
	}
}
