package month

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// TestAppendUnits writes amounts in minor units as o2o.Money.AppendJSON
// writes them, in currencies of 0, 2 and 3 minor digits, around every
// boundary of the plain path and at the ends of int64.
func TestAppendUnits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	amounts := []int64{0, 1, -1, 9, 10, 99, 100, 101, -100, 999, 1000, 1001, maxPlainUnits - 1, maxPlainUnits, -maxPlainUnits + 1, -maxPlainUnits,
		maxPlainUnits + 1, math.MaxInt64, math.MinInt64 + 1}
	for range 20_000 {
		amounts = append(amounts, r.Int64N(2*maxPlainUnits)-maxPlainUnits, r.Int64N(100_000)-50_000, r.Int64())
	}
	for _, cur := range []o2o.Currency{o2o.CNY, "JPY", "KWD"} {
		for _, u := range amounts {
			want, werr := money(u, cur).AppendJSON([]byte("x"))
			got, gerr := appendUnits([]byte("x"), u, cur)
			if (werr == nil) != (gerr == nil) || string(got) != string(want) {
				t.Fatalf("%d %s: got %s (%v), want %s (%v)", u, cur, got, gerr, want, werr)
			}
		}
	}
}

// TestAppendLineUnits writes the lines of postings of every shape the
// plain path takes (with and without order and ref, an instant with
// nanoseconds or in another zone, an amount written with fewer places) as
// appendLine writes them, and checks that plainPosting refuses what it
// cannot write.
func TestAppendLineUnits(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, o2o.China())
	base := settlement.Posting{Key: "SO-1/0/serving", Kind: settlement.KindStoreCommission, From: "c11-00001", To: "store-110101",
		Amount: o2o.MustParseMoney("12.30"), Order: "SO-1", At: at}
	var postings []settlement.Posting
	for _, amount := range []string{"12.30", "12.3", "12", "0.01", "123456789.99"} {
		for _, order := range []string{"", "SO-1"} {
			for _, ref := range []string{"", "SO-0/0/serving"} {
				for _, t := range []time.Time{at, at.Add(123456789).UTC()} {
					p := base
					p.Amount, p.Order, p.Ref, p.At = o2o.MustParseMoney(amount), order, ref, t
					postings = append(postings, p)
				}
			}
		}
	}
	for i, p := range postings {
		if !plainPosting(&p, o2o.CNY) {
			t.Fatalf("posting %d (%s) is not plain", i, p.Amount)
		}
		units, _ := p.Amount.MinorUnits()
		for _, side := range []struct {
			counterparty    string
			amount, balance int64
		}{{p.To, -units, -units - 100_000}, {p.From, units, 7}} {
			l := settlement.StatementLine{Posting: p, Counterparty: side.counterparty, Amount: money(side.amount, o2o.CNY), Balance: money(side.balance, o2o.CNY)}
			want, err := appendLine([]byte("x"), &l)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendLineUnits([]byte("x"), &p, units, side.counterparty, side.amount, side.balance, o2o.CNY)
			if err != nil || string(got) != string(want) {
				t.Fatalf("posting %d:\n got %s (%v)\nwant %s", i, got, err, want)
			}
		}
	}
	for name, p := range map[string]settlement.Posting{
		"three places": func() settlement.Posting { p := base; p.Amount = o2o.MustParseMoney("12.300"); return p }(),
		"escaped key":  func() settlement.Posting { p := base; p.Key = `a"b`; return p }(),
		"year 10000":   func() settlement.Posting { p := base; p.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC); return p }(),
		"in USD":       func() settlement.Posting { p := base; p.Amount = o2o.MustParseMoney("12.30 USD"); return p }(),
	} {
		if plainPosting(&p, o2o.CNY) {
			t.Errorf("%s: plainPosting takes it", name)
		}
	}
}

// TestSumStatementsOfLedgers sums the statements of ledgers with postings
// before, in and after the period, some of them not plain (text to escape,
// an amount with three places), split over partitions at random: each sum
// equals SumStatement of the merged ledger's statement.
func TestSumStatementsOfLedgers(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 17))
	period := settlement.Month(2026, time.March, o2o.China())
	accounts := []string{"headquarters", "store-1", "store-2", `a"b`, "c-1", "c-2", "南山"}
	var batches []settlement.Batch
	for i := range 400 {
		from := accounts[r.IntN(len(accounts))]
		to := accounts[r.IntN(len(accounts))]
		if to == from {
			to = "headquarters-" + from
		}
		amount := fmt.Sprintf("%d.%02d", r.IntN(5000), r.IntN(100))
		if i%37 == 0 {
			amount += "0"
		}
		at := period.From.Add(time.Duration(r.IntN(40*24)-5*24) * time.Hour) // some before, some after the month
		batches = append(batches, settlement.Batch{ID: fmt.Sprint("b", i), Postings: []settlement.Posting{{
			Key: fmt.Sprintf("k%03d", i), Kind: settlement.KindStoreCommission, From: from, To: to, Amount: o2o.MustParseMoney(amount), At: at}}})
	}
	cfg := settlement.Config{Currency: o2o.CNY, DisableChain: true}
	whole := settlement.MustLedger(cfg)
	for _, b := range batches {
		if _, err := whole.Apply(b); err != nil {
			t.Fatal(err)
		}
	}
	sts, err := whole.Statements(period)
	if err != nil {
		t.Fatal(err)
	}
	var want []StatementSum
	for _, st := range sts {
		sum, err := SumStatement(st)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, sum)
	}
	for trial := range 20 {
		n := 1 + r.IntN(4)
		parts := make([]*Settled, n)
		for i := range parts {
			parts[i] = &Settled{Ledger: settlement.MustLedger(cfg)}
		}
		for _, i := range r.Perm(len(batches)) {
			if _, err := parts[r.IntN(n)].Ledger.Apply(batches[i]); err != nil {
				t.Fatal(err)
			}
		}
		got, err := sumStatements(parts, period, 1+r.IntN(3))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, want, func(a, b StatementSum) bool {
			return a.Account == b.Account && a.Lines == b.Lines && a.Closing.Equal(b.Closing) && a.SHA256 == b.SHA256
		}) {
			t.Fatalf("trial %d, %d parts: the sums differ from the merged ledger's:\n%v\n%v", trial, n, got, want)
		}
	}
}

// TestAppendHead writes statement heads as encoding/json does, for plain
// accounts and accounts to escape, sums of every sign and size, and
// periods open at either end.
func TestAppendHead(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 23))
	march := settlement.Month(2026, time.March, o2o.China())
	periods := []settlement.Period{march, {To: march.To}, {From: march.From}, {}}
	for _, period := range periods {
		periodJSON, err := json.Marshal(period)
		if err != nil {
			t.Fatal(err)
		}
		s := &summer{period: period, periodJSON: periodJSON}
		for _, account := range []string{"headquarters", "c11-00001", "", `a"b`, "南山", "<x>"} {
			for range 200 {
				var sums [4]int64
				for i := range sums {
					sums[i] = []int64{0, r.Int64N(1000) - 500, r.Int64N(2*maxPlainUnits) - maxPlainUnits, r.Int64()}[r.IntN(4)]
				}
				want, werr := marshalHead(settlement.Statement{Account: account, Period: period, Opening: money(sums[0], o2o.CNY),
					Credits: money(sums[1], o2o.CNY), Debits: money(sums[2], o2o.CNY), Closing: money(sums[3], o2o.CNY)})
				got, gerr := s.appendHead([]byte("x"), account, o2o.CNY, sums)
				if (werr == nil) != (gerr == nil) || (werr == nil && string(got) != "x"+string(want)) {
					t.Fatalf("%q %v:\n got %s (%v)\nwant x%s (%v)", account, sums, got, gerr, want, werr)
				}
			}
		}
	}
}
