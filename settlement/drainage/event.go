package drainage

import (
	"cmp"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// Source is what attribution credits: a touch kind × campaign. (Attribution
// tools call this a "channel"; here o2o.Channel keeps its meaning, the sales
// mode.) A touch without a campaign is organic; an online visit without a
// campaign is a direct visit.
type Source struct {
	Kind     TouchKind `json:"kind"`
	Campaign string    `json:"campaign,omitempty"`
}

// String returns "search_ad/spring-search", or the kind alone for an organic source.
func (s Source) String() string {
	if s.Campaign == "" {
		return string(s.Kind)
	}
	return string(s.Kind) + "/" + s.Campaign
}

// Direct reports whether s is a direct visit: an online visit with no campaign.
// The last-touch model passes over direct visits unless the whole path is direct.
func (s Source) Direct() bool { return s.Kind == KindOnlineVisit && s.Campaign == "" }

// compareSources orders sources by kind, then campaign.
func compareSources(a, b Source) int {
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return cmp.Compare(a.Campaign, b.Campaign)
}

// Touch is one contact with a customer: who, when, through which sales mode,
// of what kind, for which campaign, and the store it binds the customer to.
// Touches are ordered by (At, Seq, ID), never by input order.
type Touch struct {
	// ID identifies the touch; unique in one attribution run.
	ID string `json:"id" validate:"required"`
	// Customer identifies the person touched.
	Customer string `json:"customer" validate:"required"`
	// At is the instant of the touch.
	At time.Time `json:"at" validate:"required"`
	// Seq orders touches at the same instant (a later Seq is later).
	Seq int64 `json:"seq,omitempty"`
	// Channel is the sales mode the touch drove to: B2C or O2O.
	Channel o2o.Channel `json:"channel" validate:"required"`
	// Kind is what the touch was.
	Kind TouchKind `json:"kind" validate:"required"`
	// Campaign is the campaign that paid for the touch; empty for organic traffic.
	Campaign string `json:"campaign,omitempty"`
	// StoreID is the store the touch binds the customer to: the store of a
	// store-bound coupon or a store visit, the store a ground-push lead was
	// routed to. Only an O2O touch binds a store.
	StoreID string `json:"storeId,omitempty"`
}

// Source returns the touch's source: its kind × campaign.
func (t Touch) Source() Source { return Source{Kind: t.Kind, Campaign: t.Campaign} }

// Validate checks the touch: required fields, an instant in range (see
// settlement's package doc), known enums, a sales mode of
// B2C or O2O, and the store binding (required for a store-bound coupon and a
// store visit; allowed only on an O2O touch). Errors wrap o2o.ErrInvalid.
func (t Touch) Validate() error {
	if err := o2o.Validate(t); err != nil {
		return err
	}
	return t.check()
}

// validate is Validate without reflection on the common path: when the
// required fields are set and every string is UTF-8 — all that
// o2o.Validate checks on a Touch — only the rules are left to check;
// otherwise Validate gives the error. A known sales mode and kind are set,
// UTF-8 and past check's first two rules, so on the common path they are
// only compared with the known values; an unknown one goes to Validate,
// which gives the error check would.
func (t *Touch) validate() error { return t.validateKind(touchKindIndex(t.Kind), false) }

// validateKind is validate given k, touchKindIndex(t.Kind); knownCustomer
// says the customer is a valid touch's, checked already.
func (t *Touch) validateKind(k int, knownCustomer bool) error {
	if t.ID == "" || t.Customer == "" || t.At.IsZero() ||
		(t.Channel != o2o.ChannelB2C && t.Channel != o2o.ChannelO2O) || k < 0 ||
		!validText(t.ID) || (!knownCustomer && !validText(t.Customer)) || !validText(t.Campaign) || !validText(t.StoreID) {
		return t.Validate()
	}
	return t.checkStore()
}

// check checks the touch's rules beyond the required fields.
func (t *Touch) check() error {
	switch {
	case t.Channel != o2o.ChannelB2C && t.Channel != o2o.ChannelO2O:
		return o2o.Invalidf("channel", "must be b2c or o2o, got %q", string(t.Channel))
	case !t.Kind.Valid():
		return o2o.Invalidf("kind", "unknown touch kind %q", string(t.Kind))
	}
	return t.checkStore()
}

// checkStore checks check's rules past the sales mode and kind: the store
// binding and the instant.
func (t *Touch) checkStore() error {
	switch {
	case (t.Kind == KindStoreCoupon || t.Kind == KindStoreVisit) && t.StoreID == "":
		return o2o.Invalidf("storeId", "is required for a %s: it binds the customer to a store", t.Kind)
	case t.StoreID != "" && t.Channel != o2o.ChannelO2O:
		return o2o.Invalid("storeId", "only an O2O touch binds a customer to a store (O2O is never mixed with B2C)")
	}
	if err := instant.Check(t.At); err != nil {
		return o2o.Prefix("at", err)
	}
	return nil
}

// validText reports whether s is valid UTF-8, as utf8.ValidString does
// (TestValidText). Speed trick: ids are nearly always short ASCII, which a
// loop here checks faster than a call per string, eight bytes at a time (a
// word with no top bit set is ASCII), then byte by byte; from the first
// word or byte that is not all ASCII (a rune boundary: every byte before
// it is ASCII) utf8.ValidString checks the rest.
func validText(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if load8(s[i:])&0x8080808080808080 != 0 {
			return utf8.ValidString(s[i:])
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.ValidString(s[i:])
		}
	}
	return true
}

// compareTouches orders touches by (At, Seq, ID).
func compareTouches(a, b *Touch) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Seq, b.Seq); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// Conversion is one outcome a journey leads to: a store visit, a deal or an
// online payment, with its store and value.
type Conversion struct {
	// ID identifies the conversion; unique in one attribution run.
	ID string `json:"id" validate:"required"`
	// Customer identifies who converted.
	Customer string `json:"customer" validate:"required"`
	// At is the instant of the conversion.
	At time.Time `json:"at" validate:"required"`
	// Kind is what the conversion was.
	Kind ConversionKind `json:"kind" validate:"required"`
	// StoreID is the store visited or that closed the deal; empty for an
	// online payment.
	StoreID string `json:"storeId,omitempty"`
	// Value is the conversion's revenue; zero for a store visit is usual.
	Value o2o.Money `json:"value"`
}

// Validate checks the conversion: required fields, a known kind, a store for
// a store visit or a deal and none for an online payment, and a value that is
// not negative and is a whole number of minor units, and an instant in range.
// Errors wrap o2o.ErrInvalid.
func (c Conversion) Validate() error {
	if err := o2o.Validate(c); err != nil {
		return err
	}
	return c.check()
}

// validate is Validate without reflection on the common path (see
// Touch.validate). minorOK is the ok of c.Value.MinorUnits, which the
// caller needs too: with it, whether the value is whole is known without
// working out the minor units again.
func (c *Conversion) validate(minorOK bool) error {
	if c.ID == "" || c.Customer == "" || c.At.IsZero() || c.Kind == "" ||
		!validText(c.ID) || !validText(c.Customer) || !validText(string(c.Kind)) || !validText(c.StoreID) {
		return c.Validate()
	}
	return c.checkWhole(minorOK || c.Value.IsWhole()) // as whole does
}

// check checks the conversion's rules beyond the required fields.
func (c *Conversion) check() error { return c.checkWhole(c.whole()) }

// checkWhole is check given whole, whether the value is a whole number of
// minor units.
func (c *Conversion) checkWhole(whole bool) error {
	switch {
	case !c.Kind.Valid():
		return o2o.Invalidf("kind", "unknown conversion kind %q", string(c.Kind))
	case c.Kind != ConversionOnlinePayment && c.StoreID == "":
		return o2o.Invalidf("storeId", "is required for a %s", c.Kind)
	case c.Kind == ConversionOnlinePayment && c.StoreID != "":
		return o2o.Invalid("storeId", "must be empty for an online payment (B2C)")
	case c.Value.IsNegative():
		return o2o.Invalidf("value", "must not be negative, got %s", c.Value)
	case !whole:
		return o2o.Invalidf("value", "%s is not a whole number of minor units", c.Value)
	}
	if err := instant.Check(c.At); err != nil {
		return o2o.Prefix("at", err)
	}
	return nil
}

// whole reports whether the value is a whole number of minor units,
// without allocating when it fits in int64 minor units.
func (c *Conversion) whole() bool {
	if _, ok := c.Value.MinorUnits(); ok {
		return true
	}
	return c.Value.IsWhole()
}

// compareConversions orders conversions by (At, ID).
func compareConversions(a, b *Conversion) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func indexPath(name string, i int) string { return fmt.Sprintf("%s[%d]", name, i) }
