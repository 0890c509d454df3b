package regions

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/o2okit/o2okit/o2o"
)

// Version is the date of the data compiled into [China].
const Version = "2022-10-31"

//go:embed data/provinces.csv data/cities.csv data/areas.csv data/streets.csv
var files embed.FS

// Region is one division: its code, its own name (南山区) and its level.
type Region struct {
	Code  o2o.RegionCode  `json:"code"`
	Name  string          `json:"name"`
	Level o2o.RegionLevel `json:"level"`
}

// Registry is a set of real division codes with their names, as of one
// version of the data. It is immutable and safe for concurrent use.
type Registry struct {
	version  string
	names    map[o2o.RegionCode]string
	children map[o2o.RegionCode][]o2o.RegionCode
	covered  map[o2o.RegionCode]bool // provinces whose divisions the data lists
}

// outside holds the province-level names of the codes RegionCode accepts
// but the data does not list.
var outside = map[string]string{
	"710000": "台湾省",
	"810000": "香港特别行政区",
	"820000": "澳门特别行政区",
}

// China returns the registry compiled into the package, built on first use.
func China() *Registry { return china() }

var china = sync.OnceValue(func() *Registry {
	r, err := build()
	if err != nil {
		// The data is compiled in and checked by the package's tests.
		panic("regions: embedded data: " + err.Error())
	}
	return r
})

// file describes one CSV: its code width and how to pad it to a RegionCode.
type file struct {
	name   string
	pad    string
	parent func(row []string) string // the parent's padded code
}

func build() (*Registry, error) {
	r := &Registry{
		version:  Version,
		names:    make(map[o2o.RegionCode]string, 45_000),
		children: make(map[o2o.RegionCode][]o2o.RegionCode, 3_500),
		covered:  make(map[o2o.RegionCode]bool, 31),
	}
	layers := []file{
		{name: "provinces.csv", pad: "0000"},
		{name: "cities.csv", pad: "00", parent: func(row []string) string { return row[2] + "0000" }},
		{name: "areas.csv", parent: func(row []string) string { return row[2] + "00" }},
		{name: "streets.csv", parent: func(row []string) string { return row[2] }},
	}
	for _, l := range layers {
		if err := r.load(l); err != nil {
			return nil, fmt.Errorf("%s: %w", l.name, err)
		}
	}
	for code, name := range outside {
		r.names[o2o.MustRegionCode(code)] = name
	}
	for _, kids := range r.children {
		slices.SortFunc(kids, func(a, b o2o.RegionCode) int { return strings.Compare(a.String(), b.String()) })
	}
	return r, nil
}

func (r *Registry) load(f file) error {
	data, err := files.ReadFile("data/" + f.name)
	if err != nil {
		return err
	}
	rd := csv.NewReader(bytes.NewReader(data))
	rd.ReuseRecord = true
	if _, err := rd.Read(); err != nil { // the header
		return err
	}
	for {
		row, err := rd.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		code, err := o2o.ParseRegionCode(row[0] + f.pad)
		if err != nil {
			return err
		}
		if name, dup := r.names[code]; dup {
			if name == row[1] && code.Level() == o2o.LevelCity {
				continue // a city acting as its own county (Dongguan 441900)
			}
			return fmt.Errorf("%s listed twice", code)
		}
		r.names[code] = row[1]
		if f.parent == nil {
			r.covered[code] = true
			continue
		}
		parent, err := o2o.ParseRegionCode(f.parent(row))
		if err != nil {
			return err
		}
		if _, ok := r.names[parent]; !ok {
			return fmt.Errorf("%s: parent %s is not listed", code, parent)
		}
		r.children[parent] = append(r.children[parent], code)
	}
}

// Version returns the date of the registry's data.
func (r *Registry) Version() string { return r.version }

// Len returns how many divisions the registry lists, every level counted.
func (r *Registry) Len() int { return len(r.names) }

// Covers reports whether the registry lists the divisions of code's
// province, so that it can say whether code exists.
func (r *Registry) Covers(code o2o.RegionCode) bool {
	return !code.IsZero() && r.covered[code.Province()]
}

// Exists reports whether code names a real division.
func (r *Registry) Exists(code o2o.RegionCode) bool {
	_, ok := r.names[code]
	return ok
}

// Lookup returns the division code names, if it exists.
func (r *Registry) Lookup(code o2o.RegionCode) (Region, bool) {
	name, ok := r.names[code]
	if !ok {
		return Region{}, false
	}
	return Region{Code: code, Name: name, Level: code.Level()}, true
}

// Name returns the division's own name (南山区), or "" if it is not listed.
func (r *Registry) Name(code o2o.RegionCode) string { return r.names[code] }

// Check returns nil if code exists, or if the registry does not cover its
// province (see [Registry.Covers]); otherwise an error wrapping
// [o2o.ErrInvalid] and [o2o.ErrNotFound] that names the code and the data's
// version.
func (r *Registry) Check(code o2o.RegionCode) error {
	if code.IsZero() || !r.Covers(code) || r.Exists(code) {
		return nil
	}
	return o2o.InvalidAs(o2o.ErrNotFound, "",
		fmt.Sprintf("region %s is well-formed but names no division in the %s data", code, r.version))
}

// Children returns the divisions directly under code, in code order: the
// cities of a province, the counties of a city, the townships of a county.
// A city with no county level (Dongguan 441900) lists its townships, which
// hang off the city's own code.
func (r *Registry) Children(code o2o.RegionCode) []o2o.RegionCode {
	return slices.Clone(r.children[code])
}

// FullName returns the names from the province down to code, joined:
// 广东省深圳市南山区. Placeholder names of the data (a municipality's 市辖区,
// a province's 省直辖县级行政区划) are left out, and a name repeated by the
// level below it is written once. It returns "" if code is
// not listed.
func (r *Registry) FullName(code o2o.RegionCode) string {
	return r.join(code, code.Province())
}

// Label returns a name for people followed by the code, from the city down:
// "深圳市南山区 (440305)"; "北京市东城区 (110101)" for a municipality, whose
// city level is a placeholder; "广东省 (440000)" for a province. A code the
// registry does not list is returned as its digits alone.
func (r *Registry) Label(code o2o.RegionCode) string {
	if !r.Exists(code) {
		return code.String()
	}
	from := code.City()
	if code.Level() == o2o.LevelProvince || placeholder(r.names[from]) {
		from = code.Province()
	}
	return r.join(code, from) + " (" + code.String() + ")"
}

// join concatenates the names of code's ancestors from top down to code.
func (r *Registry) join(code, top o2o.RegionCode) string {
	if !r.Exists(code) {
		return ""
	}
	line := code.Ancestors() // nearest first
	slices.Reverse(line)
	var b strings.Builder
	last := ""
	for _, a := range append(line, code) {
		if !top.Contains(a) {
			continue
		}
		// A township named as its county (金门县 350527000) is named once.
		if name := r.names[a]; !placeholder(name) && name != last {
			b.WriteString(name)
			last = name
		}
	}
	return b.String()
}

// placeholder reports the names the data gives to levels that are not
// real divisions.
func placeholder(name string) bool {
	switch name {
	case "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划":
		return true
	}
	return false
}
