package o2okit_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
)

// engineFrom loads the sample rulebook with one replacement made in its text.
func engineFrom(t *testing.T, old, new string) *o2okit.Engine {
	t.Helper()
	data := sampleRulebook(t)
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("the sample rulebook has no %s", old)
	}
	rb, err := o2okit.LoadRulebook(bytes.Replace(data, []byte(old), []byte(new), 1))
	if err != nil {
		t.Fatal(err)
	}
	e, err := o2okit.NewEngine(rb)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEvaluateRoutesEveryNeed: an order of construction and goods is served
// by a party able to build and deliver, not by the closest that builds.
// With Nanshan unable to deliver, construction alone stays with Nanshan,
// construction with goods goes to the provincial hub.
func TestEvaluateRoutesEveryNeed(t *testing.T) {
	e := engineFrom(t, `"capabilities": ["on_site_ordering", "pickup", "delivery", "retail", "group_purchase", "measurement", "construction", "after_sales"]`,
		`"capabilities": ["on_site_ordering", "pickup", "retail", "group_purchase", "measurement", "construction", "after_sales"]`)
	build := line("SVC-CONSTRUCT", "1", o2o.UnitJob)
	door := line("DOOR-S3", "2", o2o.UnitPiece)
	measure := line("SVC-MEASURE", "1", o2o.UnitJob)
	for _, tt := range []struct {
		name  string
		lines []o2o.OrderLine
		need  channel.Capability
		also  []channel.Capability
		serve channel.PartyRef
	}{
		{"construction only", []o2o.OrderLine{build}, channel.CapConstruction, nil, channel.Store("store-nanshan")},
		{"construction and goods", []o2o.OrderLine{build, door}, channel.CapConstruction, []channel.Capability{channel.CapDelivery}, channel.Store("store-gd-hub")},
		{"measurement and goods", []o2o.OrderLine{measure, door}, channel.CapMeasurement, []channel.Capability{channel.CapDelivery}, channel.Store("store-gd-hub")},
		{"construction and measurement", []o2o.OrderLine{measure, build}, channel.CapConstruction, []channel.Capability{channel.CapMeasurement}, channel.Store("store-nanshan")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOrder("N-"+tt.name, lines(tt.lines...))
			if got := e.Needs(o); got[0] != tt.need || !slices.Equal(got[1:], tt.also) {
				t.Errorf("Needs = %v", got)
			}
			ev, err := e.Evaluate(o, o2okit.Circumstances{})
			if err != nil {
				t.Fatal(err)
			}
			if ev.Need != tt.need || !slices.Equal(ev.Also, tt.also) || ev.Route.Serve != tt.serve || !slices.Equal(ev.Route.Also, tt.also) {
				t.Errorf("route %s for %s %v (route also %v), want %s", ev.Route.Serve, ev.Need, ev.Also, ev.Route.Also, tt.serve)
			}
		})
	}
	// Nanshan named as serving an order it cannot deliver: the conflict
	// check, told every need, says routing would pick the hub.
	o := baseOrder("N-served", lines(build, door), func(o *o2o.Order) {
		o.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "store-nanshan"}
	})
	ev, err := e.Evaluate(o, o2okit.Circumstances{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasFinding(ev, channel.KindUnroutedServing) {
		t.Errorf("findings %+v, want unrouted serving", ev.Conflicts.Findings)
	}
}

// TestEvaluatePlatformIsChannels: the steering finding on an O2O order paid
// online names the platform of the channel section, not a fixed id.
func TestEvaluatePlatformIsChannels(t *testing.T) {
	e := engineFrom(t, `"platform": "platform"`, `"platform": "tmall"`)
	coupon := []channel.Coupon{{Code: "CP-1", Customer: "C-coupon", Store: "store-nanshan"}}
	o := baseOrder("P1", func(o *o2o.Order) { o.PaidOnline = true; o.Customer.ID = "C-coupon" })
	ev, err := e.Evaluate(o, o2okit.Circumstances{Coupons: coupon})
	if err != nil {
		t.Fatal(err)
	}
	var steering []channel.Finding
	for _, f := range ev.Conflicts.Findings {
		if f.Kind == channel.KindSteeredToB2C {
			steering = append(steering, f)
		}
	}
	if len(steering) != 1 || !slices.Equal(steering[0].Parties, []channel.PartyRef{channel.Store("store-nanshan"), channel.Platform("tmall")}) {
		t.Errorf("steering findings %+v, want one naming store-nanshan and platform tmall", steering)
	}
}

// TestEvaluateRegionStoreCredited: the evaluation names the region store
// the split credited: none when the serving store is the region's store and
// the split says commission_only.
func TestEvaluateRegionStoreCredited(t *testing.T) {
	for _, tt := range []struct{ rule, want string }{{"both", "store-nanshan"}, {"commission_only", ""}} {
		e := engineFrom(t, `"sameStore": "both"`, `"sameStore": "`+tt.rule+`"`)
		ev, err := e.Evaluate(baseOrder("R1"), o2okit.Circumstances{})
		if err != nil {
			t.Fatal(err)
		}
		if ev.RegionStore != tt.want {
			t.Errorf("%s: RegionStore = %q, want %q", tt.rule, ev.RegionStore, tt.want)
		}
	}
}

// TestEvaluateCampaignPostings: the campaign's money is posted in a batch of
// its own, balanced: a line given free credits the manufacturer with what
// the customer no longer pays, a payback goes to the customer, both from
// the campaign's account; the customer's own batch is unchanged. A full
// return gives the free line's funding back to the campaign.
func TestEvaluateCampaignPostings(t *testing.T) {
	e := sampleEngine(t)

	// Stage 3 beside clearance goods: the video line is free, the clearance line paid.
	order := baseOrder("C1", placed(o2o.VenueStore, "store-nanshan"), lines(line("SVC-VIDEO", "1", o2o.UnitJob), line("CAB-K1", "1", o2o.UnitPiece)))
	ev, err := e.Evaluate(order, o2okit.Circumstances{Campaign: campaign(3, "3000.00"),
		Clearance: []o2okit.ClearanceLine{{Line: 1, Returned: pricing.Returned{Grade: "A", StoreID: "store-nanshan"}}}})
	if err != nil {
		t.Fatal(err)
	}
	free := ev.Lines[0].Total
	if !free.IsPositive() || !ev.Lines[0].Pays.IsZero() {
		t.Fatalf("line 0: total %s, pays %s", ev.Lines[0].Total, ev.Lines[0].Pays)
	}
	if len(ev.Campaign.Postings) != 1 {
		t.Fatalf("campaign postings %v", ev.Campaign.Postings)
	}
	p := ev.Campaign.Postings[0]
	if p.Key != "C1/0/campaign" || p.Kind != settlement.KindCampaignFunding || p.From != "spring-ladder" || p.To != "headquarters" || !p.Amount.Equal(free) {
		t.Errorf("campaign posting %v, want spring-ladder→headquarters %s", p, free)
	}
	if !strings.Contains(ev.Explain(), "Campaign postings:") {
		t.Error("Explain does not list the campaign postings")
	}
	ledger := settlement.MustLedger(settlement.Config{})
	apply(t, ledger, ev.Batch())
	apply(t, ledger, ev.Campaign)
	eq(t, "campaign balance", ledger.Balance("spring-ladder"), free.Neg())
	eq(t, "customer balance", ledger.Balance(order.Customer.ID), ev.Payable.Pays.Neg())
	// A full return reverses the customer's postings and the campaign's.
	b, err := e.ReturnAll(ledger.Log(), order, "RET-C1", orderAt.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, ledger, b)
	for _, ab := range ledger.Balances() {
		if !ab.Balance.IsZero() {
			t.Errorf("%s: balance %s after returning everything", ab.Account, ab.Balance)
		}
	}

	// Stage 4, ample funding: every line free and 500.00 paid back once.
	order = baseOrder("C2", lines(line("TILE-YF600", "20", o2o.UnitSquareMetre), line("CAB-K1", "1", o2o.UnitPiece)))
	ev, err = e.Evaluate(order, o2okit.Circumstances{Campaign: campaign(4, "100000.00")})
	if err != nil {
		t.Fatal(err)
	}
	if !ev.NothingToPost() {
		t.Errorf("the customer's batch of a wholly free order: %v", ev.Batch().Postings)
	}
	var paybacks, funded int
	for _, p := range ev.Campaign.Postings {
		switch p.Kind {
		case settlement.KindCampaignPayback:
			paybacks++
			if p.From != "spring-ladder" || p.To != order.Customer.ID || !p.Amount.Equal(money("500.00")) {
				t.Errorf("payback %v", p)
			}
		case settlement.KindCampaignFunding:
			funded++
		}
	}
	if paybacks != 1 || funded != 2 {
		t.Errorf("campaign postings %v: want 2 fundings and 1 payback", ev.Campaign.Postings)
	}
	total, err := ev.Campaign.Total()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ev.Payable.Total.Add(money("500.00"))
	eq(t, "campaign total", total, want)
	ledger = settlement.MustLedger(settlement.Config{})
	apply(t, ledger, ev.Campaign)
	eq(t, "customer balance", ledger.Balance(order.Customer.ID), ev.Payable.Net.Neg())

	// No campaign, no campaign postings.
	ev, err = e.Evaluate(baseOrder("C3"), o2okit.Circumstances{})
	if err != nil || len(ev.Campaign.Postings) != 0 {
		t.Errorf("without a campaign: %v, %v", ev.Campaign.Postings, err)
	}
}
