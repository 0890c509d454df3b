// Package pipeline is a month-end close as an Apache Beam pipeline: orders
// and journeys keyed by partition, each partition settled into a partial
// ledger and attributed into a drainage partial, the partials combined with
// settlement.Merge and drainage's Partial.Merge as CombineFns, and the
// statements, drainage charges and KPIs written out. Merged in any order
// and grouping, the partials give exactly the single-process result.
package pipeline
