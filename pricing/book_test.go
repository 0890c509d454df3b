package pricing_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
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

// TestBookLookupMatchesScan checks the packed index against a plain scan
// of the entries over many generated books: same entry (SKU, scope, price
// with its places, validity) or the same absence, at many instants —
// including the bounds of each validity, open bounds, and instants in
// other locations.
func TestBookLookupMatchesScan(t *testing.T) {
	cat, err := o2o.ParseCatalogJSON(readFile(t, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	skus := []string{"TILE-800", "CAB-01", "SVC-CONS", "DOOR-9"}
	scopes := []string{"", "440000", "510000", "110000"}
	utc8 := o2o.China()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, utc8)
	r := rand.New(rand.NewPCG(9, 9))
	books := 120
	if testing.Short() {
		books = 50
	}
	for bi := range books {
		var entries []pricing.Entry
		var probes []time.Time
		for _, sku := range skus {
			for _, sc := range scopes {
				// Consecutive, non-overlapping windows, the first or last maybe open.
				t0 := base.Add(time.Duration(r.IntN(100)) * time.Hour)
				for k := range r.IntN(4) {
					from := t0
					until := from.Add(time.Duration(1+r.IntN(500)) * time.Minute)
					e := pricing.Entry{SKU: sku, Price: o2o.MustParseMoney(genAmount(r)), From: from, Until: until}
					if k == 0 && r.IntN(3) == 0 {
						e.From = time.Time{}
					}
					if r.IntN(4) == 0 {
						e.Until = time.Time{}
					}
					if sc != "" {
						e.Scope = o2o.MustRegionCode(sc)
					}
					entries = append(entries, e)
					probes = append(probes, from, until, until.Add(-time.Nanosecond), from.Add(-time.Nanosecond))
					if e.Until.IsZero() {
						break
					}
					t0 = until.Add(time.Duration(r.IntN(3)) * time.Minute) // a gap, or none
				}
			}
		}
		book, err := pricing.NewBook(cat, entries)
		if err != nil {
			t.Fatalf("book %d: %v", bi, err)
		}
		if diff := cmp.Diff(entries, book.Entries(), cmpOpts...); diff != "" {
			t.Fatalf("book %d: entries (-given +kept):\n%s", bi, diff)
		}
		scan := func(sku string, scope o2o.RegionCode, at time.Time) (pricing.Entry, bool) {
			for _, e := range entries {
				if e.SKU == sku && e.Scope == scope && (e.From.IsZero() || !at.Before(e.From)) && (e.Until.IsZero() || at.Before(e.Until)) {
					return e, true
				}
			}
			return pricing.Entry{}, false
		}
		for _, at := range probes {
			if r.IntN(2) == 0 {
				at = at.UTC() // the same instant read in another location
			}
			for _, sku := range skus {
				for _, region := range []string{"", "440305001", "510104", "330106"} {
					var rc o2o.RegionCode
					if region != "" {
						rc = o2o.MustRegionCode(region)
					}
					want, ok := scan(sku, rc.Province(), at)
					if !ok || rc.IsZero() {
						want, ok = scan(sku, o2o.RegionCode{}, at)
						if p, pok := scan(sku, rc.Province(), at); pok && !rc.IsZero() {
							want, ok = p, true
						}
					}
					got, err := book.Lookup(sku, rc, at)
					if !ok {
						if !errors.Is(err, pricing.ErrNoPrice) {
							t.Fatalf("book %d: %s in %q at %s: got %+v, %v; want no price", bi, sku, region, at, got, err)
						}
						continue
					}
					if err != nil || got.Price.AmountString() != want.Price.AmountString() {
						t.Fatalf("book %d: %s in %q at %s: got %+v, %v; want %+v", bi, sku, region, at, got, err, want)
					}
					if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
						t.Fatalf("book %d: %s in %q at %s (-want +got):\n%s", bi, sku, region, at, diff)
					}
				}
			}
		}
	}
}
