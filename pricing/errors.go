package pricing

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/o2okit/o2okit/internal/limits"

	"github.com/o2okit/o2okit/o2o"
)

// Sentinel errors of the package. Every one wraps o2o.ErrInvalid: each
// reports input that breaks a pricing rule.
var (
	// ErrNoHaggling refuses a lower price asked for by anyone who may not
	// negotiate (不讲价). Under the default operating rules
	// 3.1) that is everyone, designated group accounts included.
	ErrNoHaggling = fmt.Errorf("%w: no haggling", o2o.ErrInvalid)
	// ErrOutOfBand refuses a negotiated price (议价) outside the configured
	// band below list, or below the floor.
	ErrOutOfBand = fmt.Errorf("%w: negotiated price out of band", o2o.ErrInvalid)
	// ErrDealerPriced refuses a dealer-line product in the O2O price book or
	// policy: the dealer keeps pricing power.
	ErrDealerPriced = fmt.Errorf("%w: dealer keeps pricing power", o2o.ErrInvalid)
	// ErrLocalPrice refuses a price scoped to a city, county or township:
	// O2O-line products have one price per province (全省一个价).
	ErrLocalPrice = fmt.Errorf("%w: no local prices", o2o.ErrInvalid)
	// ErrOverlap refuses two prices for one SKU and scope whose validity overlaps.
	ErrOverlap = fmt.Errorf("%w: overlapping prices", o2o.ErrInvalid)
	// ErrUnknownSKU reports a SKU that is not in the catalog. It is
	// o2o.ErrUnknownSKU itself, so one errors.Is test holds for every
	// package; every unknown SKU the package reports (NewBook, Quote,
	// QuoteOrder, StoreEligible) wraps it.
	ErrUnknownSKU = o2o.ErrUnknownSKU
	// ErrNoPrice reports a SKU with no price in force for the region at the
	// instant asked.
	ErrNoPrice = fmt.Errorf("%w: no price in force", o2o.ErrInvalid)
	// ErrClearance refuses a clearance sale that breaks the clearance rule:
	// online, at a store that does not hold the goods, or with an unknown grade.
	ErrClearance = fmt.Errorf("%w: clearance", o2o.ErrInvalid)
	// ErrLadder refuses a campaign that names a ladder stage the policy does
	// not have.
	ErrLadder = fmt.Errorf("%w: promotion ladder", o2o.ErrInvalid)
)

// RuleError is a refusal by one rule of a policy. errors.Is finds its
// sentinel (ErrNoHaggling, ErrClearance, …) and o2o.ErrInvalid; errors.As
// gives the rule and SKU.
type RuleError struct {
	// Rule is the rule that refused.
	Rule RuleName
	// SKU is the product quoted.
	SKU string
	// Reason says why, in plain English.
	Reason string
	// Err is the sentinel.
	Err error
}

// Error returns "quote SKU: rule: reason".
func (e *RuleError) Error() string {
	return fmt.Sprintf("quote %s: %s: %s", e.SKU, e.Rule, e.Reason)
}

// Unwrap returns the sentinel.
func (e *RuleError) Unwrap() error { return e.Err }

func refuse(rule RuleName, sku string, err error, format string, args ...any) error {
	return &RuleError{Rule: rule, SKU: sku, Reason: fmt.Sprintf(format, args...), Err: err}
}

// EntryFault is one price-book entry at fault.
type EntryFault struct {
	// Index is the position of the entry in the list given to NewBook.
	Index int `json:"index"`
	// Other is the position of the other entry involved (an overlap, a
	// currency differing from the first entry's), or -1.
	Other int `json:"other"`
	// SKU is the entry's SKU.
	SKU string `json:"sku"`
	// Reason says what is wrong.
	Reason string `json:"reason"`
	// Err is the sentinel (ErrOverlap, ErrLocalPrice, ErrDealerPriced,
	// ErrUnknownSKU, o2o.ErrCurrencyMismatch or o2o.ErrInvalid).
	Err error `json:"-"`
}

// String returns "entries[3] (SKU X): reason".
func (f EntryFault) String() string {
	return fmt.Sprintf("entries[%d] (SKU %s): %s", f.Index, f.SKU, f.Reason)
}

// BookError lists the entries at fault when a price book is refused: the
// first MaxFaults of them, in the order of the entries, and how many more
// there were. errors.Is finds each fault's sentinel, listed or not, and
// o2o.ErrInvalid; errors.As gives the faults.
type BookError struct {
	// Faults are the faults listed, at most MaxFaults.
	Faults []EntryFault
	// More is the number of faults found beyond those listed.
	More int
	// omitted holds the distinct sentinels of the faults not listed.
	omitted []error
}

// MaxFaults is the most faults a BookError lists (100, the limit the SDK's
// errors share); the error then says how many more there were.
const MaxFaults = limits.MaxFaults

// newBookError keeps the first MaxFaults faults and counts the rest.
func newBookError(faults []EntryFault) *BookError {
	e := &BookError{Faults: faults}
	if len(faults) > MaxFaults {
		e.Faults, e.More = slices.Clone(faults[:MaxFaults]), len(faults)-MaxFaults
		for _, f := range faults[MaxFaults:] {
			if f.Err != nil && !containsErr(e.omitted, f.Err) {
				e.omitted = append(e.omitted, f.Err)
			}
		}
	}
	return e
}

// Error lists the faults: "price book: …; …", then "and N more faults".
func (e *BookError) Error() string {
	parts := make([]string, len(e.Faults), len(e.Faults)+1)
	for i, f := range e.Faults {
		parts[i] = f.String()
	}
	if e.More > 0 {
		parts = append(parts, fmt.Sprintf("and %d more fault(s)", e.More))
	}
	return "price book: " + strings.Join(parts, "; ")
}

// Unwrap returns o2o.ErrInvalid and the distinct sentinels of the faults.
func (e *BookError) Unwrap() []error {
	out := []error{o2o.ErrInvalid}
	for _, f := range e.Faults {
		if f.Err != nil && !containsErr(out, f.Err) {
			out = append(out, f.Err)
		}
	}
	for _, err := range e.omitted {
		if !containsErr(out, err) {
			out = append(out, err)
		}
	}
	return out
}

func containsErr(list []error, err error) bool {
	for _, e := range list {
		if errors.Is(e, err) && errors.Is(err, e) {
			return true
		}
	}
	return false
}
