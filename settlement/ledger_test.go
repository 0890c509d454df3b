package settlement

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

var t0 = time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China())

func cny(s string) o2o.Money { return o2o.MustParseMoney(s) }

func post(key, from, to, amount string) Posting {
	return Posting{Key: key, Kind: KindSaleRevenue, From: from, To: to, Amount: cny(amount), Order: "o1", At: t0}
}

func balances(l *Ledger) map[string]string {
	out := map[string]string{}
	for _, b := range l.Balances() {
		out[b.Account] = b.Balance.AmountString()
	}
	return out
}

func TestApplyIdempotency(t *testing.T) {
	l := MustLedger(Config{})
	first := Batch{ID: "b1", Postings: []Posting{post("k1", "cust", "hq", "100.00"), post("k2", "cust", "store", "5.00")}}
	got, err := l.Apply(first)
	if err != nil {
		t.Fatal(err)
	}
	want := Applied{Results: []Result{{"k1", StatusCreated}, {"k2", StatusCreated}}, Created: 2}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("first apply (-want +got):\n%s", d)
	}
	// Same key, same content (amount written with another scale): exists.
	same := post("k1", "cust", "hq", "100.0")
	got, err = l.Apply(Batch{Postings: []Posting{same, post("k3", "cust", "agent", "1.00")}})
	if err != nil {
		t.Fatal(err)
	}
	want = Applied{Results: []Result{{"k1", StatusExists}, {"k3", StatusCreated}}, Created: 1, Exists: 1}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("replay (-want +got):\n%s", d)
	}

	// Same key, different content: conflict, whole batch refused.
	before := balances(l)
	head, _ := l.Head()
	digest := l.Digest()
	got, err = l.Apply(Batch{Postings: []Posting{post("k4", "cust", "hq", "1.00"), post("k1", "cust", "hq", "100.01")}})
	var ce *ConflictError
	if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) || !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("err = %v, want ConflictError", err)
	}
	if ce.Key != "k1" || ce.Index != 1 || !ce.Existing.Amount.Equal(cny("100")) {
		t.Errorf("conflict = %+v", ce)
	}
	wantR := []Result{{"k4", StatusCreated}, {"k1", StatusConflict}}
	if d := cmp.Diff(wantR, got.Results); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	if d := cmp.Diff(before, balances(l)); d != "" {
		t.Errorf("balances changed by a refused batch:\n%s", d)
	}
	if h, _ := l.Head(); h != head || l.Digest() != digest || l.Len() != 3 {
		t.Errorf("chain, digest or length changed by a refused batch")
	}
	if _, err := l.Posting("k4"); !errors.Is(err, o2o.ErrNotFound) {
		t.Errorf("k4 was applied from a refused batch: %v", err)
	}
	// Within one batch: a repeat with the same content counts once, a
	// different content conflicts.
	got, err = l.Apply(Batch{Postings: []Posting{post("k5", "a", "b", "1.00"), post("k5", "a", "b", "1.00")}})
	if err != nil || got.Created != 1 || got.Exists != 1 {
		t.Errorf("in-batch repeat: %+v %v", got, err)
	}
	if _, err = l.Apply(Batch{Postings: []Posting{post("k6", "a", "b", "1.00"), post("k6", "a", "c", "1.00")}}); !errors.Is(err, ErrConflict) {
		t.Errorf("in-batch conflict: %v", err)
	}
}

func TestApplyRefusesInvalid(t *testing.T) {
	usd, _ := o2o.NewMoneyIn(cny("1").Amount(), "USD")
	tests := []struct {
		name string
		p    Posting
		path string
		is   error
	}{
		{"no key", Posting{Kind: KindSaleRevenue, From: "a", To: "b", Amount: cny("1"), At: t0}, "postings[0].key", o2o.ErrInvalid},
		{"bad kind", Posting{Key: "k", Kind: "gift", From: "a", To: "b", Amount: cny("1"), At: t0}, "postings[0].kind", o2o.ErrInvalid},
		{"same party", Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "a", Amount: cny("1"), At: t0}, "postings[0].to", o2o.ErrInvalid},
		{"zero", Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "b", Amount: cny("0"), At: t0}, "postings[0].amount", o2o.ErrInvalid},
		{"negative", Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "b", Amount: cny("-1"), At: t0}, "postings[0].amount", o2o.ErrInvalid},
		{"fraction of a fen", Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "b", Amount: cny("0.001"), At: t0}, "postings[0].amount", o2o.ErrInvalid},
		{"too large", Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "b", Amount: cny("10000000000000.01"), At: t0}, "postings[0].amount", ErrOverflow},
		{"no instant", Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "b", Amount: cny("1")}, "postings[0].at", o2o.ErrInvalid},
		{"reversal without ref", Posting{Key: "k", Kind: KindReversal, From: "a", To: "b", Amount: cny("1"), At: t0}, "postings[0].ref", o2o.ErrInvalid},
		{"ref on a sale", Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "b", Amount: cny("1"), Ref: "x", At: t0}, "postings[0].ref", o2o.ErrInvalid},
		{"currency", Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "b", Amount: usd, At: t0}, "", o2o.ErrCurrencyMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := MustLedger(Config{})
			_, err := l.Apply(Batch{Postings: []Posting{tt.p}})
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			var ve *o2o.ValidationError
			if tt.path != "" && (!errors.As(err, &ve) || ve.Fields[0].Path != tt.path) {
				t.Errorf("err = %v, want path %q", err, tt.path)
			}
			if l.Len() != 0 || len(l.Balances()) != 0 {
				t.Errorf("refused batch changed the ledger")
			}
		})
	}
	if _, err := MustLedger(Config{}).Apply(Batch{}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("empty batch: %v", err)
	}
}

func TestLimits(t *testing.T) {
	l := MustLedger(Config{Limits: []Limit{{Account: "investor", Overdraft: cny("100.00")}, {Account: "store", Overdraft: cny("0")}}})
	if _, err := l.Apply(Batch{Postings: []Posting{post("a", "investor", "store", "60.00")}}); err != nil {
		t.Fatal(err)
	}
	// 60 + 50 > 100: refused whole, even though the first posting fits.
	_, err := l.Apply(Batch{Postings: []Posting{post("b", "store", "x", "10.00"), post("c", "investor", "store", "50.00")}})
	var le *LimitError
	if !errors.Is(err, ErrLimit) || !errors.As(err, &le) {
		t.Fatalf("err = %v, want LimitError", err)
	}
	want := &LimitError{Account: "investor", Key: "c", Index: 1, Needed: cny("50.00"), Available: cny("40.00")}
	if d := cmp.Diff(want, le); d != "" {
		t.Errorf("limit error (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"investor": "-60.00", "store": "60.00"}, balances(l)); d != "" {
		t.Errorf("balances (-want +got):\n%s", d)
	}
	// Limits are checked after every posting in batch order: the store may
	// not pay before it is paid.
	if _, err := l.Apply(Batch{Postings: []Posting{post("d", "store", "x", "70.00"), post("e", "investor", "store", "10.00")}}); !errors.Is(err, ErrLimit) {
		t.Errorf("order within a batch: %v", err)
	}
	if _, err := l.Apply(Batch{Postings: []Posting{post("e", "investor", "store", "10.00"), post("d", "store", "x", "70.00")}}); err != nil {
		t.Errorf("in order: %v", err)
	}
	if len(l.LimitBreaches()) != 0 {
		t.Errorf("breaches: %v", l.LimitBreaches())
	}

	// The limit itself is allowed, a fen beyond it is not: down to exactly
	// −overdraft, and exactly zero for a zero limit.
	l = MustLedger(Config{Limits: []Limit{{Account: "investor", Overdraft: cny("100.00")}, {Account: "store", Overdraft: cny("0")}}})
	if _, err := l.Apply(Batch{Postings: []Posting{post("f", "investor", "store", "100.00"), post("g", "store", "x", "100.00")}}); err != nil {
		t.Fatalf("exactly at the limits: %v", err)
	}
	for _, p := range []Posting{post("h", "investor", "x", "0.01"), post("i", "store", "x", "0.01")} {
		_, err := l.Apply(Batch{Postings: []Posting{p}})
		if !errors.As(err, &le) || le.Account != p.From || !le.Available.Equal(cny("0")) || !le.Needed.Equal(cny("0.01")) {
			t.Errorf("a fen beyond %s's limit: %v", p.From, err)
		}
	}
	if d := cmp.Diff(map[string]string{"investor": "-100.00", "store": "0.00", "x": "100.00"}, balances(l)); d != "" {
		t.Errorf("at the limits (-want +got):\n%s", d)
	}
}

func TestLedgerConfigErrors(t *testing.T) {
	usd, _ := o2o.NewMoneyIn(cny("1").Amount(), "USD")
	tests := []struct {
		name string
		cfg  Config
		is   error
	}{
		{"unknown currency", Config{Currency: "XXX"}, o2o.ErrUnknownCurrency},
		{"limit without account", Config{Limits: []Limit{{Overdraft: cny("1")}}}, o2o.ErrInvalid},
		{"limit twice", Config{Limits: []Limit{{Account: "a"}, {Account: "a"}}}, o2o.ErrDuplicate},
		{"negative limit", Config{Limits: []Limit{{Account: "a", Overdraft: cny("-1")}}}, o2o.ErrInvalid},
		{"limit currency", Config{Limits: []Limit{{Account: "a", Overdraft: usd}}}, o2o.ErrCurrencyMismatch},
	}
	for _, tt := range tests {
		if _, err := NewLedger(tt.cfg); !errors.Is(err, tt.is) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.is)
		}
	}
}

func TestReversalInLedger(t *testing.T) {
	l := MustLedger(Config{})
	if _, err := l.Apply(Batch{Postings: []Posting{post("s", "cust", "hq", "100.00")}}); err != nil {
		t.Fatal(err)
	}
	rev := func(key, ref, from, to, amount string) Posting {
		return Posting{Key: key, Kind: KindReversal, From: from, To: to, Amount: cny(amount), Ref: ref, At: t0}
	}
	tests := []struct {
		name string
		p    Posting
		is   error
	}{
		{"unknown ref", rev("r", "nope", "hq", "cust", "1.00"), ErrOverReversal},
		{"not mirrored", rev("r", "s", "cust", "hq", "1.00"), ErrOverReversal},
		{"too much", rev("r", "s", "hq", "cust", "100.01"), ErrOverReversal},
		// A mirror on one side only: a third party is neither.
		{"from the payee to a third party", rev("r", "s", "hq", "other", "1.00"), ErrOverReversal},
		{"from a third party to the payer", rev("r", "s", "other", "cust", "1.00"), ErrOverReversal},
	}
	for _, tt := range tests {
		_, err := l.Apply(Batch{Postings: []Posting{tt.p}})
		var re *ReversalError
		if !errors.Is(err, tt.is) || !errors.As(err, &re) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.is)
		}
	}
	// A reversal must come after its original, in the ledger and within a
	// batch: before it in the same batch is refused, whole.
	if _, err := l.Apply(Batch{Postings: []Posting{rev("rt", "t", "hq", "cust", "1.00"), post("t", "cust", "hq", "5.00")}}); !errors.Is(err, ErrOverReversal) || l.Len() != 1 {
		t.Errorf("reversal before its original in a batch: %v (len %d)", err, l.Len())
	}
	if _, err := l.Apply(Batch{Postings: []Posting{post("t", "cust", "hq", "5.00"), rev("rt", "t", "hq", "cust", "5.00")}}); err != nil {
		t.Errorf("reversal after its original in a batch: %v", err)
	}
	if _, err := l.Apply(Batch{Postings: []Posting{rev("r1", "s", "hq", "cust", "40.00"), rev("r2", "s", "hq", "cust", "60.00")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Apply(Batch{Postings: []Posting{rev("r3", "s", "hq", "cust", "0.01")}}); !errors.Is(err, ErrAlreadyReversed) {
		t.Errorf("second full reversal: %v", err)
	}
	if _, err := l.Apply(Batch{Postings: []Posting{rev("r4", "r1", "cust", "hq", "1.00")}}); !errors.Is(err, ErrOverReversal) {
		t.Errorf("reversal of a reversal: %v", err)
	}
	if d := cmp.Diff(map[string]string{"cust": "0.00", "hq": "0.00"}, balances(l)); d != "" {
		t.Errorf("after full reversal (-want +got):\n%s", d)
	}
	if !l.Reversed("s").Equal(cny("100")) {
		t.Errorf("reversed = %s", l.Reversed("s"))
	}
}

func TestChainAndDigest(t *testing.T) {
	l := MustLedger(Config{})
	ps := []Posting{post("a", "x", "y", "1.00"), post("b", "y", "z", "2.00"), post("c", "z", "x", "3.00")}
	for _, p := range ps {
		if _, err := l.Apply(Batch{Postings: []Posting{p}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.VerifyLog(l.Log()); err != nil {
		t.Fatalf("own log: %v", err)
	}
	tampered := l.Log()
	tampered[1].Amount = cny("2.01")
	if err := l.VerifyLog(tampered); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("tampered amount verified: %v", err)
	}
	swapped := l.Log()
	swapped[0], swapped[1] = swapped[1], swapped[0]
	if err := l.VerifyLog(swapped); err == nil {
		t.Errorf("reordered log verified")
	}
	if err := l.VerifyLog(l.Log()[:2]); err == nil {
		t.Errorf("truncated log verified")
	}
	// Same postings in another order: another head, same digest.
	m := MustLedger(Config{})
	if _, err := m.Apply(Batch{Postings: []Posting{ps[2], ps[0], ps[1]}}); err != nil {
		t.Fatal(err)
	}
	h1, _ := l.Head()
	h2, _ := m.Head()
	if h1 == h2 {
		t.Errorf("chain ignores order")
	}
	if l.Digest() != m.Digest() {
		t.Errorf("digest depends on order")
	}
	off := MustLedger(Config{DisableChain: true})
	if _, ok := off.Head(); ok {
		t.Errorf("disabled chain has a head")
	}
	if err := off.VerifyLog(nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("verify without chain: %v", err)
	}
}

func TestMerge(t *testing.T) {
	a, b, all := MustLedger(Config{}), MustLedger(Config{}), MustLedger(Config{})
	pa := []Posting{post("a", "x", "y", "1.00"), post("b", "y", "z", "2.00")}
	pb := []Posting{post("c", "z", "x", "3.00")}
	mustApply(t, a, pa...)
	mustApply(t, b, pb...)
	mustApply(t, all, append(append([]Posting{}, pb...), pa...)...)
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	assertSameLedger(t, all, m)
	if m.Sequential() {
		t.Errorf("a merge of two is not sequential")
	}
	if _, ok := m.Head(); ok {
		t.Errorf("merged ledger has a chain head")
	}
	// Identity.
	e, _ := Merge(MustLedger(Config{}), all)
	assertSameLedger(t, all, e)
	// Overlap.
	if _, err := Merge(a, a.Clone()); !errors.Is(err, ErrOverlap) {
		t.Errorf("overlap: %v", err)
	}
	if _, err := Merge(a, MustLedger(Config{Currency: "USD"})); !errors.Is(err, o2o.ErrCurrencyMismatch) {
		t.Errorf("currency: %v", err)
	}
	if _, err := Merge(a, MustLedger(Config{Limits: []Limit{{Account: "x"}}})); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("limits: %v", err)
	}
	if _, err := Merge(); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("no parts: %v", err)
	}
	// The parts are unchanged.
	if a.Len() != 2 || b.Len() != 1 {
		t.Errorf("merge changed its parts")
	}
}

// assertSameState compares balances, postings and digests, cheaply.
func assertSameState(t testing.TB, want, got *Ledger) {
	t.Helper()
	wb, gb := want.Balances(), got.Balances()
	same := len(wb) == len(gb)
	for i := 0; same && i < len(wb); i++ {
		same = wb[i].Account == gb[i].Account && wb[i].Balance.Equal(gb[i].Balance)
	}
	if !same {
		t.Errorf("balances (-want +got):\n%s", cmp.Diff(wb, gb))
	}
	wp, gp := want.Postings(), got.Postings()
	same = len(wp) == len(gp)
	for i := 0; same && i < len(wp); i++ {
		same = wp[i].SameContent(gp[i])
	}
	if !same {
		t.Errorf("postings (-want +got):\n%s", cmp.Diff(wp, gp))
	}
	if want.Digest() != got.Digest() {
		t.Errorf("digest %s, want %s", got.Digest(), want.Digest())
	}
}

func mustApply(t testing.TB, l *Ledger, ps ...Posting) {
	t.Helper()
	if _, err := l.Apply(Batch{Postings: ps}); err != nil {
		t.Fatal(err)
	}
}

func assertSameLedger(t testing.TB, want, got *Ledger) {
	t.Helper()
	assertSameState(t, want, got)
	ws, _ := want.Statements(Period{})
	gs, _ := got.Statements(Period{})
	// Equal JSON bytes are equal statements; cmp (by value: 1.5 = 1.50, an
	// instant in any location) decides only otherwise — its reflection
	// costs far more than the statements.
	if sameJSON(t, ws, gs) {
		return
	}
	if d := cmp.Diff(ws, gs); d != "" {
		t.Errorf("statements (-want +got):\n%s", d)
	}
}

func TestStatement(t *testing.T) {
	l := MustLedger(Config{})
	april := time.Date(2024, 4, 30, 23, 30, 0, 0, o2o.China())
	mayUTC := time.Date(2024, 4, 30, 16, 30, 0, 0, time.UTC) // 00:30 on 1 May in China
	june := time.Date(2024, 6, 1, 0, 0, 0, 0, o2o.China())
	mustApply(t, l,
		Posting{Key: "p1", Kind: KindSaleRevenue, From: "cust", To: "hq", Amount: cny("100.00"), At: april},
		Posting{Key: "p2", Kind: KindStoreCommission, From: "cust", To: "store", Amount: cny("8.00"), At: mayUTC},
		Posting{Key: "p3", Kind: KindSaleRevenue, From: "cust2", To: "hq", Amount: cny("50.00"), At: t0},
		Posting{Key: "p4", Kind: KindDrainageCharge, From: "hq", To: "platform", Amount: cny("20.00"), At: t0.Add(time.Hour)},
		Posting{Key: "p5", Kind: KindSaleRevenue, From: "cust", To: "hq", Amount: cny("1.00"), At: june},
	)
	may := Month(2024, time.May, nil)
	s, err := l.Statement("hq", may)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{s.Opening.AmountString(), s.Credits.AmountString(), s.Debits.AmountString(), s.Closing.AmountString()}; !cmp.Equal(got, []string{"100.00", "50.00", "20.00", "130.00"}) {
		t.Errorf("hq totals = %v", got)
	}
	if len(s.Lines) != 2 || s.Lines[0].Posting.Key != "p3" || s.Lines[1].Counterparty != "platform" || !s.Lines[1].Amount.Equal(cny("-20")) || !s.Lines[1].Balance.Equal(cny("130")) {
		t.Errorf("hq lines = %+v", s.Lines)
	}
	st, _ := l.Statement("store", may)
	if len(st.Lines) != 1 || st.Lines[0].Posting.Key != "p2" {
		t.Errorf("a posting at 00:30 on 1 May (+08:00) belongs to May: %+v", st.Lines)
	}
	// No party sees another's lines.
	for _, s := range mustStatements(t, l, may) {
		for _, ln := range s.Lines {
			if ln.Posting.From != s.Account && ln.Posting.To != s.Account {
				t.Errorf("%s sees %s", s.Account, ln.Posting.Key)
			}
		}
	}
	if _, err := l.Statement("hq", Period{From: june, To: april}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("inverted period: %v", err)
	}
	if got := MonthOf(time.Date(2024, 1, 31, 20, 0, 0, 0, time.UTC), nil); !got.From.Equal(time.Date(2024, 2, 1, 0, 0, 0, 0, o2o.China())) {
		t.Errorf("MonthOf = %v", got)
	}
}

func mustStatements(t testing.TB, l *Ledger, p Period) []Statement {
	t.Helper()
	s, err := l.Statements(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJSONRoundTrips(t *testing.T) {
	l := MustLedger(Config{})
	p := post("k", "cust", "hq", "12.30")
	mustApply(t, l, p)
	st, _ := l.Statement("hq", Month(2024, time.May, nil))
	cases := []struct {
		name string
		v    any
		into func() any
	}{
		{"posting", p, func() any { return new(Posting) }},
		{"batch", Batch{ID: "b", Postings: []Posting{p}}, func() any { return new(Batch) }},
		{"applied", Applied{Results: []Result{{"k", StatusExists}}, Exists: 1}, func() any { return new(Applied) }},
		{"config", Config{Currency: "USD", Limits: []Limit{{Account: "a", Overdraft: o2o.MustParseMoney("1.00 USD")}}, DisableChain: true}, func() any { return new(Config) }},
		{"statement", st, func() any { return new(Statement) }},
		{"hash", l.Digest(), func() any { return new(Hash) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, err := json.Marshal(c.v)
			if err != nil {
				t.Fatal(err)
			}
			into := c.into()
			if err := o2o.DecodeJSON(data, into); err != nil {
				t.Fatalf("decode %s: %v", data, err)
			}
			if d := cmp.Diff(c.v, derefAny(into), cmpTime); d != "" {
				t.Errorf("round trip (-want +got):\n%s", d)
			}
		})
	}
	var k Kind
	if err := json.Unmarshal([]byte(`"gift"`), &k); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := json.Marshal(Kind("gift")); err == nil {
		t.Errorf("marshalled an unknown kind")
	}
}

var cmpTime = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func derefAny(v any) any {
	switch x := v.(type) {
	case *Posting:
		return *x
	case *Batch:
		return *x
	case *Applied:
		return *x
	case *Config:
		return *x
	case *Statement:
		return *x
	case *Hash:
		return *x
	case *SplitConfig:
		return *x
	case *Split:
		return *x
	case *Decision:
		return *x
	case *Position:
		return *x
	case *Repayment:
		return *x
	case *AuthorityConfig:
		return *x
	}
	return v
}
