package drainage

import (
	"cmp"
	"slices"

	"github.com/o2okit/o2okit/o2o"
)

// GroupBy names what a Reach row (and a KPI row) groups touches by.
type GroupBy string

// The groupings of Reach rows, in their order in a Result.
const (
	// ByStore groups store-bound touches by the store they bind to.
	ByStore GroupBy = "store"
	// ByCampaign groups touches by campaign (organic touches are in none).
	ByCampaign GroupBy = "campaign"
	// BySource groups touches by source, kind × campaign.
	BySource GroupBy = "source"
	// ByChannel groups touches by the sales mode they drove to (b2c, o2o).
	ByChannel GroupBy = "channel"
)

func groupRank(g GroupBy) int {
	return slices.Index([]GroupBy{ByStore, ByCampaign, BySource, ByChannel}, g)
}

// Reach counts distinct customers, not touches, for one group of touches:
// the customers it reached, and among them those who then converted with a
// touch of the group inside the conversion's lookback window. A customer
// counts once per group however many touches or conversions they had, so
// every count of converters is at most Customers.
//
// For a store, a store visit or a deal counts only if it happened at that
// store; an online payment by a customer bound to the store counts as a
// payer (traffic the store received that converted on B2C instead — seed
// 004's conflict of interest).
type Reach struct {
	By  GroupBy `json:"by"`
	Key string  `json:"key"`
	// Customers is the number of distinct customers the group's touches reached.
	Customers int64 `json:"customers"`
	// Visitors, Buyers and Payers are the distinct customers reached who
	// made a store visit, closed a deal or paid online, with a touch of the
	// group in that conversion's window.
	Visitors int64 `json:"visitors"`
	Buyers   int64 `json:"buyers"`
	Payers   int64 `json:"payers"`
}

// reachAcc counts distinct customers; journeys arrive customer by
// customer, so remembering the last customer counted is enough (memory per
// group, not per customer).
type reachAcc struct {
	last [4]int64 // customer number: reached, then per conversion index
	seen [4]bool
	n    [4]int64
}

func (a *reachAcc) count(slot int, customer int64) {
	if a.seen[slot] && a.last[slot] == customer {
		return
	}
	a.seen[slot], a.last[slot] = true, customer
	a.n[slot]++
}

// reachSet holds the accumulators: by interned source and campaign, by
// sales mode, and by store. Sources may be added as they appear (Stream);
// rows sorts its output, so the order they were added in does not matter.
type reachSet struct {
	sources   []reachAcc
	campaigns []reachAcc
	campIdx   []int32 // per source: its campaign's index, -1 for organic
	campNames []string
	campByKey map[string]int32
	channels  [2]reachAcc // b2c, o2o
	stores    []reachAcc  // by the accumulator's interned store index
}

func newReachSet(sources []Source) *reachSet {
	rs := &reachSet{campByKey: map[string]int32{}}
	for _, s := range sources {
		rs.addSource(s)
	}
	return rs
}

// addSource adds the accumulators of the next interned source.
func (rs *reachSet) addSource(s Source) {
	rs.sources = append(rs.sources, reachAcc{})
	if s.Campaign == "" {
		rs.campIdx = append(rs.campIdx, -1)
		return
	}
	j, ok := rs.campByKey[s.Campaign]
	if !ok {
		j = int32(len(rs.campNames))
		rs.campByKey[s.Campaign] = j
		rs.campNames = append(rs.campNames, s.Campaign)
		rs.campaigns = append(rs.campaigns, reachAcc{})
	}
	rs.campIdx = append(rs.campIdx, j)
}

// touch counts customer (numbered) in slot for every group a touch belongs
// to: of place p (run.tPlace: its sales mode, and whether it names a
// store), of interned source src, its store interned as store. For slots
// of store conversions, storeOK says whether the conversion happened at
// the touch's store.
func (rs *reachSet) touch(slot int, p int32, customer int64, src, store int32, storeOK bool) {
	rs.sources[src].count(slot, customer)
	if c := rs.campIdx[src]; c >= 0 {
		rs.campaigns[c].count(slot, customer)
	}
	rs.channels[p>>1&1].count(slot, customer) // placeO2O
	if p>>2 != 0 && storeOK {                 // store 0 is none
		rs.stores[store].count(slot, customer)
	}
}

// rows returns the Reach rows sorted by grouping, then key.
func (rs *reachSet) rows(sources []Source, stores []string) []Reach {
	out := []Reach{}
	row := func(by GroupBy, key string, a *reachAcc) {
		if a.n[0] == 0 {
			return
		}
		out = append(out, Reach{By: by, Key: key, Customers: a.n[0], Visitors: a.n[1], Buyers: a.n[2], Payers: a.n[3]})
	}
	for i, id := range stores {
		if id != "" {
			row(ByStore, id, &rs.stores[i])
		}
	}
	for i, name := range rs.campNames {
		row(ByCampaign, name, &rs.campaigns[i])
	}
	for i, s := range sources {
		row(BySource, s.String(), &rs.sources[i])
	}
	row(ByChannel, string(o2o.ChannelB2C), &rs.channels[0])
	row(ByChannel, string(o2o.ChannelO2O), &rs.channels[1])
	slices.SortFunc(out, func(a, b Reach) int {
		if c := cmp.Compare(groupRank(a.By), groupRank(b.By)); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}
