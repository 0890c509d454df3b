package settlement

import (
	"fmt"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Release is money a step of a project moves, as plain data (a workflow
// intent's key, kind and amounts, mapped to accounts by the caller): from
// one account to each of its parts' accounts.
type Release struct {
	// Key is the intent's key; each posting is keyed Key, a slash and the
	// part's account, so releasing the same intent again changes nothing.
	Key string `json:"key"`
	// Kind is KindHeld, KindReleased, KindRefunded or KindCompensation.
	Kind Kind `json:"kind"`
	// From is the account paying: the customer for held money, the holding
	// account for a release or a refund, the party at fault for
	// compensation.
	From string `json:"from"`
	// Parts are the accounts paid and their amounts, each not negative,
	// all in one currency; a zero part gives no posting. At least one.
	Parts []o2o.Part `json:"parts"`
	// Order is the project's id.
	Order string `json:"order,omitempty"`
	// At is the business instant (the step's).
	At time.Time `json:"at"`
}

// releaseKinds are the kinds a Release may carry.
var releaseKinds = [...]Kind{KindHeld, KindReleased, KindRefunded, KindCompensation}

// ReleasePostings builds the postings of r: one per part with a positive
// amount, in the order of Parts. It refuses (o2o.ErrInvalid, naming the
// field) another kind, no parts, a part without an account or repeated
// (o2o.ErrDuplicate), no key, a negative part, parts in several currencies, and
// anything Posting.Validate refuses. The postings' amounts sum exactly to
// the parts'.
func ReleasePostings(r Release) ([]Posting, error) {
	known := false
	for _, k := range releaseKinds {
		known = known || r.Kind == k
	}
	if !known {
		return nil, o2o.Invalidf("kind", "%q is not held, released, refunded or compensation", string(r.Kind))
	}
	if r.Key == "" {
		return nil, o2o.Invalid("key", "is required")
	}
	if len(r.Parts) == 0 {
		return nil, o2o.Invalid("parts", "must have at least one part")
	}
	seen := make(map[string]int, len(r.Parts))
	out := make([]Posting, 0, len(r.Parts))
	for i, p := range r.Parts {
		path := fmt.Sprintf("parts[%d]", i)
		if first, dup := seen[p.Key]; dup {
			return nil, &o2o.ValidationError{Fields: []o2o.FieldError{{Path: path + ".key", Reason: fmt.Sprintf("repeats %q of parts[%d]", p.Key, first)}}, Err: o2o.ErrDuplicate}
		}
		seen[p.Key] = i
		switch {
		case p.Key == "":
			return nil, o2o.Invalid(path+".key", "is required")
		case p.Amount.IsNegative():
			return nil, o2o.Invalidf(path+".amount", "must not be negative, got %s", p.Amount)
		case p.Amount.Currency() != r.Parts[0].Amount.Currency():
			return nil, fmt.Errorf("%s.amount: %w: %s, parts[0] in %s", path, o2o.ErrCurrencyMismatch, p.Amount.Currency(), r.Parts[0].Amount.Currency())
		case p.Amount.IsZero():
			continue
		}
		post := Posting{Key: r.Key + "/" + p.Key, Kind: r.Kind, From: r.From, To: p.Key, Amount: p.Amount, Order: r.Order, At: r.At}
		if err := post.Validate(); err != nil {
			return nil, o2o.Prefix(path, err)
		}
		out = append(out, post)
	}
	return out, nil
}
