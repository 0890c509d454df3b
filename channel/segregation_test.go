package channel

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

func TestSegregationReport(t *testing.T) {
	n := testNetwork(t)
	got := n.Segregation()
	want := SegregationReport{
		Conflicts: []SegregationFinding{{Rule: RuleSameModelBothLines, BrandModel: o2o.BrandModel{Brand: "Mianpeng", Model: "DX"}, SKU: "DOOR-DX", OtherSKU: "DOOR-DX-D",
			Reason: "Mianpeng DX is on the O2O line as DOOR-DX and on the dealer line as DOOR-DX-D; the lines must be disjoint (产品区隔)"}},
		Risks: []SegregationFinding{{Rule: RuleB2COnlyVariant, BrandModel: o2o.BrandModel{Brand: "Mianpeng", Model: "T800"}, SKU: "TILE-800-WEB", OtherSKU: "TILE-800",
			Reason: "Mianpeng T800 is sold online only as TILE-800-WEB while the stores sell it as TILE-800: online sales may draw the stores' customers"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if got.Disjoint() {
		t.Error("Disjoint with a conflict")
	}
	clean := CheckSegregation(o2o.MustCatalog(
		o2o.Product{SKU: "A", Brand: "B", Model: "M1", Category: "c", Line: o2o.LineO2O},
		o2o.Product{SKU: "B", Brand: "B", Model: "M2", Category: "c", Line: o2o.LineDealer},
		o2o.Product{SKU: "C", Brand: "B2", Model: "M1", Category: "c", Line: o2o.LineDealer},
	), []string{"A"})
	if !clean.Disjoint() || len(clean.Risks) != 0 {
		t.Errorf("clean catalog: %+v", clean)
	}
	// Two SKUs per line name every pair.
	multi := CheckSegregation(o2o.MustCatalog(
		o2o.Product{SKU: "O1", Brand: "B", Model: "M", Category: "c", Line: o2o.LineO2O},
		o2o.Product{SKU: "O2", Brand: "B", Model: "M", Category: "c", Line: o2o.LineO2O},
		o2o.Product{SKU: "D1", Brand: "B", Model: "M", Category: "c", Line: o2o.LineDealer},
	), nil)
	if len(multi.Conflicts) != 2 || multi.Conflicts[0].SKU != "O1" || multi.Conflicts[1].SKU != "O2" {
		t.Errorf("multi: %+v", multi.Conflicts)
	}
	if r := CheckSegregation(nil, nil); !r.Disjoint() {
		t.Error("nil catalog")
	}
}

func TestMaySell(t *testing.T) {
	n := testNetwork(t)
	r := o2o.MustRegionCode
	tests := []struct {
		name    string
		sale    Sale
		allowed bool
		rule    Rule
	}{
		{"store sells O2O line", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: Store("SZ-NT")}, true, RuleAllowed},
		{"agent sells O2O line", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: Agent("AG-LI")}, true, RuleAllowed},
		{"platform sells B2C", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelB2C, Seller: Platform("tmall")}, true, RuleAllowed},
		{"platform takes O2O order", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: Platform("web")}, true, RuleAllowed},
		{"reformed dealer sells O2O line", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: Dealer("DL-CD")}, true, RuleAllowed},
		{"fused dealer sells own line in territory", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Dealer("DL-HZ"), Delivery: r("330106001")}, true, RuleAllowed},
		{"independent dealer sells own line", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Dealer("DL-DG")}, true, RuleAllowed},
		{"dealer line via O2O", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelO2O, Seller: Store("SZ-NT")}, false, RuleDealerLineDealersOnly},
		{"dealer line via B2C", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelB2C, Seller: Platform("tmall")}, false, RuleDealerLineDealersOnly},
		{"O2O line by dealer", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelDealer, Seller: Dealer("DL-HZ")}, false, RuleO2OLineNotByDealer},
		{"model on both lines", Sale{SKU: "DOOR-DX", Channel: o2o.ChannelO2O, Seller: Store("SZ-NT")}, false, RuleSameModelBothLines},
		{"online-only in store", Sale{SKU: "TILE-800-WEB", Channel: o2o.ChannelO2O, Seller: Store("SZ-NT")}, false, RuleB2COnly},
		{"online-only on B2C", Sale{SKU: "TILE-800-WEB", Channel: o2o.ChannelB2C, Seller: Platform("tmall")}, true, RuleAllowed},
		{"O2O-only via B2C", Sale{SKU: "CAB-A1", Channel: o2o.ChannelB2C, Seller: Platform("tmall")}, false, RuleO2OOnly},
		{"store sells B2C", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelB2C, Seller: Store("SZ-NT")}, false, RuleSeller},
		{"fused dealer via O2O", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: Dealer("DL-HZ")}, false, RuleSeller},
		{"independent dealer via O2O", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: Dealer("DL-DG")}, false, RuleSeller},
		{"customer sells", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: PartyRef{Kind: o2o.PartyCustomer, ID: "x"}}, false, RuleSeller},
		{"store on dealer channel", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Store("SZ-NT")}, false, RuleSeller},
		{"reformed dealer's dealer line", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Dealer("DL-CD")}, false, RuleSeller},
		{"dealer into another's territory", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Dealer("DL-HZ"), Delivery: r("441900003")}, false, RuleTerritory},
		{"dealer outside all territories", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Dealer("DL-HZ"), Delivery: r("440305")}, false, RuleTerritory},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := n.MaySell(tc.sale)
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed != tc.allowed || v.Rule != tc.rule || v.Reason == "" || v.Sale != tc.sale {
				t.Errorf("verdict = %+v, want allowed=%v rule=%s", v, tc.allowed, tc.rule)
			}
		})
	}
	v, _ := n.MaySell(Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Dealer("DL-HZ"), Delivery: r("441900003")})
	if want := "441900003 lies in territory 441900 of dealer DL-DG; dealer DL-HZ sells only within its own (地域代理制)"; v.Reason != want {
		t.Errorf("reason = %q", v.Reason)
	}
}

func TestMaySellErrors(t *testing.T) {
	n := testNetwork(t)
	tests := []struct {
		name string
		sale Sale
		want error
	}{
		{"unknown SKU", Sale{SKU: "NOPE", Channel: o2o.ChannelO2O, Seller: Store("SZ-NT")}, o2o.ErrNotFound},
		{"unknown store", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: Store("XX")}, o2o.ErrNotFound},
		{"unknown dealer", Sale{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Dealer("XX")}, o2o.ErrNotFound},
		{"bad channel", Sale{SKU: "SOFA-S3", Channel: "mail", Seller: Store("SZ-NT")}, o2o.ErrInvalid},
		{"bad kind", Sale{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: PartyRef{Kind: "alien"}}, o2o.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := n.MaySell(tc.sale); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := n.Listing("mail", Store("SZ-NT")); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("listing bad channel: %v", err)
	}
}

func TestListing(t *testing.T) {
	n := testNetwork(t)
	got, err := n.Listing(o2o.ChannelO2O, Store("SZ-NT"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CAB-A1", "SOFA-S3", "SVC-BUILD", "SVC-MEASURE", "TILE-800"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("O2O listing (-want +got):\n%s", diff)
	}
	got, _ = n.Listing(o2o.ChannelB2C, Platform("tmall"))
	want = []string{"SOFA-S3", "SVC-BUILD", "SVC-MEASURE", "TILE-800", "TILE-800-WEB"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("B2C listing (-want +got):\n%s", diff)
	}
}

// TestSegregationPathsAgree is the property that listing, lookup and
// checkout give the same answer for every SKU, channel and seller: no path
// shows or sells what another refuses (productdevbook/tezgah#132).
func TestSegregationPathsAgree(t *testing.T) {
	for _, file := range []string{"network.json", "network_assortment.json"} {
		t.Run(file, func(t *testing.T) {
			cfg, err := ParseConfig(readFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			n, err := cfg.Build(testCatalog(t))
			if err != nil {
				t.Fatal(err)
			}
			segregationPathsAgree(t, n)
		})
	}
}

func segregationPathsAgree(t *testing.T, n *Network) {
	sellers := []PartyRef{Store("SZ-NT"), Store("SZ-NS"), Store("HZ-XH"), Agent("AG-LI"), Agent("AG-WANG"), Dealer("DL-HZ"), Dealer("DL-DG"), Dealer("DL-CD"), Platform("platform")}
	agentStore := map[string]string{"AG-LI": "SZ-NS", "AG-WANG": "SZ-NT"}
	deliveries := []string{"330106001", "441900003", "510107", "440305001"}
	rng := rand.New(rand.NewPCG(1, 2))
	rounds := 300
	if testing.Short() {
		rounds = 50
	}
	for range rounds {
		ch := o2o.Channels()[rng.IntN(3)]
		seller := sellers[rng.IntN(len(sellers))]
		p := n.Catalog().Products()[rng.IntN(n.Catalog().Len())]
		delivery := deliveries[rng.IntN(len(deliveries))]
		listing, err := n.Listing(ch, seller)
		if err != nil {
			t.Fatal(err)
		}
		listed := false
		for _, s := range listing {
			listed = listed || s == p.SKU
		}
		// Lookup with no delivery region is what listing answers.
		v, err := n.MaySell(Sale{SKU: p.SKU, Channel: ch, Seller: seller})
		if err != nil {
			t.Fatal(err)
		}
		if v.Allowed != listed {
			t.Fatalf("%s %s %s: listed=%v lookup=%v", p.SKU, ch, seller, listed, v.Allowed)
		}
		// Checkout finds a segregation finding exactly when lookup (with the
		// delivery region) refuses.
		if ch == o2o.ChannelB2C || (ch == o2o.ChannelDealer && seller.Kind != o2o.PartyDealer) || seller.Kind == o2o.PartyPlatform && ch != o2o.ChannelO2O {
			continue // checkout fixes the seller of these from the order itself
		}
		o := order("P", ch, delivery, lines(p.SKU))
		if seller.Kind != o2o.PartyPlatform {
			o.ServedBy = &o2o.Serving{Kind: seller.Kind, PartyID: seller.ID}
			if seller.Kind == o2o.PartyAgent {
				o.ServedBy.StoreID = agentStore[seller.ID]
			}
		}
		rep, err := n.CheckOrder(o, Facts{ServingReason: "test"})
		if err != nil {
			t.Fatal(err)
		}
		v, _ = n.MaySell(Sale{SKU: p.SKU, Channel: ch, Seller: seller, Delivery: o.Delivery})
		found := false
		for _, f := range rep.Findings {
			found = found || (len(f.SKUs) == 1 && f.Rule == v.Rule)
		}
		if found == v.Allowed {
			t.Fatalf("%s %s %s %s: checkout finding=%v lookup allowed=%v (%s)", p.SKU, ch, seller, delivery, found, v.Allowed, v.Rule)
		}
	}
}
