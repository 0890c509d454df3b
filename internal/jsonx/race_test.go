//go:build race

package jsonx

// slowdown scales time bounds: the race detector makes the scan several
// times slower.
const slowdown = 10
