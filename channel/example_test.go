package channel_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/shopspring/decimal"
)

// Load builds the rules from JSON; the segregation report names both SKUs
// of every conflict.
func ExampleLoad() {
	n, err := channel.Load([]byte(`{
	  "stores": [
	    {"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail", "measurement", "construction"]},
	    {"id": "SZ-NS", "covers": ["440305"], "capabilities": ["retail", "measurement"]},
	    {"id": "GD-PROV", "covers": ["440000"], "capabilities": ["retail", "measurement", "construction"]}
	  ],
	  "agents": [{"id": "AG-WANG", "storeId": "SZ-NT", "role": "service"}],
	  "dealers": [{"id": "DL-HZ", "mode": "fused", "territory": ["330100"]}],
	  "segregation": {"b2cOnly": ["TILE-800-WEB"]},
	  "leads": {"protectionDays": 30},
	  "showcase": {"maxHotProducts": 3, "refreshDays": 30}
	}`), o2o.MustCatalog(
		o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		o2o.Product{SKU: "TILE-800-WEB", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		o2o.Product{SKU: "DOOR-DX", Brand: "Mianpeng", Model: "DX", Category: "doors", Line: o2o.LineO2O},
		o2o.Product{SKU: "DOOR-DX-D", Brand: "Mianpeng", Model: "DX", Category: "doors", Line: o2o.LineDealer},
		o2o.Product{SKU: "FLOOR-D7", Brand: "Mianpeng", Model: "D7", Category: "flooring", Line: o2o.LineDealer},
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	r := n.Segregation()
	fmt.Println("disjoint:", r.Disjoint())
	for _, f := range r.Conflicts {
		fmt.Println("conflict:", f.Reason)
	}
	for _, f := range r.Risks {
		fmt.Println("risk:", f.SKU, "vs", f.OtherSKU)
	}
	// Output:
	// disjoint: false
	// conflict: Mianpeng DX is on the O2O line as DOOR-DX and on the dealer line as DOOR-DX-D; the lines must be disjoint (产品区隔)
	// risk: TILE-800-WEB vs TILE-800
}

func ExampleNetwork_MaySell() {
	n, err := channel.Load([]byte(`{
	  "stores": [{"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail"]}],
	  "agents": [{"id": "AG-WANG", "storeId": "SZ-NT", "role": "service"}],
	  "segregation": {"b2cOnly": ["TILE-800-WEB"]}
	}`), o2o.MustCatalog(
		o2o.Product{SKU: "TILE-800-WEB", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		o2o.Product{SKU: "FLOOR-D7", Brand: "Mianpeng", Model: "D7", Category: "flooring", Line: o2o.LineDealer},
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range []channel.Sale{
		{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: channel.Store("SZ-NT")},
		{SKU: "FLOOR-D7", Channel: o2o.ChannelB2C, Seller: channel.Platform("tmall")},
		{SKU: "TILE-800-WEB", Channel: o2o.ChannelO2O, Seller: channel.Agent("AG-WANG")},
	} {
		v, err := n.MaySell(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s via %s by %s: %v (%s)\n", s.SKU, s.Channel, s.Seller, v.Allowed, v.Rule)
	}
	// Output:
	// SOFA-S3 via o2o by store:SZ-NT: true (segregation.allowed)
	// FLOOR-D7 via b2c by platform:tmall: false (segregation.dealer_line_dealers_only)
	// TILE-800-WEB via o2o by agent:AG-WANG: false (segregation.b2c_only)
}

func ExampleNetwork_Route() {
	n, err := channel.Load([]byte(`{"stores": [
	  {"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail", "measurement", "construction"]},
	  {"id": "SZ-NS", "covers": ["440305"], "capabilities": ["retail", "measurement"]},
	  {"id": "GD-PROV", "covers": ["440000"], "capabilities": ["retail", "measurement", "construction"]}
	]}`), o2o.MustCatalog(
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	o := o2o.Order{ID: "O-1", Channel: o2o.ChannelO2O, Customer: o2o.Customer{ID: "C-1", Segment: o2o.SegmentRetail},
		Delivery: o2o.MustRegionCode("440305002"), Placed: o2o.Placement{Venue: o2o.VenueOnline},
		At:    time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China()),
		Lines: []o2o.OrderLine{{SKU: "SOFA-S3", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)}}}
	d, err := n.Route(o, channel.CapConstruction)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Reason)
	for _, p := range d.PassedOver {
		fmt.Println("passed over", p.Party, "-", p.Reason)
	}
	o.ID, o.Delivery = "O-2", o2o.MustRegionCode("110105001") // Beijing, which no store covers
	_, err = n.Route(o, channel.CapRetail)
	fmt.Println(err)
	// Output:
	// store:GD-PROV covers the province 440000, the closest level to 440305002 with a candidate able to do construction
	// passed over store:SZ-NS - covers the county 440305 but cannot do construction
	// route order "O-2" (retail to 110105001): no candidate can serve the order
}

func ExampleNetwork_CheckOrder() {
	n, err := channel.Load([]byte(`{
	  "stores": [{"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail"]}],
	  "dealers": [{"id": "DL-HZ", "mode": "fused", "territory": ["330100"]}]
	}`), o2o.MustCatalog(
		o2o.Product{SKU: "FLOOR-D7", Brand: "Mianpeng", Model: "D7", Category: "flooring", Line: o2o.LineDealer},
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	leads, _, _ := n.Leads().Register(channel.Lead{Customer: "C-1", Party: channel.Store("SZ-NT"), At: time.Date(2024, 5, 1, 9, 0, 0, 0, o2o.China())}, time.Date(2024, 5, 1, 9, 0, 0, 0, o2o.China()))
	o := o2o.Order{ID: "O-3", Channel: o2o.ChannelB2C, Customer: o2o.Customer{ID: "C-1", Segment: o2o.SegmentRetail},
		Delivery: o2o.MustRegionCode("330106002"), Placed: o2o.Placement{Venue: o2o.VenueOnline},
		At: time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China()),
		Lines: []o2o.OrderLine{
			{SKU: "SOFA-S3", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)},
			{SKU: "FLOOR-D7", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)},
		}}
	o.PaidOnline = true
	r, err := n.CheckOrder(o, channel.Facts{Leads: leads})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Findings {
		fmt.Printf("%s: %s\n", f.Kind, f.Reason)
	}
	for _, e := range r.Entitlements {
		fmt.Println("entitlement:", e.Dealer, e.Territory, len(e.Lines), "line(s)")
	}
	// Output:
	// dealer_line_outside_dealers: FLOOR-D7 is a dealer-line product: the dealer keeps its pricing power, so it is sold only through dealers, not through b2c (产品区隔)
	// steered_to_b2c: customer "C-1" is an O2O customer of store:SZ-NT but paid online through B2C; the O2O operation is independent and never mixed with B2C
	// cross_compensation: an O2O-line sale through b2c delivered into the territory of fused dealer DL-HZ entitles it to cross-compensation (交叉补偿)
	// entitlement: DL-HZ 330100 1 line(s)
}

func ExampleLeads_Register() {
	n, err := channel.Load([]byte(`{
	  "stores": [{"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail"]}, {"id": "SZ-NS", "covers": ["440305"], "capabilities": ["retail"]}],
	  "agents": [{"id": "AG-WANG", "storeId": "SZ-NT", "role": "service"}],
	  "leads": {"protectionDays": 30}
	}`), o2o.MustCatalog(
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	at := func(d int) time.Time { return time.Date(2024, 5, d, 9, 0, 0, 0, o2o.China()) }
	leads := n.Leads()
	for _, l := range []channel.Lead{
		{Customer: "C-1", Party: channel.Store("SZ-NS"), At: at(1)},
		{Customer: "C-1", Party: channel.Agent("AG-WANG"), At: at(20)},
		{Customer: "C-1", Party: channel.Agent("AG-WANG"), At: at(31)},
	} {
		next, c, err := leads.Register(l, l.At) // received as it happened
		if err != nil {
			fmt.Println(err)
			return
		}
		leads = next
		fmt.Println(c.Outcome, "-", c.Holder.Party)
	}
	// Output:
	// held - store:SZ-NS
	// conflict - store:SZ-NS
	// held - agent:AG-WANG
}

// A registration is judged against when it was received: one dated in
// the future of that instant cannot claim the customer, so it cannot make
// honest registrations before it fail as out of order.
func ExampleLeads_Register_future() {
	n, err := channel.Load([]byte(`{
	  "stores": [{"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail"]}, {"id": "SZ-NS", "covers": ["440305"], "capabilities": ["retail"]}]
	}`), o2o.MustCatalog(
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2024, 5, 1, 9, 0, 0, 0, o2o.China())
	leads := n.Leads()
	_, _, err = leads.Register(channel.Lead{Customer: "C-1", Party: channel.Store("SZ-NS"), At: time.Date(2099, 1, 1, 0, 0, 0, 0, o2o.China())}, now)
	fmt.Println(errors.Is(err, channel.ErrFutureLead))
	_, c, err := leads.Register(channel.Lead{Customer: "C-1", Party: channel.Store("SZ-NT"), At: now}, now)
	fmt.Println(c.Outcome, err)
	// Output:
	// true
	// held <nil>
}

func ExampleNetwork_CheckShowcase() {
	n, err := channel.Load([]byte(`{
	  "stores": [{"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail"]}],
	  "showcase": {"maxHotProducts": 3, "refreshDays": 30}
	}`), o2o.MustCatalog(
		o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	plan := channel.ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3", "TILE-800"}, RefreshedAt: time.Date(2024, 4, 1, 9, 0, 0, 0, o2o.China())}
	answers := []channel.Eligibility{{SKU: "SOFA-S3", Eligible: true}, {SKU: "TILE-800", Eligible: false, Reason: "a lower price for Mianpeng T800 was seen online"}}
	r, _ := n.CheckShowcase(plan, answers, time.Date(2024, 5, 10, 9, 0, 0, 0, o2o.China()))
	for _, v := range r.Violations {
		fmt.Println(v.Rule, "-", v.Reason)
	}
	// Output:
	// showcase.eligible - TILE-800 is not store-eligible (unified price and network lowest, 全省统一价 and 全网最低): a lower price for Mianpeng T800 was seen online
	// showcase.fresh - last refreshed on 2024-04-01, 39 days before 2024-05-10; hot products are refreshed at least every 30 days
}

// Build refuses two dealers whose territories overlap, naming both.
func ExampleConfig_Build() {
	cfg := channel.Config{Dealers: []channel.DealerConfig{
		{ID: "DL-HZ", Mode: channel.ModeFused, Territory: []o2o.RegionCode{o2o.MustRegionCode("330100")}},
		{ID: "DL-XH", Mode: channel.ModeIndependent, Territory: []o2o.RegionCode{o2o.MustRegionCode("330106")}},
	}}
	_, err := cfg.Build(o2o.MustCatalog(o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O}))
	var overlap *channel.OverlapError
	if errors.As(err, &overlap) {
		fmt.Println(overlap.First, "and", overlap.Second, "at", overlap.Path)
	}
	fmt.Println(errors.Is(err, channel.ErrOverlap), errors.Is(err, o2o.ErrInvalid))
	// Output:
	// DL-HZ and DL-XH at dealers[1].territory[0]
	// true true
}

// The holder of a protected lead serves; routing only checks it can.
func ExampleNetwork_RouteWithLeads() {
	n, err := channel.Load([]byte(`{
	  "stores": [{"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail", "measurement"]}],
	  "agents": [{"id": "AG-WANG", "storeId": "SZ-NT", "role": "service"}]
	}`), o2o.MustCatalog(
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	leads, _, err := n.Leads().Register(channel.Lead{Customer: "C-1", Party: channel.Agent("AG-WANG"), At: time.Date(2024, 5, 1, 9, 0, 0, 0, o2o.China())}, time.Date(2024, 5, 1, 9, 0, 0, 0, o2o.China()))
	if err != nil {
		fmt.Println(err)
		return
	}
	o := o2o.Order{ID: "O-4", Channel: o2o.ChannelO2O, Customer: o2o.Customer{ID: "C-1", Segment: o2o.SegmentRetail},
		Delivery: o2o.MustRegionCode("440305001"), Placed: o2o.Placement{Venue: o2o.VenueOnline},
		At:    time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China()),
		Lines: []o2o.OrderLine{{SKU: "SOFA-S3", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)}}}
	d, err := n.RouteWithLeads(o, channel.CapMeasurement, leads)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Serve, "of", d.Store, "-", d.Rule)
	// Output:
	// agent:AG-WANG of SZ-NT - routing.lead_holder
}

// A listing is the catalog filtered by MaySell, so what a store lists is
// exactly what it may sell at checkout.
func ExampleNetwork_Listing() {
	n, err := channel.Load([]byte(`{
	  "stores": [{"id": "SZ-NT", "covers": ["440305001"], "capabilities": ["retail"]}],
	  "segregation": {"b2cOnly": ["TILE-800-WEB"]}
	}`), o2o.MustCatalog(
		o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		o2o.Product{SKU: "TILE-800-WEB", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		o2o.Product{SKU: "DOOR-DX", Brand: "Mianpeng", Model: "DX", Category: "doors", Line: o2o.LineO2O},
		o2o.Product{SKU: "DOOR-DX-D", Brand: "Mianpeng", Model: "DX", Category: "doors", Line: o2o.LineDealer},
		o2o.Product{SKU: "FLOOR-D7", Brand: "Mianpeng", Model: "D7", Category: "flooring", Line: o2o.LineDealer},
		o2o.Product{SKU: "SOFA-S3", Brand: "Mianpeng", Model: "S3", Category: "furniture", Line: o2o.LineO2O},
	))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, seller := range []channel.PartyRef{channel.Store("SZ-NT"), channel.Platform("tmall")} {
		skus, err := n.Listing(o2o.ChannelO2O, seller)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(seller, skus)
	}
	skus, _ := n.Listing(o2o.ChannelB2C, channel.Platform("tmall"))
	fmt.Println("b2c", skus)
	// Output:
	// store:SZ-NT [SOFA-S3 TILE-800]
	// platform:tmall [SOFA-S3 TILE-800]
	// b2c [SOFA-S3 TILE-800 TILE-800-WEB]
}
