package bench

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	gv "github.com/govalues/decimal"
	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/pricing"
)

// The peer of the pricing path: what an ERP team would write by hand.
// Plain structs of the same JSON shape as pricing.Request and
// pricing.Quote, decoded and encoded by encoding/json, with the quote's
// arithmetic written with shopspring/decimal.

type pMoney struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type pQty struct {
	Value string `json:"value"`
	Unit  string `json:"unit"`
}

type pPlaced struct {
	Venue   string `json:"venue"`
	StoreID string `json:"storeId,omitempty"`
}

type pObservation struct {
	Source     string    `json:"source"`
	Brand      string    `json:"brand"`
	Model      string    `json:"model"`
	Price      pMoney    `json:"price"`
	ObservedAt time.Time `json:"observedAt"`
	ValidUntil time.Time `json:"validUntil"`
}

type pCampaign struct {
	ID          string `json:"id"`
	Stage       int    `json:"stage"`
	FundingLeft pMoney `json:"fundingLeft"`
}

type pRequest struct {
	SKU          string         `json:"sku"`
	Quantity     pQty           `json:"quantity"`
	Region       string         `json:"region"`
	Channel      string         `json:"channel"`
	Placed       pPlaced        `json:"placed"`
	Segment      string         `json:"segment"`
	AccountID    string         `json:"accountId,omitempty"`
	At           time.Time      `json:"at"`
	Observations []pObservation `json:"observations,omitempty"`
	Campaign     *pCampaign     `json:"campaign,omitempty"`
}

type pBrandModel struct {
	Brand string `json:"brand"`
	Model string `json:"model"`
}

type pFacts struct {
	Region   string       `json:"region,omitempty"`
	Label    string       `json:"label,omitempty"`
	Percent  string       `json:"percent,omitempty"`
	Party    string       `json:"party,omitempty"`
	Product  *pBrandModel `json:"product,omitempty"`
	Figure   *pMoney      `json:"figure,omitempty"`
	Quantity *pQty        `json:"quantity,omitempty"`
	Mode     string       `json:"mode,omitempty"`
	Limit    *pMoney      `json:"limit,omitempty"`
	Cost     *pMoney      `json:"cost,omitempty"`
	Stage    int          `json:"stage,omitempty"`
	Count    int          `json:"count,omitempty"`
}

type pStep struct {
	Rule   string  `json:"rule"`
	Code   string  `json:"code"`
	Reason string  `json:"reason"`
	Base   pMoney  `json:"base"`
	Amount pMoney  `json:"amount"`
	Result pMoney  `json:"result"`
	Facts  *pFacts `json:"facts,omitempty"`
}

type pBenefit struct {
	Rule        string `json:"rule"`
	Stage       int    `json:"stage,omitempty"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Kind        string `json:"kind"`
	Price       pMoney `json:"price"`
	Cost        pMoney `json:"cost"`
	FundedBy    string `json:"fundedBy"`
}

type pFlags struct {
	Matched bool `json:"matched,omitempty"`
	Rounded bool `json:"rounded,omitempty"`
}

type pVAT struct {
	Category string `json:"category"`
	Percent  string `json:"percent"`
	Included pMoney `json:"included"`
}

type pQuote struct {
	SKU        string      `json:"sku"`
	BrandModel pBrandModel `json:"brandModel"`
	Category   string      `json:"category"`
	Region     string      `json:"region"`
	Channel    string      `json:"channel"`
	Placed     pPlaced     `json:"placed"`
	Segment    string      `json:"segment"`
	AccountID  string      `json:"accountId,omitempty"`
	Quantity   pQty        `json:"quantity"`
	At         time.Time   `json:"at"`
	ListPrice  pMoney      `json:"listPrice"`
	ListScope  string      `json:"listScope"`
	Floor      pMoney      `json:"floor"`
	Steps      []pStep     `json:"steps"`
	Benefits   []pBenefit  `json:"benefits,omitempty"`
	Flags      pFlags      `json:"flags"`
	Stage      int         `json:"stage,omitempty"`
	UnitPrice  pMoney      `json:"unitPrice"`
	LineTotal  pMoney      `json:"lineTotal"`
	VAT        *pVAT       `json:"vat,omitempty"`
}

// hand is the quote's arithmetic written by hand with shopspring/decimal,
// every figure the quote shows included: the price from a map, the uplift
// and its cap, the lowest fresh outside observation (own sources
// excluded, ties by source) against the floor and the amount matched,
// rounding with its floor check, the exact line total and its rounding
// difference, the ladder's cost against the funding, and the VAT
// included. It neither validates the request nor explains the quote.
type hand struct {
	prices       map[string]decimal.Decimal
	pct, capAmt  decimal.Decimal
	floor        decimal.Decimal
	own          map[string]bool
	stageCost    []decimal.Decimal
	vat, hundred decimal.Decimal
}

type handFigures struct {
	uplift, matched, unit, exact, difference, total, stageCost, vat decimal.Decimal
	affordable                                                      bool
}

func newHand() hand {
	return hand{
		prices: map[string]decimal.Decimal{"TILE-800|44": decimal.New(9500, -2)},
		pct:    decimal.New(5, -2), capAmt: decimal.New(100, 0), floor: decimal.New(6600, -2),
		own:       map[string]bool{"our-b2c": true, "our-o2o": true},
		stageCost: []decimal.Decimal{decimal.New(800, 0), decimal.New(2000, 0)},
		vat:       decimal.New(13, 0), hundred: decimal.New(100, 0),
	}
}

// handInput is a request's figures as the hand arithmetic reads them.
type handInput struct {
	sku, province string
	at            time.Time
	qty, funding  decimal.Decimal
	obs           []handObs
}

type handObs struct {
	source, brand, model   string
	price                  decimal.Decimal
	observedAt, validUntil time.Time
}

// input parses the plain request's decimals, as a hand-written DTO layer
// must.
func input(r *pRequest) (handInput, error) {
	in := handInput{sku: r.SKU, province: r.Region[:2], at: r.At, obs: make([]handObs, len(r.Observations))}
	var err error
	if in.qty, err = decimal.NewFromString(r.Quantity.Value); err != nil {
		return in, err
	}
	if in.funding, err = decimal.NewFromString(r.Campaign.FundingLeft.Amount); err != nil {
		return in, err
	}
	for i, o := range r.Observations {
		p, err := decimal.NewFromString(o.Price.Amount)
		if err != nil {
			return in, err
		}
		in.obs[i] = handObs{o.Source, o.Brand, o.Model, p, o.ObservedAt, o.ValidUntil}
	}
	return in, nil
}

func inputOf(r pricing.Request) handInput {
	in := handInput{sku: r.SKU, province: r.Region.String()[:2], at: r.At, qty: r.Quantity.Value.Decimal,
		funding: r.Campaign.FundingLeft.Amount()}
	for _, o := range r.Observations {
		in.obs = append(in.obs, handObs{o.Source, o.Brand, o.Model, o.Price.Amount(), o.ObservedAt, o.ValidUntil})
	}
	return in
}

func (h hand) quote(in handInput) (f handFigures) {
	price := h.prices[in.sku+"|"+in.province]
	f.uplift = price.Mul(h.pct)
	if f.uplift.GreaterThan(h.capAmt) {
		f.uplift = h.capAmt
	}
	price = price.Add(f.uplift)
	low, src, found := decimal.Decimal{}, "", false
	for _, o := range in.obs {
		if o.brand != "Mianpeng" || o.model != "T800" || o.observedAt.After(in.at) || !o.validUntil.After(in.at) || h.own[o.source] {
			continue
		}
		if !found || o.price.LessThan(low) || (o.price.Equal(low) && o.source < src) {
			low, src, found = o.price, o.source, true
		}
	}
	if found && low.LessThan(price) {
		next := decimal.Max(low, h.floor)
		f.matched = next.Sub(price)
		price = next
	}
	f.unit = price.RoundBank(2)
	if f.unit.LessThan(h.floor) {
		f.unit = price.RoundCeil(2)
	}
	f.exact = f.unit.Mul(in.qty)
	f.total = f.exact.RoundBank(2)
	f.difference = f.total.Sub(f.exact)
	f.stageCost = h.stageCost[0].Add(h.stageCost[1])
	f.affordable = !in.funding.LessThan(f.stageCost)
	f.vat = f.total.Mul(h.vat).DivRound(h.vat.Add(h.hundred), 12).RoundBank(2)
	return f
}

// money formats an amount as the quote shows it: at least two places.
func money(d decimal.Decimal) pMoney {
	return pMoney{Amount: d.StringFixed(max(2, -d.Exponent())), Currency: "CNY"}
}

// fill writes the hand figures into a copy of the template quote (its
// text fields — reasons, descriptions — taken as they are: the peer does
// not explain itself).
func fill(t *pQuote, r *pRequest, f handFigures) pQuote {
	q := *t
	q.SKU, q.Region, q.Channel, q.Placed, q.Segment, q.AccountID, q.Quantity, q.At =
		r.SKU, r.Region, r.Channel, r.Placed, r.Segment, r.AccountID, r.Quantity, r.At
	q.Steps = append([]pStep(nil), t.Steps...)
	q.Steps[1].Amount = money(f.uplift)
	q.Steps[2].Amount = money(f.matched)
	q.Steps[3].Base, q.Steps[3].Amount = money(f.exact), money(f.difference)
	facts := *q.Steps[5].Facts
	cost := money(f.stageCost)
	facts.Cost = &cost
	q.Steps[5].Facts = &facts
	q.UnitPrice, q.LineTotal = money(f.unit), money(f.total)
	vat := *t.VAT
	vat.Included = money(f.vat)
	q.VAT = &vat
	return q
}

type pricingSetup struct {
	p        *pricing.Policy
	req      pricing.Request
	reqBytes []byte
	quote    pricing.Quote
	template pQuote
	h        hand
}

func newPricingSetup(b testing.TB) *pricingSetup {
	s := &pricingSetup{p: pricingPolicy(b), req: pricingRequest(), h: newHand()}
	var err error
	if s.reqBytes, err = json.Marshal(s.req); err != nil {
		b.Fatal(err)
	}
	if s.quote, err = s.p.Quote(s.req); err != nil {
		b.Fatal(err)
	}
	qb, err := json.Marshal(s.quote)
	if err != nil {
		b.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(qb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s.template); err != nil {
		b.Fatal(err)
	}
	// The peer writes the same bytes from the same figures.
	var pr pRequest
	if err := json.Unmarshal(s.reqBytes, &pr); err != nil {
		b.Fatal(err)
	}
	in, err := input(&pr)
	if err != nil {
		b.Fatal(err)
	}
	f := s.h.quote(in)
	if !f.affordable || s.quote.Stage != 2 {
		b.Fatal("hand and quote disagree on the ladder")
	}
	pb, err := json.Marshal(fill(&s.template, &pr, f))
	if err != nil {
		b.Fatal(err)
	}
	if !bytes.Equal(pb, qb) {
		b.Fatalf("the peer's quote differs from o2okit's:\n%s\n%s", pb, qb)
	}
	return s
}

// gvFigures and gvQuote are the hand arithmetic with govalues/decimal,
// the arithmetic limit (fixed-size decimals, no allocation).
type gvInput struct {
	qty, funding gv.Decimal
	prices       []gv.Decimal
}

func gvOf(in handInput) gvInput {
	g := gvInput{qty: gv.MustParse(in.qty.String()), funding: gv.MustParse(in.funding.String())}
	for _, o := range in.obs {
		g.prices = append(g.prices, gv.MustParse(o.price.String()))
	}
	return g
}

var (
	gvList, gvPct, gvCap, gvFloor = gv.MustNew(9500, 2), gv.MustNew(5, 2), gv.MustNew(100, 0), gv.MustNew(6600, 2)
	gvStage                       = []gv.Decimal{gv.MustNew(800, 0), gv.MustNew(2000, 0)}
	gvVAT, gvHundred              = gv.MustNew(13, 0), gv.MustNew(100, 0)
)

func gvQuote(in handInput, g gvInput) (total, vat gv.Decimal, err error) {
	up, err := gvList.Mul(gvPct)
	if err != nil {
		return
	}
	if up.Cmp(gvCap) > 0 {
		up = gvCap
	}
	price, err := gvList.Add(up)
	if err != nil {
		return
	}
	var low gv.Decimal
	src, found := "", false
	for i, o := range in.obs {
		if o.brand != "Mianpeng" || o.model != "T800" || o.observedAt.After(in.at) || !o.validUntil.After(in.at) {
			continue
		}
		if p := g.prices[i]; !found || p.Less(low) || (p.Equal(low) && o.source < src) {
			low, src, found = p, o.source, true
		}
	}
	if found && low.Less(price) {
		price = low.Max(gvFloor)
	}
	unit := price.Round(2)
	if unit.Less(gvFloor) {
		unit = price.Ceil(2)
	}
	exact, err := unit.Mul(g.qty)
	if err != nil {
		return
	}
	total = exact.Round(2)
	cost, err := gvStage[0].Add(gvStage[1])
	if err != nil {
		return
	}
	_ = !g.funding.Less(cost)
	num, err := total.Mul(gvVAT)
	if err != nil {
		return
	}
	den, err := gvVAT.Add(gvHundred)
	if err != nil {
		return
	}
	vat, err = num.Quo(den)
	return total, vat.Round(2), err
}

// BenchmarkPricing: the whole path (request bytes → quote → quote bytes)
// and each of its parts, o2okit beside encoding/json on plain structs and
// the same arithmetic by hand; and the quote alone beside hand arithmetic
// with shopspring/decimal and with govalues/decimal (the arithmetic limit).
func BenchmarkPricing(b *testing.B) {
	s := newPricingSetup(b)
	runCPU(b, "whole_path/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pricing.Request
			if err := json.Unmarshal(s.reqBytes, &r); err != nil {
				b.Fatal(err)
			}
			q, err := s.p.Quote(r)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(q); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "whole_path/peer-json+shopspring", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pRequest
			if err := json.Unmarshal(s.reqBytes, &r); err != nil {
				b.Fatal(err)
			}
			in, err := input(&r)
			if err != nil {
				b.Fatal(err)
			}
			q := fill(&s.template, &r, s.h.quote(in))
			if _, err := json.Marshal(q); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "whole_path_append/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 8192)
		for b.Loop() {
			var r pricing.Request
			if err := json.Unmarshal(s.reqBytes, &r); err != nil {
				b.Fatal(err)
			}
			q, err := s.p.Quote(r)
			if err != nil {
				b.Fatal(err)
			}
			if buf, err = q.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "whole_path_append/peer-json+shopspring", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pRequest
			if err := json.Unmarshal(s.reqBytes, &r); err != nil {
				b.Fatal(err)
			}
			in, err := input(&r)
			if err != nil {
				b.Fatal(err)
			}
			q := fill(&s.template, &r, s.h.quote(in))
			if _, err := json.Marshal(q); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "decode/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pricing.Request
			if err := json.Unmarshal(s.reqBytes, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "decode/peer-json+shopspring", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pRequest
			if err := json.Unmarshal(s.reqBytes, &r); err != nil {
				b.Fatal(err)
			}
			if _, err := input(&r); err != nil {
				b.Fatal(err)
			}
		}
	})
	in := inputOf(s.req)
	runCPU(b, "quote/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.p.Quote(s.req); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "quote/peer-shopspring", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.h.quote(in)
		}
	})
	g := gvOf(in)
	runCPU(b, "quote/limit-govalues", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := gvQuote(in, g); err != nil {
				b.Fatal(err)
			}
		}
	})
	var pr pRequest
	if err := json.Unmarshal(s.reqBytes, &pr); err != nil {
		b.Fatal(err)
	}
	plain := fill(&s.template, &pr, s.h.quote(in))
	runCPU(b, "encode/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(s.quote); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "encode_append/o2okit", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 8192)
		for b.Loop() {
			var err error
			if buf, err = s.quote.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "encode_append/peer-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plain); err != nil {
				b.Fatal(err)
			}
		}
	})
	runCPU(b, "encode/peer-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}
