package pipeline

import (
	"fmt"
	"testing"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

// BenchmarkClose closes the small month, and one ten times its size, on
// Prism (the pipeline, files written) and in process (month.Run), on the
// same number of partitions: the pair gives Prism's throughput and its
// overhead per record (orders and journeys). Generation is outside the
// timing.
//
//	unshare -n sh -c 'ip link set lo up && go test -run "^$" -bench Close -benchtime 3x -count 5 ./pipeline'
func BenchmarkClose(b *testing.B) {
	requireIsolated(b)
	small := month.Small()
	big := small
	big.Lines, big.Journeys, big.Customers = 10*small.Lines, 10*small.Journeys, 10*small.Customers
	for _, size := range []struct {
		name string
		cfg  month.Config
	}{{"small", small}, {"small×10", big}} {
		m, err := month.Generate(size.cfg)
		if err != nil {
			b.Fatal(err)
		}
		records := float64(len(m.Orders) + len(m.Journeys))
		const n = 4
		b.Run(fmt.Sprintf("size=%s/prism/partitions=%d", size.name, n), func(b *testing.B) {
			for b.Loop() {
				runOnPrism(b, m, n, b.TempDir())
			}
			b.ReportMetric(records*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/records/float64(b.N), "ns/record")
		})
		b.Run(fmt.Sprintf("size=%s/inprocess/partitions=%d", size.name, n), func(b *testing.B) {
			for b.Loop() {
				if _, err := month.Run(m, n); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(records*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/records/float64(b.N), "ns/record")
		})
	}
}
