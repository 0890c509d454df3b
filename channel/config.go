package channel

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/o2okit/o2okit/o2o"
)

// Default settings used where a Config leaves a setting at zero.
const (
	// DefaultProtectionDays is the lead protection window in days.
	DefaultProtectionDays = 30
	// DefaultMaxHotProducts is how many hot products (爆款) a showcase may list.
	DefaultMaxHotProducts = 5
	// DefaultRefreshDays is how often, in calendar days, a showcase must be refreshed.
	DefaultRefreshDays = 30
	// DefaultPlatform is the online platform's id when a Config names none.
	DefaultPlatform = "platform"
	// maxSetting bounds day counts and sizes so that outside input stays sane.
	maxSetting = 3660
)

// Config is the channel rules as data: the network of stores, agents and
// dealers with their regions and capabilities, and the rule settings. It is
// what an ERP stores; Build validates it once into a *Network. Zero settings
// take the documented defaults.
type Config struct {
	// Stores are the directly operated community experience stores (线下社区体验店).
	Stores []StoreConfig `json:"stores" validate:"dive"`
	// Agents are franchise agents (特许代理人) attached to stores.
	Agents []AgentConfig `json:"agents,omitempty" validate:"dive"`
	// Dealers are the traditional regional dealers and their territories.
	Dealers []DealerConfig `json:"dealers,omitempty" validate:"dive"`
	// Segregation lists SKUs restricted to one online or store channel.
	Segregation SegregationConfig `json:"segregation"`
	// Routing holds the routing settings.
	Routing RoutingConfig `json:"routing"`
	// Leads holds the lead-protection settings.
	Leads LeadConfig `json:"leads"`
	// Showcase holds the showcase-plan settings.
	Showcase ShowcaseConfig `json:"showcase"`
	// Platform is the id of the online (B2C) platform: the seller of B2C
	// orders, and the party the steering finding names as the one the
	// customer was steered to. Empty means DefaultPlatform.
	Platform string `json:"platform,omitempty"`
}

// StoreConfig is one directly operated community store: the regions it
// covers (any level) and what it can do.
type StoreConfig struct {
	ID   string `json:"id" validate:"required"`
	Name string `json:"name,omitempty"`
	// Covers are the regions the store serves; none may lie within another.
	Covers []o2o.RegionCode `json:"covers" validate:"min=1"`
	// Capabilities are what the store can do; at least one, no repeats.
	Capabilities []Capability `json:"capabilities" validate:"min=1"`
	// Priority orders tied candidates: a lower number wins. Default 0.
	Priority int `json:"priority,omitempty"`
	// Assortment narrows what the store (and its agents) sell through O2O;
	// the zero value narrows nothing.
	Assortment Assortment `json:"assortment,omitzero"`
}

// Assortment is one store's product selection (in the manner of
// commercetools' store product selections): when Include is not empty the
// store sells only what it matches, and never what Exclude matches.
// Segregation rules still apply first; an assortment only narrows. MaySell
// applies it, so listings, lookups and checkout agree.
type Assortment struct {
	Include Selection `json:"include,omitzero"`
	Exclude Selection `json:"exclude,omitzero"`
}

// Selection matches products by SKU, category or brand; a product matches
// when any list names it. The zero Selection matches nothing.
type Selection struct {
	SKUs       []string `json:"skus,omitempty"`
	Categories []string `json:"categories,omitempty"`
	Brands     []string `json:"brands,omitempty"`
}

// IsZero reports whether the selection names nothing.
func (s Selection) IsZero() bool {
	return len(s.SKUs) == 0 && len(s.Categories) == 0 && len(s.Brands) == 0
}

// check validates a selection against the catalog, recording every fault:
// known SKUs, no empty names, no names that are not valid UTF-8 (JSON would
// turn them into others).
func (s Selection) check(f *o2o.Faults, path string, c *o2o.Catalog) {
	for i, sku := range s.SKUs {
		if _, ok := c.Product(sku); !ok {
			f.Addf(fmt.Sprintf("%s.skus[%d]", path, i), "SKU %q is not in the catalog", sku)
		}
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"categories", s.Categories}, {"brands", s.Brands}} {
		for i, v := range l.list {
			if v == "" {
				f.Add(fmt.Sprintf("%s.%s[%d]", path, l.name, i), "is empty")
			} else if !utf8.ValidString(v) {
				f.Addf(fmt.Sprintf("%s.%s[%d]", path, l.name, i), "%q is not valid UTF-8", v)
			}
		}
	}
}

// assortment is a built Assortment: its selections as sets, so that a
// lookup costs the same whatever their length.
type assortment struct {
	include, exclude selection
}

// selection is a built Selection.
type selection struct {
	any                      bool // the Selection names something
	skus, categories, brands map[string]bool
}

func (a Assortment) compile() assortment {
	return assortment{include: a.Include.compile(), exclude: a.Exclude.compile()}
}

func (s Selection) compile() selection {
	set := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, v := range list {
			m[v] = true
		}
		return m
	}
	return selection{any: !s.IsZero(), skus: set(s.SKUs), categories: set(s.Categories), brands: set(s.Brands)}
}

// matches reports whether the selection names the product.
func (s selection) matches(p o2o.Product) bool {
	return s.skus[p.SKU] || s.categories[p.Category] || s.brands[p.Brand]
}

// why says whether the assortment lets the store sell the product, and if
// not, why.
func (a assortment) why(p o2o.Product) string {
	switch {
	case a.include.any && !a.include.matches(p):
		return fmt.Sprintf("%s (%s, %s) is not in the store's assortment", p.SKU, p.Category, p.Brand)
	case a.exclude.matches(p):
		return fmt.Sprintf("%s (%s, %s) is excluded from the store's assortment", p.SKU, p.Category, p.Brand)
	}
	return ""
}

func (s Selection) clone() Selection {
	return Selection{SKUs: slices.Clone(s.SKUs), Categories: slices.Clone(s.Categories), Brands: slices.Clone(s.Brands)}
}

// AgentConfig is one franchise agent (特许代理人): a contracted person
// attached to a store, "on line, not on the roll". It serves what its store
// covers; only a service specialist does on-site work.
type AgentConfig struct {
	ID      string `json:"id" validate:"required"`
	Name    string `json:"name,omitempty"`
	StoreID string `json:"storeId" validate:"required"`
	Role    Role   `json:"role" validate:"required"`
}

// DealerConfig is one traditional dealer: its mode and its territory
// (regions at any level, exclusive among dealers). A reformed dealer is also
// a service point with capabilities; a fused or independent one has none.
type DealerConfig struct {
	ID        string           `json:"id" validate:"required"`
	Name      string           `json:"name,omitempty"`
	Mode      Mode             `json:"mode" validate:"required"`
	Territory []o2o.RegionCode `json:"territory" validate:"min=1"`
	// Capabilities, for a reformed dealer only, are what it does as a local
	// service point.
	Capabilities []Capability `json:"capabilities,omitempty"`
	// Priority orders tied candidates, as for stores.
	Priority int `json:"priority,omitempty"`
}

// SegregationConfig restricts O2O-line SKUs to one channel. Every other
// O2O-line SKU may sell through both B2C and O2O; dealer-line SKUs sell only
// through dealers.
type SegregationConfig struct {
	// B2COnly are SKUs differentiated for online sale only: the
	// stores do not sell them.
	B2COnly []string `json:"b2cOnly,omitempty"`
	// O2OOnly are SKUs sold only through the O2O system, never paid through B2C.
	O2OOnly []string `json:"o2oOnly,omitempty"`
}

// RoutingConfig holds routing settings.
type RoutingConfig struct {
	// Ties is the tie rule; empty means TiePreferStore.
	Ties TieRule `json:"ties,omitempty"`
}

// LeadConfig holds lead-protection settings.
type LeadConfig struct {
	// ProtectionDays is how many calendar days (+08:00) a first valid
	// registration holds the customer; 0 means DefaultProtectionDays.
	ProtectionDays int `json:"protectionDays,omitempty"`
}

// ShowcaseConfig holds showcase-plan settings.
type ShowcaseConfig struct {
	// MaxHotProducts caps the hot products (爆款) a plan lists; 0 means
	// DefaultMaxHotProducts.
	MaxHotProducts int `json:"maxHotProducts,omitempty"`
	// RefreshDays is the longest a plan may go unrefreshed, in calendar days
	// (+08:00); 0 means DefaultRefreshDays.
	RefreshDays int `json:"refreshDays,omitempty"`
}

// ParseConfig decodes a Config strictly (unknown fields and trailing data are
// refused) without building it.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := o2o.DecodeJSON(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// UnmarshalJSON decodes strictly, as ParseConfig does.
func (c *Config) UnmarshalJSON(data []byte) error {
	type plain Config
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*c = Config(p)
	return nil
}

// Load decodes a Config from JSON and builds it against the catalog.
func Load(data []byte, catalog *o2o.Catalog) (*Network, error) {
	c, err := ParseConfig(data)
	if err != nil {
		return nil, err
	}
	return c.Build(catalog)
}

// clone returns a deep copy of c.
func (c Config) clone() Config {
	out := c
	out.Stores = slices.Clone(c.Stores)
	for i := range out.Stores {
		out.Stores[i].Covers = slices.Clone(out.Stores[i].Covers)
		out.Stores[i].Capabilities = slices.Clone(out.Stores[i].Capabilities)
		out.Stores[i].Assortment = Assortment{Include: out.Stores[i].Assortment.Include.clone(), Exclude: out.Stores[i].Assortment.Exclude.clone()}
	}
	out.Agents = slices.Clone(c.Agents)
	out.Dealers = slices.Clone(c.Dealers)
	for i := range out.Dealers {
		out.Dealers[i].Territory = slices.Clone(out.Dealers[i].Territory)
		out.Dealers[i].Capabilities = slices.Clone(out.Dealers[i].Capabilities)
	}
	out.Segregation.B2COnly = slices.Clone(c.Segregation.B2COnly)
	out.Segregation.O2OOnly = slices.Clone(c.Segregation.O2OOnly)
	return out
}

func checkSetting(path string, v int) error {
	if v < 0 || v > maxSetting {
		return o2o.Invalidf(path, "must be between 0 and %d, got %d", maxSetting, v)
	}
	return nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// checkRegions validates a list of regions: none zero, none within another
// (nor equal to it). A region contains exactly itself and the regions below
// it, so each region is looked up among the earlier ones by its ancestors
// and by what lies below it: linear in the list, whatever its length.
func checkRegions(path string, regions []o2o.RegionCode) error {
	first := make(map[o2o.RegionCode]int, len(regions)) // region → first index
	below := make(map[o2o.RegionCode]int)               // ancestor → first index of a region below it
	var buf [4]o2o.RegionCode
	for i, r := range regions {
		if r.IsZero() {
			return o2o.Invalid(fmt.Sprintf("%s[%d]", path, i), "is required")
		}
		j := -1 // the first earlier region that overlaps r, as a pairwise scan finds it
		keep := func(k int, ok bool) {
			if ok && (j < 0 || k < j) {
				j = k
			}
		}
		for _, a := range chain(r, &buf) {
			k, ok := first[a]
			keep(k, ok)
		}
		k, ok := below[r]
		keep(k, ok)
		if j >= 0 {
			return o2o.Invalidf(fmt.Sprintf("%s[%d]", path, i), "%s overlaps %s of %s[%d]", r, regions[j], path, j)
		}
		first[r] = i
		for _, a := range chain(r, &buf)[1:] {
			if _, ok := below[a]; !ok {
				below[a] = i
			}
		}
	}
	return nil
}

// checkCapabilities validates a capability list, recording every fault:
// known values, no repeats. It returns the valid ones as a set.
func checkCapabilities(f *o2o.Faults, path string, caps []Capability) capSet {
	var set capSet
	for i, c := range caps {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !c.Valid():
			f.Addf(p, "unknown capability %q", string(c))
		case set.has(c):
			f.Addf(p, "repeats capability %q", string(c))
		default:
			set = set.with(c)
		}
	}
	return set
}

// capSet is a set of capabilities as a bit mask.
type capSet uint16

func capBit(c Capability) capSet {
	i := slices.Index(Capabilities(), c)
	if i < 0 {
		return 0
	}
	return 1 << i
}

func (s capSet) has(c Capability) bool    { b := capBit(c); return b != 0 && s&b != 0 }
func (s capSet) with(c Capability) capSet { return s | capBit(c) }

// MarshalJSON writes the config with its settings as given.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	return json.Marshal(plain(c))
}
