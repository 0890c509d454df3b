package channel

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/o2okit/o2okit/o2o"
)

// PartyRef names a party of the network by kind and id: a store, an agent,
// a dealer, or the platform. It marshals as {"kind":"store","id":"SZ-01"}.
type PartyRef struct {
	Kind o2o.PartyKind `json:"kind"`
	ID   string        `json:"id"`
}

// Store returns a reference to the store with the id.
func Store(id string) PartyRef { return PartyRef{Kind: o2o.PartyStore, ID: id} }

// Agent returns a reference to the agent with the id.
func Agent(id string) PartyRef { return PartyRef{Kind: o2o.PartyAgent, ID: id} }

// Dealer returns a reference to the dealer with the id.
func Dealer(id string) PartyRef { return PartyRef{Kind: o2o.PartyDealer, ID: id} }

// Platform returns a reference to the online platform with the id.
func Platform(id string) PartyRef { return PartyRef{Kind: o2o.PartyPlatform, ID: id} }

// String returns "kind:id", as "store:SZ-01".
func (p PartyRef) String() string { return string(p.Kind) + ":" + p.ID }

// IsZero reports whether p names no party.
func (p PartyRef) IsZero() bool { return p == PartyRef{} }

// point is a service point: a store or a reformed dealer.
type point struct {
	ref    PartyRef
	covers []o2o.RegionCode
	// sorted is covers sorted by code, for lookups by region.
	sorted   []o2o.RegionCode
	caps     capSet
	priority int
	store    bool
	// assortment narrows what a store sells; zero for reformed dealers.
	assortment assortment
}

// covering returns the point's region that contains the delivery region.
func (p *point) covering(delivery o2o.RegionCode) (o2o.RegionCode, bool) {
	var buf [4]o2o.RegionCode
	for _, a := range chain(delivery, &buf) {
		if _, ok := slices.BinarySearchFunc(p.sorted, a, compareRegions); ok {
			return a, true
		}
	}
	return o2o.RegionCode{}, false
}

func compareRegions(a, b o2o.RegionCode) int { return cmp.Compare(a.String(), b.String()) }

// tieOrder is the documented tie rule: stores before reformed dealers, then
// the lower priority number, then the smaller id.
func tieOrder(a, b *point) int {
	if a.store != b.store {
		if a.store {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(a.priority, b.priority); c != 0 {
		return c
	}
	return cmp.Compare(a.ref.ID, b.ref.ID)
}

// dealer is a built dealer.
type dealer struct {
	cfg   DealerConfig
	point int // index in points for a reformed dealer, else -1
}

// agent is a built agent.
type agent struct {
	cfg   AgentConfig
	store int // index in points
}

// Network is the built channel rules: the catalog's segregation, the
// service points indexed by region, the dealers' territories and the rule
// settings. Build it with Config.Build or Load. It is immutable and safe for
// concurrent use.
type Network struct {
	cfg     Config // as given, deep-copied
	catalog *o2o.Catalog
	seg     segregation

	points     []point
	byRef      map[PartyRef]int         // stores and reformed dealers → points
	byCover    map[o2o.RegionCode][]int // region → points covering it, in tie order
	dealers    []dealer
	dealerByID map[string]int
	territory  map[o2o.RegionCode]int // territory region → dealer index
	agents     map[string]agent
	// storeAgents lists each store's agents (by point index), sorted by id.
	storeAgents map[int][]AgentConfig

	ties           TieRule
	protectionDays int
	maxHot         int
	refreshDays    int
	platform       PartyRef
	loc            *time.Location
}

// Build validates the config against the catalog and returns the network.
// It checks the whole config before answering and reports every fault it
// finds at once (a list of regions reports its first overlap): the error is
// a *o2o.ValidationError naming each field by its JSON path
// ("stores[2].covers[0]"; at most 100 fields, then how many more), among
// them an id or a selection name that is not valid UTF-8 (JSON would turn
// it into another). It wraps o2o.ErrInvalid, and also o2o.ErrDuplicate when
// an id is repeated and, when two dealers' territories overlap, the first
// *OverlapError (ErrOverlap) naming both dealers, for errors.As. The config
// and catalog are not modified; the config is copied.
func (c Config) Build(catalog *o2o.Catalog) (*Network, error) {
	if catalog == nil {
		return nil, o2o.Invalid("", "a catalog is required")
	}
	var f o2o.Faults
	var typed []error // ErrDuplicate, the first *OverlapError
	f.AddErr("", o2o.Validate(c))
	n := &Network{
		cfg:         c.clone(),
		catalog:     catalog,
		byRef:       make(map[PartyRef]int),
		byCover:     make(map[o2o.RegionCode][]int),
		dealerByID:  make(map[string]int),
		territory:   make(map[o2o.RegionCode]int),
		agents:      make(map[string]agent),
		storeAgents: make(map[int][]AgentConfig),
		loc:         o2o.China(),
	}
	n.buildSettings(&f)
	ids := make(map[string]string) // id → path of its first use
	dup := false
	claim := func(path, id string) bool {
		switch {
		case id == "":
			return false // the struct tags reported it
		case !utf8.ValidString(id):
			f.Addf(path, "%q is not valid UTF-8", id)
			return false
		}
		if first, ok := ids[id]; ok {
			f.Addf(path, "repeats id %q of %s", id, first)
			dup = true
			return false
		}
		ids[id] = path
		return true
	}
	for i, s := range n.cfg.Stores {
		path := fmt.Sprintf("stores[%d]", i)
		ok := claim(path+".id", s.ID)
		if err := checkRegions(path+".covers", s.Covers); err != nil {
			f.AddErr("", err)
			ok = false
		}
		caps := checkCapabilities(&f, path+".capabilities", s.Capabilities)
		s.Assortment.Include.check(&f, path+".assortment.include", catalog)
		s.Assortment.Exclude.check(&f, path+".assortment.exclude", catalog)
		if ok {
			n.addPoint(point{ref: Store(s.ID), covers: s.Covers, caps: caps, priority: s.Priority, store: true, assortment: s.Assortment.compile()})
		}
	}
	for i, a := range n.cfg.Agents {
		path := fmt.Sprintf("agents[%d]", i)
		ok := claim(path+".id", a.ID)
		if a.Role != "" && !a.Role.Valid() {
			f.Addf(path+".role", "unknown agent role %q", string(a.Role))
			ok = false
		}
		si, found := n.byRef[Store(a.StoreID)]
		if !found && a.StoreID != "" {
			f.Addf(path+".storeId", "names no store: %q", a.StoreID)
		}
		if ok && found {
			n.agents[a.ID] = agent{cfg: a, store: si}
			n.storeAgents[si] = append(n.storeAgents[si], a)
		}
	}
	for _, list := range n.storeAgents {
		slices.SortFunc(list, func(a, b AgentConfig) int { return cmp.Compare(a.ID, b.ID) })
	}
	if oe := n.buildDealers(&f, claim); oe != nil {
		typed = append(typed, oe)
	}
	for r, idx := range n.byCover {
		slices.SortFunc(idx, func(a, b int) int { return tieOrder(&n.points[a], &n.points[b]) })
		n.byCover[r] = idx
	}
	n.seg = buildSegregation(&f, catalog, n.cfg.Segregation, &dup)
	if dup {
		typed = append([]error{o2o.ErrDuplicate}, typed...)
	}
	switch len(typed) {
	case 0:
		if err := f.Err(); err != nil {
			return nil, err
		}
	case 1:
		return nil, f.ErrAs(typed[0])
	default:
		return nil, f.ErrAs(errors.Join(typed...))
	}
	return n, nil
}

func (n *Network) buildSettings(f *o2o.Faults) {
	c := n.cfg
	if c.Routing.Ties != "" && !c.Routing.Ties.Valid() {
		f.Addf("routing.ties", "unknown tie rule %q", string(c.Routing.Ties))
	}
	n.ties = cmp.Or(c.Routing.Ties, TiePreferStore)
	for _, s := range []struct {
		path string
		v    int
	}{
		{"leads.protectionDays", c.Leads.ProtectionDays},
		{"showcase.maxHotProducts", c.Showcase.MaxHotProducts},
		{"showcase.refreshDays", c.Showcase.RefreshDays},
	} {
		f.AddErr("", checkSetting(s.path, s.v))
	}
	if !utf8.ValidString(c.Platform) {
		f.Addf("platform", "%q is not valid UTF-8", c.Platform)
	}
	n.protectionDays = orDefault(c.Leads.ProtectionDays, DefaultProtectionDays)
	n.maxHot = orDefault(c.Showcase.MaxHotProducts, DefaultMaxHotProducts)
	n.refreshDays = orDefault(c.Showcase.RefreshDays, DefaultRefreshDays)
	n.platform = Platform(cmp.Or(c.Platform, DefaultPlatform))
}

func (n *Network) addPoint(p point) {
	p.sorted = slices.SortedFunc(slices.Values(p.covers), compareRegions)
	i := len(n.points)
	n.points = append(n.points, p)
	n.byRef[p.ref] = i
	for _, r := range p.covers {
		n.byCover[r] = append(n.byCover[r], i)
	}
}

// buildDealers checks modes, capabilities and territories, recording every
// fault. Territories are exclusive: a region of one dealer may neither
// equal, contain nor lie within a region of another. It returns the first
// overlap found, nil for none.
func (n *Network) buildDealers(f *o2o.Faults, claim func(path, id string) bool) *OverlapError {
	type held struct {
		dealer int
		region o2o.RegionCode
	}
	var first *OverlapError
	below := make(map[o2o.RegionCode]held) // ancestor of a held region → that holding
	for i, d := range n.cfg.Dealers {
		path := fmt.Sprintf("dealers[%d]", i)
		ok := claim(path+".id", d.ID)
		if d.Mode != "" && !d.Mode.Valid() {
			f.Addf(path+".mode", "unknown dealer mode %q", string(d.Mode))
			ok = false
		}
		if err := checkRegions(path+".territory", d.Territory); err != nil {
			f.AddErr("", err)
			ok = false
		}
		caps := checkCapabilities(f, path+".capabilities", d.Capabilities)
		switch {
		case d.Mode == ModeReformed && len(d.Capabilities) == 0:
			f.Add(path+".capabilities", "a reformed dealer (改造) is a service point and needs at least one capability")
			ok = false
		case d.Mode.Valid() && d.Mode != ModeReformed && len(d.Capabilities) > 0:
			f.Addf(path+".capabilities", "a %s dealer has no O2O role; only a reformed dealer has capabilities", d.Mode)
			ok = false
		}
		if !ok {
			continue
		}
		overlapped := false
		for j, r := range d.Territory {
			overlap := func(other held) {
				oe := &OverlapError{
					Path:  fmt.Sprintf("%s.territory[%d]", path, j),
					First: n.dealers[other.dealer].cfg.ID, FirstRegion: other.region,
					Second: d.ID, SecondRegion: r,
				}
				f.Add(oe.Path, strings.TrimPrefix(oe.Error(), oe.Path+": "))
				if first == nil {
					first = oe
				}
				overlapped = true
			}
			found := false
			for _, a := range append([]o2o.RegionCode{r}, r.Ancestors()...) {
				if k, ok := n.territory[a]; ok {
					overlap(held{k, a})
					found = true
					break
				}
			}
			if h, ok := below[r]; ok && !found {
				overlap(h)
			}
		}
		if overlapped {
			continue
		}
		di := len(n.dealers)
		for _, r := range d.Territory {
			n.territory[r] = di
			for _, a := range r.Ancestors() {
				if _, ok := below[a]; !ok {
					below[a] = held{di, r}
				}
			}
		}
		dl := dealer{cfg: d, point: -1}
		if d.Mode == ModeReformed {
			dl.point = len(n.points)
			n.addPoint(point{ref: Dealer(d.ID), covers: d.Territory, caps: caps, priority: d.Priority})
		}
		n.dealers = append(n.dealers, dl)
		n.dealerByID[d.ID] = di
	}
	return first
}

// Config returns a deep copy of the config the network was built from.
func (n *Network) Config() Config { return n.cfg.clone() }

// MarshalJSON writes the network's config; Load (or ParseConfig and Build)
// with the same catalog rebuilds an equal network.
func (n *Network) MarshalJSON() ([]byte, error) { return n.cfg.MarshalJSON() }

// Catalog returns the catalog the network was built with.
func (n *Network) Catalog() *o2o.Catalog { return n.catalog }

// ProtectionDays returns the effective lead protection window in days.
func (n *Network) ProtectionDays() int { return n.protectionDays }

// Platform returns the online platform, as a party: the seller of B2C
// orders and a party of the steering finding.
func (n *Network) Platform() PartyRef { return n.platform }

// TieRule returns the effective tie rule.
func (n *Network) TieRule() TieRule { return n.ties }

// DealerInfo describes one dealer of the network.
type DealerInfo struct {
	ID        string           `json:"id"`
	Name      string           `json:"name,omitempty"`
	Mode      Mode             `json:"mode"`
	Territory []o2o.RegionCode `json:"territory"`
}

// TerritoryAt returns the dealer whose territory contains the region, and
// the territory region that contains it. Territories are exclusive, so
// there is at most one. The lookup walks the region's ancestors, not the
// dealers.
func (n *Network) TerritoryAt(region o2o.RegionCode) (DealerInfo, o2o.RegionCode, bool) {
	if region.IsZero() {
		return DealerInfo{}, o2o.RegionCode{}, false
	}
	var buf [4]o2o.RegionCode
	for _, a := range chain(region, &buf) {
		if k, ok := n.territory[a]; ok {
			return n.dealerInfo(k), a, true
		}
	}
	return DealerInfo{}, o2o.RegionCode{}, false
}

func (n *Network) dealerInfo(k int) DealerInfo {
	d := n.dealers[k].cfg
	return DealerInfo{ID: d.ID, Name: d.Name, Mode: d.Mode, Territory: slices.Clone(d.Territory)}
}

// Dealer returns the dealer with the id.
func (n *Network) Dealer(id string) (DealerInfo, bool) {
	k, ok := n.dealerByID[id]
	if !ok {
		return DealerInfo{}, false
	}
	return n.dealerInfo(k), true
}

// Has reports whether the network knows the party: a store, an agent or a
// dealer of its config.
func (n *Network) Has(p PartyRef) bool {
	switch p.Kind {
	case o2o.PartyStore:
		_, ok := n.byRef[p]
		return ok
	case o2o.PartyAgent:
		_, ok := n.agents[p.ID]
		return ok
	case o2o.PartyDealer:
		_, ok := n.dealerByID[p.ID]
		return ok
	}
	return false
}
