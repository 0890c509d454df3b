package decoration_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// TestStreamBoughtNeverRan: live video bought during construction, never
// streamed, blocks the handover; the specialist starting the stream (an
// event of its own, with the stream's id) lets it through, and nobody
// else may start it.
func TestStreamBoughtNeverRan(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()
	steps = append(steps[:1], steps[2:]...) // no live video before construction
	steps[8].Cmd.Facts = workflow.Facts{decoration.FactEcoCertified: "true"}
	in := flowtest.Run(t, def, steps[:9])
	if _, err := in.Fire(flowtest.T0Ctx(), flowtest.Cmd("v1", decoration.EventBuyLiveVideo, "owner-1", workflow.RoleOwner, 24*30, nil)); err != nil {
		t.Fatal(err)
	}
	handOver := steps[9].Cmd
	flowtest.WantGuard(t, flowtest.FireRefused(t, in, handOver), "live_video")

	var fe *workflow.ForbiddenError
	owner := flowtest.Cmd("s0", decoration.EventStartStream, "owner-1", workflow.RoleOwner, 24*31, workflow.Facts{decoration.FactLiveStream: "fake"})
	if err := flowtest.FireRefused(t, in, owner); !errors.As(err, &fe) {
		t.Fatalf("owner starting the stream: %v", err)
	}
	flowtest.WantGuard(t, flowtest.FireRefused(t, in, flowtest.Cmd("s1", decoration.EventStartStream, "spec-4", workflow.RoleSpecialist, 24*31, nil)), "stream_id")
	if _, err := in.Fire(flowtest.T0Ctx(), flowtest.Cmd("s2", decoration.EventStartStream, "spec-4", workflow.RoleSpecialist, 24*31, workflow.Facts{decoration.FactLiveStream: "live-9"})); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Fire(flowtest.T0Ctx(), handOver); err != nil {
		t.Fatalf("hand over with the stream running: %v", err)
	}
}

// TestTimeFactsAgainstTheCommand: a booking date before the booking, a
// handover dated after the command recording it and a claim before the
// handover are refused by a guard naming the instants.
func TestTimeFactsAgainstTheCommand(t *testing.T) {
	def := flowtest.MustDecoration(t)
	steps := flowtest.DecorationJourney()

	in := flowtest.Run(t, def, steps[:8])
	book := steps[8].Cmd
	book.Facts = workflow.Facts{decoration.FactBookedFor: flowtest.At(200).Format(time.RFC3339)} // booked at 210
	err := flowtest.FireRefused(t, in, book)
	flowtest.WantGuard(t, err, "booking_date")
	if !strings.Contains(err.Error(), "before the command's instant") {
		t.Errorf("reason: %v", err)
	}
	book.Facts = workflow.Facts{decoration.FactBookedFor: flowtest.At(210).Format(time.RFC3339)} // the same instant is fine
	if _, err := in.Fire(flowtest.T0Ctx(), book); err != nil {
		t.Fatal(err)
	}

	in = flowtest.Run(t, def, steps[:10])
	hand := steps[10].Cmd
	hand.Facts = workflow.Facts{decoration.FactHandedOverAt: hand.At.AddDate(1, 0, 0).Format(time.RFC3339)}
	err = flowtest.FireRefused(t, in, hand)
	flowtest.WantGuard(t, err, "handover_date")
	if !strings.Contains(err.Error(), "after the command's instant") {
		t.Errorf("reason: %v", err)
	}

	as := flowtest.MustAfterSales(t)
	claim := workflow.New(as)
	open := flowtest.Cmd("a1", decoration.EventOpen, "owner-1", workflow.RoleOwner, 24*10, workflow.Facts{decoration.FactClaimKind: "product", decoration.FactHandedOverAt: flowtest.At(24 * 20).Format(time.RFC3339)})
	flowtest.WantGuard(t, flowtest.FireRefused(t, claim, open), "handed_over")
}

// TestCompensationIsMoney: compensation must be an amount, positive, in
// the project's currency and within the ceiling of its kind.
func TestCompensationIsMoney(t *testing.T) {
	as := flowtest.MustAfterSales(t, decoration.WithCompensation(decoration.Compensation{Currency: o2o.CNY, Ceilings: map[string]o2o.Money{
		decoration.CompensationDeadline: o2o.MustParseMoney("800.00 CNY"),
		decoration.CompensationEco:      o2o.MustParseMoney("9000.00 CNY"),
	}}))
	claim := flowtest.AfterSalesReturn()[:2]
	for _, tt := range []struct {
		kind, amount, guard string
	}{
		{decoration.CompensationDeadline, "lots", "compensation_deadline"},
		{decoration.CompensationDeadline, "-500.00 CNY", "compensation_deadline"},
		{decoration.CompensationDeadline, "0.00 CNY", "compensation_deadline"},
		{decoration.CompensationDeadline, "500.00 USD", "compensation_deadline"},
		{decoration.CompensationDeadline, "800.01 CNY", "compensation_deadline"},
		{decoration.CompensationDeadline, "", "compensation_deadline"},
		{decoration.CompensationStream, "100.00 CNY", "compensation_kind"}, // no ceiling configured
		{"", "100.00 CNY", "compensation_kind"},
	} {
		in := flowtest.Run(t, as, claim)
		err := flowtest.FireRefused(t, in, flowtest.Cmd("a3", decoration.EventCompensate, "spec-4", workflow.RoleSpecialist, 24*102,
			workflow.Facts{decoration.FactCompensationKind: tt.kind, decoration.FactCompensation: tt.amount}))
		flowtest.WantGuard(t, err, tt.guard)
	}
	in := flowtest.Run(t, as, claim)
	r, err := in.Fire(flowtest.T0Ctx(), flowtest.Cmd("a3", decoration.EventCompensate, "spec-4", workflow.RoleSpecialist, 24*102,
		workflow.Facts{decoration.FactCompensationKind: decoration.CompensationEco, decoration.FactCompensation: "9000.00 CNY"}))
	if err != nil || len(r.Intents) != 1 || r.Intents[0].Kind != decoration.IntentCompensate || len(r.Intents[0].Amounts) != 1 ||
		r.Intents[0].Amounts[0].Key != decoration.PartyOwner || r.Intents[0].Amounts[0].Amount.String() != "9000.00 CNY" {
		t.Fatalf("compensation at the ceiling: %+v, %v", r, err)
	}
}

// TestEcoCertifiedOwned: the owner may not write the eco certificate when
// applying; only the specialist at acceptance may.
func TestEcoCertifiedOwned(t *testing.T) {
	def := flowtest.MustDecoration(t)
	in := workflow.New(def)
	err := flowtest.FireRefused(t, in, flowtest.Cmd("c1", decoration.EventApply, "owner-1", workflow.RoleOwner, 0, workflow.Facts{decoration.FactVenue: "online", decoration.FactEcoCertified: "true"}))
	var fe *workflow.ForbiddenError
	if !errors.As(err, &fe) || fe.Fact != decoration.FactEcoCertified || !errors.Is(err, workflow.ErrForbidden) || fe.Event != decoration.EventApply || len(fe.Allowed) != 0 {
		t.Fatalf("owner writing eco_certified at apply: %v", err)
	}
	steps := flowtest.DecorationJourney()
	in = flowtest.Run(t, def, steps[:9])
	start := steps[9].Cmd
	start.Role = workflow.RoleSpecialist
	if err := in.Check(flowtest.T0Ctx(), start); err != nil {
		t.Fatalf("specialist at acceptance: %v", err)
	}
}
