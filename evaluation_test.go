package o2okit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
)

// FuzzEvaluationJSON: any input either decodes into an evaluation that
// marshals, decodes again and marshals to the same bytes and explains itself
// without panicking, or is refused with an error wrapping o2o.ErrInvalid.
func FuzzEvaluationJSON(f *testing.F) {
	e := sampleEngine(f)
	for _, tc := range []struct {
		o o2o.Order
		c o2okit.Circumstances
	}{
		{baseOrder("F1"), o2okit.Circumstances{}},
		{baseOrder("F2", deliver("441900003"), lines(line("CAB-K1", "2", o2o.UnitPiece), line("SVC-MEASURE", "1", o2o.UnitJob))), o2okit.Circumstances{Campaign: campaign(2, "9000.00")}},
		{baseOrder("F3", lines(line("CAB-K1", "1", o2o.UnitPiece))), o2okit.Circumstances{Campaign: campaign(4, "90000.00")}},
	} {
		ev, err := e.Evaluate(tc.o, tc.c)
		if err != nil {
			f.Fatal(err)
		}
		data, err := json.Marshal(ev)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ev o2okit.Evaluation
		if err := json.Unmarshal(data, &ev); err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				var se *json.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("%T %v", err, err)
				}
			}
			return
		}
		first, err := json.Marshal(&ev)
		if err != nil {
			t.Fatalf("a decoded evaluation does not encode: %v", err)
		}
		var back o2okit.Evaluation
		if err := json.Unmarshal(first, &back); err != nil {
			t.Fatalf("re-decode: %v\n%s", err, first)
		}
		second, err := json.Marshal(&back)
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("round trip differs: %v\n%s\n%s", err, first, second)
		}
		_ = back.Explain()
	})
}

// TestEvaluationJSONRefusesWhatDoesNotEncode: an empty object decodes into no
// evaluation (its capability would not encode again); the fuzzer's first find.
func TestEvaluationJSONRefusesWhatDoesNotEncode(t *testing.T) {
	var ev o2okit.Evaluation
	for _, in := range []string{`{}`, `{"need":"delivery"}`, `{"need":"teleport"}`, `{"need":"delivery","extra":1}`} {
		if err := json.Unmarshal([]byte(in), &ev); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: got %v, want an error wrapping o2o.ErrInvalid", in, err)
		}
	}
}
