package o2o

// This file holds the plumbing every rule package of the SDK shares to
// validate its input and report faults the same way: one struct-tag
// validator, one strict JSON decoder, and the builders of *ValidationError.
// They are exported because the SDK's packages use them; a caller may use
// them for its own types to get the same errors, but rarely needs to.

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/o2okit/o2okit/internal/jsonx"
	"github.com/o2okit/o2okit/internal/validate"
)

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
