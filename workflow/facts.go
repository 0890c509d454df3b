package workflow

import (
	"encoding/json"
	"slices"
	"strings"
	"unsafe"

	"github.com/o2okit/o2okit/o2o"
)

// Fact is one recorded fact: a name and its text value.
type Fact struct {
	Name  string
	Value string
}

// FactList is a list of facts with distinct names, as a history entry and a
// snapshot carry them. Its JSON form is an object, {"name": "value", ...},
// written with names sorted, exactly as a Facts map is; decoding sorts by
// name. A list rather than a map keeps restoring a snapshot cheap: reading
// a list costs next to nothing, ranging over a map several times more than
// a looplab/fsm Event (see BenchmarkRangeFacts).
//
// Instances keep their facts the same way, flat, in the order each name was
// first written: a flow's few dozen facts are found faster by a linear scan
// (most names differ in length, which is compared first) than by hashing.
type FactList []Fact

// List returns f as a FactList sorted by name (nil when empty).
func (f Facts) List() FactList {
	if len(f) == 0 {
		return nil
	}
	return FactList(sortedFacts(f))
}

// Get returns the value of the fact name.
func (l FactList) Get(name string) (string, bool) { return getFact(l, name) }

// Map returns l as a Facts map (nil when empty).
func (l FactList) Map() Facts { return factMap(l) }

// Clone returns a copy of l.
func (l FactList) Clone() FactList { return slices.Clone(l) }

// MarshalJSON writes l as a JSON object with names sorted.
func (l FactList) MarshalJSON() ([]byte, error) { return json.Marshal(factMap(l)) }

// UnmarshalJSON reads a JSON object of text values, strictly, sorted by
// name.
func (l *FactList) UnmarshalJSON(data []byte) error {
	var m Facts
	if err := o2o.DecodeJSON(data, &m); err != nil {
		return err
	}
	*l = withRoom(m.List())
	return nil
}

// distinct reports whether the names of l are distinct.
func (l FactList) distinct() bool {
	if len(l) <= 8 {
		for i := 1; i < len(l); i++ {
			for j := range i {
				if sameName(l[i].Name, l[j].Name) {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[string]struct{}, len(l))
	for _, f := range l {
		if _, dup := seen[f.Name]; dup {
			return false
		}
		seen[f.Name] = struct{}{}
	}
	return true
}

// getFact looks key up in fs.
func getFact(fs []Fact, key string) (string, bool) {
	for i := range fs {
		if sameName(fs[i].Name, key) {
			return fs[i].Value, true
		}
	}
	return "", false
}

// setFact records key=value in fs and returns fs.
func setFact(fs []Fact, key, value string) []Fact {
	for i := range fs {
		if sameName(fs[i].Name, key) {
			fs[i].Value = value
			return fs
		}
	}
	return append(fs, Fact{key, value})
}

// fold records every write of log in fs, in order (the last write of a key
// wins), and returns fs. Beyond foldLinear facts it indexes the keys in a
// map, so that a huge (forged) snapshot costs linear time, not quadratic.
func fold(fs []Fact, log []Fact) []Fact {
	if len(fs)+len(log) <= foldLinear {
		for _, f := range log {
			fs = setFact(fs, f.Name, f.Value)
		}
		return fs
	}
	idx := make(map[string]int, len(fs)+len(log))
	for i, f := range fs {
		idx[f.Name] = i
	}
	for _, f := range log {
		if i, ok := idx[f.Name]; ok {
			fs[i].Value = f.Value
			continue
		}
		idx[f.Name] = len(fs)
		fs = append(fs, f)
	}
	return fs
}

// foldLinear is the number of facts up to which fold scans instead of
// hashing.
const foldLinear = 64

// factMap returns fs as Facts (nil when empty).
func factMap(fs []Fact) Facts {
	if len(fs) == 0 {
		return nil
	}
	m := make(Facts, len(fs))
	for _, f := range fs {
		m[f.Name] = f.Value
	}
	return m
}

// sortedFacts returns m as a slice sorted by key.
func sortedFacts(m Facts) []Fact {
	fs := make([]Fact, 0, len(m))
	for k, v := range m {
		fs = append(fs, Fact{k, v})
	}
	slices.SortFunc(fs, func(a, b Fact) int { return strings.Compare(a.Name, b.Name) })
	return fs
}

// sortedList returns a copy of fs sorted by name, nil when empty.
func sortedList(fs []Fact) FactList {
	if len(fs) == 0 {
		return nil
	}
	l := slices.Clone(fs)
	slices.SortFunc(l, func(a, b Fact) int { return strings.Compare(a.Name, b.Name) })
	return l
}

// withRoom returns l with room for a few more facts: an instance restored
// by RestoreOwned records its next facts in place.
func withRoom(l FactList) FactList {
	if len(l) == 0 {
		return l
	}
	return append(make(FactList, 0, len(l)+4), l...)
}

// sameList reports whether fs and l, each with distinct names, hold the
// same facts: as many, and each of fs in l with the same value.
func sameList(fs []Fact, l FactList) bool {
	if len(fs) != len(l) {
		return false
	}
	if len(l) > foldLinear {
		return sameFacts(fs, l.Map())
	}
	for _, f := range fs {
		if v, ok := getFact(l, f.Name); !ok || v != f.Value {
			return false
		}
	}
	return true
}

// sameFacts reports whether fs, with distinct keys, holds exactly m.
func sameFacts(fs []Fact, m Facts) bool {
	if len(fs) != len(m) {
		return false
	}
	for _, f := range fs {
		if v, ok := m[f.Name]; !ok || v != f.Value {
			return false
		}
	}
	return true
}

// lastWrite returns the last value written for key in log.
func lastWrite(log []Fact, key string) (string, bool) {
	for i := len(log) - 1; i >= 0; i-- {
		if sameName(log[i].Name, key) {
			return log[i].Value, true
		}
	}
	return "", false
}

// sameName reports whether a == b. Names that differ mostly differ in
// length or in their first or last byte, which it compares first, without
// a call (as a restored snapshot's names never share memory with the
// definition's or each other's, == alone always calls to compare bytes).
func sameName(a, b string) bool {
	if sameData(a, b) {
		return true
	}
	if n := len(a); n != len(b) || n > 0 && (a[0] != b[0] || a[n-1] != b[n-1]) {
		return false
	}
	return a == b
}

// word is the 8 bytes of s from i, little-endian (one load).
func word(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// half is the 4 bytes of s from i, little-endian (one load).
func half(s string, i int) uint32 {
	s = s[i : i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// sameData reports whether a and b are the same bytes in memory: a
// shortcut for a == b (true implies it) when a decoded snapshot's repeated
// texts share one copy (see packer). Nothing may depend on it being true.
func sameData(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}
