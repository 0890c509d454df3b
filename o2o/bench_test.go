package o2o_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/o2okit/o2okit/o2o"
)

// catalogDoc returns the JSON of a catalog of n products, the shape a
// manufacturer's catalog has.
func catalogDoc(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"products":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"sku":"SKU-%05d","name":"Floor tile %d","brand":"Brand%d","model":"M-%d","category":"tile","line":"o2o","unit":"m2"}`, i, i, i%17, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// BenchmarkCatalogJSON measures the strict decoder on a realistic document:
// a catalog of 1,000 products, against encoding/json decoding the same
// bytes into the same products without the strict checks or validation.
func BenchmarkCatalogJSON(b *testing.B) {
	doc := catalogDoc(1000)
	b.Run("ParseCatalogJSON", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := o2o.ParseCatalogJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeJSON", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			var v struct {
				Products []o2o.Product `json:"products"`
			}
			if err := o2o.DecodeJSON(doc, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			var v struct {
				Products []o2o.Product `json:"products"`
			}
			if err := json.Unmarshal(doc, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMoneyJSON measures decoding one Money, which runs the strict
// decoder on its own bytes.
func BenchmarkMoneyJSON(b *testing.B) {
	doc := []byte(`{"amount":"1234.56","currency":"CNY"}`)
	b.ReportAllocs()
	for b.Loop() {
		var m o2o.Money
		if err := json.Unmarshal(doc, &m); err != nil {
			b.Fatal(err)
		}
	}
}
