package channel

import (
	"slices"

	"github.com/o2okit/o2okit/o2o"
)

// Mode is how a traditional dealer stands toward the O2O system. Seed 001
// says "能融合的,融合;愿意改造的,改造": fuse those who can, reform those
// who are willing.
type Mode string

// The dealer modes.
const (
	// ModeFused (融合) keeps its own segregated dealer line and pricing power,
	// and is entitled to cross-compensation (交叉补偿) for O2O-line sales
	// delivered into its territory.
	ModeFused Mode = "fused"
	// ModeReformed (改造) joins the O2O system as a local service point: it
	// sells the O2O line at the unified price, does on-site service and earns
	// commission. It no longer sells a dealer line of its own.
	ModeReformed Mode = "reformed"
	// ModeIndependent neither fuses nor reforms: its own line, no O2O role,
	// no compensation.
	ModeIndependent Mode = "independent"
)

// Modes returns every dealer mode in a fixed order.
func Modes() []Mode { return []Mode{ModeFused, ModeReformed, ModeIndependent} }

// String returns the mode's text form.
func (m Mode) String() string { return string(m) }

// Valid reports whether m is one of the modes.
func (m Mode) Valid() bool { return slices.Contains(Modes(), m) }

// MarshalText returns the text form; it refuses an invalid mode.
func (m Mode) MarshalText() ([]byte, error) { return marshalEnum("dealer mode", m, m.Valid()) }

// UnmarshalText accepts exactly "fused", "reformed" or "independent".
func (m *Mode) UnmarshalText(text []byte) error {
	return unmarshalEnum("dealer mode", text, m, Modes())
}

// Capability is something a service point can do for an order (the store
// as the customer's "superman", who can do everything for them).
type Capability string

// The capabilities.
const (
	// CapOnSiteOrdering lets customers order online in the store (现场网上下单).
	CapOnSiteOrdering Capability = "on_site_ordering"
	// CapPickup is a pickup point for goods ordered online (线下提货点).
	CapPickup Capability = "pickup"
	// CapDelivery is a warehouse and delivery base (仓库及物流配送地).
	CapDelivery Capability = "delivery"
	// CapRetail is retail sale.
	CapRetail Capability = "retail"
	// CapGroupPurchase is bulk group purchase (大宗团购).
	CapGroupPurchase Capability = "group_purchase"
	// CapMeasurement is the free on-site measurement (量房).
	CapMeasurement Capability = "measurement"
	// CapConstruction is construction service on site.
	CapConstruction Capability = "construction"
	// CapAfterSales is the after-sales service point (售后服务点).
	CapAfterSales Capability = "after_sales"
	// CapPromotion is the drainage and promotion station (导流推广管理站).
	CapPromotion Capability = "promotion"
)

// Capabilities returns every capability in a fixed order.
func Capabilities() []Capability {
	return []Capability{CapOnSiteOrdering, CapPickup, CapDelivery, CapRetail, CapGroupPurchase,
		CapMeasurement, CapConstruction, CapAfterSales, CapPromotion}
}

// String returns the capability's text form.
func (c Capability) String() string { return string(c) }

// Valid reports whether c is one of the capabilities.
func (c Capability) Valid() bool { return slices.Contains(Capabilities(), c) }

// OnSite reports whether the capability is work done at the customer's
// home (measurement, construction, after-sales), which an agent may do only
// as a service specialist.
func (c Capability) OnSite() bool {
	return c == CapMeasurement || c == CapConstruction || c == CapAfterSales
}

// MarshalText returns the text form; it refuses an invalid capability.
func (c Capability) MarshalText() ([]byte, error) {
	return marshalEnum("capability", c, c.Valid())
}

// UnmarshalText accepts exactly one of the capabilities' text forms.
func (c *Capability) UnmarshalText(text []byte) error {
	return unmarshalEnum("capability", text, c, Capabilities())
}

// Role is what a franchise agent (特许代理人) does for its store.
type Role string

// The agent roles.
const (
	// RoleSales is a sales specialist.
	RoleSales Role = "sales"
	// RoleService is a construction service specialist (施工服务专员): the
	// agent who does measurement, construction and after-sales.
	RoleService Role = "service"
)

// Roles returns every agent role in a fixed order.
func Roles() []Role { return []Role{RoleSales, RoleService} }

// String returns the role's text form.
func (r Role) String() string { return string(r) }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// MarshalText returns the text form; it refuses an invalid role.
func (r Role) MarshalText() ([]byte, error) { return marshalEnum("agent role", r, r.Valid()) }

// UnmarshalText accepts exactly "sales" or "service".
func (r *Role) UnmarshalText(text []byte) error {
	return unmarshalEnum("agent role", text, r, Roles())
}

// TieRule says what routing does when several candidates cover the same,
// closest region and can all do the work.
type TieRule string

// The tie rules.
const (
	// TiePreferStore, the default, prefers a directly operated store over a
	// reformed dealer (the model wants the manufacturer's own stores), then the
	// lower Priority number, then the smaller id. It always picks one.
	TiePreferStore TieRule = "prefer_store"
	// TieRefuse assigns no one and reports the tie as an error naming the
	// tied candidates (the Salesforce territory rule: a tie assigns no one).
	TieRefuse TieRule = "refuse"
)

// TieRules returns every tie rule in a fixed order.
func TieRules() []TieRule { return []TieRule{TiePreferStore, TieRefuse} }

// String returns the tie rule's text form.
func (t TieRule) String() string { return string(t) }

// Valid reports whether t is one of the tie rules.
func (t TieRule) Valid() bool { return slices.Contains(TieRules(), t) }

// MarshalText returns the text form; it refuses an invalid tie rule.
func (t TieRule) MarshalText() ([]byte, error) { return marshalEnum("tie rule", t, t.Valid()) }

// UnmarshalText accepts exactly "prefer_store" or "refuse".
func (t *TieRule) UnmarshalText(text []byte) error {
	return unmarshalEnum("tie rule", text, t, TieRules())
}

func marshalEnum[T ~string](name string, v T, ok bool) ([]byte, error) {
	if !ok {
		return nil, &o2o.EnumError{Enum: name, Value: string(v)}
	}
	return []byte(v), nil
}

func unmarshalEnum[T ~string](name string, text []byte, dst *T, values []T) error {
	for _, v := range values {
		if string(v) == string(text) {
			*dst = v
			return nil
		}
	}
	return &o2o.EnumError{Enum: name, Value: string(text)}
}
