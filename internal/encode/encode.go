// Package encode turns Kubernetes API objects into the YAML that
// sigs.k8s.io/yaml would write for them, without its trip through
// encoding/json: it walks only the values that are set, learns each
// struct type's JSON fields when it first meets it (value.go), and writes
// the YAML as it goes (direct.go, emit.go). Tests hold it to encoding/json
// and to the YAML library on randomly filled objects of every kind
// kubenetgen renders.
package encode

import (
	"fmt"
	"reflect"

	goyaml "go.yaml.in/yaml/v2"
)

// YAML renders objects as YAML documents separated by "---". Fields that
// only the API server fills (creationTimestamp, status) are dropped so
// that the files hold only what the user owns and `kubectl diff` stays
// empty.
func YAML[T any](objs ...T) ([]byte, error) {
	// Most objects kubenetgen writes take one or two KiB: start there
	// rather than grow there.
	out := make([]byte, 0, 2048*len(objs))
	for i, obj := range objs {
		if i > 0 {
			out = append(out, "---\n"...)
		}
		// The bytes of sigs.k8s.io/yaml: its encoder and key order, by
		// direct where it can, else by the library itself (without
		// sigs.k8s.io/yaml's second parse of the JSON).
		start := len(out)
		var ok bool
		if out, ok = direct(out, reflect.ValueOf(obj)); ok {
			continue
		}
		x, err := toJSONValue(reflect.ValueOf(obj))
		if err != nil {
			return nil, err
		}
		m, ok := x.(map[string]any)
		if !ok && x != nil {
			return nil, fmt.Errorf("%T is not a JSON object", obj)
		}
		prune(m)
		y, err := goyaml.Marshal(m)
		if err != nil {
			return nil, err
		}
		out = append(out[:start], y...)
	}
	return out, nil
}

// Learn walks v as YAML would, for the struct types it learns on the way
// and nothing else: a command calls it early, on another core, so that a
// short run does not pay for first uses when it renders.
func Learn(v any) {
	_, _ = direct(nil, reflect.ValueOf(v))
}

// prune removes server-filled fields and the empty maps they leave behind.
func prune(m map[string]any) {
	delete(m, "status")
	for k, v := range m {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "creationTimestamp")
			prune(x)
			if len(x) == 0 && (k == "metadata" || k == "resources" || k == "strategy" || k == "spec") {
				delete(m, k)
			}
		case []any:
			for _, e := range x {
				if em, ok := e.(map[string]any); ok {
					prune(em)
				}
			}
		}
	}
}
