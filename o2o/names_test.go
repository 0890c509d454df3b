package o2o_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/regions"
)

func namesOrder(delivery, home string) o2o.Order {
	o := o2o.Order{ID: "SO-1", Delivery: o2o.MustRegionCode(delivery)}
	if home != "" {
		o.Customer.Home = o2o.MustRegionCode(home)
	}
	return o
}

func TestCheckRegions(t *testing.T) {
	china := regions.China()
	// Without names, only the shape counts: nothing to check.
	if err := namesOrder("440660103", "440660").CheckRegions(nil); err != nil {
		t.Errorf("nil names: %v", err)
	}
	// Real codes pass, and so do codes the registry cannot judge (Hong Kong).
	for _, o := range []o2o.Order{namesOrder("440305001", "440305"), namesOrder("441900003", ""), namesOrder("810000", "")} {
		if err := o.CheckRegions(china); err != nil {
			t.Errorf("%s / %s: %v", o.Delivery, o.Customer.Home, err)
		}
	}
	// Well-formed codes that name nothing are refused, each by its path.
	err := namesOrder("440660103", "440399").CheckRegions(china)
	if !errors.Is(err, o2o.ErrInvalid) || !errors.Is(err, o2o.ErrNotFound) {
		t.Fatalf("err = %v, want ErrInvalid and ErrNotFound", err)
	}
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %T, want *o2o.ValidationError", err)
	}
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	if d := cmp.Diff([]string{"delivery", "customer.home"}, paths); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}
}

func TestRegionLabel(t *testing.T) {
	code := o2o.MustRegionCode("440305")
	if got := o2o.RegionLabel(nil, code); got != "440305" {
		t.Errorf("nil names: %q", got)
	}
	if got := o2o.RegionLabel(regions.China(), code); got != "深圳市南山区 (440305)" {
		t.Errorf("registry: %q", got)
	}
}

// fakeNames is a RegionNames an ERP might supply: its own short list.
type fakeNames map[string]string

func (f fakeNames) Label(c o2o.RegionCode) string {
	if n, ok := f[c.String()]; ok {
		return n + " (" + c.String() + ")"
	}
	return c.String()
}

func (f fakeNames) Check(c o2o.RegionCode) error {
	if _, ok := f[c.String()]; !ok {
		return errors.New("not in our list")
	}
	return nil
}

// An implementation whose error is not a ValidationError still gives one,
// with its text as the reason.
func TestCheckRegionsOwnNames(t *testing.T) {
	names := fakeNames{"440305001": "Nanhai Street"}
	if err := namesOrder("440305001", "").CheckRegions(names); err != nil {
		t.Fatal(err)
	}
	err := namesOrder("440305002", "").CheckRegions(names)
	if !errors.Is(err, o2o.ErrInvalid) || err.Error() != "invalid: delivery: not in our list" {
		t.Errorf("err = %v", err)
	}
	if got := o2o.RegionLabel(names, o2o.MustRegionCode("440305001")); got != "Nanhai Street (440305001)" {
		t.Errorf("label %q", got)
	}
}
