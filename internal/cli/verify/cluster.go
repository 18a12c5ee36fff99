package verify

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubenetgen/kubenetgen/internal/clusterfacts"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/spec"
	lib "github.com/kubenetgen/kubenetgen/verify"
)

// loadCluster reads the namespace's live objects and the pods that really
// run as its ingress controller and DNS, read-only, and fills the options
// the flags left unset with them: the matrix is then over the labels the
// running pods carry. It is the only way verify reaches the network, and
// only with --cluster.
func loadCluster(ctx context.Context, opts *VerifyOptions, app *spec.App, o *lib.Options) (*lib.Bundle, string, error) {
	ns := opts.Namespace
	if ns == "" && app != nil {
		ns = app.Namespace
	}
	if ns == "" {
		return nil, "", cmdutil.FlagErrorf("--cluster needs the namespace to read: give -n NAMESPACE (or --expect kubenetgen.yaml, whose namespace it is)")
	}
	cl, err := clusterfacts.Connect(clusterfacts.Config{Kubeconfig: opts.Conn.Kubeconfig, Context: opts.Conn.Context})
	if err != nil {
		return nil, "", err
	}
	facts, err := clusterfacts.Read(ctx, cl)
	if err != nil {
		return nil, "", err
	}
	b, err := clusterfacts.ReadNamespace(ctx, cl, ns)
	if err != nil {
		return nil, "", err
	}
	o.Live = true
	w := opts.IO.ErrOut
	if o.IngressController == nil {
		liveController(w, b, app, facts, o)
	}
	if o.DNS.Namespace == "" && len(o.DNS.Labels) == 0 && len(o.DNS.CIDRs) == 0 {
		switch d := facts.DNS; {
		case d != nil && len(d.CIDRs) > 0:
			for _, c := range d.CIDRs {
				o.DNS.CIDRs = append(o.DNS.CIDRs, netip.MustParsePrefix(c))
			}
		case d != nil && len(facts.DNSPods) > 0:
			o.DNS.Namespace, o.DNS.Labels = d.Namespace, clusterfacts.CommonLabels(facts.DNSPods)
		}
		if d := facts.DNS; d != nil && o.DNS.Port == 0 {
			o.DNS.Port = d.Port
		}
	}
	if !o.PodCIDR.IsValid() && facts.PodCIDR != "" {
		if p, err := netip.ParsePrefix(strings.Split(facts.PodCIDR, ",")[0]); err == nil {
			o.PodCIDR = p
		}
	}
	if o.NodePortLow == 0 && facts.NodePortRange != "" {
		if lo, hi, err := spec.ParseNodePortRange(facts.NodePortRange); err == nil {
			o.NodePortLow, o.NodePortHigh = int32(lo), int32(hi)
		}
	}
	return b, fmt.Sprintf("namespace %s of %s", ns, clusterLabel(cl)), nil
}

// liveController makes the [ingress-controller] peer the pods that really
// run for the class of the namespace's Ingresses (or the spec's), with
// every label they all carry.
func liveController(w io.Writer, b *lib.Bundle, app *spec.App, facts *clusterfacts.Facts, o *lib.Options) {
	var classes []string
	for _, obj := range b.Objects {
		if ing, ok := obj.Obj.(*networkingv1.Ingress); ok && ing.Spec.IngressClassName != nil && !slices.Contains(classes, *ing.Spec.IngressClassName) {
			classes = append(classes, *ing.Spec.IngressClassName)
		}
	}
	if len(classes) == 0 && app != nil && app.Ingress != nil {
		classes = append(classes, app.Ingress.Class)
	}
	for _, class := range classes {
		c, ok := facts.Controllers[class]
		switch {
		case !ok:
			fmt.Fprintf(w, "note: the cluster has no IngressClass %s: its controller's pods are not checked\n", class)
		case c.Problem != "":
			fmt.Fprintf(w, "note: %s\n", c.Problem)
		default:
			o.IngressController = &lib.Controller{Namespace: c.Namespace, Labels: clusterfacts.CommonLabels(c.Pods)}
			return
		}
	}
}

func clusterLabel(cl *clusterfacts.Cluster) string {
	if cl.Context != "" {
		return "cluster " + cl.Context
	}
	return "cluster " + cl.Server
}
