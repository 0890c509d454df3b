package pipeline

import (
	"encoding/json"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/drainage"
)

func init() {
	register.Combiner1[*Attribution](&mergeAttributionsFn{})
}

// Attribution is a drainage partial and the rules it was built under: it
// travels between stages with them, since only rules read a partial back
// (Rules.ParsePartial).
type Attribution struct {
	Rules   *drainage.Rules
	Partial *drainage.Partial
}

// attributionWire is an Attribution's encoding.
type attributionWire struct {
	Rules   json.RawMessage `json:"rules"`
	Partial json.RawMessage `json:"partial"`
}

// encodeAttribution is the attribution coder's encoder.
func encodeAttribution(a *Attribution) ([]byte, error) {
	rules, err := a.Rules.MarshalJSON()
	if err != nil {
		return nil, err
	}
	partial, err := a.Partial.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return json.Marshal(attributionWire{Rules: rules, Partial: partial})
}

// decodeAttribution is the attribution coder's decoder.
func decodeAttribution(data []byte) (*Attribution, error) {
	var w attributionWire
	if err := o2o.DecodeJSON(data, &w); err != nil {
		return nil, err
	}
	rules, err := drainage.ParseConfig(w.Rules)
	if err != nil {
		return nil, err
	}
	partial, err := rules.ParsePartial(w.Partial)
	if err != nil {
		return nil, err
	}
	return &Attribution{Rules: rules, Partial: partial}, nil
}

// mergeAttributionsFn combines attribution partials with Partial.Merge:
// over disjoint sets of customers, merged in any order and grouping, they
// give Attribute's result over the whole month. The accumulator starts as
// an empty partial under the rules (Merge's identity).
type mergeAttributionsFn struct {
	// Rules is the drainage rules' configuration, as Rules.MarshalJSON
	// writes it.
	Rules json.RawMessage `json:"rules"`
}

// CreateAccumulator returns an empty partial.
func (f *mergeAttributionsFn) CreateAccumulator() (*Attribution, error) {
	rules, err := drainage.ParseConfig(f.Rules)
	if err != nil {
		return nil, err
	}
	p, err := rules.NewPartial()
	if err != nil {
		return nil, err
	}
	return &Attribution{Rules: rules, Partial: p}, nil
}

// AddInput merges one partition's partial into the accumulator.
func (f *mergeAttributionsFn) AddInput(acc, part *Attribution) (*Attribution, error) {
	return f.MergeAccumulators(acc, part)
}

// MergeAccumulators merges b into a.
func (f *mergeAttributionsFn) MergeAccumulators(a, b *Attribution) (*Attribution, error) {
	if err := a.Partial.Merge(b.Partial); err != nil {
		return nil, err
	}
	return a, nil
}

// ExtractOutput returns the merged partial.
func (f *mergeAttributionsFn) ExtractOutput(acc *Attribution) *Attribution { return acc }

// MergeAttributions combines a PCollection of *Attribution, over disjoint
// customers and under rules, into one.
func MergeAttributions(s beam.Scope, rules *drainage.Rules, parts beam.PCollection) (beam.PCollection, error) {
	cfg, err := rules.MarshalJSON()
	if err != nil {
		return beam.PCollection{}, err
	}
	return beam.Combine(s.Scope("MergeAttributions"), &mergeAttributionsFn{Rules: cfg}, parts), nil
}
