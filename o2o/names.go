package o2o

import "errors"

// RegionNames knows which region codes exist and what they are called. A
// RegionCode checks a code's shape only — 440660103 is a well-formed township
// code that names no township — so a caller that wants real codes, or names
// for people, passes a RegionNames: the regions package's registry of China's
// divisions is one (regions.China()), and an ERP can supply its own.
//
// It is optional everywhere: with none, codes are checked by shape only and
// printed as digits. Implementations must be safe for concurrent use.
type RegionNames interface {
	// Label returns a name for people followed by the code, such as
	// "深圳市南山区 (440305)", or the code alone when it has no name.
	Label(code RegionCode) string
	// Check returns nil when code exists, or is one the implementation
	// cannot judge, and an error wrapping ErrInvalid when it is
	// well-formed but names no division.
	Check(code RegionCode) error
}

// RegionLabel returns names.Label(code), or the code's digits when names is
// nil: what explanations print for a region.
func RegionLabel(names RegionNames, code RegionCode) string {
	if names == nil {
		return code.String()
	}
	return names.Label(code)
}

// CheckRegions checks that the order's regions exist: its delivery region
// and, when set, the customer's home region, each against names. With a nil
// names it checks nothing and returns nil (Validate checks their shape).
//
// The error is a *ValidationError naming each region at fault by its JSON
// path ("delivery", "customer.home"), wrapping ErrInvalid and whatever the
// implementation's error wraps (ErrNotFound for the regions registry).
func (o Order) CheckRegions(names RegionNames) error {
	if names == nil {
		return nil
	}
	var f Faults
	var cause error
	check := func(path string, code RegionCode) {
		if code.IsZero() {
			return
		}
		if err := names.Check(code); err != nil {
			f.AddErr(path, err)
			if cause == nil {
				cause = err
			}
		}
	}
	check("delivery", o.Delivery)
	check("customer.home", o.Customer.Home)
	if cause == nil {
		return nil
	}
	var ve *ValidationError
	if errors.As(cause, &ve) && ve.Err != nil {
		cause = ve.Err // the implementation's sentinel, not its whole error again
	}
	return f.ErrAs(cause)
}
