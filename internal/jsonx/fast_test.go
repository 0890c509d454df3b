package jsonx

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/internal/limits"
)

// color decodes itself from text, refusing what it does not know.
type color int

func (c *color) UnmarshalText(b []byte) error {
	switch string(b) {
	case "red":
		*c = 1
	case "blue":
		*c = 2
	default:
		return errors.New("unknown color")
	}
	return nil
}

type label string

type leaf struct {
	Name  string  `json:"name"`
	Count int8    `json:"count"`
	Size  uint16  `json:"size"`
	Ratio float32 `json:"ratio"`
	On    bool    `json:"on"`
	Color color   `json:"color"`
}

// wide holds every form decodeFast writes, and some it leaves to the
// reference path (an interface, bytes, a ",string" field's struct).
type wide struct {
	Leaf   leaf                `json:"leaf"`
	Ptr    *leaf               `json:"ptr"`
	PtrPtr **int               `json:"ptrPtr"`
	Leaves []leaf              `json:"leaves"`
	Grid   [][]float64         `json:"grid"`
	ByName map[label]leaf      `json:"byName"`
	Tags   map[string][]string `json:"tags"`
	At     time.Time           `json:"at"`
	Raw    json.RawMessage     `json:"raw"`
	Colors []color             `json:"colors"`
	Any    any                 `json:"any"`
	Bytes  []byte              `json:"bytes"`
	Quoted struct {
		N int `json:"n,string"`
	} `json:"quoted"`
	Big     int64         `json:"big"`
	Nums    []json.Number `json:"nums"`
	Skipped string        `json:"-"`
	GoName  string
	Self    *wide `json:"self"`
}

var wideSeeds = []string{
	`{"leaf":{"name":"a","count":-5,"size":7,"ratio":1.5,"on":true,"color":"red"}}`,
	`{"ptr":{"name":"\u00e9\n"},"ptrPtr":3,"leaves":[{"name":"x"},{"count":1}],"grid":[[1,2e3],[],[-0.5]]}`,
	`{"byName":{"k":{"name":"v"},"":{}},"tags":{"a":["x","y"],"b":[]},"at":"2026-01-02T03:04:05Z"}`,
	`{"raw":{"a":[1,true,null,"s"]},"colors":["red","blue"],"big":-9223372036854775808,"GoName":"g"}`,
	`{"self":{"self":{"leaf":{"on":false}}},"leaves":[]}`,
	`{"raw":[1,2,]}`, `{"raw":01}`, `{"raw":tru}`, `{"raw":{"a":1,"a":2}}`, `{"raw":-}`, `{"raw":1.}`, `{"raw":1e}`,
	`{"leaf":{"count":128}}`, `{"leaf":{"size":-1}}`, `{"leaf":{"count":1.0}}`, `{"leaf":{"ratio":1e39}}`,
	`{"leaf":{"color":"green"}}`, `{"leaf":{"color":1}}`, `{"leaf":{"name":null}}`, `{"ptr":null}`,
	`{"any":{"a":1}}`, `{"bytes":"AAE="}`, `{"quoted":{"n":"5"}}`, `{"nums":[1.5]}`,
	`{"leaf":{"Name":"a"}}`, `{"Skipped":"x"}`, `{"goName":"x"}`, `{"leaf":{}} x`, "\xEF\xBB\xBF{}",
	`{"leaf":{"name":"a","name":"b"}}`, "{\"leaf\":{\"name\":\"\xff\"}}", `{"leaf":{"name":"\ud800"}}`,
	`{"leaf":{"on":truex}}`, `{"leaves":[{}{}]}`, `{"tags":{"a":["x"],"a":[]}}`, `{"grid":[[1],[2]`, `[]`, `""`, ``,
	`{"leaf":{"name":"a"},}`, `{"ptrPtr":+1}`, `{"ptrPtr":1 }  `, " \t\n{}\r\n",
	string(hostile.NestedClosed(limits.MaxDepth + 1)), string(hostile.ManyKeys(20)),
}

// FuzzFastMatchesReference checks the speed trick of fast.go against the
// reference path: whatever decodeFast accepts, the reference accepts too
// and decodes to the same value; and Decode, which tries decodeFast first,
// answers exactly as the reference does, error text included.
func FuzzFastMatchesReference(f *testing.F) {
	for _, s := range wideSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastMatches(t, data)
	})
}

func checkFastMatches(t *testing.T, data []byte) {
	t.Helper()
	var want wide
	errWant := decodeChecked(data, &want)
	var fast wide
	if decodeFast(data, reflect.ValueOf(&fast).Elem()) {
		if errWant != nil {
			t.Fatalf("decodeFast accepted %q, which the reference refuses: %v", data, errWant)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Fatalf("decodeFast(%q) = %+v, the reference gives %+v", data, fast, want)
		}
	}
	var got wide
	errGot := Decode(data, &got)
	if (errGot == nil) != (errWant == nil) || errGot != nil && errGot.Error() != errWant.Error() {
		t.Fatalf("Decode(%q) = %v, the reference gives %v", data, errGot, errWant)
	}
	if errGot == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%q) = %+v, the reference gives %+v", data, got, want)
	}
}

// TestFastMatchesReferenceOnSeeds runs the seeds without -fuzz, and checks
// that decodeFast does take the documents it is for: a fast path that
// always declined would pass the equivalence vacuously.
func TestFastMatchesReferenceOnSeeds(t *testing.T) {
	for _, s := range wideSeeds {
		checkFastMatches(t, []byte(s))
	}
	for _, s := range wideSeeds[:5] {
		var v wide
		if !decodeFast([]byte(s), reflect.ValueOf(&v).Elem()) {
			t.Errorf("decodeFast declined %s", s)
		}
	}
}

// TestDecodeIntoFilledTarget: a target that is not zero takes the
// reference path, which keeps the fields the document does not name (as
// encoding/json does).
func TestDecodeIntoFilledTarget(t *testing.T) {
	v := leaf{Name: "kept", Count: 3}
	if err := Decode([]byte(`{"count":4}`), &v); err != nil {
		t.Fatal(err)
	}
	if want := (leaf{Name: "kept", Count: 4}); v != want {
		t.Errorf("got %+v, want %+v", v, want)
	}
}

func TestCountElements(t *testing.T) {
	tests := []struct {
		data string
		want int
	}{
		{`1]`, 1},
		{`1, 2 ,3]`, 3},
		{`"a,]\"",[1,2],{"k":[3,4],"l":"}"}]`, 3},
		{`"\\",2]`, 2},
		{`1,2`, 0},
		{`"open`, 0},
		{strings.Repeat("1,", countLimit) + "1]", 0},
	}
	for _, tt := range tests {
		if got := countElements([]byte(tt.data)); got != tt.want {
			t.Errorf("countElements(%.40q) = %d, want %d", tt.data, got, tt.want)
		}
	}
}

// fresh is decoded by no other test, so that its plan is built while the
// goroutines of TestFastPlansConcurrently race for it.
type fresh struct {
	Self  *fresh            `json:"self"`
	Items []fresh           `json:"items"`
	ByKey map[string]*fresh `json:"byKey"`
	Name  string            `json:"name"`
}

// TestFastPlansConcurrently: plans are built once and shared; decoding
// from many goroutines at once gives every one the same value (run it
// with -race).
func TestFastPlansConcurrently(t *testing.T) {
	data := []byte(`{"self":{"name":"s"},"items":[{"name":"i"}],"byKey":{"k":{"items":[]}},"name":"n"}`)
	var want fresh
	if err := decodeChecked(data, &want); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]fresh, 8)
	errs := make([]error, len(got))
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = Decode(data, &got[i])
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil || !reflect.DeepEqual(got[i], want) {
			t.Errorf("goroutine %d: %+v, %v; want %+v", i, got[i], errs[i], want)
		}
	}
}
