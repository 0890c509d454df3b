package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// place is a delivery township of the sample rulebook and the community
// store in it, if there is one.
type place struct {
	township, county, store string
}

var places = []place{
	{"440305001", "440305", "store-nanshan"}, // Shenzhen Nanshan
	{"440305005", "440305", "store-nanshan"},
	{"440304002", "440304", "store-futian"}, // Shenzhen Futian: measurement only
	{"441900003", "441900", ""},             // Dongguan: a fused dealer's territory
	{"440106001", "440106", ""},             // Guangzhou Tianhe: the provincial hub
	{"330106002", "330106", "store-xihu"},   // Hangzhou Xihu
	{"330102001", "330102", ""},             // Hangzhou Shangcheng: the provincial hub
	{"330203001", "330203", ""},             // Ningbo: an independent dealer's territory
}

// item is a SKU of the sample catalog with the quantities it sells in.
type item struct {
	sku  string
	unit o2o.Unit
	qty  func(r *rand.Rand) decimal.Decimal
}

var items = []item{
	{"TILE-YF600", o2o.UnitSquareMetre, func(r *rand.Rand) decimal.Decimal { return decimal.New(int64(100+r.IntN(700)), -1) }},
	{"FLOOR-OAK", o2o.UnitSquareMetre, func(r *rand.Rand) decimal.Decimal { return decimal.New(int64(150+r.IntN(600)), -1) }},
	{"CAB-K1", o2o.UnitPiece, func(r *rand.Rand) decimal.Decimal { return decimal.NewFromInt(int64(1 + r.IntN(2))) }},
	{"DOOR-S3", o2o.UnitPiece, func(r *rand.Rand) decimal.Decimal { return decimal.NewFromInt(int64(1 + r.IntN(4))) }},
	{"SVC-MEASURE", o2o.UnitJob, func(*rand.Rand) decimal.Decimal { return decimal.NewFromInt(1) }},
	{"SVC-CONSTRUCT", o2o.UnitJob, func(*rand.Rand) decimal.Decimal { return decimal.NewFromInt(1) }},
	{"SVC-VIDEO", o2o.UnitJob, func(*rand.Rand) decimal.Decimal { return decimal.NewFromInt(1) }},
}

// generate writes n synthetic orders for the sample rulebook, the same n
// for the same n, spread over March 2026: a mix of channels, venues, regions, segments and lines,
// some under the spring campaign and some from customers holding a store's
// coupon. Most evaluate under the sample rulebook; construction in Zhejiang
// outside Xihu is refused by routing, as no store there can do it.
func generate(w *bufio.Writer, n int) error {
	r := rand.New(rand.NewPCG(2026, 3))
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, o2o.China())
	for i := range n {
		in := sampleOrder(r, i, start.Add(time.Duration(i)*(30*24*time.Hour)/time.Duration(n)).Truncate(time.Minute))
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		w.Write(data)
		w.WriteByte('\n')
	}
	return nil
}

func sampleOrder(r *rand.Rand, i int, at time.Time) input {
	p := places[r.IntN(len(places))]
	cust := fmt.Sprintf("cust-%05d", r.IntN(max(50, i/3+1)))
	o := o2o.Order{
		ID:       fmt.Sprintf("SO-%06d", i+1),
		Channel:  o2o.ChannelO2O,
		Customer: o2o.Customer{ID: cust, Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode(p.county)},
		Delivery: o2o.MustRegionCode(p.township),
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		At:       at,
	}
	switch k := r.IntN(10); {
	case k < 3: // B2C: paid online on the platform
		o.Channel, o.PaidOnline = o2o.ChannelB2C, true
	case k < 6 && p.store != "": // at the store's counter or on its screen
		o.Placed = o2o.Placement{Venue: o2o.VenueStore, StoreID: p.store}
		if k == 5 {
			o.Placed.Venue = o2o.VenueStoreScreen
		}
	}
	switch r.IntN(12) {
	case 0:
		o.Customer.Segment = o2o.SegmentRural
	case 1:
		o.Customer.Segment, o.Customer.AccountID = o2o.SegmentGroup, "G-CITYBUILD"
	}
	picked := map[int]bool{}
	for range 1 + r.IntN(3) {
		j := r.IntN(len(items))
		if o.Channel == o2o.ChannelB2C && items[j].unit == o2o.UnitJob {
			j = r.IntN(4) // B2C sells goods
		}
		if picked[j] {
			continue
		}
		picked[j] = true
		o.Lines = append(o.Lines, o2o.OrderLine{SKU: items[j].sku, Quantity: o2o.Qty(items[j].qty(r), items[j].unit)})
	}
	in := input{Order: o}
	if r.IntN(4) == 0 {
		in.Circumstances.Campaign = &pricing.Campaign{ID: "spring-ladder", Stage: 1 + r.IntN(2),
			FundingLeft: o2o.MustParseMoney(fmt.Sprintf("%d.00", 2000+1000*r.IntN(20)))}
	}
	if o.Channel == o2o.ChannelB2C && p.store != "" && r.IntN(3) == 0 {
		in.Circumstances.Coupons = []channel.Coupon{{Code: "CPN-" + o.ID, Customer: cust, Store: p.store}}
	}
	return in
}
