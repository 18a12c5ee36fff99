package appflags

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/spec"
)

// applyTo parses args and lays them over a, as the commands do.
func applyTo(t *testing.T, a *spec.App, args ...string) error {
	t.Helper()
	v, fs := parse(t, args...)
	return v.Apply(fs, a)
}

// TestGatewayFlags: each Gateway API flag lands in its spec field.
func TestGatewayFlags(t *testing.T) {
	a := &spec.App{}
	err := applyTo(t, a, "--gateway-class", "envoy-gateway", "--gateway", "public/gateways", "--listener", "https-shop",
		"--rule", "shop.example.com/=web:http", "--data-plane-ns", "eg")
	if err != nil {
		t.Fatal(err)
	}
	want := &spec.Gateway{
		Class:  "envoy-gateway",
		Attach: &spec.GatewayRef{Name: "public", Namespace: "gateways", Listener: "https-shop"},
		// The preset's labels stay: only the namespace was given.
		DataPlane: &spec.Controller{Namespace: "eg", PodLabels: map[string]string{
			spec.LabelEnvoyOwningName: "public", spec.LabelEnvoyOwningNS: "gateways",
		}},
		Routes: []spec.Rule{{Host: "shop.example.com", Path: "/", Tier: "web", Port: "http"}},
	}
	if diff := cmp.Diff(want, a.Gateway); diff != "" {
		t.Errorf("gateway (-want +got):\n%s", diff)
	}
	if a.Ingress != nil {
		t.Errorf("--rule made an Ingress beside the gateway: %+v", a.Ingress)
	}
}

// TestGatewayClassMigratesIngress: --gateway-class moves a spec's Ingress
// to Gateway API with the same hosts, paths and TLS, in one flag.
func TestGatewayClassMigratesIngress(t *testing.T) {
	a := &spec.App{Ingress: &spec.Ingress{Class: "nginx", TLSIssuer: "le", Rules: []spec.Rule{
		{Host: "shop.example.com", Path: "/", Tier: "web", Port: "http", TLS: "shop-tls"},
		{Host: "shop.example.com", Path: "/api", PathType: "Exact", Tier: "api", Port: "9090"},
	}}}
	if err := applyTo(t, a, "--gateway-class", "istio"); err != nil {
		t.Fatal(err)
	}
	want := &spec.Gateway{Class: "istio", TLSIssuer: "le", Routes: []spec.Rule{
		{Host: "shop.example.com", Path: "/", Tier: "web", Port: "http", TLS: "shop-tls"},
		{Host: "shop.example.com", Path: "/api", PathType: "Exact", Tier: "api", Port: "9090", TLS: "shop-tls"},
	}}
	if diff := cmp.Diff(want, a.Gateway); diff != "" {
		t.Errorf("gateway (-want +got):\n%s", diff)
	}
	if a.Ingress != nil {
		t.Errorf("the Ingress stayed: %+v", a.Ingress)
	}
}

// TestGatewayFlagErrors: bad values name the flag and what is allowed.
func TestGatewayFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--gateway", "a/b/c"}, "--gateway \"a/b/c\": want NAME or NAME/NAMESPACE"},
		{[]string{"--gateway-class", "istio", "--listener", "https"}, "give --gateway NAME[/NAMESPACE] too"},
		{[]string{"--gateway-class", "none", "--gateway", "x"}, "drops the gateway"},
	} {
		err := applyTo(t, &spec.App{}, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q: error %v, want one saying %q", c.args, err, c.says)
		}
	}
}

// TestControlPlaneFlags: the control-plane flags start from the preset's
// control plane and change only what they name; a class with no preset
// takes all three.
func TestControlPlaneFlags(t *testing.T) {
	a := &spec.App{Name: "shop", Namespace: "shop"}
	if err := applyTo(t, a, "--gateway-class", "istio", "--rule", "shop.example.com/=web:http",
		"--control-plane-labels", "app=istiod,istio.io/rev=canary"); err != nil {
		t.Fatal(err)
	}
	want := &spec.ControlPlane{Namespace: "istio-system", PodLabels: map[string]string{"app": "istiod", "istio.io/rev": "canary"}, Port: 15012}
	if diff := cmp.Diff(want, a.Gateway.ControlPlane); diff != "" {
		t.Errorf("istio control plane (-want +got):\n%s", diff)
	}

	a = &spec.App{Name: "shop", Namespace: "shop"}
	if err := applyTo(t, a, "--gateway-class", "acme", "--rule", "shop.example.com/=web:http",
		"--data-plane-ns", "shop", "--data-plane-labels", "app=acme-proxy",
		"--control-plane-ns", "acme-system", "--control-plane-labels", "app=acme-ctl", "--control-plane-port", "18000"); err != nil {
		t.Fatal(err)
	}
	want = &spec.ControlPlane{Namespace: "acme-system", PodLabels: map[string]string{"app": "acme-ctl"}, Port: 18000}
	if diff := cmp.Diff(want, a.Gateway.ControlPlane); diff != "" {
		t.Errorf("custom control plane (-want +got):\n%s", diff)
	}
}
