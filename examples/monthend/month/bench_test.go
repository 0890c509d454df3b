package month

import (
	"fmt"
	"testing"
)

// benchConfig is a month large enough for the partitions to dominate and
// small enough to generate in a second: 40,000 order lines, 200,000
// journeys.
func benchConfig() Config {
	c := Full()
	c.Lines, c.Journeys, c.Customers = 40_000, 200_000, 800
	return c
}

// BenchmarkRun closes the month on one worker and on two, in one
// invocation, so that the two are measured on the same machine state: the
// ratio of their times is the speed-up (the month is generated outside the
// timing). cpu-s/op is the process's CPU time per close, the garbage
// collector's included: on a machine other work keeps busy, the two
// workers' speed-up in time is bounded by the CPU the process gets, and the
// ratio of cpu-s/op tells what partitioning costs in work.
func BenchmarkRun(b *testing.B) {
	m, err := Generate(benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				if _, err := Run(m, w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU()-cpu)/1e9/float64(b.N), "cpu-s/op")
		})
	}
}
