package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

type line struct {
	SKU string `json:"sku" validate:"required"`
	Qty int    `json:"qty" validate:"gt=0"`
}

type config struct {
	Name    string   `json:"name" validate:"required"`
	Lines   []line   `json:"lines" validate:"min=1,dive"`
	Mode    string   `json:"mode" validate:"oneof=a b"`
	Tags    []string `json:"tags" validate:"max=2,unique"`
	Code    string   `json:"code,omitempty" validate:"omitempty,len=6"`
	Percent int      `json:"percent" validate:"gte=0,lte=100"`
	NoTag   string   `validate:"required"`
	Skipped string   `json:"-" validate:"required"`
}

func TestStruct(t *testing.T) {
	valid := config{Name: "n", Lines: []line{{SKU: "a", Qty: 1}}, Mode: "a", NoTag: "x", Skipped: "x"}
	if issues := Struct(valid); issues != nil {
		t.Fatalf("valid config: %v", issues)
	}
	bad := config{Lines: []line{{SKU: "a", Qty: 1}, {Qty: 0}}, Mode: "c", Tags: []string{"x", "x", "y"}, Code: "123", Percent: 101}
	want := []Issue{
		{"name", "is required"},
		{"lines[1].sku", "is required"},
		{"lines[1].qty", "must be greater than 0"},
		{"mode", "must be one of [a b]"},
		{"tags", "must have at most 2 item(s)"},
		{"code", "must have length 6"},
		{"percent", "must be at most 100"},
		{"NoTag", "is required"},
		{"Skipped", "is required"},
	}
	if diff := cmp.Diff(want, Struct(bad)); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Issue{{"lines", "must have at least 1 item(s)"}}, Struct(config{Name: "n", Mode: "a", NoTag: "x", Skipped: "x"})); diff != "" {
		t.Errorf("empty lines (-want +got):\n%s", diff)
	}
	if got := Struct(42); len(got) != 1 || got[0].Path != "" {
		t.Errorf("Struct(42) = %v, want one document-level issue", got)
	}
}
