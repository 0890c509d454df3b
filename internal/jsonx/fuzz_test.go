package jsonx

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/internal/limits"
)

// FuzzDecode checks Decode against encoding/json's own strict decoder: what
// Decode accepts, encoding/json accepts too and decodes to the same value;
// what encoding/json refuses, Decode refuses. (Decode refuses more: repeated
// keys and keys in another case.) It must never panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"Plain":"p","items":[{"name":"a"}],"byKey":{"k":{"name":"x"}},"any":[1,{"a":"b"}],"nested":{"a":[]}}`,
		`{"plain":1}`, `{"Plain":"a","Plain":"b"}`, `{"items":[{"name":"a","x":1}]}`, `{} {}`, `{"\u0050lain":"e"}`,
		`{"ptr":null,"any":null}`, `{"items":[1e5]}`, `{"shared":"\ud83d\ude00"}`, `[`, `{"a\/b":1}`,
		"{\"Plain\":\"\xff\"}", `{"Plain":"\ud800"}`, `{"Plain":"\udc00\ud800x"}`, "\xEF\xBB\xBF{}", "{\"byKey\":{\"\xfe\":{}}}",
		`{"Plain":"\u00e9\b\f\n\r\t\"\\\/"}`, `{"any":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}`,
		string(hostile.NestedClosed(limits.MaxDepth + 1)), string(hostile.ManyKeys(20)),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got outer
		errGot := Decode(data, &got)
		var want outer
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		errWant := dec.Decode(&want)
		if errWant == nil && dec.More() {
			errWant = errTrailing
		}
		if errGot == nil && errWant != nil {
			t.Fatalf("Decode accepted %q, which encoding/json refuses: %v", data, errWant)
		}
		if errGot == nil && !utf8.Valid(data) {
			t.Fatalf("Decode accepted %q, which is not valid UTF-8", data)
		}
		if errGot == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(%q) = %+v, encoding/json gives %+v", data, got, want)
		}
	})
}

var errTrailing = &PathError{Reason: "trailing data"}
