package workflow

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Migrate moves a running instance to to, a newer version of the same flow,
// at instant at. Instances stay on the version they were started on until
// they are migrated explicitly.
//
// states maps state names of the current version to those of the new one;
// a state it does not name keeps its name, which must then exist in the new
// version. Every entry of the map is checked, not only the current state's,
// so one map can migrate a whole batch. Facts carry over unchanged, the
// history is kept as it is, and deadlines keep their due times (a migration
// never resets one): the open deadline, if any, moves with its state.
// Nothing is fired and no guard is called.
//
// The move is recorded as a Migration, which is also the checkpoint from
// which Restore validates later steps against the new version. Migrate
// refuses, leaving the instance unchanged, a definition of another flow or
// not newer (ErrVersion), a map naming unknown states, a current state
// with no counterpart, or an instant before the last step (all
// *o2o.ValidationError wrapping o2o.ErrInvalid).
func (in *Instance) Migrate(to *Definition, states map[string]string, at time.Time) error {
	from := in.def
	if to == nil {
		return o2o.Invalid("definition", "is required")
	}
	if from == nil {
		return errEmpty()
	}
	if to.Name() != from.Name() || to.Version() <= from.Version() {
		return o2o.InvalidAs(ErrVersion, "version", fmt.Sprintf("cannot migrate %s v%d to %s v%d: want a newer version of the same flow",
			from.Name(), from.Version(), to.Name(), to.Version()))
	}
	var faults []o2o.FieldError
	for _, old := range slices.Sorted(maps.Keys(states)) {
		path := "states." + old
		if _, ok := from.stateIdx[old]; !ok {
			faults = append(faults, o2o.FieldError{Path: path, Reason: fmt.Sprintf("%q is not a state of v%d", old, from.Version())})
		}
		if _, ok := to.stateIdx[states[old]]; !ok {
			faults = append(faults, o2o.FieldError{Path: path, Reason: fmt.Sprintf("%q is not a state of v%d", states[old], to.Version())})
		}
	}
	target, ok := states[in.State()]
	if !ok {
		target = in.State()
		if _, known := to.stateIdx[target]; !known {
			faults = append(faults, o2o.FieldError{Path: "states." + in.State(),
				Reason: fmt.Sprintf("the current state %q is not in v%d; map it to one", in.State(), to.Version())})
		}
	}
	switch last := in.last; {
	case at.IsZero():
		faults = append(faults, o2o.FieldError{Path: "at", Reason: "is required"})
	case !encodable(at):
		faults = append(faults, o2o.FieldError{Path: "at", Reason: fmt.Sprintf("year %d is outside 0 to 9999", at.Year())})
	case at.Before(last):
		faults = append(faults, o2o.FieldError{Path: "at", Reason: fmt.Sprintf("%s is before the previous step at %s",
			at.Format(time.RFC3339), last.Format(time.RFC3339))})
	}
	if faults != nil {
		return &o2o.ValidationError{Fields: faults}
	}
	// Commit: nothing below can fail.
	dls := slices.Clone(in.deadlines)
	for i := range dls {
		if dls[i].Met.IsZero() && dls[i].State == in.State() {
			dls[i].State = target
		}
	}
	in.migrations = append(in.migrations, Migration{
		Seq: len(in.history), FromVersion: from.Version(), ToVersion: to.Version(),
		From: in.State(), To: target, At: at, Facts: in.facts.Clone(), Deadlines: slices.Clone(dls),
	})
	in.def, in.si, in.deadlines, in.last = to, to.stateIdx[target], dls, at
	return nil
}
