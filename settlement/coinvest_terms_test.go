package settlement

import (
	"errors"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

func TestCoInvestTermsOpen(t *testing.T) {
	terms := CoInvestTerms{Store: "store-1", Investor: "investor-1", Manufacturer: "hq",
		AdvanceLimit: cny("50000.00"), RepayPercent: o2o.MustDec("30")}
	p, err := terms.Open()
	if err != nil {
		t.Fatal(err)
	}
	if !p.Capital.IsZero() || !p.Advanced.IsZero() || p.Closed || p.Capital.Currency() != o2o.CNY || p.AdvanceLimit != terms.AdvanceLimit {
		t.Errorf("Open = %+v", p)
	}
	// The opened position works: an advance within the limit posts.
	if _, _, err := p.Advance(cny("1000.00"), "adv-1", t0); err != nil {
		t.Errorf("Advance: %v", err)
	}
	for _, tc := range []struct {
		name string
		mod  func(*CoInvestTerms)
		path string
	}{
		{"no investor", func(c *CoInvestTerms) { c.Investor = "" }, "investor"},
		{"investor is the store", func(c *CoInvestTerms) { c.Investor = c.Store }, ""},
		{"percent above 100", func(c *CoInvestTerms) { c.RepayPercent = o2o.MustDec("101") }, "repayPercent"},
		{"a fraction of a fen", func(c *CoInvestTerms) { c.AdvanceLimit = cny("0.001") }, "advanceLimit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := terms
			tc.mod(&bad)
			_, err := bad.Open()
			var ve *o2o.ValidationError
			if !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
				t.Errorf("Open = %v, want a fault at %q", err, tc.path)
			}
		})
	}
}
