package settlement

import (
	"errors"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// TestSameStore: a store serving an online order that is also the store of
// the customer's region gets the transfer payment too under "both" (and
// when the setting is left out), and its commission only under
// "commission_only", the transfer's share falling to the manufacturer. A
// region store other than the serving store, an agent serving for it, and an
// in-store sale are not affected.
func TestSameStore(t *testing.T) {
	build := func(rule SameStoreRule) *Splitter {
		cfg := testSplitter(t).Config()
		cfg.SameStore = rule
		s, err := cfg.Build()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	same := Routing{RegionStore: "store-1"}
	other := Routing{RegionStore: "store-2"}
	agent := Routing{Serving: &o2o.Serving{Kind: o2o.PartyAgent, PartyID: "agent-1", StoreID: "store-1"}, RegionStore: "store-1"}
	for _, tt := range []struct {
		name    string
		rule    SameStoreRule
		routing Routing
		want    []partRow
	}{
		{"left out: both", "", same, []partRow{{"serving", "store-1", "store_commission", "80.00"}, {"region_store", "store-1", "transfer_payment", "20.00"}, {"dealer", "", "", "0.00"}, {"manufacturer", "hq", "sale_revenue", "900.00"}}},
		{"both", SameStoreBoth, same, []partRow{{"serving", "store-1", "store_commission", "80.00"}, {"region_store", "store-1", "transfer_payment", "20.00"}, {"dealer", "", "", "0.00"}, {"manufacturer", "hq", "sale_revenue", "900.00"}}},
		{"commission only", SameStoreCommissionOnly, same, []partRow{{"serving", "store-1", "store_commission", "80.00"}, {"region_store", "", "", "0.00"}, {"dealer", "", "", "0.00"}, {"manufacturer", "hq", "sale_revenue", "920.00"}}},
		{"commission only, another region store", SameStoreCommissionOnly, other, []partRow{{"serving", "store-1", "store_commission", "80.00"}, {"region_store", "store-2", "transfer_payment", "20.00"}, {"dealer", "", "", "0.00"}, {"manufacturer", "hq", "sale_revenue", "900.00"}}},
		{"commission only, the store's agent serves", SameStoreCommissionOnly, agent, []partRow{{"serving", "agent-1", "agent_commission", "80.00"}, {"region_store", "store-1", "transfer_payment", "20.00"}, {"dealer", "", "", "0.00"}, {"manufacturer", "hq", "sale_revenue", "900.00"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sp, err := build(tt.rule).Split(testOrder(o2o.ChannelO2O, "1000.00"), tt.routing, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := rows(sp.Lines[0]); !sameJSON(t, got, tt.want) {
				t.Errorf("parts = %v, want %v", got, tt.want)
			}
			if total, err := sp.Batch.Total(); err != nil || total.AmountString() != "1000.00" {
				t.Errorf("batch moves %v (%v), want the line's 1000.00", total, err)
			}
		})
	}
	cfg := testSplitter(t).Config()
	cfg.SameStore = "sometimes"
	if _, err := cfg.Build(); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Build with an unknown same-store rule = %v", err)
	}
	if _, err := ParseSplitConfig([]byte(`{"manufacturer":"hq","sameStore":"sometimes","rules":[]}`)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("ParseSplitConfig with an unknown same-store rule = %v", err)
	}
	// The setting survives a JSON round trip.
	s := build(SameStoreCommissionOnly)
	data, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Splitter
	if err := back.UnmarshalJSON(data); err != nil || back.Config().SameStore != SameStoreCommissionOnly {
		t.Errorf("round trip: %v %q", err, back.Config().SameStore)
	}
}
