package drainage

import (
	"cmp"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// prepare validates touches and conversions and orders and interns them
// into a run: touches by (customer, At, Seq, ID), conversions by
// (customer, At, ID), customers ranked, sources numbered in sorted order,
// each touch's store and sales mode packed into its place (touchPlaces).
//
// Speed trick, for the millions of touches Prepare and Attribute read:
// data usually comes already in that order (as a query ordered by
// customer and time gives it). The validating pass, which reads every
// touch anyway, checks the order as it goes and, while it holds, marks
// the customers and interns the sources and places too (scanTouches), so
// the sort and a second pass over the touches are left out. At the first
// touch out of order it stops, and the plain way takes over: order
// (customerOrder, with the id hashes and the run's columns not yet filled
// as scratch), then mark and intern each customer's touches as they come
// in order (internCustomer). Both give the same run
// (TestPrepareInOrderMatchesSorted, TestPrepareShuffledMatchesSorted);
// conversions likewise.
func (r *Rules) prepare(touches []Touch, conversions []Conversion) (*run, error) {
	// The ids are hashed in the validating pass, for noDuplicates.
	hashes := make([]uint64, max(len(touches), len(conversions)))
	rn := &run{r: r, touches: touches, conv: conversions, currency: o2o.CNY}
	rn.tPlace = make([]int32, len(touches))
	// Room for a span per conversion: a guess at the number of customers.
	tc := &touchCols{
		in: pathSources{ids: make([]int32, 0, len(touches))}, places: newTouchPlaces(), place: rn.tPlace,
		spans: make([]touchSpan, 0, min(len(touches), len(conversions)+1)),
	}
	tInOrder, err := scanTouches(touches, hashes, tc)
	if err != nil {
		return nil, err
	}
	if err := noDuplicates(hashes, "touches", len(touches), func(i int) string { return touches[i].ID }); err != nil {
		return nil, err
	}
	rn.cMinor = make([]int64, len(conversions))
	rn.cPlace = make([]int32, len(conversions))
	cInOrder, err := rn.scanConversions(hashes, &tc.places)
	if err != nil {
		return nil, err
	}
	if err := noDuplicates(hashes, "conversions", len(conversions), func(i int) string { return conversions[i].ID }); err != nil {
		return nil, err
	}
	rn.tOrder = touchOrder{touches: touches}
	rn.cOrder = convOrder{conv: conversions}
	if !cInOrder {
		// Ordered first, while tc.in's room is free for scratch if the
		// touches are out of order too (their sources are gathered again).
		var narrow []int32
		if !tInOrder {
			narrow = tc.in.ids[:0]
		}
		rn.cOrder.perm = customerOrder(customerItems{
			n: len(conversions), customer: func(i int) string { return conversions[i].Customer },
			compare: func(i, j int32) int { return compareConversions(&conversions[i], &conversions[j]) }, hash: hashID,
		}, rn.cPlace, hashes, narrow, nil)
	}
	if !tInOrder {
		ids := tc.in.ids[:0]
		var prev *Touch
		rn.tOrder.perm = customerOrder(customerItems{
			n: len(touches), customer: func(i int) string { return touches[i].Customer },
			compare: func(i, j int32) int { return compareTouches(&touches[i], &touches[j]) }, hash: hashID,
		}, rn.tPlace, hashes, ids, func(from int, items []int32) {
			if from == 0 {
				// tc.places keeps the stores met so far: rn.cPlace may
				// name them.
				tc.in = pathSources{ids: ids}
				tc.spans = tc.spans[:0]
				prev = nil
			}
			prev = internCustomer(tc, touches, from, items, prev)
		})
		tc.end(prev)
	}
	if !cInOrder {
		perm := rn.cOrder.perm
		for i := range perm {
			c := rn.cOrder.at(i)
			rn.cMinor[i] = minorOf(c)
			rn.cPlace[i] = tc.places.store(c.StoreID) << 1
			if i == 0 || c.Customer != rn.cOrder.at(i-1).Customer {
				rn.cPlace[i] |= placeFirst
			}
		}
	}
	rn.rankCustomers(tc.spans)
	rn.stores = tc.places.names
	// Number sources in sorted order, so indices do not depend on input
	// order.
	rn.sources, rn.srcIdx = tc.in.sorted()
	return rn, nil
}

// touchCols is what the validating pass (or internCustomer) gathers from
// the ordered touches: their sources, their places (run.tPlace) and the
// span of each customer's touches, by the customers' order among the
// touches.
type touchCols struct {
	in     pathSources
	places touchPlaces
	place  []int32
	spans  []touchSpan
	// first is the instant of the current customer's first touch.
	first time.Time
}

// add adds t, the i-th touch in order, its kind's index k, given prev, the
// touch before (nil for the first). sameCustomer says t is prev's
// customer's.
func (tc *touchCols) add(i int, t, prev *Touch, k int, sameCustomer bool) {
	switch {
	case prev == nil:
		tc.place[i] = tc.places.place(t) | placeFirst
		tc.first = t.At
	case !sameCustomer:
		tc.spans = append(tc.spans, newTouchSpan(tc.first, prev.At))
		tc.place[i] = tc.places.next(t, prev, tc.place[i-1]) | placeFirst
		tc.first = t.At
	default:
		tc.place[i] = tc.places.next(t, prev, tc.place[i-1])
	}
	tc.in.addKind(k, Source{Kind: t.Kind, Campaign: t.Campaign})
}

// end closes the touches added, the last being last.
func (tc *touchCols) end(last *Touch) {
	if last != nil {
		tc.spans = append(tc.spans, newTouchSpan(tc.first, last.At))
	}
}

// scanTouches validates touches and hashes their ids into hashes. While
// they are in order (customer, then compareTouches) it also gathers tc, as
// internCustomer does over sorted touches; it reports whether all were in
// order (else tc is partial).
func scanTouches(touches []Touch, hashes []uint64, tc *touchCols) (bool, error) {
	inOrder := true
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
		var prev *Touch
		if i > 0 {
			prev = &touches[i-1]
			if (!sameCustomer && t.Customer < prev.Customer) || (sameCustomer && compareTouches(prev, t) > 0) {
				inOrder = false
				continue
			}
		}
		tc.add(i, t, prev, k, sameCustomer)
	}
	if inOrder && len(touches) > 0 {
		tc.end(&touches[len(touches)-1])
	}
	return inOrder, nil
}

// internCustomer gathers into tc one customer's touches, touches[items[k]]
// the from+k-th in order, given prev, the touch before (nil for the
// first), and returns the last: tc over all the customers' touches in
// turn, then tc.end, is what the validating pass gathers from touches in
// order.
func internCustomer(tc *touchCols, touches []Touch, from int, items []int32, prev *Touch) *Touch {
	for k, i := range items {
		t := &touches[i]
		tc.add(from+k, t, prev, touchKindIndex(t.Kind), k > 0)
		prev = t
	}
	return prev
}

// A touch's place (run.tPlace) packs its store, its sales mode and whether
// it is its customer's first touch: the store's index in touchPlaces << 2,
// placeO2O for an O2O touch, placeFirst for a customer's first.
const (
	placeFirst = 1
	placeO2O   = 2
)

// touchPlaces interns the stores of a run's touches and conversions, ""
// first (index 0), for their places (run.tPlace, run.cPlace).
//
// Speed trick: a run looks a store up for every customer's touches and
// every conversion, millions of times over a few thousand stores. An
// open-addressing table of the stores' hashID, its slots and the ids
// copied one after the other, finds them faster than a map[string]int32
// (the plain way, which TestTouchPlacesMatchMap checks it against): one
// probe into a small table, the hash compared before the text.
type touchPlaces struct {
	names  []string
	hashes []uint64 // hashID of each name
	slots  []int32  // 1 + index in names, 0 for none; a power of two long
}

func newTouchPlaces() touchPlaces {
	p := touchPlaces{slots: make([]int32, 64)}
	p.store("")
	return p
}

// store returns the index of store id, interning it if new. The ids are
// kept as copies, allocated one after the other: a lookup then compares
// with text near the other stores', not scattered across the input.
func (p *touchPlaces) store(id string) int32 {
	h := hashID(id)
	mask := uint64(len(p.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := p.slots[i] - 1
		if s < 0 {
			break
		}
		if p.hashes[s] == h && p.names[s] == id {
			return s
		}
	}
	s := int32(len(p.names))
	p.names = append(p.names, strings.Clone(id))
	p.hashes = append(p.hashes, h)
	if 2*len(p.names) > len(p.slots) {
		p.slots = make([]int32, 2*len(p.slots))
		for k := range p.names {
			p.put(int32(k))
		}
	} else {
		p.put(s)
	}
	return s
}

// put adds names[s] to the slots.
func (p *touchPlaces) put(s int32) {
	mask := uint64(len(p.slots) - 1)
	i := p.hashes[s] & mask
	for p.slots[i] != 0 {
		i = (i + 1) & mask
	}
	p.slots[i] = s + 1
}

// place returns t's place, interning its store if new; placeFirst is the
// caller's to add.
func (p *touchPlaces) place(t *Touch) int32 {
	return p.store(t.StoreID)<<2 | int32(channelIndex(t.Channel))*placeO2O
}

// next is place(t) given prev, the touch before t, and its place:
// consecutive touches mostly name one store, which a comparison with the
// touch at hand finds cheaper than a map lookup.
func (p *touchPlaces) next(t, prev *Touch, prevPlace int32) int32 {
	if t.StoreID == prev.StoreID {
		return prevPlace&^3 | int32(channelIndex(t.Channel))*placeO2O
	}
	return p.place(t)
}

// scanConversions validates rn's conversions, checks they share one
// currency (rn.currency), hashes their ids into hashes and keeps their
// minor units in rn.cMinor. While they are in order (customer, then
// compareConversions) it also interns their stores into places and
// rn.cPlace, marking each customer's first conversion; it reports whether
// all were in order (else rn.cPlace is partial).
func (rn *run) scanConversions(hashes []uint64, places *touchPlaces) (bool, error) {
	conversions := rn.conv
	inOrder := true
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
		if !minorOK { // cannot happen: a value past int64 minor units is past maxValue
			m = minorOf(c)
		}
		rn.cMinor[i] = m
		hashes[i] = hashID(c.ID)
		if !inOrder {
			continue
		}
		flag := int32(placeFirst)
		if i > 0 {
			p := &conversions[i-1]
			if c.Customer != p.Customer {
				if c.Customer < p.Customer {
					inOrder = false
					continue
				}
			} else if compareConversions(p, c) > 0 {
				inOrder = false
				continue
			} else {
				flag = 0
			}
		}
		rn.cPlace[i] = places.store(c.StoreID)<<1 | flag
	}
	return inOrder, nil
}

// minorOf returns c's value (validated: whole, at most maxValue) in minor
// units of its currency.
func minorOf(c *Conversion) int64 {
	minor, ok := c.Value.MinorUnits()
	if !ok {
		minor = c.Value.Amount().Shift(c.Value.Currency().MinorDigits()).IntPart()
	}
	return minor
}

// rankCustomers ranks the customers of rn's ordered touches (their first
// touches marked placeFirst in rn.tPlace, spans their touches' spans) and
// conversions (their first marked placeFirst in rn.cPlace) among both:
// customer n's touches are tOrder[tStart[n]:tStart[n+1]], spanning
// tSpan[n], and conversions cOrder's [cStart[n], cStart[n+1]) (either may be
// empty). It compares one customer of each slice at a time, not every
// touch's.
func (rn *run) rankCustomers(spans []touchSpan) {
	n := len(spans) + 1 // usually every customer with a conversion was touched
	rn.tStart, rn.cStart = make([]int32, 0, n), make([]int32, 0, n)
	var bySpan []int32 // rank of each touch customer, when some have no touches
	nt, nc := rn.tOrder.len(), rn.cOrder.len()
	ti, ci := nextFirst(rn.tPlace, 0), nextFirst(rn.cPlace, 0)
	for ti < nt || ci < nc {
		var c int
		switch {
		case ti == nt:
			c = 1
		case ci == nc:
			c = -1
		default:
			c = cmp.Compare(rn.tOrder.at(ti).Customer, rn.cOrder.at(ci).Customer)
		}
		rn.tStart = append(rn.tStart, int32(ti))
		rn.cStart = append(rn.cStart, int32(ci))
		if c <= 0 {
			if bySpan != nil {
				bySpan = append(bySpan, int32(len(rn.tStart)-1))
			}
			ti = nextFirst(rn.tPlace, ti+1)
		} else if bySpan == nil {
			bySpan = make([]int32, len(rn.tStart)-1, len(spans))
			for i := range bySpan {
				bySpan[i] = int32(i)
			}
		}
		if c >= 0 {
			ci = nextFirst(rn.cPlace, ci+1)
		}
	}
	rn.tStart, rn.cStart = append(rn.tStart, int32(nt)), append(rn.cStart, int32(nc))
	rn.nCust = len(rn.tStart) - 1
	rn.tSpan = spans
	if bySpan != nil { // customers without touches: spans by rank
		rn.tSpan = make([]touchSpan, rn.nCust)
		for k, n := range bySpan {
			rn.tSpan[n] = spans[k]
		}
	}
}

// nextFirst returns the index of the first touch (or conversion) at or
// after i marked placeFirst in place, or len(place).
func nextFirst(place []int32, i int) int {
	for i < len(place) && place[i]&placeFirst == 0 {
		i++
	}
	return i
}

// touchSpan bounds the instants of one customer's touches in whole
// seconds, packed in 64 bits: the first touch's second since year 1
// (rounded down; under 2^39 for instants in range) << 25, then the
// seconds from it to the last touch's (rounded up), or spanUnknown past
// 2^25-2 (about 388 days). It lets a conversion's window take all the
// customer's touches without reading them (within); TestTouchSpanWithin
// checks it against the instants (and TestRunPlacesMatchTouches on runs).
type touchSpan uint64

const (
	spanBits    = 25
	spanUnknown = 1<<spanBits - 1
	// year1 is the seconds from year 1 to 1970 (time.Time's Unix epoch).
	year1 = 62135596800
)

// newTouchSpan returns the span of touches from first to last (not
// before first).
func newTouchSpan(first, last time.Time) touchSpan {
	f := first.Unix() + year1
	span := min(ceilSeconds(last)+year1-f, spanUnknown)
	return touchSpan(uint64(f)<<spanBits | uint64(span))
}

// within reports whether every instant of s is surely within [start,
// end], from whole seconds: false does not say it is not.
func (s touchSpan) within(start, end time.Time) bool {
	span := int64(s & spanUnknown)
	f := int64(s >> spanBits)
	return span != spanUnknown && f >= ceilSeconds(start)+year1 && f+span <= end.Unix()+year1
}

// ceilSeconds returns t's Unix seconds rounded up.
func ceilSeconds(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
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

// convOrder is a run's conversions in order (customer, At, ID):
// conv[perm[i]], or conv[i] when perm is nil, the conversions having come
// in that order.
type convOrder struct {
	conv []Conversion
	perm []int32
}

// at returns the i-th conversion in order.
func (o *convOrder) at(i int) *Conversion {
	if o.perm == nil {
		return &o.conv[i]
	}
	return &o.conv[o.perm[i]]
}

// len returns the number of conversions.
func (o *convOrder) len() int { return len(o.conv) }

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
