package settlement

import (
	"cmp"
	"errors"
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

// entry is one applied posting with its amount in minor units.
type entry struct {
	p     Posting
	units int64
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
	log        entryLog         // applied order (concatenation order after Merge)
	byKey      map[string]int   // key → index in log; nil until needed after Merge
	accounts   map[string]*account
	reversed   map[string]int64 // original key → minor units reversed so far
	head       Hash
	sum        digest
	sequential bool
	gen        uint64 // counts the times UnmarshalJSON replaced the content
	scratch    scratch
	slab       []account // where account allocates new accounts
}

// NewLedger returns an empty ledger. The config is validated: a known
// currency, limits in that currency, whole and not negative, one per
// account. Errors wrap o2o.ErrInvalid.
func NewLedger(cfg Config) (*Ledger, error) {
	if !cfg.Currency.Valid() {
		return nil, o2o.Prefix("currency", fmt.Errorf("%w %q", o2o.ErrUnknownCurrency, string(cfg.Currency)))
	}
	currency := o2o.Currency(cfg.Currency.String())
	var limits map[string]int64 // nil without limits: a small ledger pays for no map it does not use
	if len(cfg.Limits) > 0 {
		limits = make(map[string]int64, len(cfg.Limits))
	}
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
		accounts:   map[string]*account{},
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

// account is one account's balance in minor units and its overdraft limit.
// The ledger's map holds pointers, so that a posting looks each account up
// once and updates it in place.
type account struct {
	balance   int64
	overdraft int64 // ≥ 0; meaningful when limited
	limited   bool
}

// undo records one change Apply made, so that a refused batch can be rolled
// back: an account's previous balance (acc set, existed), an account
// created (acc set, !existed), or a reversal total's previous value (m set).
type undo struct {
	acc     *account
	m       map[string]int64
	key     string
	prev    int64
	existed bool
}

// scratch is Apply's working memory, kept between calls (under the write
// lock) so that a batch allocates only its results.
type scratch struct {
	index  []int // batch index of each fresh posting
	leaves []Hash
	undo   []undo
	buf    []byte
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
	l.ensureIndex()
	applied, err := l.apply(b.Postings)
	s := &l.scratch
	clear(s.undo) // drop references to account names
	s.undo, s.leaves, s.index = s.undo[:0], s.leaves[:0], s.index[:0]
	return applied, err
}

func (l *Ledger) apply(postings []Posting) (Applied, error) {
	// 1. Validate, classify and append the fresh postings to the log
	// tentatively (and their keys to the index); a refusal truncates them.
	s := &l.scratch
	if s.buf == nil { // a ledger's first batch: size its working memory once
		n := max(len(postings), 8)
		s.index, s.leaves, s.undo, s.buf = make([]int, 0, n), make([]Hash, 0, n), make([]undo, 0, 3*n), make([]byte, 0, 256)
	}
	start := l.log.len()
	results := make([]Result, len(postings))
	var conflict *ConflictError
	for i := range postings {
		p := &postings[i]
		u, err := p.units(l.currency)
		if err != nil {
			l.rollback(start)
			return Applied{}, o2o.Prefix(fmt.Sprintf("postings[%d]", i), err)
		}
		results[i].Key = p.Key
		if at, found := l.byKey[p.Key]; found {
			existing := &l.log.at(at).p
			if existing.SameContent(*p) {
				results[i].Status = StatusExists
				continue
			}
			results[i].Status = StatusConflict
			if conflict == nil {
				conflict = &ConflictError{Key: p.Key, Index: i, Existing: *existing}
			}
			continue
		}
		results[i].Status = StatusCreated
		l.byKey[p.Key] = l.log.len()
		l.log.append(entry{p: *p, units: u})
		s.index = append(s.index, i)
		s.buf = appendCanonical(s.buf[:0], p, u)
		s.leaves = append(s.leaves, sha256Sum(s.buf))
	}
	if conflict != nil {
		l.rollback(start)
		return Applied{Results: results}, conflict
	}

	// 2. Post in place, checking limits after every posting and reversals;
	// every change is recorded so that a refusal can undo it.
	for j := start; j < l.log.len(); j++ {
		if err := l.post(j, s.index[j-start]); err != nil {
			l.rollback(start)
			return Applied{}, err
		}
	}

	// 3. Commit: nothing below can fail.
	for _, leaf := range s.leaves {
		l.sum.add(leaf)
		if !l.config.DisableChain {
			l.head = chainNext(l.head, leaf)
		}
	}
	created := l.log.len() - start
	return Applied{Results: results, Created: created, Exists: len(postings) - created}, nil
}

// rollback undoes a refused batch: the log back to start, the keys it added
// out of the index, every balance and reversal total back to its value.
func (l *Ledger) rollback(start int) {
	s := &l.scratch
	for i := len(s.undo) - 1; i >= 0; i-- {
		switch u := s.undo[i]; {
		case u.acc != nil && u.existed:
			u.acc.balance = u.prev
		case u.acc != nil:
			delete(l.accounts, u.key)
		case u.existed:
			u.m[u.key] = u.prev
		default:
			delete(u.m, u.key)
		}
	}
	for i := start; i < l.log.len(); i++ {
		delete(l.byKey, l.log.at(i).p.Key)
	}
	l.log.truncate(start)
}

// account returns the named account, creating it (recorded for rollback)
// on its first posting.
func (l *Ledger) account(name string) *account {
	if a, ok := l.accounts[name]; ok {
		return a
	}
	over, limited := l.limits[name]
	if len(l.slab) == cap(l.slab) {
		// Accounts are carved from slabs, a few per allocation: a slab is
		// never moved, so the pointers stay valid.
		l.slab = make([]account, 0, min(2*cap(l.slab)+8, 1024))
	}
	l.slab = append(l.slab, account{overdraft: over, limited: limited})
	a := &l.slab[len(l.slab)-1]
	l.accounts[name] = a
	l.scratch.undo = append(l.scratch.undo, undo{acc: a, key: name})
	return a
}

// setBalance changes an account's balance, recording the old one.
func (l *Ledger) setBalance(a *account, v int64) {
	l.scratch.undo = append(l.scratch.undo, undo{acc: a, prev: a.balance, existed: true})
	a.balance = v
}

// setReversed changes a reversal total, recording the old value.
func (l *Ledger) setReversed(key string, prev int64, existed bool, v int64) {
	if l.reversed == nil {
		l.reversed = map[string]int64{} // on the first reversal
	}
	l.scratch.undo = append(l.scratch.undo, undo{m: l.reversed, key: key, prev: prev, existed: existed})
	l.reversed[key] = v
}

// post applies the j-th log entry to the balances.
func (l *Ledger) post(j, index int) error {
	e := l.log.at(j)
	p := &e.p
	from, to := l.account(p.From), l.account(p.To)
	if from.balance < math.MinInt64+e.units || to.balance > math.MaxInt64-e.units {
		return fmt.Errorf("postings[%d] %q: %w: a balance would leave the int64 range", index, p.Key, ErrOverflow)
	}
	if from.limited && from.balance-e.units < -from.overdraft {
		return &LimitError{Account: p.From, Key: p.Key, Index: index,
			Needed: fromUnits(e.units, l.currency), Available: fromUnits(from.balance+from.overdraft, l.currency)}
	}
	if p.Kind == KindReversal {
		if err := l.checkReversal(j); err != nil {
			return o2o.Prefix(fmt.Sprintf("postings[%d]", index), err)
		}
	}
	l.setBalance(from, from.balance-e.units)
	l.setBalance(to, to.balance+e.units)
	return nil
}

// checkReversal checks the reversal at log index j against the posting it
// refers to, which must come before it, and records the amount reversed.
func (l *Ledger) checkReversal(j int) error {
	e := l.log.at(j)
	p := &e.p
	i, ok := l.byKey[p.Ref]
	if !ok || i >= j {
		return &ReversalError{Ref: p.Ref, Reason: "refers to no posting before it", Err: ErrOverReversal}
	}
	orig := l.log.at(i)
	switch {
	case orig.p.Kind == KindReversal:
		return &ReversalError{Ref: p.Ref, Reason: "a reversal is not reversed; post the original again", Err: ErrOverReversal}
	case orig.p.From != p.To || orig.p.To != p.From:
		return &ReversalError{Ref: p.Ref, Reason: fmt.Sprintf("must mirror the original (%s→%s), got %s→%s", orig.p.From, orig.p.To, p.From, p.To), Err: ErrOverReversal}
	}
	done, existed := l.reversed[p.Ref]
	if done == orig.units {
		return &ReversalError{Ref: p.Ref, Reason: "is already reversed in full", Err: ErrAlreadyReversed}
	}
	if done+e.units > orig.units {
		return &ReversalError{Ref: p.Ref, Reason: fmt.Sprintf("would reverse %s in all, more than the %s it moved",
			fromUnits(done+e.units, l.currency), orig.p.Amount), Err: ErrOverReversal}
	}
	l.setReversed(p.Ref, done, existed, done+e.units)
	return nil
}

// Balance returns an account's balance: what it received minus what it gave.
// An account never posted to has a zero balance.
func (l *Ledger) Balance(account string) o2o.Money {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var units int64
	if a, ok := l.accounts[account]; ok {
		units = a.balance
	}
	return fromUnits(units, l.currency)
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
	out := make([]AccountBalance, 0, len(l.accounts))
	for _, a := range sortedKeys(l.accounts) {
		out = append(out, AccountBalance{Account: a, Balance: fromUnits(l.accounts[a].balance, l.currency)})
	}
	return out
}

// Len returns the number of postings in the ledger.
func (l *Ledger) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.log.len()
}

// Posting returns the posting an idempotency key names; the error wraps
// o2o.ErrNotFound.
func (l *Ledger) Posting(key string) (Posting, error) {
	l.mu.RLock()
	if l.byKey == nil {
		l.mu.RUnlock()
		l.mu.Lock()
		l.ensureIndex()
		l.mu.Unlock()
		l.mu.RLock()
	}
	defer l.mu.RUnlock()
	i, ok := l.byKey[key]
	if !ok {
		return Posting{}, fmt.Errorf("posting %q: %w", key, o2o.ErrNotFound)
	}
	return l.log.at(i).p, nil
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
	out := make([]Posting, l.log.len())
	for i, e := range l.log.all {
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

func comparePostings(a, b Posting) int { return postingOrder(&a, &b) }

// postingOrder orders postings by business instant, then key: the order of
// statements and of Postings.
func postingOrder(a, b *Posting) int {
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
		log:        l.log.clone(),
		byKey:      cloneIndex(l.byKey),
		accounts:   cloneAccounts(l.accounts),
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
// is the identity. The parts are not changed, and may go on applying
// batches: the merged ledger does not see them.
//
// Merge holds at most one part's read lock at a time, so merges and batches
// running at once on the same ledgers, in any order of arguments, never
// deadlock. Each part is read as it stands at one instant; a part that
// applies a batch during the merge is read either before or after it.
//
// What a merge cannot check, because it depends on order: overdraft limits
// (each part checked its own; the merged balances may be checked with
// LimitBreaches) and the hash chain (a merged ledger has none; use Digest).
// Partition so that a reversal lives with the posting it reverses (by order
// id, say): each part checks its own reversals.
//
// The merged ledger shares the parts' applied postings (they never change)
// rather than copying them. Up to four parts, overlapping keys are found in
// the parts' own key indexes and the merged ledger builds its index when it
// first needs one (Apply or Posting on it); otherwise Merge builds it.
//
// Errors: no parts, or parts with different currencies or limits (wrapping
// o2o.ErrInvalid); a key in two parts (ErrOverlap, naming the key).
func Merge(parts ...*Ledger) (*Ledger, error) {
	if len(parts) == 0 {
		return nil, o2o.Invalid("parts", "must have at least one ledger")
	}
	for i, p := range parts {
		if p == nil {
			return nil, o2o.Invalidf(fmt.Sprintf("parts[%d]", i), "is nil")
		}
	}
	out := &Ledger{accounts: map[string]*account{}, reversed: map[string]int64{}}
	views := make([]partView, len(parts))
	for i, p := range parts {
		if err := out.mergePart(i, p, &views[i]); err != nil {
			return nil, err
		}
	}
	lookups := len(parts) <= 4 // check overlaps by look-ups into the parts' indexes
	for _, v := range views[:len(views)-1] {
		lookups = lookups && v.indexed
	}
	if lookups {
		part, key, err := firstOverlap(parts, views)
		switch {
		case err == nil && key != "":
			return nil, overlap(part, key)
		case err != nil: // a part was replaced while merging: build the index
			lookups = false
		}
	}
	if !lookups {
		out.byKey = make(map[string]int, out.log.len())
		for i, v := range views {
			for _, e := range v.log.all {
				if _, dup := out.byKey[e.p.Key]; dup {
					return nil, overlap(i, e.p.Key)
				}
				out.byKey[e.p.Key] = len(out.byKey)
			}
		}
	}
	return out, nil
}

// partView is what Merge keeps of one part after reading it: its postings
// (shared), whether it had a key index, and its generation.
type partView struct {
	log     entryLog
	indexed bool
	gen     uint64
}

// mergePart adds part i to the merged ledger l, under p's read lock alone.
func (l *Ledger) mergePart(i int, p *Ledger, v *partView) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if i == 0 {
		l.config, l.currency, l.limits = p.Config(), p.currency, cloneMap(p.limits)
		l.sequential, l.head = p.sequential, p.head
	} else {
		l.sequential, l.head = false, Hash{}
		if p.currency != l.currency {
			return fmt.Errorf("parts[%d]: %w: %s and %s", i, o2o.ErrCurrencyMismatch, l.currency, p.currency)
		}
		if !sameLimits(p.limits, l.limits) {
			return o2o.Invalidf(fmt.Sprintf("parts[%d]", i), "has other overdraft limits than parts[0]")
		}
	}
	v.log.share(&p.log)
	v.indexed, v.gen = p.byKey != nil, p.gen
	l.log.share(&p.log)
	for name, pa := range p.accounts {
		a, ok := l.accounts[name]
		if !ok {
			a = &account{overdraft: pa.overdraft, limited: pa.limited}
			l.accounts[name] = a
		}
		b := pa.balance
		if (b > 0 && a.balance > math.MaxInt64-b) || (b < 0 && a.balance < math.MinInt64-b) {
			return fmt.Errorf("parts[%d]: %w: balance of %q", i, ErrOverflow, name)
		}
		a.balance += b
	}
	for k, r := range p.reversed {
		l.reversed[k] += r
	}
	l.sum.addDigest(p.sum)
	return nil
}

// firstOverlap finds the first key (in part order, then log order) that a
// part shares with a part before it, by looking the keys read into views up
// in the earlier parts' key indexes, holding one part's read lock at a time.
// An index entry counts only if it is older than the part's view (the part
// may have applied more since). It returns an error if a part was replaced
// (UnmarshalJSON) after its view was taken.
func firstOverlap(parts []*Ledger, views []partView) (part int, key string, err error) {
	bestPart, bestPos := len(parts), 0
	for q := 0; q < len(parts)-1 && q < bestPart; q++ {
		p := parts[q]
		p.mu.RLock()
		if p.gen != views[q].gen || p.byKey == nil {
			p.mu.RUnlock()
			return 0, "", errReplaced
		}
		n := views[q].log.len()
		for i := q + 1; i < bestPart || (i == bestPart && i < len(parts)); i++ {
			for pos, e := range views[i].log.all {
				if i == bestPart && pos >= bestPos {
					break
				}
				if at, dup := p.byKey[e.p.Key]; dup && at < n {
					bestPart, bestPos, key = i, pos, e.p.Key
					break
				}
			}
		}
		p.mu.RUnlock()
	}
	return bestPart, key, nil
}

// errReplaced reports a part replaced while a merge read it.
var errReplaced = errors.New("settlement: a part was replaced during the merge")

func overlap(part int, key string) error {
	return fmt.Errorf("parts[%d]: %w: key %q is in two partitions", part, ErrOverlap, key)
}

// ensureIndex builds the key index of a merged ledger; the write lock must
// be held.
func (l *Ledger) ensureIndex() {
	if l.byKey != nil {
		return
	}
	l.byKey = make(map[string]int, l.log.len())
	for i, e := range l.log.all {
		l.byKey[e.p.Key] = i
	}
}

// cloneIndex copies a key index, keeping nil (not built yet) as nil.
func cloneIndex(m map[string]int) map[string]int {
	if m == nil {
		return nil
	}
	return cloneMap(m)
}

// LimitBreaches returns the accounts whose balance is below their overdraft
// limit, sorted (empty after any sequence of Apply; a merge of partials
// checked separately may breach).
func (l *Ledger) LimitBreaches() []AccountBalance {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []AccountBalance
	for _, a := range sortedKeys(l.limits) {
		if acc, ok := l.accounts[a]; ok && acc.balance < -l.limits[a] {
			out = append(out, AccountBalance{Account: a, Balance: fromUnits(acc.balance, l.currency)})
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

// cloneAccounts copies the accounts, not their pointers.
func cloneAccounts(m map[string]*account) map[string]*account {
	out := make(map[string]*account, len(m))
	for k, a := range m {
		c := *a
		out[k] = &c
	}
	return out
}

// setLimits replaces the ledger's limits, on its accounts too.
func (l *Ledger) setLimits(limits map[string]int64) {
	l.limits = limits
	for name, a := range l.accounts {
		a.overdraft, a.limited = limits[name]
	}
}

func cloneMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
