package drainage

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"

	"github.com/o2okit/o2okit/o2o"
)

// prepare validates touches and conversions and orders and interns them
// into a run: touches by (customer, At, Seq, ID), conversions by
// (customer, At, ID), customers ranked, sources numbered in sorted order.
//
// Speed trick, for the millions of touches Prepare and Attribute read:
// data usually comes already in that order (as a query ordered by
// customer and time gives it). The validating pass, which reads every
// touch anyway, checks the order as it goes and, while it holds, numbers
// the customers and interns the sources too (scanTouches), so the sort and
// a second pass over the touches are left out. At the first touch out of
// order it stops, and the plain way takes over: sort, then number and
// intern over the sorted touches (internTouches). Both give the same run
// (TestPrepareInOrderMatchesSorted); conversions likewise.
func (r *Rules) prepare(touches []Touch, conversions []Conversion) (*run, error) {
	// The ids are hashed in the validating pass, for noDuplicates.
	hashes := make([]uint64, max(len(touches), len(conversions)))
	in := pathSources{ids: make([]int32, 0, len(touches))}
	rn := &run{r: r, touches: touches, conv: conversions, currency: o2o.CNY}
	rn.tCust = make([]int32, len(touches))
	tInOrder, err := scanTouches(touches, hashes, &in, rn.tCust)
	if err != nil {
		return nil, err
	}
	if err := noDuplicates(hashes, "touches", len(touches), func(i int) string { return touches[i].ID }); err != nil {
		return nil, err
	}
	rn.cCust = make([]int32, len(conversions))
	cInOrder, err := rn.scanConversions(hashes)
	if err != nil {
		return nil, err
	}
	if err := noDuplicates(hashes, "conversions", len(conversions), func(i int) string { return conversions[i].ID }); err != nil {
		return nil, err
	}
	rn.tOrder = touchOrder{touches: touches}
	if !tInOrder {
		perm := make([]int32, len(touches))
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortFunc(perm, func(i, j int32) int {
			a, b := &touches[i], &touches[j]
			if c := cmp.Compare(a.Customer, b.Customer); c != 0 {
				return c
			}
			return compareTouches(a, b)
		})
		rn.tOrder.perm = perm
		in = pathSources{ids: in.ids[:0]}
		internTouches(&rn.tOrder, &in, rn.tCust)
	}
	rn.cOrder = make([]*Conversion, len(conversions))
	for i := range conversions {
		rn.cOrder[i] = &conversions[i]
	}
	if !cInOrder {
		slices.SortFunc(rn.cOrder, func(a, b *Conversion) int {
			if c := cmp.Compare(a.Customer, b.Customer); c != 0 {
				return c
			}
			return compareConversions(a, b)
		})
		for i, c := range rn.cOrder {
			rn.cCust[i] = 0
			if i > 0 {
				rn.cCust[i] = rn.cCust[i-1]
				if c.Customer != rn.cOrder[i-1].Customer {
					rn.cCust[i]++
				}
			}
		}
	}
	rn.nCust = rankCustomers(&rn.tOrder, rn.tCust, rn.cOrder, rn.cCust)
	// Number sources in sorted order, so indices do not depend on input
	// order.
	rn.sources, rn.srcIdx = in.sorted()
	return rn, nil
}

// scanTouches validates touches and hashes their ids into hashes. While
// they are in order (customer, then compareTouches) it also numbers their
// customers into cust (0, then one more at each new customer) and interns
// their sources into in, as internTouches does over sorted touches; it
// reports whether all were in order (else in and cust are partial).
func scanTouches(touches []Touch, hashes []uint64, in *pathSources, cust []int32) (bool, error) {
	inOrder := true
	n := int32(0)
	for i := range touches {
		t := &touches[i]
		k := touchKindIndex(t.Kind)
		// The order check below compares the customer with the previous
		// touch's, whose text is valid: equal, it need not be read again.
		sameCustomer := i > 0 && t.Customer == touches[i-1].Customer
		if err := t.validateKind(k, sameCustomer); err != nil {
			return false, o2o.Prefix(indexPath("touches", i), err)
		}
		hashes[i] = hashID(t.ID)
		if !inOrder {
			continue
		}
		if i > 0 {
			p := &touches[i-1]
			if !sameCustomer {
				if t.Customer < p.Customer {
					inOrder = false
					continue
				}
				n++
			} else if compareTouches(p, t) > 0 {
				inOrder = false
				continue
			}
		}
		cust[i] = n
		in.addKind(k, Source{Kind: t.Kind, Campaign: t.Campaign})
	}
	return inOrder, nil
}

// internTouches numbers the customers of ordered touches into cust (0,
// then one more at each new customer) and interns their sources into in.
func internTouches(o *touchOrder, in *pathSources, cust []int32) {
	n := int32(0)
	for i := range o.len() {
		t := o.at(i)
		if i > 0 && t.Customer != o.at(i-1).Customer {
			n++
		}
		cust[i] = n
		in.add(Source{Kind: t.Kind, Campaign: t.Campaign}) // kinds were validated
	}
}

// scanConversions validates rn's conversions, checks they share one
// currency (rn.currency) and hashes their ids into hashes. While they are
// in order (customer, then compareConversions) it numbers their customers
// into rn.cCust, as scanTouches does; it reports whether all were in order.
func (rn *run) scanConversions(hashes []uint64) (bool, error) {
	conversions := rn.conv
	inOrder := true
	n := int32(0)
	for i := range conversions {
		c := &conversions[i]
		m, minorOK := c.Value.MinorUnits()
		if err := c.validate(minorOK); err != nil {
			return false, o2o.Prefix(indexPath("conversions", i), err)
		}
		if i == 0 {
			rn.currency = c.Value.Currency()
		} else if c.Value.Currency() != rn.currency {
			return false, fmt.Errorf("%s.value: %w: %s and %s", indexPath("conversions", i), o2o.ErrCurrencyMismatch, rn.currency, c.Value.Currency())
		}
		if (!minorOK || m > maxMinor(c.Value.Currency())) && c.Value.Amount().Cmp(maxValue) > 0 {
			return false, o2o.Invalidf(indexPath("conversions", i)+".value", "must be at most %s", o2o.FormatDecimal(maxValue))
		}
		hashes[i] = hashID(c.ID)
		if !inOrder || i == 0 {
			continue
		}
		p := &conversions[i-1]
		if c.Customer != p.Customer {
			if c.Customer < p.Customer {
				inOrder = false
				continue
			}
			n++
		} else if compareConversions(p, c) > 0 {
			inOrder = false
			continue
		}
		rn.cCust[i] = n
	}
	return inOrder, nil
}

// rankCustomers replaces the customer numbers of the ordered touches
// (tCust) and conversions (cCust), each counting its own slice's
// customers, by the customers' ranks among both, and returns the number of
// distinct customers. It compares one customer of each slice at a time,
// not every touch's.
func rankCustomers(tOrder *touchOrder, tCust []int32, cOrder []*Conversion, cCust []int32) int {
	ti, ci, n := 0, 0, int32(0)
	for ; ti < len(tCust) || ci < len(cCust); n++ {
		var c int
		switch {
		case ti == len(tCust):
			c = 1
		case ci == len(cCust):
			c = -1
		default:
			c = cmp.Compare(tOrder.at(ti).Customer, cOrder[ci].Customer)
		}
		if c <= 0 {
			ti = renumberRun(tCust, ti, n)
		}
		if c >= 0 {
			ci = renumberRun(cCust, ci, n)
		}
	}
	return int(n)
}

// renumberRun sets the run of equal numbers starting at nums[i] to n and
// returns the index past it.
func renumberRun(nums []int32, i int, n int32) int {
	v := nums[i]
	for ; i < len(nums) && nums[i] == v; i++ {
		nums[i] = n
	}
	return i
}

// hashID hashes an id for noDuplicates, sixteen bytes at a time: the two
// words, xored with constants and the state, are multiplied into 128 bits
// whose halves are folded together (wyhash's mixing). Equal hashes only
// send noDuplicates to compare the ids themselves, so a rare collision
// costs time, never a wrong answer.
func hashID(s string) uint64 {
	const k0, k1, k2 = 0xa0761d6478bd642f, 0xe7037ed1a0b428db, 0x8ebc6af09c88c6e3
	h := uint64(len(s)) ^ k0
	for ; len(s) > 16; s = s[16:] {
		h = mum(load8(s)^h^k1, load8(s[8:])^k2)
	}
	var x, y uint64
	if len(s) > 8 {
		x, y = load8(s), loadTail(s[8:])
	} else {
		x = loadTail(s)
	}
	return mum(x^h^k1, y^h^k2)
}

// mum folds the 128-bit product of x and y into 64 bits.
func mum(x, y uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	return hi ^ lo
}

// load8 reads the first eight bytes of s as a little-endian word.
func load8(s string) uint64 {
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// loadTail reads s, at most eight bytes, as a little-endian word.
func loadTail(s string) uint64 {
	var w uint64
	for i := 0; i < len(s) && i < 8; i++ {
		w |= uint64(s[i]) << (8 * i)
	}
	return w
}

// touchOrder is a run's touches in order (customer, At, Seq, ID):
// touches[perm[i]], or touches[i] when perm is nil, the touches having
// come in that order.
type touchOrder struct {
	touches []Touch
	perm    []int32
}

// at returns the i-th touch in order.
func (o *touchOrder) at(i int) *Touch {
	if o.perm == nil {
		return &o.touches[i]
	}
	return &o.touches[o.perm[i]]
}

// len returns the number of touches.
func (o *touchOrder) len() int { return len(o.touches) }

// search returns the first index in [from, to) whose touch satisfies ok,
// or to: ok must be false, then true, over the range (sort.Search's rule).
func (o *touchOrder) search(from, to int, ok func(*Touch) bool) int {
	for from < to {
		mid := int(uint(from+to) >> 1)
		if ok(o.at(mid)) {
			to = mid
		} else {
			from = mid + 1
		}
	}
	return from
}

// appendPtrs appends pointers to the touches [from, to) in order to dst.
func (o *touchOrder) appendPtrs(dst []*Touch, from, to int) []*Touch {
	for i := from; i < to; i++ {
		dst = append(dst, o.at(i))
	}
	return dst
}

// anyUnattached reports whether a touch in [from, to) is unattached.
func (o *touchOrder) anyUnattached(from, to int) bool {
	for i := from; i < to; i++ {
		if unattached(o.at(i)) {
			return true
		}
	}
	return false
}
