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
	r       *Rules
	nums    []uint64
	rem     []uint64
	order   []int
	srcIdx  []int32 // per touch: interned source (Shapley, Markov)
	effects []uint64
	seen    []int32
	units   []int64
	// Shapley's scratch.
	srcUnits, part []int64
	idx            []int
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
	sorted := w.weigh(at, ts)
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

// weigh returns the weights of the ordered touches ts for a conversion at
// at; w.srcIdx must hold their interned sources for Shapley and Markov. The
// result aliases w's scratch buffer.
func (w *weigher) weigh(at time.Time, ts []*Touch) []int64 {
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
			if !ts[i].Source().Direct() {
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
		for i := range nums {
			nums[i] = 1
		}
	case ModelPosition:
		w.position(nums)
	case ModelTimeDecay:
		w.decay(at, ts, nums)
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

// decay fills time-decay numerators: round(2^(-(t_i - t_min)/h) × 2^40),
// t_i the touch's age at the conversion, so the most recent touch gets
// exactly 2^40 and the ratios are those of 2^(-t/h).
func (w *weigher) decay(at time.Time, ts []*Touch, nums []uint64) {
	newest := at.Sub(ts[len(ts)-1].At).Seconds()
	for i, t := range ts {
		age := at.Sub(t.At).Seconds() - newest
		nums[i] = uint64(math.Round(math.Exp2(-age/w.r.halfLifeSeconds) * decayUnit))
	}
}

// shapley splits Scale evenly over the distinct sources (in order of first
// appearance), then each source's units evenly over its touches.
func (w *weigher) shapley(n int) {
	w.seen = w.seen[:0]
	for _, s := range w.srcIdx[:n] {
		if !slices.Contains(w.seen, s) {
			w.seen = append(w.seen, s)
		}
	}
	k := len(w.seen)
	w.srcUnits = grow(w.srcUnits, k)
	ones := grow(w.nums, max(n, k))
	w.nums = ones
	for i := range ones {
		ones[i] = 1
	}
	w.apportion(w.srcUnits, uint64(Scale), ones[:k])
	for si, s := range w.seen {
		idx := w.idx[:0]
		for i := 0; i < n; i++ {
			if w.srcIdx[i] == s {
				idx = append(idx, i)
			}
		}
		w.idx = idx
		w.part = grow(w.part, len(idx))
		w.apportion(w.part, uint64(w.srcUnits[si]), ones[:len(idx)])
		for j, i := range idx {
			w.units[i] = w.part[j]
		}
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
	order := w.order[:0]
	for i := range nums {
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
