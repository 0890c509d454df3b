package settlement

import (
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

// Tests added by the requirement-by-requirement audit: each one catches a
// deliberate breakage (a mutant) the other tests let through.

// TestLeafHashCoversEveryField: the canonical encoding covers every field
// of a posting's content — changing any one of them changes the leaf hash,
// so the chain and the digest see it — while content-equal postings (1.5
// and 1.50, one instant in two locations) hash alike.
func TestLeafHashCoversEveryField(t *testing.T) {
	base := Posting{Key: "k", Kind: KindSaleRevenue, From: "a", To: "b", Amount: cny("1.50"), Order: "o", At: t0}
	h0, err := LeafHash(base)
	if err != nil {
		t.Fatal(err)
	}
	rev := base
	rev.Kind, rev.Ref = KindReversal, "r"
	variants := map[string]Posting{}
	for name, change := range map[string]func(p *Posting){
		"key":        func(p *Posting) { p.Key = "k2" },
		"kind":       func(p *Posting) { p.Kind = KindStoreCommission },
		"from":       func(p *Posting) { p.From = "c" },
		"to":         func(p *Posting) { p.To = "c" },
		"amount":     func(p *Posting) { p.Amount = cny("1.51") },
		"currency":   func(p *Posting) { p.Amount = o2o.MustParseMoney("1.50 USD") },
		"order":      func(p *Posting) { p.Order = "o2" },
		"no order":   func(p *Posting) { p.Order = "" },
		"second":     func(p *Posting) { p.At = p.At.Add(time.Second) },
		"nanosecond": func(p *Posting) { p.At = p.At.Add(time.Nanosecond) },
	} {
		p := base
		change(&p)
		variants[name] = p
	}
	variants["reversal ref"] = rev
	seen := map[Hash]string{h0: "base"}
	for name, p := range variants {
		h, err := LeafHash(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if prev, dup := seen[h]; dup {
			t.Errorf("%s hashes like %s", name, prev)
		}
		seen[h] = name
	}
	same := base
	same.Amount, same.At = cny("1.5"), t0.In(time.UTC)
	if h, _ := LeafHash(same); h != h0 {
		t.Errorf("content-equal posting hashes differently")
	}
}

// TestMergeManyPartsOverlap: with more than four parts Merge checks
// overlaps through the merged key index; a key in two of them is refused.
func TestMergeManyPartsOverlap(t *testing.T) {
	var parts []*Ledger
	for i := range 6 {
		l := MustLedger(Config{})
		mustApply(t, l, post("k"+string(rune('a'+i)), "x", "y", "1.00"))
		parts = append(parts, l)
	}
	if _, err := Merge(parts...); err != nil {
		t.Fatalf("disjoint: %v", err)
	}
	mustApply(t, parts[5], post("kb", "x", "y", "1.00")) // kb is parts[1]'s too
	if _, err := Merge(parts...); !errors.Is(err, ErrOverlap) || !strings.Contains(err.Error(), `"kb"`) {
		t.Errorf("overlap in 6 parts: %v", err)
	}
}

// TestSplitTiesByParty: a fen left over between two equal shares goes to
// the party whose id sorts first, whatever the roles' order.
func TestSplitTiesByParty(t *testing.T) {
	half := ptr(o2o.MustDec("50"))
	s, err := SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: o2o.ChannelO2O, Legs: []Leg{
		{Role: RoleRegionStore, Percent: half}, {Role: RoleServing, Percent: half},
	}}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ serving, region, winner string }{
		{"s-1", "t-1", "s-1"}, // the party first, though region_store < serving
		{"t-1", "s-1", "s-1"},
	} {
		sale := testOrder(o2o.ChannelO2O, "0.01")
		sale.Order.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: tc.serving, StoreID: tc.serving}
		sp, err := s.SplitValidated(sale, Routing{RegionStore: tc.region}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(sp.Batch.Postings) != 1 || sp.Batch.Postings[0].To != tc.winner {
			t.Errorf("serving %s, region %s: the fen went to %v, want %s", tc.serving, tc.region, sp.Batch.Postings, tc.winner)
		}
	}
}

// TestDecideReasonsAndMonth: general staff are refused as staff, not as a
// level too low, and the month whose cap counts is read in +08:00.
func TestDecideReasonsAndMonth(t *testing.T) {
	a := testAuthority(t)
	req := Request{ID: "B-1", Station: "station-sz", City: o2o.MustRegionCode("440300"), Purpose: "flyers", Amount: cny("300.00"), At: t0}
	d, err := a.Decide(req, Approver{"c", LevelStaff}, cny("0"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != OutcomeNoAuthority || !strings.Contains(d.Reason, "general headquarters staff never decide") {
		t.Errorf("staff: %+v", d)
	}
	// 20:00 UTC on 31 May is 04:00 on 1 June in China: June's cap counts.
	req.At = time.Date(2024, 5, 31, 20, 0, 0, 0, time.UTC)
	if d, _ := a.Decide(req, Approver{"d", LevelAreaDirector}, cny("0")); d.Month != "2024-06" {
		t.Errorf("month = %q, want 2024-06", d.Month)
	}
}

// TestPositionEdges: an advance up to exactly the limit is allowed; a
// position marked closed draws nothing, whatever it says is outstanding.
func TestPositionEdges(t *testing.T) {
	p := testPosition() // advance limit 50,000.00
	_, p, err := p.Advance(cny("49999.99"), "a1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, p, err = p.Advance(cny("0.01"), "a2", t0); err != nil || !p.Advanced.Equal(cny("50000.00")) {
		t.Fatalf("advance to exactly the limit: %v, %s", err, p.Advanced)
	}
	var le *LimitError
	if _, _, err := p.Advance(cny("0.01"), "a3", t0); !errors.As(err, &le) || !le.Available.Equal(cny("0")) {
		t.Errorf("a fen beyond the limit: %v", err)
	}
	p.Closed = true
	r, err := Repay(p, cny("1000.00"), "k", t1)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Drawn.IsZero() || len(r.Postings) != 0 || !r.Position.Advanced.Equal(cny("50000.00")) || !r.Position.Closed {
		t.Errorf("closed position drew: %+v", r)
	}
}

// TestDigestIsSumOfLeaves: the digest is exactly the sum modulo 2^256 of
// the leaf hashes read as little-endian integers (so carries between limbs
// count), computed here with math/big.
func TestDigestIsSumOfLeaves(t *testing.T) {
	l := MustLedger(Config{})
	want := new(big.Int)
	for i := range 64 {
		p := post("k"+strconv.Itoa(i), "x", "y", "1.00")
		mustApply(t, l, p)
		h, err := LeafHash(p)
		if err != nil {
			t.Fatal(err)
		}
		want.Add(want, leInt(h))
	}
	want.Mod(want, new(big.Int).Lsh(big.NewInt(1), 256))
	if got := leInt(l.Digest()); got.Cmp(want) != 0 {
		t.Errorf("digest %x, sum of leaves %x", got, want)
	}
}

func leInt(h Hash) *big.Int {
	var be [32]byte
	for i := range h {
		be[31-i] = h[i]
	}
	return new(big.Int).SetBytes(be[:])
}

// TestJSONRoundTripsMore: the input and result types the other round-trip
// tests do not cover decode strictly back to what was written.
func TestJSONRoundTripsMore(t *testing.T) {
	w := o2o.MustDec("2")
	p := testPosition()
	sale := testOrder(o2o.ChannelO2O, "100.00", "0.99")
	cases := []struct {
		name string
		v    any
		into func() any
	}{
		{"period", Month(2024, time.May, nil), func() any { return new(Period) }},
		{"limit", Limit{Account: "investor", Overdraft: cny("100.00")}, func() any { return new(Limit) }},
		{"account balance", AccountBalance{Account: "hq", Balance: cny("-1.50")}, func() any { return new(AccountBalance) }},
		{"reversed share", ReversedShare{Key: "k", Party: "hq", Original: cny("3.00"), Reversed: cny("1.00")}, func() any { return new(ReversedShare) }},
		{"sale", sale, func() any { return new(Sale) }},
		{"routing", Routing{Serving: &o2o.Serving{Kind: o2o.PartyAgent, PartyID: "agent-1", StoreID: "store-1"}, RegionStore: "store-2"}, func() any { return new(Routing) }},
		{"entitlement", Entitlement{Dealer: "dealer-1", Territory: o2o.MustRegionCode("440300"), Reason: "fused", Weight: &w}, func() any { return new(Entitlement) }},
		{"position", p, func() any { return new(Position) }},
		{"request", Request{ID: "B-1", Station: "st", City: o2o.MustRegionCode("440300"), Purpose: "flyers", Amount: cny("300.00"), At: t0}, func() any { return new(Request) }},
		{"approver", Approver{ID: "v", Level: LevelVP}, func() any { return new(Approver) }},
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
			if d := cmp.Diff(c.v, reflect.ValueOf(into).Elem().Interface(), cmpTime, cmpRegion); d != "" {
				t.Errorf("round trip (-want +got):\n%s", d)
			}
			again, _ := json.Marshal(into)
			if string(again) != string(data) {
				t.Errorf("re-encoded %s, first %s", again, data)
			}
		})
	}
}
