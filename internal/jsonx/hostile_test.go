package jsonx

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/internal/limits"
)

// fast is the bound for refusing a hostile document of a few megabytes.
var fast = hostile.Bound{Time: slowdown * 3 * time.Second, Bytes: 256 << 20}

func pathError(t *testing.T, err error) *PathError {
	t.Helper()
	var pe *PathError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want a *PathError", err, err)
	}
	return pe
}

// A million brackets used to overflow the stack (a fatal error no recover
// catches); the scan now stops at the first level past limits.MaxDepth.
func TestDecodeDepthLimit(t *testing.T) {
	deep := strings.Repeat("[0]", limits.MaxDepth)[:3*limits.MaxDepth] // path of the refused level
	for name, doc := range map[string][]byte{
		"a million brackets, open":       hostile.Nested(1_000_000),
		"a million brackets, closed":     hostile.NestedClosed(1_000_000),
		"one level too many":             hostile.NestedClosed(limits.MaxDepth + 1),
		"objects a million deep":         []byte(strings.Repeat(`{"a":`, 1_000_000)),
		"in a value that decodes itself": []byte(`{"self":` + strings.Repeat("[", 1_000_000) + `}`),
	} {
		t.Run(name, func(t *testing.T) {
			var v any
			var target any = &v
			if strings.HasPrefix(name, "in a value") {
				target = &withSelf{}
			}
			err := hostile.Within(t, fast, name, func() error { return Decode(doc, target) })
			pe := pathError(t, err)
			if !strings.Contains(pe.Reason, "deeper than 128 levels") {
				t.Errorf("reason = %q, want the depth limit named", pe.Reason)
			}
			if name == "one level too many" && pe.Path != deep {
				t.Errorf("path = %q, want %q", pe.Path, deep)
			}
		})
	}
	var v any
	if err := Decode(hostile.NestedClosed(limits.MaxDepth), &v); err != nil {
		t.Errorf("nesting at the limit = %v, want it accepted", err)
	}
}

// withSelf has a field whose type decodes itself: the scan still reads it.
type withSelf struct {
	Self selfDecoding `json:"self"`
}

type selfDecoding struct{ raw string }

func (s *selfDecoding) UnmarshalJSON(data []byte) error { s.raw = string(data); return nil }

// 100,000 keys in one object took 46 s (a quadratic repeated-key check);
// the check is linear now, and an object may hold at most limits.MaxKeys.
func TestDecodeManyKeys(t *testing.T) {
	var m map[string]int
	err := hostile.Within(t, fast, "100,000 keys", func() error { return Decode(hostile.ManyKeys(100_000), &m) })
	if pe := pathError(t, err); pe.Path != "" || !strings.Contains(pe.Reason, "more than 10000 keys") {
		t.Errorf("100,000 keys = %v, want the key limit named", err)
	}
	err = Decode([]byte(`{"self":`+string(hostile.ManyKeys(limits.MaxKeys+1))+`}`), &withSelf{})
	if pe := pathError(t, err); pe.Path != "self" || !strings.Contains(pe.Reason, "more than 10000 keys") {
		t.Errorf("too many keys in a value that decodes itself = %v", err)
	}
	if err := Decode(hostile.ManyKeys(limits.MaxKeys), &m); err != nil || len(m) != limits.MaxKeys {
		t.Errorf("keys at the limit = %v (%d keys), want them accepted", err, len(m))
	}
	// Many objects at the limit: linear, where the old check took minutes.
	var b strings.Builder
	b.WriteByte('[')
	for i := range 60 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(hostile.ManyKeys(limits.MaxKeys))
	}
	b.WriteByte(']')
	var ms []map[string]int
	if err := hostile.Within(t, hostile.Bound{Time: slowdown * 5 * time.Second, Bytes: 1 << 30}, "60 objects of 10,000 keys", func() error {
		return Decode([]byte(b.String()), &ms)
	}); err != nil {
		t.Errorf("60 objects of 10,000 keys = %v", err)
	}
}

func TestDecodeRepeatedKeyPastInline(t *testing.T) {
	for _, n := range []int{15, 16, 17, 100} {
		doc := string(hostile.ManyKeys(n))
		doc = doc[:len(doc)-1] + `,"k` + strconv.Itoa(n/2) + `":1}`
		var m map[string]int
		pe := pathError(t, Decode([]byte(doc), &m))
		if pe.Path != "k"+strconv.Itoa(n/2) || pe.Reason != "repeats a key of the same object" {
			t.Errorf("%d keys then a repeat = %v", n, pe)
		}
	}
}

// encoding/json turns invalid UTF-8 and unpaired surrogates into U+FFFD, so
// two different byte strings read the same: both are refused, with a path.
func TestDecodeInvalidUTF8(t *testing.T) {
	tests := []struct{ json, path, reason string }{
		{"{\"Plain\":\"\xff\"}", "Plain", "is not valid UTF-8"},
		{"{\"items\":[{\"name\":\"ok\"},{\"name\":\"a\xc3\"}]}", "items[1].name", "is not valid UTF-8"},
		{"{\"byKey\":{\"\xff\":{},\"\xfe\":{}}}", "byKey", "has a key that is not valid UTF-8"},
		{"{\"any\":[\"\xed\xa0\x80\"]}", "any[0]", "is not valid UTF-8"}, // a surrogate written as UTF-8
		{`{"Plain":"\ud800"}`, "Plain", `holds an unpaired UTF-16 surrogate (\ud800), which names no character`},
		{`{"Plain":"\udc00\ud800"}`, "Plain", `holds an unpaired UTF-16 surrogate (\udc00), which names no character`},
		{`{"Plain":"\ud800\u0041"}`, "Plain", `holds an unpaired UTF-16 surrogate (\ud800), which names no character`},
		{`{"byKey":{"\ud800":{},"\udbff":{}}}`, "byKey", `has a key that holds an unpaired UTF-16 surrogate (\ud800), which names no character`},
		{"{\"self\":\"\xff\"}", "self", "is not valid UTF-8"},
	}
	for _, tt := range tests {
		var target any = &outer{}
		if strings.HasPrefix(tt.json, `{"self"`) {
			target = &withSelf{}
		}
		pe := pathError(t, Decode([]byte(tt.json), target))
		if pe.Path != tt.path || pe.Reason != tt.reason {
			t.Errorf("Decode(%q) = %q at %q, want %q at %q", tt.json, pe.Reason, pe.Path, tt.reason, tt.path)
		}
	}
	var v outer
	if err := Decode([]byte(`{"Plain":"全省一个价 \ud83d\ude00 \ufffd \u00e9","items":[{"name":"é"}]}`), &v); err != nil {
		t.Fatalf("valid text refused: %v", err)
	}
	if v.Plain != "全省一个价 😀 \ufffd é" || v.Items[0].Name != "é" {
		t.Errorf("decoded %q, %q", v.Plain, v.Items[0].Name)
	}
}

func TestDecodeByteOrderMark(t *testing.T) {
	for _, doc := range []string{"\xEF\xBB\xBF{}", " \xEF\xBB\xBF{}", "\xFE\xFF{}", "\xFF\xFE{}"} {
		var v outer
		pe := pathError(t, Decode([]byte(doc), &v))
		if pe.Path != "" || !strings.Contains(pe.Reason, "byte-order mark") {
			t.Errorf("Decode(%q) = %v, want the byte-order mark named", doc, pe)
		}
	}
}

// A huge string is read once, in linear time.
func TestDecodeHugeString(t *testing.T) {
	doc := []byte(`{"Plain":"` + strings.Repeat("全", 10<<20/3) + `"}`)
	var v outer
	if err := hostile.Within(t, hostile.Default, "10 MB string", func() error { return Decode(doc, &v) }); err != nil {
		t.Errorf("10 MB string = %v", err)
	}
}
