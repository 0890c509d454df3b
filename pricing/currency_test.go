package pricing_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// usdPolicy is the fixture policy and book with every amount in USD, and
// tiles at a 0.0% VAT rate (so that the VAT shown is zero).
func usdPolicy(t *testing.T) *pricing.Policy {
	t.Helper()
	usd := func(name string) []byte {
		return bytes.ReplaceAll(readFile(t, name), []byte(`"currency": "CNY"`), []byte(`"currency": "USD"`))
	}
	cat, err := o2o.ParseCatalogJSON(readFile(t, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	book, err := pricing.ParseBookJSON(cat, usd("book.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfgJSON := bytes.Replace(usd("policy.json"), []byte(`{"category": "tiles", "percent": "13"}`), []byte(`{"category": "tiles", "percent": "0.0"}`), 1)
	cfg, err := pricing.ParseConfig(cfgJSON)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cfg.Build(book)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestZeroAmountsKeepTheirCurrency guards the omitzero pitfall:
// o2o.Money.IsZero reports a zero amount, so a Money field tagged omitzero
// drops 0 USD and reads back as 0 CNY. A USD quote whose steps quote zero
// amounts (no campaign funding left, a 0.0% VAT) must round-trip through
// JSON byte for byte, every amount still in USD.
func TestZeroAmountsKeepTheirCurrency(t *testing.T) {
	p := usdPolicy(t)
	q, err := p.Quote(pricing.Request{
		SKU: "TILE-800", Quantity: o2o.Qty(decimal.New(3, 0), o2o.UnitSquareMetre), Region: o2o.MustRegionCode("440305"),
		Channel: o2o.ChannelO2O, Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-1"}, Segment: o2o.SegmentRetail,
		At:       time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China()),
		Campaign: &pricing.Campaign{ID: "C-0", Stage: 1, FundingLeft: o2o.MustParseMoney("0 USD")},
	})
	if err != nil {
		t.Fatal(err)
	}
	zeros := 0
	for _, s := range q.Steps {
		f := s.Facts
		for _, m := range []o2o.Money{s.Base, s.Amount, s.Result, f.Figure, f.Limit, f.Cost} {
			if m.IsZero() && m.Currency() == "USD" {
				zeros++
			}
		}
	}
	if q.VAT == nil || !q.VAT.Included.IsZero() || q.Stage != 0 || !q.Flags.StageFallback {
		t.Fatalf("fixture does not quote zero amounts: %s", q.Explain())
	}
	data, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "CNY") {
		t.Errorf("a USD quote mentions CNY: %s", data)
	}
	var back pricing.Quote
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("USD quote does not read back: %v\n%s", err, data)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(data, again) {
		t.Errorf("round trip changed the JSON:\n%s\n%s", data, again)
	}
	if diff := cmp.Diff(q, back, cmpOpts...); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if zeros == 0 {
		t.Errorf("no zero USD amount among the steps:\n%s", q.Explain())
	}

	// Facts on their own keep a zero amount's currency too.
	f := pricing.Facts{Limit: o2o.MustParseMoney("0 USD"), Percent: o2o.MustDec("0.0")}
	data, _ = json.Marshal(f)
	var fb pricing.Facts
	if err := json.Unmarshal(data, &fb); err != nil || fb.Limit.Currency() != "USD" || fb.Percent.String() != "0.0" {
		t.Errorf("facts %s read back as limit %s, percent %s (%v)", data, fb.Limit, fb.Percent, err)
	}
}

// TestStepJSONNeedsUsedAmounts: a step's JSON must write every amount its
// code uses; leaving one out (as omitzero would) is refused with the path.
func TestStepJSONNeedsUsedAmounts(t *testing.T) {
	st := pricing.Step{Rule: pricing.RuleLadder, Code: pricing.ReasonLadderUnaffordable, Base: o2o.MustParseMoney("1 USD"),
		Amount: o2o.MustParseMoney("0 USD"), Result: o2o.MustParseMoney("1 USD"),
		Facts: pricing.Facts{Party: "C", Asked: 1, Limit: o2o.MustParseMoney("0 USD"), Figure: o2o.MustParseMoney("800 USD")}}
	data, _ := json.Marshal(st)
	if !strings.Contains(string(data), `"limit":{"amount":"0.00","currency":"USD"}`) {
		t.Fatalf("zero limit not written: %s", data)
	}
	cut := strings.Replace(string(data), `"limit":{"amount":"0.00","currency":"USD"},`, "", 1)
	var back pricing.Step
	err := json.Unmarshal([]byte(cut), &back)
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) || ve.Fields[0].Path != "facts.limit" {
		t.Errorf("step without its limit: got %v", err)
	}
}

// TestBenefitJSON: a benefit round-trips through JSON, and decoding
// refuses an unknown kind or rule and mixed currencies.
func TestBenefitJSON(t *testing.T) {
	b := pricing.Benefit{Rule: pricing.RuleLadder, Stage: 4, Code: "payback", Description: "paid back",
		Kind: pricing.BenefitPayback, Price: o2o.MustParseMoney("-500 USD"), Cost: o2o.MustParseMoney("500 USD"), FundedBy: "C-1"}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"ladder","stage":4,"code":"payback","description":"paid back","kind":"payback",` +
		`"price":{"amount":"-500.00","currency":"USD"},"cost":{"amount":"500.00","currency":"USD"},"fundedBy":"C-1"}`
	if string(data) != want {
		t.Errorf("benefit JSON %s, want %s", data, want)
	}
	var back pricing.Benefit
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	var enumErr *o2o.EnumError
	bad := strings.Replace(string(data), `"kind":"payback"`, `"kind":"gift"`, 1)
	if err := json.Unmarshal([]byte(bad), &back); !errors.As(err, &enumErr) || !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
	bad = strings.Replace(string(data), `"rule":"ladder"`, `"rule":"bonus"`, 1)
	if err := json.Unmarshal([]byte(bad), &back); !errors.As(err, &enumErr) {
		t.Errorf("unknown rule: %v", err)
	}
	bad = strings.Replace(string(data), `"cost":{"amount":"500.00","currency":"USD"}`, `"cost":{"amount":"500.00","currency":"CNY"}`, 1)
	if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, o2o.ErrCurrencyMismatch) {
		t.Errorf("mixed currencies: %v", err)
	}
	for _, bad := range []pricing.Benefit{{Rule: "bonus", Kind: pricing.BenefitService}, {Rule: pricing.RuleLadder, Kind: "gift"}} {
		if _, err := json.Marshal(bad); !errors.As(err, &enumErr) {
			t.Errorf("benefit %+v encoded: %v", bad, err)
		}
	}
	if err := json.Unmarshal([]byte(`{"rule":"ladder","code":"x","description":"","kind":"payback","price":{"amount":"0","currency":"CNY"},"cost":{"amount":"0","currency":"CNY"},"fundedBy":"C","Code":"y"}`), &back); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown key accepted: %v", err)
	}
	var zero pricing.Benefit
	if zero.Code != "" || zero.Price.Sign() != 0 || zero.Stage != 0 {
		t.Errorf("zero benefit: %+v", zero)
	}
}
