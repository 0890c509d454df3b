package pricing_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// TestReasonCodesRender checks that every code formats its own text (no
// code falls through to the "unknown" text) and round-trips as text.
func TestReasonCodesRender(t *testing.T) {
	seen := map[string]pricing.ReasonCode{}
	for _, c := range pricing.ReasonCodes() {
		s := pricing.Step{Rule: pricing.RuleListPrice, Code: c}
		text := s.Reason()
		if strings.HasPrefix(text, "unknown reason code") || text == "" {
			t.Errorf("%s: no text of its own: %q", c, text)
		}
		if other, dup := seen[text]; dup {
			t.Errorf("%s and %s format to the same text %q", c, other, text)
		}
		seen[text] = c
		var back pricing.ReasonCode
		if err := back.UnmarshalText([]byte(c.String())); err != nil || back != c {
			t.Errorf("%s: text round trip gave %q, %v", c, back, err)
		}
	}
	var c pricing.ReasonCode
	var enumErr *o2o.EnumError
	if err := c.UnmarshalText([]byte("Province_Price")); !errors.As(err, &enumErr) {
		t.Errorf("unknown code accepted: %v", err)
	}
	if _, err := pricing.ReasonCode("nope").MarshalText(); !errors.As(err, &enumErr) {
		t.Errorf("unknown code marshalled: %v", err)
	}
}

// TestStepJSONCarriesReason checks that a step's JSON carries the
// formatted reason next to its code and facts, and that decoding refuses a
// reason that does not match them.
func TestStepJSONCarriesReason(t *testing.T) {
	step := pricing.Step{Rule: pricing.RuleOnlineUplift, Code: pricing.ReasonOnlineUpliftCapped,
		Base: o2o.MustParseMoney("3999.00"), Amount: o2o.MustParseMoney("100.00"), Result: o2o.MustParseMoney("4099.00"),
		Facts: pricing.Facts{Percent: o2o.MustDec("5"), Figure: o2o.MustParseMoney("100.00")}}
	data, err := json.Marshal(step)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"online_uplift","code":"online_uplift_capped","reason":"ordered online: 5% above the in-store price (线上价格比线下高一点), capped at 100.00 CNY",` +
		`"base":{"amount":"3999.00","currency":"CNY"},"amount":{"amount":"100.00","currency":"CNY"},"result":{"amount":"4099.00","currency":"CNY"},` +
		`"facts":{"percent":"5","figure":{"amount":"100.00","currency":"CNY"}}}`
	if diff := cmp.Diff(want, string(data)); diff != "" {
		t.Errorf("step JSON (-want +got):\n%s", diff)
	}
	var back pricing.Step
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(step, back, cmpOpts...); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got, want := back.String(), "online_uplift 3999.00 +100.00 = 4099.00: "+step.Reason(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	tampered := strings.Replace(string(data), "capped at 100.00", "capped at 10.00", 1)
	var ve *o2o.ValidationError
	if err := json.Unmarshal([]byte(tampered), &back); !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) || ve.Fields[0].Path != "reason" {
		t.Errorf("tampered reason accepted or wrong error: %v", err)
	}
	unknown := strings.Replace(string(data), `"code":"online_uplift_capped"`, `"code":"discount"`, 1)
	if err := json.Unmarshal([]byte(unknown), &back); err == nil {
		t.Error("unknown reason code accepted")
	}
}

// TestStepNeedsRule: a step without a rule, or with an unknown one, is
// refused when encoded and when decoded (the fuzzer found a decoded step
// with no rule that could not be encoded again).
func TestStepNeedsRule(t *testing.T) {
	m := o2o.MustParseMoney("95.00")
	for _, rule := range []pricing.RuleName{"", "haggle"} {
		st := pricing.Step{Rule: rule, Code: pricing.ReasonNationalPrice, Base: m, Amount: m, Result: m}
		if _, err := json.Marshal(st); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("step with rule %q encoded: %v, want ErrInvalid", rule, err)
		}
	}
	var s pricing.Step
	err := json.Unmarshal([]byte(`{"code":"national_price","reason":"x","base":{"amount":"1","currency":"CNY"}}`), &s)
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("step without a rule decoded: %v", err)
	}
}
