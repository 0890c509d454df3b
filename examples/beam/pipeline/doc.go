// Package pipeline is a month-end close as an Apache Beam pipeline: orders
// and journeys, read from a generated month (Build) or from JSON-lines files
// (BuildFromFiles), keyed by partition; each partition settled into a
// partial ledger and attributed into a drainage partial; the partials
// combined with settlement.Merge (month.MergeSettled) and drainage's
// Partial.Merge as CombineFns; and the close — statements, refusals, ledger
// digest, drainage charges and KPIs — written out as files (Files). Merged
// in any order and grouping, the partials give exactly the single-process
// result, month.Run's, byte for byte.
package pipeline
