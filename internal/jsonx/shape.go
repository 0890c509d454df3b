package jsonx

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/o2okit/o2okit/internal/limits"
)

// keysInline is how many keys an object may have before the repeated-key
// check moves from a scan of the keys seen to a set: below it a scan is
// cheaper than hashing, above it the scan would be quadratic.
const keysInline = 16

// checkShape scans data against the Go type t before encoding/json decodes
// it, and reports the first key that names no field exactly (case
// included) or that repeats a key of the same object. Values whose type
// decodes itself are skipped: they check their own shape. Malformed JSON is
// not reported here but left to encoding/json, which says where.
//
// It reads the bytes directly rather than through json.Decoder.Token, and
// allocates only for keys written with escapes and for a path on failure.
//
// complete reports whether the scan reached the end of the value: when it
// did not (malformed JSON, or a form this scanner does not know), the caller
// must not rely on it having seen every key.
func checkShape(data []byte, t reflect.Type) (fault *PathError, complete bool) {
	s := scanner{data: data}
	s.space()
	if reason := byteOrderMark(data[s.pos:]); reason != "" {
		return &PathError{Reason: reason}, true
	}
	s.value(t)
	if s.fault != nil {
		return s.fault, true
	}
	if s.broken {
		return nil, false
	}
	s.space()
	if s.pos < len(s.data) {
		return &PathError{Reason: "unexpected data after the JSON value"}, true
	}
	return nil, true
}

// scanner walks JSON bytes. path holds the way down to the current value,
// so that a fault can name it; keys are kept as offsets into data.
type scanner struct {
	data  []byte
	pos   int
	fault *PathError
	// broken: the JSON is malformed; stop and let encoding/json report it.
	broken bool
	path   []step
	// keys holds the keys seen in the objects being scanned, innermost last,
	// as views of data (or of an unquoted copy when escaped).
	keys [][]byte
	// depth is the number of arrays and objects open around the scan.
	depth int
	// strict: skip checks numbers and literals against JSON's grammar
	// (checkShape leaves that to encoding/json; decodeFast has no one to
	// leave it to).
	strict bool
}

// byteOrderMark returns why data, when it starts with a byte-order mark,
// is refused ("" when it does not). encoding/json would call the mark
// "unexpected data", which does not help whoever saved the file.
func byteOrderMark(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		return "starts with a UTF-8 byte-order mark (U+FEFF), which JSON does not allow: remove it"
	case bytes.HasPrefix(data, []byte("\xFE\xFF")), bytes.HasPrefix(data, []byte("\xFF\xFE")):
		return "starts with a UTF-16 byte-order mark: JSON must be UTF-8, without a mark"
	}
	return ""
}

// open enters an array or object and reports whether the nesting stays
// within limits.MaxDepth; past it, it records the fault.
func (s *scanner) open() bool {
	s.depth++
	if s.depth > limits.MaxDepth {
		s.failHere("nests arrays and objects deeper than " + strconv.Itoa(limits.MaxDepth) + " levels, the limit")
		return false
	}
	return true
}

// step is one part of a path: a key (when index < 0) or an array index.
type step struct {
	key   []byte
	index int
}

func (s *scanner) stopped() bool { return s.fault != nil || s.broken }

func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value scans one value of type t (nil: any type).
func (s *scanner) value(t reflect.Type) {
	t = deref(t)
	s.space()
	if s.pos >= len(s.data) {
		s.broken = true
		return
	}
	if t != nil && infoOf(t).self {
		s.skip()
		return
	}
	switch s.data[s.pos] {
	case '{':
		s.object(t)
	case '[':
		s.array(t)
	default:
		s.skip()
	}
}

func (s *scanner) object(t reflect.Type) {
	var fields map[string]reflect.Type
	isMap := false
	if t != nil {
		fields = infoOf(t).fields
		isMap = t.Kind() == reflect.Map
		if t.Kind() != reflect.Struct {
			fields = nil
		}
	}
	s.pos++ // '{'
	defer func() { s.depth-- }()
	if !s.open() {
		return
	}
	mark := len(s.keys)
	defer func() { s.keys = s.keys[:mark] }()
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return
	}
	// seen takes over from the scan of s.keys[mark:] past keysInline keys.
	var seen map[string]struct{}
	for count := 1; !s.stopped(); count++ {
		s.space()
		key, ok := s.str(true)
		if !ok {
			return
		}
		if count > limits.MaxKeys {
			s.failHere("object has more than " + strconv.Itoa(limits.MaxKeys) + " keys, the limit")
			return
		}
		if s.repeated(key, mark, &seen) {
			s.failAt(key, "repeats a key of the same object")
			return
		}
		var child reflect.Type
		switch {
		case fields != nil:
			ft, known := fields[string(key)] // no copy: Go looks up string(bytes) in place
			if !known {
				s.failAt(key, "unknown field")
				return
			}
			child = ft
		case isMap:
			child = t.Elem()
		}
		s.space()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			s.broken = true
			return
		}
		s.pos++
		s.path = append(s.path, step{key: key, index: -1})
		s.value(child)
		s.path = s.path[:len(s.path)-1]
		if !s.next('}') {
			return
		}
	}
}

func (s *scanner) array(t reflect.Type) {
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	s.pos++ // '['
	defer func() { s.depth-- }()
	if !s.open() {
		return
	}
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return
	}
	for i := 0; !s.stopped(); i++ {
		s.path = append(s.path, step{index: i})
		s.value(elem)
		s.path = s.path[:len(s.path)-1]
		if !s.next(']') {
			return
		}
	}
}

// next reads the comma between members, or the closing byte. It reports
// whether another member follows.
func (s *scanner) next(closing byte) bool {
	if s.stopped() {
		return false
	}
	s.space()
	if s.pos >= len(s.data) {
		s.broken = true
		return false
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		return true
	case closing:
		s.pos++
		return false
	}
	s.broken = true
	return false
}

// repeated reports whether key is among the current object's keys (those
// after mark), and records it. Most objects are small, and for them a scan
// beats a map; past keysInline keys the keys move to the set *seen, so that
// an object of many keys costs linear time, not quadratic.
func (s *scanner) repeated(key []byte, mark int, seen *map[string]struct{}) bool {
	if *seen != nil {
		if _, dup := (*seen)[string(key)]; dup {
			return true
		}
		(*seen)[string(key)] = struct{}{}
		return false
	}
	for _, k := range s.keys[mark:] {
		if bytes.Equal(k, key) {
			return true
		}
	}
	s.keys = append(s.keys, key)
	if len(s.keys)-mark >= keysInline {
		*seen = make(map[string]struct{}, 2*keysInline)
		for _, k := range s.keys[mark:] {
			(*seen)[string(k)] = struct{}{}
		}
	}
	return false
}

// str reads a JSON string and returns its value: a view of data, or an
// unquoted copy when it has escapes. A string that is not valid UTF-8, or
// whose escapes hold an unpaired surrogate, is a fault: encoding/json would
// turn it into U+FFFD, and two different inputs would read the same. key
// says whether the string is an object's key (for the fault's wording).
func (s *scanner) str(key bool) ([]byte, bool) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		s.broken = true
		return nil, false
	}
	start := s.pos
	escaped, ascii := false, true
	for i := start + 1; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '\\':
			escaped = true
			i++
		case c == '"':
			s.pos = i + 1
			raw := s.data[start+1 : i]
			if !ascii && !utf8.Valid(raw) {
				s.badString(key, "is not valid UTF-8")
				return nil, false
			}
			if !escaped {
				return raw, true
			}
			v, problem := unquote(raw)
			switch {
			case problem == errMalformed:
				s.broken = true
				return nil, false
			case problem != "":
				s.badString(key, problem)
				return nil, false
			}
			return v, true
		case c < 0x20:
			s.broken = true
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	s.broken = true
	return nil, false
}

// badString records a fault for a string at the current path that is not
// text: a key names no field, so the fault is put on its object.
func (s *scanner) badString(key bool, reason string) {
	if key {
		reason = "has a key that " + reason
	}
	s.failHere(reason)
}

// errMalformed is unquote's answer for an escape that is not JSON.
const errMalformed = "malformed"

// unquote decodes the escapes of raw, the bytes between a JSON string's
// quotes (already checked to be valid UTF-8). It returns the text and "",
// or a reason: errMalformed for an escape JSON does not have (encoding/json
// then says where), or an unpaired surrogate, which JSON's grammar allows
// but which names no character.
func unquote(raw []byte) ([]byte, string) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(raw) {
			return nil, errMalformed
		}
		switch raw[i] {
		case '"', '\\', '/':
			out = append(out, raw[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				return nil, errMalformed
			}
			i += 4
			if utf16.IsSurrogate(r) {
				var r2 rune = -1
				if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2, ok = hex4(raw[i+3:])
					if !ok {
						return nil, errMalformed
					}
				}
				pair := utf16.DecodeRune(r, r2)
				if pair == utf8.RuneError {
					return nil, `holds an unpaired UTF-16 surrogate (\u` + strconv.FormatInt(int64(r), 16) + `), which names no character`
				}
				r = pair
				i += 6
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, errMalformed
		}
	}
	return out, ""
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skip reads past one value of any type, checking keys only for repeats.
func (s *scanner) skip() {
	s.space()
	if s.pos >= len(s.data) {
		s.broken = true
		return
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		s.object(nil)
	case c == '[':
		s.array(nil)
	case c == '"':
		s.str(false)
	default:
		lit := s.literal()
		if s.strict && !validLiteral(lit) {
			s.broken = true
		}
	}
}

// literal reads a number or a literal: up to the next delimiter.
func (s *scanner) literal() []byte {
	start := s.pos
	for s.pos < len(s.data) && !strings.ContainsRune(",]} \t\n\r", rune(s.data[s.pos])) {
		s.pos++
	}
	return s.data[start:s.pos]
}

// validLiteral reports whether lit is true, false, null or a JSON number.
func validLiteral(lit []byte) bool {
	switch string(lit) {
	case "true", "false", "null":
		return true
	}
	return validNumber(lit)
}

// validNumber reports whether b is a number as JSON writes them:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		if j := digits(b, i+1); j > i+1 {
			i = j
		} else {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(b)
}

// digits returns the index past the decimal digits of b from i.
func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// failAt records a fault at key, a key of the current object.
func (s *scanner) failAt(key []byte, reason string) {
	b := s.pathHere()
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.Write(key)
	s.fault = &PathError{Path: b.String(), Reason: reason}
}

// failHere records a fault at the current path.
func (s *scanner) failHere(reason string) {
	b := s.pathHere()
	s.fault = &PathError{Path: b.String(), Reason: reason}
}

// pathHere writes the current path ("lines[2].sku").
func (s *scanner) pathHere() *strings.Builder {
	var b strings.Builder
	for _, st := range s.path {
		if st.index >= 0 {
			b.WriteString("[" + strconv.Itoa(st.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.Write(st.key)
	}
	return &b
}
