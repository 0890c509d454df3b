package o2okit_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Example is the package overview's first taste: a campaign's traffic cost
// split over three stores by the traffic each received, to the fen.
func Example() {
	cost := o2o.MustParseMoney("1000000.00")
	parts, err := o2o.Allocate(cost, []o2o.Share{
		{Key: "store-futian", Weight: decimal.NewFromInt(3)},
		{Key: "store-nanshan", Weight: decimal.NewFromInt(3)},
		{Key: "store-baoan", Weight: decimal.NewFromInt(1)},
	})
	if err != nil {
		panic(err)
	}
	for _, p := range parts {
		fmt.Println(p.Key, p.Amount)
	}
	// Output:
	// store-futian 428571.43 CNY
	// store-nanshan 428571.43 CNY
	// store-baoan 142857.14 CNY
}
