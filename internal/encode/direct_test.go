package encode

import (
	"math"
	"math/rand"
	"reflect"
	"testing"

	goyaml "go.yaml.in/yaml/v2"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/randfill"
)

// longWay is what direct stands for: toJSONValue, prune, the library.
func longWay(t *testing.T, obj any) (string, bool) {
	t.Helper()
	x, err := toJSONValue(reflect.ValueOf(obj))
	if err != nil {
		return "", false
	}
	m, _ := x.(map[string]any)
	prune(m)
	y, err := goyaml.Marshal(m)
	if err != nil {
		t.Fatalf("library: %v", err)
	}
	return string(y), true
}

// sameAsLongWay fails when direct writes obj, but not as the long way
// does, and reports whether direct wrote it.
func sameAsLongWay(t *testing.T, obj any) bool {
	t.Helper()
	got, ok := direct([]byte("prefix"), reflect.ValueOf(obj))
	if !ok {
		return false
	}
	want, ok := longWay(t, obj)
	if !ok {
		t.Fatalf("direct wrote %T, which toJSONValue refuses", obj)
	}
	if string(got) != "prefix"+want {
		t.Fatalf("direct of %T:\n%s\nthe long way:\n%s", obj, got[len("prefix"):], want)
	}
	return true
}

// restring sets every string reachable in v (keys of maps included) to
// one of pick's, and every empty map to nil now and then.
func restringObject(v reflect.Value, pick func() string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			restringObject(v.Elem(), pick)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				restringObject(v.Field(i), pick)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			restringObject(v.Index(i), pick)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		out := reflect.MakeMap(v.Type())
		it := v.MapRange()
		for it.Next() {
			k := reflect.New(v.Type().Key()).Elem()
			k.Set(it.Key())
			restringObject(k, pick)
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			restringObject(e, pick)
			out.SetMapIndex(k, e)
		}
		if v.CanSet() {
			v.Set(out)
		}
	case reflect.String:
		if v.CanSet() && v.Type() != numberType {
			v.SetString(pick())
		}
	}
}

// TestDirectAsTheLongWay holds direct to toJSONValue, prune and the
// library on randomly filled objects of every kind kubenetgen writes
// (their strings drawn mostly from easyStrings, a hard one now and then),
// by pointer and by value, and on the encoder's edge cases.
func TestDirectAsTheLongWay(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	pick := func() string {
		if r.Intn(800) == 0 {
			return hardStrings[r.Intn(len(hardStrings))]
		}
		return easyStrings[r.Intn(len(easyStrings))]
	}
	f := randfill.New().NilChance(0.3).NumElements(0, 3).MaxDepth(12).RandSource(rand.NewSource(5)).
		Funcs(func(q *resource.Quantity, c randfill.Continue) {
			*q = resource.MustParse([]string{"100m", "64Mi", "1", "1.5Gi", "0"}[c.Intn(5)])
		}, func(x *metav1.ManagedFieldsEntry, c randfill.Continue) {}, func(x *any, c randfill.Continue) {
			switch c.Intn(4) {
			case 0:
				*x = "svc"
			case 1:
				*x = map[string]any{"creationTimestamp": "x", "status": map[string]any{}, "spec": map[string]any{"status": 1}}
			case 2:
				*x = []any{true, int64(c.Int31()), map[string]any{"metadata": map[string]any{}}}
			}
		})
	written, total := 0, 0
	for _, newObj := range renderedKinds {
		for range 60 {
			obj := newObj()
			f.Fill(obj)
			restringObject(reflect.ValueOf(obj), pick)
			for _, o := range []any{obj, reflect.ValueOf(obj).Elem().Interface()} {
				total++
				if sameAsLongWay(t, o) {
					written++
				}
			}
		}
	}
	if written < total/2 {
		t.Errorf("direct wrote %d of %d objects, want at least half", written, total)
	}
	t.Logf("direct wrote %d of %d objects", written, total)
	v := directEdges{
		edgeCases: edgeCases{
			Inner: Inner{X: 1, Y: "y"}, Other: &Other{X: 2, Z: 3}, Tagged: Inner{X: 4},
			B: []byte("hi"), Arr: [2]int8{-1, 2}, U: 9, Iface: map[string]any{"a": []any{1, "b"}, "status": 1},
			PM: ptrMarshaler{6}, PMs: []ptrMarshaler{{7}}, PT: ptrText{"s"}, MapPM: map[string]ptrMarshaler{"m": {8}},
			IntKeys: map[int]string{-3: "x"}, TextKeys: map[textKey]int{"a": 1}, Num: "12", Raw: []byte(`{"r": [1, 2]}`),
			Z: zeroer{7}, Z2: zeroer{1}, Escape: "<&>",
		},
		Status: "gone", Spec: &directEdges{Status: "gone too"},
		Metadata: map[string]any{"creationTimestamp": nil}, Resources: struct{}{}, Items: []directEdges{{Metadata: map[string]any{}, Created: "kept"}},
		Matrix: [][]directEdges{{{Created: "kept", Status: "kept"}, {}}, {}}, Created: "kept-at-the-top",
	}
	// The library writes a number past int64, and a fraction, as floats.
	for _, big := range []func(){func() { v.Big = math.MaxUint64 }, func() { v.Big, v.F = 0, 2.5 }} {
		big()
		if sameAsLongWay(t, v) {
			t.Errorf("direct wrote %+v", v)
		}
	}
	v.F = 2
	for _, o := range []any{v, &v, directEdges{}, struct{ Deep []map[string]*directEdges }{[]map[string]*directEdges{{"k": &v}}}} {
		if !sameAsLongWay(t, o) {
			t.Errorf("direct did not write %T", o)
		}
		sameAsLongWay(t, o)
	}
}

// directEdges are edgeCases with keys that prune drops, in every place.
type directEdges struct {
	edgeCases
	Status    string          `json:"status,omitempty"`
	Spec      *directEdges    `json:"spec,omitempty"`
	Metadata  map[string]any  `json:"metadata"`
	Resources struct{}        `json:"resources"`
	Strategy  *struct{}       `json:"strategy"`
	Items     []directEdges   `json:"items,omitempty"`
	Created   string          `json:"creationTimestamp,omitempty"`
	Matrix    [][]directEdges `json:"matrix,omitempty"`
}
