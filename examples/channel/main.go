// Command channel walks through the channel rules of o2okit: the
// segregation report, three routed orders (township, county and province
// fallback), and each conflict kind detected on an order with its
// explanation.
//
//	go run ./examples/channel
package main

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/shopspring/decimal"
)

const catalogJSON = `{"products": [
  {"sku": "TILE-800", "brand": "Mianpeng", "model": "T800", "category": "tiles", "line": "o2o", "unit": "m2"},
  {"sku": "TILE-800-WEB", "brand": "Mianpeng", "model": "T800", "category": "tiles", "line": "o2o", "unit": "m2"},
  {"sku": "SOFA-S3", "brand": "Mianpeng", "model": "S3", "category": "furniture", "line": "o2o"},
  {"sku": "DOOR-DX", "brand": "Mianpeng", "model": "DX", "category": "doors", "line": "o2o"},
  {"sku": "DOOR-DX-D", "brand": "Mianpeng", "model": "DX", "category": "doors", "line": "dealer"},
  {"sku": "FLOOR-D7", "brand": "Mianpeng", "model": "D7", "category": "flooring", "line": "dealer", "unit": "m2"}
]}`

const networkJSON = `{
  "stores": [
    {"id": "SZ-NT", "name": "Nantou street store", "covers": ["440305001"], "capabilities": ["retail", "measurement", "construction"]},
    {"id": "SZ-NS", "name": "Nanshan district store", "covers": ["440305"], "capabilities": ["retail", "measurement", "after_sales"]},
    {"id": "GD-PROV", "name": "Guangdong hub", "covers": ["440000"], "capabilities": ["retail", "measurement", "construction", "after_sales"]},
    {"id": "HZ-XH", "name": "Hangzhou Xihu store", "covers": ["330106"], "capabilities": ["retail", "measurement", "construction"]}
  ],
  "agents": [{"id": "AG-WANG", "storeId": "SZ-NT", "role": "service"}],
  "dealers": [
    {"id": "DL-HZ", "name": "Hangzhou flooring dealer", "mode": "fused", "territory": ["330100"]},
    {"id": "DL-DG", "name": "Dongguan door dealer", "mode": "independent", "territory": ["441900"]}
  ],
  "segregation": {"b2cOnly": ["TILE-800-WEB"]},
  "leads": {"protectionDays": 30}
}`

func main() {
	catalog, err := o2o.ParseCatalogJSON([]byte(catalogJSON))
	if err != nil {
		log.Fatal(err)
	}
	net, err := channel.Load([]byte(networkJSON), catalog)
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("== Segregation report (产品区隔)")
	seg := net.Segregation()
	fmt.Println("lines disjoint:", seg.Disjoint())
	for _, f := range seg.Conflicts {
		fmt.Println("  conflict:", f.Reason)
	}
	for _, f := range seg.Risks {
		fmt.Println("  risk:    ", f.Reason)
	}

	fmt.Println("\n== Routing")
	for _, r := range []struct {
		delivery string
		need     channel.Capability
	}{
		{"440305001", channel.CapConstruction}, // township
		{"440305002", channel.CapAfterSales},   // county
		{"441900003", channel.CapMeasurement},  // province fallback (Dongguan)
	} {
		d, err := net.Route(newOrder("R-"+r.delivery, o2o.ChannelO2O, r.delivery, "SOFA-S3"), r.need)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s needing %s -> %s (%s)\n  %s\n", r.delivery, r.need, d.Serve, d.Level, d.Reason)
		for _, p := range d.PassedOver {
			fmt.Printf("  passed over %s: %s\n", p.Party, p.Reason)
		}
	}
	if _, err := net.Route(newOrder("R-BJ", o2o.ChannelO2O, "110105001", "SOFA-S3"), channel.CapRetail); err != nil {
		fmt.Println("Beijing:", err)
	}

	fmt.Println("\n== Conflicts on orders")
	leads, claim, err := net.Leads().Register(channel.Lead{Customer: "C-1", Party: channel.Store("SZ-NT"), At: day(1)}, day(1))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("lead:", claim.Reason)
	_, claim, _ = leads.Register(channel.Lead{Customer: "C-1", Party: channel.Store("SZ-NS"), At: day(5)}, day(5))
	fmt.Println("lead:", claim.Outcome, "-", claim.Reason)

	steered := newOrder("O-1", o2o.ChannelB2C, "440305001", "SOFA-S3")
	steered.PaidOnline = true
	dealerLine := newOrder("O-2", o2o.ChannelO2O, "330106002", "FLOOR-D7")
	dealerLine.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "HZ-XH"}
	dealerLine.Customer.ID = "C-4"
	byDealer := newOrder("O-3", o2o.ChannelDealer, "330106002", "SOFA-S3")
	byDealer.ServedBy = &o2o.Serving{Kind: o2o.PartyDealer, PartyID: "DL-HZ"}
	crossComp := newOrder("O-4", o2o.ChannelO2O, "330106002", "SOFA-S3", "TILE-800")
	crossComp.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "HZ-XH"}
	crossComp.Customer.ID = "C-4"
	otherThanHolder := newOrder("O-5", o2o.ChannelO2O, "440305001", "SOFA-S3")
	otherThanHolder.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "GD-PROV"}
	unrouted := newOrder("O-6", o2o.ChannelO2O, "440305001", "SOFA-S3")
	unrouted.Customer.ID = "C-2"
	unrouted.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "GD-PROV"}
	coupon := newOrder("O-7", o2o.ChannelB2C, "440305002", "SOFA-S3")
	coupon.Customer.ID = "C-3"
	coupon.PaidOnline = true
	// Notes, not conflicts: routing finds no one in Beijing, so the serving
	// store cannot be checked; a sale into an independent dealer's territory
	// owes nothing.
	uncovered := newOrder("O-8", o2o.ChannelO2O, "110105001", "SOFA-S3")
	uncovered.Customer.ID = "C-5"
	uncovered.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "GD-PROV"}
	independent := newOrder("O-9", o2o.ChannelO2O, "441900003", "SOFA-S3")
	independent.Customer.ID = "C-5"
	independent.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "GD-PROV"}

	facts := channel.Facts{Leads: leads, Need: channel.CapConstruction,
		Coupons: []channel.Coupon{{Code: "CPN-88", Customer: "C-3", Store: "SZ-NS"}}}
	for _, o := range []o2o.Order{steered, coupon, dealerLine, byDealer, crossComp, otherThanHolder, unrouted, uncovered, independent} {
		r, err := net.CheckOrder(o, facts)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("order %s (%s to %s):\n", o.ID, o.Channel, o.Delivery)
		for _, f := range r.Findings {
			fmt.Printf("  [%s] %s\n", f.Kind, f.Reason)
			for _, e := range f.Evidence {
				fmt.Printf("      evidence: %s\n", e)
			}
		}
		for _, e := range r.Entitlements {
			fmt.Printf("  entitlement for settlement: dealer %s, territory %s, %d O2O line(s)\n", e.Dealer, e.Territory, len(e.Lines))
		}
		for _, n := range r.Notes {
			fmt.Printf("  note [%s] %s\n", n.Kind, n.Reason)
		}
	}
}

func day(d int) time.Time { return time.Date(2024, 5, d, 10, 0, 0, 0, o2o.China()) }

func newOrder(id string, ch o2o.Channel, delivery string, skus ...string) o2o.Order {
	o := o2o.Order{ID: id, Channel: ch, Customer: o2o.Customer{ID: "C-1", Segment: o2o.SegmentRetail},
		Delivery: o2o.MustRegionCode(delivery), Placed: o2o.Placement{Venue: o2o.VenueOnline}, At: day(10)}
	for _, s := range skus {
		unit := o2o.UnitPiece
		if strings.HasPrefix(s, "TILE-") || strings.HasPrefix(s, "FLOOR-") {
			unit = o2o.UnitSquareMetre // each line in the product's own unit
		}
		o.Lines = append(o.Lines, o2o.OrderLine{SKU: s, Quantity: o2o.Qty(decimal.NewFromInt(1), unit)})
	}
	return o
}
