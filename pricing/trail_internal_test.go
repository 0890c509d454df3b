package pricing

import (
	"reflect"
	"testing"
)

// The index tables cover every rule and code, and each index maps back.
func TestTrailIndexes(t *testing.T) {
	if len(ruleTable) != len(RuleNames()) || len(codeTable) != len(ReasonCodes()) {
		t.Fatalf("tables: %d rules, %d codes; want %d, %d", len(ruleTable), len(codeTable), len(RuleNames()), len(ReasonCodes()))
	}
	for _, r := range RuleNames() {
		if got := ruleTable[ruleIndex(r)]; got != r {
			t.Errorf("rule %s maps back to %s", r, got)
		}
	}
	for _, c := range ReasonCodes() {
		if got := codeTable[codeIndex(c)]; got != c {
			t.Errorf("code %s maps back to %s", c, got)
		}
	}
}

// A quote's records hold no pointer, so their block is never scanned by
// the garbage collector and filling it needs no write barrier.
func TestRecordIsPointerFree(t *testing.T) {
	var walk func(reflect.Type) bool
	walk = func(ty reflect.Type) bool {
		switch ty.Kind() {
		case reflect.Array:
			return walk(ty.Elem())
		case reflect.Struct:
			for i := range ty.NumField() {
				if !walk(ty.Field(i).Type) {
					return false
				}
			}
			return true
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return true
		}
		return false
	}
	if !walk(reflect.TypeFor[rec]()) {
		t.Fatal("rec holds a pointer, string, slice or interface")
	}
}

// Names and decimals beyond the inline slots spill and still read back.
func TestTrailSpills(t *testing.T) {
	var tr trail
	names := []string{}
	for i := range nameSlots + 5 {
		names = append(names, string(rune('a'+i)))
	}
	for _, n := range names {
		tr.name(n)
	}
	for _, n := range names {
		if got := tr.nameAt(tr.name(n)); got != n {
			t.Errorf("name %q reads back as %q", n, got)
		}
	}
}
