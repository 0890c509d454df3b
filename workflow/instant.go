package workflow

import "time"

// parseInstant parses s as an RFC 3339 instant, accepting exactly what
// time.Parse(time.RFC3339, s) accepts and giving the same instant, in UTC.
// The common form ("2006-01-02T15:04:05", up to nine digits of fraction,
// "Z" or "±hh:mm") is read directly, without the *time.Location that
// time.Parse allocates for an offset other than the local one; anything
// else is left to time.Parse. Callers that keep or print the result in the
// fact's own offset use time.Parse.
func parseInstant(s string) (time.Time, bool) {
	if t, ok := fastInstant(s); ok {
		return t, true
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// fastInstant reads the common form of an RFC 3339 instant; ok is false
// for anything else (which time.Parse may still accept).
func fastInstant(s string) (t time.Time, ok bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	ok = true
	num := func(lo, hi, min, max int) int {
		x := 0
		for i := lo; i < hi; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			x = x*10 + int(c-'0')
		}
		if x < min || x > max {
			ok = false
		}
		return x
	}
	year := num(0, 4, 0, 9999)
	month := num(5, 7, 1, 12)
	if !ok {
		return time.Time{}, false
	}
	day := num(8, 10, 1, daysIn(month, year))
	hour := num(11, 13, 0, 23)
	minute := num(14, 16, 0, 59)
	sec := num(17, 19, 0, 59)
	if !ok {
		return time.Time{}, false
	}
	rest := s[19:]
	nsec := 0
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		nsec = num(20, 19+n, 0, 999999999)
		for range 10 - n {
			nsec *= 10
		}
		rest = rest[n:]
	}
	offset := 0
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		at := len(s) - 6
		hh := num(at+1, at+3, 0, 23)
		mm := num(at+4, at+6, 0, 59)
		offset = (hh*60 + mm) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	if !ok {
		return time.Time{}, false
	}
	unix := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec) - int64(offset)
	return time.Unix(unix, int64(nsec)).UTC(), true
}

// daysIn is the number of days of month in year (proleptic Gregorian).
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to the date
// (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
