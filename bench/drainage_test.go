package bench

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/drainage"
)

// journeys is the drainage data: journeys of 1 to 8 touches across 20
// sources and 3,000 stores, each ending in a conversion; 1,000,000
// journeys, or 100,000 under -short.
type journeySet struct {
	touches     []drainage.Touch
	conversions []drainage.Conversion
	src         []int32
	bounds      []int // journey j is touches[bounds[j]:bounds[j+1]]
}

var journeys = sync.OnceValue(func() *journeySet {
	n := 1_000_000
	switch {
	case tiny:
		n = 2_000
	case testing.Short():
		n = 100_000
	}
	rng := rand.New(rand.NewPCG(1, 1))
	kinds := []drainage.TouchKind{drainage.KindSearchAd, drainage.KindPaidAdReading, drainage.KindRoadShow, drainage.KindGroundPush, drainage.KindStoreCoupon}
	s := &journeySet{bounds: make([]int, 0, n+1)}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	for j := range n {
		s.bounds = append(s.bounds, len(s.touches))
		cust := fmt.Sprintf("u%07d", j)
		k := 1 + rng.IntN(8)
		at := base.Add(time.Duration(rng.IntN(24*20)) * time.Hour)
		store := fmt.Sprintf("s%04d", rng.IntN(3000))
		for i := range k {
			src := rng.IntN(20)
			s.touches = append(s.touches, drainage.Touch{ID: fmt.Sprintf("t%07d-%d", j, i), Customer: cust, At: at.Add(time.Duration(i) * time.Hour),
				Channel: o2o.ChannelO2O, Kind: kinds[src%5], Campaign: fmt.Sprintf("c%d", src/5), StoreID: store})
			s.src = append(s.src, int32(src))
		}
		kind, cstore := drainage.ConversionDeal, store
		if rng.IntN(3) == 0 {
			kind, cstore = drainage.ConversionOnlinePayment, ""
		}
		m, err := o2o.FromMinor(int64(rng.IntN(1_000_000)), o2o.CNY)
		if err != nil {
			panic(err)
		}
		s.conversions = append(s.conversions, drainage.Conversion{ID: fmt.Sprintf("x%07d", j), Customer: cust, At: at.Add(9 * time.Hour), Kind: kind, StoreID: cstore, Value: m})
	}
	s.bounds = append(s.bounds, len(s.touches))
	return s
})

var sink int64

// BenchmarkDrainage: each heuristic model's Attribute over the journeys
// (validation, ordering, windows, credit and value per source and store)
// beside a bare loop that reads every touch of every journey once.
func BenchmarkDrainage(b *testing.B) {
	s := journeys()
	for _, cfg := range []drainage.Config{
		{Model: drainage.ModelFirstTouch}, {Model: drainage.ModelLastTouch}, {Model: drainage.ModelLinear},
		{Model: drainage.ModelPosition, Position: &drainage.Position{Preset: drainage.PresetUShaped}},
		{Model: drainage.ModelTimeDecay},
	} {
		name := string(cfg.Model)
		if cfg.Position != nil {
			name += "_" + string(cfg.Position.Preset)
		}
		r, err := cfg.Build()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/o2okit", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Attribute(s.touches, s.conversions); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/limit-bare-loop", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var acc [20]int64
				for j := 0; j+1 < len(s.bounds); j++ {
					at := s.conversions[j].At
					for i := s.bounds[j]; i < s.bounds[j+1]; i++ {
						acc[s.src[i]] += int64(at.Sub(s.touches[i].At))
					}
				}
				sink += acc[0]
			}
		})
	}
}
