// Package enum holds the one generic helper behind every string enum's strict
// UnmarshalText.
package enum

// Parse returns the value among values whose text is exactly text.
// Matching is exact: case and surrounding space matter.
func Parse[T ~string](text []byte, values ...T) (T, bool) {
	for _, v := range values {
		if string(v) == string(text) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// Valid reports whether v is one of values.
func Valid[T ~string](v T, values ...T) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}
