package initcmd

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/prompter/prompttest"
	"github.com/kubenetgen/kubenetgen/spec"
)

// startThreeTier answers the questions before external access with the
// three-tier preset's defaults.
func startThreeTier(f *prompttest.Fake) *prompttest.Fake {
	return f.Answer("Start from", D).Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D)
}

// wizardEqualsFlags runs the scripted wizard into out, then init with
// flags into out again, and wants the same files.
func wizardEqualsFlags(t *testing.T, f *prompttest.Fake, flags ...string) map[string]string {
	t.Helper()
	if stderr, err := run(t, f, true, "out"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	wizard := treeOf(t, "out")
	if err := os.RemoveAll("out"); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"out", "--pod-cidr", spec.DefaultPodCIDR}, flags...)
	if stderr, err := run(t, nil, false, args...); err != nil {
		t.Fatalf("init %q: %v\n%s", args, err, stderr)
	}
	if diff := cmp.Diff(wizard, treeOf(t, "out")); diff != "" {
		t.Errorf("wizard and flags %q differ (-wizard +flags):\n%s", flags, diff)
	}
	return wizard
}

// TestWizardSharedGateway: choosing Gateway API and a shared Gateway moves
// the preset's Ingress rules to routes on its listener, without TLS (the
// listener holds the certificate), and writes what the flags write.
func TestWizardSharedGateway(t *testing.T) {
	inTemp(t)
	f := startThreeTier(prompttest.New(t)).
		Answer("External HTTP(S) access", "Gateway API").
		Answer("Gateway API implementation", "envoy-gateway").
		Answer("Which Gateway do the routes attach to?", "shared").
		Answer("Shared Gateway (NAME/NAMESPACE)", "a/b/c", "public/gateways").
		Answer("Listener of the shared Gateway", D).
		Answer("Host", D).Answer("Routes", D).
		Answer(confirmOut, D)
	tree := wizardEqualsFlags(t, f, "--preset", "three-tier", "--gateway-class", "envoy-gateway", "--gateway", "public/gateways")
	if f.WasAsked("TLS for shop.example.com") {
		t.Errorf("asked about TLS for a shared Gateway, whose listener holds the certificate")
	}
	for _, want := range []string{"sectionName: https", "namespace: gateways"} {
		if !strings.Contains(tree["gateway.yaml"], want) {
			t.Errorf("gateway.yaml lacks %q:\n%s", want, tree["gateway.yaml"])
		}
	}
	if rs := f.Rejections; len(rs) != 1 || !strings.Contains(rs[0].Reason, "want NAME or NAME/NAMESPACE") {
		t.Errorf("rejections = %+v, want a/b/c refused", rs)
	}
	for _, q := range []string{"External HTTP(S) access", "Gateway API implementation", "Which Gateway do the routes attach to?"} {
		if a, _ := f.Question(q); !strings.Contains(a.Help, "Gateway") {
			t.Errorf("help of %q = %q, want it to explain the Gateway", q, a.Help)
		}
	}
}

// TestWizardOwnGateway: the app's own Gateway of a GEP-1762 preset asks
// the source ranges its data plane admits and TLS per host, and writes
// what the flags write: the data plane's policy with its control plane.
func TestWizardOwnGateway(t *testing.T) {
	inTemp(t)
	f := startThreeTier(prompttest.New(t)).
		Answer("External HTTP(S) access", "Gateway API").
		Answer("Gateway API implementation", "istio").
		Answer("Which Gateway do the routes attach to?", D).
		Answer("Source ranges allowed into the Gateway (empty: any address)", "203.0.113.0/24").
		Answer("Host", D).Answer("Routes", D).
		Answer("TLS for shop.example.com", D).Answer("TLS Secret name", D).Answer("cert-manager ClusterIssuer", D).
		Answer(confirmOut, D)
	tree := wizardEqualsFlags(t, f, "--preset", "three-tier", "--gateway-class", "istio", "--gateway-cidr", "203.0.113.0/24")
	if !strings.Contains(tree["network-policies.yaml"], "kubernetes.io/metadata.name: istio-system") {
		t.Errorf("the data plane is not let out to istiod:\n%s", tree["network-policies.yaml"])
	}
	if !strings.Contains(tree["kubenetgen.yaml"], "203.0.113.0/24") {
		t.Errorf("the source range is not in the spec:\n%s", tree["kubenetgen.yaml"])
	}
}

// TestWizardCustomGatewayInApp: a class with no preset whose data plane
// runs in the app's namespace is asked for its control plane too, and a
// bad port is refused.
func TestWizardCustomGatewayInApp(t *testing.T) {
	inTemp(t)
	f := startThreeTier(prompttest.New(t)).
		Answer("External HTTP(S) access", "Gateway API").
		Answer("Gateway API implementation", "custom").
		Answer("GatewayClass name", "acme-lb").
		Answer("Which Gateway do the routes attach to?", D).
		Answer("Namespace of the Gateway's data plane", "shop").
		Answer("Pod labels of the Gateway's data plane", "app=acme-proxy").
		Answer("Namespace of the Gateway's control plane", "acme-system").
		Answer("Pod labels of the Gateway's control plane", "app=acme-ctl").
		Answer("Pod port of the Gateway's control plane", "x", "70000", "18000").
		Answer("Source ranges allowed into the Gateway (empty: any address)", D).
		Answer("Host", D).Answer("Routes", D).
		Answer("TLS for shop.example.com", D).Answer("TLS Secret name", D).Answer("cert-manager ClusterIssuer", D).
		Answer(confirmOut, D)
	wizardEqualsFlags(t, f, "--preset", "three-tier", "--gateway-class", "acme-lb", "--data-plane-ns", "shop", "--data-plane-labels", "app=acme-proxy",
		"--control-plane-ns", "acme-system", "--control-plane-labels", "app=acme-ctl", "--control-plane-port", "18000")
	if rs := f.Rejections; len(rs) != 2 {
		t.Errorf("rejections = %+v, want x and 70000 refused", rs)
	}
}

// TestGatewaySummaries: the summary names the Gateway (or the shared one
// and its listener), its listeners, the routes and the data plane, with
// its control plane when it runs in the app's namespace; at 100 columns,
// against testdata/gateway-*.screen.
func TestGatewaySummaries(t *testing.T) {
	for _, c := range []struct{ golden, screen string }{
		{"gateway-istio-own", "gateway-own.screen"},
		{"gateway-envoy-shared", "gateway-shared.screen"},
	} {
		t.Run(c.golden, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "..", "golden", c.golden, SpecFile))
			if err != nil {
				t.Fatal(err)
			}
			a, err := spec.Load(data)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join(testdataDir(t), c.screen)
			t.Chdir(t.TempDir()) // the summary names the folder: out, the same every run
			pl, err := newPlan(&InitOptions{Dir: "out"}, a)
			if err != nil {
				t.Fatal(err)
			}
			got := iostreams.Wrap(summary(pl, 100), 100)
			// -update is the flag pty_test.go defines for every golden file
			// of this package.
			if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("summary differs from %s (-want +got; refresh with -update):\n%s", golden, diff)
			}
		})
	}
}

// testdataDir is the absolute path of this package's testdata.
func testdataDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestGatewayPreset: the gateway-shop preset writes routes on the shared
// Gateway's listener and admits Envoy Gateway's data plane of that Gateway.
func TestGatewayPreset(t *testing.T) {
	inTemp(t)
	if stderr, err := run(t, nil, false, "out", "--preset", "gateway-shop"); err != nil {
		t.Fatalf("init --preset gateway-shop: %v\n%s", err, stderr)
	}
	tree := treeOf(t, "out")
	for file, wants := range map[string][]string{
		"gateway.yaml":   {"kind: HTTPRoute", "name: public", "namespace: gateways", "sectionName: https"},
		"tiers/web.yaml": {"kubernetes.io/metadata.name: envoy-gateway-system", "gateway.envoyproxy.io/owning-gateway-name: public"},
	} {
		for _, w := range wants {
			if !strings.Contains(tree[file], w) {
				t.Errorf("%s lacks %q:\n%s", file, w, tree[file])
			}
		}
	}
}
