package channel

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/o2okit/o2okit/o2o"
	"github.com/shopspring/decimal"
)

// Scenario files (testdata/scenarios/*.json) keep rules and their expected
// results as data: a network, the leads registered on it, and "it" cases,
// each one question to the package (route, check, maySell, register) and
// the answer expected. TestScenarios runs every case of every file.

type scenarioFile struct {
	Description string `json:"description"`
	// Network names a config in testdata; Routing, when set, replaces its
	// routing settings.
	Network string         `json:"network"`
	Routing *RoutingConfig `json:"routing,omitempty"`
	// Leads are registered, in time order, before any case runs.
	Leads []leadSpec     `json:"leads,omitempty"`
	Cases []scenarioCase `json:"cases"`
}

type scenarioCase struct {
	It       string     `json:"it"`
	Route    *routeSpec `json:"route,omitempty"`
	Check    *checkSpec `json:"check,omitempty"`
	MaySell  *saleSpec  `json:"maySell,omitempty"`
	Register *leadSpec  `json:"register,omitempty"`
	Expect   expectSpec `json:"expect"`
}

// orderSpec is a compact order: parties as "kind:id", lines as SKUs (one
// piece each), defaults for what the case does not say.
type orderSpec struct {
	ID       string   `json:"id"`
	Channel  string   `json:"channel"`
	Delivery string   `json:"delivery"`
	Customer string   `json:"customer,omitempty"` // default C-1
	ServedBy string   `json:"servedBy,omitempty"` // "kind:id", "agent:id@store"
	Lines    []string `json:"lines,omitempty"`    // default SOFA-S3
	At       string   `json:"at,omitempty"`       // default 2024-05-10T10:00:00+08:00
}

type routeSpec struct {
	Order orderSpec  `json:"order"`
	Need  Capability `json:"need"`
	// WithLeads routes with the scenario's leads (RouteWithLeads).
	WithLeads bool `json:"withLeads,omitempty"`
}

type checkSpec struct {
	Order         orderSpec  `json:"order"`
	Coupons       []Coupon   `json:"coupons,omitempty"`
	Need          Capability `json:"need,omitempty"`
	ServingReason string     `json:"servingReason,omitempty"`
}

type saleSpec struct {
	SKU      string `json:"sku"`
	Channel  string `json:"channel"`
	Seller   string `json:"seller"`
	Delivery string `json:"delivery,omitempty"`
}

type leadSpec struct {
	Customer string `json:"customer"`
	Party    string `json:"party"`
	At       string `json:"at"`
}

type findingSpec struct {
	Kind    Kind     `json:"kind"`
	Rule    Rule     `json:"rule,omitempty"`
	Parties []string `json:"parties,omitempty"`
	SKUs    []string `json:"skus,omitempty"`
}

type entitlementSpec struct {
	Dealer    string   `json:"dealer"`
	Territory string   `json:"territory"`
	SKUs      []string `json:"skus"`
}

// expectSpec is the expected answer; the runner fills the same shape from
// the real answer and compares the two.
type expectSpec struct {
	// Error is the class of the expected error: no_route, tie,
	// lead_holder_cannot_serve, invalid or not_found.
	Error      string            `json:"error,omitempty"`
	Serve      string            `json:"serve,omitempty"`
	Store      string            `json:"store,omitempty"`
	Rule       Rule              `json:"rule,omitempty"`
	Level      o2o.RegionLevel   `json:"level,omitempty"`
	Covers     string            `json:"covers,omitempty"`
	Agents     []string          `json:"agents,omitempty"`
	Tied       []string          `json:"tied,omitempty"`
	PassedOver []string          `json:"passedOver,omitempty"` // "kind:id@region"
	Findings   []findingSpec     `json:"findings,omitempty"`
	Entitle    []entitlementSpec `json:"entitlements,omitempty"`
	Notes      []findingSpec     `json:"notes,omitempty"`
	Allowed    *bool             `json:"allowed,omitempty"`
	Outcome    Outcome           `json:"outcome,omitempty"`
	Holder     string            `json:"holder,omitempty"`
}

func parseRef(t *testing.T, s string) PartyRef {
	t.Helper()
	kind, id, ok := strings.Cut(s, ":")
	if !ok {
		t.Fatalf("party %q is not kind:id", s)
	}
	return PartyRef{Kind: o2o.PartyKind(kind), ID: id}
}

func parseAt(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return day(10)
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func (s orderSpec) order(t *testing.T) o2o.Order {
	t.Helper()
	o := o2o.Order{
		ID: s.ID, Channel: o2o.Channel(s.Channel),
		Customer: o2o.Customer{ID: s.Customer, Segment: o2o.SegmentRetail},
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		At:       parseAt(t, s.At),
	}
	if o.Customer.ID == "" {
		o.Customer.ID = "C-1"
	}
	if s.Delivery != "" {
		o.Delivery = o2o.MustRegionCode(s.Delivery)
	}
	o.PaidOnline = o.Channel == o2o.ChannelB2C
	if s.ServedBy != "" {
		party, store, _ := strings.Cut(s.ServedBy, "@")
		p := parseRef(t, party)
		o.ServedBy = &o2o.Serving{Kind: p.Kind, PartyID: p.ID, StoreID: store}
	}
	skus := s.Lines
	if len(skus) == 0 {
		skus = []string{"SOFA-S3"}
	}
	for _, sku := range skus {
		o.Lines = append(o.Lines, o2o.OrderLine{SKU: sku, Quantity: o2o.Qty(decimal.NewFromInt(1), unitOf(sku))})
	}
	return o
}

func (s leadSpec) lead(t *testing.T) Lead {
	return Lead{Customer: s.Customer, Party: parseRef(t, s.Party), At: parseAt(t, s.At)}
}

func errorClass(err error) string {
	switch {
	case errors.Is(err, ErrNoRoute):
		return "no_route"
	case errors.Is(err, ErrTie):
		return "tie"
	case errors.Is(err, ErrLeadHolderCannotServe):
		return "lead_holder_cannot_serve"
	case errors.Is(err, o2o.ErrNotFound): // an unknown SKU wraps both
		return "not_found"
	case errors.Is(err, o2o.ErrInvalid):
		return "invalid"
	}
	return "unexpected: " + err.Error()
}

func refs(ps []PartyRef) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func passed(ps []PassedOver) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%s@%s", p.Party, p.Covers)
		if p.Reason == "" {
			out[i] += " (no reason)"
		}
	}
	return out
}

func findingSpecs(t *testing.T, fs []Finding) []findingSpec {
	out := make([]findingSpec, len(fs))
	for i, f := range fs {
		if f.Reason == "" || len(f.Evidence) == 0 {
			t.Errorf("%s without reason or evidence: %+v", f.Kind, f)
		}
		out[i] = findingSpec{Kind: f.Kind, Rule: f.Rule, Parties: refs(f.Parties), SKUs: f.SKUs}
	}
	return out
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	catalog := testCatalog(t)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			var sc scenarioFile
			if err := o2o.DecodeJSON(readFile(t, strings.TrimPrefix(file, "testdata/")), &sc); err != nil {
				t.Fatal(err)
			}
			cfg, err := ParseConfig(readFile(t, sc.Network))
			if err != nil {
				t.Fatal(err)
			}
			if sc.Routing != nil {
				cfg.Routing = *sc.Routing
			}
			n, err := cfg.Build(catalog)
			if err != nil {
				t.Fatal(err)
			}
			var regs []Lead
			for _, l := range sc.Leads {
				regs = append(regs, l.lead(t))
			}
			leads, _, err := n.RegisterAll(regs, received)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Cases) == 0 {
				t.Fatal("no cases")
			}
			for _, c := range sc.Cases {
				t.Run(c.It, func(t *testing.T) {
					got := runCase(t, n, leads, c)
					if diff := cmp.Diff(c.Expect, got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("%s: it %s (-want +got):\n%s", file, c.It, diff)
					}
				})
			}
		})
	}
}

func runCase(t *testing.T, n *Network, leads Leads, c scenarioCase) expectSpec {
	t.Helper()
	var got expectSpec
	switch {
	case c.Route != nil:
		o := c.Route.Order.order(t)
		var d Decision
		var err error
		if c.Route.WithLeads {
			d, err = n.RouteWithLeads(o, c.Route.Need, leads)
		} else {
			d, err = n.Route(o, c.Route.Need)
		}
		var re *RouteError
		switch {
		case errors.As(err, &re):
			got = expectSpec{Error: errorClass(err), Tied: refs(re.Tied), PassedOver: passed(re.PassedOver)}
		case err != nil:
			got = expectSpec{Error: errorClass(err)}
		default:
			if d.Reason == "" {
				t.Error("decision without reason")
			}
			got = expectSpec{Serve: d.Serve.String(), Store: d.Store, Rule: d.Rule, Level: d.Level, Covers: d.Covers.String(),
				Agents: d.Agents, PassedOver: passed(d.PassedOver)}
		}
	case c.Check != nil:
		facts := Facts{Leads: leads, Coupons: c.Check.Coupons, Need: c.Check.Need, ServingReason: c.Check.ServingReason}
		r, err := n.CheckOrder(c.Check.Order.order(t), facts)
		if err != nil {
			return expectSpec{Error: errorClass(err)}
		}
		got.Findings = findingSpecs(t, r.Findings)
		got.Notes = findingSpecs(t, r.Notes)
		for _, e := range r.Entitlements {
			got.Entitle = append(got.Entitle, entitlementSpec{Dealer: e.Dealer, Territory: e.Territory.String(), SKUs: skus(e.Lines)})
		}
	case c.MaySell != nil:
		s := Sale{SKU: c.MaySell.SKU, Channel: o2o.Channel(c.MaySell.Channel), Seller: parseRef(t, c.MaySell.Seller)}
		if c.MaySell.Delivery != "" {
			s.Delivery = o2o.MustRegionCode(c.MaySell.Delivery)
		}
		v, err := n.MaySell(s)
		if err != nil {
			return expectSpec{Error: errorClass(err)}
		}
		got = expectSpec{Allowed: &v.Allowed, Rule: v.Rule}
		// The one check: the listing agrees with the verdict (without a
		// delivery region, which listings do not have).
		if s.Delivery.IsZero() {
			list, err := n.Listing(s.Channel, s.Seller)
			if err != nil {
				t.Fatal(err)
			}
			if listed := contains(list, s.SKU); listed != v.Allowed {
				t.Errorf("listing shows %s: %v, MaySell allows: %v", s.SKU, listed, v.Allowed)
			}
		}
	case c.Register != nil:
		_, claim, err := leads.Register(c.Register.lead(t), received)
		if err != nil {
			return expectSpec{Error: errorClass(err)}
		}
		got = expectSpec{Outcome: claim.Outcome, Holder: claim.Holder.Party.String(), Rule: claim.Rule}
	default:
		t.Fatal("case asks nothing")
	}
	return got
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
