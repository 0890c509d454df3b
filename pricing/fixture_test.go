package pricing_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// provinces are the 31 mainland province-level divisions.
var provinces = []string{
	"110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000",
	"310000", "320000", "330000", "340000", "350000", "360000", "370000",
	"410000", "420000", "430000", "440000", "450000", "460000",
	"500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000", "650000",
}

// bigBook builds a book of n SKUs, each with a national price and a price
// in each of the 31 provinces.
func bigBook(t testing.TB, n int) (*pricing.Book, []string) {
	t.Helper()
	products := make([]o2o.Product, n)
	skus := make([]string, n)
	entries := make([]pricing.Entry, 0, n*32)
	for i := range n {
		sku := fmt.Sprintf("SKU-%05d", i)
		skus[i] = sku
		products[i] = o2o.Product{SKU: sku, Brand: "Mianpeng", Model: fmt.Sprintf("M%05d", i), Category: "tiles", Line: o2o.LineO2O, Unit: o2o.UnitPiece}
		entries = append(entries, pricing.Entry{SKU: sku, Price: o2o.MustParseMoney(fmt.Sprintf("%d.00", 100+i%50))})
		for j, p := range provinces {
			entries = append(entries, pricing.Entry{SKU: sku, Scope: o2o.MustRegionCode(p), Price: o2o.MustParseMoney(fmt.Sprintf("%d.%02d", 90+i%40, j))})
		}
	}
	cat, err := o2o.NewCatalog(products)
	if err != nil {
		t.Fatal(err)
	}
	book, err := pricing.NewBook(cat, entries)
	if err != nil {
		t.Fatal(err)
	}
	return book, skus
}

// cmpOpts compare region codes by value (their field is unexported).
var cmpOpts = []cmp.Option{cmp.Comparer(func(a, b o2o.RegionCode) bool { return a == b })}
