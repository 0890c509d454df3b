// Package o2o is the shared vocabulary of o2okit: money, exact allocation,
// Chinese region codes, sales channels, parties, products, the catalog and
// the order that every rule package works from.
//
// # Money
//
// [Money] is an exact decimal amount in one ISO-4217 currency; constructors
// default to CNY, and JSON requires the currency:
//
//	{"amount":"12.34","currency":"CNY"}
//
// Arithmetic across currencies returns [ErrCurrencyMismatch], never a silent
// conversion and never a panic. Rounding to the minor unit happens only where
// a rule asks for it, with an explicit [RoundingMode] (half-even by default).
// Money reads none of shopspring/decimal's package globals
// (DivisionPrecision, MarshalJSONWithoutQuotes, TrimTrailingZeros, …), so a
// host application that sets them changes nothing here. [ParseDecimal],
// [FormatDecimal] and [Decimal] give the same guarantee for plain decimals.
//
// # Exact allocation
//
// [Allocate] splits an amount over weighted shares into whole fen by the
// largest-remainder method: the parts sum to the total, each is within one
// fen of its exact share, zero weights get zero, refunds split as the mirror
// image of sales, and ties go by key so input order never matters.
//
// # Region codes
//
// [RegionCode] reads GB/T 2260 division codes — province 440000, city
// 440300, county 440305, township 440305001 — and knows its level, its
// parents and what it contains, including the shapes real data has
// (Dongguan's townships hang directly off the city 441900).
//
// # Orders
//
// An [Order] carries the channel, the customer and segment, the delivery
// region, where it was placed ([VenueStoreScreen], online on a store's own
// screen, counts as in store), who serves it, and its lines with decimal
// quantities in their units.
//
// # Decoding JSON
//
// [DecodeJSON] is the strict decoder behind every JSON entry point of the
// SDK ([ParseCatalogJSON], the UnmarshalJSON methods, and the Parse
// functions of the rule packages). It refuses unknown and repeated keys,
// trailing data, invalid UTF-8 and unpaired surrogates in any string, and a
// byte-order mark, and it enforces limits on outside input before decoding
// it: nesting past [MaxDepth] levels, objects of more than [MaxKeys] keys.
// Each refusal is a [*ValidationError] naming the JSON path at fault, and
// costs time linear in the input. Amounts and decimals have at most
// [MaxDigits] digits written out, so that whatever is accepted is written
// back and read again to the same value.
//
// # Errors
//
// Bad input returns an error that wraps [ErrInvalid]; check it with
// errors.Is. A [*ValidationError] lists each field at fault by its JSON path
// (the first [MaxFaults] of them, and how many more there were; [Faults]
// gathers them so); an [*EnumError] names an unknown enum value. Lookups
// that miss wrap [ErrNotFound].
//
// # Time
//
// Instants are time.Time values the caller passes in; nothing here reads a
// clock. Calendar rules use [China], a fixed +08:00 zone that needs no
// time-zone files.
//
// # Concurrency
//
// [Money], [RegionCode], [Decimal] and the enums are immutable values, and a
// built [Catalog] is immutable; all are safe for concurrent use. [Order],
// [Product], [Party] and [Share] are plain structs: copy them before sharing
// them between goroutines that write.
package o2o
