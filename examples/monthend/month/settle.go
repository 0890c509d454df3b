package month

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// StageLimit names a refusal by an overdraft limit: the order's postings
// would have taken its credit account below its limit.
const StageLimit = "limit"

// Refusal is an order the close did not post, and why.
type Refusal struct {
	Order string `json:"order"`
	// Stage is the Engine's stage that refused the order (o2okit.Stage), or
	// StageLimit.
	Stage string `json:"stage"`
	// Reason is the error's text.
	Reason string `json:"reason"`
}

// Settled is the settlement of some orders: the ledger of what was posted,
// how many orders were settled, and the orders refused.
type Settled struct {
	Ledger *settlement.Ledger
	// Orders counts the orders settled, posted or refused.
	Orders int
	// Refused are the orders not posted, sorted by order id.
	Refused []Refusal
}

// LedgerConfig is the config of the close's ledgers: CNY, the credit lines,
// and no hash chain (a merged ledger has none; the close compares Digest).
// A ledger restored elsewhere (a pipeline's merge) is built on it.
func (s *Setup) LedgerConfig() settlement.Config {
	return settlement.Config{Currency: o2o.CNY, Limits: s.Limits, DisableChain: true}
}

// SettleOrders evaluates and posts one partition's orders, in posting order:
// by instant, then id. Each order's postings (the split of what the
// customer pays and the campaign's money) are applied as one batch, all or
// nothing. An order the Engine refuses, or whose batch would take a credit
// account below its limit, is recorded as refused and posts nothing; the
// month goes on.
//
// Limits are exact under partitioning when every order posting to a limited
// account is in the partition of that account (OrderKey): SettleOrders
// refuses, as an error wrapping o2o.ErrInvalid, an order that posts to a
// limited account other than its Credit.
func SettleOrders(s *Setup, orders []Order) (*Settled, error) {
	return settle(s, orders, indices(len(orders)))
}

// settle is SettleOrders of the orders at idx, which it reorders.
func settle(s *Setup, orders []Order, idx []int) (*Settled, error) {
	l, err := settlement.NewLedger(s.LedgerConfig())
	if err != nil {
		return nil, err
	}
	limited := make(map[string]bool, len(s.Limits))
	for _, lim := range s.Limits {
		limited[lim.Account] = true
	}
	out := &Settled{Ledger: l, Orders: len(idx)}
	var batch settlement.Batch
	for _, i := range postingOrder(orders, idx) {
		o := &orders[i]
		ev, err := s.Engine.Evaluate(o.Order, o.Circumstances)
		if err != nil {
			var se *o2okit.StageError
			if !errors.As(err, &se) {
				return nil, err
			}
			out.Refused = append(out.Refused, Refusal{Order: o.Order.ID, Stage: string(se.Stage), Reason: err.Error()})
			continue
		}
		batch.ID = o.Order.ID
		batch.Postings = append(append(batch.Postings[:0], ev.Split.Batch.Postings...), ev.Campaign.Postings...)
		if len(batch.Postings) == 0 {
			continue // a wholly free order: nothing to post
		}
		if err := checkCredit(o, batch.Postings, limited); err != nil {
			return nil, err
		}
		if _, err := l.Apply(batch); err != nil {
			if !errors.Is(err, settlement.ErrLimit) {
				return nil, fmt.Errorf("order %q: %w", o.Order.ID, err)
			}
			out.Refused = append(out.Refused, Refusal{Order: o.Order.ID, Stage: StageLimit, Reason: err.Error()})
		}
	}
	sortRefusals(out.Refused)
	return out, nil
}

// postingOrder sorts idx, indices of orders, by the orders' instant, then
// id, and returns it.
func postingOrder(orders []Order, idx []int) []int {
	slices.SortFunc(idx, func(a, b int) int {
		x, y := &orders[a].Order, &orders[b].Order
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return idx
}

// checkCredit refuses postings to a limited account other than the order's
// credit account: partitioned, they would be checked out of posting order.
func checkCredit(o *Order, postings []settlement.Posting, limited map[string]bool) error {
	for _, p := range postings {
		for _, a := range [2]string{p.From, p.To} {
			if limited[a] && a != o.Credit {
				return o2o.Invalidf("credit", "order %q posts to limited account %q but its credit account is %q: partitioned, the limit would not be checked in posting order", o.Order.ID, a, o.Credit)
			}
		}
	}
	return nil
}

func sortRefusals(r []Refusal) {
	slices.SortFunc(r, func(a, b Refusal) int { return cmp.Compare(a.Order, b.Order) })
}

// MergeSettled merges the settlements of disjoint partitions: the ledgers
// with settlement.Merge, the refusals in order id order. In any order and
// grouping it gives the settlement of all the orders at once, when limited
// accounts were partitioned by OrderKey. An empty or nil list is an error
// wrapping o2o.ErrInvalid; so is a merged ledger whose limited accounts are
// below their limits (settlement.Ledger.LimitBreaches), the sign of a
// partitioning that split a credit account.
func MergeSettled(parts ...*Settled) (*Settled, error) {
	ledgers := make([]*settlement.Ledger, len(parts))
	out := &Settled{}
	for i, p := range parts {
		if p == nil {
			return nil, o2o.Invalidf(fmt.Sprintf("parts[%d]", i), "is nil")
		}
		ledgers[i] = p.Ledger
		out.Orders += p.Orders
		out.Refused = append(out.Refused, p.Refused...)
	}
	l, err := settlement.Merge(ledgers...)
	if err != nil {
		return nil, err
	}
	if b := l.LimitBreaches(); len(b) > 0 {
		return nil, o2o.Invalidf("parts", "the merged ledger takes %q to %s, below its limit: a credit account was split over partitions", b[0].Account, b[0].Balance)
	}
	out.Ledger = l
	sortRefusals(out.Refused)
	return out, nil
}
