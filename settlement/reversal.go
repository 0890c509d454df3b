package settlement

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// Reversible is what is left to reverse of an original set of postings (a
// split's batch, or one line's postings): each posting's amount and how much
// of it has been reversed so far. It is an immutable value: Full and Partial
// return a new Reversible and leave the receiver unchanged, so a caller
// keeps the latest and a refused refund changes nothing.
//
// Partial refunds are split against each party's remaining unrefunded share
// (Stripe Connect reverses transfers and fees proportionally). Splitting the
// cumulative refund and subtracting earlier refunds instead can give a party
// a negative refund (largest remainder's Alabama paradox); splitting each
// refund over what is left cannot: every part lies between zero and that
// party's remaining share, and refunds that add up to the whole return
// exactly the original shares.
type Reversible struct {
	ref       string
	currency  o2o.Currency
	originals []Posting
	units     []int64 // original amounts
	done      []int64 // reversed so far
	quantity  decimal.Decimal
	returned  decimal.Decimal
}

// NewReversible returns the reversible state of original, a batch of
// postings that are not reversals, in one currency, with distinct keys.
// quantity is the quantity the postings are for (an order line's, so that
// PartialQuantity can return by quantity); the zero Quantity means returns
// by amount only. Errors wrap o2o.ErrInvalid.
func NewReversible(original Batch, quantity o2o.Quantity) (Reversible, error) {
	if len(original.Postings) == 0 {
		return Reversible{}, o2o.Invalid("postings", "must have at least one posting")
	}
	r := Reversible{ref: original.ID, currency: original.Postings[0].Amount.Currency(), quantity: quantity.Value.Decimal}
	if r.quantity.Sign() < 0 {
		return Reversible{}, o2o.Invalid("quantity", "must not be negative")
	}
	n := len(original.Postings)
	r.originals = make([]Posting, 0, n)
	r.units, r.done = make([]int64, 0, n), make([]int64, 0, n)
	var seen map[string]bool // a linear scan below 16 postings
	if n >= 16 {
		seen = make(map[string]bool, n)
	}
	for i, p := range original.Postings {
		u, err := p.units(r.currency)
		if err != nil {
			return Reversible{}, o2o.Prefix(fmt.Sprintf("postings[%d]", i), err)
		}
		if p.Kind == KindReversal {
			return Reversible{}, o2o.Invalidf(fmt.Sprintf("postings[%d].kind", i), "a reversal is not reversed")
		}
		if seen[p.Key] || (seen == nil && slices.ContainsFunc(r.originals, func(o Posting) bool { return o.Key == p.Key })) {
			return Reversible{}, &o2o.ValidationError{Fields: []o2o.FieldError{{Path: fmt.Sprintf("postings[%d].key", i), Reason: fmt.Sprintf("repeats %q", p.Key)}}, Err: o2o.ErrDuplicate}
		}
		if seen != nil {
			seen[p.Key] = true
		}
		r.originals = append(r.originals, p)
		r.units = append(r.units, u)
		r.done = append(r.done, 0)
	}
	return r, nil
}

// ReversibleLine returns the reversible state of one split line, with its
// quantity.
func ReversibleLine(order string, ls LineSplit) (Reversible, error) {
	return NewReversible(Batch{ID: fmt.Sprintf("%s/%d", order, ls.Index), Postings: ls.Postings}, ls.Quantity)
}

// Remaining returns the amount not yet reversed.
func (r Reversible) Remaining() o2o.Money {
	var left int64
	for i := range r.units {
		left += r.units[i] - r.done[i]
	}
	return fromUnits(left, r.currency)
}

// RemainingQuantity returns the quantity not yet returned.
func (r Reversible) RemainingQuantity() decimal.Decimal { return r.quantity.Sub(r.returned) }

// Shares returns, for each original posting, its key, party and the amount
// reversed so far.
func (r Reversible) Shares() []ReversedShare {
	out := make([]ReversedShare, len(r.originals))
	for i, p := range r.originals {
		out[i] = ReversedShare{Key: p.Key, Party: p.To, Original: p.Amount, Reversed: fromUnits(r.done[i], r.currency)}
	}
	return out
}

// ReversedShare is one original posting and how much of it is reversed.
type ReversedShare struct {
	Key      string    `json:"key"`
	Party    string    `json:"party"`
	Original o2o.Money `json:"original"`
	Reversed o2o.Money `json:"reversed"`
}

// Full reverses everything not yet reversed: with nothing reversed before,
// the batch mirrors the original posting by posting, each reversal referring
// to its original. Reversing what is already reversed in full is refused
// with a *ReversalError wrapping ErrAlreadyReversed. Posting keys are
// "id/original-key"; the batch's ID is id.
func (r Reversible) Full(id string, at time.Time) (Batch, Reversible, error) {
	left := make([]int64, len(r.units))
	var total int64
	for i := range r.units {
		left[i] = r.units[i] - r.done[i]
		total += left[i]
	}
	if total == 0 {
		return Batch{}, r, &ReversalError{Ref: r.ref, Reason: "is already reversed in full; a second full reversal is refused", Err: ErrAlreadyReversed}
	}
	next := r.clone()
	next.returned = next.quantity
	return r.emit(id, at, left, next)
}

// Partial reverses amount, split over the parties pro rata to each one's
// remaining unrefunded share with o2o.Allocate. amount must be positive,
// whole, in the original's currency and at most Remaining; more is refused
// with a *ReversalError wrapping ErrOverReversal, nothing reversed yet is
// ErrAlreadyReversed when nothing is left.
func (r Reversible) Partial(id string, amount o2o.Money, at time.Time) (Batch, Reversible, error) {
	next, parts, err := r.partial(amount)
	if err != nil {
		return Batch{}, r, err
	}
	return r.emit(id, at, parts, next)
}

func (r Reversible) partial(amount o2o.Money) (Reversible, []int64, error) {
	if amount.Currency() != r.currency {
		return r, nil, fmt.Errorf("amount: %w: %s refund of a %s sale", o2o.ErrCurrencyMismatch, amount.Currency(), r.currency)
	}
	want, err := toUnits(amount)
	if err != nil {
		return r, nil, o2o.Prefix("amount", err)
	}
	if want <= 0 {
		return r, nil, o2o.Invalidf("amount", "must be positive, got %s", amount)
	}
	var left int64
	for i := range r.units {
		left += r.units[i] - r.done[i]
	}
	if left == 0 {
		return r, nil, &ReversalError{Ref: r.ref, Reason: "is already reversed in full", Err: ErrAlreadyReversed}
	}
	if want > left {
		return r, nil, &ReversalError{Ref: r.ref, Reason: fmt.Sprintf("refund of %s is more than the %s left to reverse", amount, fromUnits(left, r.currency)), Err: ErrOverReversal}
	}
	if len(r.units) > maxUnitsAlloc {
		return r.allocateDecimal(want, left)
	}
	return r.clone(), r.allocateUnits(want, left), nil
}

// maxUnitsAlloc bounds the postings allocateUnits splits over; past it
// (never in a split line, which has at most a handful) o2o.Allocate does.
const maxUnitsAlloc = 64

// allocateDecimal is allocateUnits through o2o.Allocate, for many postings.
func (r Reversible) allocateDecimal(want, left int64) (Reversible, []int64, error) {
	shares := make([]o2o.Share, len(r.units))
	for i := range r.units {
		shares[i] = o2o.Share{Key: r.originals[i].Key, Weight: decimal.New(r.units[i]-r.done[i], 0)}
	}
	alloc, err := o2o.Allocate(fromUnits(want, r.currency), shares)
	if err != nil {
		return r, nil, err
	}
	parts := make([]int64, len(alloc))
	for i, a := range alloc {
		parts[i], _ = toUnits(a.Amount) // whole and bounded: a piece of want
	}
	return r.clone(), parts, nil
}

// allocateUnits splits want minor units over the postings pro rata to what
// is left of each (left in all, 0 < want ≤ left), by largest remainder with
// equal remainders ordered by key: exactly what o2o.Allocate gives for the
// same shares (a test checks it), in integer arithmetic with 128-bit
// products: every amount is at most MaxPostingUnits and there are at most
// maxUnitsAlloc postings, so the sums fit in int64.
func (r Reversible) allocateUnits(want, left int64) []int64 {
	n := len(r.units)
	parts := make([]int64, n)
	var remBuf [8]uint64
	rem := remBuf[:0]
	handed := int64(0)
	for i := range r.units {
		rest := uint64(r.units[i] - r.done[i])
		hi, lo := bits.Mul64(uint64(want), rest)
		q, m := bits.Div64(hi, lo, uint64(left))
		parts[i] = int64(q)
		handed += int64(q)
		rem = append(rem, m)
	}
	// want − handed (< n) units go one each to the largest remainders, equal
	// remainders by key; a selection, as n is small.
	for extra := want - handed; extra > 0; extra-- {
		best := -1
		for i := range rem {
			if rem[i] == noRemainder {
				continue
			}
			if best < 0 || rem[i] > rem[best] || (rem[i] == rem[best] && r.originals[i].Key < r.originals[best].Key) {
				best = i
			}
		}
		parts[best]++
		rem[best] = noRemainder
	}
	return parts
}

// noRemainder marks a posting that already had its extra unit: real
// remainders are below left ≤ n × MaxPostingUnits, far from 2^64 − 1.
const noRemainder = ^uint64(0)

// PartialQuantity returns qty of the quantity not yet returned: it reverses
// the remaining amount × qty ÷ remaining quantity, rounded half-even to the
// minor unit, split as Partial splits it. Returning all that is left
// reverses exactly what is left. qty must be positive and at most
// RemainingQuantity (ErrOverReversal beyond it); a Reversible without a
// quantity refuses it.
func (r Reversible) PartialQuantity(id string, qty decimal.Decimal, at time.Time) (Batch, Reversible, error) {
	left := r.RemainingQuantity()
	switch {
	case r.quantity.Sign() == 0:
		return Batch{}, r, o2o.Invalid("quantity", "the original has no quantity: return by amount")
	case qty.Sign() <= 0:
		return Batch{}, r, o2o.Invalidf("quantity", "must be positive, got %s", o2o.FormatDecimal(qty))
	case left.Sign() == 0:
		return Batch{}, r, &ReversalError{Ref: r.ref, Reason: "every unit is already returned", Err: ErrAlreadyReversed}
	case qty.Cmp(left) > 0:
		return Batch{}, r, &ReversalError{Ref: r.ref, Reason: fmt.Sprintf("returns %s, only %s left", o2o.FormatDecimal(qty), o2o.FormatDecimal(left)), Err: ErrOverReversal}
	}
	remaining := r.Remaining()
	amount := remaining
	if !qty.Equal(left) {
		digits := r.currency.MinorDigits()
		amount = fromUnits(remaining.Amount().Mul(qty).Shift(digits).DivRound(left, 0).IntPart(), r.currency)
	}
	if amount.IsZero() {
		next := r.clone()
		next.returned = next.returned.Add(qty)
		return Batch{ID: id}, next, nil
	}
	next, parts, err := r.partial(amount)
	if err != nil {
		return Batch{}, r, err
	}
	next.returned = next.returned.Add(qty)
	return r.emit(id, at, parts, next)
}

func (r Reversible) clone() Reversible {
	n := r
	// originals and units never change after NewReversible: shared.
	n.done = append([]int64(nil), r.done...)
	return n
}

// emit builds the reversal batch for parts and records them in next.
func (r Reversible) emit(id string, at time.Time, parts []int64, next Reversible) (Batch, Reversible, error) {
	if id == "" {
		return Batch{}, r, o2o.Invalid("id", "is required: it makes the reversal's keys")
	}
	if at.IsZero() {
		return Batch{}, r, o2o.Invalid("at", "is required")
	}
	if err := instant.Check(at); err != nil {
		return Batch{}, r, o2o.Prefix("at", err)
	}
	b := Batch{ID: id}
	for i, u := range parts {
		if u == 0 {
			continue
		}
		o := r.originals[i]
		b.Postings = append(b.Postings, Posting{Key: id + "/" + o.Key, Kind: KindReversal, From: o.To, To: o.From,
			Amount: fromUnits(u, r.currency), Order: o.Order, Ref: o.Key, At: at})
		next.done[i] += u
	}
	return b, next, nil
}

type reversibleJSON struct {
	Ref       string       `json:"ref,omitempty"`
	Currency  o2o.Currency `json:"currency"`
	Originals []Posting    `json:"originals"`
	Reversed  []o2o.Money  `json:"reversed"`
	Quantity  o2o.Decimal  `json:"quantity"`
	Returned  o2o.Decimal  `json:"returned"`
}

// MarshalJSON writes the originals, the amount reversed of each, and the
// quantities.
func (r Reversible) MarshalJSON() ([]byte, error) {
	v := reversibleJSON{Ref: r.ref, Currency: o2o.Currency(r.currency.String()), Originals: r.originals,
		Reversed: make([]o2o.Money, len(r.done)), Quantity: o2o.Dec(r.quantity), Returned: o2o.Dec(r.returned)}
	for i, d := range r.done {
		v.Reversed[i] = fromUnits(d, r.currency)
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads what MarshalJSON writes, strictly, and checks it: a
// reversed amount between zero and its original, a returned quantity
// between zero and the quantity.
func (r *Reversible) UnmarshalJSON(data []byte) error {
	var v reversibleJSON
	if err := o2o.DecodeJSON(data, &v); err != nil {
		return err
	}
	q := o2o.Qty(v.Quantity.Decimal, o2o.UnitPiece)
	out, err := NewReversible(Batch{ID: v.Ref, Postings: v.Originals}, q)
	if err != nil {
		return o2o.Prefix("originals", err)
	}
	if !v.Currency.Valid() || o2o.Currency(v.Currency.String()) != out.currency {
		return o2o.Invalidf("currency", "must be the originals' currency %s", out.currency)
	}
	if len(v.Reversed) != len(out.units) {
		return o2o.Invalidf("reversed", "has %d amounts for %d originals", len(v.Reversed), len(out.units))
	}
	for i, m := range v.Reversed {
		path := fmt.Sprintf("reversed[%d]", i)
		if m.Currency() != out.currency {
			return fmt.Errorf("%s: %w", path, o2o.ErrCurrencyMismatch)
		}
		u, err := toUnits(m)
		if err != nil {
			return o2o.Prefix(path, err)
		}
		if u < 0 || u > out.units[i] {
			return o2o.Invalidf(path, "must be between 0 and the original %s", out.originals[i].Amount)
		}
		out.done[i] = u
	}
	if v.Returned.Sign() < 0 || v.Returned.Cmp(v.Quantity.Decimal) > 0 {
		return o2o.Invalid("returned", "must be between 0 and the quantity")
	}
	out.returned = v.Returned.Decimal
	*r = out
	return nil
}
