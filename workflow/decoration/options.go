package decoration

import (
	"fmt"
	"maps"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/workflow"
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
