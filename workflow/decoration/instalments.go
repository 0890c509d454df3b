package decoration

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Instalment is one payment of the schedule the owner and the platform
// agree (分期付款): a share of the contract price (FactPayment), paid by the
// owner through the platform and held by it, at booking or when a
// construction node is reached. Shares, not amounts, so the instalments
// always sum exactly to the contract price, whatever it is.
//
// The rule for a node reached before its instalment is paid: the node
// waits (NodeDueState) and starts only once the owner pays it
// (EventPayInstalment), so the node can be neither inspected nor accepted
// before; and a schedule is refused unless, at every node, what has been
// paid by then covers everything released up to and including that node.
// A release therefore never exceeds what the platform holds.
type Instalment struct {
	// Name names the instalment, such as "deposit"; unique.
	Name string `json:"name"`
	// Node is the node the instalment is due at: that node starts once it
	// is paid. Empty means at booking, paid with the book event; at most
	// one instalment per node, and one at booking.
	Node string `json:"node,omitempty"`
	// Weight is its share of the contract price, by weight among the
	// instalments; positive.
	Weight decimal.Decimal `json:"weight"`
}

// EventPayInstalment is the owner, or the platform confirming the owner's
// payment, paying the instalment due at the node waiting for it; the
// platform holds it.
const EventPayInstalment = "pay_instalment"

// NodeDueState is the state of node reached, waiting for the instalment
// due at it.
func NodeDueState(node string) string { return "node_" + node + "_due" }

// WithInstalments sets the owner's instalments, in any order; at least
// one. Without it the whole contract price is paid at booking.
func WithInstalments(instalments ...Instalment) Option {
	return func(o *options) { o.instalments = slices.Clone(instalments) }
}

// schedule is the instalments of nodes in order of payment, each with the
// index of the node it is due at (-1 for booking).
type schedule struct {
	inst []Instalment
	due  []int
}

// checkInstalments orders the instalments by when they are due and refuses
// a schedule without instalments, with a name empty or given twice, a
// weight not positive, an unknown node, two instalments due together, or
// one that leaves a node's release uncovered by what is paid by then.
func checkInstalments(insts []Instalment, nodes []Node) (schedule, error) {
	if len(insts) == 0 {
		return schedule{}, o2o.Invalid("instalments", "at least one instalment is required")
	}
	names := nodeNames(nodes)
	var s schedule
	seen, when := map[string]bool{}, map[int]bool{}
	for i, in := range insts {
		path := fmt.Sprintf("instalments[%d]", i)
		due := slices.Index(names, in.Node)
		switch {
		case in.Name == "" || seen[in.Name]:
			return schedule{}, o2o.Invalidf(path+".name", "%q is empty or given twice", in.Name)
		case !in.Weight.IsPositive():
			return schedule{}, o2o.Invalidf(path+".weight", "is %s, want a positive share", in.Weight)
		case in.Node != "" && due < 0:
			return schedule{}, o2o.Invalidf(path+".node", "unknown node %q", in.Node)
		case when[due]:
			return schedule{}, o2o.Invalidf(path+".node", "a second instalment due at %q", cmp.Or(in.Node, "booking"))
		}
		seen[in.Name], when[due] = true, true
		s.inst, s.due = append(s.inst, in), append(s.due, due)
	}
	order := make([]int, len(s.inst))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return s.due[a] - s.due[b] })
	sorted := schedule{}
	for _, i := range order {
		sorted.inst, sorted.due = append(sorted.inst, s.inst[i]), append(sorted.due, s.due[i])
	}
	return sorted, sorted.covers(nodes)
}

// cuts returns the ends of the nodes' and the instalments' shares of the
// price, on one scale (Σ node weights × Σ instalment weights), so they
// compare exactly.
func (s schedule) cuts(nodes []Node) (nodeEnd, instEnd []decimal.Decimal) {
	var wn, wi decimal.Decimal
	for _, n := range nodes {
		wn = wn.Add(n.Weight)
	}
	for _, in := range s.inst {
		wi = wi.Add(in.Weight)
	}
	var sum decimal.Decimal
	for _, n := range nodes {
		sum = sum.Add(n.Weight)
		nodeEnd = append(nodeEnd, sum.Mul(wi))
	}
	sum = decimal.Zero
	for _, in := range s.inst {
		sum = sum.Add(in.Weight)
		instEnd = append(instEnd, sum.Mul(wn))
	}
	return nodeEnd, instEnd
}

// covers refuses a schedule under which some node would release more than
// has been paid when it is accepted.
func (s schedule) covers(nodes []Node) error {
	nodeEnd, instEnd := s.cuts(nodes)
	paid := decimal.Zero
	j := 0
	for i, n := range nodes {
		for j < len(s.inst) && s.due[j] <= i {
			paid = instEnd[j]
			j++
		}
		if paid.LessThan(nodeEnd[i]) {
			return o2o.Invalidf("instalments", "what is paid by node %q covers less than its release and those before it", n.Name)
		}
	}
	return nil
}

// segment is the part of the price that one instalment pays towards one
// node. The nodes' and the instalments' shares cut the price at their
// ends; the segments are the pieces between the cuts, so one o2o.Allocate
// over them gives each instalment and each node its amount to the fen, and
// what is held, released and refunded are sums of the same pieces.
type segment struct {
	node, inst int
	share      o2o.Share
}

// segments cuts the price into segments, in order. With one instalment
// each node is one segment keyed by the node's name.
func (s schedule) segments(nodes []Node) []segment {
	nodeEnd, instEnd := s.cuts(nodes)
	var out []segment
	pos := decimal.Zero
	for i, j := 0, 0; i < len(nodes); {
		end := decimal.Min(nodeEnd[i], instEnd[j])
		key := nodes[i].Name
		if len(s.inst) > 1 {
			key += "/" + s.inst[j].Name
		}
		if end.GreaterThan(pos) || nodeEnd[i].Equal(pos) {
			out = append(out, segment{node: i, inst: j, share: o2o.Share{Key: key, Weight: end.Sub(pos)}})
		}
		pos = end
		if nodeEnd[i].Equal(end) {
			i++
		}
		if instEnd[j].Equal(end) && j+1 < len(s.inst) {
			j++
		}
	}
	return out
}

// take lists the keys of the segments keep selects.
func take(segs []segment, keep func(segment) bool) []string {
	var out []string
	for _, sg := range segs {
		if keep(sg) {
			out = append(out, sg.share.Key)
		}
	}
	return out
}
