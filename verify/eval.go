package verify

import (
	"fmt"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Evaluator decides which peer may connect to which, on which ports, under
// the NetworkPolicies of a set of manifests, following the API's semantics:
// a connection is allowed iff the source's egress allows it and the
// destination's ingress allows it; a pod is isolated in a direction only
// when some policy of that type selects it.
type Evaluator struct {
	// Peers are the workloads (sorted by ID) then the pseudo-peers.
	Peers []*Peer
	// Findings are policies (or parts) the evaluator could not interpret;
	// the API server would reject them.
	Findings []Finding

	policies  []*compiledPolicy
	nsLabels  map[string]labels.Set
	ingressOf [][]*compiledPolicy // by peer order
	egressOf  [][]*compiledPolicy
	byID      map[string]*Peer
	opts      Options // defaulted
}

type compiledPolicy struct {
	obj      *Object
	np       *networkingv1.NetworkPolicy
	ns       string
	selector labels.Selector
	ingress  bool // effective policyTypes
	egress   bool
	inRules  []compiledRule
	outRules []compiledRule
}

type compiledRule struct {
	anyPeer bool // no from/to: every source or destination
	peers   []compiledPeer
	anyPort bool
	static  PortSet // numeric and port-less entries
	named   []namedPort
}

type namedPort struct{ name, proto string }

type compiledPeer struct {
	pod, ns labels.Selector // nil when the field is absent
	ipBlock *netip.Prefix
	except  []netip.Prefix
	invalid bool
}

// EffectivePolicyTypes returns the policy's types as the API server
// defaults them: as given, or Ingress always plus Egress iff the policy has
// egress rules.
func EffectivePolicyTypes(np *networkingv1.NetworkPolicy) (ingress, egress bool) {
	if len(np.Spec.PolicyTypes) == 0 {
		return true, len(np.Spec.Egress) > 0
	}
	for _, t := range np.Spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			ingress = true
		case networkingv1.PolicyTypeEgress:
			egress = true
		}
	}
	return ingress, egress
}

// NewEvaluator prepares the evaluation of objs' NetworkPolicies among the
// workloads of objs and the pseudo-peers of o.
func NewEvaluator(objs []*Object, o Options) *Evaluator {
	o = o.Defaulted()
	e := &Evaluator{nsLabels: map[string]labels.Set{}, byID: map[string]*Peer{}, opts: o}
	for _, obj := range objs {
		if ns, ok := obj.Obj.(*corev1.Namespace); ok {
			l := labels.Set{}
			for k, v := range ns.Labels {
				l[k] = v
			}
			l[corev1.LabelMetadataName] = ns.Name
			e.nsLabels[ns.Name] = l
		}
	}
	for _, obj := range objs {
		if np, ok := obj.Obj.(*networkingv1.NetworkPolicy); ok {
			if p := e.compile(obj, np); p != nil {
				e.policies = append(e.policies, p)
			}
		}
	}
	// Every address range a policy names gets a peer, so that the matrix
	// shows who the ipBlocks admit even without a spec.
	for _, p := range e.policies {
		for _, r := range p.inRules {
			o.Outside = append(o.Outside, r.blocks()...)
		}
		for _, r := range p.outRules {
			o.EgressCIDRs = append(o.EgressCIDRs, r.blocks()...)
		}
	}
	// So does every client range a load balancer admits.
	for _, obj := range objs {
		if svc, ok := obj.Obj.(*corev1.Service); ok && svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
			o.Outside = append(o.Outside, parsePrefixes(svc.Spec.LoadBalancerSourceRanges)...)
		}
	}
	o.Outside, o.EgressCIDRs = uniquePrefixes(o.Outside), uniquePrefixes(o.EgressCIDRs)
	e.Peers = buildPeers(objs, o)
	e.ingressOf = make([][]*compiledPolicy, len(e.Peers))
	e.egressOf = make([][]*compiledPolicy, len(e.Peers))
	for _, p := range e.Peers {
		e.byID[p.ID] = p
		for _, pol := range e.policies {
			if !e.selects(pol, p) {
				continue
			}
			if pol.ingress {
				e.ingressOf[p.order] = append(e.ingressOf[p.order], pol)
			}
			if pol.egress {
				e.egressOf[p.order] = append(e.egressOf[p.order], pol)
			}
		}
	}
	return e
}

// Peer returns the peer with the given ID, or nil.
func (e *Evaluator) Peer(id string) *Peer { return e.byID[id] }

// namespaceLabels are a namespace's labels: those of its Namespace object
// when the manifests have one, and always kubernetes.io/metadata.name,
// which the API server sets on every namespace.
func (e *Evaluator) namespaceLabels(ns string) labels.Set {
	if l, ok := e.nsLabels[ns]; ok {
		return l
	}
	l := labels.Set{corev1.LabelMetadataName: ns}
	e.nsLabels[ns] = l
	return l
}

func (e *Evaluator) bad(obj *Object, field, problem string) {
	e.Findings = append(e.Findings, Finding{Severity: Error, Object: obj.Ref(), Source: obj.Source.String(), Field: field, Problem: problem, Fix: "the API server rejects this; correct the field"})
}

func (e *Evaluator) compile(obj *Object, np *networkingv1.NetworkPolicy) *compiledPolicy {
	sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
	if err != nil {
		e.bad(obj, "spec.podSelector", "is not a valid selector: "+err.Error())
		return nil
	}
	p := &compiledPolicy{obj: obj, np: np, ns: np.Namespace, selector: sel}
	p.ingress, p.egress = EffectivePolicyTypes(np)
	for i, r := range np.Spec.Ingress {
		f := fmt.Sprintf("spec.ingress[%d]", i)
		p.inRules = append(p.inRules, e.compileRule(obj, f, "from", r.From, r.Ports))
	}
	for i, r := range np.Spec.Egress {
		f := fmt.Sprintf("spec.egress[%d]", i)
		p.outRules = append(p.outRules, e.compileRule(obj, f, "to", r.To, r.Ports))
	}
	return p
}

func (e *Evaluator) compileRule(obj *Object, f, peersField string, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) compiledRule {
	r := compiledRule{anyPeer: len(peers) == 0, anyPort: len(ports) == 0}
	for i, pp := range peers {
		r.peers = append(r.peers, e.compilePeer(obj, fmt.Sprintf("%s.%s[%d]", f, peersField, i), pp))
	}
	for i, p := range ports {
		pf := fmt.Sprintf("%s.ports[%d]", f, i)
		proto := "TCP"
		if p.Protocol != nil {
			proto = string(*p.Protocol)
		}
		if protoIndex(proto) < 0 {
			e.bad(obj, pf+".protocol", fmt.Sprintf("%q is not TCP, UDP or SCTP", proto))
			continue
		}
		switch {
		case p.Port == nil:
			if p.EndPort != nil {
				e.bad(obj, pf+".endPort", "is set without port")
			}
			r.static.AddAll(proto)
		case p.Port.Type == intstr.String:
			if p.EndPort != nil {
				e.bad(obj, pf+".endPort", "is set with the named port "+p.Port.StrVal+": endPort needs a numeric port")
			}
			r.named = append(r.named, namedPort{p.Port.StrVal, proto})
		default:
			lo, hi := p.Port.IntVal, p.Port.IntVal
			if p.EndPort != nil {
				if *p.EndPort < lo {
					e.bad(obj, pf+".endPort", fmt.Sprintf("%d is below port %d", *p.EndPort, lo))
				} else {
					hi = *p.EndPort
				}
			}
			r.static.Add(proto, lo, hi)
		}
	}
	return r
}

func (e *Evaluator) compilePeer(obj *Object, f string, pp networkingv1.NetworkPolicyPeer) compiledPeer {
	var c compiledPeer
	if pp.IPBlock != nil {
		if pp.PodSelector != nil || pp.NamespaceSelector != nil {
			e.bad(obj, f, "sets ipBlock together with a selector: a peer element is either an ipBlock or selectors")
			return compiledPeer{invalid: true}
		}
		p, err := netip.ParsePrefix(pp.IPBlock.CIDR)
		if err != nil {
			e.bad(obj, f+".ipBlock.cidr", fmt.Sprintf("%q is not a CIDR", pp.IPBlock.CIDR))
			return compiledPeer{invalid: true}
		}
		p = p.Masked()
		c.ipBlock = &p
		for i, x := range pp.IPBlock.Except {
			xp, err := netip.ParsePrefix(x)
			if err != nil {
				e.bad(obj, fmt.Sprintf("%s.ipBlock.except[%d]", f, i), fmt.Sprintf("%q is not a CIDR", x))
				continue
			}
			c.except = append(c.except, xp.Masked())
		}
		return c
	}
	if pp.PodSelector == nil && pp.NamespaceSelector == nil {
		e.bad(obj, f, "is empty: a peer element needs podSelector, namespaceSelector or ipBlock")
		return compiledPeer{invalid: true}
	}
	var err error
	if pp.PodSelector != nil {
		if c.pod, err = metav1.LabelSelectorAsSelector(pp.PodSelector); err != nil {
			e.bad(obj, f+".podSelector", "is not a valid selector: "+err.Error())
			return compiledPeer{invalid: true}
		}
	}
	if pp.NamespaceSelector != nil {
		if c.ns, err = metav1.LabelSelectorAsSelector(pp.NamespaceSelector); err != nil {
			e.bad(obj, f+".namespaceSelector", "is not a valid selector: "+err.Error())
			return compiledPeer{invalid: true}
		}
	}
	return c
}

// blocks lists the ipBlock CIDRs of the rule's peer elements.
func (r *compiledRule) blocks() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range r.peers {
		if p.ipBlock != nil {
			out = append(out, *p.ipBlock)
		}
	}
	return out
}

// selects reports whether the policy applies to the peer: a pod in the
// policy's namespace whose labels its podSelector matches.
func (e *Evaluator) selects(p *compiledPolicy, peer *Peer) bool {
	return peer.pod && peer.Namespace == p.ns && p.selector.Matches(peer.labelSet)
}

// matches reports whether the peer element of a policy in namespace ns
// admits peer. Selectors in one element are ANDed; an absent
// namespaceSelector means the policy's own namespace; ipBlock matches
// addresses, pods' included.
func (e *Evaluator) matches(c *compiledPeer, ns string, peer *Peer) bool {
	if c.invalid {
		return false
	}
	if c.ipBlock != nil {
		if !peer.Address.IsValid() || !c.ipBlock.Contains(peer.Address) {
			return false
		}
		for _, x := range c.except {
			if x.Contains(peer.Address) {
				return false
			}
		}
		return true
	}
	if !peer.pod {
		return false
	}
	if c.ns == nil {
		if peer.Namespace != ns {
			return false
		}
	} else if !c.ns.Matches(e.namespaceLabels(peer.Namespace)) {
		return false
	}
	return c.pod == nil || c.pod.Matches(peer.labelSet)
}

// ruleAdmits reports whether a rule of a policy in ns names other among its
// peers (elements are ORed; no elements means everyone).
func (e *Evaluator) ruleAdmits(r *compiledRule, ns string, other *Peer) bool {
	if r.anyPeer {
		return true
	}
	for i := range r.peers {
		if e.matches(&r.peers[i], ns, other) {
			return true
		}
	}
	return false
}

// rulePorts resolves a rule's ports against the destination: named ports
// are the destination pod's container ports of that name and protocol.
func rulePorts(r *compiledRule, dst *Peer) PortSet {
	if r.anyPort {
		return AllPorts()
	}
	if len(r.named) == 0 {
		return r.static
	}
	s := r.static
	for _, n := range r.named {
		for _, c := range dst.Ports {
			if c.Name == n.name && c.Protocol == n.proto {
				s.Add(c.Protocol, c.Port, c.Port)
			}
		}
	}
	return s
}

// side computes what the policies pols (those isolating one end in one
// direction) allow between other and dst.
func (e *Evaluator) side(pols []*compiledPolicy, egress bool, other, dst *Peer) PortSet {
	if len(pols) == 0 {
		return AllPorts()
	}
	var s PortSet
	for _, p := range pols {
		rules := p.inRules
		if egress {
			rules = p.outRules
		}
		for i := range rules {
			if e.ruleAdmits(&rules[i], p.ns, other) {
				s.Union(rulePorts(&rules[i], dst))
				if s.IsAll() {
					return s
				}
			}
		}
	}
	return s
}

// Allowed returns the ports on which src may open connections to dst: the
// ports src's egress allows to dst, intersected with those dst's ingress
// allows from src.
func (e *Evaluator) Allowed(src, dst *Peer) PortSet {
	out := e.side(e.egressOf[src.order], true, dst, dst)
	if out.Empty() {
		return out
	}
	return out.Intersect(e.side(e.ingressOf[dst.order], false, src, dst))
}

// Isolated reports whether a peer is isolated for ingress and for egress:
// some policy of that type selects it.
func (e *Evaluator) Isolated(p *Peer) (ingress, egress bool) {
	return len(e.ingressOf[p.order]) > 0, len(e.egressOf[p.order]) > 0
}

// Flow is one allowed connection: From may open connections to To on
// Ports.
type Flow struct {
	From  string      `json:"from"`
	To    string      `json:"to"`
	Ports []PortRange `json:"ports"`
}

// Matrix lists every allowed flow with a workload (or cert-manager's
// solver pods, which run beside them) at one end at least, in peer order
// (workloads by ID, then pseudo-peers).
func (e *Evaluator) Matrix() []Flow {
	var out []Flow
	for _, s := range e.Peers {
		for _, d := range e.Peers {
			if !e.listed(s) && !e.listed(d) {
				continue
			}
			set := e.Allowed(s, d)
			if set.Empty() {
				continue
			}
			out = append(out, Flow{From: s.ID, To: d.ID, Ports: set.Ranges(d.Ports)})
		}
	}
	return out
}
