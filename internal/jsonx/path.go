package jsonx

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// walker reads JSON tokens in step with a Go type, on the error path only
// (to find the value that refused itself).
type walker struct {
	dec *json.Decoder
	// broken is set on malformed JSON: the decoder proper reports it.
	broken bool
}

func (w *walker) token() (json.Token, bool) {
	tok, err := w.dec.Token()
	if err != nil {
		w.broken = true
		return nil, false
	}
	return tok, true
}

// skip consumes one JSON value.
func (w *walker) skip() {
	depth := 0
	for {
		tok, ok := w.token()
		if !ok {
			return
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return
		}
	}
}

// pathAt returns the JSON path of the value that ends at byte offset of
// data, with indices; fallback is used when the walk cannot tell.
func pathAt(data []byte, offset int64, fallback string) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []string // path parts: keys and [i]
	type frame struct {
		array bool
		index int
	}
	var frames []frame
	path := func() string {
		var b strings.Builder
		for _, p := range stack {
			if b.Len() > 0 && !strings.HasPrefix(p, "[") {
				b.WriteByte('.')
			}
			b.WriteString(p)
		}
		return b.String()
	}
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return fallback
		}
		if dec.InputOffset() >= offset {
			return path()
		}
		switch tok {
		case json.Delim('{'):
			frames = append(frames, frame{})
			expectKey = true
			continue
		case json.Delim('['):
			frames = append(frames, frame{array: true})
			stack = append(stack, "[0]")
			continue
		case json.Delim('}'), json.Delim(']'):
			if frames[len(frames)-1].array {
				stack = stack[:len(stack)-1] // the closed array's "[i]"
			}
			frames = frames[:len(frames)-1]
		default:
			if expectKey {
				stack = append(stack, tok.(string))
				expectKey = false
				continue
			}
		}
		// A value ended: step to the next key or index.
		if len(frames) == 0 {
			return fallback
		}
		top := &frames[len(frames)-1]
		if top.array {
			top.index++
			stack[len(stack)-1] = "[" + strconv.Itoa(top.index) + "]"
		} else {
			stack = stack[:len(stack)-1]
			expectKey = true
		}
	}
}

// locateValueError walks data against t and decodes each value whose type
// decodes itself on its own; it returns the first that refuses, with its path.
func locateValueError(data []byte, t reflect.Type) *ValueError {
	w := walker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	return w.values(t, "")
}

func (w *walker) values(t reflect.Type, path string) *ValueError {
	t = deref(t)
	if t != nil && decodesItself(t) {
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			w.broken = true
			return nil
		}
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			return &ValueError{Path: path, Err: err}
		}
		return nil
	}
	if t == nil {
		w.skip()
		return nil
	}
	tok, ok := w.token()
	if !ok {
		return nil
	}
	switch tok {
	case json.Delim('{'):
		fields := fieldsOf(t)
		for w.dec.More() && !w.broken {
			kt, ok := w.token()
			if !ok {
				return nil
			}
			key, _ := kt.(string)
			child := fields[key]
			if t.Kind() == reflect.Map {
				child = t.Elem()
			}
			if ve := w.values(child, join(path, key)); ve != nil {
				return ve
			}
		}
		w.token()
	case json.Delim('['):
		var elem reflect.Type
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			elem = t.Elem()
		}
		for i := 0; w.dec.More() && !w.broken; i++ {
			if ve := w.values(elem, path+"["+strconv.Itoa(i)+"]"); ve != nil {
				return ve
			}
		}
		w.token()
	}
	return nil
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// decodesItself reports whether *t has its own UnmarshalJSON or
// UnmarshalText, which check their own input.
func decodesItself(t reflect.Type) bool { return infoOf(t).self }

// fieldsOf maps the JSON names of t's fields, embedded structs' fields
// included, to their types. A non-struct type has no fields.
func fieldsOf(t reflect.Type) map[string]reflect.Type { return infoOf(t).fields }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
