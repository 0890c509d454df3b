package workflow

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// Role is who acts on a project or a claim. Each event of a definition names
// the roles allowed to fire it.
type Role string

// The roles of seed 001's decoration process and after-sales.
const (
	// RoleOwner is the home owner (業主), the customer.
	RoleOwner Role = "owner"
	// RoleStore is the staff of the community store (線下社區體驗店).
	RoleStore Role = "store"
	// RoleDesigner is an online designer hired through the platform.
	RoleDesigner Role = "designer"
	// RoleSpecialist is the construction service specialist (施工服務專員), the
	// agent who runs construction and after-sales.
	RoleSpecialist Role = "specialist"
	// RolePlatform is the online platform acting on its own (an automatic step).
	RolePlatform Role = "platform"
	// RoleHeadquarters is the manufacturer's head office (總部).
	RoleHeadquarters Role = "headquarters"
)

// Roles returns every role in a fixed order.
func Roles() []Role {
	return []Role{RoleOwner, RoleStore, RoleDesigner, RoleSpecialist, RolePlatform, RoleHeadquarters}
}

// String returns the role's text form.
func (r Role) String() string { return string(r) }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return enum.Valid(r, Roles()...) }

// MarshalText returns the text form; it refuses an invalid role.
func (r Role) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, &o2o.EnumError{Enum: "role", Value: string(r)}
	}
	return []byte(r), nil
}

// UnmarshalText accepts exactly one of the roles' text forms.
func (r *Role) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, Roles()...)
	if !ok {
		return &o2o.EnumError{Enum: "role", Value: string(text)}
	}
	*r = v
	return nil
}

// Duration is a span of time that marshals as text: whole days as "7d",
// anything else in Go's form ("48h", "90m"). It parses both forms.
type Duration time.Duration

// Hours returns a Duration of n hours.
func Hours(n int) Duration { return Duration(time.Duration(n) * time.Hour) }

// Days returns a Duration of n days of 24 hours.
func Days(n int) Duration { return Duration(time.Duration(n) * 24 * time.Hour) }

// String returns "7d" for whole days, else the time.Duration form.
func (d Duration) String() string {
	const day = 24 * time.Hour
	td := time.Duration(d)
	if td != 0 && td%day == 0 {
		return strconv.FormatInt(int64(td/day), 10) + "d"
	}
	return td.String()
}

// MarshalText returns the String form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts "7d" (whole days) or a Go duration such as "48h".
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDuration reads "7d" or a Go duration ("48h", "1h30m"). Errors wrap
// o2o.ErrInvalid.
func ParseDuration(s string) (Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseInt(n, 10, 32)
		if err != nil || days < 0 || strings.HasPrefix(n, "+") {
			return 0, fmt.Errorf("%w: duration %q: want whole days such as \"7d\"", o2o.ErrInvalid, s)
		}
		return Days(int(days)), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%w: duration %q: %v", o2o.ErrInvalid, s, err)
	}
	return Duration(v), nil
}
