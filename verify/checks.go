package verify

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	psaapi "k8s.io/pod-security-admission/api"
	psapolicy "k8s.io/pod-security-admission/policy"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Severity ranks a finding: errors fail verify (exit 1), warnings do not.
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem in the manifests: the object, the field, what is
// wrong and how to fix it.
type Finding struct {
	Severity Severity `json:"severity"`
	// Object is "Kind namespace/name", or the file and document index for
	// a document that did not decode.
	Object string `json:"object"`
	// Source is the file and document index the object came from.
	Source  string `json:"source,omitempty"`
	Field   string `json:"field,omitempty"`
	Problem string `json:"problem"`
	Fix     string `json:"fix,omitempty"`
}

// String is the finding on one line, as logs and test failures show it.
func (f Finding) String() string {
	s := string(f.Severity) + ": " + f.Object
	if f.Field != "" {
		s += " " + f.Field
	}
	s += ": " + f.Problem
	if f.Fix != "" {
		s += " (fix: " + f.Fix + ")"
	}
	return s
}

// SortFindings orders findings errors first, then by object, field and
// problem, so that reports are stable, and drops repeats.
func SortFindings(fs []Finding) []Finding {
	rank := func(s Severity) int {
		if s == Error {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(rank(a.Severity), rank(b.Severity)), cmp.Compare(a.Object, b.Object),
			cmp.Compare(a.Field, b.Field), cmp.Compare(a.Problem, b.Problem))
	})
	// The same problem reached twice (say, through two Services) is said once.
	return slices.CompactFunc(fs, func(a, b Finding) bool { return a == b })
}

type checker struct {
	e    *Evaluator
	o    Options
	objs []*Object
	out  []Finding
}

func (c *checker) add(sev Severity, o *Object, field, problem, fix string) {
	c.out = append(c.out, Finding{Severity: sev, Object: o.Ref(), Source: o.Source.String(), Field: field, Problem: problem, Fix: fix})
}

// Check runs every cross-object check on objs with the evaluator e (built
// from the same objects) and returns the findings, sorted.
func Check(objs []*Object, e *Evaluator, o Options) []Finding {
	c := &checker{e: e, o: o.Defaulted(), objs: objs}
	c.out = append(c.out, e.Findings...)
	c.workloads()
	c.services()
	c.ingresses()
	c.gatewayAPI()
	c.policies()
	c.isolation()
	c.dns()
	c.metadata()
	c.podSecurity()
	c.pdbs()
	c.live()
	return SortFindings(c.out)
}

// workloadsIn lists the workload peers of namespace ns whose pod labels sel
// matches.
func (c *checker) workloadsIn(ns string, sel labels.Selector) []*Peer {
	var out []*Peer
	for _, p := range c.e.index.pods(ns, sel) {
		if p.Kind == PeerWorkload && p.Namespace == ns && sel.Matches(p.labelSet) {
			out = append(out, p)
		}
	}
	return out
}

// podsIn is workloadsIn with cert-manager's solver pods, which a policy
// may select though the manifests do not hold them.
func (c *checker) podsIn(ns string, sel labels.Selector) []*Peer {
	out := c.workloadsIn(ns, sel)
	for _, p := range c.e.index.pods(ns, sel) {
		if p.Kind == PeerACMESolver && p.Namespace == ns && sel.Matches(p.labelSet) {
			out = append(out, p)
		}
	}
	return out
}

func (c *checker) workloads() {
	for _, o := range c.objs {
		var sel *metav1.LabelSelector
		switch w := o.Obj.(type) {
		case *appsv1.Deployment:
			sel = w.Spec.Selector
		case *appsv1.StatefulSet:
			sel = w.Spec.Selector
		case *appsv1.DaemonSet:
			sel = w.Spec.Selector
		default:
			continue
		}
		t := podTemplate(o)
		if sel == nil {
			c.add(Error, o, "spec.selector", "is missing", "set spec.selector.matchLabels to a stable subset of the pod template's labels")
			continue
		}
		s, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			c.add(Error, o, "spec.selector", "is not a valid selector: "+err.Error(), "fix the selector")
			continue
		}
		if s.Empty() || !s.Matches(labels.Set(t.Labels)) {
			c.add(Error, o, "spec.selector", fmt.Sprintf("%s does not select the pod template's labels %s", showSelector(sel), showLabels(t.Labels)), "make the selector a subset of spec.template.metadata.labels")
		}
	}
}

func showLabels(m map[string]string) string {
	if len(m) == 0 {
		return "(none)"
	}
	return labels.Set(m).String()
}

func showSelector(s *metav1.LabelSelector) string {
	if s == nil {
		return "(absent)"
	}
	if x := metav1.FormatLabelSelector(s); x != "<none>" {
		return x
	}
	return "{} (everything)"
}

func (c *checker) services() {
	type np struct {
		port  int32
		proto string
	}
	nodePorts := map[np]string{}
	for _, o := range c.objs {
		svc, ok := o.Obj.(*corev1.Service)
		if !ok {
			continue
		}
		external := svc.Spec.Type == corev1.ServiceTypeNodePort || svc.Spec.Type == corev1.ServiceTypeLoadBalancer
		for i, p := range svc.Spec.Ports {
			f := fmt.Sprintf("spec.ports[%d].nodePort", i)
			if p.NodePort == 0 {
				continue
			}
			if !external {
				c.add(Error, o, f, fmt.Sprintf("%d is set on a %s Service", p.NodePort, cmp.Or(string(svc.Spec.Type), "ClusterIP")), "remove it, or make the Service NodePort or LoadBalancer")
				continue
			}
			if p.NodePort < c.o.NodePortLow || p.NodePort > c.o.NodePortHigh {
				c.add(Error, o, f, fmt.Sprintf("%d is outside the NodePort range %d-%d; the API server rejects it", p.NodePort, c.o.NodePortLow, c.o.NodePortHigh), fmt.Sprintf("use a port in %d-%d, or leave it empty to have one allocated", c.o.NodePortLow, c.o.NodePortHigh))
			}
			key := np{p.NodePort, string(cmp.Or(p.Protocol, corev1.ProtocolTCP))}
			if other, dup := nodePorts[key]; dup {
				c.add(Error, o, f, fmt.Sprintf("%d/%s is already used by %s; nodePorts are unique in the cluster", key.port, key.proto, other), "pick another nodePort or leave it empty")
			} else {
				nodePorts[key] = o.Ref() + " " + fmt.Sprintf("spec.ports[%d]", i)
			}
		}
		if svc.Spec.Type == corev1.ServiceTypeExternalName || len(svc.Spec.Selector) == 0 {
			continue // no selector: endpoints are managed by hand
		}
		pods := c.workloadsIn(svc.Namespace, labels.SelectorFromSet(svc.Spec.Selector))
		if len(pods) == 0 {
			c.add(Error, o, "spec.selector", fmt.Sprintf("%s selects no pod template in namespace %s; the Service has no endpoints", showLabels(svc.Spec.Selector), svc.Namespace), "use a subset of the labels of the pods it fronts (spec.template.metadata.labels)")
			continue
		}
		if external {
			c.exposed(o, svc, pods)
		}
		for i, p := range svc.Spec.Ports {
			f := fmt.Sprintf("spec.ports[%d].targetPort", i)
			tp := targetPort(p)
			proto := string(cmp.Or(p.Protocol, corev1.ProtocolTCP))
			for _, w := range pods {
				if hasPort(w.Ports, tp, proto) {
					continue
				}
				if tp.Type == intstr.String {
					c.add(Error, o, f, fmt.Sprintf("%q is not a %s container port of %s (it has %s); connections fail", tp.StrVal, proto, w.ID, showPorts(w.Ports)), "name one of the pod's container ports")
				} else {
					c.add(Warning, o, f, fmt.Sprintf("%d/%s is not a declared container port of %s (it has %s)", tp.IntVal, proto, w.ID, showPorts(w.Ports)), "target a declared container port, preferably by name")
				}
			}
		}
	}
}

// exposed checks a NodePort or LoadBalancer Service against the policies
// of the pods it fronts (design rule 7): some address outside the cluster,
// and each load balancer source range, must reach each target port, and
// externalTrafficPolicy must be Local for ipBlock rules to see clients.
func (c *checker) exposed(o *Object, svc *corev1.Service, pods []*Peer) {
	var outside []*Peer
	for _, p := range c.e.Peers {
		if p.Kind == PeerOutside {
			outside = append(outside, p)
		}
	}
	isolated := false
	for _, w := range pods {
		in, _ := c.e.Isolated(w)
		isolated = isolated || in
		for i, sp := range svc.Spec.Ports {
			tp := targetPort(sp)
			proto := string(cmp.Or(sp.Protocol, corev1.ProtocolTCP))
			port, ok := resolvePort(w.Ports, tp, proto)
			if !ok {
				continue // reported with the targetPort
			}
			var reached []string
			for _, p := range outside {
				if c.e.Allowed(p, w).Contains(proto, port) {
					reached = append(reached, p.ID)
				}
			}
			f := fmt.Sprintf("spec.ports[%d]", i)
			if len(reached) == 0 {
				c.add(Warning, o, f, fmt.Sprintf("is exposed outside the cluster, but the NetworkPolicies of %s admit no outside address on %d/%s", w.ID, port, proto), "add an ingress rule with an ipBlock of the client ranges (0.0.0.0/0 except the pod network for any client) on the pod port")
				continue
			}
			for _, r := range svc.Spec.LoadBalancerSourceRanges {
				id := "[outside " + r + "]"
				if pr, err := netip.ParsePrefix(r); err == nil && pr.Bits() == 0 {
					id = "[outside]"
				}
				if c.e.Peer(id) != nil && !slices.Contains(reached, id) {
					c.add(Warning, o, "spec.loadBalancerSourceRanges", fmt.Sprintf("admits %s, but the NetworkPolicies of %s deny it on %d/%s", r, w.ID, port, proto), "admit the same ranges in the policy's ipBlock rule")
				}
			}
		}
	}
	if isolated && svc.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
		c.add(Warning, o, "spec.externalTrafficPolicy", fmt.Sprintf("is %s: nodes replace client addresses with their own, so ipBlock rules never see the clients", cmp.Or(string(svc.Spec.ExternalTrafficPolicy), "Cluster (the default)")), "set externalTrafficPolicy: Local")
	}
}

// targetPort is a Service port's target, defaulted to its port.
func targetPort(sp corev1.ServicePort) intstr.IntOrString {
	if sp.TargetPort.Type == intstr.Int && sp.TargetPort.IntVal == 0 {
		return intstr.FromInt32(sp.Port)
	}
	return sp.TargetPort
}

// resolvePort finds the container port a target names (or numbers).
func resolvePort(ps []ContainerPort, tp intstr.IntOrString, proto string) (int32, bool) {
	if tp.Type == intstr.Int {
		return tp.IntVal, true
	}
	for _, p := range ps {
		if p.Protocol == proto && p.Name == tp.StrVal {
			return p.Port, true
		}
	}
	return 0, false
}

func hasPort(ps []ContainerPort, tp intstr.IntOrString, proto string) bool {
	for _, p := range ps {
		if p.Protocol != proto {
			continue
		}
		if (tp.Type == intstr.String && p.Name == tp.StrVal) || (tp.Type == intstr.Int && p.Port == tp.IntVal) {
			return true
		}
	}
	return false
}

func showPorts(ps []ContainerPort) string {
	if len(ps) == 0 {
		return "no ports"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		if p.Name != "" {
			parts[i] = p.Name + " " + parts[i]
		}
	}
	return strings.Join(parts, ", ")
}

func (c *checker) service(ns, name string) *corev1.Service {
	for _, o := range c.objs {
		if s, ok := o.Obj.(*corev1.Service); ok && s.Namespace == ns && s.Name == name {
			return s
		}
	}
	return nil
}

func (c *checker) ingresses() {
	for _, o := range c.objs {
		ing, ok := o.Obj.(*networkingv1.Ingress)
		if !ok {
			continue
		}
		if b := ing.Spec.DefaultBackend; b != nil {
			c.backend(o, ing.Namespace, "spec.defaultBackend", b)
		}
		hosts := map[string]bool{}
		for i, r := range ing.Spec.Rules {
			hosts[r.Host] = true
			if r.HTTP == nil {
				continue
			}
			for j, p := range r.HTTP.Paths {
				f := fmt.Sprintf("spec.rules[%d].http.paths[%d]", i, j)
				if p.PathType == nil {
					c.add(Warning, o, f+".pathType", "is missing", "state Prefix, Exact or ImplementationSpecific")
				}
				if !strings.HasPrefix(p.Path, "/") && (p.PathType == nil || *p.PathType != networkingv1.PathTypeImplementationSpecific) {
					c.add(Error, o, f+".path", fmt.Sprintf("%q is not absolute", p.Path), "start the path with /")
				}
				c.backend(o, ing.Namespace, f+".backend", &p.Backend)
			}
		}
		for i, t := range ing.Spec.TLS {
			for j, h := range t.Hosts {
				if !tlsHostCovered(h, hosts) {
					c.add(Error, o, fmt.Sprintf("spec.tls[%d].hosts[%d]", i, j), fmt.Sprintf("%q is not the host of any rule; the certificate serves no route", h), "make the TLS hosts the rules' hosts")
				}
			}
		}
	}
}

// tlsHostCovered reports whether a TLS host serves some rule host: equal,
// or a wildcard covering one label of it.
func tlsHostCovered(h string, hosts map[string]bool) bool {
	if hosts[h] {
		return true
	}
	if rest, ok := strings.CutPrefix(h, "*."); ok {
		for r := range hosts {
			if _, after, ok := strings.Cut(r, "."); ok && after == rest && !strings.HasPrefix(r, "*.") {
				return true
			}
		}
	}
	return false
}

func (c *checker) backend(o *Object, ns, f string, b *networkingv1.IngressBackend) {
	if b.Service == nil {
		return
	}
	svc := c.service(ns, b.Service.Name)
	if svc == nil {
		c.add(Error, o, f+".service.name", fmt.Sprintf("%q is not a Service in namespace %s", b.Service.Name, ns), "name a Service of the manifests")
		return
	}
	var names []string
	for _, p := range svc.Spec.Ports {
		if (b.Service.Port.Name != "" && p.Name == b.Service.Port.Name) || (b.Service.Port.Name == "" && p.Port == b.Service.Port.Number) {
			return
		}
		if p.Name != "" {
			names = append(names, fmt.Sprintf("%s (%d)", p.Name, p.Port))
		} else {
			names = append(names, fmt.Sprint(p.Port))
		}
	}
	ref := b.Service.Port.Name
	if ref == "" {
		ref = fmt.Sprint(b.Service.Port.Number)
	}
	c.add(Error, o, f+".service.port", fmt.Sprintf("%s is not a port of Service %s (it has %s)", ref, b.Service.Name, strings.Join(names, ", ")), "name one of the Service's ports")
}

func (c *checker) policies() {
	for _, p := range c.e.policies {
		o, np := p.obj, p.np
		if len(c.podsIn(p.ns, p.selector)) == 0 && !c.selectsDataPlane(p.ns, p.selector) {
			c.add(Error, o, "spec.podSelector", fmt.Sprintf("%s selects no pod template in namespace %s; the policy does nothing", showSelector(&np.Spec.PodSelector), p.ns), "use labels of the pods it should isolate, or remove the policy")
		}
		if len(np.Spec.PolicyTypes) == 0 {
			problem := "is missing, so the API server sets [Ingress]"
			switch {
			case len(np.Spec.Egress) > 0 && len(np.Spec.Ingress) == 0:
				problem = "is missing, so the API server sets [Ingress, Egress]: this egress policy also denies all ingress to the pods it selects"
			case len(np.Spec.Egress) > 0:
				problem = "is missing, so the API server sets [Ingress, Egress]"
			case len(np.Spec.Ingress) == 0:
				problem = "is missing, so the API server sets [Ingress]: this policy denies ingress only, never egress"
			}
			c.add(Error, o, "spec.policyTypes", problem, "state policyTypes explicitly, e.g. [Ingress, Egress] for a default-deny")
		}
		if len(np.Spec.PolicyTypes) > 0 {
			if !p.ingress && len(np.Spec.Ingress) > 0 {
				c.add(Warning, o, "spec.ingress", "has rules, but policyTypes lacks Ingress: they are ignored", "add Ingress to policyTypes, or remove the rules")
			}
			if !p.egress && len(np.Spec.Egress) > 0 {
				c.add(Warning, o, "spec.egress", "has rules, but policyTypes lacks Egress: they are ignored", "add Egress to policyTypes, or remove the rules")
			}
		}
		for i, r := range np.Spec.Ingress {
			c.rulePeers(p, fmt.Sprintf("spec.ingress[%d].from", i), r.From)
		}
		for i, r := range np.Spec.Egress {
			c.rulePeers(p, fmt.Sprintf("spec.egress[%d].to", i), r.To)
		}
		// A named port in an ingress rule must be a port of the pods the
		// policy selects; otherwise the rule admits nothing.
		selected := c.podsIn(p.ns, p.selector)
		for i, r := range np.Spec.Ingress {
			for j, pp := range r.Ports {
				if pp.Port == nil || pp.Port.Type != intstr.String || len(selected) == 0 {
					continue
				}
				proto := "TCP"
				if pp.Protocol != nil {
					proto = string(*pp.Protocol)
				}
				found := false
				for _, w := range selected {
					found = found || hasPort(w.Ports, *pp.Port, proto)
				}
				if !found {
					c.add(Error, o, fmt.Sprintf("spec.ingress[%d].ports[%d].port", i, j), fmt.Sprintf("%q is not a %s container port of any pod the policy selects; the rule admits nothing", pp.Port.StrVal, proto), "name a container port of the selected pods (and its protocol)")
				}
			}
		}
		c.numericPorts(p, selected)
	}
}

// numericPorts warns about a numeric ingress port that no selected pod
// listens on: policies see pod ports, so a Service port or a nodePort
// there admits nothing.
func (c *checker) numericPorts(p *compiledPolicy, selected []*Peer) {
	if len(selected) == 0 {
		return
	}
	for i, r := range p.np.Spec.Ingress {
		for j, pp := range r.Ports {
			if pp.Port == nil || pp.Port.Type != intstr.Int || (pp.EndPort != nil && *pp.EndPort != pp.Port.IntVal) {
				continue
			}
			proto := "TCP"
			if pp.Protocol != nil {
				proto = string(*pp.Protocol)
			}
			found := protoIndex(proto) < 0 // reported by the evaluator
			for _, w := range selected {
				found = found || hasPort(w.Ports, *pp.Port, proto)
			}
			if found {
				continue
			}
			why := ""
			if svc := c.servicePortOf(p.ns, selected, pp.Port.IntVal, proto); svc != "" {
				why = fmt.Sprintf(" (it is a port of Service %s: policies see the pod port, its targetPort)", svc)
			}
			c.add(Warning, p.obj, fmt.Sprintf("spec.ingress[%d].ports[%d].port", i, j), fmt.Sprintf("%d/%s is not a container port of the pods the policy selects%s", pp.Port.IntVal, proto, why), "use the pod's container port, by name")
		}
	}
}

// servicePortOf names a Service of namespace ns fronting one of pods whose
// port (or nodePort) is port, or returns "".
func (c *checker) servicePortOf(ns string, pods []*Peer, port int32, proto string) string {
	for _, o := range c.objs {
		svc, ok := o.Obj.(*corev1.Service)
		if !ok || svc.Namespace != ns || len(svc.Spec.Selector) == 0 {
			continue
		}
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		fronts := false
		for _, w := range pods {
			fronts = fronts || sel.Matches(w.labelSet)
		}
		if !fronts {
			continue
		}
		for _, sp := range svc.Spec.Ports {
			if string(cmp.Or(sp.Protocol, corev1.ProtocolTCP)) == proto && (sp.Port == port || sp.NodePort == port) {
				return svc.Name
			}
		}
	}
	return ""
}

// rulePeers warns about selector peer elements that match no pod the
// manifests or the pseudo-peers know, which is how a label typo shows.
func (c *checker) rulePeers(p *compiledPolicy, f string, peers []networkingv1.NetworkPolicyPeer) {
	for i, pp := range peers {
		if pp.IPBlock != nil || (pp.PodSelector == nil && pp.NamespaceSelector == nil) {
			continue
		}
		cp := c.e.compilePeerQuiet(pp)
		if cp.invalid {
			continue
		}
		any := false
		c.e.candidates(&cp, p.ns, func(peer *Peer) {
			any = any || c.e.matches(&cp, p.ns, peer)
		})
		if pp.NamespaceSelector != nil && pp.PodSelector == nil {
			for k, other := range peers {
				if k != i && other.PodSelector != nil && other.NamespaceSelector == nil && other.IPBlock == nil {
					c.add(Warning, p.obj, fmt.Sprintf("%s[%d]", f, i), fmt.Sprintf("namespaceSelector %s and the podSelector %s of element %d are two peer elements, so either admits (OR): every pod of the namespace, and those pods in the policy's own namespace", showSelector(pp.NamespaceSelector), showSelector(other.PodSelector), k), "if pods with those labels in that namespace were meant (AND), put both selectors in one element")
					break
				}
			}
		}
		if !any {
			what := "podSelector " + showSelector(pp.PodSelector)
			if pp.NamespaceSelector != nil {
				what = "namespaceSelector " + showSelector(pp.NamespaceSelector) + " AND " + what
			}
			c.add(Warning, p.obj, fmt.Sprintf("%s[%d]", f, i), what+" matches no pod of the manifests, the ingress controller, the Gateway data plane, cluster DNS or the spec's pods of other namespaces", "check the labels (a typo makes the rule match nothing)")
		}
	}
}

// compilePeerQuiet compiles a peer element without recording findings
// (compile already reported its errors).
func (e *Evaluator) compilePeerQuiet(pp networkingv1.NetworkPolicyPeer) compiledPeer {
	saved := len(e.Findings)
	cp := e.compilePeer(&Object{Obj: &networkingv1.NetworkPolicy{}}, "", pp)
	e.Findings = e.Findings[:saved]
	return cp
}

// isolation reports pods that a direction leaves open, and pods isolated
// only by allow policies (no deny policy behind them).
func (c *checker) isolation() {
	for _, w := range c.e.Peers {
		if w.Kind != PeerWorkload {
			continue
		}
		in, out := c.e.Isolated(w)
		for _, d := range []struct {
			name     string
			isolated bool
			pols     []*compiledPolicy
			egress   bool
		}{{"ingress", in, c.e.ingressOf[w.order], false}, {"egress", out, c.e.egressOf[w.order], true}} {
			if !d.isolated {
				who := "every pod and address may connect to it"
				if d.egress {
					who = "it may connect to every pod and address"
				}
				c.add(Error, w.Object, templateField(w, "metadata.labels"), fmt.Sprintf("no NetworkPolicy isolates its pods for %s: %s", d.name, who), "add a default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress]) to namespace "+w.Namespace)
				continue
			}
			deny := false
			for _, p := range d.pols {
				rules := p.inRules
				if d.egress {
					rules = p.outRules
				}
				deny = deny || len(rules) == 0
			}
			if !deny {
				c.add(Warning, w.Object, templateField(w, "metadata.labels"), fmt.Sprintf("no default-deny covers its pods for %s; only allow policies isolate them, and removing one opens them", d.name), "add a default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress]) to namespace "+w.Namespace)
			}
		}
	}
}

// metadata warns about workloads that may reach the cloud metadata
// address: on most clouds it hands out the node's credentials.
func (c *checker) metadata() {
	m := c.e.Peer("[" + PeerMetadata + "]")
	if m == nil || c.o.AllowMetadata {
		return
	}
	for _, w := range c.e.Peers {
		if w.Kind != PeerWorkload {
			continue
		}
		if s := c.e.Allowed(w, m); !s.Empty() {
			c.add(Warning, w.Object, templateField(w, "metadata.labels"), fmt.Sprintf("may reach the cloud metadata address %s (%s), which hands out node credentials on most clouds", MetadataAddress, FormatPorts(s.Ranges(nil))), "except "+spec.MetadataCIDR+" from its egress ipBlocks (or isolate its egress)")
		}
	}
}

// dns reports pods isolated for egress that cannot reach cluster DNS on UDP
// (lookups fail) or TCP (large answers fail).
func (c *checker) dns() {
	var dnsPeers []*Peer
	for _, p := range c.e.Peers {
		if p.Kind == PeerDNS {
			dnsPeers = append(dnsPeers, p)
		}
	}
	if len(dnsPeers) == 0 {
		return
	}
	port := c.o.DNS.Port
	for _, w := range c.e.Peers {
		if _, out := c.e.Isolated(w); w.Kind != PeerWorkload || !out {
			continue
		}
		udp, tcp := false, false
		for _, d := range dnsPeers {
			s := c.e.Allowed(w, d)
			udp = udp || s.Contains("UDP", port)
			tcp = tcp || s.Contains("TCP", port)
		}
		where := dnsPeers[0].ID
		if !udp {
			c.add(Error, w.Object, templateField(w, "metadata.labels"), fmt.Sprintf("its egress is denied by default but it may not reach cluster DNS %s on %d/UDP: every name lookup fails", where, port), fmt.Sprintf("allow egress to one peer element {namespaceSelector: kubernetes.io/metadata.name=%s, podSelector: %s} on %d/UDP and %d/TCP (UDP must be explicit: protocol defaults to TCP); if cluster DNS runs elsewhere, say where (the spec's network.dns, or verify's --dns-* flags)", c.o.DNS.Namespace, showLabels(c.o.DNS.Labels), port, port))
		} else if !tcp {
			c.add(Warning, w.Object, templateField(w, "metadata.labels"), fmt.Sprintf("may reach cluster DNS %s on %d/UDP but not %d/TCP: answers too large for UDP fail", where, port, port), fmt.Sprintf("allow %d/TCP beside %d/UDP", port, port))
		}
	}
}

// templateField is the path of a pod template field in the workload:
// spec.template.<f>, or <f> of a bare Pod.
func templateField(w *Peer, f string) string {
	switch w.Object.Kind {
	case "Pod":
		return f
	case "CronJob":
		return "spec.jobTemplate.spec.template." + f
	}
	return "spec.template." + f
}

// psaFixes are the fix hints of the restricted checks kubenetgen's pods
// must pass, by the evaluator's reason.
var psaFixes = map[string]string{
	"allowPrivilegeEscalation != false": "set securityContext.allowPrivilegeEscalation: false on every container",
	"unrestricted capabilities":         "set securityContext.capabilities.drop: [ALL] on every container (add at most NET_BIND_SERVICE)",
	"runAsNonRoot != true":              "set securityContext.runAsNonRoot: true on the pod (or every container)",
	"seccompProfile":                    "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
	"runAsUser=0":                       "run as a non-zero UID",
	"privileged":                        "remove securityContext.privileged",
	"host namespaces":                   "remove hostNetwork, hostPID and hostIPC",
	"hostPort":                          "remove hostPort; expose the port through a Service",
	"restricted volume types":           "use only configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim, ephemeral or csi volumes",
}

var psaEvaluator = sync.OnceValues(func() (psapolicy.Evaluator, error) {
	return psapolicy.NewEvaluator(psapolicy.DefaultChecks(), nil)
})

// podSecurity evaluates every pod template against Pod Security
// "restricted", the level kubenetgen's namespaces enforce.
func (c *checker) podSecurity() {
	ev, err := psaEvaluator()
	if err != nil {
		return
	}
	lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
	for _, w := range c.e.Peers {
		if w.Kind != PeerWorkload {
			continue
		}
		meta := w.Template.ObjectMeta
		for _, r := range ev.EvaluatePod(lv, &meta, &w.Template.Spec) {
			if r.Allowed {
				continue
			}
			msg := r.ForbiddenReason
			if r.ForbiddenDetail != "" {
				msg += " (" + r.ForbiddenDetail + ")"
			}
			fix, ok := psaFixes[r.ForbiddenReason]
			if !ok {
				fix = "meet the Pod Security Standards' restricted profile, which the namespace enforces"
			}
			c.add(Error, w.Object, templateField(w, "spec"), "violates Pod Security restricted: "+msg, fix)
		}
	}
}

func (c *checker) pdbs() {
	for _, o := range c.objs {
		pdb, ok := o.Obj.(*policyv1.PodDisruptionBudget)
		if !ok || pdb.Spec.Selector == nil {
			continue
		}
		s, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil {
			c.add(Error, o, "spec.selector", "is not a valid selector: "+err.Error(), "fix the selector")
			continue
		}
		if len(c.workloadsIn(pdb.Namespace, s)) == 0 {
			c.add(Warning, o, "spec.selector", showSelector(pdb.Spec.Selector)+" selects no pod template in namespace "+pdb.Namespace+"; the budget protects nothing", "use the labels of the workload it protects")
		}
	}
}
