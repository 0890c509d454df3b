package o2okit

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
)

// Evaluation is everything the Engine decided about one order: who serves it
// and why, the conflicts found, a quote per line, what the customer pays,
// the sale derived from the quotes, and its split into a balanced batch of
// postings ready for settlement.Ledger.Apply (the Engine does not apply it).
// It explains itself (Explain) and round-trips through JSON: encoding/json
// writes it by its tags, and UnmarshalJSON reads it back strictly.
type Evaluation struct {
	// Need is the capability routing needed, derived from the products: the
	// most demanding one (see Engine.Needs).
	Need channel.Capability `json:"need"`
	// Also are the capabilities needed besides Need (delivery of the goods of
	// an order that also needs construction, say); the serving party can do
	// every one. Empty when the order needs one.
	Also []channel.Capability `json:"also,omitempty"`
	// Route is who serves the order, why, and who was passed over.
	Route channel.Decision `json:"route"`
	// Conflicts are channel's findings, entitlements and notes on the order,
	// none of which forbids it (those refuse the order instead).
	Conflicts channel.Report `json:"conflicts"`
	// Quotes hold one quote per order line, in order.
	Quotes []pricing.Quote `json:"quotes"`
	// Lines are each line's total, products-free benefit and what the
	// customer pays for it.
	Lines []LineAmounts `json:"lines"`
	// Benefits are the order's benefits, each granted once per order:
	// value-added services, then the ladder's (services, products free —
	// spread over the lines in Lines — and payback).
	Benefits []pricing.Benefit `json:"benefits"`
	// OrderSteps explain the rules applied once per order (value-added
	// services, the ladder stage and what it cost the campaign).
	OrderSteps []pricing.Step `json:"orderSteps,omitempty"`
	// Payable sums what the customer pays.
	Payable Payable `json:"payable"`
	// FundingLeft is the campaign's funding left after this order, when it ran
	// under one.
	FundingLeft *o2o.Money `json:"fundingLeft,omitempty"`
	// RegionStore is the store of the customer's region credited with the
	// transfer payment of an online sale; empty when none is (the order was
	// placed in a store, no store covers the region, the split rule has no
	// transfer leg, or the store serves the order and the split's SameStore
	// rule is commission_only).
	RegionStore string `json:"regionStore,omitempty"`
	// Sale is the order as evaluated (its serving party filled in from
	// routing when it named none) with what the customer pays for each line.
	Sale settlement.Sale `json:"sale"`
	// Split is the sale split into postings, explained line by line.
	Split settlement.Split `json:"split"`
	// Campaign is the campaign's money, a balanced batch of its own (ID
	// "<order>/campaign") beside the split's, from the account of the
	// campaign funding each ladder benefit (the benefit's FundedBy): for each
	// line given free (products free, 免单), what the customer no longer pays
	// for it, to the manufacturer, whose revenue it replaces
	// (settlement.KindCampaignFunding, keyed "<order>/<line>/campaign", so
	// that Engine.Return reverses it with the line); and each payback to the
	// customer (settlement.KindCampaignPayback, keyed
	// "<order>/payback/<rule>/<stage>/<code>", which a return does not
	// reverse). It has no postings when no campaign money moves.
	Campaign settlement.Batch `json:"campaign"`
}

// LineAmounts is what one order line comes to.
type LineAmounts struct {
	Index int    `json:"index"`
	SKU   string `json:"sku"`
	// Total is the quote's line total.
	Total o2o.Money `json:"total"`
	// Free is the products-free benefit covering the line (免单), zero when
	// none.
	Free o2o.Money `json:"free"`
	// Pays is Total less Free: what the customer pays for the line, and the
	// amount the split divides.
	Pays o2o.Money `json:"pays"`
}

// Payable is what the customer pays for the whole order.
type Payable struct {
	// Total is the sum of the line totals.
	Total o2o.Money `json:"total"`
	// Free is the sum of products-free benefits.
	Free o2o.Money `json:"free"`
	// Pays is Total less Free: what the customer pays for the lines.
	Pays o2o.Money `json:"pays"`
	// Paybacks is the cash paid back to the customer, negative or zero.
	Paybacks o2o.Money `json:"paybacks"`
	// Net is Pays plus Paybacks: what the customer is out of pocket
	// (negative when the campaign pays the customer more than the lines cost).
	Net o2o.Money `json:"net"`
}

// Order returns the order as evaluated.
func (ev *Evaluation) Order() o2o.Order { return ev.Sale.Order }

// Batch returns the balanced batch of the customer's money to apply: the
// split of what the customer pays. It has no postings when there is nothing
// to post (a wholly free order). The campaign's money is the Campaign batch,
// applied beside it.
func (ev *Evaluation) Batch() settlement.Batch { return ev.Split.Batch }

// NothingToPost reports whether the batch of the customer's money (Batch)
// has no postings.
func (ev *Evaluation) NothingToPost() bool { return len(ev.Split.Batch.Postings) == 0 }

// evaluationJSON has Evaluation's fields without its methods. Evaluation has
// no MarshalJSON of its own: encoding/json writes it by its tags, and would
// scan again whatever a MarshalJSON method returned.
type evaluationJSON Evaluation

// UnmarshalJSON decodes an evaluation strictly (unknown fields refused, paths
// in errors), and refuses one that would not encode again (a required enum
// left empty, say): what it accepts, MarshalJSON writes. Errors wrap
// o2o.ErrInvalid. On error the receiver is unchanged.
func (ev *Evaluation) UnmarshalJSON(data []byte) error {
	var v evaluationJSON
	if err := o2o.DecodeJSON(data, &v); err != nil {
		return err
	}
	if _, err := json.Marshal(v); err != nil {
		return fmt.Errorf("%w: not an evaluation: %v", o2o.ErrInvalid, err)
	}
	*ev = Evaluation(v)
	return nil
}

// Explain returns the evaluation in plain text: the order, the route with
// every candidate passed over, the conflicts, entitlements and notes, each
// quote's own explanation, the benefits, what the customer pays and the
// split. The text is deterministic.
func (ev *Evaluation) Explain() string {
	var b strings.Builder
	o := ev.Sale.Order
	placed := string(o.Placed.Venue)
	if o.Placed.StoreID != "" {
		placed += " at " + o.Placed.StoreID
	}
	fmt.Fprintf(&b, "Order %s: %s, placed %s, paid online %v, customer %s (%s", o.ID, o.Channel, placed, o.PaidOnline, o.Customer.ID, o.Customer.Segment)
	if o.Customer.AccountID != "" {
		fmt.Fprintf(&b, ", account %s", o.Customer.AccountID)
	}
	fmt.Fprintf(&b, "), delivery %s\n", o.Delivery)
	r := ev.Route
	needs := string(ev.Need)
	for _, a := range ev.Also {
		needs += ", " + string(a)
	}
	fmt.Fprintf(&b, "Route: %s serves (needs %s; covers %s, %s; %s): %s\n", r.Serve, needs, r.Covers, r.Level, r.Rule, r.Reason)
	for _, p := range r.PassedOver {
		fmt.Fprintf(&b, "  passed over %s (covers %s): %s\n", p.Party, p.Covers, p.Reason)
	}
	if len(ev.Conflicts.Findings) == 0 {
		b.WriteString("Conflicts: none\n")
	} else {
		b.WriteString("Conflicts:\n")
		for _, f := range ev.Conflicts.Findings {
			fmt.Fprintf(&b, "  %s (%s): %s\n", f.Kind, f.Rule, f.Reason)
		}
	}
	for _, en := range ev.Conflicts.Entitlements {
		fmt.Fprintf(&b, "Entitlement: dealer %s, territory %s (%s)\n", en.Dealer, en.Territory, en.Rule)
	}
	for _, n := range ev.Conflicts.Notes {
		fmt.Fprintf(&b, "Note %s: %s\n", n.Kind, n.Reason)
	}
	for i, q := range ev.Quotes {
		fmt.Fprintf(&b, "Line %d:\n", i)
		for _, l := range strings.Split(strings.TrimRight(q.Explain(), "\n"), "\n") {
			b.WriteString("  " + l + "\n")
		}
	}
	if len(ev.OrderSteps) > 0 {
		b.WriteString("Rules applied once per order:\n")
		for _, st := range ev.OrderSteps {
			fmt.Fprintf(&b, "  %s: %s\n", st.Rule, st.Reason())
		}
	}
	if len(ev.Benefits) > 0 {
		b.WriteString("Benefits, once per order:\n")
		for _, bl := range ev.Benefits {
			fmt.Fprintf(&b, "  %s: %s, price %s, cost %s funded by %s\n", bl.Code, bl.Description, bl.Price, bl.Cost, bl.FundedBy)
		}
	}
	p := ev.Payable
	fmt.Fprintf(&b, "Customer pays: lines %s, free %s, pays %s, paid back %s, net %s\n", p.Total, p.Free, p.Pays, p.Paybacks, p.Net)
	if ev.FundingLeft != nil {
		fmt.Fprintf(&b, "Campaign funding left: %s\n", ev.FundingLeft)
	}
	if ev.RegionStore != "" {
		fmt.Fprintf(&b, "Store of the customer's region: %s\n", ev.RegionStore)
	}
	if len(ev.Campaign.Postings) > 0 {
		b.WriteString("Campaign postings:\n")
		for _, p := range ev.Campaign.Postings {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	if ev.NothingToPost() {
		b.WriteString("Postings: nothing to post\n")
		return b.String()
	}
	b.WriteString("Split:\n")
	for _, l := range strings.Split(strings.TrimRight(ev.Split.Explain(), "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}
