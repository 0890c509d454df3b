//go:build race

package workflow_test

// raceEnabled is true under the race detector, which slows code ten to
// twenty times: the largest hostile inputs shrink, as a race run checks
// for data races, not for time bounds.
const raceEnabled = true
