package channel

import (
	"errors"
	"fmt"
	"strings"

	"github.com/o2okit/o2okit/internal/limits"
	"github.com/o2okit/o2okit/o2o"
)

// Sentinel errors of the package. Those reporting bad input wrap
// o2o.ErrInvalid.
var (
	// ErrOverlap reports two dealers' territories that overlap (地域代理制 is
	// exclusive). The error is an *OverlapError naming both dealers.
	ErrOverlap = fmt.Errorf("%w: overlapping territories", o2o.ErrInvalid)
	// ErrNoRoute reports an order that no candidate in the network can serve.
	// It is not bad input: the network has a gap. The error is a *RouteError.
	ErrNoRoute = errors.New("no candidate can serve the order")
	// ErrTie reports candidates tied for an order under the refuse tie rule.
	// The error is a *RouteError listing the tied candidates.
	ErrTie = errors.New("tied candidates, none assigned")
	// ErrLeadHolderCannotServe reports a protected lead whose holder cannot do
	// the work needed; routing never silently passes the customer to another
	// party. The error is a *RouteError.
	ErrLeadHolderCannotServe = errors.New("the protected lead holder cannot serve the order")
	// ErrOutOfOrder reports a lead registration older than one already
	// applied for the same customer. It wraps o2o.ErrInvalid.
	ErrOutOfOrder = fmt.Errorf("%w: registration out of time order", o2o.ErrInvalid)
	// ErrFutureLead reports a lead registration dated more than MaxLeadAhead
	// after the instant it was received (or the registry loaded): it would
	// claim the customer from the future. It wraps o2o.ErrInvalid.
	ErrFutureLead = fmt.Errorf("%w: registration dated after it was received", o2o.ErrInvalid)
)

// OverlapError names two dealers whose territories overlap, and the regions
// at fault. It wraps ErrOverlap (and so o2o.ErrInvalid).
type OverlapError struct {
	// Path is the JSON path of the later territory entry, such as
	// "dealers[1].territory[0]".
	Path string
	// First and FirstRegion are the dealer listed first and its region.
	First       string
	FirstRegion o2o.RegionCode
	// Second and SecondRegion are the later dealer and its region.
	Second       string
	SecondRegion o2o.RegionCode
}

// Error names both dealers and both territories.
func (e *OverlapError) Error() string {
	return fmt.Sprintf("%s: territory %s of dealer %q overlaps territory %s of dealer %q (地域代理制 is exclusive)",
		e.Path, e.SecondRegion, e.Second, e.FirstRegion, e.First)
}

// Unwrap returns ErrOverlap.
func (e *OverlapError) Unwrap() error { return ErrOverlap }

// RouteError explains why routing assigned no one: no candidate (ErrNoRoute),
// a tie under the refuse rule (ErrTie), or a lead holder unable to serve
// (ErrLeadHolderCannotServe). It carries every candidate considered.
type RouteError struct {
	// Err is ErrNoRoute, ErrTie or ErrLeadHolderCannotServe.
	Err error
	// OrderID, Delivery and Need describe the request.
	OrderID  string
	Delivery o2o.RegionCode
	Need     Capability
	// Also are the capabilities needed besides Need; see Decision.Also.
	Also []Capability
	// Tied lists the tied candidates for ErrTie.
	Tied []PartyRef
	// PassedOver lists every candidate considered and why it was not chosen.
	PassedOver []PassedOver
}

// Error names the order, the need and the delivery region, then the tied
// candidates and every candidate passed over and why: at most 100 of each
// (the SDK's limit on faults listed in one error), then how many more there
// were. The fields hold them all.
func (e *RouteError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "route order %q (%s to %s): %v", e.OrderID, needOf(e.Need, e.Also), e.Delivery, e.Err)
	if len(e.Tied) > 0 {
		var refs []string
		for _, r := range e.Tied[:min(len(e.Tied), limits.MaxFaults)] {
			refs = append(refs, r.String())
		}
		fmt.Fprintf(&b, ": %s%s", strings.Join(refs, ", "), more(len(e.Tied)))
	}
	for _, p := range e.PassedOver[:min(len(e.PassedOver), limits.MaxFaults)] {
		fmt.Fprintf(&b, "; %s: %s", p.Party, p.Reason)
	}
	if m := more(len(e.PassedOver)); m != "" {
		b.WriteString(";" + m)
	}
	return b.String()
}

// more says how many of n faults a list capped at limits.MaxFaults left
// out, or nothing when it left none out.
func more(n int) string {
	if n <= limits.MaxFaults {
		return ""
	}
	return fmt.Sprintf(" and %d more", n-limits.MaxFaults)
}

// Unwrap returns the sentinel in Err.
func (e *RouteError) Unwrap() error { return e.Err }
