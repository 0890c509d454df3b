// Command monthend closes a generated month of a national network on one
// worker and on several, checks the closes are byte for byte the same, and
// prints the times and the speed-up.
//
//	go run ./examples/monthend                       # the small month, 1 and 2 workers
//	go run ./examples/monthend -size full            # 1,000,000 order lines, 5,000,000 journeys
//	go run ./examples/monthend -size full -workers 4
//
// The month is generated before the clock starts; each run times
// evaluation, settlement, attribution, the merge and the statements. The
// close goes to standard output, the same on every run; the times and the
// speed-up, which vary, to standard error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("monthend", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "small", "the month's size: small or full")
	workers := fs.Int("workers", 2, "the workers of the partitioned run, compared with one worker")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "monthend: unexpected argument %q (the flags are -size and -workers)\n", fs.Arg(0))
		return 2
	}
	if *workers < 1 || *workers > 1024 {
		fmt.Fprintf(stderr, "monthend: -workers must be 1 to 1024, got %d\n", *workers)
		return 2
	}
	cfg, err := month.Sized(*size)
	if err != nil {
		fmt.Fprintln(stderr, "monthend:", err)
		return 2
	}
	if err := closeMonth(cfg, *workers, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "monthend:", err)
		return 1
	}
	return 0
}

// closeMonth generates the month, closes it on one worker and on workers,
// and compares the two.
func closeMonth(cfg month.Config, workers int, w, times io.Writer) error {
	m, err := month.Generate(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "month: %s: %d orders\n", cfg, len(m.Orders))
	one, d1, err := timed(m, 1, times)
	if err != nil {
		return err
	}
	many, dn, err := timed(m, workers, times)
	if err != nil {
		return err
	}
	if diff := one.Diff(many); len(diff) > 0 {
		for _, d := range diff {
			fmt.Fprintln(w, "differs:", d)
		}
		return fmt.Errorf("the close on %d workers differs from the close on one", workers)
	}
	fmt.Fprintf(w, "close: %d orders settled, %d refused (%d over a credit limit), %d postings, %d statements\n",
		one.Orders, len(one.Refused), overLimit(one), one.Postings, len(one.Statements))
	fmt.Fprintf(w, "digest: %s\n", one.Digest)
	fmt.Fprintf(w, "1 and %d workers: every statement, the digest, the drainage charges and KPIs identical\n", workers)
	fmt.Fprintf(times, "speed-up on %d workers: %.2f×\n", workers, d1.Seconds()/dn.Seconds())
	return nil
}

// timed runs the close on workers, times it and prints the time, each
// stage's in parentheses.
//
// It collects the garbage first, so that each run starts from the same heap:
// what generating the month or the run before left is not collected on this
// run's clock.
func timed(m *month.Month, workers int, times io.Writer) (*month.Close, time.Duration, error) {
	runtime.GC()
	var stages []string
	start := time.Now()
	last := start
	c, err := month.RunStages(m, workers, func(s month.Stage) {
		now := time.Now()
		stages = append(stages, fmt.Sprintf("%s %.1fs", s, now.Sub(last).Seconds()))
		last = now
	})
	d := time.Since(start)
	if err == nil {
		noun := "workers"
		if workers == 1 {
			noun = "worker"
		}
		fmt.Fprintf(times, "%d %s: %s (%s)\n", workers, noun, d.Round(time.Millisecond), strings.Join(stages, ", "))
	}
	return c, d, err
}

// overLimit counts the orders refused by a credit limit.
func overLimit(c *month.Close) int {
	n := 0
	for _, r := range c.Refused {
		if r.Stage == month.StageLimit {
			n++
		}
	}
	return n
}
