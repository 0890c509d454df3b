package drainage

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// Team is who works an online lead: the network sales team (网销团队),
// whose job is online leads, or a store's own sales, who also serve
// walk-in customers.
type Team string

// The teams.
const (
	// TeamNetworkSales is the network sales team (网销团队).
	TeamNetworkSales Team = "network_sales"
	// TeamStoreSales is a store's own sales staff.
	TeamStoreSales Team = "store_sales"
)

// Teams returns every team in a fixed order.
func Teams() []Team { return []Team{TeamNetworkSales, TeamStoreSales} }

// String returns the team's text form.
func (t Team) String() string { return string(t) }

// Valid reports whether t is one of the teams.
func (t Team) Valid() bool { return enum.Valid(t, Teams()...) }

// MarshalText returns the text form; it refuses an invalid team.
func (t Team) MarshalText() ([]byte, error) { return marshalEnum("team", t, t.Valid()) }

// UnmarshalText accepts exactly "network_sales" or "store_sales".
func (t *Team) UnmarshalText(text []byte) error { return unmarshalEnum("team", text, t, Teams()) }

// The lead-report defaults.
const (
	// DefaultContactWindow is the time within which an online lead must be
	// first contacted.
	DefaultContactWindow = 24 * time.Hour
	// DefaultFlagBelowPercent flags a store whose online leads convert at
	// less than this percent of its walk-in conversion.
	DefaultFlagBelowPercent = 50
	// DefaultMinLeads is the fewest leads a store needs before it is flagged.
	DefaultMinLeads = 10
)

// MaxLeads is the most online leads one report reads.
const MaxLeads = 1_000_000

// LeadConfig is the lead-report rules as data; the zero value is every
// default. Load it with ParseLeadConfig (unknown fields refused).
//
//	{"contactWindow":"24h","flagBelowPercent":"50","minLeads":10}
type LeadConfig struct {
	// ContactWindow is the time within which a lead must be first
	// contacted ("24h", "2d"); empty means DefaultContactWindow.
	ContactWindow o2o.Duration `json:"contactWindow,omitempty"`
	// FlagBelowPercent flags a store whose online-lead conversion is below
	// this percent of its walk-in conversion (0 to 100); empty means
	// DefaultFlagBelowPercent.
	FlagBelowPercent *o2o.Decimal `json:"flagBelowPercent,omitempty"`
	// MinLeads is the fewest leads a store needs before it is flagged, so
	// that a handful of leads does not raise a flag; 0 means
	// DefaultMinLeads.
	MinLeads int `json:"minLeads,omitempty"`
}

// Validate checks the config; errors wrap o2o.ErrInvalid with the JSON path.
func (c LeadConfig) Validate() error {
	var f o2o.Faults
	if c.ContactWindow < 0 || time.Duration(c.ContactWindow) > 365*o2o.Day {
		f.Add("contactWindow", "must be at most 365 days")
	}
	if p := c.FlagBelowPercent; p != nil && (p.Sign() < 0 || p.Cmp(hundredPercent) > 0) {
		f.Addf("flagBelowPercent", "must be 0 to 100, got %s", p.String())
	}
	if c.MinLeads < 0 || c.MinLeads > MaxLeads {
		f.Addf("minLeads", "must be 0 to %d, got %d", MaxLeads, c.MinLeads)
	}
	return f.Err()
}

// ParseLeadConfig decodes a lead config strictly and validates it.
func ParseLeadConfig(data []byte) (LeadConfig, error) {
	var c LeadConfig
	if err := o2o.DecodeJSON(data, &c); err != nil {
		return LeadConfig{}, err
	}
	if err := c.Validate(); err != nil {
		return LeadConfig{}, err
	}
	return c, nil
}

func (c LeadConfig) withDefaults() LeadConfig {
	if c.ContactWindow == 0 {
		c.ContactWindow = o2o.Duration(DefaultContactWindow)
	}
	if c.FlagBelowPercent == nil {
		p := o2o.Dec(decimal.New(DefaultFlagBelowPercent, 0))
		c.FlagBelowPercent = &p
	}
	if c.MinLeads == 0 {
		c.MinLeads = DefaultMinLeads
	}
	return c
}

// Lead is one online lead and who handled it.
type Lead struct {
	ID string `json:"id"`
	// StoreID is the store the lead was assigned to (its customer's store).
	StoreID string `json:"storeId"`
	// Received is when the lead came in.
	Received time.Time `json:"received"`
	// Team and Handler say who worked the lead: the network sales team or
	// the store's sales, and the person.
	Team    Team   `json:"team"`
	Handler string `json:"handler"`
	// FirstContact is when the handler first reached the customer; empty
	// when never contacted. Not before Received.
	FirstContact *time.Time `json:"firstContact,omitempty"`
	// Converted reports that the lead ended in a deal.
	Converted bool `json:"converted"`
}

// WalkIns is a store's walk-in customers in the period and the deals they
// made: the conversion its sales reach without online leads.
type WalkIns struct {
	StoreID  string `json:"storeId"`
	Visitors int64  `json:"visitors"`
	Deals    int64  `json:"deals"`
}

// LeadStats counts how a set of leads was worked.
type LeadStats struct {
	Leads     int64 `json:"leads"`
	Converted int64 `json:"converted"`
	// Conversion is Converted / Leads, half up to 4 places; absent without leads.
	Conversion *o2o.Decimal `json:"conversion,omitempty"`
	// InWindow is the leads first contacted within the contact window.
	InWindow int64 `json:"inWindow"`
	// Missed is the leads not contacted within the window: contacted late,
	// or never though the window has passed.
	Missed int64 `json:"missed"`
	// Pending is the leads not contacted yet whose window is still open.
	Pending int64 `json:"pending"`
	// MedianMinutesToContact is the median time from receipt to first
	// contact of the contacted leads, in whole minutes (the lower middle of
	// an even count); absent when none was contacted.
	MedianMinutesToContact *int64 `json:"medianMinutesToContact,omitempty"`
}

// HandlerLeads is one handler's leads.
type HandlerLeads struct {
	Team    Team   `json:"team"`
	Handler string `json:"handler"`
	LeadStats
	// WalkInConversion is the walk-in conversion of the stores of the
	// handler's leads, weighted by those leads (half up, 4 places); absent
	// when none of those stores reported walk-ins.
	WalkInConversion *o2o.Decimal `json:"walkInConversion,omitempty"`
}

// StoreLeads is one store's online leads against its walk-ins.
type StoreLeads struct {
	StoreID string `json:"storeId"`
	LeadStats
	// ByTeam is the store's leads per team, in Teams order, teams with
	// leads only.
	ByTeam           []TeamLeads  `json:"byTeam"`
	WalkInVisitors   int64        `json:"walkInVisitors"`
	WalkInDeals      int64        `json:"walkInDeals"`
	WalkInConversion *o2o.Decimal `json:"walkInConversion,omitempty"`
	// Flagged reports that the store's online leads convert far below its
	// walk-ins: at least MinLeads leads, and a conversion below
	// FlagBelowPercent of the walk-in conversion.
	Flagged     bool   `json:"flagged"`
	Explanation string `json:"explanation"`
}

// TeamLeads is one team's share of some leads.
type TeamLeads struct {
	Team Team `json:"team"`
	LeadStats
}

// LeadReport is how online leads were worked: per team, per handler and per
// store. It is plain data.
type LeadReport struct {
	Config   LeadConfig     `json:"config"`
	At       time.Time      `json:"at"`
	Total    LeadStats      `json:"total"`
	Teams    []TeamLeads    `json:"teams"`
	Handlers []HandlerLeads `json:"handlers"`
	Stores   []StoreLeads   `json:"stores"`
}

// leadAcc sums one group's leads.
type leadAcc struct {
	stats   LeadStats
	minutes []int64
	walk    decimal.Decimal // Σ walk-in conversion of the leads' stores
	walkN   int64
}

func (a *leadAcc) add(l *Lead, window time.Duration, at time.Time, walk *decimal.Decimal) {
	a.stats.Leads++
	if l.Converted {
		a.stats.Converted++
	}
	switch {
	case l.FirstContact != nil:
		d := l.FirstContact.Sub(l.Received)
		a.minutes = append(a.minutes, int64(d/time.Minute))
		if d <= window {
			a.stats.InWindow++
		} else {
			a.stats.Missed++
		}
	case at.Sub(l.Received) >= window:
		a.stats.Missed++
	default:
		a.stats.Pending++
	}
	if walk != nil {
		a.walk = a.walk.Add(*walk)
		a.walkN++
	}
}

func (a *leadAcc) result() LeadStats {
	s := a.stats
	if s.Leads > 0 {
		c := o2o.Dec(decimal.New(s.Converted, 0).DivRound(decimal.New(s.Leads, 0), 4))
		s.Conversion = &c
	}
	if len(a.minutes) > 0 {
		m := slices.Clone(a.minutes)
		slices.Sort(m)
		med := m[(len(m)-1)/2]
		s.MedianMinutesToContact = &med
	}
	return s
}

// Report reads who handled each online lead and reports, per team, per
// handler and per store: leads, conversion, leads contacted within the
// window, missed (contacted late, or never and the window has passed by
// at), pending, and the median time to first contact; per store, the
// online-lead conversion against walk-in conversion, flagged when the
// store has at least MinLeads leads and converts them below
// FlagBelowPercent of its walk-in conversion (compared exactly). Rows are
// sorted (teams in Teams order, handlers by team then id, stores by id);
// the order of the input changes nothing.
//
// Errors (wrapping o2o.ErrInvalid, paths naming the row): an invalid config;
// more than MaxLeads leads; a lead without id, store, received instant,
// known team or handler; a repeated lead id or walk-in store
// (o2o.ErrDuplicate); a first contact before the lead was received; walk-in
// deals above visitors or negative counts; an instant out of range.
func (c LeadConfig) Report(leads []Lead, walkIns []WalkIns, at time.Time) (*LeadReport, error) {
	if err := c.Validate(); err != nil {
		return nil, o2o.Prefix("config", err)
	}
	if err := instant.Check(at); err != nil {
		return nil, o2o.Prefix("at", err)
	}
	if len(leads) > MaxLeads {
		return nil, o2o.Invalidf("leads", "at most %d leads, got %d", MaxLeads, len(leads))
	}
	if len(walkIns) > MaxSubAccounts {
		return nil, o2o.Invalidf("walkIns", "at most %d stores, got %d", MaxSubAccounts, len(walkIns))
	}
	var f o2o.Faults
	dup := false
	seen := make(map[string]int, len(leads))
	for i := range leads {
		l := &leads[i]
		path := indexPath("leads", i)
		if l.ID == "" {
			f.Add(path+".id", "is required")
		} else if j, ok := seen[l.ID]; ok {
			f.Addf(path+".id", "repeats %q of %s", l.ID, indexPath("leads", j))
			dup = true
		} else {
			seen[l.ID] = i
		}
		if l.StoreID == "" {
			f.Add(path+".storeId", "is required")
		}
		if l.Handler == "" {
			f.Add(path+".handler", "is required")
		}
		if !l.Team.Valid() {
			f.Addf(path+".team", "unknown team %q: want network_sales or store_sales", string(l.Team))
		}
		if l.Received.IsZero() {
			f.Add(path+".received", "is required")
		} else if err := instant.Check(l.Received); err != nil {
			f.AddErr(path+".received", err)
		}
		if l.FirstContact != nil {
			if err := instant.Check(*l.FirstContact); err != nil {
				f.AddErr(path+".firstContact", err)
			} else if l.FirstContact.Before(l.Received) {
				f.Add(path+".firstContact", "is before the lead was received")
			}
		}
	}
	walk := make(map[string]WalkIns, len(walkIns))
	for i, w := range walkIns {
		path := indexPath("walkIns", i)
		if w.StoreID == "" {
			f.Add(path+".storeId", "is required")
		} else if _, ok := walk[w.StoreID]; ok {
			f.Addf(path+".storeId", "repeats %q", w.StoreID)
			dup = true
		}
		if w.Visitors < 0 || w.Deals < 0 || w.Deals > w.Visitors {
			f.Addf(path, "deals %d and visitors %d: want 0 ≤ deals ≤ visitors", w.Deals, w.Visitors)
		}
		walk[w.StoreID] = w
	}
	if f.Len() > 0 {
		if dup {
			return nil, f.ErrAs(o2o.ErrDuplicate)
		}
		return nil, f.Err()
	}
	cfg := c.withDefaults()
	window := time.Duration(cfg.ContactWindow)
	rates := map[string]*decimal.Decimal{}
	for id, w := range walk {
		if w.Visitors > 0 {
			r := decimal.New(w.Deals, 0).DivRound(decimal.New(w.Visitors, 0), 16)
			rates[id] = &r
		}
	}
	var total leadAcc
	teams := map[Team]*leadAcc{}
	type hk struct {
		team    Team
		handler string
	}
	handlers := map[hk]*leadAcc{}
	type sk struct {
		store string
		team  Team
	}
	stores := map[string]*leadAcc{}
	storeTeams := map[sk]*leadAcc{}
	get := func(m map[string]*leadAcc, k string) *leadAcc {
		if m[k] == nil {
			m[k] = &leadAcc{}
		}
		return m[k]
	}
	for i := range leads {
		l := &leads[i]
		total.add(l, window, at, nil)
		if teams[l.Team] == nil {
			teams[l.Team] = &leadAcc{}
		}
		teams[l.Team].add(l, window, at, nil)
		k := hk{l.Team, l.Handler}
		if handlers[k] == nil {
			handlers[k] = &leadAcc{}
		}
		handlers[k].add(l, window, at, rates[l.StoreID])
		get(stores, l.StoreID).add(l, window, at, nil)
		s := sk{l.StoreID, l.Team}
		if storeTeams[s] == nil {
			storeTeams[s] = &leadAcc{}
		}
		storeTeams[s].add(l, window, at, nil)
	}
	for id := range walk {
		get(stores, id)
	}
	rep := &LeadReport{Config: cfg, At: at, Total: total.result(), Teams: []TeamLeads{}, Handlers: []HandlerLeads{}, Stores: []StoreLeads{}}
	for _, t := range Teams() {
		if a := teams[t]; a != nil {
			rep.Teams = append(rep.Teams, TeamLeads{Team: t, LeadStats: a.result()})
		}
	}
	hks := make([]hk, 0, len(handlers))
	for k := range handlers {
		hks = append(hks, k)
	}
	slices.SortFunc(hks, func(a, b hk) int {
		if c := cmp.Compare(slices.Index(Teams(), a.team), slices.Index(Teams(), b.team)); c != 0 {
			return c
		}
		return cmp.Compare(a.handler, b.handler)
	})
	for _, k := range hks {
		a := handlers[k]
		h := HandlerLeads{Team: k.team, Handler: k.handler, LeadStats: a.result()}
		if a.walkN > 0 {
			w := o2o.Dec(a.walk.DivRound(decimal.New(a.walkN, 0), 4))
			h.WalkInConversion = &w
		}
		rep.Handlers = append(rep.Handlers, h)
	}
	ids := make([]string, 0, len(stores))
	for id := range stores {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	pct := cfg.FlagBelowPercent.Decimal
	for _, id := range ids {
		st := StoreLeads{StoreID: id, LeadStats: stores[id].result(), ByTeam: []TeamLeads{}}
		for _, t := range Teams() {
			if a := storeTeams[sk{id, t}]; a != nil {
				st.ByTeam = append(st.ByTeam, TeamLeads{Team: t, LeadStats: a.result()})
			}
		}
		w, hasWalk := walk[id]
		st.WalkInVisitors, st.WalkInDeals = w.Visitors, w.Deals
		if w.Visitors > 0 {
			r := o2o.Dec(decimal.New(w.Deals, 0).DivRound(decimal.New(w.Visitors, 0), 4))
			st.WalkInConversion = &r
		}
		// converted / leads < deals / visitors × pct / 100, exactly:
		// converted × visitors × 100 < deals × leads × pct.
		if st.Leads >= int64(cfg.MinLeads) && st.Leads > 0 && w.Visitors > 0 && w.Deals > 0 {
			lhs := decimal.New(st.Converted, 0).Mul(decimal.New(w.Visitors, 0)).Mul(hundredPercent)
			rhs := decimal.New(w.Deals, 0).Mul(decimal.New(st.Leads, 0)).Mul(pct)
			st.Flagged = lhs.Cmp(rhs) < 0
		}
		st.Explanation = st.explain(hasWalk, cfg)
		rep.Stores = append(rep.Stores, st)
	}
	return rep, nil
}

func rateText(d *o2o.Decimal) string {
	if d == nil {
		return "none"
	}
	return o2o.FormatDecimal(d.Decimal.Mul(hundredPercent).Round(1)) + "%"
}

func (st *StoreLeads) explain(hasWalk bool, cfg LeadConfig) string {
	s := fmt.Sprintf("store %s: %d online leads, %d converted (%s)", st.StoreID, st.Leads, st.Converted, rateText(st.Conversion))
	if hasWalk {
		s += fmt.Sprintf(" against walk-ins %d of %d (%s)", st.WalkInDeals, st.WalkInVisitors, rateText(st.WalkInConversion))
	} else {
		s += "; no walk-ins reported"
	}
	s += fmt.Sprintf("; %d not contacted within %s", st.Missed, cfg.ContactWindow)
	if st.Pending > 0 {
		s += fmt.Sprintf(", %d pending", st.Pending)
	}
	switch {
	case st.Flagged:
		s += fmt.Sprintf("; FLAGGED: online leads convert below %s%% of walk-ins — leads left to cool while walk-ins are served; give them to the network sales team (网销团队)", cfg.FlagBelowPercent.String())
	case st.Leads > 0 && st.Leads < int64(cfg.MinLeads):
		s += fmt.Sprintf("; too few leads to judge (fewer than %d)", cfg.MinLeads)
	}
	return s
}
