package o2o

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Quantity is an amount of a product in its unit: 12.5 m² of tiles, 2
// pieces of cabinet. It marshals as {"value":"12.5","unit":"m2"}.
type Quantity struct {
	Value Decimal `json:"value"`
	Unit  Unit    `json:"unit" validate:"required"`
}

// Qty returns a quantity of value in unit.
func Qty(value decimal.Decimal, unit Unit) Quantity { return Quantity{Value: Dec(value), Unit: unit} }

// String returns "12.5 m2".
func (q Quantity) String() string { return q.Value.String() + " " + q.Unit.String() }

// Customer is the buyer of an order.
type Customer struct {
	// ID identifies the person or unit buying.
	ID string `json:"id" validate:"required"`
	// AccountID is the platform account; a group account's id is what the
	// designated-account rules look up.
	AccountID string `json:"accountId,omitempty"`
	// Segment is the customer's segment.
	Segment Segment `json:"segment" validate:"required"`
	// Home is the customer's home region; it may differ from the delivery region.
	Home RegionCode `json:"home,omitzero"`
}

// Placement says where an order was placed: online, or in a store (at the
// counter, or online on the store's own screen, which counts as in store).
type Placement struct {
	Venue Venue `json:"venue" validate:"required"`
	// StoreID names the store for an in-store venue; it is empty online.
	StoreID string `json:"storeId,omitempty"`
}

// InStore reports whether the order counts as placed in a store.
func (p Placement) InStore() bool { return p.Venue.InStore() }

// Serving names who serves an order on the ground: a store, an agent
// attached to a store, or a reformed dealer acting as a local service point.
type Serving struct {
	Kind    PartyKind `json:"kind" validate:"required"`
	PartyID string    `json:"partyId" validate:"required"`
	// StoreID is, for an agent, the store the agent is attached to.
	StoreID string `json:"storeId,omitempty"`
}

// OrderLine is one SKU and its quantity.
type OrderLine struct {
	SKU      string   `json:"sku" validate:"required"`
	Quantity Quantity `json:"quantity"`
}

// Order is one customer order, shaped so that pricing, channel and
// settlement all work from the same value.
//
// Channel, Placed and PaidOnline answer three different questions, and every
// package of the SDK reads them the same way:
//
//   - Channel is the sales mode the order is sold under (销售模式): which
//     rules price it and who may sell it. B2C is the platform's online
//     shop; O2O is the fused online-and-community-store operation with
//     local service; dealer is a traditional regional dealer's sale.
//   - Placed is where the customer placed the order: online, at a store's
//     counter, or on the store's own screen (which counts as in store).
//   - PaidOnline is how the money came in: true when the customer paid
//     online through the B2C platform's checkout, whatever the channel.
//     A B2C order is always paid so; an O2O order paid so is the case the
//     no-steering rule watches (an O2O customer, held by a store's lead or
//     coupon, pulled into paying through B2C: channel reports it on an O2O
//     order paid online exactly as on a B2C order).
type Order struct {
	ID string `json:"id" validate:"required"`
	// Channel is the sales mode the order is sold under (see Order).
	Channel Channel `json:"channel" validate:"required"`
	// Customer is who buys.
	Customer Customer `json:"customer"`
	// Delivery is where goods go and service happens; it may differ from the
	// customer's home region.
	Delivery RegionCode `json:"delivery" validate:"required"`
	// Placed says where the order was placed (see Order).
	Placed Placement `json:"placed"`
	// ServedBy is who serves the order on the ground; nil until decided.
	ServedBy *Serving `json:"servedBy,omitempty"`
	// PaidOnline reports payment online through the B2C platform's checkout,
	// whatever the channel (see Order).
	PaidOnline bool `json:"paidOnline"`
	// Lines are the SKUs ordered; at least one.
	Lines []OrderLine `json:"lines" validate:"min=1,dive"`
	// At is the instant the order was placed.
	At time.Time `json:"at" validate:"required"`
}

// Validate checks the order's fields and their enums, the placement's store,
// the serving party, and that every quantity is positive and, in a
// whole-number unit (piece, set, job), whole. It reports every fault at
// once: the error is a *ValidationError (at most MaxFaults listed) with JSON
// paths such as "lines[1].quantity.value"; a fraction of a whole-number unit
// also wraps ErrUnit. ValidateWith also checks the lines against a catalog.
func (o Order) Validate() error { return o.ValidateWith(nil) }

// ValidateWith is Validate and, when the catalog is not nil, checks every
// line against it: a SKU the catalog does not hold wraps ErrUnknownSKU
// (which wraps ErrNotFound and ErrInvalid), and a unit other than the
// product's sale unit wraps ErrUnit. Every fault is listed at once in one
// *ValidationError; errors.Is finds the sentinel of each kind of fault in it.
func (o Order) ValidateWith(catalog *Catalog) error {
	var f Faults
	tagged := map[string]bool{}
	if err := Validate(o); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			for _, fe := range ve.Fields {
				tagged[fe.Path] = true
			}
		}
		f.AddErr("", err)
	}
	checks := []struct {
		ok     bool
		path   string
		reason string
	}{
		{o.Channel == "" || o.Channel.Valid(), "channel", fmt.Sprintf("unknown channel %q", string(o.Channel))},
		{o.Customer.Segment == "" || o.Customer.Segment.Valid(), "customer.segment", fmt.Sprintf("unknown segment %q", string(o.Customer.Segment))},
		{o.Placed.Venue == "" || o.Placed.Venue.Valid(), "placed.venue", fmt.Sprintf("unknown venue %q", string(o.Placed.Venue))},
		{!o.Placed.InStore() || o.Placed.StoreID != "", "placed.storeId", "is required for an order placed in a store"},
		{o.Placed.InStore() || o.Placed.StoreID == "", "placed.storeId", "must be empty for an order placed online"},
	}
	for _, c := range checks {
		if !c.ok && !tagged[c.path] {
			f.Add(c.path, c.reason)
		}
	}
	// untagged records the faults of err under prefix that the struct tags
	// did not already report at the same path ("is required" beside
	// "unknown unit \"\"").
	untagged := func(prefix string, err error) {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			f.AddErr(prefix, err)
			return
		}
		for _, fe := range ve.Fields {
			if path := joinPath(prefix, fe.Path); !tagged[path] {
				f.Add(path, fe.Reason)
			}
		}
	}
	if err := o.ServedBy.validate(); err != nil {
		untagged("servedBy", err)
	}
	var unit, unknown bool
	for i, l := range o.Lines {
		path := fmt.Sprintf("lines[%d]", i)
		if err := l.Quantity.validate(); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) && errors.Is(ve.Err, ErrUnit) {
				unit = true
			}
			untagged(path+".quantity", err)
		}
		if catalog == nil || l.SKU == "" {
			continue
		}
		p, ok := catalog.Product(l.SKU)
		switch {
		case !ok:
			f.Addf(path+".sku", "%q is not in the catalog", l.SKU)
			unknown = true
		case l.Quantity.Unit.Valid() && l.Quantity.Unit != p.SaleUnit():
			f.Addf(path+".quantity.unit", "%s sells by %s, not %s", p.SKU, p.SaleUnit(), l.Quantity.Unit)
			unit = true
		}
	}
	var sentinels []error
	if unknown {
		sentinels = append(sentinels, ErrUnknownSKU)
	}
	if unit {
		sentinels = append(sentinels, ErrUnit)
	}
	switch len(sentinels) {
	case 0:
		return f.Err()
	case 1:
		return f.ErrAs(sentinels[0])
	}
	return f.ErrAs(errors.Join(sentinels...))
}

func (s *Serving) validate() error {
	switch {
	case s == nil:
		return nil
	case s.Kind != PartyStore && s.Kind != PartyAgent && s.Kind != PartyDealer:
		return Invalidf("kind", "must be store, agent or dealer, got %q", string(s.Kind))
	case s.Kind == PartyAgent && s.StoreID == "":
		return Invalid("storeId", "is required for an agent: agents are attached to a store")
	case s.Kind != PartyAgent && s.StoreID != "":
		return Invalid("storeId", "only an agent is attached to a store")
	}
	return nil
}

func (q Quantity) validate() error {
	switch {
	case !q.Unit.Valid():
		return Invalidf("unit", "unknown unit %q", string(q.Unit))
	case q.Value.Sign() <= 0:
		return Invalidf("value", "must be positive, got %s", q.Value)
	case q.Unit.Whole() && !q.Value.IsInteger():
		return InvalidAs(ErrUnit, "value", fmt.Sprintf("counts whole %ss, not %s", q.Unit, q.Value))
	}
	return nil
}
