package month

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/settlement/drainage"
)

// Order is one order of the month with what the Engine needs besides it.
type Order struct {
	// Order is the order itself; its ID is unique in the month.
	Order o2o.Order `json:"order"`
	// Circumstances are the campaign, coupons and leads it is evaluated under.
	Circumstances o2okit.Circumstances `json:"circumstances,omitzero"`
	// Credit is the account with an overdraft limit the order posts to (its
	// customer's credit line), "" when it posts to none. Orders that share it
	// are settled in one partition, in posting order (see OrderKey).
	Credit string `json:"credit,omitempty"`
}

// Journey is one customer's touches and conversions in the month: the unit
// drainage attribution cannot split (see drainage.Partial).
type Journey struct {
	Customer    string                `json:"customer"`
	Touches     []drainage.Touch      `json:"touches"`
	Conversions []drainage.Conversion `json:"conversions,omitempty"`
}

// Month is a generated month: its setup, orders and journeys.
type Month struct {
	Setup    *Setup
	Orders   []Order
	Journeys []Journey
}

// year and month are the month generated: March 2026, read in China's zone.
const (
	year  = 2026
	month = time.March
)

// item is a SKU of the sample catalog with the quantities it sells in.
type item struct {
	sku  string
	unit o2o.Unit
	// lo and n give the quantity: lo + rand(n), in tenths for m², whole
	// otherwise.
	lo, n int
}

var items = []item{
	{"TILE-YF600", o2o.UnitSquareMetre, 100, 700},
	{"FLOOR-OAK", o2o.UnitSquareMetre, 150, 600},
	{"CAB-K1", o2o.UnitPiece, 1, 2},
	{"DOOR-S3", o2o.UnitPiece, 1, 4},
	{"SVC-MEASURE", o2o.UnitJob, 1, 1},
	{"SVC-CONSTRUCT", o2o.UnitJob, 1, 1},
	{"SVC-VIDEO", o2o.UnitJob, 1, 1},
}

// goods is how many of items, from the first, are goods (B2C sells goods).
const goods = 4

// quantities returns every quantity an item sells in, in order.
func (it item) quantities() []o2o.Quantity {
	out := make([]o2o.Quantity, it.n)
	for i := range out {
		v := int64(it.lo + i)
		if it.unit == o2o.UnitSquareMetre {
			out[i] = o2o.Qty(decimal.New(v, -1), it.unit)
		} else {
			out[i] = o2o.Qty(decimal.NewFromInt(v), it.unit)
		}
	}
	return out
}

// The month is held in a few large allocations rather than millions of
// small ones, so that the garbage collector, which marks the whole month on
// every cycle of a close, has few objects to visit: ids are cut out of one
// string, order lines, touches and conversions out of one array each, and
// amounts and quantities are shared values (decimals are immutable).

// idList builds many short strings in one allocation.
type idList struct {
	buf  []byte
	ends []int
}

// add appends one id.
func (l *idList) add(format string, args ...any) {
	l.buf = fmt.Appendf(l.buf, format, args...)
	l.ends = append(l.ends, len(l.buf))
}

// strings returns the ids, cut out of one string.
func (l *idList) strings() []string {
	all := string(l.buf)
	out := make([]string, len(l.ends))
	start := 0
	for i, end := range l.ends {
		out[i], start = all[start:end], end
	}
	return out
}

// orderGen holds the shared values orders are made of.
type orderGen struct {
	quantities [][]o2o.Quantity // per item
	funding    []o2o.Money
	customers  [][]string // per province
	lines      []o2o.OrderLine
}

func newOrderGen(s *Setup) *orderGen {
	g := &orderGen{quantities: make([][]o2o.Quantity, len(items)), customers: make([][]string, len(s.provinces))}
	for i, it := range items {
		g.quantities[i] = it.quantities()
	}
	for k := range 20 {
		g.funding = append(g.funding, fen(int64(2000+1000*k)*100))
	}
	for p, prov := range s.provinces {
		var ids idList
		for c := range s.Config.Customers {
			ids.add("c%s-%05d", prov.code.String()[:2], c)
		}
		g.customers[p] = ids.strings()
	}
	g.lines = make([]o2o.OrderLine, 0, s.Config.Lines)
	return g
}

// Generate returns the month cfg describes: orders spread evenly over
// March 2026 in id order (SO-0000001 first), each of one to three lines, of
// retail customers across the network's provinces and of group-account
// customers buying on their credit line; and one journey per customer of the
// attribution data, with touches of the rulebook's drainage campaigns and
// organic ones, and store visits, deals and online payments. The same cfg
// gives the same month.
func Generate(cfg Config) (*Month, error) {
	s, err := NewSetup(cfg)
	if err != nil {
		return nil, err
	}
	return s.generate(), nil
}

// generate generates the month of the setup's Config.
func (s *Setup) generate() *Month {
	m := &Month{Setup: s}
	r := rand.New(rand.NewPCG(uint64(s.Config.Seed), 1))
	m.Orders = generateOrders(s, r)
	r = rand.New(rand.NewPCG(uint64(s.Config.Seed), 2))
	m.Journeys = generateJourneys(s, r)
	return m
}

// generateOrders makes orders until they hold cfg.Lines lines.
func generateOrders(s *Setup, r *rand.Rand) []Order {
	cfg := s.Config
	g := newOrderGen(s)
	out := make([]Order, 0, cfg.Lines/2+1)
	span := s.Period.To.Sub(s.Period.From)
	first := s.Period.From.Add(8 * time.Hour)
	span -= 12 * time.Hour // from 08:00 on the 1st to 20:00 on the last day
	var ids idList
	for lines := 0; lines < cfg.Lines; {
		at := first.Add(time.Duration(float64(span) * float64(lines) / float64(cfg.Lines))).Truncate(time.Second)
		ids.add("SO-%07d", len(out)+1)
		o := s.order(r, g, at, min(1+r.IntN(3), cfg.Lines-lines))
		lines += len(o.Order.Lines)
		out = append(out, o)
	}
	for i, id := range ids.strings() {
		o := &out[i]
		o.Order.ID = id
		for k := range o.Circumstances.Coupons {
			o.Circumstances.Coupons[k].Code = "CPN-" + id
		}
	}
	return out
}

// order makes an order of up to want lines, without its id.
func (s *Setup) order(r *rand.Rand, g *orderGen, at time.Time, want int) Order {
	pi := r.IntN(len(s.provinces))
	p := &s.provinces[pi]
	k := r.IntN(len(p.counties))
	county, store := p.counties[k], p.stores[k]
	o := o2o.Order{
		Channel:  o2o.ChannelO2O,
		Customer: o2o.Customer{ID: g.customers[pi][r.IntN(s.Config.Customers)], Segment: o2o.SegmentRetail, Home: county},
		Delivery: county,
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		At:       at,
	}
	var out Order
	if s.Config.GroupShare > 0 && r.IntN(100) < s.Config.GroupShare {
		o.Customer = o2o.Customer{ID: s.credit[pi][r.IntN(s.Config.CreditCustomers)], AccountID: groupAccount,
			Segment: o2o.SegmentGroup, Home: county}
		out.Credit = o.Customer.ID
	} else if r.IntN(12) == 0 {
		o.Customer.Segment = o2o.SegmentRural
	}
	switch k := r.IntN(10); {
	case k < 3: // B2C: paid online on the platform
		o.Channel, o.PaidOnline = o2o.ChannelB2C, true
	case k < 6 && store != "": // at the store's counter or on its screen
		o.Placed = o2o.Placement{Venue: o2o.VenueStore, StoreID: store}
		if k == 5 {
			o.Placed.Venue = o2o.VenueStoreScreen
		}
	}
	var picked [8]bool
	from := len(g.lines)
	for len(g.lines)-from < want {
		j := r.IntN(len(items))
		if o.Channel == o2o.ChannelB2C {
			j = r.IntN(goods)
		}
		if picked[j] {
			continue
		}
		picked[j] = true
		g.lines = append(g.lines, o2o.OrderLine{SKU: items[j].sku, Quantity: g.quantities[j][r.IntN(items[j].n)]})
	}
	o.Lines = g.lines[from:len(g.lines):len(g.lines)]
	out.Order = o
	if r.IntN(4) == 0 {
		out.Circumstances.Campaign = &pricing.Campaign{ID: "spring-ladder", Stage: 1 + r.IntN(2), FundingLeft: g.funding[r.IntN(len(g.funding))]}
	}
	if o.Channel == o2o.ChannelB2C && store != "" && r.IntN(3) == 0 {
		out.Circumstances.Coupons = []channel.Coupon{{Customer: o.Customer.ID, Store: store}}
	}
	return out
}

// groupAccount is the sample rulebook's designated group account.
const groupAccount = "G-CITYBUILD"

// creditCustomer names the k-th credit customer of a province.
func creditCustomer(prov o2o.RegionCode, k int) string {
	return fmt.Sprintf("grp%s-%02d", prov.String()[:2], k)
}

// touchKinds are the touches a journey is made of, with their campaign
// (the rulebook's drainage campaigns, or none: organic).
var touchKinds = []struct {
	kind     drainage.TouchKind
	campaign string
	o2o      bool // an O2O touch, bound to the customer's store
}{
	{drainage.KindSearchAd, "spring-search", false},
	{drainage.KindSearchAd, "spring-search", true},
	{drainage.KindRoadShow, "village-roadshow", true},
	{drainage.KindGroundPush, "village-roadshow", true},
	{drainage.KindStoreCoupon, "", true},
	{drainage.KindOnlineVisit, "", false},
	{drainage.KindStoreVisit, "", true},
	{drainage.KindPaidAdReading, "spring-search", false},
}

// journeyGen holds what journeys are made of: one array of touches and one
// of conversions for all of them, their ids, and shared amounts.
type journeyGen struct {
	touches           []drainage.Touch
	convs             []drainage.Conversion
	touchIDs, convIDs idList
	deals, payments   []o2o.Money
	span              int64
}

// amountTable is how many distinct amounts deals and online payments draw
// from.
const amountTable = 4096

// amounts returns amountTable amounts of lo to lo+n fen.
func amounts(r *rand.Rand, lo, n int) []o2o.Money {
	out := make([]o2o.Money, amountTable)
	for i := range out {
		out[i] = fen(int64(lo + r.IntN(n)))
	}
	return out
}

// generateJourneys makes cfg.Journeys journeys, one customer each.
func generateJourneys(s *Setup, r *rand.Rand) []Journey {
	n := s.Config.Journeys
	g := &journeyGen{touches: make([]drainage.Touch, 0, n*5/2+4), convs: make([]drainage.Conversion, 0, n+4),
		deals: amounts(r, 50_000, 5_000_000), payments: amounts(r, 5_000, 1_000_000),
		span: int64(s.Period.To.Sub(s.Period.From) / time.Second)}
	var customers idList
	tEnd, cEnd := make([]int, n), make([]int, n)
	for i := range n {
		customers.add("u%08d", i)
		s.journey(r, g, i)
		tEnd[i], cEnd[i] = len(g.touches), len(g.convs)
	}
	cust, tids, cids := customers.strings(), g.touchIDs.strings(), g.convIDs.strings()
	out := make([]Journey, n)
	t0, c0 := 0, 0
	for i := range out {
		j := &out[i]
		j.Customer, j.Touches = cust[i], g.touches[t0:tEnd[i]:tEnd[i]]
		for k := range j.Touches {
			j.Touches[k].ID, j.Touches[k].Customer = tids[t0+k], cust[i]
		}
		if cEnd[i] > c0 {
			j.Conversions = g.convs[c0:cEnd[i]:cEnd[i]]
			for k := range j.Conversions {
				j.Conversions[k].ID, j.Conversions[k].Customer = cids[c0+k], cust[i]
			}
		}
		t0, c0 = tEnd[i], cEnd[i]
	}
	return out
}

// journey appends the i-th journey's touches and conversions, without
// their ids and customer: one to four touches, then up to two conversions
// after them.
func (s *Setup) journey(r *rand.Rand, g *journeyGen, i int) {
	p := &s.provinces[r.IntN(len(s.provinces))]
	store := p.stores[r.IntN(len(p.stores))]
	if store == "" {
		store = p.stores[0]
	}
	at := s.Period.From.Add(time.Duration(r.Int64N(g.span*3/4)) * time.Second)
	for k := range 1 + r.IntN(4) {
		tk := touchKinds[r.IntN(len(touchKinds))]
		t := drainage.Touch{At: at, Channel: o2o.ChannelB2C, Kind: tk.kind, Campaign: tk.campaign}
		if tk.o2o {
			t.Channel = o2o.ChannelO2O
			if tk.kind != drainage.KindRoadShow || r.IntN(2) == 0 {
				t.StoreID = store
			}
		}
		g.touches = append(g.touches, t)
		g.touchIDs.add("t%08d-%d", i, k)
		at = at.Add(time.Duration(1+r.IntN(36*3600)) * time.Second)
	}
	for k := range r.IntN(3) {
		c := drainage.Conversion{At: at, Value: o2o.CNY.Zero()}
		switch r.IntN(3) {
		case 0:
			c.Kind, c.StoreID = drainage.ConversionStoreVisit, store
		case 1:
			c.Kind, c.StoreID, c.Value = drainage.ConversionDeal, store, g.deals[r.IntN(amountTable)]
		default:
			c.Kind, c.Value = drainage.ConversionOnlinePayment, g.payments[r.IntN(amountTable)]
		}
		g.convs = append(g.convs, c)
		g.convIDs.add("v%08d-%d", i, k)
		at = at.Add(time.Duration(1+r.IntN(24*3600)) * time.Second)
	}
}

// Setup is what every step of the close shares, built from the Config alone
// (so that a worker on another machine can build it again): the national
// rulebook, its Engine and drainage rules, the campaigns, the credit lines
// and the period.
type Setup struct {
	Config    Config
	Rulebook  *o2okit.Rulebook
	Engine    *o2okit.Engine
	Drainage  *drainage.Rules
	Campaigns []drainage.Campaign
	// Limits are the credit lines: an overdraft limit on each credit
	// customer's account.
	Limits []settlement.Limit
	// Period is the month closed.
	Period    settlement.Period
	provinces []province
	credit    [][]string // the credit customers of each province
}

// NewSetup builds the setup of a month. Errors wrap o2o.ErrInvalid.
func NewSetup(cfg Config) (*Setup, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rb, provs, err := national(cfg.Provinces)
	if err != nil {
		return nil, err
	}
	e, err := o2okit.NewEngine(rb)
	if err != nil {
		return nil, err
	}
	s := &Setup{Rulebook: rb, Engine: e, Drainage: rb.Drainage(), Campaigns: rb.Campaigns(),
		Period: settlement.Month(year, month, nil), provinces: provs}
	return s.with(cfg), nil
}

// with returns a copy of the setup for cfg, a valid Config of the same
// number of provinces: the same rulebook and Engine, cfg's credit lines.
func (s *Setup) with(cfg Config) *Setup {
	out := *s
	out.Config, out.Limits, out.credit = cfg, nil, make([][]string, len(s.provinces))
	limit := fen(cfg.CreditLimit * 100)
	for i, p := range s.provinces {
		for k := range cfg.CreditCustomers {
			out.credit[i] = append(out.credit[i], creditCustomer(p.code, k))
			out.Limits = append(out.Limits, settlement.Limit{Account: out.credit[i][k], Overdraft: limit})
		}
	}
	return &out
}

// fen returns an amount in fen (minor units) of CNY.
func fen(units int64) o2o.Money { return o2o.NewMoney(decimal.New(units, -2)) }
