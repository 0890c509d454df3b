package pricing_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/pricing"
)

func TestConfigBuildRejects(t *testing.T) {
	book := fixtureBook(t)
	base, err := pricing.ParseConfig(readFile(t, "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(c *pricing.Config)
		path   string
	}{
		{"list price not first", func(c *pricing.Config) { c.Procedure = []pricing.RuleName{pricing.RuleRounding, pricing.RuleListPrice} }, "procedure[0]"},
		{"rounding missing", func(c *pricing.Config) { c.Procedure = []pricing.RuleName{pricing.RuleListPrice} }, "procedure"},
		{"uplift after rounding", func(c *pricing.Config) {
			c.Procedure = []pricing.RuleName{pricing.RuleListPrice, pricing.RuleRounding, pricing.RuleOnlineUplift}
		}, "procedure[2]"},
		{"rule twice", func(c *pricing.Config) {
			c.Procedure = []pricing.RuleName{pricing.RuleListPrice, pricing.RuleRounding, pricing.RuleVAT, pricing.RuleVAT}
		}, "procedure[3]"},
		{"line_total is not a procedure rule", func(c *pricing.Config) {
			c.Procedure = []pricing.RuleName{pricing.RuleListPrice, pricing.RuleRounding, pricing.RuleLineTotal}
		}, "procedure[2]"},
		{"negative uplift", func(c *pricing.Config) { c.Uplift.Percent = o2o.MustDec("-1") }, "uplift.percent"},
		{"uplift without cap", func(c *pricing.Config) { c.Uplift.Cap = o2o.MustParseMoney("0") }, "uplift.cap"},
		{"cap in another currency", func(c *pricing.Config) { c.Uplift.Cap = o2o.MustParseMoney("10 USD") }, "uplift.cap"},
		{"negotiation without accounts", func(c *pricing.Config) {
			c.Negotiation.Enabled = true
			c.GroupAccounts = nil
		}, "groupAccounts"},
		{"band above 100", func(c *pricing.Config) {
			c.Negotiation = pricing.Negotiation{Enabled: true, BandPercent: o2o.MustDec("120")}
		}, "negotiation.bandPercent"},
		{"cost of unknown SKU", func(c *pricing.Config) {
			c.Costs = append(c.Costs, pricing.Cost{SKU: "GHOST", Cost: o2o.MustParseMoney("1")})
		}, "costs[3].sku"},
		{"missing VAT rate", func(c *pricing.Config) { c.VAT.Categories = c.VAT.Categories[:1] }, "vat"},
		{"unknown network mode", func(c *pricing.Config) { c.NetworkLowest.Mode = "guess" }, "networkLowest.mode"},
		{"stage out of order", func(c *pricing.Config) { c.Ladder[1].Stage = 3 }, "ladder[1].stage"},
		{"unknown benefit kind", func(c *pricing.Config) { c.Ladder[0].Adds[0].Kind = "gift" }, "ladder[0].adds[0].kind"},
		{"five stages", func(c *pricing.Config) { c.Ladder = append(c.Ladder, pricing.Stage{Stage: 5, Adds: c.Ladder[0].Adds}) }, "ladder"},
		{"clearance of 100%", func(c *pricing.Config) { c.Clearance[0].Percent = o2o.MustDec("100") }, "clearance[0].percent"},
		{"repeated grade", func(c *pricing.Config) { c.Clearance[1].Grade = "A" }, "clearance[1].grade"},
		{"unknown rounding mode", func(c *pricing.Config) { c.Rounding.Mode = "nearest" }, "rounding.mode"},
		{"unknown increment", func(c *pricing.Config) { c.Rounding.Increment = "li" }, "rounding.increment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := pricing.ParseConfig(readFile(t, "policy.json"))
			if err != nil {
				t.Fatal(err)
			}
			tt.change(&cfg)
			_, err = cfg.Build(book)
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v, want a *o2o.ValidationError", err)
			}
			var paths []string
			for _, f := range ve.Fields {
				paths = append(paths, f.Path)
			}
			if !strings.Contains(strings.Join(paths, " "), tt.path) {
				t.Errorf("paths %v do not name %s (%v)", paths, tt.path, err)
			}
		})
	}
	if _, err := base.Build(nil); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("nil book: %v", err)
	}
}

func TestParseConfigStrict(t *testing.T) {
	for _, bad := range []string{
		`{"uplift":{"percent":"5","cap":{"amount":"1","currency":"CNY"},"extra":true}}`,
		`{"rounding":{"mode":"sideways"}}`,
		`{"procedure":["list_price","haggle"]}`,
		`{"ladder":[{"stage":1,"adds":[{"code":"x","kind":"gift","cost":{"amount":"1","currency":"CNY"}}]}]}`,
		`{"uplift":{"percent":"5","cap":{"amount":"1","currency":"XXX"}}}`,
		`{} {}`,
	} {
		if _, err := pricing.ParseConfig([]byte(bad)); !errors.Is(err, o2o.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	p := fixturePolicy(t, "")
	data, err := json.Marshal(p.Config())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pricing.ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p.Config(), cfg); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	again, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("not byte for byte:\n%s\n%s", data, again)
	}
}

func TestConfigIsCopied(t *testing.T) {
	book := fixtureBook(t)
	cfg, _ := pricing.ParseConfig(readFile(t, "policy.json"))
	p, err := cfg.Build(book)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Ladder[0].Adds[0].Cost = o2o.MustParseMoney("999999")
	cfg.Procedure[1] = pricing.RuleVAT
	got := p.Config()
	if got.Ladder[0].Adds[0].Cost.Equal(o2o.MustParseMoney("999999")) || got.Procedure[1] == pricing.RuleVAT {
		t.Error("the built policy shares the config's slices")
	}
}

func TestQuoteJSONRoundTrip(t *testing.T) {
	f := loadScenarios(t)
	for _, s := range f.Cases {
		if s.Error != "" {
			continue
		}
		q, err := fixturePolicy(t, s.Policy).Quote(f.request(t, s))
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var back pricing.Quote
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", s.It, err)
		}
		if diff := cmp.Diff(q, back, cmpOpts...); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", s.It, diff)
		}
		if back.Explain() != q.Explain() {
			t.Errorf("%s: explanation changed through JSON", s.It)
		}
	}
	var q pricing.Quote
	if err := json.Unmarshal([]byte(`{"sku":"x","bogus":1}`), &q); !errors.Is(err, o2o.ErrInvalid) {
		t.Errorf("unknown field accepted: %v", err)
	}
}

func TestQuoteRejectsBadRequests(t *testing.T) {
	p := fixturePolicy(t, "")
	f := loadScenarios(t)
	good := f.request(t, scenario{Request: map[string]any{"sku": "TILE-800", "quantity": map[string]any{"value": "1", "unit": "m2"}}})
	if _, err := p.Quote(good); err != nil {
		t.Fatal(err)
	}
	usd := o2o.MustParseMoney("1 USD")
	tests := []struct {
		name   string
		change func(r *pricing.Request)
		want   error
		path   string
	}{
		{"no SKU", func(r *pricing.Request) { r.SKU = "" }, o2o.ErrInvalid, "sku"},
		{"zero quantity", func(r *pricing.Request) { r.Quantity.Value = o2o.MustDec("0") }, o2o.ErrInvalid, "quantity.value"},
		{"wrong unit", func(r *pricing.Request) { r.Quantity.Unit = o2o.UnitPiece }, o2o.ErrInvalid, "quantity.unit"},
		{"no region", func(r *pricing.Request) { r.Region = o2o.RegionCode{} }, o2o.ErrInvalid, "region"},
		{"store without id", func(r *pricing.Request) { r.Placed.StoreID = "" }, o2o.ErrInvalid, "placed.storeId"},
		{"online with a store id", func(r *pricing.Request) { r.Placed.Venue = o2o.VenueOnline }, o2o.ErrInvalid, "placed.storeId"},
		{"no instant", func(r *pricing.Request) { r.At = time.Time{} }, o2o.ErrInvalid, "at"},
		{"unknown segment", func(r *pricing.Request) { r.Segment = "vip" }, o2o.ErrInvalid, "segment"},
		{"negotiated in USD", func(r *pricing.Request) { r.Negotiated = &usd }, o2o.ErrCurrencyMismatch, ""},
		{"observation in USD", func(r *pricing.Request) {
			r.Observations = []pricing.Observation{{Source: "jd", Price: usd, ObservedAt: r.At, ValidUntil: r.At.Add(1)}}
		}, o2o.ErrCurrencyMismatch, ""},
		{"observation valid until before observed", func(r *pricing.Request) {
			r.Observations = []pricing.Observation{{Source: "jd", Price: o2o.MustParseMoney("1"), ObservedAt: r.At, ValidUntil: r.At}}
		}, o2o.ErrInvalid, "observations[0].validUntil"},
		{"negative funding", func(r *pricing.Request) {
			r.Campaign = &pricing.Campaign{ID: "C", Stage: 1, FundingLeft: o2o.MustParseMoney("-1")}
		}, o2o.ErrInvalid, "campaign.fundingLeft"},
		{"unknown grade", func(r *pricing.Request) { r.Returned = &pricing.Returned{Grade: "Z", StoreID: r.Placed.StoreID} }, pricing.ErrClearance, ""},
		{"unknown channel", func(r *pricing.Request) { r.Channel = "tv" }, o2o.ErrInvalid, "channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.change(&r)
			_, err := p.Quote(r)
			if !errors.Is(err, tt.want) || !errors.Is(err, o2o.ErrInvalid) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.path == "" {
				return
			}
			var ve *o2o.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Path != tt.path {
				t.Errorf("err = %v, want path %s", err, tt.path)
			}
		})
	}
	var re *pricing.RuleError
	r := good
	r.Negotiated = &o2o.Money{}
	*r.Negotiated = o2o.MustParseMoney("90")
	if _, err := p.Quote(r); !errors.As(err, &re) || re.Rule != pricing.RuleNegotiation || re.SKU != "TILE-800" {
		t.Errorf("RuleError not found: %v", err)
	}
}
