package main

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
)

// order is Chen's order as the story carries it on: the order, its
// evaluation, and the ledger its postings went to.
type order struct {
	order  o2o.Order
	ev     *o2okit.Evaluation
	ledger *settlement.Ledger
}

// march is the month of the story, in China time: the SDK never reads a clock.
func march(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, o2o.China())
}

// spring is the promotion campaign of the story: stage 1 of the ladder
// (free construction), with the funding it has left on the day of the order.
func spring() *pricing.Campaign {
	return &pricing.Campaign{ID: "spring-ladder", Stage: 1, FundingLeft: o2o.MustParseMoney("50000.00")}
}

// theOrder evaluates Chen's order: routed, checked for conflicts, priced and
// split, in one call to the Engine.
func (s *story) theOrder() error {
	s.chapter("One order, from routing to settlement")
	o := o2o.Order{
		ID: "SO-0306-CHEN", Channel: o2o.ChannelO2O, At: march(6, 10, 30),
		Customer: o2o.Customer{ID: "cust-chen", Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode("440305")},
		Delivery: o2o.MustRegionCode("441900003"),
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		Lines: []o2o.OrderLine{
			{SKU: "TILE-YF600", Quantity: o2o.Qty(decimal.RequireFromString("36.5"), o2o.UnitSquareMetre)},
			{SKU: "CAB-K1", Quantity: o2o.Qty(decimal.NewFromInt(1), o2o.UnitPiece)},
		},
	}
	s.say("Chen lives in " + s.region(o.Customer.Home) + " and has bought a flat in " + s.region(o.Delivery) +
		". During the spring campaign (ladder stage 1: free construction) Chen orders tiles and a " +
		"kitchen cabinet online, through the O2O channel: paid for in the O2O system, " +
		"delivered and served on the ground by a store.")
	s.printf("\n")
	s.say("The Engine evaluates the order in one call. Routing looks for the store closest to the " +
		"delivery township able to do the work; the conflict rules notice that the flat lies in a fused " +
		"dealer's territory (cross-compensation, 交叉补偿); every line is quoted at the province's price, " +
		"a little higher online; and the sale is split into postings: the serving store's commission, " +
		"the transfer payment to the store of Chen's home region (线上反哺线下), the dealer's " +
		"cross-compensation and the manufacturer's revenue. The evaluation explains itself:")
	s.printf("\n")
	ev, err := s.engine.Evaluate(o, o2okit.Circumstances{Campaign: spring()})
	if err != nil {
		return err
	}
	s.printf("%s", indent(ev.Explain(), "  "))
	if len(ev.Benefits) == 0 || ev.FundingLeft == nil {
		return fmt.Errorf("order %s: the sample rulebook's ladder granted no benefit", o.ID)
	}
	s.printf("\n")
	s.say("Nothing in the explanation is typed into the tour: the prices, percentages and parties all " +
		"come from examples/rulebook/rulebook.json. The campaign gives Chen " + ev.Benefits[0].Description +
		", worth " + ev.Benefits[0].Cost.String() + " and paid from the campaign's funding, not by lowering " +
		"a price; the campaign has " + ev.FundingLeft.String() + " left.")

	ledger, err := settlement.NewLedger(settlement.Config{})
	if err != nil {
		return err
	}
	if _, err := ledger.Apply(ev.Batch()); err != nil {
		return err
	}
	s.printf("\nThe batch balances and goes into the ledger (%d postings). What each party receives:\n", ledger.Len())
	for _, b := range ledger.Balances() {
		if b.Balance.IsPositive() {
			s.printf("  %-18s %10s\n", b.Account, b.Balance.AmountString())
		}
	}
	s.order = &order{order: o, ev: ev, ledger: ledger}
	return nil
}

// theReturn sends back the tiles Chen did not need, and reverses their
// share of every party's postings pro rata.
func (s *story) theReturn() error {
	s.chapter("A return")
	back := o2o.MustDec("6.5")
	line := s.order.order.Lines[0]
	s.say("Chen ordered too many tiles: " + back.String() + " of the " + line.Quantity.String() +
		" go back. The Engine rebuilds the line from the postings already made and reverses the returned " +
		"share of every party's part exactly, to the fen, so the order's postings and its returns together " +
		"add up to what was kept.")
	ret := o2okit.Return{ID: "RET-0318-CHEN", At: march(18, 15, 0),
		Lines: []o2okit.ReturnLine{{Line: 0, Quantity: back}}}
	batch, err := s.engine.Return(s.order.ledger.Postings(), s.order.order, ret)
	if err != nil {
		return err
	}
	if _, err := s.order.ledger.Apply(batch); err != nil {
		return err
	}
	total, err := batch.Total()
	if err != nil {
		return err
	}
	s.printf("\nReturn %s of %s: %s reversed:\n", ret.ID, line.SKU, total)
	for _, p := range batch.Postings {
		s.printf("  %-18s gives back %8s to %s\n", p.From, p.Amount.AmountString(), p.To)
	}
	s.printf("\nAfter the return, what each party keeps from the order:\n")
	sum := o2o.CNY.Zero()
	for _, b := range s.order.ledger.Balances() {
		s.printf("  %-18s %10s\n", b.Account, b.Balance.AmountString())
		if sum, err = sum.Add(b.Balance); err != nil {
			return err
		}
	}
	s.printf("  (the balances sum to %s: every fen the customer paid is somewhere)\n", sum.AmountString())
	return nil
}
