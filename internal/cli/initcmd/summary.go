package initcmd

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/spec"
)

// writeSummary shows what is about to be written: the objects of each
// tier, every flow the policies allow (all else is denied), and the
// warnings, so the user confirms knowing what the base admits.
func writeSummary(out io.Writer, pl *plan) {
	width := iostreams.WidthOf(out)
	_, _ = io.WriteString(out, iostreams.Wrap(summary(pl, width), width))
}

// summary draws the summary for a terminal width columns wide (0: no
// terminal). Its tables are laid out to fit the width, every cell in its
// own column; the caller breaks the other lines between words.
func summary(pl *plan, width int) string {
	var b bytes.Buffer
	w := &b
	a := pl.app
	o := gen.BuildObjects(a)
	fmt.Fprintf(w, "\nSummary: app %s in namespace %s\n\n", a.Name, a.Namespace)

	fmt.Fprintf(w, "Objects\n")
	tw := iostreams.NewTable("  ")
	var policies []string
	for _, p := range o.Policies() {
		policies = append(policies, p.Name)
	}
	tw.Row("(namespace)", fmt.Sprintf("Namespace %s (Pod Security restricted), NetworkPolicies %s", a.Namespace, strings.Join(policies, ", ")))
	for _, t := range o.Tiers {
		var kinds []string
		for _, obj := range t.List() {
			k := obj.GetObjectKind().GroupVersionKind().Kind
			switch x := obj.(type) {
			case *appsv1.Deployment:
				k += fmt.Sprintf(" (%d %s)", *x.Spec.Replicas, plural(int(*x.Spec.Replicas), "replica"))
			case *corev1.Service:
				k += " " + string(x.Spec.Type)
			}
			kinds = append(kinds, k)
		}
		tw.Row(t.Tier.Name, strings.Join(kinds, ", "))
	}
	if in := a.Ingress; in != nil {
		tw.Row("(ingress)", fmt.Sprintf("Ingress %s, class %s%s", a.Name, in.Class, tlsNote(in.Rules, in.TLSIssuer, in.TLSSelfSigned)))
	}
	if g := o.Gateway; g != nil {
		tw.Row("(gateway)", gatewayObjects(a, g))
	}
	w.WriteString(tw.Render(width))

	fmt.Fprintf(w, "\nAllowed flows (everything else is denied)\n")
	tw = iostreams.NewTable("  ")
	tw.Header("FROM", "TO", "PORTS")
	for _, f := range gen.Flows(o) {
		// The labels of the controller and of the solver pods are in the
		// spec and the policies; the table stays narrow enough for a
		// terminal.
		for _, p := range []*gen.Peer{&f.From, &f.To} {
			if p.Kind == gen.PeerController || p.Kind == gen.PeerACMESolver || p.Kind == gen.PeerDataPlane {
				p.Labels = ""
			}
		}
		tw.Row(f.From.String(), f.To.String(), f.Ports)
	}
	w.WriteString(tw.Render(width))
	if o.ACMESolver != nil {
		// Why the one flow that is no answer of the user's is there: one
		// paragraph, broken at the terminal's width.
		through, field := "the ingress controller", "ingress.acmeSolver"
		if a.Gateway != nil {
			through, field = "the Gateway's data plane", "gateway.acmeSolver"
		}
		fmt.Fprintf(w, "  cert-manager answers the ACME HTTP-01 challenge from solver pods in %s, through %s: %s admits it. "+
			"A DNS-01 issuer starts no solver pods: %s: dns01 (--%s).\n", a.Namespace, through, o.ACMESolver.Name, field, appflags.FlagACMESolver)
	}

	writeRoutes(w, a, width)
	writeCluster(w, a)

	if ws := shared.WarningList(a); len(ws) > 0 {
		fmt.Fprintf(w, "\nWarnings\n")
		for _, s := range ws {
			fmt.Fprintf(w, "  ! %s\n", s)
		}
	}

	n := len(pl.result.Written)
	fmt.Fprintf(w, "\nFiles: %s and %d %s of the base in %s", pl.specPath, n, plural(n, "file"), pl.dir)
	if u := len(pl.result.Unchanged); u > 0 {
		fmt.Fprintf(w, " (%d unchanged)", u)
	}
	fmt.Fprintln(w)
	// --force replaces files the user edited: each is named, with where
	// its copy goes.
	for _, b := range pl.result.Backups {
		fmt.Fprintf(w, "  replaces %s, after keeping a copy in %s\n", filepath.Join(pl.dir, b.Path), filepath.Join(pl.dir, b.Copy))
	}
	return b.String()
}

// writeRoutes lists every route of the Ingress or the Gateway: host,
// path, backend and TLS per host, so a host left on plain HTTP shows; on
// a shared Gateway, the listener that serves it.
func writeRoutes(w io.Writer, a *spec.App, width int) {
	rules := a.EntryRules()
	if len(rules) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRoutes\n")
	tw := iostreams.NewTable("  ")
	tw.Header("HOST", "PATH", "BACKEND", "TLS")
	for _, r := range rules {
		host, tls := r.Host, "none: plain HTTP"
		if host == "" {
			host = "(any host)"
		}
		switch {
		case a.Gateway != nil && !a.Gateway.Own():
			tls = "listener " + a.Gateway.Attach.Listener + " of the shared Gateway"
		case r.TLS != "":
			tls = "secret " + r.TLS
		}
		tw.Row(host, r.Path, r.Tier+":"+r.Port, tls)
	}
	_, _ = io.WriteString(w, tw.Render(width))
}

// gatewayObjects describes the Gateway API objects: the app's own Gateway
// with its listeners, or the shared one the routes attach to, and the
// routes.
func gatewayObjects(a *spec.App, g *gen.GatewayObjects) string {
	var parts []string
	if gw := g.Gateway; gw != nil {
		var ls []string
		for _, l := range gw.Spec.Listeners {
			ls = append(ls, string(l.Name))
		}
		var rules []spec.Rule
		if a.Gateway != nil {
			rules = a.Gateway.Routes
		}
		parts = append(parts, fmt.Sprintf("Gateway %s, class %s, listeners %s%s", gw.Name, a.Gateway.ClassName, strings.Join(ls, ", "),
			tlsNote(rules, a.Gateway.TLSIssuer, a.Gateway.TLSSelfSigned)))
	} else {
		parts = append(parts, fmt.Sprintf("routes on the shared Gateway %s/%s, listener %s", a.GatewayNamespace(), a.GatewayName(), a.Gateway.Attach.Listener))
	}
	var routes []string
	for _, r := range g.HTTPRoutes {
		routes = append(routes, "HTTPRoute "+r.Name)
	}
	for _, r := range g.GRPCRoutes {
		routes = append(routes, "GRPCRoute "+r.Name)
	}
	return strings.Join(append(parts, routes...), "; ")
}

// writeCluster states the cluster facts the policies rely on: fixed
// nodePorts, the pod network left out of "any address", and where DNS is.
func writeCluster(w io.Writer, a *spec.App) {
	fmt.Fprintf(w, "\nCluster\n")
	var fixed []string
	for _, t := range a.Tiers {
		for _, p := range t.Ports {
			if p.NodePort != 0 {
				fixed = append(fixed, fmt.Sprintf("%s %s %d", t.Name, p.Name, p.NodePort))
			}
		}
	}
	if len(fixed) > 0 {
		fmt.Fprintf(w, "  fixed nodePorts: %s (range %s)\n", strings.Join(fixed, ", "), a.Network.NodePortRange)
	}
	fmt.Fprintf(w, "  pod network: %s\n", a.Network.PodCIDR)
	if g := a.Gateway; g != nil && g.DataPlane != nil {
		fmt.Fprintf(w, "  Gateway data plane: pods %s in %s (class %s), admitted into the routed tiers\n", appflags.FormatLabels(g.DataPlane.PodLabels), g.DataPlane.Namespace, g.ClassName)
		if cp := g.ControlPlane; cp != nil {
			fmt.Fprintf(w, "  its control plane: pods %s in %s, port %d/TCP, which it fetches its configuration from\n", appflags.FormatLabels(cp.PodLabels), cp.Namespace, cp.Port)
		}
	}
	if d := a.Network.DNS; d != nil {
		if len(d.CIDRs) > 0 {
			fmt.Fprintf(w, "  DNS: %s port %d\n", strings.Join(d.CIDRs, ", "), d.Port)
		} else {
			fmt.Fprintf(w, "  DNS: pods %s in %s, port %d UDP and TCP\n", appflags.FormatLabels(d.PodLabels), d.Namespace, d.Port)
		}
	}
	if e := a.Network.PolicyEngine; e != nil {
		plugins := "no network plugin kubenetgen knows"
		if len(e.Plugins) > 0 {
			plugins = strings.Join(e.Plugins, ", ")
		}
		verdict := map[string]string{spec.EnforcedYes: "enforced", spec.EnforcedNo: "NOT ENFORCED", spec.EnforcedUnknown: "cannot tell whether enforced"}[e.Enforced]
		fmt.Fprintf(w, "  NetworkPolicy: %s (%s)\n", verdict, plugins)
	}
}

// tlsNote says how the Ingress (or the own Gateway) gets its
// certificates.
func tlsNote(rules []spec.Rule, issuer string, selfSigned bool) string {
	var secrets []string
	for _, r := range rules {
		if r.TLS != "" && !slices.Contains(secrets, r.TLS) {
			secrets = append(secrets, r.TLS)
		}
	}
	switch {
	case len(secrets) == 0:
		return ", no TLS"
	case issuer != "":
		return fmt.Sprintf(", TLS secret %s issued by cert-manager ClusterIssuer %s", strings.Join(secrets, ", "), issuer)
	case selfSigned:
		return fmt.Sprintf(", TLS secret %s from a self-signed certificate kubenetgen makes in %s/", strings.Join(secrets, ", "), gen.TLSDir)
	}
	return ", TLS secret " + strings.Join(secrets, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
