package verify

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// loadYAML loads in-memory YAML with the default limits.
func loadYAML(t testing.TB, name, data string) *Bundle {
	t.Helper()
	b, err := LoadYAML(name, []byte(data), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadResult summarises a bundle: the objects as "Ref@source" and the
// findings as "severity source: problem prefix".
func loadResult(b *Bundle) (objs, findings []string) {
	for _, o := range b.Objects {
		objs = append(objs, o.Ref()+"@"+o.Source.String())
	}
	for _, f := range b.Findings {
		p, _, _ := strings.Cut(f.Problem, ":")
		findings = append(findings, string(f.Severity)+" "+f.Source+" "+p)
	}
	return objs, findings
}

func TestLoadYAML(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		wantObjs     []string
		wantFindings []string
	}{
		{
			name:     "documents counted as the YAML reader splits them, namespace defaulted",
			in:       "---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n",
			wantObjs: []string{"Service default/a@in.yaml#1", "Namespace ns@in.yaml#3"},
		},
		{
			name:         "bad YAML is reported and the rest still loads",
			in:           "apiVersion: v1\nkind: Service\nmetadata: {name: a\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n",
			wantObjs:     []string{"Service default/b@in.yaml#2"},
			wantFindings: []string{"error in.yaml#1 is not valid YAML"},
		},
		{
			name:         "unknown kind is a warning",
			in:           "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
			wantFindings: []string{"warning in.yaml#1 example.com/v1 Widget is not a kind verify knows; it was not checked"},
		},
		{
			name:         "nameless object",
			in:           "apiVersion: apps/v1\nkind: Deployment\nmetadata: {namespace: x}\n",
			wantFindings: []string{"error in.yaml#1 Deployment has no metadata.name; it was not checked"},
		},
		{
			name:         "no kind, a list, a scalar",
			in:           "metadata: {name: a}\n---\n- a\n- b\n---\nhello\n",
			wantFindings: []string{"error in.yaml#1 has no apiVersion or kind", "error in.yaml#2 is not a mapping", "error in.yaml#3 is not a mapping"},
		},
		{
			name:         "unknown field: reported, object kept",
			in:           "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {selectr: {app: a}}\n",
			wantObjs:     []string{"Service default/a@in.yaml#1"},
			wantFindings: []string{"error in.yaml#1 has fields Kubernetes does not know"},
		},
		{
			name:         "wrong type",
			in:           "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: 80}\n",
			wantFindings: []string{"error in.yaml#1 does not decode"},
		},
		{
			name:         "duplicate key",
			in:           "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nmetadata: {name: b}\n",
			wantFindings: []string{"error in.yaml#1 is not valid YAML"},
		},
		{
			name:         "defined twice",
			in:           "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: default}\n",
			wantObjs:     []string{"Service default/a@in.yaml#1"},
			wantFindings: []string{"error in.yaml#2 is defined twice (first at in.yaml#1)"},
		},
		{
			name:     "a v1 List is its items",
			in:       "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}}\n- {apiVersion: v1, kind: Service, metadata: {name: b}}\n",
			wantObjs: []string{"Service default/a@in.yaml#1", "Service default/b@in.yaml#1"},
		},
		{
			name:     "JSON",
			in:       `{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "j"}}`,
			wantObjs: []string{"Namespace j@in.yaml#1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, findings := loadResult(loadYAML(t, "in.yaml", tt.in))
			if diff := cmp.Diff(tt.wantObjs, objs); diff != "" {
				t.Errorf("LoadYAML objects mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantFindings, findings); diff != "" {
				t.Errorf("LoadYAML findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("base/kustomization.yaml", "namespace: shop\nresources: [svc.yaml]\n")
	write("base/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
	write("plain/a.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
	write("plain/b.yml", "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n")
	write("plain/notes.txt", "not yaml")
	write("broken/kustomization.yaml", "resources: [missing.yaml]\n")
	write("empty/notes.txt", "")

	tests := []struct {
		path         string
		wantObjs     []string
		wantFindings []string
		wantErr      bool
	}{
		{path: "base", wantObjs: []string{"Service shop/a@" + filepath.Join(dir, "base") + "#1"}},
		{path: "plain", wantObjs: []string{"Service default/a@" + filepath.Join(dir, "plain/a.yaml") + "#1", "Service default/b@" + filepath.Join(dir, "plain/b.yml") + "#1"}},
		{path: "plain/a.yaml", wantObjs: []string{"Service default/a@" + filepath.Join(dir, "plain/a.yaml") + "#1"}},
		{path: "broken", wantFindings: []string{"error " + filepath.Join(dir, "broken") + " kustomize build failed"}},
		{path: "empty", wantErr: true},
		{path: "nowhere", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			b, err := Load(filepath.Join(dir, tt.path), nil, LoadOptions{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load(%s) error = %v, want error %v", tt.path, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			objs, findings := loadResult(b)
			if diff := cmp.Diff(tt.wantObjs, objs); diff != "" {
				t.Errorf("Load(%s) objects mismatch (-want +got):\n%s", tt.path, diff)
			}
			if diff := cmp.Diff(tt.wantFindings, findings); diff != "" {
				t.Errorf("Load(%s) findings mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
	b, err := Load("-", strings.NewReader("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n"), LoadOptions{})
	if err != nil || len(b.Objects) != 1 || b.Objects[0].Source.String() != "-#1" {
		t.Errorf("Load(-) = %v, %v; want one object from -#1", b, err)
	}
}

// FuzzLoadYAML: any input loads without panicking, and whatever loads can
// be verified without panicking.
func FuzzLoadYAML(f *testing.F) {
	for _, s := range []string{
		"", "---", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
		"apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Pod, metadata: {name: p}}]\n",
		"kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: n}\nspec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: x}}], ports: [{port: a, endPort: 3}]}]}\n",
		"a: &a [*a]\n", "- [", "{\"apiVersion\": 1}", "apiVersion: v1\nkind: List\nitems: 3\n",
	} {
		f.Add([]byte(s))
	}
	for _, p := range []string{"testdata/broken.yaml"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := LoadYAML("fuzz.yaml", data, LoadOptions{})
		if err != nil {
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("LoadYAML error %v is not a *LimitError", err)
			}
			return
		}
		e := NewEvaluator(b.Objects, Options{})
		_ = Check(b.Objects, e, Options{})
		_ = e.Matrix()
	})
}

// TestLoadKustomizeInMemory builds a kustomization from an in-memory
// filesystem, as the property test does with rendered bases.
func TestLoadKustomizeInMemory(t *testing.T) {
	fs := filesys.MakeFsInMemory()
	if err := fs.WriteFile("/k/kustomization.yaml", []byte("resources: [a.yaml]\nnamePrefix: x-\n")); err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteFile("/k/a.yaml", []byte("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")); err != nil {
		t.Fatal(err)
	}
	b, err := LoadKustomize(fs, "/k", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	objs, findings := loadResult(b)
	if diff := cmp.Diff([]string{"Service default/x-a@/k#1"}, objs); diff != "" || findings != nil {
		t.Errorf("LoadKustomize objects mismatch (-want +got):\n%s\nfindings: %v", diff, findings)
	}
}
