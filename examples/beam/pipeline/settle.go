package pipeline

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/o2okit/o2okit/examples/monthend/month"
	"github.com/o2okit/o2okit/settlement"
)

func init() {
	register.DoFn1x2[month.Order, int, month.Order](&keyOrderFn{})
	register.DoFn2x2[int, func(*month.Order) bool, *month.Settled, error](&settleFn{})
	register.Iter1[month.Order]()
	register.Combiner1[*month.Settled](&mergeSettledFn{})
}

// keyOrderFn keys an order by its partition: month.Partition of its
// OrderKey (its credit account when it draws on one, its id otherwise).
type keyOrderFn struct {
	// N is the number of partitions.
	N int `json:"n"`
}

// ProcessElement keys one order.
func (f *keyOrderFn) ProcessElement(o month.Order) (int, month.Order) {
	return month.Partition(month.OrderKey(o), f.N), o
}

// settleFn settles one partition's orders (month.SettleOrders) into a
// partial settlement. A group arrives in no particular order: SettleOrders
// puts the orders in posting order (instant, then id), which is what keeps
// a credit line's limit checked as the sequential run checks it.
type settleFn struct{ withSetup }

// ProcessElement settles the orders of one partition.
func (f *settleFn) ProcessElement(_ int, orders func(*month.Order) bool) (*month.Settled, error) {
	var all []month.Order
	var o month.Order
	for orders(&o) {
		all = append(all, o)
		o = month.Order{}
	}
	return month.SettleOrders(f.setup, all)
}

// mergeSettledFn combines partial settlements with month.MergeSettled
// (settlement.Merge for the ledgers): in any order and grouping, the result
// is the settlement of all the orders at once. The accumulator starts as an
// empty settlement on the month's ledger config, Merge's identity.
type mergeSettledFn struct {
	// Ledger is the ledger config every partition settles under: CNY, the
	// credit lines' limits, no hash chain.
	Ledger settlement.Config `json:"ledger"`
}

// CreateAccumulator returns an empty settlement.
func (f *mergeSettledFn) CreateAccumulator() (*month.Settled, error) {
	l, err := settlement.NewLedger(f.Ledger)
	if err != nil {
		return nil, err
	}
	return &month.Settled{Ledger: l}, nil
}

// AddInput merges one partition's settlement into the accumulator.
func (f *mergeSettledFn) AddInput(acc, part *month.Settled) (*month.Settled, error) {
	return month.MergeSettled(acc, part)
}

// MergeAccumulators merges two accumulators.
func (f *mergeSettledFn) MergeAccumulators(a, b *month.Settled) (*month.Settled, error) {
	return month.MergeSettled(a, b)
}

// ExtractOutput returns the merged settlement.
func (f *mergeSettledFn) ExtractOutput(acc *month.Settled) *month.Settled { return acc }

// Settle partitions orders (PCollection<month.Order>) into n partitions,
// settles each, and merges the settlements into one
// (PCollection<*month.Settled>, a single element).
func Settle(s beam.Scope, setup *month.Setup, n int, orders beam.PCollection) beam.PCollection {
	s = s.Scope("Settle")
	keyed := beam.ParDo(s, &keyOrderFn{N: n}, orders)
	parts := beam.ParDo(s, &settleFn{withSetup{Month: setup.Config}}, beam.GroupByKey(s, keyed))
	return beam.Combine(s, &mergeSettledFn{Ledger: setup.LedgerConfig()}, parts)
}
