// Package limits holds the bounds the SDK puts on outside input that every
// package shares, in one place, so that GUARANTEES.md and the error texts
// name the same numbers. A limit that belongs to one rule package (facts in
// a command, sources in an attribution) is an exported constant of that
// package instead.
package limits

const (
	// MaxDepth is the deepest nesting of JSON arrays and objects a strict
	// decoder accepts. The deepest document the SDK defines nests about ten
	// levels; anything past this limit is refused before it is decoded.
	MaxDepth = 128

	// MaxKeys is the most keys one JSON object may hold. Maps keyed by
	// outside names (facts, attributes) are checked against it as well.
	MaxKeys = 10_000

	// MaxFaults is the most faults one error lists; the error then says how
	// many more there were.
	MaxFaults = 100
)
