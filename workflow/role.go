package workflow

import (
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

// roleIndex returns r's position in Roles(), without allocating.
func roleIndex(r Role) (uint8, bool) {
	switch r {
	case RoleOwner:
		return 0, true
	case RoleStore:
		return 1, true
	case RoleDesigner:
		return 2, true
	case RoleSpecialist:
		return 3, true
	case RolePlatform:
		return 4, true
	case RoleHeadquarters:
		return 5, true
	}
	return 0, false
}

// roleMask is the set of roles rs as bits by roleIndex.
// roleAt is the role of roleIndex i.
func roleAt(i uint8) Role {
	switch i {
	case 0:
		return RoleOwner
	case 1:
		return RoleStore
	case 2:
		return RoleDesigner
	case 3:
		return RoleSpecialist
	case 4:
		return RolePlatform
	}
	return RoleHeadquarters
}

func roleMask(rs []Role) uint8 {
	var m uint8
	for _, r := range rs {
		if i, ok := roleIndex(r); ok {
			m |= 1 << i
		}
	}
	return m
}

// String returns the role's text form.
func (r Role) String() string { return string(r) }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	_, ok := roleIndex(r)
	return ok
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

// allows reports whether role r may take t, by t's role mask.
func (t *transition) allows(r Role) bool {
	i, ok := roleIndex(r)
	return ok && t.mask&(1<<i) != 0
}
