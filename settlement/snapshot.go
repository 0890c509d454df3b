package settlement

import (
	"encoding/json"
	"fmt"

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
	Digest   Hash      `json:"digest"`
	Postings []Posting `json:"postings"`
}

// MarshalJSON writes a snapshot of the ledger: its config, every posting in
// log order, the head of its hash chain (when it keeps one) and its digest.
// ParseLedger (or UnmarshalJSON) restores it.
func (l *Ledger) MarshalJSON() ([]byte, error) {
	l.mu.RLock()
	s := snapshot{Config: l.Config(), Sequential: l.sequential, Digest: l.sum.hash(), Postings: make([]Posting, 0, l.log.len())}
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
// non-sequential. Then the recomputed chain head and digest must equal the
// recorded ones: a posting altered, dropped, added or moved fails with an
// error wrapping o2o.ErrInvalid.
//
// That proves the snapshot agrees with itself. To prove it is the ledger
// you audited, compare its Head (or Digest) with the value you kept.
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
	return l, nil
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
