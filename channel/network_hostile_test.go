package channel

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/internal/limits"
	"github.com/o2okit/o2okit/o2o"
)

// townships returns n distinct township codes of Guangdong, none within
// another: 100 under each of 30 counties of up to 60 cities.
func townships(n int) []o2o.RegionCode {
	out := make([]o2o.RegionCode, 0, n)
	for city := 1; city <= 60 && len(out) < n; city++ {
		for county := 1; county <= 30 && len(out) < n; county++ {
			for t := 1; t <= 100 && len(out) < n; t++ {
				out = append(out, o2o.MustRegionCode(fmt.Sprintf("44%02d%02d%03d", city, county, t)))
			}
		}
	}
	return out
}

// buildBound is the cost allowed for building a network with 60,000
// regions in one cover or territory: generous, and far below what a
// pairwise overlap check costs (about a minute).
var buildBound = hostile.Bound{Time: raceSlowdown * 5 * time.Second, Bytes: 1 << 30}

// TestLargeCoverAndTerritory builds a store covering 60,000 townships and
// a fused dealer holding 60,000 others, routes and checks orders into them,
// and refuses the same lists with one overlap at the end, each within a
// time and memory bound.
func TestLargeCoverAndTerritory(t *testing.T) {
	cat := testCatalog(t)
	all := townships(120_000)
	covers, territory := all[:60_000], all[60_000:]
	cfg := Config{
		Stores:  []StoreConfig{{ID: "BIG", Covers: covers, Capabilities: []Capability{CapRetail, CapMeasurement}}},
		Agents:  []AgentConfig{{ID: "AG-BIG", StoreID: "BIG", Role: RoleService}},
		Dealers: []DealerConfig{{ID: "DL-BIG", Mode: ModeFused, Territory: territory}},
	}
	var n *Network
	if err := hostile.Within(t, buildBound, "Build", func() (err error) {
		n, err = cfg.Build(cat)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	hostile.Within(t, buildBound, "route and check", func() error {
		leads, _, err := n.Leads().Register(Lead{Customer: "C-1", Party: Agent("AG-BIG"), At: day(1)}, day(1))
		if err != nil {
			return err
		}
		for i := 0; i < len(covers); i += 97 {
			o := order("O", o2o.ChannelO2O, covers[i].String(), served(o2o.PartyAgent, "AG-BIG", "BIG"))
			d, err := n.RouteWithLeads(o, CapMeasurement, leads)
			if err != nil || d.Serve != Agent("AG-BIG") {
				t.Fatalf("route %s: %+v %v", covers[i], d, err)
			}
			if _, err := n.CheckOrder(o, Facts{Leads: leads, Need: CapMeasurement}); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < len(territory); i += 97 {
			if d, _, ok := n.TerritoryAt(territory[i]); !ok || d.ID != "DL-BIG" {
				t.Fatalf("territory %s: %+v", territory[i], d)
			}
		}
		return nil
	})
	// The same lists with an overlap at the very end are refused, with the
	// path of the entry at fault, as quickly.
	for _, tc := range []struct {
		name, path string
		bad        []o2o.RegionCode
		cfg        func(r o2o.RegionCode) Config
	}{
		{"store cover", "stores[0].covers[60000]", []o2o.RegionCode{covers[0].County(), covers[5]}, func(r o2o.RegionCode) Config {
			return Config{Stores: []StoreConfig{{ID: "BIG", Covers: append(covers[:60_000:60_000], r), Capabilities: []Capability{CapRetail}}}}
		}},
		{"territory", "dealers[0].territory[60000]", []o2o.RegionCode{territory[0].County(), territory[5]}, func(r o2o.RegionCode) Config {
			return Config{Dealers: []DealerConfig{{ID: "DL-BIG", Mode: ModeFused, Territory: append(territory[:60_000:60_000], r)}}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, bad := range tc.bad {
				err := hostile.Within(t, buildBound, "Build", func() error {
					_, err := tc.cfg(bad).Build(cat)
					return err
				})
				var ve *o2o.ValidationError
				if !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
					t.Errorf("%s: err = %v, want path %q", bad, err, tc.path)
				}
			}
		})
	}
}

// TestCheckRegionsAgreesWithPairwise checks the linear overlap check
// against the pairwise definition (Contains either way) on real codes,
// including the first overlapping entry each reports.
func TestCheckRegionsAgreesWithPairwise(t *testing.T) {
	var pool []o2o.RegionCode
	for _, c := range regionList(t, "counties.txt")[:400] {
		pool = append(pool, c, c.City(), c.Province())
	}
	pool = append(pool, regionList(t, "townships.txt")...)
	pool = append(pool, o2o.MustRegionCode("441900"), o2o.MustRegionCode("441900003"), o2o.MustRegionCode("350527000"))
	pairwise := func(path string, regions []o2o.RegionCode) string {
		for i, r := range regions {
			for j := range i {
				if regions[j].Contains(r) || r.Contains(regions[j]) {
					return o2o.Invalidf(fmt.Sprintf("%s[%d]", path, i), "%s overlaps %s of %s[%d]", r, regions[j], path, j).Error()
				}
			}
		}
		return ""
	}
	// Deterministic walks through the pool with different strides and
	// lengths, so that both clean lists and overlaps at every depth occur.
	clean, refused := 0, 0
	for stride := 1; stride < 60; stride += 7 {
		for start := 0; start < len(pool); start += 211 {
			var list []o2o.RegionCode
			for k := 0; k < 2+start%37; k++ {
				list = append(list, pool[(start+k*stride*31)%len(pool)])
			}
			got := ""
			if err := checkRegions("covers", list); err != nil {
				got = err.Error()
			}
			if want := pairwise("covers", list); got != want {
				t.Fatalf("%v:\ngot  %s\nwant %s", list, got, want)
			}
			if got == "" {
				clean++
			} else {
				refused++
			}
		}
	}
	if clean < 10 || refused < 10 {
		t.Errorf("walks too uniform: %d clean, %d refused", clean, refused)
	}
}

// bigCatalog returns n O2O-line and n dealer-line SKUs, all of one brand
// and model, and the O2O SKUs.
func bigCatalog(t *testing.T, n int) (*o2o.Catalog, []string) {
	t.Helper()
	var products []o2o.Product
	var o2oSKUs []string
	for i := range n {
		sku := fmt.Sprintf("O-%06d", i)
		o2oSKUs = append(o2oSKUs, sku)
		products = append(products,
			o2o.Product{SKU: sku, Brand: "B", Model: "M", Category: "c", Line: o2o.LineO2O},
			o2o.Product{SKU: fmt.Sprintf("D-%06d", i), Brand: "B", Model: "M", Category: "c", Line: o2o.LineDealer})
	}
	c, err := o2o.NewCatalog(products)
	if err != nil {
		t.Fatal(err)
	}
	return c, o2oSKUs
}

// TestSegregationScales: a brand and model with 5,000 SKUs on each line
// gives a report naming every SKU once (not 25 million pairs), within a
// bound, and one with 30,000 online-only and store SKUs likewise.
func TestSegregationScales(t *testing.T) {
	cat, o2oSKUs := bigCatalog(t, 5_000)
	var r SegregationReport
	hostile.Within(t, buildBound, "CheckSegregation", func() error {
		r = CheckSegregation(cat, o2oSKUs[:2_500])
		return nil
	})
	// 2,500 store SKUs + 2,500 online-only ones against 5,000 dealer SKUs,
	// and the online-only ones against the store ones.
	if got, want := len(r.Conflicts), 5_000+5_000-1; got != want {
		t.Errorf("conflicts: %d, want %d", got, want)
	}
	if got, want := len(r.Risks), 2_500+2_500-1; got != want {
		t.Errorf("risks: %d, want %d", got, want)
	}
	named := map[string]bool{}
	for _, f := range r.Conflicts {
		named[f.SKU], named[f.OtherSKU] = true, true
	}
	if len(named) != cat.Len() {
		t.Errorf("conflicts name %d SKUs of %d", len(named), cat.Len())
	}
	hostile.Within(t, buildBound, "Build", func() error {
		_, err := Config{}.Build(cat)
		return err
	})
}

// TestLargeAssortmentAndCoupons: a store whose assortment lists 60,000
// SKUs lists its products, and an order whose customer holds 100,000
// coupons of distinct stores is checked, each within a bound.
func TestLargeAssortmentAndCoupons(t *testing.T) {
	const size = 60_000
	var products []o2o.Product
	var skus []string
	for i := range size {
		sku := fmt.Sprintf("S-%06d", i)
		skus = append(skus, sku)
		products = append(products, o2o.Product{SKU: sku, Brand: "B", Model: fmt.Sprintf("M%d", i), Category: "c", Line: o2o.LineO2O})
	}
	cat, err := o2o.NewCatalog(products)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Stores: []StoreConfig{{ID: "A", Covers: []o2o.RegionCode{o2o.MustRegionCode("440305")}, Capabilities: []Capability{CapRetail},
		Assortment: Assortment{Include: Selection{SKUs: skus}, Exclude: Selection{SKUs: skus[:size/2]}}}}}
	var n *Network
	if err := hostile.Within(t, buildBound, "Build", func() (err error) {
		n, err = cfg.Build(cat)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var list []string
	hostile.Within(t, buildBound, "Listing", func() (err error) {
		list, err = n.Listing(o2o.ChannelO2O, Store("A"))
		return err
	})
	if len(list) != size/2 || list[0] != skus[size/2] {
		t.Errorf("listing: %d SKUs", len(list))
	}
	coupons := make([]Coupon, 100_000)
	for i := range coupons {
		coupons[i] = Coupon{Code: fmt.Sprint(i), Customer: "C-1", Store: fmt.Sprintf("ST-%06d", i)}
	}
	o := order("O-1", o2o.ChannelB2C, "440305001", lines(skus[size-1]))
	var r Report
	if err := hostile.Within(t, buildBound, "CheckOrder", func() (err error) {
		r, err = n.CheckOrder(o, Facts{Coupons: coupons})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || len(r.Findings[0].Parties) != len(coupons)+1 {
		t.Errorf("findings: %d", len(r.Findings))
	}
}

// TestErrorsCapFaults: an error lists at most limits.MaxFaults faults of a
// kind, then how many more there were.
func TestErrorsCapFaults(t *testing.T) {
	cat := testCatalog(t)
	// A config with 60,000 faults.
	var cfg Config
	for range 20_000 {
		cfg.Stores = append(cfg.Stores, StoreConfig{})
	}
	_, err := cfg.Build(cat)
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != limits.MaxFaults || ve.Count() < 20_000 {
		t.Fatalf("Build: %d fields, %d faults in all", len(ve.Fields), ve.Count())
	}
	if msg := err.Error(); !regexp.MustCompile(`; and [0-9,]+ more$`).MatchString(msg) {
		t.Errorf("Build's error does not count the faults it left out: %.300s…", msg)
	}
	// An order with 3,000 bad lines.
	n := testNetwork(t)
	o := order("O-1", o2o.ChannelO2O, "440305001")
	o.Lines = make([]o2o.OrderLine, 3_000)
	_, err = n.CheckOrder(o, Facts{})
	if !errors.As(err, &ve) || len(ve.Fields) != limits.MaxFaults || ve.Count() < 3_000 || !regexp.MustCompile(`; and [0-9,]+ more$`).MatchString(err.Error()) {
		t.Errorf("CheckOrder: %v fields, %.200v", len(ve.Fields), err)
	}
	// Routing with 5,000 tied and 5,000 incapable candidates.
	region := []o2o.RegionCode{o2o.MustRegionCode("440305001")}
	big := Config{Routing: RoutingConfig{Ties: TieRefuse}}
	for i := range 10_000 {
		caps := []Capability{CapRetail}
		if i%2 == 1 {
			caps = []Capability{CapPickup}
		}
		big.Stores = append(big.Stores, StoreConfig{ID: fmt.Sprintf("S-%05d", i), Covers: region, Capabilities: caps})
	}
	nb, err := big.Build(cat)
	if err != nil {
		t.Fatal(err)
	}
	_, err = nb.Route(order("O-2", o2o.ChannelO2O, "440305001"), CapRetail)
	var re *RouteError
	if !errors.As(err, &re) || len(re.Tied) != 5_000 || len(re.PassedOver) != 5_000 {
		t.Fatalf("Route: %v", err)
	}
	msg := err.Error()
	if len(msg) > 50_000 || !strings.Contains(msg, "and 4900 more;") || !strings.HasSuffix(msg, "; and 4900 more") {
		t.Errorf("RouteError text: %d bytes, ends %q", len(msg), msg[max(0, len(msg)-80):])
	}
}
