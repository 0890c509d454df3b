package o2okit_test

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/channel"
	"github.com/o2okit/o2okit/internal/hostile"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
	"github.com/o2okit/o2okit/settlement"
	"github.com/o2okit/o2okit/settlement/drainage"
	"github.com/o2okit/o2okit/workflow"
)

// decoder is one public JSON entry point of the SDK, with a document it
// accepts (nil when the suite has none), so that hostile values can be put
// where a real document has its first value.
type decoder struct {
	name   string
	decode func(data []byte) error
	valid  []byte
}

// unmarshal returns a decoder that runs the UnmarshalJSON of a new T: the
// SDK's own entry point. (Through json.Unmarshal, encoding/json first
// checks the syntax of the whole input itself, and returns its own errors
// for what it refuses before the SDK sees it.)
func unmarshal[T any, P interface {
	*T
	json.Unmarshaler
}]() func([]byte) error {
	return func(data []byte) error { return P(new(T)).UnmarshalJSON(data) }
}

// unmarshalText is unmarshal for a type that decodes itself from text.
func unmarshalText[T any, P interface {
	*T
	encoding.TextUnmarshaler
}]() func([]byte) error {
	return func(data []byte) error { return P(new(T)).UnmarshalText(data) }
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return data
}

// decoders lists every public decoder and JSON entry point of the SDK.
func decoders(t *testing.T) []decoder {
	catalogJSON := readFile(t, "channel/testdata/catalog.json")
	catalog, err := o2o.ParseCatalogJSON(catalogJSON)
	if err != nil {
		t.Fatal(err)
	}
	networkJSON := readFile(t, "channel/testdata/network.json")
	network, err := channel.Load(networkJSON, catalog)
	if err != nil {
		t.Fatal(err)
	}
	pricingCatalog, err := o2o.ParseCatalogJSON(readFile(t, "pricing/testdata/catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var splits struct {
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(readFile(t, "settlement/testdata/splits.json"), &splits); err != nil {
		t.Fatal(err)
	}
	ledger, err := settlement.NewLedger(settlement.Config{})
	if err != nil {
		t.Fatal(err)
	}
	order := o2o.Order{
		ID: "O-1", Channel: o2o.ChannelO2O, Delivery: o2o.MustRegionCode("440305001"),
		Customer: o2o.Customer{ID: "C-1", Segment: o2o.SegmentRetail},
		Placed:   o2o.Placement{Venue: o2o.VenueOnline},
		Lines:    []o2o.OrderLine{{SKU: "TILE-800", Quantity: o2o.Qty(decimal.New(12, 0), o2o.UnitSquareMetre)}},
		At:       time.Date(2025, 3, 1, 10, 0, 0, 0, o2o.China()),
	}
	decoration, err := workflow.Decoration()
	if err != nil {
		t.Fatal(err)
	}
	partialRules, partialJSON := drainagePartial(t)
	return []decoder{
		{"o2o.ParseCatalogJSON", func(d []byte) error { _, err := o2o.ParseCatalogJSON(d); return err }, catalogJSON},
		{"o2o.DecodeJSON", func(d []byte) error {
			var v struct {
				Products []o2o.Product `json:"products"`
			}
			return o2o.DecodeJSON(d, &v)
		}, catalogJSON},
		{"o2o.ParseMoney", func(d []byte) error { _, err := o2o.ParseMoney(string(d)); return err }, nil},
		{"o2o.ParseDecimal", func(d []byte) error { _, err := o2o.ParseDecimal(string(d)); return err }, nil},
		{"o2o.ParseRegionCode", func(d []byte) error { _, err := o2o.ParseRegionCode(string(d)); return err }, nil},
		{"o2o.ParseDuration", func(d []byte) error { _, err := o2o.ParseDuration(string(d)); return err }, nil},
		{"o2o.ParseCurrency", func(d []byte) error { _, err := o2o.ParseCurrency(string(d)); return err }, nil},
		{"o2o.Money JSON", unmarshal[o2o.Money](), []byte(`{"amount":"12.34","currency":"CNY"}`)},
		{"o2o.Decimal JSON", unmarshal[o2o.Decimal](), nil},
		{"o2o.RegionCode text", unmarshalText[o2o.RegionCode](), nil},
		{"o2o.Duration text", unmarshalText[o2o.Duration](), nil},
		{"o2o.Currency text", unmarshalText[o2o.Currency](), nil},
		{"o2o.RoundingMode text", unmarshalText[o2o.RoundingMode](), nil},
		{"o2o.Channel text", unmarshalText[o2o.Channel](), nil},
		{"o2o.Order DecodeJSON and Validate", func(d []byte) error {
			var o o2o.Order
			if err := o2o.DecodeJSON(d, &o); err != nil {
				return err
			}
			return o.Validate()
		}, marshal(t, order)},
		{"o2o.Share JSON", unmarshal[o2o.Share](), []byte(`{"key":"a","weight":"1"}`)},
		{"o2o.Catalog JSON", unmarshal[o2o.Catalog](), catalogJSON},
		{"pricing.ParseConfig", func(d []byte) error { _, err := pricing.ParseConfig(d); return err }, readFile(t, "pricing/testdata/policy.json")},
		{"pricing.ParseBookJSON", func(d []byte) error { _, err := pricing.ParseBookJSON(pricingCatalog, d); return err }, readFile(t, "pricing/testdata/book.json")},
		{"pricing.Request JSON", unmarshal[pricing.Request](), nil},
		{"pricing.Quote JSON", unmarshal[pricing.Quote](), nil},
		{"pricing.Step JSON", unmarshal[pricing.Step](), nil},
		{"pricing.Benefit JSON", unmarshal[pricing.Benefit](), nil},
		{"workflow.ParseSpec", func(d []byte) error { _, err := workflow.ParseSpec(d); return err }, marshal(t, workflow.DecorationSpec())},
		{"workflow.Definition JSON", unmarshal[workflow.Definition](), marshal(t, workflow.DecorationSpec())},
		{"workflow.Snapshot JSON", unmarshal[workflow.Snapshot](), marshal(t, workflow.New(decoration).Snapshot())},
		{"workflow.Command JSON", unmarshal[workflow.Command](), nil},
		{"workflow.Result JSON", unmarshal[workflow.Result](), nil},
		{"channel.ParseConfig", func(d []byte) error { _, err := channel.ParseConfig(d); return err }, networkJSON},
		{"channel.Load", func(d []byte) error { _, err := channel.Load(d, catalog); return err }, networkJSON},
		{"channel.Network.ParseLeads", func(d []byte) error {
			_, err := network.ParseLeads(d, time.Date(2025, 3, 1, 12, 0, 0, 0, o2o.China()))
			return err
		}, marshal(t, network.Leads())},
		{"settlement.ParseLedger", func(d []byte) error { _, err := settlement.ParseLedger(d); return err }, marshal(t, ledger)},
		{"settlement.ParseSplitConfig", func(d []byte) error { _, err := settlement.ParseSplitConfig(d); return err }, []byte(splits.Config)},
		{"settlement.Reversible JSON", unmarshal[settlement.Reversible](), nil},
		{"settlement.AuthorityConfig JSON", unmarshal[settlement.AuthorityConfig](), nil},
		{"drainage.ParseConfig", func(d []byte) error { _, err := drainage.ParseConfig(d); return err }, []byte(`{"model":"linear"}`)},
		{"drainage.PostingConfig JSON", unmarshal[drainage.PostingConfig](), nil},
		{"drainage.Rules.ParsePartial", func(d []byte) error { _, err := partialRules.ParsePartial(d); return err }, partialJSON},
	}
}

// drainagePartial returns linear attribution rules and the JSON of a
// partial under them with credits, unattributed conversions and traffic.
func drainagePartial(t *testing.T) (*drainage.Rules, []byte) {
	t.Helper()
	r, err := drainage.Config{Model: drainage.ModelLinear}.Build()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, o2o.China())
	p, err := r.NewPartial()
	if err != nil {
		t.Fatal(err)
	}
	err = p.Add([]drainage.Touch{
		{ID: "t1", Customer: "u1", At: at.Add(-time.Hour), Channel: o2o.ChannelO2O, Kind: drainage.KindStoreCoupon, Campaign: "spring", StoreID: "s1"},
		{ID: "t2", Customer: "u2", At: at.Add(-time.Hour), Channel: o2o.ChannelB2C, Kind: drainage.KindSearchAd, Campaign: "spring"},
	}, []drainage.Conversion{
		{ID: "v1", Customer: "u1", At: at, Kind: drainage.ConversionDeal, StoreID: "s1", Value: o2o.MustParseMoney("1200.50")},
		{ID: "v2", Customer: "u3", At: at, Kind: drainage.ConversionOnlinePayment, Value: o2o.MustParseMoney("99.00")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, marshal(t, p)
}

// hostileInput is one input built to hurt a decoder: doc is the whole
// document; value, when set, replaces the first value of a decoder's valid
// document; edit, when set, rewrites the valid document (it reports false
// when it does not apply). A value that is a well-formed JSON string
// (stringValue) may be accepted where it lands on a free-text field (a
// name, a key): there only the bound is asserted, and a refusal must still
// wrap o2o.ErrInvalid.
type hostileInput struct {
	name        string
	doc         []byte
	value       []byte
	stringValue bool
	edit        func(valid []byte) ([]byte, bool)
}

func hostileInputs() []hostileInput {
	deep := hostile.Nested(1_000_000)
	keys := hostile.ManyKeys(100_000)
	huge := []byte(`"` + strings.Repeat("a", 10<<20) + `"`)
	digits400 := []byte(strings.Repeat("9", 400))
	places45 := []byte(`"0.` + strings.Repeat("1", 45) + `"`)
	replace := func(re string, with string) func([]byte) ([]byte, bool) {
		r := regexp.MustCompile(re)
		return func(valid []byte) ([]byte, bool) {
			loc := r.FindIndex(valid)
			if loc == nil {
				return nil, false
			}
			return bytes.Join([][]byte{valid[:loc[0]], []byte(with), valid[loc[1]:]}, nil), true
		}
	}
	return []hostileInput{
		{name: "deep nesting", doc: deep, value: deep},
		{name: "deep nesting, closed", doc: hostile.NestedClosed(1_000_000), value: hostile.NestedClosed(1_000_000)},
		{name: "100,000 keys", doc: keys, value: keys},
		{name: "10 MB string", doc: huge, value: huge, stringValue: true},
		{name: "1e999999", doc: []byte("1e999999"), value: []byte("1e999999")},
		{name: "1e-999999", doc: []byte("1e-999999"), value: []byte("1e-999999")},
		{name: "400-digit integer", doc: digits400, value: digits400},
		{name: "45 decimal places", doc: places45, value: places45, stringValue: true},
		{name: "45 decimal places, a number", doc: places45[1 : len(places45)-1], value: places45[1 : len(places45)-1]},
		{name: "invalid UTF-8", doc: []byte("\"\xff\xfe\""), value: []byte("\"\xff\xfe\"")},
		{name: "unpaired surrogate", doc: []byte(`"\ud800"`), value: []byte(`"\ud800"`)},
		{name: "byte-order mark", edit: func(valid []byte) ([]byte, bool) { return append([]byte("\xEF\xBB\xBF"), valid...), true }},
		{name: "number for a string", edit: replace(`"[a-z]+"\s*:\s*"[^"]*"`, `"sku":12345`)},
		{name: "invalid UTF-8 in a string value", edit: replace(`"[a-z]+"\s*:\s*"[A-Za-z]`, "\"sku\":\"\xff")},
		{name: "negative quantity", edit: replace(`"quantity"\s*:\s*\{\s*"value"\s*:\s*"[0-9.]+"`, `"quantity":{"value":"-1"`)},
		{name: "unknown currency", edit: replace(`"CNY"`, `"XXX"`)},
		{name: "unknown region", edit: replace(`"[1-8][0-9]0000"`, `"990000"`)},
		{name: "money of 41 digits", edit: replace(`"amount"\s*:\s*"[0-9.]+"`, `"amount":"`+strings.Repeat("9", 39)+`.00"`)},
		{name: "trailing data", edit: func(valid []byte) ([]byte, bool) { return append(bytes.Clone(valid), " {}"...), true }},
	}
}

// withFirstValue returns valid with the value of its first key replaced.
func withFirstValue(valid, value []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(valid))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	var raw json.RawMessage
	before := dec.InputOffset()
	if err := dec.Decode(&raw); err != nil {
		return nil, false
	}
	end := int(dec.InputOffset())
	start := bytes.IndexByte(valid[before:], ':') + int(before) + 1
	return bytes.Join([][]byte{valid[:start], value, valid[end:]}, nil), true
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// skips names the cases that fail for a reason owned by another package,
// with that reason; each is skipped only while it fails.
var skips = map[string]string{}

// TestHostileInput runs every public decoder of the SDK against inputs
// built to hurt it: each must return an error wrapping o2o.ErrInvalid,
// within a bound of time and memory, and never panic.
func TestHostileInput(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile inputs of megabytes")
	}
	bound := hostile.Bound{Time: 10 * time.Second, Bytes: 512 << 20}
	if raceEnabled() {
		bound.Time *= 10 // the race detector slows the scans of 10 MB inputs about tenfold
	}
	for _, d := range decoders(t) {
		if d.valid != nil {
			if err := d.decode(d.valid); err != nil {
				t.Fatalf("%s: the valid document is refused: %v", d.name, err)
			}
		}
		for _, in := range hostileInputs() {
			run := func(name string, doc []byte, mayAccept bool) {
				t.Run(d.name+"/"+name, func(t *testing.T) {
					err := hostile.Within(t, bound, name, func() (err error) {
						defer func() {
							if r := recover(); r != nil {
								t.Errorf("panic: %v", r)
							}
						}()
						return d.decode(doc)
					})
					if err == nil && mayAccept {
						return
					}
					if !errors.Is(err, o2o.ErrInvalid) {
						if reason, ok := skips[t.Name()]; ok {
							t.Skip(reason)
						}
						t.Errorf("error = %.300v, want one wrapping o2o.ErrInvalid", err)
					}
				})
			}
			if in.doc != nil {
				run(in.name, in.doc, false)
			}
			if d.valid == nil {
				continue
			}
			if in.value != nil {
				if doc, ok := withFirstValue(d.valid, in.value); ok {
					run(in.name+" as the first value", doc, in.stringValue)
				}
			}
			if in.edit != nil {
				if doc, ok := in.edit(d.valid); ok {
					run(in.name, doc, false)
				}
			}
		}
	}
}
