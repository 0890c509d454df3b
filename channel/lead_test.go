package channel

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

func TestLeadProtection(t *testing.T) {
	n := testNetwork(t)
	l0 := n.Leads()
	first := Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(1)}
	l1, c, err := l0.Register(first)
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
	l2, c, err := l1.Register(Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(20)})
	if err != nil || c.Outcome != OutcomeAlreadyHeld || !c.Until.Equal(day(31)) {
		t.Fatalf("repeat: %+v %v", c, err)
	}
	// Another party inside the window: a conflict, holder unchanged.
	l3, c, err := l2.Register(Lead{Customer: "C-1", Party: Agent("AG-LI"), At: day(30)})
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
	l4, c, err := l3.Register(later)
	if err != nil || c.Outcome != OutcomeHeld || c.Holder != later {
		t.Fatalf("after expiry: %+v %v", c, err)
	}
	if h, _ := l4.Holder("C-1", day(31)); h != later {
		t.Errorf("holder = %+v", h)
	}
}

func TestLeadErrors(t *testing.T) {
	n := testNetwork(t)
	l, _, _ := n.Leads().Register(Lead{Customer: "C-1", Party: Store("SZ-NT"), At: day(10)})
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
			next, _, err := l.Register(tc.lead)
			if !errors.Is(err, tc.want) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if next.Len() != 1 {
				t.Error("refused registration changed the registry")
			}
		})
	}
	if _, _, err := (Leads{}).Register(Lead{Customer: "C", Party: Store("SZ-NT"), At: day(1)}); !errors.Is(err, o2o.ErrInvalid) {
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
	l, claims, err := n.RegisterAll(regs)
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
	back, err := n.ParseLeads(data)
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
		if _, err := n.ParseLeads([]byte(bad)); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("ParseLeads(%s) = %v", bad, err)
		}
	}
	if _, _, err := n.RegisterAll([]Lead{{Customer: "C", Party: Store("XX"), At: day(1)}}); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("RegisterAll bad: %v", err)
	}
}
