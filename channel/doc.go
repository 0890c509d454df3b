// Package channel keeps the manufacturer's sales channels from eating each
// other: product segregation between the O2O and the dealer line, dealer
// territories, routing of orders to the store that serves them, conflict
// rules on orders, lead protection and showcase plans.
//
// Everything is built from a [Config] (rules as data, loaded from JSON with
// [Load] or [ParseConfig]) and an [o2o.Catalog] into a [*Network]. The
// package does not import pricing: where it needs pricing's answer (a
// product's store eligibility) it takes it as plain [Eligibility] data.
//
// # Segregation (产品区隔)
//
// Every SKU belongs to one line. [CheckSegregation] and
// [Network.Segregation] prove the O2O and dealer lines disjoint: the same
// brand and model on both is a conflict naming both SKUs, and an online-only
// SKU of a model the stores sell is a risk. [Network.MaySell]
// answers "may SKU X be sold through channel C by party P?" with the rule
// and the reason; [Network.Listing] and [Network.CheckOrder] go through the
// same check, so listing, lookup and checkout never disagree. A store may
// narrow what it sells with an [Assortment] (include and exclude
// [Selection]s by SKU, category or brand), applied inside the same check.
//
// # Territories and dealer modes
//
// A dealer holds regions of any level, exclusive among dealers: Build
// rejects overlapping territories with an [*OverlapError] naming both
// dealers. A dealer is [ModeFused] (融合: keeps its line and pricing power,
// is owed cross-compensation, 交叉补偿, for O2O-line sales into its
// territory), [ModeReformed] (改造: a local service point of the O2O system)
// or [ModeIndependent] (neither).
//
// # Routing
//
// [Network.Route] picks who serves an order needing a [Capability]: the
// store or reformed dealer covering the delivery township, else county, else
// city, else province, among those able to do it. Candidates are looked up
// by region, never by scanning the network. Ties follow the [TieRule]:
// [TiePreferStore] (a store before a reformed dealer, then the lower
// priority, then the smaller id) or [TieRefuse] (no one, [ErrTie]). The
// [Decision] lists every candidate passed over and why; no candidate is a
// [*RouteError] wrapping [ErrNoRoute]. [Network.RouteWithLeads] lets the
// holder of a protected lead serve, after checking it can.
// [Network.RouteNeeding] routes an order that needs several capabilities
// at once (construction and delivery of goods) to a party able to do every
// one of them.
//
// # Conflicts
//
// [Network.CheckOrder] validates the order against the catalog (whole
// numbers of pieces, sets and jobs; each product's own unit; an unknown SKU
// is [o2o.ErrUnknownSKU]) and reports, each with kind, parties, evidence
// and rule: an O2O customer (protected lead or store-bound coupon) steered
// to pay through B2C — on a B2C order, or on an O2O order paid online (see
// [o2o.Order] for how Channel and PaidOnline differ), the platform being
// [Config].Platform; a dealer-line product sold through O2O or B2C, or
// an O2O-line product sold by a dealer; an O2O-line sale delivered into a
// fused dealer's territory, with an [Entitlement] for settlement; and an
// order served by someone other than the lead holder, or than routing's
// pick without a recorded reason. What it cannot decide it does not skip
// silently: where routing itself finds no one or refuses a tie, the
// [Report] carries a [NoteServingUnchecked] note; a sale into an
// independent dealer's territory gets a [NoteIndependentTerritory] note.
// [Network.CheckValidated] is CheckOrder for an order already validated.
// [Facts] (leads, coupons, the capabilities needed, a recorded serving
// reason) round-trip through JSON with their lead registry.
//
// # Cost
//
// [Network.Route] reads, and checks, only the order's delivery region (and
// with leads its customer and instant); [Network.CheckOrder] validates the
// whole order once and routes on the same internal path. [Config.Build]
// reports every fault of a config at once (at most 100 listed). Build and every
// check grow linearly (or as n log n) with their input: a store may cover,
// and a dealer hold, tens of thousands of regions; an assortment may list
// the whole catalog; a brand and model with thousands of SKUs on both lines
// gives a segregation report naming each SKU once, not every pair. A lead
// registration costs time logarithmic in the registry's size.
//
// # Lead protection
//
// [Leads] is an immutable registry the caller keeps and passes back:
// [Leads.Register] returns a new one, sharing all but what changed with the
// old one, which stays valid. The first valid registration holds the
// customer for the protection window (calendar days in +08:00); later
// claims by others are conflicts; expired registrations free the customer;
// a registration older than the customer's holding is out of order
// ([ErrOutOfOrder]).
//
// The SDK has no clock, so a registration is judged against the instant
// the caller says it was received. One dated more than [MaxLeadAhead]
// after that instant is refused ([ErrFutureLead]): a registration cannot
// claim a customer from the future, so nobody can hold a customer until
// 2099 and make every honest registration before then out of order. A
// registration whose instant, or the end of whose window, is no date of
// years 0 to 9999 is refused too, so every registry can be written as JSON.
//
// The registry's JSON form carries its window. [Network.ParseLeads] loads a
// saved registry at an instant and checks it against the network once, and
// checks that it is one Register could have produced: no registration from
// the future of that instant, one holding per customer, and every recorded
// conflict exactly the claim Register records (customer, parties, rule,
// window, reason, and a holder consistent with the holdings). A decoded
// registry that fails any check is refused, never half accepted.
//
// # Showcase plans (爆款)
//
// [Network.CheckShowcase] checks a store's plan: a few hot products (at most
// the configured number), each sellable in the store and store-eligible by
// pricing's answer, refreshed within the configured number of days.
//
// # Errors
//
// Bad input wraps [o2o.ErrInvalid] (a [*o2o.ValidationError] with JSON
// paths, an [*o2o.EnumError], [ErrOverlap], [ErrOutOfOrder],
// [ErrFutureLead]); unknown SKUs and parties wrap [o2o.ErrNotFound].
// Routing gaps are [*RouteError] values wrapping [ErrNoRoute], [ErrTie] or
// [ErrLeadHolderCannotServe]. An error lists at most 100 faults of a kind
// (fields, tied candidates, candidates passed over) and then says how many
// more there were; typed errors keep every one in their fields.
//
// # Concurrency
//
// A built [*Network] and every [Leads] value are immutable and safe for
// concurrent use. Nothing here reads a clock: instants are passed in.
package channel
