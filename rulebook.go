package o2okit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/internal/limits"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/settlement/drainage"
	"github.com/o2okit/o2okit/workflow"
)

// SchemaVersion is the rulebook schema this SDK reads and writes. A rulebook
// naming another version is refused: a later schema may mean something this
// SDK does not know, and an earlier one is migrated by the tool that wrote it.
const SchemaVersion = 1

// ErrSchemaVersion reports a rulebook whose schemaVersion is missing or is not
// SchemaVersion.
var ErrSchemaVersion = fmt.Errorf("%w: unsupported rulebook schema version", o2o.ErrInvalid)

// Rulebook is every rule of every package in one versioned document, loaded
// and checked at once by LoadRulebook: the catalog, the price book and the
// pricing policy, the channel network, the split rules, and optionally the
// drainage attribution rules, the drainage campaigns and their spend,
// workflow definitions, the budget authority and the investors'
// co-investment terms.
// The Engine has no settings of its own: the online platform's id is the
// channel section's "platform", and whether a serving store that is also the
// store of the customer's region gets the transfer payment too is the split
// section's "sameStore", which a rulebook must state.
//
// Its JSON form is
//
//	{"schemaVersion":1,"catalog":{…},"priceBook":{…},"pricing":{…},
//	 "channel":{…},"split":{…},"drainage":{…},"workflows":[…],
//	 "campaigns":[…],"budget":{…},"coInvestment":[…]}
//
// where each section is exactly what its package's own loader reads
// (o2o.ParseCatalogJSON, pricing.ParseBookJSON, pricing.ParseConfig,
// channel.ParseConfig, settlement.SplitConfig, drainage.ParseConfig,
// workflow.ParseSpec, settlement.AuthorityConfig) and coInvestment is a list
// of settlement.CoInvestTerms, each for a store of the channel section, in
// the price book's currency, one per store and investor. campaigns lists
// the drainage campaigns the network runs (drainage.Campaign: an id and the
// traffic spend of the period the rulebook covers, which drainage's cost
// allocation charges to sales modes and stores), each id once, in the price
// book's currency. drainage, campaigns, workflows, budget and coInvestment
// may be left out.
//
// A Rulebook is immutable once loaded and safe for concurrent use.
type Rulebook struct {
	catalog   *o2o.Catalog
	book      *pricing.Book
	policy    *pricing.Policy
	network   *channel.Network
	splitter  *settlement.Splitter
	drainage  *drainage.Rules
	workflows []*workflow.Definition
	authority *settlement.Authority
	coinvest  []settlement.CoInvestTerms
	campaigns []drainage.Campaign
}

// rulebookDoc is the document's shape; each section is decoded by its own
// package's loader.
type rulebookDoc struct {
	SchemaVersion *int            `json:"schemaVersion"`
	Catalog       json.RawMessage `json:"catalog"`
	PriceBook     json.RawMessage `json:"priceBook"`
	Pricing       json.RawMessage `json:"pricing"`
	Channel       json.RawMessage `json:"channel"`
	Split         json.RawMessage `json:"split"`
	Drainage      json.RawMessage `json:"drainage,omitempty"`
	Workflows     json.RawMessage `json:"workflows,omitempty"`
	Budget        json.RawMessage `json:"budget,omitempty"`
	Campaigns     json.RawMessage `json:"campaigns,omitempty"`
	CoInvestment  json.RawMessage `json:"coInvestment,omitempty"`
}

// RulebookError lists every fault LoadRulebook found, across all sections,
// each with its JSON path from the document's root ("pricing.uplift.cap",
// "channel.stores[2].covers[0]", "priceBook.entries[4]"). At most
// limits.MaxFaults (100) faults are listed; Omitted counts the rest.
// errors.Is finds o2o.ErrInvalid and each section's own sentinel
// (pricing.ErrOverlap, channel.ErrOverlap, ErrSchemaVersion, …); errors.As
// finds each section's own typed error.
type RulebookError struct {
	// Faults are the faults, section by section in document order.
	Faults []o2o.FieldError
	// Omitted is how many faults were found beyond those listed.
	Omitted int
	// Errs are the sections' own errors, for errors.Is and errors.As.
	Errs []error
}

// Error lists the faults: "rulebook: pricing.uplift.cap: …; channel.stores[0].id: …".
func (e *RulebookError) Error() string {
	var b strings.Builder
	b.WriteString("rulebook: ")
	for i, f := range e.Faults {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "; and %d more", e.Omitted)
	}
	return b.String()
}

// Unwrap returns o2o.ErrInvalid and every section's own error.
func (e *RulebookError) Unwrap() []error {
	return append([]error{o2o.ErrInvalid}, e.Errs...)
}

type faults struct{ e RulebookError }

// add records a section's error with its faults under prefix.
func (f *faults) add(prefix string, err error) {
	if err == nil {
		return
	}
	f.e.Errs = append(f.e.Errs, err)
	var list []o2o.FieldError
	var ve *o2o.ValidationError
	var be *pricing.BookError
	var oe *channel.OverlapError
	switch {
	case errors.As(err, &be):
		for _, ef := range be.Faults {
			list = append(list, o2o.FieldError{Path: fmt.Sprintf("entries[%d]", ef.Index), Reason: ef.Reason})
		}
	case errors.As(err, &ve):
		list = ve.Fields
	case errors.As(err, &oe):
		list = append(list, o2o.FieldError{Path: oe.Path, Reason: strings.TrimPrefix(oe.Error(), oe.Path+": ")})
	default:
		list = []o2o.FieldError{{Reason: strings.TrimPrefix(err.Error(), o2o.ErrInvalid.Error()+": ")}}
	}
	for _, fe := range list {
		if len(f.e.Faults) >= limits.MaxFaults {
			f.e.Omitted++
			continue
		}
		path := prefix
		switch {
		case fe.Path == "":
		case strings.HasPrefix(fe.Path, "["):
			path += fe.Path
		case prefix == "":
			path = fe.Path
		default:
			path += "." + fe.Path
		}
		f.e.Faults = append(f.e.Faults, o2o.FieldError{Path: path, Reason: fe.Reason})
	}
}

func (f *faults) err() error {
	if len(f.e.Faults) == 0 && f.e.Omitted == 0 {
		return nil
	}
	e := f.e
	return &e
}

// LoadRulebook decodes and checks a rulebook (see Rulebook) and builds every
// section with its package's own loader. It checks the whole document before
// answering: the error is a *RulebookError listing every fault of every
// section with its JSON path (up to limits.MaxFaults). It refuses an
// unsupported or missing schemaVersion (ErrSchemaVersion), unknown fields at
// any level, a missing required section, a document nested deeper than
// limits.MaxDepth (128) or with an object of more than limits.MaxKeys (10,000)
// keys, and a split currency other than the price book's.
// A section that depends on one at fault (the price book on the catalog,
// the policy on the book) is decoded but not built, so its shape faults are
// still reported. Every error wraps o2o.ErrInvalid.
func LoadRulebook(data []byte) (*Rulebook, error) {
	var f faults
	var doc rulebookDoc
	if err := o2o.DecodeJSON(data, &doc); err != nil {
		f.add("", err)
		return nil, f.err()
	}
	switch {
	case doc.SchemaVersion == nil:
		f.add("schemaVersion", &o2o.ValidationError{Fields: []o2o.FieldError{{Reason: "is required"}}, Err: ErrSchemaVersion})
	case *doc.SchemaVersion != SchemaVersion:
		f.add("schemaVersion", &o2o.ValidationError{Fields: []o2o.FieldError{{Reason: fmt.Sprintf("%d is not supported (this SDK reads %d)", *doc.SchemaVersion, SchemaVersion)}}, Err: ErrSchemaVersion})
	}
	rb := &Rulebook{}
	required := func(name string, raw json.RawMessage) bool {
		if len(raw) == 0 || string(raw) == "null" {
			f.add(name, o2o.Invalid("", "is required"))
			return false
		}
		return true
	}
	var err error
	if required("catalog", doc.Catalog) {
		rb.catalog, err = o2o.ParseCatalogJSON(doc.Catalog)
		f.add("catalog", err)
	}
	if required("priceBook", doc.PriceBook) {
		if rb.catalog != nil {
			rb.book, err = pricing.ParseBookJSON(rb.catalog, doc.PriceBook)
			f.add("priceBook", err)
		} else {
			var shape struct {
				Entries []pricing.Entry `json:"entries"`
			}
			f.add("priceBook", o2o.DecodeJSON(doc.PriceBook, &shape))
		}
	}
	if required("pricing", doc.Pricing) {
		cfg, err := pricing.ParseConfig(doc.Pricing)
		f.add("pricing", err)
		if err == nil && rb.book != nil {
			rb.policy, err = cfg.Build(rb.book)
			f.add("pricing", err)
		}
	}
	if required("channel", doc.Channel) {
		cfg, err := channel.ParseConfig(doc.Channel)
		f.add("channel", err)
		if err == nil && rb.catalog != nil {
			rb.network, err = cfg.Build(rb.catalog)
			f.add("channel", err)
		}
	}
	if required("split", doc.Split) {
		var cfg settlement.SplitConfig
		err := o2o.DecodeJSON(doc.Split, &cfg)
		f.add("split", err)
		if err == nil && cfg.SameStore == "" {
			f.add("split.sameStore", o2o.Invalid("", `is required in a rulebook: "both" or "commission_only" (whether a store serving an online order that is also the store of the customer's region gets the transfer payment too)`))
		}
		if err == nil {
			rb.splitter, err = cfg.Build()
			f.add("split", err)
			if err == nil && rb.book != nil && cfg.Currency.String() != rb.book.Currency().String() {
				f.add("split.currency", fmt.Errorf("%w: %s, but the price book is in %s", o2o.ErrCurrencyMismatch, cfg.Currency, rb.book.Currency()))
			}
		}
	}
	if len(doc.Drainage) > 0 && string(doc.Drainage) != "null" {
		rb.drainage, err = drainage.ParseConfig(doc.Drainage)
		f.add("drainage", err)
	}
	if len(doc.Workflows) > 0 && string(doc.Workflows) != "null" {
		var specs []json.RawMessage
		err := o2o.DecodeJSON(doc.Workflows, &specs)
		f.add("workflows", err)
		seen := map[string]int{}
		for i, raw := range specs {
			def, err := workflow.ParseSpec(raw)
			path := fmt.Sprintf("workflows[%d]", i)
			f.add(path, err)
			if err != nil {
				continue
			}
			if j, dup := seen[def.Name()]; dup {
				f.add(path+".name", o2o.InvalidAs(o2o.ErrDuplicate, "", fmt.Sprintf("%q is also workflows[%d]", def.Name(), j)))
				continue
			}
			seen[def.Name()] = i
			rb.workflows = append(rb.workflows, def)
		}
	}
	if len(doc.Budget) > 0 && string(doc.Budget) != "null" {
		var cfg settlement.AuthorityConfig
		err := o2o.DecodeJSON(doc.Budget, &cfg)
		f.add("budget", err)
		if err == nil {
			rb.authority, err = cfg.Build()
			f.add("budget", err)
		}
	}
	if len(doc.Campaigns) > 0 && string(doc.Campaigns) != "null" {
		rb.campaigns = loadCampaigns(&f, doc.Campaigns, rb)
	}
	if len(doc.CoInvestment) > 0 && string(doc.CoInvestment) != "null" {
		rb.coinvest = loadCoInvestment(&f, doc.CoInvestment, rb)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return rb, nil
}

// loadCampaigns decodes and checks the drainage campaigns: each has an id
// given once and a spend that is not negative, in the price book's currency.
func loadCampaigns(f *faults, raw json.RawMessage, rb *Rulebook) []drainage.Campaign {
	var cs []drainage.Campaign
	if err := o2o.DecodeJSON(raw, &cs); err != nil {
		f.add("campaigns", err)
		return nil
	}
	seen := map[string]int{}
	for i, c := range cs {
		path := fmt.Sprintf("campaigns[%d]", i)
		if err := o2o.Validate(c); err != nil {
			f.add(path, err)
			continue
		}
		if c.Spend.IsNegative() {
			f.add(path+".spend", o2o.Invalidf("", "must not be negative, got %s", c.Spend))
		}
		if rb.book != nil && c.Spend.Currency() != rb.book.Currency() {
			f.add(path+".spend", fmt.Errorf("%w: %s, but the price book is in %s", o2o.ErrCurrencyMismatch, c.Spend.Currency(), rb.book.Currency()))
		}
		if j, dup := seen[c.ID]; dup {
			f.add(path+".id", o2o.InvalidAs(o2o.ErrDuplicate, "", fmt.Sprintf("repeats campaign %q of campaigns[%d]", c.ID, j)))
			continue
		}
		seen[c.ID] = i
	}
	return cs
}

// loadCoInvestment decodes and checks the co-investment terms: each opens a
// valid position, names a store of the network, is in the price book's
// currency, and no store and investor are listed twice.
func loadCoInvestment(f *faults, raw json.RawMessage, rb *Rulebook) []settlement.CoInvestTerms {
	var terms []settlement.CoInvestTerms
	if err := o2o.DecodeJSON(raw, &terms); err != nil {
		f.add("coInvestment", err)
		return nil
	}
	type key struct{ store, investor string }
	seen := map[key]int{}
	for i, t := range terms {
		path := fmt.Sprintf("coInvestment[%d]", i)
		if _, err := t.Open(); err != nil {
			f.add(path, err)
			continue
		}
		if rb.network != nil && !rb.network.Has(channel.Store(t.Store)) {
			f.add(path+".store", o2o.Invalidf("", "%q is not a store of the channel section", t.Store))
		}
		if rb.book != nil && t.AdvanceLimit.Currency() != rb.book.Currency() {
			f.add(path+".advanceLimit", fmt.Errorf("%w: %s, but the price book is in %s", o2o.ErrCurrencyMismatch, t.AdvanceLimit.Currency(), rb.book.Currency()))
		}
		k := key{t.Store, t.Investor}
		if j, dup := seen[k]; dup {
			f.add(path, o2o.InvalidAs(o2o.ErrDuplicate, "", fmt.Sprintf("repeats store %q and investor %q of coInvestment[%d]", t.Store, t.Investor, j)))
			continue
		}
		seen[k] = i
	}
	return terms
}

// MarshalJSON writes the rulebook in its JSON form, each section as its
// package writes it. LoadRulebook reads it back, and marshalling the loaded
// rulebook again gives the same bytes.
func (rb *Rulebook) MarshalJSON() ([]byte, error) {
	var doc rulebookDoc
	v := SchemaVersion
	doc.SchemaVersion = &v
	var err error
	section := func(dst *json.RawMessage, m any) {
		if err != nil {
			return
		}
		var b []byte
		b, err = json.Marshal(m)
		*dst = b
	}
	section(&doc.Catalog, rb.catalog)
	section(&doc.PriceBook, rb.book)
	section(&doc.Pricing, rb.policy.Config())
	section(&doc.Channel, rb.network)
	section(&doc.Split, rb.splitter)
	if rb.drainage != nil {
		section(&doc.Drainage, rb.drainage)
	}
	if len(rb.workflows) > 0 {
		specs := make([]workflow.Spec, len(rb.workflows))
		for i, d := range rb.workflows {
			specs[i] = d.Spec()
		}
		section(&doc.Workflows, specs)
	}
	if rb.authority != nil {
		section(&doc.Budget, rb.authority)
	}
	if len(rb.campaigns) > 0 {
		section(&doc.Campaigns, rb.campaigns)
	}
	if len(rb.coinvest) > 0 {
		section(&doc.CoInvestment, rb.coinvest)
	}
	if err != nil {
		return nil, fmt.Errorf("rulebook: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("rulebook: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Catalog returns the rulebook's catalog.
func (rb *Rulebook) Catalog() *o2o.Catalog { return rb.catalog }

// Policy returns the rulebook's pricing policy (its Book is the price book).
func (rb *Rulebook) Policy() *pricing.Policy { return rb.policy }

// Network returns the rulebook's channel network.
func (rb *Rulebook) Network() *channel.Network { return rb.network }

// Splitter returns the rulebook's split rules.
func (rb *Rulebook) Splitter() *settlement.Splitter { return rb.splitter }

// Drainage returns the rulebook's drainage attribution rules, nil when the
// rulebook has none.
func (rb *Rulebook) Drainage() *drainage.Rules { return rb.drainage }

// Workflow returns the workflow definition with the name, and whether the
// rulebook has one.
func (rb *Rulebook) Workflow(name string) (*workflow.Definition, bool) {
	for _, d := range rb.workflows {
		if d.Name() == name {
			return d, true
		}
	}
	return nil, false
}

// Campaigns returns a copy of the drainage campaigns and their spend, in
// document order.
func (rb *Rulebook) Campaigns() []drainage.Campaign { return slices.Clone(rb.campaigns) }

// CoInvestment returns a copy of the investors' co-investment terms, in
// document order; settlement.CoInvestTerms.Open gives each one's opening
// position.
func (rb *Rulebook) CoInvestment() []settlement.CoInvestTerms {
	out := make([]settlement.CoInvestTerms, len(rb.coinvest))
	for i, t := range rb.coinvest {
		if t.Installment != nil {
			m := *t.Installment
			t.Installment = &m
		}
		out[i] = t
	}
	return out
}

// Authority returns the rulebook's budget authority, nil when it has none.
func (rb *Rulebook) Authority() *settlement.Authority { return rb.authority }
