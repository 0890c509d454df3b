package drainage

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{"model":"linear"}`, `{"model":"position","position":{"preset":"u_shaped"}}`,
		`{"model":"position","position":{"first":"33.33","middle":"33.34","last":"33.33"}}`,
		`{"model":"time_decay","halfLifeDays":"0.5","lookback":{"storeVisit":7,"deal":60,"onlinePayment":90}}`,
		`{"model":"markov","basis":"conversions"}`, `{"model":"x"}`, `[]`, `{"model":"linear"} 1`,
		`{"model":"linear","unattached":"headquarters"}`, `{"model":"linear","basis":"conversions","unattached":"converted"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseConfig(data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(out)
		if err != nil {
			t.Fatalf("accepted config does not round-trip: %s: %v", out, err)
		}
		if back.String() != r.String() {
			t.Fatalf("round trip changed %s into %s", r, back)
		}
	})
}

// FuzzModels feeds arbitrary journeys (each byte pair a touch: source,
// age in hours) to every model: no panic, and weights sum to Scale.
func FuzzModels(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2, 2, 200}, uint8(0))
	f.Add([]byte{5, 0, 5, 0, 5, 0}, uint8(4))
	f.Add([]byte{}, uint8(8))
	f.Fuzz(func(t *testing.T, data []byte, model uint8) {
		cfg := allConfigs[int(model)%len(allConfigs)]
		r, err := cfg.Build()
		if err != nil {
			t.Fatal(err)
		}
		var ts []Touch
		for i := 0; i+1 < len(data) && len(ts) < 64; i += 2 {
			kind := TouchKinds()[int(data[i])%len(TouchKinds())]
			tt := Touch{ID: string(rune('a' + len(ts))), Customer: string(rune('A' + data[i]%3)), At: day0.Add(-time.Duration(data[i+1]) * time.Hour),
				Channel: o2o.ChannelO2O, Kind: kind, Campaign: string(rune('p' + data[i]%4)), StoreID: "s"}
			ts = append(ts, tt)
		}
		cs := []Conversion{
			{ID: "x", Customer: "A", At: day0, Kind: ConversionDeal, StoreID: "s", Value: o2o.MustParseMoney("99.99")},
			{ID: "y", Customer: "B", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("0.01")},
		}
		res, err := r.Attribute(ts, cs)
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, res, cs)
		if cfg.Model != ModelMarkov && len(ts) > 0 {
			w, err := r.Weigh(day0, ts)
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, x := range w {
				if x < 0 {
					t.Fatalf("negative weight %v", w)
				}
				sum += x
			}
			if sum != Scale {
				t.Fatalf("weights %v sum to %d", w, sum)
			}
		}
	})
}

// FuzzStatementPost decodes arbitrary statements and posts them: no panic;
// a statement refused is refused with an error wrapping o2o.ErrInvalid and
// posts nothing; one accepted credits headquarters with exactly its spend and
// posts idempotently.
func FuzzStatementPost(f *testing.F) {
	st := `{"basis":"traffic","spend":{"amount":"10.01","currency":"CNY"},"charges":[` +
		`{"campaign":"c","payer":{"kind":"store","id":"s1","channel":"o2o"},"amount":{"amount":"5.01","currency":"CNY"},"basis":"traffic","weight":"1","reason":"r"},` +
		`{"campaign":"c","payer":{"kind":"platform","id":"b2c","channel":"b2c"},"amount":{"amount":"5.00","currency":"CNY"},"basis":"traffic","weight":"1","reason":"r"}],` +
		`"payers":[],"b2c":{"amount":"5.00","currency":"CNY"},"stores":{"amount":"5.01","currency":"CNY"},"unattributed":{"amount":"0","currency":"CNY"}}`
	f.Add([]byte(st), "2025-09")
	f.Add([]byte(`{"spend":{"amount":"0","currency":"CNY"},"charges":[]}`), "p")
	f.Add([]byte(`{"charges":null}`), "")
	f.Fuzz(func(t *testing.T, data []byte, period string) {
		var s Statement
		if err := o2o.DecodeJSON(data, &s); err != nil {
			return
		}
		l := settlement.MustLedger(settlement.Config{Currency: s.Spend.Currency()})
		cfg := PostingConfig{Period: period, At: day0}
		applied, err := s.Post(l, cfg)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			if l.Len() != 0 {
				t.Fatal("a refused statement posted")
			}
			return
		}
		if got := l.Balance(DefaultHeadquartersAccount); !got.Equal(s.Spend) {
			t.Fatalf("headquarters received %s, spend %s", got, s.Spend)
		}
		again, err := s.Post(l, cfg)
		if err != nil || again.Created != 0 || again.Exists != applied.Created {
			t.Fatalf("re-post: %+v, %v", again, err)
		}
	})
}

// FuzzParsePartial decodes arbitrary partials, seeded with real ones: no
// panic; a refusal wraps o2o.ErrInvalid; an accepted partial writes bytes
// that parse again to the same bytes, merges with another copy of itself
// and gives a result.
func FuzzParsePartial(f *testing.F) {
	r, valid := samplePartial(f)
	f.Add(valid)
	rng := rand.New(rand.NewPCG(7, 7))
	ts, cs := gen(rng, 20, 6, 5, 3)
	for _, p := range partition(f, rng, r, ts, cs, 3) {
		f.Add(mustMarshal(f, p))
	}
	empty, _ := r.NewPartial()
	f.Add(mustMarshal(f, empty))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":1,"rules":"linear, windows 30/90/30 days","value":"0"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := r.ParsePartial(data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out := mustMarshal(t, p)
		q, err := r.ParsePartial(out)
		if err != nil {
			t.Fatalf("written partial refused: %v\n%s", err, out)
		}
		if again := mustMarshal(t, q); !bytes.Equal(again, out) {
			t.Fatalf("re-encoded\n%s\nfirst\n%s", again, out)
		}
		if err := q.Merge(p); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Result(); err != nil && !errors.Is(err, o2o.ErrInvalid) {
			t.Fatalf("result: %v", err)
		}
	})
}
