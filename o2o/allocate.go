package o2o

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/shopspring/decimal"
)

// maxExponent bounds the decimal exponents Allocate accepts, far beyond any
// amount or weight met in practice, so that shifting and multiplying cannot
// overflow decimal's int32 exponent (which would panic).
const maxExponent = 1000

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
	var raw struct {
		Key    *string  `json:"key"`
		Weight *Decimal `json:"weight"`
	}
	if err := DecodeJSON(data, &raw); err != nil {
		return err
	}
	switch {
	case raw.Key == nil:
		return Invalid("key", "is required")
	case raw.Weight == nil:
		return Invalid("weight", "is required")
	}
	*s = Share{Key: *raw.Key, Weight: raw.Weight.Decimal}
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
// (ErrDuplicate); a negative weight; weights that are all zero; a total in
// an unknown currency or not a whole number of minor units; a total or
// weight whose decimal exponent lies outside ±1000.
func Allocate(total Money, shares []Share) ([]Part, error) {
	if err := checkShares(shares); err != nil {
		return nil, err
	}
	if !total.Currency().Valid() {
		return nil, Invalidf("total", "unknown currency %q", total.Currency().String())
	}
	digits := total.Currency().MinorDigits()
	if e := total.amount.Exponent(); e > maxExponent || e < -maxExponent {
		return nil, Invalidf("total", "exponent %d is out of range", e)
	}
	if !total.IsWhole() {
		return nil, Invalidf("total", "%s is not a whole number of minor units", total)
	}
	if whole, ok := splitUint64(total.amount, digits, shares); ok {
		return partsOf(total, shares, whole, func(q uint64, sign int64) decimal.Decimal {
			return decimal.New(sign*int64(q), -digits)
		})
	}
	units := total.amount.Shift(digits).Abs() // an integer, ≥ 0
	return partsOf(total, shares, splitDecimal(units, shares), func(q decimal.Decimal, sign int64) decimal.Decimal {
		return q.Mul(decimal.New(sign, 0)).Shift(-digits)
	})
}

// partsOf signs and scales each share's whole minor units into a Part. A
// nil whole means the weights sum to zero.
func partsOf[Q any](total Money, shares []Share, whole []Q, amount func(q Q, sign int64) decimal.Decimal) ([]Part, error) {
	if whole == nil {
		return nil, Invalid("shares", "all weights are zero")
	}
	sign := int64(total.Sign())
	parts := make([]Part, len(shares))
	for i, s := range shares {
		parts[i] = Part{Key: s.Key, Amount: Money{amount: amount(whole[i], sign), currency: total.currency}}
	}
	return parts, nil
}

// splitDecimal is the largest-remainder split of units (a non-negative
// integer) in decimal arithmetic, for any size of amount and weight. It
// returns nil when the weights sum to zero.
func splitDecimal(units decimal.Decimal, shares []Share) []decimal.Decimal {
	weightSum := decimal.Decimal{}
	for _, s := range shares {
		weightSum = weightSum.Add(s.Weight)
	}
	if weightSum.Sign() == 0 {
		return nil
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
	byRemainder := func(a, b int) int { return remainder[b].Cmp(remainder[a]) }
	for _, i := range largestRemainders(shares, byRemainder, int(left.IntPart())) {
		whole[i] = whole[i].Add(decimal.New(1, 0))
	}
	return whole
}

// splitUint64 is splitDecimal in 64-bit integer arithmetic with 128-bit
// products, for the common case: an amount below 2^63 minor units and
// weights that, scaled to integers, sum below 2^64. It reports false when
// the case does not fit, and then computes nothing. It allocates only its
// three result-sized slices.
func splitUint64(amount decimal.Decimal, digits int32, shares []Share) ([]uint64, bool) {
	u, ok := scaledUint64(amount, digits)
	if !ok || u > math.MaxInt64 { // parts are built as int64 minor units
		return nil, false
	}
	var scale int32
	for _, s := range shares {
		scale = max(scale, -s.Weight.Exponent())
	}
	weights := make([]uint64, len(shares))
	var weightSum, carry uint64
	for i, s := range shares {
		if weights[i], ok = scaledUint64(s.Weight, scale); !ok {
			return nil, false
		}
		if weightSum, carry = bits.Add64(weightSum, weights[i], 0); carry != 0 {
			return nil, false
		}
	}
	if weightSum == 0 {
		return nil, true
	}
	whole := make([]uint64, len(shares))
	remainder := make([]uint64, len(shares))
	left := u
	for i, w := range weights {
		// u × w < 2^64 × Σw, so the high word is below Σw as Div64 requires.
		hi, lo := bits.Mul64(u, w)
		whole[i], remainder[i] = bits.Div64(hi, lo, weightSum)
		left -= whole[i]
	}
	byRemainder := func(a, b int) int { return cmp.Compare(remainder[b], remainder[a]) }
	for _, i := range largestRemainders(shares, byRemainder, int(left)) {
		whole[i]++
	}
	return whole, true
}

// maxPow10 is the largest n with 10^n below 2^64.
const maxPow10 = 19

// pow10 returns 10^n for 0 ≤ n ≤ maxPow10.
func pow10(n int64) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// scaledUint64 returns |d| × 10^shift as a uint64 when that is a whole
// number that fits, without allocating.
func scaledUint64(d decimal.Decimal, shift int32) (uint64, bool) {
	if d.NumDigits() > 18 {
		return 0, false
	}
	c := d.CoefficientInt64()
	if c < 0 {
		c = -c
	}
	e := int64(d.Exponent()) + int64(shift)
	switch {
	case c == 0:
		return 0, true
	case e > maxPow10:
		return 0, false
	case e >= 0:
		hi, lo := bits.Mul64(uint64(c), pow10(e))
		return lo, hi == 0
	case -e > maxPow10:
		return 0, false
	}
	q, r := uint64(c)/pow10(-e), uint64(c)%pow10(-e)
	return q, r == 0
}

// largestRemainders returns the indices of the n shares that come first by
// byRemainder (largest remainder first), equal remainders ordered by key.
func largestRemainders(shares []Share, byRemainder func(a, b int) int, n int) []int {
	if n == 0 {
		return nil
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := byRemainder(a, b); c != 0 {
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
		if s.Key == "" {
			return Invalidf(fmt.Sprintf("shares[%d].key", i), "is required")
		}
		if first, dup := seen[s.Key]; dup {
			return &ValidationError{
				Fields: []FieldError{{Path: fmt.Sprintf("shares[%d].key", i), Reason: fmt.Sprintf("repeats %q of shares[%d]", s.Key, first)}},
				Err:    ErrDuplicate,
			}
		}
		seen[s.Key] = i
		if s.Weight.Sign() < 0 {
			return Invalidf(fmt.Sprintf("shares[%d].weight", i), "must not be negative, got %s", FormatDecimal(s.Weight))
		}
		if e := s.Weight.Exponent(); e > maxExponent || e < -maxExponent {
			return Invalidf(fmt.Sprintf("shares[%d].weight", i), "exponent %d is out of range", e)
		}
	}
	return nil
}
