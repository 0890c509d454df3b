package channel

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
)

// leadBound is the cost allowed for 30,000 registrations: generous, and
// far below what copying the registry per registration costs (minutes).
var leadBound = hostile.Bound{Time: raceSlowdown * 5 * time.Second, Bytes: 1 << 30}

// TestLeadRegistryScales registers 30,000 customers one by one, records
// 30,000 conflicts on one customer, rebuilds both with RegisterAll and
// reloads them with ParseLeads, each within a time and memory bound.
func TestLeadRegistryScales(t *testing.T) {
	n := testNetwork(t)
	const size = 30_000
	base := day(1)
	var many, contested []Lead
	for i := range size {
		at := base.Add(time.Duration(i) * time.Second)
		many = append(many, Lead{Customer: fmt.Sprintf("C-%06d", size-i), Party: Store("SZ-NT"), At: at})
		p := Store("SZ-NS")
		if i == 0 {
			p = Store("SZ-NT")
		}
		contested = append(contested, Lead{Customer: "C-1", Party: p, At: at})
	}
	for _, tc := range []struct {
		name          string
		leads         []Lead
		len, conflict int
	}{{"many customers", many, size, 0}, {"many conflicts", contested, 1, size - 1}} {
		t.Run(tc.name, func(t *testing.T) {
			var l Leads
			hostile.Within(t, leadBound, "Register", func() error {
				l = n.Leads()
				for _, lead := range tc.leads {
					next, _, err := l.Register(lead, received)
					if err != nil {
						return err
					}
					l = next
				}
				return nil
			})
			if l.Len() != tc.len || len(l.Conflicts()) != tc.conflict {
				t.Fatalf("len %d, conflicts %d", l.Len(), len(l.Conflicts()))
			}
			var all Leads
			if err := hostile.Within(t, leadBound, "RegisterAll", func() (err error) {
				all, _, err = n.RegisterAll(tc.leads, received)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			data, err := json.Marshal(l)
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := json.Marshal(all); string(again) != string(data) {
				t.Error("RegisterAll and Register disagree")
			}
			var back Leads
			if err := hostile.Within(t, leadBound, "ParseLeads", func() (err error) {
				back, err = n.ParseLeads(data, received)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if again, _ := json.Marshal(back); string(again) != string(data) {
				t.Error("ParseLeads does not round-trip")
			}
		})
	}
}

// TestLeadRegistryShared checks that registries derived from one value
// do not disturb each other or it: each keeps what it held.
func TestLeadRegistryShared(t *testing.T) {
	n := testNetwork(t)
	base, _, err := n.RegisterAll([]Lead{
		{Customer: "C-1", Party: Store("SZ-NT"), At: day(1)},
		{Customer: "C-5", Party: Store("SZ-NT"), At: day(1)},
	}, received)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(base)
	a, _, err := base.Register(Lead{Customer: "C-1", Party: Store("SZ-NS"), At: day(2)}, received)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := base.Register(Lead{Customer: "C-1", Party: Agent("AG-LI"), At: day(3)}, received)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := base.Register(Lead{Customer: "C-3", Party: Agent("AG-LI"), At: day(3)}, received)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(base); string(after) != string(before) {
		t.Errorf("base changed:\n%s\n%s", before, after)
	}
	if ca, cb := a.Conflicts(), b.Conflicts(); len(ca) != 1 || len(cb) != 1 || ca[0].Lead.Party != Store("SZ-NS") || cb[0].Lead.Party != Agent("AG-LI") {
		t.Errorf("conflicts: %+v / %+v", ca, cb)
	}
	if c.Len() != 3 || a.Len() != 2 || len(c.Conflicts()) != 0 {
		t.Errorf("len %d/%d, conflicts %d", c.Len(), a.Len(), len(c.Conflicts()))
	}
}

// TestLeadSquatting: a registration dated in the future of when it was
// received is refused, so it cannot make honest registrations before it
// fail as out of order; a forged registry holding one is refused on load.
func TestLeadSquatting(t *testing.T) {
	n := testNetwork(t)
	now := day(10)
	squat := Lead{Customer: "C-1", Party: Store("SZ-NS"), At: time.Date(2099, 1, 1, 0, 0, 0, 0, o2o.China())}
	l := n.Leads()
	next, _, err := l.Register(squat, now)
	if !errors.Is(err, ErrFutureLead) || !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("squatting registration: %v", err)
	}
	if !next.IsZero() {
		t.Error("a refused registration changed the registry")
	}
	honest := Lead{Customer: "C-1", Party: Store("SZ-NT"), At: now}
	if _, c, err := next.Register(honest, now); err != nil || c.Outcome != OutcomeHeld {
		t.Fatalf("honest registration after a squat: %+v %v", c, err)
	}
	// Within the margin, a clock a little ahead is accepted.
	ahead := Lead{Customer: "C-2", Party: Store("SZ-NT"), At: now.Add(MaxLeadAhead)}
	if _, _, err := l.Register(ahead, now); err != nil {
		t.Errorf("registration MaxLeadAhead ahead: %v", err)
	}
	ahead.At = ahead.At.Add(time.Second)
	if _, _, err := l.Register(ahead, now); !errors.Is(err, ErrFutureLead) {
		t.Errorf("registration past MaxLeadAhead: %v", err)
	}
	if _, _, err := l.Register(honest, time.Time{}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("no received instant: %v", err)
	}
	if _, _, err := n.RegisterAll([]Lead{honest, squat}, now); !errors.Is(err, ErrFutureLead) || !strings.Contains(err.Error(), "[1]") {
		t.Errorf("RegisterAll with a squat: %v", err)
	}
	// A saved registry holding the squat is refused when loaded before 2099.
	data, _ := json.Marshal(leadsJSON{ProtectionDays: 30, Held: []Lead{squat}, Conflicts: []Claim{}})
	if _, err := n.ParseLeads(data, now); !errors.Is(err, ErrFutureLead) || !strings.Contains(err.Error(), "held[0]") {
		t.Errorf("ParseLeads with a squat: %v", err)
	}
	if _, err := n.ParseLeads(data, time.Time{}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("ParseLeads without an instant: %v", err)
	}
	// One that slipped in anyway (decoded without an instant) is named as
	// impossible when an honest registration meets it.
	var u Leads
	if err := json.Unmarshal(data, &u); err != nil {
		t.Fatal(err)
	}
	bound, err := n.bind(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := bound.Register(honest, now); !errors.Is(err, ErrOutOfOrder) || !strings.Contains(err.Error(), "no registration could have made that holding") {
		t.Errorf("registration against a forged holding: %v", err)
	}
}

// TestLeadInstantsPastYear9999: an instant, or a protection window, that
// cannot be written as a date is refused at input, never accepted and
// then unencodable.
func TestLeadInstantsPastYear9999(t *testing.T) {
	n := testNetwork(t)
	far := time.Date(10000, 6, 1, 0, 0, 0, 0, time.UTC)
	late := time.Date(9999, 12, 20, 0, 0, 0, 0, o2o.China())
	for _, tc := range []struct {
		name string
		lead Lead
	}{
		{"instant past 9999", Lead{Customer: "C-1", Party: Store("SZ-NT"), At: far}},
		{"window past 9999", Lead{Customer: "C-1", Party: Store("SZ-NT"), At: late}},
		{"instant before year 0", Lead{Customer: "C-1", Party: Store("SZ-NT"), At: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next, _, err := n.Leads().Register(tc.lead, far)
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v", err)
			}
			if !next.IsZero() {
				t.Error("refused registration changed the registry")
			}
		})
	}
	// Decoded: the window is checked under the saved window and the
	// network's (which replaces it).
	for _, tc := range []struct {
		name, at string
		days     int
	}{{"saved window", "9999-12-20T00:00:00+08:00", 30}, {"network window", "9999-12-20T00:00:00+08:00", 3}} {
		t.Run("decoded "+tc.name, func(t *testing.T) {
			data := fmt.Sprintf(`{"protectionDays":%d,"held":[{"customer":"C","party":{"kind":"store","id":"SZ-NT"},"at":%q}],"conflicts":[]}`, tc.days, tc.at)
			if _, err := n.ParseLeads([]byte(data), far); !errors.Is(err, o2o.ErrInvalid) {
				t.Errorf("ParseLeads: %v", err)
			}
		})
	}
	var u Leads
	if err := json.Unmarshal([]byte(`{"protectionDays":30,"held":[{"customer":"C","party":{"kind":"store","id":"SZ-NT"},"at":"9999-12-20T00:00:00+08:00"}],"conflicts":[]}`), &u); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("Unmarshal: %v", err)
	}
}

// TestParseLeadsForgedConflicts: every decoded conflict must be exactly
// the claim the registry itself records; each forgery is refused, naming
// the field.
func TestParseLeadsForgedConflicts(t *testing.T) {
	n := testNetwork(t)
	honest, _, err := n.RegisterAll([]Lead{
		{Customer: "C-1", Party: Store("SZ-NT"), At: day(1)},
		{Customer: "C-1", Party: Store("SZ-NS"), At: day(2)},
		{Customer: "C-2", Party: Agent("AG-LI"), At: day(1)},
		{Customer: "C-2", Party: Store("SZ-NT"), At: day(3)},
	}, received)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(honest)
	if _, err := n.ParseLeads(data, received); err != nil {
		t.Fatalf("honest registry: %v", err)
	}
	tests := []struct {
		name, path string
		forge      func(*leadsJSON)
	}{
		{"outcome", "conflicts[0].outcome", func(r *leadsJSON) { r.Conflicts[0].Outcome = OutcomeHeld }},
		{"wrong rule", "conflicts[0].rule", func(r *leadsJSON) { r.Conflicts[0].Rule = RuleLeadFirst }},
		{"customer mismatch", "conflicts[0].holder.customer", func(r *leadsJSON) { r.Conflicts[0].Holder.Customer = "C-2" }},
		{"claimant is the holder", "conflicts[0].lead.party", func(r *leadsJSON) { r.Conflicts[0].Lead.Party = r.Conflicts[0].Holder.Party }},
		{"until before at", "conflicts[0].until", func(r *leadsJSON) { r.Conflicts[0].Until = r.Conflicts[0].Lead.At.Add(-time.Hour) }},
		{"until stretched", "conflicts[0].until", func(r *leadsJSON) { r.Conflicts[0].Until = r.Conflicts[0].Until.AddDate(1, 0, 0) }},
		{"claim before the holding", "conflicts[0].lead.at", func(r *leadsJSON) { r.Conflicts[0].Lead.At = day(1).Add(-time.Hour) }},
		{"claim after the window", "conflicts[0].lead.at", func(r *leadsJSON) { r.Conflicts[0].Lead.At = day(31) }},
		{"arbitrary reason", "conflicts[0].reason", func(r *leadsJSON) { r.Conflicts[0].Reason = "SZ-NS was here first" }},
		{"no reason", "conflicts[0].reason", func(r *leadsJSON) { r.Conflicts[0].Reason = "" }},
		{"customer held by no one", "conflicts[0].lead.customer", func(r *leadsJSON) {
			r.Held = r.Held[1:] // drops C-1
		}},
		{"holder not the holding", "conflicts[0].holder", func(r *leadsJSON) {
			c := conflictClaim(r.Conflicts[0].Lead, Lead{Customer: "C-1", Party: Agent("AG-LI"), At: day(1)}, day(31))
			r.Conflicts[0] = c
		}},
		{"holders out of order", "conflicts[1].holder.at", func(r *leadsJSON) {
			old := Lead{Customer: "C-1", Party: Agent("AG-LI"), At: day(1).AddDate(0, -2, 0)}
			r.Conflicts = []Claim{r.Conflicts[0], conflictClaim(Lead{Customer: "C-1", Party: Store("SZ-NS"), At: old.At.Add(time.Hour)}, old, untilDays(old.At, 30))}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r leadsJSON
			_ = json.Unmarshal(data, &r)
			tc.forge(&r)
			forged, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			for name, parse := range map[string]func([]byte) error{
				"ParseLeads": func(b []byte) error { _, err := n.ParseLeads(b, received); return err },
				"Unmarshal":  func(b []byte) error { var l Leads; return json.Unmarshal(b, &l) },
			} {
				err := parse(forged)
				var ve *o2o.ValidationError
				if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) {
					t.Fatalf("%s accepted a forged conflict: %v", name, err)
				}
				if ve.Fields[0].Path != tc.path {
					t.Errorf("%s: path %q, want %q (%v)", name, ve.Fields[0].Path, tc.path, err)
				}
			}
		})
	}
}

// TestIdentifiersAndZonesRoundTrip: what is accepted can be written as
// JSON and read back as the same thing. Identifiers that are not valid
// UTF-8 (JSON would turn two of them into one) and instants in a zone of
// seconds (RFC 3339 drops them) are refused at input.
func TestIdentifiersAndZonesRoundTrip(t *testing.T) {
	n := testNetwork(t)
	odd := time.FixedZone("odd", 8*3600+30)
	for _, tc := range []struct {
		name, path string
		lead       Lead
	}{
		{"customer", "customer", Lead{Customer: "C\xff", Party: Store("SZ-NT"), At: day(1)}},
		{"party id", "party.id", Lead{Customer: "C-1", Party: Store("SZ\xff"), At: day(1)}},
		{"zone of seconds", "at", Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(1).In(odd)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next, _, err := n.Leads().Register(tc.lead, received)
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
				t.Errorf("err = %v, want path %q", err, tc.path)
			}
			if !next.IsZero() {
				t.Error("refused registration changed the registry")
			}
		})
	}
	cat := testCatalog(t)
	store := func(id string) StoreConfig {
		return StoreConfig{ID: id, Covers: []o2o.RegionCode{o2o.MustRegionCode("440305")}, Capabilities: []Capability{CapRetail}}
	}
	withCategory := store("A")
	withCategory.Assortment.Exclude.Categories = []string{"sofa\xfe"}
	for _, tc := range []struct {
		name, path string
		cfg        Config
	}{
		{"store ids", "stores[0].id", Config{Stores: []StoreConfig{store("A\xfe"), store("A\xff")}}},
		{"dealer id", "dealers[0].id", Config{Dealers: []DealerConfig{{ID: "D\xff", Mode: ModeFused, Territory: []o2o.RegionCode{o2o.MustRegionCode("330100")}}}}},
		{"assortment category", "stores[0].assortment.exclude.categories[0]", Config{Stores: []StoreConfig{withCategory}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.cfg.Build(cat)
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
				t.Errorf("err = %v, want path %q", err, tc.path)
			}
		})
	}
	plan := ShowcasePlan{Store: "SZ-NT", HotProducts: []string{"SOFA-S3"}, RefreshedAt: day(1).In(odd)}
	if _, err := n.CheckShowcase(plan, nil, day(2)); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("showcase refreshed in a zone of seconds: %v", err)
	}
}

// TestLeadsConcurrent registers on one shared registry from many
// goroutines and reads it meanwhile (run it with -race): every derived
// registry holds what it registered, and the shared one is unchanged.
func TestLeadsConcurrent(t *testing.T) {
	n := testNetwork(t)
	var regs []Lead
	for i := range 1_000 {
		regs = append(regs, Lead{Customer: fmt.Sprintf("C-%04d", i), Party: Store("SZ-NT"), At: day(1)})
	}
	base, _, err := n.RegisterAll(regs, received)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(base)
	done := make(chan error, 32)
	for g := range 32 {
		go func() {
			l := base
			for i := range 200 {
				c := fmt.Sprintf("C-%04d", (g*37+i)%1_200)
				next, _, err := l.Register(Lead{Customer: c, Party: Store("SZ-NS"), At: day(2)}, received)
				if err != nil {
					done <- err
					return
				}
				l = next
				if _, ok := base.Holder(c, day(2)); ok != (c < "C-1000") {
					done <- fmt.Errorf("base holder of %s changed", c)
					return
				}
				if _, ok := l.Holder(c, day(2)); !ok {
					done <- fmt.Errorf("%s not held after registering", c)
					return
				}
			}
			_, err := json.Marshal(l)
			done <- err
		}()
	}
	for range 32 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if after, _ := json.Marshal(base); string(after) != string(before) {
		t.Error("shared registry changed")
	}
}
