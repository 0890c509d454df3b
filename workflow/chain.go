package workflow

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/o2okit/o2okit/internal/seal"
	"github.com/o2okit/o2okit/o2o"
)

// entryHash is the hash of e chained to prev, the previous entry's: the
// SHA-256, in hex, of prev and every field of e but its Hash, each written
// with its length first (facts sorted by name, the instant in RFC 3339 with
// its offset), so that no two different entries write the same bytes.
func entryHash(prev string, e *Entry) string {
	var buf [64]byte
	sum := entrySum(prev, e)
	return string(hex.AppendEncode(buf[:0], sum[:]))
}

// hashMatches reports whether e.Hash is entryHash(prev, e).
func hashMatches(prev string, e *Entry) bool {
	var buf [64]byte
	sum := entrySum(prev, e)
	return string(hex.AppendEncode(buf[:0], sum[:])) == e.Hash
}

// entrySum is the SHA-256 that entryHash writes in hex.
func entrySum(prev string, e *Entry) [sha256.Size]byte {
	var buf [512]byte
	var num [40]byte
	b := field(buf[:0], prev)
	b = field(b, strconv.AppendInt(num[:0], int64(e.Seq), 10))
	b = field(b, e.Command)
	b = field(b, e.Event)
	b = field(b, e.Actor)
	b = field(b, string(e.Role))
	b = field(b, e.From)
	b = field(b, e.To)
	b = field(b, e.At.AppendFormat(num[:0], time.RFC3339Nano))
	b = field(b, strconv.AppendInt(num[:0], int64(len(e.Facts)), 10))
	var names [8]string
	sorted := names[:0]
	for name := range e.Facts {
		sorted = append(sorted, name)
	}
	slices.Sort(sorted)
	for _, name := range sorted {
		b = field(b, name)
		b = field(b, e.Facts[name])
	}
	return sha256.Sum256(b)
}

// field appends s to b, its length first.
func field[T string | []byte](b []byte, s T) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Seal returns a copy of s carrying a keyed seal (MAC): an HMAC-SHA-256,
// under key, of the canonical encoding of s without its seal (its JSON,
// which encoding/json writes deterministically). key must have at least 16
// bytes; it is not stored. Whoever holds the key can seal; Verify with the
// same key then refuses any edit of the sealed snapshot.
func (s Snapshot) Seal(key []byte) (Snapshot, error) {
	if err := checkKey(key); err != nil {
		return Snapshot{}, err
	}
	c := s
	c.Facts = s.Facts.Clone()
	c.Deadlines = slices.Clone(s.Deadlines)
	c.History = slices.Clone(s.History)
	for i := range c.History {
		c.History[i].Facts = c.History[i].Facts.Clone()
	}
	c.Migrations = cloneMigrations(s.Migrations)
	data, err := c.sealed()
	if err != nil {
		return Snapshot{}, err
	}
	c.MAC = seal.Sum(key, data)
	return c, nil
}

// Verify checks s's keyed seal under key. It refuses a short key
// (o2o.ErrInvalid) and a snapshot without a seal or whose seal does not
// match its content under key: one edited after it was sealed, or sealed
// with another key (an error wrapping o2o.ErrSealBroken).
func (s Snapshot) Verify(key []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if s.MAC == "" {
		return o2o.InvalidAs(o2o.ErrSealBroken, "seal", "is missing: the snapshot is not sealed")
	}
	data, err := s.sealed()
	if err != nil || !seal.Valid(key, data, s.MAC) {
		return o2o.InvalidAs(o2o.ErrSealBroken, "seal", "does not match the snapshot under this key: it was edited, or sealed with another key")
	}
	return nil
}

// sealed is the canonical encoding a seal covers: s's JSON without its seal.
func (s Snapshot) sealed() ([]byte, error) {
	s.MAC = ""
	data, err := json.Marshal(s)
	if err != nil {
		return nil, o2o.Invalidf("snapshot", "cannot be encoded: %v", err)
	}
	return data, nil
}

func checkKey(key []byte) error {
	if len(key) < seal.MinKeyLen {
		return o2o.Invalidf("key", "has %d bytes, want at least %d", len(key), seal.MinKeyLen)
	}
	return nil
}
