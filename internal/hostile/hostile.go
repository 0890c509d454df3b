// Package hostile helps tests feed the SDK input built to hurt it (deep
// nesting, many keys, huge values) and assert that each refusal comes back
// within a bound of time and memory. It sets timers and forces garbage
// collections, which no SDK package may do, so only tests import it
// (TestOnlyTestsImportHostile holds that).
package hostile

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Bound is the most one call may cost: wall time and bytes allocated.
// Bounds are generous on purpose: this is a correctness check (no hang, no
// quadratic blow-up, no unbounded memory), not a benchmark.
type Bound struct {
	Time  time.Duration
	Bytes uint64
}

// Default is the bound for refusing an input of a few megabytes.
var Default = Bound{Time: 5 * time.Second, Bytes: 512 << 20}

// Within runs f and fails t when it takes longer than b.Time or allocates
// more than b.Bytes. f races a timer of b.Time: a call still running when
// it fires, or one that never returns, fails the test then (its goroutine
// is abandoned). It returns f's error.
func Within(t testing.TB, b Bound, name string, f func() error) error {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan error, 1)
	timer := time.NewTimer(b.Time)
	defer timer.Stop()
	go func() { done <- f() }()
	select {
	case err := <-done:
		runtime.ReadMemStats(&after)
		if used := after.TotalAlloc - before.TotalAlloc; used > b.Bytes {
			t.Errorf("%s: allocated %d MB, bound %d MB", name, used>>20, b.Bytes>>20)
		}
		return err
	case <-timer.C:
		t.Fatalf("%s: still running after %v", name, b.Time)
		return nil
	}
}

// Nested returns n opening brackets: an array nested n deep, unterminated.
func Nested(n int) []byte { return []byte(strings.Repeat("[", n)) }

// NestedClosed returns an array nested n deep and closed: valid JSON.
func NestedClosed(n int) []byte {
	return []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
}

// ManyKeys returns one object with n distinct keys, each with value 0.
func ManyKeys(n int) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k`)
		b.WriteString(itoa(i))
		b.WriteString(`":0`)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d [20]byte
	n := len(d)
	for ; i > 0; i /= 10 {
		n--
		d[n] = byte('0' + i%10)
	}
	return string(d[n:])
}
