// Package regions is a registry of China's real administrative divisions:
// which region codes exist, and their names.
//
// [o2o.RegionCode] checks a code's shape only: 440660103 is a well-formed
// township code that names no real township. A [Registry] knows which codes
// exist and what they are called, so validation can refuse a code that does
// not exist and explanations can print "深圳市南山区 (440305)" instead of
// digits. The registry is optional: every package of the SDK works without
// one, and takes one through [o2o.RegionNames], the small interface a
// *Registry satisfies — [o2o.Order.CheckRegions] refuses an order whose
// delivery or home region does not exist, and [o2o.RegionLabel] names a code
// for people.
//
// [China] is the registry compiled into the package (go:embed; no file is read
// at run time): the National Bureau of Statistics codes as of [Version]
// (2022-10-31) for the 31 mainland provinces — 342 cities, 2,978 counties and
// 41,352 townships. A newer data set is a new registry with its own version.
//
// Codes 71 (台湾省), 81 (香港特别行政区) and 82 (澳门特别行政区), which
// RegionCode accepts, are outside the data: the registry knows the three
// province-level names, and [Registry.Covers] reports false for every code
// under them, so [Registry.Check] cannot judge those codes and lets them
// pass; a caller that wants them refused checks Covers itself.
//
// A Registry is immutable and safe for concurrent use.
package regions
