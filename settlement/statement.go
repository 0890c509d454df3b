package settlement

import (
	"fmt"
	"slices"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// Period is a half-open interval of business instants [From, To). A zero
// From means since the beginning; a zero To means without end.
type Period struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

// Month returns the calendar month year-month read in loc (nil means
// o2o.China(), the fixed +08:00 zone): from its first instant to the first
// instant of the next month.
func Month(year int, month time.Month, loc *time.Location) Period {
	loc = o2o.LocationOr(loc)
	from := time.Date(year, month, 1, 0, 0, 0, 0, loc)
	return Period{From: from, To: from.AddDate(0, 1, 0)}
}

// MonthOf returns the calendar month, read in loc (nil means +08:00), that
// holds t. 2024-01-31T20:00Z is in February in China.
func MonthOf(t time.Time, loc *time.Location) Period {
	t = t.In(o2o.LocationOr(loc))
	return Month(t.Year(), t.Month(), t.Location())
}

// Contains reports whether t is in the period.
func (p Period) Contains(t time.Time) bool {
	return (p.From.IsZero() || !t.Before(p.From)) && (p.To.IsZero() || t.Before(p.To))
}

// before reports whether t comes before the period.
func (p Period) before(t time.Time) bool { return !p.From.IsZero() && t.Before(p.From) }

// Validate checks that To is not before From, and that both can be written
// (years 0 to 9999).
func (p Period) Validate() error {
	if err := instant.Encodable(p.From); err != nil {
		return o2o.Prefix("from", err)
	}
	if err := instant.Encodable(p.To); err != nil {
		return o2o.Prefix("to", err)
	}
	if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
		return o2o.Invalidf("to", "must not be before from (%s)", p.From.Format(time.RFC3339))
	}
	return nil
}

// StatementLine is one posting as one account sees it.
type StatementLine struct {
	// Posting is the posting itself.
	Posting Posting `json:"posting"`
	// Counterparty is the other account of the posting.
	Counterparty string `json:"counterparty"`
	// Amount is signed from the account's side: positive when it received.
	Amount o2o.Money `json:"amount"`
	// Balance is the running balance after this line.
	Balance o2o.Money `json:"balance"`
}

// Statement is one account's lines in a period, ordered by business instant
// then key, with its opening and closing balances. It holds that account's
// postings only: no party sees another's.
type Statement struct {
	Account string `json:"account"`
	Period  Period `json:"period"`
	// Opening is the balance from every posting before the period.
	Opening o2o.Money `json:"opening"`
	// Credits sums what the account received in the period; Debits what it
	// gave (positive).
	Credits o2o.Money `json:"credits"`
	Debits  o2o.Money `json:"debits"`
	// Closing is Opening + Credits − Debits.
	Closing o2o.Money       `json:"closing"`
	Lines   []StatementLine `json:"lines"`
}

// Statement returns account's statement for period. Lines are ordered by
// business instant, then key, so the statement does not depend on the order
// postings were applied or merged in. An unknown account gets an empty
// statement. An invalid period wraps o2o.ErrInvalid.
func (l *Ledger) Statement(account string, period Period) (Statement, error) {
	if err := period.Validate(); err != nil {
		return Statement{}, o2o.Prefix("period", err)
	}
	l.mu.RLock()
	var mine []*entry
	for _, e := range l.log.all {
		if e.p.From == account || e.p.To == account {
			mine = append(mine, e)
		}
	}
	l.mu.RUnlock()
	return statement(account, period, mine, l.currency), nil
}

// statement builds account's statement from its entries, which it sorts
// (the entries themselves are the log's, never changed).
func statement(account string, period Period, mine []*entry, currency o2o.Currency) Statement {
	sortEntries(mine)
	var opening, credits, debits int64
	s := Statement{Account: account, Period: period, Lines: make([]StatementLine, 0, len(mine))}
	for _, e := range mine {
		signed, other := e.units, e.p.From
		if e.p.From == account {
			signed, other = -e.units, e.p.To
		}
		switch {
		case period.before(e.p.At):
			opening += signed
		case period.Contains(e.p.At):
			if signed > 0 {
				credits += signed
			} else {
				debits -= signed
			}
			s.Lines = append(s.Lines, StatementLine{Posting: e.p, Counterparty: other,
				Amount: fromUnits(signed, currency), Balance: fromUnits(opening+credits-debits, currency)})
		}
	}
	s.Opening = fromUnits(opening, currency)
	s.Credits = fromUnits(credits, currency)
	s.Debits = fromUnits(debits, currency)
	s.Closing = fromUnits(opening+credits-debits, currency)
	return s
}

// Statements returns the statement of every account that has a posting,
// sorted by account, in one pass over the ledger.
func (l *Ledger) Statements(period Period) ([]Statement, error) {
	if err := period.Validate(); err != nil {
		return nil, o2o.Prefix("period", err)
	}
	l.mu.RLock()
	byAccount := map[string][]*entry{}
	for _, e := range l.log.all {
		byAccount[e.p.From] = append(byAccount[e.p.From], e)
		byAccount[e.p.To] = append(byAccount[e.p.To], e)
	}
	l.mu.RUnlock()
	out := make([]Statement, 0, len(byAccount))
	for _, a := range sortedKeys(byAccount) {
		out = append(out, statement(a, period, byAccount[a], l.currency))
	}
	return out, nil
}

func sortEntries(es []*entry) {
	slices.SortFunc(es, func(a, b *entry) int { return postingOrder(&a.p, &b.p) })
}

// String returns the statement as a small table for people.
func (s Statement) String() string {
	out := fmt.Sprintf("statement %s: opening %s\n", s.Account, s.Opening)
	for _, ln := range s.Lines {
		out += fmt.Sprintf("  %s %-18s %-16s %12s  balance %s\n",
			ln.Posting.At.In(o2o.China()).Format("2006-01-02"), ln.Posting.Kind, ln.Counterparty, ln.Amount.AmountString(), ln.Balance.AmountString())
	}
	out += fmt.Sprintf("  credits %s, debits %s, closing %s", s.Credits.AmountString(), s.Debits.AmountString(), s.Closing)
	return out
}
