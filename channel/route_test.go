package channel

import (
	"bufio"
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

func regionList(t testing.TB, name string) []o2o.RegionCode {
	t.Helper()
	var out []o2o.RegionCode
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, name)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := o2o.ParseRegionCode(line)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestRouteLevels(t *testing.T) {
	n := testNetwork(t)
	tests := []struct {
		name     string
		delivery string
		need     Capability
		serve    PartyRef
		covers   string
		level    o2o.RegionLevel
		rule     Rule
		passed   []string // "party@region"
		agents   []string
	}{
		{"township", "440305001", CapConstruction, Store("SZ-NT"), "440305001", o2o.LevelTownship, RuleRouteClosest,
			[]string{"store:SZ-NS@440305", "store:SZ-CITY@440300", "store:GD-PROV@440000"}, []string{"AG-WANG"}},
		{"county", "440305002", CapMeasurement, Store("SZ-NS"), "440305", o2o.LevelCounty, RuleRouteClosest,
			[]string{"store:SZ-CITY@440300", "store:GD-PROV@440000"}, nil},
		{"county passed over, city serves", "440305002", CapConstruction, Store("SZ-CITY"), "440300", o2o.LevelCity, RuleRouteClosest,
			[]string{"store:SZ-NS@440305", "store:GD-PROV@440000"}, nil},
		{"province fallback (Dongguan, no county level)", "441900003", CapConstruction, Store("GD-PROV"), "440000", o2o.LevelProvince, RuleRouteClosest, []string{}, nil},
		{"tie by priority", "330106002", CapMeasurement, Store("HZ-XH"), "330106", o2o.LevelCounty, RuleRouteTie, []string{"store:HZ-XH2@330106"}, []string{"AG-CHEN"}},
		{"tie store over reformed dealer", "510104017", CapMeasurement, Store("CD-CITY"), "510100", o2o.LevelCity, RuleRouteTie, []string{"dealer:DL-CD@510100"}, nil},
		{"reformed dealer serves", "510104017", CapConstruction, Dealer("DL-CD"), "510100", o2o.LevelCity, RuleRouteClosest, []string{"store:CD-CITY@510100"}, nil},
		{"county over reformed dealer's city", "510107001", CapConstruction, Store("CD-WH"), "510107", o2o.LevelCounty, RuleRouteClosest, []string{"store:CD-CITY@510100", "dealer:DL-CD@510100"}, nil},
		{"county-level delivery", "440305", CapAfterSales, Store("SZ-NS"), "440305", o2o.LevelCounty, RuleRouteClosest, []string{"store:SZ-CITY@440300", "store:GD-PROV@440000"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := n.Route(order("O-1", o2o.ChannelO2O, tc.delivery), tc.need)
			if err != nil {
				t.Fatal(err)
			}
			passed := []string{}
			for _, p := range d.PassedOver {
				passed = append(passed, p.Party.String()+"@"+p.Covers.String())
				if p.Reason == "" || p.Level != p.Covers.Level() {
					t.Errorf("passed over %+v", p)
				}
			}
			got := struct {
				Serve  PartyRef
				Covers string
				Level  o2o.RegionLevel
				Rule   Rule
				Passed []string
				Agents []string
			}{d.Serve, d.Covers.String(), d.Level, d.Rule, passed, d.Agents}
			want := got
			want.Serve, want.Covers, want.Level, want.Rule, want.Passed, want.Agents = tc.serve, tc.covers, tc.level, tc.rule, tc.passed, tc.agents
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("route (-want +got):\n%s", diff)
			}
			if d.OrderID != "O-1" || d.Need != tc.need || d.Delivery.String() != tc.delivery || d.Reason == "" {
				t.Errorf("decision header %+v", d)
			}
		})
	}
}

func TestRouteExplains(t *testing.T) {
	n := testNetwork(t)
	d, err := n.Route(order("O-1", o2o.ChannelO2O, "440305002"), CapConstruction)
	if err != nil {
		t.Fatal(err)
	}
	if want := "store:SZ-CITY covers the city 440300, the closest level to 440305002 with a candidate able to do construction"; d.Reason != want {
		t.Errorf("reason = %q", d.Reason)
	}
	if want := "covers the county 440305 but cannot do construction"; d.PassedOver[0].Reason != want {
		t.Errorf("passed over reason = %q", d.PassedOver[0].Reason)
	}
	if want := "covers only the province 440000; store:SZ-CITY covers the closer city 440300"; d.PassedOver[1].Reason != want {
		t.Errorf("passed over reason = %q", d.PassedOver[1].Reason)
	}
	d, _ = n.Route(order("O-1", o2o.ChannelO2O, "510104017"), CapMeasurement)
	if want := "tied with store:CD-CITY on the city 510100; the tie rule (prefer_store) prefers a directly operated store over a reformed dealer"; d.PassedOver[0].Reason != want {
		t.Errorf("tie reason = %q", d.PassedOver[0].Reason)
	}
}

func TestRouteErrors(t *testing.T) {
	n := testNetwork(t)
	_, err := n.Route(order("O-2", o2o.ChannelO2O, "110105001"), CapRetail)
	var re *RouteError
	if !errors.Is(err, ErrNoRoute) || !errors.As(err, &re) || len(re.PassedOver) != 0 || errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("uncovered Beijing: %v", err)
	}
	_, err = n.Route(order("O-3", o2o.ChannelO2O, "330102001"), CapConstruction)
	if !errors.As(err, &re) || !errors.Is(err, ErrNoRoute) || len(re.PassedOver) != 1 || re.PassedOver[0].Party != Store("HZ-SC") {
		t.Fatalf("incapable only: %v", err)
	}
	if !strings.Contains(err.Error(), "store:HZ-SC: covers the township 330102001 but cannot do construction") {
		t.Errorf("message %q", err)
	}
	// Route checks what it reads: the delivery region (and, with leads, the
	// customer and the instant). Lines do not bear on who serves.
	noDelivery := order("O-4", o2o.ChannelO2O, "440305001")
	noDelivery.Delivery = o2o.RegionCode{}
	if _, err := n.Route(noDelivery, CapRetail); !errors.Is(err, o2o.ErrInvalid) || !strings.Contains(err.Error(), "delivery") {
		t.Errorf("no delivery: %v", err)
	}
	noLines := order("O-4", o2o.ChannelO2O, "440305001")
	noLines.Lines = nil
	if d, err := n.Route(noLines, CapRetail); err != nil || d.Serve != Store("SZ-NT") {
		t.Errorf("no lines: %+v %v", d, err)
	}
	for name, mutate := range map[string]func(*o2o.Order){
		"customer.id": func(o *o2o.Order) { o.Customer.ID = "" },
		"at":          func(o *o2o.Order) { o.At = time.Time{} },
		"delivery":    func(o *o2o.Order) { o.Delivery = o2o.RegionCode{} },
	} {
		o := order("O-4", o2o.ChannelO2O, "440305001")
		mutate(&o)
		if _, err := n.RouteWithLeads(o, CapRetail, n.Leads()); !errors.Is(err, o2o.ErrInvalid) || !strings.Contains(err.Error(), name) {
			t.Errorf("RouteWithLeads without %s: %v", name, err)
		}
	}
	var ee *o2o.EnumError
	if _, err := n.Route(order("O-5", o2o.ChannelO2O, "440305001"), "fly"); !errors.As(err, &ee) {
		t.Errorf("bad need: %v", err)
	}
	// The refuse tie rule assigns no one and names the tied candidates.
	cfg := testConfig(t)
	cfg.Routing.Ties = TieRefuse
	strict, err := cfg.Build(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = strict.Route(order("O-6", o2o.ChannelO2O, "330106002"), CapMeasurement)
	if !errors.Is(err, ErrTie) || !errors.As(err, &re) || !cmp.Equal(re.Tied, []PartyRef{Store("HZ-XH"), Store("HZ-XH2")}) {
		t.Fatalf("tie: %v", err)
	}
	if d, err := strict.Route(order("O-7", o2o.ChannelO2O, "330106002"), CapConstruction); err != nil || d.Serve != Store("HZ-XH") {
		t.Errorf("no tie under refuse: %+v %v", d, err)
	}
}

func TestRouteWithLeads(t *testing.T) {
	n := testNetwork(t)
	reg := func(p PartyRef) Leads {
		l, _, err := n.Leads().Register(Lead{Customer: "C-1", Party: p, At: day(1)}, received)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	// The agent holding the lead serves even though routing alone would too.
	d, err := n.RouteWithLeads(order("O-1", o2o.ChannelO2O, "440305001"), CapConstruction, reg(Agent("AG-WANG")))
	if err != nil || d.Serve != Agent("AG-WANG") || d.Store != "SZ-NT" || d.Rule != RuleRouteLead || d.Covers.String() != "440305001" {
		t.Fatalf("agent lead: %+v %v", d, err)
	}
	// A lead-holding county store beats the closer township store.
	d, err = n.RouteWithLeads(order("O-1", o2o.ChannelO2O, "440305001"), CapMeasurement, reg(Store("SZ-NS")))
	if err != nil || d.Serve != Store("SZ-NS") || d.Rule != RuleRouteLead {
		t.Fatalf("store lead: %+v %v", d, err)
	}
	var re *RouteError
	for _, tc := range []struct {
		name   string
		holder PartyRef
		deliv  string
		need   Capability
		reason string
	}{
		{"sales agent cannot build", Agent("AG-LI"), "440305001", CapMeasurement, "only a service specialist"},
		{"store does not cover", Store("SZ-NT"), "440305002", CapRetail, "does not cover 440305002"},
		{"store lacks capability", Store("SZ-NS"), "440305001", CapConstruction, "cannot do construction"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := n.RouteWithLeads(order("O-1", o2o.ChannelO2O, tc.deliv), tc.need, reg(tc.holder))
			if !errors.Is(err, ErrLeadHolderCannotServe) || !errors.As(err, &re) || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("err = %v", err)
			}
		})
	}
	// After the window, routing decides again.
	d, err = n.RouteWithLeads(order("O-1", o2o.ChannelO2O, "440305001", at(day(1).AddDate(0, 0, 30))), CapMeasurement, reg(Store("SZ-NS")))
	if err != nil || d.Serve != Store("SZ-NT") || d.Rule != RuleRouteClosest {
		t.Fatalf("expired lead: %+v %v", d, err)
	}
}

// TestRouteIndependentOfListingOrder is the property that shuffling the
// stores, agents and dealers of the config never changes a decision.
func TestRouteIndependentOfListingOrder(t *testing.T) {
	cfg := testConfig(t)
	cat := testCatalog(t)
	base, err := cfg.Build(cat)
	if err != nil {
		t.Fatal(err)
	}
	towns := regionList(t, "townships.txt")
	rng := rand.New(rand.NewPCG(7, 11))
	shuffles, orders := 20, 200
	if testing.Short() {
		shuffles, orders = 5, 50
	}
	for range shuffles {
		c := cfg.clone()
		rng.Shuffle(len(c.Stores), func(i, j int) { c.Stores[i], c.Stores[j] = c.Stores[j], c.Stores[i] })
		rng.Shuffle(len(c.Dealers), func(i, j int) { c.Dealers[i], c.Dealers[j] = c.Dealers[j], c.Dealers[i] })
		rng.Shuffle(len(c.Agents), func(i, j int) { c.Agents[i], c.Agents[j] = c.Agents[j], c.Agents[i] })
		shuffled, err := c.Build(cat)
		if err != nil {
			t.Fatal(err)
		}
		for range orders {
			o := order("P", o2o.ChannelO2O, towns[rng.IntN(len(towns))].String())
			need := Capabilities()[rng.IntN(len(Capabilities()))]
			d1, err1 := base.Route(o, need)
			d2, err2 := shuffled.Route(o, need)
			if diff := cmp.Diff(d1, d2); diff != "" || (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
				t.Fatalf("%s %s: decisions differ: %s\n%v\n%v", o.Delivery, need, diff, err1, err2)
			}
		}
	}
}

// TestEveryCoveredOrderRouted is the property that every order delivered
// into a covered region, needing a capability some candidate covering it
// has, is routed — to the capable candidate covering the closest level —
// and every other candidate covering it is listed as passed over.
func TestEveryCoveredOrderRouted(t *testing.T) {
	n := testNetwork(t)
	towns := regionList(t, "townships.txt")
	if testing.Short() {
		towns = towns[:100]
	}
	for _, town := range towns {
		for _, need := range Capabilities() {
			best, bestRank, covering := -1, 0, 0
			for i, p := range n.points {
				for _, c := range p.covers {
					if !c.Contains(town) {
						continue
					}
					covering++
					if p.caps.has(need) && c.Level().Rank() > bestRank {
						best, bestRank = i, c.Level().Rank()
					}
				}
			}
			d, err := n.Route(order("P", o2o.ChannelO2O, town.String()), need)
			if best < 0 {
				if !errors.Is(err, ErrNoRoute) {
					t.Fatalf("%s %s: want ErrNoRoute, got %+v %v", town, need, d, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s %s: %v", town, need, err)
			}
			if d.Level.Rank() != bestRank || !d.Covers.Contains(town) || len(d.PassedOver) != covering-1 {
				t.Fatalf("%s %s: %+v (best rank %d, %d covering)", town, need, d, bestRank, covering)
			}
		}
	}
}

// TestTieRuleOrder pins each step of the documented tie rule
// (TiePreferStore): a store before a reformed dealer, then the lower
// priority number, then the smaller id, whatever the listing order.
func TestTieRuleOrder(t *testing.T) {
	store := func(id string, priority int) StoreConfig {
		return StoreConfig{ID: id, Covers: []o2o.RegionCode{o2o.MustRegionCode("330106")}, Capabilities: []Capability{CapMeasurement}, Priority: priority}
	}
	reformed := DealerConfig{ID: "A-DEALER", Mode: ModeReformed, Territory: []o2o.RegionCode{o2o.MustRegionCode("330106")}, Capabilities: []Capability{CapMeasurement}, Priority: -5}
	tests := []struct {
		name    string
		stores  []StoreConfig
		dealers []DealerConfig
		serve   PartyRef
		passed  []PartyRef
		why     string
	}{
		{"smaller id", []StoreConfig{store("S-B", 0), store("S-A", 0), store("S-C", 0)}, nil,
			Store("S-A"), []PartyRef{Store("S-B"), Store("S-C")}, `the smaller id "S-A"`},
		{"priority before id", []StoreConfig{store("S-A", 2), store("S-B", 1)}, nil,
			Store("S-B"), []PartyRef{Store("S-A")}, "priority 1 over 2"},
		{"store before reformed dealer, whatever the priority", []StoreConfig{store("S-Z", 9)}, []DealerConfig{reformed},
			Store("S-Z"), []PartyRef{Dealer("A-DEALER")}, "a directly operated store over a reformed dealer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Config{Stores: tc.stores, Dealers: tc.dealers}.Build(testCatalog(t))
			if err != nil {
				t.Fatal(err)
			}
			d, err := n.Route(order("O-1", o2o.ChannelO2O, "330106002"), CapMeasurement)
			if err != nil {
				t.Fatal(err)
			}
			var passed []PartyRef
			for _, p := range d.PassedOver {
				passed = append(passed, p.Party)
				if !strings.HasSuffix(p.Reason, "prefers "+tc.why) {
					t.Errorf("reason = %q, want it to end with %q", p.Reason, tc.why)
				}
			}
			if d.Serve != tc.serve || d.Rule != RuleRouteTie {
				t.Errorf("serve %s by %s, want %s by %s", d.Serve, d.Rule, tc.serve, RuleRouteTie)
			}
			if diff := cmp.Diff(tc.passed, passed); diff != "" {
				t.Errorf("passed over (-want +got):\n%s", diff)
			}
		})
	}
}
