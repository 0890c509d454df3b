package o2o

import "github.com/o2okit/o2okit/internal/limits"

// The limits every JSON decoder of the SDK puts on outside input, and the
// most faults one error lists. Past each, input is refused with an error
// wrapping ErrInvalid that names the limit and the JSON path where it was
// passed. They hold for DecodeJSON and for every Parse function and
// UnmarshalJSON of the SDK, values that decode themselves (a Money, a
// Decimal) included.
const (
	// MaxDepth is the deepest nesting of JSON arrays and objects accepted:
	// "nests arrays and objects deeper than 128 levels, the limit".
	MaxDepth = limits.MaxDepth
	// MaxKeys is the most keys one JSON object may hold: "object has more
	// than 10000 keys, the limit".
	MaxKeys = limits.MaxKeys
	// MaxFaults is the most faults a *ValidationError lists; its message
	// then says how many more there were ("…; and 3,900 more") and its
	// Total field holds the count of all.
	MaxFaults = limits.MaxFaults
)
