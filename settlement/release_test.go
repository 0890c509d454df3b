package settlement_test

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

var releaseAt = time.Date(2025, 3, 21, 9, 0, 0, 0, o2o.China())

func part(key, amount string) o2o.Part { return o2o.Part{Key: key, Amount: o2o.MustParseMoney(amount)} }

// TestReleasePostings: a release gives one posting per positive part,
// keyed by the intent and the account; refusals name the field.
func TestReleasePostings(t *testing.T) {
	r := settlement.Release{Key: "a0/0", Kind: settlement.KindReleased, From: "holding", Order: "P-1", At: releaseAt,
		Parts: []o2o.Part{part("crew", "700.00"), part("store", "0.00"), part("manufacturer", "300.01")}}
	ps, err := settlement.ReleasePostings(r)
	if err != nil || len(ps) != 2 || ps[0].Key != "a0/0/crew" || ps[1].To != "manufacturer" || ps[0].From != "holding" || ps[1].Kind != settlement.KindReleased {
		t.Fatalf("%v %v", ps, err)
	}
	for name, edit := range map[string]func(*settlement.Release){
		"kind":          func(r *settlement.Release) { r.Kind = settlement.KindSaleRevenue },
		"no parts":      func(r *settlement.Release) { r.Parts = nil },
		"negative":      func(r *settlement.Release) { r.Parts[0] = part("crew", "-1.00") },
		"currency":      func(r *settlement.Release) { r.Parts[1] = part("store", "1.00 USD") },
		"no key":        func(r *settlement.Release) { r.Key = "" },
		"no from":       func(r *settlement.Release) { r.From = "" },
		"to itself":     func(r *settlement.Release) { r.Parts[0].Key = "holding" },
		"repeated":      func(r *settlement.Release) { r.Parts[1].Key = "crew" },
		"no at":         func(r *settlement.Release) { r.At = time.Time{} },
		"fraction":      func(r *settlement.Release) { r.Parts[0] = part("crew", "1.001") },
		"empty account": func(r *settlement.Release) { r.Parts[0].Key = "" },
	} {
		c := r
		c.Parts = append([]o2o.Part(nil), r.Parts...)
		edit(&c)
		if _, err := settlement.ReleasePostings(c); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestReleaseConservation: a payment held, released stage by stage and
// the rest refunded leaves the holding account at zero after the last
// step and never below zero, and every fen paid in is paid out.
func TestReleaseConservation(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 3))
	for round := range 200 {
		l, err := settlement.NewLedger(settlement.Config{})
		if err != nil {
			t.Fatal(err)
		}
		total := o2o.MustParseMoney(strconv.Itoa(rng.IntN(10_000_000)) + "." + strconv.Itoa(10+rng.IntN(90)))
		n := 1 + rng.IntN(6)
		stages := make([]o2o.Share, n)
		for i := range stages {
			stages[i] = o2o.Share{Key: "s" + strconv.Itoa(i), Weight: decimal.NewFromInt(int64(rng.IntN(30)))}
		}
		stages[0].Weight = decimal.NewFromInt(1)
		parts, err := o2o.Allocate(total, stages)
		if err != nil {
			t.Fatal(err)
		}
		apply := func(r settlement.Release) {
			ps, err := settlement.ReleasePostings(r)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 {
				return
			}
			if _, err := l.Apply(settlement.Batch{Postings: ps}); err != nil {
				t.Fatal(err)
			}
			if l.Balance("holding").IsNegative() {
				t.Fatalf("round %d: holding %s", round, l.Balance("holding"))
			}
		}
		apply(settlement.Release{Key: "hold", Kind: settlement.KindHeld, From: "owner", Parts: []o2o.Part{{Key: "holding", Amount: total}}, At: releaseAt})
		stop := rng.IntN(n + 1)
		rest := o2o.CNY.Zero()
		for i, p := range parts {
			if i < stop {
				split, err := o2o.Allocate(p.Amount, []o2o.Share{{Key: "crew", Weight: decimal.NewFromInt(7)}, {Key: "store", Weight: decimal.NewFromInt(1)}, {Key: "manufacturer", Weight: decimal.NewFromInt(2)}})
				if err != nil {
					t.Fatal(err)
				}
				apply(settlement.Release{Key: "rel" + strconv.Itoa(i), Kind: settlement.KindReleased, From: "holding", Parts: split, At: releaseAt})
				continue
			}
			rest, _ = rest.Add(p.Amount)
		}
		apply(settlement.Release{Key: "refund", Kind: settlement.KindRefunded, From: "holding", Parts: []o2o.Part{{Key: "owner", Amount: rest}}, At: releaseAt})
		if !l.Balance("holding").IsZero() {
			t.Fatalf("round %d: %s left held", round, l.Balance("holding"))
		}
		paidOut, _ := o2o.Sum(l.Balance("crew"), l.Balance("store"), l.Balance("manufacturer"))
		all, _ := paidOut.Add(rest)
		if sum, _ := paidOut.Add(l.Balance("owner")); !sum.IsZero() || !all.Equal(total) {
			t.Fatalf("round %d: paid out %s, refunded %s, of %s", round, paidOut, rest, total)
		}
	}
}
