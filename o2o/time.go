package o2o

import (
	"sync"
	"time"
)

// ChinaOffset is China Standard Time's offset from UTC, in seconds. China
// has observed no daylight saving since 1991, so a fixed zone is exact.
const ChinaOffset = 8 * 60 * 60

// China returns a fixed +08:00 location named "CST", the default for
// calendar rules (a month's cap, "7 days", month-end). It does not read the
// system's time-zone files, so results never depend on the host.
func China() *time.Location { return china() }

// china builds the location once, so China() == China(): a *time.Location
// is immutable and safe to share.
var china = sync.OnceValue(func() *time.Location { return time.FixedZone("CST", ChinaOffset) })

// LocationOr returns loc, or China() when loc is nil: the rule every config
// with an optional location follows.
func LocationOr(loc *time.Location) *time.Location {
	if loc == nil {
		return China()
	}
	return loc
}
