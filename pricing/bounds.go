package pricing

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// The domain of the package: what a book, a config and a request may hold.
// Within it, every amount a quote shows has a bounded number of digits, so
// that every quote the package produces writes as JSON and reads back
// exactly; outside it, input is refused with an error wrapping
// o2o.ErrInvalid that names the field, the value and the bound.
const (
	// MaxPrice is the largest amount of money, in major units of its
	// currency (yuan for CNY), that a book entry, a config (costs, caps,
	// benefit costs) or a request (a negotiated or observed price, a
	// campaign's funding) may carry. Amounts may also have no more decimal
	// places than their currency's minor unit (two for CNY: the fen).
	MaxPrice = 1_000_000_000_000
	// MaxQuantity is the largest quantity a request may ask for.
	MaxQuantity = 1_000_000_000
	// MaxQuantityPlaces is the most decimal places a quantity may have.
	MaxQuantityPlaces = 6
	// MaxPercentPlaces is the most decimal places a percent of a Config
	// (margin, uplift, band, VAT rate, markdown) may have.
	MaxPercentPlaces = 4
	// MaxYear is the last year an instant (a book entry's validity, a
	// request's instant, an observation's times) may fall in, in its own
	// location: JSON writes years with four digits.
	MaxYear = 9999
)

// shape returns the decimal places of d's value (trailing zeros dropped)
// and the number of its digits before the point. It does not allocate for
// a coefficient of up to 18 digits.
func shape(d decimal.Decimal) (places, whole int64) {
	if d.Sign() == 0 {
		return 0, 0
	}
	e := int64(d.Exponent())
	var digits, zeros int64
	if d.NumDigits() <= 18 {
		c := d.CoefficientInt64()
		if c < 0 {
			c = -c
		}
		for ; c%10 == 0; c /= 10 {
			zeros++
		}
		for ; c > 0; c /= 10 {
			digits++
		}
		digits += zeros
	} else {
		s := strings.TrimPrefix(d.Coefficient().String(), "-")
		digits = int64(len(s))
		zeros = digits - int64(len(strings.TrimRight(s, "0")))
	}
	return max(0, -e-zeros), max(0, digits+e)
}

// beyond reports whether |d| > limit, d having whole digits before its point.
func beyond(d decimal.Decimal, whole int64, limit int64, limitDigits int64) bool {
	switch {
	case whole > limitDigits:
		return true
	case whole < limitDigits:
		return false
	}
	return d.Abs().GreaterThan(decimal.New(limit, 0))
}

// priceFits reports, without formatting or allocating, that a price read
// as n is surely in the domain: positive, at most MaxPrice, with at most
// minor decimal places. False means "look closer" (amountFault), not
// "out of the domain".
func priceFits(n num, minor int32) bool {
	return !n.wide && n.c > 0 && n.e <= 0 && n.e >= -minor && -n.e < int32(len(maxPriceAt)) && n.c <= maxPriceAt[-n.e]
}

// maxPriceAt[k] is MaxPrice in units of 10^-k.
var maxPriceAt = [...]int64{MaxPrice, MaxPrice * 10, MaxPrice * 100, MaxPrice * 1000, MaxPrice * 10000}

// amountFault says why m is outside the domain (more places than its
// currency's minor unit, or beyond MaxPrice), or returns "".
func amountFault(m o2o.Money) string {
	places, whole := shape(m.Amount())
	cur := m.Currency()
	minor := cur.MinorDigits()
	if beyond(m.Amount(), whole, MaxPrice, 13) {
		return fmt.Sprintf("%s %s is beyond the largest amount the pricing rules accept (%d)", show(m.Amount(), places, whole), cur, MaxPrice)
	}
	if places > int64(minor) {
		return fmt.Sprintf("%s %s has %d decimal places, more than %s's minor unit (%s: %d places)", show(m.Amount(), places, whole), cur, places, cur, minorUnit(cur), minor)
	}
	return ""
}

// minorUnit returns the currency's minor unit as text: "0.01" for CNY.
func minorUnit(c o2o.Currency) string {
	return decimal.New(1, -c.MinorDigits()).StringFixed(c.MinorDigits())
}

// quantityFault says why a positive quantity is outside the domain, or
// returns "".
func quantityFault(q decimal.Decimal) string {
	places, whole := shape(q)
	if beyond(q, whole, MaxQuantity, 10) {
		return fmt.Sprintf("%s is beyond the largest quantity the pricing rules accept (%d)", show(q, places, whole), MaxQuantity)
	}
	if places > MaxQuantityPlaces {
		return fmt.Sprintf("%s has %d decimal places, more than the %d a quantity may have", show(q, places, whole), places, MaxQuantityPlaces)
	}
	return ""
}

// percentPlacesFault says why a percent has too many decimal places, or
// returns "".
func percentPlacesFault(p decimal.Decimal) string {
	if places, whole := shape(p); places > MaxPercentPlaces {
		return fmt.Sprintf("%s has %d decimal places, more than the %d a percent may have", show(p, places, whole), places, MaxPercentPlaces)
	}
	return ""
}

// instantFault says why an instant is outside years 0–MaxYear, or returns
// "". The zero time (an absent or open bound) is in the domain.
func instantFault(t time.Time) string {
	if u := t.Unix(); (u > safeFromUnix && u < safeUntilUnix) || t.IsZero() {
		return "" // a day inside the bounds in every location
	}
	if y := t.Year(); y < 0 || y > MaxYear {
		return fmt.Sprintf("year %d is outside 0 to %d", y, MaxYear)
	}
	return ""
}

// show returns d as text for an error, d having the places and whole
// digits shape gives: exact up to 64 digits, else its size.
func show(d decimal.Decimal, places, whole int64) string {
	if places+whole <= 64 {
		return o2o.FormatDecimal(d)
	}
	return fmt.Sprintf("a value of %d digits", places+whole)
}

// safeFrom and safeUntil are a day inside years 0 and MaxYear: an instant
// between them is in the domain whatever its location's offset.
var (
	safeFromUnix  = time.Date(0, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
	safeUntilUnix = time.Date(MaxYear, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
)

// WholeUnit reports whether quantities in u are whole numbers: pieces,
// sets and jobs are counted, so 1.5 pieces is refused; square metres and
// metres are measured and may have a fraction (up to MaxQuantityPlaces
// places). An unknown unit is not whole.
func WholeUnit(u o2o.Unit) bool {
	switch u {
	case o2o.UnitPiece, o2o.UnitSet, o2o.UnitJob:
		return true
	}
	return false
}
