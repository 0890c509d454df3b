package workflow

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/shopspring/decimal"
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
func DefaultWarranty() Warranty { return Warranty{Product: Days(365), Construction: Days(730)} }

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

// DecorationSpec returns the Spec of the re-engineered decoration process,
// adapted by opts. Decoration builds it.
func DecorationSpec(opts ...Option) Spec {
	o := buildOptions(opts)
	modes := []string{"diy", "designer"}
	if o.noDIY {
		modes = []string{"designer"}
	}
	s := Spec{
		Name: "decoration", Version: cmp.Or(o.version, 2), Initial: StateNew,
		Terminal: []string{StateReviewed, StateCancelled},
		States: []StateSpec{
			{Name: StateNew, Title: "New project"},
			{Name: StateApplied, Title: "Applied online or in store (申请)",
				Deadline: &DeadlineSpec{Within: Hours(48), For: "free on-site measurement (量房) within 48h of applying",
					Escalate: &Intent{Kind: "escalate", Role: RoleHeadquarters, Note: "on-site measurement overdue; follow up with the store"}}},
			{Name: StateMeasured, Title: "Measured, floor plan produced (量房)"},
			{Name: StateDesigning, Title: "Plan uploaded, designing (设计)"},
			{Name: StateDesignConfirmed, Title: "Design confirmed, products selected offline"},
			{Name: StateCrewChosen, Title: "Crew chosen on the platform",
				Deadline: &DeadlineSpec{Within: Days(7), For: "construction drawings (施工图) agreed within 7d of choosing a crew",
					Escalate: &Intent{Kind: "escalate", Role: RolePlatform, Note: "construction drawings overdue; follow up with the store and the owner"}}},
			{Name: StateDrawingsAgreed, Title: "Drawings agreed by store and owner"},
			{Name: StateBooked, Title: "Construction booked (预约施工)",
				Deadline: &DeadlineSpec{Within: Hours(72), From: FactBookedFor, For: "construction start within 72h of the booked date",
					Escalate: &Intent{Kind: "escalate", Role: RoleHeadquarters, Note: "construction start overdue; follow up with the crew"}}},
			{Name: StateUnderConstruction, Title: "Products accepted, under construction (验收, 施工)"},
			{Name: StateHandedOver, Title: "Handed over (交房)"},
			{Name: StateReviewed, Title: "Reviewed online (点评)"},
			{Name: StateCancelled, Title: "Cancelled"},
		},
		Guards: []GuardSpec{
			{Name: "venue", Kind: GuardOneOf, Fact: FactVenue, Values: []string{"online", "store"}, Description: "applied online or in store"},
			{Name: "floor_plan", Kind: GuardPresent, Fact: FactFloorPlan, Description: "measurement records a floor plan (户型尺寸图)"},
			{Name: "design_mode", Kind: GuardOneOf, Fact: FactDesignMode, Values: modes, Description: "owner designs DIY or hires an online designer"},
			{Name: "design", Kind: GuardPresent, Fact: FactDesign, Description: "a design was submitted"},
			{Name: "products", Kind: GuardPresent, Fact: FactProducts, Description: "products selected offline"},
			{Name: "platform_order", Kind: GuardPresent, Fact: FactPlatformOrder, Description: "ordered through the platform, the owner only accepts"},
			{Name: "province_price", Kind: GuardOneOf, Fact: FactProvincePrice, Values: []string{"true"}, Description: "province-unified price (全省一个价) on the order"},
			{Name: "crew", Kind: GuardPresent, Fact: FactCrew, Description: "crew chosen on the platform"},
			{Name: "drawings", Kind: GuardPresent, Fact: FactDrawings, Description: "construction drawings agreed"},
			{Name: "booking_date", Kind: GuardNotBefore, Fact: FactBookedFor, Description: "a booking date no earlier than the booking"},
			{Name: "booked_date", Kind: GuardTime, Fact: FactBookedFor, Description: "a booking date before construction"},
			{Name: "eco_certified", Kind: GuardOneOf, Fact: FactEcoCertified, Values: []string{"true"}, Description: "eco certificates present at acceptance (环保)"},
			{Name: "live_video", Kind: GuardPresent, Fact: FactLiveStream, When: &Condition{Fact: FactLiveVideo, Equals: "bought"}, Description: "live video streaming during construction when bought"},
			{Name: "stream_id", Kind: GuardPresent, Fact: FactLiveStream, Description: "the stream's id"},
			{Name: "handover_date", Kind: GuardNotAfter, Fact: FactHandedOverAt, Description: "handover instant recorded (交房), no later than the command recording it"},
			{Name: "rating", Kind: GuardOneOf, Fact: FactRating, Values: []string{"1", "2", "3", "4", "5"}, Description: "rating from 1 to 5"},
			{Name: "review", Kind: GuardPresent, Fact: FactReview, Description: "review text (点评)"},
			{Name: "cancel_reason", Kind: GuardPresent, Fact: FactCancelReason, Description: "a reason to cancel"},
		},
		Events: []EventSpec{
			{Name: "apply", From: []string{StateNew}, To: StateApplied, Roles: []Role{RoleOwner, RoleStore, RolePlatform}, Guards: []string{"venue"},
				Intents: []Intent{{Kind: "notify", Role: RoleStore, Note: "schedule the free on-site measurement"}}},
			{Name: "measure", From: []string{StateApplied}, To: StateMeasured, Roles: []Role{RoleStore}, Guards: []string{"floor_plan"},
				Intents: []Intent{{Kind: "notify", Role: RoleOwner, Note: "floor plan ready; upload it to design"}}},
			{Name: "upload_plan", From: []string{StateMeasured}, To: StateDesigning, Roles: []Role{RoleOwner, RoleStore}, Guards: []string{"design_mode"}},
			{Name: "submit_design", From: []string{StateDesigning}, To: StateDesigning, Roles: []Role{RoleOwner, RoleDesigner}, Guards: []string{"design"},
				Intents: []Intent{{Kind: "notify", Role: RoleOwner, Note: "design submitted; confirm it and select products in store"}}},
			{Name: "confirm_design", From: []string{StateDesigning}, To: StateDesignConfirmed, Roles: []Role{RoleOwner},
				Guards: []string{"design", "products", "platform_order", "province_price"}},
			{Name: "choose_crew", From: []string{StateDesignConfirmed}, To: StateCrewChosen, Roles: []Role{RoleOwner, RolePlatform}, Guards: []string{"crew"},
				Intents: []Intent{{Kind: "notify", Role: RoleStore, Note: "agree the construction drawings with the owner"}}},
			{Name: "agree_drawings", From: []string{StateCrewChosen}, To: StateDrawingsAgreed, Roles: []Role{RoleStore, RoleOwner}, Guards: []string{"drawings"}},
			{Name: "book", From: []string{StateDrawingsAgreed}, To: StateBooked, Roles: []Role{RoleOwner, RoleStore, RolePlatform}, Guards: []string{"booking_date"},
				Intents: []Intent{{Kind: "schedule", Role: RoleSpecialist, Note: "schedule the crew for the booked date"}}},
			{Name: "start_construction", From: []string{StateBooked}, To: StateUnderConstruction, Roles: []Role{RoleSpecialist},
				Guards: []string{"booked_date", "eco_certified", "live_video"}},
			{Name: "hand_over", From: []string{StateUnderConstruction}, To: StateHandedOver, Roles: []Role{RoleSpecialist, RoleStore}, Guards: []string{"handover_date", "live_video"},
				Intents: []Intent{{Kind: "notify", Role: RoleOwner, Note: "review products, construction and services online"}}},
			{Name: "review", From: []string{StateHandedOver}, To: StateReviewed, Roles: []Role{RoleOwner}, Guards: []string{"rating", "review"}},
			{Name: "cancel", From: []string{StateNew, StateApplied, StateMeasured, StateDesigning, StateDesignConfirmed, StateCrewChosen, StateDrawingsAgreed, StateBooked},
				To: StateCancelled, Roles: []Role{RoleOwner, RoleStore, RoleHeadquarters}, Guards: []string{"cancel_reason"}},
		},
	}
	// Live video is a recorded fact, not a state: a self-transition from
	// every state before handover.
	for _, st := range []string{StateApplied, StateMeasured, StateDesigning, StateDesignConfirmed, StateCrewChosen, StateDrawingsAgreed, StateBooked, StateUnderConstruction} {
		s.Events = append(s.Events, EventSpec{Name: "buy_live_video", From: []string{st}, To: st, Roles: []Role{RoleOwner},
			Records: Facts{FactLiveVideo: "bought"},
			Intents: []Intent{{Kind: "schedule", Role: RoleSpecialist, Note: "set up live video of the site"}}})
	}
	// The stream is started by the specialist, as an event of its own.
	for _, st := range []string{StateBooked, StateUnderConstruction} {
		s.Events = append(s.Events, EventSpec{Name: EventStartStream, From: []string{st}, To: st, Roles: []Role{RoleSpecialist},
			Guards: []string{"stream_id"}, Intents: []Intent{{Kind: "notify", Role: RoleOwner, Note: "the live stream of the site has started"}}})
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
func decorationFacts() []FactSpec {
	spec := []Role{RoleSpecialist}
	return []FactSpec{
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

// Decoration builds the default re-engineered decoration flow:
// new → applied → measured → designing → design_confirmed → crew_chosen →
// drawings_agreed → booked → under_construction → handed_over → reviewed,
// with cancel before construction and buy_live_video before handover. See
// DecorationSpec for the events, roles, guards and deadlines.
func Decoration(opts ...Option) (*Definition, error) {
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
	s := DecorationSpec(opts...)
	if err := checkDeadlineStates(s, opts); err != nil {
		return nil, err
	}
	return Build(s)
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
func AfterSalesSpec(opts ...Option) Spec {
	o := buildOptions(opts)
	res := map[string]bool{"repair": true, "exchange": true, "return": true, "compensate": true}
	if o.resolutions != nil {
		res = map[string]bool{}
		for _, r := range o.resolutions {
			res[r] = true
		}
	}
	s := Spec{
		Name: "after_sales", Version: cmp.Or(o.version, 1), Initial: StateNew, Terminal: []string{ClaimClosed},
		States: []StateSpec{
			{Name: StateNew, Title: "New claim"},
			{Name: ClaimOpened, Title: "Claim opened", Deadline: &DeadlineSpec{Within: Hours(48), For: "inspection by the service specialist (施工服务专员)",
				Escalate: &Intent{Kind: "escalate", Role: RoleHeadquarters, Note: "claim inspection overdue; follow up with the service specialist"}}},
			{Name: ClaimInspected, Title: "Inspected"},
		},
		Guards: []GuardSpec{
			{Name: "claim_kind", Kind: GuardOneOf, Fact: FactClaimKind, Values: []string{"product", "construction"}, Description: "product or construction claim"},
			{Name: "handed_over", Kind: GuardNotAfter, Fact: FactHandedOverAt, Description: "handover instant the warranty counts from, no later than the claim"},
			{Name: "product_warranty", Kind: GuardWithin, Fact: FactHandedOverAt, Within: o.warranty.Product,
				When: &Condition{Fact: FactClaimKind, Equals: "product"}, Description: "free maintenance within the product warranty"},
			{Name: "construction_warranty", Kind: GuardWithin, Fact: FactHandedOverAt, Within: o.warranty.Construction,
				When: &Condition{Fact: FactClaimKind, Equals: "construction"}, Description: "free maintenance within the construction warranty"},
			{Name: "inspection", Kind: GuardPresent, Fact: FactInspection, Description: "the specialist's finding"},
		},
		Events: []EventSpec{
			{Name: "open", From: []string{StateNew}, To: ClaimOpened, Roles: []Role{RoleOwner, RoleStore, RolePlatform},
				Guards:  []string{"claim_kind", "handed_over", "product_warranty", "construction_warranty"},
				Intents: []Intent{{Kind: "schedule", Role: RoleSpecialist, Note: "inspect the claim on site"}}},
			{Name: "inspect", From: []string{ClaimOpened}, To: ClaimInspected, Roles: []Role{RoleSpecialist}, Guards: []string{"inspection"}},
		},
	}
	all := []struct {
		event, state, title string
		roles               []Role
		guards              []string
		records             Facts
		intents             []Intent
	}{
		{"repair", ClaimRepaired, "Repaired", []Role{RoleSpecialist}, nil, nil, nil},
		{"exchange", ClaimExchanged, "Exchanged", []Role{RoleSpecialist}, nil, nil, nil},
		{"return", ClaimReturned, "Returned", []Role{RoleSpecialist}, clearanceGuards(&s, res), Facts{FactClearance: "available"},
			[]Intent{{Kind: "clearance", Role: RoleStore, Note: "returned goods available for clearance in the store (就地低价出售)"}}},
		{"compensate", ClaimCompensated, "Compensated", []Role{RoleSpecialist, RoleHeadquarters}, compensationGuards(&s, res, o.compensation), nil,
			[]Intent{{Kind: IntentCompensate, Role: RoleHeadquarters, Note: "pay the agreed compensation to the owner, from the party at fault",
				Payout: &Payout{Fact: FactCompensation, Stages: []o2o.Share{{Key: FactCompensation, Weight: decimal.NewFromInt(1)}},
					Take: []string{FactCompensation}, To: []o2o.Share{{Key: PartyOwner, Weight: decimal.NewFromInt(1)}}}}}},
	}
	var closeFrom []string
	for _, r := range all {
		if !res[r.event] {
			continue
		}
		s.States = append(s.States, StateSpec{Name: r.state, Title: r.title})
		s.Events = append(s.Events, EventSpec{Name: r.event, From: []string{ClaimInspected}, To: r.state, Roles: r.roles,
			Guards: r.guards, Records: r.records, Intents: r.intents})
		closeFrom = append(closeFrom, r.state)
	}
	s.States = append(s.States, StateSpec{Name: ClaimClosed, Title: "Closed"})
	s.Events = append(s.Events, EventSpec{Name: "close", From: closeFrom, To: ClaimClosed, Roles: []Role{RoleSpecialist, RoleStore}})
	s.Facts = []FactSpec{
		{Name: FactClaimKind, Events: []string{EventOpen}},
		{Name: FactHandedOverAt, Events: []string{EventOpen}},
		{Name: FactProjectNodes, Events: []string{EventOpen}},
		{Name: FactInspection, Events: []string{EventInspect}, Roles: []Role{RoleSpecialist}},
	}
	if res[EventReturn] {
		s.Facts = append(s.Facts, FactSpec{Name: FactClearanceStore, Events: []string{EventReturn}})
	}
	if res[EventCompensate] {
		s.Facts = append(s.Facts, FactSpec{Name: FactCompensationKind, Events: []string{EventCompensate}},
			FactSpec{Name: FactCompensation, Events: []string{EventCompensate}})
	}
	applyDeadlines(&s, o.deadlines)
	return s
}

// clearanceGuards declares on s the guard of the return event, when it has
// one, and returns its name.
func clearanceGuards(s *Spec, res map[string]bool) []string {
	if !res[EventReturn] {
		return nil
	}
	s.Guards = append(s.Guards, GuardSpec{Name: "clearance_store", Kind: GuardPresent, Fact: FactClearanceStore, Description: "the store that holds the returned goods"})
	return []string{"clearance_store"}
}

// compensationGuards declares on s the guards of the compensate event: the
// kind of broken promise, then one money guard per kind (positive, in the
// currency, within the kind's ceiling), applying when the kind is that
// one. It returns their names.
func compensationGuards(s *Spec, res map[string]bool, c Compensation) []string {
	if !res[EventCompensate] {
		return nil
	}
	s.Guards = append(s.Guards, GuardSpec{Name: "compensation_kind", Kind: GuardOneOf, Fact: FactCompensationKind,
		Values: slices.Sorted(maps.Keys(c.Ceilings)), Description: "the broken promise compensated"})
	names := []string{"compensation_kind"}
	for _, kind := range slices.Sorted(maps.Keys(c.Ceilings)) {
		max := c.Ceilings[kind]
		name := "compensation_" + kind
		s.Guards = append(s.Guards, GuardSpec{Name: name, Kind: GuardMoney, Fact: FactCompensation, Currency: c.Currency, Max: &max,
			When:        &Condition{Fact: FactCompensationKind, Equals: kind},
			Description: "compensation for " + kind + " under the manufacturer's rules, at most " + max.String()})
		names = append(names, name)
	}
	return names
}

// AfterSales builds the after-sales flow: a claim is opened (refused with
// the reason outside the warranty), inspected by the service specialist,
// resolved as repair, exchange, return or compensation, and closed. A return
// records FactClearance "available" for pricing's clearance rule.
func AfterSales(opts ...Option) (*Definition, error) {
	s := AfterSalesSpec(opts...)
	if err := checkDeadlineStates(s, opts); err != nil {
		return nil, err
	}
	return Build(s)
}

func applyDeadlines(s *Spec, deadlines map[string]o2o.Duration) {
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
			st.Deadline = &DeadlineSpec{Within: within, For: "leave " + st.Name + " within " + within.String()}
		}
	}
}

func checkDeadlineStates(s Spec, opts []Option) error {
	o := buildOptions(opts)
	for name := range o.deadlines {
		found := false
		for _, st := range s.States {
			found = found || st.Name == name
		}
		if !found {
			return fmt.Errorf("%w: deadline for unknown state %q", ErrNotAvailable, name)
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
func Guarantees(in *Instance, at time.Time, w Warranty) []GuaranteeCheck {
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
