package schema

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"

	"github.com/kubenetgen/kubenetgen/spec"
)

var update = flag.Bool("update", false, "rewrite kubenetgen.schema.json from the spec's Go types")

// TestPublished holds the published schema to what the spec's types make
// of it; run with -update to rewrite it, then review the diff.
func TestPublished(t *testing.T) {
	got, err := Generate("../spec")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(File, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(File)
	if err != nil {
		t.Fatalf("reading the published schema (go test ./schema -update writes it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s is stale: run go test ./schema -update and review the diff (-published +generated):\n%s", File, diff)
	}
}

// compile returns the published schema, ready to validate with.
func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(File)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ID)
	if err != nil {
		t.Fatalf("compiling the schema: %v", err)
	}
	return s
}

// validate judges a kubenetgen.yaml with the schema.
func validate(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

// TestValidSpecs accepts every golden, preset and example spec that
// kubenetgen accepts: all but the blank preset, a start for the wizard
// with no name yet, which both refuse.
func TestValidSpecs(t *testing.T) {
	s := compile(t)
	var files []string
	for _, g := range []string{"../golden/*/kubenetgen.yaml", "../templates/presets/*.yaml", "../examples/*/kubenetgen.yaml"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 15 {
		t.Fatalf("found %d specs, want the golden cases, presets and examples", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		err = validate(t, s, data)
		if a, lerr := spec.Load(data); lerr != nil || len(spec.Validate(spec.Defaulted(a))) > 0 {
			if filepath.Base(f) != "blank.yaml" {
				t.Errorf("%s: kubenetgen refuses it; only the blank preset may be refused", f)
			} else if err == nil {
				t.Errorf("%s: the schema accepts what kubenetgen refuses", f)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: the schema refuses a valid spec: %v", f, err)
		}
	}
}

const goodSpec = `apiVersion: kubenetgen.dev/v1alpha1
kind: App
name: shop
tiers:
  - name: web
    image: ghcr.io/acme/web:1.4
    ports: [{name: http, port: 8080}]
    resources: {cpuRequest: 250m, memoryLimit: 256Mi}
  - name: api
    image: ghcr.io/acme/api:1.4
    ports: [{name: http, port: 9090}]
    expose: ClusterIP
    allowFrom: [web]
ingress:
  class: traefik
  rules:
    - {host: shop.example.com, path: /, pathType: Prefix, tier: web, port: http, tls: shop-tls}
`

// TestRejects refuses a sample of the inputs spec.Load and spec.Validate
// refuse, and accepts the spec they are edits of.
func TestRejects(t *testing.T) {
	s := compile(t)
	if err := validate(t, s, []byte(goodSpec)); err != nil {
		t.Fatalf("the schema refuses the good spec: %v", err)
	}
	for _, c := range []struct{ name, old, new string }{
		{"misspelt field", "    image: ghcr.io/acme/web:1.4", "    imgae: ghcr.io/acme/web:1.4"},
		{"unknown top-level field", "ingress:", "ingres:"},
		{"wrong type", "    allowFrom: [web]", "    allowFrom: [web]\n    replicas: two"},
		{"wrong apiVersion", "kubenetgen.dev/v1alpha1", "kubenetgen.dev/v1"},
		{"wrong kind", "kind: App", "kind: Application"},
		{"app name not a DNS-1035 label", "name: shop", "name: Shop"},
		{"tier name not a DNS-1035 label", "  - name: web", "  - name: 1web"},
		{"port name", "{name: http, port: 9090}", "{name: Metrics_1, port: 9090}"},
		{"port 0", "port: 9090", "port: 0"},
		{"port too high", "port: 9090", "port: 70000"},
		{"protocol", "port: 9090}", "port: 9090, protocol: HTTP}"},
		{"exposure", "expose: ClusterIP", "expose: Public"},
		{"exposure object", "expose: ClusterIP", "expose: {type: Public}"},
		{"externalTrafficPolicy", "expose: ClusterIP", "expose: {type: LoadBalancer, externalTrafficPolicy: Global}"},
		{"negative replicas", "    allowFrom: [web]", "    allowFrom: [web]\n    replicas: -1"},
		{"negative quantity", "cpuRequest: 250m", "cpuRequest: -1"},
		{"not a quantity", "cpuRequest: 250m", "cpuRequest: lots"},
		{"path type", "pathType: Prefix", "pathType: Regex"},
		{"missing image", "    image: ghcr.io/acme/api:1.4\n", ""},
		{"image with whitespace", "image: ghcr.io/acme/api:1.4", "image: ghcr.io/acme/api 1.4"},
		{"pull policy", "    allowFrom: [web]", "    allowFrom: [web]\n    imagePullPolicy: Sometimes"},
		{"TLS secret name", "tls: shop-tls", "tls: Shop_TLS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := strings.Replace(goodSpec, c.old, c.new, 1)
			if bad == goodSpec {
				t.Fatalf("%q is not in the good spec", c.old)
			}
			// The sample is of what kubenetgen refuses: check that it does.
			a, err := spec.Load([]byte(bad))
			if err == nil {
				if ps := spec.Validate(spec.Defaulted(a)); len(ps) == 0 {
					t.Fatalf("kubenetgen accepts the edit, so the schema must too")
				}
			}
			if err := validate(t, s, []byte(bad)); err == nil {
				t.Errorf("the schema accepts a spec kubenetgen refuses:\n%s", bad)
			}
		})
	}
}
