package drainage

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
)

// sortedPerm is the plain way customerOrder replaces: the indices of
// touches sorted by customer text, then compareTouches.
func sortedPerm(touches []Touch) []int32 {
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
	return perm
}

// hardTouches returns n touches over about customers customers whose
// names share long prefixes, differ past eight bytes, by a trailing zero
// byte or by length, with times and sequence numbers often tied; the
// touches come shuffled, or in order but for a few, or in order.
func hardTouches(rng *rand.Rand, n, customers int, shuffle string) []Touch {
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
	names := []string{"", "\x00", "a", "a\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgg", "门店客户", "\xff"}
	for c := range customers {
		names = append(names, fmt.Sprintf("customer-%d", c), fmt.Sprintf("c%d", c))
	}
	names = names[:min(len(names), customers)]
	ts := make([]Touch, n)
	for i := range ts {
		ts[i] = Touch{
			ID:       fmt.Sprintf("t%d", rng.IntN(1000*n)) + fmt.Sprint("-", i),
			Customer: names[rng.IntN(len(names))],
			At:       base.Add(time.Duration(rng.IntN(3)) * time.Hour),
			Seq:      int64(rng.IntN(2)),
		}
	}
	switch shuffle {
	case "in order":
		ts = slices.Clone(ts)
		perm := sortedPerm(ts)
		sorted := make([]Touch, len(ts))
		for k, i := range perm {
			sorted[k] = ts[i]
		}
		ts = sorted
	case "partly":
		perm := sortedPerm(ts)
		sorted := make([]Touch, len(ts))
		for k, i := range perm {
			sorted[k] = ts[i]
		}
		for range min(n, 1+n/20) {
			i, j := rng.IntN(n), rng.IntN(n)
			sorted[i], sorted[j] = sorted[j], sorted[i]
		}
		ts = sorted
	}
	return ts
}

// TestCustomerOrderMatchesSort checks customerOrder against the plain
// sort by (customer, compareTouches) on touches shuffled, partly shuffled
// and in order, few or many customers, with ties in time and customers
// alike in their first eight bytes, given scratch room enough, none, or a
// hash table too small to hold the customers (numbered again in a larger
// one), and customers hashed by hashID, alike in their high bits (some
// then taken for one another), by their length only, or in one place
// of the table (probed too far): the same order, and
// the groups it gives, after its last start from 0, are the customers'.
func TestCustomerOrderMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	hashes := map[string]func(string) uint64{
		"hashID":    hashID,
		"high bits": func(s string) uint64 { return hashID(s)&(1<<32-1) | 7<<40 },
		"length":    func(s string) uint64 { return uint64(len(s)) },
		"one place": func(s string) uint64 { return hashID(s) &^ (1<<32 - 1) },
	}
	for round := range rounds(t, 300) {
		n := rng.IntN(400)
		if round%50 == 0 {
			n = 5000
		}
		customers := 1 + rng.IntN(max(1, n))
		if round%5 == 0 { // long runs of one customer's touches
			customers = 1 + rng.IntN(4)
		}
		shuffle := []string{"shuffled", "partly", "in order"}[round%3]
		ts := hardTouches(rng, n, customers, shuffle)
		want := sortedPerm(ts)
		var wantGroups [][]int32
		for from := 0; from < n; {
			to := from + 1
			for to < n && ts[want[to]].Customer == ts[want[from]].Customer {
				to++
			}
			wantGroups = append(wantGroups, want[from:to])
			from = to
		}
		for hashName, hash := range hashes {
			it := customerItems{
				n: n, customer: func(i int) string { return ts[i].Customer },
				compare: func(i, j int32) int { return compareTouches(&ts[i], &ts[j]) }, hash: hash,
			}
			for _, room := range []string{"enough", "none", "small table"} {
				var cust, narrow []int32
				var wide []uint64
				switch room {
				case "enough":
					cust, wide, narrow = make([]int32, n), make([]uint64, n), make([]int32, 0, n)
				case "small table":
					cust, wide = make([]int32, n), make([]uint64, 70)
				}
				var groups [][]int32
				next := 0
				got := customerOrder(it, cust, wide, narrow, func(from int, items []int32) {
					if from == 0 {
						groups, next = nil, 0
					}
					if from != next {
						t.Fatalf("group from %d, want %d", from, next)
					}
					groups = append(groups, slices.Clone(items))
					next += len(items)
				})
				if diff := gocmp.Diff(want, got); diff != "" {
					t.Fatalf("round %d, %d touches %s over %d customers, scratch %s, hash %s (-sort +customerOrder):\n%s", round, n, shuffle, customers, room, hashName, diff)
				}
				if diff := gocmp.Diff(wantGroups, groups); diff != "" {
					t.Fatalf("round %d, %d touches %s over %d customers, scratch %s, hash %s: groups (-want +got):\n%s", round, n, shuffle, customers, room, hashName, diff)
				}
			}
		}
	}
}

// TestPrepareShuffledMatchesSorted checks prepare's sorting path against
// the plain way, sorting the input first (then prepare reads it in order
// and sorts nothing): the same run and the same results, for touches and
// conversions shuffled or partly shuffled, of customers with many touches
// tied in time.
func TestPrepareShuffledMatchesSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 8))
	r := mustRules(t, Config{Model: ModelLinear})
	for round := range rounds(t, 200) {
		ts, cs := gen(rng, 1+rng.IntN(40), 12, 1+rng.IntN(12), 1+rng.IntN(4))
		base := time.Date(2025, 3, 1, 0, 0, 0, 0, o2o.China())
		for i := range ts { // ties in time
			if rng.IntN(2) == 0 {
				ts[i].At = base.Add(time.Duration(rng.IntN(3)) * time.Hour)
			}
		}
		for i := range cs {
			if rng.IntN(2) == 0 {
				cs[i].At = base.Add(time.Duration(rng.IntN(3)) * time.Hour)
			}
		}
		ordered, orderedC := sortedInput(ts, cs)
		want := preparedOf(t, r, ordered, orderedC)
		for _, how := range []string{"shuffled", "partly shuffled", "touches only", "conversions only"} {
			ts, cs := slices.Clone(ordered), slices.Clone(orderedC)
			switch how {
			case "shuffled":
				rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
				rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
			case "partly shuffled":
				for range 1 + len(ts)/10 {
					i, j := rng.IntN(len(ts)), rng.IntN(len(ts))
					ts[i], ts[j] = ts[j], ts[i]
				}
				if len(cs) > 1 {
					i, j := rng.IntN(len(cs)), rng.IntN(len(cs))
					cs[i], cs[j] = cs[j], cs[i]
				}
			case "touches only":
				rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
			case "conversions only":
				rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
			}
			want.check(t, fmt.Sprintf("round %d, %s against sorted", round, how), ts, cs)
		}
	}
}

// TestNumberCustomersBoundsProbes checks that numberCustomers gives up
// (and customerOrder sorts the plain way) when customers are picked to
// fall in one place of the table, rather than probe ever further: reading
// at most maxProbes slots a lookup.
func TestNumberCustomersBoundsProbes(t *testing.T) {
	for _, n := range []int{maxProbes - 1, maxProbes + 1, 1000} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprint("customer-", i)
		}
		it := customerItems{n: n, customer: func(i int) string { return names[i] },
			hash: func(s string) uint64 { return hashID(s) &^ (1<<32 - 1) }}
		_, ok := numberCustomers(it, make([]int32, n), make([]uint64, 4*n), nil)
		if want := n < maxProbes; ok != want {
			t.Errorf("%d customers in one place: ok %v, want %v", n, ok, want)
		}
	}
}
