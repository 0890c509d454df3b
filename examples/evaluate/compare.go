package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
)

// change is one JSON field whose value differs under the two rulebooks.
type change struct {
	// Path is the field's JSON path in the evaluation ("payable.net.amount"),
	// or "outcome" when one rulebook refuses the order and the other does not.
	Path     string `json:"path"`
	Baseline any    `json:"baseline"`
	Rules    any    `json:"rules"`
}

// difference is one order evaluated differently under the two rulebooks.
type difference struct {
	Line    int      `json:"line"`
	Order   string   `json:"order"`
	Changes []change `json:"changes"`
}

// outcome is an order's evaluation as JSON, or why it was refused.
type outcome struct {
	data    []byte
	refused string
}

func outcomeOf(engine *o2okit.Engine, in input) (outcome, error) {
	ev, err := engine.Evaluate(in.Order, in.Circumstances)
	if err != nil {
		return outcome{refused: err.Error()}, nil
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return outcome{}, err
	}
	return outcome{data: data}, nil
}

// generic decodes an evaluation's JSON for diff, numbers kept as written.
func generic(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func (o outcome) String() string {
	if o.refused != "" {
		return "refused: " + o.refused
	}
	return "evaluated"
}

// compare evaluates a line under both rulebooks and writes the differences,
// if any.
func compare(base, engine *o2okit.Engine, names o2o.RegionNames, line []byte, n int, out, stderr io.Writer, s *summary) {
	in, err := readLine(line, names)
	if err != nil {
		s.unreadable++
		fmt.Fprintf(stderr, "line %d: %v\n", n, err)
		return
	}
	was, err := outcomeOf(base, in)
	if err == nil {
		var now outcome
		if now, err = outcomeOf(engine, in); err == nil {
			d := difference{Line: n, Order: in.Order.ID}
			switch {
			case was.refused != "" || now.refused != "":
				if was.refused != now.refused {
					d.Changes = []change{{Path: "outcome", Baseline: was.String(), Rules: now.String()}}
				}
			case !bytes.Equal(was.data, now.data): // most orders do not change: skip the diff
				var a, b any
				if a, err = generic(was.data); err == nil {
					b, err = generic(now.data)
				}
				if err != nil {
					break
				}
				d.Changes = diff("", a, b, nil)
			}
			if err != nil {
				s.refused++
				fmt.Fprintf(stderr, "line %d: order %s: %v\n", n, in.Order.ID, err)
				return
			}
			if len(d.Changes) > 0 {
				s.differ++
				data, err := json.Marshal(d)
				if err == nil {
					out.Write(data)
					out.Write([]byte{'\n'})
				}
			}
			return
		}
	}
	s.refused++
	fmt.Fprintf(stderr, "line %d: order %s: %v\n", n, in.Order.ID, err)
}

// diff appends the paths at which a and b differ, in a deterministic order:
// object keys sorted, array elements by index (an element present on one side
// only is null on the other).
func diff(path string, a, b any, acc []change) []change {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return append(acc, change{Path: path, Baseline: a, Rules: b})
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			acc = diff(p, av[k], bv[k], acc)
		}
		return acc
	case []any:
		bv, ok := b.([]any)
		if !ok {
			return append(acc, change{Path: path, Baseline: a, Rules: b})
		}
		for i := range max(len(av), len(bv)) {
			var x, y any
			if i < len(av) {
				x = av[i]
			}
			if i < len(bv) {
				y = bv[i]
			}
			acc = diff(path+"["+strconv.Itoa(i)+"]", x, y, acc)
		}
		return acc
	default:
		if a != b {
			acc = append(acc, change{Path: path, Baseline: a, Rules: b})
		}
		return acc
	}
}
