package jsonx

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// typeInfo is what the strict checks need to know of a Go type.
type typeInfo struct {
	// self: *T has its own UnmarshalJSON or UnmarshalText.
	self bool
	// fields maps a struct's JSON names (embedded structs' included) to
	// their types; empty for other kinds.
	fields map[string]reflect.Type
}

// typeInfos caches typeInfo per type, as encoding/json caches its own field
// lists: entries are computed from the type alone and never change, so the
// cache holds no state a caller can observe.
var typeInfos sync.Map // reflect.Type → *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if v, ok := typeInfos.Load(t); ok {
		return v.(*typeInfo)
	}
	p := reflect.PointerTo(t)
	info := &typeInfo{
		self:   p.Implements(reflect.TypeFor[json.Unmarshaler]()) || p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()),
		fields: structFields(t),
	}
	v, _ := typeInfos.LoadOrStore(t, info)
	return v.(*typeInfo)
}

func structFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type)
	if t.Kind() != reflect.Struct {
		return fields
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			if ft := deref(f.Type); ft.Kind() == reflect.Struct {
				for k, v := range structFields(ft) {
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
		fields[name] = f.Type
	}
	return fields
}
