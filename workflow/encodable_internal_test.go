package workflow

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestEncodableAgreesWithYear: the quick range check of encodable says what
// the plain check by calendar year says, for instants near both ends of the
// range and anywhere between, in offsets up to a day either way.
func TestEncodableAgreesWithYear(t *testing.T) {
	if got := time.Date(0, 1, 2, 0, 0, 0, 0, time.UTC).Unix(); got != safeFromUnix {
		t.Errorf("safeFromUnix = %d, want %d", int64(safeFromUnix), got)
	}
	if got := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix(); got != safeUntilUnix {
		t.Errorf("safeUntilUnix = %d, want %d", int64(safeUntilUnix), got)
	}
	r := rand.New(rand.NewPCG(1, 2))
	const day = 86400
	edges := []int64{safeFromUnix - day, safeUntilUnix + day}
	for i := range 200_000 {
		var u int64
		switch i % 3 {
		case 0, 1: // within three days of an end
			u = edges[i%2] + r.Int64N(6*day) - 3*day
		default: // anywhere from before year 0 to after 9999
			u = safeFromUnix - 400*day + r.Int64N(safeUntilUnix-safeFromUnix+800*day)
		}
		offset := r.IntN(2*day-1) - (day - 1)
		at := time.Unix(u, int64(r.IntN(1e9))).In(time.FixedZone("", offset))
		if got, want := encodable(at), encodableByYear(at); got != want {
			t.Fatalf("encodable(%s) = %v, the year says %v", at.Format(time.RFC3339Nano), got, want)
		}
	}
}
