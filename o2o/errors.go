package o2o

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/o2okit/o2okit/internal/jsonx"
	"github.com/o2okit/o2okit/internal/validate"
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
)

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

// Faults gathers the faults of one input into a *ValidationError, keeping
// the first MaxFaults and counting the rest, so that checking an input of
// thousands of faults takes memory for MaxFaults only. The zero value is
// empty and ready to use; a Faults is not safe for concurrent use.
type Faults struct {
	fields []FieldError
	total  int
}

// Add records a fault at path.
func (f *Faults) Add(path, reason string) {
	f.total++
	if len(f.fields) < MaxFaults {
		f.fields = append(f.fields, FieldError{Path: path, Reason: reason})
	}
}

// Addf records a fault at path with a formatted reason; past MaxFaults it
// only counts it, without formatting.
func (f *Faults) Addf(path, format string, args ...any) {
	if len(f.fields) >= MaxFaults {
		f.total++
		return
	}
	f.Add(path, fmt.Sprintf(format, args...))
}

// AddErr records err under prefix: each field of a *ValidationError (with
// its count of faults left out), or err's text as one fault at prefix. A nil
// err records nothing.
func (f *Faults) AddErr(prefix string, err error) {
	if err == nil {
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		f.Add(prefix, err.Error())
		return
	}
	for _, fe := range ve.Fields {
		f.Add(joinPath(prefix, fe.Path), fe.Reason)
	}
	f.total += ve.Count() - len(ve.Fields)
}

// Len returns how many faults were recorded, kept or not.
func (f *Faults) Len() int { return f.total }

// Err returns the faults as a *ValidationError, or nil when there are none.
func (f *Faults) Err() error { return f.ErrAs(nil) }

// ErrAs is Err with a more specific error (a sentinel wrapping ErrInvalid,
// such as ErrDuplicate) that errors.Is also matches; nil for none.
func (f *Faults) ErrAs(sentinel error) error {
	if f.total == 0 {
		return nil
	}
	return &ValidationError{Fields: slices.Clone(f.fields), Total: f.total, Err: sentinel}
}

// Unwrap returns ErrInvalid, and the more specific error when there is one,
// so errors.Is(err, ErrInvalid) holds for every ValidationError.
func (e *ValidationError) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Err, ErrInvalid}
	}
	return []error{ErrInvalid}
}

// Invalid returns a *ValidationError for one field.
func Invalid(path, reason string) error {
	return &ValidationError{Fields: []FieldError{{Path: path, Reason: reason}}}
}

// InvalidAs returns a *ValidationError for one field that errors.Is also
// matches to sentinel, such as ErrDuplicate or a package's own sentinel.
// The sentinel should wrap ErrInvalid.
func InvalidAs(sentinel error, path, reason string) error {
	return &ValidationError{Fields: []FieldError{{Path: path, Reason: reason}}, Err: sentinel}
}

// Invalidf is Invalid with a formatted reason.
func Invalidf(path, format string, args ...any) error {
	return Invalid(path, fmt.Sprintf(format, args...))
}

// Validate checks the `validate` struct tags of s (a struct or a pointer to
// one) and returns a *ValidationError naming each failing field by its JSON
// path, or nil. It is the one entry to struct-tag validation for every
// package of the SDK, and is safe for concurrent use.
func Validate(s any) error {
	issues := validate.Struct(s)
	if len(issues) == 0 {
		return nil
	}
	var f Faults
	for _, is := range issues {
		f.Add(is.Path, is.Reason)
	}
	return f.Err()
}

// Prefix returns err with every field path of a *ValidationError in it put
// under prefix ("lines[3]" + "sku" gives "lines[3].sku"). Other errors are
// wrapped with the prefix as context. It returns nil for a nil err.
func Prefix(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	fields := make([]FieldError, min(len(ve.Fields), MaxFaults))
	for i, f := range ve.Fields[:len(fields)] {
		fields[i] = FieldError{Path: joinPath(prefix, f.Path), Reason: f.Reason}
	}
	return &ValidationError{Fields: fields, Total: ve.Count(), Err: ve.Err}
}

func joinPath(prefix, path string) string {
	switch {
	case path == "":
		return prefix
	case prefix == "":
		return path
	case strings.HasPrefix(path, "["):
		return prefix + path
	}
	return prefix + "." + path
}

// DecodeJSON unmarshals data into v strictly: every key must name a field
// exactly (case included), no key may repeat in one object, and nothing may
// follow the value. Within the limits MaxDepth and MaxKeys, every string
// must be valid UTF-8 with no unpaired surrogate (encoding/json would turn
// either into U+FFFD, so that two different identifiers read the same), and
// a byte-order mark before the document is refused as such. Every error wraps ErrInvalid and is a *ValidationError
// naming the JSON path at fault with indices ("products[3].line"); a value
// that refuses itself (an unknown currency, a bad region code, an unknown
// enum) keeps its own sentinel or typed error for errors.Is and errors.As.
// It is the one JSON entry for rule configs.
func DecodeJSON(data []byte, v any) error {
	err := jsonx.Decode(data, v)
	var pe *jsonx.PathError
	var ve *jsonx.ValueError
	var inner *ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return Invalid(pe.Path, pe.Reason)
	case !errors.As(err, &ve):
		return Invalid("", err.Error())
	case errors.As(ve.Err, &inner):
		return Prefix(ve.Path, inner)
	case errors.Is(ve.Err, ErrInvalid):
		reason := strings.TrimPrefix(ve.Err.Error(), ErrInvalid.Error()+": ")
		return &ValidationError{Fields: []FieldError{{Path: ve.Path, Reason: reason}}, Err: ve.Err}
	}
	// A standard type's own decoding failed (a malformed time, say).
	return Invalid(ve.Path, ve.Err.Error())
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
