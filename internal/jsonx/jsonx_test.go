package jsonx

import (
	"encoding/json"
	"errors"
	"testing"
)

type inner struct {
	Name string `json:"name"`
}

type embedded struct {
	Shared string `json:"shared"`
}

type outer struct {
	embedded
	Items  []inner          `json:"items"`
	ByKey  map[string]inner `json:"byKey"`
	Ptr    *inner           `json:"ptr"`
	Any    any              `json:"any"`
	Hidden string           `json:"-"`
	Plain  string
	Nested map[string][]inner `json:"nested"`
}

func TestDecodeUnknownFieldPath(t *testing.T) {
	tests := []struct{ json, path string }{
		{`{"items":[{"name":"a"},{"name":"b","extra":1}]}`, "items[1].extra"},
		{`{"byKey":{"k":{"nope":true}}}`, "byKey.k.nope"},
		{`{"ptr":{"name":"x","bad":[1,{"a":2}]}}`, "ptr.bad"},
		{`{"any":{"free":1},"shared":"s","zzz":0}`, "zzz"},
		{`{"Hidden":"x"}`, "Hidden"},
		{`{"nested":{"a":[{"name":"n"},{"q":1}]}}`, "nested.a[1].q"},
		{`{"NAME":1,"top":2}`, "NAME"},
	}
	for _, tt := range tests {
		var v outer
		err := Decode([]byte(tt.json), &v)
		var pe *PathError
		if !errors.As(err, &pe) || pe.Path != tt.path || pe.Reason != "unknown field" {
			t.Errorf("Decode(%s) = %v, want unknown field at %q", tt.json, err, tt.path)
		}
	}
	var v outer
	if err := Decode([]byte(`{"any":{"free":{"deep":[1,{"x":1}]}},"items":[]}`), &v); err != nil {
		t.Errorf("Decode into an interface field = %v", err)
	}
	if err := Decode([]byte(`{"Plain":"exact","shared":"ok","items":[{"name":"x"}]}`), &v); err != nil {
		t.Errorf("Decode of known fields = %v", err)
	}
}

func TestDecodeIsStrict(t *testing.T) {
	tests := []struct{ json, path, reason string }{
		{`{"plain":"wrong case"}`, "plain", "unknown field"},
		{`{"items":[{"NAME":"x"}]}`, "items[0].NAME", "unknown field"},
		{`{"Plain":"a","Plain":"b"}`, "Plain", "repeats a key of the same object"},
		{`{"byKey":{"k":{},"k":{}}}`, "byKey.k", "repeats a key of the same object"},
		{`{"items":[{"name":"a"},{"name":"b","name":"c"}]}`, "items[1].name", "repeats a key of the same object"},
	}
	for _, tt := range tests {
		var v outer
		err := Decode([]byte(tt.json), &v)
		var pe *PathError
		if !errors.As(err, &pe) || pe.Path != tt.path || pe.Reason != tt.reason {
			t.Errorf("Decode(%s) = %v, want %q at %q", tt.json, err, tt.reason, tt.path)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ json, path, reason string }{
		{`{"items":"x"}`, "items", "cannot be a JSON string"},
		{`{"items":[`, "", "truncated JSON"},
		{`{} {}`, "", "unexpected data after the JSON value"},
		{``, "", "truncated JSON"},
	}
	for _, tt := range tests {
		var v outer
		err := Decode([]byte(tt.json), &v)
		var pe *PathError
		if !errors.As(err, &pe) || pe.Path != tt.path || pe.Reason != tt.reason {
			t.Errorf("Decode(%q) = %#v, want %q at %q", tt.json, err, tt.reason, tt.path)
		}
	}
	var v outer
	if err := Decode([]byte(`{"items":[}`), &v); err == nil {
		t.Error("malformed JSON decoded")
	}
}

func TestDecodeEscapedKeys(t *testing.T) {
	var v outer
	if err := Decode([]byte(`{"\u0050lain":"escaped but exact","items":[{"n\u0061me":"x"}]}`), &v); err != nil || v.Plain != "escaped but exact" || v.Items[0].Name != "x" {
		t.Errorf("Decode with escaped keys = %+v, %v", v, err)
	}
	err := Decode([]byte(`{"Plain":"a","\u0050lain":"b"}`), &v)
	var pe *PathError
	if !errors.As(err, &pe) || pe.Path != "Plain" {
		t.Errorf("a key repeated through an escape = %v, want a repeat at Plain", err)
	}
	for _, bad := range []string{`{"Plain":}`, `{"Plain" "x"}`, `{"items":[1,]}`, `{"a\x01":1}`, `[`, `{"Plain":"x",}`, `{"Plain":"\q"}`} {
		if err := Decode([]byte(bad), &v); err == nil {
			t.Errorf("Decode(%q) accepted malformed JSON", bad)
		}
	}
}

// BenchmarkDecode measures strict decoding against plain encoding/json on
// a config-shaped document.
func BenchmarkDecode(b *testing.B) {
	doc := []byte(`{"Plain":"p","shared":"s","items":[{"name":"a"},{"name":"b"},{"name":"c"}],"byKey":{"x":{"name":"x"},"y":{"name":"y"}},"nested":{"a":[{"name":"n"}]}}`)
	b.Run("strict", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v outer
			if err := Decode(doc, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v outer
			if err := json.Unmarshal(doc, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
