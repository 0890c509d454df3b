package pipeline

import (
	"bufio"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

func init() {
	register.Function1x2(parseOrder)
	register.Function1x2(parseJourney)
}

// parseOrder decodes one line of an orders file.
func parseOrder(line string) (month.Order, error) { return decodeOrder([]byte(line)) }

// parseJourney decodes one line of a journeys file.
func parseJourney(line string) (month.Journey, error) { return decodeJourney([]byte(line)) }

// ReadOrders reads orders, one JSON object a line (WriteLines), from the
// files glob matches, through Beam's filesystems: a local path here,
// gs://… or s3://… on a cluster. A line that is not an order fails the
// pipeline.
func ReadOrders(s beam.Scope, glob string) beam.PCollection {
	s = s.Scope("ReadOrders")
	return beam.ParDo(s, parseOrder, textio.Read(s, glob))
}

// ReadJourneys reads journeys, one JSON object a line, as ReadOrders
// reads orders.
func ReadJourneys(s beam.Scope, glob string) beam.PCollection {
	s = s.Scope("ReadJourneys")
	return beam.ParDo(s, parseJourney, textio.Read(s, glob))
}

// BuildFromFiles returns the pipeline that reads a month's orders and
// journeys from files (ReadOrders, ReadJourneys), closes it on n
// partitions under setup, and writes the close's files to dir. It is Build
// with files for input, the shape of a run on a cluster.
func BuildFromFiles(setup *month.Setup, n int, orders, journeys, dir string) (*beam.Pipeline, error) {
	p, s := beam.NewPipelineWithRoot()
	files, err := Close(s, setup, n, ReadOrders(s, orders), ReadJourneys(s, journeys))
	if err != nil {
		return nil, err
	}
	WriteFiles(s, dir, files)
	return p, nil
}

// WriteLines writes m's orders to orders and its journeys to journeys, one
// JSON object a line: the files ReadOrders and ReadJourneys read.
func WriteLines(m *month.Month, orders, journeys io.Writer) error {
	w := bufio.NewWriter(orders)
	for _, o := range m.Orders {
		if err := writeLine(w, encodeOrder, o); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	w = bufio.NewWriter(journeys)
	for _, j := range m.Journeys {
		if err := writeLine(w, encodeJourney, j); err != nil {
			return err
		}
	}
	return w.Flush()
}

// writeLine writes v, encoded, and a newline.
func writeLine[T any](w *bufio.Writer, encode func(T) ([]byte, error), v T) error {
	b, err := encode(v)
	if err != nil {
		return err
	}
	w.Write(b)
	return w.WriteByte('\n')
}
