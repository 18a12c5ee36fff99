package appflags

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Flags of the Gateway API entry.
const (
	FlagGatewayClass       = "gateway-class"
	FlagGateway            = "gateway"
	FlagListener           = "listener"
	FlagDataPlaneNamespace = "data-plane-ns"
	FlagDataPlaneLabels    = "data-plane-labels"
	FlagControlPlaneNS     = "control-plane-ns"
	FlagControlPlaneLabels = "control-plane-labels"
	FlagControlPlanePort   = "control-plane-port"
	FlagGatewaySourceRange = "gateway-cidr"
)

// NoGateway as --gateway-class drops the gateway section.
const NoGateway = "none"

// The wizard's Gateway API questions that flags answer in advance.
var (
	AskGatewayClass     = Question{SectionIngress, "gateway class"}
	AskGatewayOwnership = Question{SectionIngress, "gateway"}
	AskDataPlane        = Question{SectionIngress, "data plane"}
)

// GatewayValues holds the Gateway API flags.
type GatewayValues struct {
	GatewayClass   string
	Gateway        string
	Listener       string
	DataPlaneNS    string
	DataPlaneLabel string
	// ControlPlane* locate what a data plane in the app's namespace
	// fetches its configuration from.
	ControlPlaneNS    string
	ControlPlaneLabel string
	ControlPlanePort  int32
	// GatewaySourceRanges are the clients an own Gateway's data plane in
	// the app's namespace admits.
	GatewaySourceRanges []string
}

// gatewayDetails are the flags that describe the gateway beyond its class.
var gatewayDetails = []string{FlagGateway, FlagListener, FlagDataPlaneNamespace, FlagDataPlaneLabels, FlagControlPlaneNS, FlagControlPlaneLabels, FlagControlPlanePort, FlagGatewaySourceRange}

// controlPlaneFlags are the flags that describe the control plane.
var controlPlaneFlags = []string{FlagControlPlaneNS, FlagControlPlaneLabels, FlagControlPlanePort}

// applyGatewayClass chooses Gateway API. An app that has an Ingress moves
// to it unless --ingress-class keeps one: the rules become routes with the
// same hosts, paths and TLS secrets, and the TLS source moves along, so
// that migrating a spec is one flag.
func applyGatewayClass(v *Values, changed func(string) bool, a *spec.App) error {
	if v.GatewayClass == NoGateway {
		if slices.ContainsFunc(gatewayDetails, changed) {
			return fmt.Errorf("--%s %s drops the gateway: give no --%s with it", FlagGatewayClass, NoGateway, strings.Join(gatewayDetails, ", --"))
		}
		a.Gateway = nil
		return nil
	}
	g := gateway(a)
	g.Class = v.GatewayClass
	g.ClassName = "" // Default names the preset's class, or this one
	if _, preset := spec.GatewayPresets[v.GatewayClass]; preset && !changed(FlagDataPlaneNamespace) && !changed(FlagDataPlaneLabels) {
		g.DataPlane = nil // Default fills the preset's
	}
	if !slices.ContainsFunc(controlPlaneFlags, changed) {
		g.ControlPlane = nil // Default fills the preset's, when it is needed
	}
	if a.Ingress != nil && !changed(FlagIngressClass) {
		MigrateIngress(a)
	}
	return nil
}

// MigrateIngress moves an app's Ingress to its gateway section: each rule
// becomes a route with the same host, path and TLS secret (a host served
// over TLS by one rule is served so by all its routes, as the Ingress did),
// and the TLS source moves along. The Ingress's controller is dropped: the
// gateway's data plane takes its place in the policies.
func MigrateIngress(a *spec.App) {
	in := a.Ingress
	if in == nil {
		return
	}
	g := gateway(a)
	secret := map[string]string{}
	for _, r := range in.Rules {
		if r.TLS != "" && r.Host != "" {
			if _, ok := secret[r.Host]; !ok {
				secret[r.Host] = r.TLS
			}
		}
	}
	g.Routes = nil
	for _, r := range in.Rules {
		if r.TLS == "" {
			r.TLS = secret[r.Host]
		}
		g.Routes = append(g.Routes, r)
	}
	if g.Own() {
		g.TLSIssuer, g.TLSSelfSigned = in.TLSIssuer, in.TLSSelfSigned
	}
	a.Ingress = nil
}

func applyGateway(v *Values, changed func(string) bool, a *spec.App) error {
	name, ns, _ := strings.Cut(v.Gateway, "/")
	if name == "" || strings.Contains(ns, "/") {
		return fmt.Errorf("--%s %q: want NAME or NAME/NAMESPACE of the shared Gateway, e.g. public/gateways", FlagGateway, v.Gateway)
	}
	g := gateway(a)
	if !slices.ContainsFunc(controlPlaneFlags, changed) {
		// The shared Gateway's data plane is the platform's, and so are
		// its calls to its control plane.
		g.ControlPlane = nil
	}
	if g.Attach == nil {
		// The shared Gateway's listeners hold the certificates: the TLS
		// of the app's own Gateway (or of a migrated Ingress) goes, unless
		// flags ask for it, which validation then refuses by name.
		if !changed(FlagTLSIssuer) && !changed(FlagTLSSelfSigned) {
			g.TLSIssuer, g.ACMESolver, g.TLSSelfSigned = "", "", false
		}
		for i := range g.Routes {
			g.Routes[i].TLS = ""
		}
		g.SourceRanges = nil
	}
	at := &spec.GatewayRef{Name: name, Namespace: ns}
	if g.Attach != nil {
		at.Listener = g.Attach.Listener
	}
	g.Attach = at
	return nil
}

func applyListener(v *Values, _ func(string) bool, a *spec.App) error {
	g := gateway(a)
	if g.Attach == nil {
		return fmt.Errorf("--%s %q names a listener of a shared Gateway: give --%s NAME[/NAMESPACE] too (the app's own Gateway has a listener per host)", FlagListener, v.Listener, FlagGateway)
	}
	g.Attach.Listener = v.Listener
	return nil
}

// dataPlane returns the gateway's data plane, starting from the preset's
// when a flag changes part of it.
func dataPlane(a *spec.App) *spec.Controller {
	g := gateway(a)
	if g.DataPlane == nil {
		c := spec.Controller{}
		if d := spec.Defaulted(a).Gateway.DataPlane; d != nil {
			c = spec.Controller{Namespace: d.Namespace, PodLabels: maps.Clone(d.PodLabels)}
		}
		g.DataPlane = &c
	}
	return g.DataPlane
}

// controlPlane returns the gateway's control plane, starting from the
// preset's when a flag changes part of it.
func controlPlane(a *spec.App) *spec.ControlPlane {
	g := gateway(a)
	if g.ControlPlane == nil {
		c := spec.ControlPlane{}
		if d := spec.Defaulted(a).Gateway.ControlPlane; d != nil {
			c = spec.ControlPlane{Namespace: d.Namespace, PodLabels: maps.Clone(d.PodLabels), Port: d.Port}
		}
		g.ControlPlane = &c
	}
	return g.ControlPlane
}

// gateway returns the app's gateway section, made when a flag describes
// one the app lacks.
func gateway(a *spec.App) *spec.Gateway {
	if a.Gateway == nil {
		a.Gateway = &spec.Gateway{}
	}
	return a.Gateway
}

// customGatewayWithoutDataPlane says the gateway names a class kubenetgen
// has no preset for, and nothing says where its data plane runs.
func customGatewayWithoutDataPlane(a *spec.App) bool {
	g := a.Gateway
	if g == nil || g.Class == "" || g.Class == spec.GatewayCilium {
		return false
	}
	_, preset := spec.GatewayPresets[g.Class]
	return !preset && g.DataPlane == nil
}

// rules returns where --rule entries go: the gateway's routes when the app
// uses Gateway API, else the Ingress's rules.
func rules(a *spec.App) *[]spec.Rule {
	if a.Gateway != nil {
		return &a.Gateway.Routes
	}
	return &ingress(a).Rules
}

// tlsSource returns the TLS source fields of the app's entry: the
// gateway's when it uses Gateway API, else the Ingress's.
func tlsSource(a *spec.App) (issuer *string, selfSigned *bool) {
	if g := a.Gateway; g != nil {
		return &g.TLSIssuer, &g.TLSSelfSigned
	}
	in := ingress(a)
	return &in.TLSIssuer, &in.TLSSelfSigned
}
