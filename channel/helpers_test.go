package channel

import (
	"os"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/shopspring/decimal"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testCatalog(t testing.TB) *o2o.Catalog {
	t.Helper()
	c, err := o2o.ParseCatalogJSON(readFile(t, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testConfig(t testing.TB) Config {
	t.Helper()
	c, err := ParseConfig(readFile(t, "network.json"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testNetwork(t testing.TB) *Network {
	t.Helper()
	n, err := testConfig(t).Build(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// day is 2024-05-dd 10:00 +08:00.
func day(dd int) time.Time { return time.Date(2024, 5, dd, 10, 0, 0, 0, o2o.China()) }

type orderOpt func(*o2o.Order)

func served(kind o2o.PartyKind, id, store string) orderOpt {
	return func(o *o2o.Order) { o.ServedBy = &o2o.Serving{Kind: kind, PartyID: id, StoreID: store} }
}

func lines(skus ...string) orderOpt {
	return func(o *o2o.Order) {
		o.Lines = nil
		for _, s := range skus {
			o.Lines = append(o.Lines, o2o.OrderLine{SKU: s, Quantity: o2o.Qty(decimal.NewFromInt(2), unitOf(s))})
		}
	}
}

// unitOf returns the sale unit of a SKU of testdata/catalog.json (pieces
// for a SKU it lacks), so that orders pass CheckOrder's unit check.
func unitOf(sku string) o2o.Unit {
	switch sku {
	case "TILE-800", "TILE-800-WEB", "FLOOR-D7":
		return o2o.UnitSquareMetre
	case "SVC-MEASURE", "SVC-BUILD":
		return o2o.UnitJob
	}
	return o2o.UnitPiece
}

func at(t time.Time) orderOpt { return func(o *o2o.Order) { o.At = t } }

func order(id string, ch o2o.Channel, delivery string, opts ...orderOpt) o2o.Order {
	o := o2o.Order{
		ID: id, Channel: ch,
		Customer: o2o.Customer{ID: "C-1", Segment: o2o.SegmentRetail},
		Delivery: o2o.MustRegionCode(delivery),
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		Lines:    []o2o.OrderLine{{SKU: "SOFA-S3", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)}},
		At:       day(10),
	}
	if ch == o2o.ChannelB2C {
		o.PaidOnline = true
	}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// received is when the tests' lead registrations arrive (and registries
// are loaded): after every instant they use.
var received = time.Date(2024, 12, 31, 10, 0, 0, 0, o2o.China())
