package decoration

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
)

// Fact names used by the decoration and after-sales flows.
const (
	// FactVenue is where the project was applied for: "online" or "store".
	FactVenue = "venue"
	// FactFloorPlan identifies the floor plan (户型尺寸图) the measurement produced.
	FactFloorPlan = "floor_plan"
	// FactDesignMode is "diy" (the owner designs) or "designer" (an online designer).
	FactDesignMode = "design_mode"
	// FactDesign identifies the submitted design.
	FactDesign = "design"
	// FactProducts identifies the products selected offline.
	FactProducts = "products"
	// FactPlatformOrder is the platform order id: ordered through the
	// platform, the owner only accepts (one of the five guarantees).
	FactPlatformOrder = "platform_order"
	// FactProvincePrice is "true" when the order carries the province-unified
	// price (全省一个价, one of the five guarantees).
	FactProvincePrice = "province_price"
	// FactCrew identifies the construction crew chosen on the platform.
	FactCrew = "crew"
	// FactDrawings identifies the construction drawings (施工图) agreed.
	FactDrawings = "drawings"
	// FactBookedFor is the booked construction date, RFC 3339.
	FactBookedFor = "booked_for"
	// FactEcoCertified is "true" when the products' eco certificates are
	// present at acceptance (one of the five guarantees).
	FactEcoCertified = "eco_certified"
	// FactLiveVideo is "bought" once the owner bought live video of the site.
	FactLiveVideo = "live_video"
	// FactLiveStream identifies the live stream; required during
	// construction when live video was bought (one of the five guarantees).
	FactLiveStream = "live_stream"
	// FactHandedOverAt is the handover instant (交房), RFC 3339.
	FactHandedOverAt = "handed_over_at"
	// FactRating is the owner's rating, "1" to "5".
	FactRating = "rating"
	// FactReview is the owner's review text (点评).
	FactReview = "review"
	// FactCancelReason says why a project was cancelled.
	FactCancelReason = "cancel_reason"
	// FactClaimKind is "product" or "construction": which warranty applies.
	FactClaimKind = "claim_kind"
	// FactInspection is the service specialist's finding.
	FactInspection = "inspection"
	// FactCompensation is the agreed compensation, such as "500.00 CNY":
	// positive, in the project's currency, within the ceiling of its kind.
	FactCompensation = "compensation"
	// FactCompensationKind is the broken promise compensated: one of
	// CompensationDeadline, CompensationNode, CompensationStream,
	// CompensationEco.
	FactCompensationKind = "compensation_kind"
	// FactClearance is "available" once returned goods may be sold in the
	// community store at a markdown (pricing's clearance rule).
	FactClearance = "clearance"
	// FactClearanceStore is the store holding returned goods.
	FactClearanceStore = "clearance_store"
)

// Option adapts a default flow without forking it.
type Option func(*options)

type options struct {
	compensation Compensation
	nodes        []Node
	instalments  []Instalment
	noDIY        bool
	version      int
	deadlines    map[string]o2o.Duration
	warranty     Warranty
	resolutions  []string
}

func buildOptions(opts []Option) options {
	o := options{warranty: DefaultWarranty(), deadlines: map[string]o2o.Duration{}, compensation: DefaultCompensation()}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// WithoutDIY drops the DIY design path: an online designer must design.
func WithoutDIY() Option { return func(o *options) { o.noDIY = true } }

// WithVersion sets the definition's version. The decoration flow's
// default is 2, with construction node control and staged payments;
// version 1 is the flow without them (start_construction leads to
// under_construction, then hand_over), kept for the projects started on
// it; any later version is built as version 2. The after-sales flow's
// default is 1.
//
// Version 1 as this release builds it enforces the promises version 2
// does (a bought stream that runs, booking and handover dates judged
// against the command, facts owned by events), so it is stricter than
// version 1 of earlier releases. Snapshots of those restore unchanged; a
// durable host that replays recorded commands pins the Spec each version
// ran on as JSON (Definition.Spec, ParseSpec) rather than rebuilding it
// from code, as examples/temporal does.
func WithVersion(v int) Option { return func(o *options) { o.version = v } }

// WithDeadline sets the time allowed in state; zero removes its deadline.
// An unknown state makes the flow's constructor fail.
func WithDeadline(state string, within o2o.Duration) Option {
	return func(o *options) { o.deadlines[state] = within }
}

// WithWarranty sets the after-sales warranty periods.
func WithWarranty(w Warranty) Option { return func(o *options) { o.warranty = w } }

// WithResolutions limits the after-sales resolutions to the named events
// among "repair", "exchange", "return" and "compensate".
func WithResolutions(events ...string) Option {
	return func(o *options) { o.resolutions = append([]string(nil), events...) }
}

// WithCompensation sets the after-sales compensation rules: the project's
// currency and the ceiling of each kind of broken promise.
func WithCompensation(c Compensation) Option {
	return func(o *options) {
		o.compensation = Compensation{Currency: c.Currency, Ceilings: maps.Clone(c.Ceilings)}
	}
}

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

// Decoration states, in order.
const (
	StateNew               = "new"
	StateApplied           = "applied"
	StateMeasured          = "measured"
	StateDesigning         = "designing"
	StateDesignConfirmed   = "design_confirmed"
	StateCrewChosen        = "crew_chosen"
	StateDrawingsAgreed    = "drawings_agreed"
	StateBooked            = "booked"
	StateUnderConstruction = "under_construction"
	StateHandedOver        = "handed_over"
	StateReviewed          = "reviewed"
	StateCancelled         = "cancelled"
)

// Decoration events.
const (
	EventApply             = "apply"
	EventMeasure           = "measure"
	EventUploadPlan        = "upload_plan"
	EventSubmitDesign      = "submit_design"
	EventConfirmDesign     = "confirm_design"
	EventChooseCrew        = "choose_crew"
	EventAgreeDrawings     = "agree_drawings"
	EventBook              = "book"
	EventStartConstruction = "start_construction"
	EventHandOver          = "hand_over"
	EventReview            = "review"
	EventCancel            = "cancel"
	EventBuyLiveVideo      = "buy_live_video"
	// EventStartStream is the specialist starting the live stream bought
	// by the owner; the command brings FactLiveStream, the stream's id.
	EventStartStream = "start_stream"
)

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

// ProcessSpec returns the Spec of the re-engineered decoration process,
// adapted by opts. Process builds it.
func ProcessSpec(opts ...Option) workflow.Spec {
	o := buildOptions(opts)
	modes := []string{"diy", "designer"}
	if o.noDIY {
		modes = []string{"designer"}
	}
	s := workflow.Spec{
		Name: "decoration", Version: cmp.Or(o.version, 2), Initial: StateNew,
		Terminal: []string{StateReviewed, StateCancelled},
		States: []workflow.StateSpec{
			{Name: StateNew, Title: "New project"},
			{Name: StateApplied, Title: "Applied online or in store (申请)",
				Deadline: &workflow.DeadlineSpec{Within: workflow.Hours(48), For: "free on-site measurement (量房) within 48h of applying",
					Escalate: &workflow.Intent{Kind: "escalate", Role: workflow.RoleHeadquarters, Note: "on-site measurement overdue; follow up with the store"}}},
			{Name: StateMeasured, Title: "Measured, floor plan produced (量房)"},
			{Name: StateDesigning, Title: "Plan uploaded, designing (设计)"},
			{Name: StateDesignConfirmed, Title: "Design confirmed, products selected offline"},
			{Name: StateCrewChosen, Title: "Crew chosen on the platform",
				Deadline: &workflow.DeadlineSpec{Within: workflow.Days(7), For: "construction drawings (施工图) agreed within 7d of choosing a crew",
					Escalate: &workflow.Intent{Kind: "escalate", Role: workflow.RolePlatform, Note: "construction drawings overdue; follow up with the store and the owner"}}},
			{Name: StateDrawingsAgreed, Title: "Drawings agreed by store and owner"},
			{Name: StateBooked, Title: "Construction booked (预约施工)",
				Deadline: &workflow.DeadlineSpec{Within: workflow.Hours(72), From: FactBookedFor, For: "construction start within 72h of the booked date",
					Escalate: &workflow.Intent{Kind: "escalate", Role: workflow.RoleHeadquarters, Note: "construction start overdue; follow up with the crew"}}},
			{Name: StateUnderConstruction, Title: "Products accepted, under construction (验收, 施工)"},
			{Name: StateHandedOver, Title: "Handed over (交房)"},
			{Name: StateReviewed, Title: "Reviewed online (点评)"},
			{Name: StateCancelled, Title: "Cancelled"},
		},
		Guards: []workflow.GuardSpec{
			{Name: "venue", Kind: workflow.GuardOneOf, Fact: FactVenue, Values: []string{"online", "store"}, Description: "applied online or in store"},
			{Name: "floor_plan", Kind: workflow.GuardPresent, Fact: FactFloorPlan, Description: "measurement records a floor plan (户型尺寸图)"},
			{Name: "design_mode", Kind: workflow.GuardOneOf, Fact: FactDesignMode, Values: modes, Description: "owner designs DIY or hires an online designer"},
			{Name: "design", Kind: workflow.GuardPresent, Fact: FactDesign, Description: "a design was submitted"},
			{Name: "products", Kind: workflow.GuardPresent, Fact: FactProducts, Description: "products selected offline"},
			{Name: "platform_order", Kind: workflow.GuardPresent, Fact: FactPlatformOrder, Description: "ordered through the platform, the owner only accepts"},
			{Name: "province_price", Kind: workflow.GuardOneOf, Fact: FactProvincePrice, Values: []string{"true"}, Description: "province-unified price (全省一个价) on the order"},
			{Name: "crew", Kind: workflow.GuardPresent, Fact: FactCrew, Description: "crew chosen on the platform"},
			{Name: "drawings", Kind: workflow.GuardPresent, Fact: FactDrawings, Description: "construction drawings agreed"},
			{Name: "booking_date", Kind: workflow.GuardNotBefore, Fact: FactBookedFor, Description: "a booking date no earlier than the booking"},
			{Name: "booked_date", Kind: workflow.GuardTime, Fact: FactBookedFor, Description: "a booking date before construction"},
			{Name: "eco_certified", Kind: workflow.GuardOneOf, Fact: FactEcoCertified, Values: []string{"true"}, Description: "eco certificates present at acceptance (环保)"},
			{Name: "live_video", Kind: workflow.GuardPresent, Fact: FactLiveStream, When: &workflow.Condition{Fact: FactLiveVideo, Equals: "bought"}, Description: "live video streaming during construction when bought"},
			{Name: "stream_id", Kind: workflow.GuardPresent, Fact: FactLiveStream, Description: "the stream's id"},
			{Name: "handover_date", Kind: workflow.GuardNotAfter, Fact: FactHandedOverAt, Description: "handover instant recorded (交房), no later than the command recording it"},
			{Name: "rating", Kind: workflow.GuardOneOf, Fact: FactRating, Values: []string{"1", "2", "3", "4", "5"}, Description: "rating from 1 to 5"},
			{Name: "review", Kind: workflow.GuardPresent, Fact: FactReview, Description: "review text (点评)"},
			{Name: "cancel_reason", Kind: workflow.GuardPresent, Fact: FactCancelReason, Description: "a reason to cancel"},
		},
		Events: []workflow.EventSpec{
			{Name: "apply", From: []string{StateNew}, To: StateApplied, Roles: []workflow.Role{workflow.RoleOwner, workflow.RoleStore, workflow.RolePlatform}, Guards: []string{"venue"},
				Intents: []workflow.Intent{{Kind: "notify", Role: workflow.RoleStore, Note: "schedule the free on-site measurement"}}},
			{Name: "measure", From: []string{StateApplied}, To: StateMeasured, Roles: []workflow.Role{workflow.RoleStore}, Guards: []string{"floor_plan"},
				Intents: []workflow.Intent{{Kind: "notify", Role: workflow.RoleOwner, Note: "floor plan ready; upload it to design"}}},
			{Name: "upload_plan", From: []string{StateMeasured}, To: StateDesigning, Roles: []workflow.Role{workflow.RoleOwner, workflow.RoleStore}, Guards: []string{"design_mode"}},
			{Name: "submit_design", From: []string{StateDesigning}, To: StateDesigning, Roles: []workflow.Role{workflow.RoleOwner, workflow.RoleDesigner}, Guards: []string{"design"},
				Intents: []workflow.Intent{{Kind: "notify", Role: workflow.RoleOwner, Note: "design submitted; confirm it and select products in store"}}},
			{Name: "confirm_design", From: []string{StateDesigning}, To: StateDesignConfirmed, Roles: []workflow.Role{workflow.RoleOwner},
				Guards: []string{"design", "products", "platform_order", "province_price"}},
			{Name: "choose_crew", From: []string{StateDesignConfirmed}, To: StateCrewChosen, Roles: []workflow.Role{workflow.RoleOwner, workflow.RolePlatform}, Guards: []string{"crew"},
				Intents: []workflow.Intent{{Kind: "notify", Role: workflow.RoleStore, Note: "agree the construction drawings with the owner"}}},
			{Name: "agree_drawings", From: []string{StateCrewChosen}, To: StateDrawingsAgreed, Roles: []workflow.Role{workflow.RoleStore, workflow.RoleOwner}, Guards: []string{"drawings"}},
			{Name: "book", From: []string{StateDrawingsAgreed}, To: StateBooked, Roles: []workflow.Role{workflow.RoleOwner, workflow.RoleStore, workflow.RolePlatform}, Guards: []string{"booking_date"},
				Intents: []workflow.Intent{{Kind: "schedule", Role: workflow.RoleSpecialist, Note: "schedule the crew for the booked date"}}},
			{Name: "start_construction", From: []string{StateBooked}, To: StateUnderConstruction, Roles: []workflow.Role{workflow.RoleSpecialist},
				Guards: []string{"booked_date", "eco_certified", "live_video"}},
			{Name: "hand_over", From: []string{StateUnderConstruction}, To: StateHandedOver, Roles: []workflow.Role{workflow.RoleSpecialist, workflow.RoleStore}, Guards: []string{"handover_date", "live_video"},
				Intents: []workflow.Intent{{Kind: "notify", Role: workflow.RoleOwner, Note: "review products, construction and services online"}}},
			{Name: "review", From: []string{StateHandedOver}, To: StateReviewed, Roles: []workflow.Role{workflow.RoleOwner}, Guards: []string{"rating", "review"}},
			{Name: "cancel", From: []string{StateNew, StateApplied, StateMeasured, StateDesigning, StateDesignConfirmed, StateCrewChosen, StateDrawingsAgreed, StateBooked},
				To: StateCancelled, Roles: []workflow.Role{workflow.RoleOwner, workflow.RoleStore, workflow.RoleHeadquarters}, Guards: []string{"cancel_reason"}},
		},
	}
	// Live video is a recorded fact, not a state: a self-transition from
	// every state before handover.
	for _, st := range []string{StateApplied, StateMeasured, StateDesigning, StateDesignConfirmed, StateCrewChosen, StateDrawingsAgreed, StateBooked, StateUnderConstruction} {
		s.Events = append(s.Events, workflow.EventSpec{Name: "buy_live_video", From: []string{st}, To: st, Roles: []workflow.Role{workflow.RoleOwner},
			Records: workflow.Facts{FactLiveVideo: "bought"},
			Intents: []workflow.Intent{{Kind: "schedule", Role: workflow.RoleSpecialist, Note: "set up live video of the site"}}})
	}
	// The stream is started by the specialist, as an event of its own.
	for _, st := range []string{StateBooked, StateUnderConstruction} {
		s.Events = append(s.Events, workflow.EventSpec{Name: EventStartStream, From: []string{st}, To: st, Roles: []workflow.Role{workflow.RoleSpecialist},
			Guards: []string{"stream_id"}, Intents: []workflow.Intent{{Kind: "notify", Role: workflow.RoleOwner, Note: "the live stream of the site has started"}}})
	}
	s.Facts = decorationFacts()
	if s.Version >= 2 {
		if o.nodes == nil {
			o.nodes = DefaultNodes()
		}
		addNodes(&s, o)
	}
	applyDeadlines(&s, o.deadlines)
	return s
}

// decorationFacts declares who writes each fact of the decoration flow.
func decorationFacts() []workflow.FactSpec {
	spec := []workflow.Role{workflow.RoleSpecialist}
	return []workflow.FactSpec{
		{Name: FactVenue, Events: []string{EventApply}},
		{Name: FactFloorPlan, Events: []string{EventMeasure}},
		{Name: FactDesignMode, Events: []string{EventUploadPlan}},
		{Name: FactDesign, Events: []string{EventSubmitDesign}},
		{Name: FactProducts, Events: []string{EventConfirmDesign}},
		{Name: FactPlatformOrder, Events: []string{EventConfirmDesign}},
		{Name: FactProvincePrice, Events: []string{EventConfirmDesign}},
		{Name: FactCrew, Events: []string{EventChooseCrew}},
		{Name: FactDrawings, Events: []string{EventAgreeDrawings}},
		{Name: FactBookedFor, Events: []string{EventBook}},
		{Name: FactEcoCertified, Events: []string{EventStartConstruction}, Roles: spec, Description: "written by the specialist at acceptance"},
		{Name: FactLiveStream, Events: []string{EventStartStream, EventStartConstruction}, Roles: spec, Description: "the stream's id, written by the specialist who starts it"},
		{Name: FactHandedOverAt, Events: []string{EventHandOver}},
		{Name: FactRating, Events: []string{EventReview}},
		{Name: FactReview, Events: []string{EventReview}},
		{Name: FactCancelReason, Events: []string{EventCancel}},
	}
}

// Process builds the default re-engineered decoration process:
// new → applied → measured → designing → design_confirmed → crew_chosen →
// drawings_agreed → booked → under_construction → handed_over → reviewed,
// with cancel before construction and buy_live_video before handover. See
// ProcessSpec for the events, roles, guards and deadlines.
func Process(opts ...Option) (*workflow.Definition, error) {
	o := buildOptions(opts)
	if o.nodes != nil {
		if err := checkNodes(o.nodes); err != nil {
			return nil, err
		}
	}
	if o.instalments != nil {
		nodes := o.nodes
		if nodes == nil {
			nodes = DefaultNodes()
		}
		if _, err := checkInstalments(o.instalments, nodes); err != nil {
			return nil, err
		}
	}
	s := ProcessSpec(opts...)
	if err := checkDeadlineStates(s, opts); err != nil {
		return nil, err
	}
	return workflow.Build(s)
}

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

func applyDeadlines(s *workflow.Spec, deadlines map[string]o2o.Duration) {
	for i := range s.States {
		st := &s.States[i]
		within, ok := deadlines[st.Name]
		switch {
		case !ok:
		case within == 0:
			st.Deadline = nil
		case st.Deadline != nil:
			dl := *st.Deadline
			dl.Within = within
			st.Deadline = &dl
		default:
			st.Deadline = &workflow.DeadlineSpec{Within: within, For: "leave " + st.Name + " within " + within.String()}
		}
	}
}

func checkDeadlineStates(s workflow.Spec, opts []Option) error {
	o := buildOptions(opts)
	for name := range o.deadlines {
		found := false
		for _, st := range s.States {
			found = found || st.Name == name
		}
		if !found {
			return fmt.Errorf("%w: deadline for unknown state %q", workflow.ErrNotAvailable, name)
		}
	}
	return nil
}

// Guarantee names one of the five guarantees the decoration process makes to
// the owner (几大保障).
type Guarantee string

// The five guarantees.
const (
	GuaranteeEco           Guarantee = "eco_products"
	GuaranteeProvincePrice Guarantee = "province_price"
	GuaranteePlatformOrder Guarantee = "platform_order"
	GuaranteeLiveVideo     Guarantee = "live_video"
	GuaranteeMaintenance   Guarantee = "free_maintenance"
)

// GuaranteeCheck says whether a guarantee holds on a project, and why.
type GuaranteeCheck struct {
	Guarantee Guarantee `json:"guarantee"`
	Held      bool      `json:"held"`
	Reason    string    `json:"reason"`
}

// Guarantees checks the five guarantees as facts recorded on a
// decoration project, at instant at (free maintenance depends on it), in
// the order the process promises them in.
func Guarantees(in *workflow.Instance, at time.Time, w Warranty) []GuaranteeCheck {
	f := func(name string) string { v, _ := in.Fact(name); return v }
	check := func(g Guarantee, held bool, yes, no string) GuaranteeCheck {
		if held {
			return GuaranteeCheck{g, true, yes}
		}
		return GuaranteeCheck{g, false, no}
	}
	out := []GuaranteeCheck{
		check(GuaranteeEco, f(FactEcoCertified) == "true", "eco certificates present (产品环保保障)", "no eco certificates recorded yet"),
		check(GuaranteeProvincePrice, f(FactProvincePrice) == "true", "province-unified price on the order (价格全省统一)", "no province-unified price recorded"),
		check(GuaranteePlatformOrder, f(FactPlatformOrder) != "", "ordered through the platform as "+f(FactPlatformOrder), "no platform order recorded"),
	}
	switch {
	case f(FactLiveVideo) != "bought":
		out = append(out, GuaranteeCheck{GuaranteeLiveVideo, true, "live video not bought; nothing owed"})
	default:
		out = append(out, check(GuaranteeLiveVideo, f(FactLiveStream) != "", "live video bought and streaming as "+f(FactLiveStream), "live video bought but no stream recorded"))
	}
	h, err := time.Parse(time.RFC3339, f(FactHandedOverAt))
	switch {
	case err != nil:
		out = append(out, GuaranteeCheck{GuaranteeMaintenance, true, "not handed over yet; the warranty has not started"})
	default:
		until := h.Add(time.Duration(w.Construction))
		out = append(out, check(GuaranteeMaintenance, !at.After(until),
			"free maintenance until "+until.Format(time.RFC3339), "construction warranty ended "+until.Format(time.RFC3339)))
	}
	return out
}
