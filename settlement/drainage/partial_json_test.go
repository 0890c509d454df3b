package drainage

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// partition splits the customers of ts and cs into k random parts and
// returns a partial of each.
func partition(t testing.TB, rng *rand.Rand, r *Rules, ts []Touch, cs []Conversion, k int) []*Partial {
	t.Helper()
	customers, jt, jc := byCustomer(rng, ts, cs)
	pt := make([][]Touch, k)
	pc := make([][]Conversion, k)
	for _, c := range customers {
		i := rng.IntN(k)
		pt[i] = append(pt[i], jt[c]...)
		pc[i] = append(pc[i], jc[c]...)
	}
	parts := make([]*Partial, k)
	for i := range parts {
		var err error
		if parts[i], err = r.NewPartial(); err != nil {
			t.Fatal(err)
		}
		if err := parts[i].Add(pt[i], pc[i]); err != nil {
			t.Fatal(err)
		}
	}
	return parts
}

// mustMarshal returns p's JSON.
func mustMarshal(t testing.TB, p *Partial) []byte {
	t.Helper()
	data, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Every partial of a random partitioning, written and parsed back, writes
// the same bytes again, and the parsed partials merged in random order
// give Attribute's result over the whole data set byte for byte.
func TestPartialJSONRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 4))
	for round := range rounds(t, 30) {
		ts, cs := gen(rng, 1+rng.IntN(60), 8, 1+rng.IntN(12), 1+rng.IntN(6))
		for _, cfg := range allConfigs {
			if cfg.Model == ModelMarkov {
				continue
			}
			r := mustRules(t, cfg)
			want, err := r.Attribute(ts, cs)
			if err != nil {
				t.Fatal(err)
			}
			parts := partition(t, rng, r, ts, cs, 1+rng.IntN(16))
			for i, p := range parts {
				data := mustMarshal(t, p)
				q, err := r.ParsePartial(data)
				if err != nil {
					t.Fatalf("round %d %s: parse part %d: %v\n%s", round, cfg.Model, i, err, data)
				}
				if again := mustMarshal(t, q); !bytes.Equal(again, data) {
					t.Fatalf("round %d %s: re-encoded\n%s\nfirst\n%s", round, cfg.Model, again, data)
				}
				parts[i] = q
			}
			rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
			for _, p := range parts[1:] {
				if err := parts[0].Merge(p); err != nil {
					t.Fatal(err)
				}
			}
			got, err := parts[0].Result()
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Fatalf("round %d %s: merged parsed partials\n%s\nattribute\n%s", round, cfg.Model, b, a)
			}
		}
	}
}

// The bytes depend only on the sums: the same customers added in another
// order, or merged from other parts, write the same JSON; the empty
// partial round-trips too.
func TestPartialJSONDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 5))
	ts, cs := gen(rng, 50, 8, 9, 4)
	r := mustRules(t, Config{Model: ModelLinear})
	whole, _ := r.NewPartial()
	if err := whole.Add(ts, cs); err != nil {
		t.Fatal(err)
	}
	want := mustMarshal(t, whole)
	for range 5 {
		parts := partition(t, rng, r, ts, cs, 1+rng.IntN(8))
		for _, p := range parts[1:] {
			if err := parts[0].Merge(p); err != nil {
				t.Fatal(err)
			}
		}
		if got := mustMarshal(t, parts[0]); !bytes.Equal(got, want) {
			t.Fatalf("merged parts write\n%s\nthe whole\n%s", got, want)
		}
	}
	empty, _ := r.NewPartial()
	data := mustMarshal(t, empty)
	back, err := r.ParsePartial(data)
	if err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if again := mustMarshal(t, back); !bytes.Equal(again, data) {
		t.Fatalf("empty partial re-encoded %s, was %s", again, data)
	}
}

// Weights beyond 64 bits survive the round trip exactly.
func TestPartialJSONWideWeights(t *testing.T) {
	r := mustRules(t, Config{Model: ModelLinear})
	var ts []Touch
	var cs []Conversion
	for i := range 3 {
		id := string(rune('a' + i))
		ts = append(ts, touch("t"+id, "u"+id, day0.Add(-1), KindSearchAd, "c"))
		cs = append(cs, Conversion{ID: "v" + id, Customer: "u" + id, At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("999999999999999")})
	}
	p, _ := r.NewPartial()
	if err := p.Add(ts, cs); err != nil {
		t.Fatal(err)
	}
	if p.acc.cellData[0].valHi == 0 {
		t.Fatal("the weight fits in 64 bits: the test does not test")
	}
	data := mustMarshal(t, p)
	q, err := r.ParsePartial(data)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := p.Result()
	got, _ := q.Result()
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Fatalf("parsed\n%s\nwritten\n%s", b, a)
	}
}

// samplePartial returns a linear partial with credits, unattributed
// conversions, traffic, drawn traffic and stores, and its JSON.
func samplePartial(t testing.TB) (*Rules, []byte) {
	t.Helper()
	r := mustRules(t, Config{Model: ModelLinear})
	ts := []Touch{
		touch("t1", "u1", day0.Add(-2), KindSearchAd, "spring"),
		storeTouch("t2", "u1", day0.Add(-1), KindStoreCoupon, "spring", "s1"),
		{ID: "t3", Customer: "u2", At: day0.Add(-1), Channel: o2o.ChannelO2O, Kind: KindGroundPush, Campaign: "push"},
	}
	cs := []Conversion{
		{ID: "v1", Customer: "u1", At: day0, Kind: ConversionDeal, StoreID: "s1", Value: o2o.MustParseMoney("100.01")},
		{ID: "v2", Customer: "u2", At: day0, Kind: ConversionStoreVisit, StoreID: "s2"},
		{ID: "v3", Customer: "u3", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("7")},
	}
	p, _ := r.NewPartial()
	if err := p.Add(ts, cs); err != nil {
		t.Fatal(err)
	}
	return r, mustMarshal(t, p)
}

// ParsePartial refuses what MarshalJSON cannot have written, naming the
// path, with an error wrapping o2o.ErrInvalid (and its own sentinel where
// it has one).
func TestParsePartialRefuses(t *testing.T) {
	r, valid := samplePartial(t)
	if _, err := r.ParsePartial(valid); err != nil {
		t.Fatalf("valid partial refused: %v\n%s", err, valid)
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(valid, []byte(old)) {
			t.Fatalf("%q is not in %s", old, valid)
		}
		return bytes.Replace(valid, []byte(old), []byte(new), 1)
	}
	other := func(c Config) *Rules { return mustRules(t, c) }
	tests := []struct {
		name  string
		rules *Rules
		data  []byte
		is    error
		path  string
	}{
		{"other model", other(Config{Model: ModelFirstTouch}), valid, ErrMismatchedRules, "rules"},
		{"other window", other(Config{Model: ModelLinear, Lookback: Lookback{Deal: 30}}), valid, ErrMismatchedRules, "rules"},
		{"markov", other(Config{Model: ModelMarkov}), valid, ErrWholeDataSet, ""},
		{"unknown field", r, edit(`"version":1`, `"version":1,"extra":0`), o2o.ErrInvalid, "extra"},
		{"repeated field", r, edit(`"version":1`, `"version":1,"version":1`), o2o.ErrInvalid, "version"},
		{"other version", r, edit(`"version":1`, `"version":2`), o2o.ErrInvalid, "version"},
		{"trailing data", r, append(bytes.Clone(valid), "{}"...), o2o.ErrInvalid, ""},
		{"negative customers", r, edit(`"customers":3`, `"customers":-1`), o2o.ErrInvalid, "customers"},
		{"attributed above conversions", r, edit(`"attributed":2`, `"attributed":4`), o2o.ErrInvalid, "attributed"},
		{"value not canonical", r, edit(`"value":"10001"`, `"value":"010001"`), o2o.ErrInvalid, "value"},
		{"value beyond 128 bits", r, edit(`"value":"10001"`, `"value":"`+strings.Repeat("9", 40)+`"`), o2o.ErrInvalid, "value"},
		{"value off the weights", r, edit(`"value":"10001"`, `"value":"10002"`), o2o.ErrInvalid, "credits"},
		{"no currency", r, edit(`"currency":"CNY",`, ``), o2o.ErrInvalid, "currency"},
		{"unknown currency", r, edit(`"currency":"CNY"`, `"currency":"XXX"`), o2o.ErrInvalid, "currency"},
		{"unknown kind", r, edit(`"kind":"search_ad"`, `"kind":"telepathy"`), o2o.ErrInvalid, "sources[1].kind"},
		{"repeated source", r, edit(`"kind":"store_coupon","campaign":"spring"`, `"kind":"search_ad","campaign":"spring"`), o2o.ErrDuplicate, "sources[2]"},
		{"campaign of no source", r, edit(`"campaigns":[{"campaign":"push"`, `"campaigns":[{"campaign":"pull"`), o2o.ErrInvalid, "campaigns[0].campaign"},
		{"reach above customers", r, edit(`"b2c":{"customers":1`, `"b2c":{"customers":9`), o2o.ErrInvalid, "channels.b2c.customers"},
		{"repeated store", r, edit(`"id":"s2"`, `"id":"s1"`), o2o.ErrDuplicate, "stores[2].id"},
		{"source out of range", r, edit(`"credits":[{"source":0`, `"credits":[{"source":7`), o2o.ErrInvalid, "credits[0].source"},
		{"store out of range", r, edit(`"traffic":[{"source":0,"channel":"o2o","store":0`, `"traffic":[{"source":0,"channel":"o2o","store":-1`), o2o.ErrInvalid, "traffic[0].store"},
		{"units off", r, edit(`"units":500000000`, `"units":500000001`), o2o.ErrInvalid, "credits"},
		{"weight negative", r, edit(`"weight":"5000500000000"`, `"weight":"-5000500000000"`), o2o.ErrInvalid, "credits[1].weight"},
		{"unknown sales mode", r, edit(`"channel":"b2c"`, `"channel":"b3c"`), o2o.ErrInvalid, "traffic[1].channel"},
		{"zero touches", r, edit(`"touches":1`, `"touches":0`), o2o.ErrInvalid, "traffic[0]"},
		{"unattributed in another currency", r, edit(`"currency":"CNY"}}`, `"currency":"USD"}}`), o2o.ErrCurrencyMismatch, "unattributed[0].value"},
		{"unattributed off", r, edit(`"conversions":1,"value"`, `"conversions":2,"value"`), o2o.ErrInvalid, "unattributed[0].conversions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.rules.ParsePartial(tt.data)
			if p != nil || !errors.Is(err, tt.is) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("got %v, %v; want an error wrapping %v", p, err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("error %q does not name %q", err, tt.path)
			}
		})
	}
}

// A partial parsed under rules of another cost basis (which does not
// change credit) is the same partial.
func TestParsePartialOtherBasis(t *testing.T) {
	_, valid := samplePartial(t)
	r := mustRules(t, Config{Model: ModelLinear, Basis: BasisConversions})
	p, err := r.ParsePartial(valid)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustMarshal(t, p); !bytes.Equal(got, valid) {
		t.Fatalf("got\n%s\nwant\n%s", got, valid)
	}
}
