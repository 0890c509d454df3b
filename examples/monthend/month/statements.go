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
// ledgers: each part's statements are built on a goroutine of its own, then
// each account's are merged (MergeStatements) and summed (SumStatement) on
// one of workers goroutines. The result, sorted by account, is what Finish
// gets from the merged ledger.
func sumStatements(parts []*Settled, period settlement.Period, workers int) ([]StatementSum, error) {
	each := make([][]settlement.Statement, len(parts))
	err := parallel(len(parts), func(i int) (err error) {
		each[i], err = parts[i].Ledger.Statements(period)
		return err
	})
	if err != nil {
		return nil, err
	}
	groups := groupByAccount(each)
	shares := shareOut(groups, workers)
	out := make([]StatementSum, len(groups))
	err = parallel(workers, func(w int) error {
		for _, g := range shares[w] {
			st, err := MergeStatements(groups[g].parts...)
			if err != nil {
				return err
			}
			if out[g], err = SumStatement(st); err != nil {
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

// accountGroup is one account's statements from the parts, and how many
// lines they hold together.
type accountGroup struct {
	parts []settlement.Statement
	lines int
}

// groupByAccount walks the parts' statement lists, each sorted by account,
// together, and returns each account's statements, sorted by account.
func groupByAccount(each [][]settlement.Statement) []accountGroup {
	var out []accountGroup
	next := make([]int, len(each))
	for {
		account, done := "", true
		for i, sts := range each {
			if next[i] < len(sts) && (done || sts[next[i]].Account < account) {
				account, done = sts[next[i]].Account, false
			}
		}
		if done {
			return out
		}
		var g accountGroup
		for i, sts := range each {
			if next[i] < len(sts) && sts[next[i]].Account == account {
				g.parts = append(g.parts, sts[next[i]])
				g.lines += len(sts[next[i]].Lines)
				next[i]++
			}
		}
		out = append(out, g)
	}
}

// shareOut gives each group to one of workers goroutines, the largest
// first, each to the goroutine with the fewest lines so far (ties to the
// lowest), so that a few very large accounts (headquarters is in nearly
// every order) do not land on one goroutine with a share of the rest. It
// returns each goroutine's group indices.
func shareOut(groups []accountGroup, workers int) [][]int {
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(groups[b].lines, groups[a].lines) })
	shares := make([][]int, workers)
	load := make([]int, workers)
	for _, g := range order {
		w := 0
		for v := range load {
			if load[v] < load[w] {
				w = v
			}
		}
		shares[w] = append(shares[w], g)
		load[w] += groups[g].lines + 1
	}
	return shares
}
