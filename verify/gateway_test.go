package verify_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

// TestGatewayGoldenExact: every Gateway golden case verifies with its spec
// without a finding, and the allowed flows are exactly the declared ones.
func TestGatewayGoldenExact(t *testing.T) {
	specs, _ := filepath.Glob("../golden/gateway-*/kubenetgen.yaml")
	if len(specs) < 6 {
		t.Fatalf("found %d Gateway golden cases, want at least 6", len(specs))
	}
	for _, p := range specs {
		a := loadSpec(t, p)
		r := verify.Verify("base", verify.FromObjects("base", generate.Build(a)), verify.Options{}, a)
		if r.Failed() || len(r.Findings) > 0 {
			t.Errorf("%s:\n%s", p, report(r))
		}
	}
}

// TestGatewayMutations seeds one Gateway API defect at a time into the
// own-Gateway golden case; verify with the spec must fail and say what is
// wrong.
func TestGatewayMutations(t *testing.T) {
	a := loadSpec(t, "../golden/gateway-istio-own/kubenetgen.yaml")
	tests := []struct {
		name   string
		mutate func(g *generate.GatewayObjects, o *generate.Objects)
		want   []string
	}{
		{"backendRef to a missing Service", func(g *generate.GatewayObjects, _ *generate.Objects) {
			g.HTTPRoutes[0].Spec.Rules[0].BackendRefs[0].Name = "wbe"
		}, []string{`"wbe" is not a Service in namespace shop-prod`}},
		{"backendRef on the pod port", func(g *generate.GatewayObjects, _ *generate.Objects) {
			*g.HTTPRoutes[0].Spec.Rules[0].BackendRefs[0].Port = 8080
		}, []string{"8080 is not a port of Service web", "the pod port behind Service port 80"}},
		{"route without sectionName", func(g *generate.GatewayObjects, _ *generate.Objects) {
			g.HTTPRoutes[0].Spec.ParentRefs[0].SectionName = nil
		}, []string{"the plain HTTP one too"}},
		{"HTTPS listener without certificate", func(g *generate.GatewayObjects, _ *generate.Objects) {
			g.Gateway.Spec.Listeners[1].TLS.CertificateRefs = nil
		}, []string{"is HTTPS without a certificate"}},
		{"hostnames that do not meet", func(g *generate.GatewayObjects, _ *generate.Objects) {
			g.HTTPRoutes[0].Spec.Hostnames = []gwv1.Hostname{"shop.example.net"}
		}, []string{"do not meet listener https-shop.example.com"}},
		{"data plane not admitted", func(_ *generate.GatewayObjects, o *generate.Objects) {
			for i := range o.Tiers {
				if o.Tiers[i].Tier.Name == "web" {
					o.Tiers[i].Policy.Spec.Ingress = nil
					o.Tiers[i].Policy.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
				}
			}
		}, []string{"Missing", "[gateway-data-plane] → shop-prod/web: http 8080/TCP"}},
		{"data plane cut off from its control plane", func(g *generate.GatewayObjects, _ *generate.Objects) {
			var kept []networkingv1.NetworkPolicyEgressRule
			for _, r := range g.Policy.Spec.Egress {
				if r.Ports[0].Port.IntValue() != 15012 {
					kept = append(kept, r)
				}
			}
			g.Policy.Spec.Egress = kept
		}, []string{"Missing", "[gateway-data-plane] → [gateway-control-plane]: xds 15012/TCP"}},
		{"data plane open to pods", func(g *generate.GatewayObjects, _ *generate.Objects) {
			g.Policy.Spec.Ingress[0].From = nil
		}, []string{"Extra", "→ [gateway-data-plane]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := generate.BuildObjects(a)
			tt.mutate(o.Gateway, o)
			r := verify.Verify("base", verify.FromObjects("base", o.List()), verify.Options{}, a)
			text := report(r)
			if !r.Failed() {
				t.Errorf("verify passed:\n%s", text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("report lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

// TestMigratedIngressKeepsItsFlows: moving an Ingress spec to Gateway API
// (what --gateway-class does) keeps every allowed flow, with the Gateway's
// data plane where the ingress controller was, and both verify exactly.
func TestMigratedIngressKeepsItsFlows(t *testing.T) {
	flows := func(a *spec.App) []string {
		t.Helper()
		r := verify.Verify("base", verify.FromObjects("base", generate.Build(a)), verify.Options{}, a)
		if r.Failed() || len(r.Findings) > 0 {
			t.Fatalf("%s", report(r))
		}
		var out []string
		for _, f := range r.Flows {
			s := strings.ReplaceAll(verify.FormatFlow(f), "[ingress-controller]", "[entry]")
			out = append(out, strings.ReplaceAll(s, "[gateway-data-plane]", "[entry]"))
		}
		return out
	}
	a := loadSpec(t, "../golden/three-tier-tls/kubenetgen.yaml")
	before := flows(a)
	m := loadSpec(t, "../golden/three-tier-tls/kubenetgen.yaml")
	m.Gateway = &spec.Gateway{Class: "envoy-gateway"}
	appflags.MigrateIngress(m)
	spec.Default(m)
	if ps := spec.Validate(m); ps != nil {
		t.Fatalf("the migrated spec is invalid:\n%v", ps)
	}
	after := flows(m)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("flows changed by the migration (-Ingress +Gateway):\n%s", diff)
	}
	if !slices.ContainsFunc(after, func(s string) bool { return strings.HasPrefix(s, "[entry] →") }) {
		t.Errorf("no flow from the entry: %v", after)
	}
}
