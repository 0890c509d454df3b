package pricing_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

var (
	gd  = o2o.MustRegionCode("440000")
	sc  = o2o.MustRegionCode("510000")
	cst = o2o.China()
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst) }

func testCatalog(t testing.TB) *o2o.Catalog {
	t.Helper()
	cat, err := o2o.ParseCatalogJSON(readFile(t, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestNewBookRejects(t *testing.T) {
	cat := testCatalog(t)
	p := o2o.MustParseMoney
	tests := []struct {
		name    string
		entries []pricing.Entry
		want    error
		faults  []pricing.EntryFault
	}{
		{
			name: "overlapping province prices name both entries",
			entries: []pricing.Entry{
				{SKU: "TILE-800", Scope: gd, Price: p("95"), From: day(2025, 1, 1), Until: day(2025, 7, 1)},
				{SKU: "TILE-800", Scope: gd, Price: p("93"), From: day(2025, 6, 1)},
			},
			want:   pricing.ErrOverlap,
			faults: []pricing.EntryFault{{Index: 1, Other: 0, SKU: "TILE-800"}},
		},
		{
			name: "open-ended prices overlap",
			entries: []pricing.Entry{
				{SKU: "TILE-800", Price: p("95")},
				{SKU: "TILE-800", Price: p("96")},
			},
			want:   pricing.ErrOverlap,
			faults: []pricing.EntryFault{{Index: 1, Other: 0, SKU: "TILE-800"}},
		},
		{
			name:    "a city scope is a local price",
			entries: []pricing.Entry{{SKU: "TILE-800", Scope: o2o.MustRegionCode("440300"), Price: p("95")}},
			want:    pricing.ErrLocalPrice,
			faults:  []pricing.EntryFault{{Index: 0, Other: -1, SKU: "TILE-800"}},
		},
		{
			name:    "a township scope is a local price",
			entries: []pricing.Entry{{SKU: "TILE-800", Price: p("95")}, {SKU: "CAB-01", Scope: o2o.MustRegionCode("440305001"), Price: p("95")}},
			want:    pricing.ErrLocalPrice,
			faults:  []pricing.EntryFault{{Index: 1, Other: -1, SKU: "CAB-01"}},
		},
		{
			name:    "a dealer-line SKU",
			entries: []pricing.Entry{{SKU: "DLR-TILE", Price: p("95")}},
			want:    pricing.ErrDealerPriced,
			faults:  []pricing.EntryFault{{Index: 0, Other: -1, SKU: "DLR-TILE"}},
		},
		{
			name:    "mixed currencies",
			entries: []pricing.Entry{{SKU: "TILE-800", Price: p("95")}, {SKU: "CAB-01", Price: p("500 USD")}},
			want:    o2o.ErrCurrencyMismatch,
			faults:  []pricing.EntryFault{{Index: 1, Other: 0, SKU: "CAB-01"}},
		},
		{
			name:    "a SKU missing from the catalog",
			entries: []pricing.Entry{{SKU: "GHOST", Price: p("95")}},
			want:    pricing.ErrUnknownSKU,
			faults:  []pricing.EntryFault{{Index: 0, Other: -1, SKU: "GHOST"}},
		},
		{
			name:    "a zero price",
			entries: []pricing.Entry{{SKU: "TILE-800", Price: p("0")}},
			want:    o2o.ErrInvalid,
			faults:  []pricing.EntryFault{{Index: 0, Other: -1, SKU: "TILE-800"}},
		},
		{
			name:    "until not after from",
			entries: []pricing.Entry{{SKU: "TILE-800", Price: p("1"), From: day(2025, 2, 1), Until: day(2025, 2, 1)}},
			want:    o2o.ErrInvalid,
			faults:  []pricing.EntryFault{{Index: 0, Other: -1, SKU: "TILE-800"}},
		},
		{
			name: "every fault is listed",
			entries: []pricing.Entry{
				{SKU: "GHOST", Price: p("1")},
				{SKU: "DLR-TILE", Price: p("1")},
				{SKU: "TILE-800", Scope: o2o.MustRegionCode("440305"), Price: p("1")},
			},
			want: pricing.ErrLocalPrice,
			faults: []pricing.EntryFault{
				{Index: 0, Other: -1, SKU: "GHOST"}, {Index: 1, Other: -1, SKU: "DLR-TILE"}, {Index: 2, Other: -1, SKU: "TILE-800"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fmt.Sprint(tt.entries)
			_, err := pricing.NewBook(cat, tt.entries)
			if !errors.Is(err, tt.want) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var be *pricing.BookError
			if !errors.As(err, &be) {
				t.Fatalf("err %T is not a *BookError", err)
			}
			got := make([]pricing.EntryFault, len(be.Faults))
			for i, f := range be.Faults {
				got[i] = pricing.EntryFault{Index: f.Index, Other: f.Other, SKU: f.SKU}
			}
			if diff := cmp.Diff(tt.faults, got); diff != "" {
				t.Errorf("faults (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("entries[%d]", tt.faults[0].Index)) {
				t.Errorf("error %q does not name the entry", err)
			}
			if fmt.Sprint(tt.entries) != before {
				t.Error("NewBook changed its input")
			}
		})
	}
	if _, err := pricing.NewBook(nil, nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("nil catalog: %v", err)
	}
}

func TestBookLookup(t *testing.T) {
	book := fixtureBook(t)
	tests := []struct {
		name   string
		sku    string
		region string
		at     time.Time
		want   string
		scope  string
	}{
		{"province price", "TILE-800", "440305001", day(2025, 6, 1), "95.00 CNY", "440000"},
		{"province price at its first instant", "TILE-800", "440000", day(2025, 1, 1), "95.00 CNY", "440000"},
		{"until is exclusive: the next price starts", "TILE-800", "440300", day(2026, 1, 1), "92.00 CNY", "440000"},
		{"before the province price: national", "TILE-800", "440300", day(2024, 12, 31), "100.00 CNY", "national"},
		{"other province: national", "TILE-800", "510104", day(2025, 6, 1), "100.00 CNY", "national"},
		{"zero region: national", "CAB-01", "", day(2025, 6, 1), "3999.00 CNY", "national"},
		{"Sichuan price", "CAB-01", "510104", day(2025, 6, 1), "3899.00 CNY", "510000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var region o2o.RegionCode
			if tt.region != "" {
				region = o2o.MustRegionCode(tt.region)
			}
			e, err := book.Lookup(tt.sku, region, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Price.String(); got != tt.want || e.ScopeName() != tt.scope {
				t.Errorf("got %s %s, want %s %s", got, e.ScopeName(), tt.want, tt.scope)
			}
		})
	}
	only, err := pricing.NewBook(testCatalog(t), []pricing.Entry{{SKU: "TILE-800", Scope: gd, Price: o2o.MustParseMoney("9"), From: day(2025, 1, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := only.Lookup("TILE-800", sc, day(2025, 6, 1)); !errors.Is(err, pricing.ErrNoPrice) {
		t.Errorf("no national fallback: %v", err)
	}
	if _, err := only.Lookup("TILE-800", gd, day(2024, 6, 1)); !errors.Is(err, pricing.ErrNoPrice) {
		t.Errorf("before validity: %v", err)
	}
}

func TestBookJSONRoundTrip(t *testing.T) {
	book := fixtureBook(t)
	data, err := json.Marshal(book)
	if err != nil {
		t.Fatal(err)
	}
	again, err := pricing.ParseBookJSON(book.Catalog(), data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(book.Entries(), again.Entries(), cmpOpts...); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := pricing.ParseBookJSON(book.Catalog(), []byte(`{"entries":[],"extra":1}`)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown field accepted: %v", err)
	}
}

// TestBookIndexedLookup checks that a 10,000-SKU × 31-province book resolves
// every province and falls back nationally.
func TestBookIndexedLookup(t *testing.T) {
	book, skus := bigBook(t, 2000)
	at := day(2025, 6, 1)
	for i, sku := range skus {
		prov := provinces[i%len(provinces)]
		e, err := book.Lookup(sku, o2o.MustRegionCode(prov), at)
		if err != nil {
			t.Fatal(err)
		}
		if e.Scope.String() != prov {
			t.Fatalf("%s in %s: got scope %s", sku, prov, e.ScopeName())
		}
	}
}
