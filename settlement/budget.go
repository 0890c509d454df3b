package settlement

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/o2okit/o2okit/internal/enum"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/settlement/internal/instant"
)

// Level is an approver's level at headquarters.
type Level string

// The approver levels, lowest first.
const (
	// LevelStaff is general headquarters staff: it never decides a station's
	// request (a junior clerk overruling a station on a few hundred
	// yuan is the first extreme).
	LevelStaff Level = "staff"
	// LevelAreaDirector decides requests up to its band.
	LevelAreaDirector Level = "area_director"
	// LevelVP decides any request, and alone may exceed a city's monthly cap.
	LevelVP Level = "vp"
)

// Levels returns every level, lowest first.
func Levels() []Level { return []Level{LevelStaff, LevelAreaDirector, LevelVP} }

// Rank returns 1 for staff, 2 for an area director, 3 for a VP, 0 if invalid.
func (l Level) Rank() int {
	for i, v := range Levels() {
		if v == l {
			return i + 1
		}
	}
	return 0
}

// String returns the level's text form.
func (l Level) String() string { return string(l) }

// Valid reports whether l is one of the levels.
func (l Level) Valid() bool { return enum.Valid(l, Levels()...) }

// MarshalText returns the text form; it refuses an invalid level.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, &o2o.EnumError{Enum: "approver level", Value: string(l)}
	}
	return []byte(l), nil
}

// UnmarshalText accepts exactly "staff", "area_director" or "vp".
func (l *Level) UnmarshalText(text []byte) error {
	v, ok := enum.Parse(text, Levels()...)
	if !ok {
		return &o2o.EnumError{Enum: "approver level", Value: string(text)}
	}
	*l = v
	return nil
}

// Band is one row of the authority matrix: requests up to UpTo (inclusive)
// are decided at Level. The last band has no UpTo: it is open above.
type Band struct {
	UpTo  *o2o.Money `json:"upTo,omitempty"`
	Level Level      `json:"level"`
}

// CityCap is a city's monthly budget cap: only a VP may approve beyond it.
type CityCap struct {
	City o2o.RegionCode `json:"city"`
	Cap  o2o.Money      `json:"cap"`
}

// AuthorityConfig is the JSON-friendly authority matrix; Build validates it.
type AuthorityConfig struct {
	Currency o2o.Currency `json:"currency,omitempty"`
	// Bands in ascending order of UpTo; the last one open.
	Bands []Band `json:"bands"`
	// Caps per city; a city without its own uses DefaultCap.
	Caps []CityCap `json:"caps,omitempty"`
	// DefaultCap is the monthly cap of every other city; nil means none.
	DefaultCap *o2o.Money `json:"defaultCap,omitempty"`
}

// UnmarshalJSON decodes strictly: unknown fields are refused.
func (c *AuthorityConfig) UnmarshalJSON(data []byte) error {
	type plain AuthorityConfig
	var p plain
	if err := o2o.DecodeJSON(data, &p); err != nil {
		return err
	}
	*c = AuthorityConfig(p)
	return nil
}

// Authority decides station budget requests. It is immutable and safe for
// concurrent use.
type Authority struct {
	config   AuthorityConfig
	currency o2o.Currency
	caps     map[o2o.RegionCode]o2o.Money
}

// Build validates the matrix: at least one band; bands ascending, whole and
// positive, their levels area director or VP and never lower than the band
// below; the last band open; caps whole, not negative, for city-level codes,
// one per city. Errors are *o2o.ValidationError with JSON paths.
func (c AuthorityConfig) Build() (*Authority, error) {
	if !c.Currency.Valid() {
		return nil, o2o.Prefix("currency", fmt.Errorf("%w %q", o2o.ErrUnknownCurrency, string(c.Currency)))
	}
	cur := o2o.Currency(c.Currency.String())
	if len(c.Bands) == 0 {
		return nil, o2o.Invalid("bands", "must have at least one band")
	}
	for i, b := range c.Bands {
		path := fmt.Sprintf("bands[%d]", i)
		switch {
		case b.Level != LevelAreaDirector && b.Level != LevelVP:
			return nil, o2o.Invalidf(path+".level", "must be area_director or vp, got %q: general headquarters staff never decide a station's request", string(b.Level))
		case i > 0 && b.Level.Rank() < c.Bands[i-1].Level.Rank():
			return nil, o2o.Invalid(path+".level", "must not be lower than the band below")
		case i == len(c.Bands)-1 && b.UpTo != nil:
			return nil, o2o.Invalid(path+".upTo", "must be empty: the last band is open above")
		case i < len(c.Bands)-1 && b.UpTo == nil:
			return nil, o2o.Invalid(path+".upTo", "is required but for the last band")
		}
		if b.UpTo != nil {
			if err := checkAmount(*b.UpTo, cur); err != nil {
				return nil, o2o.Prefix(path+".upTo", err)
			}
			if !b.UpTo.IsPositive() {
				return nil, o2o.Invalid(path+".upTo", "must be positive")
			}
			if i > 0 {
				if cmp, _ := b.UpTo.Cmp(*c.Bands[i-1].UpTo); cmp <= 0 {
					return nil, o2o.Invalid(path+".upTo", "must be above the band below")
				}
			}
		}
	}
	a := &Authority{currency: cur, caps: map[o2o.RegionCode]o2o.Money{}}
	for i, cc := range c.Caps {
		path := fmt.Sprintf("caps[%d]", i)
		if cc.City.IsZero() || cc.City.Level() != o2o.LevelCity {
			return nil, o2o.Invalidf(path+".city", "must be a city-level code, got %q", cc.City.String())
		}
		if _, dup := a.caps[cc.City]; dup {
			return nil, &o2o.ValidationError{Fields: []o2o.FieldError{{Path: path + ".city", Reason: fmt.Sprintf("repeats city %s", cc.City)}}, Err: o2o.ErrDuplicate}
		}
		if err := checkAmount(cc.Cap, cur); err != nil {
			return nil, o2o.Prefix(path+".cap", err)
		}
		a.caps[cc.City] = cc.Cap
	}
	if c.DefaultCap != nil {
		if err := checkAmount(*c.DefaultCap, cur); err != nil {
			return nil, o2o.Prefix("defaultCap", err)
		}
	}
	a.config = c
	a.config.Currency = cur
	a.config.Bands = append([]Band(nil), c.Bands...)
	a.config.Caps = append([]CityCap(nil), c.Caps...)
	return a, nil
}

// Config returns a copy of the matrix.
func (a *Authority) Config() AuthorityConfig {
	c := a.config
	c.Bands = append([]Band(nil), c.Bands...)
	c.Caps = append([]CityCap(nil), c.Caps...)
	return c
}

// MarshalJSON writes the matrix.
func (a *Authority) MarshalJSON() ([]byte, error) { return json.Marshal(a.config) }

// Request is a station's budget request.
type Request struct {
	ID      string `json:"id"`
	Station string `json:"station"`
	// City is the city the budget is spent in: a city-level code, or a
	// county or township code, read as its city (a township of a city
	// without counties, such as 441900003 in Dongguan, is read as 441900).
	// A province code is refused: it names no city whose cap could count.
	City    o2o.RegionCode `json:"city"`
	Purpose string         `json:"purpose"`
	Amount  o2o.Money      `json:"amount"`
	// At is when the request is decided; its month (in +08:00) is the
	// month whose cap counts.
	At time.Time `json:"at"`
}

// Approver is who decides a request.
type Approver struct {
	ID    string `json:"id"`
	Level Level  `json:"level"`
}

// Outcome is what a decision says.
type Outcome string

// The outcomes.
const (
	// OutcomeApproved: the approver has the authority and the cap holds (or
	// a VP exceeded it).
	OutcomeApproved Outcome = "approved"
	// OutcomeNoAuthority: the approver's level is below the level required.
	OutcomeNoAuthority Outcome = "refused_authority"
	// OutcomeOverCap: the city's monthly cap would be exceeded and the
	// approver is not a VP.
	OutcomeOverCap Outcome = "refused_cap"
)

// Decision is the answer to a request, with the level it required and why.
type Decision struct {
	Request  string  `json:"request"`
	Approver string  `json:"approver"`
	Outcome  Outcome `json:"outcome"`
	// Required is the level the request needed.
	Required Level `json:"required"`
	// Month is the month whose cap counts, "2024-05".
	Month string `json:"month"`
	// Cap is the city's monthly cap, nil when it has none.
	Cap *o2o.Money `json:"cap,omitempty"`
	// After is what the city will have had approved this month if approved.
	After o2o.Money `json:"after"`
	// OverCap reports that After exceeds Cap.
	OverCap bool   `json:"overCap"`
	Reason  string `json:"reason"`
}

// Approved reports whether the request was approved.
func (d Decision) Approved() bool { return d.Outcome == OutcomeApproved }

// Decide decides a station's request. The level required is the band's for
// the amount, raised to VP when the city's month total (approvedThisMonth +
// amount) would exceed its cap. An approver below the required level is
// refused (general headquarters staff always are): because of the cap when
// that is what raised the level, else for lack of authority. Bad input (an
// unknown level, a non-positive or foreign amount, a missing id, city or
// instant, a province code for the city, an instant out of range) is an
// error wrapping o2o.ErrInvalid, not a refusal.
func (a *Authority) Decide(req Request, approver Approver, approvedThisMonth o2o.Money) (Decision, error) {
	switch {
	case req.ID == "":
		return Decision{}, o2o.Invalid("request.id", "is required")
	case req.Station == "":
		return Decision{}, o2o.Invalid("request.station", "is required")
	case req.City.IsZero():
		return Decision{}, o2o.Invalid("request.city", "is required")
	case req.City.Level() == o2o.LevelProvince:
		return Decision{}, o2o.Invalidf("request.city", "%s is a province: give the city the budget is spent in (a city-level code such as 440300, or a county or township in it), so that its monthly cap counts", req.City)
	case req.At.IsZero():
		return Decision{}, o2o.Invalid("request.at", "is required")
	case !approver.Level.Valid():
		return Decision{}, o2o.Invalidf("approver.level", "unknown approver level %q", string(approver.Level))
	case approver.ID == "":
		return Decision{}, o2o.Invalid("approver.id", "is required")
	}
	if err := instant.Check(req.At); err != nil {
		return Decision{}, o2o.Prefix("request.at", err)
	}
	if err := checkAmount(req.Amount, a.currency); err != nil {
		return Decision{}, o2o.Prefix("request.amount", err)
	}
	if !req.Amount.IsPositive() {
		return Decision{}, o2o.Invalid("request.amount", "must be positive")
	}
	if err := checkAmount(approvedThisMonth, a.currency); err != nil {
		return Decision{}, o2o.Prefix("approvedThisMonth", err)
	}
	city := req.City.City()
	d := Decision{Request: req.ID, Approver: approver.ID, Month: req.At.In(o2o.China()).Format("2006-01")}
	d.After, _ = approvedThisMonth.Add(req.Amount)
	band := a.config.Bands[len(a.config.Bands)-1]
	for _, b := range a.config.Bands {
		if b.UpTo != nil {
			if c, _ := req.Amount.Cmp(*b.UpTo); c <= 0 {
				band = b
				break
			}
		}
	}
	d.Required = band.Level
	bandWhy := fmt.Sprintf("%s is in the band decided by %s", req.Amount, band.Level)
	if cp, ok := a.capOf(city); ok {
		d.Cap = &cp
		if c, _ := d.After.Cmp(cp); c > 0 {
			d.OverCap = true
			d.Required = LevelVP
		}
	}
	capWhy := ""
	if d.OverCap {
		capWhy = fmt.Sprintf("; %s's cap of %s for %s would be exceeded (%s approved with this request), which only a VP may allow", city, d.Cap, d.Month, d.After)
	}
	switch {
	case approver.Level == LevelStaff:
		d.Outcome = OutcomeNoAuthority
		d.Reason = fmt.Sprintf("general headquarters staff never decide a station's request; %s needs %s%s", req.Amount, d.Required, capWhy)
	case approver.Level.Rank() >= d.Required.Rank():
		d.Outcome = OutcomeApproved
		d.Reason = "approved by " + string(approver.Level) + ": " + bandWhy + capWhy
	case d.OverCap && approver.Level.Rank() >= band.Level.Rank():
		d.Outcome = OutcomeOverCap
		d.Reason = "refused: " + bandWhy + capWhy
	default:
		d.Outcome = OutcomeNoAuthority
		d.Reason = fmt.Sprintf("refused: %s lacks the authority: %s%s", approver.Level, bandWhy, capWhy)
	}
	return d, nil
}

func (a *Authority) capOf(city o2o.RegionCode) (o2o.Money, bool) {
	if c, ok := a.caps[city]; ok {
		return c, true
	}
	if a.config.DefaultCap != nil {
		return *a.config.DefaultCap, true
	}
	return o2o.Money{}, false
}
