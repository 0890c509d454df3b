package o2o

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a span of time as rule configs write it: "7d", "48h",
// "1h30m", or "2d12h". Days are exactly 24 hours (calendar rules that need
// a calendar day read instants in a location instead). The zero value is no
// time. It marshals as its text.
type Duration time.Duration

// Day is 24 hours.
const Day = 24 * time.Hour

// ParseDuration reads "7d", "2d12h" or anything time.ParseDuration takes
// ("48h", "90m"). A negative duration is refused. Errors wrap ErrInvalid.
func ParseDuration(s string) (Duration, error) {
	var days time.Duration
	rest := s
	if before, after, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.ParseUint(before, 10, 32)
		if err != nil || strings.HasPrefix(after, "-") || strings.HasPrefix(after, "+") {
			return 0, Invalidf("", "malformed duration %q", clip(s))
		}
		if n > math.MaxInt64/uint64(Day) {
			return 0, Invalidf("", "duration %q is too long", clip(s))
		}
		days, rest = time.Duration(n)*Day, after
		if rest == "" {
			return Duration(days), nil
		}
	}
	d, err := time.ParseDuration(rest)
	switch {
	case err != nil:
		return 0, Invalidf("", "malformed duration %q", clip(s))
	case d < 0:
		return 0, Invalidf("", "duration %q must not be negative", clip(s))
	case d > math.MaxInt64-days:
		return 0, Invalidf("", "duration %q is too long", clip(s))
	}
	return Duration(days + d), nil
}

// Std returns the duration as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String writes whole days as "7d" and the rest as time.Duration does:
// "2d12h0m0s", "48h" is "2d", "90m" is "1h30m0s". ParseDuration reads it back.
func (d Duration) String() string {
	std := time.Duration(d)
	if std < 0 {
		return std.String()
	}
	days, rest := std/Day, std%Day
	switch {
	case days == 0:
		return rest.String()
	case rest == 0:
		return strconv.FormatInt(int64(days), 10) + "d"
	}
	return strconv.FormatInt(int64(days), 10) + "d" + rest.String()
}

// MarshalText writes String.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what ParseDuration reads.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
