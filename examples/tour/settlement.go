package main

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// settlementRules splits an O2O sale: the serving store's commission, the
// transfer payment to the store of the customer's region, the fused
// dealer's cross-compensation, and the rest to the manufacturer.
const settlementRules = `{
  "currency": "CNY",
  "manufacturer": "hq",
  "rules": [
    {"channel": "o2o", "legs": [
      {"role": "serving", "percent": "8", "cap": {"amount": "2000.00", "currency": "CNY"}},
      {"role": "region_store", "percent": "2"},
      {"role": "dealer", "percent": "3"},
      {"role": "manufacturer", "remaining": true}]}
  ]
}`

// settlementStep settles one online order: split into the manufacturer's
// revenue, the serving store's commission, the transfer payment by which
// the online sale feeds the offline store of the customer's region
// (線上反哺線下) and the fused dealer's cross-compensation (交叉補償); then
// a partial return reversed pro rata against each party's remaining share;
// then the balances, which sum to zero, and the hash chain, which verifies.
func settlementStep() error {
	heading("Settlement: an online order split, a partial return reversed pro rata")
	splitter, err := settlement.ParseSplitConfig([]byte(settlementRules))
	if err != nil {
		return err
	}
	ledger, err := settlement.NewLedger(settlement.Config{})
	if err != nil {
		return err
	}
	at := time.Date(2024, 5, 3, 10, 0, 0, 0, o2o.China())
	sale := settlement.Sale{
		Order: o2o.Order{ID: "SO-TOUR-1", Channel: o2o.ChannelO2O,
			Customer: o2o.Customer{ID: "cust-chen", Segment: o2o.SegmentRetail},
			Delivery: o2o.MustRegionCode("440305001"), Placed: o2o.Placement{Venue: o2o.VenueOnline},
			ServedBy: &o2o.Serving{Kind: o2o.PartyStore, PartyID: "store-futian"},
			Lines:    []o2o.OrderLine{{SKU: "CAB-K1-O2O", Quantity: o2o.Qty(decimal.NewFromInt(3), o2o.UnitPiece)}},
			At:       at},
		Lines: []settlement.SaleLine{{Line: o2o.LineO2O, Amount: o2o.MustParseMoney("8999.97")}},
	}
	routing := settlement.Routing{RegionStore: "store-nanshan"}
	dealer := []settlement.Entitlement{{Dealer: "dealer-pengcheng", Territory: o2o.MustRegionCode("440300"), Reason: "fused dealer (融合) of Shenzhen"}}
	split, err := splitter.Split(sale, routing, dealer)
	if err != nil {
		return err
	}
	if _, err := ledger.Apply(split.Batch); err != nil {
		return err
	}
	fmt.Printf("Order %s, 3 cabinets online for %s:\n", sale.Order.ID, sale.Lines[0].Amount)
	for _, p := range split.Lines[0].Parts {
		fmt.Printf("  %-13s %-17s %9s  %s\n", p.Role, p.Party, p.Amount.AmountString(), p.Reason)
	}

	// One cabinet of three comes back: each party gives back a third of its
	// share, split against what it still holds, cent-exact.
	line, err := settlement.ReversibleLine(split.Order, split.Lines[0])
	if err != nil {
		return err
	}
	refund, line, err := line.PartialQuantity("RET-TOUR-1", decimal.NewFromInt(1), at.Add(17*24*time.Hour))
	if err != nil {
		return err
	}
	if _, err := ledger.Apply(refund); err != nil {
		return err
	}
	total, err := refund.Total()
	if err != nil {
		return err
	}
	fmt.Printf("Return of 1 cabinet: %s reversed pro rata, %s left on the line:\n", total, line.Remaining())
	for _, p := range refund.Postings {
		fmt.Printf("  %-17s gives back %8s\n", p.From, p.Amount.AmountString())
	}

	// Balances: what each party received minus what it gave.
	fmt.Println("Balances:")
	sum := o2o.CNY.Zero()
	for _, b := range ledger.Balances() {
		fmt.Printf("  %-17s %9s\n", b.Account, b.Balance.AmountString())
		if sum, err = sum.Add(b.Balance); err != nil {
			return err
		}
	}
	if !sum.IsZero() {
		return fmt.Errorf("settlement: balances sum to %s, not zero", sum)
	}
	if err := ledger.VerifyLog(ledger.Log()); err != nil {
		return err
	}
	fmt.Printf("  sum %s; %d postings, hash chain verified\n", sum, ledger.Len())
	return nil
}
