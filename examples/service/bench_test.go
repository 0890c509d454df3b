package main

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/workflow"
)

// The cost of HTTP and the database beside the Engine's own: run
//
//	go test -run '^$' -bench . ./...
//
// with the database of ci-services.sh. Each reports requests per second.

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkEvaluate is the Engine alone on a three-line order.
func BenchmarkEvaluate(b *testing.B) {
	engine := testEngine(b)
	o := order3("SO-B", at(3, 1))
	for b.Loop() {
		if _, err := engine.Evaluate(o, o2okit.Circumstances{}); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

var benchSeq atomic.Int64

// BenchmarkPostOrder is POST /orders of a new three-line order: evaluate,
// then one transaction inserting the order and its postings.
func BenchmarkPostOrder(b *testing.B) {
	e := newEnv(b)
	run := benchSeq.Add(1)
	i := 0
	for b.Loop() {
		i++
		r := e.do("POST", "/orders", orderBody{Order: order3(fmt.Sprintf("SO-B%d-%d", run, i), at(3, 1))})
		if r.status != http.StatusCreated {
			b.Fatal(r)
		}
	}
	reportRate(b)
}

// BenchmarkProjectCommand is POST /projects/{id}/commands: restore the
// snapshot, fire, write it back with its outbox rows. A project takes 20
// commands, then the next one starts, so the history stays short.
func BenchmarkProjectCommand(b *testing.B) {
	e := newEnv(b)
	run := benchSeq.Add(1)
	i, project := 0, ""
	for b.Loop() {
		if i%20 == 0 {
			project = fmt.Sprintf("P-B%d-%d", run, i)
			e.do("POST", "/projects", projectRequest{ID: project})
		}
		i++
		cmd := workflow.Command{ID: fmt.Sprintf("c%d", i), Event: "apply", Actor: "clerk", Role: "store", At: at(3, 1), Facts: workflow.Facts{"venue": "store"}}
		if i%20 != 1 {
			cmd = workflow.Command{ID: fmt.Sprintf("c%d", i), Event: "buy_live_video", Actor: "owner", Role: "owner", At: at(3, 1)}
		}
		if r := e.do("POST", "/projects/"+project+"/commands", cmd); r.status != http.StatusOK {
			b.Fatal(r)
		}
	}
	reportRate(b)
}

// BenchmarkPostOrderParallel is POST /orders from as many clients as
// GOMAXPROCS, each with its own orders.
func BenchmarkPostOrderParallel(b *testing.B) {
	e := newEnv(b)
	run := benchSeq.Add(1)
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := e.do("POST", "/orders", orderBody{Order: order3(fmt.Sprintf("SO-P%d-%d", run, n.Add(1)), at(3, 1))})
			if r.status != http.StatusCreated {
				b.Error(r)
				return
			}
		}
	})
	reportRate(b)
}
