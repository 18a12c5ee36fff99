package spec_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/spec"
)

// outsideApp is the golden case with callers and callees outside the app.
func outsideApp(t *testing.T) *spec.App {
	t.Helper()
	data, err := os.ReadFile("../golden/outside-peers/kubenetgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return load(t, string(data))
}

// TestOutsidePeerProblems breaks callers and callees outside the app one
// way at a time, and wants one problem naming the field, the value and
// what is allowed.
func TestOutsidePeerProblems(t *testing.T) {
	caller := func(a *spec.App) *spec.Caller { return &a.Tiers[1].AllowFromNamespaces[1] }
	callee := func(a *spec.App) *spec.Callee { return &a.Tiers[1].Egress.Namespaces[0] }
	cases := []struct {
		name    string
		breakIt func(a *spec.App)
		field   string
		want    []string
	}{
		{"bad namespace", func(a *spec.App) { caller(a).Namespace = "Billing_NS" }, "tiers[1].allowFromNamespaces[1].namespace", []string{`"Billing_NS"`, "did you mean \"billing-ns\"", "lowercase"}},
		{"no namespace", func(a *spec.App) { callee(a).Namespace = "" }, "tiers[1].egress.namespaces[0].namespace", []string{"is required"}},
		{"caller in the app's namespace", func(a *spec.App) { caller(a).Namespace = "orders" }, "tiers[1].allowFromNamespaces[1].namespace", []string{`"orders" is the app's own namespace`, "--allow FROM->TO"}},
		{"callee in the app's namespace", func(a *spec.App) { callee(a).Namespace = "orders" }, "tiers[1].egress.namespaces[0].namespace", []string{`"orders" is the app's own namespace`, "allowFrom"}},
		{"bad label key", func(a *spec.App) { caller(a).PodLabels["bad key"] = "x" }, "tiers[1].allowFromNamespaces[1].podLabels[bad key]", []string{`"bad key" is not a valid label key`}},
		{"bad label value", func(a *spec.App) { callee(a).PodLabels["app.kubernetes.io/name"] = "post gres" }, "tiers[1].egress.namespaces[0].podLabels[app.kubernetes.io/name]", []string{`"post gres" is not a valid label value`}},
		{"no labels", func(a *spec.App) { callee(a).PodLabels = nil; callee(a).Name = "db" }, "tiers[1].egress.namespaces[0].podLabels", []string{"is required"}},
		{"port not on the tier", func(a *spec.App) { caller(a).Ports = []string{"grpc"} }, "tiers[1].allowFromNamespaces[1].ports[0]", []string{`"grpc" names no port of api`, "http, metrics"}},
		{"port by number", func(a *spec.App) { caller(a).Ports = []string{"9090"} }, "tiers[1].allowFromNamespaces[1].ports[0]", []string{`"9090" is a number`, "http"}},
		{"port twice", func(a *spec.App) { caller(a).Ports = []string{"http", "http"} }, "tiers[1].allowFromNamespaces[1].ports[1]", []string{`"http" is listed twice`}},
		{"no ports", func(a *spec.App) { caller(a).Ports = nil }, "tiers[1].allowFromNamespaces[1].ports", []string{"is empty", "http, metrics"}},
		{"callee without ports", func(a *spec.App) { callee(a).Ports = nil }, "tiers[1].egress.namespaces[0].ports", []string{"is empty", "not its port"}},
		{"callee port out of range", func(a *spec.App) { callee(a).Ports[0].Port = 70000 }, "tiers[1].egress.namespaces[0].ports[0].port", []string{"70000 is not a port number", "1-65535"}},
		{"callee protocol", func(a *spec.App) { callee(a).Ports[0].Protocol = "HTTP" }, "tiers[1].egress.namespaces[0].ports[0].protocol", []string{`"HTTP" is not supported`, "TCP, UDP, SCTP"}},
		{"callee port twice", func(a *spec.App) {
			callee(a).Ports = append(callee(a).Ports, spec.PeerPort{Port: 5432})
		}, "tiers[1].egress.namespaces[0].ports[1]", []string{"5432/TCP is already ports[0]"}},
		{"same pods twice", func(a *spec.App) {
			a.Tiers[1].AllowFromNamespaces = append(a.Tiers[1].AllowFromNamespaces, spec.Caller{Namespace: "billing", PodLabels: caller(a).PodLabels, Ports: []string{"metrics"}})
		}, "tiers[1].allowFromNamespaces[2]", []string{"same pods as allowFromNamespaces[1]", "one entry"}},
		{"one name, two sets of pods", func(a *spec.App) {
			a.Tiers[0].AllowFromNamespaces = append(a.Tiers[0].AllowFromNamespaces, spec.Caller{Namespace: "billing", PodLabels: map[string]string{"app.kubernetes.io/name": "invoicer"}, Ports: []string{"http"}})
		}, "tiers[1].allowFromNamespaces[1].name", []string{`"invoicer" in namespace billing already names the pods labelled app.kubernetes.io/name=invoicer`}},
		{"unknown preset", func(a *spec.App) { a.Tiers[0].AllowFromNamespaces[0].Preset = "kube-prometheus" }, "tiers[0].allowFromNamespaces[0].preset", []string{`"kube-prometheus" is not a scraper preset`, "kube-prometheus-stack, prometheus-operator"}},
		{"bad name", func(a *spec.App) { callee(a).Name = "shared db" }, "tiers[1].egress.namespaces[0].name", []string{`"shared db" is not a valid name`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := outsideApp(t)
			c.breakIt(a)
			spec.Default(a)
			ps := spec.Validate(a)
			if len(ps) != 1 {
				t.Fatalf("Validate = %d problems, want 1:\n%v", len(ps), ps)
			}
			if ps[0].Field != c.field {
				t.Errorf("problem at %s, want %s: %s", ps[0].Field, c.field, ps[0].Message)
			}
			for _, w := range c.want {
				if !strings.Contains(ps[0].Message, w) {
					t.Errorf("message %q lacks %q", ps[0].Message, w)
				}
			}
		})
	}
}

// TestScraperPresetDefaults: a preset fills the namespace, labels and
// name of the Prometheus pods, and a namespace given stays.
func TestScraperPresetDefaults(t *testing.T) {
	a := outsideApp(t)
	a.Tiers[0].AllowFromNamespaces[0].Namespace = "observability"
	spec.Default(a)
	got := a.Tiers[0].AllowFromNamespaces[0]
	want := spec.Caller{Name: "prometheus", Preset: spec.ScraperKubePrometheusStack, Namespace: "observability",
		PodLabels: map[string]string{"app.kubernetes.io/name": "prometheus", "prometheus": "kube-prometheus-stack-prometheus"}, Ports: []string{"metrics"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaulted caller (-want +got):\n%s", diff)
	}
	if got := a.Tiers[1].AllowFromNamespaces[1].Name; got != "invoicer" {
		t.Errorf("caller name defaulted to %q, want invoicer (its app.kubernetes.io/name)", got)
	}
	op := spec.ScraperPresets[spec.ScraperPrometheusOperator]
	if op.Namespace != "monitoring" || op.PodLabels["app.kubernetes.io/name"] != "prometheus" || op.PodLabels["app.kubernetes.io/managed-by"] != "prometheus-operator" {
		t.Errorf("prometheus-operator preset = %+v", op)
	}
}

func TestParseCallerCalleeScrape(t *testing.T) {
	tier, c, err := spec.ParseCaller("api=billing/app.kubernetes.io/name=invoicer,app.kubernetes.io/component=worker:http;metrics")
	if err != nil {
		t.Fatal(err)
	}
	want := spec.Caller{Namespace: "billing", PodLabels: map[string]string{"app.kubernetes.io/name": "invoicer", "app.kubernetes.io/component": "worker"}, Ports: []string{"http", "metrics"}}
	if diff := cmp.Diff(want, c); tier != "api" || diff != "" {
		t.Errorf("ParseCaller: tier %q, (-want +got):\n%s", tier, diff)
	}
	tier, d, err := spec.ParseCallee("api=shared-db/app.kubernetes.io/name=postgres:5432;5433/udp")
	if err != nil {
		t.Fatal(err)
	}
	wantD := spec.Callee{Namespace: "shared-db", PodLabels: map[string]string{"app.kubernetes.io/name": "postgres"}, Ports: []spec.PeerPort{{Port: 5432}, {Port: 5433, Protocol: "UDP"}}}
	if diff := cmp.Diff(wantD, d); tier != "api" || diff != "" {
		t.Errorf("ParseCallee: tier %q, (-want +got):\n%s", tier, diff)
	}
	s, err := spec.ParseScrape("web:metrics")
	if err != nil || s != (spec.Scrape{Tier: "web", Port: "metrics", Preset: spec.ScraperKubePrometheusStack}) {
		t.Errorf("ParseScrape = %+v, %v", s, err)
	}
	s, err = spec.ParseScrape("web:metrics=prometheus-operator@observability")
	if err != nil || s != (spec.Scrape{Tier: "web", Port: "metrics", Preset: spec.ScraperPrometheusOperator, Namespace: "observability"}) {
		t.Errorf("ParseScrape = %+v, %v", s, err)
	}
	for _, bad := range []struct{ s, want string }{
		{"api", "want TIER=NAMESPACE/"},
		{"api=billing", "want TIER=NAMESPACE/"},
		{"api=billing/app=x", "the ports are missing"},
		{"api=billing/app=x:", "the ports are missing"},
		{"api=billing/app:http", "want KEY=VALUE"},
	} {
		if _, _, err := spec.ParseCaller(bad.s); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseCaller(%q) = %v, want an error with %q", bad.s, err, bad.want)
		}
	}
	if _, _, err := spec.ParseCallee("api=db/app=pg:postgres"); err == nil || !strings.Contains(err.Error(), `"postgres" is not a port number`) || !strings.Contains(err.Error(), "not a Service port") {
		t.Errorf("ParseCallee with a port name = %v", err)
	}
	for _, bad := range []struct{ s, want string }{
		{"web", "want TIER:PORT[=PRESET"},
		{"web:metrics=", "want TIER:PORT[=PRESET"},
		{"web:metrics=prometheus-operator@", "want TIER:PORT[=PRESET"},
		{"web:metrics=prometheus-operatr", `did you mean "prometheus-operator"`},
	} {
		if _, err := spec.ParseScrape(bad.s); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseScrape(%q) = %v, want an error with %q", bad.s, err, bad.want)
		}
	}
}

// FuzzParseOutside feeds arbitrary --allow-from, --egress-to and --scrape
// values: no panic, and whatever parses names a tier, a namespace, labels
// and ports.
func FuzzParseOutside(f *testing.F) {
	for _, s := range []string{"api=billing/app.kubernetes.io/name=invoicer:http", "api=db/app=pg:5432;53/udp", "web:metrics=prometheus-operator", "=/:", "a=b/c=d:;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tier, c, err := spec.ParseCaller(s); err == nil && (tier == "" || c.Namespace == "" || len(c.PodLabels) == 0 || len(c.Ports) == 0) {
			t.Fatalf("ParseCaller(%q) = %q, %+v: an end or its ports missing", s, tier, c)
		}
		if tier, c, err := spec.ParseCallee(s); err == nil && (tier == "" || c.Namespace == "" || len(c.PodLabels) == 0 || len(c.Ports) == 0) {
			t.Fatalf("ParseCallee(%q) = %q, %+v: an end or its ports missing", s, tier, c)
		}
		if sc, err := spec.ParseScrape(s); err == nil && (sc.Tier == "" || sc.Port == "" || spec.ScraperPresets[sc.Preset].Namespace == "") {
			t.Fatalf("ParseScrape(%q) = %+v", s, sc)
		}
	})
}
