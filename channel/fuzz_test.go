package channel

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/o2okit/o2okit/o2o"
)

// FuzzLoad feeds the network config decoder arbitrary JSON: it must never
// panic, every error must wrap o2o.ErrInvalid, and anything accepted must
// round-trip to an equal config.
func FuzzLoad(f *testing.F) {
	f.Add(readFile(f, "network.json"))
	f.Add([]byte(`{"stores":[{"id":"A","covers":["440305001"],"capabilities":["retail"]}]}`))
	f.Add([]byte(`{"dealers":[{"id":"D","mode":"fused","territory":["330100"]},{"id":"E","mode":"fused","territory":["330106"]}]}`))
	f.Add([]byte(`{"dealers":[{"id":"D","mode":"reformed","territory":["441900"],"capabilities":["measurement"]}],"routing":{"ties":"refuse"}}`))
	f.Add([]byte(`{"segregation":{"b2cOnly":["TILE-800-WEB"]},"leads":{"protectionDays":7}}`))
	f.Add([]byte(`{"stores":null} x`))
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Load(data, cat)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error not wrapping ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("marshal accepted config: %v", err)
		}
		n2, err := Load(out, cat)
		if err != nil {
			t.Fatalf("reload: %v\n%s", err, out)
		}
		if diff := cmp.Diff(n.Config(), n2.Config(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// FuzzParseLeads feeds the lead registry decoder arbitrary JSON.
func FuzzParseLeads(f *testing.F) {
	f.Add([]byte(`{"held":[{"customer":"C","party":{"kind":"store","id":"SZ-NT"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}`))
	f.Add([]byte(`{"held":[],"conflicts":[{"lead":{"customer":"C","party":{"kind":"agent","id":"AG-LI"},"at":"2024-05-02T10:00:00+08:00"},"outcome":"conflict","holder":{"customer":"C","party":{"kind":"store","id":"SZ-NT"},"at":"2024-05-01T10:00:00+08:00"}}]}`))
	n := testNetwork(f)
	// A registry with a conflict as Register records it.
	valid, _, err := n.RegisterAll([]Lead{
		{Customer: "C", Party: Store("SZ-NT"), At: day(1)},
		{Customer: "C", Party: Agent("AG-LI"), At: day(2)},
	}, received)
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := json.Marshal(valid)
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := n.ParseLeads(data, received)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error not wrapping ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		l2, err := n.ParseLeads(out, received)
		if err != nil {
			t.Fatalf("reload: %v", err)
		}
		if again, _ := json.Marshal(l2); string(again) != string(out) {
			t.Fatalf("round trip:\n%s\n%s", out, again)
		}
	})
}

// FuzzFacts feeds the Facts decoder (and so the unbound lead registry
// decoder) arbitrary JSON: it must never panic, every error wraps
// ErrInvalid, anything accepted round-trips, and CheckOrder either accepts
// the decoded facts or refuses them with ErrInvalid.
func FuzzFacts(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"leads":{"protectionDays":30,"held":[{"customer":"C-1","party":{"kind":"store","id":"SZ-NT"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]},"coupons":[{"code":"X","customer":"C-1","store":"SZ-NS"}],"need":"measurement","servingReason":"asked"}`))
	f.Add([]byte(`{"leads":{"protectionDays":7,"held":[{"customer":"C-1","party":{"kind":"agent","id":"AG-ZZ"},"at":"2024-05-01T10:00:00+08:00"}],"conflicts":[]}}`))
	n := testNetwork(f)
	o := order("F-1", o2o.ChannelO2O, "440305001", served(o2o.PartyStore, "SZ-NT", ""))
	f.Fuzz(func(t *testing.T, data []byte) {
		var facts Facts
		if err := o2o.DecodeJSON(data, &facts); err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error not wrapping ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(facts)
		if err != nil {
			t.Fatal(err)
		}
		var back Facts
		if err := o2o.DecodeJSON(out, &back); err != nil {
			t.Fatalf("reload %s: %v", out, err)
		}
		if again, _ := json.Marshal(back); string(again) != string(out) {
			t.Fatalf("round trip:\n%s\n%s", out, again)
		}
		if _, err := n.CheckOrder(o, facts); err != nil && !errors.Is(err, o2o.ErrInvalid) {
			t.Fatalf("CheckOrder: %v", err)
		}
	})
}
