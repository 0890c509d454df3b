package pipeline

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

func init() {
	register.DoFn1x2[month.Journey, int, month.Journey](&keyJourneyFn{})
	register.DoFn2x2[int, func(*month.Journey) bool, *Attribution, error](&attributeFn{})
	register.Iter1[month.Journey]()
}

// keyJourneyFn keys a journey by its partition: month.Partition of its
// CustomerKey, so that every touch and conversion of a customer is
// attributed together.
type keyJourneyFn struct {
	// N is the number of partitions.
	N int `json:"n"`
}

// ProcessElement keys one journey.
func (f *keyJourneyFn) ProcessElement(j month.Journey) (int, month.Journey) {
	return month.Partition(month.CustomerKey(j), f.N), j
}

// attributeFn attributes one partition's journeys (month.AttributeJourneys)
// into a drainage partial. The order of the journeys does not matter: a
// partial is exact sums.
type attributeFn struct{ withSetup }

// ProcessElement attributes the journeys of one partition.
func (f *attributeFn) ProcessElement(_ int, journeys func(*month.Journey) bool) (*Attribution, error) {
	var all []month.Journey
	var j month.Journey
	for journeys(&j) {
		all = append(all, j)
		j = month.Journey{}
	}
	p, err := month.AttributeJourneys(f.setup.Drainage, all)
	if err != nil {
		return nil, err
	}
	return &Attribution{Rules: f.setup.Drainage, Partial: p}, nil
}

// Attribute partitions journeys (PCollection<month.Journey>) into n
// partitions by customer, attributes each, and merges the partials into one
// (PCollection<*Attribution>, a single element).
func Attribute(s beam.Scope, setup *month.Setup, n int, journeys beam.PCollection) (beam.PCollection, error) {
	s = s.Scope("Attribute")
	keyed := beam.ParDo(s, &keyJourneyFn{N: n}, journeys)
	parts := beam.ParDo(s, &attributeFn{withSetup{Month: setup.Config}}, beam.GroupByKey(s, keyed))
	return MergeAttributions(s, setup.Drainage, parts)
}
