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

type Embedded struct {
	Shared string `json:"shared"`
}

type ids struct {
	Embedded
	SKU     string          `json:"sku" validate:"required"`
	Lines   []line          `json:"lines"`
	ByID    map[string]line `json:"byId"`
	ByNum   map[int]string  `json:"byNum"`
	Ptr     *line           `json:"ptr"`
	Any     any             `json:"any"`
	Hidden  string          `json:"-"`
	NoTag   string
	Arr     [2]string `json:"arr"`
	Numbers []int     `json:"numbers"`
	Self    *ids      `json:"self"`
	private string
}

// Invalid UTF-8 in an identifier given through the Go API is refused with
// its path: JSON would turn it into U+FFFD, and two ids would collide.
func TestStructRefusesInvalidUTF8(t *testing.T) {
	bad := "a\xff"
	v := ids{
		Embedded: Embedded{Shared: bad},
		SKU:      bad,
		Lines:    []line{{SKU: "ok", Qty: 1}, {SKU: bad, Qty: 1}},
		ByID:     map[string]line{"k": {SKU: bad, Qty: 1}, bad: {SKU: "x", Qty: 1}},
		ByNum:    map[int]string{7: bad},
		Ptr:      &line{SKU: bad, Qty: 1},
		Any:      []string{bad},
		Hidden:   bad,
		NoTag:    bad,
		Arr:      [2]string{"", bad},
		Numbers:  []int{1, 2},
		private:  bad,
	}
	v.Self = &ids{SKU: bad}
	want := []Issue{
		{"shared", notText}, {"sku", notText}, {"lines[1].sku", notText},
		{"byId.k.sku", notText}, {"byId", "has a key that " + notText}, {"byNum[7]", notText},
		{"ptr.sku", notText}, {"any[0]", notText}, {"Hidden", notText}, {"NoTag", notText},
		{"arr[1]", notText}, {"self.sku", notText},
	}
	got := Struct(v)
	// Map order is random: compare as sets.
	set := func(is []Issue) map[Issue]int {
		m := map[Issue]int{}
		for _, i := range is {
			m[i]++
		}
		return m
	}
	if diff := cmp.Diff(set(want), set(got)); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
	ok := ids{SKU: "全省一个价 é", ByID: map[string]line{"键": {SKU: "x", Qty: 1}}}
	if issues := Struct(ok); issues != nil {
		t.Errorf("valid text: %v", issues)
	}
}
