package pricing

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// num is the exact decimal Quote computes with: coef × 10^exp.
//
// Why: a quote does a dozen multiplications, additions and roundings, and
// bulk audits (UnifiedPrice over a province's quotes, a month of orders
// priced again) run millions of them; in decimal.Decimal each allocates.
// The int64 path keeps that arithmetic free of allocation, and the rules in
// apply.go read as plain arithmetic on nums either way. The reference is
// decimal.Decimal itself: arith{wide: true} (below) sends every operation
// down the decimal path, TestInt64PathMatchesDecimal requires the same
// quote, byte for byte, from both, and TestNumMatchesDecimal checks each
// operation.
//
// It mirrors shopspring/decimal's arithmetic exactly — value and exponent
// (a sum keeps the smaller exponent, a product adds them, rounding to n
// places gives exponent −n) — so that a num turned into o2o.Money formats,
// marshals and compares exactly as the decimal.Decimal the same operations
// would have produced. While the coefficient fits in an int64 it lives in c
// and e, and no operation allocates; when an operand does not fit, or a
// result would overflow, the operation is done in decimal.Decimal instead
// and the result is kept wide (in d). Overflow is always detected, never
// wrapped.
type num struct {
	c    int64
	e    int32
	wide bool
	d    decimal.Decimal
}

// maxExp bounds the exponents the int64 path handles; anything outside is
// done in decimal.Decimal (no real price has 19 places).
const maxExp = 18

// pow10s holds 10^0 … 10^18, every power of ten below 2^63.
var pow10s = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// numOf returns d as a num, in int64 when it fits. It does not allocate.
func numOf(d decimal.Decimal) num {
	if e := d.Exponent(); e >= -maxExp && e <= maxExp && d.NumDigits() <= 18 {
		return num{c: d.CoefficientInt64(), e: e}
	}
	return num{wide: true, d: d}
}

// numOfMoney returns m's amount as a num.
func numOfMoney(m o2o.Money) num { return numOf(m.Amount()) }

// wideNum returns d as a wide num: the decimal path, used for values that
// must not take the int64 path (tests compare the two paths this way).
func wideNum(d decimal.Decimal) num { return num{wide: true, d: d} }

// dec returns n as a decimal.Decimal with the same value and exponent.
func (n num) dec() decimal.Decimal {
	if n.wide {
		return n.d
	}
	return decimal.New(n.c, n.e)
}

// money returns n in currency c (a currency already checked).
func (n num) money(c o2o.Currency) o2o.Money {
	m, _ := o2o.NewMoneyIn(n.dec(), c)
	return m
}

// sign returns -1, 0 or +1.
func (n num) sign() int {
	if n.wide {
		return n.d.Sign()
	}
	switch {
	case n.c < 0:
		return -1
	case n.c > 0:
		return 1
	}
	return 0
}

// same reports whether n and o have the same coefficient and exponent: the
// same Money text, not only the same value.
func (n num) same(o num) bool {
	if n.wide || o.wide {
		return n.dec().Exponent() == o.dec().Exponent() && n.dec().Equal(o.dec())
	}
	return n.c == o.c && n.e == o.e
}

// scale returns c × 10^k and whether it fits in an int64 (k ≥ 0).
func scale(c int64, k int32) (int64, bool) {
	if k < 0 || k > maxExp {
		return 0, false
	}
	if k == 0 || c == 0 {
		return c, true
	}
	p := pow10s[k]
	if c > math.MaxInt64/p || c < -math.MaxInt64/p {
		return 0, false
	}
	return c * p, true
}

// align returns the coefficients of n and o at their smaller exponent.
func align(n, o num) (a, b int64, e int32, ok bool) {
	switch {
	case n.e == o.e:
		return n.c, o.c, n.e, true
	case n.e < o.e:
		b, ok = scale(o.c, o.e-n.e)
		return n.c, b, n.e, ok
	default:
		a, ok = scale(n.c, n.e-o.e)
		return a, o.c, o.e, ok
	}
}

// add returns n + o (exponent: the smaller of the two).
func (n num) add(o num) num {
	if !n.wide && !o.wide {
		if a, b, e, ok := align(n, o); ok {
			if s, overflow := addInt64(a, b); !overflow {
				return num{c: s, e: e}
			}
		}
	}
	return wideNum(n.dec().Add(o.dec()))
}

// sub returns n − o (exponent: the smaller of the two).
func (n num) sub(o num) num {
	if !n.wide && !o.wide && o.c != math.MinInt64 {
		if a, b, e, ok := align(n, o); ok && b != math.MinInt64 {
			if s, overflow := addInt64(a, -b); !overflow {
				return num{c: s, e: e}
			}
		}
	}
	return wideNum(n.dec().Sub(o.dec()))
}

func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0)
}

// mul returns n × o (exponent: the sum of the two).
func (n num) mul(o num) num {
	if !n.wide && !o.wide {
		if e := n.e + o.e; e >= -maxExp && e <= maxExp {
			if p, ok := mulInt64(n.c, o.c); ok {
				return num{c: p, e: e}
			}
		}
	}
	return wideNum(n.dec().Mul(o.dec()))
}

// mulInt64 returns a × b and whether it fits in an int64.
func mulInt64(a, b int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(absU(a), absU(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

func absU(a int64) uint64 {
	if a < 0 {
		return uint64(-a) // MinInt64 maps to 2^63, as intended
	}
	return uint64(a)
}

// cmp compares n and o by value: -1, 0 or +1.
func (n num) cmp(o num) int {
	if !n.wide && !o.wide {
		if a, b, _, ok := align(n, o); ok {
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}
		// Exponents too far apart to align: the signs may settle it.
		if sn, so := n.sign(), o.sign(); sn != so {
			if sn < so {
				return -1
			}
			return 1
		}
	}
	return n.dec().Cmp(o.dec())
}

// less reports n < o.
func (n num) less(o num) bool { return n.cmp(o) < 0 }

// equal reports whether n and o have the same value (1.5 equals 1.50).
func (n num) equal(o num) bool { return n.cmp(o) == 0 }

// roundTo rounds n to places decimal places with mode, as
// o2o.Money.RoundTo does; the result has exponent −places.
func (n num) roundTo(places int32, mode o2o.RoundingMode) num {
	t := -places
	if !n.wide && t >= -maxExp && t <= maxExp {
		if n.e >= t {
			// Nothing is dropped: every mode rescales exactly.
			if c, ok := scale(n.c, n.e-t); ok {
				return num{c: c, e: t}
			}
		} else if k := t - n.e; k <= maxExp {
			p := pow10s[k]
			q, r := n.c/p, n.c%p // truncated toward zero; r has n's sign
			switch mode {
			case "", o2o.RoundHalfEven, o2o.RoundHalfUp:
				// Half away from zero; ties to even for half-even.
				switch r2 := 2 * absU(r); {
				case r2 > uint64(p):
					q += int64(n.sign())
				case r2 == uint64(p):
					if mode == o2o.RoundHalfUp || q%2 != 0 {
						q += int64(n.sign())
					}
				}
			case o2o.RoundUp:
				if r != 0 {
					q += int64(n.sign())
				}
			case o2o.RoundCeiling:
				if r > 0 {
					q++
				}
			case o2o.RoundFloor:
				if r < 0 {
					q--
				}
			case o2o.RoundDown:
			default:
				return n.roundWide(places, mode)
			}
			return num{c: q, e: t}
		}
	}
	return n.roundWide(places, mode)
}

func (n num) roundWide(places int32, mode o2o.RoundingMode) num {
	m, err := o2o.NewMoney(n.dec()).RoundTo(places, mode)
	if err != nil {
		return n // an unknown mode is refused at Build; keep the value
	}
	return wideNum(m.Amount())
}

// divRound returns n / o rounded half away from zero to precision places,
// as decimal.Decimal.DivRound does; the result has exponent −precision.
// o must not be zero.
func (n num) divRound(o num, precision int32) num {
	if !n.wide && !o.wide && o.c != 0 {
		// n / o = (a × 10^ea) / (b × 10^eb); the quotient at 10^−precision is
		// a × 10^(ea − eb + precision) / b.
		k := n.e - o.e + precision
		a, b := absU(n.c), absU(o.c)
		hi, lo := uint64(0), a
		ok := true
		if k >= 0 && k <= maxExp {
			hi, lo = bits.Mul64(a, uint64(pow10s[k]))
		} else if k < 0 && -k <= maxExp {
			var carry uint64
			carry, b = bits.Mul64(b, uint64(pow10s[-k]))
			ok = carry == 0
		} else {
			ok = false
		}
		if ok && hi < b {
			q, r := bits.Div64(hi, lo, b)
			// Half away from zero: up when 2r ≥ b (2r may need 65 bits).
			if r >= b-r {
				q++
			}
			if q <= math.MaxInt64 {
				c := int64(q)
				if (n.c < 0) != (o.c < 0) {
					c = -c
				}
				return num{c: c, e: -precision}
			}
		}
	}
	return wideNum(n.dec().DivRound(o.dec(), precision))
}

// arith reads the amounts a quote starts from as nums. The zero arith is
// the int64 path; with wide set, every num is kept in decimal.Decimal, so
// that every operation takes the decimal path: the reference the int64
// path is tested against (tests set it through DecimalOnly).
type arith struct{ wide bool }

// in returns m's amount as a num.
func (a arith) in(m o2o.Money) num { return a.dec(m.Amount()) }

// dec returns d as a num.
func (a arith) dec(d decimal.Decimal) num {
	if a.wide {
		return wideNum(d)
	}
	return numOf(d)
}

// k returns a num derived once at Build (made wide on the reference path).
func (a arith) k(n num) num {
	if a.wide && !n.wide {
		return wideNum(n.dec())
	}
	return n
}
