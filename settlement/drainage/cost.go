package drainage

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/o2o"
)

// Campaign is a traffic campaign and what it spent in the period.
type Campaign struct {
	ID    string    `json:"id" validate:"required"`
	Spend o2o.Money `json:"spend"`
}

// Payer says who carries a piece of drainage cost: a store (O2O), the B2C
// operation, or headquarters for cost that reached no store and converted
// nowhere online.
type Payer struct {
	Kind o2o.PartyKind `json:"kind"`
	// ID is the store id for a store; "b2c" for the platform; "headquarters".
	ID string `json:"id"`
	// Channel is the sales mode charged: o2o for a store, b2c for the
	// platform, empty for headquarters.
	Channel o2o.Channel `json:"channel,omitempty"`
}

// The payers that are not stores.
var (
	// PayerB2C is the B2C operation (the online platform).
	PayerB2C = Payer{Kind: o2o.PartyPlatform, ID: "b2c", Channel: o2o.ChannelB2C}
	// PayerHeadquarters keeps unattributed spend on headquarters' account.
	PayerHeadquarters = Payer{Kind: o2o.PartyHeadquarters, ID: "headquarters"}
)

// StorePayer returns the payer for store id.
func StorePayer(id string) Payer {
	return Payer{Kind: o2o.PartyStore, ID: id, Channel: o2o.ChannelO2O}
}

// key orders payers: stores by id, then B2C, then headquarters; o2o.Allocate
// breaks equal remainders by this key.
func (p Payer) key() string {
	switch p.Kind {
	case o2o.PartyStore:
		return "1store:" + p.ID
	case o2o.PartyPlatform:
		return "2b2c"
	}
	return "3headquarters"
}

// String returns "store s1", "b2c" or "headquarters".
func (p Payer) String() string {
	if p.Kind == o2o.PartyStore {
		return "store " + p.ID
	}
	return p.ID
}

// Charge is one drainage-charge posting (引流成本): Payer is charged Amount of
// Campaign's spend, credited to headquarters, which paid the spend. The
// charges of one campaign sum exactly to its spend, so the batch balances.
// A charge to PayerHeadquarters is unattributed spend, kept visibly on
// headquarters' account.
type Charge struct {
	Campaign string    `json:"campaign"`
	Payer    Payer     `json:"payer"`
	Amount   o2o.Money `json:"amount"`
	Basis    Basis     `json:"basis"`
	// Weight is what the amount is in proportion to: touches for the traffic
	// basis, conversions for the conversions basis.
	Weight o2o.Decimal `json:"weight"`
	// Reason explains the charge in a sentence.
	Reason string `json:"reason"`
}

// StoreStatement is what one payer was charged, with an explanation.
type StoreStatement struct {
	Payer       Payer     `json:"payer"`
	Total       o2o.Money `json:"total"`
	Explanation string    `json:"explanation"`
}

// Statement is the drainage-cost allocation of a period: every charge,
// sorted by campaign then payer (stores, then B2C, then headquarters), and
// a statement per payer. Spend = B2C + Stores + Unattributed, exactly.
type Statement struct {
	Basis Basis `json:"basis"`
	// BasisKinds lists the conversion kinds the conversions basis counted;
	// empty means every kind.
	BasisKinds   []ConversionKind `json:"basisKinds,omitempty"`
	Spend        o2o.Money        `json:"spend"`
	Charges      []Charge         `json:"charges"`
	Payers       []StoreStatement `json:"payers"`
	B2C          o2o.Money        `json:"b2c"`
	Stores       o2o.Money        `json:"stores"`
	Unattributed o2o.Money        `json:"unattributed"`
}

// Allocate charges each campaign's spend to the sales modes and stores,
// cent-exact with o2o.Allocate, on the rules' basis:
//
//   - BasisTraffic: in proportion to the campaign's touches each received —
//     an O2O touch bound to a store (a store-bound coupon, a store visit, a
//     ground-push lead routed to it) counts for that store, a B2C touch for
//     B2C. An O2O touch bound to no store (a road show that named none)
//     counts, under the default UnattachedConverted rule, for where its
//     customer converted within that conversion's lookback window (the
//     store of a store visit or deal, B2C for an online payment; several
//     conversions split it by their number, see Drawn), and for
//     headquarters (unattributed) only when the customer converted nowhere;
//     under UnattachedHeadquarters it always counts for headquarters.
//     A store that received traffic pays for it even if it converted none.
//   - BasisConversions: in proportion to the conversions the campaign's
//     sources are credited with: store visits and deals for their store,
//     online payments for B2C.
//
// A campaign with no traffic (or, on the conversions basis, no credited
// conversion) stays whole on headquarters' account. A store with no
// attributed traffic is charged nothing. Equal remainders of a cent go to
// stores first (by id), then B2C, then headquarters.
//
// Errors (wrapping o2o.ErrInvalid): a campaign without an id, a repeated id
// (o2o.ErrDuplicate), a negative spend or one not in whole minor units, or
// spends in different currencies (o2o.ErrCurrencyMismatch).
func (r *Rules) Allocate(res *Result, campaigns []Campaign) (*Statement, error) {
	if res == nil {
		return nil, o2o.Invalid("result", "is required")
	}
	seen := map[string]int{}
	for i, c := range campaigns {
		path := indexPath("campaigns", i)
		if err := o2o.Validate(c); err != nil {
			return nil, o2o.Prefix(path, err)
		}
		if j, dup := seen[c.ID]; dup {
			return nil, &o2o.ValidationError{Fields: []o2o.FieldError{{Path: path + ".id", Reason: fmt.Sprintf("repeats %q of %s", c.ID, indexPath("campaigns", j))}}, Err: o2o.ErrDuplicate}
		}
		seen[c.ID] = i
		if c.Spend.IsNegative() || !c.Spend.IsWhole() {
			return nil, o2o.Invalidf(path+".spend", "must be a non-negative whole number of minor units, got %s", c.Spend)
		}
		if !c.Spend.SameCurrency(campaigns[0].Spend) {
			return nil, fmt.Errorf("%s.spend: %w: %s and %s", path, o2o.ErrCurrencyMismatch, campaigns[0].Spend.Currency(), c.Spend.Currency())
		}
	}
	currency := o2o.CNY
	if len(campaigns) > 0 {
		currency = campaigns[0].Spend.Currency()
	}
	weights := r.weights(res)
	ordered := slices.Clone(campaigns)
	slices.SortFunc(ordered, func(a, b Campaign) int { return cmp.Compare(a.ID, b.ID) })
	st := &Statement{Basis: r.basis, BasisKinds: r.BasisKinds(), Spend: zeroIn(currency), B2C: zeroIn(currency), Stores: zeroIn(currency), Unattributed: zeroIn(currency), Charges: []Charge{}, Payers: []StoreStatement{}}
	payerTotals := map[string]*StoreStatement{}
	payerLines := map[string][]string{}
	for _, c := range ordered {
		st.Spend, _ = st.Spend.Add(c.Spend)
		charges, err := r.allocateCampaign(c, weights[c.ID])
		if err != nil {
			return nil, fmt.Errorf("campaign %s: %w", c.ID, err)
		}
		for _, ch := range charges {
			st.Charges = append(st.Charges, ch)
			switch ch.Payer.Kind {
			case o2o.PartyStore:
				st.Stores, _ = st.Stores.Add(ch.Amount)
			case o2o.PartyPlatform:
				st.B2C, _ = st.B2C.Add(ch.Amount)
			default:
				st.Unattributed, _ = st.Unattributed.Add(ch.Amount)
			}
			k := ch.Payer.key()
			ps := payerTotals[k]
			if ps == nil {
				ps = &StoreStatement{Payer: ch.Payer, Total: zeroIn(currency)}
				payerTotals[k] = ps
			}
			ps.Total, _ = ps.Total.Add(ch.Amount)
			payerLines[k] = append(payerLines[k], fmt.Sprintf("%s %s", ch.Campaign, ch.Amount))
		}
	}
	keys := make([]string, 0, len(payerTotals))
	for k := range payerTotals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ps := payerTotals[k]
		what := "traffic received"
		if r.basis == BasisConversions {
			what = "conversions credited"
		}
		if ps.Payer.Kind == o2o.PartyHeadquarters {
			what := "reached no store and converted nowhere online"
			if r.unattached == UnattachedConverted {
				what = "reached no store and converted nowhere"
			}
			ps.Explanation = fmt.Sprintf("headquarters keeps %s of spend that %s (unattributed): %s", ps.Total, what, strings.Join(payerLines[k], ", "))
		} else {
			ps.Explanation = fmt.Sprintf("%s pays %s of drainage cost (引流成本) by %s: %s", ps.Payer, ps.Total, what, strings.Join(payerLines[k], ", "))
		}
		st.Payers = append(st.Payers, *ps)
	}
	return st, nil
}

// payerWeight is one payer's weight in one campaign: on the traffic basis
// the touches it received and the unattached touches drawn to it (or, for
// headquarters, drawn away from it) in Scale units; on the conversions basis
// its credit units.
type payerWeight struct {
	payer   Payer
	touches int64 // traffic basis: touches received (unattached ones for headquarters)
	drawn   int64 // traffic basis: Scale units of unattached touches drawn to it (away, for headquarters)
	units   int64 // conversions basis: credit units
}

// weight is the payer's weight in Scale units, exactly.
func (w *payerWeight) weight(basis Basis) decimal.Decimal {
	if basis == BasisConversions {
		return decimal.New(w.units, 0)
	}
	d := decimal.New(w.touches, ScaleDigits).Add(decimal.New(w.drawn, 0))
	if w.payer.Kind == o2o.PartyHeadquarters {
		d = decimal.New(w.touches, ScaleDigits).Sub(decimal.New(w.drawn, 0))
	}
	return d
}

// weights returns, per campaign, each payer's weight on the rules' basis.
func (r *Rules) weights(res *Result) map[string]map[string]*payerWeight {
	out := map[string]map[string]*payerWeight{}
	get := func(campaign string, p Payer) *payerWeight {
		m := out[campaign]
		if m == nil {
			m = map[string]*payerWeight{}
			out[campaign] = m
		}
		pw := m[p.key()]
		if pw == nil {
			pw = &payerWeight{payer: p}
			m[p.key()] = pw
		}
		return pw
	}
	if r.basis == BasisTraffic {
		for _, t := range res.Traffic {
			if t.Source.Campaign == "" || t.Touches == 0 {
				continue
			}
			switch {
			case t.Channel == o2o.ChannelB2C:
				get(t.Source.Campaign, PayerB2C).touches += t.Touches
			case t.StoreID != "":
				get(t.Source.Campaign, StorePayer(t.StoreID)).touches += t.Touches
			default:
				get(t.Source.Campaign, PayerHeadquarters).touches += t.Touches
			}
		}
		if r.unattached == UnattachedConverted {
			for _, d := range res.Drawn {
				if d.Source.Campaign == "" || d.Units == 0 {
					continue
				}
				p := PayerB2C
				if d.Channel == o2o.ChannelO2O {
					p = StorePayer(d.StoreID)
				}
				get(d.Source.Campaign, p).drawn += d.Units
				get(d.Source.Campaign, PayerHeadquarters).drawn += d.Units
			}
		}
		for c, m := range out {
			for k, w := range m {
				if w.weight(r.basis).Sign() <= 0 {
					delete(m, k)
				}
			}
			if len(m) == 0 {
				delete(out, c)
			}
		}
		return out
	}
	for _, c := range res.Credits {
		if c.Source.Campaign == "" || c.Units == 0 || !r.basisKinds[conversionIndex(c.Conversion)] {
			continue
		}
		if c.Conversion == ConversionOnlinePayment {
			get(c.Source.Campaign, PayerB2C).units += c.Units
		} else {
			get(c.Source.Campaign, StorePayer(c.StoreID)).units += c.Units
		}
	}
	return out
}

// touchesText formats Scale units as touches, exactly: "3", "1.5".
func touchesText(units decimal.Decimal) string {
	return o2o.FormatDecimal(trimmed(units.Shift(-ScaleDigits)))
}

// trimmed returns d with its trailing fractional zeros removed: 3.000 is 3.
func trimmed(d decimal.Decimal) decimal.Decimal {
	c, e := d.Coefficient(), d.Exponent()
	ten, r := big.NewInt(10), new(big.Int)
	for e < 0 && c.Sign() != 0 {
		q, m := new(big.Int).QuoRem(c, ten, r)
		if m.Sign() != 0 {
			break
		}
		c, e = q, e+1
	}
	if c.Sign() == 0 {
		return decimal.Decimal{}
	}
	return decimal.NewFromBigInt(c, e)
}

func (r *Rules) allocateCampaign(c Campaign, weights map[string]*payerWeight) ([]Charge, error) {
	if len(weights) == 0 {
		reason := "no traffic from this campaign reached a store or B2C"
		if r.basis == BasisConversions {
			reason = "no conversion was credited to this campaign"
		}
		return []Charge{{Campaign: c.ID, Payer: PayerHeadquarters, Amount: c.Spend, Basis: r.basis,
			Weight: o2o.Dec(decimal.Decimal{}), Reason: reason + ": unattributed, kept on headquarters"}}, nil
	}
	keys := make([]string, 0, len(weights))
	for k := range weights {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	shares := make([]o2o.Share, len(keys))
	total := decimal.Decimal{}
	for i, k := range keys {
		shares[i] = o2o.Share{Key: k, Weight: weights[k].weight(r.basis)}
		total = total.Add(shares[i].Weight)
	}
	parts, err := o2o.Allocate(c.Spend, shares)
	if err != nil {
		return nil, err
	}
	out := make([]Charge, len(parts))
	for i, p := range parts {
		w := weights[keys[i]]
		ch := Charge{Campaign: c.ID, Payer: w.payer, Amount: p.Amount, Basis: r.basis}
		if r.basis == BasisTraffic {
			ch.Weight = o2o.Dec(trimmed(shares[i].Weight.Shift(-ScaleDigits)))
			ch.Reason = r.trafficReason(w, ch.Weight, touchesText(total))
		} else {
			ch.Weight = o2o.Dec(decimal.New(w.units, -ScaleDigits))
			ch.Reason = fmt.Sprintf("%s of %s conversions credited", ch.Weight.String(), o2o.FormatDecimal(total.Shift(-ScaleDigits)))
		}
		out[i] = ch
	}
	return out, nil
}

// trafficReason explains a traffic-basis charge.
func (r *Rules) trafficReason(w *payerWeight, weight o2o.Decimal, total string) string {
	drawn := touchesText(decimal.New(w.drawn, 0))
	switch {
	case w.payer.Kind == o2o.PartyHeadquarters && r.unattached != UnattachedConverted:
		return fmt.Sprintf("%s of %s touches reached no store: unattributed, kept on headquarters (rule unattached: headquarters)", weight.String(), total)
	case w.payer.Kind == o2o.PartyHeadquarters && w.drawn == 0:
		return fmt.Sprintf("%s of %s touches reached no store and converted nowhere: unattributed, kept on headquarters", weight.String(), total)
	case w.payer.Kind == o2o.PartyHeadquarters:
		return fmt.Sprintf("%s of %s touches reached no store and converted nowhere (%d unattached, %s charged to where their customers converted): unattributed, kept on headquarters", weight.String(), total, w.touches, drawn)
	case w.drawn == 0:
		return fmt.Sprintf("%s of %s touches", weight.String(), total)
	case w.touches == 0:
		return fmt.Sprintf("%s of %s touches: unattached touches whose customers converted here", weight.String(), total)
	}
	return fmt.Sprintf("%s of %s touches: %d received, %s unattached whose customers converted here", weight.String(), total, w.touches, drawn)
}

// counts reports whether the statement's conversions basis counted
// conversions of kind k.
func (st *Statement) counts(k ConversionKind) bool {
	return len(st.BasisKinds) == 0 || slices.Contains(st.BasisKinds, k)
}
