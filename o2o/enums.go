package o2o

import "github.com/o2okit/o2okit/internal/enum"

// Channel is a sales mode (销售模式). Seed 004: the O2O operation is
// independent and never mixed with B2C.
type Channel string

// The sales modes.
const (
	// ChannelB2C is online payment on the platform.
	ChannelB2C Channel = "b2c"
	// ChannelO2O is online and community store fused, with local service.
	ChannelO2O Channel = "o2o"
	// ChannelDealer is the traditional regional dealer.
	ChannelDealer Channel = "dealer"
)

// Channels returns every sales mode in a fixed order.
func Channels() []Channel { return []Channel{ChannelB2C, ChannelO2O, ChannelDealer} }

// String returns the channel's text form.
func (c Channel) String() string { return string(c) }

// Valid reports whether c is one of the sales modes.
func (c Channel) Valid() bool { return enum.Valid(c, Channels()...) }

// MarshalText returns the text form; it refuses an invalid channel.
func (c Channel) MarshalText() ([]byte, error) { return marshalEnum("channel", c, c.Valid()) }

// UnmarshalText accepts exactly "b2c", "o2o" or "dealer".
func (c *Channel) UnmarshalText(text []byte) error {
	return unmarshalEnum("channel", text, c, Channels())
}

// PartyKind is the kind of party money or work moves between.
type PartyKind string

// The kinds of party.
const (
	// PartyHeadquarters is the manufacturer's head office (总部).
	PartyHeadquarters PartyKind = "headquarters"
	// PartyStation is a regional sub-station (分站).
	PartyStation PartyKind = "station"
	// PartyStore is a directly operated community experience store (线下社区体验店).
	PartyStore PartyKind = "store"
	// PartyAgent is a franchise agent (特许代理人): a contracted sales or
	// construction service specialist attached to a store, paid by commission.
	PartyAgent PartyKind = "agent"
	// PartyDealer is a traditional regional dealer (经销商).
	PartyDealer PartyKind = "dealer"
	// PartyInvestor co-invests in stores.
	PartyInvestor PartyKind = "investor"
	// PartyPlatform is the online operator.
	PartyPlatform PartyKind = "platform"
	// PartyCustomer is a buyer.
	PartyCustomer PartyKind = "customer"
)

// PartyKinds returns every party kind in a fixed order.
func PartyKinds() []PartyKind {
	return []PartyKind{PartyHeadquarters, PartyStation, PartyStore, PartyAgent, PartyDealer, PartyInvestor, PartyPlatform, PartyCustomer}
}

// String returns the kind's text form.
func (k PartyKind) String() string { return string(k) }

// Valid reports whether k is one of the party kinds.
func (k PartyKind) Valid() bool { return enum.Valid(k, PartyKinds()...) }

// MarshalText returns the text form; it refuses an invalid kind.
func (k PartyKind) MarshalText() ([]byte, error) { return marshalEnum("party kind", k, k.Valid()) }

// UnmarshalText accepts exactly one of the kinds' text forms.
func (k *PartyKind) UnmarshalText(text []byte) error {
	return unmarshalEnum("party kind", text, k, PartyKinds())
}

// Segment is a customer segment.
type Segment string

// The customer segments.
const (
	// SegmentRetail is a retail buyer of commercial housing.
	SegmentRetail Segment = "retail"
	// SegmentRural is a rural self-built house (decoration budget 100–200k CNY).
	SegmentRural Segment = "rural"
	// SegmentGroup is a group account: a unit building housing collectively.
	SegmentGroup Segment = "group"
)

// Segments returns every segment in a fixed order.
func Segments() []Segment { return []Segment{SegmentRetail, SegmentRural, SegmentGroup} }

// String returns the segment's text form.
func (s Segment) String() string { return string(s) }

// Valid reports whether s is one of the segments.
func (s Segment) Valid() bool { return enum.Valid(s, Segments()...) }

// MarshalText returns the text form; it refuses an invalid segment.
func (s Segment) MarshalText() ([]byte, error) { return marshalEnum("segment", s, s.Valid()) }

// UnmarshalText accepts exactly "retail", "rural" or "group".
func (s *Segment) UnmarshalText(text []byte) error {
	return unmarshalEnum("segment", text, s, Segments())
}

// Line is the product line a SKU belongs to (产品区隔: the lines are disjoint).
type Line string

// The product lines.
const (
	// LineO2O is priced by the manufacturer, one price per province.
	LineO2O Line = "o2o"
	// LineDealer keeps the dealer's pricing power.
	LineDealer Line = "dealer"
)

// Lines returns every product line in a fixed order.
func Lines() []Line { return []Line{LineO2O, LineDealer} }

// String returns the line's text form.
func (l Line) String() string { return string(l) }

// Valid reports whether l is one of the lines.
func (l Line) Valid() bool { return enum.Valid(l, Lines()...) }

// MarshalText returns the text form; it refuses an invalid line.
func (l Line) MarshalText() ([]byte, error) { return marshalEnum("line", l, l.Valid()) }

// UnmarshalText accepts exactly "o2o" or "dealer".
func (l *Line) UnmarshalText(text []byte) error { return unmarshalEnum("line", text, l, Lines()) }

// ServiceKind marks a product that is a service item rather than goods.
// The empty ServiceKind means goods.
type ServiceKind string

// The service items.
const (
	// ServiceMeasurement is the free on-site measurement (量房).
	ServiceMeasurement ServiceKind = "measurement"
	// ServiceDesign is online design.
	ServiceDesign ServiceKind = "design"
	// ServiceConstruction is construction on site.
	ServiceConstruction ServiceKind = "construction"
	// ServiceLiveVideo is live video of the site.
	ServiceLiveVideo ServiceKind = "live_video"
)

// ServiceKinds returns every service kind in a fixed order.
func ServiceKinds() []ServiceKind {
	return []ServiceKind{ServiceMeasurement, ServiceDesign, ServiceConstruction, ServiceLiveVideo}
}

// String returns the kind's text form ("" for goods).
func (s ServiceKind) String() string { return string(s) }

// Valid reports whether s is one of the service kinds. The empty kind
// (goods) is not a service kind; Product accepts it separately.
func (s ServiceKind) Valid() bool { return enum.Valid(s, ServiceKinds()...) }

// MarshalText returns the text form; "" (goods) marshals as "".
func (s ServiceKind) MarshalText() ([]byte, error) {
	return marshalEnum("service kind", s, s == "" || s.Valid())
}

// UnmarshalText accepts "" (goods) or exactly one of the service kinds.
func (s *ServiceKind) UnmarshalText(text []byte) error {
	return unmarshalEnum("service kind", text, s, append([]ServiceKind{""}, ServiceKinds()...))
}

// Unit is the unit a quantity is counted in.
type Unit string

// The units of sale.
const (
	// UnitPiece counts pieces (a cabinet, a door).
	UnitPiece Unit = "piece"
	// UnitSet counts sets (a suite of furniture).
	UnitSet Unit = "set"
	// UnitSquareMetre measures area (tiles, flooring).
	UnitSquareMetre Unit = "m2"
	// UnitMetre measures length (skirting, worktops).
	UnitMetre Unit = "m"
	// UnitJob counts service jobs (one measurement, one construction).
	UnitJob Unit = "job"
)

// Units returns every unit in a fixed order.
func Units() []Unit { return []Unit{UnitPiece, UnitSet, UnitSquareMetre, UnitMetre, UnitJob} }

// String returns the unit's text form.
func (u Unit) String() string { return string(u) }

// Valid reports whether u is one of the units.
func (u Unit) Valid() bool { return enum.Valid(u, Units()...) }

// Whole reports whether the unit counts whole things (piece, set, job), so
// that a quantity of it is a whole number.
func (u Unit) Whole() bool { return u == UnitPiece || u == UnitSet || u == UnitJob }

// MarshalText returns the text form; it refuses an invalid unit.
func (u Unit) MarshalText() ([]byte, error) { return marshalEnum("unit", u, u.Valid()) }

// UnmarshalText accepts exactly one of the units' text forms.
func (u *Unit) UnmarshalText(text []byte) error { return unmarshalEnum("unit", text, u, Units()) }

// Venue is where an order was placed.
type Venue string

// The venues.
const (
	// VenueOnline is the platform's website or app.
	VenueOnline Venue = "online"
	// VenueStore is a community store's counter.
	VenueStore Venue = "store"
	// VenueStoreScreen is online ordering on a store's own screen, which counts
	// as in store.
	VenueStoreScreen Venue = "store_screen"
)

// Venues returns every venue in a fixed order.
func Venues() []Venue { return []Venue{VenueOnline, VenueStore, VenueStoreScreen} }

// String returns the venue's text form.
func (v Venue) String() string { return string(v) }

// Valid reports whether v is one of the venues.
func (v Venue) Valid() bool { return enum.Valid(v, Venues()...) }

// InStore reports whether an order placed here counts as placed in a store.
func (v Venue) InStore() bool { return v == VenueStore || v == VenueStoreScreen }

// MarshalText returns the text form; it refuses an invalid venue.
func (v Venue) MarshalText() ([]byte, error) { return marshalEnum("venue", v, v.Valid()) }

// UnmarshalText accepts exactly "online", "store" or "store_screen".
func (v *Venue) UnmarshalText(text []byte) error { return unmarshalEnum("venue", text, v, Venues()) }

func marshalEnum[T ~string](name string, v T, ok bool) ([]byte, error) {
	if !ok {
		return nil, &EnumError{Enum: name, Value: string(v)}
	}
	return []byte(v), nil
}

func unmarshalEnum[T ~string](name string, text []byte, dst *T, values []T) error {
	v, ok := enum.Parse(text, values...)
	if !ok {
		return &EnumError{Enum: name, Value: clip(string(text))}
	}
	*dst = v
	return nil
}
