package workflow_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// TestStrictJSON: snapshots and specs refuse keys that differ in case,
// repeated keys (in structs and in fact objects), wrong value types and
// values that refuse themselves, each with the full indexed JSON path.
func TestStrictJSON(t *testing.T) {
	def := flowtest.MustDecoration(t)
	in := flowtest.Run(t, def, flowtest.DecorationJourney()[:4])
	data, err := json.Marshal(in.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	snap := string(data)
	spec, err := json.Marshal(decoration.ProcessSpec(decoration.WithVersion(1)))
	if err != nil {
		t.Fatal(err)
	}
	sp := string(spec)
	type tc struct {
		name, doc, path string
		is              error
	}
	edit := func(doc, old, new string) string {
		t.Helper()
		if !strings.Contains(doc, old) {
			t.Fatalf("%q not in the document", old)
		}
		return strings.Replace(doc, old, new, 1)
	}
	snapshots := []tc{
		{"key in another case", edit(snap, `"state"`, `"State"`), "State", nil},
		{"repeated key", edit(snap, `"state":`, `"state":"new","state":`), "state", nil},
		{"repeated fact", edit(snap, `"facts":{`, `"facts":{"a":"1","a":"2",`), "facts.a", nil},
		{"repeated fact in a step", edit(snap, `"history":[{"seq":1,`, `"history":[{"seq":1,"facts":{"a":"1","a":"2"},`), "history[0].facts.a", nil},
		{"fact not text", edit(snap, `"facts":{`, `"facts":{"a":1,`), "facts.a", nil},
		{"role in another case", edit(snap, `"role":"store"`, `"role":"Store"`), "history[2].role", nil},
		{"malformed instant", edit(snap, `"at":"2025`, `"at":"x2025`), "history[0].at", nil},
		{"deadline key in another case", edit(snap, `"due"`, `"Due"`), "deadlines[0].Due", nil},
	}
	for _, tt := range snapshots {
		t.Run("snapshot/"+tt.name, func(t *testing.T) {
			var s workflow.Snapshot
			checkJSONRefusal(t, json.Unmarshal([]byte(tt.doc), &s), tt.path, tt.is)
		})
	}
	specs := []tc{
		{"key in another case", edit(sp, `"name"`, `"Name"`), "Name", nil},
		{"repeated key", edit(sp, `"events":[{`, `"events":[{"to":"x",`), "events[0].to", nil},
		{"repeated record", edit(sp, `"records":{`, `"records":{"q":"1","q":"1",`), "events[12].records.q", nil},
		{"role in another case", edit(sp, `"roles":["owner"`, `"roles":["Owner"`), "events[0].roles[0]", nil},
		{"guard kind in another case", edit(sp, `"kind":"present"`, `"kind":"Present"`), "guards[1].kind", nil},
		{"malformed duration", edit(sp, `"within":"2d"`, `"within":"2x"`), "states[1].deadline.within", nil},
	}
	for _, tt := range specs {
		t.Run("spec/"+tt.name, func(t *testing.T) {
			_, err := workflow.ParseSpec([]byte(tt.doc))
			checkJSONRefusal(t, err, tt.path, tt.is)
			var d workflow.Definition
			checkJSONRefusal(t, json.Unmarshal([]byte(tt.doc), &d), tt.path, tt.is)
		})
	}
	var r workflow.Role
	var ee *o2o.EnumError
	if err := json.Unmarshal([]byte(`"Owner"`), &r); !errors.As(err, &ee) {
		t.Errorf("role Owner: %v", err)
	}
}

func checkJSONRefusal(t *testing.T, err error, path string, is error) {
	t.Helper()
	var ve *o2o.ValidationError
	if !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *o2o.ValidationError", err)
	}
	if ve.Fields[0].Path != path {
		t.Errorf("err = %v, want path %q", err, path)
	}
	if is != nil && !errors.Is(err, is) {
		t.Errorf("err = %v, want %v", err, is)
	}
}
