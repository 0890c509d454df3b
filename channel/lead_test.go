package channel

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

func TestLeadProtection(t *testing.T) {
	n := testNetwork(t)
	l0 := n.Leads()
	first := Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(1)}
	l1, c, err := l0.Register(first, received)
	if err != nil || c.Outcome != OutcomeHeld || c.Holder != first || c.Rule != RuleLeadFirst {
		t.Fatalf("first: %+v %v", c, err)
	}
	if !c.Until.Equal(day(31)) {
		t.Errorf("until = %s", c.Until)
	}
	if _, ok := l0.Holder("C-1", day(2)); ok || l0.Len() != 0 {
		t.Error("Register changed the receiver")
	}
	// The holder again: nothing changes, no extension.
	l2, c, err := l1.Register(Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(20)}, received)
	if err != nil || c.Outcome != OutcomeAlreadyHeld || !c.Until.Equal(day(31)) {
		t.Fatalf("repeat: %+v %v", c, err)
	}
	// Another party inside the window: a conflict, holder unchanged.
	l3, c, err := l2.Register(Lead{Customer: "C-1", Party: Agent("AG-LI"), At: day(30)}, received)
	if err != nil || c.Outcome != OutcomeConflict || c.Holder != first || c.Rule != RuleLeadConflict {
		t.Fatalf("conflict: %+v %v", c, err)
	}
	if h, ok := l3.Holder("C-1", day(30)); !ok || h != first {
		t.Errorf("holder after conflict = %+v", h)
	}
	if len(l3.Conflicts()) != 1 || len(l2.Conflicts()) != 0 {
		t.Errorf("conflicts: %d / %d", len(l3.Conflicts()), len(l2.Conflicts()))
	}
	// Window boundary: held up to, not at, the end of day 30 after.
	if _, ok := l3.Holder("C-1", day(31).Add(-time.Nanosecond)); !ok {
		t.Error("not held just before expiry")
	}
	if _, ok := l3.Holder("C-1", day(31)); ok {
		t.Error("held at expiry")
	}
	if _, ok := l3.Holder("C-1", day(1).Add(-time.Second)); ok {
		t.Error("held before registration")
	}
	// Expired: the customer is free and the new registration holds.
	later := Lead{Customer: "C-1", Party: Agent("AG-LI"), At: day(31)}
	l4, c, err := l3.Register(later, received)
	if err != nil || c.Outcome != OutcomeHeld || c.Holder != later {
		t.Fatalf("after expiry: %+v %v", c, err)
	}
	if h, _ := l4.Holder("C-1", day(31)); h != later {
		t.Errorf("holder = %+v", h)
	}
}

func TestLeadErrors(t *testing.T) {
	n := testNetwork(t)
	l, _, _ := n.Leads().Register(Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(10)}, received)
	tests := []struct {
		name string
		lead Lead
		want error
	}{
		{"no customer", Lead{Party: Store("SZ-NT"), At: day(11)}, o2o.ErrInvalid},
		{"no instant", Lead{Customer: "C-2", Party: Store("SZ-NT")}, o2o.ErrInvalid},
		{"dealer registers", Lead{Customer: "C-2", Party: Dealer("DL-CD"), At: day(11)}, o2o.ErrInvalid},
		{"unknown store", Lead{Customer: "C-2", Party: Store("XX"), At: day(11)}, o2o.ErrInvalid},
		{"out of order", Lead{Customer: "C-1", Party: Store("SZ-NS"), At: day(9)}, ErrOutOfOrder},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next, _, err := l.Register(tc.lead, received)
			if !errors.Is(err, tc.want) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if next.Len() != 1 {
				t.Error("refused registration changed the registry")
			}
		})
	}
	if _, _, err := (Leads{}).Register(Lead{Customer: "C", Party: Store("SZ-NT"), At: day(1)}, received); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("zero Leads: %v", err)
	}
	if _, ok := (Leads{}).Holder("C", day(1)); ok {
		t.Error("zero Leads holds")
	}
}

func TestRegisterAllAndJSON(t *testing.T) {
	n := testNetwork(t)
	regs := []Lead{
		{Customer: "C-2", Party: Agent("AG-CHEN"), At: day(5)},
		{Customer: "C-1", Party: Store("SZ-NS"), At: day(3)},
		{Customer: "C-1", Party: Store("SZ-NT"), At: day(2)}, // earlier: holds
	}
	l, claims, err := n.RegisterAll(regs, received)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := []Outcome{}
	for _, c := range claims {
		outcomes = append(outcomes, c.Outcome)
	}
	if diff := cmp.Diff([]Outcome{OutcomeHeld, OutcomeConflict, OutcomeHeld}, outcomes); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if h, _ := l.Holder("C-1", day(4)); h.Party != Store("SZ-NT") {
		t.Errorf("holder = %+v", h)
	}
	data, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	back, err := n.ParseLeads(data, received)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(data) {
		t.Errorf("round trip:\n%s\n%s", data, again)
	}
	for _, bad := range []string{
		`{"held":[{"customer":"C","party":{"kind":"store","id":"XX"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}`,
		`{"held":[],"conflicts":[],"extra":1}`,
		`{"held":[{"customer":"C","party":{"kind":"store","id":"SZ-NT"},"at":"2024-05-01T10:00:00+08:00"},{"customer":"C","party":{"kind":"store","id":"SZ-NS"},"at":"2024-05-01T10:00:00+08:00"}]}`,
	} {
		if _, err := n.ParseLeads([]byte(bad), received); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("ParseLeads(%s) = %v", bad, err)
		}
	}
	if _, _, err := n.RegisterAll([]Lead{{Customer: "C", Party: Store("XX"), At: day(1)}}, received); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("RegisterAll bad: %v", err)
	}
}

func TestLeadsJSONUnbound(t *testing.T) {
	n := testNetwork(t)
	l, _, err := n.RegisterAll([]Lead{
		{Customer: "C-1", Party: Store("SZ-NT"), At: day(2)},
		{Customer: "C-1", Party: Store("SZ-NS"), At: day(3)},
	}, received)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"protectionDays":30`) {
		t.Errorf("window not saved: %s", data)
	}
	// encoding/json gives an unbound registry that keeps its window.
	var u Leads
	if err := json.Unmarshal(data, &u); err != nil {
		t.Fatal(err)
	}
	if h, ok := u.Holder("C-1", day(20)); !ok || h.Party != Store("SZ-NT") {
		t.Errorf("unbound holder = %+v %v", h, ok)
	}
	if _, ok := u.Holder("C-1", day(2).AddDate(0, 0, 30)); ok {
		t.Error("unbound registry ignores its window")
	}
	if again, _ := json.Marshal(u); string(again) != string(data) {
		t.Errorf("round trip:\n%s\n%s", data, again)
	}
	if _, _, err := u.Register(Lead{Customer: "C-2", Party: Store("SZ-NT"), At: day(4)}, received); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unbound Register: %v", err)
	}
	// The zero registry round-trips too.
	var z Leads
	data, _ = json.Marshal(Leads{})
	if err := json.Unmarshal(data, &z); err != nil || !z.IsZero() {
		t.Errorf("zero round trip: %v %+v", err, z)
	}
	for _, bad := range []string{
		`{"protectionDays":0,"held":[{"customer":"C","party":{"kind":"store","id":"SZ-NT"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}`,
		`{"protectionDays":-1,"held":[],"conflicts":[]}`,
		`{"protectionDays":30,"held":[{"customer":"C","party":{"kind":"dealer","id":"DL-HZ"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}`,
		`{"protectionDays":30,"held":[{"customer":"C","party":{"kind":"store","id":""},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}`,
		`{"protectionDays":30,"held":[],"conflicts":[],"x":1}`,
	} {
		var l Leads
		if err := json.Unmarshal([]byte(bad), &l); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("Unmarshal(%s) = %v", bad, err)
		}
	}
}

// TestFactsJSON checks that Facts round-trip with their lead registry and
// that a decoded (unbound) registry gives the same report as the original.
func TestFactsJSON(t *testing.T) {
	n := testNetwork(t)
	leads, _, err := n.Leads().Register(Lead{Customer: "C-1", Party: Store("HZ-XH"), At: day(1)}, received)
	if err != nil {
		t.Fatal(err)
	}
	facts := Facts{Leads: leads, Coupons: []Coupon{{Code: "CPN-9", Customer: "C-1", Store: "SZ-NT"}}, Need: CapMeasurement, ServingReason: "asked"}
	data, err := json.Marshal(facts)
	if err != nil {
		t.Fatal(err)
	}
	var back Facts
	if err := o2o.DecodeJSON(data, &back); err != nil {
		t.Fatal(err)
	}
	if again, _ := json.Marshal(back); string(again) != string(data) {
		t.Errorf("round trip:\n%s\n%s", data, again)
	}
	o := order("O-1", o2o.ChannelB2C, "440305001")
	want, err := n.CheckOrder(o, facts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := n.CheckOrder(o, back)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report from decoded facts (-want +got):\n%s", diff)
	}
	if len(got.Findings) == 0 || got.Findings[0].Kind != KindSteeredToB2C {
		t.Errorf("findings = %+v", got.Findings)
	}
	// Empty facts leave the registry out.
	if data, _ := json.Marshal(Facts{}); string(data) != `{}` {
		t.Errorf("empty facts = %s", data)
	}
	// A decoded registry naming a party this network lacks is refused.
	var foreign Facts
	if err := json.Unmarshal([]byte(`{"leads":{"protectionDays":30,"held":[{"customer":"C-1","party":{"kind":"store","id":"XX"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}}`), &foreign); err != nil {
		t.Fatal(err)
	}
	if _, err := n.CheckOrder(o, foreign); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("foreign leads in CheckOrder: %v", err)
	}
	if _, err := n.RouteWithLeads(o, CapRetail, foreign.Leads); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("foreign leads in RouteWithLeads: %v", err)
	}
	// A registry saved with another window takes the network's.
	var other Leads
	if err := json.Unmarshal([]byte(`{"protectionDays":3,"held":[{"customer":"C-1","party":{"kind":"store","id":"SZ-NT"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}`), &other); err != nil {
		t.Fatal(err)
	}
	d, err := n.RouteWithLeads(order("O-2", o2o.ChannelO2O, "440305001", at(day(10))), CapRetail, other)
	if err != nil || d.Rule != RuleRouteLead || d.Serve != Store("SZ-NT") {
		t.Errorf("network window not applied: %+v %v", d, err)
	}
}
