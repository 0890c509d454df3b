// Package settlement moves money between headquarters and the field,
// cent-exact: a double-entry ledger of postings, sales splits by channel
// (revenue, commissions, transfer payments, cross-compensation), reversals,
// station budgets and investor co-investment.
//
// It imports no other rule package: routing and cross-compensation
// entitlements (channel's answers) and line amounts (pricing's answer) come
// in as plain data — [Routing], [Entitlement], [Sale].
//
// A project's staged payment comes in the same way: a [Release] (a
// workflow intent's key and amounts, mapped to accounts by the caller)
// gives, through [ReleasePostings], the postings of money held by the
// platform ([KindHeld]), released stage by stage ([KindReleased]),
// refunded ([KindRefunded]) or paid as compensation ([KindCompensation]).
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
// head, digest and [Ledger.Fingerprint], which covers the config with its
// overdraft limits, the sequential flag, the head and the digest);
// [ParseLedger] restores it by applying the postings again with every
// check, then refuses it unless the recomputed head, digest and fingerprint
// equal the recorded ones — so an altered, dropped, added or reordered
// posting, a changed or deleted limit, or a sequential ledger passed off as
// a merged one is caught.
//
// # What the hashes prove, and the keyed seal
//
// The hashes carry no key. They prove that a snapshot agrees with itself:
// accidental corruption (a truncated file, a flipped bit, an edit that
// forgot a hash) is refused. They do not prove that nobody edited it on
// purpose: whoever edits a snapshot can recompute every hash. Two ways to
// prove more:
//   - keep the Fingerprint (or the head) of the ledger you audited and
//     compare the restored ledger's with it;
//   - seal the snapshot with a key only you hold: [Ledger.MarshalSealed]
//     adds an HMAC-SHA-256 of the snapshot's exact bytes, and
//     [ParseLedgerSealed] refuses, before restoring anything, a snapshot
//     whose seal does not match under the key (any edit: an amount, a
//     limit, a key, a party, the order, a flag), or that has no seal, with
//     an error wrapping o2o.ErrSealBroken. The key is never stored; it must
//     be at least 16 bytes.
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
// The parts may go on applying batches during and after a merge: the merged
// ledger does not see them, and merges and batches on the same ledgers, in
// any order of arguments, never deadlock.
//
// # Amounts and instants
//
// Amounts are kept exactly, as whole minor units (a posting at most 10^15,
// a balance within the int64 range, or ErrOverflow). Business instants run
// from year 1 up to 9999-12-01T00:00:00+08:00 (excluded), so that every
// instant and the month that holds it can be written as JSON; a posting,
// order, reversal, repayment or budget request outside that range is
// refused at input with an error wrapping o2o.ErrInvalid.
//
// # Sales splits
//
// A [SplitConfig] (JSON, built once with [SplitConfig.Build] into an
// immutable [Splitter]) holds a [Rule] per channel and product line: legs for
// the manufacturer's revenue, the serving store's or agent's commission
// (percent, fixed or capped), the transfer payment by which an online sale
// credits the store of the customer's region (转移支付, 线上反哺线下), the
// fused dealer's cross-compensation (交叉补偿) — shared by weight when
// several dealers are entitled — and a remaining leg that takes the rest. Percents that over-allocate, or that do not make 100% without a
// remaining leg, are refused when built. [Splitter.Split] splits each line
// with o2o.Allocate — largest remainder, cent-exact, ties by party — into a
// balanced batch and explains every part. A rule whose fixed legs could
// never be paid (beside percents that make 100%) is refused when built.
// [Splitter.SplitValidated] is the same for orders already validated
// upstream: it skips the order's full validation and re-checks only the
// fields the split reads. [SplitConfig].SameStore says whether a serving
// store that is also the store of the customer's region gets the transfer
// payment beside its commission ([SameStoreBoth], the default) or its
// commission only ([SameStoreCommissionOnly]).
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
// approved or refused, the level required and why. A request names its city
// (or a county or township in it); a province code is refused, since no
// city's cap would count it.
//
// # Co-investment
//
// A [Position] is an investor's stake in a store (资金自循环):
// the manufacturer at most advances money, up to a limit; [Repay] draws
// the schedule's percent of the store's revenue share and repays advances
// first, then capital, closing the position when all is repaid.
// [CoInvestTerms] are a co-investment's terms as rules state them;
// [CoInvestTerms.Open] gives the position they open.
//
// # Concurrency
//
// A [Splitter] and an [Authority] are immutable and safe for concurrent use.
// A [Ledger] is safe for concurrent use (Apply writes under a lock; reads
// share it). [Reversible] and [Position] are values: operations return the
// next value and leave the receiver unchanged.
package settlement
