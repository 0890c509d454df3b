// Command pricing walks through each pricing rule of o2okit and prints the
// explanation of each quote.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

const policyJSON = `{
  "groupAccounts": ["G-001"],
  "costs": [{"sku": "TILE-800", "cost": {"amount": "60.00", "currency": "CNY"}},
            {"sku": "CAB-01", "cost": {"amount": "2500.00", "currency": "CNY"}}],
  "minMarginPercent": "10",
  "uplift": {"percent": "5", "cap": {"amount": "100.00", "currency": "CNY"}},
  "negotiation": {"enabled": false, "bandPercent": "0"},
  "valueAdded": [{"code": "free_design", "description": "free design", "cost": {"amount": "500.00", "currency": "CNY"}},
                 {"code": "extended_warranty", "description": "five-year warranty", "cost": {"amount": "300.00", "currency": "CNY"}}],
  "vat": {"categories": [{"category": "tiles", "percent": "13"}, {"category": "cabinets", "percent": "13"}]},
  "networkLowest": {"mode": "match", "ownSources": ["our-b2c"]},
  "ladder": [
    {"stage": 1, "adds": [{"code": "free_construction", "description": "free construction (免费施工)", "kind": "service", "cost": {"amount": "800.00", "currency": "CNY"}}]},
    {"stage": 2, "adds": [{"code": "house_fee_waived", "description": "house payment waived (免房款)", "kind": "service", "cost": {"amount": "2000.00", "currency": "CNY"}}]},
    {"stage": 3, "adds": [{"code": "products_free", "description": "all products free (产品全部免单)", "kind": "products_free", "cost": {"amount": "0.00", "currency": "CNY"}}]},
    {"stage": 4, "adds": [{"code": "payback", "description": "the customer is paid back (还倒付用户钱)", "kind": "payback", "cost": {"amount": "500.00", "currency": "CNY"}}]}
  ],
  "clearance": [{"grade": "A", "percent": "20"}, {"grade": "B", "percent": "35"}, {"grade": "C", "percent": "50"}],
  "rounding": {"mode": "half_even", "increment": "fen"}
}`

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	cat, err := o2o.NewCatalog([]o2o.Product{
		{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		{SKU: "CAB-01", Brand: "Mianpeng", Model: "K1", Category: "cabinets", Line: o2o.LineO2O},
		{SKU: "DLR-TILE", Brand: "Huashan", Model: "H600", Category: "tiles", Line: o2o.LineDealer, Unit: o2o.UnitSquareMetre},
	})
	if err != nil {
		return err
	}
	book, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Price: o2o.MustParseMoney("100.00")},
		{SKU: "TILE-800", Scope: o2o.MustRegionCode("440000"), Price: o2o.MustParseMoney("95.00")},
		{SKU: "CAB-01", Price: o2o.MustParseMoney("3999.00")},
	})
	if err != nil {
		return err
	}
	cfg, err := pricing.ParseConfig([]byte(policyJSON))
	if err != nil {
		return err
	}
	policy, err := cfg.Build(book)
	if err != nil {
		return err
	}
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	store := o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-SZ-01"}
	tiles := func(m2 string) o2o.Quantity { return o2o.Qty(o2o.MustDec(m2).Decimal, o2o.UnitSquareMetre) }
	base := pricing.Request{SKU: "TILE-800", Quantity: tiles("10"), Region: o2o.MustRegionCode("440305001"),
		Channel: o2o.ChannelO2O, Placed: store, Segment: o2o.SegmentRetail, At: at}
	ask := o2o.MustParseMoney("88.00")

	show := func(title string, change func(r *pricing.Request)) {
		r := base
		change(&r)
		fmt.Println("==", title)
		q, err := policy.Quote(r)
		if err != nil {
			fmt.Println("refused:", err)
			fmt.Println()
			return
		}
		fmt.Println(q.Explain())
	}
	show("Province price in a Guangdong store (全省一个价)", func(r *pricing.Request) {})
	show("National price in Zhejiang", func(r *pricing.Request) { r.Region = o2o.MustRegionCode("330106") })
	show("Online: a little higher", func(r *pricing.Request) { r.Placed = o2o.Placement{Venue: o2o.VenueOnline} })
	show("Online on the store's own screen counts as in store", func(r *pricing.Request) {
		r.Placed = o2o.Placement{Venue: o2o.VenueStoreScreen, StoreID: "S-SZ-01"}
	})
	show("Online uplift capped", func(r *pricing.Request) {
		r.SKU, r.Quantity, r.Placed = "CAB-01", o2o.Qty(decimal.New(1, 0), o2o.UnitPiece), o2o.Placement{Venue: o2o.VenueOnline}
	})
	show("No haggling (不讲价)", func(r *pricing.Request) { r.Negotiated = &ask })
	show("Designated group account: value-added services, price unchanged", func(r *pricing.Request) {
		r.Segment, r.AccountID = o2o.SegmentGroup, "G-001"
	})
	obs := func(price string) []pricing.Observation {
		return []pricing.Observation{
			{Source: "jd", Brand: "Mianpeng", Model: "T800", Price: o2o.MustParseMoney(price), ObservedAt: at.Add(-time.Hour), ValidUntil: at.Add(48 * time.Hour)},
			{Source: "our-b2c", Brand: "Mianpeng", Model: "T800", Price: o2o.MustParseMoney("50.00"), ObservedAt: at.Add(-time.Hour), ValidUntil: at.Add(48 * time.Hour)},
		}
	}
	show("Network lowest: matched", func(r *pricing.Request) { r.Observations = obs("89.90") })
	show("Network lowest: held at the floor, violation reported", func(r *pricing.Request) { r.Observations = obs("61.00") })
	show("Rounding difference on 12.35 m2 online", func(r *pricing.Request) {
		r.Quantity, r.Placed = tiles("12.35"), o2o.Placement{Venue: o2o.VenueOnline}
	})
	for stage := 1; stage <= 4; stage++ {
		show(fmt.Sprintf("Promotion ladder stage %d", stage), func(r *pricing.Request) {
			r.Campaign = &pricing.Campaign{ID: "C-2025", Stage: stage, FundingLeft: o2o.MustParseMoney("10000.00")}
		})
	}
	show("Promotion ladder stage 4 with 3000 of funding left", func(r *pricing.Request) {
		r.Campaign = &pricing.Campaign{ID: "C-2025", Stage: 4, FundingLeft: o2o.MustParseMoney("3000.00")}
	})
	show("Clearance of grade-B returned goods in the store holding them", func(r *pricing.Request) {
		r.Returned = &pricing.Returned{Grade: "B", StoreID: "S-SZ-01"}
	})
	show("Clearance online is refused", func(r *pricing.Request) {
		r.Placed, r.Returned = o2o.Placement{Venue: o2o.VenueOnline}, &pricing.Returned{Grade: "B", StoreID: "S-SZ-01"}
	})
	show("A dealer-line product is refused", func(r *pricing.Request) { r.SKU = "DLR-TILE" })

	// One order of two lines at ladder stage 2: the benefits are granted,
	// and the campaign's funding drawn, once for the order.
	oq, err := policy.QuoteOrder(pricing.OrderRequest{
		Region: base.Region, Channel: base.Channel, Placed: store, Segment: o2o.SegmentRetail, At: at,
		Campaign: &pricing.Campaign{ID: "C-2025", Stage: 2, FundingLeft: o2o.MustParseMoney("3000.00")},
		Lines: []pricing.OrderLine{
			{SKU: "TILE-800", Quantity: tiles("10")},
			{SKU: "CAB-01", Quantity: o2o.Qty(decimal.New(1, 0), o2o.UnitPiece)},
		},
	})
	if err != nil {
		return err
	}
	fmt.Println("== One order, two lines, ladder stage 2 with 3000 of funding left")
	for _, q := range oq.Lines {
		fmt.Printf("  %s × %s: %s\n", q.SKU, q.Quantity, q.LineTotal)
	}
	for _, s := range oq.Steps {
		fmt.Println("  " + s.Reason())
	}
	for _, b := range oq.Benefits {
		fmt.Printf("  - %s: cost %s, funded by %s\n", b.Code, b.Cost, b.FundedBy)
	}
	fmt.Printf("  subtotal %s, products free %s, paid back %s, the customer pays %s; funding drawn %s\n\n",
		oq.Subtotal, oq.ProductsFree, oq.PaidBack, oq.Payable, oq.FundingDrawn)

	el, err := policy.StoreEligible("TILE-800", o2o.MustRegionCode("440300"), at, obs("89.90")[:1])
	if err != nil {
		return err
	}
	fmt.Printf("== Store eligibility of TILE-800 in Guangdong: %v\n", el.Eligible)
	for _, r := range el.Reasons {
		fmt.Println("  -", r)
	}
	return nil
}
