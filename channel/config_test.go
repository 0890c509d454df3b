package channel

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

func TestBuildErrors(t *testing.T) {
	cat := testCatalog(t)
	r := o2o.MustRegionCode
	store := func(id string, covers ...string) StoreConfig {
		s := StoreConfig{ID: id, Capabilities: []Capability{CapRetail}}
		for _, c := range covers {
			s.Covers = append(s.Covers, r(c))
		}
		return s
	}
	dealer := func(id string, mode Mode, territory ...string) DealerConfig {
		d := DealerConfig{ID: id, Mode: mode}
		for _, c := range territory {
			d.Territory = append(d.Territory, r(c))
		}
		return d
	}
	tests := []struct {
		name     string
		cfg      Config
		sentinel error
		path     string // expected field path (ValidationError) or "" to skip
		contains string
	}{
		{"duplicate store id", Config{Stores: []StoreConfig{store("A", "440305"), store("A", "330106")}}, o2o.ErrDuplicate, "stores[1].id", `repeats id "A" of stores[0].id`},
		{"dealer reuses store id", Config{Stores: []StoreConfig{store("A", "440305")}, Dealers: []DealerConfig{dealer("A", ModeFused, "330100")}}, o2o.ErrDuplicate, "dealers[0].id", ""},
		{"no covers", Config{Stores: []StoreConfig{{ID: "A", Capabilities: []Capability{CapRetail}}}}, o2o.ErrInvalid, "stores[0].covers", "at least 1"},
		{"nested covers", Config{Stores: []StoreConfig{store("A", "440300", "440305")}}, o2o.ErrInvalid, "stores[0].covers[1]", "overlaps 440300"},
		{"zero cover", Config{Stores: []StoreConfig{{ID: "A", Covers: []o2o.RegionCode{{}}, Capabilities: []Capability{CapRetail}}}}, o2o.ErrInvalid, "stores[0].covers[0]", "required"},
		{"unknown capability", Config{Stores: []StoreConfig{{ID: "A", Covers: []o2o.RegionCode{r("440305")}, Capabilities: []Capability{"fly"}}}}, o2o.ErrInvalid, "stores[0].capabilities[0]", `unknown capability "fly"`},
		{"repeated capability", Config{Stores: []StoreConfig{{ID: "A", Covers: []o2o.RegionCode{r("440305")}, Capabilities: []Capability{CapRetail, CapRetail}}}}, o2o.ErrInvalid, "stores[0].capabilities[1]", "repeats"},
		{"agent without store", Config{Stores: []StoreConfig{store("A", "440305")}, Agents: []AgentConfig{{ID: "G", StoreID: "B", Role: RoleSales}}}, o2o.ErrInvalid, "agents[0].storeId", `names no store: "B"`},
		{"agent bad role", Config{Stores: []StoreConfig{store("A", "440305")}, Agents: []AgentConfig{{ID: "G", StoreID: "A", Role: "boss"}}}, o2o.ErrInvalid, "agents[0].role", "unknown agent role"},
		{"bad mode", Config{Dealers: []DealerConfig{dealer("D", "merged", "330100")}}, o2o.ErrInvalid, "dealers[0].mode", "unknown dealer mode"},
		{"reformed without capabilities", Config{Dealers: []DealerConfig{dealer("D", ModeReformed, "330100")}}, o2o.ErrInvalid, "dealers[0].capabilities", "reformed dealer"},
		{"fused with capabilities", Config{Dealers: []DealerConfig{{ID: "D", Mode: ModeFused, Territory: []o2o.RegionCode{r("330100")}, Capabilities: []Capability{CapRetail}}}}, o2o.ErrInvalid, "dealers[0].capabilities", "no O2O role"},
		{"bad tie rule", Config{Routing: RoutingConfig{Ties: "coin"}}, o2o.ErrInvalid, "routing.ties", "unknown tie rule"},
		{"negative days", Config{Leads: LeadConfig{ProtectionDays: -1}}, o2o.ErrInvalid, "leads.protectionDays", "between 0"},
		{"assortment names unknown SKU", Config{Stores: []StoreConfig{{ID: "A", Covers: []o2o.RegionCode{r("440305")}, Capabilities: []Capability{CapRetail},
			Assortment: Assortment{Exclude: Selection{SKUs: []string{"SOFA-S3", "NOPE"}}}}}}, o2o.ErrInvalid, "stores[0].assortment.exclude.skus[1]", `"NOPE" is not in the catalog`},
		{"assortment empty category", Config{Stores: []StoreConfig{{ID: "A", Covers: []o2o.RegionCode{r("440305")}, Capabilities: []Capability{CapRetail},
			Assortment: Assortment{Include: Selection{Categories: []string{""}}}}}}, o2o.ErrInvalid, "stores[0].assortment.include.categories[0]", "is empty"},
		{"huge showcase", Config{Showcase: ShowcaseConfig{MaxHotProducts: 100000}}, o2o.ErrInvalid, "showcase.maxHotProducts", "between 0"},
		{"b2cOnly unknown SKU", Config{Segregation: SegregationConfig{B2COnly: []string{"NOPE"}}}, o2o.ErrInvalid, "segregation.b2cOnly[0]", "not in the catalog"},
		{"b2cOnly dealer line", Config{Segregation: SegregationConfig{B2COnly: []string{"FLOOR-D7"}}}, o2o.ErrInvalid, "segregation.b2cOnly[0]", "dealer line"},
		{"SKU in both lists", Config{Segregation: SegregationConfig{B2COnly: []string{"SOFA-S3"}, O2OOnly: []string{"SOFA-S3"}}}, o2o.ErrDuplicate, "segregation.o2oOnly[0]", "twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := json.Marshal(tc.cfg)
			n, err := tc.cfg.Build(cat)
			if n != nil || !errors.Is(err, tc.sentinel) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("Build = %v, %v; want error wrapping %v", n, err, tc.sentinel)
			}
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			if ve.Fields[0].Path != tc.path || !strings.Contains(ve.Fields[0].Reason, tc.contains) {
				t.Errorf("field = %+v, want path %q reason containing %q", ve.Fields[0], tc.path, tc.contains)
			}
			after, _ := json.Marshal(tc.cfg)
			if string(before) != string(after) {
				t.Errorf("Build changed its config")
			}
		})
	}
}

func TestBuildRejectsOverlappingTerritories(t *testing.T) {
	cat := testCatalog(t)
	r := o2o.MustRegionCode
	tests := []struct {
		name               string
		first, second      []string
		wantFirst, wantSec string
	}{
		{"same region", []string{"330100"}, []string{"330100"}, "330100", "330100"},
		{"second inside first", []string{"330000"}, []string{"310000", "330106001"}, "330000", "330106001"},
		{"second contains first", []string{"330106"}, []string{"330100"}, "330106", "330100"},
		{"Dongguan township under city-county", []string{"441900003"}, []string{"441900"}, "441900003", "441900"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a, b []o2o.RegionCode
			for _, s := range tc.first {
				a = append(a, r(s))
			}
			for _, s := range tc.second {
				b = append(b, r(s))
			}
			cfg := Config{Dealers: []DealerConfig{{ID: "DL-A", Mode: ModeFused, Territory: a}, {ID: "DL-B", Mode: ModeIndependent, Territory: b}}}
			_, err := cfg.Build(cat)
			var oe *OverlapError
			if !errors.As(err, &oe) || !errors.Is(err, ErrOverlap) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v, want *OverlapError", err)
			}
			if oe.First != "DL-A" || oe.Second != "DL-B" || oe.FirstRegion.String() != tc.wantFirst || oe.SecondRegion.String() != tc.wantSec {
				t.Errorf("overlap = %+v", oe)
			}
			if !strings.Contains(err.Error(), `dealer "DL-A"`) || !strings.Contains(err.Error(), `dealer "DL-B"`) {
				t.Errorf("message %q does not name both dealers", err)
			}
		})
	}
	// Disjoint neighbours are fine.
	cfg := Config{Dealers: []DealerConfig{{ID: "DL-A", Mode: ModeFused, Territory: []o2o.RegionCode{r("330106")}}, {ID: "DL-B", Mode: ModeFused, Territory: []o2o.RegionCode{r("330102"), r("440000")}}}}
	if _, err := cfg.Build(cat); err != nil {
		t.Fatalf("disjoint territories: %v", err)
	}
}

func TestBuildNilCatalog(t *testing.T) {
	if _, err := (Config{}).Build(nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	cfg := testConfig(t)
	n, err := cfg.Build(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cfg, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(data) {
		t.Errorf("second marshal differs")
	}
	if diff := cmp.Diff(cfg, n.Config()); diff != "" {
		t.Errorf("Config() (-want +got):\n%s", diff)
	}
}

func TestParseConfigStrict(t *testing.T) {
	tests := []struct{ name, json, path string }{
		{"unknown field", `{"stores":[],"colour":"red"}`, "colour"},
		{"unknown nested field", `{"stores":[{"id":"A","covers":["440305"],"capabilities":["retail"],"x":1}]}`, "stores[0].x"},
		{"trailing data", `{"stores":[]} {}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.json))
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
				t.Fatalf("err = %v, want path %q", err, tc.path)
			}
		})
	}
	_, err := Load([]byte(`{"stores":[{"id":"A","covers":["999999"],"capabilities":["retail"]}]}`), testCatalog(t))
	if !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("bad region: %v", err)
	}
	_, err = Load([]byte(`{"stores":[{"id":"A","covers":["440305"],"capabilities":["teleport"]}]}`), testCatalog(t))
	var ee *o2o.EnumError
	if !errors.As(err, &ee) || ee.Value != "teleport" {
		t.Errorf("bad capability: %v", err)
	}
}

func TestDefaults(t *testing.T) {
	n, err := Config{}.Build(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	if n.ProtectionDays() != DefaultProtectionDays || n.TieRule() != TiePreferStore || n.maxHot != DefaultMaxHotProducts || n.refreshDays != DefaultRefreshDays {
		t.Errorf("defaults: %d %s %d %d", n.ProtectionDays(), n.TieRule(), n.maxHot, n.refreshDays)
	}
}

func TestEnumsText(t *testing.T) {
	for _, m := range Modes() {
		var back Mode
		b, err := m.MarshalText()
		if err != nil || back.UnmarshalText(b) != nil || back != m {
			t.Errorf("mode %q round trip", m)
		}
	}
	for _, c := range Capabilities() {
		var back Capability
		b, _ := c.MarshalText()
		if back.UnmarshalText(b) != nil || back != c {
			t.Errorf("capability %q round trip", c)
		}
	}
	var m Mode
	var ee *o2o.EnumError
	if err := m.UnmarshalText([]byte("Fused")); !errors.As(err, &ee) || !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("case-insensitive mode accepted: %v", err)
	}
	if _, err := Role("x").MarshalText(); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("bad role marshalled")
	}
	if _, err := TieRule("x").MarshalText(); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("bad tie rule marshalled")
	}
}
