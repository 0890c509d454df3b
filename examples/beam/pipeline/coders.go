package pipeline

import (
	"encoding/json"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/o2okit/o2okit/examples/monthend/month"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// Every type that travels between stages has a coder of its own, with
// functions of its own: Beam names a coder by its functions, so coders
// instantiated from one generic function collide in its registry. Orders
// and journeys travel as their JSON, decoded strictly (o2o.DecodeJSON); a
// settlement as its ledger's snapshot (restored by settlement.ParseLedger
// with every check Apply makes) and its refusals; an attribution as its
// rules and its partial (Attribution).
func init() {
	beam.RegisterCoder(reflect.TypeOf(month.Order{}), encodeOrder, decodeOrder)
	beam.RegisterCoder(reflect.TypeOf(month.Journey{}), encodeJourney, decodeJourney)
	beam.RegisterCoder(reflect.TypeOf((*month.Settled)(nil)), encodeSettled, decodeSettled)
	beam.RegisterCoder(reflect.TypeOf((*Attribution)(nil)), encodeAttribution, decodeAttribution)
}

// encodeOrder is the order coder's encoder.
func encodeOrder(o month.Order) ([]byte, error) { return json.Marshal(o) }

// decodeOrder is the order coder's decoder.
func decodeOrder(data []byte) (month.Order, error) {
	var o month.Order
	err := o2o.DecodeJSON(data, &o)
	return o, err
}

// encodeJourney is the journey coder's encoder.
func encodeJourney(j month.Journey) ([]byte, error) { return json.Marshal(j) }

// decodeJourney is the journey coder's decoder.
func decodeJourney(data []byte) (month.Journey, error) {
	var j month.Journey
	err := o2o.DecodeJSON(data, &j)
	return j, err
}

// settledWire is a settlement's encoding.
type settledWire struct {
	Ledger  json.RawMessage `json:"ledger"`
	Orders  int             `json:"orders"`
	Refused []month.Refusal `json:"refused"`
}

// encodeSettled is the settlement coder's encoder.
func encodeSettled(s *month.Settled) ([]byte, error) {
	ledger, err := s.Ledger.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return json.Marshal(settledWire{Ledger: ledger, Orders: s.Orders, Refused: s.Refused})
}

// decodeSettled is the settlement coder's decoder.
func decodeSettled(data []byte) (*month.Settled, error) {
	var w settledWire
	if err := o2o.DecodeJSON(data, &w); err != nil {
		return nil, err
	}
	l, err := settlement.ParseLedger(w.Ledger)
	if err != nil {
		return nil, err
	}
	return &month.Settled{Ledger: l, Orders: w.Orders, Refused: w.Refused}, nil
}
