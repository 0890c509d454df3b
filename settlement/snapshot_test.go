package settlement

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

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
