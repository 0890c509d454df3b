// Package instant holds the range of business instants settlement and
// drainage accept, so that every instant they keep — and every date derived
// from one (its month in +08:00, a lookback window) — can be written as
// JSON (RFC 3339 has four-digit years) and read back.
package instant

import (
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// limit is the first instant refused: 9999-12-01T00:00:00+08:00. The month
// (read in +08:00) of any instant before it ends within year 9999, so the
// period a statement or a budget month derives from it can be written.
var limit = time.Date(9999, time.December, 1, 0, 0, 0, 0, time.FixedZone("+08:00", 8*3600))

// first is the first instant accepted: 0001-01-01T00:00:00Z, the zero
// time, which callers refuse as missing on its own.
var first = time.Time{}

// Text is the range as the errors and the docs state it.
const Text = "from year 1 up to 9999-12-01T00:00:00+08:00 (excluded)"

// Check returns an error wrapping o2o.ErrInvalid (with an empty path, for
// the caller to prefix) when t is outside the range accepted.
func Check(t time.Time) error {
	if t.Before(first) || !t.Before(limit) {
		return o2o.Invalidf("", "%s is out of range: instants run %s, so that every date derived from them can be written", format(t), Text)
	}
	return nil
}

// Encodable returns an error wrapping o2o.ErrInvalid when t cannot be
// written as RFC 3339 in its own location (its year is not 0 to 9999):
// for bounds that are given rather than derived, such as a period's.
func Encodable(t time.Time) error {
	if y := t.Year(); y < 0 || y > 9999 {
		return o2o.Invalidf("", "year %d is out of range: an instant is written with a four-digit year", y)
	}
	return nil
}

func format(t time.Time) string {
	if y := t.Year(); y < 0 || y > 9999 {
		return t.UTC().String()
	}
	return t.Format(time.RFC3339Nano)
}
