package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// oddStrings need escaping, or not, in every way encoding/json knows.
var oddStrings = []string{"", "shop-00", "店 01 全省一个价", `a"b\c`, "<b>&amp;</b>", "tab\tnl\ncr\rbs\bff\f",
	"\x00\x01\x1f\x7f", "bad \xff utf8 \xc3", "line\u2028para\u2029", "emoji 🛋️", "\u00e9"}

// sampleSteps are steps of every reason code, each with every fact set (the
// step writes those its code uses), over odd strings.
func sampleSteps() []Step {
	var out []Step
	rules := RuleNames()
	for i, code := range ReasonCodes() {
		s := oddStrings[i%len(oddStrings)]
		f := Facts{Party: s, Label: oddStrings[(i+3)%len(oddStrings)], Region: o2o.MustRegionCode("440000"),
			Product: o2o.BrandModel{Brand: s, Model: "T<800>"}, Percent: o2o.MustDec("13.5"),
			Figure: o2o.MustParseMoney("96.90"), Limit: o2o.MustParseMoney("10000"), Cost: o2o.MustParseMoney("2800.005"),
			Quantity: o2o.Qty(decimal.New(1235, -2), o2o.UnitSquareMetre), Mode: o2o.RoundHalfUp,
			Increment: IncrementJiao, Stage: i % 4, Asked: 3, Count: i}
		out = append(out, Step{Rule: rules[i%len(rules)], Code: code, Base: o2o.MustParseMoney("99.7500"),
			Amount: o2o.MustParseMoney("-2.85"), Result: o2o.MustParseMoney("96.90"), Facts: f})
		out = append(out, Step{Rule: rules[(i+1)%len(rules)], Code: code})
	}
	return out
}

// form is the step as its JSON form holds it: json.Marshal of it by
// reflection is the reference for Step.appendJSON.
func (s Step) form() stepJSON {
	f, uses := s.Facts.only(s.Code.facts()), s.Code.facts()
	j := stepFacts{Party: f.Party, Label: f.Label, Region: f.Region, Product: f.Product, Quantity: f.Quantity,
		Mode: f.Mode, Increment: f.Increment, Stage: f.Stage, Asked: f.Asked, Count: f.Count}
	if uses&factPercent != 0 {
		j.Percent = &f.Percent
	}
	if uses&factFigure != 0 {
		j.Figure = &f.Figure
	}
	if uses&factLimit != 0 {
		j.Limit = &f.Limit
	}
	if uses&factCost != 0 {
		j.Cost = &f.Cost
	}
	return stepJSON{Rule: s.Rule, Code: s.Code, Reason: s.Reason(), Base: s.Base,
		Amount: s.Amount, Result: s.Result, Facts: j}
}

// TestStepAppendMatchesMarshal: the appended JSON of a step is, byte for
// byte, what json.Marshal writes for its JSON form.
func TestStepAppendMatchesMarshal(t *testing.T) {
	for _, s := range sampleSteps() {
		j := s.form()
		want, err := json.Marshal(j)
		if err != nil {
			t.Fatalf("%s/%s: %v", s.Rule, s.Code, err)
		}
		got, err := s.appendJSON(nil)
		if err != nil {
			t.Fatalf("%s/%s: %v", s.Rule, s.Code, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s:\n got %s\nwant %s", s.Rule, s.Code, got, want)
		}
		var back Step
		if err := json.Unmarshal(got, &back); err != nil && !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s/%s: reading it back: %v", s.Rule, s.Code, err)
		}
	}
}

// TestStepAppendRefusesAsMarshal: what json.Marshal refuses, the step
// refuses too.
func TestStepAppendRefusesAsMarshal(t *testing.T) {
	good := sampleSteps()[0]
	bad := []func(s *Step){
		func(s *Step) { s.Rule = "haggle" },
		func(s *Step) { s.Code = "because" },
		func(s *Step) { s.Base = o2o.Currency("XXX").Zero() },
		func(s *Step) { s.Facts.Quantity.Unit = "bushel" },
		func(s *Step) { s.Facts.Increment = "li" },
		func(s *Step) { s.Facts.Figure = o2o.NewMoney(decimal.New(1, 60)) },
	}
	for i, edit := range bad {
		s := good
		s.Code = ReasonRoundingDifference
		edit(&s)
		j := s.form()
		_, werr := json.Marshal(j)
		_, gerr := s.appendJSON(nil)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("case %d: json.Marshal %v, appendJSON %v", i, werr, gerr)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// TestStepMarshalAllocs: a step's JSON is built in one buffer; through
// json.Marshal of its form it cost 12 or more allocations.
func TestStepMarshalAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	s := sampleSteps()[0]
	n := testing.AllocsPerRun(100, func() {
		if _, err := s.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
	})
	if n > 6 {
		t.Errorf("Step.MarshalJSON: %v allocations, want at most 6", n)
	}
}

// reflectQuote is Quote without its MarshalJSON: json.Marshal writes it
// by reflection, the reference for Quote.appendJSON.
type reflectQuote Quote

// sampleQuotes are the scenario quotes kept as data, and a quote with every
// optional part set over odd strings.
func sampleQuotes(t *testing.T) []Quote {
	data, err := os.ReadFile(filepath.Join("testdata", "scenarios.quotes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var kept map[string]Quote
	if err := json.Unmarshal(data, &kept); err != nil {
		t.Fatal(err)
	}
	// In the order of their names: a test picking one by index picks the
	// same one every run.
	var out []Quote
	for _, name := range slices.Sorted(maps.Keys(kept)) {
		out = append(out, kept[name])
	}
	if len(out) < 10 {
		t.Fatalf("only %d scenario quotes", len(out))
	}
	for i, s := range oddStrings {
		q := out[i%len(out)]
		q.SKU, q.Category, q.ListScope, q.AccountID = s, s, s, s
		q.BrandModel = o2o.BrandModel{Brand: s, Model: s}
		q.Placed = o2o.Placement{Venue: o2o.VenueStore, StoreID: s}
		q.Steps = sampleSteps()[i : i+3]
		q.Benefits = []Benefit{{Rule: RuleLadder, Stage: i, Code: s, Description: s, Kind: BenefitProductsFree,
			Price: o2o.MustParseMoney("-1.00"), Cost: o2o.MustParseMoney("3.5"), FundedBy: s}}
		q.Violations = []Violation{{Rule: RuleNetworkLowest, Reason: s, Source: s, Lowest: o2o.MustParseMoney("1"), Price: o2o.MustParseMoney("2")}}
		q.Flags = Flags{Matched: i%2 == 0, Capped: i%3 == 0, Rounded: i%4 == 0, Floored: i%5 == 0, StageFallback: i%2 == 1, Negotiated: i%3 == 1, Clearance: i%4 == 1}
		q.Stage = i % 3
		if i%2 == 0 {
			q.VAT = nil
		} else {
			q.VAT = &VATShown{Category: s, Percent: o2o.MustDec("9"), Included: o2o.MustParseMoney("0.01")}
		}
		if i == 0 {
			q.Steps, q.Benefits, q.Violations = nil, nil, nil
		}
		out = append(out, q)
	}
	return out
}

// TestQuoteAppendMatchesMarshal: a quote's JSON is, byte for byte, what
// json.Marshal writes for its fields by reflection, and reads back.
func TestQuoteAppendMatchesMarshal(t *testing.T) {
	for i, q := range sampleQuotes(t) {
		want, err := json.Marshal(reflectQuote(q))
		if err != nil {
			t.Fatalf("quote %d: %v", i, err)
		}
		got, err := json.Marshal(q)
		if err != nil {
			t.Fatalf("quote %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("quote %d:\n got %s\nwant %s", i, got, want)
		}
		appended, err := q.AppendJSON([]byte("x"))
		if err != nil || string(appended) != "x"+string(want) {
			t.Errorf("quote %d: AppendJSON gives %s, %v", i, appended, err)
		}
	}
}

// TestQuoteAppendRefusesAsMarshal: what json.Marshal refuses in a quote,
// appendJSON refuses too.
func TestQuoteAppendRefusesAsMarshal(t *testing.T) {
	good := sampleQuotes(t)[0]
	for i, edit := range []func(q *Quote){
		func(q *Quote) { q.Channel = "telepathy" },
		func(q *Quote) { q.Segment = "vip" },
		func(q *Quote) { q.Placed.Venue = "moon" },
		func(q *Quote) { q.Quantity.Unit = "bushel" },
		func(q *Quote) { q.UnitPrice = o2o.Currency("XXX").Zero() },
		func(q *Quote) { q.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		func(q *Quote) { q.Benefits = []Benefit{{Rule: "haggle"}} },
		func(q *Quote) { q.Benefits = []Benefit{{Rule: RuleLadder, Kind: "gift"}} },
		func(q *Quote) { q.Violations = []Violation{{Rule: "haggle"}} },
		func(q *Quote) { q.Steps = []Step{{Rule: "haggle"}} },
		func(q *Quote) { q.VAT = &VATShown{Percent: o2o.Dec(decimal.New(1, 50))} },
	} {
		q := good
		edit(&q)
		_, werr := json.Marshal(reflectQuote(q))
		_, gerr := json.Marshal(q)
		if werr == nil || gerr == nil {
			t.Errorf("case %d: by reflection %v, appended %v: want both refused", i, werr, gerr)
		}
	}
}

// TestQuoteAppendKnowsEveryField fails when a type the quote's JSON is
// appended from gains or loses a field: appendJSON must then be updated
// (and TestQuoteAppendMatchesMarshal's sample given the new field).
func TestQuoteAppendKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		v    any
		want int
	}{
		{Quote{}, 21}, {Step{}, 6}, {stepJSON{}, 7}, {stepFacts{}, 14}, {Benefit{}, 8}, {Violation{}, 5},
		{Flags{}, 7}, {VATShown{}, 3}, {o2o.BrandModel{}, 2}, {o2o.Placement{}, 2}, {o2o.Quantity{}, 2},
	} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.want {
			t.Errorf("%T has %d fields, appendJSON knows %d: update it", c.v, n, c.want)
		}
	}
}

// TestQuoteMarshalAllocs: a quote's JSON is built in one buffer; field by
// field through encoding/json it cost over 100 allocations.
func TestQuoteMarshalAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	q := sampleQuotes(t)[len(oddStrings)]
	// encoding/json keeps its buffers in a sync.Pool that a garbage
	// collection empties; the least of a few trials leaves that out.
	n := math.Inf(1)
	for range 5 {
		n = min(n, testing.AllocsPerRun(20, func() {
			if _, err := json.Marshal(q); err != nil {
				t.Fatal(err)
			}
		}))
	}
	if n > 40 {
		t.Errorf("json.Marshal(quote): %v allocations, want at most 40", n)
	}
}
