package o2o_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/regions"
)

// An order: 36.5 m² of tile and a measurement, ordered online by a customer
// of Shenzhen Nanshan for a flat in Dongguan. Validate checks its shape;
// CheckRegions, given the regions registry, checks that its regions exist,
// and RegionLabel names them for people.
func ExampleOrder() {
	order := o2o.Order{
		ID:       "SO-1",
		Channel:  o2o.ChannelO2O,
		Customer: o2o.Customer{ID: "cust-chen", Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode("440305")},
		Delivery: o2o.MustRegionCode("441900003"),
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		Lines: []o2o.OrderLine{
			{SKU: "TILE-YF600", Quantity: o2o.Qty(decimal.RequireFromString("36.5"), o2o.UnitSquareMetre)},
			{SKU: "SVC-MEASURE", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitJob)},
		},
		At: time.Date(2026, 3, 6, 10, 30, 0, 0, o2o.China()),
	}
	fmt.Println("valid:", order.Validate())
	china := regions.China()
	fmt.Println("regions exist:", order.CheckRegions(china))
	fmt.Println("delivered to", o2o.RegionLabel(china, order.Delivery), "for a customer of", o2o.RegionLabel(china, order.Customer.Home))
	for _, l := range order.Lines {
		fmt.Println(" ", l.SKU, l.Quantity)
	}

	// A well-formed delivery code that names no township.
	order.Delivery = o2o.MustRegionCode("440660103")
	fmt.Println(order.CheckRegions(china))
	fmt.Println("without a registry, digits:", o2o.RegionLabel(nil, order.Delivery))
	// Output:
	// valid: <nil>
	// regions exist: <nil>
	// delivered to 东莞市东城街道 (441900003) for a customer of 深圳市南山区 (440305)
	//   TILE-YF600 36.5 m2
	//   SVC-MEASURE 1 job
	// invalid: delivery: region 440660103 is well-formed but names no division in the 2022-10-31 data
	// without a registry, digits: 440660103
}
