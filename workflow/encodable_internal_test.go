package workflow

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestEncodableAgreesWithYear: encodable says what the plain check by
// calendar year says, for instants near both ends of the range and anywhere
// between, in offsets up to a day either way.
func TestEncodableAgreesWithYear(t *testing.T) {
	byYear := func(t time.Time) bool { y := t.Year(); return y >= 0 && y <= 9999 }
	safeFrom := time.Date(0, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
	safeUntil := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
	r := rand.New(rand.NewPCG(1, 2))
	const day = 86400
	edges := []int64{safeFrom, safeUntil}
	for i := range 200_000 {
		var u int64
		switch i % 3 {
		case 0, 1: // within three days of an end
			u = edges[i%2] + r.Int64N(6*day) - 3*day
		default: // anywhere from before year 0 to after 9999
			u = safeFrom - 400*day + r.Int64N(safeUntil-safeFrom+800*day)
		}
		offset := r.IntN(2*day-1) - (day - 1)
		at := time.Unix(u, int64(r.IntN(1e9))).In(time.FixedZone("", offset))
		if got, want := encodable(at), byYear(at); got != want {
			t.Fatalf("encodable(%s) = %v, the year says %v", at.Format(time.RFC3339Nano), got, want)
		}
	}
}
