package o2o_test

import (
	"errors"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// Two SKUs that differ only in invalid UTF-8 bytes were both accepted, and
// JSON turns either into U+FFFD: written out and read back, they collided.
// Invalid UTF-8 is refused in identifiers given in Go and in JSON.
func TestIdentifiersMustBeUTF8(t *testing.T) {
	product := func(sku string) o2o.Product {
		return o2o.Product{SKU: sku, Brand: "b", Model: "m", Category: "tile", Line: o2o.LineO2O}
	}
	_, err := o2o.NewCatalog([]o2o.Product{product("T-\xff"), product("T-\xfe")})
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || ve.Fields[0].Path != "products[0].sku" || ve.Fields[0].Reason != "is not valid UTF-8" {
		t.Errorf("NewCatalog with invalid UTF-8 in a SKU = %v", err)
	}
	if _, err := o2o.NewCatalog([]o2o.Product{product("瓷砖-1"), product("瓷砖-2")}); err != nil {
		t.Errorf("NewCatalog with Chinese SKUs = %v", err)
	}
	for doc, path := range map[string]string{
		"{\"products\":[{\"sku\":\"T-\xff\",\"brand\":\"b\",\"model\":\"m\",\"category\":\"c\",\"line\":\"o2o\"}]}":     "products[0].sku",
		`{"products":[{"sku":"T-1","brand":"b","model":"m","category":"c","line":"o2o"},{"sku":"\udc00","brand":"b"}]}`: "products[1].sku",
	} {
		_, err := o2o.ParseCatalogJSON([]byte(doc))
		if !errors.As(err, &ve) || ve.Fields[0].Path != path || !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("ParseCatalogJSON(%q) = %v, want a fault at %s", doc, err, path)
		}
	}
	_, err = o2o.ParseCatalogJSON([]byte("\xEF\xBB\xBF{\"products\":[]}"))
	if !errors.As(err, &ve) || ve.Fields[0].Reason != "starts with a UTF-8 byte-order mark (U+FEFF), which JSON does not allow: remove it" {
		t.Errorf("ParseCatalogJSON after a byte-order mark = %v", err)
	}
}
