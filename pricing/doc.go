// Package pricing prices O2O-line products by the O2O rules: one price
// per province, a little higher online, no haggling, the lowest on the
// network for the same brand and model, clearance of returned goods in the
// store that holds them, and the promotion ladder of the price war — with
// every quote explaining how its price came about.
//
// # One price per province
//
// A [Book] holds at most one price for a SKU in a province at any instant
// (全省一个价), with a national price as the fallback; validity is half-open,
// [From, Until). [NewBook] refuses, naming the entries at fault in a
// [*BookError] (the first [MaxFaults] of them, and how many more there
// were): overlapping validities for one SKU and scope ([ErrOverlap]), city,
// county or township scopes ([ErrLocalPrice]), dealer-line SKUs
// ([ErrDealerPriced]), mixed currencies and SKUs missing from the catalog
// ([ErrUnknownSKU]). A price is positive, except that a service item (the
// free on-site measurement, 免费量房) may be priced at zero: it quotes at
// zero with a free_service step. Goods are never free in a book; goods
// given away are the ladder's products-free benefit. Building a book of n
// entries takes O(n log n) time, and a lookup O(log n) in the entries of
// its SKU.
//
// # The domain
//
// Every amount of money in a book, a config or a request has at most as
// many decimal places as its currency's minor unit (10.001 CNY is refused:
// the fen is 0.01) and is at most [MaxPrice]; a quantity is at most
// [MaxQuantity], with at most [MaxQuantityPlaces] places, and a whole
// number for units that are counted (pieces, sets, jobs: [WholeUnit]); a
// percent of a config has at most [MaxPercentPlaces] places; an instant
// falls in years 0 to [MaxYear]; an order holds 1 to [MaxOrderLines]
// lines. Input outside is refused with an error wrapping
// o2o.ErrInvalid that names the field, the value and the bound. Within
// it, every quote the package produces writes as JSON and reads back to
// the same bytes.
//
// # A policy is an ordered procedure
//
// A [Config] lists the rules in the order they run, like an ERP pricing
// procedure, and each rule's settings; it is plain JSON ([ParseConfig]).
// [Config.Build] validates it once against the book, with JSON paths in its
// errors, and returns a [*Policy]. The default procedure is
//
//	list_price → clearance → online_uplift → negotiation → network_lowest
//	→ rounding → value_added → ladder → vat
//
// Price rules come before rounding, which rounds the unit price at a named
// point (mode half-even by default; increment fen, jiao or yuan) and
// computes the line total; benefit and disclosure rules come after and
// never change the unit price.
//
// # No haggling, or a negotiated price
//
// By default nobody negotiates (不讲价), designated
// upstream group accounts included: they get value-added services (增值服务)
// as benefit lines, price unchanged. A request carrying a lower price gets
// [ErrNoHaggling]. With [Negotiation] enabled, a designated group
// account may agree a price (议价) within a band below list and never below
// the floor (cost plus minimum margin); outside it, [ErrOutOfBand].
//
// # Network lowest, clearance and the ladder
//
// Observations of the same brand and model, from outside sources and fresh
// at the instant, are compared with the price (同品牌同款产品全网最低): in
// match mode the price is lowered to the lowest, never below the floor (the
// floor's refusal is reported as a [Violation]); in report mode the price
// stays and the violation is reported. Returned goods are marked down by
// condition grade, in store only and only in the store that holds them
// ([ErrClearance]); they stay out of the ladder. The promotion ladder's four
// stages (free construction; + house payment waived; + products free; +
// cash paid back) are benefit lines funded by the campaign: a stage applies
// only if the funding passed in covers it, else the highest affordable lower
// stage applies and the quote says so.
//
// # Explaining a quote
//
// A [Quote] carries the list price, every [Step] (rule, base, amount,
// result, and why: a [ReasonCode] with the [Facts] it quotes), the
// [Benefit] lines, the violations, the [Flags] (matched, capped, rounded,
// floored, stage fallback) and the unit price and line total;
// [Quote.Explain] prints it. A step's readable reason is formatted from its
// code and facts ([Step.Reason]), so a caller may also render its own
// wording from the code. Every amount is exact: a Money keeps the value and
// the decimal places the arithmetic gives it, and rounding happens only
// where the procedure says. Unit price × quantity equals the line total,
// with a line_total step carrying any rounding difference.
//
// The steps form two chains, never mixed. The unit-price chain is every
// step but line_total: each starts (Base) where the previous one ended
// (Result), from zero to the unit price; the notes after rounding
// (value_added, ladder, vat) keep the unit price, since benefits and VAT
// never change it. The line_total step is line-level: it starts from unit
// price × quantity and ends at the line total. It is not folded into the
// unit chain because the two are different quantities (one unit, the whole
// line): a note after it taking the line total as its Base would make the
// notes' Base jump between unit and line depending on whether a rounding
// difference happened to exist.
//
// # One order
//
// [Policy.QuoteOrder] prices the lines of one order ([OrderRequest]): each
// line through the procedure up to its line total and VAT, then, once for
// the order, the value-added services of a designated group account and
// the ladder's stage, whose cost is checked against the campaign's funding
// once (products free covers every line but clearance goods). The
// [OrderQuote] holds the line quotes, the per-order benefits and what the
// customer pays after products free and paybacks. [Policy.Quote] prices a
// single line with every rule.
//
// # Audits
//
// [Policy.UnifiedPrice] reports every quote whose price departs from the
// province price; a quote flagged negotiated or clearance is set aside
// only when its steps entitle it to its price (a negotiated price for the
// designated account the quote was priced for, within the band and above
// the floor; a clearance markdown of the policy's grade in the store that
// holds the goods). [Policy.StoreEligible] says whether a product may be
// sold through a province's community stores (a unified price, and the
// lowest on the network), as plain data ([Eligibility]).
//
// # Concurrency
//
// A [Book] and a [Policy] are immutable once built and safe for concurrent
// use. A policy keeps no state: funding, observations and the instant come
// in with each [Request]. Nothing reads a clock or shopspring/decimal's
// package globals.
package pricing
