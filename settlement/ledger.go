package settlement

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/o2okit/o2okit/o2o"
)

// Limit is an opt-in overdraft limit on one account: its balance may never
// go below −Overdraft. A limit of zero means the account may never go
// negative (an investor's advance account, say). Accounts without a limit
// are unbounded.
type Limit struct {
	Account   string    `json:"account"`
	Overdraft o2o.Money `json:"overdraft"`
}

// Config configures a ledger. The zero Config is a CNY ledger with the hash
// chain on and no limits.
type Config struct {
	// Currency is the ledger's one currency (default CNY). A posting in
	// another currency is ErrCurrencyMismatch, never a conversion.
	Currency o2o.Currency `json:"currency,omitempty"`
	// Limits are the accounts' overdraft limits; an account at most once.
	Limits []Limit `json:"limits,omitempty"`
	// DisableChain turns the hash chain off (the order-independent digest is
	// always kept). The chain is on by default.
	DisableChain bool `json:"disableChain,omitempty"`
}

// entry is one applied posting with its amount in minor units and its leaf
// hash.
type entry struct {
	p     Posting
	units int64
	leaf  Hash
}

// Ledger is a double-entry ledger in one currency: balances per account,
// the log of applied postings, an idempotency index, overdraft limits, a
// hash chain over the sequential log and an order-independent digest.
//
// A Ledger is safe for concurrent use: Apply takes a write lock, reads take
// a read lock. Every value it returns (balances, statements, postings) is a
// copy the caller owns. Apply is all or nothing: a refused batch leaves the
// ledger exactly as it was.
type Ledger struct {
	mu         sync.RWMutex
	config     Config
	currency   o2o.Currency
	limits     map[string]int64 // account → overdraft in minor units (≥ 0)
	entries    []entry          // applied order (concatenation order after Merge)
	byKey      map[string]int   // key → index in entries
	balances   map[string]int64 // account → balance in minor units
	reversed   map[string]int64 // original key → minor units reversed so far
	head       Hash
	sum        digest
	sequential bool
}

// NewLedger returns an empty ledger. The config is validated: a known
// currency, limits in that currency, whole and not negative, one per
// account. Errors wrap o2o.ErrInvalid.
func NewLedger(cfg Config) (*Ledger, error) {
	if !cfg.Currency.Valid() {
		return nil, o2o.Prefix("currency", fmt.Errorf("%w %q", o2o.ErrUnknownCurrency, string(cfg.Currency)))
	}
	currency := o2o.Currency(cfg.Currency.String())
	limits := make(map[string]int64, len(cfg.Limits))
	for i, l := range cfg.Limits {
		path := fmt.Sprintf("limits[%d]", i)
		if l.Account == "" {
			return nil, o2o.Invalid(path+".account", "is required")
		}
		if _, dup := limits[l.Account]; dup {
			return nil, &o2o.ValidationError{Fields: []o2o.FieldError{{Path: path + ".account", Reason: fmt.Sprintf("repeats account %q", l.Account)}}, Err: o2o.ErrDuplicate}
		}
		if l.Overdraft.Currency() != currency {
			return nil, fmt.Errorf("%s.overdraft: %w: limit in %s, ledger in %s", path, o2o.ErrCurrencyMismatch, l.Overdraft.Currency(), currency)
		}
		u, err := toUnits(l.Overdraft)
		if err != nil {
			return nil, o2o.Prefix(path+".overdraft", err)
		}
		if u < 0 {
			return nil, o2o.Invalidf(path+".overdraft", "must not be negative, got %s", l.Overdraft)
		}
		limits[l.Account] = u
	}
	cfg.Currency = currency
	cfg.Limits = slices.Clone(cfg.Limits)
	return &Ledger{
		config:     cfg,
		currency:   currency,
		limits:     limits,
		byKey:      map[string]int{},
		balances:   map[string]int64{},
		reversed:   map[string]int64{},
		sequential: true,
	}, nil
}

// MustLedger is NewLedger that panics on error; for tests and constants.
func MustLedger(cfg Config) *Ledger {
	l, err := NewLedger(cfg)
	if err != nil {
		panic(err)
	}
	return l
}

// Config returns a copy of the ledger's configuration.
func (l *Ledger) Config() Config {
	c := l.config
	c.Limits = slices.Clone(c.Limits)
	return c
}

// Currency returns the ledger's currency.
func (l *Ledger) Currency() o2o.Currency { return l.currency }

// pending is the state a batch would reach, kept apart from the ledger
// until the batch is known to be good.
type pending struct {
	balances map[string]int64
	reversed map[string]int64
}

// Apply applies a batch all or nothing and returns one result per posting:
// created; exists (same key, same content: skipped, nothing changes); or
// conflict (same key, different content). Within a batch a key repeated
// with the same content counts once.
//
// The batch is refused whole, leaving the ledger exactly as it was, when:
// a posting is invalid (*o2o.ValidationError naming "postings[i]…", or
// o2o.ErrCurrencyMismatch); a key conflicts (*ConflictError, ErrConflict —
// the results are returned too, with every conflict marked); a posting would
// take an account below its overdraft limit, checked after every posting in
// batch order (*LimitError, ErrLimit); a reversal refers to no earlier
// posting, does not mirror its parties or would reverse more than it moved
// (*ReversalError, ErrOverReversal); or a balance would leave the int64
// range (ErrOverflow).
func (l *Ledger) Apply(b Batch) (Applied, error) {
	if len(b.Postings) == 0 {
		return Applied{}, o2o.Invalid("postings", "must have at least one posting")
	}
	l.mu.Lock()
	defer l.mu.Unlock()

	// 1. Validate and classify; nothing is touched yet.
	fresh := make([]entry, 0, len(b.Postings))
	freshIdx := make([]int, 0, len(b.Postings)) // batch index of each fresh entry
	results := make([]Result, len(b.Postings))
	batchKeys := make(map[string]int, len(b.Postings)) // key → index in fresh
	var conflict *ConflictError
	var buf []byte
	for i, p := range b.Postings {
		u, err := p.units(l.currency)
		if err != nil {
			return Applied{}, o2o.Prefix(fmt.Sprintf("postings[%d]", i), err)
		}
		results[i].Key = p.Key
		existing, found := l.lookup(p.Key, fresh, batchKeys)
		switch {
		case found && existing.SameContent(p):
			results[i].Status = StatusExists
			continue
		case found:
			results[i].Status = StatusConflict
			if conflict == nil {
				conflict = &ConflictError{Key: p.Key, Index: i, Existing: existing}
			}
			continue
		}
		results[i].Status = StatusCreated
		buf = appendCanonical(buf[:0], p, u)
		batchKeys[p.Key] = len(fresh)
		fresh = append(fresh, entry{p: p, units: u, leaf: sha256Sum(buf)})
		freshIdx = append(freshIdx, i)
	}
	if conflict != nil {
		return Applied{Results: results}, conflict
	}

	// 2. Simulate: balances, limits after every posting, reversals.
	pend := pending{balances: make(map[string]int64, 2*len(fresh)), reversed: map[string]int64{}}
	for j := range fresh {
		if err := l.simulate(&pend, j, freshIdx[j], fresh, batchKeys); err != nil {
			return Applied{}, err
		}
	}

	// 3. Commit: nothing below can fail.
	for k, v := range pend.balances {
		l.balances[k] = v
	}
	for k, v := range pend.reversed {
		l.reversed[k] = v
	}
	for _, e := range fresh {
		l.byKey[e.p.Key] = len(l.entries)
		l.entries = append(l.entries, e)
		l.sum.add(e.leaf)
		if !l.config.DisableChain {
			l.head = chainNext(l.head, e.leaf)
		}
	}
	return Applied{Results: results, Created: len(fresh), Exists: len(b.Postings) - len(fresh)}, nil
}

// lookup finds key in the ledger, then among the batch's fresh postings.
func (l *Ledger) lookup(key string, fresh []entry, batchKeys map[string]int) (Posting, bool) {
	if i, ok := l.byKey[key]; ok {
		return l.entries[i].p, true
	}
	if i, ok := batchKeys[key]; ok {
		return fresh[i].p, true
	}
	return Posting{}, false
}

// balanceOf reads an account's balance as the batch has left it so far.
func (l *Ledger) balanceOf(pend *pending, account string) int64 {
	if v, ok := pend.balances[account]; ok {
		return v
	}
	return l.balances[account]
}

func (l *Ledger) simulate(pend *pending, j, index int, fresh []entry, batchKeys map[string]int) error {
	e := fresh[j]
	p := e.p
	from := l.balanceOf(pend, p.From)
	to := l.balanceOf(pend, p.To)
	if from < math.MinInt64+e.units || to > math.MaxInt64-e.units {
		return fmt.Errorf("postings[%d] %q: %w: a balance would leave the int64 range", index, p.Key, ErrOverflow)
	}
	if over, limited := l.limits[p.From]; limited && from-e.units < -over {
		return &LimitError{Account: p.From, Key: p.Key, Index: index,
			Needed: fromUnits(e.units, l.currency), Available: fromUnits(from+over, l.currency)}
	}
	if p.Kind == KindReversal {
		if err := l.checkReversal(pend, j, fresh, batchKeys); err != nil {
			return o2o.Prefix(fmt.Sprintf("postings[%d]", index), err)
		}
	}
	pend.balances[p.From] = from - e.units
	pend.balances[p.To] = to + e.units
	return nil
}

func (l *Ledger) checkReversal(pend *pending, j int, fresh []entry, batchKeys map[string]int) error {
	e := fresh[j]
	p := e.p
	var orig entry
	if i, ok := l.byKey[p.Ref]; ok {
		orig = l.entries[i]
	} else if i, ok := batchKeys[p.Ref]; ok && i < j {
		orig = fresh[i]
	} else {
		return &ReversalError{Ref: p.Ref, Reason: "refers to no posting before it", Err: ErrOverReversal}
	}
	switch {
	case orig.p.Kind == KindReversal:
		return &ReversalError{Ref: p.Ref, Reason: "a reversal is not reversed; post the original again", Err: ErrOverReversal}
	case orig.p.From != p.To || orig.p.To != p.From:
		return &ReversalError{Ref: p.Ref, Reason: fmt.Sprintf("must mirror the original (%s→%s), got %s→%s", orig.p.From, orig.p.To, p.From, p.To), Err: ErrOverReversal}
	}
	done, ok := pend.reversed[p.Ref]
	if !ok {
		done = l.reversed[p.Ref]
	}
	if done == orig.units {
		return &ReversalError{Ref: p.Ref, Reason: "is already reversed in full", Err: ErrAlreadyReversed}
	}
	if done+e.units > orig.units {
		return &ReversalError{Ref: p.Ref, Reason: fmt.Sprintf("would reverse %s in all, more than the %s it moved",
			fromUnits(done+e.units, l.currency), orig.p.Amount), Err: ErrOverReversal}
	}
	pend.reversed[p.Ref] = done + e.units
	return nil
}

// Balance returns an account's balance: what it received minus what it gave.
// An account never posted to has a zero balance.
func (l *Ledger) Balance(account string) o2o.Money {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return fromUnits(l.balances[account], l.currency)
}

// AccountBalance is one account's balance.
type AccountBalance struct {
	Account string    `json:"account"`
	Balance o2o.Money `json:"balance"`
}

// Balances returns every account's balance, sorted by account.
func (l *Ledger) Balances() []AccountBalance {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]AccountBalance, 0, len(l.balances))
	for _, a := range sortedKeys(l.balances) {
		out = append(out, AccountBalance{Account: a, Balance: fromUnits(l.balances[a], l.currency)})
	}
	return out
}

// Len returns the number of postings in the ledger.
func (l *Ledger) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.entries)
}

// Posting returns the posting an idempotency key names; the error wraps
// o2o.ErrNotFound.
func (l *Ledger) Posting(key string) (Posting, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	i, ok := l.byKey[key]
	if !ok {
		return Posting{}, fmt.Errorf("posting %q: %w", key, o2o.ErrNotFound)
	}
	return l.entries[i].p, nil
}

// Reversed returns how much of the posting named by key has been reversed.
func (l *Ledger) Reversed(key string) o2o.Money {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return fromUnits(l.reversed[key], l.currency)
}

// Log returns the postings in the order they were applied. After Merge the
// order is that of the merge, which carries no meaning; use Postings for a
// canonical order.
func (l *Ledger) Log() []Posting {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]Posting, len(l.entries))
	for i, e := range l.entries {
		out[i] = e.p
	}
	return out
}

// Postings returns the postings in canonical order: by business instant,
// then key. Equal sets of postings give equal slices, however they were
// applied or merged.
func (l *Ledger) Postings() []Posting {
	out := l.Log()
	slices.SortFunc(out, comparePostings)
	return out
}

func comparePostings(a, b Posting) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

// Head returns the head of the hash chain over the sequential log (see
// ChainHead) and true. It returns false when the chain is disabled or the
// ledger came from Merge: a chain depends on order, which a merge does not
// have; compare Digest instead.
func (l *Ledger) Head() (Hash, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.config.DisableChain || !l.sequential {
		return Hash{}, false
	}
	return l.head, true
}

// Sequential reports whether the ledger was built by Apply alone, so that
// its log order and hash chain mean something.
func (l *Ledger) Sequential() bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.sequential
}

// Digest returns the order-independent digest of the ledger's postings:
// the sum modulo 2^256 of their leaf hashes. Ledgers holding the same set
// of postings have the same digest, whatever the order, partitioning or
// merge tree that built them. The empty ledger's digest is all zeros.
func (l *Ledger) Digest() Hash {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.sum.hash()
}

// VerifyLog reports whether log, in order, hashes to the ledger's chain
// head. It returns an error wrapping o2o.ErrInvalid when it does not or when
// the ledger has no chain.
func (l *Ledger) VerifyLog(log []Posting) error {
	head, ok := l.Head()
	if !ok {
		return o2o.Invalid("", "the ledger keeps no hash chain (disabled, or merged from partials): compare Digest")
	}
	got, err := ChainHead(log)
	if err != nil {
		return err
	}
	if got != head {
		return o2o.Invalidf("", "log hashes to %s, ledger head is %s: the log was altered", got, head)
	}
	return nil
}

// Clone returns an independent copy of the ledger.
func (l *Ledger) Clone() *Ledger {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return &Ledger{
		config:     l.Config(),
		currency:   l.currency,
		limits:     cloneMap(l.limits),
		entries:    slices.Clone(l.entries),
		byKey:      cloneMap(l.byKey),
		balances:   cloneMap(l.balances),
		reversed:   cloneMap(l.reversed),
		head:       l.head,
		sum:        l.sum,
		sequential: l.sequential,
	}
}

// Merge returns the ledger holding the postings of every part: a ledger
// built on each of several disjoint partitions of the postings merges into
// exactly the ledger built from all of them — the same balances, postings,
// statements and digest — in any merge order and grouping. An empty ledger
// is the identity. The parts are not changed.
//
// What a merge cannot check, because it depends on order: overdraft limits
// (each part checked its own; the merged balances may be checked with
// LimitBreaches) and the hash chain (a merged ledger has none; use Digest).
// Partition so that a reversal lives with the posting it reverses (by order
// id, say): each part checks its own reversals.
//
// Errors: no parts, or parts with different currencies or limits (wrapping
// o2o.ErrInvalid); a key in two parts (ErrOverlap, naming the key).
func Merge(parts ...*Ledger) (*Ledger, error) {
	if len(parts) == 0 {
		return nil, o2o.Invalid("parts", "must have at least one ledger")
	}
	locked := map[*Ledger]bool{}
	for i, p := range parts {
		if p == nil {
			return nil, o2o.Invalidf(fmt.Sprintf("parts[%d]", i), "is nil")
		}
		if !locked[p] {
			locked[p] = true
			p.mu.RLock()
			defer p.mu.RUnlock()
		}
	}
	first := parts[0]
	n := 0
	for i, p := range parts {
		if p.currency != first.currency {
			return nil, fmt.Errorf("parts[%d]: %w: %s and %s", i, o2o.ErrCurrencyMismatch, first.currency, p.currency)
		}
		if !sameLimits(p.limits, first.limits) {
			return nil, o2o.Invalidf(fmt.Sprintf("parts[%d]", i), "has other overdraft limits than parts[0]")
		}
		n += len(p.entries)
	}
	out := &Ledger{
		config:   first.config,
		currency: first.currency,
		limits:   cloneMap(first.limits),
		entries:  make([]entry, 0, n),
		byKey:    make(map[string]int, n),
		balances: map[string]int64{},
		reversed: map[string]int64{},
	}
	out.config.Limits = slices.Clone(first.config.Limits)
	out.sequential = len(parts) == 1 && first.sequential
	if out.sequential {
		out.head = first.head
	}
	for i, p := range parts {
		for _, e := range p.entries {
			if _, dup := out.byKey[e.p.Key]; dup {
				return nil, fmt.Errorf("parts[%d]: %w: key %q is in two partitions", i, ErrOverlap, e.p.Key)
			}
			out.byKey[e.p.Key] = len(out.entries)
			out.entries = append(out.entries, e)
		}
		for a, v := range p.balances {
			s := out.balances[a]
			if (v > 0 && s > math.MaxInt64-v) || (v < 0 && s < math.MinInt64-v) {
				return nil, fmt.Errorf("parts[%d]: %w: balance of %q", i, ErrOverflow, a)
			}
			out.balances[a] = s + v
		}
		for k, v := range p.reversed {
			out.reversed[k] += v
		}
		out.sum.addDigest(p.sum)
	}
	return out, nil
}

// LimitBreaches returns the accounts whose balance is below their overdraft
// limit, sorted (empty after any sequence of Apply; a merge of partials
// checked separately may breach).
func (l *Ledger) LimitBreaches() []AccountBalance {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []AccountBalance
	for _, a := range sortedKeys(l.limits) {
		if b := l.balances[a]; b < -l.limits[a] {
			out = append(out, AccountBalance{Account: a, Balance: fromUnits(b, l.currency)})
		}
	}
	return out
}

func sameLimits(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func cloneMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
