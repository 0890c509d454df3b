package drainage

import (
	"fmt"
	"math/bits"

	"github.com/o2okit/o2okit/o2o"
)

// ErrMismatchedRules reports a merge of partials built under rules that
// attribute differently (another model, shares, half-life or windows). It
// wraps o2o.ErrInvalid.
var ErrMismatchedRules = fmt.Errorf("%w: partials of different attribution rules", o2o.ErrInvalid)

// Partial is the attribution of one part of a data set, kept as exact sums
// that merge: the credit units and the exact value × units products per
// (source, conversion kind, store), the unattributed conversions, the
// traffic and the distinct-customer counts. Nothing is rounded until
// Result, so merging partials over a partition of the customers, in any
// order and any grouping, and then calling Result gives Attribute's result
// over the whole data set byte for byte, money per source included.
//
// A new Partial is the identity of Merge. Merge is associative and
// commutative. Each customer's journey (all their touches and conversions)
// must be in exactly one partial: a customer split over two partials is
// counted twice in Reach and their touches are not seen together by the
// model. The partial cannot see that; feed it partitions by customer, as a
// group-by-customer step gives them.
//
// A partial crosses a process boundary as JSON: MarshalJSON writes its
// exact sums (128-bit ones as decimal integers) with a fingerprint of the
// attribution rules, and Rules.ParsePartial reads them back under rules
// that attribute alike, refusing those of others (ErrMismatchedRules). The
// same sums always write the same bytes, a parsed partial writes the bytes
// it was read from, and parsed partials merge to the same Result as the
// partials written.
//
// The Markov model needs the whole data set (ErrWholeDataSet). A Partial is
// not safe for concurrent use.
type Partial struct {
	acc *accumulator
}

// NewPartial returns an empty partial under the rules: the identity of
// Merge. The Markov model is refused with ErrWholeDataSet.
func (r *Rules) NewPartial() (*Partial, error) {
	if r.model == ModelMarkov {
		return nil, ErrWholeDataSet
	}
	return &Partial{acc: newAccumulator(r, nil, nil)}, nil
}

// Add adds the journeys of some customers: every touch and conversion of
// each of them (the customers may be many, in any order). Errors are
// Attribute's for these slices (ids are checked for repeats within them
// only), and a conversion in another currency than the partial's
// (o2o.ErrCurrencyMismatch); after an error the partial is exactly as it
// was.
func (p *Partial) Add(touches []Touch, conversions []Conversion) error {
	if len(touches) == 0 && len(conversions) == 0 {
		return nil
	}
	rn, err := p.acc.w.r.prepare(touches, conversions)
	if err != nil {
		return err
	}
	if len(conversions) > 0 {
		if !p.acc.hasCurrency {
			p.acc.currency, p.acc.hasCurrency = rn.currency, true
		} else if rn.currency != p.acc.currency {
			return fmt.Errorf("conversions[0].value: %w: %s and %s", o2o.ErrCurrencyMismatch, p.acc.currency, rn.currency)
		}
	}
	global := make([]int32, len(rn.sources))
	for i, src := range rn.sources {
		global[i] = p.acc.intern(src)
	}
	p.acc.add(rn, global)
	return nil
}

// Merge adds q's sums into p; q is not modified and p does not keep any of
// q's storage. Errors, after which p is exactly as it was: q under rules
// that attribute differently (ErrMismatchedRules); q's conversions in
// another currency (o2o.ErrCurrencyMismatch); q being p itself (a partial
// holds its customers once).
func (p *Partial) Merge(q *Partial) error {
	a, b := p.acc, q.acc
	switch {
	case p == q:
		return o2o.Invalid("partial", "cannot merge a partial with itself: its customers would count twice")
	case !sameAttribution(a.w.r, b.w.r):
		return ErrMismatchedRules
	case a.hasCurrency && b.hasCurrency && a.currency != b.currency:
		return fmt.Errorf("partial: %w: %s and %s", o2o.ErrCurrencyMismatch, a.currency, b.currency)
	}
	if b.hasCurrency && !a.hasCurrency {
		a.currency, a.hasCurrency = b.currency, true
	}
	global := make([]int32, len(b.sources))
	for i, s := range b.sources {
		global[i] = a.intern(s)
	}
	stores := make([]int32, len(b.stores))
	for i, id := range b.stores {
		stores[i] = a.internStore(id)
	}
	for v, i := range b.cells {
		c, k := &b.cellData[i], unpackCredit(v)
		k.src, k.store = global[k.src], stores[k.store]
		cell := a.cell(k)
		cell.units += c.units
		var carry uint64
		cell.val, carry = bits.Add64(cell.val, c.val, 0)
		cell.valHi += c.valHi + carry
	}
	for k, u := range b.unattributed {
		v := a.unattributed[k]
		if v == nil {
			v = &Unattributed{Conversion: u.Conversion, StoreID: u.StoreID, Value: zeroIn(a.currency)}
			a.unattributed[k] = v
		}
		v.Conversions += u.Conversions
		v.Value, _ = v.Value.Add(u.Value) // same currency, checked above
	}
	for v, n := range b.traffic {
		k := unpackTraffic(v)
		k.src, k.store = global[k.src], stores[k.store]
		a.traffic[k.pack()] += n
	}
	for v, n := range b.drawn {
		k := unpackTraffic(v)
		k.src, k.store = global[k.src], stores[k.store]
		a.drawn[k.pack()] += n
	}
	a.attributed += b.attributed
	a.conversions += b.conversions
	a.customers += b.customers
	a.addValue(b.value[0], b.value[1])
	a.rs.merge(b.rs, global, stores)
	return nil
}

// Result returns the attribution of every journey added and merged so far.
// The partial may go on.
func (p *Partial) Result() (*Result, error) {
	return p.acc.result(&Result{Model: p.acc.w.r.model, Conversions: p.acc.conversions})
}

// sameAttribution reports whether two rules credit every journey alike.
func sameAttribution(a, b *Rules) bool {
	return a.model == b.model && a.first == b.first && a.middle == b.middle && a.last == b.last &&
		a.halfLifeNanos == b.halfLifeNanos && a.windows == b.windows
}

// merge adds o's distinct-customer counts: the partials hold disjoint
// customers, so the counts add. global and stores map o's source and store
// indices to rs's.
func (rs *reachSet) merge(o *reachSet, global, stores []int32) {
	for i := range o.sources {
		rs.sources[global[i]].add(&o.sources[i])
	}
	for i, name := range o.campNames {
		rs.campaigns[rs.campByKey[name]].add(&o.campaigns[i]) // interned with its source
	}
	for i := range o.channels {
		rs.channels[i].add(&o.channels[i])
	}
	for i := range o.stores {
		rs.stores[stores[i]].add(&o.stores[i])
	}
}

func (a *reachAcc) add(o *reachAcc) {
	for i := range a.n {
		a.n[i] += o.n[i]
	}
}
