package verify

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/kubenetgen/kubenetgen/internal/wellknown"
	"github.com/kubenetgen/kubenetgen/spec"
)

// PeerGatewayDataPlane is the pseudo-peer that stands for the pods of a
// Gateway's data plane: what carries outside traffic into the routed
// tiers, as the ingress controller does for an Ingress.
const PeerGatewayDataPlane = "gateway-data-plane"

// gatewayListenerPorts are the ports the data-plane pseudo-peer listens
// on: the listener ports of a Gateway kubenetgen writes.
var gatewayListenerPorts = []ContainerPort{{Name: "http", Port: 80, Protocol: "TCP"}, {Name: "https", Port: 443, Protocol: "TCP"}}

// gatewayPeer is the data-plane pseudo-peer of the options, or nil.
func gatewayPeer(o Options) *Peer {
	c := o.GatewayDataPlane
	if c == nil {
		return nil
	}
	return &Peer{ID: "[" + PeerGatewayDataPlane + "]", Kind: PeerGatewayDataPlane, Namespace: c.Namespace, Labels: c.Labels, Ports: gatewayListenerPorts, pod: true}
}

// PeerGatewayControlPlane is the pseudo-peer that stands for the pods a
// data plane in the app's namespace fetches its configuration from.
const PeerGatewayControlPlane = "gateway-control-plane"

// ControlPlane locates a Gateway implementation's control plane: its
// pods, and the pod port its data planes call over TCP.
type ControlPlane struct {
	Namespace string
	Labels    map[string]string
	Port      int32
}

// controlPlanePeer is the control-plane pseudo-peer of the options, or nil.
func controlPlanePeer(o Options) *Peer {
	c := o.GatewayControlPlane
	if c == nil {
		return nil
	}
	return &Peer{ID: "[" + PeerGatewayControlPlane + "]", Kind: PeerGatewayControlPlane, Namespace: c.Namespace, Labels: c.Labels,
		Ports: []ContainerPort{{Name: "xds", Port: c.Port, Protocol: "TCP"}}, pod: true}
}

// gatewayControlPlaneOf locates what the data plane of a spec's gateway
// calls for its configuration, when the spec says.
func gatewayControlPlaneOf(a *spec.App) *ControlPlane {
	if a.Gateway == nil || a.Gateway.ControlPlane == nil {
		return nil
	}
	cp := a.Gateway.ControlPlane
	return &ControlPlane{Namespace: cp.Namespace, Labels: maps.Clone(cp.PodLabels), Port: cp.Port}
}

// gatewayDataPlaneOf locates the data plane of a spec's gateway.
func gatewayDataPlaneOf(a *spec.App) *Controller {
	if a.Gateway == nil || a.Gateway.DataPlane == nil {
		return nil
	}
	return &Controller{Namespace: a.Gateway.DataPlane.Namespace, Labels: maps.Clone(a.Gateway.DataPlane.PodLabels)}
}

// selectsDataPlane reports whether a policy selects the data-plane
// pseudo-peer: a policy for a Gateway's pods that run in the namespace.
func (c *checker) selectsDataPlane(ns string, sel labels.Selector) bool {
	for _, p := range c.e.Peers {
		if p.Kind == PeerGatewayDataPlane && p.Namespace == ns && sel.Matches(p.labelSet) {
			return true
		}
	}
	return false
}

// gatewayRoute is what the checks need of an HTTPRoute or a GRPCRoute.
type gatewayRoute struct {
	obj       *Object
	ns        string
	hostnames []gwv1.Hostname
	parents   []gwv1.ParentReference
	// backends by field path.
	backends map[string]gwv1.BackendObjectReference
}

func (c *checker) gatewayRoutes() []gatewayRoute {
	var out []gatewayRoute
	for _, o := range c.objs {
		r := gatewayRoute{obj: o, backends: map[string]gwv1.BackendObjectReference{}}
		switch x := o.Obj.(type) {
		case *gwv1.HTTPRoute:
			r.ns, r.hostnames, r.parents = x.Namespace, x.Spec.Hostnames, x.Spec.ParentRefs
			for i, rule := range x.Spec.Rules {
				for j, b := range rule.BackendRefs {
					r.backends[fmt.Sprintf("spec.rules[%d].backendRefs[%d]", i, j)] = b.BackendObjectReference
				}
			}
		case *gwv1.GRPCRoute:
			r.ns, r.hostnames, r.parents = x.Namespace, x.Spec.Hostnames, x.Spec.ParentRefs
			for i, rule := range x.Spec.Rules {
				for j, b := range rule.BackendRefs {
					r.backends[fmt.Sprintf("spec.rules[%d].backendRefs[%d]", i, j)] = b.BackendObjectReference
				}
			}
		default:
			continue
		}
		out = append(out, r)
	}
	return out
}

// gatewayAPI checks Gateways and routes as it checks Ingresses: every
// HTTPS listener has a certificate; every backendRef names a Service of
// the manifests and one of its Service ports (not the pod port); a route
// on a Gateway with HTTP and HTTPS listeners names its listener, else
// plain HTTP stays open; a route's hostnames meet its listener's.
func (c *checker) gatewayAPI() {
	gateways := map[string]*gwv1.Gateway{}
	for _, o := range c.objs {
		gw, ok := o.Obj.(*gwv1.Gateway)
		if !ok {
			continue
		}
		gateways[gw.Namespace+"/"+gw.Name] = gw
		for i, l := range gw.Spec.Listeners {
			if l.Protocol == gwv1.HTTPSProtocolType && (l.TLS == nil || len(l.TLS.CertificateRefs) == 0) {
				c.add(Error, o, fmt.Sprintf("spec.listeners[%d].tls.certificateRefs", i), fmt.Sprintf("listener %s is HTTPS without a certificate; it serves nothing", l.Name), "name the kubernetes.io/tls Secret of its hostname")
			}
		}
	}
	for _, r := range c.gatewayRoutes() {
		for i, p := range r.parents {
			f := fmt.Sprintf("spec.parentRefs[%d]", i)
			ns := r.ns
			if p.Namespace != nil {
				ns = string(*p.Namespace)
			}
			gw := gateways[ns+"/"+string(p.Name)]
			if gw == nil {
				continue // a shared Gateway outside the manifests
			}
			if p.SectionName == nil {
				if hasProtocols(gw, gwv1.HTTPProtocolType, gwv1.HTTPSProtocolType) {
					c.add(Error, r.obj, f+".sectionName", fmt.Sprintf("is missing, so the route attaches to every listener of Gateway %s, the plain HTTP one too: the app is also served unencrypted", gw.Name), "name the HTTPS listener, and redirect the HTTP one to https")
				}
				continue
			}
			l := listener(gw, string(*p.SectionName))
			if l == nil {
				c.add(Error, r.obj, f+".sectionName", fmt.Sprintf("%q is not a listener of Gateway %s", *p.SectionName, gw.Name), "name one of the Gateway's listeners")
				continue
			}
			if l.Hostname != nil && len(r.hostnames) > 0 && !slices.ContainsFunc(r.hostnames, func(h gwv1.Hostname) bool { return hostsMeet(string(h), string(*l.Hostname)) }) {
				c.add(Error, r.obj, "spec.hostnames", fmt.Sprintf("%v do not meet listener %s's hostname %s; the route matches no request", r.hostnames, l.Name, *l.Hostname), "use the listener's hostname")
			}
		}
		for _, f := range slices.Sorted(maps.Keys(r.backends)) {
			c.gatewayBackend(r.obj, r.ns, f, r.backends[f])
		}
	}
}

// gatewayBackend checks one backendRef to a Service: it exists, and the
// port is one of its Service ports. A container port given where the
// Service port belongs is named as such.
func (c *checker) gatewayBackend(o *Object, ns, f string, b gwv1.BackendObjectReference) {
	if b.Kind != nil && *b.Kind != "Service" || b.Group != nil && *b.Group != "" {
		return
	}
	if b.Namespace != nil {
		ns = string(*b.Namespace)
	}
	svc := c.service(ns, string(b.Name))
	if svc == nil {
		c.add(Error, o, f+".name", fmt.Sprintf("%q is not a Service in namespace %s", b.Name, ns), "name a Service of the manifests")
		return
	}
	if b.Port == nil {
		c.add(Error, o, f+".port", "is missing; a Service backend needs its Service port", "give the Service port")
		return
	}
	var names []string
	for _, p := range svc.Spec.Ports {
		if p.Port == int32(*b.Port) {
			return
		}
		names = append(names, fmt.Sprint(p.Port))
	}
	why := ""
	for _, p := range svc.Spec.Ports {
		if p.TargetPort.IntValue() == int(*b.Port) || c.targetNumber(svc, p) == int32(*b.Port) {
			why = fmt.Sprintf(": it is the pod port behind Service port %d; backendRefs take the Service port", p.Port)
		}
	}
	c.add(Error, o, f+".port", fmt.Sprintf("%d is not a port of Service %s (it has %s)%s", *b.Port, svc.Name, strings.Join(names, ", "), why), "use the Service port")
}

// targetNumber resolves a Service port's named targetPort to the container
// port of the pods it selects, or 0.
func (c *checker) targetNumber(svc *corev1.Service, p corev1.ServicePort) int32 {
	if p.TargetPort.StrVal == "" {
		return 0
	}
	for _, w := range c.workloadsIn(svc.Namespace, labels.SelectorFromSet(svc.Spec.Selector)) {
		for _, cp := range w.Ports {
			if cp.Name == p.TargetPort.StrVal {
				return cp.Port
			}
		}
	}
	return 0
}

func hasProtocols(gw *gwv1.Gateway, want ...gwv1.ProtocolType) bool {
	for _, p := range want {
		if !slices.ContainsFunc(gw.Spec.Listeners, func(l gwv1.Listener) bool { return l.Protocol == p }) {
			return false
		}
	}
	return true
}

func listener(gw *gwv1.Gateway, name string) *gwv1.Listener {
	for i := range gw.Spec.Listeners {
		if string(gw.Spec.Listeners[i].Name) == name {
			return &gw.Spec.Listeners[i]
		}
	}
	return nil
}

// hostsMeet reports whether two hostnames, either a wildcard, match a
// common request host, as Gateway API intersects route and listener
// hostnames.
func hostsMeet(a, b string) bool {
	if a == b {
		return true
	}
	covers := func(w, h string) bool {
		rest, ok := strings.CutPrefix(w, "*")
		return ok && strings.HasSuffix(h, rest) && len(h) > len(rest)
	}
	return covers(a, b) || covers(b, a)
}

// gatewayIngress is what the spec lets the data plane open to a tier: the
// routed ports.
func (in *intent) gatewayIngress(src *Peer, t *spec.Tier) PortSet {
	var s PortSet
	if !in.isDataPlane(src) || in.a.Gateway == nil {
		return s
	}
	for _, r := range in.a.Gateway.Routes {
		if r.Tier != t.Name {
			continue
		}
		if p := t.Port(r.Port); p != nil {
			s.Add(p.Protocol, p.Port, p.Port)
		}
	}
	return s
}

// isDataPlane reports whether p is the Gateway's data plane: the
// [gateway-data-plane] peer, or pods that its namespace and labels select
// (a caller of a tier the spec names otherwise).
func (in *intent) isDataPlane(p *Peer) bool {
	c := in.o.GatewayDataPlane
	return p.Kind == PeerGatewayDataPlane || c != nil && selectsPeer(c.Namespace, c.Labels, p)
}

// isControlPlane reports whether p is the control plane the Gateway's data
// plane calls: the [gateway-control-plane] peer, or pods that its
// namespace and labels select (a callee the spec names otherwise).
func (in *intent) isControlPlane(p *Peer) bool {
	c := in.o.GatewayControlPlane
	return p.Kind == PeerGatewayControlPlane || c != nil && selectsPeer(c.Namespace, c.Labels, p)
}

// dataPlaneInApp reports whether p is the data plane of the spec's own
// Gateway running in the app's namespace, whose flows the spec decides.
func (in *intent) dataPlaneInApp(p *Peer) bool {
	return p.Kind == PeerGatewayDataPlane && in.a.DataPlaneInApp()
}

// dataPlaneEgress is what the spec lets such a data plane open: DNS, the
// routed tiers on their routed ports, and its control plane.
func (in *intent) dataPlaneEgress(dst *Peer) PortSet {
	var s PortSet
	if t := in.tierOf[dst]; t != nil {
		s.Union(in.gatewayIngress(&Peer{Kind: PeerGatewayDataPlane}, t))
	}
	if in.isDNS(dst) {
		s.Add("UDP", in.o.DNS.Port, in.o.DNS.Port)
		s.Add("TCP", in.o.DNS.Port, in.o.DNS.Port)
	}
	if dst.Kind == PeerACMESolver && dst.Namespace == in.a.Namespace && in.httpSolver() {
		s.Add("TCP", wellknown.ACMESolverPort, wellknown.ACMESolverPort)
	}
	if cp := in.a.Gateway.ControlPlane; cp != nil && in.isControlPlane(dst) {
		s.Add("TCP", cp.Port, cp.Port)
	}
	return s
}

// dataPlaneIngress is what the spec lets src open to such a data plane:
// the listener ports, from the gateway's source ranges (any address but
// pods' when empty).
func (in *intent) dataPlaneIngress(src *Peer) PortSet {
	var s PortSet
	if !src.Address.IsValid() || src.IsPod() {
		return s
	}
	ranges := parsePrefixes(in.a.Gateway.SourceRanges)
	if len(ranges) == 0 {
		for _, b := range in.a.Network.AnySources() {
			ranges = append(ranges, parsePrefixes([]string{b.CIDR})...)
		}
	}
	for _, r := range ranges {
		if r.Contains(src.Address) && !slices.ContainsFunc(in.podCIDRs, func(pods netip.Prefix) bool {
			return r.Bits() < pods.Bits() && r.Contains(pods.Addr()) && pods.Contains(src.Address)
		}) {
			s.Add("TCP", 80, 80)
			if slices.ContainsFunc(in.a.Gateway.Routes, func(r spec.Rule) bool { return r.TLS != "" }) {
				s.Add("TCP", 443, 443)
			}
		}
	}
	return s
}

// isolatedDataPlane reports whether p is a Gateway data plane that the
// manifests' policies isolate (its pods run in their namespace): its flows
// are then the manifests' to show, as a workload's are.
func (e *Evaluator) isolatedDataPlane(p *Peer) bool {
	if p.Kind != PeerGatewayDataPlane {
		return false
	}
	in, out := e.Isolated(p)
	return in || out
}

// listed reports whether the matrix lists p's flows: those of a listed
// peer, and of a Gateway data plane the manifests isolate.
func (e *Evaluator) listed(p *Peer) bool { return p.listed() || e.isolatedDataPlane(p) }
