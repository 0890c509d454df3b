// Command rulebook checks a rulebook and evaluates one order with it.
//
//	go run ./examples/rulebook                 # the sample rulebook beside this file
//	go run ./examples/rulebook my-rules.json   # your own: every fault, with its JSON path
//
// The sample holds two provinces (Guangdong and Zhejiang): community stores and
// provincial hubs, a service agent, a fused dealer in Dongguan and an
// independent one in Ningbo, a designated group account, a four-stage
// promotion ladder, the drainage attribution rules, the decoration and
// after-sales workflows and the budget authority.
package main

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

//go:embed rulebook.json
var sample []byte

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rulebook:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	data := sample
	if len(args) > 0 {
		var err error
		if data, err = os.ReadFile(args[0]); err != nil {
			return err
		}
	}
	rb, err := o2okit.LoadRulebook(data)
	var re *o2okit.RulebookError
	if errors.As(err, &re) {
		for _, f := range re.Faults {
			fmt.Println(f)
		}
		if re.Omitted > 0 {
			fmt.Printf("… and %d more\n", re.Omitted)
		}
		return fmt.Errorf("%d faults", len(re.Faults)+re.Omitted)
	}
	if err != nil {
		return err
	}
	fmt.Printf("rulebook ok: %d products, %d price entries, %d stores, %d dealers\n\n",
		rb.Catalog().Len(), len(rb.Policy().Book().Entries()), len(rb.Network().Config().Stores), len(rb.Network().Config().Dealers))
	if len(args) > 0 {
		return nil
	}
	// A customer in Dongguan, a fused dealer's territory, orders tiles and a
	// measurement online during stage 1 of the ladder.
	engine, err := o2okit.NewEngine(rb)
	if err != nil {
		return err
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, o2o.China())
	order := o2o.Order{ID: "SO-1", Channel: o2o.ChannelO2O, At: at,
		Customer: o2o.Customer{ID: "cust-1", Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode("441900")},
		Delivery: o2o.MustRegionCode("441900003"), Placed: o2o.Placement{Venue: o2o.VenueOnline},
		Lines: []o2o.OrderLine{
			{SKU: "TILE-YF600", Quantity: o2o.Qty(decimal.RequireFromString("36.5"), o2o.UnitSquareMetre)},
			{SKU: "SVC-MEASURE", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitJob)},
		}}
	ev, err := engine.Evaluate(order, o2okit.Circumstances{
		Campaign: &pricing.Campaign{ID: "spring-ladder", Stage: 1, FundingLeft: o2o.MustParseMoney("50000.00")}})
	if err != nil {
		return err
	}
	fmt.Print(ev.Explain())
	return nil
}
