package o2okit

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// Return is goods a customer sends back: some quantity of some lines of an
// order already evaluated and posted.
type Return struct {
	// ID names the return; it is the reversal batch's id and the start of
	// every reversal posting's key. It must not have been used for the order.
	ID string `json:"id"`
	// Lines are the lines returned, each at most once.
	Lines []ReturnLine `json:"lines"`
	// At is the return's business instant.
	At time.Time `json:"at"`
}

// ReturnLine is a quantity of one order line sent back.
type ReturnLine struct {
	// Line is the line's index in the order.
	Line int `json:"line"`
	// Quantity is how much of it comes back, in the line's unit: positive,
	// whole for pieces, sets and jobs, and at most what is left of it.
	Quantity o2o.Decimal `json:"quantity"`
}

// Return reverses a return of part or all of an order exactly, from the
// postings already made for the order: the evaluation's batch and the
// reversals of earlier returns, as the service stored them (in any order;
// postings of other orders are ignored). Nobody keeps a settlement.Reversible
// between returns: Return rebuilds each line's from its original postings,
// replays the earlier returns on it in the order of their instants (ties in
// the order given) and checks that the replay gives exactly the stored
// reversals, then reverses the new return pro rata to what each party has left
// (settlement.Reversible.PartialQuantity). Returning all that is left of a
// line reverses exactly what is left of it, so returns that add up to the
// whole order give back exactly the original postings.
//
// The quantity of each earlier return is read from its reversal keys, which
// Return writes as "returnID/line@quantity/original-key"; a return too small
// to move a fen makes no posting and so is not remembered. A line with no
// postings (a free line) reverses nothing. A return of nothing to post gives
// a batch with no postings, which is not an error.
//
// Errors wrap o2o.ErrInvalid: a return without id or instant, with an unknown
// or repeated line, or a quantity that is not positive, not whole for a
// whole-number unit (ErrUnit), or more than is left (settlement.ErrOverReversal,
// settlement.ErrAlreadyReversed); a return id already used (o2o.ErrDuplicate);
// and stored reversals that a replay does not give (postings altered, or not
// made by Return).
func (e *Engine) Return(posted []settlement.Posting, order o2o.Order, ret Return) (settlement.Batch, error) {
	fail := func(err error) (settlement.Batch, error) {
		return settlement.Batch{}, fmt.Errorf("return %q of order %q: %w", ret.ID, order.ID, err)
	}
	if err := e.checkReturn(order, ret); err != nil {
		return fail(err)
	}
	lines, err := e.rebuild(posted, order)
	if err != nil {
		return fail(err)
	}
	for _, l := range lines {
		for _, p := range l.previous {
			if p.id == ret.ID {
				return fail(o2o.InvalidAs(o2o.ErrDuplicate, "id", fmt.Sprintf("return %q was already made for the order", ret.ID)))
			}
		}
	}
	out := settlement.Batch{ID: ret.ID, Postings: []settlement.Posting{}}
	for i, rl := range ret.Lines {
		l := lines[rl.Line]
		if l.rev == nil {
			continue
		}
		b, _, err := l.rev.PartialQuantity(returnKey(ret.ID, rl.Line, rl.Quantity), rl.Quantity.Decimal, ret.At)
		if err != nil {
			return fail(o2o.Prefix(fmt.Sprintf("lines[%d]", i), err))
		}
		out.Postings = append(out.Postings, b.Postings...)
	}
	return out, nil
}

// ReturnAll reverses everything not yet returned of the order: Return with
// every line's remaining quantity.
func (e *Engine) ReturnAll(posted []settlement.Posting, order o2o.Order, id string, at time.Time) (settlement.Batch, error) {
	lines, err := e.rebuild(posted, order)
	if err != nil {
		return settlement.Batch{}, fmt.Errorf("return %q of order %q: %w", id, order.ID, err)
	}
	ret := Return{ID: id, At: at}
	for i, l := range lines {
		if l.rev == nil || l.rev.RemainingQuantity().Sign() == 0 {
			continue
		}
		ret.Lines = append(ret.Lines, ReturnLine{Line: i, Quantity: o2o.Dec(l.rev.RemainingQuantity())})
	}
	return e.Return(posted, order, ret)
}

func returnKey(id string, line int, qty o2o.Decimal) string {
	return fmt.Sprintf("%s/%d@%s", id, line, qty)
}

func (e *Engine) checkReturn(order o2o.Order, ret Return) error {
	var fields []o2o.FieldError
	var sentinel error
	if ret.ID == "" {
		fields = append(fields, o2o.FieldError{Path: "id", Reason: "is required"})
	}
	if ret.At.IsZero() {
		fields = append(fields, o2o.FieldError{Path: "at", Reason: "is required"})
	}
	if len(ret.Lines) == 0 {
		fields = append(fields, o2o.FieldError{Path: "lines", Reason: "must return at least one line"})
	}
	seen := map[int]bool{}
	for i, rl := range ret.Lines {
		path := fmt.Sprintf("lines[%d]", i)
		switch {
		case rl.Line < 0 || rl.Line >= len(order.Lines):
			fields = append(fields, o2o.FieldError{Path: path + ".line", Reason: fmt.Sprintf("the order has no line %d", rl.Line)})
		case seen[rl.Line]:
			fields = append(fields, o2o.FieldError{Path: path + ".line", Reason: fmt.Sprintf("line %d is returned twice", rl.Line)})
		case rl.Quantity.Sign() <= 0:
			fields = append(fields, o2o.FieldError{Path: path + ".quantity", Reason: "must be positive"})
		case wholeUnit(order.Lines[rl.Line].Quantity.Unit) && !rl.Quantity.IsInteger():
			fields = append(fields, o2o.FieldError{Path: path + ".quantity", Reason: fmt.Sprintf("counts whole %ss, not %s", order.Lines[rl.Line].Quantity.Unit, rl.Quantity)})
			sentinel = ErrUnit
		}
		seen[rl.Line] = true
	}
	if fields != nil {
		return &o2o.ValidationError{Fields: fields, Err: sentinel}
	}
	return nil
}

// lineState is one line's reversible state rebuilt from its postings.
type lineState struct {
	rev      *settlement.Reversible
	previous []previousReturn
}

type previousReturn struct {
	id       string
	qty      o2o.Decimal
	at       time.Time
	postings []settlement.Posting
}

// rebuild finds each line's original postings and earlier returns among the
// posted ones, and replays the returns.
func (e *Engine) rebuild(posted []settlement.Posting, order o2o.Order) ([]lineState, error) {
	if order.ID == "" {
		return nil, o2o.Invalid("order.id", "is required")
	}
	originals := make([][]settlement.Posting, len(order.Lines))
	lineOf := map[string]int{}
	prefix := order.ID + "/"
	for _, p := range posted {
		if p.Order != order.ID || p.Kind == settlement.KindReversal || !strings.HasPrefix(p.Key, prefix) {
			continue
		}
		rest := p.Key[len(prefix):]
		cut := strings.IndexByte(rest, '/')
		if cut < 0 {
			continue
		}
		line, err := strconv.Atoi(rest[:cut])
		if err != nil || line < 0 || line >= len(order.Lines) {
			continue
		}
		originals[line] = append(originals[line], p)
		lineOf[p.Key] = line
	}
	states := make([]lineState, len(order.Lines))
	for _, p := range posted {
		if p.Kind != settlement.KindReversal {
			continue
		}
		line, ok := lineOf[p.Ref]
		if !ok {
			continue
		}
		head, found := strings.CutSuffix(p.Key, "/"+p.Ref)
		cut := strings.LastIndexByte(head, '/')
		at := strings.LastIndexByte(head, '@')
		if !found || cut < 0 || at < cut {
			return nil, o2o.Invalidf("posted", "reversal %q of %q was not made by Engine.Return", p.Key, p.Ref)
		}
		id := head[:cut]
		n, err := strconv.Atoi(head[cut+1 : at])
		qty, qerr := o2o.ParseDecimal(head[at+1:])
		if err != nil || qerr != nil || n != line {
			return nil, o2o.Invalidf("posted", "reversal %q of %q was not made by Engine.Return", p.Key, p.Ref)
		}
		s := &states[line]
		k := slices.IndexFunc(s.previous, func(r previousReturn) bool { return r.id == id })
		if k < 0 {
			s.previous = append(s.previous, previousReturn{id: id, qty: o2o.Dec(qty), at: p.At})
			k = len(s.previous) - 1
		}
		s.previous[k].postings = append(s.previous[k].postings, p)
	}
	for line, orig := range originals {
		s := &states[line]
		if len(orig) == 0 {
			if len(s.previous) > 0 {
				return nil, o2o.Invalidf("posted", "line %d has reversals but no postings to reverse", line)
			}
			continue
		}
		slices.SortFunc(orig, func(a, b settlement.Posting) int { return cmp.Compare(a.Key, b.Key) })
		rev, err := settlement.NewReversible(settlement.Batch{ID: fmt.Sprintf("%s/%d", order.ID, line), Postings: orig}, order.Lines[line].Quantity)
		if err != nil {
			return nil, o2o.Prefix("posted", err)
		}
		slices.SortStableFunc(s.previous, func(a, b previousReturn) int { return a.at.Compare(b.at) })
		for _, p := range s.previous {
			b, next, err := rev.PartialQuantity(returnKey(p.id, line, p.qty), p.qty.Decimal, p.at)
			if err != nil {
				return nil, fmt.Errorf("replaying return %q of line %d: %w", p.id, line, err)
			}
			if !samePostings(b.Postings, p.postings) {
				return nil, o2o.Invalidf("posted", "the stored reversals of return %q, line %d, are not what the return makes: altered, or not made by Engine.Return", p.id, line)
			}
			rev = next
		}
		s.rev = &rev
	}
	return states, nil
}

// samePostings reports whether two sets of postings hold the same content,
// whatever their order.
func samePostings(a, b []settlement.Posting) bool {
	if len(a) != len(b) {
		return false
	}
	for _, p := range a {
		i := slices.IndexFunc(b, func(q settlement.Posting) bool { return q.Key == p.Key })
		if i < 0 || !p.SameContent(b[i]) {
			return false
		}
	}
	return true
}
