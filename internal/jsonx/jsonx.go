// Package jsonx decodes JSON strictly and says where it went wrong.
//
// Strict means: every object key names a field of the target exactly (case
// included: encoding/json alone would match "Amount" to "amount"), no key
// appears twice in one object, and nothing follows the value. Every error
// carries the JSON path at fault, indices included ("lines[2].sku").
//
// # Limits
//
// A scan of the bytes runs before encoding/json sees them, and refuses,
// with the path where the limit was passed:
//
//   - nesting deeper than limits.MaxDepth arrays and objects (128): "nests
//     arrays and objects deeper than 128 levels, the limit". The scan counts
//     as it goes and stops at the first level too many, so a document of a
//     million brackets costs no more than one of 129;
//   - an object with more than limits.MaxKeys keys (10,000): "object has
//     more than 10000 keys, the limit". Repeated keys are found in time
//     linear in the number of keys;
//   - a string, key or value, that is not valid UTF-8 or whose escapes hold
//     an unpaired UTF-16 surrogate: encoding/json would turn either into
//     U+FFFD, so that two different inputs would read the same;
//   - a byte-order mark before the document: "starts with a UTF-8
//     byte-order mark (U+FEFF), which JSON does not allow: remove it".
//
// These hold for values that decode themselves too (a Money, a decimal):
// the scan reads their bytes as it reads the rest.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// PathError is a decoding failure at a JSON path ("" for the document itself).
type PathError struct {
	Path   string
	Reason string
}

// Error returns "path: reason", or the reason alone at the document level.
func (e *PathError) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

// ValueError is an error returned by a value's own UnmarshalJSON or
// UnmarshalText (an unknown enum, a bad region code), with the JSON path of
// that value. Unwrap gives the value's own error, so its sentinel stays
// visible to errors.Is.
type ValueError struct {
	Path string
	Err  error
}

// Error returns "path: error".
func (e *ValueError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the value's own error.
func (e *ValueError) Unwrap() error { return e.Err }

// Decode unmarshals data into v strictly, within the limits of the package
// doc. Errors are a *PathError (the document's shape is at fault, or a
// limit is passed) or a *ValueError (a value refused itself).
func Decode(data []byte, v any) error {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().IsZero() {
		// The one-pass decoder of fast.go, when it can vouch for the
		// result; otherwise the target is zero again for the path below.
		if decodeFast(data, rv.Elem()) {
			return nil
		}
		rv.Elem().SetZero()
	}
	return decodeChecked(data, v)
}

// decodeChecked is Decode's reference path: checkShape, then encoding/json,
// then explain for an error.
func decodeChecked(data []byte, v any) error {
	t := reflect.TypeOf(v)
	fault, complete := checkShape(data, t)
	switch {
	case fault != nil:
		return fault
	case complete:
		// The scan saw every key: plain Unmarshal is enough.
		if err := json.Unmarshal(data, v); err != nil {
			return explain(err, data, t)
		}
		return nil
	}
	// Malformed, or a form the scan does not know: let a strict decoder
	// find what is wrong (and refuse unknown fields all the same).
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return explain(err, data, t)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &PathError{Reason: "unexpected data after the JSON value"}
	}
	return nil
}

func explain(err error, data []byte, t reflect.Type) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return &PathError{Path: pathAt(data, typeErr.Offset, typeErr.Field), Reason: fmt.Sprintf("cannot be a JSON %s", typeErr.Value)}
	case errors.As(err, &syntaxErr):
		return &PathError{Reason: fmt.Sprintf("malformed JSON at offset %d: %s", syntaxErr.Offset, syntaxErr.Error())}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &PathError{Reason: "truncated JSON"}
	}
	if ve := locateValueError(data, t); ve != nil {
		return ve
	}
	return &ValueError{Err: err}
}
