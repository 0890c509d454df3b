package month_test

import (
	"fmt"

	"github.com/o2okit/o2okit/examples/monthend/month"
)

// A small month closed on one worker and on three: the closes are the same,
// statement for statement.
func ExampleRun() {
	m, err := month.Generate(month.Small())
	if err != nil {
		panic(err)
	}
	one, err := month.Run(m, 1)
	if err != nil {
		panic(err)
	}
	three, err := month.Run(m, 3)
	if err != nil {
		panic(err)
	}
	fmt.Println("orders:", one.Orders, "refused:", len(one.Refused), "postings:", one.Postings)
	fmt.Println("differences on three workers:", len(one.Diff(three)))
	// Output:
	// orders: 998 refused: 5 postings: 5691
	// differences on three workers: 0
}

// The steps of a close, reported as each ends: a program times them with
// its own clock (the monthend command prints them).
func ExampleRunStages() {
	m, err := month.Generate(month.Small())
	if err != nil {
		panic(err)
	}
	c, err := month.RunStages(m, 2, func(s month.Stage) { fmt.Println("done:", s) })
	if err != nil {
		panic(err)
	}
	fmt.Println("statements:", len(c.Statements))
	// Output:
	// done: partition
	// done: settle and attribute
	// done: merge
	// done: statements
	// done: finish
	// statements: 809
}
