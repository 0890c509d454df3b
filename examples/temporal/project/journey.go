package project

import (
	"time"

	flow "github.com/o2okit/o2okit/workflow"

	"github.com/o2okit/o2okit/workflow/decoration"
)

// Journey is a whole decoration project, from application to review; now
// dates the booking and the handover facts.
func Journey(now time.Time) []FireRequest {
	day := 24 * time.Hour
	return []FireRequest{
		{ID: "c1", Event: "apply", Actor: "owner-1", Role: flow.RoleOwner, Facts: flow.Facts{decoration.FactVenue: "online"}},
		{ID: "c2", Event: "measure", Actor: "store-1", Role: flow.RoleStore, Facts: flow.Facts{decoration.FactFloorPlan: "plan-1"}},
		{ID: "c3", Event: "upload_plan", Actor: "owner-1", Role: flow.RoleOwner, Facts: flow.Facts{decoration.FactDesignMode: "designer"}},
		{ID: "c4", Event: "submit_design", Actor: "designer-7", Role: flow.RoleDesigner, Facts: flow.Facts{decoration.FactDesign: "design-9"}},
		{ID: "c5", Event: "confirm_design", Actor: "owner-1", Role: flow.RoleOwner, Facts: flow.Facts{decoration.FactProducts: "sel-3", decoration.FactPlatformOrder: "PO-88", decoration.FactProvincePrice: "true"}},
		{ID: "c6", Event: "choose_crew", Actor: "owner-1", Role: flow.RoleOwner, Facts: flow.Facts{decoration.FactCrew: "crew-5"}},
		{ID: "c7", Event: "agree_drawings", Actor: "store-1", Role: flow.RoleStore, Facts: flow.Facts{decoration.FactDrawings: "dwg-2"}},
		{ID: "c8", Event: "book", Actor: "owner-1", Role: flow.RoleOwner, Facts: flow.Facts{decoration.FactBookedFor: now.Add(-day).UTC().Format(time.RFC3339)}},
		{ID: "c9", Event: "start_construction", Actor: "spec-4", Role: flow.RoleSpecialist, Facts: flow.Facts{decoration.FactEcoCertified: "true"}},
		{ID: "c10", Event: "hand_over", Actor: "spec-4", Role: flow.RoleSpecialist, Facts: flow.Facts{decoration.FactHandedOverAt: now.UTC().Format(time.RFC3339)}},
		{ID: "c11", Event: "review", Actor: "owner-1", Role: flow.RoleOwner, Facts: flow.Facts{decoration.FactRating: "5", decoration.FactReview: "tidy"}},
	}
}
