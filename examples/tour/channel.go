package main

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
)

// channelNetworkJSON is the channel rules as an ERP would store them: three
// stores from township to province, a service agent, and a fused dealer
// holding Hangzhou for its own line.
const channelNetworkJSON = `{
  "stores": [
    {"id": "SZ-NT", "name": "Nantou street store", "covers": ["440305001"], "capabilities": ["retail", "measurement", "construction"]},
    {"id": "SZ-NS", "name": "Nanshan district store", "covers": ["440305"], "capabilities": ["retail", "measurement", "after_sales"]},
    {"id": "GD-PROV", "name": "Guangdong hub", "covers": ["440000"], "capabilities": ["retail", "measurement", "construction"]},
    {"id": "HZ-XH", "name": "Hangzhou Xihu store", "covers": ["330106"], "capabilities": ["retail", "measurement", "construction"]}
  ],
  "agents": [{"id": "AG-WANG", "name": "Wang, construction service specialist", "storeId": "SZ-NT", "role": "service"}],
  "dealers": [{"id": "DL-HZ", "name": "Hangzhou tile dealer", "mode": "fused", "territory": ["330100"]}],
  "segregation": {"b2cOnly": ["TILE-YF600-WEB"]}
}`

// channelStep shows the channel rules: the catalog's two lines proven
// disjoint, an order routed to the store covering its township with the
// candidates passed over, and an O2O sale into a fused dealer's territory
// that entitles the dealer to cross-compensation (交叉補償).
func channelStep() error {
	heading("Channel: segregation, routing and conflicts (渠道衝突)")
	catalog, err := o2o.NewCatalog([]o2o.Product{
		{SKU: "TILE-YF600", Name: "Porcelain tile 600×600", Brand: "Dongpeng", Model: "YF600", Category: "tile", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		{SKU: "TILE-YF600-WEB", Name: "Porcelain tile 600×600, online edition", Brand: "Dongpeng", Model: "YF600", Category: "tile", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		{SKU: "CAB-K1-O2O", Name: "Kitchen cabinet K1", Brand: "Oppein", Model: "K1", Category: "cabinet", Line: o2o.LineO2O, Unit: o2o.UnitPiece},
		{SKU: "TILE-D800", Name: "Dealer tile 800×800", Brand: "Dongpeng", Model: "D800", Category: "tile", Line: o2o.LineDealer, Unit: o2o.UnitSquareMetre},
	})
	if err != nil {
		return err
	}
	net, err := channel.Load([]byte(channelNetworkJSON), catalog)
	if err != nil {
		return err
	}

	seg := net.Segregation()
	fmt.Printf("O2O line and dealer line disjoint (產品區隔): %v\n", seg.Disjoint())
	for _, r := range seg.Risks {
		fmt.Println("  risk:", r.Reason)
	}
	v, err := net.MaySell(channel.Sale{SKU: "TILE-D800", Channel: o2o.ChannelO2O, Seller: channel.Store("SZ-NT")})
	if err != nil {
		return err
	}
	fmt.Printf("May store SZ-NT sell TILE-D800 through O2O? %v: %s\n", v.Allowed, v.Reason)

	at := time.Date(2026, 11, 22, 10, 30, 0, 0, o2o.China())
	measure := o2o.Order{
		ID: "ORD-2001", Channel: o2o.ChannelO2O,
		Customer: o2o.Customer{ID: "CUST-88", Segment: o2o.SegmentRetail},
		Delivery: o2o.MustRegionCode("440305001"),
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		Lines:    []o2o.OrderLine{{SKU: "CAB-K1-O2O", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)}},
		At:       at,
	}
	d, err := net.Route(measure, channel.CapConstruction)
	if err != nil {
		return err
	}
	fmt.Printf("%s needs %s in %s → %s (agents %v)\n  why: %s\n", d.OrderID, d.Need, d.Delivery, d.Serve, d.Agents, d.Reason)
	for _, p := range d.PassedOver {
		fmt.Printf("  passed over %s: %s\n", p.Party, p.Reason)
	}

	sale := measure
	sale.ID, sale.Delivery = "ORD-2002", o2o.MustRegionCode("330106001")
	sale.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "HZ-XH"}
	sale.Lines = []o2o.OrderLine{{SKU: "TILE-YF600", Quantity: o2o.Qty(decimal.RequireFromString("36.5"), o2o.UnitSquareMetre)}}
	report, err := net.CheckOrder(sale, channel.Facts{})
	if err != nil {
		return err
	}
	for _, f := range report.Findings {
		fmt.Printf("%s: %s [%s]\n  %s\n", sale.ID, f.Kind, f.Rule, f.Reason)
	}
	for _, e := range report.Entitlements {
		fmt.Printf("  entitlement for settlement: dealer %s, territory %s, %d line(s) of %s, %s\n",
			e.Dealer, e.Territory, len(e.Lines), e.OrderID, e.At.Format("2006-01-02 15:04"))
	}
	return nil
}
