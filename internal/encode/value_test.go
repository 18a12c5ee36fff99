package encode

//lint:file-ignore SA5008 edgeCases holds tags encoding/json reads oddly (`-,` names a field "-"), which the encoder must follow too

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	ktypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/randfill"
)

// viaEncodingJSON is what toJSONValue stands for: a trip through
// encoding/json.
func viaEncodingJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	err = dec.Decode(&x)
	return x, err
}

func sameAsEncodingJSON(t *testing.T, v any) {
	t.Helper()
	want, wantErr := viaEncodingJSON(v)
	got, gotErr := toJSONValue(reflect.ValueOf(v))
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("%T: error %v, encoding/json: %v", v, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%T: got\n%#v\nencoding/json:\n%#v", v, got, want)
	}
}

// TestToJSONValueRandom compares toJSONValue with encoding/json on
// randomly filled objects of the kinds kubenetgen renders, by pointer and
// by value (which changes which MarshalJSON methods apply).
func TestToJSONValueRandom(t *testing.T) {
	f := randfill.New().NilChance(0.3).NumElements(0, 2).MaxDepth(12).RandSource(rand.NewSource(1)).
		Funcs(func(x *intstr.IntOrString, c randfill.Continue) {
			if c.Bool() {
				*x = intstr.FromInt32(c.Int31())
			} else {
				*x = intstr.FromString(c.String(8))
			}
		}, func(x *any, c randfill.Continue) {
			switch c.Intn(4) {
			case 0:
				*x = c.String(4)
			case 1:
				*x = map[string]any{c.String(3): c.Float64(), "n": nil}
			case 2:
				*x = []any{c.Bool(), int64(c.Int31())}
			}
		}, func(x *metav1.FieldsV1, c randfill.Continue) {
			if c.Bool() {
				//lint:ignore SA1019 the encoder must write the field as encoding/json does, deprecated or not
				x.Raw = []byte(`{"f:x":{}}`)
			}
		})
	for _, newObj := range renderedKinds {
		for range 40 {
			obj := newObj()
			f.Fill(obj)
			sameAsEncodingJSON(t, obj)
			sameAsEncodingJSON(t, reflect.ValueOf(obj).Elem().Interface())
		}
	}
}

// renderedKinds make an empty object of each kind kubenetgen renders.
var renderedKinds = []func() any{
	func() any { return &appsv1.Deployment{} },
	func() any { return &corev1.Service{} },
	func() any { return &corev1.ServiceAccount{} },
	func() any { return &corev1.Namespace{} },
	func() any { return &networkingv1.NetworkPolicy{} },
	func() any { return &networkingv1.Ingress{} },
	func() any { return &policyv1.PodDisruptionBudget{} },
	func() any { return &gwv1.Gateway{} },
	func() any { return &gwv1.HTTPRoute{} },
	func() any { return &gwv1.GRPCRoute{} },
	func() any { return &ktypes.Kustomization{} },
}

type textKey string

func (k textKey) MarshalText() ([]byte, error) { return []byte("k-" + k), nil }

type ptrMarshaler struct{ N int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{"n":%d}`, p.N)), nil
}

type ptrText struct{ S string }

func (p *ptrText) MarshalText() ([]byte, error) { return []byte("t:" + p.S), nil }

type zeroer struct{ A int }

func (z zeroer) IsZero() bool { return z.A == 7 }

type Inner struct {
	X int    `json:"x"`
	Y string `json:"y,omitempty"`
}

type Other struct {
	X int `json:"x"`
	Z int
}

type edgeCases struct {
	Inner
	*Other
	Tagged   Inner          `json:"tagged"`
	Skip     int            `json:"-"`
	Dash     int            `json:"-,"`
	F        float64        `json:"f"`
	B        []byte         `json:"b"`
	NilB     []byte         `json:"nilB"`
	Arr      [2]int8        `json:"arr"`
	U        uint16         `json:"u"`
	Big      uint64         `json:"big"`
	Iface    any            `json:"iface"`
	PM       ptrMarshaler   `json:"pm"`
	PMs      []ptrMarshaler `json:"pms"`
	PT       ptrText        `json:"pt"`
	MapPM    map[string]ptrMarshaler
	IntKeys  map[int]string    `json:"intKeys"`
	TextKeys map[textKey]int   `json:"textKeys"`
	Bad      string            `json:"bad"`
	BadKeys  map[string]int    `json:"badKeys"`
	Num      json.Number       `json:"num"`
	Raw      json.RawMessage   `json:"raw"`
	Z        zeroer            `json:"z,omitzero"`
	Z2       zeroer            `json:"z2,omitzero"`
	EmptyS   []int             `json:"emptyS,omitempty"`
	EmptyM   map[string]string `json:"emptyM,omitempty"`
	ZeroStr  struct{ A int }   `json:"zeroStr,omitzero"`
	Escape   string            `json:"<&>"`
}

func TestToJSONValueEdgeCases(t *testing.T) {
	v := edgeCases{
		Inner: Inner{X: 1, Y: "y"}, Other: &Other{X: 2, Z: 3}, Tagged: Inner{X: 4},
		F: 1.5e21, Big: 1 << 63, B: []byte("hi"), Arr: [2]int8{-1, 2}, U: 9, Iface: map[string]any{"a": []any{1, "b"}},
		PM: ptrMarshaler{6}, PMs: []ptrMarshaler{{7}}, PT: ptrText{"s"}, MapPM: map[string]ptrMarshaler{"m": {8}},
		IntKeys: map[int]string{-3: "x"}, TextKeys: map[textKey]int{"a": 1}, Bad: "a\xffb\xfe",
		BadKeys: map[string]int{"\xff": 1, "\xfe": 2}, Num: "12.5", Raw: json.RawMessage(`{"r": [1, 2]}`),
		Z: zeroer{7}, Z2: zeroer{1}, Escape: "<&>",
	}
	sameAsEncodingJSON(t, v)
	sameAsEncodingJSON(t, &v)
	sameAsEncodingJSON(t, []edgeCases{v})
	sameAsEncodingJSON(t, edgeCases{})
	quoted := struct {
		edgeCases
		Quoted int `json:"quoted,string"`
	}{v, 5}
	sameAsEncodingJSON(t, quoted)
	sameAsEncodingJSON(t, &quoted)
}
