package drainage

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/o2okit/o2okit/o2o"
)

// journeys makes n customers, each with 1 to maxTouches touches over
// nSources sources and direct visits, an hour apart, and one conversion
// after them, and the same journeys grouped into paths (identical
// sequences of sources).
func journeys(rng *rand.Rand, n, maxTouches, nSources int) ([]Touch, []Conversion, []Path) {
	kinds := []TouchKind{KindSearchAd, KindPaidAdReading, KindRoadShow, KindGroundPush, KindStoreCoupon}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	var ts []Touch
	var cs []Conversion
	var paths []Path
	index := map[string]int{}
	for j := range n {
		cust := fmt.Sprintf("u%05d", j)
		at := base.Add(time.Duration(rng.IntN(24*20)) * time.Hour)
		store := fmt.Sprintf("s%d", rng.IntN(4))
		var key strings.Builder
		var srcs []Source
		for i := range 1 + rng.IntN(maxTouches) {
			src := rng.IntN(nSources + 1)
			t := Touch{ID: fmt.Sprintf("t%05d-%d", j, i), Customer: cust, At: at.Add(time.Duration(i) * time.Hour),
				Channel: o2o.ChannelO2O, Kind: kinds[src%5], Campaign: fmt.Sprintf("c%d", src/5), StoreID: store}
			if src == nSources { // a direct visit, which last touch passes over
				t.Kind, t.Campaign = KindOnlineVisit, ""
			}
			ts = append(ts, t)
			srcs = append(srcs, t.Source())
			fmt.Fprintf(&key, "%d,", src)
		}
		v, _ := o2o.FromMinor(int64(rng.IntN(1_000_000)), o2o.CNY)
		cs = append(cs, Conversion{ID: fmt.Sprintf("x%05d", j), Customer: cust, At: at.Add(9 * time.Hour), Kind: ConversionDeal, StoreID: store, Value: v})
		i, ok := index[key.String()]
		if !ok {
			i = len(paths)
			index[key.String()] = i
			paths = append(paths, Path{Sources: srcs, Value: o2o.CNY.Zero()})
		}
		paths[i].Conversions++
		paths[i].Value, _ = paths[i].Value.Add(v)
	}
	return ts, cs, paths
}

// TestAttributePathsMatchesAttribute: grouped paths give each source
// exactly the units Attribute gives it journey by journey, the same Markov
// report, and values that sum to the paths' total value.
func TestAttributePathsMatchesAttribute(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	for round := range rounds(t, 20) {
		ts, cs, paths := journeys(rng, 1+rng.IntN(300), 1+rng.IntN(6), 1+rng.IntN(15))
		total := o2o.CNY.Zero()
		for _, p := range paths {
			total, _ = total.Add(p.Value)
		}
		for _, cfg := range allConfigs {
			if cfg.Model == ModelTimeDecay || cfg.Basis != "" {
				continue
			}
			r := mustRules(t, cfg)
			want, err := r.Attribute(ts, cs)
			if err != nil {
				t.Fatalf("round %d %s: Attribute: %v", round, cfg.Model, err)
			}
			got, err := r.AttributePaths(paths)
			if err != nil {
				t.Fatalf("round %d %s: AttributePaths: %v", round, cfg.Model, err)
			}
			if got.Conversions != want.Conversions {
				t.Fatalf("round %d %s: %d conversions, want %d", round, cfg.Model, got.Conversions, want.Conversions)
			}
			units := func(st []SourceTotal) map[Source]int64 {
				m := map[Source]int64{}
				for _, s := range st {
					m[s.Source] += s.Units
				}
				return m
			}
			if d := cmp.Diff(units(want.Sources()), units(got.Sources)); d != "" {
				t.Fatalf("round %d %s: units per source (-Attribute +AttributePaths):\n%s", round, cfg.Model, d)
			}
			sum := o2o.CNY.Zero()
			for _, s := range got.Sources {
				sum, _ = sum.Add(s.Value)
			}
			if !sum.Equal(total) {
				t.Fatalf("round %d %s: values sum to %s, the paths hold %s", round, cfg.Model, sum, total)
			}
			if cfg.Model == ModelMarkov {
				if d := cmp.Diff(want.Markov, got.Markov); d != "" {
					t.Fatalf("round %d: Markov report (-Attribute +AttributePaths):\n%s", round, d)
				}
			}
		}
	}
}

// TestAttributePathsErrors: bad paths are refused with the path at fault,
// and time decay, which needs instants, is refused.
func TestAttributePathsErrors(t *testing.T) {
	src := Source{Kind: KindSearchAd, Campaign: "c0"}
	ok := func() Path { return Path{Sources: []Source{src}, Conversions: 1, Value: o2o.MustParseMoney("10.00")} }
	usd, _ := o2o.NewMoneyIn(o2o.MustParseMoney("1.00").Amount(), "USD")
	tests := []struct {
		name  string
		edit  func(ps []Path)
		model ModelName
		want  string
		is    error
	}{
		{"no source", func(ps []Path) { ps[1].Sources = nil }, ModelLinear, "paths[1].sources", o2o.ErrInvalid},
		{"too long", func(ps []Path) { ps[1].Sources = make([]Source, MaxPathLength+1) }, ModelLinear, "paths[1].sources", o2o.ErrInvalid},
		{"unknown kind", func(ps []Path) { ps[1].Sources = []Source{{Kind: "rumour"}} }, ModelLinear, "paths[1].sources[0].kind", o2o.ErrInvalid},
		{"negative conversions", func(ps []Path) { ps[1].Conversions = -1 }, ModelLinear, "paths[1].conversions", o2o.ErrInvalid},
		{"too many conversions", func(ps []Path) { ps[1].Conversions = MaxPathConversions }, ModelLinear, "paths[1].conversions", o2o.ErrInvalid},
		{"negative nulls", func(ps []Path) { ps[0].Nulls = -1 }, ModelMarkov, "paths[0].nulls", o2o.ErrInvalid},
		{"value without conversions", func(ps []Path) { ps[1].Conversions = 0 }, ModelLinear, "paths[1].value", o2o.ErrInvalid},
		{"negative value", func(ps []Path) { ps[1].Value = o2o.MustParseMoney("-1.00") }, ModelLinear, "paths[1].value", o2o.ErrInvalid},
		{"another currency", func(ps []Path) { ps[1].Value = usd }, ModelLinear, "paths[1].value", o2o.ErrCurrencyMismatch},
		{"time decay", func([]Path) {}, ModelTimeDecay, "model", o2o.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := []Path{ok(), ok()}
			tt.edit(ps)
			_, err := mustRules(t, Config{Model: tt.model}).AttributePaths(ps)
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %v naming %s", err, tt.is, tt.want)
			}
		})
	}
	if _, err := mustRules(t, Config{Model: ModelLinear}).AttributePaths([]Path{ok(), ok()}); err != nil {
		t.Fatalf("good paths refused: %v", err)
	}
}

// touchKindIndex knows every kind at its place in TouchKinds, and no other.
func TestTouchKindIndex(t *testing.T) {
	for i, k := range TouchKinds() {
		if got := touchKindIndex(k); got != i {
			t.Errorf("%s: %d, want %d", k, got, i)
		}
	}
	if len(TouchKinds()) != len(pathSources{}.campaigns) {
		t.Errorf("%d kinds, %d campaign maps", len(TouchKinds()), len(pathSources{}.campaigns))
	}
	for _, k := range []TouchKind{"", "Search_ad", "visit"} {
		if got := touchKindIndex(k); got != -1 {
			t.Errorf("%q: %d, want -1", k, got)
		}
	}
}
