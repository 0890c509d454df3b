package channel

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

func TestCheckOrderFindings(t *testing.T) {
	n := testNetwork(t)
	leads, _, err := n.Leads().Register(Lead{Customer: "C-1", Party: Store("HZ-XH"), At: day(1)}, received)
	if err != nil {
		t.Fatal(err)
	}
	coupon := []Coupon{{Code: "CPN-9", Customer: "C-1", Store: "SZ-NT"}, {Code: "CPN-X", Customer: "C-2", Store: "SZ-NS"}}
	type want struct {
		kind    Kind
		rule    Rule
		parties []PartyRef
		skus    []string
	}
	tests := []struct {
		name  string
		order o2o.Order
		facts Facts
		want  []want
	}{
		{"clean O2O order", order("O-1", o2o.ChannelO2O, "440305001", served(o2o.PartyStore, "SZ-NT", "")), Facts{}, nil},
		{"lead customer steered to B2C", order("O-2", o2o.ChannelB2C, "440305001"), Facts{Leads: leads},
			[]want{{KindSteeredToB2C, RuleNoSteering, []PartyRef{Store("HZ-XH"), Platform("platform")}, nil}}},
		{"coupon customer steered to B2C", order("O-3", o2o.ChannelB2C, "440305001"), Facts{Coupons: coupon},
			[]want{{KindSteeredToB2C, RuleNoSteering, []PartyRef{Store("SZ-NT"), Platform("platform")}, nil}}},
		{"expired lead is no O2O customer", order("O-4", o2o.ChannelB2C, "440305001", at(day(1).AddDate(0, 1, 0))), Facts{Leads: leads}, nil},
		{"dealer line via O2O", order("O-5", o2o.ChannelO2O, "440305001", lines("FLOOR-D7")), Facts{},
			[]want{{KindDealerLineOutsideDealers, RuleDealerLineDealersOnly, []PartyRef{Platform("platform")}, []string{"FLOOR-D7"}}}},
		{"dealer line via B2C", order("O-6", o2o.ChannelB2C, "440305001", lines("SOFA-S3", "FLOOR-D7")), Facts{},
			[]want{{KindDealerLineOutsideDealers, RuleDealerLineDealersOnly, []PartyRef{Platform("platform")}, []string{"FLOOR-D7"}}}},
		{"O2O line priced by dealer", order("O-7", o2o.ChannelDealer, "330106001", lines("SOFA-S3"), served(o2o.PartyDealer, "DL-HZ", "")), Facts{},
			[]want{{KindO2OLineByDealer, RuleO2OLineNotByDealer, []PartyRef{Dealer("DL-HZ")}, []string{"SOFA-S3"}}}},
		{"online-only SKU in store", order("O-8", o2o.ChannelO2O, "440305001", lines("TILE-800-WEB"), served(o2o.PartyStore, "SZ-NT", "")), Facts{},
			[]want{{KindNotSellable, RuleB2COnly, []PartyRef{Store("SZ-NT")}, []string{"TILE-800-WEB"}}}},
		{"dealer sells into another territory", order("O-9", o2o.ChannelDealer, "441900003", lines("FLOOR-D7"), served(o2o.PartyDealer, "DL-HZ", "")), Facts{},
			[]want{{KindNotSellable, RuleTerritory, []PartyRef{Dealer("DL-HZ")}, []string{"FLOOR-D7"}}}},
		{"O2O sale into fused territory", order("O-10", o2o.ChannelO2O, "330106002", lines("SOFA-S3", "CAB-A1"), served(o2o.PartyStore, "HZ-XH", "")), Facts{},
			[]want{{KindCrossCompensation, RuleCrossCompensation, []PartyRef{Dealer("DL-HZ")}, []string{"SOFA-S3", "CAB-A1"}}}},
		{"B2C sale into fused territory", order("O-11", o2o.ChannelB2C, "330102001"), Facts{},
			[]want{{KindCrossCompensation, RuleCrossCompensation, []PartyRef{Dealer("DL-HZ")}, []string{"SOFA-S3"}}}},
		{"no compensation for independent dealer", order("O-12", o2o.ChannelO2O, "441900003", served(o2o.PartyStore, "GD-PROV", "")), Facts{}, nil},
		{"no compensation for reformed dealer", order("O-13", o2o.ChannelO2O, "510104017", served(o2o.PartyStore, "CD-CITY", "")), Facts{}, nil},
		{"own dealer line in own territory", order("O-14", o2o.ChannelDealer, "330106001", lines("FLOOR-D7"), served(o2o.PartyDealer, "DL-HZ", "")), Facts{}, nil},
		{"lead holder's agent serves", order("O-15", o2o.ChannelO2O, "330106001", served(o2o.PartyAgent, "AG-CHEN", "HZ-XH")), Facts{Leads: leads},
			[]want{{KindCrossCompensation, RuleCrossCompensation, []PartyRef{Dealer("DL-HZ")}, []string{"SOFA-S3"}}}},
		{"served by other than lead holder", order("O-16", o2o.ChannelO2O, "440305001", served(o2o.PartyStore, "SZ-NT", "")), Facts{Leads: leads, ServingReason: "customer asked"},
			[]want{{KindLeadServedByOther, RuleLeadHolderServes, []PartyRef{Store("HZ-XH"), Store("SZ-NT")}, nil}}},
		{"served other than routed", order("O-17", o2o.ChannelO2O, "440305001", served(o2o.PartyStore, "GD-PROV", "")), Facts{},
			[]want{{KindUnroutedServing, RuleServeAsRouted, []PartyRef{Store("GD-PROV"), Store("SZ-NT")}, nil}}},
		{"served other than routed, reason recorded", order("O-18", o2o.ChannelO2O, "440305001", served(o2o.PartyStore, "GD-PROV", "")), Facts{ServingReason: "SZ-NT closed for renovation"}, nil},
		{"routing need counts", order("O-19", o2o.ChannelO2O, "440305001", served(o2o.PartyStore, "SZ-NS", "")), Facts{Need: CapAfterSales}, nil},
		{"agent of routed store serves", order("O-20", o2o.ChannelO2O, "440305001", served(o2o.PartyAgent, "AG-WANG", "SZ-NT")), Facts{}, nil},
		{"unrouted region skips serving check", order("O-21", o2o.ChannelO2O, "110105001", served(o2o.PartyStore, "SZ-NT", "")), Facts{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := n.CheckOrder(tc.order, tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			got := []want{}
			for _, f := range r.Findings {
				got = append(got, want{f.Kind, f.Rule, f.Parties, f.SKUs})
				if f.Reason == "" || len(f.Evidence) == 0 {
					t.Errorf("finding without reason or evidence: %+v", f)
				}
			}
			if tc.want == nil {
				tc.want = []want{}
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if r.OrderID != tc.order.ID {
				t.Errorf("order id %q", r.OrderID)
			}
		})
	}
}

func TestCrossCompensationEntitlement(t *testing.T) {
	n := testNetwork(t)
	o := order("O-10", o2o.ChannelO2O, "330106002", lines("SOFA-S3", "FLOOR-D7", "CAB-A1"), served(o2o.PartyStore, "HZ-XH", ""))
	r, err := n.CheckOrder(o, Facts{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Entitlement{{Dealer: "DL-HZ", OrderID: "O-10", Channel: o2o.ChannelO2O, Delivery: o.Delivery, Territory: o2o.MustRegionCode("330100"),
		Lines: []o2o.OrderLine{o.Lines[0], o.Lines[2]}, At: o.At, Rule: RuleCrossCompensation}}
	if diff := cmp.Diff(want, r.Entitlements); diff != "" {
		t.Errorf("entitlements (-want +got):\n%s", diff)
	}
	if len(r.Conflicts()) != 1 || r.Conflicts()[0].Kind != KindDealerLineOutsideDealers {
		t.Errorf("conflicts = %+v", r.Conflicts())
	}
	roundTrip(t, r)
}

func TestCheckOrderErrors(t *testing.T) {
	n := testNetwork(t)
	bad := order("O-1", o2o.ChannelO2O, "440305001")
	bad.Channel = "fax"
	tests := []struct {
		name  string
		order o2o.Order
		facts Facts
		want  error
	}{
		{"invalid order", bad, Facts{}, o2o.ErrInvalid},
		{"unknown SKU", order("O-2", o2o.ChannelO2O, "440305001", lines("NOPE")), Facts{}, o2o.ErrNotFound},
		{"unknown serving store", order("O-3", o2o.ChannelO2O, "440305001", served(o2o.PartyStore, "XX", "")), Facts{}, o2o.ErrNotFound},
		{"dealer order without dealer", order("O-4", o2o.ChannelDealer, "330106001", lines("FLOOR-D7")), Facts{}, o2o.ErrInvalid},
		{"bad need", order("O-5", o2o.ChannelO2O, "440305001"), Facts{Need: "fly"}, o2o.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := n.CheckOrder(tc.order, tc.facts); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestCheckOrderNotes(t *testing.T) {
	n := testNetwork(t)
	cfg := testConfig(t)
	cfg.Routing.Ties = TieRefuse
	strict, err := cfg.Build(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		kind    Kind
		parties []PartyRef
		reason  string
	}
	tests := []struct {
		name  string
		net   *Network
		order o2o.Order
		facts Facts
		want  []want
	}{
		{"no route: serving unchecked", n, order("O-1", o2o.ChannelO2O, "110105001", served(o2o.PartyStore, "SZ-NT", "")), Facts{},
			[]want{{NoteServingUnchecked, []PartyRef{Store("SZ-NT")}, "routing finds no candidate able to do retail in 110105001"}}},
		{"refused tie: serving unchecked", strict, order("O-2", o2o.ChannelO2O, "330106002", served(o2o.PartyStore, "HZ-XH2", "")), Facts{Need: CapMeasurement},
			[]want{{NoteServingUnchecked, []PartyRef{Store("HZ-XH2"), Store("HZ-XH")}, "routing refuses a tie among 2 candidates"}}},
		{"recorded reason: nothing to check", n, order("O-3", o2o.ChannelO2O, "110105001", served(o2o.PartyStore, "SZ-NT", "")), Facts{ServingReason: "customer moved"}, nil},
		{"independent territory", n, order("O-4", o2o.ChannelO2O, "441900003", served(o2o.PartyStore, "GD-PROV", "")), Facts{},
			[]want{{NoteIndependentTerritory, []PartyRef{Dealer("DL-DG")}, "no cross-compensation is due"}}},
		{"independent territory, dealer line only", n, order("O-5", o2o.ChannelDealer, "441900003", lines("FLOOR-D7"), served(o2o.PartyDealer, "DL-DG", "")), Facts{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.net.CheckOrder(tc.order, tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Conflicts()) != 0 {
				t.Errorf("conflicts = %+v", r.Conflicts())
			}
			if len(r.Notes) != len(tc.want) {
				t.Fatalf("notes = %+v", r.Notes)
			}
			for i, w := range tc.want {
				got := r.Notes[i]
				if got.Kind != w.kind || !cmp.Equal(got.Parties, w.parties) || !strings.Contains(got.Reason, w.reason) || len(got.Evidence) == 0 {
					t.Errorf("note %d = %+v, want %+v", i, got, w)
				}
			}
		})
	}
}

// TestLeadTeams pins who counts as the lead holder: the holder itself, a
// store for its agents and an agent for its store; but two agents each hold
// their own customers, even in one store.
func TestLeadTeams(t *testing.T) {
	cfg := testConfig(t)
	cfg.Agents = append(cfg.Agents, AgentConfig{ID: "AG-ZHAO", StoreID: "SZ-NT", Role: RoleService})
	n, err := cfg.Build(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		holder PartyRef
		served orderOpt
		other  bool // a lead_served_by_other finding
	}{
		{"the holding agent", Agent("AG-WANG"), served(o2o.PartyAgent, "AG-WANG", "SZ-NT"), false},
		{"the holding agent's store", Agent("AG-WANG"), served(o2o.PartyStore, "SZ-NT", ""), false},
		{"an agent of the holding store", Store("SZ-NT"), served(o2o.PartyAgent, "AG-ZHAO", "SZ-NT"), false},
		{"another agent of the same store", Agent("AG-WANG"), served(o2o.PartyAgent, "AG-ZHAO", "SZ-NT"), true},
		{"an agent of another store", Agent("AG-WANG"), served(o2o.PartyAgent, "AG-LI", "SZ-NS"), true},
		{"another store", Store("SZ-NT"), served(o2o.PartyStore, "SZ-NS", ""), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leads, _, err := n.Leads().Register(Lead{Customer: "C-1", Party: tc.holder, At: day(1)}, received)
			if err != nil {
				t.Fatal(err)
			}
			r, err := n.CheckOrder(order("O-1", o2o.ChannelO2O, "440305001", tc.served), Facts{Leads: leads})
			if err != nil {
				t.Fatal(err)
			}
			var kinds []Kind
			for _, f := range r.Findings {
				kinds = append(kinds, f.Kind)
			}
			var want []Kind
			if tc.other {
				want = []Kind{KindLeadServedByOther}
			}
			if diff := cmp.Diff(want, kinds); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
