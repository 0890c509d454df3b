package pricing_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/internal/limits"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// A book of 4,000 identical entries is refused quickly, with an error that
// lists the first limits.MaxFaults overlaps and counts the rest.
func TestBookOfIdenticalEntries(t *testing.T) {
	cat := testCatalog(t)
	const n = 4000
	entries := make([]pricing.Entry, n)
	for i := range entries {
		entries[i] = pricing.Entry{SKU: "TILE-800", Scope: gd, Price: o2o.MustParseMoney("95")}
	}
	err := hostile.Within(t, hostile.Bound{Time: 3 * time.Second, Bytes: 64 << 20}, "4,000 identical entries", func() error {
		_, err := pricing.NewBook(cat, entries)
		return err
	})
	if !errors.Is(err, pricing.ErrOverlap) || !errors.Is(err, o2o.ErrInvalid) {
		t.Fatalf("err = %v, want ErrOverlap", err)
	}
	var be *pricing.BookError
	if !errors.As(err, &be) {
		t.Fatalf("err %T is not a *BookError", err)
	}
	if len(be.Faults) != limits.MaxFaults || be.More != n-1-limits.MaxFaults {
		t.Errorf("%d faults listed and %d more; want %d and %d", len(be.Faults), be.More, limits.MaxFaults, n-1-limits.MaxFaults)
	}
	for i, f := range be.Faults {
		if f.Index != i+1 || f.Other != 0 {
			t.Fatalf("fault %d names entries[%d] and [%d]; want [%d] and [0]", i, f.Index, f.Other, i+1)
		}
	}
	msg := err.Error()
	if len(msg) > 64<<10 || !strings.HasSuffix(msg, fmt.Sprintf("and %d more fault(s)", n-1-limits.MaxFaults)) {
		t.Errorf("error of %d bytes ends %q", len(msg), msg[max(0, len(msg)-80):])
	}
}

// The sentinels of faults beyond those listed are still found by errors.Is.
func TestBookErrorKeepsSentinelsOfUnlistedFaults(t *testing.T) {
	cat := testCatalog(t)
	var entries []pricing.Entry
	for range limits.MaxFaults + 5 {
		entries = append(entries, pricing.Entry{SKU: "GHOST", Price: o2o.MustParseMoney("1")})
	}
	entries = append(entries, pricing.Entry{SKU: "DLR-TILE", Price: o2o.MustParseMoney("1")})
	_, err := pricing.NewBook(cat, entries)
	if !errors.Is(err, pricing.ErrUnknownSKU) || !errors.Is(err, pricing.ErrDealerPriced) {
		t.Fatalf("err = %v: want both ErrUnknownSKU and the unlisted ErrDealerPriced", err)
	}
}

// windows returns n consecutive one-day windows for one SKU and province,
// and each window's start.
func windows(n int) ([]pricing.Entry, []time.Time) {
	entries := make([]pricing.Entry, n)
	starts := make([]time.Time, n)
	t0 := day(2000, 1, 1)
	for i := range entries {
		from := t0.AddDate(0, 0, i)
		entries[i] = pricing.Entry{SKU: "TILE-800", Scope: gd, Price: o2o.MustParseMoney(fmt.Sprintf("%d.%02d", 10+i/100, i%100)),
			From: from, Until: from.AddDate(0, 0, 1)}
		starts[i] = from
	}
	return entries, starts
}

// 20,000 consecutive price windows for one SKU build and answer lookups in
// O(n log n).
func TestBookOfManyWindows(t *testing.T) {
	cat := testCatalog(t)
	const n = 20_000
	entries, starts := windows(n)
	var book *pricing.Book
	err := hostile.Within(t, hostile.Bound{Time: 3 * time.Second, Bytes: 128 << 20}, "build 20,000 windows", func() error {
		var err error
		book, err = pricing.NewBook(cat, entries)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// 400,000 lookups, 20 in each window: a linear scan of the windows
	// (the old lookup) takes seconds, a binary search milliseconds.
	err = hostile.Within(t, hostile.Bound{Time: 3 * time.Second, Bytes: 64 << 20}, "400,000 lookups", func() error {
		for i, at := range starts {
			for h := range 20 {
				e, err := book.Lookup("TILE-800", gd, at.Add(time.Duration(h)*time.Hour))
				if err != nil {
					return err
				}
				if !e.Price.Equal(entries[i].Price) {
					return fmt.Errorf("window %d: got %s, want %s", i, e.Price, entries[i].Price)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same windows each reaching into the next: every one overlaps.
	for i := range entries {
		entries[i].Until = entries[i].Until.Add(time.Hour)
	}
	err = hostile.Within(t, hostile.Bound{Time: 3 * time.Second, Bytes: 128 << 20}, "20,000 overlapping windows", func() error {
		_, err := pricing.NewBook(cat, entries)
		return err
	})
	var be *pricing.BookError
	if !errors.As(err, &be) || !errors.Is(err, pricing.ErrOverlap) || be.More != n-1-limits.MaxFaults {
		t.Fatalf("err = %v", err)
	}
	if f := be.Faults[0]; f.Index != 1 || f.Other != 0 {
		t.Errorf("first fault names entries[%d] and [%d], want [1] and [0]", f.Index, f.Other)
	}
}

// The overlap sweep finds what a plain comparison of every pair finds:
// each entry overlapping an entry that starts no later is reported, with
// an entry it overlaps.
func TestBookOverlapsMatchPairs(t *testing.T) {
	cat := testCatalog(t)
	at := func(h int) time.Time {
		if h < 0 {
			return time.Time{}
		}
		return day(2025, 1, 1).Add(time.Duration(h) * time.Hour)
	}
	overlap := func(a, b pricing.Entry) bool {
		return (a.From.IsZero() || b.Until.IsZero() || a.From.Before(b.Until)) &&
			(b.From.IsZero() || a.Until.IsZero() || b.From.Before(a.Until))
	}
	for seed := range 400 {
		r := rand.New(rand.NewPCG(uint64(seed), 17))
		var entries []pricing.Entry
		for range 2 + r.IntN(7) {
			from, until := r.IntN(12)-1, -1
			if r.IntN(4) > 0 {
				until = max(from, 0) + 1 + r.IntN(6)
			}
			e := pricing.Entry{SKU: []string{"TILE-800", "CAB-01"}[r.IntN(2)], Price: o2o.MustParseMoney("9"), From: at(from), Until: at(until)}
			if r.IntN(2) == 0 {
				e.Scope = gd
			}
			entries = append(entries, e)
		}
		want := map[int]bool{}
		for i, a := range entries {
			for j, b := range entries {
				startsNoLater := b.From.IsZero() && !a.From.IsZero() || (!a.From.IsZero() && !b.From.IsZero() && b.From.Before(a.From)) ||
					(a.From.Equal(b.From) && j < i)
				if i != j && a.SKU == b.SKU && a.Scope == b.Scope && startsNoLater && overlap(a, b) {
					want[i] = true
				}
			}
		}
		_, err := pricing.NewBook(cat, entries)
		got := map[int]bool{}
		var be *pricing.BookError
		if errors.As(err, &be) {
			for _, f := range be.Faults {
				a, b := entries[f.Index], entries[f.Other]
				if !errors.Is(f.Err, pricing.ErrOverlap) || a.SKU != b.SKU || a.Scope != b.Scope || !overlap(a, b) {
					t.Fatalf("seed %d: fault %+v does not name an overlap", seed, f)
				}
				got[f.Index] = true
			}
		} else if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("seed %d: entries reported %v, want %v\n%+v", seed, got, want, entries)
		}
	}
}

// A price with more decimal places than its currency's minor unit is
// refused in the book, in the config and in a request, with the path, the
// value and the minor unit.
func TestSubMinorUnitPricesRefused(t *testing.T) {
	cat := testCatalog(t)
	_, err := pricing.NewBook(cat, []pricing.Entry{{SKU: "TILE-800", Price: o2o.MustParseMoney("95")}, {SKU: "CAB-01", Price: o2o.MustParseMoney("10.001")}})
	if !errors.Is(err, o2o.ErrInvalid) || !strings.Contains(err.Error(), "entries[1]") || !strings.Contains(err.Error(), "10.001 CNY") ||
		!strings.Contains(err.Error(), "0.01") {
		t.Errorf("book: %v", err)
	}
	if _, err := pricing.NewBook(cat, []pricing.Entry{{SKU: "TILE-800", Price: o2o.MustParseMoney("95.5 JPY")}}); err == nil ||
		!strings.Contains(err.Error(), "JPY") {
		t.Errorf("book in JPY: %v", err)
	}
	// Trailing zeros are not places: 10.0100 is 10.01.
	if _, err := pricing.NewBook(cat, []pricing.Entry{{SKU: "TILE-800", Price: o2o.MustParseMoney("10.0100")}}); err != nil {
		t.Errorf("10.0100: %v", err)
	}

	book := fixtureBook(t)
	base, err := pricing.ParseConfig(readFile(t, "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		edit func(c *pricing.Config)
	}{
		{"uplift.cap", func(c *pricing.Config) { c.Uplift.Cap = o2o.MustParseMoney("100.005") }},
		{"costs[0].cost", func(c *pricing.Config) { c.Costs[0].Cost = o2o.MustParseMoney("60.001") }},
		{"valueAdded[1].cost", func(c *pricing.Config) { c.ValueAdded[1].Cost = o2o.MustParseMoney("0.001") }},
		{"ladder[1].adds[0].cost", func(c *pricing.Config) { c.Ladder[1].Adds[0].Cost = o2o.MustParseMoney("2000.009") }},
	} {
		c := base
		c.Costs, c.ValueAdded, c.Ladder = clone(base.Costs), clone(base.ValueAdded), clone(base.Ladder)
		for i := range c.Ladder {
			c.Ladder[i].Adds = clone(c.Ladder[i].Adds)
		}
		tt.edit(&c)
		_, err := c.Build(book)
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != tt.path || !strings.Contains(err.Error(), "0.01") {
			t.Errorf("config %s: %v", tt.path, err)
		}
	}

	p := fixturePolicy(t, "policy-negotiation.json")
	for _, tt := range []struct {
		path string
		edit func(r *pricing.Request)
	}{
		{"negotiated", func(r *pricing.Request) { m := o2o.MustParseMoney("90.005"); r.Negotiated = &m }},
		{"observations[3].price", func(r *pricing.Request) { r.Observations[3].Price = o2o.MustParseMoney("96.901") }},
		{"campaign.fundingLeft", func(r *pricing.Request) { r.Campaign.FundingLeft = o2o.MustParseMoney("10000.0001") }},
	} {
		req := benchRequest(t)
		tt.edit(&req)
		_, err := p.Quote(req)
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != tt.path || !strings.Contains(err.Error(), "0.01") {
			t.Errorf("request %s: %v", tt.path, err)
		}
	}
}

func clone[T any](s []T) []T { return append([]T(nil), s...) }

// Prices, quantities and percents beyond the documented domain are refused
// (two 37-digit factors used to make a quote whose JSON could not be read
// back), and instants past year 9999 too.
func TestDomainBounds(t *testing.T) {
	cat := testCatalog(t)
	big37 := "1" + strings.Repeat("0", 36)
	for name, e := range map[string]pricing.Entry{
		"price beyond MaxPrice": {SKU: "TILE-800", Price: o2o.MustParseMoney("1000000000000.01")},
		"37-digit price":        {SKU: "TILE-800", Price: o2o.MustParseMoney(big37)},
		"until past 9999":       {SKU: "TILE-800", Price: o2o.MustParseMoney("1"), Until: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"from past 9999":        {SKU: "TILE-800", Price: o2o.MustParseMoney("1"), From: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"from before year 0":    {SKU: "TILE-800", Price: o2o.MustParseMoney("1"), From: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := pricing.NewBook(cat, []pricing.Entry{e}); !errors.Is(err, o2o.ErrInvalid) || !strings.Contains(err.Error(), "entries[0]") {
			t.Errorf("book, %s: %v", name, err)
		}
	}
	if _, err := pricing.NewBook(cat, []pricing.Entry{{SKU: "TILE-800", Price: o2o.MustParseMoney(fmt.Sprint(pricing.MaxPrice)),
		Until: time.Date(pricing.MaxYear, 12, 31, 23, 0, 0, 0, o2o.China())}}); err != nil {
		t.Errorf("book at the bounds: %v", err)
	}

	base, err := pricing.ParseConfig(readFile(t, "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	book := fixtureBook(t)
	for path, edit := range map[string]func(c *pricing.Config){
		"uplift.percent":   func(c *pricing.Config) { c.Uplift.Percent = o2o.MustDec("5.00001") },
		"minMarginPercent": func(c *pricing.Config) { c.MinMarginPercent = o2o.MustDec("0." + strings.Repeat("1", 30)) },
		"vat.categories[0].percent": func(c *pricing.Config) {
			c.VAT.Categories = []pricing.CategoryRate{{Category: "tiles", Percent: o2o.MustDec("13.00001")}}
		},
		"clearance[0].percent": func(c *pricing.Config) {
			c.Clearance = []pricing.Markdown{{Grade: "A", Percent: o2o.MustDec("20.00001")}}
		},
		"uplift.cap": func(c *pricing.Config) { c.Uplift.Cap = o2o.MustParseMoney(big37) },
		"negotiation.bandPercent": func(c *pricing.Config) {
			c.Negotiation.Enabled, c.Negotiation.BandPercent = true, o2o.MustDec("1.23456")
		},
		"valueAdded[0].cost": func(c *pricing.Config) {
			c.ValueAdded = []pricing.Service{{Code: "x", Cost: o2o.MustParseMoney("1000000000001")}}
		},
		"ladder[0].adds[0].cost": func(c *pricing.Config) {
			c.Ladder = []pricing.Stage{{Stage: 1, Adds: []pricing.StageBenefit{{Code: "x", Kind: pricing.BenefitPayback, Cost: o2o.MustParseMoney(big37)}}}}
		},
		"vat.default":   func(c *pricing.Config) { d := o2o.MustDec("13.123456"); c.VAT.Default = &d },
		"costs[0].cost": func(c *pricing.Config) { c.Costs = []pricing.Cost{{SKU: "TILE-800", Cost: o2o.MustParseMoney(big37)}} },
	} {
		c := base
		edit(&c)
		_, err := c.Build(book)
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Path != path {
			t.Errorf("config %s: %v", path, err)
		}
	}

	p := fixturePolicy(t, "policy-negotiation.json")
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for path, edit := range map[string]func(r *pricing.Request){
		"quantity.value":   func(r *pricing.Request) { r.Quantity.Value = o2o.MustDec(big37) },
		"quantity.value ":  func(r *pricing.Request) { r.Quantity.Value = o2o.MustDec("1000000000.5") },
		"quantity.value  ": func(r *pricing.Request) { r.Quantity.Value = o2o.MustDec("1.0000001") },
		"negotiated":       func(r *pricing.Request) { m := o2o.MustParseMoney(big37); r.Negotiated = &m },
		"observations[0].price": func(r *pricing.Request) {
			r.Observations[0].Price = o2o.MustParseMoney("0." + strings.Repeat("0", 35) + "1")
		},
		"campaign.fundingLeft":       func(r *pricing.Request) { r.Campaign.FundingLeft = o2o.MustParseMoney(big37) },
		"at":                         func(r *pricing.Request) { r.At = far },
		"observations[2].validUntil": func(r *pricing.Request) { r.Observations[2].ValidUntil = far },
		"observations[2].observedAt": func(r *pricing.Request) { r.Observations[2].ObservedAt = far },
	} {
		req := benchRequest(t)
		edit(&req)
		_, err := p.Quote(req)
		var ve *o2o.ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Path != strings.TrimSpace(path) {
			t.Errorf("request %s: %v", path, err)
		}
	}
}

// A programmatic amount far outside the domain (a coefficient of 100,000
// digits, or an exponent of ±1,000) is refused quickly, and the
// error does not echo it whole.
func TestDomainBoundsOnHugeValues(t *testing.T) {
	cat := testCatalog(t)
	huge := []decimal.Decimal{decimal.New(1, 1000), decimal.New(1, -1000), decimal.RequireFromString(strings.Repeat("7", 100_000))}
	for i, d := range huge {
		m, err := o2o.NewMoneyIn(d, o2o.CNY)
		if err != nil {
			// o2o refuses an amount beyond its digit bound before pricing sees it.
			if !errors.Is(err, o2o.ErrInvalid) || len(err.Error()) > 1000 {
				t.Errorf("value %d: NewMoneyIn: error of %d bytes: %.200v", i, len(err.Error()), err)
			}
			continue
		}
		err = hostile.Within(t, hostile.Bound{Time: 3 * time.Second, Bytes: 256 << 20}, fmt.Sprint("huge value ", i), func() error {
			_, err := pricing.NewBook(cat, []pricing.Entry{{SKU: "TILE-800", Price: m}})
			return err
		})
		if !errors.Is(err, o2o.ErrInvalid) || len(err.Error()) > 1000 {
			t.Errorf("value %d: error of %d bytes: %.200v", i, len(err.Error()), err)
		}
	}
}

// Quotes at the edges of the domain — the largest price, quantity and
// percent places, every rounding — write as JSON and read back to the same
// bytes.
func TestQuotesAtTheDomainEdgesRoundTrip(t *testing.T) {
	cat := testCatalog(t)
	maxPrice := o2o.MustParseMoney(fmt.Sprint(pricing.MaxPrice))
	book, err := pricing.NewBook(cat, []pricing.Entry{
		{SKU: "TILE-800", Price: maxPrice}, {SKU: "CAB-01", Price: o2o.MustParseMoney("0.01")},
		{SKU: "SVC-CONS", Price: o2o.MustParseMoney("999999999999.99")}, {SKU: "DOOR-9", Price: o2o.MustParseMoney("7.77")},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pricing.ParseConfig(readFile(t, "policy-negotiation.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Uplift = pricing.Uplift{Percent: o2o.MustDec("99.9999"), Cap: maxPrice}
	cfg.MinMarginPercent = o2o.MustDec("999.9999")
	cfg.VAT.Categories = []pricing.CategoryRate{{Category: "tiles", Percent: o2o.MustDec("33.3333")}}
	d := o2o.MustDec("6.6667")
	cfg.VAT.Default = &d
	for _, inc := range []pricing.Increment{"fen", "jiao", "yuan"} {
		for _, mode := range o2o.RoundingModes() {
			cfg.Rounding = pricing.Rounding{Mode: mode, Increment: inc}
			p, err := cfg.Build(book)
			if err != nil {
				t.Fatal(err)
			}
			for _, sku := range []string{"TILE-800", "CAB-01", "SVC-CONS", "DOOR-9"} {
				for _, qty := range []string{"999999999.999999", "1000000000", "0.000001", "3.333333"} {
					req := benchRequest(t)
					req.SKU, req.Observations = sku, nil
					prod, _ := cat.Product(sku)
					req.Quantity = o2o.Qty(o2o.MustDec(qty).Decimal, prod.SaleUnit())
					if pricing.WholeUnit(prod.SaleUnit()) {
						// Counted units take the whole edges: 999999999 and 1.
						req.Quantity.Value = o2o.Dec(decimal.Max(req.Quantity.Value.Truncate(0), decimal.New(1, 0)))
					}
					req.Campaign.Stage, req.Campaign.FundingLeft = 4, maxPrice
					q, err := p.Quote(req)
					if err != nil {
						t.Fatalf("%s %s %s × %s: %v", inc, mode, sku, qty, err)
					}
					out, err := json.Marshal(q)
					if err != nil {
						t.Fatalf("%s %s %s × %s: %v", inc, mode, sku, qty, err)
					}
					var back pricing.Quote
					if err := json.Unmarshal(out, &back); err != nil {
						t.Fatalf("%s %s %s × %s: quote does not read back: %v\n%s", inc, mode, sku, qty, err, out)
					}
					if again, _ := json.Marshal(back); string(again) != string(out) {
						t.Fatalf("%s %s %s × %s: round trip changed the quote:\n%s\n%s", inc, mode, sku, qty, out, again)
					}
				}
			}
		}
	}
}

// A quote decodes strictly at every level: an unknown field in the quote,
// a step, a benefit or the flags is refused, and so is a step whose reason
// does not match its code and facts.
func TestQuoteDecodesStrictly(t *testing.T) {
	q, err := fixturePolicy(t, "").Quote(benchRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Steps) == 0 || len(q.Benefits) == 0 {
		t.Fatalf("fixture quote has %d steps and %d benefits", len(q.Steps), len(q.Benefits))
	}
	data, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(string) string{
		"quote":   func(s string) string { return strings.Replace(s, `{"sku":`, `{"bogus":1,"sku":`, 1) },
		"step":    func(s string) string { return strings.Replace(s, `"steps":[{`, `"steps":[{"bogus":1,`, 1) },
		"benefit": func(s string) string { return strings.Replace(s, `"benefits":[{`, `"benefits":[{"bogus":1,`, 1) },
		"flags":   func(s string) string { return strings.Replace(s, `"flags":{`, `"flags":{"bogus":true,`, 1) },
		"reason":  func(s string) string { return strings.Replace(s, `"reason":"`, `"reason":"edited `, 1) },
	} {
		bad := edit(string(data))
		if bad == string(data) {
			t.Fatalf("%s: the edit did not apply", name)
		}
		var back pricing.Quote
		if err := json.Unmarshal([]byte(bad), &back); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: edited quote decoded: %v", name, err)
		}
	}
}

// A built policy and its book are safe for concurrent use: 32 goroutines
// quoting, auditing and looking up at once get what one goroutine gets
// (run with -race).
func TestPolicyIsSafeForConcurrentUse(t *testing.T) {
	p := fixturePolicy(t, "")
	f := loadScenarios(t)
	var reqs []pricing.Request
	var want []string
	for _, s := range f.Cases {
		req := f.request(t, s)
		q, err := p.Quote(req)
		got := fmt.Sprint(err)
		if err == nil {
			data, _ := json.Marshal(q)
			got = string(data)
		}
		reqs, want = append(reqs, req), append(want, got)
	}
	errs := make(chan error, 32)
	for g := range 32 {
		go func() {
			for i := range reqs {
				i := (i + g) % len(reqs)
				q, err := p.Quote(reqs[i])
				got := fmt.Sprint(err)
				if err == nil {
					data, _ := json.Marshal(q)
					got = string(data)
				}
				if got != want[i] {
					errs <- fmt.Errorf("goroutine %d, request %d: %s, want %s", g, i, got, want[i])
					return
				}
				if _, err := p.Book().Lookup(reqs[i].SKU, reqs[i].Region, reqs[i].At); err != nil && !errors.Is(err, pricing.ErrNoPrice) {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 32 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// A quote's steps and benefits are the caller's: changing them changes no
// later quote.
func TestQuoteOwnsItsSlices(t *testing.T) {
	p := fixturePolicy(t, "")
	q1, err := p.Quote(benchRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(q1)
	q1.Benefits[0].Cost, q1.Benefits[0].FundedBy = o2o.MustParseMoney("1"), "someone"
	q1.Steps[0].Facts.Party, q1.Steps[0].Result = "someone", o2o.MustParseMoney("1")
	q2, err := p.Quote(benchRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(q2); string(got) != string(want) {
		t.Errorf("a quote changed after the previous one was edited:\n%s\nwant\n%s", got, want)
	}
}
