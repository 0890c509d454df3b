package drainage

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
)

func TestUnattachedConfig(t *testing.T) {
	r := mustRules(t, Config{Model: ModelLinear})
	if r.Unattached() != UnattachedConverted || r.Config().Unattached != UnattachedConverted {
		t.Fatalf("default unattached = %q, want converted", r.Unattached())
	}
	if r := mustRules(t, Config{Model: ModelLinear, Basis: BasisConversions}); r.Unattached() != "" {
		t.Fatalf("conversions basis has unattached %q", r.Unattached())
	}
	for _, tc := range []struct {
		json, path string
	}{
		{`{"model":"linear","unattached":"nowhere"}`, "unattached"},
		{`{"model":"linear","basis":"conversions","unattached":"converted"}`, "unattached"},
	} {
		_, err := ParseConfig([]byte(tc.json))
		var ve *o2o.ValidationError
		if !errors.Is(err, o2o.ErrInvalid) || !errors.As(err, &ve) || ve.Fields[0].Path != tc.path {
			t.Errorf("%s: got %v, want invalid at %s", tc.json, err, tc.path)
		}
	}
	r2, err := ParseConfig([]byte(`{"model":"linear","unattached":"headquarters"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r2.MarshalJSON()
	r3, err := ParseConfig(b)
	if err != nil || r3.Unattached() != UnattachedHeadquarters {
		t.Fatalf("round trip %s: %v %v", b, r3, err)
	}
	if got, want := r2.String(), "linear, windows 30/90/30 days, basis traffic, unattached headquarters"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// The case: a road show (no store) reaches a customer who visits
// s1 and buys there. s1 pays for the road show's touch; before, the whole
// spend stayed on headquarters.
func TestUnattachedRoadShowChargedToConvertingStore(t *testing.T) {
	at := time.Date(2025, 9, 1, 10, 0, 0, 0, o2o.China())
	ts := []Touch{{ID: "r", Customer: "a", At: at, Channel: o2o.ChannelO2O, Kind: KindRoadShow, Campaign: "roadshow"}}
	cs := []Conversion{
		{ID: "v", Customer: "a", At: at.Add(48 * time.Hour), Kind: ConversionStoreVisit, StoreID: "s1", Value: o2o.MustParseMoney("0")},
		{ID: "d", Customer: "a", At: at.Add(49 * time.Hour), Kind: ConversionDeal, StoreID: "s1", Value: o2o.MustParseMoney("9000")},
	}
	camps := []Campaign{{ID: "roadshow", Spend: o2o.MustParseMoney("500.00")}}
	for _, tc := range []struct {
		rule Unattached
		want []string
	}{
		{UnattachedConverted, []string{"store s1 500.00 CNY"}},
		{UnattachedHeadquarters, []string{"headquarters 500.00 CNY"}},
	} {
		r := mustRules(t, Config{Model: ModelLastTouch, Unattached: tc.rule})
		res, err := r.Attribute(ts, cs)
		if err != nil {
			t.Fatal(err)
		}
		st, err := r.Allocate(res, camps)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ch := range st.Charges {
			got = append(got, ch.Payer.String()+" "+ch.Amount.String())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: charges (-want +got):\n%s", tc.rule, diff)
		}
	}
}

// drawnReference computes Drawn from the raw data, touch by touch, the
// slow and obvious way.
func drawnReference(r *Rules, ts []Touch, cs []Conversion) map[Drawn]bool {
	sums := map[Drawn]int64{}
	for _, t := range ts {
		if t.Channel != o2o.ChannelO2O || t.StoreID != "" || t.Campaign == "" {
			continue
		}
		type place struct {
			ch    o2o.Channel
			store string
		}
		counts := map[place]int64{}
		var total int64
		for _, c := range cs {
			if c.Customer != t.Customer || t.At.After(c.At) || t.At.Before(c.At.Add(-r.Window(c.Kind))) {
				continue
			}
			counts[place{c.Kind.Channel(), c.StoreID}]++
			total++
		}
		if total == 0 {
			continue
		}
		places := make([]place, 0, len(counts))
		for p := range counts {
			places = append(places, p)
		}
		// stores by id, then B2C
		slices.SortFunc(places, func(a, b place) int {
			if a.ch != b.ch {
				if a.ch == o2o.ChannelO2O {
					return -1
				}
				return 1
			}
			if a.store < b.store {
				return -1
			}
			if a.store > b.store {
				return 1
			}
			return 0
		})
		units := make([]int64, len(places))
		rems := make([]int64, len(places))
		left := Scale
		for i, p := range places {
			units[i] = Scale * counts[p] / total // small counts in tests: no overflow
			rems[i] = Scale * counts[p] % total
			left -= units[i]
		}
		for ; left > 0; left-- {
			best := 0
			for i := range rems {
				if rems[i] > rems[best] {
					best = i
				}
			}
			units[best]++
			rems[best] = -1
		}
		for i, p := range places {
			sums[Drawn{Source: t.Source(), Channel: p.ch, StoreID: p.store}] += units[i]
		}
	}
	out := map[Drawn]bool{}
	for d, u := range sums {
		d.Units = u
		out[d] = true
	}
	return out
}

func TestPropertyDrawnMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 1))
	for round := range rounds(t, 60) {
		ts, cs := gen(rng, 1+rng.IntN(30), 8, 1+rng.IntN(12), 1+rng.IntN(4))
		r := mustRules(t, Config{Model: ModelLinear, Lookback: Lookback{StoreVisit: 1 + rng.IntN(40)}})
		res, err := r.Attribute(ts, cs)
		if err != nil {
			t.Fatal(err)
		}
		got := map[Drawn]bool{}
		for _, d := range res.Drawn {
			got[d] = true
		}
		if diff := cmp.Diff(drawnReference(r, ts, cs), got); diff != "" {
			t.Fatalf("round %d: drawn (-want +got):\n%s", round, diff)
		}
		// Each source's drawn units never exceed its unattached touches.
		unattached := map[Source]int64{}
		for _, tr := range res.Traffic {
			if tr.Channel == o2o.ChannelO2O && tr.StoreID == "" {
				unattached[tr.Source] += tr.Touches * Scale
			}
		}
		for _, d := range res.Drawn {
			unattached[d.Source] -= d.Units
		}
		for s, u := range unattached {
			if u < 0 {
				t.Fatalf("round %d: %s drew more than its unattached touches", round, s)
			}
		}
		// Streaming and partials carry Drawn too.
		p, _ := r.NewPartial()
		q, _ := r.NewPartial()
		half := map[string]bool{}
		for _, c := range ts {
			if rng.IntN(2) == 0 {
				half[c.Customer] = true
			}
		}
		split := func(in bool) ([]Touch, []Conversion) {
			var a []Touch
			var b []Conversion
			for _, x := range ts {
				if half[x.Customer] == in {
					a = append(a, x)
				}
			}
			for _, x := range cs {
				if half[x.Customer] == in {
					b = append(b, x)
				}
			}
			return a, b
		}
		if err := p.Add(split(true)); err != nil {
			t.Fatal(err)
		}
		if err := q.Add(split(false)); err != nil {
			t.Fatal(err)
		}
		if err := p.Merge(q); err != nil {
			t.Fatal(err)
		}
		merged, err := p.Result()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(res.Drawn, merged.Drawn); diff != "" {
			t.Fatalf("round %d: merged partials' drawn (-attribute +merged):\n%s", round, diff)
		}
	}
}

// One customer with thousands of unattached touches and thousands of
// conversions at as many stores, every touch in every window: charging the
// touches where the customer converted takes memory for one customer's
// conversions, not touches × conversions (a first version kept one entry
// per touch and conversion, about 430 MB more here, and handed out the
// leftover units in time quadratic in the stores: 8 s instead of 0.5 s).
func TestDrawnHostile(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 600
	}
	at := time.Date(2025, 9, 1, 10, 0, 0, 0, o2o.China())
	var ts []Touch
	var cs []Conversion
	for i := range n {
		ts = append(ts, Touch{ID: fmt.Sprintf("t%d", i), Customer: "u", At: at.Add(time.Duration(i) * time.Second), Channel: o2o.ChannelO2O, Kind: KindRoadShow, Campaign: "roadshow"})
		cs = append(cs, Conversion{ID: fmt.Sprintf("c%d", i), Customer: "u", At: at.Add(time.Duration(n+i) * time.Second), Kind: ConversionStoreVisit, StoreID: fmt.Sprintf("s%05d", i), Value: o2o.MustParseMoney("0")})
	}
	r := mustRules(t, Config{Model: ModelFirstTouch})
	var res *Result
	err := hostile.Within(t, hostile.Bound{Time: 20 * time.Second, Bytes: 512 << 20}, "drawn, one dense customer", func() error {
		var err error
		res, err = r.Attribute(ts, cs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var units int64
	for _, d := range res.Drawn {
		units += d.Units
	}
	if len(res.Drawn) != n || units != int64(n)*Scale {
		t.Fatalf("drawn %d rows, %d units; want %d rows, %d units", len(res.Drawn), units, n, int64(n)*Scale)
	}
}
