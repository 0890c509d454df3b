//go:build !race

package workflow

// raceEnabled is true under the race detector (see race_test.go).
const raceEnabled = false
