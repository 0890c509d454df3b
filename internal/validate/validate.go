// Package validate wraps go-playground/validator so that the public packages
// never expose its types. It reports neutral field issues that package o2o
// turns into its ValidationError.
//
// Besides the struct tags, it checks that every string the struct holds
// (in exported fields, at any depth: nested structs, slices, arrays, maps
// and their keys, pointers, interfaces) is valid UTF-8: identifiers given
// through the Go API (SKUs, ids) are compared byte for byte, but JSON turns
// invalid UTF-8 into U+FFFD, so two different identifiers would collide in
// a snapshot or a config written out and read back.
package validate

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/o2okit/o2okit/internal/limits"
)

// Issue is one field that failed validation: its path in JSON names
// (for example "lines[2].quantity") and a reason in plain English.
type Issue struct {
	Path   string
	Reason string
}

// instance is built once; validator.Validate is safe for concurrent use and
// caches struct metadata internally.
var instance = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	return v
})

// jsonName makes validator report fields by their JSON names.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}

// Struct checks the validate tags of the struct s, and that every string
// it holds is valid UTF-8, and returns one Issue per failing field: the
// tags' in the order validator reports them, then the strings'. A nil
// slice means s is valid.
func Struct(s any) []Issue {
	var issues []Issue
	err := instance().Struct(s)
	if err != nil {
		var fieldErrs validator.ValidationErrors
		if !errors.As(err, &fieldErrs) {
			// InvalidValidationError: s is not a struct. A programming error in
			// this module, reported as an issue rather than a panic.
			return []Issue{{Path: "", Reason: err.Error()}}
		}
		issues = make([]Issue, 0, len(fieldErrs))
		for _, fe := range fieldErrs {
			issues = append(issues, Issue{Path: path(fe.Namespace()), Reason: reason(fe)})
		}
	}
	return textIssues(reflect.ValueOf(s), "", 0, issues)
}

// notText is the reason for a string that is not valid UTF-8.
const notText = "is not valid UTF-8"

// textIssues appends an issue for each string in v that is not valid
// UTF-8. It descends limits.MaxDepth levels at most, which also ends a walk
// round a cycle of pointers.
func textIssues(v reflect.Value, at string, depth int, issues []Issue) []Issue {
	if !v.IsValid() || depth > limits.MaxDepth || !holdsText(v.Type()) {
		return issues
	}
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			issues = append(issues, Issue{Path: at, Reason: notText})
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			issues = textIssues(v.Elem(), at, depth+1, issues)
		}
	case reflect.Struct:
		for _, f := range textFields(v.Type()) {
			fv := v.Field(f.index)
			if f.str {
				if !utf8.ValidString(fv.String()) {
					issues = append(issues, Issue{Path: join(at, f.name), Reason: notText})
				}
				continue
			}
			issues = textIssues(fv, join(at, f.name), depth+1, issues)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			issues = textIssues(v.Index(i), at+"["+strconv.Itoa(i)+"]", depth+1, issues)
		}
	case reflect.Map:
		keyText := holdsText(v.Type().Key())
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			name := "[" + fmt.Sprint(k.Interface()) + "]"
			if k.Kind() == reflect.String {
				name = k.String()
				if !utf8.ValidString(name) {
					issues = append(issues, Issue{Path: at, Reason: "has a key that " + notText})
					continue
				}
				name = join(at, name)
			} else {
				name = at + name
				if keyText {
					issues = textIssues(k, at, depth+1, issues)
				}
			}
			issues = textIssues(iter.Value(), name, depth+1, issues)
		}
	}
	return issues
}

func join(at, name string) string {
	switch {
	case name == "":
		return at
	case at == "":
		return name
	}
	return at + "." + name
}

// textField is an exported field of a struct that can hold a string.
type textField struct {
	index int
	name  string // its JSON name ("" for an embedded struct's fields)
	str   bool   // it is a string itself
}

// fieldLists caches textFields per struct type.
var fieldLists sync.Map // reflect.Type → []textField

// textFields returns the exported fields of struct type t that can hold a
// string, in order.
func textFields(t reflect.Type) []textField {
	if v, ok := fieldLists.Load(t); ok {
		return v.([]textField)
	}
	var fields []textField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || !holdsText(f.Type) {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		name := tag
		switch {
		case f.Anonymous && tag == "":
			name = "" // an embedded struct's fields sit at its parent's level
		case tag == "" || tag == "-":
			name = f.Name
		}
		fields = append(fields, textField{index: i, name: name, str: f.Type.Kind() == reflect.String})
	}
	fieldLists.Store(t, fields)
	return fields
}

// textTypes caches, per type, whether a value of it can hold a string: most
// fields cannot (numbers, times, decimals) and are not walked.
var textTypes sync.Map // reflect.Type → bool

// holdsText reports whether a value of type t can hold a string in an
// exported field, an element, a key or behind a pointer or an interface.
func holdsText(t reflect.Type) bool {
	if v, ok := textTypes.Load(t); ok {
		return v.(bool)
	}
	held := holdsTextOf(t, map[reflect.Type]bool{})
	textTypes.Store(t, held)
	return held
}

func holdsTextOf(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false // a cycle: whatever holds text on it is found elsewhere
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holdsTextOf(t.Elem(), seen)
	case reflect.Map:
		return holdsTextOf(t.Key(), seen) || holdsTextOf(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && holdsTextOf(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// path drops the root struct's name from a validator namespace:
// "Order.lines[0].sku" becomes "lines[0].sku".
func path(namespace string) string {
	if _, rest, ok := strings.Cut(namespace, "."); ok {
		return rest
	}
	return namespace
}

// reason words a validator failure for people.
func reason(fe validator.FieldError) string {
	p := fe.Param()
	switch fe.Tag() {
	case "required":
		return "is required"
	case "min":
		if isCollection(fe.Kind()) {
			return "must have at least " + p + " item(s)"
		}
		return "must be at least " + p
	case "max":
		if isCollection(fe.Kind()) {
			return "must have at most " + p + " item(s)"
		}
		return "must be at most " + p
	case "gt":
		return "must be greater than " + p
	case "gte":
		return "must be at least " + p
	case "lt":
		return "must be less than " + p
	case "lte":
		return "must be at most " + p
	case "oneof":
		return "must be one of [" + p + "]"
	case "len":
		return "must have length " + p
	case "unique":
		return "must not repeat values"
	case "required_if", "required_with", "required_unless":
		return "is required here (" + fe.Tag() + " " + p + ")"
	case "excluded_if", "excluded_unless", "excluded_with":
		return "must be empty here (" + fe.Tag() + " " + p + ")"
	}
	if p != "" {
		return "fails " + fe.Tag() + "=" + p
	}
	return "fails " + fe.Tag()
}

func isCollection(k reflect.Kind) bool {
	return k == reflect.Slice || k == reflect.Map || k == reflect.Array || k == reflect.String
}
