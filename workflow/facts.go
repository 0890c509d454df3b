package workflow

import (
	"slices"
	"strings"
)

// fact is one recorded fact. Instances keep their facts flat, as slices of
// fact in the order each key was first written, rather than as maps: a
// restore then costs no allocation per step, and a flow's few dozen facts
// are found faster by a linear scan (most keys differ in length, which is
// compared first) than by hashing.
type fact struct{ key, value string }

// getFact looks key up in fs.
func getFact(fs []fact, key string) (string, bool) {
	for i := range fs {
		if fs[i].key == key {
			return fs[i].value, true
		}
	}
	return "", false
}

// setFact records key=value in fs and returns fs.
func setFact(fs []fact, key, value string) []fact {
	for i := range fs {
		if fs[i].key == key {
			fs[i].value = value
			return fs
		}
	}
	return append(fs, fact{key, value})
}

// fold records every write of log in fs, in order (the last write of a key
// wins), and returns fs. Beyond foldLinear facts it indexes the keys in a
// map, so that a huge (forged) snapshot costs linear time, not quadratic.
func fold(fs []fact, log []fact) []fact {
	if len(fs)+len(log) <= foldLinear {
		for _, f := range log {
			fs = setFact(fs, f.key, f.value)
		}
		return fs
	}
	idx := make(map[string]int, len(fs)+len(log))
	for i, f := range fs {
		idx[f.key] = i
	}
	for _, f := range log {
		if i, ok := idx[f.key]; ok {
			fs[i].value = f.value
			continue
		}
		idx[f.key] = len(fs)
		fs = append(fs, f)
	}
	return fs
}

// foldLinear is the number of facts up to which fold scans instead of
// hashing.
const foldLinear = 64

// factMap returns fs as Facts (nil when empty).
func factMap(fs []fact) Facts {
	if len(fs) == 0 {
		return nil
	}
	m := make(Facts, len(fs))
	for _, f := range fs {
		m[f.key] = f.value
	}
	return m
}

// sortedFacts returns m as a slice sorted by key.
func sortedFacts(m Facts) []fact {
	fs := make([]fact, 0, len(m))
	for k, v := range m {
		fs = append(fs, fact{k, v})
	}
	slices.SortFunc(fs, func(a, b fact) int { return strings.Compare(a.key, b.key) })
	return fs
}

// sameFacts reports whether fs, with distinct keys, holds exactly m.
func sameFacts(fs []fact, m Facts) bool {
	if len(fs) != len(m) {
		return false
	}
	for _, f := range fs {
		if v, ok := m[f.key]; !ok || v != f.value {
			return false
		}
	}
	return true
}

// lastWrite returns the last value written for key in log.
func lastWrite(log []fact, key string) (string, bool) {
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].key == key {
			return log[i].value, true
		}
	}
	return "", false
}
