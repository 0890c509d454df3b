//go:build race

package o2o

// raceEnabled reports a build with the race detector, which allocates on
// its own: tests of allocation counts skip under it.
const raceEnabled = true
