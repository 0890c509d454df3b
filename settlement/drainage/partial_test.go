package drainage

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Attribution over random partitions of the customers, merged in random
// order and grouping, equals Attribute over the whole data set byte for
// byte — money per source included — and the empty partial is the identity.
func TestPartialsMergeExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2))
	for round := range rounds(t, 30) {
		ts, cs := gen(rng, 1+rng.IntN(60), 8, 1+rng.IntN(12), 1+rng.IntN(6))
		customers, jt, jc := byCustomer(rng, ts, cs)
		for _, cfg := range allConfigs {
			r := mustRules(t, cfg)
			if cfg.Model == ModelMarkov {
				if _, err := r.NewPartial(); !errors.Is(err, ErrWholeDataSet) {
					t.Fatalf("markov partial: %v", err)
				}
				continue
			}
			want, err := r.Attribute(ts, cs)
			if err != nil {
				t.Fatal(err)
			}
			// Partition the customers into 1..16 parts.
			k := 1 + rng.IntN(16)
			parts := make([]*Partial, k)
			for i := range parts {
				if parts[i], err = r.NewPartial(); err != nil {
					t.Fatal(err)
				}
			}
			pt := make([][]Touch, k)
			pc := make([][]Conversion, k)
			for _, c := range customers {
				i := rng.IntN(k)
				pt[i] = append(pt[i], jt[c]...)
				pc[i] = append(pc[i], jc[c]...)
			}
			for i := range parts {
				// Some parts are fed whole, others a customer at a time.
				if err := parts[i].Add(pt[i], pc[i]); err != nil {
					t.Fatal(err)
				}
			}
			// Merge in a random tree: pick two, merge one into the other.
			for len(parts) > 1 {
				i, j := rng.IntN(len(parts)), rng.IntN(len(parts)-1)
				if j >= i {
					j++
				}
				if err := parts[i].Merge(parts[j]); err != nil {
					t.Fatal(err)
				}
				parts = append(parts[:j], parts[j+1:]...)
			}
			id, _ := r.NewPartial()
			if err := parts[0].Merge(id); err != nil {
				t.Fatal(err)
			}
			got, err := parts[0].Result()
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Fatalf("round %d %s %d parts: merged\n%s\nattribute\n%s", round, cfg.Model, k, b, a)
			}
		}
	}
}

// Streams over disjoint customer ranges give partials that merge to the
// single result; merging leaves the merged-in partial unchanged.
func TestStreamPartialsMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 3))
	ts, cs := gen(rng, 80, 8, 10, 5)
	customers, jt, jc := byCustomer(rng, ts, cs)
	r := mustRules(t, Config{Model: ModelTimeDecay})
	want, err := r.Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := r.Stream()
	s2, _ := r.Stream()
	for i, c := range customers {
		s := s1
		if i >= len(customers)/3 {
			s = s2
		}
		if err := s.Add(jt[c], jc[c]); err != nil {
			t.Fatal(err)
		}
	}
	p1, p2 := s2.Partial(), s1.Partial()
	before, _ := p2.Result()
	if err := p1.Merge(p2); err != nil {
		t.Fatal(err)
	}
	after, _ := p2.Result()
	got, _ := p1.Result()
	for _, pair := range [][2]*Result{{want, got}, {before, after}} {
		a, _ := json.Marshal(pair[0])
		b, _ := json.Marshal(pair[1])
		if string(a) != string(b) {
			t.Fatalf("got\n%s\nwant\n%s", b, a)
		}
	}
}

func TestPartialMergeErrors(t *testing.T) {
	lin := mustRules(t, Config{Model: ModelLinear})
	p, _ := lin.NewPartial()
	if err := p.Merge(p); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("self merge: %v", err)
	}
	q, _ := mustRules(t, Config{Model: ModelFirstTouch}).NewPartial()
	if err := p.Merge(q); !errors.Is(err, ErrMismatchedRules) {
		t.Errorf("other model: %v", err)
	}
	same, _ := mustRules(t, Config{Model: ModelLinear}).NewPartial()
	if err := p.Merge(same); err != nil {
		t.Errorf("same rules built twice: %v", err)
	}
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	usd, _ := o2o.FromMinor(100, "USD")
	if err := q.Add(nil, []Conversion{{ID: "x", Customer: "u", At: at, Kind: ConversionOnlinePayment, Value: usd}}); err != nil {
		t.Fatal(err)
	}
	q2, _ := lin.NewPartial()
	if err := q2.Add(nil, []Conversion{{ID: "x", Customer: "u", At: at, Kind: ConversionOnlinePayment, Value: usd}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Add(nil, []Conversion{{ID: "y", Customer: "v", At: at, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("1.00")}}); err != nil {
		t.Fatal(err)
	}
	before, _ := p.Result()
	if err := p.Merge(q2); !errors.Is(err, o2o.ErrCurrencyMismatch) {
		t.Errorf("currency: %v", err)
	}
	after, _ := p.Result()
	a, _ := json.Marshal(before)
	b, _ := json.Marshal(after)
	if string(a) != string(b) {
		t.Errorf("refused merge changed the partial:\n%s\n%s", a, b)
	}
}

// The attributed value is summed in 128 bits: 100 conversions at the
// largest value allowed (10^15 each) are credited in full, where a 64-bit
// sum of minor units wrapped and credited 0.00.
func TestAttributedValueBeyond64Bits(t *testing.T) {
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	var ts []Touch
	var cs []Conversion
	for i := range 100 {
		c := fmt.Sprintf("u%03d", i)
		ts = append(ts, Touch{ID: "t" + c, Customer: c, At: at, Channel: o2o.ChannelB2C, Kind: KindSearchAd, Campaign: "x"})
		cs = append(cs, Conversion{ID: "c" + c, Customer: c, At: at, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("1000000000000000.00")})
	}
	r := mustRules(t, Config{Model: ModelLinear})
	res, err := r.Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Credits) != 1 || res.Credits[0].Value.String() != o2o.MustParseMoney("100000000000000000.00").String() {
		t.Fatalf("credits %v", res.Credits)
	}
	p, _ := r.NewPartial()
	q, _ := r.NewPartial()
	if err := p.Add(ts[:50], cs[:50]); err != nil {
		t.Fatal(err)
	}
	if err := q.Add(ts[50:], cs[50:]); err != nil {
		t.Fatal(err)
	}
	if err := p.Merge(q); err != nil {
		t.Fatal(err)
	}
	got, err := p.Result()
	if err != nil || got.Credits[0].Value.String() != res.Credits[0].Value.String() {
		t.Fatalf("merged %v, %v", got.Credits, err)
	}
}

// One prepared data set attributed under every rules, lookback windows
// of several lengths among them, in random order and each twice (the
// second time from the sums kept for its windows), gives Attribute's
// results byte for byte, and a refusal of Prepare is Attribute's.
func TestPreparedMatchesAttribute(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 7))
	configs := slices.Clone(allConfigs)
	for _, m := range []ModelName{ModelFirstTouch, ModelLinear, ModelMarkov} {
		configs = append(configs,
			Config{Model: m, Lookback: Lookback{StoreVisit: 1, Deal: 2, OnlinePayment: 1}},
			Config{Model: m, Lookback: Lookback{Deal: 365}})
	}
	for round := range rounds(t, 20) {
		ts, cs := gen(rng, 1+rng.IntN(50), 8, 1+rng.IntN(12), 1+rng.IntN(5))
		p, err := Prepare(ts, cs)
		if err != nil {
			t.Fatal(err)
		}
		order := append(rng.Perm(len(configs)), rng.Perm(len(configs))...)
		for _, i := range order {
			cfg := configs[i]
			r := mustRules(t, cfg)
			want, err := r.Attribute(ts, cs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.AttributePrepared(p)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Fatalf("round %d %s: prepared\n%s\nattribute\n%s", round, cfg.Model, b, a)
			}
		}
	}
	ts, cs := gen(rng, 5, 4, 3, 2)
	ts = append(ts, ts[0])
	_, want := mustRules(t, Config{Model: ModelLinear}).Attribute(ts, cs)
	if _, err := Prepare(ts, cs); err == nil || err.Error() != want.Error() {
		t.Fatalf("prepare: %v, attribute: %v", err, want)
	}
}

// FuzzPartialMerge: partials of each customer, merged in the order the
// fuzzer picks, give Attribute's result byte for byte.
func FuzzPartialMerge(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2, 2, 200, 7, 9}, uint8(2), uint8(1))
	f.Add([]byte{5, 0, 5, 0, 5, 0}, uint8(7), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, model, order uint8) {
		cfg := allConfigs[int(model)%len(allConfigs)]
		if cfg.Model == ModelMarkov {
			return
		}
		r := mustRules(t, cfg)
		var ts []Touch
		for i := 0; i+1 < len(data) && len(ts) < 64; i += 2 {
			kind := TouchKinds()[int(data[i])%len(TouchKinds())]
			tt := Touch{ID: string(rune('a' + len(ts))), Customer: string(rune('A' + data[i]%3)), At: day0.Add(-time.Duration(data[i+1]) * time.Hour),
				Channel: o2o.ChannelO2O, Kind: kind, Campaign: string(rune('p' + data[i]%4)), StoreID: "s" + string(rune('0'+data[i+1]%3))}
			ts = append(ts, tt)
		}
		cs := []Conversion{
			{ID: "x", Customer: "A", At: day0, Kind: ConversionDeal, StoreID: "s1", Value: o2o.MustParseMoney("99.99")},
			{ID: "y", Customer: "B", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("0.01")},
			{ID: "z", Customer: "C", At: day0, Kind: ConversionStoreVisit, StoreID: "s0", Value: o2o.MustParseMoney("0")},
		}
		want, err := r.Attribute(ts, cs)
		if err != nil {
			t.Fatal(err)
		}
		parts := map[string]*Partial{}
		for _, c := range []string{"A", "B", "C"} {
			p, _ := r.NewPartial()
			var pt []Touch
			var pc []Conversion
			for _, x := range ts {
				if x.Customer == c {
					pt = append(pt, x)
				}
			}
			for _, x := range cs {
				if x.Customer == c {
					pc = append(pc, x)
				}
			}
			if err := p.Add(pt, pc); err != nil {
				t.Fatal(err)
			}
			parts[c] = p
		}
		perms := [][3]string{{"A", "B", "C"}, {"C", "B", "A"}, {"B", "C", "A"}}
		o := perms[int(order)%len(perms)]
		if order%2 == 0 { // (x+y)+z
			_ = parts[o[0]].Merge(parts[o[1]])
			_ = parts[o[0]].Merge(parts[o[2]])
		} else { // x+(y+z)
			_ = parts[o[1]].Merge(parts[o[2]])
			_ = parts[o[0]].Merge(parts[o[1]])
		}
		got, err := parts[o[0]].Result()
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Fatalf("merged\n%s\nattribute\n%s", b, a)
		}
	})
}

// AttributePrepared called from several goroutines at once on one
// prepared data set (run with -race) gives Attribute's results.
func TestPreparedConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 8))
	ts, cs := gen(rng, 40, 8, 6, 3)
	p, err := Prepare(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(allConfigs))
	for i, cfg := range allConfigs {
		r := mustRules(t, cfg)
		want, err := r.Attribute(ts, cs)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := r.AttributePrepared(p)
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if err == nil && string(a) != string(b) {
				err = fmt.Errorf("%s: prepared\n%s\nattribute\n%s", cfg.Model, b, a)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}
