package drainage

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

var monthEnd = time.Date(2025, 9, 30, 23, 59, 0, 0, o2o.China())

func trafficStatement(t *testing.T, basis Basis) *Statement {
	t.Helper()
	ts, cs, camps := costData()
	camps = append(camps, Campaign{ID: "idle", Spend: o2o.MustParseMoney("0")})
	r := mustRules(t, Config{Model: ModelLastTouch, Basis: basis})
	res, err := r.Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Allocate(res, camps)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPostToLedger(t *testing.T) {
	st := trafficStatement(t, BasisTraffic)
	cfg := PostingConfig{Period: "2025-09", At: monthEnd}
	b, err := st.Batch(cfg)
	if err != nil {
		t.Fatal(err)
	}
	type line struct{ Key, Kind, From, To, Amount, Order string }
	var got []line
	for _, p := range b.Postings {
		got = append(got, line{p.Key, p.Kind.String(), p.From, p.To, p.Amount.AmountString(), p.Order})
		if !p.At.Equal(monthEnd) {
			t.Errorf("%s at %v, want %v", p.Key, p.At, monthEnd)
		}
	}
	// The idle campaign spent nothing: its zero charge makes no posting.
	want := []line{
		{"drainage/2025-09/silent/headquarters", "drainage_charge", "headquarters/unattributed", "headquarters", "50.00", "silent"},
		{"drainage/2025-09/spring/store/s1", "drainage_charge", "s1", "headquarters", "400.01", "spring"},
		{"drainage/2025-09/spring/store/s2", "drainage_charge", "s2", "headquarters", "200.00", "spring"},
		{"drainage/2025-09/spring/b2c", "drainage_charge", "b2c", "headquarters", "200.00", "spring"},
		{"drainage/2025-09/spring/headquarters", "drainage_charge", "headquarters/unattributed", "headquarters", "200.00", "spring"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("postings (-want +got):\n%s", diff)
	}
	if b.ID != "drainage/2025-09" {
		t.Errorf("batch id %q", b.ID)
	}
	total, err := b.Total()
	if err != nil || !total.Equal(st.Spend) {
		t.Errorf("batch total %s (%v), want the spend %s", total, err, st.Spend)
	}

	l := settlement.MustLedger(settlement.Config{})
	applied, err := st.Post(l, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if applied.Created != 5 || applied.Exists != 0 {
		t.Errorf("applied %+v, want 5 created", applied)
	}
	balances := map[string]string{}
	for _, ab := range l.Balances() {
		balances[ab.Account] = ab.Balance.AmountString()
	}
	wantBalances := map[string]string{
		"headquarters": "1050.01", "headquarters/unattributed": "-250.00",
		"s1": "-400.01", "s2": "-200.00", "b2c": "-200.00",
	}
	if diff := cmp.Diff(wantBalances, balances); diff != "" {
		t.Errorf("balances (-want +got):\n%s", diff)
	}
	s1, err := l.Statement("s1", settlement.MonthOf(monthEnd, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(s1.Lines) != 1 || !s1.Closing.Equal(o2o.MustParseMoney("-400.01")) {
		t.Errorf("s1's September statement: %+v", s1)
	}

	// Posting the same period again changes nothing.
	digest, n := l.Digest(), l.Len()
	again, err := trafficStatement(t, BasisTraffic).Post(l, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 0 || again.Exists != 5 || l.Len() != n || l.Digest() != digest {
		t.Errorf("re-post: %+v, len %d→%d", again, n, l.Len())
	}

	// The same period with other charges is refused whole.
	other := trafficStatement(t, BasisConversions)
	_, err = other.Post(l, cfg)
	var ce *settlement.ConflictError
	if !errors.Is(err, settlement.ErrConflict) || !errors.As(err, &ce) || !strings.HasPrefix(ce.Key, "drainage/2025-09/spring/") {
		t.Fatalf("conflicting re-post: %v", err)
	}
	if l.Len() != n || l.Digest() != digest {
		t.Error("a refused batch changed the ledger")
	}
	// As another period it is new.
	next, err := other.Post(l, PostingConfig{Period: "2025-10", At: monthEnd.AddDate(0, 1, 0)})
	if err != nil || next.Created != 3 {
		t.Fatalf("next period: %+v, %v", next, err)
	}
	if got := l.Balance("headquarters").AmountString(); got != "2100.02" {
		t.Errorf("headquarters after two periods: %s", got)
	}
}

func TestPostingAccounts(t *testing.T) {
	st := trafficStatement(t, BasisTraffic)
	cfg := PostingConfig{Period: "2025-09", At: monthEnd, Headquarters: "hq", B2C: "platform", Unattributed: "hq/none", StorePrefix: "store:"}
	b, err := st.Batch(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var from []string
	for _, p := range b.Postings {
		from = append(from, p.From+"→"+p.To)
	}
	want := []string{"hq/none→hq", "store:s1→hq", "store:s2→hq", "platform→hq", "hq/none→hq"}
	if diff := cmp.Diff(want, from); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
}

func TestPostingKeyInjective(t *testing.T) {
	keys := map[string]string{}
	for _, c := range []struct {
		period, campaign string
		payer            Payer
	}{
		{"2025-09", "a/store/b", PayerB2C},
		{"2025-09", "a", StorePayer("b/b2c")},
		{"2025-09/a", "store", StorePayer("b")},
		{"2025-09", "a", StorePayer("b")},
		{"2025-09", "a", PayerB2C},
		{"2025-09", "a", PayerHeadquarters},
		{"2025-09", "a", StorePayer("b2c")},
		{"2025-09", "a", StorePayer("headquarters")},
		{"2025-09", "a%2Fb", PayerB2C},
		{"2025-09", "a/b", PayerB2C},
	} {
		k := PostingKey(c.period, c.campaign, c.payer)
		id := c.period + "|" + c.campaign + "|" + c.payer.String()
		if prev, dup := keys[k]; dup {
			t.Errorf("%s and %s share key %s", prev, id, k)
		}
		keys[k] = id
	}
}

func TestBatchErrors(t *testing.T) {
	cfg := PostingConfig{Period: "2025-09", At: monthEnd}
	tamper := func(f func(st *Statement)) *Statement {
		st := trafficStatement(t, BasisTraffic)
		f(st)
		return st
	}
	tests := []struct {
		name string
		st   *Statement
		cfg  PostingConfig
		is   error
		path string
	}{
		{"nil statement", nil, cfg, o2o.ErrInvalid, "statement"},
		{"no period", trafficStatement(t, BasisTraffic), PostingConfig{At: monthEnd}, o2o.ErrInvalid, "period"},
		{"no instant", trafficStatement(t, BasisTraffic), PostingConfig{Period: "2025-09"}, o2o.ErrInvalid, "at"},
		{"b2c is headquarters", trafficStatement(t, BasisTraffic), PostingConfig{Period: "p", At: monthEnd, B2C: "headquarters"}, o2o.ErrInvalid, "b2c"},
		{"unattributed is b2c", trafficStatement(t, BasisTraffic), PostingConfig{Period: "p", At: monthEnd, Unattributed: "b2c"}, o2o.ErrInvalid, "unattributed"},
		{"store named like b2c", tamper(func(st *Statement) { st.Charges[2].Payer = StorePayer("b2c") }), cfg, o2o.ErrInvalid, "charges[2].payer.id"},
		{"negative charge", tamper(func(st *Statement) {
			st.Charges[1].Amount = o2o.MustParseMoney("-1")
			st.Charges[2].Amount = o2o.MustParseMoney("601.01")
		}), cfg, o2o.ErrInvalid, "charges[1].amount"},
		{"fraction of a cent", tamper(func(st *Statement) { st.Charges[1].Amount = o2o.MustParseMoney("400.005") }), cfg, o2o.ErrInvalid, "charges[1].amount"},
		{"unknown payer", tamper(func(st *Statement) { st.Charges[1].Payer = Payer{Kind: o2o.PartyDealer, ID: "d"} }), cfg, o2o.ErrInvalid, "charges[1].payer"},
		{"no campaign", tamper(func(st *Statement) { st.Charges[1].Campaign = "" }), cfg, o2o.ErrInvalid, "charges[1].campaign"},
		{"repeated charge", tamper(func(st *Statement) { st.Charges[3].Payer = st.Charges[2].Payer }), cfg, o2o.ErrDuplicate, "charges[3]"},
		{"unbalanced", tamper(func(st *Statement) { st.Charges[1].Amount = o2o.MustParseMoney("400.00") }), cfg, o2o.ErrInvalid, "charges"},
		{"totals disagree", tamper(func(st *Statement) {
			st.B2C = o2o.MustParseMoney("0")
			st.Stores = o2o.MustParseMoney("800.01")
		}), cfg, o2o.ErrInvalid, "charges"},
		{"currency", tamper(func(st *Statement) { st.Charges[1].Amount = o2o.MustParseMoney("400.01 USD") }), cfg, o2o.ErrCurrencyMismatch, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := settlement.MustLedger(settlement.Config{})
			_, err := tc.st.Post(l, tc.cfg)
			if !errors.Is(err, tc.is) {
				t.Fatalf("got %v, want %v", err, tc.is)
			}
			if tc.path != "" {
				var ve *o2o.ValidationError
				if !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
					t.Fatalf("got %v, want a field error at %s", err, tc.path)
				}
			}
			if l.Len() != 0 {
				t.Error("a refused statement posted")
			}
		})
	}
	if _, err := trafficStatement(t, BasisTraffic).Post(nil, cfg); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("nil ledger: %v", err)
	}
	usd := settlement.MustLedger(settlement.Config{Currency: "USD"})
	if _, err := trafficStatement(t, BasisTraffic).Post(usd, cfg); !errors.Is(err, o2o.ErrCurrencyMismatch) || usd.Len() != 0 {
		t.Errorf("CNY statement into a USD ledger: %v", err)
	}
}

func TestPostNothing(t *testing.T) {
	r := mustRules(t, Config{Model: ModelLinear})
	res, err := r.Attribute(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := r.Allocate(res, []Campaign{{ID: "idle", Spend: o2o.MustParseMoney("0")}})
	if err != nil {
		t.Fatal(err)
	}
	l := settlement.MustLedger(settlement.Config{})
	applied, err := st.Post(l, PostingConfig{Period: "2025-09", At: monthEnd})
	if err != nil || applied.Created != 0 || l.Len() != 0 {
		t.Fatalf("nothing to post: %+v, %v", applied, err)
	}
}

func TestPostingConfigJSON(t *testing.T) {
	in := PostingConfig{Period: "2025-09", At: monthEnd, Headquarters: "hq", StorePrefix: "store:"}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var back PostingConfig
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		`{"period":"p","at":"2025-09-30T23:59:00+08:00","store":"x"}`,
		`{"period":"p","period":"q","at":"2025-09-30T23:59:00+08:00"}`,
		`{"Period":"p","at":"2025-09-30T23:59:00+08:00"}`,
	} {
		var c PostingConfig
		if err := json.Unmarshal([]byte(bad), &c); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", bad, err)
		}
	}
}

// checkPosting applies the statement to a fresh ledger and checks that
// headquarters receives exactly the spend, every payer pays exactly its
// total, no store's balance is positive, and a second post is idempotent.
func checkPosting(t *testing.T, st *Statement) {
	t.Helper()
	l := settlement.MustLedger(settlement.Config{Currency: st.Spend.Currency()})
	cfg := PostingConfig{Period: "p", At: monthEnd}
	if _, err := st.Post(l, cfg); err != nil {
		t.Fatalf("post: %v", err)
	}
	if got := l.Balance(DefaultHeadquartersAccount); !got.Equal(st.Spend) {
		t.Fatalf("headquarters received %s, spend %s", got, st.Spend)
	}
	for _, ps := range st.Payers {
		if got := l.Balance(cfg.Account(ps.Payer)); !got.Equal(ps.Total.Neg()) {
			t.Fatalf("%s: balance %s, charged %s", ps.Payer, got, ps.Total)
		}
	}
	digest := l.Digest()
	again, err := st.Post(l, cfg)
	if err != nil || again.Created != 0 || l.Digest() != digest {
		t.Fatalf("re-post not idempotent: %+v, %v", again, err)
	}
}
