// Command evaluate runs a file of orders through a rulebook, one evaluation
// per order, and compares two rulebooks on the same orders: the tool to try a
// rule change on yesterday's orders before it goes live.
//
//	go run ./examples/evaluate                                 # the samples in examples/rulebook
//	go run ./examples/evaluate -rules R.json -orders O.jsonl   # your rulebook and orders
//	go run ./examples/evaluate -rules NEW.json -baseline OLD.json -orders O.jsonl
//	go run ./examples/evaluate -generate 100000 > big.jsonl    # synthetic orders for a load test
//
// The orders file holds one JSON value per line: an order as o2o.Order writes
// it, or {"order":{…},"circumstances":{…}} to evaluate it under a campaign,
// with leads or coupons (o2okit.Circumstances). "-" reads standard input.
// Blank lines and lines starting with # are skipped. An order whose delivery
// or home region is a well-formed code that names no division (440660103) is
// reported as unreadable; -regions=false checks the codes' shape only.
//
// Each evaluation is written to standard output as one line of JSON
// (o2okit.Evaluation). A line that cannot be read, or an order the rules
// refuse, gets a message on standard error with its line number, and the run
// goes on; a progress line goes to standard error every 10,000 orders, and a
// summary at the end.
//
// With -baseline, every order is evaluated under both rulebooks and only the
// orders whose evaluations differ are written, one line each: the order, its
// line number and each JSON field that changed with its value under the
// baseline and under -rules.
//
// The exit status is 0 when the run completed (even with bad lines), 1 when a
// rulebook or the orders file cannot be read, 2 for bad flags.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/regions"
)

// progressEvery is how many orders pass between two progress lines.
const progressEvery = 10_000

// maxLine is the longest line read, in bytes; a longer one is reported as
// bad and skipped.
const maxLine = 1 << 20

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// options are the command's flags.
type options struct {
	rules, baseline, orders string
	generate                int
	timing, regions         bool
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opt options
	fs.StringVar(&opt.rules, "rules", "", "the rulebook to evaluate with (default: the sample rulebook)")
	fs.StringVar(&opt.baseline, "baseline", "", "a second rulebook: print only the orders whose evaluations differ under the two")
	fs.StringVar(&opt.orders, "orders", "", "the orders, one JSON value per line, - for standard input (default: the sample orders)")
	fs.IntVar(&opt.generate, "generate", 0, "write this many synthetic orders for the sample rulebook and stop")
	fs.BoolVar(&opt.regions, "regions", true, "refuse an order whose delivery or home region code names no real division (the regions registry's data)")
	fs.BoolVar(&opt.timing, "time", false, "add the elapsed time and orders per second to the summary")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "evaluate: unexpected argument %q (the flags are -rules, -orders, -baseline)\n", fs.Arg(0))
		return 2
	}
	if opt.generate > 0 {
		w := bufio.NewWriter(stdout)
		if err := generate(w, opt.generate); err != nil {
			fmt.Fprintln(stderr, "evaluate:", err)
			return 1
		}
		if err := w.Flush(); err != nil {
			fmt.Fprintln(stderr, "evaluate:", err)
			return 1
		}
		return 0
	}
	if err := evaluate(opt, stdin, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	return 0
}

// sampleDir finds examples/rulebook from the repository root, from
// examples/evaluate, or from examples.
func sampleDir() (string, error) {
	for _, dir := range []string{filepath.Join("examples", "rulebook"), filepath.Join("..", "rulebook"), "rulebook"} {
		if _, err := os.Stat(filepath.Join(dir, "orders.jsonl")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("the sample files are in examples/rulebook: run from the repository root, or name your files with -rules and -orders")
}

func loadEngine(path string) (*o2okit.Engine, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rb, err := o2okit.LoadRulebook(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return o2okit.NewEngine(rb)
}

// input is one line of the orders file in its envelope form.
type input struct {
	Order         o2o.Order            `json:"order"`
	Circumstances o2okit.Circumstances `json:"circumstances,omitzero"`
}

// readLine decodes one line: a bare order, or an envelope with circumstances.
// With names, it also refuses an order whose regions do not exist.
func readLine(line []byte, names o2o.RegionNames) (input, error) {
	var in input
	var err error
	if enveloped(line) {
		err = o2o.DecodeJSON(line, &in)
	} else {
		err = o2o.DecodeJSON(line, &in.Order)
	}
	if err == nil {
		if err = in.Order.CheckRegions(names); err != nil {
			err = fmt.Errorf("order %q: %w", in.Order.ID, err)
		}
	}
	return in, err
}

// enveloped reports whether a line's first key is "order" or
// "circumstances".
func enveloped(line []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(line))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	t, err := dec.Token()
	return err == nil && (t == "order" || t == "circumstances")
}

// summary counts what a run did.
type summary struct {
	lines, orders, evaluated, refused, unreadable, differ int
}

func evaluate(opt options, stdin io.Reader, stdout, stderr io.Writer) error {
	if opt.rules == "" || opt.orders == "" {
		dir, err := sampleDir()
		if err != nil {
			return err
		}
		if opt.rules == "" {
			opt.rules = filepath.Join(dir, "rulebook.json")
		}
		if opt.orders == "" {
			opt.orders = filepath.Join(dir, "orders.jsonl")
		}
	}
	engine, err := loadEngine(opt.rules)
	if err != nil {
		return err
	}
	var names o2o.RegionNames
	if opt.regions {
		names = regions.China()
	}
	var base *o2okit.Engine
	if opt.baseline != "" {
		if base, err = loadEngine(opt.baseline); err != nil {
			return err
		}
	}
	src := stdin
	if opt.orders != "-" {
		f, err := os.Open(opt.orders)
		if err != nil {
			return err
		}
		defer f.Close()
		src = f
	}
	start := time.Now()
	out := bufio.NewWriterSize(stdout, 64<<10)
	r := bufio.NewReaderSize(src, 64<<10)
	var s summary
	for {
		line, long, err := readFull(r)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: line %d: %w", opt.orders, s.lines+1, err)
		}
		if len(line) == 0 && !long && errors.Is(err, io.EOF) {
			break
		}
		s.lines++
		if long {
			s.unreadable++
			fmt.Fprintf(stderr, "line %d: longer than %d bytes: skipped\n", s.lines, maxLine)
		} else if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			s.orders++
			if base == nil {
				one(engine, names, t, s.lines, out, stderr, &s)
			} else {
				compare(base, engine, names, t, s.lines, out, stderr, &s)
			}
			if s.orders%progressEvery == 0 {
				fmt.Fprintf(stderr, "… %d orders\n", s.orders)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if base == nil {
		fmt.Fprintf(stderr, "%d orders: %d evaluated, %d refused by the rules, %d unreadable\n",
			s.orders, s.evaluated, s.refused, s.unreadable)
	} else {
		fmt.Fprintf(stderr, "%d orders: %d evaluated differently under -baseline and -rules, %d unreadable\n",
			s.orders, s.differ, s.unreadable)
	}
	if opt.timing {
		d := time.Since(start)
		fmt.Fprintf(stderr, "%s, %.0f orders/s\n", d.Round(time.Millisecond), float64(s.orders)/d.Seconds())
	}
	return nil
}

// readFull reads one line without its newline. A line longer than maxLine is
// consumed and reported as long.
func readFull(r *bufio.Reader) (line []byte, long bool, err error) {
	for {
		chunk, isPrefix, err := r.ReadLine()
		if !long {
			line = append(line, chunk...)
			if len(line) > maxLine {
				long, line = true, nil
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) && (len(line) > 0 || long) {
				return line, long, nil
			}
			return line, long, err
		}
		if !isPrefix {
			return line, long, nil
		}
	}
}

// one evaluates a line under one rulebook and writes its evaluation.
func one(engine *o2okit.Engine, names o2o.RegionNames, line []byte, n int, out io.Writer, stderr io.Writer, s *summary) {
	in, err := readLine(line, names)
	if err != nil {
		s.unreadable++
		fmt.Fprintf(stderr, "line %d: %v\n", n, err)
		return
	}
	ev, err := engine.Evaluate(in.Order, in.Circumstances)
	if err != nil {
		s.refused++
		fmt.Fprintf(stderr, "line %d: %v\n", n, err)
		return
	}
	data, err := json.Marshal(ev)
	if err != nil {
		s.refused++
		fmt.Fprintf(stderr, "line %d: order %s: %v\n", n, in.Order.ID, err)
		return
	}
	s.evaluated++
	out.Write(data)
	out.Write([]byte{'\n'})
}
