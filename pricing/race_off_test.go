//go:build !race

package pricing

// raceEnabled reports a build with the race detector, which allocates on
// its own: tests of allocation counts skip under it.
const raceEnabled = false
