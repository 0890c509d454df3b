package pricing

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/o2okit/o2okit/o2o"
)

// Entry is one price in a book: a SKU's price in a scope — national (the
// zero RegionCode) or one province — valid over the half-open interval
// [From, Until). A zero From means "since always", a zero Until "until
// further notice".
type Entry struct {
	SKU   string         `json:"sku"`
	Scope o2o.RegionCode `json:"scope,omitzero"`
	Price o2o.Money      `json:"price"`
	From  time.Time      `json:"from,omitzero"`
	Until time.Time      `json:"until,omitzero"`
}

// National reports whether the entry is the national price.
func (e Entry) National() bool { return e.Scope.IsZero() }

// ScopeName returns "national" or the province code.
func (e Entry) ScopeName() string {
	if e.National() {
		return "national"
	}
	return e.Scope.String()
}

func (e Entry) validity() string {
	from, until := "always", "open"
	if !e.From.IsZero() {
		from = e.From.Format(time.RFC3339)
	}
	if !e.Until.IsZero() {
		until = e.Until.Format(time.RFC3339)
	}
	return "[" + from + ", " + until + ")"
}

// Book is a price book for O2O-line products: at most one price for a SKU in
// a province at any instant, with a national price as the fallback (全省一个价).
// It is built once by NewBook, is immutable, and is safe for concurrent use.
type Book struct {
	// A book of 10,000 SKUs in 31 provinces holds over 300,000 entries, and
	// every quote looks one up, so the book keeps them packed where the
	// garbage collector need not scan them: one pointer-free row per entry
	// (the SKU as a position, the scope as a province number, the validity
	// as Unix seconds and nanoseconds, the price as an index into the
	// book's distinct prices), rebuilding an Entry when one is asked for.
	// Only the SKU names, the distinct prices and the time locations hold
	// pointers. TestBookLookupMatchesScan checks it against a plain scan.

	catalog  *o2o.Catalog
	currency o2o.Currency
	rows     []row            // one per entry, in the order given
	sorted   []int32          // row indexes by SKU position, scope, from
	spans    []int32          // SKU position p's rows are sorted[spans[p]:spans[p+1]]
	skus     map[string]int32 // SKU → position
	names    []string         // position → SKU
	prices   []o2o.Money      // distinct prices
	locs     []*time.Location // distinct locations of From and Until
	scopes   [100]o2o.RegionCode
}

// row is one entry without pointers.
type row struct {
	from, until instant
	sku         int32
	price       int32
	scope       uint8 // the province's two-digit number; 0 for national
}

// instant is a time.Time without pointers: Unix seconds and nanoseconds
// and an index into Book.locs; loc −1 is the zero time (an open bound).
type instant struct {
	sec  int64
	nsec int32
	loc  int32
}

// before reports whether i is strictly before t (neither zero).
func (i instant) before(sec int64, nsec int32) bool {
	return i.sec < sec || (i.sec == sec && i.nsec < nsec)
}

// after reports whether i is strictly after (sec, nsec) (i not zero).
func (i instant) after(sec int64, nsec int32) bool {
	return i.sec > sec || (i.sec == sec && i.nsec > nsec)
}

// provinceNumber returns the two-digit province number of a region code
// (0 for the zero code), without building a string.
func provinceNumber(r o2o.RegionCode) uint8 {
	s := r.String()
	if len(s) < 2 {
		return 0
	}
	return (s[0]-'0')*10 + (s[1] - '0')
}

// NewBook checks every entry against the catalog and builds the book. It
// refuses, with a *BookError naming the entries at fault:
//   - an entry without a SKU, with a negative price, a zero price for goods
//     (see "Free lines" below), a price beyond
//     MaxPrice or with more decimal places than its currency's minor unit,
//     with Until not after From, or with a bound past year MaxYear
//     (o2o.ErrInvalid);
//   - a SKU missing from the catalog (ErrUnknownSKU);
//   - a dealer-line SKU (ErrDealerPriced);
//   - a city, county or township scope (ErrLocalPrice);
//   - a currency other than the first entry's (o2o.ErrCurrencyMismatch);
//   - two entries for one SKU and scope whose validity overlaps (ErrOverlap),
//     naming both: each entry is named once, with the one starting no later
//     that reaches furthest.
//
// Free lines: a service item (a product with o2o.Product.IsService, such
// as the free on-site measurement, 免费量房) may be priced at zero, and
// quotes at zero with a free_service step saying so. Goods are never priced
// at zero in a book: goods given away are a benefit of the promotion ladder
// (products free, 免单), funded by a campaign and shown as such, not a
// price.
//
// The entries are copied. A nil catalog is an error. Checking takes
// O(n log n) time for n entries.
func NewBook(catalog *o2o.Catalog, entries []Entry) (*Book, error) {
	if catalog == nil {
		return nil, o2o.Invalid("catalog", "is required")
	}
	entries = slices.Clone(entries)
	var faults []EntryFault
	fault := func(i, other int, err error, format string, args ...any) {
		faults = append(faults, EntryFault{Index: i, Other: other, SKU: entries[i].SKU, Reason: fmt.Sprintf(format, args...), Err: err})
	}
	currency := o2o.CNY
	if len(entries) > 0 {
		currency = entries[0].Price.Currency()
	}
	var ok []int // the entries that pass the checks of their own
	for i, e := range entries {
		if e.SKU == "" {
			fault(i, -1, o2o.ErrInvalid, "SKU is required")
			continue
		}
		p, found := catalog.Product(e.SKU)
		switch {
		case !found:
			fault(i, -1, ErrUnknownSKU, "SKU %q is not in the catalog", e.SKU)
			continue
		case p.Line == o2o.LineDealer:
			fault(i, -1, ErrDealerPriced, "dealer-line SKU: the dealer keeps pricing power")
			continue
		}
		if !e.Scope.IsZero() && e.Scope.Level() != o2o.LevelProvince {
			fault(i, -1, ErrLocalPrice, "scope %s is a %s: O2O-line prices are national or per province (全省一个价)", e.Scope, e.Scope.Level())
			continue
		}
		if !e.Price.SameCurrency(entries[0].Price) {
			fault(i, 0, o2o.ErrCurrencyMismatch, "price in %s, but entries[0] is in %s", e.Price.Currency(), currency)
			continue
		}
		if why := priceFault(p, e.Price); why != "" {
			fault(i, -1, o2o.ErrInvalid, "%s", why)
			continue
		}
		if why := amountFault(e.Price); why != "" {
			fault(i, -1, o2o.ErrInvalid, "price %s", why)
			continue
		}
		if why := instantFault(e.From); why != "" {
			fault(i, -1, o2o.ErrInvalid, "from: %s", why)
			continue
		}
		if why := instantFault(e.Until); why != "" {
			fault(i, -1, o2o.ErrInvalid, "until: %s", why)
			continue
		}
		if !e.From.IsZero() && !e.Until.IsZero() && !e.Until.After(e.From) {
			fault(i, -1, o2o.ErrInvalid, "until %s is not after from %s", e.Until.Format(time.RFC3339), e.From.Format(time.RFC3339))
			continue
		}
		ok = append(ok, i)
	}
	overlaps(entries, ok, func(i, j int) {
		fault(i, j, ErrOverlap, "%s price valid %s overlaps entries[%d] valid %s", entries[i].ScopeName(), entries[i].validity(), j, entries[j].validity())
	})
	if len(faults) > 0 {
		slices.SortStableFunc(faults, func(a, b EntryFault) int { return cmp.Compare(a.Index, b.Index) })
		return nil, newBookError(faults)
	}
	return pack(catalog, currency, entries), nil
}

// overlaps calls found(i, j), once for each entry i among idx whose
// validity overlaps that of an entry j of the same SKU and scope that
// starts no later (ties by position). It sorts the entries by SKU, scope
// and From and sweeps each group keeping the entry j whose validity
// reaches furthest: an entry overlaps some entry starting before it
// exactly when it overlaps that one.
func overlaps(entries []Entry, idx []int, found func(i, j int)) {
	idx = slices.Clone(idx)
	slices.SortFunc(idx, func(a, b int) int {
		x, y := &entries[a], &entries[b]
		if c := cmp.Compare(x.SKU, y.SKU); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Scope.String(), y.Scope.String()); c != 0 {
			return c
		}
		if c := compareFrom(x.From, y.From); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	reach := -1 // the entry of the group so far whose validity ends last
	for n, i := range idx {
		e := &entries[i]
		if n > 0 {
			if p := &entries[idx[n-1]]; p.SKU != e.SKU || p.Scope != e.Scope {
				reach = -1
			}
		}
		if reach >= 0 {
			r := &entries[reach]
			// r starts at or before e; they overlap iff r ends after e starts.
			if r.Until.IsZero() || e.From.IsZero() || r.Until.After(e.From) {
				found(i, reach)
			}
			if r.Until.IsZero() || (!e.Until.IsZero() && !e.Until.After(r.Until)) {
				continue
			}
		}
		reach = i
	}
}

// compareFrom orders validity starts, the open start (zero) first.
func compareFrom(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return -1
	case b.IsZero():
		return 1
	}
	return a.Compare(b)
}

// pack builds the pointer-free rows of checked entries.
func pack(catalog *o2o.Catalog, currency o2o.Currency, entries []Entry) *Book {
	b := &Book{catalog: catalog, currency: currency, rows: make([]row, len(entries)), skus: map[string]int32{}}
	type priceKey struct {
		coef int64
		exp  int32
	}
	priceIdx := map[priceKey]int32{}
	wideIdx := map[string]int32{} // prices beyond int64, by text
	locIdx := map[*time.Location]int32{}
	at := func(t time.Time) instant {
		if t.IsZero() {
			return instant{loc: -1}
		}
		l := t.Location()
		i, ok := locIdx[l]
		if !ok {
			i = int32(len(b.locs))
			locIdx[l] = i
			b.locs = append(b.locs, l)
		}
		return instant{sec: t.Unix(), nsec: int32(t.Nanosecond()), loc: i}
	}
	for n, e := range entries {
		pos, ok := b.skus[e.SKU]
		if !ok {
			pos = int32(len(b.names))
			b.skus[e.SKU] = pos
			b.names = append(b.names, e.SKU)
		}
		var price int32
		if v := numOfMoney(e.Price); !v.wide {
			k := priceKey{v.c, v.e}
			if price, ok = priceIdx[k]; !ok {
				price = int32(len(b.prices))
				priceIdx[k] = price
				b.prices = append(b.prices, e.Price)
			}
		} else {
			k := e.Price.AmountString()
			if price, ok = wideIdx[k]; !ok {
				price = int32(len(b.prices))
				wideIdx[k] = price
				b.prices = append(b.prices, e.Price)
			}
		}
		scope := provinceNumber(e.Scope)
		b.scopes[scope] = e.Scope
		b.rows[n] = row{from: at(e.From), until: at(e.Until), sku: pos, price: price, scope: scope}
	}
	b.sorted = make([]int32, len(entries))
	for i := range b.sorted {
		b.sorted[i] = int32(i)
	}
	slices.SortFunc(b.sorted, func(x, y int32) int {
		a, c := &b.rows[x], &b.rows[y]
		if a.sku != c.sku {
			return cmp.Compare(a.sku, c.sku)
		}
		if a.scope != c.scope {
			return cmp.Compare(a.scope, c.scope)
		}
		// Open starts first; entries of one scope do not overlap.
		switch {
		case a.from.loc < 0 && c.from.loc < 0:
			return 0
		case a.from.loc < 0:
			return -1
		case c.from.loc < 0:
			return 1
		case a.from.before(c.from.sec, c.from.nsec):
			return -1
		case c.from.before(a.from.sec, a.from.nsec):
			return 1
		}
		return 0
	})
	b.spans = make([]int32, len(b.names)+1)
	for _, i := range b.sorted {
		b.spans[b.rows[i].sku+1]++
	}
	for p := 1; p < len(b.spans); p++ {
		b.spans[p] += b.spans[p-1]
	}
	return b
}

// entry rebuilds the entry of row i. It does not allocate.
func (b *Book) entry(i int32) Entry {
	r := &b.rows[i]
	return Entry{SKU: b.names[r.sku], Scope: b.scopes[r.scope], Price: b.prices[r.price], From: b.time(r.from), Until: b.time(r.until)}
}

func (b *Book) time(i instant) time.Time {
	if i.loc < 0 {
		return time.Time{}
	}
	return time.Unix(i.sec, int64(i.nsec)).In(b.locs[i.loc])
}

// Catalog returns the catalog the book was checked against.
func (b *Book) Catalog() *o2o.Catalog { return b.catalog }

// Currency returns the book's one currency (CNY for an empty book).
func (b *Book) Currency() o2o.Currency { return b.currency }

// Entries returns a copy of the entries in the order given.
func (b *Book) Entries() []Entry {
	out := make([]Entry, len(b.rows))
	for i := range b.rows {
		out[i] = b.entry(int32(i))
	}
	return out
}

// Lookup returns the price in force for sku in region's province at the
// instant: the province price when there is one, else the national price.
// The region may be at any level (a township resolves to its province); the
// zero region asks for the national price. A SKU with no price in force is
// an error wrapping ErrNoPrice.
func (b *Book) Lookup(sku string, region o2o.RegionCode, at time.Time) (Entry, error) {
	if i, ok := b.find(sku, provinceNumber(region), at); ok {
		return b.entry(i), nil
	}
	where := "nationally"
	if !region.IsZero() {
		where = "in province " + region.Province().String() + " or nationally"
	}
	return Entry{}, fmt.Errorf("SKU %q %s at %s: %w", sku, where, at.Format(time.RFC3339), ErrNoPrice)
}

// price returns the price in force for sku in region's province at the
// instant and its scope (zero for national), as Lookup does but without
// rebuilding the entry; false when there is none.
func (b *Book) price(sku string, region o2o.RegionCode, at time.Time) (o2o.Money, o2o.RegionCode, bool) {
	i, ok := b.find(sku, provinceNumber(region), at)
	if !ok {
		return o2o.Money{}, o2o.RegionCode{}, false
	}
	r := &b.rows[i]
	return b.prices[r.price], b.scopes[r.scope], true
}

// find returns the row in force for sku at the instant: in the province
// first (unless province is 0), then nationally.
func (b *Book) find(sku string, province uint8, at time.Time) (int32, bool) {
	pos, ok := b.skus[sku]
	if !ok {
		return 0, false
	}
	rows := b.sorted[b.spans[pos]:b.spans[pos+1]]
	sec, nsec := at.Unix(), int32(at.Nanosecond())
	if province != 0 {
		if i, ok := b.findScope(rows, province, sec, nsec); ok {
			return i, true
		}
	}
	return b.findScope(rows, 0, sec, nsec)
}

// findScope returns the row of scope in force at (sec, nsec) among rows
// (sorted by scope, then from, not overlapping within a scope), by binary
// search.
func (b *Book) findScope(rows []int32, scope uint8, sec int64, nsec int32) (int32, bool) {
	lo, _ := slices.BinarySearchFunc(rows, scope, func(i int32, s uint8) int { return cmp.Compare(b.rows[i].scope, s) })
	end, _ := slices.BinarySearchFunc(rows[lo:], scope+1, func(i int32, s uint8) int { return cmp.Compare(b.rows[i].scope, s) })
	// The last row of the scope starting at or before the instant is the
	// only candidate.
	hi, _ := slices.BinarySearchFunc(rows[lo:lo+end], true, func(i int32, _ bool) int {
		if b.startsAfter(i, sec, nsec) {
			return 1
		}
		return -1
	})
	if hi == 0 {
		return 0, false
	}
	i := rows[lo+hi-1]
	if u := b.rows[i].until; u.loc >= 0 && !u.after(sec, nsec) {
		return 0, false // ended at or before the instant
	}
	return i, true
}

func (b *Book) startsAfter(i int32, sec int64, nsec int32) bool {
	f := b.rows[i].from
	return f.loc >= 0 && f.after(sec, nsec)
}

type bookJSON struct {
	Entries []Entry `json:"entries"`
}

// MarshalJSON writes {"entries":[…]} in the order given.
func (b *Book) MarshalJSON() ([]byte, error) {
	return json.Marshal(bookJSON{Entries: b.Entries()})
}

// ParseBookJSON builds a book from {"entries":[…]} (strict JSON) with the
// checks of NewBook.
func ParseBookJSON(catalog *o2o.Catalog, data []byte) (*Book, error) {
	var raw bookJSON
	if err := o2o.DecodeJSON(data, &raw); err != nil {
		return nil, err
	}
	return NewBook(catalog, raw.Entries)
}

// priceFault says why price may not be product's price in a book, or
// returns "": negative, or zero for goods (only a service item may be free).
func priceFault(product o2o.Product, price o2o.Money) string {
	switch {
	case price.IsNegative():
		return fmt.Sprintf("price %s must not be negative", price)
	case price.IsZero() && !product.IsService():
		return fmt.Sprintf("price %s must be positive: only a service item may be free, goods never are (products given away are a ladder benefit)", price)
	}
	return ""
}
