package spec

import (
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// Gateway is the entry into the app through Gateway API: HTTPRoutes (and
// GRPCRoutes for gRPC ports) attached either to a Gateway the platform
// owns (Attach) or to a Gateway of the app's own.
type Gateway struct {
	// Class is a preset (envoy-gateway, istio, nginx, kgateway, traefik)
	// or the GatewayClass name of another implementation, which then
	// needs DataPlane.
	Class string `json:"class"`
	// ClassName is the GatewayClass the app's own Gateway names; presets
	// fill it (envoy-gateway: eg), another class is its own name.
	ClassName string `json:"className,omitempty"`
	// Attach names a Gateway the platform owns, which the routes attach
	// to; without it the app gets a Gateway of its own, named after it,
	// in its namespace.
	Attach *GatewayRef `json:"attach,omitempty"`
	// DataPlane locates the pods that carry the Gateway's traffic, which
	// the tiers' policies admit; presets fill it for the Gateway in use.
	DataPlane *Controller `json:"dataPlane,omitempty"`
	// ControlPlane locates the pods a data plane running in the app's
	// namespace fetches its configuration from (xDS, the agent's gRPC):
	// under the app's default-deny it must be let out to them, or the
	// Gateway never comes up. Presets fill it; another class whose data
	// plane runs in the app's namespace must give it.
	ControlPlane *ControlPlane `json:"controlPlane,omitempty"`
	// TLSIssuer is a cert-manager ClusterIssuer that issues the own
	// Gateway's certificates (cert-manager's Gateway support must be on).
	TLSIssuer string `json:"tlsIssuer,omitempty"`
	// ACMESolver is how TLSIssuer proves the hosts to its ACME server, as
	// for an Ingress: http01 (default; cert-manager's solver pods in the
	// app's namespace, which the data plane must reach), dns01 or none.
	ACMESolver string `json:"acmeSolver,omitempty"`
	// TLSSelfSigned writes a self-signed pair for each TLS secret, as for
	// an Ingress.
	TLSSelfSigned bool `json:"tlsSelfSigned,omitempty"`
	// SourceRanges are the clients admitted to the own Gateway's
	// data-plane pods when they run in the app's namespace (GEP-1762
	// implementations); empty admits any address outside the pod network.
	SourceRanges []string `json:"sourceRanges,omitempty"`
	// Routes route host/path to a tier's port, in --rule's syntax.
	Routes []Rule `json:"routes"`
}

// ControlPlane locates the pods of a Gateway implementation's control
// plane, and the pod port its data plane calls.
type ControlPlane struct {
	Namespace string            `json:"namespace"`
	PodLabels map[string]string `json:"podLabels"`
	// Port is the control plane's pod port (the policy's port, not the
	// Service's), over TCP.
	Port int32 `json:"port"`
}

// GatewayRef names a shared Gateway and the listener the routes attach to.
type GatewayRef struct {
	Name string `json:"name"`
	// Namespace is the Gateway's; default the app's.
	Namespace string `json:"namespace,omitempty"`
	// Listener is the sectionName every route names; default https.
	Listener string `json:"listener,omitempty"`
}

// Label keys the Gateway presets select data-plane pods by.
const (
	// LabelGatewayName is GEP-1762's label on the pods of an in-cluster
	// Gateway.
	LabelGatewayName         = gwv1.GatewayNameLabelKey
	LabelEnvoyOwningName     = "gateway.envoyproxy.io/owning-gateway-name"
	LabelEnvoyOwningNS       = "gateway.envoyproxy.io/owning-gateway-namespace"
	labelTraefikName         = "app.kubernetes.io/name"
	gatewayNamespaceOfTheApp = "" // the data plane runs in the Gateway's namespace
)

// GatewayPreset is a known Gateway API implementation: its usual
// GatewayClass and where the data-plane pods of one Gateway run.
type GatewayPreset struct {
	ClassName string
	// Controller is the spec.controllerName of the implementation's
	// GatewayClasses, by which --from-cluster tells whose a class is.
	Controller string
	// Namespace is the data plane's namespace; empty means the Gateway's
	// own (GEP-1762 in-cluster deployment).
	Namespace string
	// Labels returns the pod labels of the data plane of Gateway ns/name.
	Labels func(name, ns string) map[string]string
	// ControlPlane is what a data plane in the Gateway's namespace calls
	// for its configuration; nil for presets whose data plane runs in the
	// controller's own namespace.
	ControlPlane *ControlPlane
	// Note is said to the user when the preset is chosen.
	Note string
}

// GatewayPresets are the implementations kubenetgen knows, by preset name,
// read from each implementation's own source; verify them against the
// version in use.
var GatewayPresets = map[string]GatewayPreset{
	"envoy-gateway": {
		ClassName: "eg", Controller: "gateway.envoyproxy.io/gatewayclass-controller", Namespace: "envoy-gateway-system",
		Labels: func(name, ns string) map[string]string {
			return map[string]string{LabelEnvoyOwningName: name, LabelEnvoyOwningNS: ns}
		},
		Note: "envoy-gateway: default deployment mode (proxies in envoy-gateway-system); with GatewayNamespace mode or mergeGateways set gateway.dataPlane",
	},
	// Istio's gateway proxies fetch xDS and their certificates from
	// istiod on 15012 (ISTIOD_ADDR istiod.<ns>.svc:15012); istiod's pods
	// carry app=istiod with and without a revision (istio-discovery chart,
	// Istio 1.24+).
	"istio": gep1762("istio", "istio.io/gateway-controller", "istio 1.24+: automated deployment <gateway>-istio in the Gateway's namespace; its proxies call istiod (istio-system, app=istiod) on 15012",
		&ControlPlane{Namespace: "istio-system", PodLabels: map[string]string{"app": "istiod"}, Port: 15012}),
	// NGINX Gateway Fabric 2.x: the nginx agent of each data-plane pod
	// connects to the control plane's Service on 443, container port
	// agent-grpc 8443; the chart's pods carry
	// app.kubernetes.io/name=nginx-gateway (chart 2.x deployment.yaml).
	"nginx": gep1762("nginx", "gateway.nginx.org/nginx-gateway-controller", "NGINX Gateway Fabric 2.x: data plane in the Gateway's namespace; its agent calls the control plane (nginx-gateway, app.kubernetes.io/name=nginx-gateway) on 8443",
		&ControlPlane{Namespace: "nginx-gateway", PodLabels: map[string]string{"app.kubernetes.io/name": "nginx-gateway"}, Port: 8443}),
	// kgateway 2.x: Envoy fetches xDS from the kgateway Service, container
	// port grpc-xds 9977; the chart's pods carry kgateway=kgateway and
	// app.kubernetes.io/name=kgateway, in kgateway-system by its docs.
	"kgateway": gep1762("kgateway", "kgateway.dev/kgateway", "kgateway 2.x: proxy in the Gateway's namespace; it calls the kgateway xDS server (kgateway-system, app.kubernetes.io/name=kgateway) on 9977",
		&ControlPlane{Namespace: "kgateway-system", PodLabels: map[string]string{"app.kubernetes.io/name": "kgateway"}, Port: 9977}),
	"traefik": {
		ClassName: "traefik", Controller: "traefik.io/gateway-controller", Namespace: "traefik",
		Labels: func(string, string) map[string]string { return map[string]string{labelTraefikName: "traefik"} },
		Note:   "traefik: one data plane for every Gateway of the class, expected in namespace traefik (set gateway.dataPlane if it runs elsewhere)",
	},
}

func gep1762(class, controller, note string, cp *ControlPlane) GatewayPreset {
	return GatewayPreset{
		ClassName: class, Controller: controller, Namespace: gatewayNamespaceOfTheApp,
		Labels:       func(name, _ string) map[string]string { return map[string]string{LabelGatewayName: name} },
		ControlPlane: cp,
		Note:         note,
	}
}

// GatewayPresetNames lists the Gateway presets in a stable order.
var GatewayPresetNames = []string{"envoy-gateway", "istio", "nginx", "kgateway", "traefik"}

// GatewayCilium is the class kubenetgen refuses: Cilium's Gateway runs no
// pods of its own, and its traffic carries Cilium's reserved ingress
// identity, which no standard NetworkPolicy peer selects.
const GatewayCilium = "cilium"

// Listener names of the app's own Gateway.
const (
	ListenerHTTP = "http"
	// DefaultListener is the listener of a shared Gateway routes attach to
	// unless told otherwise.
	DefaultListener = "https"
)

// HTTPSListener is the name of the own Gateway's HTTPS listener for host:
// one per host, so each has its own certificate and hostname.
func HTTPSListener(host string) string {
	return "https-" + strings.Replace(host, "*", "wildcard", 1)
}

// Own reports whether the app has a Gateway of its own.
func (g *Gateway) Own() bool { return g.Attach == nil }

// GatewayName and GatewayNamespace locate the Gateway the routes attach
// to: the shared one, or the app's own (named after the app).
func (a *App) GatewayName() string {
	if g := a.Gateway; g != nil && g.Attach != nil {
		return g.Attach.Name
	}
	return a.Name
}

// GatewayNamespace is the namespace of the Gateway the routes attach to.
func (a *App) GatewayNamespace() string {
	if g := a.Gateway; g != nil && g.Attach != nil && g.Attach.Namespace != "" {
		return g.Attach.Namespace
	}
	return a.Namespace
}

// DataPlaneInApp reports whether the own Gateway's data-plane pods run in
// the app's namespace, under its default-deny, so that they need a policy
// of their own.
func (a *App) DataPlaneInApp() bool {
	g := a.Gateway
	return g != nil && g.Own() && g.DataPlane != nil && g.DataPlane.Namespace == a.Namespace
}

// EntryRules are the routes into the app, of the Ingress or the Gateway.
func (a *App) EntryRules() []Rule {
	switch {
	case a.Ingress != nil:
		return a.Ingress.Rules
	case a.Gateway != nil:
		return a.Gateway.Routes
	}
	return nil
}

// EntryPeer locates the pods that carry outside traffic into the routed
// tiers: the ingress controller or the Gateway's data plane.
func (a *App) EntryPeer() *Controller {
	switch {
	case a.Ingress != nil:
		return a.Ingress.Controller
	case a.Gateway != nil:
		return a.Gateway.DataPlane
	}
	return nil
}

// GRPCPort reports whether a port speaks gRPC, by its IANA-style name
// (grpc, or grpc-SOMETHING): such a port is routed by a GRPCRoute.
func GRPCPort(p *Port) bool { return p.Name == "grpc" || strings.HasPrefix(p.Name, "grpc-") }

func defaultGateway(a *App) {
	g := a.Gateway
	if g.Attach != nil {
		setIfEmpty(&g.Attach.Namespace, a.Namespace)
		setIfEmpty(&g.Attach.Listener, DefaultListener)
	}
	p, preset := GatewayPresets[g.Class]
	if g.ClassName == "" {
		if preset {
			g.ClassName = p.ClassName
		} else {
			g.ClassName = g.Class
		}
	}
	if g.DataPlane == nil && preset {
		ns := p.Namespace
		if ns == gatewayNamespaceOfTheApp {
			ns = a.GatewayNamespace()
		}
		g.DataPlane = &Controller{Namespace: ns, PodLabels: p.Labels(a.GatewayName(), a.GatewayNamespace())}
	}
	if g.ControlPlane == nil && preset && p.ControlPlane != nil && a.DataPlaneInApp() {
		g.ControlPlane = p.ControlPlane.clone()
	}
	if g.TLSIssuer != "" {
		setIfEmpty(&g.ACMESolver, ACMESolverHTTP01)
	}
	for i := range g.Routes {
		r := &g.Routes[i]
		setIfEmpty(&r.Path, "/")
		setIfEmpty(&r.PathType, DefaultPathType)
	}
}

// GatewayPathTypes are the path match types a route may use: Gateway API's
// core ones (Prefix is its PathPrefix).
var GatewayPathTypes = []string{"Prefix", "Exact"}

func (c *checker) gateway(a *App) {
	g := a.Gateway
	f := field.NewPath("gateway")
	if a.Ingress != nil {
		c.add(f, "is set beside ingress: expose the app through an Ingress or a Gateway, not both (remove one)")
	}
	_, preset := GatewayPresets[g.Class]
	switch {
	case g.Class == "":
		c.add(f.Child("class"), "is required: one of %s, or the GatewayClass name of another implementation", strings.Join(GatewayPresetNames, ", "))
	case g.Class == GatewayCilium:
		c.add(f.Child("class"), "%q is not supported: Cilium's Gateway has no data-plane pods (per-node Envoy, reserved identity ingress), so no NetworkPolicy can admit it through the default-deny; use one of %s, or write a CiliumNetworkPolicy with fromEntities: [ingress] yourself", g.Class, strings.Join(GatewayPresetNames, ", "))
	case !preset:
		c.msgs(f.Child("class"), g.Class, "GatewayClass name", validation.IsDNS1123Subdomain(g.Class))
		if g.DataPlane == nil {
			c.add(f.Child("dataPlane"), "is required for class %q: give the namespace and pod labels of the Gateway's data-plane pods, or use one of %s", g.Class, strings.Join(GatewayPresetNames, ", "))
		}
	}
	if g.ClassName != "" {
		c.msgs(f.Child("className"), g.ClassName, "GatewayClass name", validation.IsDNS1123Subdomain(g.ClassName))
	}
	if dp := g.DataPlane; dp != nil {
		df := f.Child("dataPlane")
		if dp.Namespace == "" {
			c.add(df.Child("namespace"), "is required: the namespace the Gateway's data-plane pods run in")
		} else {
			c.msgs(df.Child("namespace"), dp.Namespace, "namespace", validation.IsDNS1123Label(dp.Namespace))
		}
		c.labels(df.Child("podLabels"), dp.PodLabels, true)
		if !g.Own() && dp.Namespace == a.Namespace {
			c.add(df.Child("namespace"), "%q is the app's namespace: the app's default-deny would cut off the shared Gateway's data plane; give the data plane's real namespace, or let the app own its Gateway (drop attach)", dp.Namespace)
		}
	}
	c.controlPlane(a, f.Child("controlPlane"))
	if at := g.Attach; at != nil {
		af := f.Child("attach")
		if at.Name == "" {
			c.add(af.Child("name"), "is required: the name of the shared Gateway the routes attach to")
		} else {
			c.msgs(af.Child("name"), at.Name, "Gateway name", validation.IsDNS1123Subdomain(at.Name))
		}
		c.msgs(af.Child("namespace"), at.Namespace, "namespace", validation.IsDNS1123Label(at.Namespace))
		c.msgs(af.Child("listener"), at.Listener, "listener name", validation.IsDNS1123Subdomain(at.Listener))
		if g.TLSIssuer != "" {
			c.add(f.Child("tlsIssuer"), "%q is set, but the routes attach to the shared Gateway %s, whose listeners hold the certificates: drop it, or let the app own its Gateway", g.TLSIssuer, at.Name)
		}
		if g.TLSSelfSigned {
			c.add(f.Child("tlsSelfSigned"), "true, but the routes attach to the shared Gateway %s, whose listeners hold the certificates: drop it, or let the app own its Gateway", at.Name)
		}
		if len(g.SourceRanges) > 0 {
			c.add(f.Child("sourceRanges"), "is set, but the data plane of the shared Gateway %s is the platform's: drop it, or let the app own its Gateway", at.Name)
		}
	} else if !a.DataPlaneInApp() && len(g.SourceRanges) > 0 {
		c.add(f.Child("sourceRanges"), "is set, but the Gateway's data plane does not run in the app's namespace, so the app's policies do not cover it: drop it")
	}
	for i, s := range g.SourceRanges {
		if _, err := netip.ParsePrefix(s); err != nil {
			c.add(f.Child("sourceRanges").Index(i), "%q is not a CIDR: give an address range such as 203.0.113.0/24", s)
		}
	}
	if g.TLSIssuer != "" {
		c.msgs(f.Child("tlsIssuer"), g.TLSIssuer, "ClusterIssuer name", validation.IsDNS1123Subdomain(g.TLSIssuer))
	}
	c.acmeSolver(f.Child("acmeSolver"), g.ACMESolver, g.TLSIssuer)
	if g.TLSIssuer != "" && g.TLSSelfSigned {
		c.add(f.Child("tlsSelfSigned"), "true, but tlsIssuer %q already provides the TLS secrets: choose one of them", g.TLSIssuer)
	}
	c.gatewayRoutes(a, f.Child("routes"))
}

// controlPlane judges gateway.controlPlane: required when the data plane
// runs in the app's namespace (its egress to its configuration source must
// be exact, and kubenetgen does not guess it), refused otherwise.
func (c *checker) controlPlane(a *App, f *field.Path) {
	cp := a.Gateway.ControlPlane
	switch {
	case cp == nil && a.DataPlaneInApp():
		c.add(f, "is required: the Gateway's data plane runs in the app's namespace, under its default-deny, and must be let out to the control plane it fetches its configuration from; give its namespace, podLabels and port (the pod port), or use one of the presets istio, nginx, kgateway")
	case cp == nil:
	case !a.DataPlaneInApp():
		c.add(f, "is set, but the Gateway's data plane does not run in the app's namespace, so the app's policies do not cover its calls: drop it")
	default:
		if cp.Namespace == "" {
			c.add(f.Child("namespace"), "is required: the namespace the control plane's pods run in")
		} else {
			c.msgs(f.Child("namespace"), cp.Namespace, "namespace", validation.IsDNS1123Label(cp.Namespace))
		}
		c.labels(f.Child("podLabels"), cp.PodLabels, true)
		if cp.Port < 1 || cp.Port > 65535 {
			c.add(f.Child("port"), "%d is not a port: give the control plane's pod port, 1-65535", cp.Port)
		}
	}
}

func (c *checker) gatewayRoutes(a *App, f *field.Path) {
	g := a.Gateway
	if len(g.Routes) == 0 {
		c.add(f, "is empty: give at least one host/path=tier:port route")
	}
	seen := map[string]int{}
	hostSecret := map[string]string{}
	hostPlain := map[string]int{}
	anyTLS := false
	for i, r := range g.Routes {
		rf := f.Index(i)
		c.host(rf.Child("host"), r.Host)
		if !strings.HasPrefix(r.Path, "/") {
			c.add(rf.Child("path"), "%q is not absolute: start it with /", r.Path)
		}
		if !slices.Contains(GatewayPathTypes, r.PathType) {
			c.add(rf.Child("pathType"), "%q is not supported by Gateway API routes: use one of %s", r.PathType, strings.Join(GatewayPathTypes, ", "))
		}
		key := r.Host + r.Path + " " + r.PathType
		if j, dup := seen[key]; dup {
			c.add(rf, "%s%s (%s) is already routed by routes[%d]", r.Host, r.Path, r.PathType, j)
		}
		seen[key] = i
		p := c.routeBackend(a, rf, r, "routes carry HTTP and gRPC over TCP")
		if p != nil && GRPCPort(p) && strings.Count(r.Path, "/") > 2 {
			c.add(rf.Child("path"), "%q routes the gRPC port %s: use / (every method), /SERVICE or /SERVICE/METHOD", r.Path, r.Port)
		}
		c.timeouts(rf, r, p != nil && GRPCPort(p))
		if r.TLS == "" {
			if _, ok := hostSecret[r.Host]; !ok {
				hostPlain[r.Host] = i
			} else if g.Own() {
				c.add(rf.Child("tls"), "is empty, but %s is served over HTTPS by another route: give it tls=%s too (its plain HTTP is redirected to HTTPS)", r.Host, hostSecret[r.Host])
			}
			continue
		}
		anyTLS = true
		tf := rf.Child("tls")
		c.msgs(tf, r.TLS, "Secret name", validation.IsDNS1123Subdomain(r.TLS))
		switch s, ok := hostSecret[r.Host]; {
		case !g.Own():
			c.add(tf, "%q is set, but the shared Gateway %s serves the certificates of its listener %s: drop tls, or let the app own its Gateway", r.TLS, g.Attach.Name, g.Attach.Listener)
		case r.Host == "":
			c.add(tf, "%q is set on a route without a host: an HTTPS listener needs a hostname (cert-manager skips listeners without one), so give the route a host", r.TLS)
		case ok && s != r.TLS:
			c.add(tf, "%q differs from %q, already serving %s: one host has one certificate", r.TLS, s, r.Host)
		default:
			hostSecret[r.Host] = r.TLS
			if j, plain := hostPlain[r.Host]; plain {
				c.add(tf, "%q serves %s over HTTPS, but routes[%d] routes it without tls: give every route of a host the same tls (its plain HTTP is redirected to HTTPS)", r.TLS, r.Host, j)
			}
		}
	}
	if g.Own() && (g.TLSIssuer != "" || g.TLSSelfSigned) && !anyTLS && len(g.Routes) > 0 {
		c.add(f, "have no tls, but the Gateway's TLS source is set (tlsIssuer or tlsSelfSigned): add tls=SECRET to the routes it should serve")
	}
}

// gatewayDuration is Gateway API's Duration (GEP-2257): one to four
// number-unit pairs, units h, m, s and ms, as the CRDs' pattern has it.
var gatewayDuration = regexp.MustCompile(`^([0-9]{1,5}(h|m|s|ms)){1,4}$`)

// timeouts judges a route's timeouts: Gateway API durations, the one to
// the tier no longer than the whole request (as the CRD's rule wants), and
// none on a gRPC port, which a GRPCRoute routes: GRPCRoute has no
// timeouts.
func (c *checker) timeouts(rf *field.Path, r Rule, grpc bool) {
	var d [2]time.Duration
	for i, t := range []struct{ name, v string }{{"timeout", r.Timeout}, {"backendTimeout", r.BackendTimeout}} {
		switch {
		case t.v == "":
		case grpc:
			c.add(rf.Child(t.name), "%q is set on the gRPC port %s, routed by a GRPCRoute, which has no timeouts in Gateway API: drop it (set the deadline in the gRPC client)", t.v, r.Port)
		case !gatewayDuration.MatchString(t.v):
			c.add(rf.Child(t.name), "%q is not a Gateway API duration: give 1 to 4 number-unit pairs, units h, m, s or ms, e.g. 10s, 1m30s, 500ms", t.v)
		default:
			d[i], _ = time.ParseDuration(t.v)
		}
	}
	if d[0] > 0 && d[1] > d[0] {
		c.add(rf.Child("backendTimeout"), "%s is longer than the route's timeout %s: one call to the tier must fit in the whole request, so give at most %s", r.BackendTimeout, r.Timeout, r.Timeout)
	}
}

// host judges a route or rule host: a DNS name, or a wildcard one.
func (c *checker) host(f *field.Path, h string) {
	switch {
	case h == "":
	case strings.HasPrefix(h, "*."):
		c.msgs(f, h, "wildcard host", validation.IsWildcardDNS1123Subdomain(h))
	default:
		c.name(f, h, "host", dns1123Subdomain)
	}
}

func (g Gateway) clone() Gateway {
	c := g
	if g.Attach != nil {
		at := *g.Attach
		c.Attach = &at
	}
	if g.DataPlane != nil {
		dp := Controller{Namespace: g.DataPlane.Namespace, PodLabels: maps.Clone(g.DataPlane.PodLabels)}
		c.DataPlane = &dp
	}
	c.ControlPlane = g.ControlPlane.clone()
	c.SourceRanges = slices.Clone(g.SourceRanges)
	c.Routes = slices.Clone(g.Routes)
	return c
}

// clone copies a control plane, nil to nil.
func (cp *ControlPlane) clone() *ControlPlane {
	if cp == nil {
		return nil
	}
	c := *cp
	c.PodLabels = maps.Clone(cp.PodLabels)
	return &c
}

// GatewayPolicyName is the NetworkPolicy of an own Gateway's data-plane
// pods when they run in the app's namespace; no tier may take the name.
const GatewayPolicyName = "gateway-data-plane"

// TLSSelfSigned reports whether kubenetgen writes self-signed pairs for
// the TLS secrets of the Ingress rules or the own Gateway's routes.
func (a *App) TLSSelfSigned() bool {
	return (a.Ingress != nil && a.Ingress.TLSSelfSigned) || (a.Gateway != nil && a.Gateway.Own() && a.Gateway.TLSSelfSigned)
}

// HTTP01Solver reports whether cert-manager proves the hosts through
// HTTP-01 solver pods in the app's namespace, which the pods carrying the
// challenge (the ingress controller, or the own Gateway's data plane)
// must reach through the default-deny.
func (a *App) HTTP01Solver() bool {
	if in := a.Ingress; in != nil {
		return in.TLSIssuer != "" && (in.ACMESolver == ACMESolverHTTP01 || in.ACMESolver == "") && in.Controller != nil
	}
	g := a.Gateway
	return g != nil && g.Own() && g.TLSIssuer != "" && (g.ACMESolver == ACMESolverHTTP01 || g.ACMESolver == "") && g.DataPlane != nil
}

// TLSIssuer is the cert-manager ClusterIssuer of the Ingress or the own
// Gateway, or "".
func (a *App) TLSIssuer() string {
	switch {
	case a.Ingress != nil:
		return a.Ingress.TLSIssuer
	case a.Gateway != nil:
		return a.Gateway.TLSIssuer
	}
	return ""
}
