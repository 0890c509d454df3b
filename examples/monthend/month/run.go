package month

import (
	"sync"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/drainage"
)

// maxWorkers bounds Run's partitions.
const maxWorkers = 1024

// Run closes a month on workers partitions, one goroutine each: orders are
// partitioned by OrderKey and journeys by CustomerKey (Partition), each
// partition is settled (SettleOrders) and attributed (AttributeJourneys),
// the settlements merge with MergeSettled and the partials with
// drainage.Partial.Merge. The statements are summed on the goroutines too:
// each partition's postings are indexed by account, and each account's
// statement is summed from its postings in every partition, the largest
// first, on the goroutine with the least work so far. The close is the one
// Finish gives from the merged ledger, byte for byte, for every number of
// workers. workers must be 1 to 1024 (o2o.ErrInvalid).
func Run(m *Month, workers int) (*Close, error) {
	return RunStages(m, workers, func(Stage) {})
}

// Stage names a step of Run.
type Stage string

// Run's steps, in order.
const (
	StagePartition  Stage = "partition"
	StageSettle     Stage = "settle and attribute"
	StageMerge      Stage = "merge"
	StageStatements Stage = "statements"
	StageFinish     Stage = "finish"
)

// RunStages is Run that calls done after each of its steps, on the
// caller's goroutine: to time them, or to report progress.
func RunStages(m *Month, workers int, done func(Stage)) (*Close, error) {
	if workers < 1 || workers > maxWorkers {
		return nil, o2o.Invalidf("workers", "must be 1 to %d, got %d", maxWorkers, workers)
	}
	orders := partition(m.Orders, workers, func(o *Order) string { return OrderKey(*o) })
	journeys := partition(m.Journeys, workers, func(j *Journey) string { return CustomerKey(*j) })
	done(StagePartition)
	settled := make([]*Settled, workers)
	partials := make([]*drainage.Partial, workers)
	err := parallel(workers, func(w int) error {
		var err error
		if settled[w], err = settle(m.Setup, m.Orders, orders[w]); err != nil {
			return err
		}
		partials[w], err = attribute(m.Setup.Drainage, m.Journeys, journeys[w])
		return err
	})
	if err != nil {
		return nil, err
	}
	done(StageSettle)
	all, err := MergeSettled(settled...)
	if err != nil {
		return nil, err
	}
	for _, p := range partials[1:] {
		if err := partials[0].Merge(p); err != nil {
			return nil, err
		}
	}
	done(StageMerge)
	sums, err := sumStatements(settled, m.Setup.Period, workers)
	if err != nil {
		return nil, err
	}
	done(StageStatements)
	c, err := finish(m.Setup, all, partials[0], sums)
	if err != nil {
		return nil, err
	}
	done(StageFinish)
	return c, nil
}

// parallel calls f(0) … f(n-1) on n goroutines and returns the error of the
// lowest i that failed.
func parallel(n int, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
