package jsonx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// unknownFieldPath walks data against the Go type t and returns the JSON
// path of the first object key that names no field, as "lines[2].price".
// encoding/json reports only the key, which is not enough to find it in a
// large config. It returns "" when it finds none.
func unknownFieldPath(data []byte, t reflect.Type) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	path, _ := walk(dec, t, "")
	return path
}

// walk reads one JSON value of type t. It returns the path of an unknown
// field inside it, or "" and whether the walk may go on.
func walk(dec *json.Decoder, t reflect.Type, path string) (string, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || decodesItself(t) {
		return "", skip(dec)
	}
	tok, err := dec.Token()
	if err != nil {
		return "", false
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, t, path)
	case json.Delim('['):
		return walkArray(dec, t, path)
	}
	return "", true
}

func walkObject(dec *json.Decoder, t reflect.Type, path string) (string, bool) {
	var fields map[string]reflect.Type
	if t.Kind() == reflect.Struct {
		fields = fieldsOf(t)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := tok.(string)
		var child reflect.Type
		switch t.Kind() {
		case reflect.Struct:
			ft, ok := fields[strings.ToLower(key)]
			if !ok {
				return join(path, key), false
			}
			child = ft
		case reflect.Map:
			child = t.Elem()
		}
		if found, ok := walk(dec, child, join(path, key)); found != "" || !ok {
			return found, ok
		}
	}
	_, err := dec.Token() // '}'
	return "", err == nil
}

func walkArray(dec *json.Decoder, t reflect.Type, path string) (string, bool) {
	var elem reflect.Type
	if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		elem = t.Elem()
	}
	for i := 0; dec.More(); i++ {
		if found, ok := walk(dec, elem, path+"["+strconv.Itoa(i)+"]"); found != "" || !ok {
			return found, ok
		}
	}
	_, err := dec.Token() // ']'
	return "", err == nil
}

// decodesItself reports whether *t has its own UnmarshalJSON or
// UnmarshalText, whose errors name their own fields.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(reflect.TypeFor[json.Unmarshaler]()) || p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// skip consumes one JSON value.
func skip(dec *json.Decoder) bool {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return true
		}
	}
}

// fieldsOf maps the lower-cased JSON names of t's fields, embedded structs'
// fields included, to their types: encoding/json matches keys to names
// case-insensitively.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type)
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" && tag == "-" {
			continue
		}
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range fieldsOf(ft) {
					if _, taken := fields[k]; !taken {
						fields[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[strings.ToLower(name)] = ft
	}
	return fields
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
