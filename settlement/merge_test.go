package settlement

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
)

// bigPostings returns n postings keyed prefix0…, over a few accounts, each
// order holding two postings.
func bigPostings(prefix string, n int, r *rand.Rand) []Posting {
	out := make([]Posting, n)
	for i := range out {
		out[i] = Posting{Key: fmt.Sprintf("%s%d", prefix, i), Kind: KindSaleRevenue,
			From: accounts[r.IntN(4)], To: accounts[4+r.IntN(4)], Amount: fromUnits(1+r.Int64N(100_000), o2o.CNY),
			Order: fmt.Sprintf("%s-o%d", prefix, i/2), At: t0.Add(time.Duration(i) * time.Minute)}
	}
	return out
}

// applyInBatches applies ps in batches of size, each followed now and then by
// a refused batch (a limit breach at its end) that straddles the next chunk
// boundary, which must leave no trace.
func applyInBatches(t *testing.T, l *Ledger, ps []Posting, size int, r *rand.Rand) {
	t.Helper()
	for i := 0; i < len(ps); i += size {
		mustApply(t, l, ps[i:min(i+size, len(ps))]...)
		if r.IntN(3) == 0 {
			before := l.Len()
			bad := bigPostings(fmt.Sprintf("bad%d-", i), 1+r.IntN(3*chunkSize/2), r)
			bad = append(bad, Posting{Key: fmt.Sprintf("bad%d-last", i), Kind: KindReversal, From: "x", To: "y",
				Amount: cny("1.00"), Ref: "nowhere", At: t0})
			if _, err := l.Apply(Batch{Postings: bad}); !errors.Is(err, ErrOverReversal) {
				t.Fatalf("bad batch: %v", err)
			}
			if l.Len() != before {
				t.Fatalf("refused batch left %d postings", l.Len()-before)
			}
		}
	}
}

// TestChunkedLogAndSharedMerge crosses many chunk boundaries: partial
// ledgers refused batches straddling a boundary, merged (sharing their
// chunks, in trees of merges), then both the merged ledger and its parts go
// on applying, and everything is compared with ledgers built sequentially.
func TestChunkedLogAndSharedMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	rounds := 2
	if testing.Short() {
		rounds = 1
	}
	for round := range rounds {
		k := 2 + round%4
		parts := make([]*Ledger, k)
		var all []Posting
		for i := range parts {
			ps := bigPostings(fmt.Sprintf("r%dp%d-", round, i), r.IntN(3*chunkSize), r)
			parts[i] = MustLedger(Config{})
			applyInBatches(t, parts[i], ps, 1+r.IntN(300), r)
			all = append(all, ps...)
		}
		seq := MustLedger(Config{})
		applyInBatches(t, seq, all, 97, r)

		var merged *Ledger
		var err error
		if round%2 == 0 {
			merged, err = Merge(parts...)
		} else { // a tree: merges of merges have no key index yet
			left, _ := Merge(parts[:k/2]...)
			right, _ := Merge(parts[k/2:]...)
			merged, err = Merge(left, right)
		}
		if err != nil {
			t.Fatal(err)
		}
		assertSameLedger(t, seq, merged)
		snapshot := merged.Clone()

		// The parts go on: the merged ledger must not see it.
		for i, p := range parts {
			mustApply(t, p, bigPostings(fmt.Sprintf("after%d-", i), 1+r.IntN(chunkSize), r)...)
		}
		assertSameLedger(t, snapshot, merged)
		partSnapshots := make([]*Ledger, k)
		for i, p := range parts {
			partSnapshots[i] = p.Clone()
		}

		// The merged ledger goes on: new postings, a replay, a conflict, a
		// reversal of a part's posting, a refused batch.
		extra := bigPostings(fmt.Sprintf("r%dextra-", round), 2*chunkSize+7, r)
		orig := all[r.IntN(len(all))]
		rev := Posting{Key: "rev-" + orig.Key, Kind: KindReversal, From: orig.To, To: orig.From, Amount: orig.Amount, Order: orig.Order, Ref: orig.Key, At: orig.At.Add(time.Hour)}
		extra = append(extra, rev)
		for _, l := range []*Ledger{seq, merged} {
			applyInBatches(t, l, extra, 1+r.IntN(500), r)
			res, err := l.Apply(Batch{Postings: all[:3]})
			if err != nil || res.Exists != 3 {
				t.Fatalf("replay on %p: %+v, %v", l, res, err)
			}
			changed := all[1]
			changed.Amount = cny("0.01")
			if changed.SameContent(all[1]) {
				changed.Amount = cny("0.02")
			}
			if _, err := l.Apply(Batch{Postings: []Posting{changed}}); !errors.Is(err, ErrConflict) {
				t.Fatalf("conflict on merged: %v", err)
			}
			if _, err := l.Apply(Batch{Postings: []Posting{rev}}); err != nil {
				t.Fatalf("replaying the reversal: %v", err)
			}
			again := rev
			again.Key += "-again"
			if _, err := l.Apply(Batch{Postings: []Posting{again}}); !errors.Is(err, ErrAlreadyReversed) {
				t.Fatalf("second full reversal: %v", err)
			}
			got, err := l.Posting(orig.Key)
			if err != nil || !got.SameContent(orig) {
				t.Fatalf("Posting(%q) = %v, %v", orig.Key, got, err)
			}
		}
		assertSameLedger(t, seq, merged)
		for i, p := range parts { // the merged ledger wrote nothing into them
			assertSameState(t, partSnapshots[i], p)
		}
		if t.Failed() {
			t.Fatalf("round %d", round)
		}
	}
}

// TestMergeWhilePartsApply runs under -race: parts keep applying while the
// ledger merged from them is read and applied to.
func TestMergeWhilePartsApply(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a, b := MustLedger(Config{}), MustLedger(Config{})
	mustApply(t, a, bigPostings("a", chunkSize+10, r)...)
	mustApply(t, b, bigPostings("b", 10, r)...)
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := m.Clone()
	moreA, moreB := bigPostings("a2-", 3*chunkSize, r), bigPostings("b2-", chunkSize, r)
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := 0; i < len(moreA); i += 100 {
			if _, err := a.Apply(Batch{Postings: moreA[i:min(i+100, len(moreA))]}); err != nil {
				t.Error(err)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < len(moreB); i += 50 {
			if _, err := b.Apply(Batch{Postings: moreB[i:min(i+50, len(moreB))]}); err != nil {
				t.Error(err)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for range 5 {
			_ = m.Postings()
			_, _ = m.Statements(Period{})
		}
	}()
	wg.Wait()
	assertSameLedger(t, want, m)
}

// TestMergeConcurrentNoDeadlock runs Merge(a, b), Merge(b, a) and Apply on
// a and on b at once, many times over: parts read-locked in argument order
// deadlocked (a writer waiting on a blocks the reader that holds b).
func TestMergeConcurrentNoDeadlock(t *testing.T) {
	a, b := MustLedger(Config{}), MustLedger(Config{})
	posting := func(key string, i int) Posting {
		return Posting{Key: fmt.Sprintf("%s%d", key, i), Kind: KindSaleRevenue, From: "cust", To: "store",
			Amount: cny("1.00"), Order: "o", At: t0.Add(time.Duration(i) * time.Second)}
	}
	const workers, rounds = 8, 300
	err := hostile.Within(t, hostile.Bound{Time: 30 * time.Second, Bytes: 1 << 30}, "concurrent merges and batches", func() error {
		var wg sync.WaitGroup
		errs := make(chan error, 4*workers)
		for w := range workers {
			wg.Add(4)
			go func() {
				defer wg.Done()
				for i := range rounds {
					if _, err := a.Apply(Batch{Postings: []Posting{posting(fmt.Sprintf("a%d-", w), i)}}); err != nil {
						errs <- err
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				for i := range rounds {
					if _, err := b.Apply(Batch{Postings: []Posting{posting(fmt.Sprintf("b%d-", w), i)}}); err != nil {
						errs <- err
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				for range rounds {
					if _, err := Merge(a, b); err != nil {
						errs <- err
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				for range rounds {
					m, err := Merge(b, a)
					if err != nil {
						errs <- err
						return
					}
					if bal := m.Balance("store"); bal.IsNegative() {
						errs <- fmt.Errorf("merged balance %s", bal)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		return <-errs
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Len(), 2*workers*rounds; got != want {
		t.Fatalf("merged %d postings, want %d", got, want)
	}
}

// TestMergeOverlapFirstKey checks that Merge names the first key, in part
// order then log order, that a part shares with an earlier one.
func TestMergeOverlapFirstKey(t *testing.T) {
	a, b, c := MustLedger(Config{}), MustLedger(Config{}), MustLedger(Config{})
	p := func(key string) Posting {
		return Posting{Key: key, Kind: KindSaleRevenue, From: "cust", To: "store", Amount: cny("1.00"), Order: "o", At: t0}
	}
	mustApply(t, a, p("k1"), p("k2"))
	mustApply(t, b, p("x"), p("k2"))
	mustApply(t, c, p("k1"))
	_, err := Merge(a, b, c)
	if !errors.Is(err, ErrOverlap) || err.Error() != `parts[1]: `+ErrOverlap.Error()+`: key "k2" is in two partitions` {
		t.Fatalf("want the overlap of k2 in parts[1], got %v", err)
	}
	_, err = Merge(a, a)
	if !errors.Is(err, ErrOverlap) {
		t.Fatalf("a ledger merged with itself: %v", err)
	}
}

// TestMergePartReplaced: a part replaced by UnmarshalJSON after Merge read
// it is not looked up in its new index; Merge builds the merged index from
// what it read instead, and still finds overlaps.
func TestMergePartReplaced(t *testing.T) {
	p := func(key string) Posting {
		return Posting{Key: key, Kind: KindSaleRevenue, From: "cust", To: "store", Amount: cny("1.00"), Order: "o", At: t0}
	}
	a, b := MustLedger(Config{}), MustLedger(Config{})
	mustApply(t, a, p("k1"))
	mustApply(t, b, p("k2"))
	views := make([]partView, 2)
	out := &Ledger{accounts: map[string]*account{}, reversed: map[string]int64{}}
	for i, l := range []*Ledger{a, b} {
		if err := out.mergePart(i, l, &views[i]); err != nil {
			t.Fatal(err)
		}
	}
	other := MustLedger(Config{})
	mustApply(t, other, p("k2"))
	data, _ := json.Marshal(other)
	if err := a.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	if _, _, err := firstOverlap([]*Ledger{a, b}, views); err == nil {
		t.Fatal("a replaced part's new index was used")
	}
	// Merge itself, on the replaced part: k2 now overlaps.
	if _, err := Merge(a, b); !errors.Is(err, ErrOverlap) {
		t.Fatalf("merge after replace: %v", err)
	}
}
