package shared

import (
	"context"
	"fmt"
	"io"
	"maps"
	"reflect"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/clusterfacts"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/spec"
)

// ReadCluster reads the facts of the cluster the connection flags name,
// read-only and within clusterfacts.DefaultTimeout, and checks the spec's
// Gateway (gw, nil without one) against it. Its error is the one clear
// error of an unreachable, forbidden or half-answering cluster, or of a
// cluster where the spec's Gateway cannot work.
func ReadCluster(ctx context.Context, c appflags.Connection, gw *clusterfacts.GatewayQuery) (*clusterfacts.Facts, *clusterfacts.Cluster, error) {
	cl, err := clusterfacts.Connect(clusterfacts.Config{Kubeconfig: c.Kubeconfig, Context: c.Context})
	if err != nil {
		return nil, nil, err
	}
	f, err := ReadFacts(ctx, cl, gw)
	if err != nil {
		return nil, nil, err
	}
	return f, cl, nil
}

// ReadFacts reads the facts of a connected cluster and, with gw, checks
// the spec's Gateway against it.
func ReadFacts(ctx context.Context, cl *clusterfacts.Cluster, gw *clusterfacts.GatewayQuery) (*clusterfacts.Facts, error) {
	f, err := clusterfacts.Read(ctx, cl)
	if err != nil {
		return nil, err
	}
	if gw != nil {
		if f.Gateway, err = clusterfacts.ReadGateway(ctx, cl, *gw); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// ClusterReader reads a cluster's facts: ReadCluster, or a fake in tests.
type ClusterReader func(ctx context.Context, c appflags.Connection, gw *clusterfacts.GatewayQuery) (*clusterfacts.Facts, *clusterfacts.Cluster, error)

// GatewayQueryOf is what --from-cluster checks of the app's Gateway: nil
// without one, or with a class validation refuses anyway. What the app
// gives (flags or spec) wins over what the cluster would say.
func GatewayQueryOf(a *spec.App) *clusterfacts.GatewayQuery {
	g := a.Gateway
	if g == nil || g.Class == "" || g.Class == spec.GatewayCilium {
		return nil
	}
	d := spec.Defaulted(a)
	dg := d.Gateway
	return &clusterfacts.GatewayQuery{
		Class: dg.Class, ClassName: dg.ClassName,
		Shared: !dg.Own(), Name: d.GatewayName(), Namespace: d.GatewayNamespace(),
		DataPlaneGiven: g.DataPlane != nil, ControlPlaneGiven: g.ControlPlane != nil,
		NeedsControlPlane: d.DataPlaneInApp(),
	}
}

// FromCluster reads the cluster's facts with read (nil: ReadCluster) when
// --from-cluster was given and lays them over the start's app, under the
// flags given, which win; it tells w what it found and how. It returns
// the facts (nil without --from-cluster), whose controllers the wizard
// offers per class.
func (s *Start) FromCluster(ctx context.Context, v *appflags.Values, fs *pflag.FlagSet, w io.Writer, read ClusterReader) (*clusterfacts.Facts, error) {
	if !v.FromCluster {
		if fs.Changed(appflags.FlagKubeconfig) || fs.Changed(appflags.FlagContext) {
			return nil, cmdutil.FlagErrorf("--%s and --%s name the cluster --%s reads: give --%s too", appflags.FlagKubeconfig, appflags.FlagContext, appflags.FlagFromCluster, appflags.FlagFromCluster)
		}
		return nil, nil
	}
	if read == nil {
		read = ReadCluster
	}
	f, cl, err := read(ctx, v.Connection, GatewayQueryOf(s.App))
	if err != nil {
		return nil, err
	}
	name := cl.Context
	if name == "" {
		name = cl.Server
	}
	var b strings.Builder
	fmt.Fprintf(&b, "from the cluster %s:\n", name)
	if err := s.LayFacts(f, fs.Changed, &b); err != nil {
		return nil, err
	}
	iostreams.Fprintw(w, b.String())
	return f, nil
}

// LayFacts lays the facts over the start's app, except where a flag given
// (changed) says otherwise, and says on w what each fact is and how it was
// learnt. A pod network the cluster does not tell, and neither a flag nor
// the spec gives, is a usage error asking for --pod-cidr.
func (s *Start) LayFacts(f *clusterfacts.Facts, changed func(string) bool, w io.Writer) error {
	a := &s.App.Network
	switch {
	case changed(appflags.FlagPodCIDR):
		fmt.Fprintf(w, "  pod network: --%s given (the cluster: %s)\n", appflags.FlagPodCIDR, orNone(f.PodCIDR, f.PodCIDRHow))
	case f.PodCIDR != "":
		a.PodCIDR = f.PodCIDR
		fmt.Fprintf(w, "  pod network: %s, %s\n", f.PodCIDR, f.PodCIDRHow)
	case a.PodCIDR != "":
		fmt.Fprintf(w, "  pod network: %s, from the spec (the cluster does not tell: %s)\n", a.PodCIDR, f.PodCIDRHow)
	default:
		return cmdutil.FlagErrorf("--%s: the cluster's pod network cannot be read: %s; give it with --%s (kind and kubeadm: %s, k3s: 10.42.0.0/16; dual-stack: V4CIDR,V6CIDR); nothing was written",
			appflags.FlagFromCluster, f.PodCIDRHow, appflags.FlagPodCIDR, spec.DefaultPodCIDR)
	}
	switch {
	case changed(appflags.FlagNodePortRange):
		fmt.Fprintf(w, "  NodePort range: --%s given\n", appflags.FlagNodePortRange)
	case f.NodePortRange != "":
		a.NodePortRange = f.NodePortRange
		fmt.Fprintf(w, "  NodePort range: %s, %s\n", f.NodePortRange, f.NodePortHow)
	default:
		fmt.Fprintf(w, "  NodePort range: %s\n", f.NodePortHow)
	}
	dnsFlags := []string{appflags.FlagDNSNamespace, appflags.FlagDNSLabels, appflags.FlagDNSCIDR, appflags.FlagDNSPort}
	switch {
	case anyChanged(changed, dnsFlags...):
		fmt.Fprintf(w, "  DNS: the --dns-* flags given\n")
	case f.DNS != nil:
		d := *f.DNS
		d.PodLabels = maps.Clone(d.PodLabels)
		a.DNS = &d
		fmt.Fprintf(w, "  DNS: %s\n", f.DNSHow)
	default:
		fmt.Fprintf(w, "  DNS: %s\n", f.DNSHow)
	}
	if in := s.App.Ingress; in != nil && in.Class != "" {
		switch {
		case changed(appflags.FlagIngressNamespace) || changed(appflags.FlagIngressLabels):
			fmt.Fprintf(w, "  ingress controller: the --ingress-* flags given\n")
		default:
			fmt.Fprintf(w, "  ingress controller: %s\n", LayController(in, f))
		}
	}
	if g := s.App.Gateway; g != nil && f.Gateway != nil {
		fmt.Fprintf(w, "  %s\n", LayGateway(g, f.Gateway))
	}
	e := f.Engine
	a.PolicyEngine = &e
	verdict := map[string]string{spec.EnforcedYes: "enforced", spec.EnforcedNo: "NOT ENFORCED", spec.EnforcedUnknown: "cannot tell whether it is enforced"}[e.Enforced]
	fmt.Fprintf(w, "  NetworkPolicy: %s; %s\n", verdict, f.EngineHow)
	return nil
}

// LayController sets the Ingress's controller to the one the cluster runs
// for its class, when found, and says what was found.
func LayController(in *spec.Ingress, f *clusterfacts.Facts) string {
	c, ok := f.Controllers[in.Class]
	if !ok {
		return fmt.Sprintf("the cluster has no IngressClass %s: the spec's controller stands", in.Class)
	}
	if c.Problem != "" {
		return c.Problem
	}
	in.Controller = &spec.Controller{Namespace: c.Namespace, PodLabels: maps.Clone(c.Labels)}
	return "found " + c.Found()
}

// DropStaleGateway drops the data plane the facts laid over the app's
// shared Gateway when the Gateway has changed since (another shared
// Gateway, as the wizard's answers may make it): it belongs to the Gateway
// the cluster was asked about. A data plane the app gave stays; the
// control plane does not depend on the Gateway, and the wizard resets it
// with the class. It says whether it dropped the data plane.
func DropStaleGateway(a *spec.App, f *clusterfacts.Facts) bool {
	if f == nil || f.Gateway == nil || a.Gateway == nil {
		return false
	}
	if q := GatewayQueryOf(a); q != nil && q.Same(f.Gateway.Query) {
		return false
	}
	g := a.Gateway
	if dp := f.Gateway.DataPlane; dp != nil && g.DataPlane != nil && reflect.DeepEqual(*dp, *g.DataPlane) {
		g.DataPlane = nil
		return true
	}
	return false
}

// LayGateway sets the Gateway's data plane and control plane to where the
// cluster runs them, when found (a plane given was not read), and says
// what was found.
func LayGateway(g *spec.Gateway, f *clusterfacts.GatewayFacts) string {
	said := f.Found()
	switch {
	case f.DataPlane != nil:
		g.DataPlane = &spec.Controller{Namespace: f.DataPlane.Namespace, PodLabels: maps.Clone(f.DataPlane.PodLabels)}
	case g.DataPlane != nil:
		said += "; data plane as given"
	case g.Own():
		said += "; data plane: deployed when the Gateway is applied"
	}
	if cp := f.ControlPlane; cp != nil {
		g.ControlPlane = &spec.ControlPlane{Namespace: cp.Namespace, PodLabels: maps.Clone(cp.PodLabels), Port: cp.Port}
	} else if g.ControlPlane != nil {
		said += "; control plane as given"
	}
	return said
}

func anyChanged(changed func(string) bool, flags ...string) bool {
	for _, f := range flags {
		if changed(f) {
			return true
		}
	}
	return false
}

func orNone(v, how string) string {
	if v == "" {
		return how
	}
	return v
}
