package month

import "hash/fnv"

// OrderKey returns the key an order is partitioned by: its credit account
// when it posts to one ("credit/grp44-01"), so that every order drawing on a
// credit line is settled in one partition in posting order, and its id
// otherwise ("order/SO-0000001").
func OrderKey(o Order) string {
	if o.Credit != "" {
		return "credit/" + o.Credit
	}
	return "order/" + o.Order.ID
}

// CustomerKey returns the key a journey is partitioned by: its customer,
// whose touches and conversions attribution must see together.
func CustomerKey(j Journey) string { return "customer/" + j.Customer }

// Partition returns the partition of a key among n (0 to n-1), by the
// key's 64-bit FNV-1a hash: the same on every machine and in every run.
// n below 1 counts as 1.
func Partition(key string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return int(h.Sum64() % uint64(n))
}

// partition returns the indices of items in each of n partitions, by key:
// item i is in partition Partition(key(&items[i]), n). The items are not
// copied: at the full size they are gigabytes.
func partition[T any](items []T, n int, key func(*T) string) [][]int {
	parts := make([][]int, n)
	if n == 1 {
		parts[0] = indices(len(items))
		return parts
	}
	for i := range items {
		p := Partition(key(&items[i]), n)
		parts[p] = append(parts[p], i)
	}
	return parts
}

// indices returns 0 to n-1.
func indices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}
