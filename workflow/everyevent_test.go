package workflow_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/o2okit/o2okit/internal/flowtest"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// scenario is a command that succeeds after prefix on def.
type scenario struct {
	def    *workflow.Definition
	prefix []flowtest.Step
	cmd    workflow.Command
}

// everyTransition returns a succeeding command for every transition of
// the default decoration and after-sales flows: the journeys' steps,
// cancellation from every state before construction, the live-video add-on
// from every state that allows it, and each after-sales resolution and its
// closing.
func everyTransition(t *testing.T) []scenario {
	t.Helper()
	dec, as := flowtest.MustDecoration(t), flowtest.MustAfterSales(t)
	var out []scenario
	steps := flowtest.DecorationJourney()
	for i := range steps {
		out = append(out, scenario{dec, steps[:i], steps[i].Cmd})
		state := decoration.StateNew
		if i > 0 {
			state = steps[i-1].Want
		}
		c := steps[i].Cmd
		if dec.Can(state, "cancel") {
			out = append(out, scenario{dec, steps[:i], flowtest.Cmd("x-cancel", "cancel", "owner-1", workflow.RoleOwner, 0, workflow.Facts{decoration.FactCancelReason: "moved"})})
			out[len(out)-1].cmd.At = c.At
		}
		if dec.Can(state, decoration.EventStartStream) {
			out = append(out, scenario{dec, steps[:i], flowtest.Cmd("x-stream", decoration.EventStartStream, "spec-4", workflow.RoleSpecialist, 0, workflow.Facts{decoration.FactLiveStream: "live-78"})})
			out[len(out)-1].cmd.At = c.At
		}
		if dec.Can(state, "buy_live_video") {
			out = append(out, scenario{dec, steps[:i], flowtest.Cmd("x-video", "buy_live_video", "owner-1", workflow.RoleOwner, 0, nil)})
			out[len(out)-1].cmd.At = c.At
		}
	}
	claim := flowtest.AfterSalesReturn()
	out = append(out, scenario{as, nil, claim[0].Cmd}, scenario{as, claim[:1], claim[1].Cmd})
	resolutions := map[string]workflow.Facts{"repair": nil, "exchange": nil, "return": {decoration.FactClearanceStore: "store-sz-01"}, "compensate": {decoration.FactCompensation: "300.00 CNY", decoration.FactCompensationKind: decoration.CompensationDeadline}}
	for _, ev := range slices.Sorted(maps.Keys(resolutions)) {
		resolve := flowtest.Cmd("a3", ev, "spec-4", workflow.RoleSpecialist, 24*102, resolutions[ev])
		out = append(out, scenario{as, claim[:2], resolve})
		to := as.Trans(decoration.ClaimInspected, ev).To()
		out = append(out, scenario{as, append(slices.Clone(claim[:2]), flowtest.Step{Cmd: resolve, Want: to}), claim[3].Cmd})
	}
	// Every transition of both flows is covered.
	covered := map[*workflow.Transition]bool{}
	for _, s := range out {
		in := flowtest.Run(t, s.def, s.prefix)
		covered[s.def.Trans(in.State(), s.cmd.Event)] = true
	}
	for _, def := range []*workflow.Definition{dec, as} {
		for _, tr := range def.Transitions() {
			if !covered[tr] {
				t.Errorf("%s: no scenario for %s from %s", def.Name(), tr.Event(), tr.From())
			}
		}
	}
	return out
}

// TestEveryEventRefusals: for every transition of both flows, each role
// not allowed is refused with a *ForbiddenError, each guard failing (its
// fact emptied, its condition met) is refused with a *GuardError naming
// the first guard that reads that fact, and after each refusal the
// instance is byte-for-byte unchanged; the command itself then succeeds.
func TestEveryEventRefusals(t *testing.T) {
	ctx := context.Background()
	forbidden, guarded := 0, 0
	for _, s := range everyTransition(t) {
		in := flowtest.Run(t, s.def, s.prefix)
		before := flowtest.SnapJSON(t, in)
		tr := s.def.Trans(in.State(), s.cmd.Event)
		name := s.def.Name() + "/" + tr.From() + "/" + tr.Event()
		for _, role := range workflow.Roles() {
			if slices.Contains(tr.Roles(), role) {
				continue
			}
			c := s.cmd
			c.Role = role
			_, err := in.Fire(ctx, c)
			var fe *workflow.ForbiddenError
			if !errors.As(err, &fe) || fe.Role != role || fe.Event != c.Event || !errors.Is(err, workflow.ErrForbidden) || !errors.Is(err, o2o.ErrInvalid) {
				t.Errorf("%s as %s: err = %v", name, role, err)
			}
			if flowtest.SnapJSON(t, in) != before {
				t.Errorf("%s as %s changed the instance", name, role)
			}
			forbidden++
		}
		for _, g := range tr.Guards() {
			if _, own := tr.Records()[g.Fact]; own {
				continue
			}
			c := s.cmd
			c.Facts = flowtest.With(s.cmd.Facts, g.Fact, "")
			if w := g.When; w != nil {
				c.Facts[w.Fact] = w.Equals
			}
			// A fact the event does not own cannot be brought: the
			// command is refused as forbidden, naming the fact.
			if f := unowned(s.def, tr, c); f != "" {
				_, err := in.Fire(ctx, c)
				var fe *workflow.ForbiddenError
				if !errors.As(err, &fe) || fe.Fact != f || !errors.Is(err, workflow.ErrForbidden) {
					t.Errorf("%s bringing %s: err = %v, want forbidden fact", name, f, err)
				}
				if flowtest.SnapJSON(t, in) != before {
					t.Errorf("%s bringing %s changed the instance", name, f)
				}
				forbidden++
				continue
			}
			value := func(fact string) string {
				if v, ok := c.Facts[fact]; ok {
					return v
				}
				v, _ := in.Fact(fact)
				return v
			}
			want := g.Name
			for _, h := range tr.Guards() {
				if h.Fact == g.Fact && (h.When == nil || value(h.When.Fact) == h.When.Equals) {
					want = h.Name
					break
				}
			}
			_, err := in.Fire(ctx, c)
			var ge *workflow.GuardError
			if !errors.As(err, &ge) || ge.Event != c.Event || ge.Guard != want || !errors.Is(err, workflow.ErrGuard) || !errors.Is(err, o2o.ErrInvalid) {
				t.Errorf("%s without %s: err = %v, want guard %s", name, g.Fact, err, want)
			}
			if flowtest.SnapJSON(t, in) != before {
				t.Errorf("%s without %s changed the instance", name, g.Fact)
			}
			guarded++
		}
		if _, err := in.Fire(ctx, s.cmd); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	t.Logf("%d forbidden roles and %d failing guards checked", forbidden, guarded)
	if forbidden < 100 || guarded < 25 {
		t.Errorf("only %d forbidden roles and %d failing guards checked", forbidden, guarded)
	}
}

// unowned returns the least fact c brings that tr does not let its role
// write, or "".
func unowned(def *workflow.Definition, tr *workflow.Transition, c workflow.Command) string {
	bad := ""
	for k := range c.Facts {
		roles, ok := def.Writes()[tr.Event()][k]
		if (!ok || (roles != nil && !slices.Contains(roles, c.Role))) && (bad == "" || k < bad) {
			bad = k
		}
	}
	return bad
}
