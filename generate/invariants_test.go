package generate_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/google/go-cmp/cmp"
	"io"
	"log"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	ktypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

// reporter is the part of testing.T the invariant checks use, so a test
// can run them on a broken base and count what they report.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// base is a rendered base decoded strictly into k8s.io/api types.
type base struct {
	namespaces  []corev1.Namespace
	accounts    []corev1.ServiceAccount
	deployments []appsv1.Deployment
	pdbs        []policyv1.PodDisruptionBudget
	services    []corev1.Service
	policies    []networkingv1.NetworkPolicy
	ingresses   []networkingv1.Ingress
	gateways    []gwv1.Gateway
	httpRoutes  []gwv1.HTTPRoute
	grpcRoutes  []gwv1.GRPCRoute
}

// decodeBase decodes every YAML file of a base strictly: an unknown field
// or a kind kubenetgen does not write fails the test.
func decodeBase(t *testing.T, files []generate.File) *base {
	t.Helper()
	b := &base{}
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".yaml") {
			continue
		}
		if f.Path == generate.KustomizationFile {
			var k ktypes.Kustomization
			if err := yaml.UnmarshalStrict(f.Data, &k); err != nil {
				t.Errorf("%s: %v", f.Path, err)
			}
			//lint:ignore SA1019 the check is that the deprecated field stays unused
			if len(k.CommonLabels) > 0 {
				t.Errorf("%s uses the deprecated commonLabels", f.Path)
			}
			continue
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(f.Data)))
		for i := 0; ; i++ {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				t.Fatalf("%s[%d]: %v", f.Path, i, err)
			}
			where := fmt.Sprintf("%s[%d] (%s)", f.Path, i, tm.Kind)
			switch tm.Kind {
			case "Namespace":
				decodeInto(t, where, doc, &b.namespaces)
			case "ServiceAccount":
				decodeInto(t, where, doc, &b.accounts)
			case "Deployment":
				decodeInto(t, where, doc, &b.deployments)
			case "PodDisruptionBudget":
				decodeInto(t, where, doc, &b.pdbs)
			case "Service":
				decodeInto(t, where, doc, &b.services)
			case "NetworkPolicy":
				decodeInto(t, where, doc, &b.policies)
			case "Ingress":
				decodeInto(t, where, doc, &b.ingresses)
			case "Gateway":
				decodeInto(t, where, doc, &b.gateways)
			case "HTTPRoute":
				decodeInto(t, where, doc, &b.httpRoutes)
			case "GRPCRoute":
				decodeInto(t, where, doc, &b.grpcRoutes)
			default:
				t.Fatalf("%s[%d]: unexpected kind %q", f.Path, i, tm.Kind)
			}
		}
	}
	return b
}

// decodeInto decodes doc strictly into a new element of list: an unknown
// field fails the test.
func decodeInto[T any](t *testing.T, where string, doc []byte, list *[]T) {
	t.Helper()
	var v T
	if err := yaml.UnmarshalStrict(doc, &v); err != nil {
		t.Errorf("%s: strict decoding: %v", where, err)
	}
	*list = append(*list, v)
}

func selects(t reporter, sel *metav1.LabelSelector, set map[string]string) bool {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Fatalf("selector %v: %v", sel, err)
	}
	return s.Matches(labels.Set(set))
}

func (b *base) deployment(name string) *appsv1.Deployment {
	for i := range b.deployments {
		if b.deployments[i].Name == name {
			return &b.deployments[i]
		}
	}
	return nil
}

func containerPort(d *appsv1.Deployment, name string) *corev1.ContainerPort {
	for _, c := range d.Spec.Template.Spec.Containers {
		for i := range c.Ports {
			if c.Ports[i].Name == name {
				return &c.Ports[i]
			}
		}
	}
	return nil
}

// checkInvariants asserts what must hold for every base, whatever the
// spec: the cross-object agreements a golden file alone would freeze
// rather than prove.
func checkInvariants(t reporter, a *spec.App, b *base) {
	t.Helper()
	if len(b.namespaces) != 1 || b.namespaces[0].Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
		t.Errorf("want one Namespace enforcing Pod Security restricted, got %+v", b.namespaces)
	}
	// Each Service selects exactly its tier's pod template, and each
	// targetPort names a container port of it with the same protocol.
	for _, s := range b.services {
		var selected []string
		for _, d := range b.deployments {
			if d.Namespace == s.Namespace && selects(t, &metav1.LabelSelector{MatchLabels: s.Spec.Selector}, d.Spec.Template.Labels) {
				selected = append(selected, d.Name)
			}
		}
		if !slices.Equal(selected, []string{s.Name}) {
			t.Errorf("Service %s selects pod templates %v, want exactly [%s]", s.Name, selected, s.Name)
			continue
		}
		d := b.deployment(s.Name)
		for _, p := range s.Spec.Ports {
			if p.TargetPort.StrVal == "" {
				t.Errorf("Service %s port %s: targetPort %v is not a named port", s.Name, p.Name, p.TargetPort)
				continue
			}
			cp := containerPort(d, p.TargetPort.StrVal)
			if cp == nil || cp.Protocol != p.Protocol {
				t.Errorf("Service %s port %s: targetPort %q (%s) names no container port of %s", s.Name, p.Name, p.TargetPort.StrVal, p.Protocol, d.Name)
			}
		}
	}
	// expose: none has no Service; every other exposure has one of its type.
	for _, tier := range a.Tiers {
		var svc *corev1.Service
		for i := range b.services {
			if b.services[i].Name == tier.Name {
				svc = &b.services[i]
			}
		}
		switch {
		case tier.Expose.Type == spec.ExposeNone && svc != nil:
			t.Errorf("tier %s has expose none but a Service", tier.Name)
		case tier.Expose.Type != spec.ExposeNone && (svc == nil || string(svc.Spec.Type) != tier.Expose.Type):
			t.Errorf("tier %s has expose %s but Service %+v", tier.Name, tier.Expose.Type, svc)
		}
		d := b.deployment(tier.Name)
		if d == nil {
			t.Errorf("tier %s has no Deployment", tier.Name)
			continue
		}
		if !selects(t, d.Spec.Selector, d.Spec.Template.Labels) {
			t.Errorf("Deployment %s: selector does not select its own template", d.Name)
		}
		var pdb *policyv1.PodDisruptionBudget
		for i := range b.pdbs {
			if b.pdbs[i].Name == tier.Name {
				pdb = &b.pdbs[i]
			}
		}
		if (*tier.Replicas >= 2) != (pdb != nil) {
			t.Errorf("tier %s with %d replicas: PDB %v", tier.Name, *tier.Replicas, pdb)
		}
		if pdb != nil && !selects(t, pdb.Spec.Selector, d.Spec.Template.Labels) {
			t.Errorf("PDB %s does not select its tier's pods", pdb.Name)
		}
		if sa := d.Spec.Template.Spec.ServiceAccountName; !slices.ContainsFunc(b.accounts, func(x corev1.ServiceAccount) bool { return x.Name == sa }) {
			t.Errorf("Deployment %s uses ServiceAccount %q, which the base does not have", d.Name, sa)
		}
	}
	// Each Ingress backend names an existing Service and one of its ports;
	// TLS hosts are rule hosts.
	for _, ing := range b.ingresses {
		hosts := map[string]bool{}
		for _, r := range ing.Spec.Rules {
			hosts[r.Host] = true
			for _, p := range r.HTTP.Paths {
				if !strings.HasPrefix(p.Path, "/") || p.PathType == nil {
					t.Errorf("Ingress %s: path %q has no absolute path or no pathType", ing.Name, p.Path)
				}
				be := p.Backend.Service
				i := slices.IndexFunc(b.services, func(s corev1.Service) bool { return s.Name == be.Name })
				if i < 0 {
					t.Errorf("Ingress %s: backend Service %q does not exist", ing.Name, be.Name)
					continue
				}
				if !slices.ContainsFunc(b.services[i].Spec.Ports, func(sp corev1.ServicePort) bool {
					return sp.Name == be.Port.Name && be.Port.Name != "" || be.Port.Number != 0 && sp.Port == be.Port.Number
				}) {
					t.Errorf("Ingress %s: backend %s port %+v is not a port of the Service", ing.Name, be.Name, be.Port)
				}
			}
		}
		for _, tls := range ing.Spec.TLS {
			for _, h := range tls.Hosts {
				if !hosts[h] {
					t.Errorf("Ingress %s: TLS host %q is not a rule host", ing.Name, h)
				}
			}
		}
	}
	// Every NetworkPolicy states policyTypes; every pod is covered by a
	// default-deny in both directions and may reach DNS on UDP and TCP 53.
	for _, p := range b.policies {
		if len(p.Spec.PolicyTypes) == 0 {
			t.Errorf("NetworkPolicy %s does not state policyTypes", p.Name)
		}
	}
	for _, d := range b.deployments {
		pod := d.Spec.Template.Labels
		denyIn, denyOut, dnsUDP, dnsTCP := false, false, false, false
		for _, p := range b.policies {
			if !selects(t, &p.Spec.PodSelector, pod) {
				continue
			}
			if len(p.Spec.Ingress) == 0 && slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) {
				denyIn = true
			}
			if len(p.Spec.Egress) == 0 && slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) {
				denyOut = true
			}
			for _, r := range p.Spec.Egress {
				toDNS := slices.ContainsFunc(r.To, func(peer networkingv1.NetworkPolicyPeer) bool {
					if peer.IPBlock != nil {
						return slices.Contains(a.Network.DNS.CIDRs, peer.IPBlock.CIDR)
					}
					return peer.NamespaceSelector != nil && peer.PodSelector != nil &&
						selects(t, peer.NamespaceSelector, map[string]string{generate.LabelNamespace: a.Network.DNS.Namespace}) &&
						selects(t, peer.PodSelector, a.Network.DNS.PodLabels)
				})
				for _, port := range r.Ports {
					if toDNS && port.Port != nil && port.Port.IntValue() == int(a.Network.DNS.Port) && port.Protocol != nil {
						dnsUDP = dnsUDP || *port.Protocol == corev1.ProtocolUDP
						dnsTCP = dnsTCP || *port.Protocol == corev1.ProtocolTCP
					}
				}
			}
		}
		if !denyIn || !denyOut {
			t.Errorf("pods of %s are not covered by a default-deny (ingress %v, egress %v)", d.Name, denyIn, denyOut)
		}
		if !dnsUDP || !dnsTCP {
			t.Errorf("pods of %s may not reach DNS on both UDP and TCP (udp %v, tcp %v)", d.Name, dnsUDP, dnsTCP)
		}
	}
	// Policy ports are pod ports: a named port in an ingress rule names a
	// container port of every pod the policy selects, and in an egress rule
	// to pods, one of the destination pods.
	for _, p := range b.policies {
		for _, d := range b.deployments {
			if !selects(t, &p.Spec.PodSelector, d.Spec.Template.Labels) {
				continue
			}
			for _, r := range p.Spec.Ingress {
				for _, port := range r.Ports {
					if port.Port != nil && port.Port.StrVal != "" && containerPort(&d, port.Port.StrVal) == nil {
						t.Errorf("NetworkPolicy %s admits port %q, which pods of %s do not have", p.Name, port.Port.StrVal, d.Name)
					}
				}
			}
			for _, r := range p.Spec.Egress {
				for _, peer := range r.To {
					if peer.PodSelector == nil || peer.NamespaceSelector != nil {
						continue
					}
					for _, dst := range b.deployments {
						if !selects(t, peer.PodSelector, dst.Spec.Template.Labels) {
							continue
						}
						for _, port := range r.Ports {
							if port.Port != nil && port.Port.StrVal != "" && containerPort(&dst, port.Port.StrVal) == nil {
								t.Errorf("NetworkPolicy %s lets %s reach port %q, which pods of %s do not have", p.Name, d.Name, port.Port.StrVal, dst.Name)
							}
						}
					}
				}
			}
		}
	}
}

// TestInvariants checks every golden case against the invariants.
func TestInvariants(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkInvariants(t, c.app, decodeBase(t, render(t, c.app)))
		})
	}
}

// TestPodSecurityRestricted evaluates every pod template of every case
// with the Pod Security admission library at the restricted level.
func TestPodSecurityRestricted(t *testing.T) {
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lv := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	for _, c := range goldenCases(t) {
		for _, d := range decodeBase(t, render(t, c.app)).deployments {
			for _, r := range ev.EvaluatePod(lv, &d.Spec.Template.ObjectMeta, &d.Spec.Template.Spec) {
				if !r.Allowed {
					t.Errorf("%s: Deployment %s is not restricted: %s: %s", c.name, d.Name, r.ForbiddenReason, r.ForbiddenDetail)
				}
			}
		}
	}
}

// TestKustomizeBuildGolden builds each golden base from disk with kustomize
// in-process and wants no error and no warning.
func TestKustomizeBuildGolden(t *testing.T) {
	var logs bytes.Buffer
	log.SetOutput(&logs)
	defer log.SetOutput(os.Stderr)
	for _, c := range goldenCases(t) {
		dir, err := filepath.Abs(filepath.Join(c.dir, "base"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
		if err != nil {
			t.Errorf("%s: kustomize build: %v", c.name, err)
			continue
		}
		want := len(generate.Build(c.app)) + len(generate.SelfSignedCerts(c.app))
		if m.Size() != want {
			t.Errorf("%s: kustomize build gave %d objects, want %d", c.name, m.Size(), want)
		}
		for _, r := range m.Resources() {
			l := r.GetLabels()
			if l[generate.LabelPartOf] != c.app.Name || l[generate.LabelManagedBy] != generate.ManagedBy {
				t.Errorf("%s: %s/%s lacks the kustomization's labels: %v", c.name, r.GetKind(), r.GetName(), l)
			}
		}
	}
	if logs.Len() > 0 {
		t.Errorf("kustomize warned:\n%s", logs.String())
	}
}

// TestStreamEqualsKustomizeBuild wants -o - to print exactly what
// kustomize builds from the written base.
func TestStreamEqualsKustomizeBuild(t *testing.T) {
	for _, c := range goldenCases(t) {
		var buf bytes.Buffer
		if err := generate.Stream(&buf, c.app, withGoldenCerts(t, nil, c)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		dir, _ := filepath.Abs(filepath.Join(c.dir, "base"))
		m, err := krusty.MakeKustomizer(generate.KustomizeOptions()).Run(filesys.MakeFsOnDisk(), dir)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want, _ := m.AsYaml()
		if diff := cmp.Diff(string(want), buf.String()); diff != "" {
			t.Errorf("%s: streamed YAML differs from kustomize build of the golden base (-kustomize +stream):\n%s", c.name, diff)
		}
		if n, want := bytes.Count(buf.Bytes(), []byte("\n---\n"))+1, len(generate.Build(c.app))+len(generate.SelfSignedCerts(c.app)); n != want {
			t.Errorf("%s: streamed %d documents, want %d", c.name, n, want)
		}
	}
}

// recorder collects the problems checkInvariants reports.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// TestInvariantsCatchDefects breaks a correct base in the ways peers'
// manifests break, and wants each defect reported: checks that cannot
// fail prove nothing.
func TestInvariantsCatchDefects(t *testing.T) {
	var c goldenCase
	for _, x := range goldenCases(t) {
		if x.name == "three-tier-tls" {
			c = x
		}
	}
	defects := map[string]func(b *base){
		"service selects nothing": func(b *base) { b.services[0].Spec.Selector[generate.LabelComponent] = "wbe" },
		"targetPort typo":         func(b *base) { b.services[0].Spec.Ports[0].TargetPort.StrVal = "htp" },
		"policy without policyTypes": func(b *base) {
			b.policies[len(b.policies)-1].Spec.PolicyTypes = nil
		},
		"no default-deny": func(b *base) {
			b.policies = slices.DeleteFunc(b.policies, func(p networkingv1.NetworkPolicy) bool { return p.Name == generate.PolicyDefaultDeny })
		},
		"DNS over TCP only": func(b *base) {
			for i := range b.policies {
				if b.policies[i].Name == generate.PolicyAllowDNS {
					b.policies[i].Spec.Egress[0].Ports = b.policies[i].Spec.Egress[0].Ports[1:]
				}
			}
		},
		"backend port typo": func(b *base) {
			b.ingresses[0].Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Name = "htttp"
		},
		"TLS host not a rule host": func(b *base) { b.ingresses[0].Spec.TLS[0].Hosts[0] = "shop.example.net" },
		"policy on the Service port": func(b *base) {
			for i := range b.policies {
				if b.policies[i].Name == "db" {
					b.policies[i].Spec.Ingress[0].Ports[0].Port.StrVal = "pg"
				}
			}
		},
		"missing PDB": func(b *base) { b.pdbs = b.pdbs[1:] },
	}
	for name, breakIt := range defects {
		b := decodeBase(t, render(t, c.app))
		breakIt(b)
		var r recorder
		checkInvariants(&r, c.app, b)
		if len(r.errs) == 0 {
			t.Errorf("defect %q was not reported", name)
		}
	}
}

// checkPodHardening asserts every hardening field of every pod, so that a
// routine -update of the golden files can never drop one silently: Pod
// Security "restricted" and more (read-only root, explicit non-root IDs,
// no token, bounded resources and disk, distinct probes).
func checkPodHardening(t reporter, a *spec.App, b *base) {
	t.Helper()
	for _, ns := range b.namespaces {
		for _, mode := range []string{"enforce", "audit", "warn"} {
			if v := ns.Labels["pod-security.kubernetes.io/"+mode]; v != "restricted" {
				t.Errorf("Namespace %s: pod-security.kubernetes.io/%s is %q, want restricted", ns.Name, mode, v)
			}
		}
	}
	for _, sa := range b.accounts {
		if sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
			t.Errorf("ServiceAccount %s mounts its token by default", sa.Name)
		}
	}
	for _, tier := range a.Tiers {
		d := b.deployment(tier.Name)
		if d == nil {
			t.Errorf("tier %s has no Deployment", tier.Name)
			continue
		}
		pod := &d.Spec.Template.Spec
		where := "Deployment " + d.Name
		if pod.ServiceAccountName != tier.Name {
			t.Errorf("%s: serviceAccountName %q, want its own %q", where, pod.ServiceAccountName, tier.Name)
		}
		// Only a tier that calls the API server gets a token.
		if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken != tier.Egress.APIServer {
			t.Errorf("%s: automountServiceAccountToken %v, want %v", where, show(pod.AutomountServiceAccountToken), tier.Egress.APIServer)
		}
		if pod.EnableServiceLinks == nil || *pod.EnableServiceLinks {
			t.Errorf("%s: enableServiceLinks is not false", where)
		}
		if pod.HostNetwork || pod.HostPID || pod.HostIPC {
			t.Errorf("%s: shares a host namespace", where)
		}
		checkPodIDs(t, where, &tier, pod.SecurityContext)
		if (*tier.Replicas >= 2) != (len(pod.TopologySpreadConstraints) == 1) {
			t.Errorf("%s with %d replicas: topology spread %+v", where, *tier.Replicas, pod.TopologySpreadConstraints)
		}
		for _, c := range pod.TopologySpreadConstraints {
			if c.MaxSkew != 1 || c.TopologyKey != "kubernetes.io/hostname" || c.WhenUnsatisfiable != corev1.ScheduleAnyway || c.LabelSelector == nil || !selects(t, c.LabelSelector, d.Spec.Template.Labels) {
				t.Errorf("%s: topology spread %+v, want maxSkew 1 across nodes over its own pods, ScheduleAnyway", where, c)
			}
		}
		if len(pod.InitContainers) > 0 || len(pod.Containers) != 1 {
			t.Errorf("%s: want exactly one container, got %d (and %d init containers)", where, len(pod.Containers), len(pod.InitContainers))
			continue
		}
		c := &pod.Containers[0]
		checkContainerSecurity(t, where, c.SecurityContext)
		if string(c.ImagePullPolicy) != tier.ImagePullPolicy || c.ImagePullPolicy == "" {
			t.Errorf("%s: imagePullPolicy %q, want the tier's %q", where, c.ImagePullPolicy, tier.ImagePullPolicy)
		}
		if c.TerminationMessagePolicy != corev1.TerminationMessageFallbackToLogsOnError {
			t.Errorf("%s: terminationMessagePolicy %q, want FallbackToLogsOnError", where, c.TerminationMessagePolicy)
		}
		checkResources(t, where, c.Resources)
		checkVolumes(t, where, &tier, pod, c)
		checkProbes(t, where, &tier, c)
	}
}

// show prints a *bool as the YAML would.
func show(b *bool) string {
	if b == nil {
		return "(unset)"
	}
	return fmt.Sprint(*b)
}

// checkPodIDs: non-root user, group and volume group on the pod, each the
// tier's and at least 10000, as kube-score asks.
func checkPodIDs(t reporter, where string, tier *spec.Tier, sc *corev1.PodSecurityContext) {
	t.Helper()
	if sc == nil {
		t.Errorf("%s: no pod securityContext", where)
		return
	}
	if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("%s: pod runAsNonRoot is not true", where)
	}
	if sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod seccompProfile %+v, want RuntimeDefault", where, sc.SeccompProfile)
	}
	for _, id := range []struct {
		name      string
		got, want *int64
	}{
		{"runAsUser", sc.RunAsUser, tier.RunAsUser},
		{"runAsGroup", sc.RunAsGroup, tier.RunAsGroup},
		{"fsGroup", sc.FSGroup, tier.FSGroup},
	} {
		// No golden case sets an ID of its own: each must be a high one,
		// clear of the image's and the host's users.
		switch {
		case id.got == nil:
			t.Errorf("%s: pod %s is not set: the image's own user (often root) would run", where, id.name)
		case id.want == nil || *id.got != *id.want:
			t.Errorf("%s: pod %s %d, want the tier's %v", where, id.name, *id.got, id.want)
		case *id.got < 10000:
			t.Errorf("%s: pod %s %d is below 10000", where, id.name, *id.got)
		}
	}
}

// checkContainerSecurity: what Pod Security "restricted" asks of a
// container, and a read-only root filesystem.
func checkContainerSecurity(t reporter, where string, sc *corev1.SecurityContext) {
	t.Helper()
	if sc == nil {
		t.Errorf("%s: container has no securityContext", where)
		return
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("%s: readOnlyRootFilesystem is not true", where)
	}
	if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("%s: container runAsNonRoot is not true", where)
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("%s: allowPrivilegeEscalation is not false", where)
	}
	if sc.Privileged != nil && *sc.Privileged {
		t.Errorf("%s: privileged", where)
	}
	if sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
		t.Errorf("%s: capabilities %+v, want drop [ALL] and nothing added", where, sc.Capabilities)
	}
	if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		t.Errorf("%s: container runAsUser 0", where)
	}
}

// checkResources: requests and limits of CPU, memory and ephemeral storage,
// each request within its limit.
func checkResources(t reporter, where string, r corev1.ResourceRequirements) {
	t.Helper()
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		req, okReq := r.Requests[name]
		lim, okLim := r.Limits[name]
		switch {
		case !okReq || !okLim || req.Sign() <= 0 || lim.Sign() <= 0:
			t.Errorf("%s: %s request %v and limit %v, want both set", where, name, req.String(), lim.String())
		case req.Cmp(lim) > 0:
			t.Errorf("%s: %s request %s exceeds its limit %s", where, name, req.String(), lim.String())
		}
	}
}

// checkVolumes: /tmp and each writable path are emptyDirs with a size
// limit within the container's ephemeral-storage limit; nothing else is
// mounted.
func checkVolumes(t reporter, where string, tier *spec.Tier, pod *corev1.PodSpec, c *corev1.Container) {
	t.Helper()
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		if m.ReadOnly {
			continue
		}
		mounts[m.MountPath] = m.Name
	}
	want := append([]string{"/tmp"}, tier.WritablePaths...)
	if got := slices.Sorted(maps.Keys(mounts)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("%s: writable mounts %v, want /tmp and the writablePaths %v", where, got, tier.WritablePaths)
	}
	limit := c.Resources.Limits[corev1.ResourceEphemeralStorage]
	for _, v := range pod.Volumes {
		switch {
		case v.EmptyDir == nil:
			t.Errorf("%s: volume %s is not an emptyDir", where, v.Name)
		case v.EmptyDir.SizeLimit == nil || v.EmptyDir.SizeLimit.Sign() <= 0:
			t.Errorf("%s: emptyDir %s has no sizeLimit", where, v.Name)
		case v.EmptyDir.SizeLimit.Cmp(limit) > 0:
			t.Errorf("%s: emptyDir %s sizeLimit %s exceeds the ephemeral-storage limit %s", where, v.Name, v.EmptyDir.SizeLimit.String(), limit.String())
		}
	}
}

// checkProbes: a readiness probe wherever the spec has one; a liveness
// probe, when there is one, never asks readiness's question (a busy pod
// would be restarted) and is at least as patient.
func checkProbes(t reporter, where string, tier *spec.Tier, c *corev1.Container) {
	t.Helper()
	r, l := c.ReadinessProbe, c.LivenessProbe
	if (tier.Probe != nil) != (r != nil) {
		t.Errorf("%s: spec probe %+v but readiness probe %+v", where, tier.Probe, r)
	}
	if l == nil {
		return
	}
	if r == nil {
		t.Errorf("%s: a liveness probe without a readiness probe", where)
		return
	}
	if equality.Semantic.DeepEqual(r.ProbeHandler, l.ProbeHandler) ||
		r.HTTPGet != nil && l.HTTPGet != nil && r.HTTPGet.Path == l.HTTPGet.Path {
		t.Errorf("%s: liveness probe asks what readiness asks (%+v)", where, l.ProbeHandler)
	}
	window := func(p *corev1.Probe) int32 { return p.PeriodSeconds * p.FailureThreshold }
	if window(l) < window(r) || l.TimeoutSeconds < r.TimeoutSeconds {
		t.Errorf("%s: liveness (%ds window, %ds timeout) is less tolerant than readiness (%ds, %ds)", where, window(l), l.TimeoutSeconds, window(r), r.TimeoutSeconds)
	}
}

// TestPodHardening checks every hardening field of every pod of every
// golden case.
func TestPodHardening(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkPodHardening(t, c.app, decodeBase(t, render(t, c.app)))
		})
	}
}

// TestPodHardeningCatchesDefects drops each hardening field from a correct
// base in turn and wants it reported.
func TestPodHardeningCatchesDefects(t *testing.T) {
	var c goldenCase
	for _, x := range goldenCases(t) {
		if x.name == "three-tier-tls" {
			c = x
		}
	}
	pod := func(b *base) *corev1.PodSpec { return &b.deployments[0].Spec.Template.Spec }
	ctr := func(b *base) *corev1.Container { return &pod(b).Containers[0] }
	defects := map[string]func(b *base){
		"writable root filesystem":    func(b *base) { ctr(b).SecurityContext.ReadOnlyRootFilesystem = nil },
		"container runAsNonRoot gone": func(b *base) { ctr(b).SecurityContext.RunAsNonRoot = nil },
		"privilege escalation":        func(b *base) { ctr(b).SecurityContext.AllowPrivilegeEscalation = ptr(true) },
		"capabilities kept":           func(b *base) { ctr(b).SecurityContext.Capabilities.Drop = nil },
		"capability added":            func(b *base) { ctr(b).SecurityContext.Capabilities.Add = []corev1.Capability{"NET_ADMIN"} },
		"privileged":                  func(b *base) { ctr(b).SecurityContext.Privileged = ptr(true) },
		"pod runAsNonRoot gone":       func(b *base) { pod(b).SecurityContext.RunAsNonRoot = nil },
		"seccomp unconfined": func(b *base) {
			pod(b).SecurityContext.SeccompProfile.Type = corev1.SeccompProfileTypeUnconfined
		},
		"no runAsUser":                 func(b *base) { pod(b).SecurityContext.RunAsUser = nil },
		"low runAsUser":                func(b *base) { pod(b).SecurityContext.RunAsUser = ptr(int64(999)) },
		"no runAsGroup":                func(b *base) { pod(b).SecurityContext.RunAsGroup = nil },
		"no fsGroup":                   func(b *base) { pod(b).SecurityContext.FSGroup = nil },
		"token mounted":                func(b *base) { pod(b).AutomountServiceAccountToken = ptr(true) },
		"account mounts token":         func(b *base) { b.accounts[0].AutomountServiceAccountToken = nil },
		"shared account":               func(b *base) { pod(b).ServiceAccountName = "default" },
		"service links":                func(b *base) { pod(b).EnableServiceLinks = nil },
		"host network":                 func(b *base) { pod(b).HostNetwork = true },
		"no pull policy":               func(b *base) { ctr(b).ImagePullPolicy = "" },
		"no memory limit":              func(b *base) { delete(ctr(b).Resources.Limits, corev1.ResourceMemory) },
		"no cpu request":               func(b *base) { delete(ctr(b).Resources.Requests, corev1.ResourceCPU) },
		"no ephemeral-storage limit":   func(b *base) { delete(ctr(b).Resources.Limits, corev1.ResourceEphemeralStorage) },
		"no ephemeral-storage request": func(b *base) { delete(ctr(b).Resources.Requests, corev1.ResourceEphemeralStorage) },
		"request above limit": func(b *base) {
			ctr(b).Resources.Requests[corev1.ResourceMemory] = resource.MustParse("10Gi")
		},
		"emptyDir without sizeLimit": func(b *base) { pod(b).Volumes[0].EmptyDir.SizeLimit = nil },
		"emptyDir beyond the limit": func(b *base) {
			pod(b).Volumes[0].EmptyDir.SizeLimit = ptr(resource.MustParse("100Gi"))
		},
		"no writable /tmp":     func(b *base) { ctr(b).VolumeMounts = nil },
		"no readiness probe":   func(b *base) { ctr(b).ReadinessProbe = nil },
		"liveness = readiness": func(b *base) { ctr(b).LivenessProbe = ctr(b).ReadinessProbe.DeepCopy() },
		"liveness same path": func(b *base) {
			l := ctr(b).ReadinessProbe.DeepCopy()
			l.PeriodSeconds, l.FailureThreshold, l.TimeoutSeconds = 60, 10, 10
			ctr(b).LivenessProbe = l
		},
		"impatient liveness":  func(b *base) { ctr(b).LivenessProbe.PeriodSeconds = 1 },
		"no topology spread":  func(b *base) { pod(b).TopologySpreadConstraints = nil },
		"PSS audit off":       func(b *base) { delete(b.namespaces[0].Labels, "pod-security.kubernetes.io/audit") },
		"termination message": func(b *base) { ctr(b).TerminationMessagePolicy = corev1.TerminationMessageReadFile },
	}
	for name, breakIt := range defects {
		b := decodeBase(t, render(t, c.app))
		breakIt(b)
		var r recorder
		checkPodHardening(&r, c.app, b)
		if len(r.errs) == 0 {
			t.Errorf("defect %q was not reported", name)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// checkBounds asserts the numeric bounds and address exceptions that only
// golden bytes held: nodePorts in the range and as the spec fixes them,
// externalTrafficPolicy as asked, a PDB that lets one pod go at a time,
// the spec's replica count, and no ipBlock that admits pods: every block
// excepts each pod network it contains and none lies within one; egress
// blocks except the metadata addresses unless the spec allows them.
func checkBounds(t reporter, a *spec.App, b *base) {
	t.Helper()
	lo, hi, err := spec.ParseNodePortRange(a.Network.NodePortRange)
	if err != nil {
		t.Fatalf("network.nodePortRange: %v", err)
	}
	for _, tier := range a.Tiers {
		if d := b.deployment(tier.Name); d != nil && (d.Spec.Replicas == nil || *d.Spec.Replicas != *tier.Replicas) {
			t.Errorf("Deployment %s: replicas %v, want %d", d.Name, d.Spec.Replicas, *tier.Replicas)
		}
		for _, s := range b.services {
			if s.Name != tier.Name {
				continue
			}
			if tier.Expose.External() && string(s.Spec.ExternalTrafficPolicy) != tier.Expose.ExternalTrafficPolicy {
				t.Errorf("Service %s: externalTrafficPolicy %q, want %q", s.Name, s.Spec.ExternalTrafficPolicy, tier.Expose.ExternalTrafficPolicy)
			}
			for i, p := range s.Spec.Ports {
				if i < len(tier.Ports) && p.NodePort != tier.Ports[i].NodePort {
					t.Errorf("Service %s port %s: nodePort %d, want the spec's %d", s.Name, p.Name, p.NodePort, tier.Ports[i].NodePort)
				}
				if p.NodePort != 0 && (int(p.NodePort) < lo || int(p.NodePort) > hi) {
					t.Errorf("Service %s port %s: nodePort %d is outside %d-%d", s.Name, p.Name, p.NodePort, lo, hi)
				}
			}
		}
	}
	for _, p := range b.pdbs {
		if p.Spec.MaxUnavailable == nil || p.Spec.MaxUnavailable.IntValue() != 1 || p.Spec.MinAvailable != nil {
			t.Errorf("PodDisruptionBudget %s: maxUnavailable %v, minAvailable %v, want maxUnavailable 1 alone", p.Name, p.Spec.MaxUnavailable, p.Spec.MinAvailable)
		}
	}
	var pods []netip.Prefix
	for _, s := range a.Network.PodCIDRs() {
		pods = append(pods, netip.MustParsePrefix(s))
	}
	metadata := []netip.Prefix{netip.MustParsePrefix(spec.MetadataCIDR), netip.MustParsePrefix(spec.MetadataCIDRv6)}
	blockMetadata := a.Network.BlockMetadata == nil || *a.Network.BlockMetadata
	check := func(where string, blk *networkingv1.IPBlock, egress bool) {
		cidr, err := netip.ParsePrefix(blk.CIDR)
		if err != nil {
			t.Errorf("%s: ipBlock %q: %v", where, blk.CIDR, err)
			return
		}
		must := slices.Clone(pods)
		if egress && blockMetadata {
			must = append(must, metadata...)
		}
		for _, m := range must {
			switch {
			case m.Bits() <= cidr.Bits() && m.Contains(cidr.Addr()) && slices.Contains(pods, m):
				t.Errorf("%s: ipBlock %s lies within the pod network %s", where, cidr, m)
			case cidr.Bits() < m.Bits() && cidr.Contains(m.Addr()) && !slices.Contains(blk.Except, m.String()):
				t.Errorf("%s: ipBlock %s does not except %s (except %v)", where, cidr, m, blk.Except)
			}
		}
	}
	for _, p := range b.policies {
		if p.Name == generate.PolicyAllowDNS {
			continue // node-local DNS addresses are the spec's own
		}
		for i, r := range p.Spec.Ingress {
			for j, peer := range r.From {
				if peer.IPBlock != nil {
					check(fmt.Sprintf("NetworkPolicy %s ingress[%d].from[%d]", p.Name, i, j), peer.IPBlock, false)
				}
			}
		}
		for i, r := range p.Spec.Egress {
			for j, peer := range r.To {
				if peer.IPBlock != nil {
					check(fmt.Sprintf("NetworkPolicy %s egress[%d].to[%d]", p.Name, i, j), peer.IPBlock, true)
				}
			}
		}
	}
}

// TestBounds checks the bounds of every golden case.
func TestBounds(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkBounds(t, c.app, decodeBase(t, render(t, c.app)))
		})
	}
}

// TestBoundsCatchDefects breaks each bound in a correct base and wants it
// reported.
func TestBoundsCatchDefects(t *testing.T) {
	cases := map[string]goldenCase{}
	for _, x := range goldenCases(t) {
		cases[x.name] = x
	}
	// ipBlocks returns every ipBlock of the base's policies, egress ones
	// after ingress ones.
	ipBlocks := func(b *base, egress bool) []*networkingv1.IPBlock {
		var out []*networkingv1.IPBlock
		for i := range b.policies {
			p := &b.policies[i].Spec
			if egress {
				for _, r := range p.Egress {
					for _, peer := range r.To {
						if peer.IPBlock != nil {
							out = append(out, peer.IPBlock)
						}
					}
				}
				continue
			}
			for _, r := range p.Ingress {
				for _, peer := range r.From {
					if peer.IPBlock != nil {
						out = append(out, peer.IPBlock)
					}
				}
			}
		}
		return out
	}
	nodePort := func(b *base) *corev1.ServicePort {
		for i := range b.services {
			for j := range b.services[i].Spec.Ports {
				if b.services[i].Spec.Ports[j].NodePort != 0 {
					return &b.services[i].Spec.Ports[j]
				}
			}
		}
		t.Fatal("no fixed nodePort in the case")
		return nil
	}
	defects := []struct {
		name, golden string
		breakIt      func(b *base)
	}{
		{"nodePort one past the range", "nodeport", func(b *base) { nodePort(b).NodePort = 32768 }},
		{"nodePort not the spec's", "nodeport", func(b *base) { nodePort(b).NodePort++ }},
		{"externalTrafficPolicy Cluster", "nodeport", func(b *base) {
			for i := range b.services {
				if b.services[i].Spec.ExternalTrafficPolicy != "" {
					b.services[i].Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyCluster
				}
			}
		}},
		{"pod network not excepted", "nodeport", func(b *base) { ipBlocks(b, false)[0].Except = nil }},
		{"a range equal to the pod network", "nodeport", func(b *base) {
			blk := ipBlocks(b, false)[0]
			blk.CIDR, blk.Except = "10.42.0.0/16", nil
		}},
		{"metadata not excepted", "network-options", func(b *base) {
			for _, blk := range ipBlocks(b, true) {
				blk.Except = slices.DeleteFunc(blk.Except, func(s string) bool { return s == spec.MetadataCIDR })
			}
		}},
		{"PDB blocks every drain", "three-tier-tls", func(b *base) { b.pdbs[0].Spec.MaxUnavailable.IntVal = 0 }},
		{"replicas not the spec's", "three-tier-tls", func(b *base) { *b.deployments[0].Spec.Replicas += 1 }},
	}
	for _, d := range defects {
		c := cases[d.golden]
		b := decodeBase(t, render(t, c.app))
		d.breakIt(b)
		var r recorder
		checkBounds(&r, c.app, b)
		if len(r.errs) == 0 {
			t.Errorf("defect %q was not reported", d.name)
		}
	}
}

// acmeSolverPods are the labels of cert-manager's HTTP-01 solver pods.
var acmeSolverPods = map[string]string{"acme.cert-manager.io/http01-solver": "true"}

// checkSolverInvariants asserts that cert-manager's HTTP-01 solver pods,
// which run in the app's namespace under its default-deny, are admitted
// exactly when the Ingress asks an issuer that solves HTTP-01: from the
// ingress controller (its namespace AND its labels in one peer element),
// on 8089/TCP, from nothing else, and with no egress beyond DNS.
func checkSolverInvariants(t reporter, a *spec.App, b *base) {
	t.Helper()
	in := a.Ingress
	// The challenge comes through the ingress controller, or through the
	// data plane of the app's own Gateway.
	want := a.HTTP01Solver()
	ctl := a.EntryPeer()
	for _, ing := range b.ingresses {
		if got := ing.Annotations["cert-manager.io/cluster-issuer"]; in == nil || got != in.TLSIssuer {
			t.Errorf("Ingress %s asks cert-manager for ClusterIssuer %q, want %q", ing.Name, got, in.TLSIssuer)
		}
	}
	admitted := false
	for _, p := range b.policies {
		if !selects(t, &p.Spec.PodSelector, acmeSolverPods) {
			continue
		}
		for _, r := range p.Spec.Ingress {
			if !want {
				t.Errorf("NetworkPolicy %s admits ingress into the ACME solver pods, but the spec has no HTTP-01 issuer", p.Name)
				continue
			}
			ok := len(r.From) == 1 && r.From[0].NamespaceSelector != nil && r.From[0].PodSelector != nil &&
				selects(t, r.From[0].NamespaceSelector, map[string]string{generate.LabelNamespace: ctl.Namespace}) &&
				selects(t, r.From[0].PodSelector, ctl.PodLabels) &&
				!selects(t, r.From[0].NamespaceSelector, map[string]string{generate.LabelNamespace: a.Namespace + "-other"})
			if !ok {
				t.Errorf("NetworkPolicy %s admits %+v into the ACME solver pods, want the ingress controller only (namespace %s AND labels %v in one element)", p.Name, r.From, ctl.Namespace, ctl.PodLabels)
			}
			if len(r.Ports) != 1 || r.Ports[0].Port == nil || r.Ports[0].Port.IntValue() != 8089 || r.Ports[0].Protocol == nil || *r.Ports[0].Protocol != corev1.ProtocolTCP || r.Ports[0].EndPort != nil {
				t.Errorf("NetworkPolicy %s admits the ACME solver pods on %+v, want 8089/TCP only", p.Name, r.Ports)
			}
			admitted = admitted || ok
		}
		for _, r := range p.Spec.Egress {
			if len(r.Ports) == 0 || slices.ContainsFunc(r.Ports, func(port networkingv1.NetworkPolicyPort) bool {
				return port.Port == nil || port.Port.IntValue() != int(a.Network.DNS.Port)
			}) {
				t.Errorf("NetworkPolicy %s lets the ACME solver pods egress on %+v: they only answer, and need DNS at most", p.Name, r.Ports)
			}
		}
	}
	if want && !admitted {
		t.Errorf("tlsIssuer %s solves HTTP-01, but no NetworkPolicy admits the ingress controller into the solver pods: no certificate would issue", a.TLSIssuer())
	}
}

// TestSolverInvariants checks every golden case against the solver
// invariants.
func TestSolverInvariants(t *testing.T) {
	n := 0
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkSolverInvariants(t, c.app, decodeBase(t, render(t, c.app)))
		})
		if c.app.Ingress != nil && c.app.Ingress.ACMESolver == spec.ACMESolverHTTP01 {
			n++
		}
	}
	if n == 0 {
		t.Error("no golden case has an HTTP-01 issuer: the invariants prove nothing")
	}
}

// TestSolverInvariantsCatchDefects breaks the solver's admission the ways
// it goes wrong, and wants each defect reported.
func TestSolverInvariantsCatchDefects(t *testing.T) {
	solverPolicy := func(b *base) *networkingv1.NetworkPolicy {
		for i := range b.policies {
			if b.policies[i].Name == generate.PolicyACMESolver {
				return &b.policies[i]
			}
		}
		t.Fatal("no solver policy")
		return nil
	}
	defects := []struct {
		name, golden string
		breakIt      func(b *base)
	}{
		{"solver policy dropped", "cert-manager-http01", func(b *base) {
			b.policies = slices.DeleteFunc(b.policies, func(p networkingv1.NetworkPolicy) bool { return p.Name == generate.PolicyACMESolver })
		}},
		{"namespace OR pods", "cert-manager-http01", func(b *base) {
			p := solverPolicy(b)
			peer := p.Spec.Ingress[0].From[0]
			p.Spec.Ingress[0].From = []networkingv1.NetworkPolicyPeer{{NamespaceSelector: peer.NamespaceSelector}, {PodSelector: peer.PodSelector}}
		}},
		{"any namespace", "cert-manager-http01", func(b *base) {
			solverPolicy(b).Spec.Ingress[0].From[0].NamespaceSelector = &metav1.LabelSelector{}
		}},
		{"wrong port", "cert-manager-http01", func(b *base) {
			p := solverPolicy(b)
			p.Spec.Ingress[0].Ports[0].Port.IntVal = 8080
		}},
		{"solver egress", "cert-manager-http01", func(b *base) {
			p := solverPolicy(b)
			p.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{}}
		}},
		{"admitted under DNS-01", "cert-manager-dns01", func(b *base) {
			c := goldenApp(t, "cert-manager-http01")
			b.policies = append(b.policies, *solverPolicy(decodeBase(t, render(t, c.app))))
		}},
	}
	for _, d := range defects {
		c := goldenApp(t, d.golden)
		b := decodeBase(t, render(t, c.app))
		d.breakIt(b)
		var r recorder
		checkSolverInvariants(&r, c.app, b)
		if len(r.errs) == 0 {
			t.Errorf("defect %q was not reported", d.name)
		}
	}
}
