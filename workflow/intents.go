package workflow

import (
	"encoding/json"
	"iter"
	"slices"
	"strconv"

	"github.com/o2okit/o2okit/o2o"
)

// Intents is a read-only list of intents, as a Result hands them back. It
// is a view of the definition's own list for the event, so Fire returns it
// without copying; nothing can be changed through it (At returns a copy of
// one intent, Slice a copy of all), so it is safe to keep and to share
// between goroutines. The zero value is the empty list. Its JSON form is an
// array of intents; decoding is strict.
type Intents struct {
	list []Intent
}

// IntentsOf returns a list holding a copy of is (to build an expected
// Result in a test, say).
func IntentsOf(is ...Intent) Intents { return Intents{list: slices.Clone(is)} }

// Len returns the number of intents.
func (l Intents) Len() int { return len(l.list) }

// IsZero reports whether the list is empty (for JSON omitzero).
func (l Intents) IsZero() bool { return len(l.list) == 0 }

// At returns intent i; it panics if i is out of range, like an index.
func (l Intents) At(i int) Intent { return l.list[i] }

// All iterates over the intents in order, with their indices, as ranging
// over a slice would.
func (l Intents) All() iter.Seq2[int, Intent] {
	return func(yield func(int, Intent) bool) {
		for i, in := range l.list {
			if !yield(i, in) {
				return
			}
		}
	}
}

// Slice returns a copy of the intents (nil when empty).
func (l Intents) Slice() []Intent {
	if len(l.list) == 0 {
		return nil
	}
	return slices.Clone(l.list)
}

// Equal reports whether l and o hold the same intents in the same order
// (cmp.Diff uses it).
func (l Intents) Equal(o Intents) bool { return slices.Equal(l.list, o.list) }

// MarshalJSON writes the intents as a JSON array ([] when empty).
func (l Intents) MarshalJSON() ([]byte, error) {
	if l.list == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(l.list)
}

// UnmarshalJSON reads a JSON array of intents, strictly.
func (l *Intents) UnmarshalJSON(data []byte) error {
	var is []Intent
	if err := o2o.DecodeJSON(data, &is); err != nil {
		return err
	}
	for i := range is {
		if err := o2o.Validate(is[i]); err != nil {
			return o2o.Prefix("["+strconv.Itoa(i)+"]", err)
		}
	}
	*l = Intents{list: is}
	return nil
}
