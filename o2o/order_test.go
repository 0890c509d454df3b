package o2o_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

func sampleOrder() o2o.Order {
	return o2o.Order{
		ID:       "ORD-1",
		Channel:  o2o.ChannelO2O,
		Customer: o2o.Customer{ID: "C-1", AccountID: "acc-1", Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode("440305")},
		Delivery: o2o.MustRegionCode("440305001"),
		Placed:   o2o.Placement{Venue: o2o.VenueStoreScreen, StoreID: "S-1"},
		ServedBy: &o2o.Serving{Kind: o2o.PartyAgent, PartyID: "A-1", StoreID: "S-1"},
		Lines: []o2o.OrderLine{
			{SKU: "T-1", Quantity: o2o.Qty(dec("12.5"), o2o.UnitSquareMetre)},
			{SKU: "CAB-1", Quantity: o2o.Qty(dec("2"), o2o.UnitPiece)},
		},
		At: time.Date(2026, 11, 22, 10, 30, 0, 0, o2o.China()),
	}
}

func TestOrderValidate(t *testing.T) {
	if err := sampleOrder().Validate(); err != nil {
		t.Fatalf("valid order: %v", err)
	}
	tests := []struct {
		name   string
		change func(*o2o.Order)
		path   string
	}{
		{"missing id", func(o *o2o.Order) { o.ID = "" }, "id"},
		{"missing channel", func(o *o2o.Order) { o.Channel = "" }, "channel"},
		{"unknown channel", func(o *o2o.Order) { o.Channel = "wechat" }, "channel"},
		{"missing customer id", func(o *o2o.Order) { o.Customer.ID = "" }, "customer.id"},
		{"missing segment", func(o *o2o.Order) { o.Customer.Segment = "" }, "customer.segment"},
		{"unknown segment", func(o *o2o.Order) { o.Customer.Segment = "vip" }, "customer.segment"},
		{"missing delivery", func(o *o2o.Order) { o.Delivery = o2o.RegionCode{} }, "delivery"},
		{"missing venue", func(o *o2o.Order) { o.Placed.Venue = "" }, "placed.venue"},
		{"unknown venue", func(o *o2o.Order) { o.Placed.Venue = "phone" }, "placed.venue"},
		{"in store without a store", func(o *o2o.Order) { o.Placed.StoreID = "" }, "placed.storeId"},
		{"online with a store", func(o *o2o.Order) { o.Placed.Venue = o2o.VenueOnline }, "placed.storeId"},
		{"serving customer", func(o *o2o.Order) { o.ServedBy.Kind = o2o.PartyCustomer }, "servedBy.kind"},
		{"agent without store", func(o *o2o.Order) { o.ServedBy.StoreID = "" }, "servedBy.storeId"},
		{"store with a store", func(o *o2o.Order) { o.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "S", StoreID: "X"} }, "servedBy.storeId"},
		{"serving without id", func(o *o2o.Order) { o.ServedBy.PartyID = "" }, "servedBy.partyId"},
		{"no lines", func(o *o2o.Order) { o.Lines = nil }, "lines"},
		{"line without SKU", func(o *o2o.Order) { o.Lines[1].SKU = "" }, "lines[1].sku"},
		{"line without unit", func(o *o2o.Order) { o.Lines[0].Quantity.Unit = "" }, "lines[0].quantity.unit"},
		{"line unknown unit", func(o *o2o.Order) { o.Lines[0].Quantity.Unit = "ft" }, "lines[0].quantity.unit"},
		{"zero quantity", func(o *o2o.Order) { o.Lines[1].Quantity.Value = o2o.MustDec("0") }, "lines[1].quantity.value"},
		{"negative quantity", func(o *o2o.Order) { o.Lines[0].Quantity.Value = o2o.MustDec("-1") }, "lines[0].quantity.value"},
		{"missing instant", func(o *o2o.Order) { o.At = time.Time{} }, "at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := sampleOrder()
			tt.change(&o)
			err := o.Validate()
			var ve *o2o.ValidationError
			if !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if ve.Fields[0].Path != tt.path {
				t.Errorf("Validate = %v, want the field %q named", err, tt.path)
			}
		})
	}
}

func TestOrderJSON(t *testing.T) {
	in := sampleOrder()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out o2o.Order
	if err := o2o.DecodeJSON(data, &out); err != nil {
		t.Fatalf("DecodeJSON(%s): %v", data, err)
	}
	if diff := cmp.Diff(in, out, cmp.Comparer(func(a, b o2o.Decimal) bool { return a.Equal(b.Decimal) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if !out.Placed.InStore() {
		t.Error("an order on a store's own screen counts as in store")
	}
	err = o2o.DecodeJSON([]byte(`{"id":"x","at":"yesterday"}`), &out)
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("DecodeJSON with a malformed time = %v, want ErrInvalid", err)
	}
	err = o2o.DecodeJSON([]byte(`{"id":"x","lines":[{"sku":"a","quantity":{"value":"1","unit":"piece","color":"red"}}]}`), &out)
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || ve.Fields[0].Path != "lines[0].quantity.color" {
		t.Errorf("DecodeJSON with an unknown nested field = %v, want lines[0].quantity.color", err)
	}
}

func TestEnumsText(t *testing.T) {
	type enum interface {
		MarshalText() ([]byte, error)
	}
	check := func(name string, values []string, parse func([]byte) (enum, error)) {
		t.Helper()
		for _, v := range values {
			e, err := parse([]byte(v))
			if err != nil {
				t.Errorf("%s %q: %v", name, v, err)
				continue
			}
			text, err := e.MarshalText()
			if err != nil || string(text) != v {
				t.Errorf("%s %q round trip = %q, %v", name, v, text, err)
			}
		}
		for _, bad := range []string{"x", "", " " + values[0], values[0] + " ", "UNKNOWN"} {
			if bad == "" && name == "service kind" {
				continue // "" is goods
			}
			_, err := parse([]byte(bad))
			var ee *o2o.EnumError
			if !errors.As(err, &ee) || !errors.Is(err, o2o.ErrInvalid) || ee.Value != bad || ee.Enum != name {
				t.Errorf("%s %q = %v, want *EnumError", name, bad, err)
			}
			if err != nil && err.Error() != "unknown "+name+` "`+bad+`"` {
				t.Errorf("message %q", err.Error())
			}
		}
	}
	check("channel", []string{"b2c", "o2o", "dealer"}, func(b []byte) (enum, error) { var v o2o.Channel; err := v.UnmarshalText(b); return v, err })
	check("party kind", []string{"headquarters", "station", "store", "agent", "dealer", "investor", "platform", "customer"}, func(b []byte) (enum, error) { var v o2o.PartyKind; err := v.UnmarshalText(b); return v, err })
	check("segment", []string{"retail", "rural", "group"}, func(b []byte) (enum, error) { var v o2o.Segment; err := v.UnmarshalText(b); return v, err })
	check("line", []string{"o2o", "dealer"}, func(b []byte) (enum, error) { var v o2o.Line; err := v.UnmarshalText(b); return v, err })
	check("service kind", []string{"measurement", "design", "construction", "live_video"}, func(b []byte) (enum, error) { var v o2o.ServiceKind; err := v.UnmarshalText(b); return v, err })
	check("unit", []string{"piece", "set", "m2", "m", "job"}, func(b []byte) (enum, error) { var v o2o.Unit; err := v.UnmarshalText(b); return v, err })
	check("venue", []string{"online", "store", "store_screen"}, func(b []byte) (enum, error) { var v o2o.Venue; err := v.UnmarshalText(b); return v, err })
	check("rounding mode", []string{"half_even", "half_up", "down", "up", "floor", "ceiling"}, func(b []byte) (enum, error) { var v o2o.RoundingMode; err := v.UnmarshalText(b); return v, err })
	check("region level", []string{"province", "city", "county", "township"}, func(b []byte) (enum, error) { var v o2o.RegionLevel; err := v.UnmarshalText(b); return v, err })

	for _, e := range []enum{o2o.Channel("x"), o2o.PartyKind("x"), o2o.Segment("x"), o2o.Line("x"), o2o.ServiceKind("x"), o2o.Unit("x"), o2o.Venue("x"), o2o.RoundingMode("x"), o2o.RegionLevel("x")} {
		if _, err := e.MarshalText(); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("MarshalText of invalid %T = %v, want ErrInvalid", e, err)
		}
	}
	if text, err := o2o.RoundingMode("").MarshalText(); err != nil || string(text) != "half_even" {
		t.Errorf("the zero RoundingMode marshals as %q, %v; want half_even", text, err)
	}
	if !o2o.VenueStore.InStore() || !o2o.VenueStoreScreen.InStore() || o2o.VenueOnline.InStore() {
		t.Error("InStore is wrong")
	}
}

func TestPrefixAndValidate(t *testing.T) {
	err := o2o.Prefix("lines[3]", o2o.Invalid("sku", "is required"))
	if err.Error() != "invalid: lines[3].sku: is required" {
		t.Errorf("Prefix = %q", err)
	}
	err = o2o.Prefix("shares", o2o.Invalid("[2]", "bad"))
	if err.Error() != "invalid: shares[2]: bad" {
		t.Errorf("Prefix of an index = %q", err)
	}
	if o2o.Prefix("x", nil) != nil {
		t.Error("Prefix(nil) should be nil")
	}
	wrapped := o2o.Prefix("ctx", o2o.ErrNotFound)
	if !errors.Is(wrapped, o2o.ErrNotFound) || wrapped.Error() != "ctx: not found" {
		t.Errorf("Prefix of a plain error = %v", wrapped)
	}
	dup := o2o.Prefix("p", &o2o.ValidationError{Fields: []o2o.FieldError{{Path: "k", Reason: "r"}}, Err: o2o.ErrDuplicate})
	if !errors.Is(dup, o2o.ErrDuplicate) {
		t.Errorf("Prefix lost the specific sentinel: %v", dup)
	}
	if err := o2o.Validate(42); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Validate(non-struct) = %v, want ErrInvalid", err)
	}
}
