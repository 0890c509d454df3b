package drainage

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

var allConfigs = []Config{
	{Model: ModelFirstTouch}, {Model: ModelLastTouch}, {Model: ModelLinear},
	{Model: ModelPosition, Position: &Position{Preset: PresetUShaped}},
	{Model: ModelPosition, Position: &Position{Preset: PresetJCurve}},
	{Model: ModelPosition, Position: &Position{Preset: PresetInverseJ}},
	{Model: ModelTimeDecay}, {Model: ModelShapley}, {Model: ModelMarkov},
	{Model: ModelLinear, Basis: BasisConversions},
	{Model: ModelTimeDecay, Basis: BasisConversions, BasisKinds: []ConversionKind{ConversionDeal, ConversionOnlinePayment}},
	{Model: ModelLinear, Unattached: UnattachedHeadquarters},
}

// gen makes a random data set: customers with 0..maxTouches touches over
// nSources sources and nStores stores, and some conversions.
func gen(rng *rand.Rand, customers, maxTouches, nSources, nStores int) ([]Touch, []Conversion) {
	kinds := TouchKinds()
	var ts []Touch
	var cs []Conversion
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	for c := range customers {
		cust := fmt.Sprintf("u%05d", c)
		n := rng.IntN(maxTouches + 1)
		for i := range n {
			src := rng.IntN(nSources)
			kind := kinds[src%len(kinds)]
			t := Touch{
				ID: fmt.Sprintf("t%05d-%d", c, i), Customer: cust,
				At:      base.Add(time.Duration(rng.IntN(60*24)) * time.Hour),
				Seq:     int64(rng.IntN(3)),
				Channel: o2o.ChannelB2C, Kind: kind, Campaign: fmt.Sprintf("cmp%d", src%5),
			}
			if kind == KindOnlineVisit && rng.IntN(2) == 0 {
				t.Campaign = ""
			}
			if kind == KindStoreCoupon || kind == KindStoreVisit || rng.IntN(2) == 0 {
				t.Channel = o2o.ChannelO2O
				if kind == KindStoreCoupon || kind == KindStoreVisit || rng.IntN(3) > 0 {
					t.StoreID = fmt.Sprintf("s%d", rng.IntN(nStores))
				}
			}
			ts = append(ts, t)
		}
		for j := range rng.IntN(3) {
			k := ConversionKinds()[rng.IntN(3)]
			cv := Conversion{ID: fmt.Sprintf("c%05d-%d", c, j), Customer: cust, Kind: k,
				At: base.Add(time.Duration(rng.IntN(60*24)) * time.Hour), Value: o2o.MustParseMoney("0")}
			if k != ConversionOnlinePayment {
				cv.StoreID = fmt.Sprintf("s%d", rng.IntN(nStores))
			}
			if k != ConversionStoreVisit {
				m, _ := o2o.FromMinor(int64(rng.IntN(5_000_000)), o2o.CNY)
				cv.Value = m
			}
			cs = append(cs, cv)
		}
	}
	return ts, cs
}

func rounds(t *testing.T, n int) int {
	if testing.Short() {
		return n / 5
	}
	return n
}

func TestPropertyConservationAndShuffle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range rounds(t, 40) {
		ts, cs := gen(rng, 1+rng.IntN(40), 8, 1+rng.IntN(12), 1+rng.IntN(5))
		campaigns := []Campaign{}
		for i := range 6 {
			m, _ := o2o.FromMinor(int64(rng.IntN(100_000_000)), o2o.CNY)
			campaigns = append(campaigns, Campaign{ID: fmt.Sprintf("cmp%d", i), Spend: m})
		}
		for _, cfg := range allConfigs {
			r := mustRules(t, cfg)
			res, err := r.Attribute(ts, cs)
			if err != nil {
				t.Fatalf("round %d %s: %v", round, cfg.Model, err)
			}
			checkResult(t, res, cs)
			// Shuffled input gives the same result, byte for byte.
			ts2, cs2 := append([]Touch(nil), ts...), append([]Conversion(nil), cs...)
			rng.Shuffle(len(ts2), func(i, j int) { ts2[i], ts2[j] = ts2[j], ts2[i] })
			rng.Shuffle(len(cs2), func(i, j int) { cs2[i], cs2[j] = cs2[j], cs2[i] })
			res2, err := r.Attribute(ts2, cs2)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(res)
			b, _ := json.Marshal(res2)
			if string(a) != string(b) {
				t.Fatalf("round %d %s: shuffled input changed the result", round, cfg.Model)
			}
			st, err := r.Allocate(res, campaigns)
			if err != nil {
				t.Fatal(err)
			}
			checkStatement(t, st, res, campaigns, r.Basis())
			checkPosting(t, st)
			checkKPIs(t, res, st, ts)
		}
	}
}

func checkResult(t *testing.T, res *Result, cs []Conversion) {
	t.Helper()
	var units int64
	credited := o2o.MustParseMoney("0")
	for _, c := range res.Credits {
		if c.Units <= 0 || c.Value.IsNegative() {
			t.Fatalf("credit %+v not positive", c)
		}
		units += c.Units
		credited, _ = credited.Add(c.Value)
	}
	if units != res.Attributed*Scale {
		t.Fatalf("credits %d units, want %d × Scale", units, res.Attributed)
	}
	var un int64
	unValue := o2o.MustParseMoney("0")
	for _, u := range res.Unattributed {
		un += u.Conversions
		unValue, _ = unValue.Add(u.Value)
	}
	if un+res.Attributed != int64(len(cs)) {
		t.Fatalf("attributed %d + unattributed %d != %d", res.Attributed, un, len(cs))
	}
	total := o2o.MustParseMoney("0")
	for _, c := range cs {
		total, _ = total.Add(c.Value)
	}
	if sum, _ := credited.Add(unValue); !sum.Equal(total) {
		t.Fatalf("credited %s + unattributed %s != total %s", credited, unValue, total)
	}
	if res.Markov != nil {
		var mu int64
		for _, e := range res.Markov.Effects {
			if e.Effect.Sign() < 0 || e.Units < 0 {
				t.Fatalf("negative removal effect %+v", e)
			}
			mu += e.Units
		}
		if res.Attributed > 0 && mu != res.Attributed*Scale {
			t.Fatalf("markov totals %d, want %d", mu, res.Attributed*Scale)
		}
	}
}

func checkStatement(t *testing.T, st *Statement, res *Result, campaigns []Campaign, basis Basis) {
	t.Helper()
	per := map[string]o2o.Money{}
	for _, ch := range st.Charges {
		if ch.Amount.IsNegative() {
			t.Fatalf("negative charge %+v", ch)
		}
		per[ch.Campaign], _ = per[ch.Campaign].Add(ch.Amount)
		if ch.Payer.Kind == o2o.PartyStore && ch.Amount.IsPositive() && !storeHasWeight(res, basis, ch.Campaign, ch.Payer.ID) {
			t.Fatalf("store %s charged %s without attributed traffic", ch.Payer.ID, ch.Amount)
		}
	}
	for _, c := range campaigns {
		if !per[c.ID].Equal(c.Spend) {
			t.Fatalf("campaign %s charged %s, spent %s", c.ID, per[c.ID], c.Spend)
		}
	}
	sum, _ := o2o.Sum(st.B2C, st.Stores, st.Unattributed)
	if !sum.Equal(st.Spend) {
		t.Fatalf("b2c+stores+unattributed %s != spend %s", sum, st.Spend)
	}
}

func storeHasWeight(res *Result, basis Basis, campaign, store string) bool {
	if basis == BasisTraffic {
		for _, tr := range res.Traffic {
			if tr.Source.Campaign == campaign && tr.StoreID == store && tr.Touches > 0 {
				return true
			}
		}
		for _, d := range res.Drawn {
			if d.Source.Campaign == campaign && d.StoreID == store && d.Units > 0 {
				return true
			}
		}
		return false
	}
	for _, c := range res.Credits {
		if c.Source.Campaign == campaign && c.StoreID == store && c.Units > 0 {
			return true
		}
	}
	return false
}

// TestShapleyBruteForce checks the closed form against the Shapley value
// computed by enumerating subsets, with v(S) = the conversions of journeys
// whose sources are all in S.
func TestShapleyBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	r := mustRules(t, Config{Model: ModelShapley})
	for range rounds(t, 30) {
		nSrc := 1 + rng.IntN(8)
		var ts []Touch
		var cs []Conversion
		var journeys [][]int
		for j := range 1 + rng.IntN(6) {
			cust := fmt.Sprintf("u%d", j)
			var srcs []int
			for i := range 1 + rng.IntN(5) {
				s := rng.IntN(nSrc)
				srcs = append(srcs, s)
				ts = append(ts, touch(fmt.Sprintf("t%d-%d", j, i), cust, day0.Add(-time.Duration(i+1)*time.Hour), KindSearchAd, fmt.Sprintf("c%d", s)))
			}
			journeys = append(journeys, srcs)
			cs = append(cs, Conversion{ID: fmt.Sprintf("x%d", j), Customer: cust, At: day0, Kind: ConversionOnlinePayment})
		}
		res, err := r.Attribute(ts, cs)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int]*big.Rat{}
		for _, s := range res.Sources() {
			var idx int
			fmt.Sscanf(s.Source.Campaign, "c%d", &idx)
			got[idx] = big.NewRat(s.Units, Scale)
		}
		want := bruteShapley(nSrc, journeys)
		for s := range nSrc {
			g := got[s]
			if g == nil {
				g = new(big.Rat)
			}
			diff := new(big.Rat).Sub(g, want[s])
			// Fixed point: each journey may round a source by one unit.
			if diff.Abs(diff).Cmp(big.NewRat(int64(len(journeys)), Scale)) > 0 {
				t.Fatalf("source %d: closed form %s, brute force %s", s, g.FloatString(9), want[s].FloatString(9))
			}
		}
	}
}

func bruteShapley(n int, journeys [][]int) []*big.Rat {
	v := func(mask int) int64 {
		var c int64
		for _, j := range journeys {
			in := true
			for _, s := range j {
				if mask&(1<<s) == 0 {
					in = false
				}
			}
			if in {
				c++
			}
		}
		return c
	}
	fact := func(k int) *big.Int { return new(big.Int).MulRange(1, int64(max(k, 1))) }
	out := make([]*big.Rat, n)
	nf := fact(n)
	for i := range n {
		sum := new(big.Rat)
		for mask := 0; mask < 1<<n; mask++ {
			if mask&(1<<i) != 0 {
				continue
			}
			size := 0
			for b := mask; b > 0; b &= b - 1 {
				size++
			}
			marg := v(mask|1<<i) - v(mask)
			if marg == 0 {
				continue
			}
			w := new(big.Int).Mul(fact(size), fact(n-size-1))
			if size == 0 {
				w = fact(n - 1)
			}
			term := new(big.Rat).SetFrac(new(big.Int).Mul(w, big.NewInt(marg)), nf)
			sum.Add(sum, term)
		}
		out[i] = sum
	}
	return out
}

func TestResultJSONRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ts, cs := gen(rng, 20, 6, 8, 3)
	res, err := mustRules(t, Config{Model: ModelMarkov}).Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	st, err := mustRules(t, Config{Model: ModelLinear}).Allocate(res, []Campaign{{ID: "cmp1", Spend: o2o.MustParseMoney("1000")}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := PostingConfig{Period: "2025-03", At: day0, StorePrefix: "store:"}
	batch, err := st.Batch(cfg)
	if err != nil {
		t.Fatal(err)
	}
	camps := []Campaign{{ID: "cmp1", Spend: o2o.MustParseMoney("1000")}}
	for _, v := range []any{res, st, KPIs(res, st), &ts, &cs, &camps, &cfg, &batch} {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		back := newOf(v)
		if err := o2o.DecodeJSON(data, back); err != nil {
			t.Fatalf("decode %T: %v", v, err)
		}
		if diff := cmp.Diff(v, back); diff != "" {
			t.Errorf("%T round trip (-want +got):\n%s", v, diff)
		}
	}
}

func newOf(v any) any {
	return reflect.New(reflect.TypeOf(v).Elem()).Interface()
}

// checkKPIs: every converter count is at most the customers reached, the
// customers reached by a group are at most the distinct customers touched,
// and each campaign with traffic has its spend split exactly over its
// source rows.
func checkKPIs(t *testing.T, res *Result, st *Statement, ts []Touch) {
	t.Helper()
	customers := map[string]bool{}
	for _, tc := range ts {
		customers[tc.Customer] = true
	}
	for _, r := range res.Reach {
		if r.Visitors > r.Customers || r.Buyers > r.Customers || r.Payers > r.Customers || r.Customers > int64(len(customers)) {
			t.Fatalf("reach %+v (of %d customers)", r, len(customers))
		}
	}
	rep := KPIs(res, st)
	bySource := map[string]o2o.Money{}
	for _, k := range rep.Sources {
		if k.Cost.IsNegative() {
			t.Fatalf("negative source cost %+v", k)
		}
		for _, tr := range res.Traffic {
			if tr.Source.String() == k.Key && tr.Source.Campaign != "" {
				bySource[tr.Source.Campaign], _ = bySource[tr.Source.Campaign].Add(k.Cost)
				break
			}
		}
	}
	spend := map[string]o2o.Money{}
	for _, ch := range st.Charges {
		spend[ch.Campaign], _ = spend[ch.Campaign].Add(ch.Amount)
	}
	for c, got := range bySource {
		if !got.Equal(spend[c]) {
			t.Fatalf("campaign %s: source costs %s, spend %s", c, got, spend[c])
		}
	}
}
