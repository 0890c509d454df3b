// Command beam closes a generated month of a national network as an Apache
// Beam pipeline on Prism, Beam's Go runner, in this process, writes the
// close's files, and compares them with the close month.Run makes in
// process: byte for byte, and in time per record.
//
//	unshare -n sh -c 'ip link set lo up && go run . -out /tmp/close'
//	unshare -n sh -c 'ip link set lo up && go run . -size full -partitions 8 -out /tmp/close'
//	go run . -dump /tmp/month     # the month's orders and journeys as JSON lines
//	unshare -n sh -c 'ip link set lo up && go run . -in /tmp/month -out /tmp/close'
//
// With -in the pipeline reads orders and journeys from files with textio,
// as it would on a cluster; otherwise it takes the generated month with
// beam.CreateList.
//
// Prism's job server and its workers listen on every interface, so the
// program runs only in a private network namespace whose one interface is
// loopback, as above; elsewhere it refuses.
//
// The runner: this program links Prism alone (-runner prism). To run the
// same pipeline on Dataflow, Flink or Spark, import that runner's package
// instead (runners/dataflow, or runners/flink, runners/spark, which submit
// to a portable job server), pass its flags (--project, --region,
// --staging_location, or --endpoint), and read and write files its workers
// can reach (gs://…, with io/filesystem/gcs imported): see README.md.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/o2okit/o2okit/examples/beam/pipeline"
	"github.com/o2okit/o2okit/examples/monthend/month"
)

var (
	size       = flag.String("size", "small", "the month's size: small (2,000 order lines, 3,000 journeys) or full (1,000,000 and 5,000,000)")
	partitions = flag.Int("partitions", 8, "the partitions orders and journeys are keyed into")
	out        = flag.String("out", "", "the directory the close's files are written to (required)")
	runner     = flag.String("runner", "prism", "the runner: only prism is linked into this program (see the package doc)")
	in         = flag.String("in", "", "read the orders and journeys from DIR/orders*.jsonl and DIR/journeys*.jsonl (written by -dump for the same -size) instead of the generated month")
	dump       = flag.String("dump", "", "write the generated month's orders and journeys to DIR as JSON lines, and stop")
	compare    = flag.Bool("compare", true, "close the month in process too (month.Run), compare the files and the time per record")
)

func main() {
	flag.Parse()
	beam.Init()
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "beam:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	cfg, err := month.Sized(*size)
	if err != nil {
		return err
	}
	if *runner != "prism" {
		return fmt.Errorf("-runner %q: this program links Prism alone; import the runner's package to use another (README.md)", *runner)
	}
	if *dump != "" {
		return dumpMonth(cfg, *dump)
	}
	if *out == "" {
		return fmt.Errorf("-out is required")
	}
	if why := exposed(); why != "" {
		return fmt.Errorf("the program runs Prism, which listens on every interface, and %s: run it in a private network namespace: unshare -n sh -c 'ip link set lo up && go run . -out DIR'", why)
	}
	m, err := month.Generate(cfg)
	if err != nil {
		return err
	}
	records := len(m.Orders) + len(m.Journeys)
	fmt.Fprintf(w, "month: %s: %d orders, %d journeys\n", cfg, len(m.Orders), len(m.Journeys))
	var p *beam.Pipeline
	if *in != "" {
		p, err = pipeline.BuildFromFiles(m.Setup, *partitions,
			filepath.Join(*in, "orders*.jsonl"), filepath.Join(*in, "journeys*.jsonl"), *out)
	} else {
		p, err = pipeline.Build(m, *partitions, *out)
	}
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := prism.Execute(ctx, p); err != nil {
		return err
	}
	onPrism := time.Since(start)
	fmt.Fprintf(w, "prism, %d partitions: %s, %.0f records/s; files in %s\n",
		*partitions, onPrism.Round(time.Millisecond), float64(records)/onPrism.Seconds(), *out)
	if !*compare {
		return nil
	}
	start = time.Now()
	c, err := month.Run(m, *partitions)
	if err != nil {
		return err
	}
	inProcess := time.Since(start)
	if err := sameFiles(c, *out); err != nil {
		return err
	}
	fmt.Fprintf(w, "in process (month.Run, %d partitions): %s, %.0f records/s\n",
		*partitions, inProcess.Round(time.Millisecond), float64(records)/inProcess.Seconds())
	fmt.Fprintf(w, "the pipeline's files equal month.Run's byte for byte; Prism's overhead: %.1f µs a record (%.1f× the time)\n",
		(onPrism-inProcess).Seconds()*1e6/float64(records), onPrism.Seconds()/inProcess.Seconds())
	return nil
}

// dumpMonth writes the month of cfg to dir/orders.jsonl and
// dir/journeys.jsonl.
func dumpMonth(cfg month.Config, dir string) error {
	m, err := month.Generate(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	orders, err := os.Create(filepath.Join(dir, "orders.jsonl"))
	if err != nil {
		return err
	}
	defer orders.Close()
	journeys, err := os.Create(filepath.Join(dir, "journeys.jsonl"))
	if err != nil {
		return err
	}
	defer journeys.Close()
	if err := pipeline.WriteLines(m, orders, journeys); err != nil {
		return err
	}
	if err := orders.Close(); err != nil {
		return err
	}
	return journeys.Close()
}

// sameFiles compares the files in dir with those of the close c.
func sameFiles(c *month.Close, dir string) error {
	files, err := pipeline.Files(c)
	if err != nil {
		return err
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, f.Content) {
			return fmt.Errorf("%s differs from month.Run's", f.Name)
		}
	}
	return nil
}

// exposed names an interface other than loopback that is up, or returns "".
func exposed() string {
	ifs, err := net.Interfaces()
	if err != nil {
		return err.Error()
	}
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 && i.Flags&net.FlagLoopback == 0 {
			return "interface " + i.Name + " is up"
		}
	}
	return ""
}
