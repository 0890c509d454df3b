package o2o

import (
	"errors"
	"fmt"
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

// ValidationError lists every field of an input that is at fault.
// It wraps ErrInvalid (errors.Is) and is found with errors.As.
type ValidationError struct {
	// Fields holds the faults in the order they were found.
	Fields []FieldError `json:"fields"`
	// Err, when set, is a more specific error (a sentinel such as
	// ErrDuplicate, or a typed error such as *EnumError) that errors.Is and
	// errors.As also find.
	Err error `json:"-"`
}

// Error lists the faults: "invalid: lines[0].sku: is required; at: is required".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return "invalid: " + strings.Join(parts, "; ")
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
	fields := make([]FieldError, len(issues))
	for i, is := range issues {
		fields[i] = FieldError{Path: is.Path, Reason: is.Reason}
	}
	return &ValidationError{Fields: fields}
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
	fields := make([]FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		fields[i] = FieldError{Path: joinPath(prefix, f.Path), Reason: f.Reason}
	}
	return &ValidationError{Fields: fields, Err: ve.Err}
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
// follow the value. Every error wraps ErrInvalid and is a *ValidationError
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
	// Value is the text that was given.
	Value string
}

// Error returns `unknown channel "x"`.
func (e *EnumError) Error() string { return fmt.Sprintf("unknown %s %q", e.Enum, e.Value) }

// Unwrap returns ErrInvalid.
func (e *EnumError) Unwrap() error { return ErrInvalid }
