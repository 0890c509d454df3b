package month

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// generate is Generate that fails the test on error.
func generate(t testing.TB, cfg Config) *Month {
	t.Helper()
	m, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// run is Run that fails the test on error.
func run(t testing.TB, m *Month, workers int) *Close {
	t.Helper()
	c, err := Run(m, workers)
	if err != nil {
		t.Fatalf("%d workers: %v", workers, err)
	}
	return c
}

// sameClose fails the test when two closes differ, and compares them field
// by field too, so that Diff cannot hide a difference.
func sameClose(t *testing.T, what string, want, got *Close) {
	t.Helper()
	if d := want.Diff(got); len(d) > 0 {
		t.Errorf("%s: the closes differ:\n%v", what, d)
	}
	wj, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	gj, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wj, gj) {
		t.Errorf("%s: the closes' JSON differs", what)
	}
}

// TestRunAnyWorkers closes the small month on 1, 2, 3, 4 and 7 workers:
// every close equals the one-worker close byte for byte.
func TestRunAnyWorkers(t *testing.T) {
	m := generate(t, Small())
	one := run(t, m, 1)
	if one.Postings == 0 || len(one.Statements) < 100 || len(one.Charges) < 100 || len(one.KPIs) < 100 {
		t.Fatalf("a thin close: %d postings, %d statements, %d bytes of charges, %d of KPIs",
			one.Postings, len(one.Statements), len(one.Charges), len(one.KPIs))
	}
	for _, w := range []int{1, 2, 3, 4, 7} {
		sameClose(t, "workers "+string(rune('0'+w)), one, run(t, m, w))
	}
}

// TestRunMatchesSequentialLedger checks Run against the plainest close: one
// ledger, every order applied in posting order, no partitions, no merge.
func TestRunMatchesSequentialLedger(t *testing.T) {
	m := generate(t, Small())
	s, err := SettleOrders(m.Setup, m.Orders)
	if err != nil {
		t.Fatal(err)
	}
	p, err := AttributeJourneys(m.Setup.Drainage, m.Journeys)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Finish(m.Setup, s, p)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Ledger.Sequential() {
		t.Fatal("the one-partition ledger is not sequential")
	}
	sameClose(t, "3 workers against one ledger", want, run(t, m, 3))
}

// TestRunProperty closes months of random seeds and sizes, with credit lines
// tight enough to refuse, on random numbers of workers: each equals the
// one-worker close.
func TestRunProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	n := 12
	if testing.Short() {
		n = 4
	}
	for range n {
		cfg := Config{Seed: r.Int64(), Lines: 50 + r.IntN(600), Journeys: r.IntN(800), Provinces: 1 + r.IntN(31),
			Customers: 1 + r.IntN(30), CreditCustomers: 1 + r.IntN(3), CreditLimit: int64(r.IntN(40_000)), GroupShare: r.IntN(40)}
		m := generate(t, cfg)
		one := run(t, m, 1)
		for range 2 {
			w := 2 + r.IntN(9)
			sameClose(t, cfg.String(), one, run(t, m, w))
		}
	}
}

// TestBreachRefusedAlike closes a month whose sequential run refuses orders
// over credit limits (and still accepts smaller orders of the same
// customers after a refusal, when they fit): every partitioned close refuses
// the same orders for the same reasons, and no credit account ends below
// its limit.
func TestBreachRefusedAlike(t *testing.T) {
	m := generate(t, Breach())
	s, err := SettleOrders(m.Setup, m.Orders)
	if err != nil {
		t.Fatal(err)
	}
	refused := map[string]bool{}
	for _, r := range s.Refused {
		if r.Stage == StageLimit {
			refused[r.Order] = true
		}
	}
	if len(refused) < 20 {
		t.Fatalf("%d orders refused over a limit, want at least 20: the month does not breach", len(refused))
	}
	// Some credit orders were posted after the first refusal of their
	// customer: the limit is checked order by order, not once.
	firstRefusal := map[string]string{}
	postedAfter := 0
	for _, i := range postingOrder(m.Orders, indices(len(m.Orders))) {
		o := m.Orders[i]
		if o.Credit == "" {
			continue
		}
		if refused[o.Order.ID] {
			if firstRefusal[o.Credit] == "" {
				firstRefusal[o.Credit] = o.Order.ID
			}
		} else if firstRefusal[o.Credit] != "" {
			if _, err := s.Ledger.Posting(o.Order.ID + "/0/manufacturer"); err == nil {
				postedAfter++
			}
		}
	}
	if postedAfter == 0 {
		t.Error("no credit order was posted after its customer's first refusal")
	}
	for _, lim := range m.Setup.Limits {
		if b := s.Ledger.Balance(lim.Account); b.Neg().Amount().GreaterThan(lim.Overdraft.Amount()) {
			t.Errorf("%s ends at %s, below its limit of %s", lim.Account, b, lim.Overdraft)
		}
	}
	one := run(t, m, 1)
	if d := cmp.Diff(s.Refused, one.Refused); d != "" {
		t.Errorf("Run's refusals differ from one ledger's (-ledger +run):\n%s", d)
	}
	for _, w := range []int{2, 3, 5, 8} {
		sameClose(t, "breach", one, run(t, m, w))
	}
}

// TestCreditNotCarried shows why orders carry their credit account: with it
// removed, the orders of a credit customer would be partitioned by order id,
// and their limit checked out of posting order. SettleOrders refuses such an
// order rather than post it.
func TestCreditNotCarried(t *testing.T) {
	m := generate(t, Breach())
	for i := range m.Orders {
		m.Orders[i].Credit = ""
	}
	_, err := Run(m, 2)
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("got %v, want an error wrapping o2o.ErrInvalid", err)
	}
}

// TestMergeSettledCatchesSplitLimit merges two partial ledgers that each
// kept an account within its limit but together take it below: the merge
// refuses.
func TestMergeSettledCatchesSplitLimit(t *testing.T) {
	cfg := settlement.Config{Limits: []settlement.Limit{{Account: "grp11-00", Overdraft: o2o.MustParseMoney("100.00")}}, DisableChain: true}
	part := func(key string) *Settled {
		l := settlement.MustLedger(cfg)
		b := settlement.Batch{ID: key, Postings: []settlement.Posting{{Key: key, Kind: settlement.KindSaleRevenue, From: "grp11-00", To: "headquarters",
			Amount: o2o.MustParseMoney("60.00"), Order: key, At: time.Date(2026, 3, 2, 10, 0, 0, 0, o2o.China())}}}
		if _, err := l.Apply(b); err != nil {
			t.Fatal(err)
		}
		return &Settled{Ledger: l, Orders: 1}
	}
	if _, err := MergeSettled(part("A"), part("B")); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("got %v, want a merge refused with o2o.ErrInvalid", err)
	}
	if _, err := MergeSettled(); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("no parts: got %v, want o2o.ErrInvalid", err)
	}
}

// TestGenerateDeterministic generates the small month twice: the same bytes.
// Another seed gives another month.
func TestGenerateDeterministic(t *testing.T) {
	a, b := generate(t, Small()), generate(t, Small())
	ja, jb := monthJSON(t, a), monthJSON(t, b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("the same Config generated two different months")
	}
	other := Small()
	other.Seed++
	if bytes.Equal(ja, monthJSON(t, generate(t, other))) {
		t.Fatal("another seed generated the same month")
	}
	lines := 0
	for _, o := range a.Orders {
		lines += len(o.Order.Lines)
	}
	if lines != Small().Lines || len(a.Journeys) != Small().Journeys {
		t.Errorf("%d lines and %d journeys, want %d and %d", lines, len(a.Journeys), Small().Lines, Small().Journeys)
	}
}

func monthJSON(t *testing.T, m *Month) []byte {
	t.Helper()
	data, err := json.Marshal(struct {
		Orders   []Order
		Journeys []Journey
	}{m.Orders, m.Journeys})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestNationalNetwork checks the month spans every province: a hub or a
// community store in each, orders placed in each, and the Engine refusing
// few of them.
func TestNationalNetwork(t *testing.T) {
	m := generate(t, Small())
	seen := map[string]bool{}
	for _, o := range m.Orders {
		seen[o.Order.Delivery.Province().String()] = true
	}
	if len(seen) != 31 {
		t.Errorf("orders delivered in %d provinces, want 31", len(seen))
	}
	stores := m.Setup.Rulebook.Network().Config().Stores
	if len(stores) < 31*storesPerProvince {
		t.Errorf("%d stores, want at least %d", len(stores), 31*storesPerProvince)
	}
	c := run(t, m, 1)
	if engine := len(c.Refused) - countLimit(c); engine*50 > c.Orders {
		t.Errorf("the Engine refused %d of %d orders", engine, c.Orders)
	}
}

func countLimit(c *Close) int {
	n := 0
	for _, r := range c.Refused {
		if r.Stage == StageLimit {
			n++
		}
	}
	return n
}

// TestSampleRulebookCopy keeps the embedded rulebook equal to the sample.
func TestSampleRulebookCopy(t *testing.T) {
	want, err := os.ReadFile("../../rulebook/rulebook.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, sampleRulebook) {
		t.Fatal("rulebook.json differs from examples/rulebook/rulebook.json: copy it again")
	}
}

// TestPartition pins the hash, so that a pipeline elsewhere partitions alike.
func TestPartition(t *testing.T) {
	tests := []struct {
		key  string
		n    int
		want int
	}{
		{"order/SO-0000001", 1, 0},
		{"order/SO-0000001", 0, 0},
		{"order/SO-0000001", 2, 0},
		{"order/SO-0000001", 7, 6},
		{"credit/grp44-01", 3, 0},
		{"customer/u00000042", 5, 3},
	}
	for _, tt := range tests {
		if got := Partition(tt.key, tt.n); got != tt.want {
			t.Errorf("Partition(%q, %d) = %d, want %d", tt.key, tt.n, got, tt.want)
		}
	}
	for _, n := range []int{2, 3, 7, 64} {
		count := make([]int, n)
		for i := range 10_000 {
			p := Partition(OrderKey(Order{Order: o2o.Order{ID: string(rune('A'+i%26)) + string(rune(i))}}), n)
			if p < 0 || p >= n {
				t.Fatalf("Partition out of range: %d of %d", p, n)
			}
			count[p]++
		}
		for p, c := range count {
			if c < 10_000/n/2 {
				t.Errorf("partition %d of %d got %d keys of 10,000", p, n, c)
			}
		}
	}
}

// TestSumStatement checks the streamed hash against the hash of the
// statement's JSON in one piece, for statements of no line, one and many.
func TestSumStatement(t *testing.T) {
	m := generate(t, Small())
	s, err := SettleOrders(m.Setup, m.Orders)
	if err != nil {
		t.Fatal(err)
	}
	sts, err := s.Ledger.Statements(m.Setup.Period)
	if err != nil {
		t.Fatal(err)
	}
	empty := sts[0]
	empty.Lines = []settlement.StatementLine{}
	var sizes = map[int]bool{}
	for _, st := range append(sts, empty) {
		sizes[min(len(st.Lines), 2)] = true
		got, err := SumStatement(st)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if got.SHA256 != sha256.Sum256(data) || got.Lines != len(st.Lines) || got.Account != st.Account {
			t.Fatalf("%s: the streamed sum is not the sum of the statement's JSON", st.Account)
		}
	}
	if len(sizes) != 3 {
		t.Errorf("statements of %v lines only, want 0, 1 and more", sizes)
	}
}

// TestAppendLine writes statement lines with strings to escape, none, an
// instant with nanoseconds, another zone and a reversal: each as
// encoding/json does.
func TestAppendLine(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, o2o.China())
	base := settlement.StatementLine{Posting: settlement.Posting{Key: "SO-1/0/serving", Kind: settlement.KindStoreCommission, From: "c11-00001", To: "store-110101",
		Amount: o2o.MustParseMoney("12.30"), Order: "SO-1", At: at}, Counterparty: "store-110101", Amount: o2o.MustParseMoney("-12.30"), Balance: o2o.MustParseMoney("-1012.30")}
	lines := []settlement.StatementLine{base}
	for _, s := range []string{`a"b`, `a\b`, "<x>", "a&b", "南山", "\u2028", "tab\t", "\x7f"} {
		l := base
		l.Posting.Key, l.Counterparty, l.Posting.From = s, s, s
		lines = append(lines, l)
	}
	l := base
	l.Posting.At, l.Posting.Order, l.Posting.Ref, l.Posting.Kind = at.Add(123456789).UTC(), "", "SO-0/0/serving", settlement.KindReversal
	lines = append(lines, l)
	l = base
	l.Posting.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	lines = append(lines, l)
	for i, l := range lines {
		want, werr := json.Marshal(l)
		got, gerr := appendLine([]byte("x"), &l)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("line %d: error %v, encoding/json's %v", i, gerr, werr)
			continue
		}
		if werr == nil && string(got) != "x"+string(want) {
			t.Errorf("line %d:\n got %s\nwant x%s", i, got, want)
		}
	}
}

// TestConfigValidate refuses each size out of range, naming it.
func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{Small(), Full()} {
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	tests := []struct {
		field string
		edit  func(*Config)
	}{
		{"lines", func(c *Config) { c.Lines = 0 }},
		{"lines", func(c *Config) { c.Lines = maxSize + 1 }},
		{"journeys", func(c *Config) { c.Journeys = -1 }},
		{"provinces", func(c *Config) { c.Provinces = 32 }},
		{"customers", func(c *Config) { c.Customers = maxCustomers + 1 }},
		{"creditCustomers", func(c *Config) { c.CreditCustomers = 0 }},
		{"creditLimit", func(c *Config) { c.CreditLimit = -1 }},
		{"groupShare", func(c *Config) { c.GroupShare = 101 }},
	}
	for _, tt := range tests {
		c := Small()
		tt.edit(&c)
		err := c.Validate()
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != tt.field {
			t.Errorf("%s: got %v, want a validation error on %s", tt.field, err, tt.field)
		}
		if _, gerr := Generate(c); !errors.Is(gerr, o2o.ErrInvalid) {
			t.Errorf("%s: Generate gave %v", tt.field, gerr)
		}
	}
}

// TestSized: the two size names give Small and Full; another is refused.
func TestSized(t *testing.T) {
	for name, want := range map[string]Config{"small": Small(), "full": Full()} {
		if got, err := Sized(name); err != nil || got != want {
			t.Errorf("Sized(%q) = %+v, %v; want %+v", name, got, err, want)
		}
	}
	if _, err := Sized("medium"); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Sized(medium): %v, want o2o.ErrInvalid", err)
	}
}

// TestRunStages reports every stage once, in order, and closes the month
// as Run does.
func TestRunStages(t *testing.T) {
	m := generate(t, Small())
	var got []Stage
	c, err := RunStages(m, 2, func(s Stage) { got = append(got, s) })
	if err != nil {
		t.Fatal(err)
	}
	want := []Stage{StagePartition, StageSettle, StageMerge, StageStatements, StageFinish}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("stages (-want +got):\n%s", d)
	}
	sameClose(t, "RunStages against Run", run(t, m, 2), c)
}
