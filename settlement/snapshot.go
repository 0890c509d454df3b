package settlement

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/o2okit/o2okit/internal/seal"
	"github.com/o2okit/o2okit/o2o"
)

// snapshot is a ledger's JSON shape: its config, its postings in log order,
// and the hashes that make a restore tamper-evident.
type snapshot struct {
	Config Config `json:"config"`
	// Sequential is false for a ledger that came from Merge.
	Sequential bool `json:"sequential"`
	// Head is the hash chain's head; absent when the ledger keeps no chain.
	Head *Hash `json:"head,omitempty"`
	// Digest is the order-independent digest of the postings.
	Digest Hash `json:"digest"`
	// Fingerprint covers the config (limits included), the sequential flag,
	// the head and the digest: see Ledger.Fingerprint.
	Fingerprint Hash      `json:"fingerprint"`
	Postings    []Posting `json:"postings"`
}

// Fingerprint returns the SHA-256 of the ledger's canonical header: its
// currency, its overdraft limits (sorted by account, in minor units),
// whether the chain is on, whether the ledger is sequential, its chain head
// (zero when it keeps none) and its digest. Ledgers with equal fingerprints
// hold the same set of postings under the same limits and, when
// sequential, in the same order. A snapshot records it; keep it to prove
// later that a snapshot is the ledger you audited, limits and order
// included.
func (l *Ledger) Fingerprint() Hash {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.fingerprint()
}

// fingerprint computes Fingerprint; a lock must be held.
func (l *Ledger) fingerprint() Hash {
	b := []byte("o2okit settlement ledger v1\x00")
	b = appendText(b, string(l.currency))
	var flags byte
	if l.config.DisableChain {
		flags |= 1
	}
	if l.sequential {
		flags |= 2
	}
	b = append(b, flags)
	var head Hash
	if l.sequential && !l.config.DisableChain {
		head = l.head
	}
	sum := l.sum.hash()
	b = append(b, head[:]...)
	b = append(b, sum[:]...)
	accounts := sortedKeys(l.limits)
	b = binary.AppendUvarint(b, uint64(len(accounts)))
	for _, a := range accounts {
		b = appendText(b, a)
		b = binary.BigEndian.AppendUint64(b, uint64(l.limits[a]))
	}
	return sha256.Sum256(b)
}

// appendText appends s, prefixed with its length.
func appendText(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// MarshalJSON writes a snapshot of the ledger: its config, every posting in
// log order, the head of its hash chain (when it keeps one), its digest and
// its fingerprint. ParseLedger (or UnmarshalJSON) restores it.
func (l *Ledger) MarshalJSON() ([]byte, error) {
	l.mu.RLock()
	s := snapshot{Config: l.Config(), Sequential: l.sequential, Digest: l.sum.hash(), Fingerprint: l.fingerprint(),
		Postings: make([]Posting, 0, l.log.len())}
	if l.sequential && !l.config.DisableChain {
		head := l.head
		s.Head = &head
	}
	for _, e := range l.log.all {
		s.Postings = append(s.Postings, e.p)
	}
	l.mu.RUnlock()
	return json.Marshal(s)
}

// restoreBatch is how many postings a restore applies at a time.
const restoreBatch = 1024

// ParseLedger restores a ledger from a snapshot written by MarshalJSON,
// decoding it strictly (unknown fields refused). The postings are applied
// again, in log order, with every check Apply makes — validity, unique
// keys, overdraft limits, reversals — so a restored ledger is one that
// could have been built; a merged ledger's snapshot is restored without the
// limit check (a merge does not check limits either) and stays
// non-sequential. Then the recomputed chain head, digest and fingerprint
// must equal the recorded ones: a posting altered, dropped, added or moved,
// a limit changed or dropped, or a sequential snapshot turned into a merged
// one fails with an error wrapping o2o.ErrInvalid.
//
// What that proves, and what it does not: the hashes carry no key, so they
// catch accidental corruption (a truncated file, a flipped bit, a
// hand edit that forgot a hash), not a deliberate edit — whoever edits a
// snapshot can recompute every hash. To prove it is the ledger you audited,
// compare its Fingerprint with the value you kept, or seal it with a key
// (MarshalSealed, ParseLedgerSealed).
func ParseLedger(data []byte) (*Ledger, error) {
	var s snapshot
	if err := o2o.DecodeJSON(data, &s); err != nil {
		return nil, err
	}
	if s.Head != nil && (!s.Sequential || s.Config.DisableChain) {
		return nil, o2o.Invalid("head", "only a sequential ledger with the chain on has a head")
	}
	if s.Head == nil && s.Sequential && !s.Config.DisableChain {
		return nil, o2o.Invalid("head", "is required for a sequential ledger with the chain on")
	}
	build := s.Config
	if !s.Sequential {
		build.Limits = nil // checked by no one on a merge; restored below
	}
	l, err := NewLedger(build)
	if err != nil {
		return nil, o2o.Prefix("config", err)
	}
	for i := 0; i < len(s.Postings); i += restoreBatch {
		batch := s.Postings[i:min(i+restoreBatch, len(s.Postings))]
		applied, err := l.Apply(Batch{Postings: batch})
		if err != nil {
			return nil, o2o.Prefix(fmt.Sprintf("postings[%d:]", i), err)
		}
		if applied.Exists > 0 {
			return nil, o2o.InvalidAs(o2o.ErrDuplicate, fmt.Sprintf("postings[%d:]", i), "repeats an idempotency key")
		}
	}
	if s.Head != nil && *s.Head != l.head {
		return nil, o2o.Invalidf("head", "the postings hash to %s, the snapshot records %s: it was altered", l.head, *s.Head)
	}
	if d := l.sum.hash(); d != s.Digest {
		return nil, o2o.Invalidf("digest", "the postings hash to %s, the snapshot records %s: it was altered", d, s.Digest)
	}
	if !s.Sequential {
		full, err := NewLedger(s.Config)
		if err != nil {
			return nil, o2o.Prefix("config", err)
		}
		l.config = full.config
		l.setLimits(full.limits)
		l.sequential, l.head = false, Hash{}
	}
	if f := l.fingerprint(); f != s.Fingerprint {
		return nil, o2o.Invalidf("fingerprint", "the config, order and hashes give %s, the snapshot records %s: it was altered (limits, the sequential flag or the head)", f, s.Fingerprint)
	}
	return l, nil
}

// MarshalSealed writes the ledger's snapshot (MarshalJSON) sealed with key:
// {"snapshot":…,"seal":"…"}, where the seal is the HMAC-SHA-256 of the
// snapshot's exact bytes under key, in hex. The key is not stored; it must
// be at least 16 bytes (seal.MinKeyLen). Only ParseLedgerSealed with the
// same key reads it back.
func (l *Ledger) MarshalSealed(key []byte) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	data, err := l.MarshalJSON()
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(data)+100)
	out = append(out, sealPrefix...)
	out = append(out, data...)
	out = append(out, sealMid...)
	out = append(out, seal.Sum(key, data)...)
	return append(out, sealSuffix...), nil
}

// The frame of a sealed snapshot: sealPrefix, the snapshot, sealMid, the
// seal in hex, sealSuffix. ParseLedgerSealed reads exactly this frame, so
// that the only bytes it accepts are those MarshalSealed writes.
const (
	sealPrefix = `{"snapshot":`
	sealMid    = `,"seal":"`
	sealSuffix = `"}`
)

// ParseLedgerSealed restores a ledger from a snapshot written by
// MarshalSealed with the same key. The seal is checked first, over the
// snapshot's exact bytes: any edit — an amount, a limit, a key, a party,
// the order of postings, a flag, the frame around it — or another key gives
// an error wrapping o2o.ErrSealBroken, and so does a snapshot without a
// seal. Then the snapshot is restored as ParseLedger does. A key shorter
// than 16 bytes is an error wrapping o2o.ErrInvalid.
//
// The seal proves that whoever wrote the snapshot held the key; keep the
// key out of the snapshot's reach (it is never stored in it).
func ParseLedgerSealed(data, key []byte) (*Ledger, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	const macLen = 2 * sha256.Size
	n := len(data)
	framed := n >= len(sealPrefix)+len(sealMid)+macLen+len(sealSuffix) &&
		bytes.HasPrefix(data, []byte(sealPrefix)) && bytes.HasSuffix(data, []byte(sealSuffix)) &&
		string(data[n-len(sealSuffix)-macLen-len(sealMid):n-len(sealSuffix)-macLen]) == sealMid
	if !framed {
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte(`{"config"`)) {
			return nil, fmt.Errorf("%w: the snapshot carries no seal", o2o.ErrSealBroken)
		}
		return nil, fmt.Errorf("%w: not a sealed snapshot: MarshalSealed writes %s…%s\"…\"}", o2o.ErrSealBroken, sealPrefix, sealMid)
	}
	snap := data[len(sealPrefix) : n-len(sealSuffix)-macLen-len(sealMid)]
	mac := string(data[n-len(sealSuffix)-macLen : n-len(sealSuffix)])
	if !lowerHex(mac) || !seal.Valid(key, snap, mac) {
		return nil, fmt.Errorf("seal: %w: the snapshot was edited, or sealed with another key", o2o.ErrSealBroken)
	}
	l, err := ParseLedger(snap)
	if err != nil {
		return nil, o2o.Prefix("snapshot", err)
	}
	return l, nil
}

// lowerHex reports whether s is 64 lower-case hex digits, the only form a
// seal is written in (so that no edit of its text keeps it valid).
func lowerHex(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func checkKey(key []byte) error {
	if len(key) < seal.MinKeyLen {
		return o2o.Invalidf("key", "must be at least %d bytes, got %d", seal.MinKeyLen, len(key))
	}
	return nil
}

// UnmarshalJSON restores a snapshot into l, replacing its content; see
// ParseLedger. On error l is unchanged.
func (l *Ledger) UnmarshalJSON(data []byte) error {
	r, err := ParseLedger(data)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.config, l.currency, l.limits = r.config, r.currency, r.limits
	l.log, l.byKey, l.accounts, l.reversed = r.log, r.byKey, r.accounts, r.reversed
	l.head, l.sum, l.sequential = r.head, r.sum, r.sequential
	l.scratch = scratch{}
	l.gen++
	return nil
}
