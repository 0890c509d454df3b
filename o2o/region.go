package o2o

import (
	"fmt"
	"strings"

	"github.com/o2okit/o2okit/internal/enum"
)

// RegionCode is a Chinese administrative division code in the GB/T 2260
// style: 6 digits for a province (440000), a prefecture city (440300) or a
// county (440305), and 9 digits for a township or street (440305001).
//
// Its level is read from its shape: a 6-digit code ending in 0000 is a
// province, one ending in 00 a city, any other 6-digit code a county, and a
// 9-digit code a township. ParseRegionCode checks shape, not existence: a
// registry of names is separate data.
//
// Real data bends the tidy model, and RegionCode follows it:
//   - a city with no county level is the county level of its own townships
//     (Dongguan 441900), so County of 441900003 is 441900, equal to its City;
//   - a township code may end in 000 (350527000);
//   - a municipality's "city" is a placeholder (110100 市辖区) and a
//     province-administered county hangs off a pseudo-city (429004 under 429000).
//
// The zero RegionCode is no region: IsZero reports it, and it contains nothing.
// RegionCode is a comparable value, usable as a map key.
type RegionCode struct {
	code string
}

// RegionLevel is the administrative level of a region code.
type RegionLevel string

// The region levels, from the largest to the smallest.
const (
	LevelProvince RegionLevel = "province"
	LevelCity     RegionLevel = "city"
	LevelCounty   RegionLevel = "county"
	LevelTownship RegionLevel = "township"
)

// RegionLevels returns every level from the largest to the smallest.
func RegionLevels() []RegionLevel {
	return []RegionLevel{LevelProvince, LevelCity, LevelCounty, LevelTownship}
}

// String returns the level's text form.
func (l RegionLevel) String() string { return string(l) }

// Valid reports whether l is one of the levels.
func (l RegionLevel) Valid() bool { return enum.Valid(l, RegionLevels()...) }

// Rank returns 1 for a province through 4 for a township, 0 if invalid.
func (l RegionLevel) Rank() int {
	switch l {
	case LevelProvince:
		return 1
	case LevelCity:
		return 2
	case LevelCounty:
		return 3
	case LevelTownship:
		return 4
	}
	return 0
}

// MarshalText returns the text form; it refuses an invalid level.
func (l RegionLevel) MarshalText() ([]byte, error) { return marshalEnum("region level", l, l.Valid()) }

// UnmarshalText accepts exactly one of the levels' text forms.
func (l *RegionLevel) UnmarshalText(text []byte) error {
	return unmarshalEnum("region level", text, l, RegionLevels())
}

// isProvincePart reports whether p (two digits) is one of the 34
// province-level divisions: 31 in the mainland, Taiwan (71), Hong Kong (81)
// and Macao (82).
func isProvincePart(p string) bool {
	switch p {
	case "11", "12", "13", "14", "15",
		"21", "22", "23",
		"31", "32", "33", "34", "35", "36", "37",
		"41", "42", "43", "44", "45", "46",
		"50", "51", "52", "53", "54",
		"61", "62", "63", "64", "65",
		"71", "81", "82":
		return true
	}
	return false
}

// ParseRegionCode parses a 6- or 9-digit division code. It checks shape:
// digits only, 6 or 9 of them, a province part that is one of the 34 real
// ones, and no county digits under an empty city part (440012). It does not
// check that the division exists. Errors wrap ErrInvalid.
func ParseRegionCode(s string) (RegionCode, error) {
	if err := checkRegionShape(s); err != nil {
		return RegionCode{}, fmt.Errorf("region code %q: %w", clip(s), err)
	}
	return RegionCode{code: s}, nil
}

// MustRegionCode is ParseRegionCode that panics on error. Use it for
// constants and in tests only.
func MustRegionCode(s string) RegionCode {
	r, err := ParseRegionCode(s)
	if err != nil {
		panic(err)
	}
	return r
}

func checkRegionShape(s string) error {
	if len(s) != 6 && len(s) != 9 {
		return Invalidf("", "must have 6 or 9 digits, has %d characters", len(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Invalid("", "must be digits only")
		}
	}
	if !isProvincePart(s[:2]) {
		return Invalidf("", "province part %s is not one of the 34 province-level divisions", s[:2])
	}
	if s[2:4] == "00" && s[4:6] != "00" {
		return Invalid("", "county part under an empty city part")
	}
	if len(s) == 9 && s[2:6] == "0000" {
		return Invalid("", "township directly under a province")
	}
	return nil
}

// String returns the code ("" for the zero RegionCode).
func (r RegionCode) String() string { return r.code }

// Equal reports whether r and other are the same code. It is r == other,
// spelled so that go-cmp compares region codes without options.
func (r RegionCode) Equal(other RegionCode) bool { return r == other }

// IsZero reports whether r is the zero RegionCode (no region).
func (r RegionCode) IsZero() bool { return r.code == "" }

// Level returns the level read from the code's shape ("" for the zero code).
func (r RegionCode) Level() RegionLevel {
	switch {
	case len(r.code) == 9:
		return LevelTownship
	case len(r.code) != 6:
		return ""
	case r.code[2:] == "0000":
		return LevelProvince
	case r.code[4:] == "00":
		return LevelCity
	}
	return LevelCounty
}

// Province returns the province containing r (r itself for a province).
func (r RegionCode) Province() RegionCode {
	if r.IsZero() {
		return r
	}
	return RegionCode{code: r.code[:2] + "0000"}
}

// City returns the city containing r: r itself for a city, and the zero
// code for a province. For a township of a city with no county level
// (441900003), City and County are the same code.
func (r RegionCode) City() RegionCode {
	if r.Level().Rank() < 2 {
		return RegionCode{}
	}
	return RegionCode{code: r.code[:4] + "00"}
}

// County returns the county-level code of r: r itself for a county, the
// first six digits for a township (which may be a city code acting as its own
// county level, as 441900 does), and the zero code for a province or city.
// So County is not idempotent for such townships: County of 441900003 is
// 441900, whose own County is the zero code, since its shape reads as a city.
func (r RegionCode) County() RegionCode {
	switch r.Level() {
	case LevelCounty:
		return r
	case LevelTownship:
		return RegionCode{code: r.code[:6]}
	}
	return RegionCode{}
}

// Parent returns the code one step up and true, or the zero code and false
// for a province or the zero code. A township's parent is its county-level
// code (a city for 441900003); a county's is its city; a city's is its province.
func (r RegionCode) Parent() (RegionCode, bool) {
	switch r.Level() {
	case LevelTownship:
		return r.County(), true
	case LevelCounty:
		return r.City(), true
	case LevelCity:
		return r.Province(), true
	}
	return RegionCode{}, false
}

// Ancestors returns the codes above r, nearest first, without repeats
// (441900003 gives 441900, 440000).
func (r RegionCode) Ancestors() []RegionCode {
	var out []RegionCode
	for p, ok := r.Parent(); ok; p, ok = p.Parent() {
		out = append(out, p)
	}
	return out
}

// prefix is the part of the code that every code r contains starts with.
func (r RegionCode) prefix() string {
	switch r.Level() {
	case LevelProvince:
		return r.code[:2]
	case LevelCity:
		return r.code[:4]
	}
	return r.code
}

// Contains reports whether other lies within r, or is r. Containment is
// read from the codes: 440000 contains 440300, 440305 and 440305001;
// 441900 contains 441900003. The zero code contains nothing and is contained
// by nothing.
func (r RegionCode) Contains(other RegionCode) bool {
	if r.IsZero() || other.IsZero() {
		return false
	}
	if r.Level().Rank() > other.Level().Rank() {
		return false
	}
	return strings.HasPrefix(other.code, r.prefix())
}

// MarshalText returns the code; the zero code marshals as "".
func (r RegionCode) MarshalText() ([]byte, error) { return []byte(r.code), nil }

// UnmarshalText parses the code with ParseRegionCode; "" gives the zero code.
func (r *RegionCode) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*r = RegionCode{}
		return nil
	}
	parsed, err := ParseRegionCode(string(text))
	if err != nil {
		return err
	}
	*r = parsed
	return nil
}
