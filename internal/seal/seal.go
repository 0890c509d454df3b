// Package seal computes and checks the keyed seal (HMAC-SHA-256) that the
// SDK's snapshots carry when the caller passes a key. The key is never
// stored; the seal proves that whoever wrote the snapshot held the key, so
// an edit by anyone without it is refused.
package seal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// MinKeyLen is the shortest key accepted: 16 bytes (128 bits).
const MinKeyLen = 16

// Sum returns the seal of data under key, as 64 lowercase hex digits.
func Sum(key, data []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return hex.EncodeToString(m.Sum(nil))
}

// Valid reports whether mac is the seal of data under key. It compares in
// constant time.
func Valid(key, data []byte, mac string) bool {
	got, err := hex.DecodeString(mac)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return hmac.Equal(got, m.Sum(nil))
}
