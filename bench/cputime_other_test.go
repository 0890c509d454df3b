//go:build !unix

package bench

// processCPU is not measured here: no cpu-ns/op figure is reported.
func processCPU() int64 { return 0 }
