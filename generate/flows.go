package generate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	klabels "k8s.io/apimachinery/pkg/labels"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Kinds of Peer: what the end of a flow is.
const (
	PeerTier       = "tier"
	PeerEveryPod   = "every pod"
	PeerDNS        = "dns"
	PeerController = "ingress controller"
	PeerDataPlane  = "gateway data plane"
	PeerACMESolver = "acme solver"
	PeerAPIServer  = "api server"
	PeerAddresses  = "addresses"
	PeerPods       = "pods"
)

// Peer is one end of a Flow, for people.
type Peer struct {
	// Kind is one of the Peer… constants.
	Kind string
	// Name says what the end is: a tier's name, "every pod", "cluster DNS",
	// "ingress controller", "any address"…; empty for plain addresses.
	Name string
	// Namespace and Labels locate pods by selectors: their namespace when
	// it is not the app's, and their labels ("k=v,k=v").
	Namespace string
	Labels    string
	// Addresses are the address blocks of an end outside the pod
	// network, in words.
	Addresses string
}

// String is the peer in words: its name, then where it is in brackets.
func (p Peer) String() string {
	var where []string
	for _, s := range []string{p.Namespace, p.Labels, p.Addresses} {
		if s != "" {
			where = append(where, s)
		}
	}
	switch {
	case len(where) == 0:
		return p.Name
	case p.Name == "":
		return strings.Join(where, ", ")
	}
	return p.Name + " (" + strings.Join(where, ", ") + ")"
}

// Flow is one allowed flow of a base, for people: the summary of the
// wizard and the README's table.
type Flow struct {
	From, To Peer
	// Ports are the pod ports in words: "http (8080/TCP)", "53/UDP" or
	// "all".
	Ports string
	Why   string
}

// Flows lists every flow the built policies allow, read from the objects
// themselves (so the table cannot say what the policies do not do): DNS,
// each tier's callers (admitted by its ingress and by the caller's egress),
// its callers from other namespaces, the ingress controller, cert-manager's HTTP-01 solver, outside sources
// and the extra egress of each tier. The spec only names the ends: which
// pods are the ingress controller and which blocks the API server.
func Flows(o *Objects) []Flow {
	r := flowReader{o: o, policyOf: map[string]*networkingv1.NetworkPolicy{}}
	for i := range o.Tiers {
		if p := o.Tiers[i].Policy; p != nil {
			r.policyOf[o.Tiers[i].Tier.Name] = p
		}
	}
	// other holds flows of peers kubenetgen does not write, so that the
	// table never hides what a policy allows.
	var dns, edges, callers, controller, solver, outside, egress, other []Flow
	every := Peer{Kind: PeerEveryPod, Name: "every pod"}
	for _, rule := range o.AllowDNS.Spec.Egress {
		to := Peer{Kind: PeerDNS, Name: "cluster DNS"}
		var blocks []string
		for _, pe := range rule.To {
			if pe.IPBlock != nil {
				blocks = append(blocks, pe.IPBlock.CIDR)
				continue
			}
			to.Namespace, to.Labels = namespaceOf(pe), labelString(selectorLabels(pe.PodSelector))
		}
		to.Addresses = strings.Join(blocks, ", ")
		dns = append(dns, Flow{From: every, To: to, Ports: r.ports(rule.Ports, nil), Why: "name resolution"})
	}
	for i := range o.Tiers {
		t := &o.Tiers[i]
		if t.Policy == nil {
			continue
		}
		self := Peer{Kind: PeerTier, Name: t.Tier.Name}
		for _, rule := range t.Policy.Spec.Ingress {
			switch from := r.peer(rule.From); from.Kind {
			case PeerTier:
				if ps := r.answered(from.Name, t, rule.Ports); len(ps) > 0 {
					edges = append(edges, Flow{From: from, To: self, Ports: r.ports(ps, t), Why: "allowFrom of " + t.Tier.Name})
				}
			case PeerOutsideApp:
				callers = append(callers, Flow{From: from, To: self, Ports: r.ports(rule.Ports, t), Why: "allowFromNamespaces of " + t.Tier.Name})
			case PeerController:
				controller = append(controller, Flow{From: from, To: self, Ports: r.ports(rule.Ports, t), Why: "Ingress rules (class " + r.class() + ")"})
			case PeerDataPlane:
				controller = append(controller, Flow{From: from, To: self, Ports: r.ports(rule.Ports, t), Why: gatewayWhy(o.App)})
			case PeerAddresses:
				from.Addresses = sources(rule.From, t.AnySource)
				if t.AnySource {
					from.Name = "any address"
				}
				outside = append(outside, Flow{From: from, To: self, Ports: r.ports(rule.Ports, t), Why: string(t.Service.Spec.Type) + " from outside the cluster"})
			default:
				other = append(other, Flow{From: from, To: self, Ports: r.ports(rule.Ports, t), Why: "NetworkPolicy " + t.Policy.Name})
			}
		}
		for _, rule := range t.Policy.Spec.Egress {
			to := r.peer(rule.To)
			switch to.Kind {
			case PeerAPIServer:
				egress = append(egress, Flow{From: self, To: to, Ports: r.ports(rule.Ports, nil), Why: "egress.apiServer"})
			case PeerAddresses:
				egress = append(egress, Flow{From: self, To: to, Ports: r.ports(rule.Ports, nil), Why: "egress.cidrs (outside the cluster)"})
			case PeerOutsideApp:
				egress = append(egress, Flow{From: self, To: to, Ports: r.ports(rule.Ports, nil), Why: "egress.namespaces of " + t.Tier.Name})
			case PeerTier:
				// A call: listed with the callee's ingress, which must
				// admit it too.
			default:
				other = append(other, Flow{From: self, To: to, Ports: r.ports(rule.Ports, nil), Why: "NetworkPolicy " + t.Policy.Name})
			}
		}
	}
	if p := o.ACMESolver; p != nil {
		to := Peer{Kind: PeerACMESolver, Name: "cert-manager HTTP-01 solver", Labels: labelString(p.Spec.PodSelector.MatchLabels)}
		for _, rule := range p.Spec.Ingress {
			why := "ACME HTTP-01 challenges of ClusterIssuer " + o.App.TLSIssuer()
			solver = append(solver, Flow{From: r.peer(rule.From), To: to, Ports: r.ports(rule.Ports, nil), Why: why})
		}
	}
	return slices.Concat(dns, edges, callers, controller, solver, r.dataPlaneFlows(), outside, egress, other)
}

// sources says the blocks of an exposed tier's rule: as given, or, for
// any source, with the pod network each excepts.
func sources(elems []networkingv1.NetworkPolicyPeer, anySource bool) string {
	var out []string
	for _, pe := range elems {
		if pe.IPBlock == nil {
			continue
		}
		if anySource {
			out = append(out, pe.IPBlock.CIDR+" except "+strings.Join(pe.IPBlock.Except, ", "))
		} else {
			out = append(out, pe.IPBlock.CIDR)
		}
	}
	if anySource {
		return strings.Join(out, " and ")
	}
	return strings.Join(out, ", ")
}

// flowReader names the peers and ports of the built policies.
type flowReader struct {
	o        *Objects
	policyOf map[string]*networkingv1.NetworkPolicy // by tier
}

func (r *flowReader) class() string {
	if r.o.Ingress == nil || r.o.Ingress.Spec.IngressClassName == nil {
		return ""
	}
	return *r.o.Ingress.Spec.IngressClassName
}

// peer names the peer elements of one rule (kubenetgen writes one kind of
// peer per rule): a tier by the pods its selector selects, the ingress
// controller by the spec's namespace and labels, the API server by the
// spec's blocks, other blocks as addresses.
func (r *flowReader) peer(elems []networkingv1.NetworkPolicyPeer) Peer {
	var blocks, cidrs []string
	for _, pe := range elems {
		switch {
		case pe.IPBlock != nil:
			b := pe.IPBlock.CIDR
			cidrs = append(cidrs, b)
			if len(pe.IPBlock.Except) > 0 {
				b += " except " + strings.Join(pe.IPBlock.Except, ", ")
			}
			blocks = append(blocks, b)
		case pe.NamespaceSelector == nil && pe.PodSelector != nil:
			if t := r.tierSelected(pe.PodSelector); t != nil {
				return Peer{Kind: PeerTier, Name: t.Tier.Name}
			}
			return Peer{Kind: PeerPods, Name: "pods", Labels: labelString(selectorLabels(pe.PodSelector))}
		default:
			p := Peer{Kind: PeerPods, Name: "pods", Namespace: namespaceOf(pe), Labels: labelString(selectorLabels(pe.PodSelector))}
			if in := r.o.App.Ingress; in != nil && in.Controller != nil && p.Namespace == in.Controller.Namespace && p.Labels == labelString(in.Controller.PodLabels) {
				p.Kind, p.Name = PeerController, "ingress controller"
			} else if name := outsideName(r.o.App, p.Namespace, p.Labels); name != "" {
				p.Kind, p.Name = PeerOutsideApp, name
			}
			if g := r.o.App.Gateway; g != nil && g.DataPlane != nil && p.Namespace == g.DataPlane.Namespace && p.Labels == labelString(g.DataPlane.PodLabels) {
				p.Kind, p.Name = PeerDataPlane, "Gateway data plane"
			}
			return p
		}
	}
	if s := r.o.App.Network.APIServer; s != nil && slices.Equal(cidrs, s.CIDRs) {
		return Peer{Kind: PeerAPIServer, Name: "API server", Addresses: strings.Join(cidrs, ", ")}
	}
	return Peer{Kind: PeerAddresses, Addresses: strings.Join(blocks, "; ")}
}

// tierSelected returns the tier whose pod template sel selects, or nil.
func (r *flowReader) tierSelected(sel *metav1.LabelSelector) *TierObjects {
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return nil
	}
	for i := range r.o.Tiers {
		if s.Matches(klabels.Set(r.o.Tiers[i].Deployment.Spec.Template.Labels)) {
			return &r.o.Tiers[i]
		}
	}
	return nil
}

// answered returns the ports of an ingress rule of callee that the
// caller's egress also allows to callee: a flow needs both ends.
func (r *flowReader) answered(caller string, callee *TierObjects, ports []networkingv1.NetworkPolicyPort) []networkingv1.NetworkPolicyPort {
	p := r.policyOf[caller]
	if p == nil {
		return nil
	}
	var out []networkingv1.NetworkPolicyPort
	for _, want := range ports {
		if slices.ContainsFunc(p.Spec.Egress, func(e networkingv1.NetworkPolicyEgressRule) bool {
			return slices.ContainsFunc(e.To, func(pe networkingv1.NetworkPolicyPeer) bool {
				return pe.NamespaceSelector == nil && pe.PodSelector != nil && r.tierSelected(pe.PodSelector) == callee
			}) && (len(e.Ports) == 0 || slices.ContainsFunc(e.Ports, func(have networkingv1.NetworkPolicyPort) bool {
				return samePort(have, want)
			}))
		}) {
			out = append(out, want)
		}
	}
	return out
}

func samePort(a, b networkingv1.NetworkPolicyPort) bool {
	return ptrEqual(a.Protocol, b.Protocol) && ptrEqual(a.Port, b.Port) && ptrEqual(a.EndPort, b.EndPort)
}

func ptrEqual[T comparable](a, b *T) bool { return a == b || a != nil && b != nil && *a == *b }

// ports says a rule's ports in words; a named port is resolved against
// the pods of dst, which it names.
func (r *flowReader) ports(ps []networkingv1.NetworkPolicyPort, dst *TierObjects) string {
	if len(ps) == 0 {
		return "all"
	}
	var out []string
	for _, p := range ps {
		proto := string(corev1.ProtocolTCP)
		if p.Protocol != nil {
			proto = string(*p.Protocol)
		}
		switch {
		case p.Port == nil:
			out = append(out, "all/"+proto)
		case p.Port.Type == intstr.String:
			out = append(out, namedPort(p.Port.StrVal, proto, dst))
		default:
			out = append(out, fmt.Sprintf("%d/%s", p.Port.IntVal, proto))
		}
	}
	return strings.Join(out, ", ")
}

// namedPort says "name (port/PROTO)" for the container port of dst's pods
// that the name resolves to.
func namedPort(name, proto string, dst *TierObjects) string {
	if dst != nil {
		for _, c := range dst.Deployment.Spec.Template.Spec.Containers {
			for _, cp := range c.Ports {
				if cp.Name == name && string(cp.Protocol) == proto {
					return fmt.Sprintf("%s (%d/%s)", name, cp.ContainerPort, proto)
				}
			}
		}
	}
	return name + "/" + proto
}

func namespaceOf(pe networkingv1.NetworkPolicyPeer) string {
	return selectorLabels(pe.NamespaceSelector)[LabelNamespace]
}

func selectorLabels(sel *metav1.LabelSelector) map[string]string {
	if sel == nil {
		return nil
	}
	return sel.MatchLabels
}

func labelString(m map[string]string) string {
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		pairs = append(pairs, k+"="+m[k])
	}
	return strings.Join(pairs, ",")
}

// RoutedPorts lists the tiers the Ingress or the Gateway routes to, in
// rule order, and for each the ports it routes to, without repeats: the
// ports the ingress controller or the data plane is admitted on.
func RoutedPorts(a *spec.App) (order []string, ports map[string][]spec.Port) {
	ports = map[string][]spec.Port{}
	for _, r := range a.EntryRules() {
		t := a.Tier(r.Tier)
		if t == nil {
			continue
		}
		p := t.Port(r.Port)
		if p == nil {
			continue
		}
		if _, seen := ports[r.Tier]; !seen {
			order = append(order, r.Tier)
		}
		if !slices.ContainsFunc(ports[r.Tier], func(x spec.Port) bool { return x.Name == p.Name }) {
			ports[r.Tier] = append(ports[r.Tier], *p)
		}
	}
	return order, ports
}

// PolicyPurpose says what a namespace-wide NetworkPolicy of Objects.Policies
// is for, in a few words.
func PolicyPurpose(name string) string {
	switch name {
	case PolicyDefaultDeny:
		return "isolates every pod"
	case PolicyAllowDNS:
		return "cluster DNS for every pod"
	case PolicyACMESolver:
		return "the ingress controller into cert-manager's HTTP-01 solver pods"
	case spec.GatewayPolicyName:
		return "the Gateway's data-plane pods, which run in this namespace"
	}
	return ""
}

// joinAnd joins words as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// objects lists policies as objects to render.
func objects(ps []*networkingv1.NetworkPolicy) []kruntime.Object {
	out := make([]kruntime.Object, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}
