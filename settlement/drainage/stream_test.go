package drainage

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// byCustomer groups a data set into journeys in ascending customer order,
// each journey's touches and conversions shuffled.
func byCustomer(rng *rand.Rand, ts []Touch, cs []Conversion) (customers []string, jt map[string][]Touch, jc map[string][]Conversion) {
	jt, jc = map[string][]Touch{}, map[string][]Conversion{}
	for _, t := range ts {
		jt[t.Customer] = append(jt[t.Customer], t)
	}
	for _, c := range cs {
		jc[c.Customer] = append(jc[c.Customer], c)
	}
	for c := range jt {
		customers = append(customers, c)
	}
	for c := range jc {
		if _, ok := jt[c]; !ok {
			customers = append(customers, c)
		}
	}
	slices.Sort(customers)
	for _, c := range customers {
		rng.Shuffle(len(jt[c]), func(i, j int) { jt[c][i], jt[c][j] = jt[c][j], jt[c][i] })
		rng.Shuffle(len(jc[c]), func(i, j int) { jc[c][i], jc[c][j] = jc[c][j], jc[c][i] })
	}
	return customers, jt, jc
}

// A stream fed journey by journey gives Attribute's result byte for byte,
// for every model that streams.
func TestStreamMatchesAttribute(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for round := range rounds(t, 20) {
		ts, cs := gen(rng, 1+rng.IntN(40), 8, 1+rng.IntN(12), 1+rng.IntN(5))
		customers, jt, jc := byCustomer(rng, ts, cs)
		for _, cfg := range allConfigs {
			r := mustRules(t, cfg)
			want, err := r.Attribute(ts, cs)
			if err != nil {
				t.Fatal(err)
			}
			s, err := r.Stream()
			if cfg.Model == ModelMarkov {
				if !errors.Is(err, ErrWholeDataSet) {
					t.Fatalf("markov stream: %v", err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range customers {
				if err := s.Add(jt[c], jc[c]); err != nil {
					t.Fatalf("add %s: %v", c, err)
				}
			}
			got, err := s.Result()
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Fatalf("round %d %s: stream\n%s\nattribute\n%s", round, cfg.Model, b, a)
			}
		}
	}
}

func TestStreamErrors(t *testing.T) {
	r := mustRules(t, Config{Model: ModelLinear})
	s, err := r.Stream()
	if err != nil {
		t.Fatal(err)
	}
	first := []Touch{storeTouch("1", "b", day0.Add(-days(2)), KindStoreCoupon, "spring", "s1")}
	if err := s.Add(first, []Conversion{{ID: "c", Customer: "b", At: day0, Kind: ConversionDeal, StoreID: "s1", Value: o2o.MustParseMoney("10")}}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Result()
	snapshot, _ := json.Marshal(before)
	tests := []struct {
		name string
		ts   []Touch
		cs   []Conversion
		is   error
	}{
		{"same customer again", first, nil, ErrOrder},
		{"earlier customer", []Touch{storeTouch("2", "a", day0, KindStoreCoupon, "spring", "s1")}, nil, ErrOrder},
		{"two customers", []Touch{storeTouch("3", "c", day0, KindStoreCoupon, "spring", "s1"), storeTouch("4", "d", day0, KindStoreCoupon, "spring", "s1")}, nil, o2o.ErrInvalid},
		{"conversion of another customer", []Touch{storeTouch("5", "c", day0, KindStoreCoupon, "spring", "s1")},
			[]Conversion{{ID: "x", Customer: "d", At: day0, Kind: ConversionStoreVisit, StoreID: "s1"}}, o2o.ErrInvalid},
		{"invalid touch", []Touch{{ID: "6", Customer: "c", At: day0, Channel: o2o.ChannelB2C, Kind: KindStoreCoupon, Campaign: "spring"}}, nil, o2o.ErrInvalid},
		{"repeated id", []Touch{storeTouch("7", "c", day0, KindStoreCoupon, "spring", "s1"), storeTouch("7", "c", day0, KindStoreCoupon, "spring", "s1")}, nil, o2o.ErrDuplicate},
		{"other currency", nil, []Conversion{{ID: "y", Customer: "c", At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("5 USD")}}, o2o.ErrCurrencyMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Add(tc.ts, tc.cs); !errors.Is(err, tc.is) {
				t.Fatalf("got %v, want %v", err, tc.is)
			}
			after, _ := s.Result()
			if got, _ := json.Marshal(after); string(got) != string(snapshot) {
				t.Errorf("a refused journey changed the stream:\n%s\n%s", snapshot, got)
			}
		})
	}
	if err := s.Add(nil, nil); err != nil {
		t.Errorf("empty journey: %v", err)
	}
}
