package pricing

import (
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

// covers reports whether at lies in [From, Until).
func (e Entry) covers(at time.Time) bool {
	return (e.From.IsZero() || !at.Before(e.From)) && (e.Until.IsZero() || at.Before(e.Until))
}

// overlaps reports whether the validities of e and o share an instant.
func (e Entry) overlaps(o Entry) bool {
	// [a,b) and [c,d) overlap iff a < d and c < b, with zero bounds open.
	aBeforeD := e.From.IsZero() || o.Until.IsZero() || e.From.Before(o.Until)
	cBeforeB := o.From.IsZero() || e.Until.IsZero() || o.From.Before(e.Until)
	return aBeforeD && cBeforeB
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

type bookKey struct {
	sku   string
	scope o2o.RegionCode
}

// Book is a price book for O2O-line products: at most one price for a SKU in
// a province at any instant, with a national price as the fallback (全省一個價).
// It is built once by NewBook, is immutable, and is safe for concurrent use.
type Book struct {
	catalog  *o2o.Catalog
	currency o2o.Currency
	entries  []Entry             // as given
	index    map[bookKey][]Entry // sorted by From
}

// NewBook checks every entry against the catalog and builds the book. It
// refuses, with a *BookError naming every entry at fault:
//   - an entry without a SKU, with a negative or zero price, or with Until not after From (o2o.ErrInvalid);
//   - a SKU missing from the catalog (ErrUnknownSKU);
//   - a dealer-line SKU (ErrDealerPriced);
//   - a city, county or township scope (ErrLocalPrice);
//   - a currency other than the first entry's (o2o.ErrCurrencyMismatch);
//   - two entries for one SKU and scope whose validity overlaps (ErrOverlap),
//     naming both.
//
// The entries are copied. A nil catalog is an error.
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
	index := make(map[bookKey][]int, len(entries))
	for i, e := range entries {
		if e.SKU == "" {
			fault(i, -1, o2o.ErrInvalid, "SKU is required")
			continue
		}
		p, ok := catalog.Product(e.SKU)
		switch {
		case !ok:
			fault(i, -1, ErrUnknownSKU, "SKU %q is not in the catalog", e.SKU)
			continue
		case p.Line == o2o.LineDealer:
			fault(i, -1, ErrDealerPriced, "dealer-line SKU: the dealer keeps pricing power")
			continue
		}
		if !e.Scope.IsZero() && e.Scope.Level() != o2o.LevelProvince {
			fault(i, -1, ErrLocalPrice, "scope %s is a %s: O2O-line prices are national or per province (全省一個價)", e.Scope, e.Scope.Level())
			continue
		}
		if !e.Price.SameCurrency(entries[0].Price) {
			fault(i, 0, o2o.ErrCurrencyMismatch, "price in %s, but entries[0] is in %s", e.Price.Currency(), currency)
			continue
		}
		if !e.Price.IsPositive() {
			fault(i, -1, o2o.ErrInvalid, "price %s must be positive", e.Price)
			continue
		}
		if !e.From.IsZero() && !e.Until.IsZero() && !e.Until.After(e.From) {
			fault(i, -1, o2o.ErrInvalid, "until %s is not after from %s", e.Until.Format(time.RFC3339), e.From.Format(time.RFC3339))
			continue
		}
		k := bookKey{e.SKU, e.Scope}
		for _, j := range index[k] {
			if entries[j].overlaps(e) {
				fault(i, j, ErrOverlap, "%s price valid %s overlaps entries[%d] valid %s", e.ScopeName(), e.validity(), j, entries[j].validity())
			}
		}
		index[k] = append(index[k], i)
	}
	if len(faults) > 0 {
		return nil, &BookError{Faults: faults}
	}
	b := &Book{catalog: catalog, currency: currency, entries: entries, index: make(map[bookKey][]Entry, len(index))}
	for k, idx := range index {
		list := make([]Entry, len(idx))
		for n, i := range idx {
			list[n] = entries[i]
		}
		slices.SortFunc(list, func(a, b Entry) int { return a.From.Compare(b.From) })
		b.index[k] = list
	}
	return b, nil
}

// Catalog returns the catalog the book was checked against.
func (b *Book) Catalog() *o2o.Catalog { return b.catalog }

// Currency returns the book's one currency (CNY for an empty book).
func (b *Book) Currency() o2o.Currency { return b.currency }

// Entries returns a copy of the entries in the order given.
func (b *Book) Entries() []Entry { return slices.Clone(b.entries) }

// Lookup returns the price in force for sku in region's province at the
// instant: the province price when there is one, else the national price.
// The region may be at any level (a township resolves to its province); the
// zero region asks for the national price. A SKU with no price in force is
// an error wrapping ErrNoPrice.
func (b *Book) Lookup(sku string, region o2o.RegionCode, at time.Time) (Entry, error) {
	if !region.IsZero() {
		if e, ok := find(b.index[bookKey{sku, region.Province()}], at); ok {
			return e, nil
		}
	}
	if e, ok := find(b.index[bookKey{sku: sku}], at); ok {
		return e, nil
	}
	where := "nationally"
	if !region.IsZero() {
		where = "in province " + region.Province().String() + " or nationally"
	}
	return Entry{}, fmt.Errorf("SKU %q %s at %s: %w", sku, where, at.Format(time.RFC3339), ErrNoPrice)
}

// find returns the entry of list (sorted by From, not overlapping) in force at.
func find(list []Entry, at time.Time) (Entry, bool) {
	// The last entry starting at or before at is the only candidate.
	i, _ := slices.BinarySearchFunc(list, at, func(e Entry, t time.Time) int {
		if e.From.IsZero() || !e.From.After(t) {
			return -1
		}
		return 1
	})
	if i == 0 {
		return Entry{}, false
	}
	if e := list[i-1]; e.covers(at) {
		return e, true
	}
	return Entry{}, false
}

type bookJSON struct {
	Entries []Entry `json:"entries"`
}

// MarshalJSON writes {"entries":[…]} in the order given.
func (b *Book) MarshalJSON() ([]byte, error) {
	return json.Marshal(bookJSON{Entries: b.entries})
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
