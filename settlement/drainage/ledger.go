package drainage

import (
	"fmt"
	"net/url"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// The default accounts of PostingConfig.
const (
	// DefaultHeadquartersAccount is credited with every campaign's spend:
	// headquarters paid it and recovers it from the payers.
	DefaultHeadquartersAccount = "headquarters"
	// DefaultB2CAccount is the B2C operation's account.
	DefaultB2CAccount = "b2c"
	// DefaultUnattributedAccount carries the spend that reached no store and
	// converted nowhere online: headquarters' own cost, on an account of its
	// own so that it stays visible.
	DefaultUnattributedAccount = "headquarters/unattributed"
)

// PostingConfig says how a Statement becomes ledger postings: the period the
// charges are for, their business instant and the accounts charged. The zero
// values of the account fields take the defaults; Period and At are
// required.
type PostingConfig struct {
	// Period names the period the statement covers, such as "2026-11". It is
	// part of every idempotency key: posting the same period's statement
	// again changes nothing.
	Period string `json:"period"`
	// At is the postings' business instant, inside the period (its last
	// day, say); ledger statements are cut by it.
	At time.Time `json:"at"`
	// Headquarters is the account credited with the spend. Default
	// "headquarters".
	Headquarters string `json:"headquarters,omitempty"`
	// B2C is the account the B2C operation is charged on. Default "b2c".
	B2C string `json:"b2c,omitempty"`
	// Unattributed is the account unattributed spend is charged to. Default
	// "headquarters/unattributed".
	Unattributed string `json:"unattributed,omitempty"`
	// StorePrefix is put before a store's id to name its account. Default
	// none: the store id is the account, as in settlement's sales splits.
	StorePrefix string `json:"storePrefix,omitempty"`
}

// UnmarshalJSON decodes strictly (o2o.DecodeJSON): unknown or repeated
// fields are refused.
func (c *PostingConfig) UnmarshalJSON(data []byte) error {
	type plain PostingConfig
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*c = PostingConfig(p)
	return nil
}

// accounts returns the config with its defaults filled in.
func (c PostingConfig) accounts() PostingConfig {
	if c.Headquarters == "" {
		c.Headquarters = DefaultHeadquartersAccount
	}
	if c.B2C == "" {
		c.B2C = DefaultB2CAccount
	}
	if c.Unattributed == "" {
		c.Unattributed = DefaultUnattributedAccount
	}
	return c
}

// Validate checks the config: a period, an instant, and three distinct
// accounts (after defaults). Errors are *o2o.ValidationError with JSON
// paths.
func (c PostingConfig) Validate() error {
	var fields []o2o.FieldError
	if c.Period == "" {
		fields = append(fields, o2o.FieldError{Path: "period", Reason: "is required: it keys the postings, so re-posting a period changes nothing"})
	}
	if c.At.IsZero() {
		fields = append(fields, o2o.FieldError{Path: "at", Reason: "is required: the postings' business instant"})
	} else if instant.Check(c.At) != nil {
		fields = append(fields, o2o.FieldError{Path: "at", Reason: "is out of range: instants run " + instant.Text})
	}
	a := c.accounts()
	if a.B2C == a.Headquarters {
		fields = append(fields, o2o.FieldError{Path: "b2c", Reason: fmt.Sprintf("must differ from the headquarters account %q", a.Headquarters)})
	}
	if a.Unattributed == a.Headquarters || a.Unattributed == a.B2C {
		fields = append(fields, o2o.FieldError{Path: "unattributed", Reason: fmt.Sprintf("must differ from the headquarters and B2C accounts (%q, %q)", a.Headquarters, a.B2C)})
	}
	if len(fields) > 0 {
		return &o2o.ValidationError{Fields: fields, Err: o2o.ErrInvalid}
	}
	return nil
}

// Account returns the ledger account payer p is charged on.
func (c PostingConfig) Account(p Payer) string {
	a := c.accounts()
	switch p.Kind {
	case o2o.PartyStore:
		return a.StorePrefix + p.ID
	case o2o.PartyPlatform:
		return a.B2C
	}
	return a.Unattributed
}

// PostingKey returns the idempotency key of the charge of campaign to payer
// in period: "drainage/<period>/<campaign>/store/<id>", ".../b2c" or
// ".../headquarters". Each part is path-escaped (a "/" inside becomes
// "%2F"), so distinct (period, campaign, payer) never share a key.
func PostingKey(period, campaign string, p Payer) string {
	k := "drainage/" + url.PathEscape(period) + "/" + url.PathEscape(campaign) + "/"
	switch p.Kind {
	case o2o.PartyStore:
		return k + "store/" + url.PathEscape(p.ID)
	case o2o.PartyPlatform:
		return k + "b2c"
	}
	return k + "headquarters"
}

// checkPayer reports whether p is one of the payers Allocate produces.
func checkPayer(p Payer) error {
	switch {
	case p.Kind == o2o.PartyStore && p.ID != "" && p.Channel == o2o.ChannelO2O:
		return nil
	case p == PayerB2C, p == PayerHeadquarters:
		return nil
	}
	return o2o.Invalidf("payer", "must be a store (with an id, sales mode o2o), B2C or headquarters, got %+v", p)
}

// Batch turns the statement into one balanced batch of drainage-charge
// postings (settlement.KindDrainageCharge, 引流成本), ready for
// settlement.Ledger.Apply:
//
//   - each charge to a store or to B2C moves its amount from the payer's
//     account to headquarters, which paid the spend;
//   - each unattributed charge moves its amount from the unattributed
//     account to headquarters, so it stays visibly on headquarters' books;
//   - a zero charge moves nothing and makes no posting.
//
// Headquarters is therefore credited with exactly the statement's spend, and
// the payers are debited with exactly the same: the batch's total is the
// spend. Every posting's key is PostingKey(period, campaign, payer), its
// order is the campaign's id and its instant cfg.At; the batch's id is
// "drainage/<period>". The postings follow the statement's order (campaign,
// then payer). A statement that moves nothing gives a batch without
// postings, which a ledger refuses; Post skips it.
//
// The statement is checked first, since it may come from JSON: every charge
// must be in the spend's currency, not negative, whole, for a known payer,
// once per (campaign, payer) (else o2o.ErrDuplicate), and the charges must
// sum to the spend and to B2C + Stores + Unattributed (else o2o.ErrInvalid).
func (st *Statement) Batch(cfg PostingConfig) (settlement.Batch, error) {
	if st == nil {
		return settlement.Batch{}, o2o.Invalid("statement", "is required")
	}
	if err := cfg.Validate(); err != nil {
		return settlement.Batch{}, err
	}
	if err := st.check(); err != nil {
		return settlement.Batch{}, err
	}
	a := cfg.accounts()
	b := settlement.Batch{ID: "drainage/" + url.PathEscape(cfg.Period), Postings: make([]settlement.Posting, 0, len(st.Charges))}
	for i, ch := range st.Charges {
		if ch.Amount.IsZero() {
			continue
		}
		from := a.Account(ch.Payer)
		if ch.Payer.Kind == o2o.PartyStore && (from == a.Headquarters || from == a.B2C || from == a.Unattributed) {
			return settlement.Batch{}, o2o.Invalidf(indexPath("charges", i)+".payer.id", "store %q would be charged on account %q, which is headquarters', B2C's or the unattributed account; set storePrefix", ch.Payer.ID, from)
		}
		b.Postings = append(b.Postings, settlement.Posting{
			Key:    PostingKey(cfg.Period, ch.Campaign, ch.Payer),
			Kind:   settlement.KindDrainageCharge,
			From:   from,
			To:     a.Headquarters,
			Amount: ch.Amount,
			Order:  ch.Campaign,
			At:     cfg.At,
		})
	}
	return b, nil
}

// check verifies that the statement is one Allocate could have produced:
// see Batch.
func (st *Statement) check() error {
	cur := st.Spend.Currency()
	sum, stores, b2c, unattributed := cur.Zero(), cur.Zero(), cur.Zero(), cur.Zero()
	seen := map[string]int{}
	for i, ch := range st.Charges {
		path := indexPath("charges", i)
		if ch.Campaign == "" {
			return o2o.Invalid(path+".campaign", "is required")
		}
		if err := checkPayer(ch.Payer); err != nil {
			return o2o.Prefix(path, err)
		}
		if !ch.Amount.SameCurrency(st.Spend) {
			return fmt.Errorf("%s.amount: %w: %s and the spend's %s", path, o2o.ErrCurrencyMismatch, ch.Amount.Currency(), cur)
		}
		if ch.Amount.IsNegative() || !ch.Amount.IsWhole() {
			return o2o.Invalidf(path+".amount", "must be a non-negative whole number of minor units, got %s", ch.Amount)
		}
		k := PostingKey("", ch.Campaign, ch.Payer)
		if j, dup := seen[k]; dup {
			return &o2o.ValidationError{Fields: []o2o.FieldError{{Path: path, Reason: fmt.Sprintf("charges campaign %q to %s again (%s)", ch.Campaign, ch.Payer, indexPath("charges", j))}}, Err: o2o.ErrDuplicate}
		}
		seen[k] = i
		sum, _ = sum.Add(ch.Amount)
		switch ch.Payer.Kind {
		case o2o.PartyStore:
			stores, _ = stores.Add(ch.Amount)
		case o2o.PartyPlatform:
			b2c, _ = b2c.Add(ch.Amount)
		default:
			unattributed, _ = unattributed.Add(ch.Amount)
		}
	}
	if !sum.Equal(st.Spend) {
		return o2o.Invalidf("charges", "sum to %s, not the spend %s: the batch would not balance", sum, st.Spend)
	}
	if !stores.Equal(st.Stores) || !b2c.Equal(st.B2C) || !unattributed.Equal(st.Unattributed) {
		return o2o.Invalidf("charges", "give stores %s, B2C %s and unattributed %s, not the statement's %s, %s and %s", stores, b2c, unattributed, st.Stores, st.B2C, st.Unattributed)
	}
	return nil
}

// Post applies the statement's batch (see Batch) to l, all or nothing, and
// returns what the ledger did. Posting the same period again is idempotent:
// every posting is reported as existing and nothing changes. A statement of
// the same period with different charges (a late conversion, a corrected
// spend) is refused whole with a *settlement.ConflictError: correct it with
// reversals, or post it as another period. A statement that moves nothing
// applies nothing and returns an empty Applied.
func (st *Statement) Post(l *settlement.Ledger, cfg PostingConfig) (settlement.Applied, error) {
	if l == nil {
		return settlement.Applied{}, o2o.Invalid("ledger", "is required")
	}
	b, err := st.Batch(cfg)
	if err != nil {
		return settlement.Applied{}, err
	}
	if len(b.Postings) == 0 {
		return settlement.Applied{Results: []settlement.Result{}}, nil
	}
	return l.Apply(b)
}
