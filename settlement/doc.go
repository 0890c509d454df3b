// Package settlement moves money between headquarters and the field,
// cent-exact: a double-entry ledger of postings, sales splits by channel
// (revenue, commissions, transfer payments, cross-compensation), reversals,
// station budgets and investor co-investment (seed 004, seed 001 parts 1
// and 5, seed 000).
//
// It imports no other rule package: routing and cross-compensation
// entitlements (channel's answers) and line amounts (pricing's answer) come
// in as plain data — [Routing], [Entitlement], [Sale].
//
// # Postings and the ledger
//
// A [Posting] moves a positive, whole amount of one currency from one
// account to another, with a [Kind], an order or reference id, its business
// instant and an idempotency key. [Ledger.Apply] applies a [Batch] all or
// nothing and reports, per posting, created; exists (same key, same content:
// skipped); or conflict (same key, different content: the whole batch is
// refused with a [*ConflictError]). Accounts may carry an opt-in overdraft
// [Limit], checked after every posting in batch order ([*LimitError] names the
// account, the amount needed and the amount available). A reversal must
// refer to an earlier posting, mirror its parties and never reverse more
// than it moved. Every refusal leaves the ledger exactly as it was.
//
// Balances are received minus given, so they always sum to zero.
// [Ledger.Statement] gives one account's lines in a [Period] (a [Month] is
// read in the fixed +08:00 zone by default), ordered by business instant
// then key, with opening and closing balances: a party sees its own lines
// only.
//
// # Hash chain and digest
//
// On the sequential path each applied posting extends a hash chain,
// headᵢ = SHA-256(headᵢ₋₁ ‖ SHA-256(canonical posting)), so
// [Ledger.VerifyLog] proves a log was not altered, reordered or cut. Every
// ledger also keeps an order-independent [Ledger.Digest] (the sum of the
// leaf hashes mod 2²⁵⁶), equal for equal sets of postings.
//
// A Ledger marshals to a JSON snapshot (config, postings in log order, chain
// head, digest); [ParseLedger] restores it by applying the postings again
// with every check, then refuses it unless the recomputed head and digest
// equal the recorded ones — so an altered, dropped, added or reordered
// posting is caught. Compare the head with one you kept to prove it is the
// ledger you audited.
//
// # Mergeable partials
//
// [Merge] joins ledgers built on disjoint partitions into exactly the ledger
// built from all the postings — balances, postings, statements and digest —
// in any order and grouping, with the empty ledger as identity; a key in two
// partitions is [ErrOverlap]. This lets month-end settlement run on many
// workers or a map-reduce engine. What depends on order stays on the
// sequential path: overdraft limits (check a merge with
// [Ledger.LimitBreaches]), reversal checks (partition by order so a reversal
// lives with its original) and the hash chain (a merged ledger has none).
//
// A merge shares the parts' applied postings instead of copying them (they
// never change, and the parts may go on applying: the merged ledger does
// not see it). Up to four parts, overlaps are found by looking keys up in
// the parts' own indexes and the merged ledger builds its key index only
// when first needed (Apply or Posting on it); reading balances, statements
// and the digest never needs it. So building partitions on two workers and
// merging them beats one worker applying everything (see the benchmarks).
//
// # Cost
//
// Apply costs, per posting, one key look-up, two balance updates and one
// SHA-256 of the posting's canonical encoding (plus one of 64 bytes for the
// chain); it posts in place, keeping an undo record so that a refusal rolls
// back, and allocates nothing per posting but the log's growth (in fixed
// chunks: nothing already applied is copied). Amounts are handled as int64
// minor units internally (o2o.Money.MinorUnits).
//
// # Sales splits
//
// A [SplitConfig] (JSON, built once with [SplitConfig.Build] into an
// immutable [Splitter]) holds a [Rule] per channel and product line: legs for
// the manufacturer's revenue, the serving store's or agent's commission
// (percent, fixed or capped), the transfer payment by which an online sale
// credits the store of the customer's region (轉移支付, 線上反哺線下), the
// fused dealer's cross-compensation (交叉補償) — shared by weight when
// several dealers are entitled — and a remaining leg that takes the rest. Percents that over-allocate, or that do not make 100% without a
// remaining leg, are refused when built. [Splitter.Split] splits each line
// with o2o.Allocate — largest remainder, cent-exact, ties by party — into a
// balanced batch and explains every part. [Splitter.SplitValidated] is the
// same for orders already validated upstream: it skips the order's full
// validation, which costs more than the split, and re-checks only the
// fields the split reads.
//
// # Reversals
//
// A [Reversible] is what is left to reverse of a batch. Full mirrors the
// original posting by posting, each reversal referring to its original; a
// second full reversal is refused ([ErrAlreadyReversed]). Partial refunds,
// by amount or by quantity, are split against each party's remaining
// unrefunded share, never the cumulative refund minus earlier refunds — that
// scheme can hand a party a negative refund (largest remainder's Alabama
// paradox). So no party is ever refunded a negative amount or more than its
// share, and partials that add up to the whole return exactly the original
// shares.
//
// # Budgets
//
// Seed 000 warns of two extremes: a junior clerk overruling a station on a
// few hundred yuan, and headquarters rubber-stamping 300,000 a month. An
// [Authority] built from an [AuthorityConfig] names the [Level] that decides
// by amount band (area director up to a band, VP above; general staff never)
// and a monthly cap per city only a VP may exceed; [Authority.Decide] says
// approved or refused, the level required and why.
//
// # Co-investment
//
// A [Position] is an investor's stake in a store (資金自循環, seed 001 part
// 5): the manufacturer at most advances money, up to a limit; [Repay] draws
// the schedule's percent of the store's revenue share and repays advances
// first, then capital, closing the position when all is repaid.
//
// # Concurrency
//
// A [Splitter] and an [Authority] are immutable and safe for concurrent use.
// A [Ledger] is safe for concurrent use (Apply writes under a lock; reads
// share it). [Reversible] and [Position] are values: operations return the
// next value and leave the receiver unchanged.
package settlement
