package workflow

import (
	"time"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// Role is who acts on a project or a claim. Each event of a definition names
// the roles allowed to fire it.
type Role string

// The roles of the decoration process and after-sales.
const (
	// RoleOwner is the home owner (业主), the customer.
	RoleOwner Role = "owner"
	// RoleStore is the staff of the community store (线下社区体验店).
	RoleStore Role = "store"
	// RoleDesigner is an online designer hired through the platform.
	RoleDesigner Role = "designer"
	// RoleSpecialist is the construction service specialist (施工服务专员), the
	// agent who runs construction and after-sales.
	RoleSpecialist Role = "specialist"
	// RolePlatform is the online platform acting on its own (an automatic step).
	RolePlatform Role = "platform"
	// RoleHeadquarters is the manufacturer's head office (总部).
	RoleHeadquarters Role = "headquarters"
)

// Roles returns every role in a fixed order.
func Roles() []Role {
	return []Role{RoleOwner, RoleStore, RoleDesigner, RoleSpecialist, RolePlatform, RoleHeadquarters}
}

// String returns the role's text form.
func (r Role) String() string { return string(r) }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	switch r {
	case RoleOwner, RoleStore, RoleDesigner, RoleSpecialist, RolePlatform, RoleHeadquarters:
		return true
	}
	return false
}

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

// Hours returns a duration of n hours, for deadlines and warranty periods.
func Hours(n int) o2o.Duration { return o2o.Duration(time.Duration(n) * time.Hour) }

// Days returns a duration of n days of 24 hours.
func Days(n int) o2o.Duration { return o2o.Duration(time.Duration(n) * o2o.Day) }
