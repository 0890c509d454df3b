package drainage

import (
	"cmp"
	"slices"
)

// customerItems are n items (touches or conversions) to order by customer
// text, then by compare (a strict order within one customer: ids are
// unique).
type customerItems struct {
	n        int
	customer func(i int) string
	compare  func(i, j int32) int
	// hash numbers the customers: hashID (tests give worse ones).
	hash func(string) uint64
}

// customerOrder returns the permutation of it that orders the items by
// customer text, then by compare: what sorting the indices by (customer,
// compare) gives, the plain way (plainOrder; TestCustomerOrderMatchesSort).
// Unless nil, group is given each customer's items in turn, in order, once
// sorted (while they are in the cache), from the first one's index in the
// order; a call from 0 starts over, forgetting those before. group may
// write into cust and narrow.
//
// Speed trick, for millions of items out of order: comparing customer
// texts in a sort misses the cache at every step. Instead one pass numbers
// the customers by a hash table of their hashes (the high 32 bits in the
// table, the low ones placing them) without reading any other item; only
// the distinct customers are sorted by text (a radix sort on their first
// eight bytes, the text for equal ones); the items are then placed by
// their customer's rank with a count per customer, and each customer's
// few items sorted by compare and checked to have one text. Two customers
// hashed alike (never met but on purpose) would fail that check: the plain
// way then starts over; so it does when customers crowd one place of the
// table (a lookup reading more than maxProbes slots). cust must hold n entries, wide and narrow are
// scratch (their contents are lost); each is replaced by a new slice when
// too short.
func customerOrder(it customerItems, cust []int32, wide []uint64, narrow []int32, group func(from int, items []int32)) []int32 {
	n := it.n
	perm := make([]int32, n)
	if n == 0 {
		return perm
	}
	cust = scratch(cust, n)
	reps, ok := numberCustomers(it, cust, wide, narrow[:0])
	if !ok {
		return plainOrder(it, perm, group)
	}
	d := len(reps)
	// Keys in wide, twice: both halves of the radix sort.
	wide = scratch(wide, 2*d)
	reps = sortByText(reps, it.customer, wide[:d], wide[d:2*d], perm[:d])
	// A rep's cust becomes ^rank, and every other item's cust its rep's.
	for k, r := range reps {
		cust[r] = ^int32(k)
	}
	for i, r := range cust {
		if r >= 0 {
			cust[i] = cust[r]
		}
	}
	// ends[k] is the end of rank k's items in perm, once placed.
	ends := scratch(wide, d+1)
	clear(ends)
	for _, r := range cust {
		ends[^r+1]++
	}
	for k := 1; k <= d; k++ {
		ends[k] += ends[k-1]
	}
	for i, r := range cust {
		perm[ends[^r]] = int32(i)
		ends[^r]++
	}
	from := 0
	for _, to := range ends[:d] {
		items := perm[from:to]
		sortSmall(items, it.compare)
		if !oneCustomer(items, it.customer) {
			return plainOrder(it, perm, group)
		}
		if group != nil {
			group(from, items)
		}
		from = int(to)
	}
	return perm
}

// oneCustomer reports whether items are all one customer's.
func oneCustomer(items []int32, customer func(int) string) bool {
	for _, i := range items[min(1, len(items)):] {
		if customer(int(i)) != customer(int(items[0])) {
			return false
		}
	}
	return true
}

// plainOrder is customerOrder the plain way, a sort of the indices by
// customer text then compare, into perm (n long).
func plainOrder(it customerItems, perm []int32, group func(from int, items []int32)) []int32 {
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(i, j int32) int {
		if c := cmp.Compare(it.customer(int(i)), it.customer(int(j))); c != 0 {
			return c
		}
		return it.compare(i, j)
	})
	for from := 0; group != nil && from < len(perm); {
		to := from + 1
		for to < len(perm) && it.customer(int(perm[to])) == it.customer(int(perm[from])) {
			to++
		}
		group(from, perm[from:to])
		from = to
	}
	return perm
}

// scratch returns s[:n], or a new slice when s is too short.
func scratch[E any](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, n)
	}
	return s[:n]
}

// numberCustomers sets cust[i] to the index of the first item with item
// i's customer, its rep, and returns the reps appended to reps, in
// increasing order: customers are told apart by their hashes only (the
// high 32 bits, and the low ones as far as they place them in the table),
// so one rep may stand for two customers hashed alike, never two reps for
// one. The hash table is laid out in table (or a new slice, when table is
// too short for a light load): slot = the customer's hash, its low 32 bits
// cleared, | 1 + its rep. It gives up (false) when a lookup takes more
// than maxProbes slots, as only customers picked to hash alike make it.
func numberCustomers(it customerItems, cust []int32, table []uint64, reps []int32) ([]int32, bool) {
	n := it.n
	size := 64
	for size < len(table) && size*2 <= len(table) {
		size *= 2
	}
	for {
		slots := scratch(table, size)
		clear(slots)
		out, full, ok := numberInto(it, cust, slots, reps)
		if !full {
			return out, ok
		}
		// Too full: a table with room for every item as its own customer.
		for size < 2*n {
			size *= 2
		}
		table = nil
	}
}

// maxProbes bounds the slots a lookup in numberCustomers' table reads.
const maxProbes = 64

// numberInto is numberCustomers over slots, a power of two long; it gives
// up (full) when they are more than half full, or (not ok) when a lookup
// reads more than maxProbes slots.
func numberInto(it customerItems, cust []int32, slots []uint64, reps []int32) (out []int32, full, ok bool) {
	mask := uint64(len(slots) - 1)
	limit := len(slots) / 2
	for i := range it.n {
		h := it.hash(it.customer(i))
		tag := h &^ (1<<32 - 1)
		j := h & mask
		for probes := 0; ; {
			s := slots[j]
			if s == 0 {
				if len(reps) == limit {
					return reps, true, false
				}
				slots[j] = tag | uint64(i+1)
				cust[i] = int32(i)
				reps = append(reps, int32(i))
				break
			}
			if s&^(1<<32-1) == tag {
				cust[i] = int32(s&(1<<32-1)) - 1
				break
			}
			if probes++; probes == maxProbes {
				return reps, false, false
			}
			j = (j + 1) & mask
		}
	}
	return reps, false, true
}

// sortByText sorts reps by their customers' text and returns them (in
// reps or tmp): a radix sort on the first eight bytes, big-endian, zero
// padded, whose order agrees with the texts' but for ties, then the texts
// of each run of equal keys sorted. keys and keys2 hold len(reps) each,
// tmp too.
func sortByText(reps []int32, customer func(int) string, keys, keys2 []uint64, tmp []int32) []int32 {
	for k, r := range reps {
		keys[k] = prefixKey(customer(int(r)))
	}
	for shift := 0; shift < 64; shift += 8 {
		var count [257]int
		for _, x := range keys {
			count[x>>shift&0xff+1]++
		}
		if slices.Contains(count[1:], len(keys)) {
			continue // one byte for all: the pass would change nothing
		}
		for b := 1; b < 257; b++ {
			count[b] += count[b-1]
		}
		for k, x := range keys {
			b := x >> shift & 0xff
			keys2[count[b]] = x
			tmp[count[b]] = reps[k]
			count[b]++
		}
		keys, keys2, reps, tmp = keys2, keys, tmp, reps
	}
	for from := 0; from < len(keys); {
		to := from + 1
		for to < len(keys) && keys[to] == keys[from] {
			to++
		}
		if to-from > 1 {
			slices.SortFunc(reps[from:to], func(a, b int32) int { return cmp.Compare(customer(int(a)), customer(int(b))) })
		}
		from = to
	}
	return reps
}

// prefixKey returns the first eight bytes of s as a big-endian word, zero
// padded: prefixKey(a) < prefixKey(b) only if a < b.
func prefixKey(s string) uint64 {
	var w uint64
	for i := range 8 {
		w <<= 8
		if i < len(s) {
			w |= uint64(s[i])
		}
	}
	return w
}

// sortSmall sorts p by compare: by insertion when short, as one customer's
// items mostly are.
func sortSmall(p []int32, compare func(i, j int32) int) {
	if len(p) > 12 {
		slices.SortFunc(p, compare)
		return
	}
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && compare(p[j-1], p[j]) > 0; j-- {
			p[j-1], p[j] = p[j], p[j-1]
		}
	}
}
