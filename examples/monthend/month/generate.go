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

func (it item) quantity(r *rand.Rand) o2o.Quantity {
	v := it.lo + r.IntN(it.n)
	if it.unit == o2o.UnitSquareMetre {
		return o2o.Qty(decimal.New(int64(v), -1), it.unit)
	}
	return o2o.Qty(decimal.NewFromInt(int64(v)), it.unit)
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
	out := make([]Order, 0, cfg.Lines/2+1)
	span := s.Period.To.Sub(s.Period.From)
	first := s.Period.From.Add(8 * time.Hour)
	span -= 12 * time.Hour // from 08:00 on the 1st to 20:00 on the last day
	for lines := 0; lines < cfg.Lines; {
		at := first.Add(time.Duration(float64(span) * float64(lines) / float64(cfg.Lines))).Truncate(time.Second)
		o := s.order(r, len(out)+1, at, min(1+r.IntN(3), cfg.Lines-lines))
		lines += len(o.Order.Lines)
		out = append(out, o)
	}
	return out
}

// order makes the n-th order with up to want lines.
func (s *Setup) order(r *rand.Rand, n int, at time.Time, want int) Order {
	p := &s.provinces[r.IntN(len(s.provinces))]
	k := r.IntN(len(p.counties))
	county, store := p.counties[k], p.stores[k]
	o := o2o.Order{
		ID:       fmt.Sprintf("SO-%07d", n),
		Channel:  o2o.ChannelO2O,
		Customer: o2o.Customer{ID: fmt.Sprintf("c%s-%05d", p.code.String()[:2], r.IntN(s.Config.Customers)), Segment: o2o.SegmentRetail, Home: county},
		Delivery: county,
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		At:       at,
	}
	var out Order
	if s.Config.GroupShare > 0 && r.IntN(100) < s.Config.GroupShare {
		o.Customer = o2o.Customer{ID: creditCustomer(p.code, r.IntN(s.Config.CreditCustomers)), AccountID: groupAccount,
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
	picked := make([]bool, len(items))
	for len(o.Lines) < want {
		j := r.IntN(len(items))
		if o.Channel == o2o.ChannelB2C {
			j = r.IntN(goods)
		}
		if picked[j] {
			continue
		}
		picked[j] = true
		o.Lines = append(o.Lines, o2o.OrderLine{SKU: items[j].sku, Quantity: items[j].quantity(r)})
	}
	out.Order = o
	if r.IntN(4) == 0 {
		out.Circumstances.Campaign = &pricing.Campaign{ID: "spring-ladder", Stage: 1 + r.IntN(2),
			FundingLeft: o2o.MustParseMoney(fmt.Sprintf("%d.00", 2000+1000*r.IntN(20)))}
	}
	if o.Channel == o2o.ChannelB2C && store != "" && r.IntN(3) == 0 {
		out.Circumstances.Coupons = []channel.Coupon{{Code: "CPN-" + o.ID, Customer: o.Customer.ID, Store: store}}
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

// generateJourneys makes cfg.Journeys journeys, one customer each.
func generateJourneys(s *Setup, r *rand.Rand) []Journey {
	out := make([]Journey, s.Config.Journeys)
	span := int64(s.Period.To.Sub(s.Period.From) / time.Second)
	for i := range out {
		out[i] = s.journey(r, i, span)
	}
	return out
}

// journey makes the i-th journey: one to four touches, then up to two
// conversions after them.
func (s *Setup) journey(r *rand.Rand, i int, span int64) Journey {
	p := &s.provinces[r.IntN(len(s.provinces))]
	store := p.stores[r.IntN(len(p.stores))]
	if store == "" {
		store = p.stores[0]
	}
	j := Journey{Customer: fmt.Sprintf("u%08d", i)}
	at := s.Period.From.Add(time.Duration(r.Int64N(span*3/4)) * time.Second)
	nt := 1 + r.IntN(4)
	j.Touches = make([]drainage.Touch, nt)
	for k := range j.Touches {
		tk := touchKinds[r.IntN(len(touchKinds))]
		t := drainage.Touch{ID: fmt.Sprintf("t%08d-%d", i, k), Customer: j.Customer, At: at, Channel: o2o.ChannelB2C, Kind: tk.kind, Campaign: tk.campaign}
		if tk.o2o {
			t.Channel = o2o.ChannelO2O
			if tk.kind != drainage.KindRoadShow || r.IntN(2) == 0 {
				t.StoreID = store
			}
		}
		j.Touches[k] = t
		at = at.Add(time.Duration(1+r.IntN(36*3600)) * time.Second)
	}
	nc := r.IntN(3)
	if nc > 0 {
		j.Conversions = make([]drainage.Conversion, nc)
	}
	for k := range j.Conversions {
		c := drainage.Conversion{ID: fmt.Sprintf("v%08d-%d", i, k), Customer: j.Customer, At: at, Value: o2o.CNY.Zero()}
		switch r.IntN(3) {
		case 0:
			c.Kind, c.StoreID = drainage.ConversionStoreVisit, store
		case 1:
			c.Kind, c.StoreID = drainage.ConversionDeal, store
			c.Value = fen(int64(50_000 + r.IntN(5_000_000)))
		default:
			c.Kind = drainage.ConversionOnlinePayment
			c.Value = fen(int64(5_000 + r.IntN(1_000_000)))
		}
		j.Conversions[k] = c
		at = at.Add(time.Duration(1+r.IntN(24*3600)) * time.Second)
	}
	return j
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
	out.Config, out.Limits = cfg, nil
	limit := fen(cfg.CreditLimit * 100)
	for _, p := range s.provinces {
		for k := range cfg.CreditCustomers {
			out.Limits = append(out.Limits, settlement.Limit{Account: creditCustomer(p.code, k), Overdraft: limit})
		}
	}
	return &out
}

// fen returns an amount in fen (minor units) of CNY.
func fen(units int64) o2o.Money { return o2o.NewMoney(decimal.New(units, -2)) }
