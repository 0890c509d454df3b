// Command tour walks through o2okit end to end: a manufacturer's catalog
// split into the O2O line and the dealer line, the regions its stores serve
// down to the township, quotes for one order line online and in store in
// two provinces, and a campaign's traffic cost allocated to the fen.
//
//	go run ./examples/tour
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

func run() error {
	catalog, err := catalogStep()
	if err != nil {
		return err
	}
	if err := regionStep(catalog); err != nil {
		return err
	}
	if err := pricingStep(catalog); err != nil {
		return err
	}
	for _, step := range []func() error{channelStep, workflowStep, settlementStep, allocationStep, drainageStep} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// stepNumber numbers the tour's headings in the order they print.
var stepNumber int

func heading(title string) {
	stepNumber++
	fmt.Printf("\n== %d. %s ==\n", stepNumber, title)
}

// catalogStep builds the catalog: the O2O line, priced by the manufacturer
// one price per province, and the dealer line, where dealers keep their
// pricing power (產品區隔, segregation).
func catalogStep() (*o2o.Catalog, error) {
	heading("The catalog: O2O line and dealer line (產品區隔)")
	catalog, err := o2o.NewCatalog([]o2o.Product{
		{SKU: "TILE-YF600", Name: "Porcelain tile 600×600", Brand: "Dongpeng", Model: "YF600", Category: "tile", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		{SKU: "CAB-K1-O2O", Name: "Kitchen cabinet K1", Brand: "Oppein", Model: "K1", Category: "cabinet", Line: o2o.LineO2O, Unit: o2o.UnitPiece},
		{SKU: "FLOOR-OAK", Name: "Oak floor", Brand: "Nature", Model: "OAK-12", Category: "flooring", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		{SKU: "SVC-MEASURE", Name: "Free on-site measurement (量房)", Brand: "o2okit", Model: "measure", Category: "service", Line: o2o.LineO2O, Service: o2o.ServiceMeasurement, Unit: o2o.UnitJob},
		{SKU: "SVC-VIDEO", Name: "Live video of the site", Brand: "o2okit", Model: "video", Category: "service", Line: o2o.LineO2O, Service: o2o.ServiceLiveVideo, Unit: o2o.UnitJob},
		{SKU: "TILE-D800", Name: "Dealer tile 800×800", Brand: "Dongpeng", Model: "D800", Category: "tile", Line: o2o.LineDealer, Unit: o2o.UnitSquareMetre},
		{SKU: "CAB-Z9-DLR", Name: "Dealer cabinet Z9", Brand: "Oppein", Model: "Z9", Category: "cabinet", Line: o2o.LineDealer, Unit: o2o.UnitPiece},
	})
	if err != nil {
		return nil, err
	}
	for _, line := range o2o.Lines() {
		fmt.Printf("%s line:\n", strings.ToUpper(line.String()))
		for _, p := range catalog.Products() {
			if p.Line != line {
				continue
			}
			kind := "goods"
			if p.IsService() {
				kind = "service: " + p.Service.String()
			}
			fmt.Printf("  %-12s %-32s %-16s per %-5s (%s)\n", p.SKU, p.Name, p.BrandModel(), p.SaleUnit(), kind)
		}
	}

	// The catalog refuses a SKU given twice; the same brand and model on both
	// lines under two SKUs is channel's segregation check (step 4).
	_, err = o2o.NewCatalog([]o2o.Product{
		{SKU: "X-1", Brand: "b", Model: "m", Category: "tile", Line: o2o.LineO2O},
		{SKU: "X-1", Brand: "b", Model: "m", Category: "tile", Line: o2o.LineDealer},
	})
	fmt.Println("A SKU given twice is refused:", err)
	return catalog, nil
}

// regionStep shows the two provinces the stores serve, and containment from
// province down to township — what routing and territories are built on.
func regionStep(catalog *o2o.Catalog) error {
	heading("Regions: two provinces, down to the township")
	stores := []struct {
		name   string
		region string
	}{
		{"Shenzhen Nanshan community store", "440305001"},
		{"Dongguan Guancheng community store", "441900003"},
		{"Hangzhou Xihu community store", "330106001"},
	}
	orders := []struct {
		id, delivery string
	}{
		{"ORD-1001", "440305001"},
		{"ORD-1002", "440306002"},
		{"ORD-1003", "441900003"},
		{"ORD-1004", "330106001"},
	}
	for _, s := range stores {
		code, err := o2o.ParseRegionCode(s.region)
		if err != nil {
			return err
		}
		fmt.Printf("%-36s township %s  county-level %s  city %s  province %s\n",
			s.name, code, code.County(), code.City(), code.Province())
	}
	fmt.Println("Which region contains each delivery address:")
	guangdong, zhejiang := o2o.MustRegionCode("440000"), o2o.MustRegionCode("330000")
	shenzhen, nanshan := o2o.MustRegionCode("440300"), o2o.MustRegionCode("440305")
	for _, o := range orders {
		d, err := o2o.ParseRegionCode(o.delivery)
		if err != nil {
			return err
		}
		fmt.Printf("  %s → %s: Guangdong %-5v Zhejiang %-5v Shenzhen %-5v Nanshan %v\n",
			o.id, d, guangdong.Contains(d), zhejiang.Contains(d), shenzhen.Contains(d), nanshan.Contains(d))
	}
	fmt.Println("Dongguan has no county level: County() of 441900003 is the city itself:",
		o2o.MustRegionCode("441900003").County() == o2o.MustRegionCode("441900003").City())

	// An order ties it together: 12.5 m² of tile delivered to a Nanshan
	// street, placed online on the store's own screen, which counts as in store.
	order := o2o.Order{
		ID: "ORD-1001", Channel: o2o.ChannelO2O,
		Customer: o2o.Customer{ID: "C-88", Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode("440305")},
		Delivery: o2o.MustRegionCode("440305001"),
		Placed:   o2o.Placement{Venue: o2o.VenueStoreScreen, StoreID: "store-nanshan"},
		Lines: []o2o.OrderLine{
			{SKU: "TILE-YF600", Quantity: o2o.Qty(o2o.MustDec("12.5").Decimal, o2o.UnitSquareMetre)},
			{SKU: "SVC-MEASURE", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitJob)},
		},
	}
	order.At = orderTime()
	if err := order.Validate(); err != nil {
		return err
	}
	fmt.Printf("Order %s placed %s (in store: %v), lines:", order.ID, order.Placed.Venue, order.Placed.InStore())
	for _, l := range order.Lines {
		p, err := catalog.Lookup(l.SKU)
		if err != nil {
			return err
		}
		fmt.Printf(" %s of %s;", l.Quantity, p.Name)
	}
	fmt.Println()
	return nil
}

// pricingStep quotes one order line — 12.5 m² of tile — in store and online
// in Guangdong (which has a province price) and Zhejiang (which falls back
// to the national price), and prints the in-store and online explanations
// for Guangdong: one price per province (全省一個價), a bounded online
// uplift, VAT shown, nothing negotiated.
func pricingStep(catalog *o2o.Catalog) error {
	heading("Pricing: one price per province, in store vs online (全省一個價)")
	book, err := pricing.NewBook(catalog, []pricing.Entry{
		{SKU: "TILE-YF600", Price: o2o.MustParseMoney("89.00")},
		{SKU: "TILE-YF600", Scope: o2o.MustRegionCode("440000"), Price: o2o.MustParseMoney("85.00")},
	})
	if err != nil {
		return err
	}
	policy, err := pricing.Config{
		Uplift: pricing.Uplift{Percent: o2o.MustDec("5"), Cap: o2o.MustParseMoney("20.00")},
		VAT:    pricing.VAT{Categories: []pricing.CategoryRate{{Category: "service", Percent: o2o.MustDec("6")}}, Default: ptr(o2o.MustDec("13"))},
	}.Build(book)
	if err != nil {
		return err
	}
	line := o2o.Qty(o2o.MustDec("12.5").Decimal, o2o.UnitSquareMetre)
	places := []struct {
		region string
		placed o2o.Placement
	}{
		{"440305001", o2o.Placement{Venue: o2o.VenueStore, StoreID: "store-nanshan"}},
		{"440305001", o2o.Placement{Venue: o2o.VenueOnline}},
		{"330106001", o2o.Placement{Venue: o2o.VenueStore, StoreID: "store-xihu"}},
		{"330106001", o2o.Placement{Venue: o2o.VenueOnline}},
	}
	var explained []pricing.Quote
	for _, pl := range places {
		q, err := policy.Quote(pricing.Request{
			SKU: "TILE-YF600", Quantity: line, Region: o2o.MustRegionCode(pl.region), Channel: o2o.ChannelO2O,
			Placed: pl.placed, Segment: o2o.SegmentRetail, At: orderTime(),
		})
		if err != nil {
			return err
		}
		where := "in store " + pl.placed.StoreID
		if !pl.placed.InStore() {
			where = "online"
		}
		fmt.Printf("  province %s, %-22s unit %s (%s list)  line total %s\n",
			q.Region.Province(), where, q.UnitPrice, q.ListScope, q.LineTotal)
		if q.Region.Province() == o2o.MustRegionCode("440000") {
			explained = append(explained, q)
		}
	}
	for _, q := range explained {
		fmt.Print("\n", q.Explain())
	}
	// Asking for a lower price is refused: no haggling (不講價).
	asked := o2o.MustParseMoney("80.00")
	_, err = policy.Quote(pricing.Request{
		SKU: "TILE-YF600", Quantity: line, Region: o2o.MustRegionCode("440305001"), Channel: o2o.ChannelO2O,
		Placed: places[0].placed, Segment: o2o.SegmentRetail, At: orderTime(), Negotiated: &asked,
	})
	fmt.Println("\nAsking for 80.00 instead:", err)
	return nil
}

func ptr[T any](v T) *T { return &v }

// allocationStep splits a campaign's traffic cost over stores by the
// traffic each received, to the fen (引流成本核算, drainage cost).
func allocationStep() error {
	heading("A campaign cost of 1,000,000.00 CNY allocated over stores (引流成本)")
	cost := o2o.MustParseMoney("1000000.00")
	visits := []struct {
		store  string
		visits int64
	}{
		{"store-nanshan", 4_812},
		{"store-futian", 3_977},
		{"store-guancheng", 2_205},
		{"store-xihu", 1_631},
		{"store-rural-roadshow", 0},
	}
	shares := make([]o2o.Share, len(visits))
	for i, v := range visits {
		shares[i] = o2o.Share{Key: v.store, Weight: decimal.NewFromInt(v.visits)}
	}
	parts, err := o2o.Allocate(cost, shares)
	if err != nil {
		return err
	}
	sum := o2o.Money{}
	for i, p := range parts {
		fmt.Printf("  %-22s %6d visits  %16s\n", p.Key, visits[i].visits, p.Amount)
		if sum, err = sum.Add(p.Amount); err != nil {
			return err
		}
	}
	fmt.Printf("  %-22s %6s         %16s (exactly the cost: %v)\n", "total", "", sum, sum.Equal(cost))
	return nil
}

// orderTime is a fixed instant in China time: the SDK never reads a clock.
func orderTime() time.Time { return time.Date(2026, 11, 22, 10, 30, 0, 0, o2o.China()) }
