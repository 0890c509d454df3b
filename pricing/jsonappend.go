package pricing

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/o2okit/o2okit/o2o"
)

// The step's JSON is appended in one buffer rather than marshalled by
// reflection: encoding/json checks and copies whatever a MarshalJSON
// method returns, so a step marshalled through json.Marshal had its
// amounts scanned three times. appendJSON writes exactly what
// json.Marshal writes for stepJSON (a test holds it to that, byte for
// byte), and refuses what json.Marshal refuses: an unknown rule, code,
// unit or increment, and an amount that is not Encodable.

// appendJSON appends the step's JSON form (stepJSON) to b.
func (s *Step) appendJSON(b []byte) ([]byte, error) {
	e := enc{b: b}
	e.raw(`{"rule":`)
	e.enum(string(s.Rule), s.Rule.Valid(), s.Rule)
	e.raw(`,"code":`)
	e.enum(string(s.Code), s.Code.Valid(), s.Code)
	e.raw(`,"reason":`)
	e.str(s.Reason())
	e.raw(`,"base":`)
	e.money(s.Base)
	e.raw(`,"amount":`)
	e.money(s.Amount)
	e.raw(`,"result":`)
	e.money(s.Result)
	e.raw(`,"facts":`)
	uses := s.Code.facts()
	f := s.Facts.only(uses)
	e.facts(&f, uses)
	e.raw("}")
	if e.err != nil {
		return nil, e.err
	}
	return e.b, nil
}

// facts appends the facts as json.Marshal writes stepFacts: the fields in
// order, each left out under its omitempty or omitzero; the percent and
// the amounts present exactly when the code uses them.
func (e *enc) facts(f *Facts, uses factField) {
	e.raw("{")
	n := len(e.b)
	key := func(name string) {
		if len(e.b) > n {
			e.raw(",")
		}
		e.raw(`"` + name + `":`)
	}
	if f.Party != "" {
		key("party")
		e.str(f.Party)
	}
	if f.Label != "" {
		key("label")
		e.str(f.Label)
	}
	if !f.Region.IsZero() {
		key("region")
		e.str(f.Region.String())
	}
	if f.Product != (o2o.BrandModel{}) {
		key("product")
		e.raw(`{"brand":`)
		e.str(f.Product.Brand)
		e.raw(`,"model":`)
		e.str(f.Product.Model)
		e.raw("}")
	}
	if uses&factPercent != 0 {
		key("percent")
		e.decimal(f.Percent)
	}
	if uses&factFigure != 0 {
		key("figure")
		e.money(f.Figure)
	}
	if uses&factLimit != 0 {
		key("limit")
		e.money(f.Limit)
	}
	if uses&factCost != 0 {
		key("cost")
		e.money(f.Cost)
	}
	if f.Quantity != (o2o.Quantity{}) {
		key("quantity")
		e.quantity(f.Quantity)
	}
	if f.Mode != "" {
		key("mode")
		e.str(string(f.Mode))
	}
	if f.Increment != "" {
		key("increment")
		e.text(f.Increment)
	}
	for _, v := range [...]struct {
		name string
		n    int
	}{{"stage", f.Stage}, {"asked", f.Asked}, {"count", f.Count}} {
		if v.n != 0 {
			key(v.name)
			e.int(v.n)
		}
	}
	e.raw("}")
}

// appendString appends s as a JSON string the way encoding/json writes
// one: <, > and & escaped (\u003c, \u003e, \u0026), control characters
// escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// enc appends JSON to b and keeps the first error.
type enc struct {
	b   []byte
	err error
}

func (e *enc) raw(s string) { e.b = append(e.b, s...) }
func (e *enc) str(s string) { e.b = appendString(e.b, s) }

// text writes v's text form as a string, refusing what its MarshalText
// refuses.
func (e *enc) text(v interface{ MarshalText() ([]byte, error) }) {
	if e.err != nil {
		return
	}
	t, err := v.MarshalText()
	if err != nil {
		e.err = err
		return
	}
	e.b = appendString(e.b, string(t))
}

// enum writes a text enum's value when valid, and otherwise refuses it
// with its MarshalText's error, without MarshalText's copy.
func (e *enc) enum(s string, valid bool, v interface{ MarshalText() ([]byte, error) }) {
	if valid {
		e.str(s)
		return
	}
	e.text(v)
}

func (e *enc) money(m o2o.Money) {
	if e.err == nil {
		e.b, e.err = m.AppendJSON(e.b)
	}
}

func (e *enc) decimal(d o2o.Decimal) {
	if e.err == nil {
		e.b, e.err = d.AppendJSON(e.b)
	}
}

func (e *enc) int(n int) { e.b = strconv.AppendInt(e.b, int64(n), 10) }

func (e *enc) time(t time.Time) {
	if e.err != nil {
		return
	}
	j, err := t.MarshalJSON()
	if err != nil {
		e.err = err
		return
	}
	e.b = append(e.b, j...)
}

func (e *enc) quantity(q o2o.Quantity) {
	e.raw(`{"value":`)
	e.decimal(q.Value)
	e.raw(`,"unit":`)
	e.enum(string(q.Unit), q.Unit.Valid(), q.Unit)
	e.raw(`}`)
}

// flag writes a true flag under omitempty.
func (e *enc) flag(name string, on bool, first *bool) {
	if !on {
		return
	}
	if !*first {
		e.raw(",")
	}
	*first = false
	e.raw(`"` + name + `":true`)
}

// appendJSON appends the quote as json.Marshal writes its fields (a
// test holds it to that, byte for byte): one buffer, and encoding/json
// checks the result once instead of every amount and step on its own.
func (q *Quote) appendJSON(b []byte) ([]byte, error) {
	e := enc{b: b}
	e.raw(`{"sku":`)
	e.str(q.SKU)
	e.raw(`,"brandModel":{"brand":`)
	e.str(q.BrandModel.Brand)
	e.raw(`,"model":`)
	e.str(q.BrandModel.Model)
	e.raw(`},"category":`)
	e.str(q.Category)
	e.raw(`,"region":`)
	e.str(q.Region.String())
	e.raw(`,"channel":`)
	e.enum(string(q.Channel), q.Channel.Valid(), q.Channel)
	e.raw(`,"placed":{"venue":`)
	e.enum(string(q.Placed.Venue), q.Placed.Venue.Valid(), q.Placed.Venue)
	if q.Placed.StoreID != "" {
		e.raw(`,"storeId":`)
		e.str(q.Placed.StoreID)
	}
	e.raw(`},"segment":`)
	e.enum(string(q.Segment), q.Segment.Valid(), q.Segment)
	if q.AccountID != "" {
		e.raw(`,"accountId":`)
		e.str(q.AccountID)
	}
	e.raw(`,"quantity":`)
	e.quantity(q.Quantity)
	e.raw(`,"at":`)
	e.time(q.At)
	e.raw(`,"listPrice":`)
	e.money(q.ListPrice)
	e.raw(`,"listScope":`)
	e.str(q.ListScope)
	e.raw(`,"floor":`)
	e.money(q.Floor)
	e.raw(`,"steps":`)
	if q.Steps == nil {
		e.raw("null")
	} else {
		e.raw("[")
		for i := range q.Steps {
			if i > 0 {
				e.raw(",")
			}
			if e.err == nil {
				e.b, e.err = q.Steps[i].appendJSON(e.b)
			}
		}
		e.raw("]")
	}
	if len(q.Benefits) > 0 {
		e.raw(`,"benefits":[`)
		for i, x := range q.Benefits {
			if i > 0 {
				e.raw(",")
			}
			e.raw(`{"rule":`)
			e.enum(string(x.Rule), x.Rule.Valid(), x.Rule)
			if x.Stage != 0 {
				e.raw(`,"stage":`)
				e.int(x.Stage)
			}
			e.raw(`,"code":`)
			e.str(x.Code)
			e.raw(`,"description":`)
			e.str(x.Description)
			e.raw(`,"kind":`)
			e.enum(string(x.Kind), x.Kind.Valid(), x.Kind)
			e.raw(`,"price":`)
			e.money(x.Price)
			e.raw(`,"cost":`)
			e.money(x.Cost)
			e.raw(`,"fundedBy":`)
			e.str(x.FundedBy)
			e.raw("}")
		}
		e.raw("]")
	}
	if len(q.Violations) > 0 {
		e.raw(`,"violations":[`)
		for i, v := range q.Violations {
			if i > 0 {
				e.raw(",")
			}
			e.raw(`{"rule":`)
			e.enum(string(v.Rule), v.Rule.Valid(), v.Rule)
			e.raw(`,"reason":`)
			e.str(v.Reason)
			if v.Source != "" {
				e.raw(`,"source":`)
				e.str(v.Source)
			}
			e.raw(`,"lowest":`)
			e.money(v.Lowest)
			e.raw(`,"price":`)
			e.money(v.Price)
			e.raw("}")
		}
		e.raw("]")
	}
	e.raw(`,"flags":{`)
	first, f := true, q.Flags
	e.flag("matched", f.Matched, &first)
	e.flag("capped", f.Capped, &first)
	e.flag("rounded", f.Rounded, &first)
	e.flag("floored", f.Floored, &first)
	e.flag("stageFallback", f.StageFallback, &first)
	e.flag("negotiated", f.Negotiated, &first)
	e.flag("clearance", f.Clearance, &first)
	e.raw("}")
	if q.Stage != 0 {
		e.raw(`,"stage":`)
		e.int(q.Stage)
	}
	e.raw(`,"unitPrice":`)
	e.money(q.UnitPrice)
	e.raw(`,"lineTotal":`)
	e.money(q.LineTotal)
	if q.VAT != nil {
		e.raw(`,"vat":{"category":`)
		e.str(q.VAT.Category)
		e.raw(`,"percent":`)
		e.decimal(q.VAT.Percent)
		e.raw(`,"included":`)
		e.money(q.VAT.Included)
		e.raw("}")
	}
	e.raw("}")
	if e.err != nil {
		return nil, e.err
	}
	return e.b, nil
}
