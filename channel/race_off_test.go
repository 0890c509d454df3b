//go:build !race

package channel

// raceSlowdown scales the time bounds of the hostile-input tests: the race
// detector makes the same work several times slower.
const raceSlowdown = 1
