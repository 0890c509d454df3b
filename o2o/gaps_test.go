package o2o_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
)

func TestErrUnknownSKUWrapsNotFoundAndInvalid(t *testing.T) {
	if !errors.Is(o2o.ErrUnknownSKU, o2o.ErrNotFound) || !errors.Is(o2o.ErrUnknownSKU, o2o.ErrInvalid) {
		t.Fatalf("ErrUnknownSKU must wrap ErrNotFound and ErrInvalid")
	}
	if !errors.Is(o2o.ErrUnit, o2o.ErrInvalid) {
		t.Fatalf("ErrUnit must wrap ErrInvalid")
	}
}

func TestUnitWhole(t *testing.T) {
	want := map[o2o.Unit]bool{o2o.UnitPiece: true, o2o.UnitSet: true, o2o.UnitJob: true, o2o.UnitSquareMetre: false, o2o.UnitMetre: false}
	for _, u := range o2o.Units() {
		if u.Whole() != want[u] {
			t.Errorf("%s.Whole() = %v", u, u.Whole())
		}
	}
}

// A fraction of a whole-number unit is refused by Order.Validate; a
// fraction of metres is not.
func TestOrderValidateWholeUnits(t *testing.T) {
	for _, u := range []o2o.Unit{o2o.UnitPiece, o2o.UnitSet, o2o.UnitJob} {
		o := sampleOrder()
		o.Lines[1].Quantity = o2o.Qty(dec("1.5"), u)
		err := o.Validate()
		var ve *o2o.ValidationError
		if !errors.Is(err, o2o.ErrUnit) || !errors.As(err, &ve) || ve.Fields[0].Path != "lines[1].quantity.value" {
			t.Errorf("1.5 %s: Validate = %v, want ErrUnit at lines[1].quantity.value", u, err)
		}
	}
	o := sampleOrder()
	o.Lines[1].Quantity = o2o.Qty(dec("2.000"), o2o.UnitPiece)
	o.Lines[0].Quantity = o2o.Qty(dec("12.75"), o2o.UnitMetre)
	if err := o.Validate(); err != nil {
		t.Errorf("2.000 pieces and 12.75 m: Validate = %v", err)
	}
}

// Validate reports every fault at once.
func TestOrderValidateEveryFault(t *testing.T) {
	o := sampleOrder()
	o.ID = ""
	o.Channel = "wechat"
	o.Placed.StoreID = ""
	o.Lines[0].Quantity.Value = o2o.MustDec("-1")
	o.Lines[1].Quantity.Value = o2o.MustDec("0.5")
	err := o.Validate()
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v", err)
	}
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	want := "id channel placed.storeId lines[0].quantity.value lines[1].quantity.value"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("paths = %q, want %q (%v)", got, want, err)
	}
	if !errors.Is(err, o2o.ErrUnit) {
		t.Errorf("Validate = %v, want ErrUnit among the faults", err)
	}
}

func TestOrderValidateWithCatalog(t *testing.T) {
	cat := o2o.MustCatalog(
		o2o.Product{SKU: "T-1", Brand: "B", Model: "M1", Category: "tile", Line: o2o.LineO2O, Unit: o2o.UnitSquareMetre},
		o2o.Product{SKU: "CAB-1", Brand: "B", Model: "M2", Category: "cabinet", Line: o2o.LineO2O},
	)
	if err := sampleOrder().ValidateWith(cat); err != nil {
		t.Fatalf("ValidateWith = %v", err)
	}
	if err := sampleOrder().ValidateWith(nil); err != nil {
		t.Fatalf("ValidateWith(nil) = %v", err)
	}
	o := sampleOrder()
	o.Lines[0].SKU = "NOPE"
	o.Lines[1].Quantity.Unit = o2o.UnitSet
	err := o.ValidateWith(cat)
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 2 || ve.Fields[0].Path != "lines[0].sku" || ve.Fields[1].Path != "lines[1].quantity.unit" {
		t.Fatalf("ValidateWith = %v, want lines[0].sku and lines[1].quantity.unit", err)
	}
	for _, want := range []error{o2o.ErrUnknownSKU, o2o.ErrNotFound, o2o.ErrUnit, o2o.ErrInvalid} {
		if !errors.Is(err, want) {
			t.Errorf("ValidateWith = %v, want errors.Is %v", err, want)
		}
	}
	// Validate alone does not look SKUs up.
	if err := o.Validate(); err != nil {
		t.Errorf("Validate = %v, want nil without a catalog", err)
	}
}

// NewCatalog reports every fault at once.
func TestNewCatalogEveryFault(t *testing.T) {
	valid := tile("T-1")
	noBrand := tile("T-2")
	noBrand.Brand = ""
	badUnit := tile("T-3")
	badUnit.Unit = "ft2"
	_, err := o2o.NewCatalog([]o2o.Product{valid, noBrand, badUnit, valid})
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrDuplicate) {
		t.Fatalf("NewCatalog = %v, want a *ValidationError wrapping ErrDuplicate", err)
	}
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	if got, want := strings.Join(paths, " "), "products[1].brand products[2].unit products[3].sku"; got != want {
		t.Errorf("paths = %q, want %q", got, want)
	}
}

// Faults past MaxFaults are counted, not listed.
func TestNewCatalogFaultsCapped(t *testing.T) {
	products := make([]o2o.Product, o2o.MaxFaults+50)
	for i := range products {
		products[i] = tile("T")
	}
	_, err := o2o.NewCatalog(products)
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != o2o.MaxFaults || ve.Count() != len(products)-1 {
		t.Fatalf("NewCatalog: %d listed, %d counted; want %d and %d", len(ve.Fields), ve.Count(), o2o.MaxFaults, len(products)-1)
	}
}

// Product.Validate reports every fault of a product, each once.
func TestProductValidateEveryFault(t *testing.T) {
	p := tile("T-1")
	p.Brand = ""
	p.Line = "b2c"
	p.Unit = "ft2"
	err := p.Validate()
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v", err)
	}
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	if got, want := strings.Join(paths, " "), "brand line unit"; got != want {
		t.Errorf("paths = %q, want %q (%v)", got, want, err)
	}
}

// A field the struct tags find missing is reported once, not again by the
// checks of its value.
func TestOrderValidateOnceAPath(t *testing.T) {
	o := sampleOrder()
	o.Lines[0].Quantity.Unit = ""
	o.ServedBy.Kind = ""
	err := o.Validate()
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v", err)
	}
	seen := map[string]bool{}
	for _, f := range ve.Fields {
		if seen[f.Path] {
			t.Errorf("%s reported twice: %v", f.Path, err)
		}
		seen[f.Path] = true
	}
	if !seen["lines[0].quantity.unit"] || !seen["servedBy.kind"] {
		t.Errorf("Validate = %v, want lines[0].quantity.unit and servedBy.kind", err)
	}
}

// ValidateWith on an order of 100,000 faulty lines lists MaxFaults of them,
// counts the rest, and stays within a time and memory bound.
func TestValidateWithManyFaults(t *testing.T) {
	cat := o2o.MustCatalog(tile("T-1"))
	o := sampleOrder()
	o.Lines = make([]o2o.OrderLine, 100_000)
	for i := range o.Lines {
		if i%2 == 0 {
			o.Lines[i] = o2o.OrderLine{SKU: "NOPE", Quantity: o2o.Qty(dec("1"), o2o.UnitPiece)}
		} else {
			o.Lines[i] = o2o.OrderLine{SKU: "T-1", Quantity: o2o.Qty(dec("0.5"), o2o.UnitPiece)}
		}
	}
	err := hostile.Within(t, hostile.Bound{Time: 10 * time.Second, Bytes: 256 << 20}, "ValidateWith", func() error { return o.ValidateWith(cat) })
	var ve *o2o.ValidationError
	// Odd lines: a fraction of a piece, and pieces of a tile sold by m2.
	if !errors.As(err, &ve) || len(ve.Fields) != o2o.MaxFaults || ve.Count() != 150_000 {
		t.Fatalf("ValidateWith: %d listed, %d counted: %.200v", len(ve.Fields), ve.Count(), err)
	}
	if !errors.Is(err, o2o.ErrUnknownSKU) || !errors.Is(err, o2o.ErrUnit) {
		t.Errorf("ValidateWith = %.200v, want ErrUnknownSKU and ErrUnit", err)
	}
}
