package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/settlement/drainage"
)

// sampleLine is one line of examples/rulebook/orders.jsonl in its envelope
// form.
type sampleLine struct {
	Order         o2o.Order            `json:"order"`
	Circumstances o2okit.Circumstances `json:"circumstances,omitzero"`
}

// month closes March: the month's other orders (examples/rulebook/orders.jsonl)
// join Chen's in the ledger, the traffic campaigns that brought the customers
// are charged to the stores and to B2C, and every party gets its statement.
func (s *story) month() error {
	s.chapter("Month end: the month's orders, the drainage costs, every party's statement")
	f, err := os.Open(filepath.Join(s.dir, "orders.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	ledger := s.order.ledger
	var evs []*o2okit.Evaluation
	refused := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if !bytes.HasPrefix(line, []byte(`{"order"`)) {
			continue // comments, and the sample's deliberately bad bare orders
		}
		var in sampleLine
		if err := o2o.DecodeJSON(line, &in); err != nil {
			return err
		}
		ev, err := s.engine.Evaluate(in.Order, in.Circumstances)
		if err != nil {
			refused++
			continue
		}
		if _, err := ledger.Apply(ev.Batch()); err != nil {
			return err
		}
		evs = append(evs, ev)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	s.say(fmt.Sprintf("Besides Chen's, %d orders were placed in March (examples/rulebook/orders.jsonl; "+
		"%d more were refused by the rules, as go run ./examples/evaluate shows). Their postings join "+
		"Chen's in the ledger.", len(evs), refused))
	s.printf("\n")

	// Drainage: who brought each customer. Every deal is preceded by the
	// campaign touches that reached the customer; two customers reached by
	// the road show never came.
	touches, conversions := journeys(append([]*o2okit.Evaluation{s.order.ev}, evs...))
	touches = append(touches,
		drainage.Touch{ID: "nocome-1", Customer: "cust-walkby-1", At: march(8, 15, 0), Channel: o2o.ChannelO2O, Kind: drainage.KindRoadShow, Campaign: "village-roadshow", StoreID: "store-futian"},
		drainage.Touch{ID: "nocome-2", Customer: "cust-walkby-2", At: march(9, 15, 0), Channel: o2o.ChannelO2O, Kind: drainage.KindRoadShow, Campaign: "village-roadshow", StoreID: "store-xihu"},
		drainage.Touch{ID: "nocome-3", Customer: "cust-walkby-3", At: march(9, 16, 0), Channel: o2o.ChannelO2O, Kind: drainage.KindRoadShow, Campaign: "village-roadshow"},
	)
	rules := s.rb.Drainage()
	res, err := rules.Attribute(touches, conversions)
	if err != nil {
		return err
	}
	campaigns := s.rb.Campaigns() // the rulebook's drainage campaigns and their spend
	s.say(fmt.Sprintf("Two traffic campaigns ran: search ads (spent %s) and a road show touring the "+
		"villages (spent %s). The rulebook attributes each conversion to the touches before it (%s) and "+
		"charges each campaign's spend to the stores and to B2C in proportion to the traffic each received, "+
		"so a store that does not convert its traffic still carries its cost. %d touches, %d conversions.",
		campaigns[0].Spend, campaigns[1].Spend, rules.Model(), len(touches), len(conversions)))
	st, err := rules.Allocate(res, campaigns)
	if err != nil {
		return err
	}
	s.printf("\n")
	for _, p := range st.Payers {
		s.printf("  %-28s %10s\n", p.Payer, p.Total.AmountString())
	}
	total, err := o2o.Sum(st.Stores, st.B2C, st.Unattributed)
	if err != nil {
		return err
	}
	s.printf("  stores %s + B2C %s + unattributed %s = %s, the spend exactly\n\n",
		st.Stores.AmountString(), st.B2C.AmountString(), st.Unattributed.AmountString(), total)
	s.say("The unattributed part is the road show's traffic that no store received: it stays, visibly, " +
		"on headquarters. The store-visit rate (到店率) is the O2O measure of a store's traffic:")
	for _, k := range drainage.KPIs(res, st).Stores {
		rate := "-"
		if k.StoreVisitRate != nil {
			rate = fmt.Sprintf("%3.0f%%", 100**k.StoreVisitRate)
		}
		s.printf("  %-16s reached %2d customers, %2d came in: store-visit rate %s, cost %s\n", k.Key, k.Customers, k.Visitors, rate, k.Cost)
	}
	if _, err := st.Post(ledger, drainage.PostingConfig{Period: "2026-03", At: march(31, 23, 0)}); err != nil {
		return err
	}

	// Every party's statement for March.
	statements, err := ledger.Statements(settlement.Month(2026, time.March, o2o.China()))
	if err != nil {
		return err
	}
	customers := map[string]bool{}
	for _, ev := range append(evs, s.order.ev) {
		customers[ev.Order().Customer.ID] = true
	}
	s.printf("\n")
	s.say("Every party's statement for March (customers summed in one line; no party sees another's postings):")
	s.printf("  %-28s %12s %12s %12s %6s\n", "account", "received", "gave", "closing", "lines")
	paid := o2o.CNY.Zero()
	nCustomers := 0
	for _, stmt := range statements {
		if customers[stmt.Account] {
			nCustomers++
			if paid, err = paid.Sub(stmt.Closing); err != nil {
				return err
			}
			continue
		}
		s.printf("  %-28s %12s %12s %12s %6d\n", stmt.Account, stmt.Credits.AmountString(), stmt.Debits.AmountString(), stmt.Closing.AmountString(), len(stmt.Lines))
	}
	s.printf("  %-28s %12s\n", fmt.Sprintf("%d customers, net paid", nCustomers), paid.AmountString())
	if err := ledger.VerifyLog(ledger.Log()); err != nil {
		return err
	}
	sum := o2o.CNY.Zero()
	for _, b := range ledger.Balances() {
		if sum, err = sum.Add(b.Balance); err != nil {
			return err
		}
	}
	s.printf("  (%d postings; the balances sum to %s; the hash chain over the log verifies)\n\n", ledger.Len(), sum.AmountString())
	s.say("The fused dealer's statement in full: cross-compensation for every O2O sale into its territory, less Chen's return:")
	for _, stmt := range statements {
		if stmt.Account == "dealer-dongguan" {
			s.printf("%s", indent(stmt.String(), "  "))
		}
	}
	return nil
}

// journeys derives the month's touches and conversions from the orders: a
// B2C order was preceded by a search ad and converts as an online payment;
// an O2O order's customer was brought to the serving store by a search ad or
// the road show, with the store's coupon, visited it and closed the deal.
func journeys(evs []*o2okit.Evaluation) ([]drainage.Touch, []drainage.Conversion) {
	var touches []drainage.Touch
	var conversions []drainage.Conversion
	for i, ev := range evs {
		o := ev.Order()
		id, cust := o.ID, o.Customer.ID
		if o.Channel == o2o.ChannelB2C {
			touches = append(touches, drainage.Touch{ID: id + "/ad", Customer: cust, At: o.At.Add(-48 * time.Hour),
				Channel: o2o.ChannelB2C, Kind: drainage.KindSearchAd, Campaign: "spring-search"})
			conversions = append(conversions, drainage.Conversion{ID: id + "/pay", Customer: cust, At: o.At,
				Kind: drainage.ConversionOnlinePayment, Value: ev.Payable.Net})
			continue
		}
		store := o.Placed.StoreID
		if store == "" && ev.Route.Serve.Kind == o2o.PartyStore {
			store = ev.Route.Serve.ID
		}
		if ev.RegionStore != "" {
			store = ev.RegionStore
		}
		campaign, kind := "spring-search", drainage.KindSearchAd
		if i%2 == 1 {
			campaign, kind = "village-roadshow", drainage.KindRoadShow
		}
		touches = append(touches,
			drainage.Touch{ID: id + "/first", Customer: cust, At: o.At.Add(-72 * time.Hour), Channel: o2o.ChannelO2O, Kind: kind, Campaign: campaign, StoreID: store},
			drainage.Touch{ID: id + "/coupon", Customer: cust, At: o.At.Add(-71 * time.Hour), Channel: o2o.ChannelO2O, Kind: drainage.KindStoreCoupon, Campaign: campaign, StoreID: store})
		conversions = append(conversions,
			drainage.Conversion{ID: id + "/visit", Customer: cust, At: o.At.Add(-24 * time.Hour), Kind: drainage.ConversionStoreVisit, StoreID: store},
			drainage.Conversion{ID: id + "/deal", Customer: cust, At: o.At, Kind: drainage.ConversionDeal, StoreID: store, Value: ev.Payable.Net})
	}
	return touches, conversions
}
