package settlement

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

func testPosition() Position {
	inst := cny("20000.00")
	return Position{Store: "store-1", Investor: "investor-1", Manufacturer: "hq", Capital: cny("0"), Advanced: cny("0"),
		AdvanceLimit: cny("50000.00"), RepayPercent: o2o.MustDec("60"), Installment: &inst}
}

func TestCoInvestment(t *testing.T) {
	p := testPosition()
	l := MustLedger(Config{})
	ps, p, err := p.Invest(cny("200000.00"), "inv-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, l, ps...)
	ps, p, err = p.Advance(cny("30000.00"), "adv-1", t0)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, l, ps...)
	_, same, err := p.Advance(cny("25000.00"), "adv-2", t0)
	var le *LimitError
	if !errors.Is(err, ErrLimit) || !errors.As(err, &le) || !le.Available.Equal(cny("20000")) || le.Account != "hq" {
		t.Fatalf("advance above the limit: %v", err)
	}
	if d := cmp.Diff(p, same); d != "" {
		t.Errorf("refused advance changed the position:\n%s", d)
	}
	type step struct{ Share, Drawn, Adv, Capital, Outstanding string }
	steps := []step{
		{"10000.00", "6000.00", "6000.00", "0.00", "224000.00"},
		{"100000.00", "20000.00", "20000.00", "0.00", "204000.00"}, // installment bound
		{"10000.00", "6000.00", "4000.00", "2000.00", "198000.00"}, // advances first, then capital
		{"0.33", "0.19", "0.00", "0.19", "197999.81"},              // 60% of 0.33 = 0.198, rounded down
	}
	for i, s := range steps {
		rp, err := Repay(p, cny(s.Share), "rep-"+string(rune('a'+i)), t1)
		if err != nil {
			t.Fatal(err)
		}
		got := step{s.Share, rp.Drawn.AmountString(), rp.ToAdvances.AmountString(), rp.ToCapital.AmountString(), rp.Position.Outstanding().AmountString()}
		if d := cmp.Diff(s, got); d != "" {
			t.Errorf("step %d (-want +got):\n%s\n%s", i, d, rp.Reason)
		}
		mustApply(t, l, rp.Postings...)
		p = rp.Position
	}
	for i := 0; !p.Closed; i++ {
		rp, err := Repay(p, cny("40000.00"), "loop-"+string(rune('a'+i)), t1)
		if err != nil {
			t.Fatal(err)
		}
		mustApply(t, l, rp.Postings...)
		p = rp.Position
	}
	if !l.Balance("hq").IsZero() || !l.Balance("investor-1").IsZero() || !l.Balance("store-1").IsZero() {
		t.Errorf("after full repayment: %v", l.Balances())
	}
	rp, err := Repay(p, cny("40000.00"), "after", t1)
	if err != nil || len(rp.Postings) != 0 || !rp.Drawn.IsZero() {
		t.Errorf("closed position drew: %+v %v", rp, err)
	}
	if _, _, err := p.Advance(cny("1.00"), "adv-3", t1); !errors.Is(err, ErrClosed) {
		t.Errorf("advance on a closed position: %v", err)
	}
	data, _ := json.Marshal(rp)
	var back Repayment
	if err := o2o.DecodeJSON(data, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(rp, back, cmpTime); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

func TestCoInvestmentErrors(t *testing.T) {
	p := testPosition()
	bad := []struct {
		name string
		f    func() error
	}{
		{"negative share", func() error { _, err := Repay(p, cny("-1"), "k", t0); return err }},
		{"fraction", func() error { _, err := Repay(p, cny("0.001"), "k", t0); return err }},
		{"no key", func() error { _, err := Repay(p, cny("1"), "", t0); return err }},
		{"same parties", func() error { q := p; q.Investor = q.Store; _, err := Repay(q, cny("1"), "k", t0); return err }},
		{"percent", func() error {
			q := p
			q.RepayPercent = o2o.MustDec("101")
			_, err := Repay(q, cny("1"), "k", t0)
			return err
		}},
		{"advanced above limit", func() error { q := p; q.Advanced = cny("50000.01"); _, err := Repay(q, cny("1"), "k", t0); return err }},
		{"zero investment", func() error { _, _, err := p.Invest(cny("0"), "k", t0); return err }},
		{"foreign", func() error { _, _, err := p.Invest(o2o.MustParseMoney("1 USD"), "k", t0); return err }},
	}
	for _, b := range bad {
		if err := b.f(); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %v", b.name, err)
		}
	}
}

// TestRepaymentProperties: whatever the revenue shares, nothing outstanding
// goes negative, advances are repaid before capital, and at close the
// repayments add up to exactly what was funded (before it, repaid plus
// outstanding does). Each case runs up to 6 repayments, with revenue
// shares scaled to what was funded so that many positions close and many do
// not (the test requires both outcomes to be common).
func TestRepaymentProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 5))
	n := cases(100_000)
	closed := 0
	for c := range n {
		p := testPosition()
		p.RepayPercent = o2o.Dec(fromUnits(r.Int64N(10_001), o2o.CNY).Amount())
		if r.IntN(2) == 0 {
			p.Installment = nil
		}
		ps, p, _ := p.Invest(fromUnits(1+r.Int64N(10_000_000), o2o.CNY), "inv", t0)
		funded := unitsOf(ps[0].Amount)
		if u := r.Int64N(5_000_001); u > 0 {
			ps, p, _ = p.Advance(fromUnits(u, o2o.CNY), "adv", t0)
			funded += unitsOf(ps[0].Amount)
		}
		var repaid int64
		for i := 0; i < 6 && !p.Closed; i++ {
			rp, err := Repay(p, fromUnits(r.Int64N(max(funded, 1)), o2o.CNY), "k", t1)
			if err != nil {
				t.Fatal(err)
			}
			if rp.ToCapital.IsPositive() && !rp.Position.Advanced.IsZero() {
				t.Fatalf("case %d: capital repaid before advances", c)
			}
			if rp.Position.Capital.IsNegative() || rp.Position.Advanced.IsNegative() {
				t.Fatalf("case %d: negative outstanding %+v", c, rp.Position)
			}
			for _, q := range rp.Postings {
				repaid += unitsOf(q.Amount)
			}
			p = rp.Position
		}
		if p.Closed {
			closed++
		}
		if p.Closed && repaid != funded {
			t.Fatalf("case %d: repaid %d of %d", c, repaid, funded)
		}
		if !p.Closed && repaid+unitsOf(p.Outstanding()) != funded {
			t.Fatalf("case %d: repaid %d + outstanding %s != %d", c, repaid, p.Outstanding(), funded)
		}
	}
	if closed < n/5 || closed > n-n/5 {
		t.Errorf("%d of %d positions closed: the generator should close between a fifth and four fifths", closed, n)
	}
	t.Logf("%d of %d positions closed", closed, n)
}
