package channel

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// CheckOrder refuses a fraction of a whole-number unit, a unit other than
// the product's, and an unknown SKU with o2o.ErrUnknownSKU; every fault at
// once.
func TestCheckOrderUnitsAndSKUs(t *testing.T) {
	n := testNetwork(t)
	o := order("O-U", o2o.ChannelO2O, "440305001", lines("SOFA-S3", "TILE-800", "NOPE"))
	o.Lines[0].Quantity = o2o.Qty(decimal.RequireFromString("1.5"), o2o.UnitPiece)
	o.Lines[1].Quantity = o2o.Qty(decimal.NewFromInt(3), o2o.UnitPiece)
	_, err := n.CheckOrder(o, Facts{})
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("CheckOrder = %v, want a *ValidationError", err)
	}
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	if got, want := strings.Join(paths, " "), "lines[0].quantity.value lines[1].quantity.unit lines[2].sku"; got != want {
		t.Errorf("paths = %q, want %q", got, want)
	}
	for _, want := range []error{o2o.ErrUnit, o2o.ErrUnknownSKU, o2o.ErrNotFound, o2o.ErrInvalid} {
		if !errors.Is(err, want) {
			t.Errorf("CheckOrder = %v, want errors.Is %v", err, want)
		}
	}
	// Whole pieces and fractional square metres pass.
	o = order("O-U", o2o.ChannelO2O, "440305001", lines("SOFA-S3", "TILE-800"))
	o.Lines[1].Quantity = o2o.Qty(decimal.RequireFromString("12.5"), o2o.UnitSquareMetre)
	if _, err := n.CheckOrder(o, Facts{}); err != nil {
		t.Errorf("CheckOrder = %v", err)
	}
}

// An O2O order paid online through B2C by a customer a store holds (by lead
// or coupon) is steering, as a B2C order is; the platform is the config's.
func TestCheckOrderSteeringO2OPaidOnline(t *testing.T) {
	cfg := testConfig(t)
	cfg.Platform = "tmall"
	n, err := cfg.Build(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	if n.Platform() != Platform("tmall") {
		t.Fatalf("Platform = %v", n.Platform())
	}
	leads, _, err := n.Leads().Register(Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(1)}, day(1))
	if err != nil {
		t.Fatal(err)
	}
	coupons := []Coupon{{Code: "Q-1", Customer: "C-1", Store: "SZ-NS"}}
	for _, tc := range []struct {
		name    string
		ch      o2o.Channel
		paid    bool
		facts   Facts
		parties []PartyRef
	}{
		{"o2o paid online, lead", o2o.ChannelO2O, true, Facts{Leads: leads}, []PartyRef{Store("SZ-NT"), Platform("tmall")}},
		{"o2o paid online, coupon", o2o.ChannelO2O, true, Facts{Coupons: coupons}, []PartyRef{Store("SZ-NS"), Platform("tmall")}},
		{"b2c, lead and coupon", o2o.ChannelB2C, true, Facts{Leads: leads, Coupons: coupons}, []PartyRef{Store("SZ-NT"), Store("SZ-NS"), Platform("tmall")}},
		{"o2o paid in store, lead", o2o.ChannelO2O, false, Facts{Leads: leads}, nil},
		{"o2o paid online, no lead nor coupon", o2o.ChannelO2O, true, Facts{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := order("O-S", tc.ch, "440305001")
			o.PaidOnline = tc.paid
			r, err := n.CheckOrder(o, tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			var got []PartyRef
			for _, f := range r.Findings {
				if f.Kind == KindSteeredToB2C {
					got = f.Parties
				}
			}
			if !slicesEqual(got, tc.parties) {
				t.Errorf("steering parties = %v, want %v", got, tc.parties)
			}
		})
	}
	// The default platform.
	if p := testNetwork(t).Platform(); p != Platform(DefaultPlatform) {
		t.Errorf("default Platform = %v", p)
	}
}

func slicesEqual(a, b []PartyRef) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Build reports every fault of a config at once, not only the first.
func TestBuildEveryFault(t *testing.T) {
	cfg := testConfig(t)
	cfg.Stores[1].ID = cfg.Stores[0].ID                                       // a repeated id
	cfg.Stores[2].Capabilities = []Capability{"teleport"}                     // an unknown capability
	cfg.Agents[0].StoreID = "NOWHERE"                                         // an agent of no store
	cfg.Dealers[1].Territory = []o2o.RegionCode{o2o.MustRegionCode("330106")} // overlaps DL-HZ
	cfg.Segregation.B2COnly = []string{"NOPE"}                                // an unknown SKU
	cfg.Routing.Ties = "coin"                                                 // an unknown tie rule
	_, err := cfg.Build(testCatalog(t))
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Build = %v, want a *ValidationError", err)
	}
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	// agents[1] is attached to SZ-NS, which the repeated id took away.
	want := "routing.ties stores[1].id stores[2].capabilities[0] agents[0].storeId agents[1].storeId dealers[1].territory[0] segregation.b2cOnly[0]"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("paths = %q, want %q", got, want)
	}
	var oe *OverlapError
	if !errors.Is(err, o2o.ErrDuplicate) || !errors.Is(err, ErrOverlap) || !errors.As(err, &oe) || oe.First != "DL-HZ" {
		t.Errorf("Build = %v, want ErrDuplicate and an *OverlapError naming DL-HZ", err)
	}
}

// An order needing construction and goods delivery is routed to a party
// that can do both, not to the closest that can build.
func TestRouteNeedingSeveral(t *testing.T) {
	n := testNetwork(t)
	o := order("O-N", o2o.ChannelO2O, "440305001")
	d, err := n.RouteNeeding(o, []Capability{CapConstruction}, Leads{})
	if err != nil || d.Serve != Store("SZ-NT") || d.Also != nil {
		t.Fatalf("construction: %v %v", d.Serve, err)
	}
	d, err = n.RouteNeeding(o, []Capability{CapConstruction, CapDelivery, CapConstruction}, Leads{})
	if err != nil || d.Serve != Store("GD-PROV") || d.Need != CapConstruction || len(d.Also) != 1 || d.Also[0] != CapDelivery {
		t.Fatalf("construction and delivery: %+v %v", d, err)
	}
	if !strings.Contains(d.Reason, "construction and delivery") {
		t.Errorf("reason %q does not name both needs", d.Reason)
	}
	passed := map[PartyRef]bool{}
	for _, p := range d.PassedOver {
		passed[p.Party] = true
	}
	for _, p := range []PartyRef{Store("SZ-NT"), Store("SZ-NS"), Store("SZ-CITY")} {
		if !passed[p] {
			t.Errorf("%v not listed as passed over: %+v", p, d.PassedOver)
		}
	}
	// A lead holder that cannot do them all is refused, never passed over silently.
	leads, _, err := n.Leads().Register(Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(1)}, day(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.RouteNeeding(o, []Capability{CapConstruction, CapDelivery}, leads); !errors.Is(err, ErrLeadHolderCannotServe) {
		t.Errorf("lead holder without delivery: %v", err)
	}
	// Nowhere can do construction, delivery and group purchase.
	_, err = n.RouteNeeding(o, []Capability{CapConstruction, CapDelivery, CapGroupPurchase}, Leads{})
	var re *RouteError
	if !errors.As(err, &re) || !errors.Is(err, ErrNoRoute) || len(re.Also) != 2 {
		t.Errorf("three needs: %v", err)
	}
	if _, err := n.RouteNeeding(o, nil, Leads{}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("no needs: %v", err)
	}
	if _, err := n.RouteNeeding(o, []Capability{CapRetail, "teleport"}, Leads{}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown need: %v", err)
	}
	// CheckOrder checks the serving party against every need.
	o.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "SZ-NT"}
	r, err := n.CheckOrder(o, Facts{Need: CapConstruction, Also: []Capability{CapDelivery}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range r.Findings {
		found = found || (f.Kind == KindUnroutedServing && f.Parties[1] == Store("GD-PROV"))
	}
	if !found {
		t.Errorf("CheckOrder findings = %+v, want SZ-NT unrouted (GD-PROV can do both)", r.Findings)
	}
}

// CheckValidated gives CheckOrder's report for a valid order, and an
// unknown SKU is still an error, never a panic.
func TestCheckValidated(t *testing.T) {
	n := testNetwork(t)
	o := order("O-V", o2o.ChannelB2C, "330102001", lines("FLOOR-D7", "TILE-800"))
	want, err := n.CheckOrder(o, Facts{Coupons: []Coupon{{Code: "Q", Customer: "C-1", Store: "SZ-NT"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := n.CheckValidated(o, Facts{Coupons: []Coupon{{Code: "Q", Customer: "C-1", Store: "SZ-NT"}}})
	if err != nil || len(got.Findings) != len(want.Findings) || len(got.Findings) == 0 {
		t.Fatalf("CheckValidated = %+v, %v; CheckOrder = %+v", got, err, want)
	}
	for i := range got.Findings {
		if got.Findings[i].Kind != want.Findings[i].Kind || got.Findings[i].Reason != want.Findings[i].Reason {
			t.Errorf("finding %d: %+v, want %+v", i, got.Findings[i], want.Findings[i])
		}
	}
	o = order("O-V", o2o.ChannelO2O, "440305001", lines("NOPE"))
	if _, err := n.CheckValidated(o, Facts{}); !errors.Is(err, o2o.ErrUnknownSKU) {
		t.Errorf("CheckValidated of an unknown SKU = %v", err)
	}
}
