package o2o

// Product is a SKU the manufacturer sells: goods or a service item.
type Product struct {
	// SKU identifies the product; it is unique in a catalog.
	SKU string `json:"sku" validate:"required"`
	// Name is for people; it carries no rule.
	Name string `json:"name,omitempty"`
	// Brand and Model identify the product across the network: the "same brand
	// and model" of the network-lowest rule and of product segregation.
	Brand string `json:"brand" validate:"required"`
	Model string `json:"model" validate:"required"`
	// Category groups products for rules such as the VAT rate.
	Category string `json:"category" validate:"required"`
	// Line is the O2O line (priced by the manufacturer) or the dealer line
	// (the dealer keeps pricing power).
	Line Line `json:"line" validate:"required"`
	// Service is the service kind of a service item (measurement, design,
	// construction, live video); empty for goods.
	Service ServiceKind `json:"service,omitempty"`
	// Unit is the unit the product sells by; empty means pieces.
	Unit Unit `json:"unit,omitempty"`
}

// IsService reports whether the product is a service item.
func (p Product) IsService() bool { return p.Service != "" }

// SaleUnit returns the unit the product sells by (pieces when unset).
func (p Product) SaleUnit() Unit {
	if p.Unit == "" {
		return UnitPiece
	}
	return p.Unit
}

// BrandModel returns the product's "brand model" identity, the key of the
// network-lowest and segregation rules.
func (p Product) BrandModel() BrandModel { return BrandModel{Brand: p.Brand, Model: p.Model} }

// BrandModel is a brand and a model: "the same brand and model" (同品牌同款).
type BrandModel struct {
	Brand string `json:"brand"`
	Model string `json:"model"`
}

// String returns "brand model".
func (b BrandModel) String() string { return b.Brand + " " + b.Model }

// Validate checks the product: SKU, brand, model, category and a known line
// are required, and the service kind and unit, when set, must be known.
// Every fault is reported at once in one *ValidationError.
func (p Product) Validate() error {
	var f Faults
	f.AddErr("", Validate(p))
	if p.Line != "" && !p.Line.Valid() {
		f.Addf("line", "unknown line %q", string(p.Line))
	}
	if p.Service != "" && !p.Service.Valid() {
		f.Addf("service", "unknown service kind %q", string(p.Service))
	}
	if p.Unit != "" && !p.Unit.Valid() {
		f.Addf("unit", "unknown unit %q", string(p.Unit))
	}
	return f.Err()
}
