package o2o_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

func tile(sku string) o2o.Product {
	return o2o.Product{SKU: sku, Brand: "Dongpeng", Model: "M-" + sku, Category: "tile", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre}
}

func TestCatalog(t *testing.T) {
	measure := o2o.Product{SKU: "SVC-MEASURE", Brand: "o2okit", Model: "measure", Category: "service", Line: o2o.LineO2O, Service: o2o.ServiceMeasurement, Unit: o2o.UnitJob}
	cabinet := o2o.Product{SKU: "CAB-1", Brand: "Oppein", Model: "K1", Category: "cabinet", Line: o2o.LineDealer}
	c, err := o2o.NewCatalog([]o2o.Product{tile("T-2"), measure, cabinet, tile("T-1")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 4 {
		t.Errorf("Len = %d, want 4", c.Len())
	}
	var skus []string
	for _, p := range c.Products() {
		skus = append(skus, p.SKU)
	}
	if diff := cmp.Diff([]string{"CAB-1", "SVC-MEASURE", "T-1", "T-2"}, skus); diff != "" {
		t.Errorf("Products order (-want +got):\n%s", diff)
	}
	p, err := c.Lookup("SVC-MEASURE")
	if err != nil || !p.IsService() || p.SaleUnit() != o2o.UnitJob {
		t.Errorf("Lookup(SVC-MEASURE) = %+v, %v", p, err)
	}
	if got, _ := c.Lookup("CAB-1"); got.SaleUnit() != o2o.UnitPiece || got.IsService() {
		t.Errorf("CAB-1 sells by %s, service %v; want piece goods", got.SaleUnit(), got.IsService())
	}
	if _, err := c.Lookup("NOPE"); !errors.Is(err, o2o.ErrNotFound) {
		t.Errorf("Lookup(NOPE) = %v, want ErrNotFound", err)
	}
	if _, ok := c.Product("NOPE"); ok {
		t.Error("Product(NOPE) found something")
	}
	// The catalog is a copy: changing what the caller holds changes nothing.
	products := c.Products()
	products[0].Brand = "changed"
	if got, _ := c.Product(products[0].SKU); got.Brand == "changed" {
		t.Error("Products() exposes the catalog's storage")
	}
	var empty *o2o.Catalog
	if empty.Len() != 0 || empty.Products() != nil {
		t.Error("a nil catalog should be empty")
	}
	if _, err := empty.Lookup("X"); !errors.Is(err, o2o.ErrNotFound) {
		t.Errorf("nil catalog Lookup = %v, want ErrNotFound", err)
	}
}

func TestCatalogRejects(t *testing.T) {
	valid := tile("T-1")
	with := func(f func(*o2o.Product)) o2o.Product { p := valid; f(&p); return p }
	tests := []struct {
		name     string
		products []o2o.Product
		want     error
		path     string
	}{
		{"duplicate SKU", []o2o.Product{valid, tile("T-2"), valid}, o2o.ErrDuplicate, "products[2].sku"},
		{"missing SKU", []o2o.Product{with(func(p *o2o.Product) { p.SKU = "" })}, o2o.ErrInvalid, "products[0].sku"},
		{"missing brand", []o2o.Product{valid, with(func(p *o2o.Product) { p.Brand = ""; p.SKU = "X" })}, o2o.ErrInvalid, "products[1].brand"},
		{"missing model", []o2o.Product{with(func(p *o2o.Product) { p.Model = "" })}, o2o.ErrInvalid, "products[0].model"},
		{"missing category", []o2o.Product{with(func(p *o2o.Product) { p.Category = "" })}, o2o.ErrInvalid, "products[0].category"},
		{"missing line", []o2o.Product{with(func(p *o2o.Product) { p.Line = "" })}, o2o.ErrInvalid, "products[0].line"},
		{"unknown line", []o2o.Product{with(func(p *o2o.Product) { p.Line = "b2c" })}, o2o.ErrInvalid, "products[0].line"},
		{"unknown service", []o2o.Product{with(func(p *o2o.Product) { p.Service = "massage" })}, o2o.ErrInvalid, "products[0].service"},
		{"unknown unit", []o2o.Product{with(func(p *o2o.Product) { p.Unit = "ft2" })}, o2o.ErrInvalid, "products[0].unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := o2o.NewCatalog(tt.products)
			if !errors.Is(err, tt.want) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("NewCatalog = %v, want %v", err, tt.want)
			}
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
				t.Errorf("NewCatalog = %v, want the field %q named", err, tt.path)
			}
		})
	}
}

func TestCatalogJSON(t *testing.T) {
	c := o2o.MustCatalog(tile("T-1"), o2o.Product{SKU: "S-1", Brand: "b", Model: "m", Category: "service", Line: o2o.LineO2O, Service: o2o.ServiceLiveVideo})
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"products":[{"sku":"S-1","brand":"b","model":"m","category":"service","line":"o2o","service":"live_video"},` +
		`{"sku":"T-1","brand":"Dongpeng","model":"M-T-1","category":"tile","line":"o2o","unit":"m2"}]}`
	if string(data) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", data, want)
	}
	type holder struct {
		Catalog o2o.Catalog `json:"catalog"`
	}
	byValue, err := json.Marshal(holder{Catalog: *c})
	if err != nil || string(byValue) != `{"catalog":`+want+`}` {
		t.Errorf("a Catalog held by value marshals as %s, %v", byValue, err)
	}
	if empty, _ := json.Marshal(o2o.Catalog{}); string(empty) != `{"products":[]}` {
		t.Errorf("the zero Catalog marshals as %s", empty)
	}
	back, err := o2o.ParseCatalogJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c.Products(), back.Products()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	tests := []struct {
		name, json string
		path       string
	}{
		{"unknown top field", `{"products":[],"version":2}`, "version"},
		{"unknown product field", `{"products":[{"sku":"A","brand":"b","model":"m","category":"c","line":"o2o","price":"1"}]}`, "products[0].price"},
		{"unknown line", `{"products":[{"sku":"A","brand":"b","model":"m","category":"c","line":"B2C"}]}`, "products[0].line"},
		{"repeated key", `{"products":[{"sku":"A","sku":"B","brand":"b","model":"m","category":"c","line":"o2o"}]}`, "products[0].sku"},
		{"wrong case", `{"Products":[]}`, "Products"},
		{"duplicate", `{"products":[{"sku":"A","brand":"b","model":"m","category":"c","line":"o2o"},{"sku":"A","brand":"b","model":"n","category":"c","line":"o2o"}]}`, "products[1].sku"},
		{"wrong type", `{"products":{}}`, "products"},
		{"trailing data", `{"products":[]}]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := o2o.ParseCatalogJSON([]byte(tt.json))
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("ParseCatalogJSON = %v, want ErrInvalid", err)
			}
			var ve *o2o.ValidationError
			if tt.path != "" && (!errors.As(err, &ve) || ve.Fields[0].Path != tt.path) {
				t.Errorf("ParseCatalogJSON = %v, want the field %q named", err, tt.path)
			}
		})
	}
}

func TestPartyValidate(t *testing.T) {
	tests := []struct {
		name  string
		party o2o.Party
		path  string
	}{
		{"valid store", o2o.Party{ID: "S1", Kind: o2o.PartyStore, Region: o2o.MustRegionCode("440305001")}, ""},
		{"valid agent", o2o.Party{ID: "A1", Kind: o2o.PartyAgent, StoreID: "S1"}, ""},
		{"missing id", o2o.Party{Kind: o2o.PartyStore}, "id"},
		{"missing kind", o2o.Party{ID: "X"}, "kind"},
		{"unknown kind", o2o.Party{ID: "X", Kind: "franchisee"}, "kind"},
		{"agent without store", o2o.Party{ID: "A1", Kind: o2o.PartyAgent}, "storeId"},
		{"store attached to a store", o2o.Party{ID: "S2", Kind: o2o.PartyStore, StoreID: "S1"}, "storeId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.party.Validate()
			if tt.path == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			var ve *o2o.ValidationError
			if !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
				t.Errorf("Validate = %v, want the field %q named", err, tt.path)
			}
		})
	}
	if got := (o2o.Party{ID: "S1", Kind: o2o.PartyStore}).String(); got != "store:S1" {
		t.Errorf("String = %q", got)
	}
}
