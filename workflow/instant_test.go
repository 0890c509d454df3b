package workflow

import (
	"math/rand/v2"
	"testing"
	"time"
)

// checkInstant requires parseInstant to accept exactly what time.Parse
// accepts, with the same instant.
func checkInstant(t *testing.T, s string) {
	t.Helper()
	want, err := time.Parse(time.RFC3339, s)
	got, ok := parseInstant(s)
	if ok != (err == nil) || (ok && !got.Equal(want)) {
		t.Fatalf("parseInstant(%q) = %v, %v; time.Parse = %v, %v", s, got, ok, want, err)
	}
}

func TestParseInstant(t *testing.T) {
	for _, s := range []string{
		"2025-03-01T09:00:00+08:00", "2025-03-01T09:00:00Z", "2025-03-01T09:00:00.5Z",
		"2025-03-01T09:00:00.123456789-05:30", "2025-03-01T09:00:00.1234567891Z", // ten digits: time.Parse's path
		"2024-02-29T23:59:59+14:00", "2023-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"0000-01-01T00:00:00Z", "0000-02-29T00:00:00Z", "9999-12-31T23:59:59-23:59", "1969-12-31T23:59:59Z",
		"2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z", "2025-01-00T00:00:00Z",
		"2025-01-01T24:00:00Z", "2025-01-01T23:60:00Z", "2025-01-01T23:00:60Z", "2025-01-01T23:00:00+24:00",
		"2025-01-01T23:00:00+08:60", "2025-01-01T23:00:00+0800", "2025-01-01 23:00:00Z", "2025-01-01t23:00:00z",
		"2025-01-01T23:00:00", "2025-01-01T23:00:00.Z", "2025-01-01T23:00:00,5Z", "+025-01-01T23:00:00Z",
		"2025-1-01T23:00:00Z", "2025-01-01T2:00:00Z", "", "x", "2025-01-01T23:00:00ZZ", "2025-01-01T23:00:00+08:00 ",
	} {
		checkInstant(t, s)
	}
	// Random instants in many offsets and precisions, and mangled ones.
	rng := rand.New(rand.NewPCG(4, 13))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	layouts := []string{time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00"}
	for range n {
		at := time.Unix(rng.Int64N(400*365*86400)-200*365*86400, rng.Int64N(1e9))
		at = at.In(time.FixedZone("", (rng.IntN(48*60)-24*60+1)*60))
		s := at.Format(layouts[rng.IntN(len(layouts))])
		checkInstant(t, s)
		b := []byte(s)
		b[rng.IntN(len(b))] = "0123456789:+-TZ.x"[rng.IntN(17)]
		checkInstant(t, string(b))
	}
}

// FuzzParseInstant: parseInstant never panics and agrees with time.Parse.
func FuzzParseInstant(f *testing.F) {
	for _, s := range []string{"2025-03-01T09:00:00+08:00", "2024-02-29T23:59:59.999Z", "0000-01-01T00:00:00-00:01", "2025-03-01T09:00:00.1234567891Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkInstant(t, s) })
}

// TestSameName: sameName and nameKey.is agree with == on names of every length up to 40
// that differ in any one byte, or not at all.
func TestSameName(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 17))
	for n := range 41 {
		for range 200 {
			b := make([]byte, n)
			for i := range b {
				b[i] = "ab_z"[rng.IntN(4)]
			}
			a, c := string(b), []byte(string(b))
			if n > 0 && rng.IntN(4) > 0 {
				c[rng.IntN(n)] ^= byte(1 << rng.IntN(8))
			}
			if got := sameName(a, string(c)); got != (a == string(c)) {
				t.Fatalf("sameName(%q, %q) = %v", a, c, got)
			}
			if k := newNameKey(a); k.is(string(c)) != (a == string(c)) {
				t.Fatalf("newNameKey(%q).is(%q) = %v", a, c, !(a == string(c)))
			}
			if p := string(b[:rng.IntN(n+1)]); sameName(a, p) != (a == p) || func() bool { k := newNameKey(p); return k.is(a) }() != (a == p) {
				t.Fatalf("sameName(%q, %q) or newNameKey(%[2]q).is(%[1]q) is not %v", a, p, a == p)
			}
		}
	}
}
