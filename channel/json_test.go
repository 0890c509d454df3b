package channel

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

// roundTrip marshals v, decodes it strictly into a new T, and checks that
// the value and its bytes come back the same.
func roundTrip[T any](t *testing.T, v T, opts ...cmp.Option) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	var back T
	if err := o2o.DecodeJSON(data, &back); err != nil {
		t.Fatalf("decode %T %s: %v", v, data, err)
	}
	if diff := cmp.Diff(v, back, opts...); diff != "" {
		t.Errorf("%T round trip (-want +got):\n%s", v, diff)
	}
	if again, _ := json.Marshal(back); string(again) != string(data) {
		t.Errorf("%T round trip bytes:\n%s\n%s", v, data, again)
	}
}

// TestResultsJSONRoundTrip checks that every input and result type of the
// package round-trips through strict JSON, as computed on the test network.
func TestResultsJSONRoundTrip(t *testing.T) {
	n := testNetwork(t)
	for _, tc := range []struct {
		delivery string
		need     Capability
	}{{"440305001", CapConstruction}, {"330106002", CapMeasurement}, {"510104017", CapMeasurement}, {"441900003", CapConstruction}} {
		d, err := n.Route(order("O-1", o2o.ChannelO2O, tc.delivery), tc.need)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, d)
	}
	leads, claim, err := n.Leads().Register(Lead{Customer: "C-1", Party: Agent("AG-WANG"), At: day(1)}, received)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, claim)
	_, conflict, err := leads.Register(Lead{Customer: "C-1", Party: Store("SZ-NS"), At: day(2)}, received)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, conflict)
	d, err := n.RouteWithLeads(order("O-2", o2o.ChannelO2O, "440305001"), CapConstruction, leads)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, d)
	for _, s := range []Sale{
		{SKU: "SOFA-S3", Channel: o2o.ChannelO2O, Seller: Store("SZ-NT")},
		{SKU: "FLOOR-D7", Channel: o2o.ChannelDealer, Seller: Dealer("DL-HZ"), Delivery: o2o.MustRegionCode("441900003")},
	} {
		v, err := n.MaySell(s)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, v)
	}
	roundTrip(t, n.Segregation())
	roundTrip(t, CheckSegregation(testCatalog(t), nil))
	info, ok := n.Dealer("DL-CD")
	if !ok {
		t.Fatal("no dealer DL-CD")
	}
	roundTrip(t, info)
	roundTrip(t, ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3"}, RefreshedAt: day(1)})
	roundTrip(t, []Eligibility{{SKU: "SOFA-S3", Eligible: true}, {SKU: "CAB-A1", Reason: "no province price"}})
	r, err := n.CheckOrder(order("O-3", o2o.ChannelO2O, "441900003", served(o2o.PartyStore, "SZ-NT", "")), Facts{Leads: leads})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, r)
	// A decoded registry is unbound (see Leads), so registries compare by
	// what they hold and their window: their JSON form.
	sameLeads := cmp.Comparer(func(a, b Leads) bool {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return string(ja) == string(jb)
	})
	roundTrip(t, Facts{Leads: leads, Coupons: []Coupon{{Code: "X", Customer: "C-1", Store: "SZ-NT"}}, Need: CapPickup, ServingReason: "asked"}, sameLeads)
}

// TestDecodeErrorPaths checks that strict decoding refuses misspelt,
// repeated and bad values with the full indexed JSON path, also inside
// values that decode themselves (a lead registry inside Facts).
func TestDecodeErrorPaths(t *testing.T) {
	const lead = `{"customer":"C","party":{"kind":"store","id":"SZ-NT"},"at":"2024-05-01T10:00:00+08:00"}`
	tests := []struct {
		name, data, path string
		decode           func([]byte) error
	}{
		{"config: value decoding itself", `{"stores":[{"id":"A","covers":["440305001"],"capabilities":["retail"]},{"id":"B","covers":["4403x"],"capabilities":["retail"]}]}`, "stores[1].covers[0]", parseConfig},
		{"config: unknown enum", `{"stores":[{"id":"A","covers":["440305001"],"capabilities":["retail","nope"]}]}`, "stores[0].capabilities[1]", parseConfig},
		{"config: key case", `{"Stores":[]}`, "Stores", parseConfig},
		{"config: nested key case", `{"dealers":[{"id":"A","Mode":"fused","territory":["440300"]}]}`, "dealers[0].Mode", parseConfig},
		{"config: repeated key", `{"routing":{"ties":"refuse","ties":"prefer_store"}}`, "routing.ties", parseConfig},
		{"facts: lead party kind", `{"leads":{"protectionDays":30,"held":[` + lead + `,{"customer":"D","party":{"kind":"dealer","id":"DL-HZ"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}}`, "leads.held[1].party.kind", decodeFacts},
		{"facts: lead instant", `{"leads":{"protectionDays":30,"held":[{"customer":"C","party":{"kind":"store","id":"D"},"at":"bad"}],"conflicts":[]}}`, "leads.held[0].at", decodeFacts},
		{"facts: lead key case", `{"leads":{"protectionDays":30,"Held":[],"conflicts":[]}}`, "leads.Held", decodeFacts},
		{"facts: conflict outcome", `{"leads":{"protectionDays":30,"held":[],"conflicts":[{"lead":` + lead + `,"outcome":"held","holder":` + lead + `}]}}`, "leads.conflicts[0].outcome", decodeFacts},
		{"facts: repeated customer", `{"leads":{"protectionDays":30,"held":[` + lead + `,` + lead + `],"conflicts":[]}}`, "leads.held[1].customer", decodeFacts},
		{"facts: coupon key case", `{"coupons":[{"code":"a"},{"code":"b","Store":"x"}]}`, "coupons[1].Store", decodeFacts},
		{"facts: repeated key", `{"need":"retail","need":"pickup"}`, "need", decodeFacts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.decode([]byte(tc.data))
			var ve *o2o.ValidationError
			if !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *o2o.ValidationError", err)
			}
			if got := ve.Fields[0].Path; got != tc.path {
				t.Errorf("path = %q, want %q (%v)", got, tc.path, err)
			}
		})
	}
}

func parseConfig(data []byte) error { _, err := ParseConfig(data); return err }

func decodeFacts(data []byte) error { var f Facts; return o2o.DecodeJSON(data, &f) }

// TestBindErrorPaths checks that a decoded registry refused by a network
// names the entry at fault by its index in the registry's JSON form.
func TestBindErrorPaths(t *testing.T) {
	n := testNetwork(t)
	held := func(customer, store string) string {
		return `{"customer":"` + customer + `","party":{"kind":"store","id":"` + store + `"},"at":"2024-05-01T10:00:00+08:00"}`
	}
	tests := []struct{ name, registry, path string }{
		{"held", `{"protectionDays":30,"held":[` + held("A", "SZ-NT") + `,` + held("B", "XX") + `],"conflicts":[]}`, "leads.held[1].party.id"},
		{"conflict holder", foreignHolder(t), "leads.conflicts[0].holder.party.id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var l Leads
			if err := o2o.DecodeJSON([]byte(tc.registry), &l); err != nil {
				t.Fatal(err)
			}
			o := order("O-1", o2o.ChannelO2O, "440305001", served(o2o.PartyStore, "SZ-NT", ""))
			_, err1 := n.CheckOrder(o, Facts{Leads: l})
			_, err2 := n.RouteWithLeads(o, CapRetail, l)
			for _, err := range []error{err1, err2} {
				var ve *o2o.ValidationError
				if !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
					t.Errorf("err = %v, want path %q", err, tc.path)
				}
			}
		})
	}
}

// foreignHolder is a registry, consistent in itself, whose one conflict
// names a holder (an expired one) that the test network lacks.
func foreignHolder(t *testing.T) string {
	t.Helper()
	first := Lead{Customer: "A", Party: Store("XX"), At: day(1)}
	c := conflictClaim(Lead{Customer: "A", Party: Store("SZ-NS"), At: day(2)}, first, day(31))
	data, err := json.Marshal(leadsJSON{ProtectionDays: 30, Held: []Lead{{Customer: "A", Party: Store("SZ-NT"), At: day(31)}}, Conflicts: []Claim{c}})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestAccessors covers the small read-only accessors.
func TestAccessors(t *testing.T) {
	n := testNetwork(t)
	if got, ok := n.Dealer("DL-HZ"); !ok || got.Mode != ModeFused || got.Territory[0].String() != "330100" {
		t.Errorf("Dealer(DL-HZ) = %+v %v", got, ok)
	}
	if _, ok := n.Dealer("XX"); ok {
		t.Error("Dealer(XX) found")
	}
	info, _ := n.Dealer("DL-HZ")
	info.Territory[0] = o2o.MustRegionCode("110000")
	if again, _ := n.Dealer("DL-HZ"); again.Territory[0].String() != "330100" {
		t.Error("Dealer returns the network's own slice")
	}
	if !(PartyRef{}).IsZero() || Store("A").IsZero() {
		t.Error("PartyRef.IsZero")
	}
	if n.Has(Platform("platform")) || n.Has(PartyRef{Kind: o2o.PartyCustomer, ID: "C"}) {
		t.Error("Has answers for a party kind the network does not hold")
	}
	if got := n.Leads().ProtectionDays(); got != 30 {
		t.Errorf("ProtectionDays = %d", got)
	}
	if got := (Leads{}).ProtectionDays(); got != 0 {
		t.Errorf("zero ProtectionDays = %d", got)
	}
	if _, _, ok := n.TerritoryAt(o2o.RegionCode{}); ok {
		t.Error("TerritoryAt(zero) found a dealer")
	}
	if n.Catalog() == nil || n.TieRule() != TiePreferStore || n.ProtectionDays() != 30 {
		t.Error("network accessors")
	}
}
