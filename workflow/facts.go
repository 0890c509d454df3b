package workflow

import (
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// TimeFact writes t as a fact: RFC 3339, in t's own offset.
func TimeFact(t time.Time) string { return t.Format(time.RFC3339) }

// MoneyFact writes m as a fact, such as "500.00 CNY" (o2o.ParseMoney reads
// it back).
func MoneyFact(m o2o.Money) string { return m.String() }

// BoolFact writes b as a fact: "true" or "false".
func BoolFact(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Time reads fact name as an RFC 3339 instant. A missing or malformed fact
// is an error wrapping o2o.ErrInvalid naming "facts.<name>".
func (f Facts) Time(name string) (time.Time, error) {
	s, ok := f[name]
	if !ok {
		return time.Time{}, o2o.Invalid("facts."+name, "is not recorded")
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, o2o.Invalidf("facts."+name, "is %q, want an RFC 3339 instant", clip(s))
	}
	return t, nil
}

// Money reads fact name as an amount, as o2o.ParseMoney does. A missing or
// malformed fact is an error wrapping o2o.ErrInvalid naming "facts.<name>".
func (f Facts) Money(name string) (o2o.Money, error) {
	s, ok := f[name]
	if !ok {
		return o2o.Money{}, o2o.Invalid("facts."+name, "is not recorded")
	}
	m, err := o2o.ParseMoney(s)
	if err != nil {
		return o2o.Money{}, o2o.Invalidf("facts."+name, "is %q, want an amount such as \"500.00 CNY\"", clip(s))
	}
	return m, nil
}

// Bool reads fact name: true only when it is "true"; false when it is
// "false" or missing; any other value is an error wrapping o2o.ErrInvalid.
func (f Facts) Bool(name string) (bool, error) {
	switch s := f[name]; s {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	default:
		return false, o2o.Invalidf("facts."+name, "is %q, want \"true\" or \"false\"", clip(s))
	}
}
