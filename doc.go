// Package o2okit models the business rules of O2O (online-to-offline)
// selling for a manufacturer of home furnishings and building materials that
// sells through an online platform (B2C), its own community experience
// stores (O2O), franchise agents and traditional regional dealers.
//
// Every package is pure: no network, no files, no clock, no goroutines of
// its own, no global mutable state. Callers pass data and time in and get
// decisions, quotes, postings and explanations out, so the rules embed in an
// ERP, an order service, a batch job or a durable-workflow engine alike.
//
// New to O2O? [The business model] explains it in plain words, and [the
// glossary] lists every term the packages and the tour use, with its Chinese
// in Simplified characters (全省一个价, 产品区隔, 交叉补偿).
//
// # One order through every rule
//
// [LoadRulebook] reads every rule from one JSON document (the sample is
// examples/rulebook/rulebook.json), and an [Engine] evaluates an order against
// it in one call: routing, channel conflicts, a quote per line, and the sale
// split into a balanced batch of postings, as an [Evaluation] that explains
// itself. [Engine.Return] reverses a return pro rata. See Example_engine.
//
// # Packages
//
//   - [github.com/o2okit/o2okit/o2o]: the shared vocabulary — Money, exact
//     allocation, region codes, channels, parties, products, the catalog and
//     the order.
//   - [github.com/o2okit/o2okit/pricing]: price books with one price per
//     province, no haggling, the network-lowest check, clearance, the
//     promotion ladder, and quotes that explain themselves.
//   - [github.com/o2okit/o2okit/workflow]: flows as data, run as state
//     machines on looplab/fsm: roles, guards, deadlines, snapshots, history.
//   - [github.com/o2okit/o2okit/workflow/decoration]: the re-engineered
//     decoration process, its construction nodes and staged payments, and
//     after-sales, built on workflow.
//   - [github.com/o2okit/o2okit/channel]: product segregation, dealer
//     territories, order routing, channel-conflict detection, lead
//     protection and showcase plans.
//   - [github.com/o2okit/o2okit/settlement]: a cent-exact ledger, sales
//     splits, reversals, budgets and co-investment.
//   - [github.com/o2okit/o2okit/settlement/drainage]: drainage (traffic-cost)
//     attribution, cost allocation to sales mode and store, and KPIs.
//   - [github.com/o2okit/o2okit/regions]: an optional registry of the real
//     division codes and their names, an [o2o.RegionNames].
//
// # A first taste
//
// A campaign's traffic cost split over three stores by the traffic each
// received, to the fen:
//
//	cost := o2o.MustParseMoney("1000000.00")
//	parts, err := o2o.Allocate(cost, []o2o.Share{
//		{Key: "store-futian", Weight: decimal.NewFromInt(3)},
//		{Key: "store-nanshan", Weight: decimal.NewFromInt(3)},
//		{Key: "store-baoan", Weight: decimal.NewFromInt(1)},
//	})
//	// parts: 428571.43, 428571.43, 142857.14 — summing to 1000000.00
//
// (The package example runs exactly this.)
//
// Run the end-to-end story with `go run ./examples/tour`, and try a rule
// change on a month of orders with `go run ./examples/evaluate -rules NEW.json
// -baseline examples/rulebook/rulebook.json`.
//
// [The business model]: https://github.com/o2okit/o2okit/blob/main/docs/model.md
// [the glossary]: https://github.com/o2okit/o2okit/blob/main/docs/glossary.md
package o2okit
