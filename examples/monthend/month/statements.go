package month

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
)

// MergeStatements merges one account's statements for one period from
// ledgers holding disjoint postings (the partitions' ledgers) into the
// statement the merged ledger gives (settlement.Ledger.Statement), byte for
// byte: the openings, credits, debits and closings add; the lines are
// merged in the ledger's order (business instant, then key) and each line's
// running balance is counted again from the merged opening.
//
// Errors, wrapping o2o.ErrInvalid: no statements, statements of different
// accounts, periods or currencies, lines out of the ledger's order, or an
// amount that is not a whole number
// of minor units or overflows them.
func MergeStatements(parts ...settlement.Statement) (settlement.Statement, error) {
	if len(parts) == 0 {
		return settlement.Statement{}, o2o.Invalid("parts", "must have at least one statement")
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	first := parts[0]
	cur := first.Closing.Currency()
	var opening, credits, debits int64
	n := 0
	for i, p := range parts {
		if p.Account != first.Account || !p.Period.From.Equal(first.Period.From) || !p.Period.To.Equal(first.Period.To) || p.Closing.Currency() != cur {
			return settlement.Statement{}, o2o.Invalidf(fmt.Sprintf("parts[%d]", i), "is the statement of %s for another period or currency than parts[0], of %s", p.Account, first.Account)
		}
		for _, m := range []struct {
			sum *int64
			v   o2o.Money
		}{{&opening, p.Opening}, {&credits, p.Credits}, {&debits, p.Debits}} {
			u, err := units(m.v)
			if err != nil {
				return settlement.Statement{}, o2o.Prefix(fmt.Sprintf("parts[%d]", i), err)
			}
			*m.sum += u
		}
		n += len(p.Lines)
	}
	out := settlement.Statement{Account: first.Account, Period: first.Period}
	for i, p := range parts {
		if !slices.IsSortedFunc(p.Lines, compareLines) {
			return settlement.Statement{}, o2o.Invalidf(fmt.Sprintf("parts[%d].lines", i), "are not in the ledger's order (instant, then key)")
		}
		if i == 0 {
			out.Lines = p.Lines // merged into a new slice below: parts[0] is not written
			continue
		}
		out.Lines = mergeLines(out.Lines, p.Lines, n)
	}
	balance := opening
	for i := range out.Lines {
		u, err := units(out.Lines[i].Amount)
		if err != nil {
			return settlement.Statement{}, o2o.Prefix(fmt.Sprintf("lines[%d]", i), err)
		}
		balance += u
		out.Lines[i].Balance = money(balance, cur)
	}
	out.Opening, out.Credits, out.Debits = money(opening, cur), money(credits, cur), money(debits, cur)
	out.Closing = money(opening+credits-debits, cur)
	return out, nil
}

// compareLines orders statement lines as the ledger does: by business
// instant, then key.
func compareLines(a, b settlement.StatementLine) int {
	if c := a.Posting.At.Compare(b.Posting.At); c != 0 {
		return c
	}
	return cmp.Compare(a.Posting.Key, b.Posting.Key)
}

// mergeLines merges two sorted runs of lines into a new slice of capacity
// at least n.
func mergeLines(a, b []settlement.StatementLine, n int) []settlement.StatementLine {
	out := make([]settlement.StatementLine, 0, max(n, len(a)+len(b)))
	for len(a) > 0 && len(b) > 0 {
		if compareLines(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// units returns an amount in minor units.
func units(m o2o.Money) (int64, error) {
	u, ok := m.MinorUnits()
	if !ok {
		return 0, o2o.Invalidf("amount", "%s is not a whole number of minor units within int64", m)
	}
	return u, nil
}

// money returns units minor units of cur, as the ledger writes them.
func money(units int64, cur o2o.Currency) o2o.Money {
	m, _ := o2o.FromMinor(units, cur) // cur is a statement's: known
	return m
}

// sumStatements sums the statements of every account of the parts'
// ledgers, the accounts shared among workers goroutines by Partition: each
// part's statements are built on a goroutine of its own, and each account's
// are merged (MergeStatements) and summed (SumStatement) on the goroutine
// its name hashes to. The result, sorted by account, is what Finish gets
// from the merged ledger.
func sumStatements(parts []*Settled, period settlement.Period, workers int) ([]StatementSum, error) {
	each := make([][]settlement.Statement, len(parts))
	err := parallel(len(parts), func(i int) (err error) {
		each[i], err = parts[i].Ledger.Statements(period)
		return err
	})
	if err != nil {
		return nil, err
	}
	sums := make([][]StatementSum, workers)
	err = parallel(workers, func(w int) error {
		var err error
		sums[w], err = sumShare(each, w, workers)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := slices.Concat(sums...)
	slices.SortFunc(out, func(a, b StatementSum) int { return cmp.Compare(a.Account, b.Account) })
	return out, nil
}

// sumShare merges and sums the statements of the accounts that are worker
// w's share, walking the parts' sorted lists together.
func sumShare(each [][]settlement.Statement, w, workers int) ([]StatementSum, error) {
	var out []StatementSum
	next := make([]int, len(each))
	var group []settlement.Statement
	for {
		account, done := "", true
		for i, sts := range each {
			if next[i] < len(sts) && (done || sts[next[i]].Account < account) {
				account, done = sts[next[i]].Account, false
			}
		}
		if done {
			return out, nil
		}
		group = group[:0]
		for i, sts := range each {
			if next[i] < len(sts) && sts[next[i]].Account == account {
				group = append(group, sts[next[i]])
				next[i]++
			}
		}
		if Partition(account, workers) != w {
			continue
		}
		st, err := MergeStatements(group...)
		if err != nil {
			return nil, err
		}
		sum, err := SumStatement(st)
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
}
