package settlement

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

func FuzzSplitConfig(f *testing.F) {
	f.Add([]byte(splitJSON))
	f.Add([]byte(`{"manufacturer":"hq","rules":[{"channel":"b2c","legs":[{"role":"manufacturer","percent":"100"}]}]}`))
	f.Add([]byte(`{"manufacturer":"hq","rules":[{"channel":"o2o","legs":[{"role":"serving","fixed":{"amount":"1.00","currency":"CNY"}},{"role":"dealer","remaining":true}]}]}`))
	f.Add([]byte(`{"rules":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSplitConfig(data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseSplitConfig(out)
		if err != nil {
			t.Fatalf("accepted config does not round-trip: %v\n%s", err, out)
		}
		if d := cmp.Diff(s.Config(), back.Config()); d != "" {
			t.Fatalf("round trip (-want +got):\n%s", d)
		}
		// Whatever it accepted splits a sale without panicking, conserving it.
		sp, err := s.Split(testOrder(o2o.ChannelO2O, "123.45"), Routing{RegionStore: "store-2"}, dealerEnt)
		if err == nil {
			total, _ := sp.Batch.Total()
			if len(sp.Batch.Postings) > 0 && !total.Equal(cny("123.45")) {
				t.Fatalf("split of 123.45 totals %s", total)
			}
		}
	})
}

func FuzzApply(f *testing.F) {
	seed, _ := json.Marshal(Batch{Postings: []Posting{post("k1", "cust", "hq", "1.00"), post("k2", "hq", "store", "0.50")}})
	f.Add(seed)
	f.Add([]byte(`{"postings":[{"key":"r","kind":"reversal","from":"hq","to":"cust","amount":{"amount":"1.00","currency":"CNY"},"ref":"k1","at":"2024-05-10T10:00:00+08:00"}]}`))
	f.Add([]byte(`{"postings":[{"key":"k1","kind":"sale_revenue","from":"cust","to":"hq","amount":{"amount":"2.00","currency":"CNY"},"at":"2024-05-10T10:00:00+08:00"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Batch
		if err := o2o.DecodeJSON(data, &b); err != nil {
			return
		}
		l := MustLedger(Config{Limits: []Limit{{Account: "store", Overdraft: cny("0")}}})
		mustApply(t, l, post("k1", "cust", "hq", "1.00"))
		before, digest := l.Balances(), l.Digest()
		res, err := l.Apply(b)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			if d := cmp.Diff(before, l.Balances()); d != "" || l.Digest() != digest {
				t.Fatalf("refused batch changed the ledger: %s", d)
			}
			return
		}
		var sum int64
		for _, bal := range l.Balances() {
			sum += unitsOf(bal.Balance)
		}
		if sum != 0 {
			t.Fatalf("balances sum to %d", sum)
		}
		if len(l.LimitBreaches()) != 0 {
			t.Fatalf("limit broken: %v", l.LimitBreaches())
		}
		again, err := l.Apply(b)
		if err != nil || again.Created != 0 {
			t.Fatalf("applying again: %+v %v (first %+v)", again, err, res)
		}
		if err := l.VerifyLog(l.Log()); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		var back Batch
		if err := o2o.DecodeJSON(out, &back); err != nil {
			t.Fatalf("accepted batch does not round-trip: %v", err)
		}
	})
}

func FuzzAuthorityConfig(f *testing.F) {
	f.Add([]byte(authorityJSON))
	f.Add([]byte(`{"bands":[{"level":"vp"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var cfg AuthorityConfig
		if err := json.Unmarshal(data, &cfg); err != nil {
			return
		}
		a, err := cfg.Build()
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, _ := json.Marshal(a)
		var back AuthorityConfig
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		if _, err := back.Build(); err != nil {
			t.Fatalf("accepted matrix does not round-trip: %v", err)
		}
		if _, err := a.Decide(Request{ID: "r", Station: "s", City: o2o.MustRegionCode("440300"), Amount: cny("1"), At: t0}, Approver{"v", LevelVP}, cny("0")); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParseLedger feeds arbitrary snapshots to ParseLedger: it must never
// panic, and whatever it accepts must snapshot to the same bytes again.
func FuzzParseLedger(f *testing.F) {
	l := MustLedger(Config{Limits: []Limit{{Account: "store-9", Overdraft: cny("5.00")}}})
	mustApply(f, l, post("a", "cust", "hq", "12.30"), post("b", "hq", "store-9", "2.00"))
	mustApply(f, l, Posting{Key: "r", Kind: KindReversal, From: "store-9", To: "hq", Amount: cny("1.00"), Ref: "b", At: t0})
	seed, _ := json.Marshal(l)
	f.Add(seed)
	m, _ := Merge(l, MustLedger(l.Config()))
	merged, _ := json.Marshal(m)
	f.Add(merged)
	f.Add([]byte(`{"config":{},"sequential":true,"head":"0000000000000000000000000000000000000000000000000000000000000000","digest":"0000000000000000000000000000000000000000000000000000000000000000","fingerprint":"` +
		MustLedger(Config{}).Fingerprint().String() + `","postings":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseLedger(data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseLedger(again)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, again)
		}
		third, _ := json.Marshal(back)
		if string(third) != string(again) {
			t.Fatalf("snapshot not stable:\n%s\n%s", again, third)
		}
	})
}

// FuzzParseLedgerSealed feeds arbitrary data to ParseLedgerSealed: it must
// never panic, and the only data it accepts is what MarshalSealed writes
// under the same key, byte for byte.
func FuzzParseLedgerSealed(f *testing.F) {
	l := MustLedger(Config{Limits: []Limit{{Account: "store-9", Overdraft: cny("5.00")}}})
	mustApply(f, l, post("a", "cust", "hq", "12.30"), post("b", "hq", "store-9", "2.00"))
	seed, _ := l.MarshalSealed(testKey)
	f.Add(seed)
	plain, _ := json.Marshal(l)
	f.Add(plain)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseLedgerSealed(data, testKey)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		again, err := got.MarshalSealed(testKey)
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != string(data) {
			t.Fatalf("accepted data that MarshalSealed does not write:\n%s\n%s", data, again)
		}
	})
}
