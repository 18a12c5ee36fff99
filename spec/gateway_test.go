package spec_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/spec"
)

const gatewayBase = `
name: shop
tiers:
  - name: web
    image: web:1
    ports: [{name: http, port: 8080}, {name: grpc, port: 9000}]
  - name: worker
    image: worker:1
    ports: [{name: metrics, port: 9100, protocol: UDP}]
`

// TestGatewayProblems wants each bad gateway section reported at its field
// with what is allowed.
func TestGatewayProblems(t *testing.T) {
	cases := []struct {
		name, gateway, field, says string
	}{
		{"both entries", "ingress: {class: traefik, rules: [{tier: web, port: http}]}\ngateway: {class: istio, routes: [{tier: web, port: http}]}", "gateway", "not both"},
		{"no class", "gateway: {routes: [{tier: web, port: http}]}", "gateway.class", "is required"},
		{"cilium refused", "gateway: {class: cilium, routes: [{tier: web, port: http}]}", "gateway.class", "CiliumNetworkPolicy"},
		{"custom without data plane", "gateway: {class: acme, routes: [{tier: web, port: http}]}", "gateway.dataPlane", "is required for class"},
		{"no routes", "gateway: {class: istio, routes: []}", "gateway.routes", "is empty"},
		{"tls without host", "gateway: {class: istio, routes: [{tier: web, port: http, tls: t}]}", "gateway.routes[0].tls", "without a host"},
		{"tls on shared", "gateway: {class: istio, attach: {name: gw, namespace: infra}, routes: [{host: a.example.com, tier: web, port: http, tls: t}]}", "gateway.routes[0].tls", "shared Gateway"},
		{"issuer on shared", "gateway: {class: istio, tlsIssuer: le, attach: {name: gw, namespace: infra}, routes: [{tier: web, port: http}]}", "gateway.tlsIssuer", "shared Gateway"},
		{"host half plain", "gateway: {class: istio, routes: [{host: a.example.com, tier: web, port: http, tls: t}, {host: a.example.com, path: /x, tier: web, port: http}]}", "gateway.routes[1].tls", "is empty"},
		{"plain then tls", "gateway: {class: istio, routes: [{host: a.example.com, path: /x, tier: web, port: http}, {host: a.example.com, tier: web, port: http, tls: t}]}", "gateway.routes[1].tls", "without tls"},
		{"regex path type", "gateway: {class: istio, routes: [{tier: web, port: http, pathType: ImplementationSpecific}]}", "gateway.routes[0].pathType", "Prefix, Exact"},
		{"UDP port", "gateway: {class: istio, routes: [{tier: worker, port: metrics}]}", "gateway.routes[0].tier", "no Service"},
		{"grpc path too deep", "gateway: {class: istio, routes: [{tier: web, port: grpc, path: /a/b/c}]}", "gateway.routes[0].path", "/SERVICE/METHOD"},
		{"shared data plane in the app", "gateway: {class: istio, attach: {name: gw}, routes: [{tier: web, port: http}]}", "gateway.dataPlane.namespace", "app's namespace"},
		{"source ranges on shared", "gateway: {class: envoy-gateway, sourceRanges: [10.0.0.0/8], attach: {name: gw, namespace: infra}, routes: [{tier: web, port: http}]}", "gateway.sourceRanges", "shared Gateway"},
		{"bad source range", "gateway: {class: istio, sourceRanges: [nope], routes: [{tier: web, port: http}]}", "gateway.sourceRanges[0]", "not a CIDR"},
		{"custom data plane in the app without control plane", "gateway: {class: acme, dataPlane: {namespace: shop, podLabels: {app: proxy}}, routes: [{tier: web, port: http}]}", "gateway.controlPlane", "is required"},
		{"envoy gateway namespace mode without control plane", "gateway: {class: envoy-gateway, dataPlane: {namespace: shop, podLabels: {gateway.networking.k8s.io/gateway-name: shop}}, routes: [{tier: web, port: http}]}", "gateway.controlPlane", "is required"},
		{"control plane on shared", "gateway: {class: nginx, controlPlane: {namespace: nginx-gateway, podLabels: {a: b}, port: 8443}, attach: {name: gw, namespace: infra}, routes: [{tier: web, port: http}]}", "gateway.controlPlane", "drop it"},
		{"control plane without port", "gateway: {class: istio, controlPlane: {namespace: istio-system, podLabels: {app: istiod}}, routes: [{tier: web, port: http}]}", "gateway.controlPlane.port", "1-65535"},
		{"control plane without labels", "gateway: {class: istio, controlPlane: {namespace: istio-system, port: 15012}, routes: [{tier: web, port: http}]}", "gateway.controlPlane.podLabels", "is required"},
		{"timeout not a duration", "gateway: {class: istio, routes: [{tier: web, port: http, timeout: \"10\"}]}", "gateway.routes[0].timeout", "Gateway API duration"},
		{"timeout in Go's syntax only", "gateway: {class: istio, routes: [{tier: web, port: http, timeout: 1.5s}]}", "gateway.routes[0].timeout", "1m30s"},
		{"backend timeout longer", "gateway: {class: istio, routes: [{tier: web, port: http, timeout: 10s, backendTimeout: 1m}]}", "gateway.routes[0].backendTimeout", "at most 10s"},
		{"timeout on gRPC", "gateway: {class: istio, routes: [{tier: web, port: grpc, timeout: 10s}]}", "gateway.routes[0].timeout", "GRPCRoute"},
		{"timeout on Ingress", "ingress: {class: traefik, rules: [{tier: web, port: http, backendTimeout: 5s}]}", "ingress.rules[0].backendTimeout", "no standard timeouts"},
		{"bad listener", "gateway: {class: envoy-gateway, attach: {name: gw, namespace: infra, listener: HTTPS}, routes: [{tier: web, port: http}]}", "gateway.attach.listener", "listener name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := gatewayBase + c.gateway + "\n"
			if strings.Contains(c.name, "UDP") {
				text = strings.Replace(text, "name: worker\n    image: worker:1\n", "name: worker\n    image: worker:1\n    expose: none\n", 1)
			}
			a := load(t, text)
			spec.Default(a)
			ps := spec.Validate(a)
			for _, p := range ps {
				if p.Field == c.field && strings.Contains(p.Message, c.says) {
					return
				}
			}
			t.Errorf("want a problem at %s saying %q, got:\n%v", c.field, c.says, ps)
		})
	}
}

// TestGatewayPresetsFillDataPlane checks the data plane each preset
// derives for each ownership model.
func TestGatewayPresetsFillDataPlane(t *testing.T) {
	cases := []struct{ gateway, ns, labels string }{
		{"{class: istio}", "shop", "gateway.networking.k8s.io/gateway-name=shop"},
		{"{class: nginx, attach: {name: edge, namespace: infra}}", "infra", "gateway.networking.k8s.io/gateway-name=edge"},
		{"{class: kgateway, attach: {name: edge, namespace: infra}}", "infra", "gateway.networking.k8s.io/gateway-name=edge"},
		{"{class: envoy-gateway, attach: {name: edge, namespace: infra}}", "envoy-gateway-system", "gateway.envoyproxy.io/owning-gateway-name=edge,gateway.envoyproxy.io/owning-gateway-namespace=infra"},
		{"{class: envoy-gateway}", "envoy-gateway-system", "gateway.envoyproxy.io/owning-gateway-name=shop,gateway.envoyproxy.io/owning-gateway-namespace=shop"},
		{"{class: traefik}", "traefik", "app.kubernetes.io/name=traefik"},
	}
	for _, c := range cases {
		a := load(t, gatewayBase+"gateway: "+strings.TrimSuffix(c.gateway, "}")+", routes: [{tier: web, port: http}]}\n")
		spec.Default(a)
		if ps := spec.Validate(a); ps != nil {
			t.Errorf("%s: %v", c.gateway, ps)
			continue
		}
		dp := a.Gateway.DataPlane
		pairs := labelPairs(dp.PodLabels)
		if dp.Namespace != c.ns || strings.Join(pairs, ",") != c.labels {
			t.Errorf("%s: data plane %s %v, want %s %s", c.gateway, dp.Namespace, pairs, c.ns, c.labels)
		}
	}
}

// labelPairs are a label map's k=v pairs, sorted.
func labelPairs(m map[string]string) []string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		pairs = append(pairs, k+"="+m[k])
	}
	return pairs
}

// TestGatewayPresetsFillControlPlane checks the control plane each preset
// derives: only when its data plane runs in the app's namespace (an own
// Gateway of a GEP-1762 implementation), as read from its source.
func TestGatewayPresetsFillControlPlane(t *testing.T) {
	cases := []struct{ gateway, want string }{
		{"{class: istio}", "istio-system app=istiod 15012"},
		{"{class: nginx}", "nginx-gateway app.kubernetes.io/name=nginx-gateway 8443"},
		{"{class: kgateway}", "kgateway-system app.kubernetes.io/name=kgateway 9977"},
		{"{class: istio, controlPlane: {namespace: istio-canary, podLabels: {app: istiod, istio.io/rev: canary}, port: 15012}}", "istio-canary app=istiod,istio.io/rev=canary 15012"},
		{"{class: istio, attach: {name: edge, namespace: infra}}", "none"},
		{"{class: envoy-gateway}", "none"},
		{"{class: traefik}", "none"},
	}
	for _, c := range cases {
		a := load(t, gatewayBase+"gateway: "+strings.TrimSuffix(c.gateway, "}")+", routes: [{tier: web, port: http}]}\n")
		spec.Default(a)
		if ps := spec.Validate(a); ps != nil {
			t.Errorf("%s: %v", c.gateway, ps)
			continue
		}
		got := "none"
		if cp := a.Gateway.ControlPlane; cp != nil {
			got = fmt.Sprintf("%s %s %d", cp.Namespace, strings.Join(labelPairs(cp.PodLabels), ","), cp.Port)
		}
		if got != c.want {
			t.Errorf("%s: control plane %s, want %s", c.gateway, got, c.want)
		}
	}
}
