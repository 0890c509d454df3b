package pipeline

import (
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

func init() {
	register.DoFn3x1[*month.Settled, *Attribution, func(string, []byte), error](&finishFn{})
	register.Emitter2[string, []byte]()
}

// finishFn closes the month from the merged settlement and, as a side
// input, the merged attribution (month.Finish), and emits the close's files
// (Files).
type finishFn struct{ withSetup }

// ProcessElement closes the month.
func (f *finishFn) ProcessElement(settled *month.Settled, attribution *Attribution, emit func(string, []byte)) error {
	c, err := month.Finish(f.setup, settled, attribution.Partial)
	if err != nil {
		return err
	}
	files, err := Files(c)
	if err != nil {
		return err
	}
	for _, f := range files {
		emit(f.Name, f.Content)
	}
	return nil
}

// File is one output file of the close.
type File struct {
	Name    string
	Content []byte
}

// Files returns the files a close is written as: close.json (the whole
// close), statements.json (every party's statement, summed), refused.json
// (the orders not posted and why), digest.txt (the ledger's digest),
// charges.json (the drainage charges) and kpis.json (the drainage KPIs).
// The same close gives the same bytes.
func Files(c *month.Close) ([]File, error) {
	whole, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	statements, err := json.Marshal(c.Statements)
	if err != nil {
		return nil, err
	}
	refused, err := json.Marshal(c.Refused)
	if err != nil {
		return nil, err
	}
	return []File{
		{"close.json", whole},
		{"statements.json", statements},
		{"refused.json", refused},
		{"digest.txt", fmt.Appendf(nil, "%s\n", c.Digest)},
		{"charges.json", c.Charges},
		{"kpis.json", c.KPIs},
	}, nil
}

// Close builds the month-end close under s: orders (PCollection<month.Order>)
// settled on n partitions by OrderKey, journeys (PCollection<month.Journey>)
// attributed on n partitions by CustomerKey, both merged exactly, and the
// month finished. It returns the close's files, PCollection<KV<string,
// []byte>> (name, content), as Files gives them.
func Close(s beam.Scope, setup *month.Setup, n int, orders, journeys beam.PCollection) (beam.PCollection, error) {
	if n < 1 {
		return beam.PCollection{}, fmt.Errorf("partitions: must be at least 1, got %d", n)
	}
	settled := Settle(s, setup, n, orders)
	attribution, err := Attribute(s, setup, n, journeys)
	if err != nil {
		return beam.PCollection{}, err
	}
	return beam.ParDo(s.Scope("Finish"), &finishFn{withSetup{Month: setup.Config}}, settled, beam.SideInput{Input: attribution}), nil
}
