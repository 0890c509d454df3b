package pipeline

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

// Build returns the pipeline that closes m on n partitions and writes the
// close's files (Files) to dir: the orders and journeys are read from m
// with beam.CreateList, as a pipeline over files would read them with
// textio. Run it with any runner; the close is the same for every n, and
// equal to month.Run's.
func Build(m *month.Month, n int, dir string) (*beam.Pipeline, error) {
	p, s := beam.NewPipelineWithRoot()
	orders := beam.CreateList(s.Scope("Orders"), m.Orders)
	journeys := beam.CreateList(s.Scope("Journeys"), m.Journeys)
	files, err := Close(s, m.Setup, n, orders, journeys)
	if err != nil {
		return nil, err
	}
	WriteFiles(s, dir, files)
	return p, nil
}
