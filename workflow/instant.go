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
	y1, ok1 := two(s, 0)
	y2, ok2 := two(s, 2)
	month, ok3 := two(s, 5)
	day, ok4 := two(s, 8)
	hour, ok5 := two(s, 11)
	minute, ok6 := two(s, 14)
	sec, ok7 := two(s, 17)
	year := y1*100 + y2
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || month < 1 || month > 12 ||
		day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := s[19:]
	nsec := 0
	if rest[0] == '.' {
		n := 1
		for ; n < len(rest) && rest[n] >= '0' && rest[n] <= '9'; n++ {
			nsec = nsec*10 + int(rest[n]-'0')
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		for range 10 - n {
			nsec *= 10
		}
		rest = rest[n:]
	}
	offset := 0
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		hh, ok1 := two(rest, 1)
		mm, ok2 := two(rest, 4)
		if !ok1 || !ok2 || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		offset = (hh*60 + mm) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	unix := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec-offset)
	return time.Unix(unix, int64(nsec)).UTC(), true
}

// two reads the two decimal digits of s at i; ok is false if either is
// not a digit.
func two(s string, i int) (int, bool) {
	a, b := s[i]-'0', s[i+1]-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
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

// daysFromCivil is the number of days from 1970-01-01 to the date, for
// years 0 to 9999 (H. Hinnant's algorithm, shifted by one 400-year era so
// that every quotient is of a non-negative number).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	yoe := uint(y + 400)
	era := yoe / 400
	yoe -= era * 400
	mp := uint(m+9) % 12
	doy := (153*mp+2)/5 + uint(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return (int64(era)-1)*146097 + int64(doe) - 719468
}
