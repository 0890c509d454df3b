package settlement

import (
	"fmt"

	"github.com/o2okit/o2okit/o2o"
)

// Sentinel errors of the package. Each wraps o2o.ErrInvalid: it is the
// caller's input that breaks a rule, and the state it was applied to is left
// exactly as it was.
var (
	// ErrConflict reports an idempotency key already used for a posting with
	// different content (TigerBeetle's "exists with different fields").
	ErrConflict = fmt.Errorf("%w: idempotency key conflict", o2o.ErrInvalid)
	// ErrLimit reports a batch that would take an account below its
	// overdraft limit.
	ErrLimit = fmt.Errorf("%w: overdraft limit exceeded", o2o.ErrInvalid)
	// ErrOverReversal reports a reversal that refers to no posting, does not
	// mirror it, or would reverse more than it moved.
	ErrOverReversal = fmt.Errorf("%w: reversal exceeds the original", o2o.ErrInvalid)
	// ErrAlreadyReversed reports a reversal of something already reversed in
	// full (a second full reversal is refused).
	ErrAlreadyReversed = fmt.Errorf("%w: already reversed in full", o2o.ErrInvalid)
	// ErrOverlap reports partitions that share an idempotency key: partials
	// must be built on disjoint partitions to merge.
	ErrOverlap = fmt.Errorf("%w: partitions overlap", o2o.ErrInvalid)
	// ErrNoRule reports an order line no split rule covers.
	ErrNoRule = fmt.Errorf("%w: no split rule", o2o.ErrInvalid)
	// ErrMissingParty reports a split leg whose recipient the routing or the
	// entitlements do not name, where no remaining party can take its share.
	ErrMissingParty = fmt.Errorf("%w: missing party", o2o.ErrInvalid)
	// ErrOverflow reports an amount or balance beyond what the ledger holds
	// exactly (±9.2×10^18 minor units in all; one posting at most 10^15).
	ErrOverflow = fmt.Errorf("%w: amount out of range", o2o.ErrInvalid)
	// ErrClosed reports a co-investment position that is fully repaid and
	// closed: it draws no more revenue and takes no new advance.
	ErrClosed = fmt.Errorf("%w: position closed", o2o.ErrInvalid)
)

// ConflictError names the idempotency key that was reused with different
// content. It wraps ErrConflict.
type ConflictError struct {
	// Key is the reused idempotency key.
	Key string
	// Index is the position of the conflicting posting in its batch.
	Index int
	// Existing is the posting the key already stands for.
	Existing Posting
}

// Error describes the conflict: what was refused and why.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("postings[%d]: key %q already names a different posting (%s)", e.Index, e.Key, e.Existing)
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// LimitError names the account whose overdraft limit a posting would break,
// with the amount needed and the amount available. It wraps ErrLimit.
type LimitError struct {
	// Account is the account at fault.
	Account string
	// Key is the idempotency key of the posting that would break the limit.
	Key string
	// Index is that posting's position in its batch.
	Index int
	// Needed is the amount the posting takes from the account.
	Needed o2o.Money
	// Available is what the account could still give: its balance plus its
	// overdraft limit, before the posting.
	Available o2o.Money
}

// Error describes the limit breach: what was refused and why.
func (e *LimitError) Error() string {
	return fmt.Sprintf("postings[%d] %q: account %q needs %s, only %s available within its overdraft limit",
		e.Index, e.Key, e.Account, e.Needed, e.Available)
}

// Unwrap returns ErrLimit.
func (e *LimitError) Unwrap() error { return ErrLimit }

// ReversalError names the posting a reversal refers to and why it is refused.
// It wraps ErrOverReversal or ErrAlreadyReversed.
type ReversalError struct {
	// Ref is the idempotency key of the original posting (or the reference of
	// the original batch).
	Ref string
	// Reason says what is wrong, in plain English.
	Reason string
	// Err is ErrOverReversal or ErrAlreadyReversed.
	Err error
}

// Error describes the refused reversal: what was refused and why.
func (e *ReversalError) Error() string { return fmt.Sprintf("reversal of %q: %s", e.Ref, e.Reason) }

// Unwrap returns the sentinel.
func (e *ReversalError) Unwrap() error { return e.Err }
