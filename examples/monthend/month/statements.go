package month

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// SumStatement returns a statement's sum: the SHA-256 of its JSON as
// encoding/json writes it, hashed as it is written, line by line, so that
// a statement of millions of lines is never held as bytes.
func SumStatement(st settlement.Statement) (StatementSum, error) {
	head, err := marshalHead(st)
	if err != nil {
		return StatementSum{}, err
	}
	lines := st.Lines
	return hashStatement(head, st.Account, st.Closing, len(lines), func(b []byte, i int) ([]byte, error) {
		return appendLine(b, &lines[i])
	})
}

// marshalHead returns the JSON encoding/json writes for st up to its lines:
// up to and including the bracket that opens them.
func marshalHead(st settlement.Statement) ([]byte, error) {
	st.Lines = []settlement.StatementLine{}
	data, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("statement %q: %w", st.Account, err)
	}
	return data[:len(data)-2], nil // data ends with "[]}"
}

// hashStatement returns the sum of account's statement whose JSON is head
// (marshalHead) then n lines, which line appends one by one.
func hashStatement(head []byte, account string, closing o2o.Money, n int, line func(b []byte, i int) ([]byte, error)) (StatementSum, error) {
	h := sha256.New()
	h.Write(head)
	var buf []byte
	var err error
	for i := range n {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, err = line(buf, i); err != nil {
			return StatementSum{}, fmt.Errorf("statement %q: lines[%d]: %w", account, i, err)
		}
		h.Write(buf)
	}
	h.Write([]byte("]}"))
	sum := StatementSum{Account: account, Lines: n, Closing: closing}
	h.Sum(sum.SHA256[:0])
	return sum, nil
}

// sumStatements returns the sum of every account's statement for period
// over the parts' ledgers, sorted by account: what SumStatement gives for
// each statement of the merged ledger (Finish), byte for byte
// (TestRunMatchesSequentialLedger, TestSumStatementsOfLedgers).
//
// It never builds the statements. A statement line copies its posting and
// holds two decimal amounts; at the full size the lines of every statement
// came to gigabytes, built, merged and collected again, and they took a
// third of a close. Here each part's postings are indexed by account on a
// goroutine of its own (postingSet), and each account's are merged in the
// ledger's order, counted and written as JSON straight from the postings,
// with amounts in minor units, on one of workers goroutines (summer).
func sumStatements(parts []*Settled, period settlement.Period, workers int) ([]StatementSum, error) {
	sets := make([]*postingSet, len(parts))
	err := parallel(len(parts), func(i int) (err error) {
		sets[i], err = newPostingSet(parts[i].Ledger)
		return err
	})
	if err != nil {
		return nil, err
	}
	periodJSON, err := json.Marshal(period)
	if err != nil {
		return nil, o2o.Prefix("period", err)
	}
	accounts, lines := accountLines(sets)
	shares := shareOut(lines, workers)
	out := make([]StatementSum, len(accounts))
	err = parallel(workers, func(w int) error {
		s := &summer{sets: sets, period: period, periodJSON: periodJSON}
		for _, a := range shares[w] {
			var err error
			if out[a], err = s.sum(accounts[a]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// postingSet is one ledger's postings as the statement sums read them.
type postingSet struct {
	currency o2o.Currency
	log      []settlement.Posting
	// units is each posting's amount in minor units.
	units []int64
	// plain tells the postings appendLineUnits writes (plainPosting).
	plain []bool
	// byAccount lists each account's postings (indices into log) in the
	// ledger's order: business instant, then key.
	byAccount map[string][]int32
	// accounts are byAccount's keys, sorted.
	accounts []string
}

// newPostingSet indexes a ledger's postings by account.
func newPostingSet(l *settlement.Ledger) (*postingSet, error) {
	s := &postingSet{currency: l.Currency(), log: l.Log(), byAccount: map[string][]int32{}}
	s.units, s.plain = make([]int64, len(s.log)), make([]bool, len(s.log))
	order := make([]int32, len(s.log))
	for i := range s.log {
		p := &s.log[i]
		u, ok := p.Amount.MinorUnits()
		if !ok {
			return nil, o2o.Invalidf("amount", "posting %q: %s is not a whole number of minor units within int64", p.Key, p.Amount)
		}
		s.units[i], s.plain[i], order[i] = u, plainPosting(p, s.currency), int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return comparePostings(&s.log[a], &s.log[b]) })
	for _, i := range order {
		p := &s.log[i]
		s.byAccount[p.From] = append(s.byAccount[p.From], i)
		s.byAccount[p.To] = append(s.byAccount[p.To], i)
	}
	s.accounts = slices.Sorted(maps.Keys(s.byAccount))
	return s, nil
}

// comparePostings orders postings as statements do: by business instant,
// then key.
func comparePostings(a, b *settlement.Posting) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

// accountLines returns every account of the sets, sorted, and how many
// postings each has in all of them, walking the sets' sorted accounts
// together.
func accountLines(sets []*postingSet) ([]string, []int) {
	var accounts []string
	var lines []int
	next := make([]int, len(sets))
	for {
		account, found := "", false
		for i, s := range sets {
			if next[i] < len(s.accounts) && (!found || s.accounts[next[i]] < account) {
				account, found = s.accounts[next[i]], true
			}
		}
		if !found {
			return accounts, lines
		}
		n := 0
		for i, s := range sets {
			if next[i] < len(s.accounts) && s.accounts[next[i]] == account {
				n += len(s.byAccount[account])
				next[i]++
			}
		}
		accounts, lines = append(accounts, account), append(lines, n)
	}
}

// shareOut gives each account to one of workers goroutines, the largest
// first, each to the goroutine with the fewest lines so far (ties to the
// lowest), so that a few very large accounts (headquarters is in nearly
// every order) do not land on one goroutine with a share of the rest. It
// returns each goroutine's account indices.
func shareOut(lines []int, workers int) [][]int {
	order := make([]int, len(lines))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(lines[b], lines[a]) })
	shares := make([][]int, workers)
	load := make([]int, workers)
	for _, a := range order {
		w := 0
		for v := range load {
			if load[v] < load[w] {
				w = v
			}
		}
		shares[w] = append(shares[w], a)
		load[w] += lines[a] + 1
	}
	return shares
}

// postingRun is one account's postings in one set, in the ledger's order.
type postingRun struct {
	set int32
	idx []int32
}

// ref is one posting: its set and its index there.
type ref struct{ set, i int32 }

// mergeRuns appends the runs' postings to dst in the ledger's order.
func mergeRuns(dst []ref, sets []*postingSet, runs []postingRun) []ref {
	for len(runs) > 0 {
		first := 0
		for r := 1; r < len(runs); r++ {
			a, b := &sets[runs[r].set].log[runs[r].idx[0]], &sets[runs[first].set].log[runs[first].idx[0]]
			if comparePostings(a, b) < 0 {
				first = r
			}
		}
		dst = append(dst, ref{runs[first].set, runs[first].idx[0]})
		if runs[first].idx = runs[first].idx[1:]; len(runs[first].idx) == 0 {
			runs = slices.Delete(runs, first, first+1)
		}
	}
	return dst
}

// summer sums statements over posting sets, reusing its buffers from one
// account to the next.
type summer struct {
	sets       []*postingSet
	period     settlement.Period
	periodJSON []byte
	runs       []postingRun
	postings   []ref // the account's postings, in the ledger's order
	lines      []ref // those of them in the period
	head       []byte
}

// sum returns the sum of account's statement for the period from its
// postings in every set: what SumStatement gives for
// settlement.Ledger.Statement over those postings.
func (s *summer) sum(account string) (StatementSum, error) {
	s.runs = s.runs[:0]
	for i, set := range s.sets {
		if idx := set.byAccount[account]; len(idx) > 0 {
			s.runs = append(s.runs, postingRun{set: int32(i), idx: idx})
		}
	}
	s.postings = mergeRuns(s.postings[:0], s.sets, s.runs)
	cur := s.sets[0].currency
	var opening, credits, debits int64
	s.lines = s.lines[:0]
	for _, r := range s.postings {
		p, signed := s.sets[r.set].signed(r.i, account)
		switch {
		case !s.period.From.IsZero() && p.At.Before(s.period.From):
			opening += signed
		case s.period.Contains(p.At):
			if signed > 0 {
				credits += signed
			} else {
				debits -= signed
			}
			s.lines = append(s.lines, r)
		}
	}
	var err error
	if s.head, err = s.appendHead(s.head[:0], account, cur, [4]int64{opening, credits, debits, opening + credits - debits}); err != nil {
		return StatementSum{}, err
	}
	balance := opening
	return hashStatement(s.head, account, money(opening+credits-debits, cur), len(s.lines), func(b []byte, i int) ([]byte, error) {
		set := s.sets[s.lines[i].set]
		p, signed := set.signed(s.lines[i].i, account)
		balance += signed
		counterparty := p.From
		if counterparty == account {
			counterparty = p.To
		}
		if set.plain[s.lines[i].i] {
			return appendLineUnits(b, p, set.units[s.lines[i].i], counterparty, signed, balance, cur)
		}
		l := settlement.StatementLine{Posting: *p, Counterparty: counterparty, Amount: money(signed, cur), Balance: money(balance, cur)}
		return appendLine(b, &l)
	})
}

// appendHead appends the head of account's statement (marshalHead) whose
// opening, credits, debits and closing are sums, in minor units of cur:
// written directly when account needs no escaping, by marshalHead
// otherwise (TestAppendHead). A close sums hundreds of thousands of
// statements, most of them short, and encoding/json took a tenth of it.
func (s *summer) appendHead(b []byte, account string, cur o2o.Currency, sums [4]int64) ([]byte, error) {
	if !plain(account) {
		head, err := marshalHead(settlement.Statement{Account: account, Period: s.period, Opening: money(sums[0], cur),
			Credits: money(sums[1], cur), Debits: money(sums[2], cur), Closing: money(sums[3], cur)})
		return append(b, head...), err
	}
	b = append(b, `{"account":"`...)
	b = append(b, account...)
	b = append(b, `","period":`...)
	b = append(b, s.periodJSON...)
	var err error
	for i, name := range [4]string{`,"opening":`, `,"credits":`, `,"debits":`, `,"closing":`} {
		b = append(b, name...)
		if b, err = appendUnits(b, sums[i], cur); err != nil {
			return b, err
		}
	}
	return append(b, `,"lines":[`...), nil
}

// signed returns posting i and its amount in minor units from account's
// side: positive when account received it.
func (s *postingSet) signed(i int32, account string) (*settlement.Posting, int64) {
	p := &s.log[i]
	if p.From == account {
		return p, -s.units[i]
	}
	return p, s.units[i]
}

// money returns units minor units of cur, as the ledger writes them.
func money(units int64, cur o2o.Currency) o2o.Money {
	m, _ := o2o.FromMinor(units, cur) // cur is a ledger's: known
	return m
}

// appendLine appends a statement line's JSON, byte for byte as
// encoding/json writes it inside the statement (TestAppendLine checks it),
// without reflection: the statements' JSON was a quarter of a close's time.
// A line it cannot write plainly (a string to escape, an instant outside
// years 0 to 9999) is written by encoding/json.
func appendLine(b []byte, l *settlement.StatementLine) ([]byte, error) {
	p := &l.Posting
	if !plainText(p) || !plain(l.Counterparty) {
		data, err := json.Marshal(l)
		return append(b, data...), err
	}
	var err error
	b = appendPostingHead(b, p)
	if b, err = p.Amount.AppendJSON(b); err != nil {
		return b, err
	}
	b = appendPostingTail(b, p, l.Counterparty)
	if b, err = l.Amount.AppendJSON(b); err != nil {
		return b, err
	}
	b = append(b, `,"balance":`...)
	if b, err = l.Balance.AppendJSON(b); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// appendLineUnits appends the JSON of a line of posting p, whose amount is
// units minor units of cur, with amount and balance in minor units: what
// appendLine writes for that line (TestAppendLineUnits), without building
// its three decimal amounts. p must be plainPosting, and counterparty one
// of its accounts.
func appendLineUnits(b []byte, p *settlement.Posting, units int64, counterparty string, amount, balance int64, cur o2o.Currency) ([]byte, error) {
	var err error
	b = appendPostingHead(b, p)
	if b, err = appendUnits(b, units, cur); err != nil {
		return b, err
	}
	b = appendPostingTail(b, p, counterparty)
	if b, err = appendUnits(b, amount, cur); err != nil {
		return b, err
	}
	b = append(b, `,"balance":`...)
	if b, err = appendUnits(b, balance, cur); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// appendPostingHead appends a line's JSON up to its posting's amount.
func appendPostingHead(b []byte, p *settlement.Posting) []byte {
	b = append(b, `{"posting":{"key":"`...)
	b = append(b, p.Key...)
	b = append(b, `","kind":"`...)
	b = append(b, p.Kind...)
	b = append(b, `","from":"`...)
	b = append(b, p.From...)
	b = append(b, `","to":"`...)
	b = append(b, p.To...)
	return append(b, `","amount":`...)
}

// appendPostingTail appends a line's JSON from after its posting's amount
// up to the line's amount.
func appendPostingTail(b []byte, p *settlement.Posting, counterparty string) []byte {
	if p.Order != "" {
		b = append(b, `,"order":"`...)
		b = append(b, p.Order...)
		b = append(b, '"')
	}
	if p.Ref != "" {
		b = append(b, `,"ref":"`...)
		b = append(b, p.Ref...)
		b = append(b, '"')
	}
	b = append(b, `,"at":"`...)
	b = p.At.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `"},"counterparty":"`...)
	b = append(b, counterparty...)
	return append(b, `","amount":`...)
}

// maxPlainUnits bounds the amounts appendUnits writes itself: well within
// o2o.MaxDigits digits, so never one o2o.Money.AppendJSON refuses.
const maxPlainUnits = 1e15

// appendUnits appends units minor units of cur as o2o.Money.AppendJSON
// writes the Money FromMinor gives (TestAppendUnits).
func appendUnits(b []byte, units int64, cur o2o.Currency) ([]byte, error) {
	if units <= -maxPlainUnits || units >= maxPlainUnits {
		return money(units, cur).AppendJSON(b)
	}
	b = append(b, `{"amount":"`...)
	if units < 0 {
		b, units = append(b, '-'), -units
	}
	digits := int(cur.MinorDigits())
	var text [20]byte
	n := len(text)
	for i := 0; i <= digits || units > 0; i++ {
		if i == digits && digits > 0 {
			n--
			text[n] = '.'
		}
		n--
		text[n] = byte('0' + units%10)
		units /= 10
	}
	b = append(b, text[n:]...)
	b = append(b, `","currency":"`...)
	b = append(b, cur...)
	return append(b, `"}`...), nil
}

// plainPosting reports whether appendLineUnits writes p's lines: its text
// needs no escaping and its amount is written with cur's minor digits.
func plainPosting(p *settlement.Posting, cur o2o.Currency) bool {
	return plainText(p) && p.Amount.Currency() == cur && p.Amount.Amount().Exponent() >= -cur.MinorDigits()
}

// plainText reports whether encoding/json writes p's strings and instant
// as they are: no string to escape, an instant within years 0 to 9999.
func plainText(p *settlement.Posting) bool {
	return plain(p.Key) && plain(string(p.Kind)) && plain(p.From) && plain(p.To) && plain(p.Order) && plain(p.Ref) &&
		p.At.Year() >= 0 && p.At.Year() <= 9999
}

// plain reports whether encoding/json writes s as it is: printable ASCII
// with nothing to escape.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
