package settlement

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

// goldenSplits is testdata/splits.json: split rules and, per case, a sale,
// its routing and entitlements, and the expected parts (worked out by hand)
// or the expected error class.
type goldenSplits struct {
	Config SplitConfig `json:"config"`
	Cases  []struct {
		Name         string        `json:"name"`
		Sale         Sale          `json:"sale"`
		Routing      Routing       `json:"routing"`
		Entitlements []Entitlement `json:"entitlements"`
		Want         []struct {
			Rule  string       `json:"rule"`
			Parts []goldenPart `json:"parts"`
		} `json:"want"`
		Error string `json:"error"`
	} `json:"cases"`
}

type goldenPart struct {
	Role   string `json:"role"`
	Party  string `json:"party"`
	Kind   string `json:"kind"`
	Amount string `json:"amount"`
}

var goldenErrors = map[string]error{"no_rule": ErrNoRule, "missing_party": ErrMissingParty, "invalid": o2o.ErrInvalid}

// TestGoldenSplits runs the rules and expected results kept as data.
func TestGoldenSplits(t *testing.T) {
	data, err := os.ReadFile("testdata/splits.json")
	if err != nil {
		t.Fatal(err)
	}
	var g goldenSplits
	if err := o2o.DecodeJSON(data, &g); err != nil {
		t.Fatal(err)
	}
	s, err := g.Config.Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 10 {
		t.Fatalf("only %d cases", len(g.Cases))
	}
	for _, tc := range g.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := s.Split(tc.Sale, tc.Routing, tc.Entitlements)
			fast, fastErr := s.SplitValidated(tc.Sale, tc.Routing, tc.Entitlements)
			if tc.Error != "" {
				want, ok := goldenErrors[tc.Error]
				if !ok {
					t.Fatalf("unknown error class %q", tc.Error)
				}
				if !errors.Is(err, want) || !errors.Is(fastErr, want) {
					t.Fatalf("errors %v / %v, want %v", err, fastErr, want)
				}
				return
			}
			if err != nil || fastErr != nil {
				t.Fatalf("errors %v / %v", err, fastErr)
			}
			if d := cmp.Diff(got, fast); d != "" {
				t.Errorf("SplitValidated differs from Split:\n%s", d)
			}
			if len(got.Lines) != len(tc.Want) {
				t.Fatalf("%d lines, want %d", len(got.Lines), len(tc.Want))
			}
			for i, ls := range got.Lines {
				var parts []goldenPart
				for _, p := range ls.Parts {
					parts = append(parts, goldenPart{string(p.Role), p.Party, string(p.Kind), p.Amount.AmountString()})
				}
				if ls.Rule != tc.Want[i].Rule {
					t.Errorf("line %d: rule %q, want %q", i, ls.Rule, tc.Want[i].Rule)
				}
				if d := cmp.Diff(tc.Want[i].Parts, parts); d != "" {
					t.Errorf("line %d parts (-want +got):\n%s\n%s", i, d, got.Explain())
				}
			}
			// The batch applies and the ledger balances to zero.
			l := MustLedger(Config{})
			if len(got.Batch.Postings) > 0 {
				mustApply(t, l, got.Batch.Postings...)
			}
			sum := o2o.CNY.Zero()
			for _, b := range l.Balances() {
				sum, _ = sum.Add(b.Balance)
			}
			if !sum.IsZero() {
				t.Errorf("balances sum to %s", sum)
			}
		})
	}
}
