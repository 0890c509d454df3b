package settlement_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

func Example_splitFromJSON() {
	at := time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China())
	splitter, err := settlement.ParseSplitConfig([]byte(`{
	  "manufacturer": "hq",
	  "rules": [{"channel": "o2o", "legs": [
	    {"role": "serving", "percent": "8"},
	    {"role": "region_store", "percent": "2"},
	    {"role": "dealer", "percent": "3"},
	    {"role": "manufacturer", "remaining": true}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	order := o2o.Order{ID: "SO-1", Channel: o2o.ChannelO2O,
		Customer: o2o.Customer{ID: "cust-1", Segment: o2o.SegmentRetail},
		Delivery: o2o.MustRegionCode("440305001"), Placed: o2o.Placement{Venue: o2o.VenueOnline},
		ServedBy: &o2o.Serving{Kind: o2o.PartyStore, PartyID: "store-futian"},
		Lines:    []o2o.OrderLine{{SKU: "TILE-60", Quantity: o2o.Qty(decimal.NewFromInt(12), o2o.UnitSquareMetre)}},
		At:       at}
	sale := settlement.Sale{Order: order, Lines: []settlement.SaleLine{{Line: o2o.LineO2O, Amount: o2o.MustParseMoney("333.33")}}}
	split, err := splitter.Split(sale, settlement.Routing{RegionStore: "store-nanshan"},
		[]settlement.Entitlement{{Dealer: "dealer-sz", Territory: o2o.MustRegionCode("440300")}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range split.Batch.Postings {
		fmt.Printf("%-22s %-14s %s\n", p.Kind, p.To, p.Amount)
	}
	// Output:
	// store_commission       store-futian   26.66 CNY
	// transfer_payment       store-nanshan  6.67 CNY
	// cross_compensation     dealer-sz      10.00 CNY
	// sale_revenue           hq             290.00 CNY
}

func ExampleLedger_Apply() {
	at := time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China())
	l := settlement.MustLedger(settlement.Config{})
	sale := settlement.Posting{Key: "SO-1/0/manufacturer", Kind: settlement.KindSaleRevenue,
		From: "cust-1", To: "hq", Amount: o2o.MustParseMoney("100.00"), Order: "SO-1", At: at}
	res, _ := l.Apply(settlement.Batch{Postings: []settlement.Posting{sale}})
	fmt.Println(res.Results[0].Status)
	res, _ = l.Apply(settlement.Batch{Postings: []settlement.Posting{sale}}) // a retry
	fmt.Println(res.Results[0].Status)
	changed := sale
	changed.Amount = o2o.MustParseMoney("90.00")
	_, err := l.Apply(settlement.Batch{Postings: []settlement.Posting{changed}})
	fmt.Println(err)
	fmt.Println(l.Balance("hq"), l.Balance("cust-1"))
	// Output:
	// created
	// exists
	// postings[0]: key "SO-1/0/manufacturer" already names a different posting (SO-1/0/manufacturer sale_revenue cust-1→hq 100.00 CNY)
	// 100.00 CNY -100.00 CNY
}

func ExampleMerge() {
	at := time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China())
	mk := func(key, to, amount string) settlement.Posting {
		return settlement.Posting{Key: key, Kind: settlement.KindSaleRevenue, From: "cust", To: to, Amount: o2o.MustParseMoney(amount), At: at}
	}
	a := settlement.MustLedger(settlement.Config{})
	b := settlement.MustLedger(settlement.Config{})
	all := settlement.MustLedger(settlement.Config{})
	_, _ = a.Apply(settlement.Batch{Postings: []settlement.Posting{mk("k1", "hq", "10.00")}})
	_, _ = b.Apply(settlement.Batch{Postings: []settlement.Posting{mk("k2", "store", "2.50")}})
	_, _ = all.Apply(settlement.Batch{Postings: []settlement.Posting{mk("k2", "store", "2.50"), mk("k1", "hq", "10.00")}})
	m, _ := settlement.Merge(b, a)
	fmt.Println(m.Balances())
	fmt.Println(m.Digest() == all.Digest())
	// Output:
	// [{cust -12.50 CNY} {hq 10.00 CNY} {store 2.50 CNY}]
	// true
}

func ExampleReversible_Partial() {
	at := time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China())
	orig := settlement.Batch{ID: "SO-9", Postings: []settlement.Posting{
		{Key: "a", Kind: settlement.KindSaleRevenue, From: "cust", To: "hq", Amount: o2o.MustParseMoney("0.67"), At: at},
		{Key: "b", Kind: settlement.KindStoreCommission, From: "cust", To: "store", Amount: o2o.MustParseMoney("0.33"), At: at},
	}}
	r, _ := settlement.NewReversible(orig, o2o.Quantity{})
	for i, amount := range []string{"0.50", "0.49", "0.01"} {
		b, next, err := r.Partial(fmt.Sprintf("RET-%d", i), o2o.MustParseMoney(amount), at)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, p := range b.Postings {
			fmt.Printf("%s: %s back from %s\n", b.ID, p.Amount, p.From)
		}
		r = next
	}
	_, _, err := r.Full("RET-3", at)
	fmt.Println(err)
	// Output:
	// RET-0: 0.34 CNY back from hq
	// RET-0: 0.16 CNY back from store
	// RET-1: 0.32 CNY back from hq
	// RET-1: 0.17 CNY back from store
	// RET-2: 0.01 CNY back from hq
	// reversal of "SO-9": is already reversed in full; a second full reversal is refused
}

func ExampleAuthority_Decide() {
	at := time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China())
	var cfg settlement.AuthorityConfig
	_ = cfg.UnmarshalJSON([]byte(`{
	  "bands": [{"upTo": {"amount": "5000.00", "currency": "CNY"}, "level": "area_director"}, {"level": "vp"}],
	  "caps": [{"city": "440300", "cap": {"amount": "100000.00", "currency": "CNY"}}]}`))
	auth, err := cfg.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	req := settlement.Request{ID: "B-7", Station: "station-sz", City: o2o.MustRegionCode("440300"),
		Purpose: "local BBS site", Amount: o2o.MustParseMoney("300000.00"), At: at}
	d, _ := auth.Decide(req, settlement.Approver{ID: "li", Level: settlement.LevelAreaDirector}, o2o.Money{})
	fmt.Println(d.Outcome, d.Required)
	d, _ = auth.Decide(req, settlement.Approver{ID: "wang", Level: settlement.LevelVP}, o2o.Money{})
	fmt.Println(d.Outcome, d.OverCap)
	// Output:
	// refused_authority vp
	// approved true
}

func ExampleRepay() {
	at := time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China())
	inst := o2o.MustParseMoney("20000.00")
	p := settlement.Position{Store: "store-1", Investor: "investor-1", Manufacturer: "hq",
		Capital: o2o.MustParseMoney("100000.00"), Advanced: o2o.MustParseMoney("15000.00"),
		AdvanceLimit: o2o.MustParseMoney("50000.00"), RepayPercent: o2o.MustDec("60"), Installment: &inst}
	r, _ := settlement.Repay(p, o2o.MustParseMoney("40000.00"), "REP-2024-05", at)
	fmt.Println(r.Reason)
	fmt.Println(r.Position.Outstanding())
	// Output:
	// drew 20000.00 (60% of the revenue share 40000.00, bounded by the installment 20000.00): 15000.00 to the manufacturer's advances first, 5000.00 to the investor's capital
	// 95000.00 CNY
}

// A ledger snapshots to JSON and restores with every check applied again;
// an altered snapshot is refused because its hash chain no longer matches.
func ExampleParseLedger() {
	at := time.Date(2024, 5, 10, 10, 0, 0, 0, o2o.China())
	l := settlement.MustLedger(settlement.Config{})
	_, err := l.Apply(settlement.Batch{Postings: []settlement.Posting{
		{Key: "SO-1/0/manufacturer", Kind: settlement.KindSaleRevenue, From: "cust-1", To: "hq", Amount: o2o.MustParseMoney("870.00"), Order: "SO-1", At: at},
		{Key: "SO-1/0/serving", Kind: settlement.KindStoreCommission, From: "cust-1", To: "store-1", Amount: o2o.MustParseMoney("130.00"), Order: "SO-1", At: at},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := json.Marshal(l)
	restored, err := settlement.ParseLedger(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	h1, _ := l.Head()
	h2, _ := restored.Head()
	fmt.Println("restored:", restored.Len(), "postings, same head:", h1 == h2, "hq:", restored.Balance("hq"))

	altered := bytes.Replace(data, []byte(`"130.00"`), []byte(`"131.00"`), 1)
	_, err = settlement.ParseLedger(altered)
	fmt.Println("altered refused:", errors.Is(err, o2o.ErrInvalid))
	// Output:
	// restored: 2 postings, same head: true hq: 870.00 CNY
	// altered refused: true
}
