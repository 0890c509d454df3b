// Package drainage attributes conversions to the traffic that brought them
// and charges each campaign's drainage cost (引流成本) to the sales mode and
// the store that received the traffic.
//
// Seed 004's problem: when B2C and O2O coexist, nobody can tell which mode
// a traffic spend of 1,000,000 went to, and stores escape responsibility for
// traffic costs. This package records every touch with its sales mode and
// the store it binds the customer to, credits conversions to sources, and
// allocates every campaign's spend cent-exact.
//
// # Touchpoints, conversions and sources
//
// A [Touch] is a contact with a customer: a search ad, paid ad-reading
// (有偿读广告), a road show (巡回路演), a ground-push visit (地推), a coupon
// bound to a store, an online visit or a store visit. A [Conversion] is a
// store visit, a deal or an online payment. Attribution credits a [Source]:
// a touch kind × campaign (what attribution tools call a "channel";
// o2o.Channel keeps its meaning, the sales mode).
//
// # Models
//
// [Config] picks the model; [Config.Build] validates it into [Rules]:
// first touch, last touch (direct visits are passed over unless the whole
// path is direct, as in GA4), linear, position-based (presets U-shaped
// 40/20/40, J-curve 20/20/60, inverse J 60/20/20; one touch takes all, two
// touches drop the middle share and renormalise), time decay (2^(-t/h),
// default half-life 7 days), Shapley (closed form: an even split over the
// journey's distinct sources) and Markov (removal effects of an absorbing
// chain solved exactly — modulo word-sized primes, rebuilt by the Chinese
// remainder theorem into the exact rationals — never simulated; see
// [Markov], which also says when to use its removal-effect totals and when
// its per-journey split). The Markov model fits at most
// [MaxMarkovSources] distinct sources; beyond, Attribute refuses the data
// set at once ([ErrTooManySources]).
//
// # Several models, grouped paths
//
// [Prepare] validates, orders and interns a data set once;
// [Rules.AttributePrepared] then runs any model over it with Attribute's
// result, byte for byte. [Rules.AttributePaths] takes the grouped input
// attribution tools commonly take — distinct paths of sources with their
// conversions, value and non-converting journeys — and weighs each
// distinct path once.
//
// # Fixed point
//
// Every model turns a journey into whole units of [Scale] (10^9 per
// conversion) that sum exactly to one conversion; units left over go by
// largest remainder, equal remainders to the earlier touch. Money is touched
// only at the end, through o2o.Allocate.
//
// Time decay weighs a touch round(2^(-t/h) × 2^40) before apportioning; the
// power of two is computed from a 2^(-j/256) table and a short series with
// every float operation rounded explicitly (no fused multiply-add), so the
// weights are the same bit for bit on every platform.
//
// # Lookback windows
//
// Each conversion kind has its own window ([Lookback]). A touch exactly on
// the window's edge is counted in; touches after the conversion are ignored;
// touches are ordered by (At, Seq, ID), never by input order. A conversion
// with no eligible touch is [Unattributed] (Adobe's "None").
//
// # Streaming
//
// [Rules.Attribute] takes the whole data set. [Rules.Stream] takes it one
// customer's journey at a time (customers in ascending order) and keeps only
// sums per source, store and conversion kind, so its memory grows with
// sources and stores, not journeys; its [Stream.Result] equals Attribute's
// byte for byte. Every model streams except Markov, which fits its chain on
// the whole data set before crediting any journey ([ErrWholeDataSet]).
//
// # Partials that merge
//
// A [Partial] is the attribution of some customers kept as exact sums
// (units, and value × units in 128-bit integers), rounded only by
// [Partial.Result]. Partials over a partition of the customers merge
// ([Partial.Merge]: associative, commutative, the empty partial its
// identity) into exactly Attribute's result over them all, money per
// source included — what a distributed combiner needs. A partial crosses
// a process boundary as JSON ([Partial.MarshalJSON], [Rules.ParsePartial]),
// exactly and in deterministic bytes.
//
// # Cost allocation
//
// [Rules.Allocate] charges each [Campaign]'s spend to stores, to B2C, and —
// for traffic that converted nowhere — visibly to headquarters, by traffic
// received (the default: a store that fails to convert its traffic still
// carries its cost) or by credited conversions. The charges of a campaign
// sum exactly to its spend. [Config.BasisKinds] restricts the conversions
// basis to some kinds (for example deals and online payments, so a store
// visit and the deal it led to do not both weigh).
//
// # Traffic that reached no store
//
// A store cannot escape the cost of traffic it received, even when the
// touch named no store: a road show (巡回路演) reaches a customer who then
// visits store s1 and buys there, and s1 pays for that touch. On the
// traffic basis, an O2O touch bound to no store is charged, under the
// default rule [UnattachedConverted], to where its customer converted with
// the touch inside that conversion's lookback window — the store of a
// store visit or a deal, B2C for an online payment — split by the number of
// such conversions at each place when there are several ([Drawn], in
// [Scale] units per touch, exact). Headquarters keeps only the touches
// whose customer converted nowhere. [UnattachedHeadquarters] keeps every
// unattached touch on headquarters, for a network that funds untargeted
// brand traffic centrally on purpose; [Config.Unattached] picks the rule.
//
// # Search sub-accounts sized to store capacity
//
// [PlanSubAccounts] splits a search-advertising budget over one sub-account
// per store, by each store's recent conversion and never above what the
// store can serve ([CapacityConfig]): the budget a store cannot digest is
// reported as unplaced, not spread. [CapacityPlan.Check] compares the
// visits each store actually received with its capacity.
//
// # Online leads worked, not cherry-picked
//
// [LeadReport] reads who handled each online lead — the network sales
// team (网销团队) or a store's own sales, by person — and reports per
// handler and per store the online-lead conversion against walk-in
// conversion, the leads never contacted within the window, the time to
// first contact, and flags a store whose online leads convert far below
// its walk-ins ([LeadConfig] holds the window and the threshold).
//
// # Posting to the ledger
//
// [Statement.Batch] turns a statement into one balanced batch of
// settlement.KindDrainageCharge postings: each store and B2C pays its charge
// to headquarters, which paid the spend, and unattributed spend moves from
// headquarters' own unattributed account, so it stays visible; headquarters
// is credited with exactly the spend. [PostingConfig] names the period, the
// business instant and the accounts. Every posting's idempotency key is
// [PostingKey] (period, campaign, payer), so [Statement.Post] of the same
// period again changes nothing, and a different statement for a period
// already posted is refused whole (settlement.ErrConflict): corrections go
// through reversals.
//
// # KPIs
//
// [KPIs] reports, per store, campaign, source and sales mode, the
// store-visit rate (到店率, O2O), the online-payment rate (B2C), cost per
// visit and per deal, and ROI, with summaries of the ratios across stores.
// Ratios are floating point; amounts stay o2o.Money. The rates count
// distinct customers ([Reach]):
// of the customers a group's touches reached, the share who then came into
// a store (or paid online) with a touch of the group in that conversion's
// window. A source's cost is its campaign's spend split over the
// campaign's sources on the same basis.
//
// # Rules and expected results as data
//
// testdata/scenarios/*.json hold small scenarios — rules, touches,
// conversions, campaigns — with "it" cases naming the credits, charges and
// KPIs expected; go test checks them, and the full outputs are golden
// files under testdata/golden, rewritten by go test -update.
//
// # Concurrency
//
// [Rules] are immutable and safe for concurrent use; each call works on its
// own scratch data. Results and statements are plain data. Nothing here
// reads a clock, does I/O or keeps global state.
package drainage
