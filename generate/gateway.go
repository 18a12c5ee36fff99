package generate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/kubenetgen/kubenetgen/internal/wellknown"
	"github.com/kubenetgen/kubenetgen/spec"
)

// GatewayFile is the base's file of Gateway API objects.
const GatewayFile = "gateway.yaml"

// Ports of the own Gateway's listeners.
const (
	GatewayHTTPPort  = 80
	GatewayHTTPSPort = 443
)

// GatewayObjects are the Gateway API objects of an app: its own Gateway
// (nil when the routes attach to a shared one), the routes, and the policy
// of an own Gateway's data plane that runs in the app's namespace.
type GatewayObjects struct {
	Gateway    *gwv1.Gateway
	HTTPRoutes []*gwv1.HTTPRoute
	GRPCRoutes []*gwv1.GRPCRoute
	// Policy admits outside clients into the data-plane pods and lets them
	// reach the routed tiers, when those pods run under the app's
	// default-deny (GEP-1762 in-cluster deployment in the app's
	// namespace); nil otherwise.
	Policy *networkingv1.NetworkPolicy
	// AnySource is set when Policy admits any outside address.
	AnySource bool
}

// List returns the Gateway API objects in apply order (the policy is
// listed with the namespace-wide ones).
func (g *GatewayObjects) List() []runtime.Object {
	var out []runtime.Object
	if g.Gateway != nil {
		out = append(out, g.Gateway)
	}
	for _, r := range g.HTTPRoutes {
		out = append(out, r)
	}
	for _, r := range g.GRPCRoutes {
		out = append(out, r)
	}
	return out
}

// routeGroup is the routes of one host that share one listener and kind.
type routeGroup struct {
	host     string
	listener string
	grpc     bool
	rules    []spec.Rule
}

// gatewayObjects builds the Gateway API objects of the app.
func (b *builder) gatewayObjects() *GatewayObjects {
	a := b.app
	g := a.Gateway
	o := &GatewayObjects{}
	var groups []*routeGroup
	index := map[string]*routeGroup{}
	for _, r := range g.Routes {
		t := a.Tier(r.Tier)
		p := t.Port(r.Port)
		listener := spec.ListenerHTTP
		switch {
		case !g.Own():
			listener = g.Attach.Listener
		case r.TLS != "":
			listener = spec.HTTPSListener(r.Host)
		}
		grpc := spec.GRPCPort(p)
		key := fmt.Sprintf("%s %s %t", r.Host, listener, grpc)
		gr, ok := index[key]
		if !ok {
			gr = &routeGroup{host: r.Host, listener: listener, grpc: grpc}
			index[key] = gr
			groups = append(groups, gr)
		}
		gr.rules = append(gr.rules, r)
	}
	nHTTP, nGRPC := 0, 0
	for _, gr := range groups {
		if gr.grpc {
			nGRPC++
			o.GRPCRoutes = append(o.GRPCRoutes, b.grpcRoute(routeName(a.Name, "grpc", nGRPC), gr))
		} else {
			nHTTP++
			o.HTTPRoutes = append(o.HTTPRoutes, b.httpRoute(routeName(a.Name, "", nHTTP), gr))
		}
	}
	if g.Own() {
		o.Gateway = b.gateway()
		if r := b.redirectRoute(); r != nil {
			o.HTTPRoutes = append(o.HTTPRoutes, r)
		}
	}
	if a.DataPlaneInApp() {
		o.Policy, o.AnySource = b.dataPlanePolicy()
	}
	return o
}

// routeName names the n-th route of a kind: app, app-2, … for HTTP,
// app-grpc, app-grpc-2, … for gRPC.
func routeName(app, kind string, n int) string {
	name := app
	if kind != "" {
		name += "-" + kind
	}
	if n > 1 {
		name += fmt.Sprintf("-%d", n)
	}
	return name
}

// RedirectRouteName is the own Gateway's route that sends plain HTTP to
// HTTPS.
func RedirectRouteName(app string) string { return app + "-https-redirect" }

func (b *builder) parentRef(listener string) gwv1.ParentReference {
	// Name, namespace and sectionName always: a route never lands on a
	// listener it was not meant for, nor on a Gateway of the same name in
	// another namespace.
	return gwv1.ParentReference{
		Group:       ptr(gwv1.Group(gwv1.GroupName)),
		Kind:        ptr(gwv1.Kind("Gateway")),
		Name:        gwv1.ObjectName(b.app.GatewayName()),
		Namespace:   ptr(gwv1.Namespace(b.app.GatewayNamespace())),
		SectionName: ptr(gwv1.SectionName(listener)),
	}
}

func (b *builder) routeMeta(name string) metav1.ObjectMeta {
	m := b.meta(name)
	m.Labels = map[string]string{LabelName: b.app.Name}
	return m
}

// backendRef is a route's reference to a tier's Service: the port is the
// Service port (policies use the pod port).
//
// Every field the CRDs default is written out (here, in parentRefs, in
// certificateRefs and in the redirect's match): kubectl's client-side
// apply replaces whole lists of a custom resource, so a list the server
// completed would read as changed on every apply.
func (b *builder) backendRef(r spec.Rule) gwv1.BackendRef {
	p := b.app.Tier(r.Tier).Port(r.Port)
	return gwv1.BackendRef{
		BackendObjectReference: gwv1.BackendObjectReference{
			Group: ptr(gwv1.Group("")),
			Kind:  ptr(gwv1.Kind("Service")),
			Name:  gwv1.ObjectName(r.Tier),
			Port:  ptr(gwv1.PortNumber(p.ServicePort)),
		},
		Weight: ptr(int32(1)),
	}
}

func hostnames(host string) []gwv1.Hostname {
	if host == "" {
		return nil
	}
	return []gwv1.Hostname{gwv1.Hostname(host)}
}

func (b *builder) httpRoute(name string, gr *routeGroup) *gwv1.HTTPRoute {
	r := &gwv1.HTTPRoute{
		TypeMeta:   typeMeta(gwv1.GroupVersion.String(), "HTTPRoute"),
		ObjectMeta: b.routeMeta(name),
	}
	r.Spec.ParentRefs = []gwv1.ParentReference{b.parentRef(gr.listener)}
	r.Spec.Hostnames = hostnames(gr.host)
	for _, sr := range gr.rules {
		match := gwv1.PathMatchPathPrefix
		if sr.PathType == "Exact" {
			match = gwv1.PathMatchExact
		}
		rule := gwv1.HTTPRouteRule{
			Matches:     []gwv1.HTTPRouteMatch{{Path: &gwv1.HTTPPathMatch{Type: ptr(match), Value: ptr(sr.Path)}}},
			BackendRefs: []gwv1.HTTPBackendRef{{BackendRef: b.backendRef(sr)}},
		}
		if sr.Timeout != "" || sr.BackendTimeout != "" {
			rule.Timeouts = &gwv1.HTTPRouteTimeouts{}
			if sr.Timeout != "" {
				rule.Timeouts.Request = ptr(gwv1.Duration(sr.Timeout))
			}
			if sr.BackendTimeout != "" {
				rule.Timeouts.BackendRequest = ptr(gwv1.Duration(sr.BackendTimeout))
			}
		}
		r.Spec.Rules = append(r.Spec.Rules, rule)
	}
	return r
}

// grpcMatch turns a route path into a gRPC method match: / matches every
// method, /SERVICE a service, /SERVICE/METHOD one method.
func grpcMatch(path string) []gwv1.GRPCRouteMatch {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if parts[0] == "" {
		return nil
	}
	m := &gwv1.GRPCMethodMatch{Type: ptr(gwv1.GRPCMethodMatchExact), Service: ptr(parts[0])}
	if len(parts) > 1 && parts[1] != "" {
		m.Method = ptr(parts[1])
	}
	return []gwv1.GRPCRouteMatch{{Method: m}}
}

func (b *builder) grpcRoute(name string, gr *routeGroup) *gwv1.GRPCRoute {
	r := &gwv1.GRPCRoute{
		TypeMeta:   typeMeta(gwv1.GroupVersion.String(), "GRPCRoute"),
		ObjectMeta: b.routeMeta(name),
	}
	r.Spec.ParentRefs = []gwv1.ParentReference{b.parentRef(gr.listener)}
	r.Spec.Hostnames = hostnames(gr.host)
	for _, sr := range gr.rules {
		r.Spec.Rules = append(r.Spec.Rules, gwv1.GRPCRouteRule{
			Matches:     grpcMatch(sr.Path),
			BackendRefs: []gwv1.GRPCBackendRef{{BackendRef: b.backendRef(sr)}},
		})
	}
	return r
}

// gateway is the app's own Gateway: a plain HTTP listener, and one HTTPS
// listener per TLS host that terminates TLS with the host's Secret (in the
// Gateway's namespace, so no ReferenceGrant is needed). Every HTTPS
// listener has a hostname, Terminate mode and a certificateRef, which is
// what cert-manager needs to issue its certificate. Every listener admits
// routes of the app's namespace only.
func (b *builder) gateway() *gwv1.Gateway {
	a := b.app
	same := &gwv1.AllowedRoutes{Namespaces: &gwv1.RouteNamespaces{From: ptr(gwv1.NamespacesFromSame)}}
	gw := &gwv1.Gateway{
		TypeMeta:   typeMeta(gwv1.GroupVersion.String(), "Gateway"),
		ObjectMeta: b.routeMeta(a.Name),
	}
	gw.Spec.GatewayClassName = gwv1.ObjectName(a.Gateway.ClassName)
	if a.Gateway.TLSIssuer != "" {
		gw.Annotations = map[string]string{AnnotationIssuer: a.Gateway.TLSIssuer}
	}
	gw.Spec.Listeners = []gwv1.Listener{{
		Name: spec.ListenerHTTP, Port: GatewayHTTPPort, Protocol: gwv1.HTTPProtocolType, AllowedRoutes: same,
	}}
	for _, host := range tlsHosts(a) {
		gw.Spec.Listeners = append(gw.Spec.Listeners, gwv1.Listener{
			Name:     gwv1.SectionName(spec.HTTPSListener(host.host)),
			Hostname: ptr(gwv1.Hostname(host.host)),
			Port:     GatewayHTTPSPort,
			Protocol: gwv1.HTTPSProtocolType,
			TLS: &gwv1.ListenerTLSConfig{
				Mode:            ptr(gwv1.TLSModeTerminate),
				CertificateRefs: []gwv1.SecretObjectReference{{Group: ptr(gwv1.Group("")), Kind: ptr(gwv1.Kind("Secret")), Name: gwv1.ObjectName(host.secret)}},
			},
			AllowedRoutes: same,
		})
	}
	return gw
}

type hostSecret struct{ host, secret string }

// tlsHosts are the own Gateway's TLS hosts with their Secrets, in route
// order.
func tlsHosts(a *spec.App) []hostSecret {
	var out []hostSecret
	for _, r := range a.Gateway.Routes {
		if r.TLS != "" && !slices.ContainsFunc(out, func(h hostSecret) bool { return h.host == r.Host }) {
			out = append(out, hostSecret{r.Host, r.TLS})
		}
	}
	return out
}

// redirectRoute sends plain HTTP requests for the TLS hosts to HTTPS with
// a 301; it is the only route of those hosts on the http listener.
func (b *builder) redirectRoute() *gwv1.HTTPRoute {
	hosts := tlsHosts(b.app)
	if len(hosts) == 0 {
		return nil
	}
	r := &gwv1.HTTPRoute{
		TypeMeta:   typeMeta(gwv1.GroupVersion.String(), "HTTPRoute"),
		ObjectMeta: b.routeMeta(RedirectRouteName(b.app.Name)),
	}
	r.Spec.ParentRefs = []gwv1.ParentReference{b.parentRef(spec.ListenerHTTP)}
	for _, h := range hosts {
		r.Spec.Hostnames = append(r.Spec.Hostnames, gwv1.Hostname(h.host))
	}
	r.Spec.Rules = []gwv1.HTTPRouteRule{{
		Matches: []gwv1.HTTPRouteMatch{{Path: &gwv1.HTTPPathMatch{Type: ptr(gwv1.PathMatchPathPrefix), Value: ptr("/")}}},
		Filters: []gwv1.HTTPRouteFilter{{
			Type: gwv1.HTTPRouteFilterRequestRedirect,
			RequestRedirect: &gwv1.HTTPRequestRedirectFilter{
				Scheme:     ptr("https"),
				StatusCode: ptr(301),
			},
		}},
	}}
	return r
}

// GatewayListenerPorts are the ports an own Gateway listens on, which its
// data-plane pods are admitted on from outside: the listener ports, as the
// GEP-1762 implementations kubenetgen knows (Istio, NGINX Gateway Fabric)
// serve them on their pods.
func GatewayListenerPorts(a *spec.App) []int32 {
	if len(tlsHosts(a)) > 0 {
		return []int32{GatewayHTTPPort, GatewayHTTPSPort}
	}
	return []int32{GatewayHTTPPort}
}

// dataPlanePolicy is the policy of an own Gateway's data-plane pods when
// they run in the app's namespace, under its default-deny: outside
// clients in on the listener ports (the source ranges, or any address but
// the pod network), and out to the routed tiers on their pod ports and to
// the control plane it fetches its configuration from (DNS is
// allow-dns's).
func (b *builder) dataPlanePolicy() (*networkingv1.NetworkPolicy, bool) {
	a := b.app
	g := a.Gateway
	p := policy(b.meta(spec.GatewayPolicyName))
	p.Labels = map[string]string{LabelName: a.Name}
	p.Spec.PodSelector = metav1.LabelSelector{MatchLabels: maps.Clone(g.DataPlane.PodLabels)}
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	var peers []networkingv1.NetworkPolicyPeer
	for _, r := range g.SourceRanges {
		peers = append(peers, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: r, Except: within(r, a.Network.PodCIDRs()...)}})
	}
	anySource := len(peers) == 0
	if anySource {
		for _, blk := range a.Network.AnySources() {
			peers = append(peers, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: blk.CIDR, Except: blk.Except}})
		}
	}
	var ports []networkingv1.NetworkPolicyPort
	for _, n := range GatewayListenerPorts(a) {
		port := intstr.FromInt32(n)
		ports = append(ports, networkingv1.NetworkPolicyPort{Protocol: ptr(corev1.ProtocolTCP), Port: &port})
	}
	p.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: peers, Ports: ports}}
	order, routed := RoutedPorts(a)
	for _, t := range order {
		p.Spec.Egress = append(p.Spec.Egress, networkingv1.NetworkPolicyEgressRule{
			To:    []networkingv1.NetworkPolicyPeer{b.podPeer(t)},
			Ports: policyPorts(routed[t]),
		})
	}
	if cp := g.ControlPlane; cp != nil {
		// Without its configuration (xDS, the agent's gRPC) the data
		// plane serves nothing: the first apply would leave the Gateway
		// dead.
		port := intstr.FromInt32(cp.Port)
		p.Spec.Egress = append(p.Spec.Egress, networkingv1.NetworkPolicyEgressRule{
			To:    []networkingv1.NetworkPolicyPeer{entryPeer(&spec.Controller{Namespace: cp.Namespace, PodLabels: cp.PodLabels})},
			Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptr(corev1.ProtocolTCP), Port: &port}},
		})
	}
	if a.HTTP01Solver() {
		// The challenge of cert-manager's ACME server comes through the
		// Gateway, which routes it to the solver pods.
		port := intstr.FromInt32(wellknown.ACMESolverPort)
		p.Spec.Egress = append(p.Spec.Egress, networkingv1.NetworkPolicyEgressRule{
			To:    []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{wellknown.LabelACMESolver: wellknown.ACMESolverValue}}}},
			Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptr(corev1.ProtocolTCP), Port: &port}},
		})
	}
	return p, anySource
}

// gatewayPolicyNotes head network-policies.yaml when the data-plane policy
// admits any outside address.
func gatewayPolicyNotes(a *spec.App, g *GatewayObjects) []string {
	if !g.AnySource {
		return nil
	}
	return []string{
		"NOTE: the Gateway's data plane runs in this namespace and gateway.sourceRanges is empty: " + spec.GatewayPolicyName + " admits any address outside",
		fmt.Sprintf("the pod network (%s). Set gateway.sourceRanges in the spec to narrow it.", a.Network.AnySourceText()),
	}
}

// gatewayFileWhat describes gateway.yaml in the base's README.
func gatewayFileWhat(a *spec.App, g *GatewayObjects) string {
	var parts []string
	if g.Gateway != nil {
		parts = append(parts, "Gateway `"+g.Gateway.Name+"` (class `"+a.Gateway.ClassName+"`)")
	}
	for _, r := range g.HTTPRoutes {
		parts = append(parts, "HTTPRoute `"+r.Name+"`")
	}
	for _, r := range g.GRPCRoutes {
		parts = append(parts, "GRPCRoute `"+r.Name+"`")
	}
	what := strings.Join(parts, ", ")
	if !a.Gateway.Own() {
		what += "; the routes attach to the shared Gateway `" + a.GatewayNamespace() + "/" + a.GatewayName() + "`, listener `" + a.Gateway.Attach.Listener + "`"
	}
	return what
}

// gatewayWhy says why the data plane reaches a routed tier.
func gatewayWhy(a *spec.App) string {
	return "routes of Gateway " + a.GatewayNamespace() + "/" + a.GatewayName() + " (class " + a.Gateway.ClassName + ")"
}

// dataPlaneFlows reads the flows into the own Gateway's data plane from
// its policy, when its pods run in the app's namespace: outside clients on
// the listener ports. Its egress to the routed tiers is listed with each
// tier's ingress, which must admit it too.
func (r *flowReader) dataPlaneFlows() []Flow {
	g := r.o.Gateway
	if g == nil || g.Policy == nil {
		return nil
	}
	dp := r.o.App.Gateway.DataPlane
	// The same peer as the one the tiers admit, so that tables and
	// graphs show one data plane.
	to := Peer{Kind: PeerDataPlane, Name: "Gateway data plane", Namespace: dp.Namespace, Labels: labelString(dp.PodLabels)}
	var out []Flow
	for _, rule := range g.Policy.Spec.Ingress {
		from := r.peer(rule.From)
		if from.Kind == PeerAddresses {
			from.Addresses = sources(rule.From, g.AnySource)
			if g.AnySource {
				from.Name = "any address"
			}
		}
		out = append(out, Flow{From: from, To: to, Ports: r.ports(rule.Ports, nil), Why: "Gateway listeners, from outside the cluster"})
	}
	if cp := r.o.App.Gateway.ControlPlane; cp != nil {
		for _, rule := range g.Policy.Spec.Egress {
			p := r.peer(rule.To)
			if p.Kind == PeerPods && p.Namespace == cp.Namespace && p.Labels == labelString(cp.PodLabels) {
				p.Name = "Gateway control plane"
				out = append(out, Flow{From: to, To: p, Ports: r.ports(rule.Ports, nil), Why: "the data plane's configuration, from its control plane"})
			}
		}
	}
	return out
}
