// Package generate turns a kubenetgen spec into typed Kubernetes objects
// (Build), renders them as a kustomize base (Render, Stream) and writes the
// base without ever losing a user's edits (Write). It is a library: it
// imports neither cobra nor survey.
package generate

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubenetgen/kubenetgen/internal/wellknown"
	"github.com/kubenetgen/kubenetgen/spec"
)

// Label keys kubenetgen sets (see package wellknown, which verify shares).
// Selectors use only LabelName and LabelComponent, which never change for a
// tier; LabelPartOf and LabelManagedBy are added to every object by the
// kustomization's labels.
const (
	LabelName        = wellknown.LabelName
	LabelComponent   = wellknown.LabelComponent
	LabelPartOf      = wellknown.LabelPartOf
	LabelManagedBy   = wellknown.LabelManagedBy
	LabelNamespace   = wellknown.LabelNamespace
	ManagedBy        = wellknown.ManagedBy
	AnnotationIssuer = wellknown.AnnotationClusterIssuer
)

// Names of the namespace-wide NetworkPolicies.
const (
	PolicyDefaultDeny = "default-deny"
	PolicyAllowDNS    = "allow-dns"
	// PolicyACMESolver admits the ingress controller into cert-manager's
	// HTTP-01 solver pods.
	PolicyACMESolver = "allow-acme-solver"
)

// SelectorLabels are the labels that select a tier's pods.
func SelectorLabels(app, tier string) map[string]string {
	return map[string]string{LabelName: app, LabelComponent: tier}
}

// TierObjects are the objects of one tier, in apply order; nil fields are
// not generated.
type TierObjects struct {
	Tier           *spec.Tier
	ServiceAccount *corev1.ServiceAccount
	Deployment     *appsv1.Deployment
	PDB            *policyv1.PodDisruptionBudget
	Service        *corev1.Service
	Policy         *networkingv1.NetworkPolicy
	// AnySource is set when the tier admits any outside address (a
	// NodePort or LoadBalancer without source ranges).
	AnySource bool
}

// Objects are every object of an app's base.
type Objects struct {
	App         *spec.App
	Namespace   *corev1.Namespace
	DefaultDeny *networkingv1.NetworkPolicy
	AllowDNS    *networkingv1.NetworkPolicy
	// ACMESolver admits the ingress controller into cert-manager's HTTP-01
	// solver pods; nil unless the Ingress has an issuer solving HTTP-01.
	ACMESolver *networkingv1.NetworkPolicy
	Tiers      []TierObjects
	Ingress    *networkingv1.Ingress
	// Gateway holds the Gateway API objects, when the app has a gateway.
	Gateway *GatewayObjects
}

// List returns the tier's objects in apply order.
func (t *TierObjects) List() []runtime.Object {
	out := []runtime.Object{t.ServiceAccount, t.Deployment}
	if t.PDB != nil {
		out = append(out, t.PDB)
	}
	if t.Service != nil {
		out = append(out, t.Service)
	}
	if t.Policy != nil {
		out = append(out, t.Policy)
	}
	return out
}

// Policies returns the namespace-wide NetworkPolicies, in apply order.
func (o *Objects) Policies() []*networkingv1.NetworkPolicy {
	out := []*networkingv1.NetworkPolicy{o.DefaultDeny, o.AllowDNS}
	if o.ACMESolver != nil {
		out = append(out, o.ACMESolver)
	}
	if o.Gateway != nil && o.Gateway.Policy != nil {
		out = append(out, o.Gateway.Policy)
	}
	return out
}

// List returns the objects in apply order.
func (o *Objects) List() []runtime.Object {
	out := []runtime.Object{o.Namespace}
	for _, p := range o.Policies() {
		out = append(out, p)
	}
	for i := range o.Tiers {
		out = append(out, o.Tiers[i].List()...)
	}
	if o.Ingress != nil {
		out = append(out, o.Ingress)
	}
	if o.Gateway != nil {
		out = append(out, o.Gateway.List()...)
	}
	return out
}

// Build returns the typed objects of a defaulted, valid App (spec.Default,
// then spec.Validate without problems), in apply order.
func Build(a *spec.App) []runtime.Object { return BuildObjects(a).List() }

// BuildObjects is Build with the objects grouped by tier.
func BuildObjects(a *spec.App) *Objects {
	b := &builder{app: a, edges: a.Edges()}
	_, b.routes = RoutedPorts(a)
	b.callers = map[string][]spec.Edge{}
	b.callees = map[string][]spec.Edge{}
	for _, e := range b.edges {
		b.callers[e.To] = append(b.callers[e.To], e)
		b.callees[e.From] = append(b.callees[e.From], e)
	}
	o := &Objects{
		App:         a,
		Namespace:   b.namespace(),
		DefaultDeny: b.defaultDeny(),
		AllowDNS:    b.allowDNS(),
		ACMESolver:  b.acmeSolver(),
	}
	for i := range a.Tiers {
		o.Tiers = append(o.Tiers, b.tier(&a.Tiers[i]))
	}
	if a.Ingress != nil {
		o.Ingress = b.ingress()
	}
	if a.Gateway != nil {
		o.Gateway = b.gatewayObjects()
	}
	return o
}

type builder struct {
	app     *spec.App
	edges   []spec.Edge
	callers map[string][]spec.Edge // by callee
	callees map[string][]spec.Edge // by caller
	routes  map[string][]spec.Port // ports the Ingress or Gateway routes to, by tier
}

func (b *builder) meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: b.app.Namespace}
}

func (b *builder) tierMeta(t *spec.Tier) metav1.ObjectMeta {
	m := b.meta(t.Name)
	m.Labels = SelectorLabels(b.app.Name, t.Name)
	return m
}

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

func (b *builder) namespace() *corev1.Namespace {
	return &corev1.Namespace{
		TypeMeta: typeMeta("v1", "Namespace"),
		ObjectMeta: metav1.ObjectMeta{
			Name: b.app.Namespace,
			Labels: map[string]string{
				// Pods that are not "restricted" are refused, not just
				// reported.
				"pod-security.kubernetes.io/enforce": "restricted",
				"pod-security.kubernetes.io/audit":   "restricted",
				"pod-security.kubernetes.io/warn":    "restricted",
			},
		},
	}
}

func policy(meta metav1.ObjectMeta) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{TypeMeta: typeMeta("networking.k8s.io/v1", "NetworkPolicy"), ObjectMeta: meta}
}

// defaultDeny isolates every pod of the namespace in both directions; the
// other policies then add exactly the declared flows. policyTypes is
// explicit: without Egress listed, a policy with no egress rules leaves
// egress open.
func (b *builder) defaultDeny() *networkingv1.NetworkPolicy {
	p := policy(b.meta(PolicyDefaultDeny))
	p.Spec.PodSelector = metav1.LabelSelector{}
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	return p
}

// allowDNS lets every pod resolve names: cluster DNS selected by namespace
// AND pod labels in one peer element, on UDP and TCP (TCP for large answers;
// UDP must be named, the protocol defaults to TCP).
func (b *builder) allowDNS() *networkingv1.NetworkPolicy {
	d := b.app.Network.DNS
	p := policy(b.meta(PolicyAllowDNS))
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	var peers []networkingv1.NetworkPolicyPeer
	if len(d.CIDRs) > 0 {
		for _, c := range d.CIDRs {
			peers = append(peers, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: c}})
		}
	} else {
		peers = []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{LabelNamespace: d.Namespace}},
			PodSelector:       &metav1.LabelSelector{MatchLabels: maps.Clone(d.PodLabels)},
		}}
	}
	port := intstr.FromInt32(d.Port)
	p.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
		To: peers,
		Ports: []networkingv1.NetworkPolicyPort{
			{Protocol: ptr(corev1.ProtocolUDP), Port: &port},
			{Protocol: ptr(corev1.ProtocolTCP), Port: &port},
		},
	}}
	return p
}

// acmeSolver admits the ingress controller (or the own Gateway's data
// plane) into the pods cert-manager starts in this namespace to answer an
// ACME HTTP-01 challenge: the challenge comes to the controller, which
// routes it to them, and
// default-deny would drop that hop, so no certificate would ever issue.
// Only ingress is opened: the solver only answers (replies need no rule),
// and allow-dns already covers every pod. The controller is one peer
// element, namespace AND pods, as for the tiers.
func (b *builder) acmeSolver() *networkingv1.NetworkPolicy {
	if !b.app.HTTP01Solver() {
		return nil
	}
	p := policy(b.meta(PolicyACMESolver))
	p.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{wellknown.LabelACMESolver: wellknown.ACMESolverValue}}
	p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	port := intstr.FromInt32(wellknown.ACMESolverPort)
	p.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{
		From:  []networkingv1.NetworkPolicyPeer{entryPeer(b.app.EntryPeer())},
		Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptr(corev1.ProtocolTCP), Port: &port}},
	}}
	return p
}

// entryPeer selects the pods that carry outside traffic in (the ingress
// controller or the Gateway's data plane): one peer element, their
// namespace AND their pod labels.
func entryPeer(c *spec.Controller) networkingv1.NetworkPolicyPeer {
	return namespacePeer(c.Namespace, c.PodLabels)
}

func (b *builder) tier(t *spec.Tier) TierObjects {
	o := TierObjects{Tier: t}
	meta := b.tierMeta(t)
	o.ServiceAccount = &corev1.ServiceAccount{
		TypeMeta:   typeMeta("v1", "ServiceAccount"),
		ObjectMeta: meta,
		// Tokens are mounted only into tiers that call the API server.
		AutomountServiceAccountToken: ptr(false),
	}
	o.Deployment = b.deployment(t)
	if *t.Replicas >= 2 {
		maxUnavailable := intstr.FromInt32(1)
		o.PDB = &policyv1.PodDisruptionBudget{
			TypeMeta:   typeMeta("policy/v1", "PodDisruptionBudget"),
			ObjectMeta: b.tierMeta(t),
			Spec: policyv1.PodDisruptionBudgetSpec{
				MaxUnavailable: &maxUnavailable,
				Selector:       &metav1.LabelSelector{MatchLabels: SelectorLabels(b.app.Name, t.Name)},
			},
		}
	}
	if t.Expose.HasService() {
		o.Service = b.service(t)
	}
	o.Policy, o.AnySource = b.tierPolicy(t)
	return o
}

func (b *builder) deployment(t *spec.Tier) *appsv1.Deployment {
	sel := SelectorLabels(b.app.Name, t.Name)
	c := corev1.Container{
		Name:            t.Name,
		Image:           t.Image,
		ImagePullPolicy: corev1.PullPolicy(t.ImagePullPolicy),
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			ReadOnlyRootFilesystem:   ptr(true),
			RunAsNonRoot:             ptr(true),
		},
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{
				corev1.ResourceCPU:              quantity(t.Resources.CPURequest),
				corev1.ResourceMemory:           quantity(t.Resources.MemoryRequest),
				corev1.ResourceEphemeralStorage: quantity(t.Resources.EphemeralStorageRequest),
			},
			Limits: corev1.ResourceList{
				corev1.ResourceCPU:              quantity(t.Resources.CPULimit),
				corev1.ResourceMemory:           quantity(t.Resources.MemoryLimit),
				corev1.ResourceEphemeralStorage: quantity(t.Resources.EphemeralStorageLimit),
			},
		},
		// A writable /tmp on an emptyDir lets most programs run with a
		// read-only root filesystem.
		VolumeMounts:             []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}},
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
	}
	for _, p := range t.Ports {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: p.Port, Protocol: corev1.Protocol(p.Protocol)})
	}
	for _, e := range b.app.CallerEnv(t.Name, b.callees[t.Name]) {
		c.Env = append(c.Env, corev1.EnvVar{Name: e.Name, Value: e.Value})
	}
	for _, e := range t.Env {
		c.Env = append(c.Env, corev1.EnvVar{Name: e.Name, Value: e.Value})
	}
	if t.Probe != nil {
		c.ReadinessProbe, c.LivenessProbe = probes(t.Probe)
	}
	pod := corev1.PodSpec{
		ServiceAccountName:           t.Name,
		AutomountServiceAccountToken: ptr(t.Egress.APIServer),
		// Tiers find each other by the DNS names in their environment, not
		// by Docker-link variables for every Service in the namespace.
		EnableServiceLinks: ptr(false),
		// The IDs sit on the pod, so that a container added in an overlay
		// runs as the same non-root user.
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr(true),
			RunAsUser:      t.RunAsUser,
			RunAsGroup:     t.RunAsGroup,
			FSGroup:        t.FSGroup,
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{c},
		Volumes: []corev1.Volume{{
			Name:         "tmp",
			VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: ptr(resource.MustParse("64Mi"))}},
		}},
	}
	for i, p := range t.WritablePaths {
		name := fmt.Sprintf("writable-%d", i+1)
		// No folder may outgrow what the pod may use of the node's disk.
		limit := quantity(t.Resources.EphemeralStorageLimit)
		pod.Volumes = append(pod.Volumes, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: &limit}}})
		pod.Containers[0].VolumeMounts = append(pod.Containers[0].VolumeMounts, corev1.VolumeMount{Name: name, MountPath: p})
	}
	if *t.Replicas >= 2 {
		pod.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{
			MaxSkew:     1,
			TopologyKey: "kubernetes.io/hostname",
			// ScheduleAnyway: spread when the nodes allow it, still run
			// on a one-node cluster.
			WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: maps.Clone(sel)},
			MatchLabelKeys:    []string{"pod-template-hash"},
		}}
	}
	return &appsv1.Deployment{
		TypeMeta:   typeMeta("apps/v1", "Deployment"),
		ObjectMeta: b.tierMeta(t),
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(*t.Replicas),
			Selector: &metav1.LabelSelector{MatchLabels: sel},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: maps.Clone(sel)},
				Spec:       pod,
			},
		},
	}
}

// probes returns the readiness and liveness probes of a tier. Readiness
// asks the tier's own question (the HTTP path, the port or the command) and
// takes a pod out of its Service within 15 s. Liveness must never ask the
// same question: a pod that is merely busy or not ready would be restarted,
// on every replica at once. So it only asks whether the process still
// accepts connections on the probed port, and tolerates a minute of failure
// before the kubelet restarts the container. A tier probed by TCP or by a
// command has no other question to ask, and gets no liveness probe: the
// kubelet restarts a container whose process exits anyway.
func probes(p *spec.Probe) (readiness, liveness *corev1.Probe) {
	readiness = &corev1.Probe{PeriodSeconds: 5, TimeoutSeconds: 2, FailureThreshold: 3}
	switch {
	case len(p.Exec) > 0:
		readiness.Exec = &corev1.ExecAction{Command: p.Exec}
	case p.HTTPPath != "":
		readiness.HTTPGet = &corev1.HTTPGetAction{Path: p.HTTPPath, Port: intstr.FromString(p.Port)}
		liveness = &corev1.Probe{
			ProbeHandler:     corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString(p.Port)}},
			PeriodSeconds:    15,
			TimeoutSeconds:   5,
			FailureThreshold: 4,
		}
	default:
		readiness.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromString(p.Port)}
	}
	return readiness, liveness
}

func (b *builder) service(t *spec.Tier) *corev1.Service {
	s := &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: b.tierMeta(t),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceType(t.Expose.Type),
			Selector: SelectorLabels(b.app.Name, t.Name),
		},
	}
	if len(b.app.Network.PodCIDRs()) == 2 {
		// A dual-stack cluster: the Service (and a node port) answers on
		// both families where the cluster has them, single-stack otherwise.
		s.Spec.IPFamilyPolicy = ptr(corev1.IPFamilyPolicyPreferDualStack)
	}
	for _, p := range t.Ports {
		s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{
			Name:     p.Name,
			Protocol: corev1.Protocol(p.Protocol),
			Port:     p.ServicePort,
			// The named container port, so the pod may renumber it.
			TargetPort: intstr.FromString(p.Name),
			NodePort:   p.NodePort,
		})
	}
	if t.Expose.External() {
		s.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicy(t.Expose.ExternalTrafficPolicy)
	}
	if t.Expose.Type == spec.ExposeLoadBalancer {
		s.Spec.LoadBalancerSourceRanges = slices.Clone(t.Expose.SourceRanges)
	}
	return s
}

// policyPorts are the pod ports of a policy rule, by name (rule 4: pod
// ports, never the Service port or the nodePort), protocol explicit.
func policyPorts(ports []spec.Port) []networkingv1.NetworkPolicyPort {
	out := make([]networkingv1.NetworkPolicyPort, 0, len(ports))
	for _, p := range ports {
		n := intstr.FromString(p.Name)
		out = append(out, networkingv1.NetworkPolicyPort{Protocol: ptr(corev1.Protocol(p.Protocol)), Port: &n})
	}
	return out
}

func (b *builder) podPeer(tier string) networkingv1.NetworkPolicyPeer {
	// A podSelector alone selects pods of this policy's own namespace.
	return networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: SelectorLabels(b.app.Name, tier)}}
}

// tierPolicy admits exactly the tier's declared flows: its callers, the
// ingress controller on routed ports, outside sources of a NodePort or
// LoadBalancer tier; and lets it reach its callees, the API server and its
// egress CIDRs. It returns nil when the tier has no flow at all.
func (b *builder) tierPolicy(t *spec.Tier) (*networkingv1.NetworkPolicy, bool) {
	var in []networkingv1.NetworkPolicyIngressRule
	var out []networkingv1.NetworkPolicyEgressRule
	for _, e := range b.callers[t.Name] {
		in = append(in, networkingv1.NetworkPolicyIngressRule{
			From:  []networkingv1.NetworkPolicyPeer{b.podPeer(e.From)},
			Ports: policyPorts(e.Ports),
		})
	}
	in = append(in, outsideCallers(t)...)
	if routed := b.routes[t.Name]; len(routed) > 0 {
		in = append(in, networkingv1.NetworkPolicyIngressRule{
			// One peer element: the namespace of the ingress controller
			// or Gateway data plane AND its pods.
			From:  []networkingv1.NetworkPolicyPeer{entryPeer(b.app.EntryPeer())},
			Ports: policyPorts(routed),
		})
	}
	anySource := false
	if t.Expose.External() {
		var peers []networkingv1.NetworkPolicyPeer
		for _, r := range t.Expose.SourceRanges {
			// Pods are not outside sources: a range that spans the pod
			// network (0.0.0.0/0 given explicitly) excepts it.
			peers = append(peers, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: r, Except: within(r, b.app.Network.PodCIDRs()...)}})
		}
		if len(peers) == 0 {
			// Every address of each family the cluster's pods use, less
			// the pod network.
			anySource = true
			for _, blk := range b.app.Network.AnySources() {
				peers = append(peers, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: blk.CIDR, Except: blk.Except}})
			}
		}
		in = append(in, networkingv1.NetworkPolicyIngressRule{From: peers, Ports: policyPorts(t.Ports)})
	}
	for _, e := range b.callees[t.Name] {
		out = append(out, networkingv1.NetworkPolicyEgressRule{
			To:    []networkingv1.NetworkPolicyPeer{b.podPeer(e.To)},
			Ports: policyPorts(e.Ports),
		})
	}
	out = append(out, outsideCallees(t)...)
	if t.Egress.APIServer {
		s := b.app.Network.APIServer
		port := intstr.FromInt32(s.Port)
		out = append(out, networkingv1.NetworkPolicyEgressRule{
			To:    b.cidrPeers(s.CIDRs),
			Ports: []networkingv1.NetworkPolicyPort{{Protocol: ptr(corev1.ProtocolTCP), Port: &port}},
		})
	}
	if len(t.Egress.CIDRs) > 0 {
		r := networkingv1.NetworkPolicyEgressRule{To: b.cidrPeers(t.Egress.CIDRs)}
		for _, p := range t.Egress.Ports {
			port := intstr.FromInt32(p)
			r.Ports = append(r.Ports, networkingv1.NetworkPolicyPort{Protocol: ptr(corev1.ProtocolTCP), Port: &port})
		}
		out = append(out, r)
	}
	if len(in) == 0 && len(out) == 0 {
		return nil, false
	}
	p := policy(b.tierMeta(t))
	p.Spec.PodSelector = metav1.LabelSelector{MatchLabels: SelectorLabels(b.app.Name, t.Name)}
	if len(in) > 0 {
		p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress)
		p.Spec.Ingress = in
	}
	if len(out) > 0 {
		p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		p.Spec.Egress = out
	}
	return p, anySource
}

// cidrPeers makes ipBlock peers for egress beyond the cluster. A block
// that contains the pod network excepts it, so that "the internet on 5432"
// never admits other pods (which only declared edges may reach), and one
// that contains the cloud metadata address excepts it unless the spec says
// not to.
func (b *builder) cidrPeers(cidrs []string) []networkingv1.NetworkPolicyPeer {
	var out []networkingv1.NetworkPolicyPeer
	for _, c := range cidrs {
		out = append(out, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: c, Except: egressExcepts(b.app, c)}})
	}
	return out
}

// egressExcepts are the blocks cidrPeers takes out of an egress CIDR.
func egressExcepts(a *spec.App, cidr string) []string {
	blocks := a.Network.PodCIDRs()
	if a.Network.BlockMetadata == nil || *a.Network.BlockMetadata {
		blocks = append(blocks, spec.MetadataCIDR, spec.MetadataCIDRv6)
	}
	return within(cidr, blocks...)
}

// within returns the blocks that lie strictly inside cidr, as an ipBlock's
// except list.
func within(cidr string, blocks ...string) []string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil
	}
	var out []string
	for _, blk := range blocks {
		e, err := netip.ParsePrefix(blk)
		if err == nil && p.Bits() < e.Bits() && p.Contains(e.Addr()) {
			out = append(out, e.String())
		}
	}
	return out
}

func (b *builder) ingress() *networkingv1.Ingress {
	in := b.app.Ingress
	ing := &networkingv1.Ingress{
		TypeMeta:   typeMeta("networking.k8s.io/v1", "Ingress"),
		ObjectMeta: b.meta(b.app.Name),
		Spec:       networkingv1.IngressSpec{IngressClassName: ptr(in.Class)},
	}
	ing.Labels = map[string]string{LabelName: b.app.Name}
	if in.TLSIssuer != "" {
		ing.Annotations = map[string]string{AnnotationIssuer: in.TLSIssuer}
	}
	hostIndex := map[string]int{}
	tlsIndex := map[string]int{}
	for _, r := range in.Rules {
		t := b.app.Tier(r.Tier)
		portName := r.Port
		if t != nil {
			if p := t.Port(r.Port); p != nil {
				portName = p.Name
			}
		}
		path := networkingv1.HTTPIngressPath{
			Path:     r.Path,
			PathType: ptr(networkingv1.PathType(r.PathType)),
			Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
				Name: r.Tier,
				Port: networkingv1.ServiceBackendPort{Name: portName},
			}},
		}
		i, ok := hostIndex[r.Host]
		if !ok {
			i = len(ing.Spec.Rules)
			hostIndex[r.Host] = i
			ing.Spec.Rules = append(ing.Spec.Rules, networkingv1.IngressRule{
				Host:             r.Host,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{}},
			})
		}
		ing.Spec.Rules[i].HTTP.Paths = append(ing.Spec.Rules[i].HTTP.Paths, path)
		if r.TLS != "" && r.Host != "" {
			j, ok := tlsIndex[r.TLS]
			if !ok {
				j = len(ing.Spec.TLS)
				tlsIndex[r.TLS] = j
				ing.Spec.TLS = append(ing.Spec.TLS, networkingv1.IngressTLS{SecretName: r.TLS})
			}
			if !slices.Contains(ing.Spec.TLS[j].Hosts, r.Host) {
				ing.Spec.TLS[j].Hosts = append(ing.Spec.TLS[j].Hosts, r.Host)
			}
		}
	}
	return ing
}

func quantity(s spec.Quantity) resource.Quantity {
	q, err := resource.ParseQuantity(string(s))
	if err != nil {
		return resource.Quantity{}
	}
	return q
}

func ptr[T any](v T) *T { return &v }
