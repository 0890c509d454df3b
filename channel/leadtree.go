package channel

// leadTree is a persistent (immutable) AVL tree of holdings keyed by
// customer. Inserting copies only the path from the root to the key, so a
// registration costs O(log n) and every earlier registry value stays valid
// and unchanged: that is what keeps Register's cost independent of the
// registry's size while Leads stays an immutable value safe to share.
// The nil tree is empty.
type leadTree struct {
	lead        Lead
	left, right *leadTree
	height      int
	size        int
}

func (t *leadTree) h() int {
	if t == nil {
		return 0
	}
	return t.height
}

func (t *leadTree) len() int {
	if t == nil {
		return 0
	}
	return t.size
}

// get returns the holding of the customer.
func (t *leadTree) get(customer string) (Lead, bool) {
	for t != nil {
		switch {
		case customer < t.lead.Customer:
			t = t.left
		case customer > t.lead.Customer:
			t = t.right
		default:
			return t.lead, true
		}
	}
	return Lead{}, false
}

// node returns a new node over the subtrees, with its height and size.
func node(lead Lead, left, right *leadTree) *leadTree {
	return &leadTree{lead: lead, left: left, right: right,
		height: 1 + max(left.h(), right.h()), size: 1 + left.len() + right.len()}
}

// put returns a tree holding lead for its customer (replacing any holding
// of the customer), leaving t unchanged.
func (t *leadTree) put(lead Lead) *leadTree {
	if t == nil {
		return node(lead, nil, nil)
	}
	switch {
	case lead.Customer < t.lead.Customer:
		return balance(t.lead, t.left.put(lead), t.right)
	case lead.Customer > t.lead.Customer:
		return balance(t.lead, t.left, t.right.put(lead))
	}
	return node(lead, t.left, t.right)
}

// balance returns a node over the subtrees, rotated so that their heights
// differ by at most one (they differ by at most two on entry).
func balance(lead Lead, l, r *leadTree) *leadTree {
	switch d := l.h() - r.h(); {
	case d > 1:
		if l.left.h() < l.right.h() {
			l = node(l.right.lead, node(l.lead, l.left, l.right.left), l.right.right)
		}
		return node(l.lead, l.left, node(lead, l.right, r))
	case d < -1:
		if r.right.h() < r.left.h() {
			r = node(r.left.lead, r.left.left, node(r.lead, r.left.right, r.right))
		}
		return node(r.lead, node(lead, l, r.left), r.right)
	}
	return node(lead, l, r)
}

// walk calls f on every holding in customer order until f returns false.
func (t *leadTree) walk(f func(Lead) bool) bool {
	if t == nil {
		return true
	}
	return t.left.walk(f) && f(t.lead) && t.right.walk(f)
}

// claimList is a persistent list of conflicting claims, newest first: a
// registration adds one node and shares the rest. The nil list is empty.
type claimList struct {
	claim Claim
	prev  *claimList
	n     int
}

func (c *claimList) len() int {
	if c == nil {
		return 0
	}
	return c.n
}

func (c *claimList) push(claim Claim) *claimList {
	return &claimList{claim: claim, prev: c, n: c.len() + 1}
}

// slice returns the claims oldest first, in a new slice.
func (c *claimList) slice() []Claim {
	out := make([]Claim, c.len())
	for i := len(out) - 1; c != nil; i, c = i-1, c.prev {
		out[i] = c.claim
	}
	return out
}
