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
// for anything else (which time.Parse may still accept). The date and time
// ("2006-01-02T15:04:05") are checked eight bytes at a time: separators by
// mask, digits by nibbles.
func fastInstant(s string) (t time.Time, ok bool) {
	if len(s) < 20 {
		return time.Time{}, false
	}
	w0, w1 := word(s, 0), word(s, 8) // "2006-01-", "02T15:04"
	w2 := uint64(half(s, 16))        // ":05" and what follows
	if w0&sepMask0 != sepWant0 || w1&sepMask1 != sepWant1 || w2&0xFF != ':' ||
		!digits(w0, digitMask0) || !digits(w1, digitMask1) || !digits(w2, 0xFFFF00) {
		return time.Time{}, false
	}
	year := int(w0&0xF)*1000 + int(w0>>8&0xF)*100 + int(w0>>16&0xF)*10 + int(w0>>24&0xF)
	month := int(w0>>40&0xF)*10 + int(w0>>48&0xF)
	day := int(w1&0xF)*10 + int(w1>>8&0xF)
	hour := int(w1>>24&0xF)*10 + int(w1>>32&0xF)
	minute := int(w1>>48&0xF)*10 + int(w1>>56&0xF)
	sec := int(w2>>8&0xF)*10 + int(w2>>16&0xF)
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
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

// The separators of "2006-01-02T15:04:05", by byte of the first two
// eight-byte words (little-endian), and the bytes that must be digits.
const (
	sepMask0   = 0xFF<<56 | 0xFF<<32
	sepWant0   = '-'<<56 | '-'<<32
	sepMask1   = 0xFF<<40 | 0xFF<<16
	sepWant1   = ':'<<40 | 'T'<<16
	digitMask0 = 0x00FFFF00FFFFFFFF
	digitMask1 = 0xFFFF00FFFF00FFFF
	nibbles    = 0xF0F0F0F0F0F0F0F0
	threes     = 0x3030303030303030
	sixes      = 0x0606060606060606
)

// digits reports whether the bytes of w in mask are all ASCII digits:
// high nibble 3, and low nibble at most 9 (adding 6 keeps the high nibble
// 3; it cannot carry out of a byte whose high nibble is 3).
func digits(w, mask uint64) bool {
	hi := nibbles & mask
	return w&hi == threes&mask && (w+sixes&mask)&hi == threes&mask
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
