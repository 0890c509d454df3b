package settlement

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

// cases returns n, or n/20 under -short.
func cases(n int) int {
	if testing.Short() {
		return max(n/20, 1)
	}
	return n
}

// model is the deliberately simple reference ledger of the TigerBeetle-style
// auditor: plain maps, no hashing, no cleverness.
type model struct {
	postings map[string]Posting
	balances map[string]int64
	reversed map[string]int64
	limits   map[string]int64
	order    []string
	// Scratch space of apply, reused between calls.
	staged   map[string]Posting
	bal, rev map[string]int64
	fresh    []Posting
}

func newModel(limits map[string]int64) *model {
	return &model{postings: map[string]Posting{}, balances: map[string]int64{}, reversed: map[string]int64{}, limits: limits}
}

func unitsOf(m o2o.Money) int64 { return m.Amount().Shift(2).IntPart() }

// apply returns the outcome class: nil, ErrConflict, ErrLimit,
// ErrOverReversal or ErrAlreadyReversed. It stages the batch's changes in
// small maps (reused between calls) and commits them only when the whole
// batch passes, so a refused batch leaves the model as it was.
func (m *model) apply(b Batch) ([]Status, error) {
	statuses := make([]Status, len(b.Postings))
	if m.staged == nil {
		m.staged, m.bal, m.rev = map[string]Posting{}, map[string]int64{}, map[string]int64{}
	}
	staged, bal, rev := m.staged, m.bal, m.rev
	clear(staged)
	clear(bal)
	clear(rev)
	fresh := m.fresh[:0]
	conflict := false
	for i, p := range b.Postings {
		old, ok := m.postings[p.Key]
		if !ok {
			old, ok = staged[p.Key]
		}
		switch {
		case ok && old.SameContent(p):
			statuses[i] = StatusExists
		case ok:
			statuses[i] = StatusConflict
			conflict = true
		default:
			statuses[i] = StatusCreated
			staged[p.Key] = p
			fresh = append(fresh, p)
		}
	}
	m.fresh = fresh
	if conflict {
		return statuses, ErrConflict
	}
	clear(staged) // from here on: the postings of this batch applied so far
	balance := func(a string) int64 {
		if v, ok := bal[a]; ok {
			return v
		}
		return m.balances[a]
	}
	reversed := func(k string) int64 {
		if v, ok := rev[k]; ok {
			return v
		}
		return m.reversed[k]
	}
	for _, p := range fresh {
		u := unitsOf(p.Amount)
		if lim, ok := m.limits[p.From]; ok && balance(p.From)-u < -lim {
			return statuses, ErrLimit
		}
		if p.Kind == KindReversal {
			orig, ok := m.postings[p.Ref]
			if !ok {
				orig, ok = staged[p.Ref]
			}
			if !ok || orig.Kind == KindReversal || orig.From != p.To || orig.To != p.From {
				return statuses, ErrOverReversal
			}
			if reversed(p.Ref) == unitsOf(orig.Amount) {
				return statuses, ErrAlreadyReversed
			}
			if reversed(p.Ref)+u > unitsOf(orig.Amount) {
				return statuses, ErrOverReversal
			}
			rev[p.Ref] = reversed(p.Ref) + u
		}
		bal[p.From] = balance(p.From) - u
		bal[p.To] = balance(p.To) + u
		staged[p.Key] = p
	}
	maps.Copy(m.balances, bal)
	maps.Copy(m.reversed, rev)
	maps.Copy(m.postings, staged)
	for _, p := range fresh {
		m.order = append(m.order, p.Key)
	}
	return statuses, nil
}

var accounts = []string{"hq", "store-1", "store-2", "agent-1", "dealer-1", "investor", "cust-1", "cust-2"}

type gen struct {
	r     *rand.Rand
	keys  []string // keys used so far, to replay and to reverse
	byKey map[string]Posting
}

func (g *gen) posting() Posting {
	r := g.r
	switch x := r.IntN(10); {
	case x == 0 && len(g.keys) > 0:
		// Replay an old posting (exists), or alter it (conflict).
		p := g.byKey[g.keys[r.IntN(len(g.keys))]]
		if r.IntN(2) == 0 {
			p.Amount = o2o.MustParseMoney(fmt.Sprintf("%d.%02d", r.IntN(50), 1+r.IntN(99)))
		}
		return p
	case x <= 2 && len(g.keys) > 0:
		orig := g.byKey[g.keys[r.IntN(len(g.keys))]]
		from, to := orig.To, orig.From
		if r.IntN(8) == 0 {
			from, to = to, from
		}
		u := 1 + r.Int64N(max(unitsOf(orig.Amount)*2/3, 1))
		if r.IntN(3) == 0 {
			u = unitsOf(orig.Amount)
		}
		return g.remember(Posting{Key: fmt.Sprintf("r%d", len(g.keys)), Kind: KindReversal, From: from, To: to,
			Amount: fromUnits(u, o2o.CNY), Ref: orig.Key, At: t0.Add(time.Duration(r.IntN(1000)) * time.Hour)})
	}
	from := accounts[r.IntN(len(accounts))]
	to := accounts[r.IntN(len(accounts))]
	for to == from {
		to = accounts[r.IntN(len(accounts))]
	}
	kinds := []Kind{KindSaleRevenue, KindStoreCommission, KindTransferPayment, KindAdvance, KindRepayment}
	return g.remember(Posting{Key: fmt.Sprintf("k%d", len(g.keys)), Kind: kinds[r.IntN(len(kinds))], From: from, To: to,
		Amount: fromUnits(1+r.Int64N(100_000), o2o.CNY), Order: fmt.Sprintf("o%d", r.IntN(20)),
		At: t0.Add(time.Duration(r.IntN(1000)) * time.Hour)})
}

func (g *gen) remember(p Posting) Posting {
	g.keys = append(g.keys, p.Key)
	g.byKey[p.Key] = p
	return p
}

func (g *gen) batch() Batch {
	b := Batch{Postings: make([]Posting, 1+g.r.IntN(5))}
	for i := range b.Postings {
		b.Postings[i] = g.posting()
	}
	return b
}

// TestModelAuditor replays random operations against the real ledger and the
// simple model, comparing them after every operation, and checks the
// invariants: the sum of all balances is zero, limits hold, a refused batch
// changes nothing, applying an accepted batch again changes nothing.
func TestModelAuditor(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 2024))
	ops := 0
	outcomes := map[string]int{}
	for seq := 0; ops < cases(100_000); seq++ {
		limits := map[string]int64{"investor": 500_000, "store-1": 0}
		l := MustLedger(Config{Limits: []Limit{{Account: "investor", Overdraft: cny("5000.00")}, {Account: "store-1", Overdraft: cny("0")}}})
		m := newModel(limits)
		g := &gen{r: r, byKey: map[string]Posting{}}
		for range 100 {
			ops++
			b := g.batch()
			headBefore, _ := l.Head()
			digestBefore, lenBefore := l.Digest(), l.Len()
			got, err := l.Apply(b)
			wantStatuses, wantErr := m.apply(b)
			if !errors.Is(err, wantErr) || (wantErr == nil) != (err == nil) {
				t.Fatalf("seq %d op %d: err = %v, model says %v\nbatch %v", seq, ops, err, wantErr, b.Postings)
			}
			if err == nil || errors.Is(err, ErrConflict) {
				gotStatuses := make([]Status, len(got.Results))
				for i, res := range got.Results {
					gotStatuses[i] = res.Status
				}
				if d := cmp.Diff(wantStatuses, gotStatuses); d != "" {
					t.Fatalf("seq %d op %d: statuses (-model +real):\n%s", seq, ops, d)
				}
			}
			if err != nil {
				headAfter, _ := l.Head()
				if headAfter != headBefore || l.Digest() != digestBefore || l.Len() != lenBefore {
					t.Fatalf("refused batch changed the ledger")
				}
			}
			outcomes[outcomeName(wantErr)]++
			checkAgainstModel(t, l, m)
			if err == nil && r.IntN(10) == 0 {
				again, err := l.Apply(b)
				if err != nil || again.Created != 0 {
					t.Fatalf("applying an accepted batch again: %+v %v", again, err)
				}
				checkAgainstModel(t, l, m)
			}
		}
		if err := l.VerifyLog(l.Log()); err != nil {
			t.Fatalf("chain: %v", err)
		}
	}
	// The generator must reach every outcome, or the auditor proves little.
	for _, e := range []error{nil, ErrConflict, ErrLimit, ErrOverReversal, ErrAlreadyReversed} {
		if outcomes[outcomeName(e)] == 0 {
			t.Errorf("no operation ended in %v; outcomes %v", e, outcomes)
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

func outcomeName(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func checkAgainstModel(t *testing.T, l *Ledger, m *model) {
	t.Helper()
	var sum int64
	got := l.Balances()
	same := len(got) == len(m.balances)
	for _, b := range got {
		u := unitsOf(b.Balance)
		sum += u
		if want, ok := m.balances[b.Account]; !ok || want != u {
			same = false
		}
		if lim, ok := m.limits[b.Account]; ok && u < -lim {
			t.Fatalf("limit of %s broken: %d", b.Account, u)
		}
	}
	if !same { // build the readable difference only on failure
		gotMap := map[string]int64{}
		for _, b := range got {
			gotMap[b.Account] = unitsOf(b.Balance)
		}
		t.Fatalf("balances (-model +real):\n%s", cmp.Diff(m.balances, gotMap))
	}
	if sum != 0 {
		t.Fatalf("balances sum to %d", sum)
	}
	if l.Len() != len(m.postings) {
		t.Fatalf("len %d, model %d", l.Len(), len(m.postings))
	}
}

// TestMergeEqualsSequential builds random postings, partitions them by order
// (so reversals stay with their originals), builds one ledger per partition,
// merges them in a random tree, and compares with one ledger built from
// everything in another order. Most cases are small (up to 6 sales and their
// reversals, in up to 5 parts, so several parts are often empty: the
// identity) and every 16th has up to 40 sales, so that 100,000 of them stay
// cheap: balances, length and digest are compared every case, the sorted
// postings every 16th, the statements every 1,024th.
func TestMergeEqualsSequential(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var keys, revKeys, orders [40]string
	for i := range keys {
		keys[i], revKeys[i], orders[i] = "k"+strconv.Itoa(i), "r"+strconv.Itoa(i), "o"+strconv.Itoa(i)
	}
	var all, shuffled []Posting
	var groups [5][]Posting
	var parts []*Ledger
	merges := 0
	for c := range cases(100_000) {
		all = all[:0]
		k := 1 + r.IntN(len(groups))
		for g := range k {
			groups[g] = groups[g][:0]
		}
		n := 1 + r.IntN(6)
		if c%16 == 0 {
			n = 1 + r.IntN(len(keys))
		}
		for i := range n {
			o := r.IntN(8)
			p := Posting{Key: keys[i], Kind: KindSaleRevenue, From: accounts[r.IntN(4)], To: accounts[4+r.IntN(4)],
				Amount: fromUnits(1+r.Int64N(1_000_000), o2o.CNY), Order: orders[o], At: t0.Add(time.Duration(r.IntN(2000)) * time.Hour)}
			all = append(all, p)
			groups[o%k] = append(groups[o%k], p)
			if r.IntN(4) == 0 {
				rv := Posting{Key: revKeys[i], Kind: KindReversal, From: p.To, To: p.From,
					Amount: fromUnits(1+r.Int64N(unitsOf(p.Amount)), o2o.CNY), Order: p.Order, Ref: p.Key, At: p.At.Add(time.Hour)}
				all = append(all, rv)
				groups[o%k] = append(groups[o%k], rv)
			}
		}
		parts = parts[:0]
		for g := range k {
			l := MustLedger(Config{})
			if len(groups[g]) > 0 {
				mustApply(t, l, groups[g]...)
			}
			parts = append(parts, l)
		}
		// Random merge tree (an empty part is the identity).
		for len(parts) > 1 {
			i := r.IntN(len(parts) - 1)
			m, err := Merge(parts[i], parts[i+1])
			if err != nil {
				t.Fatal(err)
			}
			merges++
			parts = slices.Replace(parts, i, i+2, m)
		}
		seq := MustLedger(Config{})
		shuffled = append(shuffled[:0], all...)
		// Originals must come before their reversals: shuffle, then stable-sort
		// reversals last.
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		slices.SortStableFunc(shuffled, func(a, b Posting) int {
			return boolInt(a.Kind == KindReversal) - boolInt(b.Kind == KindReversal)
		})
		mustApply(t, seq, shuffled...)
		switch {
		case c%1024 == 0:
			assertSameLedger(t, seq, parts[0])
		case c%16 == 0:
			assertSameState(t, seq, parts[0])
		default:
			assertSameBalances(t, seq, parts[0])
		}
		if t.Failed() {
			t.Fatalf("case %d", c)
		}
	}
	if merges < cases(100_000) {
		t.Errorf("only %d merges in %d cases: the generator lost its partitions", merges, cases(100_000))
	}
}

// assertSameBalances compares balances, length and digest without
// allocating more than Balances does.
func assertSameBalances(t testing.TB, want, got *Ledger) {
	t.Helper()
	wb, gb := want.Balances(), got.Balances()
	same := len(wb) == len(gb) && want.Len() == got.Len() && want.Digest() == got.Digest()
	for i := 0; same && i < len(wb); i++ {
		same = wb[i].Account == gb[i].Account && wb[i].Balance.Equal(gb[i].Balance)
	}
	if !same {
		assertSameState(t, want, got)
		t.Errorf("balances, length or digest differ")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
