package drainage

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestValidText checks validText against utf8.ValidString on random
// strings: ASCII, valid multi-byte text, and arbitrary bytes.
func TestValidText(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	alphabet := []string{"a", "Z", "0", "-", "门", "店", "é", "😀", "\xff", "\xe9", "\xe9\x97", "\x80", "\x00"}
	for range 20000 {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, alphabet[rng.IntN(len(alphabet))]...)
		}
		if rng.IntN(4) == 0 && len(b) > 0 { // cut a rune short
			b = b[:rng.IntN(len(b))]
		}
		s := string(b)
		if got, want := validText(s), utf8.ValidString(s); got != want {
			t.Fatalf("validText(%q) = %v, utf8.ValidString %v", s, got, want)
		}
	}
}
