package o2okit_test

import (
	"errors"
	"testing"
	"time"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

func apply(t *testing.T, l *settlement.Ledger, b settlement.Batch) {
	t.Helper()
	if len(b.Postings) == 0 {
		return
	}
	if _, err := l.Apply(b); err != nil {
		t.Fatalf("apply %s: %v", b.ID, err)
	}
}

// TestReturn: a partial return, a second one, then the rest, each rebuilt from
// the ledger's postings alone; the partials reverse pro rata and the three
// together give back exactly what was posted, every balance back to zero.
func TestReturn(t *testing.T) {
	e := sampleEngine(t)
	order := baseOrder("R1", lines(line("CAB-K1", "3", o2o.UnitPiece), line("TILE-YF600", "12.5", o2o.UnitSquareMetre)))
	ev, err := e.Evaluate(order, o2okit.Circumstances{})
	if err != nil {
		t.Fatal(err)
	}
	ledger := settlement.MustLedger(settlement.Config{})
	apply(t, ledger, ev.Batch())
	at := orderAt.Add(72 * time.Hour)

	b, err := e.Return(ledger.Log(), order, o2okit.Return{ID: "RET-1", At: at, Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}})
	if err != nil {
		t.Fatal(err)
	}
	total, _ := b.Total()
	eq(t, "one cabinet of three", total, money("4099.00")) // 12297.00 / 3: 3999.00 online, uplift capped at 100.00
	apply(t, ledger, b)

	// Rows in another order (the ledger's canonical order) rebuild the same state.
	b, err = e.Return(ledger.Postings(), order, o2okit.Return{ID: "RET-2", At: at.Add(time.Hour), Lines: []o2okit.ReturnLine{
		{Line: 0, Quantity: o2o.MustDec("1")}, {Line: 1, Quantity: o2o.MustDec("2.5")}}})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, ledger, b)

	b, err = e.ReturnAll(ledger.Log(), order, "RET-3", at.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, ledger, b)
	for _, ab := range ledger.Balances() {
		if !ab.Balance.IsZero() {
			t.Errorf("%s: balance %s after returning everything", ab.Account, ab.Balance)
		}
	}
	// Nothing is left to return.
	_, err = e.ReturnAll(ledger.Log(), order, "RET-4", at.Add(3*time.Hour))
	if err == nil {
		t.Error("a return with nothing left is refused")
	}
	_, err = e.Return(ledger.Log(), order, o2okit.Return{ID: "RET-5", At: at, Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}})
	if !errors.Is(err, settlement.ErrAlreadyReversed) {
		t.Errorf("got %v, want ErrAlreadyReversed", err)
	}
}

// TestReturnFull: a full return at once mirrors the sale.
func TestReturnFull(t *testing.T) {
	e := sampleEngine(t)
	order := baseOrder("R2", deliver("441900003"), lines(line("CAB-K1", "2", o2o.UnitPiece)))
	ev, err := e.Evaluate(order, o2okit.Circumstances{})
	if err != nil {
		t.Fatal(err)
	}
	ledger := settlement.MustLedger(settlement.Config{})
	apply(t, ledger, ev.Batch())
	b, err := e.ReturnAll(ledger.Log(), order, "RET-1", orderAt.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Postings) != len(ev.Batch().Postings) {
		t.Errorf("%d reversals for %d postings", len(b.Postings), len(ev.Batch().Postings))
	}
	apply(t, ledger, b)
	for _, ab := range ledger.Balances() {
		if !ab.Balance.IsZero() {
			t.Errorf("%s: balance %s", ab.Account, ab.Balance)
		}
	}
}

// TestReturnFreeLine: returning a free line reverses nothing, and is no error.
func TestReturnFreeLine(t *testing.T) {
	e := sampleEngine(t)
	order := baseOrder("R3", lines(line("CAB-K1", "1", o2o.UnitPiece)))
	ev, err := e.Evaluate(order, o2okit.Circumstances{Campaign: campaign(3, "100000.00")})
	if err != nil || !ev.NothingToPost() {
		t.Fatalf("%v, %v", ev, err)
	}
	b, err := e.Return(nil, order, o2okit.Return{ID: "RET-1", At: orderAt, Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}})
	if err != nil || len(b.Postings) != 0 {
		t.Errorf("got %v, %v; want an empty batch", b, err)
	}
}

// TestReturnRefusals: each bad return is refused with its own error.
func TestReturnRefusals(t *testing.T) {
	e := sampleEngine(t)
	order := baseOrder("R4", lines(line("CAB-K1", "3", o2o.UnitPiece)))
	ev, err := e.Evaluate(order, o2okit.Circumstances{})
	if err != nil {
		t.Fatal(err)
	}
	ledger := settlement.MustLedger(settlement.Config{})
	apply(t, ledger, ev.Batch())
	first, err := e.Return(ledger.Log(), order, o2okit.Return{ID: "RET-1", At: orderAt, Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, ledger, first)
	one := []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}
	altered := ledger.Log()
	for i, p := range altered {
		if p.Kind == settlement.KindReversal && p.From == "headquarters" {
			altered[i].At = p.At.Add(time.Second)
		}
	}
	for _, tt := range []struct {
		name   string
		posted []settlement.Posting
		ret    o2okit.Return
		want   error
	}{
		{"more than is left", ledger.Log(), o2okit.Return{ID: "RET-2", At: orderAt, Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("3")}}}, settlement.ErrOverReversal},
		{"a return id used before", ledger.Log(), o2okit.Return{ID: "RET-1", At: orderAt, Lines: one}, o2o.ErrDuplicate},
		{"a fraction of a piece", ledger.Log(), o2okit.Return{ID: "RET-2", At: orderAt, Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("0.5")}}}, o2okit.ErrUnit},
		{"an unknown line", ledger.Log(), o2okit.Return{ID: "RET-2", At: orderAt, Lines: []o2okit.ReturnLine{{Line: 4, Quantity: o2o.MustDec("1")}}}, o2o.ErrInvalid},
		{"no id", ledger.Log(), o2okit.Return{At: orderAt, Lines: one}, o2o.ErrInvalid},
		{"a stored reversal altered", altered, o2okit.Return{ID: "RET-2", At: orderAt, Lines: one}, o2o.ErrInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := e.Return(tt.posted, order, tt.ret)
			if !errors.Is(err, tt.want) || len(b.Postings) != 0 {
				t.Errorf("got %v, %v; want %v", b, err, tt.want)
			}
		})
	}
}
