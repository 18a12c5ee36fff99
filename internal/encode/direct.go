package encode

import (
	"encoding/base64"
	"math"
	"reflect"
	"strconv"
)

// place is where a mapping stands, for what prune does to it: a mapping
// that is a value in a pruned mapping (child) loses "creationTimestamp"
// and "status"; the document and a mapping in a list that is a value in a
// pruned mapping (item) lose "status"; any other (loose) keeps all.
type place uint8

const (
	loose place = iota
	item
	child
)

// direct appends the document YAML writes for obj — toJSONValue, prune,
// then the library's encoder — by walking obj once, without building the
// maps between: the fields of each struct type in the library's key order
// (learnt with the type), map keys sorted as the library sorts them, and
// the scalars as emit writes them. A value of a type that writes itself
// (a json.Marshaler or TextMarshaler, such as a quantity, a time or an
// int-or-string) goes through toJSONValue, prune and emit. It reports
// false where emit would (a string whose representation depends on its
// place), and for any value it does not model; the caller then takes the
// long way, which also reports any error.
func direct(buf []byte, obj reflect.Value) ([]byte, bool) {
	for obj.Kind() == reflect.Pointer || obj.Kind() == reflect.Interface {
		if obj.IsNil() {
			return buf, false
		}
		obj = obj.Elem()
	}
	if obj.Kind() != reflect.Struct || special(obj) {
		return buf, false
	}
	mark := len(buf)
	buf, n, ok := structEntries(buf, obj, 0, false, item)
	if ok && n == 0 {
		buf = append(buf[:mark], "{}\n"...)
	}
	return buf, ok
}

// special reports whether toJSONValue treats v otherwise than by its kind:
// a type with a JSON or text marshaling method, a json.Number, a struct
// with a ",string" field, a map whose keys are not strings, or a kind
// JSON has no plain form for.
func special(v reflect.Value) bool {
	t := v.Type()
	ti := typeInfoOf(t)
	if ti.marshaler || ti.textMarshaler || (ti.addrMarshaler || ti.addrTextMarshaler) && v.CanAddr() {
		return true
	}
	switch t.Kind() {
	case reflect.String:
		return t == numberType
	case reflect.Struct:
		return ti.viaJSON || ti.tie
	case reflect.Map:
		return t.Key().Kind() != reflect.String
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Interface, reflect.Pointer, reflect.Slice, reflect.Array:
		return false
	}
	return true
}

// value writes v after a key (seq false: " x", " {}", " []" or a block on
// the next lines) or after a sequence's "- " (seq true), the key or dash
// standing at indent. It reports whether v was written as an empty
// mapping, which prune drops under some keys.
func value(buf []byte, v reflect.Value, indent int, seq bool, p place) (_ []byte, empty, ok bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if special(v) {
			return generic(buf, v, indent, seq, p)
		}
		if v.IsNil() {
			return scalarLine(buf, "null", seq), false, true
		}
		v = v.Elem()
	}
	if special(v) {
		return generic(buf, v, indent, seq, p)
	}
	// A block mapping goes two columns in from its key or dash; a block
	// sequence stays at its key's column, or goes two in from a dash.
	mapIndent, seqIndent := indent+2, indent
	if seq {
		seqIndent = indent + 2
	}
	switch v.Kind() {
	case reflect.Struct, reflect.Map:
		if v.Kind() == reflect.Map && v.IsNil() {
			return scalarLine(buf, "null", seq), false, true
		}
		mark := len(buf)
		if !seq {
			buf = append(buf, '\n')
		}
		var n int
		if v.Kind() == reflect.Struct {
			buf, n, ok = structEntries(buf, v, mapIndent, seq, p)
		} else {
			buf, n, ok = mapEntries(buf, v, mapIndent, seq, p)
		}
		if ok && n == 0 {
			return scalarLine(buf[:mark], "{}", seq), true, true
		}
		return buf, false, ok
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return scalarLine(buf, "null", seq), false, true
		}
		if typeInfoOf(v.Type()).bytes {
			r, ok := scalar(base64.StdEncoding.EncodeToString(v.Bytes()), false)
			return scalarLine(buf, r, seq), false, ok
		}
		if v.Len() == 0 {
			return scalarLine(buf, "[]", seq), false, true
		}
		if !seq {
			buf = append(buf, '\n')
		}
		ep := loose
		if p == child {
			ep = item
		}
		for i := range v.Len() {
			if i > 0 || !seq {
				buf = appendIndent(buf, seqIndent)
			}
			buf = append(buf, "- "...)
			if buf, _, ok = value(buf, v.Index(i), seqIndent, true, ep); !ok {
				return buf, false, false
			}
		}
		return buf, false, true
	case reflect.String:
		r, ok := scalar(v.String(), false)
		return scalarLine(buf, r, seq), false, ok
	case reflect.Bool:
		return scalarLine(buf, strconv.FormatBool(v.Bool()), seq), false, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalarLine(buf, strconv.FormatInt(v.Int(), 10), seq), false, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		// The library writes a number past int64 as a float.
		return scalarLine(buf, strconv.FormatUint(v.Uint(), 10), seq), false, v.Uint() <= math.MaxInt64
	}
	return buf, false, false
}

// scalarLine writes r and the line's end, after a key (with a space) or a
// dash.
func scalarLine(buf []byte, r string, seq bool) []byte {
	if !seq {
		buf = append(buf, ' ')
	}
	buf = append(buf, r...)
	return append(buf, '\n')
}

// generic writes a value of a type that writes itself by its JSON value,
// pruned as prune would at p.
func generic(buf []byte, v reflect.Value, indent int, seq bool, p place) (_ []byte, empty, ok bool) {
	x, err := toJSONValue(v)
	if err != nil {
		return buf, false, false
	}
	switch x := x.(type) {
	case map[string]any:
		if p == child {
			delete(x, "creationTimestamp")
		}
		if p != loose {
			prune(x)
		}
		if len(x) == 0 {
			return scalarLine(buf, "{}", seq), true, true
		}
		if !seq {
			buf = append(buf, '\n')
		}
		buf, ok = emitMapping(buf, x, indent+2, seq)
		return buf, false, ok
	case []any:
		if p == child {
			for _, e := range x {
				if em, ok := e.(map[string]any); ok {
					prune(em)
				}
			}
		}
		if len(x) == 0 {
			return scalarLine(buf, "[]", seq), false, true
		}
		if seq {
			buf, ok = emitSequence(buf, x, indent+2, true)
		} else {
			buf, ok = emitSequence(append(buf, '\n'), x, indent, false)
		}
		return buf, false, ok
	}
	if !seq {
		buf = append(buf, ' ')
	}
	buf, ok = emitScalar(buf, x)
	return buf, false, ok
}

// structEntries writes the fields of struct v that encoding/json writes,
// as the entries of a block mapping at indent (the first on the current
// line when inline), and returns how many it wrote.
func structEntries(buf []byte, v reflect.Value, indent int, inline bool, p place) (_ []byte, n int, ok bool) {
	ti := typeInfoOf(v.Type())
	for _, i := range ti.order {
		f := &ti.fields[i]
		fv, ok := f.in(v)
		if !ok {
			continue
		}
		if buf, n, ok = entry(buf, f.name, fv, indent, inline, n, p); !ok {
			return buf, n, false
		}
	}
	return buf, n, true
}

// mapEntries is structEntries for a map with string keys, in the
// library's order of keys.
func mapEntries(buf []byte, v reflect.Value, indent int, inline bool, p place) (_ []byte, n int, ok bool) {
	type kv struct {
		k string
		v reflect.Value
	}
	var arr [8]kv
	es := arr[:0]
	it := v.MapRange()
	for it.Next() {
		es = append(es, kv{it.Key().String(), it.Value()})
	}
	if !sortKeys(es, func(e kv) string { return e.k }) {
		return buf, 0, false
	}
	for _, e := range es {
		if buf, n, ok = entry(buf, e.k, e.v, indent, inline, n, p); !ok {
			return buf, n, false
		}
	}
	return buf, n, true
}

// entry writes key and v as the entry of a block mapping at p that n
// entries precede, unless prune drops it, and returns the new count.
func entry(buf []byte, key string, v reflect.Value, indent int, inline bool, n int, p place) (_ []byte, _ int, ok bool) {
	if p != loose && (key == "status" || p == child && key == "creationTimestamp") {
		return buf, n, true
	}
	mark := len(buf)
	if n > 0 || !inline {
		buf = appendIndent(buf, indent)
	}
	r, ok := scalar(key, true)
	if !ok {
		return buf, n, false
	}
	buf = append(buf, r...)
	buf = append(buf, ':')
	cp := loose
	if p != loose {
		cp = child
	}
	buf, empty, ok := value(buf, v, indent, false, cp)
	if !ok {
		return buf, n, false
	}
	if empty && p != loose && prunedWhenEmpty(key) {
		return buf[:mark], n, true
	}
	return buf, n + 1, true
}

// prunedWhenEmpty are the keys whose empty mapping prune removes.
func prunedWhenEmpty(k string) bool {
	return k == "metadata" || k == "resources" || k == "strategy" || k == "spec"
}
