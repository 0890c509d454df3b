// Package month closes a generated month of a national network, partitioned
// and merged exactly: the library behind the monthend example and the Beam
// pipeline in examples/beam.
//
// Generate builds a seeded month (Config: Small for tests, Full for 1,000,000
// order lines and 5,000,000 customer journeys over the 31 mainland
// provinces) on the sample rulebook, its network extended with a provincial
// hub and community stores in every province (NewSetup). Closing it takes
// four steps, each one a function a distributed pipeline can call:
//
//   - partition: orders by OrderKey, journeys by CustomerKey, with Partition
//     (a stable FNV-1a hash);
//   - per partition: SettleOrders evaluates each order with the Engine and
//     posts its balanced batch to a partial ledger, in posting order;
//     AttributeJourneys adds the journeys to a drainage.Partial;
//   - merge: MergeSettled (settlement.Merge and the refusals) and
//     drainage.Partial.Merge, both exact in any order and grouping;
//   - Finish: every party's statement, the ledger's digest, the drainage
//     charges and KPIs, as a Close that Diff compares.
//
// Run does the four on goroutines, one per partition; the Close is the same
// for every number of partitions.
//
// # Credit lines stay exact
//
// Group-account customers buy on a credit line: an overdraft limit on their
// account, checked posting by posting. A limit checked per partition could
// accept postings the sequential ledger refuses, so every order posting to
// a limited account carries it (Order.Credit) and is partitioned by it:
// the account's postings are all checked in one partition, in the month's
// posting order (instant, then order id), as the sequential run checks them.
// An order whose batch would take its account below the limit is refused
// whole (its split and campaign postings are one batch), recorded in
// Close.Refused with the limit error, and the month goes on. SettleOrders
// refuses an order that posts to a limited account it does not carry, and
// MergeSettled a merged ledger below a limit.
//
// The package is deterministic: no clock, no I/O, the same Config gives the
// same month and the same Close. Run starts goroutines; everything else
// runs on the caller's.
package month
