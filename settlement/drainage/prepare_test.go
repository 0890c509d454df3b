package drainage

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

// sortedInput returns copies of touches and conversions in the order a run
// holds them: by customer, then compareTouches or compareConversions.
func sortedInput(ts []Touch, cs []Conversion) ([]Touch, []Conversion) {
	ts, cs = slices.Clone(ts), slices.Clone(cs)
	slices.SortFunc(ts, func(a, b Touch) int {
		if c := cmp.Compare(a.Customer, b.Customer); c != 0 {
			return c
		}
		return compareTouches(&a, &b)
	})
	slices.SortFunc(cs, func(a, b Conversion) int {
		if c := cmp.Compare(a.Customer, b.Customer); c != 0 {
			return c
		}
		return compareConversions(&a, &b)
	})
	return ts, cs
}

// runView is what a run holds, by value (ids rather than pointers), to
// compare runs made from different slices.
type runView struct {
	Touches, Conversions []string
	Src, TCust, CCust    []int32
	Customers            int
	Sources              []Source
	Currency             string
}

func viewRun(rn *run) runView {
	v := runView{Src: rn.srcIdx, TCust: rn.tCust, CCust: rn.cCust, Customers: rn.nCust, Sources: rn.sources, Currency: string(rn.currency)}
	for i := range rn.tOrder.len() {
		v.Touches = append(v.Touches, rn.tOrder.at(i).ID)
	}
	for _, c := range rn.cOrder {
		v.Conversions = append(v.Conversions, c.ID)
	}
	return v
}

// TestPrepareInOrderMatchesSorted checks prepare's speed trick against its
// plain way: data given in order (numbered and interned in the validating
// pass, no sort) makes the same run, and the same results, as the same data
// shuffled (sorted, then numbered and interned), and as the data in order
// but for one pair swapped somewhere (the trick given up midway).
func TestPrepareInOrderMatchesSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 7))
	r := mustRules(t, Config{Model: ModelLinear})
	for round := range rounds(t, 200) {
		ts, cs := gen(rng, 1+rng.IntN(30), 5, 1+rng.IntN(12), 1+rng.IntN(4))
		if round%4 == 0 { // customers with conversions only, or touches only
			cs = cs[:len(cs)/2]
		}
		ordered, orderedC := sortedInput(ts, cs)
		shuffled, shuffledC := slices.Clone(ordered), slices.Clone(orderedC)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		rng.Shuffle(len(shuffledC), func(i, j int) { shuffledC[i], shuffledC[j] = shuffledC[j], shuffledC[i] })
		swapped, swappedC := slices.Clone(ordered), slices.Clone(orderedC)
		if n := len(swapped); n > 1 {
			i := rng.IntN(n - 1)
			swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
		}
		if n := len(swappedC); n > 1 {
			i := rng.IntN(n - 1)
			swappedC[i], swappedC[i+1] = swappedC[i+1], swappedC[i]
		}
		want, err := r.prepare(shuffled, shuffledC)
		if err != nil {
			t.Fatal(err)
		}
		wantRes, err := r.Attribute(shuffled, shuffledC)
		if err != nil {
			t.Fatal(err)
		}
		wantJSON, _ := json.Marshal(wantRes)
		for name, in := range map[string][2]any{"in order": {ordered, orderedC}, "one pair swapped": {swapped, swappedC}} {
			ts, cs := in[0].([]Touch), in[1].([]Conversion)
			got, err := r.prepare(ts, cs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(viewRun(want), viewRun(got)); diff != "" {
				t.Fatalf("round %d, %s (-shuffled +%s):\n%s", round, name, name, diff)
			}
			res, err := r.Attribute(ts, cs)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := json.Marshal(res); string(b) != string(wantJSON) {
				t.Fatalf("round %d, %s: result\n%s\nwant\n%s", round, name, b, wantJSON)
			}
		}
	}
}

// TestTouchValidateMatchesValidate checks the validating pass's shortcut,
// Touch.validate, against Touch.Validate on touches with every field good
// or bad in turn: the same error, or none.
func TestTouchValidateMatchesValidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 3))
	good := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	texts := []string{"", "t1", "门店-7", "\xff", "a\xe9", "long-id-0123456789"}
	channels := []o2o.Channel{"", o2o.ChannelB2C, o2o.ChannelO2O, "x", "\xff"}
	kinds := append(TouchKinds(), "", "nope", "\xff")
	ats := []time.Time{{}, good, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	for range rounds(t, 20000) {
		tc := Touch{
			ID: pick(texts), Customer: pick(texts), At: ats[rng.IntN(len(ats))], Seq: int64(rng.IntN(2)),
			Channel: channels[rng.IntN(len(channels))], Kind: kinds[rng.IntN(len(kinds))],
			Campaign: pick(texts), StoreID: pick(texts),
		}
		want, got := tc.Validate(), tc.validate()
		if fmt.Sprint(want) != fmt.Sprint(got) || errors.Is(got, o2o.ErrInvalid) != errors.Is(want, o2o.ErrInvalid) {
			t.Fatalf("%+v: validate %v, Validate %v", tc, got, want)
		}
	}
}

// TestHashIDSpreads checks that hashID tells apart ids as exports number
// them (a counter in a fixed or growing width, a prefix, a suffix, every
// length to 40 bytes): no two of them hash alike, so noDuplicates does
// not fall back to comparing the ids.
func TestHashIDSpreads(t *testing.T) {
	var hs []uint64
	for i := range rounds(t, 100_000) {
		for _, id := range []string{fmt.Sprintf("t%07d-%d", i/8, i%8), fmt.Sprint(i), fmt.Sprintf("order-2025-03-%012d", i), fmt.Sprintf("%x-门店", i)} {
			hs = append(hs, hashID(id))
		}
	}
	long := "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	for n := range len(long) + 1 {
		hs = append(hs, hashID(long[:n]), hashID("\x00"+long[:n]))
	}
	if anyEqualHash(hs) {
		t.Fatal("two ids hash alike")
	}
}

// TestJourneyRefRoundTrip checks that a journeyRef gives back the value
// and kind it was made with, up to the largest value a conversion may
// have in any currency.
func TestJourneyRefRoundTrip(t *testing.T) {
	for _, cur := range []o2o.Currency{"JPY", o2o.CNY, "KWD"} {
		for _, minor := range []int64{0, 1, 1<<32 - 1, 1 << 32, 1<<40 + 12345, maxMinor(cur)} {
			for kind := range numConversionKinds {
				j := newJourneyRef(7, 3, 9, minor, kind)
				if j.minor() != minor || int(j.kind()) != kind || j.conv != 7 || j.lo != 3 || j.hi != 9 {
					t.Fatalf("%s %d kind %d: got %d kind %d", cur, minor, kind, j.minor(), j.kind())
				}
			}
		}
	}
}

// TestConversionValidateMatchesValidate is TestTouchValidateMatchesValidate
// for conversions, whose shortcut is told whether the value has minor
// units.
func TestConversionValidateMatchesValidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 4))
	good := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	texts := []string{"", "c1", "门店-7", "\xff"}
	kinds := append(ConversionKinds(), "", "nope", "\xff")
	ats := []time.Time{{}, good, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}
	values := []o2o.Money{o2o.MustParseMoney("0"), o2o.MustParseMoney("12.30"), o2o.MustParseMoney("-1.00"),
		o2o.MustParseMoney("0.001"), o2o.MustParseMoney("1000000000000000000000.00")}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	for range rounds(t, 20000) {
		c := Conversion{
			ID: pick(texts), Customer: pick(texts), At: ats[rng.IntN(len(ats))],
			Kind: kinds[rng.IntN(len(kinds))], StoreID: pick(texts), Value: values[rng.IntN(len(values))],
		}
		_, minorOK := c.Value.MinorUnits()
		want, got := c.Validate(), c.validate(minorOK)
		if fmt.Sprint(want) != fmt.Sprint(got) || errors.Is(got, o2o.ErrInvalid) != errors.Is(want, o2o.ErrInvalid) {
			t.Fatalf("%+v: validate %v, Validate %v", c, got, want)
		}
	}
}
