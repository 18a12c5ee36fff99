package spec_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/spec"
)

func load(t testing.TB, text string) *spec.App {
	t.Helper()
	a, err := spec.Load([]byte(text))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return a
}

// TestPresetsAndGoldenSpecsAreValid loads every spec kubenetgen ships.
func TestPresetsAndGoldenSpecsAreValid(t *testing.T) {
	files, _ := filepath.Glob("../golden/*/kubenetgen.yaml")
	presets, _ := filepath.Glob("../templates/presets/*.yaml")
	for _, f := range append(files, presets...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a := load(t, string(data))
		if strings.HasSuffix(f, "blank.yaml") {
			continue // the wizard fills it
		}
		spec.Default(a)
		if ps := spec.Validate(a); ps != nil {
			t.Errorf("%s:\n%v", f, ps)
		}
	}
}

func TestDefaultIsIdempotentAndRoundTrips(t *testing.T) {
	data, _ := os.ReadFile("../golden/network-options/kubenetgen.yaml")
	a := load(t, string(data))
	spec.Default(a)
	once, err := spec.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	spec.Default(a)
	twice, _ := spec.Marshal(a)
	if diff := cmp.Diff(string(once), string(twice)); diff != "" {
		t.Errorf("Default is not idempotent (-once +twice):\n%s", diff)
	}
	b := load(t, string(once))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("Marshal then Load changed the app (-before +after):\n%s", diff)
	}
}

// TestValidateReportsEverything wants every problem of a bad spec at once,
// each under its own field path.
func TestValidateReportsEverything(t *testing.T) {
	a := load(t, `
apiVersion: kubenetgen.dev/v1alpha1
kind: App
name: 1shop
namespace: Shop
tiers:
  - name: web
    image: ""
    ports: [{name: http, port: 8080, protocol: QUIC}]
    replicas: -2
    expose: {type: ClusterIP, sourceRanges: [10.0.0.0/8]}
    allowFrom: [ghost, web:nope]
    resources: {cpuRequest: 2, cpuLimit: 1, memoryLimit: lots}
    env: [{name: 1BAD, value: x}]
  - name: worker
    image: w
    expose: NodePort
    egress: {apiServer: true, ports: [0]}
ingress:
  class: nginx
  tlsIssuer: le
  acmeSolver: http1
  rules:
    - {host: Shop.example.com, path: shop, pathType: Regex, tier: worker, port: http}
network:
  nodePortRange: 40000-30000
`)
	spec.Default(a)
	var got []string
	for _, p := range spec.Validate(a) {
		got = append(got, p.Field)
	}
	want := []string{
		"name", "namespace", "network.nodePortRange",
		"tiers[0].image", "tiers[0].replicas", "tiers[0].ports[0].protocol",
		"tiers[0].expose.sourceRanges", "tiers[0].allowFrom[0]", "tiers[0].allowFrom[1]",
		"tiers[0].resources.memoryLimit", "tiers[0].resources.cpuRequest", "tiers[0].env[0].name",
		"tiers[1].expose.type", "tiers[1].egress.ports[0]", "tiers[1].egress.ports", "tiers[1].egress.apiServer",
		"ingress.rules[0].host", "ingress.rules[0].path", "ingress.rules[0].pathType",
		"ingress.rules[0].port", "ingress.tlsIssuer", "ingress.acmeSolver",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s", diff)
	}
}

func TestExposeShortAndLongForm(t *testing.T) {
	a := load(t, "apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers:\n- {name: a, image: i, expose: NodePort}\n- {name: b, image: i, expose: {type: LoadBalancer, sourceRanges: [1.2.3.0/24]}}\n")
	if a.Tiers[0].Expose.Type != "NodePort" || a.Tiers[1].Expose.Type != "LoadBalancer" {
		t.Errorf("expose = %+v, %+v", a.Tiers[0].Expose, a.Tiers[1].Expose)
	}
	if _, err := spec.Load([]byte("apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers:\n- {name: a, image: i, expose: {typ: NodePort}}\n")); err == nil ||
		!strings.Contains(err.Error(), `tiers[0].expose.typ: is not a known field: did you mean "type"?`) {
		t.Errorf("misspelt expose field: %v", err)
	}
}

func TestCallerEnv(t *testing.T) {
	data, _ := os.ReadFile("../golden/multi-port/kubenetgen.yaml")
	a := load(t, string(data))
	spec.Default(a)
	want := []spec.EnvVar{{Name: "COLLECTOR_HOST", Value: "collector.telemetry.svc.cluster.local"}, {Name: "COLLECTOR_METRICS_PORT", Value: "9100"}}
	if diff := cmp.Diff(want, a.CallerEnv("scraper", a.Edges())); diff != "" {
		t.Errorf("CallerEnv(scraper) (-want +got):\n%s", diff)
	}
}

// TestProbePortByNumber: a probe may name its port by number, container or
// Service port; the default turns it into the port's name, which is what a
// probe's named port must be.
func TestProbePortByNumber(t *testing.T) {
	for _, ref := range []string{"8080", "80", "http"} {
		a := load(t, "apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers:\n- {name: a, image: i, ports: [{name: http, port: 8080, servicePort: 80}], probe: {port: \""+ref+"\"}}\n")
		spec.Default(a)
		if got := a.Tiers[0].Probe.Port; got != "http" {
			t.Errorf("probe port %q defaulted to %q, want http", ref, got)
		}
	}
}

// TestACMESolverDefaultAndWildcard: an issuer solves HTTP-01 unless the
// spec says otherwise, and a wildcard host it cannot prove is a warning
// (DNS-01 proves it).
func TestACMESolverDefaultAndWildcard(t *testing.T) {
	const doc = "apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers:\n- {name: a, image: i, ports: [{name: http, port: 80}]}\n" +
		"ingress:\n  class: traefik\n  tlsIssuer: le\n  rules:\n  - {host: '*.x.example.org', tier: a, port: http, tls: x-tls}\n"
	a := load(t, doc)
	spec.Default(a)
	if a.Ingress.ACMESolver != spec.ACMESolverHTTP01 {
		t.Errorf("acmeSolver defaulted to %q, want %q", a.Ingress.ACMESolver, spec.ACMESolverHTTP01)
	}
	if ws := spec.Warnings(a); !slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(w, "wildcard host *.x.example.org") }) {
		t.Errorf("no warning about the wildcard host under HTTP-01: %q", ws)
	}
	a = load(t, strings.Replace(doc, "tlsIssuer: le\n", "tlsIssuer: le\n  acmeSolver: dns01\n", 1))
	spec.Default(a)
	if ps := spec.Validate(a); len(ps) > 0 {
		t.Fatal(ps)
	}
	if ws := spec.Warnings(a); slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(w, "wildcard") }) {
		t.Errorf("a DNS-01 issuer is warned about its wildcard host: %q", ws)
	}
}
