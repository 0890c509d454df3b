package pricing

import (
	"strconv"
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

// appendJSON appends the step's JSON form to b.
func (j stepJSON) appendJSON(b []byte) ([]byte, error) {
	rule, err := j.Rule.MarshalText()
	if err != nil {
		return nil, err
	}
	code, err := j.Code.MarshalText()
	if err != nil {
		return nil, err
	}
	b = append(b, `{"rule":`...)
	b = appendString(b, string(rule))
	b = append(b, `,"code":`...)
	b = appendString(b, string(code))
	b = append(b, `,"reason":`...)
	b = appendString(b, j.Reason)
	for _, m := range [...]struct {
		key   string
		money o2o.Money
	}{{`,"base":`, j.Base}, {`,"amount":`, j.Amount}, {`,"result":`, j.Result}} {
		b = append(b, m.key...)
		if b, err = m.money.AppendJSON(b); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"facts":`...)
	if b, err = j.Facts.appendJSON(b); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// appendJSON appends the facts as json.Marshal writes stepFacts: the
// fields in order, each left out under its omitempty or omitzero.
func (f stepFacts) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	n := len(b)
	key := func(name string) {
		if len(b) > n {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	var err error
	money := func(name string, m *o2o.Money) {
		if m == nil || err != nil {
			return
		}
		key(name)
		b, err = m.AppendJSON(b)
	}
	text := func(name string, t []byte, terr error) {
		if err != nil {
			return
		}
		if terr != nil {
			err = terr
			return
		}
		key(name)
		b = appendString(b, string(t))
	}
	if f.Party != "" {
		key("party")
		b = appendString(b, f.Party)
	}
	if f.Label != "" {
		key("label")
		b = appendString(b, f.Label)
	}
	if !f.Region.IsZero() {
		t, terr := f.Region.MarshalText()
		text("region", t, terr)
	}
	if f.Product != (o2o.BrandModel{}) {
		key("product")
		b = append(b, `{"brand":`...)
		b = appendString(b, f.Product.Brand)
		b = append(b, `,"model":`...)
		b = appendString(b, f.Product.Model)
		b = append(b, '}')
	}
	if f.Percent != nil && err == nil {
		key("percent")
		b, err = f.Percent.AppendJSON(b)
	}
	money("figure", f.Figure)
	money("limit", f.Limit)
	money("cost", f.Cost)
	if f.Quantity != (o2o.Quantity{}) && err == nil {
		key("quantity")
		b = append(b, `{"value":`...)
		if b, err = f.Quantity.Value.AppendJSON(b); err == nil {
			var unit []byte
			if unit, err = f.Quantity.Unit.MarshalText(); err == nil {
				b = append(b, `,"unit":`...)
				b = appendString(b, string(unit))
				b = append(b, '}')
			}
		}
	}
	if f.Mode != "" && err == nil {
		key("mode")
		b = appendString(b, string(f.Mode))
	}
	if f.Increment != "" {
		t, terr := f.Increment.MarshalText()
		text("increment", t, terr)
	}
	for _, v := range [...]struct {
		name string
		n    int
	}{{"stage", f.Stage}, {"asked", f.Asked}, {"count", f.Count}} {
		if v.n != 0 {
			key(v.name)
			b = strconv.AppendInt(b, int64(v.n), 10)
		}
	}
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
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
