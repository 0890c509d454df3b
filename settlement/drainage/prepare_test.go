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
	Src, TStart, CStart  []int32
	TPlaces, CPlaces     []string // store, then o2o and first as flags
	Minor                []int64
	Spans                []touchSpan
	Customers            int
	Sources              []Source
	Currency             string
}

func viewRun(rn *run) runView {
	v := runView{
		Src: rn.srcIdx, TStart: rn.tStart, CStart: rn.cStart, Minor: rn.cMinor, Spans: rn.tSpan,
		Customers: rn.nCust, Sources: rn.sources, Currency: string(rn.currency),
	}
	for _, p := range rn.tPlace {
		v.TPlaces = append(v.TPlaces, fmt.Sprintf("%s %d %d", rn.stores[p>>2], p>>1&1, p&placeFirst))
	}
	for _, p := range rn.cPlace {
		v.CPlaces = append(v.CPlaces, fmt.Sprintf("%s %d", rn.stores[p>>1], p&placeFirst))
	}
	for i := range rn.tOrder.len() {
		v.Touches = append(v.Touches, rn.tOrder.at(i).ID)
	}
	for i := range rn.cOrder.len() {
		v.Conversions = append(v.Conversions, rn.cOrder.at(i).ID)
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
		want := preparedOf(t, r, shuffled, shuffledC)
		for name, in := range map[string][2]any{"in order": {ordered, orderedC}, "one pair swapped": {swapped, swappedC}} {
			want.check(t, fmt.Sprintf("round %d, %s against shuffled", round, name), in[0].([]Touch), in[1].([]Conversion))
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

// TestRunPlacesMatchTouches checks the columns a run keeps for its sums
// against the touches and conversions they stand for: each touch's place
// (store and sales mode), whether it is unattached, each conversion's
// minor units and the customers' ranges, on data in order and shuffled.
func TestRunPlacesMatchTouches(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 5))
	r := mustRules(t, Config{Model: ModelLinear})
	for round := range rounds(t, 200) {
		ts, cs := gen(rng, 1+rng.IntN(30), 5, 1+rng.IntN(12), 1+rng.IntN(4))
		if round%2 == 0 {
			rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
			rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		}
		rn, err := r.prepare(ts, cs)
		if err != nil {
			t.Fatal(err)
		}
		a := newAccumulator(r, rn.sources, nil)
		for i := range rn.tOrder.len() {
			tc, p := rn.tOrder.at(i), rn.tPlace[i]
			if got := rn.stores[p>>2]; got != tc.StoreID || p>>1&1 != int32(channelIndex(tc.Channel)) {
				t.Fatalf("round %d, touch %s: place %d is %q, %d; want %q, %s", round, tc.ID, p, got, p>>1&1, tc.StoreID, tc.Channel)
			}
			if first := i == 0 || rn.tOrder.at(i-1).Customer != tc.Customer; first != (p&placeFirst != 0) {
				t.Fatalf("round %d, touch %s: place %d, first of its customer %v", round, tc.ID, p, first)
			}
			if got, want := a.unattachedAt(p, rn.srcIdx[i]), unattached(tc); got != want {
				t.Fatalf("round %d, touch %s: unattachedAt %v, unattached %v", round, tc.ID, got, want)
			}
		}
		if rn.stores[0] != "" {
			t.Fatalf("round %d: store 0 is %q, want none", round, rn.stores[0])
		}
		for k := range rn.cOrder.len() {
			c := rn.cOrder.at(k)
			if m, _ := c.Value.MinorUnits(); rn.cMinor[k] != m {
				t.Fatalf("round %d, conversion %s: minor %d, want %d", round, c.ID, rn.cMinor[k], m)
			}
			if got := rn.stores[rn.cPlace[k]>>1]; got != c.StoreID {
				t.Fatalf("round %d, conversion %s: store %q, want %q", round, c.ID, got, c.StoreID)
			}
			if first := k == 0 || rn.cOrder.at(k-1).Customer != c.Customer; first != (rn.cPlace[k]&placeFirst != 0) {
				t.Fatalf("round %d, conversion %s: place %d, first of its customer %v", round, c.ID, rn.cPlace[k], first)
			}
		}
		if len(rn.tStart) != rn.nCust+1 || len(rn.cStart) != rn.nCust+1 ||
			rn.tStart[rn.nCust] != int32(len(ts)) || rn.cStart[rn.nCust] != int32(len(cs)) {
			t.Fatalf("round %d: %d customers, starts %v and %v", round, rn.nCust, rn.tStart, rn.cStart)
		}
		prev := ""
		for n := range rn.nCust {
			var names []string
			for i := rn.tStart[n]; i < rn.tStart[n+1]; i++ {
				names = append(names, rn.tOrder.at(int(i)).Customer)
			}
			for i := rn.cStart[n]; i < rn.cStart[n+1]; i++ {
				names = append(names, rn.cOrder.at(int(i)).Customer)
			}
			if len(names) == 0 || names[0] <= prev || slices.ContainsFunc(names, func(s string) bool { return s != names[0] }) {
				t.Fatalf("round %d: customer %d holds %q after %q", round, n, names, prev)
			}
			prev = names[0]
			lo, hi := int(rn.tStart[n]), int(rn.tStart[n+1])
			if lo == hi {
				continue
			}
			first, last := rn.tOrder.at(lo).At, rn.tOrder.at(hi-1).At
			for _, w := range []time.Duration{0, time.Nanosecond, time.Second, 24 * time.Hour} {
				for _, span := range [][2]time.Time{{first, last}, {first.Add(-w), last}, {first, last.Add(w)}, {first.Add(w), last}, {first, last.Add(-w)}} {
					got := rn.tSpan[n].within(span[0], span[1])
					if exact := !first.Before(span[0]) && !last.After(span[1]); got && !exact {
						t.Fatalf("round %d, customer %d: touches %v to %v within %v to %v", round, n, first, last, span[0], span[1])
					}
				}
			}
			if first.Nanosecond() == 0 && last.Nanosecond() == 0 && !rn.tSpan[n].within(first, last) {
				t.Fatalf("round %d, customer %d: touches %v to %v not within themselves", round, n, first, last)
			}
		}
	}
}

// TestTouchSpanWithin checks touchSpan.within against the instants it
// stands for: never true unless every instant from first to last is within
// the bounds, and true for whole seconds well inside them, across the
// range of instants, with nanoseconds and with spans past spanUnknown.
func TestTouchSpanWithin(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 9))
	lo, hi := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 11, 30, 0, 0, 0, 0, time.UTC)
	spans := []time.Duration{0, time.Nanosecond, time.Second, time.Hour, 400 * 24 * time.Hour, spanUnknown * time.Second}
	for range rounds(t, 20000) {
		first := lo.Add(time.Duration(rng.Int64N(int64(hi.Sub(lo)))))
		if rng.IntN(2) == 0 {
			first = first.Truncate(time.Second)
		}
		if rng.IntN(8) == 0 {
			first = []time.Time{lo, hi}[rng.IntN(2)]
		}
		last := first.Add(spans[rng.IntN(len(spans))] + time.Duration(rng.IntN(3))*time.Nanosecond)
		s := newTouchSpan(first, last)
		for range 8 {
			d := []time.Duration{0, time.Nanosecond, time.Second, time.Hour}
			start := first.Add(d[rng.IntN(len(d))] * time.Duration(rng.IntN(3)-1))
			end := last.Add(d[rng.IntN(len(d))] * time.Duration(rng.IntN(3)-1))
			exact := !first.Before(start) && !last.After(end)
			if got := s.within(start, end); got && !exact {
				t.Fatalf("span %v to %v: within %v to %v, but it is not", first, last, start, end)
			}
		}
		if last.Sub(first) < 300*24*time.Hour {
			if start, end := first.Add(-time.Second), last.Add(time.Second); !s.within(start, end) {
				t.Fatalf("span %v to %v: not within %v to %v", first, last, start, end)
			}
		}
	}
}

// TestTouchPlacesMatchMap checks touchPlaces' table against the plain way,
// a map from id to its index in order of first sight, over ids alike,
// empty, long and repeated, past several growths of the table.
func TestTouchPlacesMatchMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 4))
	for range rounds(t, 50) {
		p := newTouchPlaces()
		want := map[string]int32{"": 0}
		n := 1 + rng.IntN(3000)
		for range 4 * n {
			id := fmt.Sprintf("s%d", rng.IntN(n))
			switch rng.IntN(8) {
			case 0:
				id = ""
			case 1:
				id = "门店-" + id + "-0123456789abcdef"
			}
			w, ok := want[id]
			if !ok {
				w = int32(len(want))
				want[id] = w
			}
			if got := p.store(id); got != w || p.names[got] != id {
				t.Fatalf("store(%q) = %d (%q), want %d", id, got, p.names[got], w)
			}
		}
		if len(p.names) != len(want) {
			t.Fatalf("%d names, want %d", len(p.names), len(want))
		}
	}
}

// prepared is what prepare and Attribute give for some input, for
// comparing with other orders of the same input.
type prepared struct {
	r    *Rules
	run  runView
	json []byte
}

// preparedOf prepares and attributes ts and cs under r.
func preparedOf(t *testing.T, r *Rules, ts []Touch, cs []Conversion) prepared {
	t.Helper()
	rn, err := r.prepare(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Attribute(ts, cs)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return prepared{r: r, run: viewRun(rn), json: data}
}

// check fails the test unless ts and cs prepare to the same run and
// attribute to the same result's JSON as p.
func (p prepared) check(t *testing.T, what string, ts []Touch, cs []Conversion) {
	t.Helper()
	got := preparedOf(t, p.r, ts, cs)
	if diff := gocmp.Diff(p.run, got.run); diff != "" {
		t.Fatalf("%s: prepared run (-want +got):\n%s", what, diff)
	}
	if string(got.json) != string(p.json) {
		t.Fatalf("%s: result\n%s\nwant\n%s", what, got.json, p.json)
	}
}
