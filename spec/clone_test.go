package spec_test

import (
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/spec"
)

// fill sets every field reachable from v to a value that is not the zero
// value: pointers point somewhere, slices hold two elements, maps one
// entry. A field added to the model later is filled too, so Clone cannot
// forget it unnoticed.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, n)
		fill(e, n)
		v.SetMapIndex(k, e)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	default:
		panic("fill: add a case for " + v.Kind().String())
	}
}

// shared returns the path of the first pointer, slice or map that a and b
// share, or "".
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shared(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range min(a.Len(), b.Len()) {
			if p := shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return path
		}
	}
	return ""
}

// TestCloneIsDeep: every field is copied, and nothing is shared.
func TestCloneIsDeep(t *testing.T) {
	var a spec.App
	n := 0
	fill(reflect.ValueOf(&a).Elem(), &n)
	c := a.Clone()
	if diff := cmp.Diff(&a, c); diff != "" {
		t.Fatalf("Clone differs from the original (-original +clone):\n%s", diff)
	}
	if p := shared(reflect.ValueOf(&a), reflect.ValueOf(c), "App"); p != "" {
		t.Errorf("Clone shares %s with the original", p)
	}
}

// TestCloneKeepsNilAndEmpty: a nil slice stays nil and an empty one
// empty, so that a copy encodes exactly as the original.
func TestCloneKeepsNilAndEmpty(t *testing.T) {
	a := &spec.App{Tiers: []spec.Tier{{Name: "web", Expose: spec.Expose{SourceRanges: []string{}}}}, Ingress: &spec.Ingress{}}
	c := a.Clone()
	if c.Tiers[0].Expose.SourceRanges == nil || c.Tiers[0].AllowFrom != nil || c.Ingress.Rules != nil {
		t.Errorf("Clone changed nil or empty slices: %+v", c)
	}
	if (*spec.App)(nil).Clone() != nil {
		t.Errorf("Clone of nil is not nil")
	}
}

// TestDefaultedLeavesItsArgument: Defaulted equals Default on a copy and
// changes nothing of what it was given.
func TestDefaultedLeavesItsArgument(t *testing.T) {
	data, err := os.ReadFile("../golden/network-options/kubenetgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	given, want := load(t, string(data)), load(t, string(data))
	spec.Default(want)
	got := spec.Defaulted(given)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Defaulted differs from Default (-Default +Defaulted):\n%s", diff)
	}
	if diff := cmp.Diff(load(t, string(data)), given); diff != "" {
		t.Errorf("Defaulted changed its argument (-before +after):\n%s", diff)
	}
}
