package jsonx

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/o2okit/o2okit/internal/limits"
)

// This file is the decoder's speed trick, in one place: decodeFast reads
// the bytes once, checking as it goes what checkShape checks (keys named
// exactly, none repeated, nesting and key limits, UTF-8 and surrogates, no
// trailing data, JSON's grammar), and writes each value into the target as
// it reads it. The reference path (checkShape, then encoding/json, then
// explain on failure) reads the bytes four times: checkShape's scan,
// encoding/json's validity scan, its decoding, and the outer decoder's
// skip over the value before it calls UnmarshalJSON.
//
// decodeFast never reports an error. It handles the common forms (structs
// without embedded fields, pointers, slices, maps with string keys,
// strings, numbers, booleans, values that decode themselves) and answers
// false for anything else, valid or not: a null, an interface, a ",string"
// tag, a value that refuses itself, malformed JSON, a limit passed. Decode
// then zeroes the target and runs the reference path, which accepts or
// says what is wrong, with its path. So both paths accept the same
// documents and give the same values; FuzzFastMatchesReference checks it.

// decodeFast decodes data into rv (addressable, holding its zero value)
// and reports whether it could; on false rv may be partly written.
func decodeFast(data []byte, rv reflect.Value) bool {
	d := fastDecoder{scanner: scanner{data: data, strict: true}}
	d.space()
	if byteOrderMark(data[d.pos:]) != "" {
		return false
	}
	if !d.value(rv, planOf(rv.Type())) || d.stopped() {
		return false
	}
	d.space()
	return d.pos == len(d.data)
}

// planKind is how decodeFast writes a Go type.
type planKind uint8

const (
	unsupported planKind = iota
	selfJSON             // *T has UnmarshalJSON
	selfText             // *T has UnmarshalText, and no UnmarshalJSON
	structKind
	pointerKind
	sliceKind
	mapKind
	stringKind
	boolKind
	intKind
	uintKind
	floatKind
)

// plan is what decodeFast knows of a Go type; plans refer to each other,
// cycles included, and are computed once per type.
type plan struct {
	kind   planKind
	t      reflect.Type
	elem   *plan            // pointer, slice and map elements
	fields map[string]field // struct fields by JSON name
}

// field is a struct field: its index and its type's plan.
type field struct {
	index int
	plan  *plan
}

// plans caches a plan per type, as typeInfos caches typeInfo: computed
// from the type alone, never changed, so it holds nothing a caller can
// observe. planMu serialises the building of new plans, which may be
// cyclic.
var (
	plans  sync.Map // reflect.Type → *plan
	planMu sync.Mutex
)

func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	planMu.Lock()
	defer planMu.Unlock()
	building := make(map[reflect.Type]*plan)
	p := buildPlan(t, building)
	for bt, bp := range building {
		plans.LoadOrStore(bt, bp)
	}
	return p
}

func buildPlan(t reflect.Type, building map[reflect.Type]*plan) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	if p, ok := building[t]; ok {
		return p
	}
	p := &plan{t: t}
	building[t] = p
	pt := reflect.PointerTo(t)
	switch {
	case pt.Implements(reflect.TypeFor[json.Unmarshaler]()):
		p.kind = selfJSON
	case pt.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()):
		p.kind = selfText
	case t == reflect.TypeFor[json.Number]():
		// A number written into a string: left to encoding/json.
	default:
		buildKind(p, building)
	}
	return p
}

func buildKind(p *plan, building map[reflect.Type]*plan) {
	t := p.t
	switch t.Kind() {
	case reflect.Struct:
		if fields, ok := planFields(t, building); ok {
			p.kind, p.fields = structKind, fields
		}
	case reflect.Pointer:
		p.kind, p.elem = pointerKind, buildPlan(t.Elem(), building)
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 { // []byte is base64 text
			p.kind, p.elem = sliceKind, buildPlan(t.Elem(), building)
		}
	case reflect.Map:
		if t.Key().Kind() == reflect.String && !reflect.PointerTo(t.Key()).Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) {
			p.kind, p.elem = mapKind, buildPlan(t.Elem(), building)
		}
	case reflect.String:
		p.kind = stringKind
	case reflect.Bool:
		p.kind = boolKind
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.kind = intKind
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.kind = uintKind
	case reflect.Float32, reflect.Float64:
		p.kind = floatKind
	}
}

// planFields maps a struct's JSON names to its fields, as encoding/json
// does, or reports false for the forms where its rules are subtler than a
// name per field: embedded fields, a ",string" option, a name it would not
// take, a name used twice.
func planFields(t reflect.Type, building map[reflect.Type]*plan) (map[string]field, bool) {
	fields := make(map[string]field, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil, false
		}
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",string,") || !validTag(name) {
			return nil, false
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := fields[name]; taken {
			return nil, false
		}
		fields[name] = field{index: i, plan: buildPlan(f.Type, building)}
	}
	return fields, true
}

// validTag reports whether encoding/json takes name as a field's JSON name
// (its isValidTag); otherwise it uses the Go name.
func validTag(name string) bool {
	for _, c := range name {
		if !strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c) && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return false
		}
	}
	return true
}

// fastDecoder is the scanner writing values as it reads them.
type fastDecoder struct {
	scanner
}

// value reads one value into v by p, and reports whether it could.
func (d *fastDecoder) value(v reflect.Value, p *plan) bool {
	d.space()
	if d.pos >= len(d.data) || d.data[d.pos] == 'n' {
		return false // truncated, or a null: the reference path decides
	}
	switch p.kind {
	case selfJSON:
		return d.selfJSON(v)
	case selfText:
		return d.selfText(v)
	case structKind:
		return d.object(v, p)
	case pointerKind:
		if v.IsNil() {
			v.Set(reflect.New(p.t.Elem()))
		}
		return d.value(v.Elem(), p.elem)
	case sliceKind:
		return d.slice(v, p)
	case mapKind:
		return d.object(v, p)
	case stringKind:
		s, ok := d.text()
		if ok {
			v.SetString(string(s))
		}
		return ok
	case boolKind:
		return d.boolean(v)
	case intKind, uintKind, floatKind:
		return d.number(v, p.kind)
	}
	return false
}

// selfJSON hands the value's bytes, checked as checkShape checks them, to
// its UnmarshalJSON, as encoding/json would.
func (d *fastDecoder) selfJSON(v reflect.Value) bool {
	start := d.pos
	d.skip()
	if d.stopped() {
		return false
	}
	return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.data[start:d.pos]) == nil
}

// selfText hands a string's text to the value's UnmarshalText.
func (d *fastDecoder) selfText(v reflect.Value) bool {
	s, ok := d.text()
	return ok && v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(s) == nil
}

// text reads a JSON string's text.
func (d *fastDecoder) text() ([]byte, bool) {
	if d.data[d.pos] != '"' {
		return nil, false
	}
	s, ok := d.str(false)
	return s, ok && !d.stopped()
}

// object reads a JSON object into a struct or a map with string keys.
func (d *fastDecoder) object(v reflect.Value, p *plan) bool {
	if d.data[d.pos] != '{' {
		return false
	}
	d.pos++
	mark := len(d.keys)
	ok := d.open() && d.members(v, p, mark)
	d.depth--
	d.keys = d.keys[:mark]
	return ok
}

// members reads an object's members, after its '{'; its keys so far are
// those of d.keys after mark.
func (d *fastDecoder) members(v reflect.Value, p *plan, mark int) bool {
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		if p.kind == mapKind && v.IsNil() {
			v.Set(reflect.MakeMap(p.t))
		}
		return true
	}
	var seen map[string]struct{}
	for count := 1; ; count++ {
		d.space()
		key, ok := d.str(true)
		if !ok || d.stopped() || count > limits.MaxKeys || d.repeated(key, mark, &seen) {
			return false
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return false
		}
		d.pos++
		if !d.member(v, p, key) {
			return false
		}
		if more := d.next('}'); !more || d.stopped() {
			return !d.stopped()
		}
	}
}

// member reads the value of key into the struct field or map entry.
func (d *fastDecoder) member(v reflect.Value, p *plan, key []byte) bool {
	if p.kind == structKind {
		f, known := p.fields[string(key)]
		return known && d.value(v.Field(f.index), f.plan)
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(p.t))
	}
	elem := reflect.New(p.t.Elem()).Elem()
	if !d.value(elem, p.elem) {
		return false
	}
	k := reflect.New(p.t.Key()).Elem()
	k.SetString(string(key))
	v.SetMapIndex(k, elem)
	return true
}

// slice reads a JSON array into a slice, which encoding/json makes empty
// (not nil) for [].
func (d *fastDecoder) slice(v reflect.Value, p *plan) bool {
	if d.data[d.pos] != '[' {
		return false
	}
	d.pos++
	ok := d.open() && d.elements(v, p)
	d.depth--
	return ok
}

// elements reads an array's elements, after its '['.
func (d *fastDecoder) elements(v reflect.Value, p *plan) bool {
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		v.Set(reflect.MakeSlice(p.t, 0, 0))
		return true
	}
	if n := countElements(d.data[d.pos:]); n > 0 {
		v.Set(reflect.MakeSlice(p.t, 0, n))
	}
	for i := 0; ; i++ {
		if i == v.Cap() {
			v.Grow(1)
		}
		v.SetLen(i + 1)
		e := v.Index(i)
		e.SetZero()
		if !d.value(e, p.elem) {
			return false
		}
		if more := d.next(']'); !more || d.stopped() {
			return !d.stopped()
		}
	}
}

// countLimit bounds the bytes countElements reads ahead: past it the
// slice grows as it fills, so that arrays nested deep in a large document
// are not each read ahead to their end.
const countLimit = 16 << 10

// countElements returns the number of elements of the array that data
// (after its '[' and any space) starts with, or 0 when it cannot tell
// within countLimit bytes. The slice is then made at its length once,
// instead of growing and copying as encoding/json does; the count is only
// a capacity, so a malformed array is left to the decoder to refuse.
func countElements(data []byte) int {
	n, depth := 1, 0
	for i := 0; i < len(data) && i < countLimit; i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
		case '}':
			depth--
		case ']':
			if depth == 0 {
				return n
			}
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	return 0
}

// boolean reads true or false.
func (d *fastDecoder) boolean(v reflect.Value) bool {
	lit := d.literal()
	switch string(lit) {
	case "true":
		v.SetBool(true)
	case "false":
		v.SetBool(false)
	default:
		return false
	}
	return true
}

// number reads a JSON number into an integer or a float, refusing what
// encoding/json refuses: a fraction or an exponent for an integer, a value
// out of the type's range.
func (d *fastDecoder) number(v reflect.Value, kind planKind) bool {
	lit := d.literal()
	if !validNumber(lit) {
		return false
	}
	switch kind {
	case intKind:
		n, err := strconv.ParseInt(string(lit), 10, 64)
		if err != nil || v.OverflowInt(n) {
			return false
		}
		v.SetInt(n)
	case uintKind:
		n, err := strconv.ParseUint(string(lit), 10, 64)
		if err != nil || v.OverflowUint(n) {
			return false
		}
		v.SetUint(n)
	default:
		f, err := strconv.ParseFloat(string(lit), v.Type().Bits())
		if err != nil || v.OverflowFloat(f) {
			return false
		}
		v.SetFloat(f)
	}
	return true
}
