package drainage

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

// TestDecayWeight checks the table-and-series 2^(40-x) against a 200-bit
// reference: relative error within 2^-50 (a few ulps; dropping the series'
// y^4 term would be off by 10^-12), and the rounded weights at the edges.
func TestDecayWeight(t *testing.T) {
	tab := exp2Table()
	rng := rand.New(rand.NewPCG(7, 7))
	halfLives := []float64{7 * 86400e9, 1 * 86400e9, 0.5 * 86400e9, 3650 * 86400e9, 3600e9}
	cases := []time.Duration{1, time.Second, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 41 * 7 * 24 * time.Hour, 42 * 7 * 24 * time.Hour, 43 * 7 * 24 * time.Hour, 400 * 24 * time.Hour}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		cases = append(cases, 1+time.Duration(rng.Int64N(int64(365*24*time.Hour))))
	}
	for _, h := range halfLives {
		for _, d := range cases {
			x := float64(d) / h
			got, want := decayReal(x, tab), refDecay(x)
			if want == 0 {
				if got != 0 {
					t.Fatalf("x=%g: %g, want 0", x, got)
				}
				continue
			}
			if rel := math.Abs(got-want) / want; rel > 0x1p-50 {
				t.Fatalf("2^(40-%g): %.17g, want %.17g (relative error %g)", x, got, want, rel)
			}
		}
	}
	for _, c := range []struct {
		d    time.Duration
		want uint64
	}{
		{0, decayUnit},
		{-time.Hour, decayUnit},
		{7 * 24 * time.Hour, decayUnit / 2},
		{14 * 24 * time.Hour, decayUnit / 4},
		{41 * 7 * 24 * time.Hour, 1}, // 0.5 rounds away from zero
		{42 * 7 * 24 * time.Hour, 0},
	} {
		if got := decayWeight(c.d, 7*86400e9, tab); got != c.want {
			t.Errorf("decayWeight(%v): %d, want %d", c.d, got, c.want)
		}
	}
}

// refDecay is 2^(40-x) computed with 200-bit floats (0 from 42 on).
func refDecay(x float64) float64 {
	q := math.Floor(x)
	if q > 41 {
		return 0
	}
	// 2^(-f) = e^(-f ln 2) by its series; ln 2 to 60 digits.
	ln2, _, _ := big.ParseFloat("0.693147180559945309417232121458176568075500134360255254120680", 10, 200, big.ToNearestEven)
	f := new(big.Float).SetPrec(200).SetFloat64(x - q)
	y := new(big.Float).SetPrec(200).Mul(f, ln2)
	sum := new(big.Float).SetPrec(200).SetInt64(1)
	term := new(big.Float).SetPrec(200).SetInt64(1)
	for k := 1; k < 40; k++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetInt64(int64(k)))
		term.Neg(term)
		sum.Add(sum, term)
	}
	sum.SetMantExp(sum, 40-int(q))
	v, _ := sum.Float64()
	return v
}

// TestFastPathsMatchApportion checks that linear's even spread and
// Shapley's rank-and-divide give exactly what largest remainder over equal
// numerators gives, ties to the earlier touch.
func TestFastPathsMatchApportion(t *testing.T) {
	w := &weigher{}
	for n := 1; n <= 70; n++ {
		ones := make([]uint64, n)
		for i := range ones {
			ones[i] = 1
		}
		want := make([]int64, n)
		w.apportion(want, uint64(Scale), ones)
		got := make([]int64, n)
		spread(got, Scale)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("n=%d (-apportion +spread):\n%s", n, diff)
		}
	}
	// The selection path (n ≤ 64) and the sorted path agree.
	rng := rand.New(rand.NewPCG(3, 3))
	for range 500 {
		n := 1 + rng.IntN(64)
		nums := make([]uint64, n)
		for i := range nums {
			nums[i] = uint64(rng.IntN(5)) // many ties
		}
		nums[rng.IntN(n)]++
		a := make([]int64, n)
		w.apportion(a, uint64(Scale), nums)
		b := make([]int64, n)
		var sum uint64
		for _, x := range nums {
			sum += x
		}
		left := uint64(Scale)
		for i, x := range nums {
			b[i] = int64(uint64(Scale) * x / sum)
			left -= uint64(b[i])
		}
		w.rem = w.rem[:n]
		for i, x := range nums {
			w.rem[i] = uint64(Scale) * x % sum
		}
		if left > 0 {
			w.apportionSorted(b, left)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("nums %v (-selection +sorted):\n%s", nums, diff)
		}
	}
}

// TestLastTouchDirectBySource checks that last touch over a whole data set
// (Attribute and AttributePrepared, which tell direct visits by their
// interned source) passes over direct visits as Weigh does, touch by
// touch: credit to the last non-direct touch, or to the last touch when
// all are direct.
func TestLastTouchDirectBySource(t *testing.T) {
	ts := []Touch{
		touch("a", "u", day0.Add(-days(3)), KindSearchAd, "x"),
		touch("d1", "u", day0.Add(-days(2)), KindOnlineVisit, ""),
		touch("b", "u", day0.Add(-days(1)), KindRoadShow, "y"),
		touch("d2", "u", day0, KindOnlineVisit, ""),
		touch("v", "v", day0.Add(-days(1)), KindOnlineVisit, "z"), // a campaign: not direct
		touch("dv", "v", day0, KindOnlineVisit, ""),
		touch("dw", "w", day0, KindOnlineVisit, ""),
	}
	var cs []Conversion
	for _, c := range []string{"u", "v", "w"} {
		cs = append(cs, Conversion{ID: "c" + c, Customer: c, At: day0, Kind: ConversionOnlinePayment, Value: o2o.MustParseMoney("10")})
	}
	r := mustRules(t, Config{Model: ModelLastTouch})
	want := []SourceTotal{
		{Source: Source{Kind: KindRoadShow, Campaign: "y"}, Units: Scale, Value: o2o.MustParseMoney("10")},
		{Source: Source{Kind: KindOnlineVisit}, Units: Scale, Value: o2o.MustParseMoney("10")},
		{Source: Source{Kind: KindOnlineVisit, Campaign: "z"}, Units: Scale, Value: o2o.MustParseMoney("10")},
	}
	slices.SortFunc(want, func(x, y SourceTotal) int { return compareSources(x.Source, y.Source) })
	res, err := r.Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Sources(), cmp.Comparer(func(x, y o2o.Money) bool { return x.Equal(y) })); diff != "" {
		t.Errorf("Attribute (-want +got):\n%s", diff)
	}
	p, err := Prepare(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	res, err = r.AttributePrepared(p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Sources(), cmp.Comparer(func(x, y o2o.Money) bool { return x.Equal(y) })); diff != "" {
		t.Errorf("AttributePrepared (-want +got):\n%s", diff)
	}
}
