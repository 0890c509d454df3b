package pricing

import (
	"fmt"
	"strconv"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// MaxOrderLines is the most lines an OrderRequest may hold; more is
// refused with an error wrapping o2o.ErrInvalid.
const MaxOrderLines = 1000

// OrderLine is one line of an order to price: the SKU and quantity, and
// what is particular to the line (a negotiated price asked for, returned
// goods on clearance).
type OrderLine struct {
	SKU      string       `json:"sku"`
	Quantity o2o.Quantity `json:"quantity"`
	// Negotiated is a requested lower unit price, if any.
	Negotiated *o2o.Money `json:"negotiated,omitempty"`
	// Returned marks clearance goods, if any.
	Returned *Returned `json:"returned,omitempty"`
}

// OrderRequest asks for the prices of the lines of one order. What the
// lines share — the customer's region, the channel, where the order is
// placed, the customer, the instant, the network observations and the
// campaign — is given once; each line brings its SKU and quantity.
// The fields mean what they mean in a Request.
type OrderRequest struct {
	Region       o2o.RegionCode `json:"region"`
	Channel      o2o.Channel    `json:"channel"`
	Placed       o2o.Placement  `json:"placed"`
	Segment      o2o.Segment    `json:"segment"`
	AccountID    string         `json:"accountId,omitempty"`
	At           time.Time      `json:"at"`
	Observations []Observation  `json:"observations,omitempty"`
	Campaign     *Campaign      `json:"campaign,omitempty"`
	// Lines are the order's lines, 1 to MaxOrderLines.
	Lines []OrderLine `json:"lines"`
}

// UnmarshalJSON decodes an order request strictly (unknown fields refused).
func (r *OrderRequest) UnmarshalJSON(data []byte) error {
	type plain OrderRequest
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*r = OrderRequest(p)
	return nil
}

// Request returns line i of the order as a single-line Request, with the
// order's shared fields. Quoted alone, it would carry the per-order
// benefits on that line alone: QuoteOrder grants them once.
func (r OrderRequest) Request(i int) Request {
	l := r.Lines[i]
	return Request{SKU: l.SKU, Quantity: l.Quantity, Region: r.Region, Channel: r.Channel, Placed: r.Placed,
		Segment: r.Segment, AccountID: r.AccountID, At: r.At, Negotiated: l.Negotiated,
		Observations: r.Observations, Campaign: r.Campaign, Returned: l.Returned}
}

// OrderQuote is the price of an order: a quote per line, and what applies
// once per order — the value-added services of a designated group account
// and the promotion ladder's benefits, the campaign's funding drawn once
// for them — and what the customer pays after benefits and paybacks.
//
// Each line's Quote is what Policy.Quote gives for the line without the
// per-order rules: its steps stop at the unit price, line total and VAT,
// and it has no benefits. Steps holds the per-order rules' notes
// (value_added, ladder), in procedure order; their Base and Result are
// the Subtotal and their Amount is zero (benefits never change a price).
// It is a plain value and round-trips through JSON.
type OrderQuote struct {
	// Lines are the line quotes, in the order of the request's lines.
	Lines []Quote `json:"lines"`
	// Steps are the per-order notes: value-added services, the ladder.
	Steps []Step `json:"steps,omitempty"`
	// Benefits are the benefits granted to the order, once: value-added
	// services (funded by headquarters), then the ladder's (funded by the
	// campaign).
	Benefits []Benefit `json:"benefits,omitempty"`
	// Stage is the ladder stage applied (0 for none); StageFallback says a
	// lower stage than the campaign's (or none) applied, for lack of
	// funding.
	Stage         int  `json:"stage,omitempty"`
	StageFallback bool `json:"stageFallback,omitempty"`
	// Subtotal is the sum of the line totals.
	Subtotal o2o.Money `json:"subtotal"`
	// ProductsFree is the part of the subtotal the campaign pays when the
	// ladder gives the products free (免单): the total of the lines the
	// ladder covers (clearance lines are not covered); zero otherwise.
	ProductsFree o2o.Money `json:"productsFree"`
	// PaidBack is the cash the ladder pays back to the customer.
	PaidBack o2o.Money `json:"paidBack"`
	// Payable is what the customer pays: Subtotal − ProductsFree −
	// PaidBack. It is negative when the payback exceeds what is left to
	// pay: the customer then receives money.
	Payable o2o.Money `json:"payable"`
	// FundingDrawn is what the ladder's benefits cost the campaign, drawn
	// once for the order; it is at most the campaign's funding left.
	FundingDrawn o2o.Money `json:"fundingDrawn"`
}

// UnmarshalJSON decodes an order quote strictly (unknown fields refused).
func (q *OrderQuote) UnmarshalJSON(data []byte) error {
	type plain OrderQuote
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*q = OrderQuote(p)
	return nil
}

// QuoteOrder prices the lines of one order. Each line is quoted by the
// procedure as Quote would (list price to VAT); then, once for the order,
// a designated group account receives the value-added services and the
// campaign's ladder stage is checked against the funding left: a stage's
// cost is its services and paybacks once, plus, for products free, the
// total of the lines it covers (every line but clearance goods). The
// stage asked for applies if the funding covers it, else the highest
// affordable lower one (StageFallback), as for a single quote. A line's
// quote never counts the ladder's cost again.
//
// Errors are those of Quote: a fault in a shared field is reported at its
// path ("region", "observations[2].price", "campaign.id"), a fault in a
// line under "lines[i]" ("lines[1].quantity.value"), and a rule's refusal
// of a line wraps its sentinel with the line named. An order without
// lines, or with more than MaxOrderLines, is refused. A refused order
// returns no quote at all.
func (p *Policy) QuoteOrder(req OrderRequest) (OrderQuote, error) {
	switch n := len(req.Lines); {
	case n == 0:
		return OrderQuote{}, o2o.Invalid("lines", "must hold at least one line")
	case n > MaxOrderLines:
		return OrderQuote{}, o2o.Invalidf("lines", "holds %d lines, more than the %d an order may hold", n, MaxOrderLines)
	}
	// The shared fields, once: a probe line that is itself valid.
	probe := req.Request(0)
	probe.SKU, probe.Quantity, probe.Negotiated, probe.Returned = "order", o2o.Qty(oneUnit, o2o.UnitPiece), nil, nil
	if err := p.check(&probe, nil, nil, nil); err != nil {
		return OrderQuote{}, err
	}
	// The lowest fresh outside observation of each brand and model, picked
	// in one pass for every line.
	line := &orderLine{}
	if p.network {
		line.lows = make(map[o2o.BrandModel]pick)
		for i := range req.Observations {
			o := &req.Observations[i]
			if !o.fresh(req.At) {
				continue
			}
			bm := o2o.BrandModel{Brand: o.Brand, Model: o.Model}
			l, ok := line.lows[bm]
			if !ok {
				l = noPick
			}
			p.consider(&l, i, p.in(o.Price), req.Observations)
			line.lows[bm] = l
		}
	}
	if c := req.Campaign; c != nil && p.onLadder && c.Stage > len(p.cfg.Ladder) {
		return OrderQuote{}, fmt.Errorf("order: campaign %s is at stage %d, but the ladder has %d stage(s): %w", c.ID, c.Stage, len(p.cfg.Ladder), ErrLadder)
	}
	out := OrderQuote{Lines: make([]Quote, len(req.Lines))}
	subtotal, covered := p.in(p.zero), p.in(p.zero)
	allClearance := true
	for i := range req.Lines {
		q, err := p.quote(req.Request(i), line)
		if err != nil {
			return OrderQuote{}, o2o.Prefix("lines["+strconv.Itoa(i)+"]", err)
		}
		total := p.in(q.LineTotal)
		subtotal = subtotal.add(total)
		if !q.Flags.Clearance {
			covered = covered.add(total)
			allClearance = false
		}
		out.Lines[i] = q
	}
	// The per-order rules run on a state whose price is the subtotal and
	// whose total is what products free would cover.
	cur := p.book.Currency()
	shared := req.Request(0)
	shared.SKU = "order"
	s := &state{arith: p.arith, req: shared, designated: p.Designated(req.Segment, req.AccountID), cur: cur, zero: p.zero}
	s.zeroN = s.in(p.zero)
	s.price = figure{n: subtotal}
	s.total = figure{n: covered}
	s.q.Flags.Clearance = allClearance
	for _, r := range p.procedure {
		switch r {
		case RuleValueAdded:
			p.valueAdded(s)
		case RuleLadder:
			if err := p.ladder(s); err != nil {
				return OrderQuote{}, err
			}
		}
	}
	out.Steps, out.Benefits, out.Stage, out.StageFallback = s.q.Steps, s.q.Benefits, s.q.Stage, s.q.Flags.StageFallback
	drawn, free, back := s.zeroN, s.zeroN, s.zeroN
	for _, b := range out.Benefits {
		if b.Rule != RuleLadder {
			continue
		}
		drawn = drawn.add(s.in(b.Cost))
		switch b.Kind {
		case BenefitProductsFree:
			free = free.add(s.in(b.Cost))
		case BenefitPayback:
			back = back.add(s.in(b.Cost))
		}
	}
	out.Subtotal = s.show(&s.price)
	out.ProductsFree, out.PaidBack, out.FundingDrawn = s.out(free), s.out(back), s.out(drawn)
	out.Payable = s.out(s.price.n.sub(free).sub(back))
	return out, nil
}

// orderLine is what the lines of one order share once checked: the lowest
// fresh outside observation of each brand and model.
type orderLine struct {
	lows map[o2o.BrandModel]pick
}
