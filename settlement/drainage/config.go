package drainage

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
)

// Preset names a position-based model's shares.
type Preset string

// The position presets (Adobe Attribution IQ), as first/middle/last percent.
const (
	// PresetUShaped is 40/20/40.
	PresetUShaped Preset = "u_shaped"
	// PresetJCurve is 20/20/60.
	PresetJCurve Preset = "j_curve"
	// PresetInverseJ is 60/20/20.
	PresetInverseJ Preset = "inverse_j"
)

// Presets returns every preset in a fixed order.
func Presets() []Preset { return []Preset{PresetUShaped, PresetJCurve, PresetInverseJ} }

// String returns the preset's text form.
func (p Preset) String() string { return string(p) }

// Valid reports whether p names a preset.
func (p Preset) Valid() bool { return enum.Valid(p, Presets()...) }

// MarshalText returns the text form; it refuses an invalid preset.
func (p Preset) MarshalText() ([]byte, error) { return marshalEnum("preset", p, p.Valid()) }

// UnmarshalText accepts exactly "u_shaped", "j_curve" or "inverse_j".
func (p *Preset) UnmarshalText(text []byte) error {
	return unmarshalEnum("preset", text, p, Presets())
}

// Shares returns the preset's exact first, middle and last percents.
func (p Preset) Shares() (first, middle, last o2o.Decimal, ok bool) {
	switch p {
	case PresetUShaped:
		return o2o.MustDec("40"), o2o.MustDec("20"), o2o.MustDec("40"), true
	case PresetJCurve:
		return o2o.MustDec("20"), o2o.MustDec("20"), o2o.MustDec("60"), true
	case PresetInverseJ:
		return o2o.MustDec("60"), o2o.MustDec("20"), o2o.MustDec("20"), true
	}
	return o2o.Decimal{}, o2o.Decimal{}, o2o.Decimal{}, false
}

// Position configures the position-based model: either a preset, or the
// three shares in percent (at most two decimal places, not negative, summing
// to 100, first + last above zero).
type Position struct {
	Preset Preset       `json:"preset,omitempty"`
	First  *o2o.Decimal `json:"first,omitempty"`
	Middle *o2o.Decimal `json:"middle,omitempty"`
	Last   *o2o.Decimal `json:"last,omitempty"`
}

// Lookback holds the lookback window, in whole days of 24 hours, for each
// conversion kind, as GA4 sets one for acquisition and one for other
// conversions. Zero means the default: 30 days for a store visit (the O2O
// acquisition, GA4's longer acquisition window), 90 for a deal and 30 for an
// online payment. A window must be 1 to 365 days.
type Lookback struct {
	StoreVisit    int `json:"storeVisit,omitempty"`
	Deal          int `json:"deal,omitempty"`
	OnlinePayment int `json:"onlinePayment,omitempty"`
}

// The default lookback windows, in days.
const (
	DefaultStoreVisitDays    = 30
	DefaultDealDays          = 90
	DefaultOnlinePaymentDays = 30
)

// DefaultHalfLifeDays is the time-decay model's default half-life (Adobe: 7 days).
const DefaultHalfLifeDays = 7

// Config is the attribution rules as data. Load it from JSON (unknown
// fields are refused) and call Build.
//
//	{"model":"position","position":{"preset":"u_shaped"},
//	 "lookback":{"storeVisit":7,"deal":90},"basis":"traffic"}
type Config struct {
	// Model is the attribution model; required.
	Model ModelName `json:"model"`
	// Position configures ModelPosition; required for it, refused otherwise.
	Position *Position `json:"position,omitempty"`
	// HalfLifeDays is ModelTimeDecay's half-life in days (may have a
	// fraction); empty means 7. Refused for other models.
	HalfLifeDays *o2o.Decimal `json:"halfLifeDays,omitempty"`
	// Lookback sets the window per conversion kind.
	Lookback Lookback `json:"lookback,omitzero"`
	// Basis is the cost-allocation basis; empty means BasisTraffic.
	Basis Basis `json:"basis,omitempty"`
	// BasisKinds restricts BasisConversions to these conversion kinds, for
	// example ["deal","online_payment"] so a store visit and the deal it
	// led to are not both counted; empty means every kind. Refused with
	// the traffic basis.
	BasisKinds []ConversionKind `json:"basisKinds,omitempty"`
	// Unattached says how the traffic basis charges O2O touches that bound
	// their customer to no store; empty means UnattachedConverted. Refused
	// with the conversions basis (which credits the converting store
	// already).
	Unattached Unattached `json:"unattached,omitempty"`
}

// Rules are built, validated attribution rules. A Rules value is immutable
// and safe for concurrent use.
type Rules struct {
	model               ModelName
	first, middle, last uint64 // position shares in 1/10000
	preset              Preset
	halfLife            o2o.Decimal
	halfLifeNanos       float64
	exp2                *[exp2Steps + 1]float64 // time decay: 2^(-j/256)
	windows             [3]int                  // days, indexed by conversionIndex
	basis               Basis
	basisKinds          [3]bool // by conversionIndex; all true unless restricted
	restricted          bool
	unattached          Unattached // traffic basis only
}

var hundredPercent = decimal.New(100, 0)

// Build validates the config and returns the rules. Errors are
// *o2o.ValidationError (wrapping o2o.ErrInvalid) with the JSON path at fault.
func (c Config) Build() (*Rules, error) {
	if !c.Model.Valid() {
		return nil, o2o.Invalidf("model", "unknown model %q", string(c.Model))
	}
	r := &Rules{model: c.Model, basis: c.Basis}
	if r.basis == "" {
		r.basis = BasisTraffic
	}
	if !r.basis.Valid() {
		return nil, o2o.Invalidf("basis", "unknown basis %q", string(c.Basis))
	}
	switch {
	case c.Unattached != "" && !c.Unattached.Valid():
		return nil, o2o.Invalidf("unattached", "unknown rule %q: want converted or headquarters", string(c.Unattached))
	case c.Unattached != "" && r.basis != BasisTraffic:
		return nil, o2o.Invalid("unattached", "applies only to the traffic basis")
	case r.basis == BasisTraffic:
		r.unattached = c.Unattached
		if r.unattached == "" {
			r.unattached = UnattachedConverted
		}
	}
	r.basisKinds = [3]bool{true, true, true}
	if len(c.BasisKinds) > 0 {
		if r.basis != BasisConversions {
			return nil, o2o.Invalid("basisKinds", "applies only to the conversions basis")
		}
		r.basisKinds, r.restricted = [3]bool{}, true
		for i, k := range c.BasisKinds {
			path := indexPath("basisKinds", i)
			if !k.Valid() {
				return nil, o2o.Invalidf(path, "unknown conversion kind %q", string(k))
			}
			if r.basisKinds[conversionIndex(k)] {
				return nil, &o2o.ValidationError{Fields: []o2o.FieldError{{Path: path, Reason: fmt.Sprintf("repeats %q", string(k))}}, Err: o2o.ErrDuplicate}
			}
			r.basisKinds[conversionIndex(k)] = true
		}
	}
	switch {
	case c.Model == ModelPosition && c.Position == nil:
		return nil, o2o.Invalid("position", "is required for the position model")
	case c.Model != ModelPosition && c.Position != nil:
		return nil, o2o.Invalidf("position", "applies only to the position model, not %s", c.Model)
	case c.Model != ModelTimeDecay && c.HalfLifeDays != nil:
		return nil, o2o.Invalidf("halfLifeDays", "applies only to the time_decay model, not %s", c.Model)
	}
	if c.Position != nil {
		if err := r.setPosition(*c.Position); err != nil {
			return nil, o2o.Prefix("position", err)
		}
	}
	if c.Model == ModelTimeDecay {
		h := o2o.Dec(decimal.New(DefaultHalfLifeDays, 0))
		if c.HalfLifeDays != nil {
			h = *c.HalfLifeDays
		}
		if h.Sign() <= 0 || h.Cmp(decimal.New(3650, 0)) > 0 {
			return nil, o2o.Invalidf("halfLifeDays", "must be above 0 and at most 3650, got %s", h.String())
		}
		r.halfLife = h
		r.halfLifeNanos = h.Mul(decimal.New(86400e9, 0)).InexactFloat64()
		r.exp2 = exp2Table()
	}
	days := []struct {
		path string
		v    int
		def  int
	}{
		{"lookback.storeVisit", c.Lookback.StoreVisit, DefaultStoreVisitDays},
		{"lookback.deal", c.Lookback.Deal, DefaultDealDays},
		{"lookback.onlinePayment", c.Lookback.OnlinePayment, DefaultOnlinePaymentDays},
	}
	for i, d := range days {
		v := d.v
		if v == 0 {
			v = d.def
		}
		if v < 1 || v > 365 {
			return nil, o2o.Invalidf(d.path, "must be 1 to 365 days, got %d", d.v)
		}
		r.windows[i] = v
	}
	return r, nil
}

func (r *Rules) setPosition(p Position) error {
	explicit := p.First != nil || p.Middle != nil || p.Last != nil
	var first, middle, last o2o.Decimal
	switch {
	case p.Preset != "" && explicit:
		return o2o.Invalid("", "give a preset or the three shares, not both")
	case p.Preset != "":
		var ok bool
		if first, middle, last, ok = p.Preset.Shares(); !ok {
			return o2o.Invalidf("preset", "unknown preset %q", string(p.Preset))
		}
		r.preset = p.Preset
	case p.First == nil || p.Middle == nil || p.Last == nil:
		return o2o.Invalid("", "give a preset or all three shares first, middle and last")
	default:
		first, middle, last = *p.First, *p.Middle, *p.Last
	}
	out := []*uint64{&r.first, &r.middle, &r.last}
	for i, s := range []struct {
		name string
		v    o2o.Decimal
	}{{"first", first}, {"middle", middle}, {"last", last}} {
		if s.v.Sign() < 0 || s.v.Cmp(hundredPercent) > 0 {
			return o2o.Invalidf(s.name, "must be 0 to 100 percent, got %s", s.v.String())
		}
		units := s.v.Shift(2)
		if !units.Equal(units.Truncate(0)) {
			return o2o.Invalidf(s.name, "must have at most two decimal places, got %s", s.v.String())
		}
		*out[i] = uint64(units.IntPart())
	}
	if r.first+r.middle+r.last != 10000 {
		return o2o.Invalidf("", "shares must sum to 100 percent, got %s", o2o.FormatDecimal(first.Add(middle.Decimal).Add(last.Decimal)))
	}
	if r.first+r.last == 0 {
		return o2o.Invalid("", "first + last must be above 0: a two-touch path drops the middle share")
	}
	return nil
}

// Model returns the rules' model.
func (r *Rules) Model() ModelName { return r.model }

// Basis returns the cost-allocation basis.
func (r *Rules) Basis() Basis { return r.basis }

// Unattached returns how the traffic basis charges unattached O2O touches;
// empty under the conversions basis.
func (r *Rules) Unattached() Unattached { return r.unattached }

// BasisKinds returns the conversion kinds the conversions basis counts,
// in ConversionKinds order; nil when every kind counts.
func (r *Rules) BasisKinds() []ConversionKind {
	if !r.restricted {
		return nil
	}
	var out []ConversionKind
	for i, k := range ConversionKinds() {
		if r.basisKinds[i] {
			out = append(out, k)
		}
	}
	return out
}

// Window returns the lookback window for conversions of kind k. A touch
// exactly Window before the conversion is counted in; a touch after the
// conversion is ignored (one at the same instant counts).
func (r *Rules) Window(k ConversionKind) time.Duration {
	return time.Duration(r.windows[conversionIndex(k)]) * 24 * time.Hour
}

// Config returns the rules as a config, defaults filled in, that builds
// the same rules.
func (r *Rules) Config() Config {
	c := Config{
		Model: r.model,
		Lookback: Lookback{
			StoreVisit: r.windows[0], Deal: r.windows[1], OnlinePayment: r.windows[2],
		},
		Basis:      r.basis,
		BasisKinds: r.BasisKinds(),
		Unattached: r.unattached,
	}
	if r.model == ModelPosition {
		if r.preset != "" {
			c.Position = &Position{Preset: r.preset}
		} else {
			f, m, l := pct(r.first), pct(r.middle), pct(r.last)
			c.Position = &Position{First: &f, Middle: &m, Last: &l}
		}
	}
	if r.model == ModelTimeDecay {
		h := r.halfLife
		c.HalfLifeDays = &h
	}
	return c
}

func pct(units uint64) o2o.Decimal { return o2o.Dec(decimal.New(int64(units), -2)) }

// Shares returns the position model's first, middle and last shares in percent.
func (r *Rules) Shares() (first, middle, last o2o.Decimal) {
	return pct(r.first), pct(r.middle), pct(r.last)
}

// ParseConfig decodes a config strictly (unknown fields and trailing data
// refused) and builds it.
func ParseConfig(data []byte) (*Rules, error) {
	var c Config
	if err := o2o.DecodeJSON(data, &c); err != nil {
		return nil, err
	}
	return c.Build()
}

// MarshalJSON writes the rules as their Config.
func (r *Rules) MarshalJSON() ([]byte, error) { return json.Marshal(r.Config()) }

// UnmarshalJSON reads a Config strictly and builds it.
func (r *Rules) UnmarshalJSON(data []byte) error {
	built, err := ParseConfig(data)
	if err != nil {
		return err
	}
	*r = *built
	return nil
}

// String describes the rules: "position 40/20/40, windows 30/90/30 days,
// basis traffic, unattached converted".
func (r *Rules) String() string {
	s := r.attribution() + ", basis " + string(r.basis)
	if k := r.BasisKinds(); k != nil {
		s += fmt.Sprintf(" %v", k)
	}
	if r.unattached != "" {
		s += ", unattached " + string(r.unattached)
	}
	return s
}

func conversionIndex(k ConversionKind) int {
	switch k {
	case ConversionStoreVisit:
		return 0
	case ConversionDeal:
		return 1
	}
	return 2
}
