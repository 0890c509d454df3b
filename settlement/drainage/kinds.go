package drainage

import (
	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// TouchKind is what a touchpoint was: a costed marketing contact (search ad,
// paid ad-reading, road show, ground push, store-bound coupon) or a visit.
type TouchKind string

// The kinds of touchpoint.
const (
	// KindSearchAd is a click on a paid search ad.
	KindSearchAd TouchKind = "search_ad"
	// KindPaidAdReading is a user paid to read an ad (有偿读广告).
	KindPaidAdReading TouchKind = "paid_ad_reading"
	// KindRoadShow is a touring road show, down to the villages (巡回路演).
	KindRoadShow TouchKind = "road_show"
	// KindGroundPush is a ground-push team's visit to a merchant or a home (地推).
	KindGroundPush TouchKind = "ground_push"
	// KindStoreCoupon is a coupon that binds the customer to a store.
	KindStoreCoupon TouchKind = "store_coupon"
	// KindOnlineVisit is a visit to the platform's site or app. Without a
	// campaign it is what GA4 calls a direct visit.
	KindOnlineVisit TouchKind = "online_visit"
	// KindStoreVisit is a walk into a community store.
	KindStoreVisit TouchKind = "store_visit"
)

// TouchKinds returns every touch kind in a fixed order.
func TouchKinds() []TouchKind {
	return []TouchKind{KindSearchAd, KindPaidAdReading, KindRoadShow, KindGroundPush, KindStoreCoupon, KindOnlineVisit, KindStoreVisit}
}

// String returns the kind's text form.
func (k TouchKind) String() string { return string(k) }

// Valid reports whether k is one of the touch kinds.
func (k TouchKind) Valid() bool { return enum.Valid(k, TouchKinds()...) }

// MarshalText returns the text form; it refuses an invalid kind.
func (k TouchKind) MarshalText() ([]byte, error) { return marshalEnum("touch kind", k, k.Valid()) }

// UnmarshalText accepts exactly one of the kinds' text forms.
func (k *TouchKind) UnmarshalText(text []byte) error {
	return unmarshalEnum("touch kind", text, k, TouchKinds())
}

// ConversionKind is what a conversion was.
type ConversionKind string

// The kinds of conversion. Seed 004: O2O is judged on store visits (到店率),
// B2C on online payment.
const (
	// ConversionStoreVisit is a customer arriving at a community store (O2O).
	ConversionStoreVisit ConversionKind = "store_visit"
	// ConversionDeal is a deal closed through a community store (O2O).
	ConversionDeal ConversionKind = "deal"
	// ConversionOnlinePayment is a payment online through B2C.
	ConversionOnlinePayment ConversionKind = "online_payment"
)

// ConversionKinds returns every conversion kind in a fixed order.
func ConversionKinds() []ConversionKind {
	return []ConversionKind{ConversionStoreVisit, ConversionDeal, ConversionOnlinePayment}
}

// String returns the kind's text form.
func (k ConversionKind) String() string { return string(k) }

// Valid reports whether k is one of the conversion kinds.
func (k ConversionKind) Valid() bool { return enum.Valid(k, ConversionKinds()...) }

// Channel returns the sales mode the conversion belongs to: B2C for an
// online payment, O2O for a store visit or a deal.
func (k ConversionKind) Channel() o2o.Channel {
	if k == ConversionOnlinePayment {
		return o2o.ChannelB2C
	}
	return o2o.ChannelO2O
}

// MarshalText returns the text form; it refuses an invalid kind.
func (k ConversionKind) MarshalText() ([]byte, error) {
	return marshalEnum("conversion kind", k, k.Valid())
}

// UnmarshalText accepts exactly one of the kinds' text forms.
func (k *ConversionKind) UnmarshalText(text []byte) error {
	return unmarshalEnum("conversion kind", text, k, ConversionKinds())
}

// ModelName names an attribution model.
type ModelName string

// The attribution models.
const (
	// ModelFirstTouch gives the whole conversion to the first touch in the window.
	ModelFirstTouch ModelName = "first_touch"
	// ModelLastTouch gives the whole conversion to the last touch that is not
	// a direct visit, or to the last touch when the whole path is direct (GA4).
	ModelLastTouch ModelName = "last_touch"
	// ModelLinear splits the conversion evenly over the touches.
	ModelLinear ModelName = "linear"
	// ModelPosition gives configured shares to the first, the middle and the
	// last touches (U-shaped, J-curve, inverse J).
	ModelPosition ModelName = "position"
	// ModelTimeDecay weighs each touch by 2^(-t/halfLife), t its age at the conversion.
	ModelTimeDecay ModelName = "time_decay"
	// ModelShapley splits the conversion evenly over the journey's distinct
	// sources (the closed form of the Shapley value), then each source's
	// share evenly over its touches.
	ModelShapley ModelName = "shapley"
	// ModelMarkov credits sources by their removal effect in a first-order
	// absorbing Markov chain built from all journeys, solved exactly.
	ModelMarkov ModelName = "markov"
)

// ModelNames returns every model in a fixed order.
func ModelNames() []ModelName {
	return []ModelName{ModelFirstTouch, ModelLastTouch, ModelLinear, ModelPosition, ModelTimeDecay, ModelShapley, ModelMarkov}
}

// String returns the name's text form.
func (m ModelName) String() string { return string(m) }

// Valid reports whether m names a model.
func (m ModelName) Valid() bool { return enum.Valid(m, ModelNames()...) }

// MarshalText returns the text form; it refuses an invalid name.
func (m ModelName) MarshalText() ([]byte, error) { return marshalEnum("model", m, m.Valid()) }

// UnmarshalText accepts exactly one of the models' text forms.
func (m *ModelName) UnmarshalText(text []byte) error {
	return unmarshalEnum("model", text, m, ModelNames())
}

// Basis is what a campaign's cost is allocated in proportion to.
type Basis string

// The cost bases.
const (
	// BasisTraffic allocates by the touches each sales mode and store
	// received: a store that receives traffic and fails to convert it still
	// carries its cost. The default.
	BasisTraffic Basis = "traffic"
	// BasisConversions allocates by the conversions the traffic produced, as
	// the attribution model credits them.
	BasisConversions Basis = "conversions"
)

// Bases returns every basis in a fixed order.
func Bases() []Basis { return []Basis{BasisTraffic, BasisConversions} }

// String returns the basis's text form.
func (b Basis) String() string { return string(b) }

// Valid reports whether b is one of the bases.
func (b Basis) Valid() bool { return enum.Valid(b, Bases()...) }

// MarshalText returns the text form; it refuses an invalid basis.
func (b Basis) MarshalText() ([]byte, error) { return marshalEnum("basis", b, b.Valid()) }

// UnmarshalText accepts exactly "traffic" or "conversions".
func (b *Basis) UnmarshalText(text []byte) error { return unmarshalEnum("basis", text, b, Bases()) }

func marshalEnum[T ~string](name string, v T, ok bool) ([]byte, error) {
	if !ok {
		return nil, &o2o.EnumError{Enum: name, Value: string(v)}
	}
	return []byte(v), nil
}

func unmarshalEnum[T ~string](name string, text []byte, dst *T, values []T) error {
	v, ok := enum.Parse(text, values...)
	if !ok {
		return &o2o.EnumError{Enum: name, Value: string(text)}
	}
	*dst = v
	return nil
}

// Unattached says how the traffic basis charges an O2O touch that bound its
// customer to no store (a road show, paid ad-reading or search ad that named
// no store).
type Unattached string

// The ways to charge unattached O2O traffic.
const (
	// UnattachedConverted charges an unattached O2O touch to where its
	// customer converted with the touch inside that conversion's lookback
	// window: the store of a store visit or a deal, B2C for an online
	// payment; several such conversions split the touch by their number.
	// Only a touch whose customer converted nowhere stays on headquarters.
	// The default: a store cannot escape the cost of traffic it received.
	UnattachedConverted Unattached = "converted"
	// UnattachedHeadquarters keeps every unattached O2O touch on
	// headquarters, whether or not its customer converted: the earlier
	// behaviour, for a network that funds untargeted brand traffic (a road
	// show touring villages) centrally on purpose.
	UnattachedHeadquarters Unattached = "headquarters"
)

// UnattachedRules returns every way to charge unattached traffic in a fixed order.
func UnattachedRules() []Unattached {
	return []Unattached{UnattachedConverted, UnattachedHeadquarters}
}

// String returns the rule's text form.
func (u Unattached) String() string { return string(u) }

// Valid reports whether u is one of the rules.
func (u Unattached) Valid() bool { return enum.Valid(u, UnattachedRules()...) }

// MarshalText returns the text form; it refuses an invalid rule.
func (u Unattached) MarshalText() ([]byte, error) {
	return marshalEnum("unattached", u, u.Valid())
}

// UnmarshalText accepts exactly "converted" or "headquarters".
func (u *Unattached) UnmarshalText(text []byte) error {
	return unmarshalEnum("unattached", text, u, UnattachedRules())
}
