package drainage

import (
	"bytes"
	"cmp"
	"fmt"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Credit is the conversions and revenue one source earned for conversions
// of one kind at one store (no store for online payments).
type Credit struct {
	Source Source `json:"source"`
	// Conversion is the kind of conversion credited; its sales mode is
	// Conversion.Channel().
	Conversion ConversionKind `json:"conversion"`
	// StoreID is the store of the conversion (empty for online payment).
	StoreID string `json:"storeId,omitempty"`
	// Units is the credit in fixed point: Scale units per conversion.
	Units int64 `json:"units"`
	// Value is the share of the conversions' value, cent-exact.
	Value o2o.Money `json:"value"`
}

// Conversions returns the credit in conversions, exactly (Units × 10^-9).
func (c Credit) Conversions() decimal.Decimal { return decimal.New(c.Units, -ScaleDigits) }

// Unattributed is the conversions of one kind at one store that had no
// touch in their lookback window (Adobe's "None").
type Unattributed struct {
	Conversion  ConversionKind `json:"conversion"`
	StoreID     string         `json:"storeId,omitempty"`
	Conversions int64          `json:"conversions"`
	Value       o2o.Money      `json:"value"`
}

// Traffic is the touches one source delivered to one sales mode and store
// (all touches given, whether or not a conversion counted them). An O2O
// touch with no store is traffic that reached no store.
type Traffic struct {
	Source  Source      `json:"source"`
	Channel o2o.Channel `json:"channel"`
	StoreID string      `json:"storeId,omitempty"`
	Touches int64       `json:"touches"`
}

// Drawn is unattached O2O traffic one campaign source drew to a place where the
// customer then converted: an O2O touch that bound its customer to no store,
// followed within a conversion's lookback window by a conversion at StoreID
// (a store visit or a deal; Channel o2o) or by an online payment (Channel
// b2c, no store). Units are in Scale per touch: a touch followed by several
// conversions is split over their places by the number of conversions at
// each (units left by largest remainder, equal remainders to the earlier
// place: stores by id, then B2C), so the Drawn units of one touch sum to
// exactly Scale. Unattached touches whose customer converted nowhere are
// the touches of the unattached Traffic rows not accounted for here.
type Drawn struct {
	Source  Source      `json:"source"`
	Channel o2o.Channel `json:"channel"`
	StoreID string      `json:"storeId,omitempty"`
	Units   int64       `json:"units"`
}

// Touches returns the drawn traffic in touches, exactly (Units × 10^-9).
func (d Drawn) Touches() decimal.Decimal { return decimal.New(d.Units, -ScaleDigits) }

// Result is an attribution run's outcome. Credits sum exactly to
// Attributed × Scale units; Attributed plus the Unattributed conversions is
// every conversion. Rows are sorted (source, conversion, store). A Result is
// plain data, safe to share once built.
type Result struct {
	Model ModelName `json:"model"`
	// Conversions is the number of conversions given.
	Conversions int64 `json:"conversions"`
	// Attributed is the number of conversions with at least one eligible touch.
	Attributed   int64          `json:"attributed"`
	Credits      []Credit       `json:"credits"`
	Unattributed []Unattributed `json:"unattributed"`
	Traffic      []Traffic      `json:"traffic"`
	// Drawn is the unattached O2O traffic charged, under the default
	// UnattachedConverted rule, to where its customers converted.
	Drawn []Drawn `json:"drawn"`
	// Reach counts distinct customers per store, campaign, source and
	// sales mode: reached, and converted with a touch of the group.
	Reach []Reach `json:"reach"`
	// Markov holds the removal effects when the model is Markov.
	Markov *Markov `json:"markov,omitempty"`
}

// SourceTotal is one source's credit summed over conversion kinds and stores.
type SourceTotal struct {
	Source Source    `json:"source"`
	Units  int64     `json:"units"`
	Value  o2o.Money `json:"value"`
}

// Sources returns the credit per source, sorted by source.
func (r *Result) Sources() []SourceTotal {
	var out []SourceTotal
	for _, c := range r.Credits {
		if n := len(out); n > 0 && out[n-1].Source == c.Source {
			out[n-1].Units += c.Units
			out[n-1].Value, _ = out[n-1].Value.Add(c.Value) // one currency per result
			continue
		}
		out = append(out, SourceTotal{Source: c.Source, Units: c.Units, Value: c.Value})
	}
	return out
}

// run holds one attribution's interned, ordered data.
type run struct {
	r       *Rules
	touches []Touch
	conv    []Conversion
	tOrder  touchOrder // by (customer, at, seq, id)
	cOrder  convOrder  // by (customer, at, id)
	srcIdx  []int32    // parallel to tOrder
	// Speed trick: the sums over a run (addShared) read each touch's store
	// and sales mode from tPlace, packed by the validating pass while it
	// has the touch at hand (touchPlaces), instead of reading the touches
	// again; TestRunPlacesMatchTouches checks them against the touches.
	tPlace   []int32     // parallel to tOrder: the touch's place (placeFirst)
	cPlace   []int32     // parallel to cOrder: the store's index << 1, placeFirst for a customer's first
	stores   []string    // the touches' and conversions' stores, "" first
	cMinor   []int64     // parallel to cOrder: the value in minor units
	tStart   []int32     // customer n's touches are tOrder[tStart[n]:tStart[n+1]]
	cStart   []int32     // and conversions cOrder[cStart[n]:cStart[n+1]]
	tSpan    []touchSpan // customer n's touches' instants
	nCust    int         // distinct customers
	sources  []Source
	currency o2o.Currency
}

// Attribute runs the rules over touches and conversions. Each conversion
// looks back over its customer's touches within the window for its kind:
// from conversion.At - Window (inclusive: a touch exactly on the edge counts)
// to conversion.At (inclusive); touches after it are ignored. Windows of
// several conversions may overlap: a touch can help each of them. A
// conversion with no eligible touch is Unattributed. Touches are ordered by
// (At, Seq, ID), never by input order, so shuffling the input changes
// nothing in the result.
//
// Errors (wrapping o2o.ErrInvalid): an invalid touch or conversion (the
// path names it, e.g. "touches[3].storeId"); a repeated touch or conversion
// id (o2o.ErrDuplicate); conversion values in different currencies
// (o2o.ErrCurrencyMismatch); more than MaxMarkovSources distinct sources
// under the Markov model (ErrTooManySources). The inputs are not modified.
//
// Touch ids, like conversion ids, must be unique over the whole data set,
// not only per customer: an id names one row of the caller's data, and one
// id under two customers is a broken export, refused before it can be
// credited twice.
func (r *Rules) Attribute(touches []Touch, conversions []Conversion) (*Result, error) {
	rn, err := r.prepare(touches, conversions)
	if err != nil {
		return nil, err
	}
	return r.attribute(rn)
}

// Prepared is a data set validated, ordered and interned once, to be
// attributed under several rules (Rules.AttributePrepared) without doing
// that work again: what Attribute does before any model runs.
//
// What does not depend on the model — reach, traffic, drawn traffic,
// unattributed conversions — is summed by the first AttributePrepared of
// each set of lookback windows and kept for the others, so several models
// over one data set pay for it once; only each model's credit is worked
// out per call.
//
// It refers to the touches and conversions it was prepared from, which
// must not be modified while it is in use. It is safe for concurrent use.
type Prepared struct {
	rn *run
	// What does not depend on the model (reach, traffic, …) depends on
	// the lookback windows only: it is summed once per windows, on the
	// first AttributePrepared that needs it, and kept.
	mu     sync.Mutex
	shared map[[3]int]*sharedSums
}

// sharedSums is a prepared run's sums that do not depend on the model,
// for one set of lookback windows.
type sharedSums struct {
	acc    *accumulator // summed by addShared only
	refs   []journeyRef
	cStore []int32
	ranks  *rowRanks
	rows   Result // acc's sharedRows, copied into each result
}

// sharedFor returns the sums of rn (p's run under some rules) that do not
// depend on the model, summing them on first use.
func (p *Prepared) sharedFor(rn *run) *sharedSums {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.shared[rn.r.windows]; ok {
		return s
	}
	a := newAccumulator(rn.r, rn.sources, nil)
	a.currency = rn.currency
	s := &sharedSums{acc: a}
	s.refs, s.cStore = a.addShared(rn, rn.srcIdx)
	s.ranks = a.rowRanks()
	a.sharedRows(&s.rows, s.ranks)
	if p.shared == nil {
		p.shared = map[[3]int]*sharedSums{}
	}
	p.shared[rn.r.windows] = s
	return s
}

// Prepare validates, orders and interns touches and conversions for
// Rules.AttributePrepared. Its errors are Attribute's, but for the Markov
// source limit, which is the Markov rules' to check.
func Prepare(touches []Touch, conversions []Conversion) (*Prepared, error) {
	rn, err := (&Rules{}).prepare(touches, conversions)
	if err != nil {
		return nil, err
	}
	return &Prepared{rn: rn}, nil
}

// AttributePrepared is Attribute over a prepared data set: the same result
// byte for byte, without validating, ordering and interning again.
func (r *Rules) AttributePrepared(p *Prepared) (*Result, error) {
	rn := *p.rn
	rn.r = r
	res, effects, err := r.fit(&rn)
	if err != nil {
		return nil, err
	}
	s := p.sharedFor(&rn)
	a := s.acc.forModel(r, effects)
	a.addCredits(&rn, rn.srcIdx, s.refs, s.cStore)
	if err := a.creditRows(res, s.ranks); err != nil {
		return nil, err
	}
	// The rows that do not depend on the model, sorted once per windows;
	// each result gets its own copy.
	res.Unattributed = slices.Clone(s.rows.Unattributed)
	res.Traffic = slices.Clone(s.rows.Traffic)
	res.Drawn = slices.Clone(s.rows.Drawn)
	res.Reach = slices.Clone(s.rows.Reach)
	return res, nil
}

func (r *Rules) attribute(rn *run) (*Result, error) {
	res, effects, err := r.fit(rn)
	if err != nil {
		return nil, err
	}
	return rn.tally(res, effects)
}

// fit starts the result of rn and, under the Markov model, fits the chain
// on the whole data set: its report and the per-source effects.
func (r *Rules) fit(rn *run) (*Result, []uint64, error) {
	res := &Result{Model: r.model, Conversions: int64(len(rn.conv))}
	if r.model != ModelMarkov {
		return res, nil, nil
	}
	m, effects, err := rn.markov()
	if err != nil {
		return nil, nil, err
	}
	res.Markov = m
	return res, effects, nil
}

// maxMinor returns maxValue in minor units of currency c.
func maxMinor(c o2o.Currency) int64 {
	m := int64(1e15)
	for range c.MinorDigits() {
		m *= 10
	}
	return m
}

// maxValue bounds a conversion's value so fixed-point sums cannot overflow.
var maxValue = decimal.New(1, 15)

// noDuplicates reports the first id repeated in ids (o2o.ErrDuplicate).
// buf[:n] holds the ids' hashes (hashID) (reordered here); only when two
// hashes are equal does it compare the ids themselves, sorted, to name the
// repeat.
func noDuplicates(buf []uint64, name string, n int, id func(int) string) error {
	if !anyEqualHash(buf[:n]) {
		return nil
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = id(i)
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			first := slices.Index(ids, sorted[i])
			second := first + 1 + slices.Index(ids[first+1:], sorted[i])
			return &o2o.ValidationError{
				Fields: []o2o.FieldError{{Path: indexPath(name, second) + ".id", Reason: fmt.Sprintf("repeats %q of %s", sorted[i], indexPath(name, first))}},
				Err:    o2o.ErrDuplicate,
			}
		}
	}
	return nil
}

// journeyFunc receives one journey: its conversion (nil for a customer's
// touches that no conversion counted) and the range [lo, hi) of tOrder.
type journeyFunc func(c *Conversion, lo, hi int)

// journeys calls fn for every conversion (lo == hi when no touch is
// eligible) and, when withNull, once per customer for the touches no
// conversion counted (those may not be contiguous: fn then gets them one
// run at a time through nullRun). Order: customers ascending, conversions by
// (At, ID).
func (rn *run) journeys(fn journeyFunc, nullFn func(idx []int)) {
	ti, ci := 0, 0
	var used []bool
	var rest []int
	for cust := range rn.nCust {
		tEnd, cEnd := int(rn.tStart[cust+1]), int(rn.cStart[cust+1])
		if nullFn != nil {
			used = grow(used, tEnd-ti)
			clear(used)
		}
		for k := ci; k < cEnd; k++ {
			c := rn.cOrder.at(k)
			lo, hi := rn.window(cust, ti, tEnd, c)
			fn(c, lo, hi)
			if nullFn != nil {
				for i := lo; i < hi; i++ {
					used[i-ti] = true
				}
			}
		}
		if nullFn != nil {
			rest = rest[:0]
			for i, u := range used {
				if !u {
					rest = append(rest, ti+i)
				}
			}
			if len(rest) > 0 {
				nullFn(rest)
			}
		}
		ti, ci = tEnd, cEnd
	}
}

// window returns the range [lo, hi) of the ordered touches inside c's
// lookback window, out of [from, to), customer cust's touches.
func (rn *run) window(cust, from, to int, c *Conversion) (lo, hi int) {
	start := c.At.Add(-rn.r.Window(c.Kind))
	if from < to && rn.tSpan[cust].within(start, c.At) {
		return from, to // every touch is in the window, known without reading them
	}
	if from < to && !rn.tOrder.at(from).At.Before(start) && !rn.tOrder.at(to-1).At.After(c.At) {
		return from, to // every touch is in the window: the usual case, no search
	}
	lo = rn.tOrder.search(from, to, func(t *Touch) bool { return !t.At.Before(start) })
	hi = rn.tOrder.search(lo, to, func(t *Touch) bool { return t.At.After(c.At) })
	return lo, hi
}

type creditKey struct {
	src   int32
	kind  int8
	store int32 // interned store id
}

type creditCell struct {
	units      int64
	valHi, val uint64 // Σ value (minor units) × units, 128-bit
}

type trafficKey struct {
	src     int32
	channel int8 // 0 b2c, 1 o2o
	store   int32
}

// The keys pack into 64 bits: source (31 bits), conversion kind or sales
// mode (2), store (31); interned indices are int32, so never negative.
func (k creditKey) pack() uint64 {
	return uint64(k.src)<<33 | uint64(k.kind)<<31 | uint64(k.store)
}

func unpackCredit(v uint64) creditKey {
	return creditKey{src: int32(v >> 33), kind: int8(v >> 31 & 3), store: int32(v & (1<<31 - 1))}
}

func (k trafficKey) pack() uint64 {
	return uint64(k.src)<<33 | uint64(k.channel)<<31 | uint64(k.store)
}

func unpackTraffic(v uint64) trafficKey {
	return trafficKey{src: int32(v >> 33), channel: int8(v >> 31 & 3), store: int32(v & (1<<31 - 1))}
}

func channelIndex(c o2o.Channel) int8 {
	if c == o2o.ChannelO2O {
		return 1
	}
	return 0
}

var channels = [2]o2o.Channel{o2o.ChannelB2C, o2o.ChannelO2O}

// tally runs the model over every converting journey and sums credit and
// value per (source, conversion kind, store), then splits the attributed
// value cent-exact with o2o.Allocate.
func (rn *run) tally(res *Result, effects []uint64) (*Result, error) {
	a := newAccumulator(rn.r, rn.sources, effects)
	a.currency = rn.currency
	a.add(rn, nil)
	return a.result(res)
}

// accumulator holds what attribution sums: memory per source, conversion
// kind and store, never per journey. Attribute fills one from the whole
// data set, a Stream journey by journey.
type accumulator struct {
	w            *weigher
	sources      []Source // interned; indices are the cells' src
	index        map[Source]int32
	rs           *reachSet
	cells        map[uint64]int32 // packed creditKey → index in cellData
	cellData     []creditCell
	unattributed map[unKey]*Unattributed
	traffic      map[uint64]int64 // by packed trafficKey
	drawn        map[uint64]int64 // Scale units by packed trafficKey (the place converted)
	units        []int64          // scratch: split's units and remainders
	stores       []string         // interned store ids ("" for none); indices are the keys' store
	storeIndex   map[string]int32
	attributed   int64
	conversions  int64
	customers    int64     // customers of the runs added so far
	value        [2]uint64 // attributed value in minor units, 128-bit: hi, lo
	currency     o2o.Currency
	hasCurrency  bool
}

type unKey struct {
	kind  ConversionKind
	store string
}

func newAccumulator(r *Rules, sources []Source, effects []uint64) *accumulator {
	a := &accumulator{
		w: &weigher{r: r, effects: effects}, index: map[Source]int32{}, rs: newReachSet(nil),
		cells: map[uint64]int32{}, unattributed: map[unKey]*Unattributed{}, traffic: map[uint64]int64{},
		drawn:      map[uint64]int64{},
		storeIndex: map[string]int32{},
		currency:   o2o.CNY,
	}
	for _, s := range sources {
		a.intern(s)
	}
	return a
}

// cell returns the credit cell of k, adding it if new. The pointer is good
// until the next cell is added.
func (a *accumulator) cell(k creditKey) *creditCell {
	return &a.cellData[a.cellIndex(k)]
}

// cellIndex returns the index in cellData of k's credit cell, adding the
// cell if new.
func (a *accumulator) cellIndex(k creditKey) int32 {
	i, ok := a.cells[k.pack()]
	if !ok {
		i = int32(len(a.cellData))
		a.cells[k.pack()] = i
		a.cellData = append(a.cellData, creditCell{})
	}
	return i
}

// internStore returns the index of store id, adding it if new.
func (a *accumulator) internStore(id string) int32 {
	if i, ok := a.storeIndex[id]; ok {
		return i
	}
	i := int32(len(a.stores))
	a.storeIndex[id] = i
	a.stores = append(a.stores, id)
	a.rs.stores = append(a.rs.stores, reachAcc{})
	return i
}

// intern returns the index of source s, adding it if new.
func (a *accumulator) intern(s Source) int32 {
	if i, ok := a.index[s]; ok {
		return i
	}
	i := int32(len(a.sources))
	a.index[s] = i
	a.sources = append(a.sources, s)
	a.rs.addSource(s)
	return i
}

// journeyRef is one attributed journey, for the credit pass: its
// conversion, its touches tOrder[lo:hi], its value in minor units and the
// conversion's kind, the value split in two 32-bit halves with the kind in
// the top bits of the high one, so that a ref takes 20 bytes (a million
// journeys' refs are kept while several models run) and the credit pass
// need not read the conversion. The conversion's interned store is in the
// cStore that addShared returns beside the refs.
type journeyRef struct {
	conv    int32 // index in cOrder
	lo, hi  int32
	minorLo uint32
	hiKind  uint32 // the value's bits 32 to 61, then the kind at bit 30
}

// newJourneyRef returns the ref of conversion conv of kind index kind
// (conversionIndex) over tOrder[lo:hi] with value minor (at most 10^18 <
// 2^62: maxValue in minor units of a currency of up to three minor
// digits).
func newJourneyRef(conv, lo, hi int, minor int64, kind int) journeyRef {
	return journeyRef{conv: int32(conv), lo: int32(lo), hi: int32(hi), minorLo: uint32(minor), hiKind: uint32(uint64(minor)>>32) | uint32(kind)<<30}
}

// minor returns the journey's value in minor units.
func (j journeyRef) minor() int64 { return int64(j.hiKind&(1<<30-1))<<32 | int64(j.minorLo) }

// kind returns the conversion's kind index (conversionIndex).
func (j journeyRef) kind() int8 { return int8(j.hiKind >> 30) }

// add sums a prepared run. global maps the run's source indices to the
// accumulator's; nil means they are the same.
func (a *accumulator) add(rn *run, global []int32) {
	src := rn.srcIdx
	if global != nil {
		src = make([]int32, len(rn.srcIdx))
		for i, s := range rn.srcIdx {
			src[i] = global[s]
		}
	}
	refs, cStore := a.addShared(rn, src)
	a.addCredits(rn, src, refs, cStore)
}

// addShared sums what does not depend on the model (conversions, reach,
// unattributed conversions, traffic, drawn traffic, the attributed value)
// and returns the attributed journeys and each conversion's interned store
// (by cOrder index) for addCredits. src holds the touches' sources in the
// accumulator's indices. It reads the run one customer at a time, every
// sum from the customer's touches while they are at hand.
func (a *accumulator) addShared(rn *run, src []int32) ([]journeyRef, []int32) {
	a.conversions += int64(len(rn.conv))
	// Customers are numbered across every run added, for distinct counts:
	// each run holds its customers whole (Stream and Partial callers
	// promise it).
	base := a.customers
	a.customers += int64(rn.nCust)
	// The run's stores, interned into a as first met (run order): storeOf
	// maps the run's store indices to a's.
	storeOf := make([]int32, len(rn.stores))
	for i := range storeOf {
		storeOf[i] = -1
	}
	storeOf[0] = a.internStore("") // rn.stores[0]
	intern := func(s int32) int32 {
		if storeOf[s] < 0 {
			storeOf[s] = a.internStore(rn.stores[s])
		}
		return storeOf[s]
	}
	refs := make([]journeyRef, 0, len(rn.conv))
	cStore := make([]int32, rn.cOrder.len()) // each conversion's interned store
	var d drawScratch
	traffic := a.newTrafficTable(rn.tOrder.len())
	ti, ci := 0, 0
	for cust := range rn.nCust {
		tEnd, cEnd := int(rn.tStart[cust+1]), int(rn.cStart[cust+1])
		customer := base + int64(cust)
		for i := ti; i < tEnd; i++ {
			p := rn.tPlace[i]
			s := intern(p >> 2)
			a.rs.touch(0, p, customer, src[i], s, true)
			traffic.add(a, trafficKey{src: src[i], channel: int8(p >> 1 & 1), store: s})
		}
		for k := ci; k < cEnd; k++ {
			c := rn.cOrder.at(k)
			cStore[k] = intern(rn.cPlace[k] >> 1)
			lo, hi := rn.window(cust, ti, tEnd, c)
			if lo == hi {
				a.unattribute(c)
				continue
			}
			minor := rn.cMinor[k]
			a.attributed++
			a.addValue(0, uint64(minor))
			slot, anyStore := 1+conversionIndex(c.Kind), c.Kind == ConversionOnlinePayment
			for i := lo; i < hi; i++ {
				p := rn.tPlace[i]
				s := storeOf[p>>2]
				a.rs.touch(slot, p, customer, src[i], s, anyStore || s == cStore[k])
			}
			refs = append(refs, newJourneyRef(k, lo, hi, minor, slot-1))
		}
		if cEnd > ci {
			a.drawCustomer(&d, rn, ti, tEnd, src, ci, cEnd, cStore)
		}
		ti, ci = tEnd, cEnd
	}
	traffic.flush(a)
	return refs, cStore
}

// unattribute counts conversion c, which had no touch in its window.
func (a *accumulator) unattribute(c *Conversion) {
	k := unKey{c.Kind, c.StoreID}
	u := a.unattributed[k]
	if u == nil {
		u = &Unattributed{Conversion: c.Kind, StoreID: c.StoreID, Value: zeroIn(a.currency)}
		a.unattributed[k] = u
	}
	u.Conversions++
	u.Value, _ = u.Value.Add(c.Value)
}

// addCredits runs the model over the attributed journeys and sums each
// source's credit units and value × units per conversion kind and store.
func (a *accumulator) addCredits(rn *run, src []int32, refs []journeyRef, cStore []int32) {
	cells := a.newCellTable(rn.tOrder.len())
	var ts []*Touch
	a.w.directSources(a.sources)
	// Only time decay reads the touches: the others weigh by position and
	// source index alone (direct visits by their source, directSources),
	// so a journey needs as many (nil) places, no touches looked up.
	decay := a.w.r.model == ModelTimeDecay
	for _, j := range refs {
		a.w.srcIdx = src[j.lo:j.hi]
		if decay {
			ts = rn.tOrder.appendPtrs(ts[:0], int(j.lo), int(j.hi))
		} else {
			ts = grow(ts, int(j.hi-j.lo))
		}
		units := a.w.weigh(ts)
		kind := j.kind()
		store, minor := cStore[j.conv], uint64(j.minor())
		for i, u := range units {
			if u == 0 {
				continue
			}
			cell := cells.cell(a, creditKey{src: src[int(j.lo)+i], kind: kind, store: store})
			cell.units += u
			hi64, lo64 := bits.Mul64(minor, uint64(u))
			var carry uint64
			cell.val, carry = bits.Add64(cell.val, lo64, 0)
			cell.valHi += hi64 + carry
		}
	}
}

// forModel returns a shallow copy of a, which has summed runs by
// addShared only, with its own weigher under r and no credits: what
// addCredits fills for one model while a's shared sums, read only, serve
// several.
func (a *accumulator) forModel(r *Rules, effects []uint64) *accumulator {
	b := *a
	b.w = &weigher{r: r, effects: effects}
	b.cells, b.cellData = map[uint64]int32{}, nil
	b.units = nil
	return &b
}

// convGroup is one customer's conversions of one kind at one place, in
// time order.
type convGroup struct {
	place  trafficKey // channel and store; src unset
	window time.Duration
	at     []time.Time
}

// placeCount is how many conversions at a place counted one touch.
type placeCount struct {
	place trafficKey
	n     int64
}

// drawCustomer splits each unattached O2O campaign touch over the places its
// customer converted with the touch inside the conversion's window (touch
// ≤ conversion ≤ touch + window), by the number of such conversions at
// each: Scale units per touch, the units left by largest remainder, equal
// remainders to the earlier place (stores by id, then B2C). It works one
// customer at a time and counts conversions by binary search, so its
// memory grows with one customer's conversions, never with touches ×
// conversions.
//
// drawCustomer does it for one customer: their touches are rn's tOrder
// [from, to), src holds the sources of rn's touches, its conversions are
// rn's cOrder [cFrom, cTo) and cStore holds the conversions' interned
// stores (by cOrder index). d holds scratch space reused from customer to
// customer.
func (a *accumulator) drawCustomer(d *drawScratch, rn *run, from, to int, src []int32, cFrom, cTo int, cStore []int32) {
	if !a.anyUnattached(rn.tPlace[from:to], src[from:to]) {
		return // the usual case, and nothing to split
	}
	if d.index == nil {
		d.index = map[drawGroupKey]int{}
	}
	groups := d.groups[:0]
	clear(d.index)
	for i := cFrom; i < cTo; i++ {
		c := rn.cOrder.at(i)
		place := trafficKey{channel: channelIndex(c.Kind.Channel()), store: cStore[i]}
		w := a.w.r.Window(c.Kind)
		k, ok := d.index[drawGroupKey{place, w}]
		if !ok {
			k = len(groups)
			if k < cap(groups) { // reuse the earlier customers' slices
				groups = groups[:k+1]
				groups[k].place, groups[k].window, groups[k].at = place, w, groups[k].at[:0]
			} else {
				groups = append(groups, convGroup{place: place, window: w})
			}
			d.index[drawGroupKey{place, w}] = k
		}
		groups[k].at = append(groups[k].at, c.At) // conversions are in time order
	}
	d.groups = groups
	slices.SortFunc(groups, func(x, y convGroup) int {
		if c := a.comparePlaces(x.place, y.place); c != 0 {
			return c
		}
		return cmp.Compare(x.window, y.window)
	})
	for i := from; i < to; i++ {
		if !a.unattachedAt(rn.tPlace[i], src[i]) {
			continue
		}
		t := rn.tOrder.at(i)
		counts := d.counts[:0]
		for _, g := range groups {
			lo, _ := slices.BinarySearchFunc(g.at, t.At, func(x, at time.Time) int { return x.Compare(at) })
			hi, found := slices.BinarySearchFunc(g.at, t.At.Add(g.window), func(x, at time.Time) int { return x.Compare(at) })
			for found && hi < len(g.at) && g.at[hi].Equal(t.At.Add(g.window)) {
				hi++
			}
			if hi <= lo {
				continue
			}
			if n := len(counts); n > 0 && counts[n-1].place == g.place {
				counts[n-1].n += int64(hi - lo)
			} else {
				counts = append(counts, placeCount{place: g.place, n: int64(hi - lo)})
			}
		}
		d.counts = counts
		a.split(src[i], counts)
	}
}

// unattached reports whether t is drawn traffic: an O2O campaign touch
// that bound its customer to no store.
func unattached(t *Touch) bool {
	return t.Channel == o2o.ChannelO2O && t.StoreID == "" && t.Campaign != ""
}

// unattachedAt is unattached for a touch of place p (run.tPlace) and
// source src (a's index): O2O, no store, a campaign source
// (TestRunPlacesMatchTouches).
func (a *accumulator) unattachedAt(p, src int32) bool {
	return p&^placeFirst == placeO2O && a.sources[src].Campaign != ""
}

// anyUnattached reports whether a touch of places and sources src
// (parallel) is unattached (unattachedAt).
func (a *accumulator) anyUnattached(places, src []int32) bool {
	for i, p := range places {
		if a.unattachedAt(p, src[i]) {
			return true
		}
	}
	return false
}

// drawScratch is drawCustomer's scratch space, reused across customers.
type drawScratch struct {
	groups []convGroup
	counts []placeCount
	index  map[drawGroupKey]int
}

// drawGroupKey is what drawCustomer groups a customer's conversions by.
type drawGroupKey struct {
	place  trafficKey
	window time.Duration
}

// split adds Scale units of one touch of source src over counts, by number.
func (a *accumulator) split(src int32, counts []placeCount) {
	switch len(counts) {
	case 0:
		return
	case 1: // the common case: one place takes the whole touch
		k := counts[0].place
		k.src = src
		a.drawn[k.pack()] += Scale
		return
	}
	var total int64
	for _, c := range counts {
		total += c.n
	}
	a.units = grow(a.units, 2*len(counts))
	units, rems := a.units[:len(counts)], a.units[len(counts):2*len(counts)]
	left := Scale
	q, r := Scale/total, Scale%total
	for i, c := range counts {
		// Scale·n/total = q·n + r·n/total, r < total: no overflow while
		// one customer has fewer than 3·10^9 conversions.
		units[i] = q*c.n + r*c.n/total
		rems[i] = r * c.n % total
		left -= units[i]
	}
	if left > 0 { // fewer than len(counts): the largest remainders, earlier place first
		order := make([]int, len(counts))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(rems[y], rems[x]) })
		for _, i := range order[:left] {
			units[i]++
		}
	}
	for i, c := range counts {
		k := c.place
		k.src = src
		a.drawn[k.pack()] += units[i]
	}
}

// comparePlaces orders the places a touch may be drawn to: stores by id,
// then B2C.
func (a *accumulator) comparePlaces(x, y trafficKey) int {
	if x.channel != y.channel {
		return -cmp.Compare(x.channel, y.channel) // o2o (1) before b2c (0)
	}
	return cmp.Compare(a.stores[x.store], a.stores[y.store])
}

// addValue adds the 128-bit hi, lo to the attributed value.
func (a *accumulator) addValue(hi, lo uint64) {
	var carry uint64
	a.value[1], carry = bits.Add64(a.value[1], lo, 0)
	a.value[0] += hi + carry
}

// result writes the sums into res, rows sorted by source (not by the order
// sources were interned in), conversion kind and store.
func (a *accumulator) result(res *Result) (*Result, error) {
	rr := a.rowRanks()
	if err := a.creditRows(res, rr); err != nil {
		return nil, err
	}
	a.sharedRows(res, rr)
	return res, nil
}

// rowRanks ranks an accumulator's sources and stores, so that rows sort
// on integers: keys are sorted with the source and store replaced by their
// ranks, then the ranks mapped back.
type rowRanks struct {
	rank, order       []int32 // source index → rank, rank → source index
	storeRank, byName []int32 // likewise for stores, by id
}

func (a *accumulator) rowRanks() *rowRanks {
	rr := &rowRanks{order: sortedIndex(len(a.sources), func(x, y int32) int { return compareSources(a.sources[x], a.sources[y]) })}
	rr.rank = ranks(rr.order)
	rr.byName = sortedIndex(len(a.stores), func(x, y int32) int { return cmp.Compare(a.stores[x], a.stores[y]) })
	rr.storeRank = ranks(rr.byName)
	return rr
}

// ranked packs a key with its source and store replaced by their ranks.
func (rr *rowRanks) ranked(src, mid, store int32) uint64 {
	return creditKey{src: rr.rank[src], kind: int8(mid), store: rr.storeRank[store]}.pack()
}

// unranked maps a ranked traffic key back to indices.
func (rr *rowRanks) unranked(v uint64) trafficKey {
	k := unpackTraffic(v)
	return trafficKey{src: rr.order[k.src], channel: k.channel, store: rr.byName[k.store]}
}

// creditRows writes the credits (of one model) and the attributed count
// into res.
func (a *accumulator) creditRows(res *Result, rr *rowRanks) error {
	res.Attributed = a.attributed
	rk := make([]uint64, 0, len(a.cells))
	for v := range a.cells {
		k := unpackCredit(v)
		rk = append(rk, rr.ranked(k.src, int32(k.kind), k.store))
	}
	slices.Sort(rk)
	res.Credits = make([]Credit, len(rk))
	weights := make([][2]uint64, len(rk))
	for i, v := range rk {
		k := unpackCredit(v)
		k = creditKey{src: rr.order[k.src], kind: k.kind, store: rr.byName[k.store]}
		cell := &a.cellData[a.cells[k.pack()]]
		res.Credits[i] = Credit{
			Source: a.sources[k.src], Conversion: ConversionKinds()[k.kind], StoreID: a.stores[k.store],
			Units: cell.units, Value: zeroIn(a.currency),
		}
		weights[i] = [2]uint64{cell.valHi, cell.val}
	}
	if a.value != [2]uint64{} {
		parts, err := allocateMinor(a.value, weights, a.currency)
		if err != nil {
			return fmt.Errorf("allocate attributed value: %w", err)
		}
		for i, p := range parts {
			res.Credits[i].Value = p
		}
	}
	return nil
}

// sharedRows writes the rows that do not depend on the model into res:
// unattributed conversions, traffic, drawn traffic and reach.
func (a *accumulator) sharedRows(res *Result, rr *rowRanks) {
	res.Unattributed = make([]Unattributed, 0, len(a.unattributed))
	for _, u := range a.unattributed {
		res.Unattributed = append(res.Unattributed, *u)
	}
	slices.SortFunc(res.Unattributed, func(x, y Unattributed) int {
		if c := cmp.Compare(conversionIndex(x.Conversion), conversionIndex(y.Conversion)); c != 0 {
			return c
		}
		return cmp.Compare(x.StoreID, y.StoreID)
	})
	rk := make([]uint64, 0, max(len(a.traffic), len(a.drawn)))
	for v := range a.traffic {
		k := unpackTraffic(v)
		rk = append(rk, rr.ranked(k.src, int32(k.channel), k.store))
	}
	slices.Sort(rk)
	res.Traffic = make([]Traffic, len(rk))
	for i, v := range rk {
		k := rr.unranked(v)
		res.Traffic[i] = Traffic{Source: a.sources[k.src], Channel: channels[k.channel], StoreID: a.stores[k.store], Touches: a.traffic[k.pack()]}
	}
	rk = rk[:0]
	for v := range a.drawn {
		k := unpackTraffic(v)
		rk = append(rk, rr.ranked(k.src, int32(k.channel), k.store))
	}
	slices.Sort(rk)
	res.Drawn = make([]Drawn, len(rk))
	for i, v := range rk {
		k := rr.unranked(v)
		res.Drawn[i] = Drawn{Source: a.sources[k.src], Channel: channels[k.channel], StoreID: a.stores[k.store], Units: a.drawn[k.pack()]}
	}
	res.Reach = a.rs.rows(a.sources, a.stores)
}

// allocateMinor splits total minor units of currency over 128-bit weights
// exactly as o2o.Allocate splits them over shares keyed "0", "1", … (each
// gets ⌊total·w/Σw⌋, the units left go to the largest remainders, equal
// remainders to the smaller key as text), without decimals: the same
// amounts, in integers. It takes allocate128's word arithmetic when the
// figures fit it, else allocateMinorBig.
func allocateMinor(total [2]uint64, weights [][2]uint64, currency o2o.Currency) ([]o2o.Money, error) {
	parts, ok := allocate128(total, weights)
	if !ok {
		return allocateMinorBig(total, weights, currency)
	}
	out := make([]o2o.Money, len(parts))
	for i, q := range parts {
		var err error
		if out[i], err = o2o.FromMinor(int64(q), currency); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// allocateMinorBig is allocateMinor in big integers, for any figures: the
// plain reference allocate128 is tested against.
func allocateMinorBig(total [2]uint64, weights [][2]uint64, currency o2o.Currency) ([]o2o.Money, error) {
	u := bigU128(total[0], total[1])
	sum := new(big.Int)
	ws := make([]*big.Int, len(weights))
	for i, w := range weights {
		ws[i] = bigU128(w[0], w[1])
		sum.Add(sum, ws[i])
	}
	out := make([]o2o.Money, len(weights))
	if sum.Sign() == 0 {
		return nil, o2o.Invalid("shares", "all weights are zero")
	}
	whole := make([]*big.Int, len(weights))
	rem := make([]*big.Int, len(weights))
	left := new(big.Int).Set(u)
	t := new(big.Int)
	for i, w := range ws {
		whole[i], rem[i] = new(big.Int).QuoRem(t.Mul(u, w), sum, new(big.Int))
		left.Sub(left, whole[i])
	}
	if n := int(left.Int64()); n > 0 { // left < len(weights)
		order := make([]int, len(weights))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int {
			if c := rem[b].Cmp(rem[a]); c != 0 {
				return c
			}
			return compareKeys(a, b)
		})
		for _, i := range order[:n] {
			whole[i].Add(whole[i], big.NewInt(1))
		}
	}
	digits := int32(currency.MinorDigits())
	for i, q := range whole {
		var err error
		if q.IsInt64() {
			out[i], err = o2o.FromMinor(q.Int64(), currency)
		} else {
			out[i], err = o2o.NewMoneyIn(decimal.NewFromBigInt(q, -digits), currency)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// compareKeys compares the decimal texts of a and b (≥ 0), as strings:
// "10" before "2".
func compareKeys(a, b int) int {
	var x, y [20]byte
	return bytes.Compare(strconv.AppendInt(x[:0], int64(a), 10), strconv.AppendInt(y[:0], int64(b), 10))
}

func bigU128(hi, lo uint64) *big.Int {
	v := new(big.Int).SetUint64(hi)
	v.Lsh(v, 64)
	return v.Or(v, new(big.Int).SetUint64(lo))
}

func zeroIn(c o2o.Currency) o2o.Money { return c.Zero() }
