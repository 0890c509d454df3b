package decoration

import (
	"cmp"
	"maps"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
)

// The kinds of broken promise compensated (赔付) under the manufacturer's
// rules, the values of FactCompensationKind.
const (
	// CompensationDeadline is a deadline of the process missed.
	CompensationDeadline = "deadline"
	// CompensationNode is a construction node rejected by the owner.
	CompensationNode = "node_rejected"
	// CompensationStream is a live stream bought that failed.
	CompensationStream = "stream_failed"
	// CompensationEco is a product failing its eco check.
	CompensationEco = "eco_failed"
)

// Compensation configures compensation as data: the project's currency
// and, per kind of broken promise, the most that may be paid. A kind
// without a ceiling cannot be compensated.
type Compensation struct {
	Currency o2o.Currency         `json:"currency"`
	Ceilings map[string]o2o.Money `json:"ceilings"`
}

// DefaultCompensation is in CNY with these ceilings, the most one claim
// may pay the owner for each kind of broken promise: a missed deadline
// 1,000.00, a rejected node 5,000.00, a failed stream 500.00, a product
// failing its eco check 20,000.00. They are example defaults, not rules:
// the process this SDK models compensates under the manufacturer's strict
// rules but gives no figures, so the manufacturer sets its own with
// WithCompensation. They are ordered by the harm done: a stream that
// failed costs the owner the service bought, a missed deadline some days,
// a rejected node its rework, a product failing its eco check the product
// and its fitting.
func DefaultCompensation() Compensation {
	return Compensation{Currency: o2o.CNY, Ceilings: map[string]o2o.Money{
		CompensationDeadline: o2o.MustParseMoney("1000.00 CNY"),
		CompensationNode:     o2o.MustParseMoney("5000.00 CNY"),
		CompensationStream:   o2o.MustParseMoney("500.00 CNY"),
		CompensationEco:      o2o.MustParseMoney("20000.00 CNY"),
	}}
}

// Warranty holds the free after-sales maintenance periods (one of the five guarantees),
// counted from handover.
type Warranty struct {
	Product      o2o.Duration `json:"product"`
	Construction o2o.Duration `json:"construction"`
}

// DefaultWarranty is one year for products and two for construction.
func DefaultWarranty() Warranty {
	return Warranty{Product: workflow.Days(365), Construction: workflow.Days(730)}
}

// IntentCompensate is the kind of the intent of the compensate event: it
// carries the compensation as Amounts, to PartyOwner; FactCompensationKind
// says which broken promise it pays for, and so who is at fault.
const IntentCompensate = "pay"

// The values of FactClaimKind: which warranty a claim falls under.
const (
	ClaimProduct      = "product"
	ClaimConstruction = "construction"
)

// After-sales events.
const (
	EventOpen       = "open"
	EventInspect    = "inspect"
	EventRepair     = "repair"
	EventExchange   = "exchange"
	EventReturn     = "return"
	EventCompensate = "compensate"
	EventClose      = "close"
)

// After-sales states.
const (
	ClaimOpened      = "opened"
	ClaimInspected   = "inspected"
	ClaimRepaired    = "repaired"
	ClaimExchanged   = "exchanged"
	ClaimReturned    = "returned"
	ClaimCompensated = "compensated"
	ClaimClosed      = "closed"
)

// AfterSalesSpec returns the Spec of the after-sales flow, adapted by
// opts. AfterSales builds it.
func AfterSalesSpec(opts ...Option) workflow.Spec {
	o := buildOptions(opts)
	res := map[string]bool{"repair": true, "exchange": true, "return": true, "compensate": true}
	if o.resolutions != nil {
		res = map[string]bool{}
		for _, r := range o.resolutions {
			res[r] = true
		}
	}
	s := workflow.Spec{
		Name: "after_sales", Version: cmp.Or(o.version, 1), Initial: StateNew, Terminal: []string{ClaimClosed},
		States: []workflow.StateSpec{
			{Name: StateNew, Title: "New claim"},
			{Name: ClaimOpened, Title: "Claim opened", Deadline: &workflow.DeadlineSpec{Within: workflow.Hours(48), For: "inspection by the service specialist (施工服务专员)",
				Escalate: &workflow.Intent{Kind: "escalate", Role: workflow.RoleHeadquarters, Note: "claim inspection overdue; follow up with the service specialist"}}},
			{Name: ClaimInspected, Title: "Inspected"},
		},
		Guards: []workflow.GuardSpec{
			{Name: "claim_kind", Kind: workflow.GuardOneOf, Fact: FactClaimKind, Values: []string{"product", "construction"}, Description: "product or construction claim"},
			{Name: "handed_over", Kind: workflow.GuardNotAfter, Fact: FactHandedOverAt, Description: "handover instant the warranty counts from, no later than the claim"},
			{Name: "product_warranty", Kind: workflow.GuardWithin, Fact: FactHandedOverAt, Within: o.warranty.Product,
				When: &workflow.Condition{Fact: FactClaimKind, Equals: "product"}, Description: "free maintenance within the product warranty"},
			{Name: "construction_warranty", Kind: workflow.GuardWithin, Fact: FactHandedOverAt, Within: o.warranty.Construction,
				When: &workflow.Condition{Fact: FactClaimKind, Equals: "construction"}, Description: "free maintenance within the construction warranty"},
			{Name: "inspection", Kind: workflow.GuardPresent, Fact: FactInspection, Description: "the specialist's finding"},
		},
		Events: []workflow.EventSpec{
			{Name: "open", From: []string{StateNew}, To: ClaimOpened, Roles: []workflow.Role{workflow.RoleOwner, workflow.RoleStore, workflow.RolePlatform},
				Guards:  []string{"claim_kind", "handed_over", "product_warranty", "construction_warranty"},
				Intents: []workflow.Intent{{Kind: "schedule", Role: workflow.RoleSpecialist, Note: "inspect the claim on site"}}},
			{Name: "inspect", From: []string{ClaimOpened}, To: ClaimInspected, Roles: []workflow.Role{workflow.RoleSpecialist}, Guards: []string{"inspection"}},
		},
	}
	all := []struct {
		event, state, title string
		roles               []workflow.Role
		guards              []string
		records             workflow.Facts
		intents             []workflow.Intent
	}{
		{"repair", ClaimRepaired, "Repaired", []workflow.Role{workflow.RoleSpecialist}, nil, nil, nil},
		{"exchange", ClaimExchanged, "Exchanged", []workflow.Role{workflow.RoleSpecialist}, nil, nil, nil},
		{"return", ClaimReturned, "Returned", []workflow.Role{workflow.RoleSpecialist}, clearanceGuards(&s, res), workflow.Facts{FactClearance: "available"},
			[]workflow.Intent{{Kind: "clearance", Role: workflow.RoleStore, Note: "returned goods available for clearance in the store (就地低价出售)"}}},
		{"compensate", ClaimCompensated, "Compensated", []workflow.Role{workflow.RoleSpecialist, workflow.RoleHeadquarters}, compensationGuards(&s, res, o.compensation), nil,
			[]workflow.Intent{{Kind: IntentCompensate, Role: workflow.RoleHeadquarters, Note: "pay the agreed compensation to the owner, from the party at fault",
				Payout: &workflow.Payout{Fact: FactCompensation, Stages: []o2o.Share{{Key: FactCompensation, Weight: decimal.NewFromInt(1)}},
					Take: []string{FactCompensation}, To: []o2o.Share{{Key: PartyOwner, Weight: decimal.NewFromInt(1)}}}}}},
	}
	var closeFrom []string
	for _, r := range all {
		if !res[r.event] {
			continue
		}
		s.States = append(s.States, workflow.StateSpec{Name: r.state, Title: r.title})
		s.Events = append(s.Events, workflow.EventSpec{Name: r.event, From: []string{ClaimInspected}, To: r.state, Roles: r.roles,
			Guards: r.guards, Records: r.records, Intents: r.intents})
		closeFrom = append(closeFrom, r.state)
	}
	s.States = append(s.States, workflow.StateSpec{Name: ClaimClosed, Title: "Closed"})
	s.Events = append(s.Events, workflow.EventSpec{Name: "close", From: closeFrom, To: ClaimClosed, Roles: []workflow.Role{workflow.RoleSpecialist, workflow.RoleStore}})
	s.Facts = []workflow.FactSpec{
		{Name: FactClaimKind, Events: []string{EventOpen}},
		{Name: FactHandedOverAt, Events: []string{EventOpen}},
		{Name: FactProjectNodes, Events: []string{EventOpen}},
		{Name: FactInspection, Events: []string{EventInspect}, Roles: []workflow.Role{workflow.RoleSpecialist}},
	}
	if res[EventReturn] {
		s.Facts = append(s.Facts, workflow.FactSpec{Name: FactClearanceStore, Events: []string{EventReturn}})
	}
	if res[EventCompensate] {
		s.Facts = append(s.Facts, workflow.FactSpec{Name: FactCompensationKind, Events: []string{EventCompensate}},
			workflow.FactSpec{Name: FactCompensation, Events: []string{EventCompensate}})
	}
	applyDeadlines(&s, o.deadlines)
	return s
}

// clearanceGuards declares on s the guard of the return event, when it has
// one, and returns its name.
func clearanceGuards(s *workflow.Spec, res map[string]bool) []string {
	if !res[EventReturn] {
		return nil
	}
	s.Guards = append(s.Guards, workflow.GuardSpec{Name: "clearance_store", Kind: workflow.GuardPresent, Fact: FactClearanceStore, Description: "the store that holds the returned goods"})
	return []string{"clearance_store"}
}

// compensationGuards declares on s the guards of the compensate event: the
// kind of broken promise, then one money guard per kind (positive, in the
// currency, within the kind's ceiling), applying when the kind is that
// one. It returns their names.
func compensationGuards(s *workflow.Spec, res map[string]bool, c Compensation) []string {
	if !res[EventCompensate] {
		return nil
	}
	s.Guards = append(s.Guards, workflow.GuardSpec{Name: "compensation_kind", Kind: workflow.GuardOneOf, Fact: FactCompensationKind,
		Values: slices.Sorted(maps.Keys(c.Ceilings)), Description: "the broken promise compensated"})
	names := []string{"compensation_kind"}
	for _, kind := range slices.Sorted(maps.Keys(c.Ceilings)) {
		max := c.Ceilings[kind]
		name := "compensation_" + kind
		s.Guards = append(s.Guards, workflow.GuardSpec{Name: name, Kind: workflow.GuardMoney, Fact: FactCompensation, Currency: c.Currency, Max: &max,
			When:        &workflow.Condition{Fact: FactCompensationKind, Equals: kind},
			Description: "compensation for " + kind + " under the manufacturer's rules, at most " + max.String()})
		names = append(names, name)
	}
	return names
}

// AfterSales builds the after-sales flow: a claim is opened (refused with
// the reason outside the warranty), inspected by the service specialist,
// resolved as repair, exchange, return or compensation, and closed. A return
// records FactClearance "available" for pricing's clearance rule.
func AfterSales(opts ...Option) (*workflow.Definition, error) {
	s := AfterSalesSpec(opts...)
	if err := checkDeadlineStates(s, opts); err != nil {
		return nil, err
	}
	return workflow.Build(s)
}
