package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	goyaml "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"
)

// Load decodes a kubenetgen.yaml strictly: every unknown or misspelt field
// is a Problem naming its path (and the field it probably meant), and a
// value of the wrong type names its field and the type wanted. It applies
// no defaults.
func Load(data []byte) (*App, error) {
	// One YAML parse; the checks and the decode then read JSON, which is
	// far cheaper. Strict: a key given twice is an error.
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, Problems{{Field: "(document)", Message: cleanYAMLError(err)}}
	}
	var raw any
	if err := json.Unmarshal(j, &raw); err != nil {
		return nil, Problems{{Field: "(document)", Message: cleanYAMLError(err)}}
	}
	if raw == nil {
		return nil, Problems{{Field: "(document)", Message: "is empty: want a kubenetgen.yaml with apiVersion " + APIVersion + ", kind " + Kind + ", name and tiers"}}
	}
	if _, ok := raw.(map[string]any); !ok {
		return nil, Problems{{Field: "(document)", Message: fmt.Sprintf("is %s: want a mapping with apiVersion, kind, name and tiers", kindOf(raw))}}
	}
	var ps Problems
	unknownFields(reflect.TypeFor[App](), raw, "", &ps)
	if len(ps) > 0 {
		return nil, ps
	}
	var a App
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return nil, Problems{decodeProblem(err)}
	}
	return &a, nil
}

// Marshal encodes an App as kubenetgen.yaml with fields in declaration
// order (apiVersion, kind, name, namespace, tiers…), as a person writes it,
// rather than sorted.
func Marshal(a *App) ([]byte, error) {
	j, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	v, err := ordered(dec)
	if err != nil {
		return nil, err
	}
	return goyaml.Marshal(v)
}

// ordered reads one JSON value, keeping the order of object keys in a
// MapSlice, which the YAML encoder writes in that order.
func ordered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		var m goyaml.MapSlice
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := ordered(dec)
			if err != nil {
				return nil, err
			}
			m = append(m, goyaml.MapItem{Key: k, Value: v})
		}
		_, err := dec.Token() // }
		return m, err
	case json.Delim('['):
		l := []any{}
		for dec.More() {
			v, err := ordered(dec)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := dec.Token() // ]
		return l, err
	}
	return tok, nil
}

// unknownFields walks the decoded document beside the Go type and records
// every key the type does not have, with its full path.
func unknownFields(t reflect.Type, v any, path string, ps *Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[Quantity]() {
		switch v.(type) {
		case string, float64:
		default:
			*ps = append(*ps, Problem{Field: path, Message: fmt.Sprintf("%s is %s, want a quantity such as 250m or 256Mi", show(v), kindOf(v))})
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			if _, isString := v.(string); isString && t == reflect.TypeFor[Expose]() {
				return // the short form, expose: NodePort
			}
			want := "a mapping"
			if t == reflect.TypeFor[Expose]() {
				want = "a mapping or one of " + strings.Join(Exposures, ", ")
			}
			*ps = append(*ps, Problem{Field: path, Message: fmt.Sprintf("%s is %s, want %s", show(v), kindOf(v), want)})
			return
		}
		fields := jsonFields(t)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f, ok := fields[k]
			p := joinPath(path, k)
			if !ok {
				msg := "is not a known field"
				if s := closest(k, fields); s != "" {
					msg += fmt.Sprintf(": did you mean %q?", s)
				} else {
					msg += ": allowed are " + strings.Join(slices.Sorted(maps.Keys(fields)), ", ")
				}
				*ps = append(*ps, Problem{Field: p, Message: msg})
				continue
			}
			unknownFields(f.Type, m[k], p, ps)
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		f, ok := v.(float64)
		switch {
		case !ok || f != math.Trunc(f):
			*ps = append(*ps, Problem{Field: path, Message: fmt.Sprintf("%s is %s, want a whole number", show(v), kindOf(v))})
		case t.Kind() == reflect.Int32 && (f < math.MinInt32 || f > math.MaxInt32):
			*ps = append(*ps, Problem{Field: path, Message: fmt.Sprintf("%s is too large: want a whole number up to %d", show(v), math.MaxInt32)})
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			*ps = append(*ps, Problem{Field: path, Message: fmt.Sprintf("%s is %s, want true or false", show(v), kindOf(v))})
		}
	case reflect.String:
		if _, ok := v.(string); !ok && v != nil {
			*ps = append(*ps, Problem{Field: path, Message: fmt.Sprintf("%s is %s, want a string (quote it)", show(v), kindOf(v))})
		}
	case reflect.Slice:
		if _, ok := v.([]any); !ok && v != nil {
			*ps = append(*ps, Problem{Field: path, Message: fmt.Sprintf("%s is %s, want a list", show(v), kindOf(v))})
		}
		if l, ok := v.([]any); ok {
			for i, e := range l {
				unknownFields(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i), ps)
			}
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				unknownFields(t.Elem(), m[k], path+"["+k+"]", ps)
			}
		} else if v != nil {
			*ps = append(*ps, Problem{Field: path, Message: fmt.Sprintf("%s is %s, want a mapping", show(v), kindOf(v))})
		}
	}
}

func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f
	}
	return out
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// closest returns the known field nearest to k when it is plausibly a typo.
func closest[V any](k string, known map[string]V) string {
	best, bestD := "", 3
	for _, cand := range slices.Sorted(maps.Keys(known)) {
		if strings.EqualFold(cand, k) {
			return cand
		}
		if d := editDistance(strings.ToLower(k), strings.ToLower(cand)); d < bestD {
			best, bestD = cand, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func kindOf(v any) string {
	switch x := v.(type) {
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		if x != float64(int64(x)) {
			return "a fraction"
		}
		return "a number"
	case nil:
		return "empty"
	}
	return fmt.Sprintf("%T", v)
}

// show renders a scalar value for a message, and names a collection.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []any, map[string]any, nil:
		return "the value"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// decodeProblem turns a strict-decode error into a Problem with a field path.
func decodeProblem(err error) Problem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		f := te.Field
		if f == "" {
			f = "(document)"
		}
		return Problem{Field: f, Message: fmt.Sprintf("is a %s, want %s", jsonKind(te.Value), goKind(te.Type))}
	}
	return Problem{Field: "(document)", Message: cleanYAMLError(err)}
}

func jsonKind(v string) string {
	switch v {
	case "array":
		return "list"
	case "object":
		return "mapping"
	}
	return v
}

func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint16:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}

// cleanYAMLError drops the decoder's wrapping so the message reads as one
// sentence about the document.
func cleanYAMLError(err error) string {
	s := err.Error()
	for _, p := range []string{"error converting YAML to JSON: ", "error unmarshaling JSON: ", "while decoding JSON: ", "json: ", "yaml: unmarshal errors:\n  "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return strings.ReplaceAll(s, "\n  ", "; ")
}
