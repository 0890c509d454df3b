package o2okit

import (
	"strconv"
	"time"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/workflow"
	"github.com/o2okit/o2okit/workflow/decoration"
)

// ProjectAccounts maps the parties named by a decoration project's intents
// (decoration.PartyOwner, PartyCrew, PartyStore, PartyManufacturer) to ledger
// accounts, for ProjectPostings.
type ProjectAccounts struct {
	// Project is the project's id, the postings' Order.
	Project string `json:"project"`
	// Holding is the platform's account holding the owner's payment.
	Holding string `json:"holding"`
	// Parties maps each party to its account.
	Parties map[string]string `json:"parties"`
	// AtFault maps each kind of compensation (decoration.CompensationNode,
	// …) to the account of the party at fault, who pays it.
	AtFault map[string]string `json:"atFault,omitempty"`
}

// ProjectPostings turns the intents a step of a decoration project or an
// after-sales claim handed back (workflow.Result.Intents) into the
// settlement postings that carry out their money, at instant at: the
// payment held (decoration.IntentHold: from the owner to Holding), a node's
// share released (IntentRelease: from Holding to the crew, the store, the
// manufacturer), what is still held refunded (IntentRefund: from Holding to
// the owner) and compensation (IntentCompensate: from the party at fault
// for the kind recorded in facts' FactCompensationKind to the owner).
// Intents that carry no amounts give none. Each posting is keyed by the
// intent's key and the account, so applying a step's postings twice
// changes nothing. It refuses (o2o.ErrInvalid, naming the intent) a party
// or a kind of compensation with no account, and an intent with amounts
// of another kind.
func ProjectPostings(intents []workflow.Intent, at time.Time, facts workflow.Facts, accounts ProjectAccounts) ([]settlement.Posting, error) {
	var out []settlement.Posting
	for i, in := range intents {
		if len(in.Amounts) == 0 {
			continue
		}
		path := "intents[" + strconv.Itoa(i) + "]"
		account := func(party string) (string, error) {
			if party == decoration.PartyPlatform && accounts.Holding != "" {
				return accounts.Holding, nil
			}
			if a := accounts.Parties[party]; a != "" {
				return a, nil
			}
			return "", o2o.Invalidf(path, "no account for party %q", party)
		}
		r := settlement.Release{Key: in.Key, Order: accounts.Project, At: at, From: accounts.Holding}
		switch in.Kind {
		case decoration.IntentHold:
			r.Kind = settlement.KindHeld
			owner, err := account(decoration.PartyOwner)
			if err != nil {
				return nil, err
			}
			r.From = owner
		case decoration.IntentRelease:
			r.Kind = settlement.KindReleased
		case decoration.IntentRefund:
			r.Kind = settlement.KindRefunded
		case decoration.IntentCompensate:
			r.Kind = settlement.KindCompensation
			kind := facts[decoration.FactCompensationKind]
			if r.From = accounts.AtFault[kind]; r.From == "" {
				return nil, o2o.Invalidf(path, "no account at fault for compensation %q", kind)
			}
		default:
			return nil, o2o.Invalidf(path+".kind", "%q carries amounts but moves no money ProjectPostings knows", in.Kind)
		}
		if r.From == "" {
			return nil, o2o.Invalid("holding", "is required")
		}
		r.Parts = make([]o2o.Part, len(in.Amounts))
		for k, p := range in.Amounts {
			a, err := account(p.Key)
			if err != nil {
				return nil, err
			}
			r.Parts[k] = o2o.Part{Key: a, Amount: p.Amount}
		}
		ps, err := settlement.ReleasePostings(r)
		if err != nil {
			return nil, o2o.Prefix(path, err)
		}
		out = append(out, ps...)
	}
	return out, nil
}
