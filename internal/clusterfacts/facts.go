package clusterfacts

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Facts are what a reading of the cluster found. Each How says how a fact
// was learnt or why it could not be, in words for the user.
type Facts struct {
	// PodCIDR is the pod network, one CIDR per family comma-separated as
	// network.podCIDR takes it; empty when it could not be learnt.
	PodCIDR string
	// PodCIDRExact says PodCIDR is exactly the cluster's pod network; when
	// it is empty and PodCIDRExact is false, --pod-cidr is required.
	PodCIDRHow string
	// Controllers are the ingress controllers found, by IngressClass name.
	Controllers map[string]*Controller
	// DNS is where cluster DNS runs; nil when it could not be learnt.
	DNS    *spec.DNS
	DNSHow string
	// DNSPods are the labels of the DNS pods that run (none with NodeLocal
	// DNSCache's addresses).
	DNSPods []map[string]string
	// NodePortRange is the apiserver's --service-node-port-range; empty
	// when it could not be learnt.
	NodePortRange string
	NodePortHow   string
	// Engine says whether the network plugin enforces NetworkPolicy.
	Engine    spec.PolicyEngine
	EngineHow string
	// Gateway is what ReadGateway found for the spec's Gateway; nil
	// without one.
	Gateway *GatewayFacts
}

// Controller is an ingress controller found for an IngressClass.
type Controller struct {
	// Class is the IngressClass, Name its spec.controller.
	Class, Name string
	// Namespace and Labels locate its pods: the labels its running pods
	// all carry, the stable ones; empty when Problem says why.
	Namespace string
	Labels    map[string]string
	// Pods are the labels of each running pod of the controller.
	Pods []map[string]string
	// Problem says why the controller could not be located.
	Problem string
}

// Found says, for the user, where the controller was found:
// "traefik in kube-system with app.kubernetes.io/name=traefik".
func (c *Controller) Found() string {
	if c.Problem != "" {
		return c.Problem
	}
	return fmt.Sprintf("%s in %s with %s", c.Class, c.Namespace, FormatLabels(c.Labels))
}

// FormatLabels writes labels as k=v,k=v in key order.
func FormatLabels(m map[string]string) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return strings.Join(out, ",")
}

// reader makes the requests of one reading and remembers whether the
// cluster has answered any, to tell an unreachable cluster from one that
// half-answers.
type reader struct {
	ctx      context.Context
	c        kubernetes.Interface
	cluster  string
	answered bool
}

func (r *reader) do(verb, resource, ns string, f func(ctx context.Context) error) error {
	if err := f(r.ctx); err != nil {
		e := classify(err, r.answered, verb, resource, ns)
		e.Cluster = r.cluster
		return e
	}
	r.answered = true
	return nil
}

// Read reads the facts. It only gets and lists, within DefaultTimeout
// (or the deadline of ctx). Any request that fails fails the whole
// reading: facts read in part are not facts.
func Read(ctx context.Context, cl *Cluster) (*Facts, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	r := &reader{ctx: ctx, c: cl.Client, cluster: clusterName(cl)}
	var (
		nodes   *corev1.NodeList
		system  *corev1.PodList
		dss     *appsv1.DaemonSetList
		classes *networkingv1.IngressClassList
		kubeDNS *corev1.Service
	)
	err := r.do("list", "nodes", "", func(ctx context.Context) (err error) {
		nodes, err = r.c.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		return err
	})
	if err == nil {
		err = r.do("list", "pods", metav1.NamespaceSystem, func(ctx context.Context) (err error) {
			system, err = r.c.CoreV1().Pods(metav1.NamespaceSystem).List(ctx, metav1.ListOptions{})
			return err
		})
	}
	if err == nil {
		err = r.do("list", "daemonsets", "", func(ctx context.Context) (err error) {
			dss, err = r.c.AppsV1().DaemonSets("").List(ctx, metav1.ListOptions{})
			return err
		})
	}
	if err == nil {
		err = r.do("list", "ingressclasses", "", func(ctx context.Context) (err error) {
			classes, err = r.c.NetworkingV1().IngressClasses().List(ctx, metav1.ListOptions{})
			return err
		})
	}
	if err == nil {
		err = r.do("get", "services", metav1.NamespaceSystem, func(ctx context.Context) (err error) {
			kubeDNS, err = r.c.CoreV1().Services(metav1.NamespaceSystem).Get(ctx, "kube-dns", metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				kubeDNS, err = nil, nil
			}
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	f := &Facts{Controllers: map[string]*Controller{}}
	f.podCIDR(nodes.Items, system.Items)
	f.nodePortRange(system.Items)
	f.dns(kubeDNS, system.Items, dss.Items)
	f.engine(nodes.Items, dss.Items)
	for _, ic := range classes.Items {
		c, err := r.controller(ic)
		if err != nil {
			return nil, err
		}
		f.Controllers[ic.Name] = c
	}
	return f, nil
}

// flagValue returns the value of --name=VALUE or --name VALUE in a
// container's command and arguments.
func flagValue(c corev1.Container, name string) (string, bool) {
	args := append(slices.Clone(c.Command), c.Args...)
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
		if a == "--"+name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// componentFlag finds the flag in the static pod of a control-plane
// component (kubeadm's kube-system/COMPONENT-NODE, labelled component).
func componentFlag(pods []corev1.Pod, component, flag string) (value string, podFound bool) {
	for _, p := range pods {
		if p.Labels["component"] != component {
			continue
		}
		podFound = true
		for _, c := range p.Spec.Containers {
			if v, ok := flagValue(c, flag); ok {
				return v, true
			}
		}
	}
	return "", podFound
}

// podCIDR learns the pod network: exactly from kube-controller-manager's
// --cluster-cidr when its pod runs in the cluster, else from the Nodes'
// spec.podCIDRs when their union is exactly one network per family.
func (f *Facts) podCIDR(nodes []corev1.Node, system []corev1.Pod) {
	if v, _ := componentFlag(system, "kube-controller-manager", "cluster-cidr"); v != "" {
		if err := checkPodCIDR(v); err == nil {
			f.PodCIDR = v
			f.PodCIDRHow = "read from kube-controller-manager's --cluster-cidr"
			return
		}
	}
	byFamily := map[bool][]netip.Prefix{}
	var without []string
	for _, n := range nodes {
		cidrs := n.Spec.PodCIDRs
		if len(cidrs) == 0 && n.Spec.PodCIDR != "" {
			cidrs = []string{n.Spec.PodCIDR}
		}
		if len(cidrs) == 0 {
			without = append(without, n.Name)
		}
		for _, s := range cidrs {
			if p, err := netip.ParsePrefix(s); err == nil {
				byFamily[p.Addr().Is4()] = append(byFamily[p.Addr().Is4()], p.Masked())
			}
		}
	}
	switch {
	case len(nodes) == 0:
		f.PodCIDRHow = "the cluster has no nodes to read spec.podCIDRs from"
		return
	case len(without) == len(nodes):
		f.PodCIDRHow = "no node sets spec.podCIDRs (the network plugin manages pod addresses itself)"
		return
	case len(without) > 0:
		f.PodCIDRHow = fmt.Sprintf("nodes disagree: %s set no spec.podCIDRs while others do", strings.Join(without, ", "))
		return
	}
	var nets, ranges []string
	for _, v4 := range []bool{true, false} {
		ps := byFamily[v4]
		if len(ps) == 0 {
			continue
		}
		for _, p := range ps {
			ranges = append(ranges, p.String())
		}
		u := union(ps)
		if len(u) != 1 {
			f.PodCIDRHow = fmt.Sprintf("the nodes' pod ranges (%s) are not one network: their union is %s, and the cluster's pod network may be larger", strings.Join(dedupe(ranges), ", "), joinPrefixes(u))
			return
		}
		nets = append(nets, u[0].String())
	}
	f.PodCIDR = strings.Join(nets, ",")
	f.PodCIDRHow = fmt.Sprintf("the union of the nodes' spec.podCIDRs (%s); a node added later with a range outside it would not be excepted", strings.Join(dedupe(ranges), ", "))
}

// checkPodCIDR checks a --cluster-cidr: one network, or one per family.
func checkPodCIDR(s string) error {
	parts := strings.Split(s, ",")
	if len(parts) > 2 {
		return fmt.Errorf("%q names more than two networks", s)
	}
	for _, p := range parts {
		if err := spec.CheckCIDR(strings.TrimSpace(p)); err != nil {
			return err
		}
	}
	return nil
}

func dedupe(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}

func joinPrefixes(ps []netip.Prefix) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return strings.Join(out, " + ")
}

// union returns the fewest prefixes that hold exactly the addresses of ps:
// prefixes inside others are dropped and sibling halves joined.
func union(ps []netip.Prefix) []netip.Prefix {
	out := slices.Clone(ps)
	for changed := true; changed; {
		changed = false
		slices.SortFunc(out, func(a, b netip.Prefix) int {
			if c := a.Addr().Compare(b.Addr()); c != 0 {
				return c
			}
			return a.Bits() - b.Bits()
		})
		var next []netip.Prefix
		for i := 0; i < len(out); i++ {
			p := out[i]
			if len(next) > 0 && next[len(next)-1].Contains(p.Addr()) && next[len(next)-1].Bits() <= p.Bits() {
				changed = true
				continue
			}
			if i+1 < len(out) && p.Bits() == out[i+1].Bits() && p.Bits() > 0 {
				parent, _ := p.Addr().Prefix(p.Bits() - 1)
				if parent.Addr() == p.Addr() && out[i+1].Addr() != p.Addr() && parent.Contains(out[i+1].Addr()) {
					next = append(next, parent)
					i++
					changed = true
					continue
				}
			}
			next = append(next, p)
		}
		out = next
	}
	return out
}

// nodePortRange learns the NodePort range from the kube-apiserver pod,
// when the API server runs as a pod of the cluster (kubeadm, kind).
func (f *Facts) nodePortRange(system []corev1.Pod) {
	v, found := componentFlag(system, "kube-apiserver", "service-node-port-range")
	switch {
	case v != "":
		if _, _, err := spec.ParseNodePortRange(v); err != nil {
			f.NodePortHow = fmt.Sprintf("kube-apiserver's --service-node-port-range %q is not a range kubenetgen reads: keep --node-port-range", v)
			return
		}
		f.NodePortRange = v
		f.NodePortHow = "read from kube-apiserver's --service-node-port-range"
	case found:
		f.NodePortRange = spec.DefaultNodePortRange
		f.NodePortHow = "kube-apiserver runs without --service-node-port-range: the default"
	default:
		f.NodePortHow = "cannot be learnt: the API server does not run as a pod of the cluster; --node-port-range (default " + spec.DefaultNodePortRange + ") stands"
	}
}

// nodeLocalDNS is the DaemonSet of NodeLocal DNSCache, in kube-system.
const nodeLocalDNS = "node-local-dns"

// dns learns where cluster DNS runs: NodeLocal DNSCache's addresses when
// its DaemonSet runs, else the pods behind the kube-dns Service (its
// selector, its target port).
func (f *Facts) dns(svc *corev1.Service, system []corev1.Pod, dss []appsv1.DaemonSet) {
	for _, ds := range dss {
		if ds.Namespace != metav1.NamespaceSystem || ds.Name != nodeLocalDNS {
			continue
		}
		for _, c := range ds.Spec.Template.Spec.Containers {
			v, ok := singleDashFlag(c, "localip")
			if !ok {
				continue
			}
			// Pods reach the cache on every address it listens on: the
			// link-local one, and kube-dns's ClusterIP when the kubelet
			// still hands that out.
			var cidrs []string
			for _, s := range strings.Split(v, ",") {
				if a, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil {
					cidrs = append(cidrs, netip.PrefixFrom(a, a.BitLen()).String())
				}
			}
			if len(cidrs) > 0 {
				f.DNS = &spec.DNS{CIDRs: cidrs, Port: spec.DefaultDNSPort}
				f.DNSHow = "NodeLocal DNSCache (DaemonSet kube-system/node-local-dns) listens on " + strings.Join(cidrs, ", ")
				return
			}
		}
	}
	if svc == nil {
		f.DNSHow = "no kube-dns Service in kube-system: the spec's DNS (or the flags') stands"
		return
	}
	if len(svc.Spec.Selector) == 0 {
		f.DNSHow = "the kube-dns Service selects no pods (no selector): the spec's DNS (or the flags') stands"
		return
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	var pods []corev1.Pod
	for _, p := range system {
		if sel.Matches(labels.Set(p.Labels)) {
			pods = append(pods, p)
			f.DNSPods = append(f.DNSPods, p.Labels)
		}
	}
	port := int32(0)
	for _, sp := range svc.Spec.Ports {
		if protocol(sp.Protocol) != corev1.ProtocolUDP {
			continue
		}
		port = resolveTarget(sp, pods)
	}
	if port == 0 {
		f.DNSHow = "the kube-dns Service has no UDP port whose target the DNS pods name: the spec's DNS (or the flags') stands"
		return
	}
	f.DNS = &spec.DNS{Namespace: metav1.NamespaceSystem, PodLabels: maps.Clone(svc.Spec.Selector), Port: port}
	f.DNSHow = fmt.Sprintf("the pods behind Service kube-system/kube-dns (selector %s, %d running), port %d", FormatLabels(svc.Spec.Selector), len(pods), port)
}

// singleDashFlag returns the value of -name VALUE or -name=VALUE (Go's
// flag syntax, which node-cache uses).
func singleDashFlag(c corev1.Container, name string) (string, bool) {
	args := append(slices.Clone(c.Command), c.Args...)
	for i, a := range args {
		a = "-" + strings.TrimLeft(a, "-")
		if v, ok := strings.CutPrefix(a, "-"+name+"="); ok {
			return v, true
		}
		if a == "-"+name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

// resolveTarget returns the pod port a Service port targets: its number,
// or the named container port of the pods.
func resolveTarget(sp corev1.ServicePort, pods []corev1.Pod) int32 {
	tp := sp.TargetPort
	if tp.IntVal != 0 {
		return tp.IntVal
	}
	if tp.StrVal == "" {
		return sp.Port
	}
	for _, p := range pods {
		for _, c := range p.Spec.Containers {
			for _, cp := range c.Ports {
				if cp.Name == tp.StrVal && protocol(cp.Protocol) == protocol(sp.Protocol) {
					return cp.ContainerPort
				}
			}
		}
	}
	return 0
}

// protocol is p, defaulted as the API server defaults it.
func protocol(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}
