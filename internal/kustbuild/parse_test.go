package kustbuild

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

// sameAsKustomize wants parse(data) to be exactly rf.SliceFromBytes(data):
// the same error, or the same objects printed alike.
func sameAsKustomize(t *testing.T, name string, data []byte) {
	t.Helper()
	rf := provider.NewDefaultDepProvider().GetResourceFactory()
	want, wantErr := rf.SliceFromBytes(data)
	got, gotErr := parse(rf, data)
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("%s: parse error %v; kustomize's %v", name, gotErr, wantErr)
	}
	if diff := cmp.Diff(printed(want), printed(got)); diff != "" {
		t.Fatalf("%s: parse differs from kustomize's SliceFromBytes (-kustomize +parse):\n%s", name, diff)
	}
}

func printed(rs []*resource.Resource) []string {
	var out []string
	for _, r := range rs {
		// An object kustomize cannot print (two keys of one value)
		// is compared by its error.
		y, err := r.AsYAML()
		if err != nil {
			y = []byte(err.Error())
		}
		// The node tree as parsed, styles, anchors and aliases
		// included.
		tree, err := r.RNode.String()
		if err != nil {
			tree = err.Error()
		}
		out = append(out, r.CurId().String()+"\n"+string(y)+"\n"+tree)
	}
	return out
}

// TestParseGolden: every file of every golden base parses as kustomize
// parses it, and through the short way (no document is left to
// kustomize's own parsing).
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob("../../golden/*/base/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	more, _ := filepath.Glob("../../golden/*/base/*/*.yaml")
	for _, f := range append(files, more...) {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameAsKustomize(t, f, data)
		nodes, err := kio.FromBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			if !plainObject(n) {
				t.Errorf("%s: %s is left to kustomize's parsing", f, n.GetName())
			}
		}
	}
}

// TestParseLeavesTheRestToKustomize: documents that de-anchoring changes,
// or that kustomize's parsing treats specially, parse exactly as
// kustomize parses them.
func TestParseLeavesTheRestToKustomize(t *testing.T) {
	const obj = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
	cases := map[string]string{
		"plain":                obj + "data:\n  x: \"1\"\n",
		"anchor, alias":        obj + "data:\n  x: &v one\n  y: *v\n",
		"merge key":            obj + "data:\n  <<: {x: one}\n  y: two\n",
		"merge key lists":      "base: &b {x: 1}\n" + obj + "data:\n  <<: [*b]\n",
		"duplicate key":        obj + "data:\n  x: one\n  x: two\n",
		"duplicate value":      obj + "data:\n  \"1\": one\n  1: two\n",
		"complex keys":         obj + "data:\n  ? [a]\n  : one\n  ? [b]\n  : two\n",
		"anchored key":         obj + "data:\n  &k x: one\n",
		"two documents":        obj + "---\n" + strings.Replace(obj, "name: a", "name: b", 1),
		"empty documents":      "---\n---\n" + obj + "---\n",
		"a List":               "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(obj, "\n"), "\n", "\n  ") + "\n",
		"a ConfigMapList":      "apiVersion: v1\nkind: ConfigMapList\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(obj, "\n"), "\n", "\n  ") + "\n",
		"no name":              "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
		"no kind":              "apiVersion: v1\nmetadata:\n  name: a\n",
		"null item":            obj + "items:\n- ~\n- x\n",
		"local config":         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n",
		"not YAML":             obj + "data: [\n",
		"many keys":            obj + "data:\n" + manyKeys(40, false),
		"many keys, one twice": obj + "data:\n" + manyKeys(40, true),
	}
	for name, doc := range cases {
		sameAsKustomize(t, name, []byte(doc))
	}
}

func manyKeys(n int, twice bool) string {
	var b strings.Builder
	for i := range n {
		k := string(rune('a'+i%26)) + strings.Repeat("z", i/26)
		if twice && i == n-1 {
			k = "a"
		}
		fmt.Fprintf(&b, "  %s: v%d\n", k, i)
	}
	return b.String()
}
