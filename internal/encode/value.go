package encode

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// toJSONValue returns what decoding json.Marshal(v) with UseNumber into
// an any would: map[string]any, []any, string, json.Number, bool or nil.
//
// encoding/json prepares an encoder for every type reachable from the
// type it marshals, on first use: a few hundred types for a Deployment,
// which dominated a short run. This walks only the values that are there,
// and learns the fields of a struct type when it first meets one. The
// rules are encoding/json's (field names, embedding, omitempty, omitzero,
// Marshaler and TextMarshaler, also through an addressable value's
// pointer); what it does not model (",string" fields, floats) it hands to
// encoding/json.
func toJSONValue(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	t := v.Type()
	ti := typeInfoOf(t)
	switch {
	case ti.addrMarshaler && v.CanAddr():
		return fromMarshaler(v.Addr())
	case ti.marshaler:
		if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && v.IsNil() {
			return nil, nil
		}
		return fromMarshaler(v)
	case ti.addrTextMarshaler && v.CanAddr():
		return fromTextMarshaler(v.Addr())
	case ti.textMarshaler:
		if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && v.IsNil() {
			return nil, nil
		}
		return fromTextMarshaler(v)
	}
	switch t.Kind() {
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return json.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.String:
		if t == numberType {
			return viaJSON(v)
		}
		return validString(v.String()), nil
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		return toJSONValue(v.Elem())
	case reflect.Struct:
		if ti.viaJSON {
			return viaJSON(v)
		}
		return structValue(v, ti.fields)
	case reflect.Map:
		return mapValue(v)
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if ti.bytes {
			return base64.StdEncoding.EncodeToString(v.Bytes()), nil
		}
		return listValue(v)
	case reflect.Array:
		return listValue(v)
	}
	return viaJSON(v)
}

// typeInfo is what toJSONValue needs to know of a type, learnt once.
type typeInfo struct {
	// Whether the type or its pointer is a json.Marshaler or an
	// encoding.TextMarshaler: encoding/json uses the pointer's method when
	// the value is addressable.
	marshaler, addrMarshaler, textMarshaler, addrTextMarshaler bool
	bytes                                                      bool        // a []byte, written in base64
	fields                                                     []jsonField // a struct's fields
	viaJSON                                                    bool        // a struct with a ",string" field
	// order lists the indices of fields in the order of the YAML
	// library's keys; tie says two names are apart but that order cannot
	// tell them apart (see sortKeys).
	order []int
	tie   bool
}

var typeInfos sync.Map // reflect.Type -> *typeInfo

func typeInfoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{}
	if t.NumMethod() > 0 {
		ti.marshaler = t.Implements(marshalerType)
		ti.textMarshaler = t.Implements(textMarshalerType)
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && t.Name() != "" || t.Kind() == reflect.Struct {
		// Only a named type or a struct with embedded fields has methods
		// on its pointer.
		if p := reflect.PointerTo(t); p.NumMethod() > 0 {
			ti.addrMarshaler = p.Implements(marshalerType)
			ti.addrTextMarshaler = !ti.addrMarshaler && !ti.marshaler && p.Implements(textMarshalerType)
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		ti.fields, ti.viaJSON = typeFields(t)
		ti.order = make([]int, len(ti.fields))
		for i := range ti.order {
			ti.order[i] = i
		}
		ti.tie = !sortKeys(ti.order, func(i int) string { return ti.fields[i].name })
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			p := reflect.PointerTo(t.Elem())
			ti.bytes = !p.Implements(marshalerType) && !p.Implements(textMarshalerType)
		}
	}
	typeInfos.Store(t, ti)
	return ti
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
	numberType        = reflect.TypeFor[json.Number]()
)

func listValue(v reflect.Value) (any, error) {
	out := make([]any, v.Len())
	for i := range out {
		e, err := toJSONValue(v.Index(i))
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func mapValue(v reflect.Value) (any, error) {
	if v.IsNil() {
		return nil, nil
	}
	if v.Type().Key().Kind() != reflect.String {
		// Keys that are numbers or TextMarshalers are rare; encoding/json
		// knows their rules.
		return viaJSON(v)
	}
	out := make(map[string]any, v.Len())
	it := v.MapRange()
	for it.Next() {
		k := it.Key().String()
		if !utf8.ValidString(k) {
			// Two keys may then read the same: encoding/json knows
			// which one is kept.
			return viaJSON(v)
		}
		e, err := toJSONValue(it.Value())
		if err != nil {
			return nil, err
		}
		out[k] = e
	}
	return out, nil
}

func structValue(v reflect.Value, fs []jsonField) (any, error) {
	// Find the fields to write first, so that the map is made at its size.
	var buf [64]reflect.Value
	vals := buf[:0]
	if len(fs) > len(buf) {
		vals = make([]reflect.Value, 0, len(fs))
	}
	var names [64]string
	keys := names[:0]
	if len(fs) > len(names) {
		keys = make([]string, 0, len(fs))
	}
	for i := range fs {
		f := &fs[i]
		fv, ok := f.in(v)
		if !ok {
			continue
		}
		vals = append(vals, fv)
		keys = append(keys, f.name)
	}
	out := make(map[string]any, len(vals))
	for i, fv := range vals {
		e, err := toJSONValue(fv)
		if err != nil {
			return nil, err
		}
		out[keys[i]] = e
	}
	return out, nil
}

// in returns the value of field f in struct v, and false when
// encoding/json leaves it out: it is behind a nil embedded pointer, or
// empty under omitempty, or zero under omitzero.
func (f *jsonField) in(v reflect.Value) (reflect.Value, bool) {
	for _, j := range f.index {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		}
		v = v.Field(j)
	}
	return v, !(f.omitEmpty && isEmptyValue(v) || f.omitZero && f.isZero(v))
}

// fromMarshaler decodes what a json.Marshaler writes.
func fromMarshaler(v reflect.Value) (any, error) {
	b, err := v.Interface().(json.Marshaler).MarshalJSON()
	if err != nil {
		return nil, &json.MarshalerError{Type: v.Type(), Err: err}
	}
	return decodeJSON(b)
}

func fromTextMarshaler(v reflect.Value) (any, error) {
	b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
	if err != nil {
		return nil, &json.MarshalerError{Type: v.Type(), Err: err}
	}
	return validString(string(b)), nil
}

// viaJSON marshals v with encoding/json and decodes the result. An
// addressable value goes by its address, so that encoding/json sees the
// same methods as it would in place.
func viaJSON(v reflect.Value) (any, error) {
	var x any
	if v.CanAddr() {
		x = v.Addr().Interface()
	} else {
		x = v.Interface()
	}
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	return decodeJSON(b)
}

func decodeJSON(b []byte) (any, error) {
	// Quantities, times and int-or-strings write a plain string or an
	// integer: read those without a decoder.
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && plain(b[1:n-1]) {
		return string(b[1 : n-1]), nil
	}
	if n := len(b); n > 0 && n < 16 && (b[0] >= '1' && b[0] <= '9' || n == 1 && b[0] == '0') && digits(b) {
		return json.Number(b), nil
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("json: invalid output of a MarshalJSON method: %.40q", b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	return x, nil
}

// plain reports whether b is the inside of a JSON string that has no
// escapes, and is valid UTF-8.
func plain(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.Valid(b)
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validString is s as it reads after a trip through JSON: each byte
// that is not valid UTF-8 becomes U+FFFD.
func validString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// How omitzero tells a zero value: by the type's IsZero method, called on
// an interface, a pointer, a value or a value's address, or else by the
// zero value of the type.
const (
	zeroValue = iota
	zeroIface
	zeroPtr
	zeroMethod
	zeroAddr
)

func zeroMode(t reflect.Type) int {
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return zeroIface
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return zeroPtr
	case t.Implements(isZeroerType):
		return zeroMethod
	case reflect.PointerTo(t).Implements(isZeroerType):
		return zeroAddr
	}
	return zeroValue
}

func (f *jsonField) isZero(v reflect.Value) bool {
	switch f.zero {
	case zeroIface:
		return v.IsNil() || (v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil()) ||
			v.Interface().(interface{ IsZero() bool }).IsZero()
	case zeroPtr:
		return v.IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero()
	case zeroMethod:
		return v.Interface().(interface{ IsZero() bool }).IsZero()
	case zeroAddr:
		if !v.CanAddr() {
			v2 := reflect.New(v.Type()).Elem()
			v2.Set(v)
			v = v2
		}
		return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
	}
	return v.IsZero()
}

type jsonField struct {
	name                string
	index               []int
	tagged              bool
	omitEmpty, omitZero bool
	zero                int // for omitZero
}

// typeFields lists the fields encoding/json writes for a struct type,
// with its rules for embedded structs: fields of embedded structs are
// promoted, and of several fields with one name the shallowest wins,
// a tagged one before an untagged one, and none if that leaves a tie.
// It reports a type with a ",string" field, which it does not model.
func typeFields(t reflect.Type) (fields []jsonField, quoted bool) {
	type queued struct {
		typ   reflect.Type
		index []int
	}
	var current []queued
	next := []queued{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	fields = make([]jsonField, 0, t.NumField())
	flat := true // no embedded struct: every field is at the top
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, q := range current {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := range q.typ.NumField() {
				sf := q.typ.Field(i)
				if sf.Anonymous {
					st := sf.Type
					if st.Kind() == reflect.Pointer {
						st = st.Elem()
					}
					if !sf.IsExported() && st.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !isValidTag(name) {
					name = ""
				}
				index := append(slices.Clip(q.index), i)
				ft := sf.Type
				if ft.Kind() == reflect.Pointer && ft.Name() == "" {
					ft = ft.Elem()
				}
				if hasOpt(opts, "string") {
					switch ft.Kind() {
					case reflect.Bool,
						reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64, reflect.String:
						return nil, true
					}
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := jsonField{
						name:      name,
						index:     index,
						tagged:    name != "",
						omitEmpty: hasOpt(opts, "omitempty"),
						omitZero:  hasOpt(opts, "omitzero"),
					}
					if f.omitZero {
						f.zero = zeroMode(sf.Type)
					}
					if name == "" {
						f.name = sf.Name
					}
					fields = append(fields, f)
					if count[q.typ] > 1 {
						// Two embeddings of one type at one depth: the
						// duplicate cancels the field below.
						fields = append(fields, f)
					}
					continue
				}
				flat = false
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, queued{typ: ft, index: index})
				}
			}
		}
	}
	if flat && !duplicateNames(fields) {
		return fields, false
	}
	slices.SortFunc(fields, func(a, b jsonField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := make([]jsonField, 0, len(fields))
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i = j
	}
	return out, false
}

func duplicateNames(fs []jsonField) bool {
	for i := range fs {
		for j := range i {
			if fs[i].name == fs[j].name {
				return true
			}
		}
	}
	return false
}

func hasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
