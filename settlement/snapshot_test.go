package settlement

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
)

// snapshotLedger builds a ledger with a limit, a partial reversal and more
// than one chunk of postings.
func snapshotLedger(t *testing.T, cfg Config) *Ledger {
	t.Helper()
	l := MustLedger(cfg)
	r := rand.New(rand.NewPCG(5, 6))
	applyInBatches(t, l, bigPostings("s", chunkSize+50, r), 100, r)
	mustApply(t, l, Posting{Key: "inv", Kind: KindInvestment, From: "investor", To: "store-9", Amount: cny("100.00"), At: t0},
		Posting{Key: "spend", Kind: KindAdvance, From: "store-9", To: "hq", Amount: cny("60.00"), At: t0},
		Posting{Key: "rev", Kind: KindReversal, From: "hq", To: "store-9", Amount: cny("10.00"), Ref: "spend", At: t0.Add(time.Hour)})
	return l
}

func TestLedgerSnapshotRoundTrip(t *testing.T) {
	for _, cfg := range []Config{
		{Limits: []Limit{{Account: "store-9", Overdraft: cny("0.00")}}},
		{DisableChain: true},
	} {
		l := snapshotLedger(t, cfg)
		data, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseLedger(data)
		if err != nil {
			t.Fatal(err)
		}
		assertSameLedger(t, l, got)
		wh, wok := l.Head()
		gh, gok := got.Head()
		if wh != gh || wok != gok || got.Sequential() != l.Sequential() {
			t.Errorf("head %s/%v, want %s/%v", gh, gok, wh, wok)
		}
		if got.Reversed("spend").AmountString() != "10.00" {
			t.Errorf("reversed: %s", got.Reversed("spend"))
		}
		again, _ := json.Marshal(got)
		if string(again) != string(data) {
			t.Errorf("snapshot of the restored ledger differs")
		}
		var into Ledger
		if err := json.Unmarshal(data, &into); err != nil {
			t.Fatal(err)
		}
		assertSameState(t, got, &into)
		// The restored ledger behaves the same: the limit, idempotency.
		over := Posting{Key: "spend2", Kind: KindAdvance, From: "store-9", To: "hq", Amount: cny("50.01"), At: t0}
		_, werr := l.Apply(Batch{Postings: []Posting{over}})
		_, gerr := got.Apply(Batch{Postings: []Posting{over}})
		if errors.Is(werr, ErrLimit) != errors.Is(gerr, ErrLimit) || (werr == nil) != (gerr == nil) {
			t.Errorf("after restore: %v, original: %v", gerr, werr)
		}
	}
}

func TestLedgerSnapshotMerged(t *testing.T) {
	// Each part keeps x within its overdraft of 5.00; merged, x is at -8.00:
	// the merge (and its restore) does not check limits.
	cfg := Config{Limits: []Limit{{Account: "x", Overdraft: cny("5.00")}}}
	a, b := MustLedger(cfg), MustLedger(cfg)
	mustApply(t, a, post("a1", "x", "z", "5.00"))
	mustApply(t, b, post("b1", "x", "z", "3.00"), post("b2", "y", "z", "3.00"))
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseLedger(data)
	if err != nil {
		t.Fatal(err)
	}
	assertSameLedger(t, m, got)
	if got.Sequential() {
		t.Errorf("a restored merge became sequential")
	}
	if _, ok := got.Head(); ok {
		t.Errorf("a restored merge has a head")
	}
	if len(got.LimitBreaches()) != 1 || got.Config().Limits[0].Account != "x" {
		t.Errorf("limits not restored: %v, %+v", got.LimitBreaches(), got.Config())
	}
}

func TestLedgerSnapshotTamper(t *testing.T) {
	l := snapshotLedger(t, Config{})
	data, _ := json.Marshal(l)
	var s snapshot
	if err := o2o.DecodeJSON(data, &s); err != nil {
		t.Fatal(err)
	}
	tamper := func(f func(*snapshot)) []byte {
		c := s
		c.Postings = append([]Posting(nil), s.Postings...)
		f(&c)
		out, _ := json.Marshal(c)
		return out
	}
	tests := []struct {
		name string
		data []byte
		is   error
	}{
		{"amount changed", tamper(func(c *snapshot) { c.Postings[7].Amount = cny("0.01") }), o2o.ErrInvalid},
		{"posting dropped", tamper(func(c *snapshot) { c.Postings = c.Postings[1:] }), o2o.ErrInvalid},
		{"postings swapped", tamper(func(c *snapshot) { c.Postings[0], c.Postings[1] = c.Postings[1], c.Postings[0] }), o2o.ErrInvalid},
		{"posting repeated", tamper(func(c *snapshot) { c.Postings = append(c.Postings, c.Postings[0]) }), o2o.ErrDuplicate},
		{"no head", tamper(func(c *snapshot) { c.Head = nil }), o2o.ErrInvalid},
		{"digest changed", tamper(func(c *snapshot) { c.Digest[0]++ }), o2o.ErrInvalid},
		{"reversal without its original", tamper(func(c *snapshot) {
			for i, p := range c.Postings {
				if p.Key == "spend" {
					c.Postings = append(c.Postings[:i], c.Postings[i+1:]...)
					return
				}
			}
		}), ErrOverReversal},
		{"unknown field", []byte(strings.Replace(string(data), `"sequential"`, `"extra":1,"sequential"`, 1)), o2o.ErrInvalid},
		{"not json", []byte(`[`), o2o.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseLedger(tt.data); !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			into := MustLedger(Config{})
			mustApply(t, into, post("keep", "a", "b", "1.00"))
			if err := json.Unmarshal(tt.data, into); err == nil {
				t.Fatal("UnmarshalJSON accepted it")
			}
			if into.Len() != 1 {
				t.Errorf("a refused UnmarshalJSON changed the ledger")
			}
		})
	}
}

// TestLedgerSnapshotLimitsAndOrder: a snapshot whose limits were deleted,
// or that was downgraded to a merge (sequential false, head dropped), was
// accepted — limits were outside every hash and the downgrade dropped the
// order proof. The fingerprint now covers both: the edit is refused, and
// an edit that recomputes every hash gives another Fingerprint than the one
// kept.
func TestLedgerSnapshotLimitsAndOrder(t *testing.T) {
	l := snapshotLedger(t, Config{Limits: []Limit{{Account: "store-9", Overdraft: cny("0.00")}}})
	kept := l.Fingerprint()
	data, _ := json.Marshal(l)
	var s snapshot
	if err := o2o.DecodeJSON(data, &s); err != nil {
		t.Fatal(err)
	}
	edits := map[string]func(*snapshot){
		"limits deleted":   func(c *snapshot) { c.Config.Limits = nil },
		"limit raised":     func(c *snapshot) { c.Config.Limits = []Limit{{Account: "store-9", Overdraft: cny("1000.00")}} },
		"downgraded":       func(c *snapshot) { c.Sequential, c.Head = false, nil },
		"chain turned off": func(c *snapshot) { c.Config.DisableChain, c.Head = true, nil },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			c := s
			edit(&c)
			out, _ := json.Marshal(c)
			if _, err := ParseLedger(out); !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("accepted (err = %v)", err)
			}
			// Whoever edits can recompute the hashes: the snapshot then
			// agrees with itself, but not with the fingerprint kept.
			c.Fingerprint = recomputeFingerprint(t, c)
			out, _ = json.Marshal(c)
			restored, err := ParseLedger(out)
			if err != nil {
				t.Fatalf("a consistent edit: %v", err)
			}
			if restored.Fingerprint() == kept {
				t.Fatal("the edited ledger has the fingerprint kept")
			}
		})
	}
	// Merged snapshots keep their flag and limits under the fingerprint too.
	a, b := MustLedger(Config{Limits: []Limit{{Account: "x", Overdraft: cny("5.00")}}}), MustLedger(Config{Limits: []Limit{{Account: "x", Overdraft: cny("5.00")}}})
	mustApply(t, a, post("a1", "x", "z", "5.00"))
	mustApply(t, b, post("b1", "x", "z", "3.00"))
	m, _ := Merge(a, b)
	md, _ := json.Marshal(m)
	var ms snapshot
	if err := o2o.DecodeJSON(md, &ms); err != nil {
		t.Fatal(err)
	}
	ms.Config.Limits = nil
	out, _ := json.Marshal(ms)
	if _, err := ParseLedger(out); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("merged snapshot without its limits: %v", err)
	}
}

// recomputeFingerprint returns the fingerprint an editor would write: that
// of the ledger the edited snapshot restores to.
func recomputeFingerprint(t *testing.T, c snapshot) Hash {
	t.Helper()
	build := c.Config
	l, err := NewLedger(build)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Sequential {
		l.limits = nil
	}
	for i := 0; i < len(c.Postings); i += restoreBatch {
		if _, err := l.Apply(Batch{Postings: c.Postings[i:min(i+restoreBatch, len(c.Postings))]}); err != nil {
			t.Fatal(err)
		}
	}
	if !c.Sequential {
		full := MustLedger(c.Config)
		l.setLimits(full.limits)
		l.sequential, l.head = false, Hash{}
	}
	return l.Fingerprint()
}

var testKey = []byte("0123456789abcdef-a-test-key")

// sealed is a sealed snapshot's JSON shape.
type sealed struct {
	Snapshot json.RawMessage `json:"snapshot"`
	Seal     string          `json:"seal"`
}

// TestLedgerSealed: with a key, every edit of a sealed snapshot — each byte
// flipped in turn, amounts, limits, order, keys, parties, flags and the seal
// itself — is refused with o2o.ErrSealBroken (or a decoding error for bytes
// that no longer make JSON), and the sealed snapshot restores the ledger.
func TestLedgerSealed(t *testing.T) {
	l := MustLedger(Config{Limits: []Limit{{Account: "store", Overdraft: cny("5.00")}}})
	mustApply(t, l, post("k1", "cust", "store", "12.00"), post("k2", "store", "hq", "15.00"))
	data, err := l.MarshalSealed(testKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseLedgerSealed(data, testKey)
	if err != nil {
		t.Fatal(err)
	}
	assertSameLedger(t, l, got)
	if got.Fingerprint() != l.Fingerprint() {
		t.Fatal("fingerprint changed")
	}
	for i := range data {
		for _, flip := range []byte{0x01, 0x20, 0x80} {
			edited := append([]byte(nil), data...)
			edited[i] ^= flip
			if _, err := ParseLedgerSealed(edited, testKey); err == nil {
				t.Fatalf("byte %d ^ %#x (%q) accepted", i, flip, edited[max(0, i-10):min(len(edited), i+10)])
			} else if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("byte %d: %v does not wrap o2o.ErrInvalid", i, err)
			}
		}
	}
	// Field edits that keep valid JSON are refused as a broken seal.
	for _, r := range []struct{ from, to string }{
		{`"12.00"`, `"13.00"`}, {`"overdraft":{"amount":"5.00"`, `"overdraft":{"amount":"50.00"`},
		{`,"limits":[{"account":"store","overdraft":{"amount":"5.00","currency":"CNY"}}]`, ``},
		{`"sequential":true`, `"sequential":false`}, {`"k1"`, `"k9"`}, {`"cust"`, `"cus2"`},
	} {
		if !strings.Contains(string(data), r.from) {
			t.Fatalf("%s not in %s", r.from, data)
		}
		edited := strings.Replace(string(data), r.from, r.to, 1)
		if _, err := ParseLedgerSealed([]byte(edited), testKey); !errors.Is(err, o2o.ErrSealBroken) {
			t.Errorf("%s → %s: %v", r.from, r.to, err)
		}
	}
	// Swapping two postings.
	var w sealed
	_ = json.Unmarshal(data, &w)
	var s snapshot
	_ = json.Unmarshal(w.Snapshot, &s)
	s.Postings[0], s.Postings[1] = s.Postings[1], s.Postings[0]
	swapped, _ := json.Marshal(s)
	edited := []byte(`{"snapshot":` + string(swapped) + `,"seal":"` + w.Seal + `"}`)
	if _, err := ParseLedgerSealed(edited, testKey); !errors.Is(err, o2o.ErrSealBroken) {
		t.Errorf("swapped postings: %v", err)
	}
	// Another key, no seal, a plain snapshot, short keys.
	if _, err := ParseLedgerSealed(data, []byte("another key of 16+ bytes")); !errors.Is(err, o2o.ErrSealBroken) {
		t.Errorf("another key: %v", err)
	}
	plain, _ := json.Marshal(l)
	if _, err := ParseLedgerSealed(plain, testKey); !errors.Is(err, o2o.ErrSealBroken) {
		t.Errorf("plain snapshot: %v", err)
	}
	if _, err := ParseLedgerSealed([]byte(`{"snapshot":`+string(w.Snapshot)+`}`), testKey); !errors.Is(err, o2o.ErrSealBroken) {
		t.Errorf("no seal: %v", err)
	}
	if _, err := ParseLedgerSealed([]byte(`{"snapshot":`+string(w.Snapshot)+`,"seal":"`+strings.ToUpper(w.Seal)+`"}`), testKey); !errors.Is(err, o2o.ErrSealBroken) {
		t.Errorf("seal in upper case: %v", err)
	}
	for _, framing := range []string{
		`{ "snapshot":` + string(w.Snapshot) + `,"seal":"` + w.Seal + `"}`,
		`{"seal":"` + w.Seal + `","snapshot":` + string(w.Snapshot) + `}`,
		`{"snapshot":` + string(w.Snapshot) + `,"seal":"` + w.Seal + `"} `,
		`{"snapshot":` + string(w.Snapshot) + `,"seal":"` + w.Seal + `","extra":1}`,
	} {
		if _, err := ParseLedgerSealed([]byte(framing), testKey); !errors.Is(err, o2o.ErrSealBroken) {
			t.Errorf("other framing %.40q…: %v", framing, err)
		}
	}
	for _, key := range [][]byte{nil, []byte("short")} {
		if _, err := l.MarshalSealed(key); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("MarshalSealed with a %d-byte key: %v", len(key), err)
		}
		if _, err := ParseLedgerSealed(data, key); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("ParseLedgerSealed with a %d-byte key: %v", len(key), err)
		}
	}
}

// TestLedgerSealedHostile: hostile data is refused quickly, before the
// snapshot inside is decoded.
func TestLedgerSealedHostile(t *testing.T) {
	for name, data := range map[string][]byte{
		"deep nesting": hostile.Nested(6 << 20),
		"deep inside the frame": append(append([]byte(`{"snapshot":`), hostile.Nested(6<<20)...),
			[]byte(`,"seal":"`+strings.Repeat("0", 64)+`"}`)...),
		"many keys": hostile.ManyKeys(100_000),
	} {
		err := hostile.Within(t, hostile.Default, name, func() error {
			_, err := ParseLedgerSealed(data, testKey)
			return err
		})
		if !errors.Is(err, o2o.ErrSealBroken) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
