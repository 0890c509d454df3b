package decoration

import (
	"cmp"

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
