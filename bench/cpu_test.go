package bench

import "testing"

// runCPU is b.Run that also reports the process's CPU time per op
// ("cpu-ns/op"): the time the work took on the processors, the garbage
// collector's background work included, which other programs on a shared
// machine do not lengthen as they lengthen the wall-clock ns/op.
func runCPU(b *testing.B, name string, f func(b *testing.B)) bool {
	return b.Run(name, func(b *testing.B) {
		c0 := processCPU()
		f(b)
		if ns := processCPU() - c0; c0 > 0 && ns > 0 && b.N > 0 {
			b.ReportMetric(float64(ns)/float64(b.N), "cpu-ns/op")
		}
	})
}
