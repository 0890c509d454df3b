package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

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

// TestStepAppendMatchesMarshal: the appended JSON of a step is, byte for
// byte, what json.Marshal writes for its JSON form.
func TestStepAppendMatchesMarshal(t *testing.T) {
	for _, s := range sampleSteps() {
		j := s.form()
		want, err := json.Marshal(j)
		if err != nil {
			t.Fatalf("%s/%s: %v", s.Rule, s.Code, err)
		}
		got, err := j.appendJSON(nil)
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
		_, gerr := j.appendJSON(nil)
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
