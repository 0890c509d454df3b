package settlement

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

const splitJSON = `{
  "currency": "CNY",
  "manufacturer": "hq",
  "rules": [
    {"channel": "o2o", "line": "o2o", "legs": [
      {"role": "serving", "percent": "8", "cap": {"amount": "500.00", "currency": "CNY"}},
      {"role": "region_store", "percent": "2"},
      {"role": "dealer", "percent": "3"},
      {"role": "manufacturer", "remaining": true}]},
    {"channel": "b2c", "legs": [
      {"role": "region_store", "percent": "1.5"},
      {"role": "dealer", "percent": "3"},
      {"role": "manufacturer", "remaining": true}]},
    {"channel": "dealer", "line": "dealer", "legs": [
      {"role": "serving", "percent": "10"},
      {"role": "manufacturer", "percent": "90"}]}
  ]
}`

func testSplitter(t testing.TB) *Splitter {
	t.Helper()
	s, err := ParseSplitConfig([]byte(splitJSON))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testOrder(ch o2o.Channel, amounts ...string) Sale {
	o := o2o.Order{ID: "SO-1", Channel: ch,
		Customer: o2o.Customer{ID: "cust-1", Segment: o2o.SegmentRetail},
		Delivery: o2o.MustRegionCode("440305001"),
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		ServedBy: &o2o.Serving{Kind: o2o.PartyStore, PartyID: "store-1"},
		At:       t0}
	s := Sale{Order: o}
	for i, a := range amounts {
		s.Order.Lines = append(s.Order.Lines, o2o.OrderLine{SKU: fmt.Sprintf("SKU-%d", i), Quantity: o2o.Qty(decimal.NewFromInt(2), o2o.UnitPiece)})
		s.Lines = append(s.Lines, SaleLine{Line: o2o.LineO2O, Amount: cny(a)})
	}
	return s
}

var dealerEnt = []Entitlement{{Dealer: "dealer-1", Territory: o2o.MustRegionCode("440300"), Reason: "fused dealer of Shenzhen"}}

type partRow struct{ Role, Party, Kind, Amount string }

func rows(ls LineSplit) []partRow {
	var out []partRow
	for _, p := range ls.Parts {
		out = append(out, partRow{string(p.Role), p.Party, string(p.Kind), p.Amount.AmountString()})
	}
	return out
}

func TestSplit(t *testing.T) {
	s := testSplitter(t)
	tests := []struct {
		name    string
		sale    func() Sale
		routing Routing
		ents    []Entitlement
		want    [][]partRow
	}{
		{"o2o online, all legs", func() Sale { return testOrder(o2o.ChannelO2O, "1000.00", "333.33") }, Routing{RegionStore: "store-2"}, dealerEnt, [][]partRow{
			{{"serving", "store-1", "store_commission", "80.00"}, {"region_store", "store-2", "transfer_payment", "20.00"}, {"dealer", "dealer-1", "cross_compensation", "30.00"}, {"manufacturer", "hq", "sale_revenue", "870.00"}},
			// exact 26.6664, 6.6666, 9.9999, 289.9971: the three leftover fen go
			// to the largest remainders (.99, .71, .66).
			{{"serving", "store-1", "store_commission", "26.66"}, {"region_store", "store-2", "transfer_payment", "6.67"}, {"dealer", "dealer-1", "cross_compensation", "10.00"}, {"manufacturer", "hq", "sale_revenue", "290.00"}},
		}},
		{"commission capped", func() Sale { return testOrder(o2o.ChannelO2O, "10000.00") }, Routing{RegionStore: "store-2"}, nil, [][]partRow{
			{{"serving", "store-1", "store_commission", "500.00"}, {"region_store", "store-2", "transfer_payment", "200.00"}, {"dealer", "", "", "0.00"}, {"manufacturer", "hq", "sale_revenue", "9300.00"}},
		}},
		{"in store: no transfer payment", func() Sale {
			s := testOrder(o2o.ChannelO2O, "100.00")
			s.Order.Placed = o2o.Placement{Venue: o2o.VenueStoreScreen, StoreID: "store-1"}
			return s
		}, Routing{RegionStore: "store-2"}, dealerEnt, [][]partRow{
			{{"serving", "store-1", "store_commission", "8.00"}, {"region_store", "", "", "0.00"}, {"dealer", "dealer-1", "cross_compensation", "3.00"}, {"manufacturer", "hq", "sale_revenue", "89.00"}},
		}},
		{"agent serves", func() Sale {
			s := testOrder(o2o.ChannelO2O, "100.00")
			s.Order.ServedBy = &o2o.Serving{Kind: o2o.PartyAgent, PartyID: "agent-7", StoreID: "store-1"}
			return s
		}, Routing{}, nil, [][]partRow{
			{{"serving", "agent-7", "agent_commission", "8.00"}, {"region_store", "", "", "0.00"}, {"dealer", "", "", "0.00"}, {"manufacturer", "hq", "sale_revenue", "92.00"}},
		}},
		{"b2c channel-wide rule, dealer line", func() Sale {
			s := testOrder(o2o.ChannelB2C, "0.99")
			s.Lines[0].Line = o2o.LineDealer
			return s
		}, Routing{RegionStore: "store-2"}, dealerEnt, [][]partRow{
			// exact 1.485, 2.97 and 94.545 fen → 1, 2 and 94 fen, and the two
			// leftover fen to the largest remainders (.97, then .545).
			{{"region_store", "store-2", "transfer_payment", "0.01"}, {"dealer", "dealer-1", "cross_compensation", "0.03"}, {"manufacturer", "hq", "sale_revenue", "0.95"}},
		}},
		{"zero amount line", func() Sale { return testOrder(o2o.ChannelO2O, "0.00") }, Routing{}, nil, [][]partRow{
			{{"serving", "store-1", "store_commission", "0.00"}, {"region_store", "", "", "0.00"}, {"dealer", "", "", "0.00"}, {"manufacturer", "hq", "sale_revenue", "0.00"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sale := tt.sale()
			got, err := s.Split(sale, tt.routing, tt.ents)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := s.SplitValidated(sale, tt.routing, tt.ents)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(got, fast, cmpRegion); d != "" {
				t.Errorf("SplitValidated differs from Split (-split +validated):\n%s", d)
			}
			var gotRows [][]partRow
			for _, ls := range got.Lines {
				gotRows = append(gotRows, rows(ls))
			}
			if d := cmp.Diff(tt.want, gotRows); d != "" {
				t.Errorf("parts (-want +got):\n%s\n%s", d, got.Explain())
			}
			// The batch conserves every cent and applies to a ledger.
			total, _ := got.Batch.Total()
			sum := decimal.Decimal{}
			for _, l := range sale.Lines {
				sum = sum.Add(l.Amount.Amount())
			}
			if !total.Amount().Equal(sum) {
				t.Errorf("batch total %s, sale %s", total, o2o.FormatDecimal(sum))
			}
			if len(got.Batch.Postings) > 0 {
				l := MustLedger(Config{})
				mustApply(t, l, got.Batch.Postings...)
				if !l.Balance("cust-1").Neg().Equal(o2o.NewMoney(sum)) {
					t.Errorf("customer paid %s", l.Balance("cust-1"))
				}
			}
		})
	}
}

func TestSplitErrors(t *testing.T) {
	s := testSplitter(t)
	noRemaining := func() Sale {
		sale := testOrder(o2o.ChannelDealer, "100.00")
		sale.Lines[0].Line = o2o.LineDealer
		sale.Order.ServedBy = nil
		return sale
	}
	tests := []struct {
		name string
		sale Sale
		ents []Entitlement
		is   error
	}{
		{"missing serving without remaining", noRemaining(), nil, ErrMissingParty},
		{"no rule", func() Sale { x := testOrder(o2o.ChannelO2O, "1.00"); x.Lines[0].Line = o2o.LineDealer; return x }(), nil, ErrNoRule},
		{"a dealer twice", testOrder(o2o.ChannelO2O, "1.00"), []Entitlement{{Dealer: "a"}, {Dealer: "a"}}, o2o.ErrDuplicate},
		{"zero weight", testOrder(o2o.ChannelO2O, "1.00"), []Entitlement{{Dealer: "a"}, {Dealer: "b", Weight: ptr(o2o.MustDec("0"))}}, o2o.ErrInvalid},
		{"second dealer without id", testOrder(o2o.ChannelO2O, "1.00"), []Entitlement{{Dealer: "a"}, {}}, o2o.ErrInvalid},
		{"second territory misses delivery", testOrder(o2o.ChannelO2O, "1.00"), []Entitlement{{Dealer: "a"}, {Dealer: "b", Territory: o2o.MustRegionCode("110000")}}, o2o.ErrInvalid},
		{"territory misses delivery", testOrder(o2o.ChannelO2O, "1.00"), []Entitlement{{Dealer: "a", Territory: o2o.MustRegionCode("110000")}}, o2o.ErrInvalid},
		{"amount count", func() Sale { x := testOrder(o2o.ChannelO2O, "1.00"); x.Lines = nil; return x }(), nil, o2o.ErrInvalid},
		{"fraction of a fen", testOrder(o2o.ChannelO2O, "1.001"), nil, o2o.ErrInvalid},
		{"negative", testOrder(o2o.ChannelO2O, "-1.00"), nil, o2o.ErrInvalid},
		{"bad order", func() Sale { x := testOrder(o2o.ChannelO2O, "1.00"); x.Order.ID = ""; return x }(), nil, o2o.ErrInvalid},
	}
	for _, tt := range tests {
		if _, err := s.Split(tt.sale, Routing{}, tt.ents); !errors.Is(err, tt.is) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.is)
		}
	}
	fixed, err := SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: o2o.ChannelO2O, Legs: []Leg{
		{Role: RoleServing, Fixed: ptr(cny("50.00"))}, {Role: RoleManufacturer, Remaining: true}}}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixed.Split(testOrder(o2o.ChannelO2O, "49.99"), Routing{}, nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("fixed above the line: %v", err)
	}
	got, err := fixed.Split(testOrder(o2o.ChannelO2O, "80.00"), Routing{}, nil)
	if err != nil || !got.Lines[0].Parts[0].Amount.Equal(cny("50")) {
		t.Errorf("fixed leg: %v %v", got.Lines, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestSplitConfigErrors(t *testing.T) {
	pct := func(s string) *o2o.Decimal { d := o2o.MustDec(s); return &d }
	rest := Leg{Role: RoleManufacturer, Remaining: true}
	tests := []struct {
		name string
		cfg  SplitConfig
		path string
		is   error
	}{
		{"over-allocated with remaining", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Percent: pct("60")}, {Role: RoleDealer, Percent: pct("41")}, rest}}}}, "rules[0].legs", o2o.ErrInvalid},
		{"under 100 without remaining", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Percent: pct("10")}, {Role: RoleManufacturer, Percent: pct("89.99")}}}}}, "rules[0].legs", o2o.ErrInvalid},
		{"fixed without remaining", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Fixed: ptr(cny("1"))}, {Role: RoleManufacturer, Percent: pct("100")}}}}}, "rules[0].legs", o2o.ErrInvalid},
		{"fixed beside 100 percent", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Fixed: ptr(cny("100"))}, {Role: RoleDealer, Percent: pct("100")}, rest}}}}, "rules[0].legs", o2o.ErrInvalid},
		{"fixed beside 100 percent, capped", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Fixed: ptr(cny("0.01"))}, {Role: RoleDealer, Percent: pct("60"), Cap: ptr(cny("5"))}, {Role: RoleRegionStore, Percent: pct("40")}, rest}}}}, "rules[0].legs", o2o.ErrInvalid},
		{"two remaining", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Remaining: true}, rest}}}}, "rules[0].legs[1].remaining", o2o.ErrInvalid},
		{"role twice", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{rest, rest}}}}, "rules[0].legs[1].role", o2o.ErrInvalid},
		{"percent and fixed", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Percent: pct("1"), Fixed: ptr(cny("1"))}, rest}}}}, "rules[0].legs[0]", o2o.ErrInvalid},
		{"percent above 100", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Percent: pct("101")}, rest}}}}, "rules[0].legs[0].percent", o2o.ErrInvalid},
		{"negative percent", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Percent: pct("-1")}, rest}}}}, "rules[0].legs[0].percent", o2o.ErrInvalid},
		{"cap on fixed", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Fixed: ptr(cny("1")), Cap: ptr(cny("1"))}, rest}}}}, "rules[0].legs[0].cap", o2o.ErrInvalid},
		{"cap fraction", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: RoleServing, Percent: pct("1"), Cap: ptr(cny("0.001"))}, rest}}}}, "rules[0].legs[0].cap", o2o.ErrInvalid},
		{"unknown role", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{{Role: "boss", Remaining: true}}}}}, "rules[0].legs[0].role", o2o.ErrInvalid},
		{"unknown channel", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "tv", Legs: []Leg{rest}}}}, "rules[0].channel", o2o.ErrInvalid},
		{"duplicate rule", SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: "o2o", Legs: []Leg{rest}}, {Channel: "o2o", Legs: []Leg{rest}}}}, "rules[1]", o2o.ErrDuplicate},
		{"no manufacturer", SplitConfig{Rules: []Rule{{Channel: "o2o", Legs: []Leg{rest}}}}, "manufacturer", o2o.ErrInvalid},
		{"no rules", SplitConfig{Manufacturer: "hq"}, "rules", o2o.ErrInvalid},
	}
	for _, tt := range tests {
		_, err := tt.cfg.Build()
		var ve *o2o.ValidationError
		if !errors.Is(err, tt.is) || !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
			t.Errorf("%s: err = %v, want %v at %q", tt.name, err, tt.is, tt.path)
		}
	}
	if _, err := ParseSplitConfig([]byte(`{"manufacturer":"hq","rules":[],"extra":1}`)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown field: %v", err)
	}
}

func TestSplitJSONRoundTrip(t *testing.T) {
	s := testSplitter(t)
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Splitter
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(s.Config(), back.Config()); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
	sp, err := s.Split(testOrder(o2o.ChannelO2O, "1000.00", "333.33"), Routing{RegionStore: "store-2"}, dealerEnt)
	if err != nil {
		t.Fatal(err)
	}
	data, err = json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	var got Split
	if err := o2o.DecodeJSON(data, &got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(sp, got, cmpTime); d != "" {
		t.Errorf("split (-want +got):\n%s", d)
	}
}

// TestSplitProperties: for random rules and amounts, the parts sum exactly
// to the line, none is negative, a zero percent gets zero (the "+1 fen to
// the first parties" trap), each percent leg is within one fen of its exact
// share, and every batch balances. To keep 100,000 cases cheap the checks
// run on whole fen in int64, the order is built once per case without fmt,
// and SplitValidated does the split; every 16th case also runs Split (with
// the order's full validation) and requires the same result.
func TestSplitProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 3))
	roles := []Role{RoleServing, RoleRegionStore, RoleDealer}
	var skus, dealers [5]string
	for i := range skus {
		skus[i], dealers[i] = "SKU-"+strconv.Itoa(i), "dealer-"+strconv.Itoa(i+1)
	}
	sale := testOrder(o2o.ChannelO2O, "1.00")
	routing := Routing{RegionStore: "store-2"}
	zeroPercents := 0
	n := cases(100_000)
	for c := range n {
		var legs []Leg
		var pct [4]int64 // by Role order below: hundredths of a percent; -1 = no percent leg
		for i := range pct {
			pct[i] = -1
		}
		left := int64(10000)
		for i, role := range roles {
			if r.IntN(4) == 0 {
				continue
			}
			p := r.Int64N(left/2 + 1)
			if r.IntN(10) == 0 {
				p = 0
			}
			left -= p
			pct[i] = p
			legs = append(legs, Leg{Role: role, Percent: ptr(o2o.Dec(decimal.New(p, -2)))})
		}
		legs = append(legs, Leg{Role: RoleManufacturer, Remaining: true})
		s, err := SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: o2o.ChannelO2O, Legs: legs}}}.Build()
		if err != nil {
			t.Fatal(err)
		}
		nl := 1 + r.IntN(4)
		sale.Order.Lines, sale.Lines = sale.Order.Lines[:0], sale.Lines[:0]
		for i := range nl {
			sale.Order.Lines = append(sale.Order.Lines, o2o.OrderLine{SKU: skus[i], Quantity: o2o.Qty(decimal.New(2, 0), o2o.UnitPiece)})
			sale.Lines = append(sale.Lines, SaleLine{Line: o2o.LineO2O, Amount: fromUnits(r.Int64N(10_000_000), o2o.CNY)})
		}
		// One to three dealers; several share the dealer leg by weight.
		ents := dealerEnt
		var weights [5]int64
		weights[0] = 1
		total := int64(1)
		if nd := 1 + r.IntN(3); nd > 1 {
			ents, total = nil, 0
			for k := range nd {
				w := 1 + r.Int64N(5)
				if r.IntN(4) == 0 {
					w = 1 // absent: counts as 1
				}
				e := Entitlement{Dealer: dealers[k]}
				if w != 1 || r.IntN(2) == 0 {
					e.Weight = ptr(o2o.Dec(decimal.New(w, 0)))
				}
				ents = append(ents, e)
				weights[k], total = w, total+w
			}
		}
		sp, err := s.SplitValidated(sale, routing, ents)
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		if c%16 == 0 {
			// Compared as JSON bytes (cmp.Equal's reflection costs more than
			// the splits); the diff only when they differ.
			full, err := s.Split(sale, routing, ents)
			if err != nil || !sameJSON(t, full, sp) {
				t.Fatalf("case %d: SplitValidated differs from Split: %v\n%s", c, err, cmp.Diff(full, sp, cmpRegion))
			}
		}
		var batchSum int64
		for _, p := range sp.Batch.Postings {
			batchSum += unitsOf(p.Amount)
		}
		var linesSum int64
		for i, ls := range sp.Lines {
			line := unitsOf(sale.Lines[i].Amount)
			linesSum += line
			var sum int64
			for _, p := range ls.Parts {
				u := unitsOf(p.Amount)
				sum += u
				if u < 0 {
					t.Fatalf("case %d: negative part %+v", c, p)
				}
				role := slices.Index(roles, p.Role)
				if role < 0 || pct[role] < 0 {
					continue
				}
				// |part − line × pct × w/W| < 1 fen, multiplied through by
				// W × 10,000.
				w, tot := int64(1), int64(1)
				if p.Role == RoleDealer && len(ents) > 1 {
					k, _ := strconv.Atoi(strings.TrimPrefix(p.Party, "dealer-"))
					w, tot = weights[k-1], total
				}
				if d := u*tot*10000 - line*pct[role]*w; d >= tot*10000 || d <= -tot*10000 {
					t.Fatalf("case %d: %s part %s is a fen or more from its exact share (line %d, %d/10000 %%, %d/%d)", c, p.Party, p.Amount, line, pct[role], w, tot)
				}
				if pct[role] == 0 {
					zeroPercents++
					if u != 0 {
						t.Fatalf("case %d: zero percent got %s", c, p.Amount)
					}
				}
			}
			if sum != line {
				t.Fatalf("case %d line %d: parts sum to %d, line is %d", c, i, sum, line)
			}
		}
		// The batch moves each line from the customer to the parties: its
		// postings carry exactly the lines' total (parts of zero are not
		// posted).
		if batchSum != linesSum {
			t.Fatalf("case %d: batch moves %d, lines total %d", c, batchSum, linesSum)
		}
	}
	if zeroPercents < n/100 {
		t.Errorf("only %d zero-percent parts in %d cases: the generator lost the zero-weight trap", zeroPercents, n)
	}
}

// TestSplitValidatedChecks: SplitValidated skips the order's full
// validation but still refuses, with a path, every field the split reads.
func TestSplitValidatedChecks(t *testing.T) {
	s := testSplitter(t)
	tests := []struct {
		name   string
		mutate func(*o2o.Order)
		path   string
	}{
		{"no id", func(o *o2o.Order) { o.ID = "" }, "order.id"},
		{"no customer", func(o *o2o.Order) { o.Customer.ID = "" }, "order.customer.id"},
		{"bad channel", func(o *o2o.Order) { o.Channel = "mail" }, "order.channel"},
		{"bad venue", func(o *o2o.Order) { o.Placed.Venue = "" }, "order.placed.venue"},
		{"no instant", func(o *o2o.Order) { o.At = time.Time{} }, "order.at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sale := testOrder(o2o.ChannelO2O, "10.00")
			tt.mutate(&sale.Order)
			_, err := s.SplitValidated(sale, Routing{}, nil)
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) || ve.Fields[0].Path != tt.path {
				t.Fatalf("err = %v, want a validation error at %s", err, tt.path)
			}
			if _, err := s.Split(sale, Routing{}, nil); !errors.Is(err, o2o.ErrInvalid) {
				t.Errorf("Split accepted it: %v", err)
			}
		})
	}
	// What only full validation sees: SplitValidated trusts the caller.
	sale := testOrder(o2o.ChannelO2O, "10.00")
	sale.Order.Customer.Segment = "nobody"
	if _, err := s.Split(sale, Routing{}, nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Split accepted an unknown segment: %v", err)
	}
	if _, err := s.SplitValidated(sale, Routing{}, nil); err != nil {
		t.Errorf("SplitValidated re-validated the whole order: %v", err)
	}
}

// TestSplitSeveralDealers: when several dealers are entitled, the dealer leg
// is shared among them by weight in the same cent-exact allocation; each
// gets its own posting, keyed by dealer.
func TestSplitSeveralDealers(t *testing.T) {
	s := testSplitter(t)
	d := func(id string, w string) Entitlement {
		e := Entitlement{Dealer: id, Territory: o2o.MustRegionCode("440300")}
		if w != "" {
			e.Weight = ptr(o2o.MustDec(w))
		}
		return e
	}
	tests := []struct {
		name   string
		amount string
		ents   []Entitlement
		want   []partRow
		keys   []string
	}{
		{"two equal", "1000.00", []Entitlement{d("dealer-a", ""), d("dealer-b", "")}, []partRow{
			{"serving", "store-1", "store_commission", "80.00"}, {"region_store", "store-2", "transfer_payment", "20.00"},
			{"dealer", "dealer-a", "cross_compensation", "15.00"}, {"dealer", "dealer-b", "cross_compensation", "15.00"},
			{"manufacturer", "hq", "sale_revenue", "870.00"}},
			[]string{"SO-1/0/serving", "SO-1/0/region_store", "SO-1/0/dealer/dealer-a", "SO-1/0/dealer/dealer-b", "SO-1/0/manufacturer"}},
		{"weights 2 and 1", "1000.00", []Entitlement{d("dealer-a", "2"), d("dealer-b", "")}, []partRow{
			{"serving", "store-1", "store_commission", "80.00"}, {"region_store", "store-2", "transfer_payment", "20.00"},
			{"dealer", "dealer-a", "cross_compensation", "20.00"}, {"dealer", "dealer-b", "cross_compensation", "10.00"},
			{"manufacturer", "hq", "sale_revenue", "870.00"}}, nil},
		// 333.33: the dealer leg is 9.9999, a third each is 3.3333; the three
		// fen left over go to the largest remainders (manufacturer .71,
		// region store .66, serving .64), not to the dealers (.33 each).
		{"three equal, odd amount", "333.33", []Entitlement{d("dealer-a", ""), d("dealer-b", ""), d("dealer-c", "")}, []partRow{
			{"serving", "store-1", "store_commission", "26.67"}, {"region_store", "store-2", "transfer_payment", "6.67"},
			{"dealer", "dealer-a", "cross_compensation", "3.33"}, {"dealer", "dealer-b", "cross_compensation", "3.33"},
			{"dealer", "dealer-c", "cross_compensation", "3.33"}, {"manufacturer", "hq", "sale_revenue", "290.00"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Split(testOrder(o2o.ChannelO2O, tt.amount), Routing{RegionStore: "store-2"}, tt.ents)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, rows(got.Lines[0])); d != "" {
				t.Errorf("parts (-want +got):\n%s\n%s", d, got.Explain())
			}
			if tt.keys != nil {
				var keys []string
				for _, p := range got.Batch.Postings {
					keys = append(keys, p.Key)
				}
				if d := cmp.Diff(tt.keys, keys); d != "" {
					t.Errorf("keys (-want +got):\n%s", d)
				}
			}
			data, err := json.Marshal(tt.ents)
			if err != nil {
				t.Fatal(err)
			}
			var back []Entitlement
			if err := o2o.DecodeJSON(data, &back); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.ents, back); d != "" {
				t.Errorf("entitlements JSON round trip (-want +got):\n%s", d)
			}
			l := MustLedger(Config{})
			mustApply(t, l, got.Batch.Postings...)
			rv, err := ReversibleLine(got.Order, got.Lines[0])
			if err != nil {
				t.Fatal(err)
			}
			full, _, err := rv.Full("RET", t0.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			mustApply(t, l, full.Postings...)
			for _, b := range l.Balances() {
				if !b.Balance.IsZero() {
					t.Errorf("%s at %s after a full return", b.Account, b.Balance)
				}
			}
		})
	}
}

// sameJSON reports whether a and b marshal to the same bytes.
func sameJSON(t testing.TB, a, b any) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// TestSplitBound: a rule built splits every line that covers its fixed and
// percent legs, and refuses a smaller one with a clear error; a zero fixed
// leg beside 100% is no obstacle.
func TestSplitBound(t *testing.T) {
	pct := func(s string) *o2o.Decimal { d := o2o.MustDec(s); return &d }
	build := func(legs ...Leg) *Splitter {
		s, err := SplitConfig{Manufacturer: "hq", Rules: []Rule{{Channel: o2o.ChannelO2O, Legs: legs}}}.Build()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	rest := Leg{Role: RoleManufacturer, Remaining: true}
	// Fixed 100 + 50%: a line splits from 200.00 up.
	s := build(Leg{Role: RoleServing, Fixed: ptr(cny("100"))}, Leg{Role: RoleRegionStore, Percent: pct("50")}, rest)
	for amount, ok := range map[string]bool{"199.99": false, "200.00": true, "1000.00": true} {
		_, err := s.Split(testOrder(o2o.ChannelO2O, amount), Routing{Serving: &o2o.Serving{Kind: o2o.PartyStore, PartyID: "store-1"}, RegionStore: "store-2"}, nil)
		if (err == nil) != ok || (err != nil && !errors.Is(err, o2o.ErrInvalid)) {
			t.Errorf("line of %s: %v", amount, err)
		}
	}
	build(Leg{Role: RoleServing, Fixed: ptr(cny("0"))}, Leg{Role: RoleRegionStore, Percent: pct("100")}, rest)
}
