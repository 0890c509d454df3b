package hostile

import (
	"encoding/json"
	"testing"
	"time"
)

func TestGenerators(t *testing.T) {
	var v map[string]int
	if err := json.Unmarshal(ManyKeys(1000), &v); err != nil || len(v) != 1000 || v["k999"] != 0 {
		t.Fatalf("ManyKeys: %v, %d keys", err, len(v))
	}
	var a any
	if err := json.Unmarshal(NestedClosed(50), &a); err != nil {
		t.Fatalf("NestedClosed: %v", err)
	}
	if json.Valid(Nested(3)) {
		t.Fatal("Nested must be unterminated")
	}
	if err := Within(t, Bound{Time: time.Second, Bytes: 1 << 20}, "noop", func() error { return nil }); err != nil {
		t.Fatal(err)
	}
}
