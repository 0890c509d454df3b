package drainage

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// Figures, CPU seconds per op (cpu-s/op: user + system, every thread)
// and B/op, on the shared 2-core machine, each pair in one run:
//
//	go test -c -o /tmp/d.test ./settlement/drainage
//	GOMAXPROCS=1 /tmp/d.test -test.run '^$' -test.bench 'BareLoop|Heuristics/prepared_once|Paths|Markov100' \
//	    -test.benchtime 1x -test.count 5 -journeys 1000000 -test.benchmem
//
// over 1,000,000 journeys (4.5 M touches, 20 sources, 3,000 stores; the
// same journeys form 592,262 distinct paths). Medians of ten runs (two of
// the command above) of the code before and after the last round of
// work, measured side by side in one session, before and after runs
// alternating, while other jobs shared the machine; ratios are to the
// bare loop of the same runs:
//
//	                                    before                 after
//	bare loop                           0.059 s                0.063 s
//	first + last + linear, Prepare      0.71 s (11.9×), 212 MB 0.66 s (10.5×), 228 MB
//	AttributePaths, first touch         0.139 s (2.4×)         0.143 s (2.3×)
//	AttributePaths, last touch          0.138 s (2.3×)         0.141 s (2.3×)
//	AttributePaths, linear              0.145 s (2.4×)         0.146 s (2.3×)
//	AttributePaths, markov              0.184 s (3.1×)         0.188 s (3.0×)
//	Attribute, markov over 100 sources  1.26 s, 301 MB         1.17 s, 317 MB
//
// (The grouped paths' code did not change: their differences are the
// machine's.) The rounds before (other runs): first + last + linear 1.10 s
// (19.6×) and 248 MB, then 0.65 s (11.9×) and 212 MB; before that 1.49 s
// (24×), then 1.20 s (19×); before that (a busier machine) 3.86 s and 329
// MB, then 1.68 s. Markov over 100 sources 2.17 s, 1.83 s, 1.62 s, 1.19 s
// (337 → 301 MB). Earlier, before Prepare and AttributePaths existed:
// Attribute linear 6.0 s and 1.06 GB, first + last + linear by Attribute
// 16.1 s, 3.18 GB.
//
// Where the time goes: the touches (128 bytes each, their strings apart)
// are read once in order, validating (scanTouches); that pass also packs
// what the sums need into columns — each touch's store and sales mode
// (tPlace), each customer's first touch and the span of its touches' times
// (tSpan), each conversion's store and value in minor units — so that the
// sums every model shares (addShared) read no touch at all in the usual
// case. Reading a touch again later costs a cache miss per customer, not
// a stream: ranking customers against conversions still does (about 0.04
// s), and fusing that into the conversions' pass was slower (0.15 s: the
// misses no longer overlapped). Of the 0.66 s, Prepare takes about 0.37 s
// (validating 0.22, duplicate ids 0.05, conversions 0.06, ranking 0.04),
// the shared sums about 0.12 s, the three models' credits and results the
// rest. The benchmark journeys come in order (by customer, then time),
// which Prepare does not sort; the same data shuffled
// (BenchmarkPrepareShuffled, ordered in Prepare by customerOrder; medians
// of six runs, two of the command above with -test.bench
// 'PrepareShuffled|Heuristics/prepared_once|BareLoop' -test.count 3, the
// code before and after alternating): 7.0 s and 250 MB sorting by
// customer text, 3.16 s (2.2×) and 250 MB numbering the customers by
// their hashes instead (prepared_once, in order, 0.69 and 0.67 s in the
// same runs). Of those 3.2 s the ordering takes about 1.5 (numbering the
// customers 0.6, the touches' cache misses sorting each customer's by
// time 0.45), the validating pass, reading strings scattered by the
// shuffle, 0.9 where 0.22 in order. The rounds before, sorting by text:
// 6.65 s and 230 MB, then 6.3 s and 250 MB.

// benchJourneys is the benchmark data: journeys of 1 to 8 touches
// across 20 sources and 3,000 stores, each ending in a conversion.
// 1,000,000 journeys, or 20,000 under -short.
type benchSet struct {
	touches     []Touch
	ptrs        []*Touch
	src         []int32
	conversions []Conversion
	bounds      []int // journey j is touches[bounds[j]:bounds[j+1]]
}

// benchN sets the number of journeys: go test -bench . -journeys 100000.
var benchN = flag.Int("journeys", 0, "journeys in the benchmark data set (default 1,000,000, 20,000 under -short)")

var benchOnce = sync.OnceValue(func() *benchSet { return genBench(20) })

// benchMarkov100 is benchOnce's journeys over 100 sources (5 kinds × 20
// campaigns) instead of 20.
var benchMarkov100 = sync.OnceValue(func() *benchSet { return genBench(100) })

// genBench makes the benchmark journeys over sources sources (a multiple
// of 5: 5 kinds × sources/5 campaigns).
func genBench(sources int) *benchSet {
	n := 1_000_000
	if testing.Short() {
		n = 20_000
	}
	if *benchN > 0 {
		n = *benchN
	}
	rng := rand.New(rand.NewPCG(1, 1))
	kinds := []TouchKind{KindSearchAd, KindPaidAdReading, KindRoadShow, KindGroundPush, KindStoreCoupon}
	s := &benchSet{bounds: make([]int, 0, n+1)}
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	for j := range n {
		s.bounds = append(s.bounds, len(s.touches))
		cust := fmt.Sprintf("u%07d", j)
		k := 1 + rng.IntN(8)
		at := base.Add(time.Duration(rng.IntN(24*20)) * time.Hour)
		store := fmt.Sprintf("s%04d", rng.IntN(3000))
		for i := range k {
			src := rng.IntN(sources)
			t := Touch{ID: fmt.Sprintf("t%07d-%d", j, i), Customer: cust, At: at.Add(time.Duration(i) * time.Hour),
				Channel: o2o.ChannelO2O, Kind: kinds[src%5], Campaign: fmt.Sprintf("c%d", src/5), StoreID: store}
			s.touches = append(s.touches, t)
			s.src = append(s.src, int32(src))
		}
		kind := ConversionDeal
		cstore := store
		if rng.IntN(3) == 0 {
			kind, cstore = ConversionOnlinePayment, ""
		}
		m, _ := o2o.FromMinor(int64(rng.IntN(1_000_000)), o2o.CNY)
		s.conversions = append(s.conversions, Conversion{ID: fmt.Sprintf("x%07d", j), Customer: cust, At: at.Add(9 * time.Hour), Kind: kind, StoreID: cstore, Value: m})
	}
	s.bounds = append(s.bounds, len(s.touches))
	s.ptrs = make([]*Touch, len(s.touches))
	for i := range s.touches {
		s.ptrs[i] = &s.touches[i]
	}
	return s
}

var sink int64

// cpuSeconds returns the CPU time the process has used (user + system,
// every thread: the garbage collector's included).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// reportCPU reports the CPU seconds per iteration since from: on a shared
// machine, wall time per op measures the neighbours too.
func reportCPU(b *testing.B, from float64) {
	b.ReportMetric((cpuSeconds()-from)/float64(b.N), "cpu-s/op")
}

// BenchmarkBareLoop is the baseline: read every touch of every journey once.
func BenchmarkBareLoop(b *testing.B) {
	s := benchOnce()
	b.ResetTimer()
	cpu := cpuSeconds()
	for b.Loop() {
		var acc [20]int64
		for j := 0; j+1 < len(s.bounds); j++ {
			at := s.conversions[j].At
			for i := s.bounds[j]; i < s.bounds[j+1]; i++ {
				acc[s.src[i]] += int64(at.Sub(s.ptrs[i].At))
			}
		}
		sink += acc[0]
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(len(s.bounds)-1)*float64(b.N)/b.Elapsed().Seconds(), "journeys/s")
}

// BenchmarkModel runs each heuristic model's weights over every journey,
// single pass, summing credit per source (memory: per source, not per journey).
func BenchmarkModel(b *testing.B) {
	s := benchOnce()
	for _, cfg := range allConfigs[:8] {
		name := string(cfg.Model)
		if cfg.Position != nil {
			name += "_" + string(cfg.Position.Preset)
		}
		b.Run(name, func(b *testing.B) {
			w := &weigher{r: mustRules(b, cfg)}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				var acc [20]int64
				for j := 0; j+1 < len(s.bounds); j++ {
					lo, hi := s.bounds[j], s.bounds[j+1]
					w.srcIdx = s.src[lo:hi]
					for i, u := range w.weigh(s.ptrs[lo:hi]) {
						acc[s.src[lo+i]] += u
					}
				}
				sink += acc[0]
			}
			b.ReportMetric(float64(len(s.bounds)-1)*float64(b.N)/b.Elapsed().Seconds(), "journeys/s")
		})
	}
}

// BenchmarkAttribute runs the whole pipeline (validation, ordering,
// windows, credit and value per source×store, o2o.Allocate of value) for
// linear and for the exact Markov model, which needs the whole data set.
func BenchmarkAttribute(b *testing.B) {
	s := benchOnce()
	for _, cfg := range []Config{{Model: ModelLinear}, {Model: ModelMarkov}} {
		b.Run(string(cfg.Model), func(b *testing.B) {
			r := mustRules(b, cfg)
			b.ReportAllocs()
			cpu := cpuSeconds()
			for b.Loop() {
				if _, err := r.Attribute(s.touches, s.conversions); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(len(s.bounds)-1)*float64(b.N)/b.Elapsed().Seconds(), "journeys/s")
		})
	}
}

// BenchmarkHeuristics is the first line, end to end from the
// caller's input: first touch, last touch and linear over the same data,
// prepared once (Prepare, then AttributePrepared per model), beside
// Attribute called once per model.
func BenchmarkHeuristics(b *testing.B) {
	s := benchOnce()
	var rules []*Rules
	for _, m := range []ModelName{ModelFirstTouch, ModelLastTouch, ModelLinear} {
		rules = append(rules, mustRules(b, Config{Model: m}))
	}
	b.Run("prepared_once", func(b *testing.B) {
		benchPrepared(b, rules, s.touches, s.conversions)
		b.ReportMetric(float64(len(s.bounds)-1)*float64(b.N)/b.Elapsed().Seconds(), "journeys/s")
	})
	b.Run("attribute_each", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuSeconds()
		for b.Loop() {
			for _, r := range rules {
				if _, err := r.Attribute(s.touches, s.conversions); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportCPU(b, cpu)
		b.ReportMetric(float64(len(s.bounds)-1)*float64(b.N)/b.Elapsed().Seconds(), "journeys/s")
	})
}

// benchShuffled is benchOnce's touches and conversions each shuffled.
var benchShuffled = sync.OnceValues(func() ([]Touch, []Conversion) {
	s := benchOnce()
	ts, cs := slices.Clone(s.touches), slices.Clone(s.conversions)
	rng := rand.New(rand.NewPCG(3, 3))
	rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	return ts, cs
})

// BenchmarkPrepareShuffled is BenchmarkHeuristics/prepared_once over the
// same data shuffled: Prepare sorts it, where the benchmark journeys come
// in order (by customer, then time) and are not sorted.
func BenchmarkPrepareShuffled(b *testing.B) {
	ts, cs := benchShuffled()
	var rules []*Rules
	for _, m := range []ModelName{ModelFirstTouch, ModelLastTouch, ModelLinear} {
		rules = append(rules, mustRules(b, Config{Model: m}))
	}
	benchPrepared(b, rules, ts, cs)
}

// benchPrepared prepares touches and conversions once per op and
// attributes them under each of rules, reporting CPU seconds per op.
func benchPrepared(b *testing.B, rules []*Rules, touches []Touch, conversions []Conversion) {
	b.ReportAllocs()
	cpu := cpuSeconds()
	for b.Loop() {
		p, err := Prepare(touches, conversions)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rules {
			if _, err := r.AttributePrepared(p); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkPaths attributes the same journeys grouped into distinct paths
// (grouped outside the timer, as a caller holding grouped data would), per
// model.
func BenchmarkPaths(b *testing.B) {
	s := benchOnce()
	index := map[string]int{}
	var paths []Path
	for j := 0; j+1 < len(s.bounds); j++ {
		key := fmt.Sprint(s.src[s.bounds[j]:s.bounds[j+1]])
		i, ok := index[key]
		if !ok {
			i = len(paths)
			index[key] = i
			var srcs []Source
			for _, t := range s.touches[s.bounds[j]:s.bounds[j+1]] {
				srcs = append(srcs, t.Source())
			}
			paths = append(paths, Path{Sources: srcs, Value: o2o.CNY.Zero()})
		}
		paths[i].Conversions++
		paths[i].Value, _ = paths[i].Value.Add(s.conversions[j].Value)
	}
	for _, m := range []ModelName{ModelFirstTouch, ModelLastTouch, ModelLinear, ModelMarkov} {
		b.Run(string(m), func(b *testing.B) {
			r := mustRules(b, Config{Model: m})
			b.ReportAllocs()
			cpu := cpuSeconds()
			for b.Loop() {
				if _, err := r.AttributePaths(paths); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(len(paths)), "paths")
		})
	}
}

// BenchmarkAllocate allocates 4 campaigns' spend over 3,000 stores and B2C.
func BenchmarkAllocate(b *testing.B) {
	s := benchOnce()
	for _, basis := range Bases() {
		b.Run(string(basis), func(b *testing.B) {
			r := mustRules(b, Config{Model: ModelLinear, Basis: basis})
			res, err := r.Attribute(s.touches, s.conversions)
			if err != nil {
				b.Fatal(err)
			}
			camps := []Campaign{}
			for i := range 4 {
				camps = append(camps, Campaign{ID: fmt.Sprintf("c%d", i), Spend: o2o.MustParseMoney("250000.00")})
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := r.Allocate(res, camps); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStream feeds the same journeys one customer at a time: the
// stream keeps sums per source, store and conversion kind only.
// retained-B is the heap the stream still holds after the last journey
// (measured after a GC), against Attribute's whole-data-set working memory.
func BenchmarkStream(b *testing.B) {
	s := benchOnce()
	for _, cfg := range []Config{{Model: ModelLinear}, {Model: ModelTimeDecay}} {
		b.Run(string(cfg.Model), func(b *testing.B) {
			r := mustRules(b, cfg)
			b.ReportAllocs()
			var retained uint64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				st, err := r.Stream()
				if err != nil {
					b.Fatal(err)
				}
				for j := 0; j+1 < len(s.bounds); j++ {
					if err := st.Add(s.touches[s.bounds[j]:s.bounds[j+1]], s.conversions[j:j+1]); err != nil {
						b.Fatal(err)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				if after.HeapAlloc > before.HeapAlloc {
					retained = after.HeapAlloc - before.HeapAlloc
				}
				if _, err := st.Result(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(s.bounds)-1)*float64(b.N)/b.Elapsed().Seconds(), "journeys/s")
			b.ReportMetric(float64(retained), "retained-B")
		})
	}
}

// BenchmarkPost posts a month's statement (4 campaigns over 3,000 stores
// and B2C) to a fresh ledger, then again (all postings exist).
func BenchmarkPost(b *testing.B) {
	s := benchOnce()
	r := mustRules(b, Config{Model: ModelLinear})
	res, err := r.Attribute(s.touches, s.conversions)
	if err != nil {
		b.Fatal(err)
	}
	camps := []Campaign{}
	for i := range 4 {
		camps = append(camps, Campaign{ID: fmt.Sprintf("c%d", i), Spend: o2o.MustParseMoney("250000.00")})
	}
	st, err := r.Allocate(res, camps)
	if err != nil {
		b.Fatal(err)
	}
	cfg := PostingConfig{Period: "2025-03", At: time.Date(2025, 3, 31, 23, 59, 0, 0, o2o.China())}
	b.ReportAllocs()
	for b.Loop() {
		l := settlement.MustLedger(settlement.Config{})
		if _, err := st.Post(l, cfg); err != nil {
			b.Fatal(err)
		}
		again, err := st.Post(l, cfg)
		if err != nil || again.Created != 0 {
			b.Fatal(again, err)
		}
	}
	b.ReportMetric(float64(len(st.Charges)), "charges")
}

// BenchmarkMarkovAtLimit fits the Markov model on dense journeys (1 to 12
// touches each, 40 customers per source) over MaxMarkovSources sources: the
// costliest kind of data set the limit allows. History, on the shared
// 2-core machine: one rational elimination per removed source took 89 s at
// 80 sources; one rational inversion 4.9 s; the fraction-free integer
// inversion about 1 s at 80 and 3–4 s at 100 (its effects summed as
// rationals then took most of it). Modulo word primes with the Chinese
// remainder theorem, and the effects over one common denominator, CPU time
// per fit: about 0.15 s at 80 sources, 0.3 s at 100, 2.6 s at 200.
func BenchmarkMarkovAtLimit(b *testing.B) {
	r := mustRules(b, Config{Model: ModelMarkov})
	ts, cs := denseJourneys(MaxMarkovSources, 40*MaxMarkovSources)
	for b.Loop() {
		if _, err := r.Attribute(ts, cs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarkov100 fits the exact Markov model, end to end from the
// caller's touches (Attribute), on the benchmark journeys over 100 sources.
func BenchmarkMarkov100(b *testing.B) {
	s := benchMarkov100()
	r := mustRules(b, Config{Model: ModelMarkov})
	b.ReportAllocs()
	cpu := cpuSeconds()
	for b.Loop() {
		res, err := r.Attribute(s.touches, s.conversions)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Markov.Effects) != 100 {
			b.Fatalf("%d sources", len(res.Markov.Effects))
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(len(s.bounds)-1)*float64(b.N)/b.Elapsed().Seconds(), "journeys/s")
}
