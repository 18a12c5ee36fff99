package initcmd

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/spec"
)

// Gateway API: the questions asked when the app is exposed through a
// Gateway rather than an Ingress. The routes and TLS questions are the
// Ingress's (access.go, tls.go), asked of the gateway's routes.

// entry is the app's way in that the route and TLS questions edit: the
// Ingress's rules and TLS source, or the gateway's routes and TLS source.
type entry struct {
	rules               *[]spec.Rule
	issuer, acmeSolver  *string
	selfSigned          *bool
	section, rulesField string // "ingress", "rules" or "gateway", "routes"
	ruleWord, entryWord string // "Ingress rule", "Ingress" or "Gateway route", "Gateway"
	sharedGateway       bool   // its certificates are the platform's
}

// entryOf returns a's way in; its pointers are nil when there is none.
func entryOf(a *spec.App) entry {
	switch {
	case a.Gateway != nil:
		g := a.Gateway
		return entry{rules: &g.Routes, issuer: &g.TLSIssuer, acmeSolver: &g.ACMESolver, selfSigned: &g.TLSSelfSigned,
			section: "gateway", rulesField: "routes", ruleWord: "Gateway route", entryWord: "Gateway", sharedGateway: !g.Own()}
	case a.Ingress != nil:
		in := a.Ingress
		return entry{rules: &in.Rules, issuer: &in.TLSIssuer, acmeSolver: &in.ACMESolver, selfSigned: &in.TLSSelfSigned,
			section: "ingress", rulesField: "rules", ruleWord: "Ingress rule", entryWord: "Ingress"}
	}
	return entry{}
}

// field names a field of the entry as spec.Validate does: "tlsIssuer"
// becomes ingress.tlsIssuer or gateway.tlsIssuer.
func (e entry) field(name string) string { return e.section + "." + name }

// gatewayOptions are the answers to "Gateway API implementation": the
// presets, in spec.GatewayPresetNames' order, then another one.
func gatewayOptions() []string {
	var out []string
	for _, n := range spec.GatewayPresetNames {
		out = append(out, n+": "+gatewayOptionWhat[n])
	}
	return append(out, "custom: another implementation (its GatewayClass and data plane)")
}

var gatewayOptionWhat = map[string]string{
	"envoy-gateway": "Envoy Gateway, proxies in envoy-gateway-system",
	"istio":         "Istio, a proxy Deployment in the Gateway's namespace",
	"nginx":         "NGINX Gateway Fabric 2.x, nginx in the Gateway's namespace",
	"kgateway":      "kgateway, Envoy in the Gateway's namespace",
	"traefik":       "Traefik, one proxy for every Gateway",
}

// The answers to "Which Gateway do the routes attach to?".
const (
	gatewayOwn = iota
	gatewayShared
)

var ownershipOptions = []string{
	gatewayOwn:    "its own: a Gateway in the app's namespace, an HTTPS listener per host, plain HTTP redirected",
	gatewayShared: "shared: a Gateway the platform owns; the routes name its listener",
}

// gatewaySection asks about a Gateway API entry: the implementation, the
// Gateway (the app's own or a shared one), where its data plane runs when
// no preset knows, then the routes and, on the app's own Gateway, TLS.
func (w *wizard) gatewaySection() error {
	if err := w.gatewayClass(); err != nil {
		return err
	}
	if err := w.gatewayOwnership(); err != nil {
		return err
	}
	if err := w.gatewayDataPlane(); err != nil {
		return err
	}
	g := w.app.Gateway
	if spec.Defaulted(w.app).DataPlaneInApp() && !w.skip[appflags.AskGatewayOwnership] {
		if err := w.input(inputQ{msg: "Source ranges allowed into the Gateway (empty: any address)", help: helpGatewaySourceRanges,
			def: strings.Join(g.SourceRanges, ", "), fields: []string{"gateway.sourceRanges"},
			apply: func(a *spec.App, s string) error { a.Gateway.SourceRanges = splitList(s); return nil }}); err != nil {
			return err
		}
	}
	existed := len(g.Routes) > 0
	host, err := w.routes()
	if err != nil {
		return err
	}
	if !g.Own() {
		return nil // the shared Gateway's listener holds the certificate
	}
	if err := w.tls(host, existed); err != nil {
		return err
	}
	return w.otherHostsTLS(host)
}

// gatewayClass asks which implementation serves the Gateway.
func (w *wizard) gatewayClass() error {
	g := w.app.Gateway
	if w.skip[appflags.AskGatewayClass] {
		return nil
	}
	custom := len(spec.GatewayPresetNames)
	def := 0
	if g.Class != "" {
		def = custom
		if k := slices.Index(spec.GatewayPresetNames, g.Class); k >= 0 {
			def = k
		}
	}
	k, err := w.selectOne("Gateway API implementation", helpGatewayClass, gatewayOptions(), def)
	if err != nil {
		return err
	}
	if k < custom {
		if class := spec.GatewayPresetNames[k]; g.Class != class {
			g.Class, g.ClassName, g.DataPlane, g.ControlPlane = class, "", nil, nil
		}
		w.note("note: %s", spec.GatewayPresets[g.Class].Note)
		return nil
	}
	if _, preset := spec.GatewayPresets[g.Class]; preset || g.Class == "" {
		g.Class, g.ClassName, g.DataPlane, g.ControlPlane = "", "", nil, nil
	}
	return w.input(inputQ{msg: "GatewayClass name", help: helpGatewayClassName, def: g.Class, fields: []string{"gateway.class"},
		apply: func(a *spec.App, s string) error { a.Gateway.Class = s; return nil }})
}

// gatewayOwnership asks whether the app owns its Gateway or attaches its
// routes to a shared one, and which.
func (w *wizard) gatewayOwnership() error {
	if w.skip[appflags.AskGatewayOwnership] {
		return nil
	}
	g := w.app.Gateway
	def := gatewayOwn
	if !g.Own() {
		def = gatewayShared
	}
	k, err := w.selectOne("Which Gateway do the routes attach to?", helpGatewayOwnership, ownershipOptions, def)
	if err != nil {
		return err
	}
	if k == gatewayOwn {
		g.Attach = nil
		return nil
	}
	if g.Attach == nil {
		// The platform's Gateway holds the certificates and admits its
		// own clients: what the app's Gateway would have needed goes.
		g.Attach = &spec.GatewayRef{}
		g.TLSIssuer, g.ACMESolver, g.TLSSelfSigned, g.SourceRanges, g.ControlPlane = "", "", false, nil, nil
		for i := range g.Routes {
			g.Routes[i].TLS = ""
		}
		if _, preset := spec.GatewayPresets[g.Class]; preset {
			g.DataPlane = nil // the preset's, for the shared Gateway
		}
	}
	ref := g.Attach.Name
	if g.Attach.Namespace != "" {
		ref += "/" + g.Attach.Namespace
	}
	q := inputQ{msg: "Shared Gateway (NAME/NAMESPACE)", help: helpSharedGateway, def: ref,
		fields: []string{"gateway.attach.name", "gateway.attach.namespace", "gateway.dataPlane"},
		apply: func(a *spec.App, s string) error {
			name, ns, _ := strings.Cut(s, "/")
			if name == "" || strings.Contains(ns, "/") {
				return fmt.Errorf("%q: want NAME or NAME/NAMESPACE of the shared Gateway, e.g. public/gateways", s)
			}
			a.Gateway.Attach.Name, a.Gateway.Attach.Namespace = name, ns
			return nil
		}}
	if ref == "" {
		q.def, q.suggested = "public/gateways", true
	}
	if err := w.input(q); err != nil {
		return err
	}
	// The default listener is left unwritten, as --listener leaves it.
	listener := g.Attach.Listener
	if listener == "" {
		listener = spec.DefaultListener
	}
	return w.input(inputQ{msg: "Listener of the shared Gateway", help: helpListener, def: listener, fields: []string{"gateway.attach.listener"},
		apply: func(a *spec.App, s string) error { a.Gateway.Attach.Listener = s; return nil }})
}

// gatewayDataPlane asks where the data plane runs when no preset says,
// and, when it runs in the app's namespace, what it calls for its
// configuration.
func (w *wizard) gatewayDataPlane() error {
	g := w.app.Gateway
	if _, preset := spec.GatewayPresets[g.Class]; preset || w.skip[appflags.AskDataPlane] {
		return nil
	}
	dp := func(a *spec.App) *spec.Controller {
		if a.Gateway.DataPlane == nil {
			a.Gateway.DataPlane = &spec.Controller{}
		}
		return a.Gateway.DataPlane
	}
	var ns, labels string
	if d := g.DataPlane; d != nil {
		ns, labels = d.Namespace, appflags.FormatLabels(d.PodLabels)
	}
	if err := w.input(inputQ{msg: "Namespace of the Gateway's data plane", help: helpDataPlaneNamespace, def: ns,
		fields: []string{"gateway.dataPlane.namespace"},
		apply:  func(a *spec.App, s string) error { dp(a).Namespace = s; return nil }}); err != nil {
		return err
	}
	if err := w.input(inputQ{msg: "Pod labels of the Gateway's data plane", help: helpDataPlaneLabels, def: labels,
		fields: []string{"gateway.dataPlane.podLabels"},
		apply:  func(a *spec.App, s string) error { return setLabels(&dp(a).PodLabels, s) }}); err != nil {
		return err
	}
	if !spec.Defaulted(w.app).DataPlaneInApp() {
		g.ControlPlane = nil
		return nil
	}
	cp := func(a *spec.App) *spec.ControlPlane {
		if a.Gateway.ControlPlane == nil {
			a.Gateway.ControlPlane = &spec.ControlPlane{}
		}
		return a.Gateway.ControlPlane
	}
	var port string
	ns, labels = "", ""
	if c := g.ControlPlane; c != nil {
		ns, labels, port = c.Namespace, appflags.FormatLabels(c.PodLabels), strconv.Itoa(int(c.Port))
	}
	if err := w.input(inputQ{msg: "Namespace of the Gateway's control plane", help: helpControlPlane, def: ns,
		fields: []string{"gateway.controlPlane.namespace"},
		apply:  func(a *spec.App, s string) error { cp(a).Namespace = s; return nil }}); err != nil {
		return err
	}
	if err := w.input(inputQ{msg: "Pod labels of the Gateway's control plane", help: helpControlPlane, def: labels,
		fields: []string{"gateway.controlPlane.podLabels"},
		apply:  func(a *spec.App, s string) error { return setLabels(&cp(a).PodLabels, s) }}); err != nil {
		return err
	}
	return w.input(inputQ{msg: "Pod port of the Gateway's control plane", help: helpControlPlane, def: port,
		fields: []string{"gateway.controlPlane"},
		apply: func(a *spec.App, s string) error {
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil {
				return fmt.Errorf("%q is not a port number: give the pod port the data plane calls, 1-65535", s)
			}
			cp(a).Port = int32(n)
			return nil
		}})
}

// setLabels sets *l from a "k=v,k=v" answer; empty clears it.
func setLabels(l *map[string]string, s string) error {
	*l = nil
	if s == "" {
		return nil
	}
	m, err := spec.ParseLabels(s)
	if err != nil {
		return err
	}
	*l = m
	return nil
}

// Help for the Gateway API questions.
const (
	helpGatewayClass = "A Gateway is a proxy that takes traffic from outside the cluster; routes (HTTPRoutes, GRPCRoutes) send its requests to your tiers' Services. " +
		"An implementation runs the Gateway's data plane: the pods that carry the requests. Under the default-deny the policies must admit exactly those pods into each routed tier, " +
		"so kubenetgen needs to know where they run and how they are labelled: each preset knows, read from the implementation's own source. " +
		"Cilium is not offered: its Gateway has no pods a NetworkPolicy can select."
	helpGatewayClassName = "The GatewayClass of your implementation (kubectl get gatewayclass); kubenetgen then asks where its data-plane pods run."
	helpGatewayOwnership = "A Gateway has listeners: a port, a protocol and a hostname each, with the certificate of an HTTPS one. " +
		"Its own Gateway gives the app an HTTPS listener per host, with its certificate, and an HTTP listener that only redirects to HTTPS. " +
		"A shared Gateway belongs to the platform team, in its namespace, with its listeners and certificates: the app's routes attach to one listener by name."
	helpSharedGateway = "The shared Gateway's name and namespace (kubectl get gateway -A); without a namespace, the app's. " +
		"Its listener must allow routes from the app's namespace."
	helpListener = "The listener every route attaches to (its sectionName), e.g. https: naming it keeps a route off the Gateway's plain HTTP listener. " +
		"kubectl get gateway NAME -n NAMESPACE -o yaml lists them."
	helpDataPlaneNamespace = "The namespace the Gateway's data-plane pods run in: the Gateway's own for in-cluster deployments (GEP-1762), or the implementation's. " +
		"The policies admit them from this namespace only."
	helpDataPlaneLabels = "Labels that select the Gateway's data-plane pods, KEY=VALUE separated by commas (kubectl get pods -n NAMESPACE --show-labels), " +
		"e.g. gateway.networking.k8s.io/gateway-name=shop."
	helpControlPlane = "The data plane runs in the app's namespace, under its default-deny: it must be let out to the control plane it fetches its configuration from, " +
		"or the Gateway never serves. Give that control plane's namespace, its pods' labels (KEY=VALUE, commas) and the pod port it serves its data planes on."
	helpGatewaySourceRanges = "The Gateway's pods run in the app's namespace, so default-deny also stops its clients: give the client CIDRs that may connect " +
		"(e.g. 203.0.113.0/24), separated by commas, or leave it empty to admit any address except the pod network."
)
