package workflow

import (
	"slices"
	"strings"
)

// fact is one recorded fact. Instances keep their facts flat, as sorted
// slices of fact, rather than as maps: a restore then costs one allocation
// for every fact of the history instead of one map per step.
type fact struct{ key, value string }

func compareKey(f fact, key string) int { return strings.Compare(f.key, key) }

// getFact looks key up in fs, sorted by key.
func getFact(fs []fact, key string) (string, bool) {
	i, ok := slices.BinarySearchFunc(fs, key, compareKey)
	if !ok {
		return "", false
	}
	return fs[i].value, true
}

// setFact records key=value in fs, sorted by key, and returns fs.
func setFact(fs []fact, key, value string) []fact {
	i, ok := slices.BinarySearchFunc(fs, key, compareKey)
	if ok {
		fs[i].value = value
		return fs
	}
	return slices.Insert(fs, i, fact{key, value})
}

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

// sortedFacts returns m as a sorted slice.
func sortedFacts(m Facts) []fact {
	fs := make([]fact, 0, len(m))
	for k, v := range m {
		fs = append(fs, fact{k, v})
	}
	slices.SortFunc(fs, func(a, b fact) int { return strings.Compare(a.key, b.key) })
	return fs
}

// sameFacts reports whether the flat facts fs hold exactly m.
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

// settle turns log, facts in the order they were written, into the facts
// as they stand: sorted by key, the last write of each key winning. It
// sorts positions rather than facts (no pointers move while sorting) and
// returns a fresh slice with room for a few more facts.
func settle(log []fact) []fact {
	var buf [64]uint16
	pos := buf[:0]
	if len(log) > len(buf) {
		pos = make([]uint16, 0, len(log))
	}
	if len(log) > 1<<16 {
		// Far beyond any real flow; fall back to inserting one by one.
		out := make([]fact, 0, len(log))
		for _, f := range log {
			out = setFact(out, f.key, f.value)
		}
		return out
	}
	for i := range log {
		pos = append(pos, uint16(i))
	}
	slices.SortFunc(pos, func(a, b uint16) int {
		if c := strings.Compare(log[a].key, log[b].key); c != 0 {
			return c
		}
		return int(a) - int(b)
	})
	out := make([]fact, 0, len(log)+4)
	for i, p := range pos {
		if i+1 < len(pos) && log[pos[i+1]].key == log[p].key {
			continue
		}
		out = append(out, log[p])
	}
	return out
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
