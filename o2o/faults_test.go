package o2o_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// A price book of 4,000 identical entries built an 883 MB error string:
// an error lists at most MaxFaults faults, then how many more there were.
func TestValidationErrorCapsFaults(t *testing.T) {
	var f o2o.Faults
	if f.Err() != nil {
		t.Fatal("no faults, yet an error")
	}
	for i := range 4000 {
		f.Addf("entries["+strconv.Itoa(i)+"]", "overlaps entry %d", i+1)
	}
	err := f.ErrAs(o2o.ErrDuplicate)
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrDuplicate) || !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("ErrAs = %v", err)
	}
	if len(ve.Fields) != o2o.MaxFaults || ve.Total != 4000 || ve.Count() != 4000 || f.Len() != 4000 {
		t.Errorf("%d fields, total %d, count %d; want %d, 4000", len(ve.Fields), ve.Total, ve.Count(), o2o.MaxFaults)
	}
	msg := err.Error()
	if !strings.HasSuffix(msg, "entries[99]: overlaps entry 100; and 3,900 more") || strings.Contains(msg, "entries[100]") {
		t.Errorf("message ends %q", msg[max(0, len(msg)-80):])
	}
	if len(msg) > 100*40 {
		t.Errorf("message of %d bytes", len(msg))
	}

	// An error built by hand with every fault is still printed bounded.
	fields := make([]o2o.FieldError, 5000)
	for i := range fields {
		fields[i] = o2o.FieldError{Path: "x", Reason: "bad"}
	}
	if msg := (&o2o.ValidationError{Fields: fields}).Error(); strings.Count(msg, "x: bad") != o2o.MaxFaults || !strings.HasSuffix(msg, "; and 4,900 more") {
		t.Errorf("a hand-built error of 5,000 fields prints %d of them, ends %q", strings.Count(msg, "x: bad"), msg[len(msg)-30:])
	}
	if msg := (&o2o.ValidationError{Total: 1_234_567}).Error(); msg != "invalid: and 1,234,567 more" {
		t.Errorf("no fields listed = %q", msg)
	}

	// Prefix keeps the count; AddErr carries it over.
	p := o2o.Prefix("book", err)
	if !errors.As(p, &ve) || ve.Count() != 4000 || len(ve.Fields) != o2o.MaxFaults || ve.Fields[0].Path != "book.entries[0]" || !errors.Is(p, o2o.ErrDuplicate) {
		t.Errorf("Prefix = %d faults, %d listed, first %q", ve.Count(), len(ve.Fields), ve.Fields[0].Path)
	}
	var g o2o.Faults
	g.Add("a", "first")
	g.AddErr("book", err)
	g.AddErr("other", errors.New("plain"))
	g.AddErr("none", nil)
	if !errors.As(g.Err(), &ve) || ve.Count() != 4002 || len(ve.Fields) != o2o.MaxFaults || ve.Fields[1].Path != "book.entries[0]" {
		t.Errorf("AddErr = %d faults, %d listed", ve.Count(), len(ve.Fields))
	}
}

// Validate keeps the first MaxFaults faults of a struct and counts them all.
func TestValidateCapsFaults(t *testing.T) {
	type item struct {
		SKU string `json:"sku" validate:"required"`
	}
	type input struct {
		Items []item `json:"items" validate:"dive"`
	}
	err := o2o.Validate(input{Items: make([]item, 500)})
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != o2o.MaxFaults || ve.Count() != 500 || ve.Fields[0].Path != "items[0].sku" {
		t.Fatalf("Validate of 500 faults = %v", err)
	}
	if !strings.HasSuffix(err.Error(), "; and 400 more") {
		t.Errorf("message ends %q", err.Error()[len(err.Error())-30:])
	}
}
