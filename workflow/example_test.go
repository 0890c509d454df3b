package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

func Example() {
	def, err := decoration.Process()
	if err != nil {
		panic(err)
	}
	project := workflow.New(def)
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	r, err := project.Fire(context.Background(), workflow.Command{
		ID: "cmd-1", Event: "apply", Actor: "owner-1", Role: workflow.RoleOwner, At: t0,
		Facts: workflow.Facts{decoration.FactVenue: "online"},
	})
	fmt.Println(r.From, "->", r.To, err)
	first := r.Intents[0]
	fmt.Println(first.Key, first.Role, first.Kind+":", first.Note)
	fmt.Println(project.Available())
	for _, d := range project.Overdue(t0.Add(49 * time.Hour)) {
		fmt.Println("overdue:", d.For)
	}
	// Output:
	// new -> applied <nil>
	// cmd-1/0 store notify: schedule the free on-site measurement
	// [buy_live_video cancel measure]
	// overdue: free on-site measurement (量房) within 48h of applying
}

func ExampleInstance_Fire_refusals() {
	def, _ := decoration.Process()
	project := workflow.New(def)
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	ctx := context.Background()
	_, _ = project.Fire(ctx, workflow.Command{ID: "1", Event: "apply", Actor: "o", Role: workflow.RoleOwner, At: t0,
		Facts: workflow.Facts{decoration.FactVenue: "store"}})

	// The owner may not complete the store's measurement.
	_, err := project.Fire(ctx, workflow.Command{ID: "2", Event: "measure", Actor: "o", Role: workflow.RoleOwner, At: t0})
	var fe *workflow.ForbiddenError
	fmt.Println(errors.As(err, &fe), err)

	// The store must record the floor plan.
	_, err = project.Fire(ctx, workflow.Command{ID: "2", Event: "measure", Actor: "s", Role: workflow.RoleStore, At: t0})
	var ge *workflow.GuardError
	fmt.Println(errors.As(err, &ge), ge.Guard)
	fmt.Println(project.State())
	// Output:
	// true role "owner" may not fire "measure" (allowed: store)
	// true floor_plan
	// applied
}

func ExampleRestore() {
	def, _ := decoration.Process(decoration.WithVersion(1))
	project := workflow.New(def)
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	_, _ = project.Fire(context.Background(), workflow.Command{ID: "1", Event: "apply", Actor: "o", Role: workflow.RoleOwner, At: t0,
		Facts: workflow.Facts{decoration.FactVenue: "online"}})

	restored, err := workflow.Restore(def, project.Snapshot())
	fmt.Println(restored.State(), restored.Seq(), err)
	fmt.Println(restored.Deadlines()[0].Due.Format(time.RFC3339))

	newer, _ := decoration.Process(decoration.WithVersion(2))
	_, err = workflow.Restore(newer, project.Snapshot())
	fmt.Println(err)
	// Output:
	// applied 1 <nil>
	// 2025-03-03T09:00:00+08:00
	// snapshot is for decoration v1, definition is decoration v2
}

// Serving one request: decode the stored snapshot, check its seal,
// restore it, fire the command, seal and store the new snapshot. The key
// is the caller's own, kept outside the snapshot.
func Example_serveRequest() {
	def, _ := decoration.Process()
	key := []byte("a key of 16 bytes or more")
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	first := workflow.New(def)
	_, _ = first.Fire(context.Background(), workflow.Command{ID: "1", Event: "apply", Actor: "o", Role: workflow.RoleOwner, At: t0,
		Facts: workflow.Facts{decoration.FactVenue: "online"}})
	sealed, _ := first.Snapshot().Seal(key)
	stored, _ := json.Marshal(sealed)

	var s workflow.Snapshot
	if err := json.Unmarshal(stored, &s); err != nil {
		fmt.Println(err)
		return
	}
	if err := s.Verify(key); err != nil {
		fmt.Println(err)
		return
	}
	project, err := workflow.Restore(def, s)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := project.Fire(context.Background(), workflow.Command{ID: "2", Event: "measure", Actor: "store-1",
		Role: workflow.RoleStore, At: t0.Add(30 * time.Hour), Facts: workflow.Facts{decoration.FactFloorPlan: "plan-7"}})
	fmt.Println(r.From, "->", r.To, err)
	next, _ := project.Snapshot().Seal(key)
	fmt.Println(next.Verify(key), project.Deadlines()[0].Late(t0.Add(30*time.Hour)))

	// An edit by anyone without the key breaks the seal.
	next.History[1].Actor = "someone else"
	fmt.Println(errors.Is(next.Verify(key), o2o.ErrSealBroken))
	// Output:
	// applied -> measured <nil>
	// <nil> false
	// true
}

// A flow loaded from JSON, as an ERP would keep it in its database.
func ExampleParseSpec() {
	def, err := workflow.ParseSpec([]byte(`{
	  "name": "sample", "version": 1, "initial": "requested", "terminal": ["done"],
	  "states": [
	    {"name": "requested", "deadline": {"within": "2d", "for": "visit the site"}},
	    {"name": "done"}
	  ],
	  "guards": [{"name": "photo", "kind": "present", "fact": "photo"}],
	  "events": [{"name": "finish", "from": ["requested"], "to": "done", "roles": ["specialist"], "guards": ["photo"]}]
	}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(def.Can("requested", "finish"), def.Available("requested"))
	fmt.Print(def.Mermaid("requested"))
	// Output:
	// true [finish]
	// stateDiagram-v2
	//     note right of requested : due within 2d
	//     [*] --> requested
	//     requested --> done : finish [specialist] if photo
	//     done --> [*]
	//     classDef current fill:#0a0,color:#fff
	//     class requested current
}

func ExampleAfterSales() {
	def, _ := decoration.AfterSales()
	claim := workflow.New(def)
	handover := time.Date(2024, 1, 10, 9, 0, 0, 0, o2o.China())
	_, err := claim.Fire(context.Background(), workflow.Command{
		ID: "c1", Event: "open", Actor: "owner-1", Role: workflow.RoleOwner, At: handover.AddDate(1, 1, 0),
		Facts: workflow.Facts{decoration.FactClaimKind: "product", decoration.FactHandedOverAt: handover.Format(time.RFC3339)},
	})
	var ge *workflow.GuardError
	if errors.As(err, &ge) {
		fmt.Println(ge.Guard)
	}
	fmt.Println(claim.State())
	// Output:
	// product_warranty
	// new
}

// ExampleInstance_Migrate moves a running project to version 2 of the flow,
// with construction node control, where an online designer is also
// required, keeping its facts and history.
func ExampleInstance_Migrate() {
	v1, _ := decoration.Process(decoration.WithVersion(1))
	v2, _ := decoration.Process(decoration.WithoutDIY())
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, o2o.China())
	project := workflow.New(v1)
	_, _ = project.Fire(context.Background(), workflow.Command{ID: "c1", Event: "apply", Actor: "owner Li",
		Role: workflow.RoleOwner, At: t0, Facts: workflow.Facts{decoration.FactVenue: "online"}})

	err := project.Migrate(v2, nil, t0.Add(time.Hour))
	fmt.Println(err, project.State(), "v", project.Definition().Version(), "steps", project.Seq())
	fmt.Println(project.Overdue(t0.Add(49 * time.Hour))[0].For)
	err = project.Migrate(v1, nil, t0.Add(2*time.Hour))
	fmt.Println(errors.Is(err, workflow.ErrVersion))
	// Output:
	// <nil> applied v 2 steps 1
	// free on-site measurement (量房) within 48h of applying
	// true
}
