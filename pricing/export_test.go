package pricing

// DecimalOnly returns a copy of p that computes every quote in
// decimal.Decimal only: the reference the int64 path is tested against.
func DecimalOnly(p *Policy) *Policy {
	q := *p
	q.arith = arith{wide: true}
	return &q
}
