package o2okit_test

import (
	"fmt"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// Example_engine loads the sample rulebook, evaluates an order, applies its
// postings to a ledger and returns one cabinet of two.
func Example_engine() {
	data, _ := os.ReadFile("examples/rulebook/rulebook.json")
	rb, err := o2okit.LoadRulebook(data)
	if err != nil {
		panic(err)
	}
	engine, _ := o2okit.NewEngine(rb)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, o2o.China())
	order := o2o.Order{ID: "SO-1", Channel: o2o.ChannelO2O, At: at,
		Customer: o2o.Customer{ID: "cust-1", Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode("440305")},
		Delivery: o2o.MustRegionCode("440305001"), Placed: o2o.Placement{Venue: o2o.VenueStoreScreen, StoreID: "store-nanshan"},
		Lines: []o2o.OrderLine{
			{SKU: "CAB-K1", Quantity: o2o.Qty(decimal.NewFromInt(2), o2o.UnitPiece)},
			{SKU: "SVC-MEASURE", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitJob)},
		}}
	ev, err := engine.Evaluate(order, o2okit.Circumstances{})
	if err != nil {
		panic(err)
	}
	fmt.Println("served by", ev.Route.Serve, "for", ev.Need, "- customer pays", ev.Payable.Pays)
	ledger := settlement.MustLedger(settlement.Config{})
	if _, err := ledger.Apply(ev.Batch()); err != nil {
		panic(err)
	}
	ret, err := engine.Return(ledger.Log(), order, o2okit.Return{ID: "RET-1", At: at.Add(72 * time.Hour),
		Lines: []o2okit.ReturnLine{{Line: 0, Quantity: o2o.MustDec("1")}}})
	if err != nil {
		panic(err)
	}
	if _, err := ledger.Apply(ret); err != nil {
		panic(err)
	}
	for _, b := range ledger.Balances() {
		fmt.Println(b.Account, b.Balance)
	}
	// Output:
	// served by store:store-nanshan for measurement - customer pays 8198.00 CNY
	// cust-1 -4199.00 CNY
	// headquarters 3863.08 CNY
	// store-nanshan 335.92 CNY
}
