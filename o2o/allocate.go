package o2o

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// Share is one recipient's claim on an amount being split: a stable key the
// caller chooses (a party id, an order line) and a non-negative weight.
// It marshals to JSON as {"key":"store-1","weight":"3.5"}.
type Share struct {
	Key    string
	Weight decimal.Decimal
}

type shareJSON struct {
	Key    string  `json:"key"`
	Weight Decimal `json:"weight"`
}

// MarshalJSON writes {"key":…,"weight":"…"} with the weight exact.
func (s Share) MarshalJSON() ([]byte, error) {
	return json.Marshal(shareJSON{Key: s.Key, Weight: Dec(s.Weight)})
}

// UnmarshalJSON reads what MarshalJSON writes; unknown fields are refused.
func (s *Share) UnmarshalJSON(data []byte) error {
	var raw shareJSON
	if err := DecodeJSON(data, &raw); err != nil {
		return err
	}
	*s = Share{Key: raw.Key, Weight: raw.Weight.Decimal}
	return nil
}

// Part is one recipient's whole-minor-unit piece of an allocated amount.
type Part struct {
	Key    string `json:"key"`
	Amount Money  `json:"amount"`
}

// Allocate splits total into whole minor units (fen for CNY) in proportion
// to the shares' weights, by the largest-remainder method:
//
//  1. each share gets the whole minor units of its exact share
//     |total| × weight / Σweights, rounded toward zero;
//  2. the units left over (fewer than the number of shares) go one each to
//     the shares with the largest remainders; equal remainders are ordered
//     by Key, ascending;
//  3. the sign of total is applied to every part.
//
// So the parts sum exactly to total; each is within one minor unit of its
// exact share; a zero weight gets zero; no part has the opposite sign to
// total, so a negative total (a refund) splits as the mirror image of the
// positive one; and the amount each key gets does not depend on the order of
// shares. Parts come back in the order of shares.
//
// Errors (all wrap ErrInvalid): no shares; an empty or repeated key
// (ErrDuplicate); a negative weight; weights that are all zero; a total that
// is not a whole number of minor units.
func Allocate(total Money, shares []Share) ([]Part, error) {
	if err := checkShares(shares); err != nil {
		return nil, err
	}
	digits := total.Currency().MinorDigits()
	if !total.IsWhole() {
		return nil, Invalidf("total", "%s is not a whole number of minor units", total)
	}
	units := total.amount.Shift(digits).Abs() // an integer, ≥ 0
	weightSum := decimal.Decimal{}
	for _, s := range shares {
		weightSum = weightSum.Add(s.Weight)
	}
	if weightSum.Sign() == 0 {
		return nil, Invalid("shares", "all weights are zero")
	}

	whole := make([]decimal.Decimal, len(shares))
	remainder := make([]decimal.Decimal, len(shares))
	left := units
	for i, s := range shares {
		// units × w = q × Σw + r with 0 ≤ r < Σw, so q = floor(exact share) and
		// r/Σw is its fraction; all r share one denominator, so r orders them.
		whole[i], remainder[i] = units.Mul(s.Weight).QuoRem(weightSum, 0)
		left = left.Sub(whole[i])
	}
	for _, i := range largestRemainders(shares, remainder, int(left.IntPart())) {
		whole[i] = whole[i].Add(decimal.New(1, 0))
	}

	sign := int64(total.Sign())
	parts := make([]Part, len(shares))
	for i, s := range shares {
		amount := whole[i].Mul(decimal.New(sign, 0)).Shift(-digits)
		parts[i] = Part{Key: s.Key, Amount: Money{amount: amount, currency: total.currency}}
	}
	return parts, nil
}

// largestRemainders returns the indices of the n shares with the largest
// remainders, equal remainders ordered by key.
func largestRemainders(shares []Share, remainder []decimal.Decimal, n int) []int {
	if n == 0 {
		return nil
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := remainder[b].Cmp(remainder[a]); c != 0 {
			return c
		}
		return cmp.Compare(shares[a].Key, shares[b].Key)
	})
	return order[:n]
}

func checkShares(shares []Share) error {
	if len(shares) == 0 {
		return Invalid("shares", "must have at least one share")
	}
	seen := make(map[string]int, len(shares))
	for i, s := range shares {
		path := fmt.Sprintf("shares[%d]", i)
		if s.Key == "" {
			return Invalid(path+".key", "is required")
		}
		if first, dup := seen[s.Key]; dup {
			return &ValidationError{
				Fields: []FieldError{{Path: path + ".key", Reason: fmt.Sprintf("repeats %q of shares[%d]", s.Key, first)}},
				Err:    ErrDuplicate,
			}
		}
		seen[s.Key] = i
		if s.Weight.Sign() < 0 {
			return Invalidf(path+".weight", "must not be negative, got %s", FormatDecimal(s.Weight))
		}
	}
	return nil
}
