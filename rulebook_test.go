package o2okit_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/o2okit/o2okit"
)

// sampleRulebook is the sample rulebook of examples/rulebook, read once per
// test binary.
func sampleRulebook(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("examples/rulebook/rulebook.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadSample(t testing.TB) *o2okit.Rulebook {
	t.Helper()
	rb, err := o2okit.LoadRulebook(sampleRulebook(t))
	if err != nil {
		t.Fatal(err)
	}
	return rb
}

// TestRulebookRoundTrip: the sample loads, and marshal → load → marshal is
// byte-identical.
func TestRulebookRoundTrip(t *testing.T) {
	rb := loadSample(t)
	first, err := rb.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	again, err := o2okit.LoadRulebook(first)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	second, err := again.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("marshal → load → marshal differs:\n%s\n%s", first, second)
	}
}
