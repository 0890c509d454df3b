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
// drainage.Partial.Merge, and Finish closes the month, its statements summed
// on the same goroutines. The close is the same for every number of workers.
// workers must be 1 to 1024 (o2o.ErrInvalid).
func Run(m *Month, workers int) (*Close, error) {
	if workers < 1 || workers > maxWorkers {
		return nil, o2o.Invalidf("workers", "must be 1 to %d, got %d", maxWorkers, workers)
	}
	orders := make([][]Order, workers)
	for _, o := range m.Orders {
		p := Partition(OrderKey(o), workers)
		orders[p] = append(orders[p], o)
	}
	journeys := make([][]Journey, workers)
	for _, j := range m.Journeys {
		p := Partition(CustomerKey(j), workers)
		journeys[p] = append(journeys[p], j)
	}
	settled := make([]*Settled, workers)
	partials := make([]*drainage.Partial, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			settled[w], errs[w] = SettleOrders(m.Setup, orders[w])
			if errs[w] == nil {
				partials[w], errs[w] = AttributeJourneys(m.Setup.Drainage, journeys[w])
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	all, err := MergeSettled(settled...)
	if err != nil {
		return nil, err
	}
	for _, p := range partials[1:] {
		if err := partials[0].Merge(p); err != nil {
			return nil, err
		}
	}
	return Finish(m.Setup, all, partials[0])
}
