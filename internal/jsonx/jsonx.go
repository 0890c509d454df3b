// Package jsonx decodes JSON strictly: unknown fields and trailing data are
// errors, and a decoding error is reported with the JSON path at fault.
package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
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

// Decode unmarshals data into v, rejecting unknown fields and trailing data.
// Errors are *PathError values.
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return explain(err, data, reflect.TypeOf(v))
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
		return &PathError{Path: typeErr.Field, Reason: fmt.Sprintf("cannot be a JSON %s", typeErr.Value)}
	case errors.As(err, &syntaxErr):
		return &PathError{Reason: fmt.Sprintf("malformed JSON at offset %d: %s", syntaxErr.Offset, syntaxErr.Error())}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &PathError{Reason: "truncated JSON"}
	}
	msg := err.Error()
	if field, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		path := unknownFieldPath(data, t)
		if path == "" {
			path = strings.Trim(field, `"`)
		}
		return &PathError{Path: path, Reason: "unknown field"}
	}
	// Errors returned by a field's own UnmarshalJSON/UnmarshalText pass through
	// unchanged so that sentinel errors stay visible to errors.Is.
	return err
}
