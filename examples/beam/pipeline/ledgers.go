package pipeline

import (
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/o2okit/o2okit/settlement"
)

// A ledger travels between stages as its snapshot (MarshalJSON), and is
// restored with every check ParseLedger makes. The coder is registered for
// the one concrete type *settlement.Ledger, with functions of its own: Beam
// names a coder by its functions, so coders instantiated from one generic
// function would collide in its registry.
func init() {
	beam.RegisterCoder(reflect.TypeOf((*settlement.Ledger)(nil)), encodeLedger, decodeLedger)
	register.Combiner1[*settlement.Ledger](&mergeLedgersFn{})
}

// encodeLedger is the ledger coder's encoder.
func encodeLedger(l *settlement.Ledger) ([]byte, error) { return l.MarshalJSON() }

// decodeLedger is the ledger coder's decoder.
func decodeLedger(data []byte) (*settlement.Ledger, error) { return settlement.ParseLedger(data) }

// mergeLedgersFn combines partial ledgers with settlement.Merge: merged in
// any order and grouping, the result holds the same postings, balances,
// statements and digest as the ledger built sequentially. The accumulator is
// a ledger under Config, empty at first (Merge's identity).
type mergeLedgersFn struct {
	// Config is the ledger configuration every part was built under (the
	// same limits, or Merge refuses them).
	Config settlement.Config `json:"config"`
}

// CreateAccumulator returns an empty ledger.
func (f *mergeLedgersFn) CreateAccumulator() (*settlement.Ledger, error) {
	return settlement.NewLedger(f.Config)
}

// AddInput merges one partial ledger into the accumulator.
func (f *mergeLedgersFn) AddInput(acc, part *settlement.Ledger) (*settlement.Ledger, error) {
	return settlement.Merge(acc, part)
}

// MergeAccumulators merges two accumulators.
func (f *mergeLedgersFn) MergeAccumulators(a, b *settlement.Ledger) (*settlement.Ledger, error) {
	return settlement.Merge(a, b)
}

// ExtractOutput returns the merged ledger.
func (f *mergeLedgersFn) ExtractOutput(acc *settlement.Ledger) *settlement.Ledger { return acc }

// MergeLedgers combines a PCollection of partial ledgers (disjoint sets of
// postings, all under cfg) into one ledger.
func MergeLedgers(s beam.Scope, cfg settlement.Config, parts beam.PCollection) beam.PCollection {
	return beam.Combine(s.Scope("MergeLedgers"), &mergeLedgersFn{Config: cfg}, parts)
}
