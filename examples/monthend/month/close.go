package month

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/settlement/drainage"
)

// Close is a month's close: what was settled and refused, every party's
// statement, the ledger's digest, and the drainage charges and KPIs. Two
// closes of the same month are equal (Diff) however the month was
// partitioned.
//
// A statement is kept as the SHA-256 of its JSON (settlement.Statement as
// encoding/json writes it) rather than the bytes themselves: at the full
// size the statements come to gigabytes. Equal sums are equal bytes, short
// of a SHA-256 collision.
type Close struct {
	// Orders counts the orders settled; Postings the postings made.
	Orders   int `json:"orders"`
	Postings int `json:"postings"`
	// Refused are the orders not posted, by order id.
	Refused []Refusal `json:"refused"`
	// Digest is the ledger's order-independent digest.
	Digest settlement.Hash `json:"digest"`
	// Statements are every party's statement for the month, by account.
	Statements []StatementSum `json:"statements"`
	// Charges is the drainage-cost statement (drainage.Statement) as JSON.
	Charges json.RawMessage `json:"charges"`
	// KPIs is the drainage KPI report (drainage.Report) as JSON.
	KPIs json.RawMessage `json:"kpis"`
}

// StatementSum is one party's statement, summed up.
type StatementSum struct {
	Account string `json:"account"`
	Lines   int    `json:"lines"`
	// Closing is the closing balance.
	Closing o2o.Money `json:"closing"`
	// SHA256 is the hash of the statement's JSON.
	SHA256 settlement.Hash `json:"sha256"`
}

// Finish closes the month from the merged settlement and attribution:
// statements for every party, the digest, the drainage charges (the
// rulebook's campaigns allocated on the attribution) and the KPIs.
func Finish(s *Setup, settled *Settled, partial *drainage.Partial) (*Close, error) {
	sts, err := settled.Ledger.Statements(s.Period)
	if err != nil {
		return nil, err
	}
	sums := make([]StatementSum, len(sts))
	for i := range sts {
		if sums[i], err = SumStatement(sts[i]); err != nil {
			return nil, err
		}
	}
	return finish(s, settled, partial, sums)
}

// finish completes a close whose statements are summed.
func finish(s *Setup, settled *Settled, partial *drainage.Partial, sums []StatementSum) (*Close, error) {
	c := &Close{Orders: settled.Orders, Postings: settled.Ledger.Len(), Refused: settled.Refused,
		Digest: settled.Ledger.Digest(), Statements: sums}
	if c.Refused == nil {
		c.Refused = []Refusal{}
	}
	res, err := partial.Result()
	if err != nil {
		return nil, err
	}
	st, err := s.Drainage.Allocate(res, s.Campaigns)
	if err != nil {
		return nil, err
	}
	if c.Charges, err = json.Marshal(st); err != nil {
		return nil, err
	}
	if c.KPIs, err = json.Marshal(drainage.KPIs(res, st)); err != nil {
		return nil, err
	}
	return c, nil
}

// Diff lists how c and o differ, one line per difference (orders and
// postings counted, refusals, digest, each statement, charges, KPIs); none
// when they are equal.
func (c *Close) Diff(o *Close) []string {
	var out []string
	if c.Orders != o.Orders || c.Postings != o.Postings {
		out = append(out, fmt.Sprintf("counts: %d orders and %d postings, against %d and %d", c.Orders, c.Postings, o.Orders, o.Postings))
	}
	if !slices.Equal(c.Refused, o.Refused) {
		out = append(out, fmt.Sprintf("refused: %d orders, against %d (or other reasons)", len(c.Refused), len(o.Refused)))
	}
	if c.Digest != o.Digest {
		out = append(out, fmt.Sprintf("digest: %s, against %s", c.Digest, o.Digest))
	}
	out = append(out, diffStatements(c.Statements, o.Statements)...)
	if string(c.Charges) != string(o.Charges) {
		out = append(out, "drainage charges differ")
	}
	if string(c.KPIs) != string(o.KPIs) {
		out = append(out, "drainage KPIs differ")
	}
	return out
}

// Equal reports whether c and o have no difference (Diff).
func (c *Close) Equal(o *Close) bool { return len(c.Diff(o)) == 0 }

// diffStatements lists the accounts whose statements differ or are in one
// list only.
func diffStatements(a, b []StatementSum) []string {
	var out []string
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].Account < b[j].Account):
			out = append(out, fmt.Sprintf("statement %s: only in the first close", a[i].Account))
			i++
		case i == len(a) || b[j].Account < a[i].Account:
			out = append(out, fmt.Sprintf("statement %s: only in the second close", b[j].Account))
			j++
		default:
			if a[i].SHA256 != b[j].SHA256 || a[i].Lines != b[j].Lines || !a[i].Closing.Equal(b[j].Closing) {
				out = append(out, fmt.Sprintf("statement %s: %d lines closing %s, against %d lines closing %s (or other bytes)",
					a[i].Account, a[i].Lines, a[i].Closing, b[j].Lines, b[j].Closing))
			}
			i, j = i+1, j+1
		}
	}
	return out
}
