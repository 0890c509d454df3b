package jsonx

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

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
	mark := len(s.keys)
	defer func() { s.keys = s.keys[:mark] }()
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return
	}
	for !s.stopped() {
		s.space()
		key, ok := s.str()
		if !ok {
			return
		}
		if s.repeated(key, mark) {
			s.failAt(key, "repeats a key of the same object")
			return
		}
		s.keys = append(s.keys, key)
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
// after mark). Objects are small, so a scan beats a map here.
func (s *scanner) repeated(key []byte, mark int) bool {
	for _, k := range s.keys[mark:] {
		if bytes.Equal(k, key) {
			return true
		}
	}
	return false
}

// str reads a JSON string and returns its value: a view of data, or an
// unquoted copy when it has escapes.
func (s *scanner) str() ([]byte, bool) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		s.broken = true
		return nil, false
	}
	start := s.pos
	escaped := false
	for i := start + 1; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '\\':
			escaped = true
			i++
		case c == '"':
			s.pos = i + 1
			if !escaped {
				return s.data[start+1 : i], true
			}
			var v string
			if err := json.Unmarshal(s.data[start:i+1], &v); err != nil {
				s.broken = true
				return nil, false
			}
			return []byte(v), true
		case c < 0x20:
			s.broken = true
			return nil, false
		}
	}
	s.broken = true
	return nil, false
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
		s.str()
	default:
		// A number or a literal: read to the next delimiter.
		for s.pos < len(s.data) && !strings.ContainsRune(",]} \t\n\r", rune(s.data[s.pos])) {
			s.pos++
		}
	}
}

// failAt records a fault at key, a key of the current object.
func (s *scanner) failAt(key []byte, reason string) {
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
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.Write(key)
	s.fault = &PathError{Path: b.String(), Reason: reason}
}
