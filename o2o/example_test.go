package o2o_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

func ExampleMoney() {
	price := o2o.MustParseMoney("1299.00")
	total := price.Mul(decimal.NewFromInt(3))
	withFee, _ := total.Add(o2o.MustParseMoney("0.5"))
	fmt.Println(withFee)

	// A unit price may keep more places; Round brings it to the fen, half-even.
	perM2 := o2o.MustParseMoney("86.125")
	fmt.Println(perM2, "→", perM2.Round())

	// Mixing currencies is an error, never a conversion.
	_, err := price.Add(o2o.MustParseMoney("10.00 USD"))
	fmt.Println(errors.Is(err, o2o.ErrCurrencyMismatch), err)

	data, _ := json.Marshal(price)
	fmt.Println(string(data))
	// Output:
	// 3897.50 CNY
	// 86.125 CNY → 86.12 CNY
	// true invalid: currency mismatch: add CNY and USD
	// {"amount":"1299.00","currency":"CNY"}
}

func ExampleAllocate() {
	// A campaign's traffic cost, split over three stores by the traffic each
	// received; the parts add up to the fen.
	cost := o2o.MustParseMoney("1000000.00")
	parts, err := o2o.Allocate(cost, []o2o.Share{
		{Key: "store-futian", Weight: decimal.NewFromInt(3)},
		{Key: "store-nanshan", Weight: decimal.NewFromInt(3)},
		{Key: "store-baoan", Weight: decimal.NewFromInt(1)},
	})
	if err != nil {
		panic(err)
	}
	for _, p := range parts {
		fmt.Printf("%-14s %s\n", p.Key, p.Amount)
	}
	// A refund splits as the mirror image.
	refund, _ := o2o.Allocate(o2o.MustParseMoney("-0.01"), []o2o.Share{
		{Key: "a", Weight: decimal.NewFromInt(1)},
		{Key: "b", Weight: decimal.NewFromInt(1)},
	})
	fmt.Println(refund[0].Amount, refund[1].Amount)
	// Output:
	// store-futian   428571.43 CNY
	// store-nanshan  428571.43 CNY
	// store-baoan    142857.14 CNY
	// -0.01 CNY 0.00 CNY
}

func ExampleRegionCode() {
	township := o2o.MustRegionCode("440305001") // a street of Nanshan, Shenzhen
	fmt.Println(township.Level(), township.County(), township.City(), township.Province())
	fmt.Println(o2o.MustRegionCode("440300").Contains(township))

	// Dongguan has no county level: its townships hang off the city code.
	dongguan := o2o.MustRegionCode("441900003")
	fmt.Println(dongguan.County() == dongguan.City(), dongguan.Ancestors())

	_, err := o2o.ParseRegionCode("990000")
	fmt.Println(err)
	// Output:
	// township 440305 440300 440000
	// true
	// true [441900 440000]
	// region code "990000": invalid: province part 99 is not one of the 34 province-level divisions
}

func ExampleCatalog() {
	// Rules live as data: a catalog loads from JSON, strictly.
	catalog, err := o2o.ParseCatalogJSON([]byte(`{"products":[
		{"sku":"TILE-600","brand":"Dongpeng","model":"YF600","category":"tile","line":"o2o","unit":"m2"},
		{"sku":"CAB-K1","brand":"Oppein","model":"K1","category":"cabinet","line":"dealer"},
		{"sku":"SVC-MEASURE","brand":"o2okit","model":"measure","category":"service","line":"o2o","service":"measurement","unit":"job"}
	]}`))
	if err != nil {
		panic(err)
	}
	for _, p := range catalog.Products() {
		fmt.Printf("%-12s %-7s %-6s service=%q\n", p.SKU, p.Line, p.SaleUnit(), p.Service)
	}
	_, err = catalog.Lookup("SOFA-1")
	fmt.Println(errors.Is(err, o2o.ErrNotFound), err)

	_, err = o2o.ParseCatalogJSON([]byte(`{"products":[{"sku":"A","brand":"b","model":"m","category":"c","line":"o2o","price":"9"}]}`))
	fmt.Println(err)
	// Output:
	// CAB-K1       dealer  piece  service=""
	// SVC-MEASURE  o2o     job    service="measurement"
	// TILE-600     o2o     m2     service=""
	// true SKU "SOFA-1": not found
	// invalid: products[0].price: unknown field
}
