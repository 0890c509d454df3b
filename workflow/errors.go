package workflow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/o2okit/o2okit/o2o"
)

// Sentinel errors of the package. Each wraps o2o.ErrInvalid: it is the
// caller's command or data that is refused, and the instance is unchanged.
var (
	// ErrForbidden reports a role not allowed to fire an event. The typed
	// error is *ForbiddenError.
	ErrForbidden = fmt.Errorf("%w: forbidden", o2o.ErrInvalid)
	// ErrGuard reports a guard that failed. The typed error is *GuardError.
	ErrGuard = fmt.Errorf("%w: guard failed", o2o.ErrInvalid)
	// ErrNotAvailable reports an event that does not leave the current state,
	// or that the definition does not know. The typed error is *TransitionError.
	ErrNotAvailable = fmt.Errorf("%w: event not available", o2o.ErrInvalid)
	// ErrConflict reports a command id already applied with other content.
	ErrConflict = fmt.Errorf("%w: command id reused with other content", o2o.ErrInvalid)
	// ErrVersion reports a snapshot of another definition or version.
	ErrVersion = fmt.Errorf("%w: definition mismatch", o2o.ErrInvalid)
	// ErrCorrupt reports a snapshot whose state, facts, deadlines or history
	// do not agree with each other or with the definition.
	ErrCorrupt = fmt.Errorf("%w: corrupt snapshot", o2o.ErrInvalid)
)

// ForbiddenError reports a role that may not fire an event. It wraps
// ErrForbidden.
type ForbiddenError struct {
	// Event is the event that was refused.
	Event string
	// Role is the role that tried it.
	Role Role
	// Allowed lists the roles that may fire the event, or, when Fact is
	// set, the roles that may write Fact with it (none when the event may
	// not write it at all).
	Allowed []Role
	// Fact, when set, is a fact the command brought that its event or role
	// does not own (see Spec.Facts).
	Fact string
}

// Error names the event, the role refused and the roles allowed.
func (e *ForbiddenError) Error() string {
	names := make([]string, len(e.Allowed))
	for i, r := range e.Allowed {
		names[i] = string(r)
	}
	if e.Fact != "" {
		if len(names) == 0 {
			return fmt.Sprintf("event %q may not write fact %q", e.Event, e.Fact)
		}
		return fmt.Sprintf("role %q may not write fact %q with %q (allowed: %s)", e.Role, e.Fact, e.Event, strings.Join(names, ", "))
	}
	return fmt.Sprintf("role %q may not fire %q (allowed: %s)", e.Role, e.Event, strings.Join(names, ", "))
}

// Unwrap returns ErrForbidden.
func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

// GuardError reports the guard that refused a transition and why. It wraps
// ErrGuard.
type GuardError struct {
	// Event is the event that was refused.
	Event string
	// Guard is the guard's name, such as "floor_plan".
	Guard string
	// Reason says which condition failed, in plain English.
	Reason string
	// Err is the error a GuardCustom guard's function returned; nil for a
	// data guard.
	Err error
}

// Error names the event, the guard that failed and why.
func (e *GuardError) Error() string {
	return fmt.Sprintf("event %q refused by guard %q: %s", e.Event, e.Guard, e.Reason)
}

// Unwrap returns ErrGuard and, for a guard function, the error it returned.
func (e *GuardError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrGuard}
	}
	return []error{ErrGuard, e.Err}
}

// TransitionError reports an event the current state does not allow, or one
// the definition does not know (Known false). It wraps ErrNotAvailable.
type TransitionError struct {
	// Event is the event that was asked for.
	Event string
	// State is the state the instance is in.
	State string
	// Known reports whether the definition has the event at all.
	Known bool
}

// Error names the event and the state it cannot fire from.
func (e *TransitionError) Error() string {
	if !e.Known {
		return fmt.Sprintf("unknown event %q", e.Event)
	}
	return fmt.Sprintf("event %q is not available in state %q", e.Event, e.State)
}

// Unwrap returns ErrNotAvailable.
func (e *TransitionError) Unwrap() error { return ErrNotAvailable }

// VersionError reports a snapshot or instance made for another definition or
// version than the one given. It wraps ErrVersion.
type VersionError struct {
	// Want is the definition's name and version; Got is the snapshot's.
	WantName, GotName       string
	WantVersion, GotVersion int
}

// Error names the definition versions that differ.
func (e *VersionError) Error() string {
	return fmt.Sprintf("snapshot is for %s v%d, definition is %s v%d", e.GotName, e.GotVersion, e.WantName, e.WantVersion)
}

// Unwrap returns ErrVersion.
func (e *VersionError) Unwrap() error { return ErrVersion }

// errEmpty refuses a command or migration on the zero Instance.
func errEmpty() error {
	return o2o.Invalid("instance", "is empty: it runs on no definition (use New or Restore)")
}

// corrupt returns an ErrCorrupt error naming the JSON path at fault.
func corrupt(path, format string, args ...any) error {
	return &o2o.ValidationError{
		Fields: []o2o.FieldError{{Path: path, Reason: fmt.Sprintf(format, args...)}},
		Err:    ErrCorrupt,
	}
}

// errInternal marks a disagreement between looplab/fsm and the definition's
// own table; it should never happen and is not the caller's fault.
var errInternal = errors.New("workflow: internal error")
