package instant

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

func TestCheck(t *testing.T) {
	cn := time.FixedZone("+08:00", 8*3600)
	ok := []time.Time{
		time.Time{},
		time.Date(2024, 5, 1, 0, 0, 0, 0, cn),
		limit.Add(-time.Nanosecond),
		limit.Add(-time.Nanosecond).In(time.FixedZone("+14:00", 14*3600)),
	}
	for _, at := range ok {
		if err := Check(at); err != nil {
			t.Errorf("%v: %v", at, err)
		}
		// The instant and the end of its month in +08:00 can be written.
		in := at.In(cn)
		end := time.Date(in.Year(), in.Month()+1, 1, 0, 0, 0, 0, cn)
		for _, v := range []time.Time{at, end} {
			if _, err := json.Marshal(v); err != nil {
				t.Errorf("%v accepted, but cannot be written: %v", v, err)
			}
		}
	}
	bad := []time.Time{
		limit,
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Time{}.Add(-time.Nanosecond),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, at := range bad {
		if err := Check(at); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%v: %v", at, err)
		}
	}
	if err := Encodable(time.Date(10000, 1, 1, 0, 0, 0, 0, cn)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Encodable(10000): %v", err)
	}
	if err := Encodable(time.Date(9999, 12, 31, 23, 0, 0, 0, cn)); err != nil {
		t.Errorf("Encodable(9999): %v", err)
	}
}
