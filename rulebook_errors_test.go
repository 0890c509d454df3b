package o2okit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/internal/limits"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

// mutate returns the sample rulebook changed by edit, applied to its generic
// JSON form.
func mutate(t *testing.T, edit func(doc map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(sampleRulebook(t)))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func section(doc map[string]any, name string) map[string]any { return doc[name].(map[string]any) }

func list(m map[string]any, name string) []any { return m[name].([]any) }

// TestLoadRulebookFaults: one test per kind of fault, each reported with its
// JSON path from the document's root and its own sentinel.
func TestLoadRulebookFaults(t *testing.T) {
	tests := []struct {
		name     string
		data     func(t *testing.T) []byte
		wantPath string
		want     error
	}{
		{"malformed JSON", func(t *testing.T) []byte { return []byte(`{"schemaVersion": 1,`) }, "", o2o.ErrInvalid},
		{"an unknown section", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["pricebook"] = map[string]any{} })
		}, "pricebook", o2o.ErrInvalid},
		{"an unknown field inside a section", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { section(d, "pricing")["upliftt"] = "5" })
		}, "pricing.upliftt", o2o.ErrInvalid},
		{"no schema version", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { delete(d, "schemaVersion") })
		}, "schemaVersion", o2okit.ErrSchemaVersion},
		{"an unsupported schema version", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["schemaVersion"] = 2 })
		}, "schemaVersion", o2okit.ErrSchemaVersion},
		{"a required section missing", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { delete(d, "split") })
		}, "split", o2o.ErrInvalid},
		{"catalog: a SKU twice", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				c := section(d, "catalog")
				c["products"] = append(list(c, "products"), list(c, "products")[0])
			})
		}, "catalog.products[9]", o2o.ErrDuplicate},
		{"price book: two prices for one SKU and province", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				b := section(d, "priceBook")
				b["entries"] = append(list(b, "entries"), list(b, "entries")[1])
			})
		}, "priceBook.entries[10]", pricing.ErrOverlap},
		{"pricing: an uplift above 100%", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { section(section(d, "pricing"), "uplift")["percent"] = "101" })
		}, "pricing.uplift.percent", o2o.ErrInvalid},
		{"channel: overlapping territories", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				list(section(d, "channel"), "dealers")[1].(map[string]any)["territory"] = []any{"441900"}
			})
		}, "channel.dealers[1].territory[0]", channel.ErrOverlap},
		{"split: percents over 100", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				list(list(section(d, "split"), "rules")[0].(map[string]any), "legs")[0].(map[string]any)["percent"] = "99"
			})
		}, "split.rules[0]", o2o.ErrInvalid},
		{"split: a currency other than the price book's", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { section(d, "split")["currency"] = "USD" })
		}, "split.currency", o2o.ErrCurrencyMismatch},
		{"drainage: an unknown model", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { section(d, "drainage")["model"] = "magic" })
		}, "drainage.model", o2o.ErrInvalid},
		{"workflows: one name twice", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["workflows"] = append(d["workflows"].([]any), d["workflows"].([]any)[0]) })
		}, "workflows[2].name", o2o.ErrDuplicate},
		{"budget: bands out of order", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				b := section(d, "budget")
				bands := list(b, "bands")
				b["bands"] = []any{bands[1], bands[0]}
			})
		}, "budget.bands", o2o.ErrInvalid},
		{"split: the same-store rule left out", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { delete(section(d, "split"), "sameStore") })
		}, "split.sameStore", o2o.ErrInvalid},
		{"split: an unknown same-store rule", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { section(d, "split")["sameStore"] = "sometimes" })
		}, "split.sameStore", o2o.ErrInvalid},
		{"the engine settings section is gone", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["settings"] = map[string]any{"sameStore": "both"} })
		}, "settings", o2o.ErrInvalid},
		{"coInvestment: a store the network lacks", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["coInvestment"].([]any)[0].(map[string]any)["store"] = "store-nowhere" })
		}, "coInvestment[0].store", o2o.ErrInvalid},
		{"coInvestment: a repayment percent above 100", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["coInvestment"].([]any)[0].(map[string]any)["repayPercent"] = "120" })
		}, "coInvestment[0].repayPercent", o2o.ErrInvalid},
		{"coInvestment: a limit in another currency", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				c := d["coInvestment"].([]any)[0].(map[string]any)
				c["advanceLimit"] = map[string]any{"amount": "1.00", "currency": "USD"}
				delete(c, "installment")
			})
		}, "coInvestment[0].advanceLimit", o2o.ErrCurrencyMismatch},
		{"coInvestment: one store and investor twice", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				d["coInvestment"] = append(d["coInvestment"].([]any), d["coInvestment"].([]any)[0])
			})
		}, "coInvestment[1]", o2o.ErrDuplicate},
		{"coInvestment: an unknown field", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["coInvestment"].([]any)[0].(map[string]any)["interest"] = "5" })
		}, "coInvestment[0].interest", o2o.ErrInvalid},
		{"campaigns: an id twice", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["campaigns"] = append(d["campaigns"].([]any), d["campaigns"].([]any)[0]) })
		}, "campaigns[2].id", o2o.ErrDuplicate},
		{"campaigns: no id", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { delete(d["campaigns"].([]any)[1].(map[string]any), "id") })
		}, "campaigns[1].id", o2o.ErrInvalid},
		{"campaigns: a negative spend", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				d["campaigns"].([]any)[0].(map[string]any)["spend"] = map[string]any{"amount": "-1.00", "currency": "CNY"}
			})
		}, "campaigns[0].spend", o2o.ErrInvalid},
		{"campaigns: a spend in another currency", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) {
				d["campaigns"].([]any)[0].(map[string]any)["spend"] = map[string]any{"amount": "1.00", "currency": "USD"}
			})
		}, "campaigns[0].spend", o2o.ErrCurrencyMismatch},
		{"campaigns: an unknown field", func(t *testing.T) []byte {
			return mutate(t, func(d map[string]any) { d["campaigns"].([]any)[0].(map[string]any)["budget"] = "5" })
		}, "campaigns[0].budget", o2o.ErrInvalid},
		{"nested past the depth limit", func(t *testing.T) []byte {
			return []byte(`{"catalog":` + strings.Repeat("[", limits.MaxDepth+1) + strings.Repeat("]", limits.MaxDepth+1) + `}`)
		}, "", o2o.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rb, err := o2okit.LoadRulebook(tt.data(t))
			var re *o2okit.RulebookError
			if rb != nil || !errors.As(err, &re) || !errors.Is(err, tt.want) {
				t.Fatalf("got %v, %v; want a *RulebookError wrapping %v", rb, err, tt.want)
			}
			for _, f := range re.Faults {
				if strings.HasPrefix(f.Path, tt.wantPath) {
					return
				}
			}
			t.Errorf("no fault at %q in %v", tt.wantPath, err)
		})
	}
}

// TestLoadRulebookEveryFault: faults in several sections are all reported at
// once, each with its path, not only the first.
func TestLoadRulebookEveryFault(t *testing.T) {
	data := mutate(t, func(d map[string]any) {
		d["schemaVersion"] = 9
		section(section(d, "pricing"), "uplift")["percent"] = "101"
		list(section(d, "channel"), "dealers")[1].(map[string]any)["territory"] = []any{"441900"}
		section(d, "split")["currency"] = "USD"
		section(d, "drainage")["model"] = "magic"
		delete(section(d, "split"), "sameStore")
		ch := section(d, "channel")
		stores := list(ch, "stores")
		stores[0].(map[string]any)["capabilities"] = []any{"retail", "retail"}
		stores[1].(map[string]any)["id"] = stores[0].(map[string]any)["id"]
	})
	_, err := o2okit.LoadRulebook(data)
	var re *o2okit.RulebookError
	if !errors.As(err, &re) {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{"schemaVersion", "pricing.uplift.percent", "channel.stores[0].capabilities[1]", "channel.stores[1].id", "channel.dealers[1].territory[0]", "split.sameStore", "split.currency", "drainage.model"} {
		found := false
		for _, f := range re.Faults {
			found = found || f.Path == want
		}
		if !found {
			t.Errorf("no fault at %s in %v", want, err)
		}
	}
	want := `rulebook: schemaVersion: 9 is not supported (this SDK reads 1); ` +
		`pricing.uplift.percent: must be between 0 and 100, got 101; ` +
		`channel.stores[0].capabilities[1]: repeats capability "retail"; ` +
		`channel.stores[1].id: repeats id "store-nanshan" of stores[0].id; ` +
		`channel.dealers[1].territory[0]: territory 441900 of dealer "dealer-ningbo" overlaps territory 441900 of dealer "dealer-dongguan" (地域代理制 is exclusive); ` +
		`split.sameStore: is required in a rulebook: "both" or "commission_only" (whether a store serving an online order that is also the store of the customer's region gets the transfer payment too); ` +
		`split.currency: currency mismatch: USD, but the price book is in CNY; ` +
		`drainage.model: unknown model "magic"`
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	for _, want := range []error{o2okit.ErrSchemaVersion, channel.ErrOverlap, o2o.ErrDuplicate, o2o.ErrCurrencyMismatch} {
		if !errors.Is(err, want) {
			t.Errorf("errors.Is(%v) fails", want)
		}
	}
}

// TestLoadRulebookFaultCap: past limits.MaxFaults faults the error lists the
// first ones and counts the rest.
func TestLoadRulebookFaultCap(t *testing.T) {
	data := mutate(t, func(d map[string]any) {
		var entries []any
		for i := 0; i < limits.MaxFaults+20; i++ {
			entries = append(entries, map[string]any{"sku": "NOT-IN-CATALOG", "price": map[string]any{"amount": "1.00", "currency": "CNY"}})
		}
		section(d, "priceBook")["entries"] = entries
		delete(section(d, "split"), "sameStore")
	})
	_, err := o2okit.LoadRulebook(data)
	var re *o2okit.RulebookError
	if !errors.As(err, &re) || len(re.Faults) != limits.MaxFaults || re.Omitted == 0 || !strings.Contains(err.Error(), "more") {
		t.Fatalf("got %d faults, %d omitted: %v", len(re.Faults), re.Omitted, err)
	}
}

// FuzzLoadRulebook: any input either loads, and then marshals to a document
// that loads again and marshals to the same bytes, or is refused with a
// *RulebookError wrapping o2o.ErrInvalid; never a panic.
func FuzzLoadRulebook(f *testing.F) {
	f.Add(sampleRulebook(f))
	f.Add([]byte(`{"schemaVersion":1}`))
	f.Add([]byte(`{"schemaVersion":1,"catalog":{"products":[]},"priceBook":{"entries":[]},"pricing":{},"channel":{"stores":[]},"split":{"manufacturer":"hq","sameStore":"both","rules":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rb, err := o2okit.LoadRulebook(data)
		if err != nil {
			var re *o2okit.RulebookError
			if !errors.As(err, &re) || !errors.Is(err, o2o.ErrInvalid) || rb != nil {
				t.Fatalf("got %v, %T %v", rb, err, err)
			}
			return
		}
		first, err := rb.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		again, err := o2okit.LoadRulebook(first)
		if err != nil {
			t.Fatalf("reload: %v\n%s", err, first)
		}
		second, err := again.MarshalJSON()
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("round trip differs: %v\n%s\n%s", err, first, second)
		}
	})
}

// TestLoadRulebookHostile: hostile rulebooks are refused within a time and
// memory bound, never a hang or a crash.
func TestLoadRulebookHostile(t *testing.T) {
	wrap := func(section string, body []byte) []byte {
		return append(append([]byte(`{"schemaVersion":1,"`+section+`":`), body...), '}')
	}
	var faults bytes.Buffer
	faults.WriteString(`{"entries":[`)
	for i := 0; i < 50_000; i++ {
		if i > 0 {
			faults.WriteByte(',')
		}
		faults.WriteString(`{"sku":"NOPE","price":{"amount":"1.00","currency":"CNY"}}`)
	}
	faults.WriteString(`]}`)
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"a document nested a million deep", hostile.Nested(1 << 20)},
		{"a section nested a million deep", wrap("catalog", hostile.Nested(1<<20))},
		{"a closed nesting past the limit", wrap("pricing", hostile.NestedClosed(limits.MaxDepth+1))},
		{"a section of many keys", wrap("pricing", hostile.ManyKeys(100_000))},
		{"fifty thousand faulty price entries", wrap("priceBook", faults.Bytes())},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := hostile.Within(t, hostile.Default, tt.name, func() error {
				_, err := o2okit.LoadRulebook(tt.data)
				return err
			})
			var re *o2okit.RulebookError
			if !errors.As(err, &re) || !errors.Is(err, o2o.ErrInvalid) || len(re.Faults) > limits.MaxFaults {
				t.Errorf("got %v", err)
			}
		})
	}
}

// TestLoadRulebookEveryCatalogFault: the catalog section reports every
// faulty product, not only the first.
func TestLoadRulebookEveryCatalogFault(t *testing.T) {
	data := mutate(t, func(d map[string]any) {
		products := list(section(d, "catalog"), "products")
		products[0].(map[string]any)["brand"] = ""
		products[2].(map[string]any)["sku"] = products[1].(map[string]any)["sku"]
	})
	_, err := o2okit.LoadRulebook(data)
	var re *o2okit.RulebookError
	if !errors.As(err, &re) || !errors.Is(err, o2o.ErrDuplicate) {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{"catalog.products[0].brand", "catalog.products[2].sku"} {
		found := false
		for _, f := range re.Faults {
			found = found || f.Path == want
		}
		if !found {
			t.Errorf("no fault at %s in %v", want, err)
		}
	}
}
