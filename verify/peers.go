package verify

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubenetgen/kubenetgen/internal/wellknown"
	"github.com/kubenetgen/kubenetgen/spec"
)

// Peer kinds: pods of a workload in the manifests, and the pseudo-peers
// that stand for what the manifests reach or are reached by.
const (
	PeerWorkload          = "workload"
	PeerIngressController = "ingress-controller"
	PeerDNS               = "dns"
	PeerAPIServer         = "api-server"
	PeerOutside           = "outside"
	PeerCIDR              = "cidr"
	// PeerMetadata is the cloud instance-metadata address, which hands
	// out node credentials on most clouds.
	PeerMetadata = "metadata"
	// PeerPod is an unlabelled pod of a namespace: any other pod there,
	// including pods added later. It shows what a namespace-wide selector
	// (an OR where an AND was meant, a podSelector: {}) really admits.
	PeerPod = "pod"
	// PeerACMESolver stands for the pods cert-manager starts in a
	// namespace to answer ACME HTTP-01 challenges, which the ingress
	// controller must reach for a certificate to issue.
	PeerACMESolver = "acme-solver"
)

// ContainerPort is a port a peer listens on, as its pod spec declares it.
type ContainerPort struct {
	Name     string `json:"name,omitempty"`
	Port     int32  `json:"port"`
	Protocol string `json:"protocol"`
}

// Peer is one end of a connection: the pods of one pod template, or a
// pseudo-peer (the ingress controller, cluster DNS, the API server, an
// address outside the cluster).
type Peer struct {
	// ID names the peer in flows: "shop/web" for a Deployment's pods,
	// "StatefulSet/shop/db" for other workloads, "[dns]" for pseudo-peers.
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// Namespace and Labels are a pod's; empty for an address.
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
	// Address is the pod's (a stand-in inside the pod CIDR, so that
	// ipBlock rules see pods as the cluster would) or the pseudo-peer's.
	Address netip.Addr      `json:"address"`
	Ports   []ContainerPort `json:"ports,omitempty"`
	// Object is the workload, for peers from the manifests.
	Object *Object `json:"-"`
	// Template is the workload's pod template.
	Template *corev1.PodTemplateSpec `json:"-"`

	pod      bool
	labelSet labels.Set
	order    int
}

// listed reports whether the matrix lists the peer's flows: a workload of
// the manifests, or cert-manager's HTTP-01 solver pods.
func (p *Peer) listed() bool { return p.Kind == PeerWorkload || p.Kind == PeerACMESolver }

// IsPod reports whether the peer is a pod, which selectors can select and
// policies can isolate.
func (p *Peer) IsPod() bool { return p.pod }

// Controller locates ingress controller (or DNS) pods.
type Controller struct {
	Namespace string
	Labels    map[string]string
}

// DNSOptions locate cluster DNS: as pods (Namespace, Labels) or as
// addresses (CIDRs, NodeLocal DNSCache), on Port over UDP and TCP.
type DNSOptions struct {
	Namespace string
	Labels    map[string]string
	CIDRs     []netip.Prefix
	Port      int32
}

// APIServerOptions locate the Kubernetes API server as pods see it.
type APIServerOptions struct {
	CIDRs []netip.Prefix
	Port  int32
}

// Options are the cluster facts the evaluator needs beyond the manifests.
type Options struct {
	// PodCIDR holds the stand-in pod addresses; default 10.244.0.0/16.
	PodCIDR netip.Prefix
	// IngressController adds the "[ingress-controller]" peer when set.
	IngressController *Controller
	// GatewayDataPlane adds the "[gateway-data-plane]" peer when set.
	GatewayDataPlane *Controller
	// GatewayControlPlane adds the "[gateway-control-plane]" peer when
	// set: what a data plane in the app's namespace calls.
	GatewayControlPlane *ControlPlane
	// DNS adds the "[dns]" peer(s); the zero value means kube-dns in
	// kube-system on port 53.
	DNS DNSOptions
	// APIServer adds the "[api-server]" peer when set.
	APIServer *APIServerOptions
	// Outside adds one "[outside CIDR]" peer per range, beside the
	// "[outside]" peer at OutsideAddress.
	Outside []netip.Prefix
	// EgressCIDRs adds one "[cidr CIDR]" peer per range: destinations the
	// app declares.
	EgressCIDRs []netip.Prefix
	// AllowMetadata silences the warning about workloads that may reach
	// the cloud metadata address (the spec's network.blockMetadata: false).
	AllowMetadata bool
	// NodePortLow and NodePortHigh bound nodePorts; default 30000-32767.
	NodePortLow, NodePortHigh int32
	// ACMESolvers adds one "[acme-solver in NS]" peer per namespace:
	// where cert-manager may start HTTP-01 solver pods (labelled
	// acme.cert-manager.io/http01-solver=true, listening on 8089/TCP).
	ACMESolvers []string
	// Live says the objects were read from a running cluster and that
	// IngressController and DNS are the pods that really run there, with
	// every label they carry: an Ingress whose backends the controller
	// cannot reach is then a finding naming those labels.
	Live bool
	// PodSets adds one "[NAMESPACE/NAME]" peer per set: pods of another
	// namespace that the app's tiers call or are called by.
	PodSets []PodSet
}

// OutsideAddress stands for any address outside the cluster: one of the
// benchmarking range 198.18.0.0/15 (RFC 2544), never a real client, in no
// pod CIDR, and outside the documentation ranges (203.0.113.0/24…) that
// specs take their source ranges from. A spec that names it anyway gets
// the next address outside its ranges (outsideAddress).
var OutsideAddress = netip.MustParseAddr("198.18.0.10")

// outsideAddress is the first address from OutsideAddress on that lies
// in none of ranges (but 0.0.0.0/0), so that [outside] stands for a
// client no source range admits.
func outsideAddress(ranges ...[]netip.Prefix) netip.Addr {
	in := func(a netip.Addr) bool {
		for _, rs := range ranges {
			if slices.ContainsFunc(rs, func(p netip.Prefix) bool { return p.Bits() > 0 && p.Contains(a) }) {
				return true
			}
		}
		return false
	}
	a := OutsideAddress
	for n := 0; in(a) && n < 1<<20; n++ {
		a = a.Next()
	}
	return a
}

// MetadataAddress is the cloud instance-metadata address.
var MetadataAddress = netip.MustParsePrefix(spec.MetadataCIDR).Addr()

// Defaulted returns o with its defaults filled.
func (o Options) Defaulted() Options {
	if !o.PodCIDR.IsValid() {
		o.PodCIDR = netip.MustParsePrefix(spec.DefaultPodCIDR)
	}
	if len(o.DNS.CIDRs) == 0 {
		if o.DNS.Namespace == "" {
			o.DNS.Namespace = spec.DefaultDNSNamespace
		}
		if len(o.DNS.Labels) == 0 {
			o.DNS.Labels = spec.DefaultDNSLabels()
		}
	}
	if o.DNS.Port == 0 {
		o.DNS.Port = spec.DefaultDNSPort
	}
	if o.APIServer != nil && o.APIServer.Port == 0 {
		a := *o.APIServer
		a.Port = spec.DefaultAPIServerPort
		o.APIServer = &a
	}
	if o.NodePortLow == 0 && o.NodePortHigh == 0 {
		// The spec's default range, so that verify and the spec agree.
		lo, hi, _ := spec.ParseNodePortRange(spec.DefaultNodePortRange)
		o.NodePortLow, o.NodePortHigh = int32(lo), int32(hi)
	}
	return o
}

// OptionsFromSpec derives the options from a defaulted, valid spec: its pod
// CIDR, ingress controller, DNS, API server, NodePort range, the source
// ranges of its exposed tiers and its egress CIDRs.
func OptionsFromSpec(a *spec.App) Options {
	var o Options
	n := a.Network
	// The stand-in pods take IPv4 addresses, as the outside address is.
	for _, s := range n.PodCIDRs() {
		if p, err := netip.ParsePrefix(s); err == nil && (!o.PodCIDR.IsValid() || p.Addr().Is4()) {
			o.PodCIDR = p
		}
	}
	if a.Ingress != nil && a.Ingress.Controller != nil {
		o.IngressController = &Controller{Namespace: a.Ingress.Controller.Namespace, Labels: maps.Clone(a.Ingress.Controller.PodLabels)}
	}
	if d := n.DNS; d != nil {
		o.DNS = DNSOptions{Namespace: d.Namespace, Labels: maps.Clone(d.PodLabels), CIDRs: parsePrefixes(d.CIDRs), Port: d.Port}
	}
	if s := n.APIServer; s != nil {
		o.APIServer = &APIServerOptions{CIDRs: parsePrefixes(s.CIDRs), Port: s.Port}
	}
	o.AllowMetadata = n.BlockMetadata != nil && !*n.BlockMetadata
	if lo, hi, err := spec.ParseNodePortRange(n.NodePortRange); err == nil {
		o.NodePortLow, o.NodePortHigh = int32(lo), int32(hi)
	}
	for _, t := range a.Tiers {
		if t.Expose.External() {
			o.Outside = append(o.Outside, parsePrefixes(t.Expose.SourceRanges)...)
		}
		o.EgressCIDRs = append(o.EgressCIDRs, parsePrefixes(t.Egress.CIDRs)...)
	}
	o.GatewayDataPlane = gatewayDataPlaneOf(a)
	o.GatewayControlPlane = gatewayControlPlaneOf(a)
	if a.DataPlaneInApp() {
		o.Outside = append(o.Outside, parsePrefixes(a.Gateway.SourceRanges)...)
	}
	o.Outside = uniquePrefixes(o.Outside)
	o.EgressCIDRs = uniquePrefixes(o.EgressCIDRs)
	o.PodSets = podSetsFromSpec(a)
	if a.HTTP01Solver() {
		o.ACMESolvers = []string{a.Namespace}
	}
	return o.Defaulted()
}

// acmeSolverNamespaces lists the namespaces of the Ingresses that ask
// cert-manager for a certificate (by its annotations), where it may start
// HTTP-01 solver pods, sorted.
func acmeSolverNamespaces(objs []*Object) []string {
	var out []string
	for _, obj := range objs {
		ing, ok := obj.Obj.(*networkingv1.Ingress)
		if !ok {
			continue
		}
		if ing.Annotations[wellknown.AnnotationClusterIssuer] != "" || ing.Annotations[wellknown.AnnotationIssuer] != "" {
			out = append(out, ing.Namespace)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func parsePrefixes(ss []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		if p, err := netip.ParsePrefix(strings.TrimSpace(s)); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}

func uniquePrefixes(ps []netip.Prefix) []netip.Prefix {
	slices.SortFunc(ps, func(a, b netip.Prefix) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(ps)
}

// representative picks the address that stands for a CIDR: its first host.
func representative(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	if p.Bits() < a.BitLen() {
		if n := a.Next(); n.IsValid() {
			return n
		}
	}
	return a
}

// podTemplate returns the pod template of a workload object, or nil.
func podTemplate(o *Object) *corev1.PodTemplateSpec {
	switch w := o.Obj.(type) {
	case *appsv1.Deployment:
		return &w.Spec.Template
	case *appsv1.StatefulSet:
		return &w.Spec.Template
	case *appsv1.DaemonSet:
		return &w.Spec.Template
	case *appsv1.ReplicaSet:
		return &w.Spec.Template
	case *batchv1.Job:
		return &w.Spec.Template
	case *batchv1.CronJob:
		return &w.Spec.JobTemplate.Spec.Template
	case *corev1.ReplicationController:
		return w.Spec.Template
	case *corev1.Pod:
		return &corev1.PodTemplateSpec{ObjectMeta: w.ObjectMeta, Spec: w.Spec}
	}
	return nil
}

// containerPorts lists the ports a pod declares, init (sidecar) containers
// included, protocol defaulted to TCP.
func containerPorts(ps *corev1.PodSpec) []ContainerPort {
	var out []ContainerPort
	for _, cs := range [][]corev1.Container{ps.InitContainers, ps.Containers} {
		for _, c := range cs {
			for _, p := range c.Ports {
				proto := string(p.Protocol)
				if proto == "" {
					proto = "TCP"
				}
				out = append(out, ContainerPort{Name: p.Name, Port: p.ContainerPort, Protocol: proto})
			}
		}
	}
	return out
}

// buildPeers lists the workload peers (sorted by ID) then the pseudo-peers
// in a fixed order, each pod given a stand-in address in the pod CIDR.
func buildPeers(objs []*Object, o Options) []*Peer {
	var peers []*Peer
	for _, obj := range objs {
		t := podTemplate(obj)
		if t == nil {
			continue
		}
		m := obj.Meta()
		id := m.GetNamespace() + "/" + m.GetName()
		if obj.Kind != "Deployment" {
			id = obj.Kind + "/" + id
		}
		peers = append(peers, &Peer{
			ID: id, Kind: PeerWorkload, Namespace: m.GetNamespace(),
			Labels: t.Labels, Ports: containerPorts(&t.Spec),
			Object: obj, Template: t, pod: true,
		})
	}
	slices.SortFunc(peers, func(a, b *Peer) int { return strings.Compare(a.ID, b.ID) })
	if c := o.IngressController; c != nil {
		peers = append(peers, &Peer{ID: "[" + PeerIngressController + "]", Kind: PeerIngressController, Namespace: c.Namespace, Labels: c.Labels, pod: true})
	}
	if g := gatewayPeer(o); g != nil {
		peers = append(peers, g)
	}
	if c := controlPlanePeer(o); c != nil {
		peers = append(peers, c)
	}
	dnsPorts := []ContainerPort{{Name: "dns", Port: o.DNS.Port, Protocol: "UDP"}, {Name: "dns-tcp", Port: o.DNS.Port, Protocol: "TCP"}}
	if len(o.DNS.CIDRs) == 0 {
		// CoreDNS also serves metrics; listing the port shows when a
		// policy opens more of DNS than lookups need.
		ports := append(dnsPorts, ContainerPort{Name: "metrics", Port: 9153, Protocol: "TCP"})
		peers = append(peers, &Peer{ID: "[" + PeerDNS + "]", Kind: PeerDNS, Namespace: o.DNS.Namespace, Labels: o.DNS.Labels, Ports: ports, pod: true})
	}
	for _, c := range o.DNS.CIDRs {
		peers = append(peers, &Peer{ID: fmt.Sprintf("[dns %s]", c), Kind: PeerDNS, Address: representative(c), Ports: dnsPorts})
	}
	if s := o.APIServer; s != nil {
		for i, c := range s.CIDRs {
			id := "[" + PeerAPIServer + "]"
			if i > 0 {
				id = fmt.Sprintf("[api-server %s]", c)
			}
			peers = append(peers, &Peer{ID: id, Kind: PeerAPIServer, Address: representative(c), Ports: []ContainerPort{{Name: "https", Port: s.Port, Protocol: "TCP"}}})
		}
	}
	for _, ns := range o.ACMESolvers {
		peers = append(peers, &Peer{
			ID: "[" + PeerACMESolver + " in " + ns + "]", Kind: PeerACMESolver, Namespace: ns,
			Labels: map[string]string{wellknown.LabelACMESolver: wellknown.ACMESolverValue},
			Ports:  []ContainerPort{{Name: "http", Port: wellknown.ACMESolverPort, Protocol: "TCP"}},
			pod:    true,
		})
	}
	peers = append(peers, podSetPeers(o.PodSets)...)
	var podNamespaces []string
	for _, p := range peers {
		if p.pod && !slices.Contains(podNamespaces, p.Namespace) {
			podNamespaces = append(podNamespaces, p.Namespace)
		}
	}
	slices.Sort(podNamespaces)
	for _, ns := range podNamespaces {
		peers = append(peers, &Peer{ID: "[pod in " + ns + "]", Kind: PeerPod, Namespace: ns, Labels: map[string]string{}, pod: true})
	}
	peers = append(peers, &Peer{ID: "[" + PeerOutside + "]", Kind: PeerOutside, Address: outsideAddress(o.Outside, o.EgressCIDRs)})
	peers = append(peers, &Peer{ID: "[" + PeerMetadata + "]", Kind: PeerMetadata, Address: MetadataAddress})
	for _, c := range o.Outside {
		if c.Contains(OutsideAddress) && c.Bits() == 0 {
			continue // the [outside] peer already stands for it
		}
		peers = append(peers, &Peer{ID: fmt.Sprintf("[outside %s]", c), Kind: PeerOutside, Address: representative(c)})
	}
	for _, c := range o.EgressCIDRs {
		if c.Bits() == 0 {
			continue // 0.0.0.0/0 is [outside] (and every pod)
		}
		peers = append(peers, &Peer{ID: fmt.Sprintf("[cidr %s]", c), Kind: PeerCIDR, Address: representative(c)})
	}
	// One peer per address: a range whose first host another peer
	// already stands for (the API server's /32 named again in a policy)
	// adds nothing.
	seen := map[netip.Addr]bool{}
	kept := peers[:0]
	for _, p := range peers {
		if !p.pod {
			if seen[p.Address] {
				continue
			}
			seen[p.Address] = true
		}
		kept = append(kept, p)
	}
	peers = kept
	addr := o.PodCIDR.Masked().Addr()
	for i, p := range peers {
		p.order = i
		p.labelSet = labels.Set(p.Labels)
		if p.pod {
			// The next free address of the pod CIDR, wrapping around; a
			// tiny CIDR may have to share one.
			for tries := 0; tries < 1<<16; tries++ {
				if addr = addr.Next(); !addr.IsValid() || !o.PodCIDR.Contains(addr) {
					addr = o.PodCIDR.Masked().Addr()
				}
				if !seen[addr] {
					break
				}
			}
			p.Address = addr
		}
	}
	return peers
}
