// Package validate wraps go-playground/validator so that the public packages
// never expose its types. It reports neutral field issues that package o2o
// turns into its ValidationError.
package validate

import (
	"errors"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
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

// Struct checks the validate tags of the struct s and returns one Issue per
// failing field, in the order validator reports them. A nil slice means s is valid.
func Struct(s any) []Issue {
	err := instance().Struct(s)
	if err == nil {
		return nil
	}
	var fieldErrs validator.ValidationErrors
	if !errors.As(err, &fieldErrs) {
		// InvalidValidationError: s is not a struct. A programming error in
		// this module, reported as an issue rather than a panic.
		return []Issue{{Path: "", Reason: err.Error()}}
	}
	issues := make([]Issue, 0, len(fieldErrs))
	for _, fe := range fieldErrs {
		issues = append(issues, Issue{Path: path(fe.Namespace()), Reason: reason(fe)})
	}
	return issues
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
