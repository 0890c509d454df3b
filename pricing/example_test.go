package pricing_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// Loading a policy from JSON, then quoting an online and an in-store order.
func Example_loadFromJSON() {
	cat := o2o.MustCatalog(o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre})
	book, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Price: o2o.MustParseMoney("100.00")},                                     // the national price
		{SKU: "TILE-800", Scope: o2o.MustRegionCode("440000"), Price: o2o.MustParseMoney("95.00")}, // Guangdong's price
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	cfg, err := pricing.ParseConfig([]byte(`{
		"uplift": {"percent": "5", "cap": {"amount": "100.00", "currency": "CNY"}},
		"vat": {"categories": [{"category": "tiles", "percent": "13"}]},
		"rounding": {"mode": "half_even", "increment": "fen"}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	policy, err := cfg.Build(book)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := pricing.Request{
		SKU: "TILE-800", Quantity: o2o.Qty(o2o.MustDec("10").Decimal, o2o.UnitSquareMetre),
		Region: o2o.MustRegionCode("440305001"), Channel: o2o.ChannelO2O,
		Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-SZ-01"}, Segment: o2o.SegmentRetail, At: at,
	}
	store, _ := policy.Quote(req)
	req.Placed = o2o.Placement{Venue: o2o.VenueOnline}
	online, _ := policy.Quote(req)
	fmt.Println("in store:", store.UnitPrice, "online:", online.UnitPrice)
	// Output: in store: 95.00 CNY online: 99.75 CNY
}

// A quote explains itself step by step.
func ExampleQuote_Explain() {
	cat := o2o.MustCatalog(o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre})
	book, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Price: o2o.MustParseMoney("100.00")},                                     // the national price
		{SKU: "TILE-800", Scope: o2o.MustRegionCode("440000"), Price: o2o.MustParseMoney("95.00")}, // Guangdong's price
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	policy, _ := pricing.Config{
		NetworkLowest: pricing.Network{Mode: pricing.NetworkMatch, OwnSources: []string{"our-b2c"}},
		VAT:           pricing.VAT{Categories: []pricing.CategoryRate{{Category: "tiles", Percent: o2o.MustDec("13")}}},
		Costs:         []pricing.Cost{{SKU: "TILE-800", Cost: o2o.MustParseMoney("60.00")}},
	}.Build(book)
	q, err := policy.Quote(pricing.Request{
		SKU: "TILE-800", Quantity: o2o.Qty(o2o.MustDec("12.5").Decimal, o2o.UnitSquareMetre),
		Region: o2o.MustRegionCode("440300"), Channel: o2o.ChannelO2O,
		Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-SZ-01"}, Segment: o2o.SegmentRetail, At: at,
		Observations: []pricing.Observation{{Source: "jd", Brand: "Mianpeng", Model: "T800", Price: o2o.MustParseMoney("89.90"),
			ObservedAt: at.Add(-time.Hour), ValidUntil: at.Add(24 * time.Hour)}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(q.Explain())
	// Output:
	// Quote TILE-800 (Mianpeng T800, tiles): 12.5 m2, in store S-SZ-01, region 440300, o2o channel
	//   1. list_price              0.00        +95.00 =        95.00  province price of 440000: one price per province (全省一个价)
	//   2. network_lowest         95.00         -5.10 =        89.90  matched the lowest price on the network for Mianpeng T800: 89.90 CNY at jd (同品牌同款产品全网最低)
	//   3. vat                    89.90         +0.00 =        89.90  price includes VAT at 13% for category tiles: 129.28 CNY
	// Unit price 89.90 CNY × 12.5 m2 = line total 1123.75 CNY
	// VAT 13% included: 129.28 CNY (category tiles)
	// Flags: matched
}

// No haggling (不讲价): a lower price asked for is refused with ErrNoHaggling.
func ExamplePolicy_Quote_noHaggling() {
	cat := o2o.MustCatalog(o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre})
	book, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Price: o2o.MustParseMoney("100.00")},                                     // the national price
		{SKU: "TILE-800", Scope: o2o.MustRegionCode("440000"), Price: o2o.MustParseMoney("95.00")}, // Guangdong's price
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	policy, _ := pricing.Config{VAT: pricing.VAT{Default: &o2o.Decimal{}}}.Build(book)
	ask := o2o.MustParseMoney("90.00")
	_, err = policy.Quote(pricing.Request{
		SKU: "TILE-800", Quantity: o2o.Qty(o2o.MustDec("1").Decimal, o2o.UnitSquareMetre),
		Region: o2o.MustRegionCode("440300"), Channel: o2o.ChannelO2O,
		Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-SZ-01"}, Segment: o2o.SegmentRetail, At: at,
		Negotiated: &ask,
	})
	fmt.Println(errors.Is(err, pricing.ErrNoHaggling))
	fmt.Println(err)
	// Output:
	// true
	// quote TILE-800: negotiation: no haggling (不讲价): the price is the same for everyone
}

// Building a book refuses local prices and names the entry at fault.
func ExampleNewBook() {
	cat := o2o.MustCatalog(o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O})
	_, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Scope: o2o.MustRegionCode("440300"), Price: o2o.MustParseMoney("95.00")},
	})
	fmt.Println(errors.Is(err, pricing.ErrLocalPrice))
	fmt.Println(err)
	// Output:
	// true
	// price book: entries[0] (SKU TILE-800): scope 440300 is a city: O2O-line prices are national or per province (全省一个价)
}

// The promotion ladder: stage 2 asked, only stage 1 funded.
func ExamplePolicy_Quote_ladder() {
	cat := o2o.MustCatalog(o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre})
	book, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Price: o2o.MustParseMoney("100.00")},                                     // the national price
		{SKU: "TILE-800", Scope: o2o.MustRegionCode("440000"), Price: o2o.MustParseMoney("95.00")}, // Guangdong's price
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	cost := func(s string) o2o.Money { return o2o.MustParseMoney(s) }
	policy, err := pricing.Config{
		VAT: pricing.VAT{Default: &o2o.Decimal{}},
		Ladder: []pricing.Stage{
			{Stage: 1, Adds: []pricing.StageBenefit{{Code: "free_construction", Description: "free construction (免费施工)", Kind: pricing.BenefitService, Cost: cost("800")}}},
			{Stage: 2, Adds: []pricing.StageBenefit{{Code: "house_fee_waived", Description: "house payment waived (免房款)", Kind: pricing.BenefitService, Cost: cost("2000")}}},
		},
	}.Build(book)
	if err != nil {
		fmt.Println(err)
		return
	}
	q, _ := policy.Quote(pricing.Request{
		SKU: "TILE-800", Quantity: o2o.Qty(o2o.MustDec("10").Decimal, o2o.UnitSquareMetre),
		Region: o2o.MustRegionCode("440300"), Channel: o2o.ChannelO2O,
		Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-SZ-01"}, Segment: o2o.SegmentRetail, At: at,
		Campaign: &pricing.Campaign{ID: "C-1", Stage: 2, FundingLeft: cost("1000")},
	})
	fmt.Println("stage", q.Stage, "fallback", q.Flags.StageFallback, "unit", q.UnitPrice)
	for _, b := range q.Benefits {
		fmt.Println(b.Code, b.Price.AmountString(), b.Cost.AmountString(), b.FundedBy)
	}
	// Output:
	// stage 1 fallback true unit 95.00 CNY
	// free_construction 0.00 800.00 C-1
}

// Store eligibility: a unified price and the lowest on the network.
func ExamplePolicy_StoreEligible() {
	cat := o2o.MustCatalog(o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre})
	book, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Price: o2o.MustParseMoney("100.00")},                                     // the national price
		{SKU: "TILE-800", Scope: o2o.MustRegionCode("440000"), Price: o2o.MustParseMoney("95.00")}, // Guangdong's price
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	policy, _ := pricing.Config{VAT: pricing.VAT{Default: &o2o.Decimal{}}}.Build(book)
	el, _ := policy.StoreEligible("TILE-800", o2o.MustRegionCode("440300"), at, []pricing.Observation{
		{Source: "jd", Brand: "Mianpeng", Model: "T800", Price: o2o.MustParseMoney("89.90"), ObservedAt: at.Add(-time.Hour), ValidUntil: at.Add(time.Hour)},
	})
	fmt.Println(el.Eligible)
	for _, r := range el.Reasons {
		fmt.Println(r)
	}
	// Output:
	// false
	// unified price: 440000 price 95.00 CNY
	// not the lowest on the network: Mianpeng T800 is sold for 89.90 CNY at jd, below our 95.00 CNY
}

// One order of two lines under a campaign at stage 1: the free
// construction is granted and funded once for the order, not per line.
func ExamplePolicy_QuoteOrder() {
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, o2o.China())
	cat := o2o.MustCatalog(
		o2o.Product{SKU: "TILE-800", Brand: "Mianpeng", Model: "T800", Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		o2o.Product{SKU: "MEASURE", Brand: "Mianpeng", Model: "M", Category: "services", Line: o2o.LineO2O, Service: o2o.ServiceMeasurement, Unit: o2o.UnitJob},
	)
	book, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Price: o2o.MustParseMoney("95.00")},
		{SKU: "MEASURE", Price: o2o.MustParseMoney("0.00")}, // the free on-site measurement
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	policy, err := pricing.Config{
		VAT: pricing.VAT{Default: &o2o.Decimal{}},
		Ladder: []pricing.Stage{{Stage: 1, Adds: []pricing.StageBenefit{
			{Code: "free_construction", Description: "free construction (免费施工)", Kind: pricing.BenefitService, Cost: o2o.MustParseMoney("800")}}}},
	}.Build(book)
	if err != nil {
		fmt.Println(err)
		return
	}
	oq, err := policy.QuoteOrder(pricing.OrderRequest{
		Region: o2o.MustRegionCode("440300"), Channel: o2o.ChannelO2O,
		Placed: o2o.Placement{Venue: o2o.VenueStore, StoreID: "S-SZ-01"}, Segment: o2o.SegmentRetail, At: at,
		Campaign: &pricing.Campaign{ID: "C-1", Stage: 1, FundingLeft: o2o.MustParseMoney("1000")},
		Lines: []pricing.OrderLine{
			{SKU: "TILE-800", Quantity: o2o.Qty(o2o.MustDec("10").Decimal, o2o.UnitSquareMetre)},
			{SKU: "MEASURE", Quantity: o2o.Qty(o2o.MustDec("1").Decimal, o2o.UnitJob)},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, q := range oq.Lines {
		fmt.Println(q.SKU, q.LineTotal, q.Steps[0].Code)
	}
	for _, b := range oq.Benefits {
		fmt.Println(b.Code, "cost", b.Cost, "funded by", b.FundedBy)
	}
	fmt.Println("stage", oq.Stage, "subtotal", oq.Subtotal, "payable", oq.Payable, "funding drawn", oq.FundingDrawn)
	// Output:
	// TILE-800 950.00 CNY national_price
	// MEASURE 0.00 CNY free_service
	// free_construction cost 800.00 CNY funded by C-1
	// stage 1 subtotal 950.00 CNY payable 950.00 CNY funding drawn 800.00 CNY
}
