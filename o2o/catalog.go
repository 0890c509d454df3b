package o2o

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// Catalog is the set of products the manufacturer sells, looked up by SKU.
// It is immutable once built and safe for concurrent use. The zero Catalog
// is empty.
type Catalog struct {
	products []Product      // sorted by SKU
	index    map[string]int // SKU → position in products
}

// NewCatalog validates every product and builds a catalog. It reports every
// fault at once in one *ValidationError (at most MaxFaults listed), with
// paths such as "products[3].brand"; a repeated SKU names both positions and
// makes the error wrap ErrDuplicate. The products are copied.
func NewCatalog(products []Product) (*Catalog, error) {
	index := make(map[string]int, len(products))
	var f Faults
	dup := false
	for i, p := range products {
		if err := p.Validate(); err != nil {
			f.AddErr(fmt.Sprintf("products[%d]", i), err)
		}
		if p.SKU == "" {
			continue
		}
		if first, ok := index[p.SKU]; ok {
			f.Addf(fmt.Sprintf("products[%d].sku", i), "repeats SKU %q of products[%d]", p.SKU, first)
			dup = true
			continue
		}
		index[p.SKU] = i
	}
	if dup {
		return nil, f.ErrAs(ErrDuplicate)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	sorted := slices.Clone(products)
	slices.SortFunc(sorted, func(a, b Product) int { return cmp.Compare(a.SKU, b.SKU) })
	for i, p := range sorted {
		index[p.SKU] = i
	}
	return &Catalog{products: sorted, index: index}, nil
}

// MustCatalog is NewCatalog that panics on error. Use it for constants and
// in tests only.
func MustCatalog(products ...Product) *Catalog {
	c, err := NewCatalog(products)
	if err != nil {
		panic(err)
	}
	return c
}

// Len returns the number of products.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.products)
}

// Product returns the product with the SKU, and whether there is one.
func (c *Catalog) Product(sku string) (Product, bool) {
	if c == nil {
		return Product{}, false
	}
	i, ok := c.index[sku]
	if !ok {
		return Product{}, false
	}
	return c.products[i], true
}

// Lookup returns the product with the SKU, or an error wrapping ErrNotFound.
func (c *Catalog) Lookup(sku string) (Product, error) {
	p, ok := c.Product(sku)
	if !ok {
		return Product{}, fmt.Errorf("SKU %q: %w", sku, ErrNotFound)
	}
	return p, nil
}

// Products returns a copy of every product, sorted by SKU (nil when the
// catalog is empty).
func (c *Catalog) Products() []Product {
	if c.Len() == 0 {
		return nil
	}
	return slices.Clone(c.products)
}

// catalogJSON is the catalog's JSON shape.
type catalogJSON struct {
	Products []Product `json:"products"`
}

// MarshalJSON writes {"products":[…]} sorted by SKU. It has a value
// receiver so that a Catalog held by value in a config marshals too.
func (c Catalog) MarshalJSON() ([]byte, error) {
	products := c.Products()
	if products == nil {
		products = []Product{}
	}
	return json.Marshal(catalogJSON{Products: products})
}

// UnmarshalJSON builds the catalog from {"products":[…]} with the checks of
// NewCatalog; unknown fields are refused. Use it on a new Catalog only: a
// built catalog is meant to stay as it is.
func (c *Catalog) UnmarshalJSON(data []byte) error {
	var raw catalogJSON
	if err := DecodeJSON(data, &raw); err != nil {
		return err
	}
	built, err := NewCatalog(raw.Products)
	if err != nil {
		return err
	}
	*c = *built
	return nil
}

// ParseCatalogJSON builds a catalog from its JSON form, as UnmarshalJSON does.
func ParseCatalogJSON(data []byte) (*Catalog, error) {
	c := new(Catalog)
	if err := c.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return c, nil
}
