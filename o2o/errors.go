package o2o

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Every error the SDK returns for bad input wraps ErrInvalid
// (directly or through a more specific sentinel below), so errors.Is(err,
// ErrInvalid) tells a caller's mistake from anything else.
var (
	// ErrInvalid reports input that breaks a rule or a constraint.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound reports a lookup of something that is not there.
	ErrNotFound = errors.New("not found")
	// ErrCurrencyMismatch reports arithmetic or comparison across currencies.
	// The SDK never converts between currencies.
	ErrCurrencyMismatch = fmt.Errorf("%w: currency mismatch", ErrInvalid)
	// ErrUnknownCurrency reports a currency code that is not a known ISO-4217 code.
	ErrUnknownCurrency = fmt.Errorf("%w: unknown currency", ErrInvalid)
	// ErrDuplicate reports a key (a SKU, an id) given twice where it must be unique.
	ErrDuplicate = fmt.Errorf("%w: duplicate", ErrInvalid)
	// ErrSealBroken reports a sealed snapshot whose keyed seal does not
	// match its content under the key given: it was edited, or sealed with
	// another key.
	ErrSealBroken = fmt.Errorf("%w: seal broken", ErrInvalid)
	// ErrUnknownSKU reports a SKU that is not in the catalog. It is the one
	// sentinel for that fault in every package of the SDK (o2o, channel,
	// pricing, the Engine), and it wraps both ErrNotFound (a lookup found
	// nothing) and ErrInvalid (the input named it), so a caller testing
	// either keeps working.
	ErrUnknownSKU error = &sentinel{msg: "unknown SKU: not in the catalog", wraps: []error{ErrNotFound, ErrInvalid}}
	// ErrUnit reports an order line whose unit is not its product's, or a
	// fraction of a whole-number unit (piece, set, job).
	ErrUnit = fmt.Errorf("%w: unit", ErrInvalid)
)

// sentinel is a sentinel error that wraps several others.
type sentinel struct {
	msg   string
	wraps []error
}

func (s *sentinel) Error() string   { return s.msg }
func (s *sentinel) Unwrap() []error { return s.wraps }

// FieldError is one field at fault: its path in JSON names, such as
// "lines[2].quantity", and the reason in plain English.
type FieldError struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// String returns "path: reason", or the reason alone for the value as a whole.
func (f FieldError) String() string {
	if f.Path == "" {
		return f.Reason
	}
	return f.Path + ": " + f.Reason
}

// ValidationError lists the fields of an input that are at fault: the
// first MaxFaults of them, and how many there were in all, so that an
// input with thousands of faults gives an error of bounded size.
// It wraps ErrInvalid (errors.Is) and is found with errors.As.
type ValidationError struct {
	// Fields holds the faults in the order they were found; the SDK keeps
	// at most MaxFaults of them.
	Fields []FieldError `json:"fields"`
	// Total is how many faults were found, Fields and the ones left out;
	// zero means len(Fields). Count reads it.
	Total int `json:"total,omitempty"`
	// Err, when set, is a more specific error (a sentinel such as
	// ErrDuplicate, or a typed error such as *EnumError) that errors.Is and
	// errors.As also find.
	Err error `json:"-"`
}

// Count returns how many faults were found, listed or not.
func (e *ValidationError) Count() int { return max(e.Total, len(e.Fields)) }

// Error lists the faults: "invalid: lines[0].sku: is required; at: is
// required". It lists at most MaxFaults, then says how many more there
// were: "…; and 3,900 more".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid: ")
	shown := min(len(e.Fields), MaxFaults)
	for i, f := range e.Fields[:shown] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	if more := e.Count() - shown; more > 0 {
		if shown > 0 {
			b.WriteString("; ")
		}
		b.WriteString("and " + thousands(more) + " more")
	}
	return b.String()
}

// thousands writes n with a comma between groups of three digits: 3,900.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Unwrap returns ErrInvalid, and the more specific error when there is one,
// so errors.Is(err, ErrInvalid) holds for every ValidationError.
func (e *ValidationError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Err, ErrInvalid}
	}
	return []error{ErrInvalid}
}

// EnumError reports text that names no value of an enumeration, such as
// `unknown channel "x"`. It wraps ErrInvalid.
type EnumError struct {
	// Enum is the enumeration's name in lower case ("channel").
	Enum string
	// Value is the text that was given, cut to its first 64 bytes and "…"
	// when longer.
	Value string
}

// Error returns `unknown channel "x"`.
func (e *EnumError) Error() string { return fmt.Sprintf("unknown %s %q", e.Enum, e.Value) }

// Unwrap returns ErrInvalid.
func (e *EnumError) Unwrap() error { return ErrInvalid }
