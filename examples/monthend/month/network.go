package month

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/regions"
)

// sampleRulebook is examples/rulebook/rulebook.json (a test keeps the two
// equal): its catalog, prices, split and drainage rules are the month's, and
// its network of two provinces is extended to every province the month
// spans.
//
//go:embed rulebook.json
var sampleRulebook []byte

// provinces are the 31 mainland provinces, in code order.
var provinces = []string{
	"110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000",
	"310000", "320000", "330000", "340000", "350000", "360000", "370000", "410000",
	"420000", "430000", "440000", "450000", "460000", "500000", "510000", "520000",
	"530000", "540000", "610000", "620000", "630000", "640000", "650000",
}

// storesPerProvince is how many community stores a province gets: one in
// each of its first counties. The counties after them (as many again) have
// no store of their own and are served by the provincial hub.
const storesPerProvince = 3

// province is one province of the network: the counties customers live in,
// and the community store of each ("" where the hub serves).
type province struct {
	code     o2o.RegionCode
	counties []o2o.RegionCode
	stores   []string
}

// communityCaps are what a community store can do (the sample's Nanshan
// store); hubCaps what a provincial hub can do.
var (
	communityCaps = []channel.Capability{channel.CapOnSiteOrdering, channel.CapPickup, channel.CapDelivery, channel.CapRetail,
		channel.CapGroupPurchase, channel.CapMeasurement, channel.CapConstruction, channel.CapAfterSales}
	hubCaps = []channel.Capability{channel.CapDelivery, channel.CapRetail, channel.CapMeasurement, channel.CapConstruction, channel.CapPromotion}
)

// national returns the sample rulebook with its network extended to the
// first n provinces, and those provinces' places. Each province gets a
// provincial hub (Guangdong and Zhejiang keep the sample's) and a community
// store in each of its first counties that no sample store covers.
func national(n int) (*o2okit.Rulebook, []province, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(sampleRulebook, &doc); err != nil {
		return nil, nil, fmt.Errorf("sample rulebook: %w", err)
	}
	var net map[string]json.RawMessage
	if err := json.Unmarshal(doc["channel"], &net); err != nil {
		return nil, nil, fmt.Errorf("sample rulebook: channel: %w", err)
	}
	var stores []channel.StoreConfig
	if err := json.Unmarshal(net["stores"], &stores); err != nil {
		return nil, nil, fmt.Errorf("sample rulebook: channel.stores: %w", err)
	}
	covered := map[o2o.RegionCode]string{}
	for _, s := range stores {
		for _, c := range s.Covers {
			covered[c] = s.ID
		}
	}
	reg := regions.China()
	out := make([]province, 0, n)
	for _, code := range provinces[:n] {
		p := province{code: o2o.MustRegionCode(code)}
		if _, ok := covered[p.code]; !ok {
			stores = append(stores, channel.StoreConfig{ID: "store-" + code[:2] + "-hub", Name: reg.Name(p.code) + " provincial hub",
				Covers: []o2o.RegionCode{p.code}, Capabilities: hubCaps, Priority: 1})
		}
		for i, c := range counties(reg, p.code, 2*storesPerProvince) {
			id, ok := covered[c]
			if !ok && i < storesPerProvince {
				id = "store-" + c.String()
				stores = append(stores, channel.StoreConfig{ID: id, Name: reg.FullName(c) + " community store",
					Covers: []o2o.RegionCode{c}, Capabilities: communityCaps})
			}
			p.counties, p.stores = append(p.counties, c), append(p.stores, id)
		}
		out = append(out, p)
	}
	var err error
	if net["stores"], err = json.Marshal(stores); err != nil {
		return nil, nil, err
	}
	if doc["channel"], err = json.Marshal(net); err != nil {
		return nil, nil, err
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	rb, err := o2okit.LoadRulebook(data)
	if err != nil {
		return nil, nil, fmt.Errorf("national rulebook: %w", err)
	}
	return rb, out, nil
}

// counties returns the first n counties of a province in code order, a
// county-level city that has no counties counting as one.
func counties(reg *regions.Registry, prov o2o.RegionCode, n int) []o2o.RegionCode {
	var out []o2o.RegionCode
	for _, city := range reg.Children(prov) {
		kids := reg.Children(city)
		if len(kids) == 0 || kids[0].Level() != o2o.LevelCounty {
			kids = []o2o.RegionCode{city}
		}
		for _, c := range kids {
			if len(out) == n {
				return out
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}
