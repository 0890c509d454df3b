package settlement

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

var t1 = t0.Add(72 * time.Hour)

func testSplit(t testing.TB) Split {
	t.Helper()
	sp, err := testSplitter(t).Split(testOrder(o2o.ChannelO2O, "1000.00", "333.33"), Routing{RegionStore: "store-2"}, dealerEnt)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestFullReversal(t *testing.T) {
	sp := testSplit(t)
	l := MustLedger(Config{})
	mustApply(t, l, sp.Batch.Postings...)
	r, err := NewReversible(sp.Batch, o2o.Quantity{})
	if err != nil {
		t.Fatal(err)
	}
	b, after, err := r.Full("RET-1", t1)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Postings) != len(sp.Batch.Postings) {
		t.Fatalf("full reversal has %d postings, original %d", len(b.Postings), len(sp.Batch.Postings))
	}
	for i, p := range b.Postings {
		o := sp.Batch.Postings[i]
		want := Posting{Key: "RET-1/" + o.Key, Kind: KindReversal, From: o.To, To: o.From, Amount: o.Amount, Order: o.Order, Ref: o.Key, At: t1}
		if d := cmp.Diff(want, p, cmpTime); d != "" {
			t.Errorf("reversal %d (-want +got):\n%s", i, d)
		}
	}
	mustApply(t, l, b.Postings...)
	for _, bal := range l.Balances() {
		if !bal.Balance.IsZero() {
			t.Errorf("%s not restored: %s", bal.Account, bal.Balance)
		}
	}
	// A second full reversal is refused, by the value and by the ledger.
	if _, _, err := after.Full("RET-2", t1); !errors.Is(err, ErrAlreadyReversed) {
		t.Errorf("second full reversal: %v", err)
	}
	again, _, _ := r.Full("RET-2", t1) // from the stale value
	if _, err := l.Apply(again); !errors.Is(err, ErrAlreadyReversed) {
		t.Errorf("ledger accepted a second full reversal: %v", err)
	}
	// The receiver is unchanged: it still has everything to reverse.
	if !r.Remaining().Equal(cny("1333.33")) || !after.Remaining().IsZero() {
		t.Errorf("remaining %s / %s", r.Remaining(), after.Remaining())
	}
}

func TestPartialReversal(t *testing.T) {
	sp := testSplit(t)
	r, err := ReversibleLine(sp.Order, sp.Lines[0]) // 1000.00 for 2 pieces: 80, 20, 30, 870
	if err != nil {
		t.Fatal(err)
	}
	b, r2, err := r.PartialQuantity("RET-1", decimal.NewFromInt(1), t1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range b.Postings {
		got = append(got, p.To+" "+p.Amount.AmountString())
	}
	want := []string{"cust-1 40.00", "cust-1 10.00", "cust-1 15.00", "cust-1 435.00"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("half return (-want +got):\n%s", d)
	}
	if _, _, err := r2.PartialQuantity("RET-2", decimal.NewFromInt(2), t1); !errors.Is(err, ErrOverReversal) {
		t.Errorf("returning more than left: %v", err)
	}
	if _, _, err := r2.Partial("RET-2", cny("500.01"), t1); !errors.Is(err, ErrOverReversal) {
		t.Errorf("refunding more than left: %v", err)
	}
	b3, r3, err := r2.Partial("RET-3", cny("0.03"), t1)
	if err != nil {
		t.Fatal(err)
	}
	if total, _ := b3.Total(); !total.Equal(cny("0.03")) {
		t.Errorf("partial total %s", total)
	}
	_, r4, err := r3.PartialQuantity("RET-4", decimal.NewFromInt(1), t1)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r4.Shares() {
		if !s.Reversed.Equal(s.Original) {
			t.Errorf("after returning every piece %s reversed %s of %s", s.Key, s.Reversed, s.Original)
		}
	}
	if _, _, err := r4.Partial("RET-5", cny("0.01"), t1); !errors.Is(err, ErrAlreadyReversed) {
		t.Errorf("nothing left: %v", err)
	}
	bad := []struct {
		name string
		f    func() error
	}{
		{"zero", func() error { _, _, err := r.Partial("x", cny("0"), t1); return err }},
		{"fraction", func() error { _, _, err := r.Partial("x", cny("0.001"), t1); return err }},
		{"no id", func() error { _, _, err := r.Partial("", cny("1"), t1); return err }},
		{"no instant", func() error { _, _, err := r.Partial("x", cny("1"), time.Time{}); return err }},
		{"no quantity", func() error {
			n, _ := NewReversible(sp.Batch, o2o.Quantity{})
			_, _, err := n.PartialQuantity("x", decimal.NewFromInt(1), t1)
			return err
		}},
		{"negative quantity", func() error { _, _, err := r.PartialQuantity("x", decimal.NewFromInt(-1), t1); return err }},
	}
	for _, c := range bad {
		if err := c.f(); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := NewReversible(Batch{}, o2o.Quantity{}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("empty original: %v", err)
	}
	data, err := json.Marshal(r3)
	if err != nil {
		t.Fatal(err)
	}
	var back Reversible
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r3.Shares(), back.Shares()); d != "" || !back.RemainingQuantity().Equal(r3.RemainingQuantity()) {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	if err := json.Unmarshal([]byte(`{"currency":"CNY","originals":[],"reversed":[],"quantity":"0","returned":"0"}`), &back); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("empty originals: %v", err)
	}
}

// TestPartialRefundProperties: random originals and random sequences of
// partial refunds ending in the whole. No refund gives a party a negative
// amount, nobody's cumulative refund exceeds its share, the sequence ends
// exactly at the original shares, and the ledger accepts every step and ends
// with every balance at zero (replayed through a ledger every 8th case: the
// ledger's reversal guard has its own tests). The same sequences split the
// naive way hit the Alabama paradox (a negative refund): the test counts the
// cases where it does and requires some, so the generator keeps producing
// the trap and a regression to the naive split would be caught.
func TestPartialRefundProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 4))
	const maxParties = 6
	var keys, parties [maxParties]string
	index := map[string]int{}
	for i := range maxParties {
		keys[i], parties[i] = "k"+strconv.Itoa(i), "p"+strconv.Itoa(i)
		index[keys[i]] = i
	}
	var steps [6]string
	for i := range steps {
		steps[i] = "R" + strconv.Itoa(i)
	}
	var weights, cum, naivePrev []int64
	var shares []o2o.Share
	orig := Batch{ID: "SO"}
	traps := 0
	n := cases(100_000)
	for c := range n {
		np := 2 + r.IntN(maxParties-1)
		weights, cum, naivePrev, shares = weights[:0], cum[:0], naivePrev[:0], shares[:0]
		orig.Postings = orig.Postings[:0]
		// One case in three is trap-prone: many parties, small shares and
		// refunds of a few fen, where largest remainder's Alabama paradox
		// lives.
		trapProne := r.IntN(3) == 0
		maxW, lastStep := int64(100_000), 1+r.IntN(5)
		if trapProne {
			np, maxW, lastStep = 3+r.IntN(maxParties-2), 1_000, 5
		}
		for i := range np {
			w := 1 + r.Int64N(maxW)
			weights, cum, naivePrev = append(weights, w), append(cum, 0), append(naivePrev, 0)
			shares = append(shares, o2o.Share{Key: keys[i], Weight: decimal.New(w, 0)})
			orig.Postings = append(orig.Postings, Posting{Key: keys[i], Kind: KindSaleRevenue, From: "cust",
				To: parties[i], Amount: fromUnits(w, o2o.CNY), At: t0})
		}
		rv, err := NewReversible(orig, o2o.Quantity{})
		if err != nil {
			t.Fatal(err)
		}
		var l *Ledger
		if c%8 == 0 {
			l = MustLedger(Config{})
			mustApply(t, l, orig.Postings...)
		}
		trapped := false
		var refunded int64
		for step := 0; !rv.Remaining().IsZero(); step++ {
			left := unitsOf(rv.Remaining())
			x := 1 + r.Int64N(min(left, 1+left/3))
			if trapProne {
				x = 1 + r.Int64N(min(left, int64(np)))
			}
			if step == lastStep {
				x = left
			}
			if c%4 == 0 {
				// The int64 split is exactly o2o.Allocate's (ties by key).
				_, want, err := rv.allocateDecimal(x, left)
				if err != nil {
					t.Fatal(err)
				}
				if got := rv.allocateUnits(x, left); !slices.Equal(got, want) {
					t.Fatalf("case %d step %d: int64 split %v, o2o.Allocate %v", c, step, got, want)
				}
			}
			b, next, err := rv.Partial(steps[step], fromUnits(x, o2o.CNY), t1)
			if err != nil {
				t.Fatalf("case %d step %d: %v", c, step, err)
			}
			var sum int64
			for _, p := range b.Postings {
				u := unitsOf(p.Amount)
				i := index[p.Ref]
				cum[i] += u
				sum += u
				if u <= 0 || cum[i] > weights[i] {
					t.Fatalf("case %d step %d: refund %v brings %s to %d of %d", c, step, p, p.To, cum[i], weights[i])
				}
			}
			if sum != x {
				t.Fatalf("case %d step %d: refund of %d split into %d", c, step, x, sum)
			}
			if l != nil {
				if _, err := l.Apply(b); err != nil {
					t.Fatalf("case %d step %d: ledger refused: %v", c, step, err)
				}
			}
			// The naive split of the cumulative refund.
			refunded += x
			alloc, err := o2o.Allocate(fromUnits(refunded, o2o.CNY), shares)
			if err != nil {
				t.Fatal(err)
			}
			for i, a := range alloc {
				u := unitsOf(a.Amount)
				trapped = trapped || u < naivePrev[i]
				naivePrev[i] = u
			}
			rv = next
		}
		if !slices.Equal(cum, weights) {
			t.Fatalf("case %d: refunds end at %v, shares are %v", c, cum, weights)
		}
		if c%64 == 0 {
			for _, s := range rv.Shares() {
				if !s.Reversed.Equal(s.Original) {
					t.Fatalf("case %d: %s ends at %s of %s", c, s.Key, s.Reversed, s.Original)
				}
			}
		}
		if l != nil {
			for _, b := range l.Balances() {
				if !b.Balance.IsZero() {
					t.Fatalf("case %d: %s ends at %s", c, b.Account, b.Balance)
				}
			}
		}
		if trapped {
			traps++
		}
	}
	// The trap must stay reachable: about 1 case in 60 hits it with this
	// generator; require at least 1 in 200 (and one under -short).
	if traps < max(n/200, 1) {
		t.Errorf("the naive cumulative split gave a negative refund in only %d of %d cases: the property test lost its teeth", traps, n)
	}
	t.Logf("%d cases, %d where the naive split gives a negative refund", n, traps)
}

// TestFullReversalRestoresBalances: over random sales split by the rules
// (random amounts, channels, venues, routing, dealers) on top of a ledger
// with other traffic, a full reversal of the split brings every balance
// back to what it was before the sale, and a second full reversal is
// refused by the ledger and changes nothing.
func TestFullReversalRestoresBalances(t *testing.T) {
	s := testSplitter(t)
	r := rand.New(rand.NewPCG(9, 10))
	var l *Ledger
	for c := range cases(100_000) {
		if c%256 == 0 { // a fresh ledger now and then keeps the test fast
			l = MustLedger(Config{})
			mustApply(t, l, post("bg-1", "cust-1", "store-1", "12.34"), post("bg-2", "hq", "store-2", "1000.00"))
		}
		amounts := make([]string, 1+r.IntN(3))
		for i := range amounts {
			amounts[i] = fromUnits(r.Int64N(5_000_000), o2o.CNY).AmountString()
		}
		sale := testOrder([]o2o.Channel{o2o.ChannelO2O, o2o.ChannelB2C}[r.IntN(2)], amounts...)
		sale.Order.ID = "SO-" + strconv.Itoa(c)
		if r.IntN(3) == 0 {
			sale.Order.Placed = o2o.Placement{Venue: o2o.VenueStore, StoreID: "store-1"}
		}
		routing := Routing{}
		if r.IntN(4) != 0 {
			routing.RegionStore = "store-2"
		}
		var ents []Entitlement
		if r.IntN(2) == 0 {
			ents = dealerEnt
		}
		sp, err := s.SplitValidated(sale, routing, ents)
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		if len(sp.Batch.Postings) == 0 {
			continue
		}
		before := l.Balances()
		mustApply(t, l, sp.Batch.Postings...)
		rv, err := NewReversible(sp.Batch, o2o.Quantity{})
		if err != nil {
			t.Fatal(err)
		}
		full, _, err := rv.Full("RET-"+sale.Order.ID, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		mustApply(t, l, full.Postings...)
		// Both sorted by account; accounts new since before must be at zero.
		after, k := l.Balances(), 0
		for _, a := range after {
			for k < len(before) && before[k].Account < a.Account {
				k++
			}
			w := cny("0")
			if k < len(before) && before[k].Account == a.Account {
				w = before[k].Balance
			}
			if !a.Balance.Equal(w) {
				t.Fatalf("case %d: %s at %s after the full reversal, %s before", c, a.Account, a.Balance, w)
			}
		}
		again, _, _ := rv.Full("RET2-"+sale.Order.ID, t0.Add(2*time.Hour)) // from the stale value
		n := l.Len()
		if _, err := l.Apply(again); !errors.Is(err, ErrAlreadyReversed) || l.Len() != n {
			t.Fatalf("case %d: second full reversal: %v", c, err)
		}
	}
}

// TestPartialManyPostings: past maxUnitsAlloc postings Partial splits
// through o2o.Allocate; the refund is still split over the remaining
// shares, within one fen of each exact share, and ends exactly at them.
func TestPartialManyPostings(t *testing.T) {
	var orig Batch
	for i := range maxUnitsAlloc + 6 {
		orig.Postings = append(orig.Postings, Posting{Key: fmt.Sprintf("k%03d", i), Kind: KindSaleRevenue, From: "cust",
			To: fmt.Sprintf("p%03d", i), Amount: fromUnits(int64(100+i), o2o.CNY), At: t0})
	}
	rv, err := NewReversible(orig, o2o.Quantity{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for step, x := range []string{"1.23", "45.67", "0.01"} {
		b, next, err := rv.Partial(fmt.Sprintf("R%d", step), cny(x), t1)
		if err != nil {
			t.Fatal(err)
		}
		if total, _ := b.Total(); !total.Equal(cny(x)) {
			t.Fatalf("step %d: refund of %s split into %s", step, x, total)
		}
		for _, p := range b.Postings {
			got[p.Ref] += unitsOf(p.Amount)
		}
		rv = next
	}
	b, _, err := rv.Full("RF", t1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range b.Postings {
		got[p.Ref] += unitsOf(p.Amount)
	}
	for i, p := range orig.Postings {
		if got[p.Key] != int64(100+i) {
			t.Fatalf("%s refunded %d of %d", p.Key, got[p.Key], 100+i)
		}
	}
}
