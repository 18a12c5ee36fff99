package generate_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

// routeRef is one parentRef and the backendRefs of one route.
type routeRef struct {
	where    string
	hosts    []gwv1.Hostname
	parents  []gwv1.ParentReference
	backends []gwv1.BackendRef
	redirect bool
}

func (b *base) routes() []routeRef {
	var out []routeRef
	for _, r := range b.httpRoutes {
		rr := routeRef{where: "HTTPRoute " + r.Name, hosts: r.Spec.Hostnames, parents: r.Spec.ParentRefs}
		for _, rule := range r.Spec.Rules {
			for _, be := range rule.BackendRefs {
				rr.backends = append(rr.backends, be.BackendRef)
			}
			for _, f := range rule.Filters {
				rr.redirect = rr.redirect || f.Type == gwv1.HTTPRouteFilterRequestRedirect
			}
		}
		out = append(out, rr)
	}
	for _, r := range b.grpcRoutes {
		rr := routeRef{where: "GRPCRoute " + r.Name, hosts: r.Spec.Hostnames, parents: r.Spec.ParentRefs}
		for _, rule := range r.Spec.Rules {
			for _, be := range rule.BackendRefs {
				rr.backends = append(rr.backends, be.BackendRef)
			}
		}
		out = append(out, rr)
	}
	return out
}

// checkGatewayInvariants asserts what must hold for every Gateway API
// base: every backendRef resolves to a Service port whose targetPort names
// a container port; every route names its Gateway's namespace and
// listener; every HTTPS listener terminates TLS with a certificate for its
// hostname; plain HTTP only redirects for TLS hosts; and the data plane is
// admitted into exactly the routed tiers, on exactly the routed pod ports.
func checkGatewayInvariants(t reporter, a *spec.App, b *base) {
	t.Helper()
	if a.Gateway == nil {
		if len(b.gateways)+len(b.httpRoutes)+len(b.grpcRoutes) > 0 {
			t.Errorf("no gateway in the spec, but Gateway API objects in the base")
		}
		return
	}
	routes := b.routes()
	if len(routes) == 0 {
		t.Errorf("the base has no route")
	}
	if a.Gateway.Own() != (len(b.gateways) == 1) {
		t.Errorf("own Gateway %v, but %d Gateways in the base", a.Gateway.Own(), len(b.gateways))
	}
	listeners := map[string]gwv1.Listener{}
	tlsHosts := map[gwv1.Hostname]bool{}
	for _, gw := range b.gateways {
		for _, l := range gw.Spec.Listeners {
			listeners[string(l.Name)] = l
			if l.Protocol != gwv1.HTTPSProtocolType {
				if l.TLS != nil {
					t.Errorf("Gateway %s: %s listener %s has tls", gw.Name, l.Protocol, l.Name)
				}
				continue
			}
			if l.Hostname == nil || l.TLS == nil || l.TLS.Mode == nil || *l.TLS.Mode != gwv1.TLSModeTerminate || len(l.TLS.CertificateRefs) == 0 {
				t.Errorf("Gateway %s: HTTPS listener %s lacks a hostname, Terminate mode or a certificateRef: %+v", gw.Name, l.Name, l.TLS)
				continue
			}
			tlsHosts[*l.Hostname] = true
			for _, c := range l.TLS.CertificateRefs {
				if c.Namespace != nil && string(*c.Namespace) != gw.Namespace {
					t.Errorf("Gateway %s: listener %s names a Secret in namespace %s", gw.Name, l.Name, *c.Namespace)
				}
			}
		}
	}
	routed := map[string]map[string]bool{} // tier -> pod port names
	for _, r := range routes {
		if len(r.parents) == 0 {
			t.Errorf("%s has no parentRef", r.where)
		}
		for _, p := range r.parents {
			if p.SectionName == nil || p.Namespace == nil {
				t.Errorf("%s: parentRef %s has no sectionName or namespace", r.where, p.Name)
				continue
			}
			if string(p.Name) != a.GatewayName() || string(*p.Namespace) != a.GatewayNamespace() {
				t.Errorf("%s: parentRef %s/%s, want %s/%s", r.where, *p.Namespace, p.Name, a.GatewayNamespace(), a.GatewayName())
			}
			if !a.Gateway.Own() {
				continue
			}
			l, ok := listeners[string(*p.SectionName)]
			switch {
			case !ok:
				t.Errorf("%s: sectionName %s names no listener of the Gateway", r.where, *p.SectionName)
			case l.Protocol == gwv1.HTTPProtocolType && !r.redirect && slices.ContainsFunc(r.hosts, func(h gwv1.Hostname) bool { return tlsHosts[h] }):
				t.Errorf("%s serves TLS hosts %v over plain HTTP", r.where, r.hosts)
			case l.Hostname != nil && !slices.Equal(r.hosts, []gwv1.Hostname{*l.Hostname}):
				t.Errorf("%s: hostnames %v do not match listener %s's %s", r.where, r.hosts, l.Name, *l.Hostname)
			}
		}
		for _, be := range r.backends {
			if be.Port == nil {
				t.Errorf("%s: backendRef %s has no port", r.where, be.Name)
				continue
			}
			i := slices.IndexFunc(b.services, func(s corev1.Service) bool { return s.Name == string(be.Name) })
			if i < 0 {
				t.Errorf("%s: backendRef Service %q does not exist", r.where, be.Name)
				continue
			}
			j := slices.IndexFunc(b.services[i].Spec.Ports, func(sp corev1.ServicePort) bool { return sp.Port == int32(*be.Port) })
			if j < 0 {
				t.Errorf("%s: backendRef %s port %d is not a Service port", r.where, be.Name, *be.Port)
				continue
			}
			target := b.services[i].Spec.Ports[j].TargetPort.StrVal
			if d := b.deployment(string(be.Name)); d == nil || containerPort(d, target) == nil {
				t.Errorf("%s: backendRef %s:%d reaches targetPort %q, which names no container port", r.where, be.Name, *be.Port, target)
				continue
			}
			if routed[string(be.Name)] == nil {
				routed[string(be.Name)] = map[string]bool{}
			}
			routed[string(be.Name)][target] = true
		}
	}
	// The data-plane peer (namespace AND labels in one element) is in
	// exactly the routed tiers' policies, on exactly the routed pod ports.
	dp := a.Gateway.DataPlane
	admitted := map[string]map[string]bool{}
	for _, p := range b.policies {
		if p.Name == spec.GatewayPolicyName || p.Name == generate.PolicyACMESolver {
			continue
		}
		for _, rule := range p.Spec.Ingress {
			if !slices.ContainsFunc(rule.From, func(peer networkingv1.NetworkPolicyPeer) bool {
				return peer.NamespaceSelector != nil && peer.PodSelector != nil &&
					selects(t, peer.NamespaceSelector, map[string]string{generate.LabelNamespace: dp.Namespace}) &&
					selects(t, peer.PodSelector, dp.PodLabels)
			}) {
				continue
			}
			if admitted[p.Name] == nil {
				admitted[p.Name] = map[string]bool{}
			}
			for _, port := range rule.Ports {
				admitted[p.Name][port.Port.String()] = true
			}
		}
	}
	if showPorts(routed) != showPorts(admitted) {
		t.Errorf("data plane admitted on %s, want the routed pod ports %s", showPorts(admitted), showPorts(routed))
	}
	hasPolicy := slices.ContainsFunc(b.policies, func(p networkingv1.NetworkPolicy) bool { return p.Name == spec.GatewayPolicyName })
	if hasPolicy != a.DataPlaneInApp() {
		t.Errorf("data plane in the app's namespace %v, but its policy present %v", a.DataPlaneInApp(), hasPolicy)
	}
}

// showPorts writes a tier -> ports map in a stable order.
func showPorts(m map[string]map[string]bool) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s:%s", k, strings.Join(slices.Sorted(maps.Keys(m[k])), "+")))
	}
	return strings.Join(parts, " ")
}

// TestGatewayInvariants checks every golden case against them.
func TestGatewayInvariants(t *testing.T) {
	n := 0
	for _, c := range goldenCases(t) {
		if c.app.Gateway != nil {
			n++
		}
		t.Run(c.name, func(t *testing.T) {
			checkGatewayInvariants(t, c.app, decodeBase(t, render(t, c.app)))
		})
	}
	if n < 6 {
		t.Errorf("%d Gateway golden cases, want one per preset and model (at least 6)", n)
	}
}

// TestGatewayInvariantsCatchDefects breaks a correct base in the ways
// peers' Gateway API manifests break, and wants each reported.
func TestGatewayInvariantsCatchDefects(t *testing.T) {
	cases := map[string]goldenCase{}
	for _, x := range goldenCases(t) {
		cases[x.name] = x
	}
	defects := []struct {
		name, golden string
		breakIt      func(b *base)
	}{
		{"no sectionName", "gateway-istio-own", func(b *base) { b.httpRoutes[0].Spec.ParentRefs[0].SectionName = nil }},
		{"no parent namespace", "gateway-envoy-shared", func(b *base) { b.httpRoutes[0].Spec.ParentRefs[0].Namespace = nil }},
		{"backendRef on the pod port", "gateway-istio-own", func(b *base) { *b.httpRoutes[0].Spec.Rules[0].BackendRefs[0].Port = 8080 }},
		{"backendRef to a missing Service", "gateway-envoy-shared", func(b *base) { b.httpRoutes[0].Spec.Rules[0].BackendRefs[0].Name = "frontent" }},
		{"HTTPS listener without certificate", "gateway-traefik-own", func(b *base) { b.gateways[0].Spec.Listeners[1].TLS.CertificateRefs = nil }},
		{"app route on plain HTTP", "gateway-istio-own", func(b *base) {
			*b.httpRoutes[0].Spec.ParentRefs[0].SectionName = gwv1.SectionName(spec.ListenerHTTP)
		}},
		{"data plane admitted to an unrouted tier", "gateway-istio-own", func(b *base) {
			for i := range b.policies {
				if b.policies[i].Name == "db" {
					b.policies[i].Spec.Ingress = append(b.policies[i].Spec.Ingress, b.policyOf("web").Spec.Ingress...)
				}
			}
		}},
		{"data plane not admitted", "gateway-kgateway-shared", func(b *base) { b.policyOf("ledger").Spec.Ingress = nil }},
		{"data plane as two peers (OR)", "gateway-envoy-shared", func(b *base) {
			r := &b.policyOf("frontend").Spec.Ingress[0]
			peer := r.From[0]
			r.From = []networkingv1.NetworkPolicyPeer{{NamespaceSelector: peer.NamespaceSelector}, {PodSelector: peer.PodSelector}}
		}},
		{"no data-plane policy", "gateway-nginx-self-signed", func(b *base) {
			b.policies = slices.DeleteFunc(b.policies, func(p networkingv1.NetworkPolicy) bool { return p.Name == spec.GatewayPolicyName })
		}},
	}
	for _, d := range defects {
		c, ok := cases[d.golden]
		if !ok {
			t.Fatalf("no golden case %s", d.golden)
		}
		b := decodeBase(t, render(t, c.app))
		d.breakIt(b)
		var r recorder
		checkGatewayInvariants(&r, c.app, b)
		if len(r.errs) == 0 {
			t.Errorf("defect %q was not reported", d.name)
		}
	}
}

func (b *base) policyOf(name string) *networkingv1.NetworkPolicy {
	for i := range b.policies {
		if b.policies[i].Name == name {
			return &b.policies[i]
		}
	}
	return nil
}
