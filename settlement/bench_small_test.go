package settlement

import (
	"strconv"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// The calls the property tests make by the hundred thousand, each with its
// baseline: a small ledger's life, a partial refund (against o2o.Allocate
// on the same shares), a repayment.

// smallBatches is one order's traffic: a sale in 4 postings, a refund in 4
// and 2 more postings, in 3 batches.
func smallBatches() []Batch {
	var sale, refund, other Batch
	for i := range 4 {
		k := "SO/" + strconv.Itoa(i)
		sale.Postings = append(sale.Postings, Posting{Key: k, Kind: KindSaleRevenue, From: "cust", To: "p" + strconv.Itoa(i),
			Amount: fromUnits(int64(1000*(i+1)), o2o.CNY), Order: "SO", At: t0})
		refund.Postings = append(refund.Postings, Posting{Key: "R/" + k, Kind: KindReversal, From: "p" + strconv.Itoa(i), To: "cust",
			Amount: fromUnits(int64(100*(i+1)), o2o.CNY), Order: "SO", Ref: k, At: t1})
	}
	for i := range 2 {
		other.Postings = append(other.Postings, Posting{Key: "x" + strconv.Itoa(i), Kind: KindAdvance, From: "hq", To: "p1",
			Amount: fromUnits(500, o2o.CNY), At: t1})
	}
	return []Batch{sale, refund, other}
}

// BenchmarkSmallLedger: a new ledger, 10 postings in 3 batches, balances.
func BenchmarkSmallLedger(b *testing.B) {
	batches := smallBatches()
	b.ReportAllocs()
	for b.Loop() {
		l := MustLedger(Config{})
		for _, bt := range batches {
			if _, err := l.Apply(bt); err != nil {
				b.Fatal(err)
			}
		}
		_ = l.Balances()
	}
}

func smallReversible(b *testing.B) Reversible {
	rv, err := NewReversible(smallBatches()[0], o2o.Quantity{})
	if err != nil {
		b.Fatal(err)
	}
	return rv
}

// BenchmarkPartial: a refund of 12.34 over 4 parties' remaining shares.
func BenchmarkPartial(b *testing.B) {
	rv := smallReversible(b)
	amount := o2o.MustParseMoney("12.34")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := rv.Partial("R", amount, t1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPartialBaseline is o2o.Allocate alone on the same shares.
func BenchmarkPartialBaseline(b *testing.B) {
	rv := smallReversible(b)
	amount := o2o.MustParseMoney("12.34")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := rv.allocateDecimal(1234, 10000); err != nil {
			b.Fatal(err)
		}
		_ = amount
	}
}

// BenchmarkRepay: one repayment, reason included.
func BenchmarkRepay(b *testing.B) {
	p := testPosition()
	_, p, _ = p.Invest(cny("200000.00"), "inv", t0)
	_, p, _ = p.Advance(cny("30000.00"), "adv", t0)
	share := cny("12345.67")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Repay(p, share, "k", t1); err != nil {
			b.Fatal(err)
		}
	}
}
