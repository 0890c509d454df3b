package pricing_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// FuzzParseConfig: the decoder never panics, refuses with ErrInvalid, and
// anything accepted (and built) round-trips.
func FuzzParseConfig(f *testing.F) {
	f.Add(readFile(f, "policy.json"))
	f.Add(readFile(f, "policy-negotiation.json"))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"procedure":["list_price","rounding"],"rounding":{"increment":"yuan"}}`))
	f.Add([]byte(`{"uplift":{"percent":"5","cap":{"amount":"1","currency":"CNY"}}}`))
	book := fixtureBook(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := pricing.ParseConfig(data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		p, err := cfg.Build(book)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("build error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(p.Config())
		if err != nil {
			t.Fatal(err)
		}
		back, err := pricing.ParseConfig(out)
		if err != nil {
			t.Fatalf("accepted config does not round-trip: %v\n%s", err, out)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(out) {
			t.Fatalf("round trip changed:\n%s\n%s", out, again)
		}
	})
}

// FuzzQuote: arbitrary requests never panic; errors wrap ErrInvalid; quotes
// keep their invariants, and every quote produced writes as JSON and reads
// back to the same bytes and the same explanation.
func FuzzQuote(f *testing.F) {
	sc := loadScenarios(f)
	for _, s := range sc.Cases {
		data, _ := json.Marshal(sc.request(f, s))
		f.Add(data)
	}
	f.Add([]byte(`{"sku":"TILE-800"}`))
	// A 37-digit quantity once made a quote whose JSON could not be read
	// back (its line_total step's base had 41 digits).
	f.Add([]byte(`{"sku":"TILE-800","quantity":{"value":"999999999999999999999999999999999.9999","unit":"m2"},"region":"440305001",` +
		`"channel":"o2o","placed":{"venue":"online"},"segment":"retail","at":"2025-06-01T10:00:00+08:00"}`))
	f.Add([]byte(`{"sku":"TILE-800","quantity":{"value":"999999999.999999","unit":"m2"},"region":"440305001","channel":"o2o",` +
		`"placed":{"venue":"online"},"segment":"retail","at":"9999-12-31T23:59:59+08:00"}`))
	p := fixturePolicy(f, "")
	f.Fuzz(func(t *testing.T, data []byte) {
		var req pricing.Request
		if err := json.Unmarshal(data, &req); err != nil {
			return
		}
		q, err := p.Quote(req)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		checkQuote(t, "fuzz", q)
		out, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var back pricing.Quote
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("quote does not round-trip: %v", err)
		}
		if back.Explain() != q.Explain() {
			t.Fatal("explanation changed through JSON")
		}
		if again, err := json.Marshal(back); err != nil || string(again) != string(out) {
			t.Fatalf("round trip changed the quote (%v):\n%s\n%s", err, out, again)
		}
	})
}

// FuzzParseBookJSON: the book decoder never panics and errors wrap ErrInvalid.
func FuzzParseBookJSON(f *testing.F) {
	f.Add(readFile(f, "book.json"))
	f.Add([]byte(`{"entries":[{"sku":"TILE-800","scope":"440300","price":{"amount":"1","currency":"CNY"}}]}`))
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := pricing.ParseBookJSON(cat, data)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, _ := json.Marshal(b)
		if _, err := pricing.ParseBookJSON(cat, out); err != nil {
			t.Fatalf("accepted book does not round-trip: %v", err)
		}
	})
}

// FuzzStepJSON: decoding a step never panics, refuses with ErrInvalid, and
// anything accepted marshals back to the same step and re-decodes to
// identical bytes.
func FuzzStepJSON(f *testing.F) {
	p := fixturePolicy(f, "")
	q, err := p.Quote(benchRequest(f))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range q.Steps {
		data, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"rule":"list_price","code":"national_price","reason":"x","base":{"amount":"1e3","currency":"CNY"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s pricing.Step
		if err := o2o.DecodeJSON(data, &s); err != nil {
			if !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("accepted step does not marshal: %v", err)
		}
		var back pricing.Step
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("round trip refused: %v\n%s", err, out)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(out) || !cmp.Equal(back, s, cmpOpts...) {
			t.Fatalf("round trip changed the step:\n%s\n%s", out, again)
		}
	})
}

// FuzzQuoteOrder: pricing an order never panics, errors wrap ErrInvalid
// (or report a currency mismatch), every line quote is sound, and the
// order quote round-trips through JSON with the customer paying the
// subtotal less products free and paybacks.
func FuzzQuoteOrder(f *testing.F) {
	for _, stage := range []int{0, 1, 3, 4} {
		data, _ := json.Marshal(orderRequest(f, stage, "8000.00"))
		f.Add(data)
	}
	f.Add([]byte(`{"lines":[]}`))
	p := fixturePolicy(f, "")
	f.Fuzz(func(t *testing.T, data []byte) {
		var req pricing.OrderRequest
		if err := json.Unmarshal(data, &req); err != nil {
			return
		}
		oq, err := p.QuoteOrder(req)
		if err != nil {
			if !errors.Is(err, o2o.ErrInvalid) && !errors.Is(err, o2o.ErrCurrencyMismatch) {
				t.Fatalf("error wraps neither ErrInvalid nor ErrCurrencyMismatch: %v", err)
			}
			return
		}
		for _, q := range oq.Lines {
			checkQuote(t, "fuzz", q)
		}
		want := must(must(oq.Subtotal.Sub(oq.ProductsFree)).Sub(oq.PaidBack))
		if !oq.Payable.Equal(want) {
			t.Fatalf("payable %s, want %s", oq.Payable, want)
		}
		out, err := json.Marshal(oq)
		if err != nil {
			t.Fatal(err)
		}
		var back pricing.OrderQuote
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("order quote does not round-trip: %v", err)
		}
		if again, err := json.Marshal(back); err != nil || string(again) != string(out) {
			t.Fatalf("round trip changed the order quote (%v)", err)
		}
	})
}
