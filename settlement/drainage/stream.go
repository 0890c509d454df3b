package drainage

import (
	"fmt"

	"github.com/o2okit/o2okit/o2o"
)

// ErrOrder reports a Stream fed a journey out of customer order.
var ErrOrder = fmt.Errorf("%w: journeys out of customer order", o2o.ErrInvalid)

// Stream attributes a data set journey by journey, in memory proportional to
// sources and stores (the credit, traffic and reach sums), not to journeys:
// what Attribute gives for the whole data set, Stream.Result gives after
// every customer's journey was added once, byte for byte.
//
// The heuristic models and Shapley stream; Markov needs the whole data set
// (its chain is fitted on every journey before any is credited), so
// Rules.Stream refuses it with ErrWholeDataSet.
//
// A Stream is not safe for concurrent use; Rules are, so run one Stream per
// partition of customers if needed.
type Stream struct {
	p    *Partial
	last string
	any  bool
}

// Stream starts a streaming attribution under the rules.
func (r *Rules) Stream() (*Stream, error) {
	if r.model == ModelMarkov {
		return nil, ErrWholeDataSet
	}
	return &Stream{p: &Partial{acc: newAccumulator(r, nil, nil)}}, nil
}

// Add adds one customer's journey: all their touches and conversions, which
// must name that customer. Customers must come in strictly ascending order
// (as a query ordered by customer gives them), which is how the stream
// counts distinct customers and finds a customer given twice without keeping
// every customer. Within the journey the order does not matter.
//
// Errors (wrapping o2o.ErrInvalid), after which the stream is exactly as it
// was: what Attribute refuses for this journey (paths name the journey's
// slices, e.g. "touches[3].storeId"; ids are checked for repeats within the
// journey only); a touch or conversion of another customer; a customer not
// after the previous one (ErrOrder); a conversion in another currency than
// the first one added (o2o.ErrCurrencyMismatch). An empty journey adds
// nothing.
func (s *Stream) Add(touches []Touch, conversions []Conversion) error {
	var customer string
	switch {
	case len(touches) > 0:
		customer = touches[0].Customer
	case len(conversions) > 0:
		customer = conversions[0].Customer
	default:
		return nil
	}
	for i := range touches {
		if touches[i].Customer != customer {
			return o2o.Invalidf(indexPath("touches", i)+".customer", "is %q, not the journey's %q", touches[i].Customer, customer)
		}
	}
	for i := range conversions {
		if conversions[i].Customer != customer {
			return o2o.Invalidf(indexPath("conversions", i)+".customer", "is %q, not the journey's %q", conversions[i].Customer, customer)
		}
	}
	if s.any && customer <= s.last {
		return fmt.Errorf("customer %q after %q: %w", customer, s.last, ErrOrder)
	}
	if err := s.p.Add(touches, conversions); err != nil {
		return err
	}
	s.last, s.any = customer, true
	return nil
}

// Result returns the attribution of every journey added so far. The stream
// may go on: a later Result includes later journeys.
func (s *Stream) Result() (*Result, error) {
	return s.p.Result()
}

// Partial returns a copy of the stream's sums as a Partial, to merge with
// the partials of other customers (see Partial). The stream may go on.
func (s *Stream) Partial() *Partial {
	q := &Partial{acc: newAccumulator(s.p.acc.w.r, nil, nil)}
	_ = q.Merge(s.p) // same rules, empty q: cannot fail
	return q
}
