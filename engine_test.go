package o2okit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
)

var orderAt = time.Date(2026, 3, 1, 10, 0, 0, 0, o2o.China())

func sampleEngine(t testing.TB) *o2okit.Engine {
	t.Helper()
	e, err := o2okit.NewEngine(loadSample(t))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func line(sku, qty string, unit o2o.Unit) o2o.OrderLine {
	return o2o.OrderLine{SKU: sku, Quantity: o2o.Qty(decimal.RequireFromString(qty), unit)}
}

// baseOrder is an O2O order placed online by a retail customer of Nanshan,
// delivered to a Nanshan street: 12.5 m² of tile.
func baseOrder(id string, mods ...func(*o2o.Order)) o2o.Order {
	o := o2o.Order{ID: id, Channel: o2o.ChannelO2O,
		Customer: o2o.Customer{ID: "C-" + id, Segment: o2o.SegmentRetail, Home: o2o.MustRegionCode("440305")},
		Delivery: o2o.MustRegionCode("440305001"), Placed: o2o.Placement{Venue: o2o.VenueOnline},
		Lines: []o2o.OrderLine{line("TILE-YF600", "12.5", o2o.UnitSquareMetre)}, At: orderAt}
	for _, m := range mods {
		m(&o)
	}
	return o
}

func lines(ls ...o2o.OrderLine) func(*o2o.Order) {
	return func(o *o2o.Order) { o.Lines = ls }
}

func deliver(code string) func(*o2o.Order) {
	return func(o *o2o.Order) {
		o.Delivery = o2o.MustRegionCode(code)
		o.Customer.Home = o2o.MustRegionCode(code[:6])
	}
}

func placed(venue o2o.Venue, store string) func(*o2o.Order) {
	return func(o *o2o.Order) { o.Placed = o2o.Placement{Venue: venue, StoreID: store} }
}

func b2c(o *o2o.Order) { o.Channel = o2o.ChannelB2C; o.PaidOnline = true }

func campaign(stage int, funding string) *pricing.Campaign {
	return &pricing.Campaign{ID: "spring-ladder", Stage: stage, FundingLeft: o2o.MustParseMoney(funding)}
}

func postingsTo(ev *o2okit.Evaluation, party string, kind settlement.Kind) o2o.Money {
	total := o2o.MustParseMoney("0")
	for _, p := range ev.Batch().Postings {
		if p.To == party && (kind == "" || p.Kind == kind) {
			total, _ = total.Add(p.Amount)
		}
	}
	return total
}

func hasFinding(ev *o2okit.Evaluation, k channel.Kind) bool {
	for _, f := range ev.Conflicts.Findings {
		if f.Kind == k {
			return true
		}
	}
	return false
}

func money(s string) o2o.Money { return o2o.MustParseMoney(s) }

func eq(t *testing.T, what string, got, want o2o.Money) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// TestEvaluate evaluates orders from the sample rulebook: B2C and O2O; online,
// in store and on the store's screen; a group account; refusals by stage; a
// fused dealer's territory; the ladder; free lines and a wholly free order.
// Every evaluation is also checked for the invariants every evaluation keeps
// (checkInvariants).
func TestEvaluate(t *testing.T) {
	e := sampleEngine(t)
	leads, _, err := e.Rulebook().Network().Leads().Register(channel.Lead{Customer: "C-lead", Party: channel.Store("store-nanshan"), At: orderAt.Add(-48 * time.Hour)}, orderAt.Add(-48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	agentLeads, _, err := e.Rulebook().Network().Leads().Register(channel.Lead{Customer: "C-agent", Party: channel.Agent("agent-wang"), At: orderAt.Add(-48 * time.Hour)}, orderAt.Add(-48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	coupon := []channel.Coupon{{Code: "CP-1", Customer: "C-coupon", Store: "store-nanshan"}}

	tests := []struct {
		name      string
		order     o2o.Order
		c         o2okit.Circumstances
		wantStage o2okit.Stage
		wantErr   error
		check     func(t *testing.T, ev *o2okit.Evaluation)
	}{
		{name: "o2o online: serving store, uplift, transfer payment to the region store",
			order: baseOrder("O1"),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if ev.Route.Serve != channel.Store("store-nanshan") || ev.Need != channel.CapDelivery {
					t.Errorf("route %s for %s", ev.Route.Serve, ev.Need)
				}
				eq(t, "unit", ev.Quotes[0].UnitPrice, money("89.25")) // 85.00 + 5%
				eq(t, "line", ev.Quotes[0].LineTotal, money("1115.62"))
				eq(t, "transfer", postingsTo(ev, "store-nanshan", settlement.KindTransferPayment), money("22.31"))
				eq(t, "commission", postingsTo(ev, "store-nanshan", settlement.KindStoreCommission), money("89.25"))
			}},
		{name: "o2o in store at the counter: no uplift, no transfer payment",
			order: baseOrder("O2", deliver("440304001"), placed(o2o.VenueStore, "store-futian")),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				eq(t, "unit", ev.Quotes[0].UnitPrice, money("85.00"))
				eq(t, "transfer", postingsTo(ev, "store-futian", settlement.KindTransferPayment), money("0"))
				if ev.Route.Serve != channel.Store("store-futian") {
					t.Errorf("route %s", ev.Route.Serve)
				}
			}},
		{name: "o2o on the store's screen counts as in store",
			order: baseOrder("O3", placed(o2o.VenueStoreScreen, "store-nanshan")),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				eq(t, "unit", ev.Quotes[0].UnitPrice, money("85.00"))
				if ev.RegionStore != "" {
					t.Errorf("region store %q for an in-store order", ev.RegionStore)
				}
				eq(t, "transfer", postingsTo(ev, "store-nanshan", settlement.KindTransferPayment), money("0"))
			}},
		{name: "b2c online in Zhejiang: province price, delivery by the Xihu store",
			order: baseOrder("O4", deliver("330106002"), b2c),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				eq(t, "list", ev.Quotes[0].ListPrice, money("88.00"))
				if ev.Route.Serve != channel.Store("store-xihu") {
					t.Errorf("route %s", ev.Route.Serve)
				}
				eq(t, "serving 3%", postingsTo(ev, "store-xihu", settlement.KindStoreCommission), money("34.65")) // 3% of 1155.00
			}},
		{name: "group account: value-added services once per order, price unchanged",
			order: baseOrder("O5", func(o *o2o.Order) {
				o.Customer.Segment, o.Customer.AccountID = o2o.SegmentGroup, "G-CITYBUILD"
			}, lines(line("TILE-YF600", "100", o2o.UnitSquareMetre), line("CAB-K1", "3", o2o.UnitPiece))),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if len(ev.Benefits) != 2 || ev.Benefits[0].Code != "free_design" {
					t.Errorf("benefits %+v, want free_design and priority_scheduling once", ev.Benefits)
				}
				eq(t, "unit", ev.Quotes[0].UnitPrice, money("89.25"))
			}},
		{name: "dealer-line SKU through O2O is forbidden",
			order:     baseOrder("O6", lines(line("TILE-D800", "10", o2o.UnitSquareMetre))),
			wantStage: o2okit.StageConflicts, wantErr: o2okit.ErrForbidden},
		{name: "an O2O-only service through B2C is forbidden",
			order:     baseOrder("O7", b2c, lines(line("SVC-CONSTRUCT", "1", o2o.UnitJob))),
			wantStage: o2okit.StageConflicts, wantErr: o2okit.ErrForbidden},
		{name: "sale into a fused dealer's territory: cross-compensation in the evaluation and the batch",
			order: baseOrder("O8", deliver("441900003")),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if len(ev.Conflicts.Entitlements) != 1 || ev.Conflicts.Entitlements[0].Dealer != "dealer-dongguan" {
					t.Fatalf("entitlements %+v", ev.Conflicts.Entitlements)
				}
				if ev.Route.Serve != channel.Store("store-gd-hub") {
					t.Errorf("route %s", ev.Route.Serve)
				}
				eq(t, "cross-compensation", postingsTo(ev, "dealer-dongguan", settlement.KindCrossCompensation), money("33.47")) // 3% of 1115.62
			}},
		{name: "sale into an independent dealer's territory: a note, nothing owed",
			order: baseOrder("O9", deliver("330203001")),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if len(ev.Conflicts.Notes) != 1 || ev.Conflicts.Notes[0].Kind != channel.NoteIndependentTerritory {
					t.Errorf("notes %+v", ev.Conflicts.Notes)
				}
				eq(t, "dealer", postingsTo(ev, "dealer-ningbo", ""), money("0"))
			}},
		{name: "unroutable region",
			order:     baseOrder("O10", deliver("510107001")),
			wantStage: o2okit.StageRouting, wantErr: channel.ErrNoRoute},
		{name: "construction needs a store that builds: Futian cannot, the provincial hub serves",
			order: baseOrder("O11", deliver("440304001"), lines(line("SVC-CONSTRUCT", "1", o2o.UnitJob), line("DOOR-S3", "2", o2o.UnitPiece))),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if ev.Need != channel.CapConstruction || ev.Route.Serve != channel.Store("store-gd-hub") {
					t.Errorf("route %s for %s", ev.Route.Serve, ev.Need)
				}
			}},
		{name: "ladder stage 1: free construction once for the order",
			order: baseOrder("O12", lines(line("SVC-CONSTRUCT", "1", o2o.UnitJob), line("CAB-K1", "1", o2o.UnitPiece))),
			c:     o2okit.Circumstances{Campaign: campaign(1, "10000.00")},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if len(ev.Benefits) != 1 || ev.Benefits[0].Code != "free_construction" {
					t.Errorf("benefits %+v", ev.Benefits)
				}
				eq(t, "funding left", *ev.FundingLeft, money("9200.00"))
			}},
		{name: "ladder stage 3 beside clearance goods: the clearance line is paid, the other free, funding drawn once",
			order: baseOrder("O13", placed(o2o.VenueStore, "store-nanshan"), lines(line("SVC-VIDEO", "1", o2o.UnitJob), line("CAB-K1", "1", o2o.UnitPiece))),
			c: o2okit.Circumstances{Campaign: campaign(3, "3000.00"),
				Clearance: []o2okit.ClearanceLine{{Line: 1, Returned: pricing.Returned{Grade: "A", StoreID: "store-nanshan"}}}},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				eq(t, "line 0 pays", ev.Lines[0].Pays, money("0"))
				eq(t, "line 1 pays", ev.Lines[1].Pays, money("3199.20"))
				// Stage 3 costs its services once (800.00 + 2000.00) and the line it gives free (99.00).
				eq(t, "funding left", *ev.FundingLeft, money("101.00"))
				if len(ev.Split.Lines[0].Postings) != 0 {
					t.Errorf("a free line posts nothing, got %v", ev.Split.Lines[0].Postings)
				}
			}},
		{name: "ladder stage 3 the funding cannot cover for the whole order: stage 2 applies, no line is free",
			order: baseOrder("O13b", placed(o2o.VenueStore, "store-nanshan"), lines(line("SVC-VIDEO", "1", o2o.UnitJob), line("CAB-K1", "1", o2o.UnitPiece))),
			c:     o2okit.Circumstances{Campaign: campaign(3, "3000.00")},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				eq(t, "line 0 pays", ev.Lines[0].Pays, money("99.00"))
				eq(t, "line 1 pays", ev.Lines[1].Pays, money("3999.00"))
				eq(t, "funding left", *ev.FundingLeft, money("200.00"))
				var codes []string
				for _, b := range ev.Benefits {
					codes = append(codes, b.Code)
				}
				if d := cmp.Diff([]string{"free_construction", "house_fee_waived"}, codes); d != "" {
					t.Errorf("benefits, once per order (-want +got):\n%s", d)
				}
			}},
		{name: "ladder stage 3 with ample funding: a wholly free order, nothing to post",
			order: baseOrder("O14", lines(line("TILE-YF600", "20", o2o.UnitSquareMetre), line("CAB-K1", "1", o2o.UnitPiece))),
			c:     o2okit.Circumstances{Campaign: campaign(3, "100000.00")},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if !ev.NothingToPost() {
					t.Errorf("postings %v", ev.Batch().Postings)
				}
				eq(t, "pays", ev.Payable.Pays, money("0"))
				if !strings.Contains(ev.Explain(), "nothing to post") {
					t.Error("Explain does not say there is nothing to post")
				}
			}},
		{name: "ladder stage 4: products free and the customer paid back once",
			order: baseOrder("O15", lines(line("TILE-YF600", "20", o2o.UnitSquareMetre), line("CAB-K1", "1", o2o.UnitPiece))),
			c:     o2okit.Circumstances{Campaign: campaign(4, "100000.00")},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				eq(t, "paybacks", ev.Payable.Paybacks, money("-500.00"))
				eq(t, "net", ev.Payable.Net, money("-500.00"))
			}},
		{name: "b2c order by a customer a store holds by lead: steering, reported",
			order: baseOrder("O16", b2c, func(o *o2o.Order) { o.Customer.ID = "C-lead" }),
			c:     o2okit.Circumstances{Leads: leads},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if !hasFinding(ev, channel.KindSteeredToB2C) {
					t.Errorf("findings %+v", ev.Conflicts.Findings)
				}
			}},
		{name: "o2o order paid online through B2C by a coupon holder: steering too",
			order: baseOrder("O17", func(o *o2o.Order) { o.PaidOnline = true; o.Customer.ID = "C-coupon" }),
			c:     o2okit.Circumstances{Coupons: coupon},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if !hasFinding(ev, channel.KindSteeredToB2C) {
					t.Fatalf("findings %+v", ev.Conflicts.Findings)
				}
				f := ev.Conflicts.Findings[len(ev.Conflicts.Findings)-1]
				if len(f.Parties) != 2 || f.Parties[0] != channel.Store("store-nanshan") || f.Parties[1] != channel.Platform("platform") {
					t.Errorf("parties %v", f.Parties)
				}
			}},
		{name: "o2o order paid online by a customer nobody holds: no steering",
			order: baseOrder("O18", func(o *o2o.Order) { o.PaidOnline = true }),
			c:     o2okit.Circumstances{Coupons: coupon, Leads: leads},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if hasFinding(ev, channel.KindSteeredToB2C) {
					t.Errorf("findings %+v", ev.Conflicts.Findings)
				}
			}},
		{name: "a lead held by a service agent: the agent serves the measurement and earns the commission",
			order: baseOrder("O19", func(o *o2o.Order) { o.Customer.ID = "C-agent" }, lines(line("SVC-MEASURE", "1", o2o.UnitJob))),
			c:     o2okit.Circumstances{Leads: agentLeads},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if ev.Route.Serve != channel.Agent("agent-wang") || ev.Route.Rule != channel.RuleRouteLead {
					t.Errorf("route %s by %s", ev.Route.Serve, ev.Route.Rule)
				}
				eq(t, "agent commission", postingsTo(ev, "agent-wang", settlement.KindAgentCommission), money("16.80"))
			}},
		{name: "served by a store routing did not pick, without a reason: reported",
			order: baseOrder("O20", func(o *o2o.Order) { o.ServedBy = &o2o.Serving{Kind: o2o.PartyStore, PartyID: "store-futian"} }),
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				if !hasFinding(ev, channel.KindUnroutedServing) {
					t.Errorf("findings %+v", ev.Conflicts.Findings)
				}
				eq(t, "futian commission", postingsTo(ev, "store-futian", settlement.KindStoreCommission), money("89.25"))
			}},
		{name: "network lowest matched",
			order: baseOrder("O21", placed(o2o.VenueStore, "store-nanshan")),
			c: o2okit.Circumstances{Observations: []pricing.Observation{{Source: "rival-mall", Brand: "Dongpeng", Model: "YF600", Price: money("80.00"),
				ObservedAt: orderAt.Add(-time.Hour), ValidUntil: orderAt.Add(time.Hour)}}},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				eq(t, "unit", ev.Quotes[0].UnitPrice, money("80.00"))
			}},
		{name: "returned goods on clearance in the store holding them",
			order: baseOrder("O28", placed(o2o.VenueStore, "store-nanshan"), lines(line("CAB-K1", "1", o2o.UnitPiece), line("DOOR-S3", "1", o2o.UnitPiece))),
			c:     o2okit.Circumstances{Clearance: []o2okit.ClearanceLine{{Line: 0, Returned: pricing.Returned{Grade: "A", StoreID: "store-nanshan"}}}},
			check: func(t *testing.T, ev *o2okit.Evaluation) {
				eq(t, "clearance unit", ev.Quotes[0].UnitPrice, money("3199.20")) // 3999.00 less 20%
				eq(t, "new goods unit", ev.Quotes[1].UnitPrice, money("1299.99"))
			}},
		{name: "clearance online is refused by pricing",
			order:     baseOrder("O29", lines(line("CAB-K1", "1", o2o.UnitPiece))),
			c:         o2okit.Circumstances{Clearance: []o2okit.ClearanceLine{{Line: 0, Returned: pricing.Returned{Grade: "A", StoreID: "store-nanshan"}}}},
			wantStage: o2okit.StagePricing, wantErr: pricing.ErrClearance},
		{name: "clearance of a line the order does not have",
			order:     baseOrder("O30"),
			c:         o2okit.Circumstances{Clearance: []o2okit.ClearanceLine{{Line: 3, Returned: pricing.Returned{Grade: "A", StoreID: "store-nanshan"}}}},
			wantStage: o2okit.StageValidation, wantErr: o2o.ErrInvalid},
		{name: "a fraction of a piece",
			order:     baseOrder("O22", lines(line("CAB-K1", "1.5", o2o.UnitPiece))),
			wantStage: o2okit.StageValidation, wantErr: o2okit.ErrUnit},
		{name: "a unit the product does not sell by",
			order:     baseOrder("O23", lines(line("TILE-YF600", "3", o2o.UnitPiece))),
			wantStage: o2okit.StageValidation, wantErr: o2okit.ErrUnit},
		{name: "an unknown SKU is the one sentinel",
			order:     baseOrder("O24", lines(line("NOPE", "1", o2o.UnitPiece))),
			wantStage: o2okit.StageValidation, wantErr: o2o.ErrUnknownSKU},
		{name: "an order without id",
			order:     baseOrder(""),
			wantStage: o2okit.StageValidation, wantErr: o2o.ErrInvalid},
		{name: "a dealer-channel order is the dealer's to price",
			order: baseOrder("O27", func(o *o2o.Order) {
				o.Channel = o2o.ChannelDealer
				o.ServedBy = &o2o.Serving{Kind: o2o.PartyDealer, PartyID: "dealer-dongguan"}
			}),
			wantStage: o2okit.StageValidation, wantErr: pricing.ErrDealerPriced},
		{name: "a campaign at a stage the ladder does not have",
			order:     baseOrder("O26"),
			c:         o2okit.Circumstances{Campaign: campaign(7, "100.00")},
			wantStage: o2okit.StagePricing, wantErr: pricing.ErrLadder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := e.Evaluate(tt.order, tt.c)
			if tt.wantStage != "" {
				var se *o2okit.StageError
				if !errors.As(err, &se) || se.Stage != tt.wantStage || !errors.Is(err, tt.wantErr) || ev != nil {
					t.Fatalf("got %v, %v; want a %s error wrapping %v and no evaluation", ev, err, tt.wantStage, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, ev)
			tt.check(t, ev)
		})
	}
}

// checkInvariants: the sale is the quotes' amounts, the batch moves exactly
// what the customer pays and applies to a ledger, and the evaluation
// round-trips through JSON byte for byte.
func checkInvariants(t *testing.T, ev *o2okit.Evaluation) {
	t.Helper()
	paid := money("0")
	for i, sl := range ev.Sale.Lines {
		if !sl.Amount.Equal(ev.Lines[i].Pays) {
			t.Errorf("sale line %d = %s, quote pays %s", i, sl.Amount, ev.Lines[i].Pays)
		}
		paid, _ = paid.Add(sl.Amount)
	}
	eq(t, "payable", ev.Payable.Pays, paid)
	total, err := ev.Batch().Total()
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "batch total", total, paid)
	if !ev.NothingToPost() {
		ledger := settlement.MustLedger(settlement.Config{})
		if _, err := ledger.Apply(ev.Batch()); err != nil {
			t.Errorf("apply: %v", err)
		}
		eq(t, "customer balance", ledger.Balance(ev.Order().Customer.ID), paid.Neg())
	}
	first, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var back o2okit.Evaluation
	if err := json.Unmarshal(first, &back); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	second, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("JSON round trip differs:\n%s\n%s", first, second)
	}
	if back.Explain() != ev.Explain() {
		t.Error("Explain differs after a JSON round trip")
	}
}

// TestSameStore: a store that serves an online order and is the store of the
// customer's region gets the transfer payment too only when the rulebook says
// "both"; with "commission_only" its share goes to the manufacturer.
func TestSameStore(t *testing.T) {
	for _, tt := range []struct {
		rule                       string
		transfer, manufacturerLine string
	}{
		{"both", "22.31", "1004.06"},
		{"commission_only", "0", "1026.37"},
	} {
		t.Run(tt.rule, func(t *testing.T) {
			data := bytes.Replace(sampleRulebook(t), []byte(`"sameStore": "both"`), []byte(`"sameStore": "`+tt.rule+`"`), 1)
			rb, err := o2okit.LoadRulebook(data)
			if err != nil {
				t.Fatal(err)
			}
			e, _ := o2okit.NewEngine(rb)
			ev, err := e.Evaluate(baseOrder("S1"), o2okit.Circumstances{})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "transfer", postingsTo(ev, "store-nanshan", settlement.KindTransferPayment), money(tt.transfer))
			eq(t, "manufacturer", postingsTo(ev, "headquarters", ""), money(tt.manufacturerLine))
			// A store of another region still gets its transfer payment.
			ev, err = e.Evaluate(baseOrder("S2", func(o *o2o.Order) { o.Customer.Home = o2o.MustRegionCode("440304") }), o2okit.Circumstances{})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "futian transfer", postingsTo(ev, "store-futian", settlement.KindTransferPayment), money("22.31"))
		})
	}
}

// TestEvaluateLeavesOrder: Evaluate does not change the caller's order.
func TestEvaluateLeavesOrder(t *testing.T) {
	e := sampleEngine(t)
	o := baseOrder("L1")
	before, _ := json.Marshal(o)
	if _, err := e.Evaluate(o, o2okit.Circumstances{}); err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(o)
	if !bytes.Equal(before, after) || o.ServedBy != nil {
		t.Errorf("order changed:\n%s\n%s", before, after)
	}
}

// TestEvaluateConcurrently: one engine evaluates on many goroutines (run with
// -race) and every goroutine gets the same evaluation.
func TestEvaluateConcurrently(t *testing.T) {
	e := sampleEngine(t)
	o := baseOrder("P1", lines(line("TILE-YF600", "12.5", o2o.UnitSquareMetre), line("CAB-K1", "2", o2o.UnitPiece), line("SVC-MEASURE", "1", o2o.UnitJob)))
	c := o2okit.Circumstances{Campaign: campaign(1, "5000.00")}
	want, err := e.Evaluate(o, c)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				ev, err := e.Evaluate(o, c)
				if err != nil {
					errs <- err
					return
				}
				got, _ := json.Marshal(ev)
				if !bytes.Equal(got, wantJSON) {
					errs <- errors.New("a concurrent evaluation differs")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestValidateEveryFault: one order with an unknown SKU, a fraction of a
// piece and a wrong unit gets every fault in one error, each by its path.
func TestValidateEveryFault(t *testing.T) {
	e := sampleEngine(t)
	o := baseOrder("V1", lines(line("NOPE", "1", o2o.UnitPiece), line("CAB-K1", "0.5", o2o.UnitPiece), line("TILE-YF600", "2", o2o.UnitJob)))
	err := e.Validate(o)
	var ve *o2o.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrUnknownSKU) || !errors.Is(err, o2o.ErrNotFound) || !errors.Is(err, o2okit.ErrUnit) {
		t.Fatalf("got %v", err)
	}
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	want := "lines[0].sku lines[1].quantity.value lines[2].quantity.unit"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("paths %q, want %q", got, want)
	}
}

// TestCircumstancesJSON: circumstances a service keeps as JSON (a campaign,
// leads, coupons, clearance) round-trip.
func TestCircumstancesJSON(t *testing.T) {
	e := sampleEngine(t)
	leads, _, err := e.Rulebook().Network().Leads().Register(channel.Lead{Customer: "C-1", Party: channel.Store("store-nanshan"), At: orderAt}, orderAt)
	if err != nil {
		t.Fatal(err)
	}
	c := o2okit.Circumstances{Campaign: campaign(2, "100.00"), Leads: leads,
		Coupons:   []channel.Coupon{{Code: "CP", Customer: "C-1", Store: "store-futian"}},
		Clearance: []o2okit.ClearanceLine{{Line: 0, Returned: pricing.Returned{Grade: "B", StoreID: "store-nanshan"}}}}
	first, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back o2okit.Circumstances
	if err := o2o.DecodeJSON(first, &back); err != nil {
		t.Fatal(err)
	}
	second, _ := json.Marshal(back)
	if !bytes.Equal(first, second) {
		t.Errorf("round trip differs:\n%s\n%s", first, second)
	}
}
