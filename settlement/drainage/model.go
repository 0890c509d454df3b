package drainage

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Scale is the fixed-point scale of credit: one conversion is Scale units
// (10^9), so a credit of Units is exactly Units × 10^-9 conversions. Shares
// such as 1/3 and 2^(-t/h) have no exact decimal form; every model turns a
// journey into whole units that sum exactly to Scale, handing the units left
// over by rounding down to the touches with the largest remainders, equal
// remainders to the earlier touch (journey order).
const Scale int64 = 1_000_000_000

// ScaleDigits is the number of decimal places of Scale.
const ScaleDigits = 9

// ErrWholeDataSet reports a per-journey request to a model that needs the
// whole data set (Markov). It wraps o2o.ErrInvalid.
var ErrWholeDataSet = fmt.Errorf("%w: the markov model needs the whole data set; use Attribute", o2o.ErrInvalid)

// decayUnit is the integer weight of the most recent touch under time
// decay; older touches get round(2^(-Δt/h) × decayUnit).
const decayUnit = 1 << 40

// weigher turns one ordered journey into fixed-point weights. Its scratch
// buffers make it allocation-free after warm-up; it is not safe for
// concurrent use, so each call of Attribute or Weigh has its own.
type weigher struct {
	r      *Rules
	nums   []uint64
	rem    []uint64
	order  []int
	srcIdx []int32 // per touch: interned source (Shapley, Markov)
	// isDirect, when set, says per interned source whether it is a direct
	// visit, for last touch, so that it need not read the touches (paths
	// have sources but no touches; see directSources).
	isDirect []bool
	effects  []uint64
	seen     []int32
	units    []int64
	// Shapley's scratch: per touch its source's rank and occurrence; per
	// source its touch count and (units per touch, remainder).
	rank, occ []int32
	cnt       []int32
	per       []int64
}

// Weigh returns the fixed-point weights of a journey's touches for a
// conversion at the instant at: one per touch, in the order of touches,
// summing exactly to Scale (all zero for no touches). The touches must be
// one customer's eligible touches; they are ordered by (At, Seq, ID) first
// if they are not already. Weigh does not apply the lookback window (Attribute
// does). The Markov model needs the whole data set: ErrWholeDataSet.
func (r *Rules) Weigh(at time.Time, touches []Touch) ([]int64, error) {
	if r.model == ModelMarkov {
		return nil, ErrWholeDataSet
	}
	for i, t := range touches {
		if err := t.Validate(); err != nil {
			return nil, o2o.Prefix(indexPath("touches", i), err)
		}
		if t.At.After(at) {
			return nil, o2o.Invalidf(indexPath("touches", i)+".at", "is after the conversion at %s", at.Format(time.RFC3339))
		}
	}
	order := make([]int, len(touches))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareTouches(&touches[a], &touches[b]) })
	ts := make([]*Touch, len(touches))
	for i, j := range order {
		ts[i] = &touches[j]
	}
	w := &weigher{r: r}
	if r.model == ModelShapley {
		w.internLocal(ts)
	}
	sorted := w.weigh(ts)
	out := make([]int64, len(touches))
	for i, j := range order {
		out[j] = sorted[i]
	}
	return out, nil
}

// internLocal interns the sources of one journey (for Weigh's Shapley).
func (w *weigher) internLocal(ts []*Touch) {
	w.srcIdx = w.srcIdx[:0]
	ids := map[Source]int32{}
	for _, t := range ts {
		id, ok := ids[t.Source()]
		if !ok {
			id = int32(len(ids))
			ids[t.Source()] = id
		}
		w.srcIdx = append(w.srcIdx, id)
	}
}

// weigh returns the weights of the ordered touches ts of one journey;
// w.srcIdx must hold their interned sources for Shapley and Markov. The
// result aliases w's scratch buffer.
func (w *weigher) weigh(ts []*Touch) []int64 {
	n := len(ts)
	w.units = grow(w.units, n)
	if n == 0 {
		return w.units
	}
	clear(w.units)
	switch w.r.model {
	case ModelFirstTouch:
		w.units[0] = Scale
		return w.units
	case ModelLastTouch:
		last := n - 1
		for i := n - 1; i >= 0; i-- {
			if !w.direct(ts, i) {
				last = i
				break
			}
		}
		w.units[last] = Scale
		return w.units
	}
	if n == 1 {
		w.units[0] = Scale
		return w.units
	}
	nums := grow(w.nums, n)
	w.nums = nums
	switch w.r.model {
	case ModelLinear:
		spread(w.units, Scale)
		return w.units
	case ModelPosition:
		w.position(nums)
	case ModelTimeDecay:
		w.decay(ts, nums)
	case ModelShapley:
		w.shapley(n)
		return w.units
	case ModelMarkov:
		var sum uint64
		for i := range nums {
			nums[i] = w.effects[w.srcIdx[i]]
			sum += nums[i]
		}
		if sum == 0 { // every source's effect rounded to zero: fall back to linear
			for i := range nums {
				nums[i] = 1
			}
		}
	}
	w.apportion(w.units, uint64(Scale), nums)
	return w.units
}

// directSources sets isDirect for sources, the interned sources srcIdx
// will refer to. Sources are only ever appended to between calls, so only
// those not seen before are looked at.
func (w *weigher) directSources(sources []Source) {
	if len(w.isDirect) > len(sources) { // not the same sources: start again
		w.isDirect = w.isDirect[:0]
	}
	for _, s := range sources[len(w.isDirect):] {
		w.isDirect = append(w.isDirect, s.Direct())
	}
}

// direct reports whether the i-th touch of a journey is a direct visit:
// by its source's index when isDirect is set, else by the touch.
func (w *weigher) direct(ts []*Touch, i int) bool {
	if w.isDirect != nil {
		return w.isDirect[w.srcIdx[i]]
	}
	return ts[i].Source().Direct()
}

// position fills the position model's numerators: with two touches the
// middle share is dropped and first and last renormalised; with n ≥ 3 the
// middle share is split evenly over the n-2 middle touches.
func (w *weigher) position(nums []uint64) {
	n := len(nums)
	if n == 2 {
		nums[0], nums[1] = w.r.first, w.r.last
		return
	}
	k := uint64(n - 2)
	for i := range nums {
		nums[i] = w.r.middle
	}
	nums[0], nums[n-1] = w.r.first*k, w.r.last*k
}

// decay fills time-decay numerators: round(2^(-Δt/h) × 2^40), Δt the
// touch's age relative to the newest touch of the journey (an exact integer
// count of nanoseconds), h the half-life, so the newest touch gets exactly
// 2^40 and the ratios are those of 2^(-t/h), t the age at the conversion.
// Touches at the same instant as the one before reuse its weight.
func (w *weigher) decay(ts []*Touch, nums []uint64) {
	newest := ts[len(ts)-1].At
	h, tab := w.r.halfLifeNanos, w.r.exp2
	prev, prevW := time.Duration(-1), uint64(0)
	for i, t := range ts {
		d := newest.Sub(t.At)
		if d != prev {
			prev, prevW = d, decayWeight(d, h, tab)
		}
		nums[i] = prevW
	}
}

// exp2Steps is the number of entries of the time-decay table: 2^(-j/256).
const exp2Steps = 256

// exp2Table returns 2^(-j/256) for j in [0, 256], built once per Rules
// (time decay only).
func exp2Table() *[exp2Steps + 1]float64 {
	var t [exp2Steps + 1]float64
	for j := range t {
		t[j] = math.Exp2(-float64(j) / exp2Steps)
	}
	return &t
}

// decayWeight returns round(2^(-d/h) × 2^40) for an age d ≥ 0 and a
// half-life h in nanoseconds (half away from zero).
func decayWeight(d time.Duration, h float64, tab *[exp2Steps + 1]float64) uint64 {
	if d <= 0 {
		return decayUnit
	}
	return uint64(math.Round(decayReal(float64(d)/h, tab)))
}

// decayReal returns 2^(40-x) for x > 0 halvings, 0 from 42 halvings on. x
// is split exactly into whole halvings q, 256ths j and a rest g < 1/256:
// 2^(-x) = 2^(-q) × tab[j] × e^(-g·ln 2), the last by its Taylor series to
// y^5 (y < 0.0028, so the first term left out is below 10^-18), and the
// scaling by 2^(40-q) is exact. The explicit float64 conversions forbid
// fused multiply-adds, so every IEEE-754 platform computes the same
// weights, bit for bit.
func decayReal(x float64, tab *[exp2Steps + 1]float64) float64 {
	q := math.Floor(x)
	if q > 41 { // below 2^-2 units: rounds to 0
		return 0
	}
	f := float64(x-q) * exp2Steps // exact: a fraction scaled by a power of 2
	j := math.Floor(f)
	y := float64(float64(f-j)/exp2Steps) * math.Ln2
	// e^(-y) = 1 - y(1 - y/2(1 - y/3(1 - y/4(1 - y/5)))), by Horner.
	p := float64(1 - float64(y*(1.0/5)))
	p = float64(1 - float64(float64(y*(1.0/4))*p))
	p = float64(1 - float64(float64(y*(1.0/3))*p))
	p = float64(1 - float64(float64(y*(1.0/2))*p))
	p = float64(1 - float64(y*p))
	r := float64(tab[int(j)] * p)
	if q == 41 {
		return r * 0.5
	}
	return r * float64(uint64(1)<<(40-int(q)))
}

// spread splits total evenly over dst: every slot gets total/n and the
// first total%n slots one unit more, which is largest remainder with equal
// remainders to the lower index.
func spread(dst []int64, total int64) {
	n := int64(len(dst))
	q, left := total/n, total%n
	for i := range dst {
		dst[i] = q
		if int64(i) < left {
			dst[i]++
		}
	}
}

// shapley splits Scale evenly over the distinct sources (ranked by first
// appearance), then each source's units evenly over its touches (earlier
// touches first): one pass to rank, one to write, an integer division per
// source, no sorting.
func (w *weigher) shapley(n int) {
	src := w.srcIdx[:n]
	w.rank = grow(w.rank, n)
	w.occ = grow(w.occ, n)
	w.seen = w.seen[:0]
	w.cnt = w.cnt[:0]
	for i, s := range src {
		r := -1
		for j, x := range w.seen {
			if x == s {
				r = j
				break
			}
		}
		if r < 0 {
			r = len(w.seen)
			w.seen = append(w.seen, s)
			w.cnt = append(w.cnt, 0)
		}
		w.rank[i], w.occ[i] = int32(r), w.cnt[r]
		w.cnt[r]++
	}
	k := int64(len(w.seen))
	base, extra := Scale/k, Scale%k
	w.per = grow(w.per, 2*int(k))
	for r, c := range w.cnt {
		su := base
		if int64(r) < extra {
			su++
		}
		w.per[2*r], w.per[2*r+1] = su/int64(c), su%int64(c)
	}
	for i := range src {
		r := w.rank[i]
		u := w.per[2*r]
		if int64(w.occ[i]) < w.per[2*r+1] {
			u++
		}
		w.units[i] = u
	}
}

// apportion splits total over nums (Σnums > 0) into dst by largest
// remainder: each gets ⌊total × num / Σ⌋ and the units left over go one each
// to the largest remainders, equal remainders to the lower index.
func (w *weigher) apportion(dst []int64, total uint64, nums []uint64) {
	var sum uint64
	for _, x := range nums {
		sum += x
	}
	rem := grow(w.rem, len(nums))
	w.rem = rem
	left := total
	for i, x := range nums {
		hi, lo := bits.Mul64(total, x)
		q, r := bits.Div64(hi, lo, sum) // q ≤ total since x ≤ sum
		dst[i], rem[i] = int64(q), r
		left -= q
	}
	if left == 0 {
		return
	}
	if len(nums) > 64 {
		w.apportionSorted(dst, left)
		return
	}
	// left < len(nums): pick the largest remainder left times, the lower
	// index on ties; a picked remainder is zeroed (more than left are
	// non-zero, so a zero is never picked).
	for ; left > 0; left-- {
		best := 0
		for i := 1; i < len(rem); i++ {
			if rem[i] > rem[best] {
				best = i
			}
		}
		dst[best]++
		rem[best] = 0
	}
}

// apportionSorted hands left units to the largest remainders in w.rem by a
// stable sort (long journeys).
func (w *weigher) apportionSorted(dst []int64, left uint64) {
	rem := w.rem
	order := w.order[:0]
	for i := range rem {
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rem[a] > rem[b]:
			return -1
		case rem[a] < rem[b]:
			return 1
		}
		return 0
	})
	for _, i := range order[:left] {
		dst[i]++
	}
	w.order = order[:0]
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, max(n, 8))
	}
	return s[:n]
}
