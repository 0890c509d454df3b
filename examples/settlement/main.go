// Command settlement runs one month of settlement for Guangdong province:
// an online order and a store order split into revenue, commissions, a
// transfer payment and a dealer's cross-compensation; a partial return; a
// station's budget request; and an investor's store repaid from its revenue
// share. It prints each party's statement and checks that the ledger
// balances.
//
//	go run ./examples/settlement
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

const rules = `{
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

func day(d int) time.Time { return time.Date(2024, 5, d, 10, 0, 0, 0, o2o.China()) }

func main() {
	splitter, err := settlement.ParseSplitConfig([]byte(rules))
	check(err)
	ledger := settlement.MustLedger(settlement.Config{})

	// 1. An online order from Nanshan, served by an agent of the Futian store;
	// the Nanshan store covers the customer's township (transfer payment), and
	// the delivery falls in the fused dealer's Shenzhen territory.
	online := settlement.Sale{
		Order: o2o.Order{ID: "SO-0501", Channel: o2o.ChannelO2O,
			Customer: o2o.Customer{ID: "cust-chen", Segment: o2o.SegmentRetail},
			Delivery: o2o.MustRegionCode("440305001"), Placed: o2o.Placement{Venue: o2o.VenueOnline},
			ServedBy: &o2o.Serving{Kind: o2o.PartyAgent, PartyID: "agent-liu", StoreID: "store-futian"},
			Lines: []o2o.OrderLine{
				{SKU: "TILE-60", Quantity: o2o.Qty(decimal.NewFromInt(40), o2o.UnitSquareMetre)},
				{SKU: "CAB-01", Quantity: o2o.Qty(decimal.NewFromInt(3), o2o.UnitPiece)},
			},
			At: day(3)},
		Lines: []settlement.SaleLine{
			{Line: o2o.LineO2O, Amount: o2o.MustParseMoney("3596.00")},
			{Line: o2o.LineO2O, Amount: o2o.MustParseMoney("8999.97")},
		},
	}
	ent := []settlement.Entitlement{{Dealer: "dealer-pengcheng", Territory: o2o.MustRegionCode("440300"), Reason: "fused dealer (融合) of Shenzhen"}}
	s1, err := splitter.Split(online, settlement.Routing{RegionStore: "store-nanshan"}, ent)
	check(err)
	apply(ledger, s1.Batch)
	fmt.Print(s1.Explain())

	// 2. A store order in Foshan, on the store's own screen (counts as in
	// store: no transfer payment), outside any dealer's territory.
	store := settlement.Sale{
		Order: o2o.Order{ID: "SO-0502", Channel: o2o.ChannelO2O,
			Customer: o2o.Customer{ID: "cust-huang", Segment: o2o.SegmentRural},
			Delivery: o2o.MustRegionCode("440604"), Placed: o2o.Placement{Venue: o2o.VenueStoreScreen, StoreID: "store-chancheng"},
			ServedBy: &o2o.Serving{Kind: o2o.PartyStore, PartyID: "store-chancheng"},
			Lines:    []o2o.OrderLine{{SKU: "DOOR-3", Quantity: o2o.Qty(decimal.NewFromInt(5), o2o.UnitPiece)}},
			At:       day(9)},
		Lines: []settlement.SaleLine{{Line: o2o.LineO2O, Amount: o2o.MustParseMoney("15000.00")}},
	}
	s2, err := splitter.Split(store, settlement.Routing{}, nil)
	check(err)
	apply(ledger, s2.Batch)
	fmt.Print(s2.Explain())

	// 3. Chen returns one of three cabinets: a partial return split against
	// each party's remaining share.
	cabinets, err := settlement.ReversibleLine(s1.Order, s1.Lines[1])
	check(err)
	ret, cabinets, err := cabinets.PartialQuantity("RET-0520", decimal.NewFromInt(1), day(20))
	check(err)
	apply(ledger, ret)
	fmt.Printf("\nreturn RET-0520, one cabinet: %s reversed, %s left on the line\n", total(ret), cabinets.Remaining())

	// 4. The investor's store: an advance, then the month's revenue share.
	inst := o2o.MustParseMoney("6000.00")
	pos := settlement.Position{Store: "store-chancheng", Investor: "investor-zhao", Manufacturer: "hq",
		Capital: o2o.MustParseMoney("0"), Advanced: o2o.MustParseMoney("0"), AdvanceLimit: o2o.MustParseMoney("10000.00"),
		RepayPercent: o2o.MustDec("50"), Installment: &inst}
	ps, pos, err := pos.Invest(o2o.MustParseMoney("50000.00"), "INV-1", day(1))
	check(err)
	apply(ledger, settlement.Batch{Postings: ps})
	ps, pos, err = pos.Advance(o2o.MustParseMoney("8000.00"), "ADV-1", day(2))
	check(err)
	apply(ledger, settlement.Batch{Postings: ps})
	share := ledger.Balance("store-chancheng")
	rep, err := settlement.Repay(pos, o2o.MustParseMoney("1200.00"), "REP-05", day(31))
	check(err)
	apply(ledger, settlement.Batch{Postings: rep.Postings})
	fmt.Printf("\nco-investment: store balance before repayment %s; %s\n", share, rep.Reason)
	fmt.Printf("  outstanding: advances %s, capital %s\n", rep.Position.Advanced, rep.Position.Capital)

	// 5. The Shenzhen station asks for a budget.
	var acfg settlement.AuthorityConfig
	check(acfg.UnmarshalJSON([]byte(`{
	  "bands": [{"upTo": {"amount": "5000.00", "currency": "CNY"}, "level": "area_director"}, {"level": "vp"}],
	  "caps": [{"city": "440300", "cap": {"amount": "100000.00", "currency": "CNY"}}]}`)))
	auth, err := acfg.Build()
	check(err)
	req := settlement.Request{ID: "BUD-05", Station: "station-sz", City: o2o.MustRegionCode("440300"),
		Purpose: "road show in Nanshan villages", Amount: o2o.MustParseMoney("4500.00"), At: day(15)}
	for _, who := range []settlement.Approver{{ID: "clerk-wu", Level: settlement.LevelStaff}, {ID: "director-he", Level: settlement.LevelAreaDirector}, {ID: "vp-sun", Level: settlement.LevelVP}} {
		d, err := auth.Decide(req, who, o2o.MustParseMoney("97000.00"))
		check(err)
		fmt.Printf("\nbudget %s by %s: %s — %s\n", req.ID, who.ID, d.Outcome, d.Reason)
	}

	// Statements for May, and the checks.
	fmt.Println()
	statements, err := ledger.Statements(settlement.Month(2024, time.May, nil))
	check(err)
	sum := o2o.Money{}
	for _, st := range statements {
		fmt.Println(st)
		sum, err = sum.Add(st.Closing)
		check(err)
	}
	head, _ := ledger.Head()
	check(ledger.VerifyLog(ledger.Log()))
	fmt.Printf("\n%d postings; balances sum to %s; hash chain verified, head %s…\n", ledger.Len(), sum, head.String()[:16])
	if !sum.IsZero() {
		log.Fatal("the ledger does not balance")
	}

	// Month-end: snapshot the ledger and restore it, as an auditor would;
	// every posting is applied again and the chain must end at the same head.
	snap, err := json.Marshal(ledger)
	check(err)
	restored, err := settlement.ParseLedger(snap)
	check(err)
	again, _ := restored.Head()
	fmt.Printf("snapshot of %d bytes restored: same head %v, hq balance %s\n", len(snap), again == head, restored.Balance("hq"))
}

func apply(l *settlement.Ledger, b settlement.Batch) {
	if len(b.Postings) == 0 {
		return
	}
	_, err := l.Apply(b)
	check(err)
}

func total(b settlement.Batch) o2o.Money {
	t, err := b.Total()
	check(err)
	return t
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
