//go:build e2e

package packets

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
	"github.com/kubenetgen/kubenetgen/verify"
)

// mutation seeds one defect into a copy of one of the base's policies; it
// reports false when the base has nothing to seed it into.
type mutation struct {
	name   string
	mutate func(s *subject, np *networkingv1.NetworkPolicy) bool
	// neutral says why the defect cannot change a flow in kubenetgen's
	// bases, so that the packets are right not to differ from the
	// declared flows; empty for a defect they must catch.
	neutral string
	// unresolved: the pods must then fail to resolve names, when a real
	// DNS runs.
	unresolved bool
}

// splitPeer turns the first peer that selects a namespace AND pods into two
// elements, one per selector (OR).
func splitPeer(peers []networkingv1.NetworkPolicyPeer) ([]networkingv1.NetworkPolicyPeer, bool) {
	for i, p := range peers {
		if p.NamespaceSelector != nil && p.PodSelector != nil {
			out := append([]networkingv1.NetworkPolicyPeer{}, peers[:i]...)
			out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: p.NamespaceSelector}, networkingv1.NetworkPolicyPeer{PodSelector: p.PodSelector})
			return append(out, peers[i+1:]...), true
		}
	}
	return peers, false
}

// The defects the packets must catch, the same kinds verify's own mutation
// test seeds on paper.
var mutations = []mutation{
	{"drop the DNS UDP port", func(_ *subject, np *networkingv1.NetworkPolicy) bool {
		changed := false
		for i, r := range np.Spec.Egress {
			var kept []networkingv1.NetworkPolicyPort
			for _, p := range r.Ports {
				if p.Protocol != nil && *p.Protocol == corev1.ProtocolUDP && p.Port != nil && p.Port.IntValue() == 53 {
					changed = true
					continue
				}
				kept = append(kept, p)
			}
			np.Spec.Egress[i].Ports = kept
		}
		return changed
	}, "", false},
	{name: "drop the DNS egress", mutate: func(_ *subject, np *networkingv1.NetworkPolicy) bool {
		var kept []networkingv1.NetworkPolicyEgressRule
		for _, r := range np.Spec.Egress {
			dns := false
			for _, p := range r.Ports {
				dns = dns || (p.Port != nil && p.Port.IntValue() == 53)
			}
			if !dns {
				kept = append(kept, r)
			}
		}
		changed := len(kept) < len(np.Spec.Egress)
		np.Spec.Egress = kept
		return changed
	}, unresolved: true},
	{"drop policyTypes of the default-deny", func(_ *subject, np *networkingv1.NetworkPolicy) bool {
		if np.Name != "default-deny" {
			return false
		}
		np.Spec.PolicyTypes = nil
		return true
	}, "the API server then gives the default-deny [Ingress] only, but allow-dns (podSelector: {}, policyTypes: [Egress]) still isolates every pod's egress, so no flow changes; verify reports the missing policyTypes as an error on paper", false},
	{"split an ingress rule's namespace+pod peer (the ingress controller's, a scraper's) into two elements", func(_ *subject, np *networkingv1.NetworkPolicy) bool {
		for i := range np.Spec.Ingress {
			if out, ok := splitPeer(np.Spec.Ingress[i].From); ok {
				np.Spec.Ingress[i].From = out
				return true
			}
		}
		return false
	}, "", false},
	{"split the DNS namespace+pod peer into two elements", func(_ *subject, np *networkingv1.NetworkPolicy) bool {
		for i := range np.Spec.Egress {
			if out, ok := splitPeer(np.Spec.Egress[i].To); ok {
				np.Spec.Egress[i].To = out
				return true
			}
		}
		return false
	}, "", false},
	{"split a caller's namespace+pod peer (another namespace) into two elements", func(s *subject, np *networkingv1.NetworkPolicy) bool {
		t := s.app.Tier(np.Name)
		if t == nil {
			return false
		}
		for i, r := range np.Spec.Ingress {
			for _, c := range t.AllowFromNamespaces {
				if len(r.From) == 1 && r.From[0].NamespaceSelector != nil && r.From[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == c.Namespace && c.Preset == "" {
					np.Spec.Ingress[i].From, _ = splitPeer(r.From)
					return true
				}
			}
		}
		return false
	}, "", false},
	{"a callee in another namespace called on a port its pods do not listen on", func(s *subject, np *networkingv1.NetworkPolicy) bool {
		t := s.app.Tier(np.Name)
		if t == nil || len(t.Egress.Namespaces) == 0 {
			return false
		}
		for i, r := range np.Spec.Egress {
			if len(r.To) == 1 && r.To[0].NamespaceSelector != nil && r.To[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == t.Egress.Namespaces[0].Namespace {
				port := intstr.FromInt32(r.Ports[0].Port.IntVal + 10000)
				np.Spec.Egress[i].Ports[0].Port = &port
				return true
			}
		}
		return false
	}, "", false},
	{"the Service port instead of the pod port", func(s *subject, np *networkingv1.NetworkPolicy) bool {
		// The Service of the tier the policy guards, where one of its
		// ports differs from the pod port it targets.
		for _, o := range s.bundle.Objects {
			svc, ok := o.Obj.(*corev1.Service)
			if !ok || svc.Namespace != np.Namespace || svc.Name != np.Name {
				continue
			}
			for i, r := range np.Spec.Ingress {
				for j, p := range r.Ports {
					for _, sp := range svc.Spec.Ports {
						if p.Port != nil && sp.TargetPort == *p.Port && sp.Port != s.podPort(svc, sp) {
							port := intstr.FromInt32(sp.Port)
							np.Spec.Ingress[i].Ports[j].Port = &port
							return true
						}
					}
				}
			}
		}
		return false
	}, "", false},
}

// podPort resolves a Service port's targetPort on the pods of the tier the
// Service selects.
func (s *subject) podPort(svc *corev1.Service, sp corev1.ServicePort) int32 {
	if sp.TargetPort.StrVal == "" {
		return sp.TargetPort.IntVal
	}
	for _, p := range s.e.Peers {
		if p.Kind != verify.PeerWorkload || p.Namespace != svc.Namespace || p.Template == nil || !subset(svc.Spec.Selector, p.Template.Labels) {
			continue
		}
		for _, cp := range p.Ports {
			if cp.Name == sp.TargetPort.StrVal {
				return cp.Port
			}
		}
	}
	return 0
}

// policyJSON encodes a policy for kubectl.
func policyJSON(t *testing.T, np *networkingv1.NetworkPolicy) string {
	t.Helper()
	c := np.DeepCopy()
	c.APIVersion, c.Kind = "networking.k8s.io/v1", "NetworkPolicy"
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestMutationsCaught seeds each defect into the live policies of the cases
// below, one at a time, and wants the packets to differ from the declared
// flows, and to agree with verify's evaluator over the mutated policies;
// after each the policy is restored, and at the end the matrix must be exact
// again. Every kind of defect must be seeded somewhere and caught somewhere,
// except one that cannot change a flow (neutral), for which the packets must
// show no change.
func TestMutationsCaught(t *testing.T) {
	needWorld(t)
	seeded, caught := map[string]bool{}, map[string]bool{}
	// three-tier-tls has an ingress controller peer (namespace AND pod) to
	// split; multi-port has a Service port (80) unlike its pod port (8080);
	// outside-peers has a caller and a callee in other namespaces.
	for _, name := range []string{"three-tier-tls", "multi-port", "outside-peers"} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
			defer cancel()
			dir := filepath.Join(repoRoot, "golden", name)
			s := loadSubject(t, "golden/"+name, filepath.Join(dir, "base"), filepath.Join(dir, "kubenetgen.yaml"))
			l := bringUp(ctx, t, s)
			_, policies, err := l.w.splitBase(ctx, s.dir)
			if err != nil {
				t.Fatal(err)
			}
			l.applyPolicies(ctx, t, "apply", policies)
			if _, v := l.check(); v.wrong > 0 {
				t.Fatalf("before any mutation, %d flows differ:\n%s", v.wrong, v.table())
			}
			for _, mu := range mutations {
				for _, o := range s.bundle.Objects {
					orig, ok := o.Obj.(*networkingv1.NetworkPolicy)
					if !ok {
						continue
					}
					np := orig.DeepCopy()
					if !mu.mutate(s, np) {
						continue
					}
					seeded[mu.name] = true
					l.applyPolicies(ctx, t, "replace", policyJSON(t, np))
					m, v := l.check()
					// The same defect on paper: verify's evaluator over
					// the mutated objects. The engine must read the
					// mutated policies as the evaluator does.
					o := verify.OptionsFromSpec(s.app)
					o.Outside = append(o.Outside, strangerRange)
					paper := verify.NewEvaluator(withPolicy(s.bundle.Objects, np), o).Matrix()
					if vp := compare(m, s.e.Peers, paper); vp.wrong > 0 {
						t.Errorf("%s in %s/%s: the packets and verify's evaluator disagree on the mutated policies, %d flows:\n%s", mu.name, np.Namespace, np.Name, vp.wrong, strings.Join(diffLines(vp), "\n"))
					}
					if mu.unresolved {
						checkUnresolved(t, l, np, m)
					}
					switch {
					case v.wrong > 0 && mu.neutral == "":
						caught[mu.name] = true
						t.Logf("%s in %s/%s: caught, %d flows differ from the declared ones:\n%s", mu.name, np.Namespace, np.Name, v.wrong, strings.Join(diffLines(v), "\n"))
					case v.wrong > 0:
						t.Errorf("%s in %s/%s: %d flows differ, but this defect was expected to change none (%s):\n%s", mu.name, np.Namespace, np.Name, v.wrong, mu.neutral, strings.Join(diffLines(v), "\n"))
					case mu.neutral != "":
						t.Logf("%s in %s/%s: no flow changes, as expected: %s (%s)", mu.name, np.Namespace, np.Name, mu.neutral, m.counts())
					default:
						t.Errorf("%s in %s/%s: not caught, the packets still match the declared flows (%s)", mu.name, np.Namespace, np.Name, m.counts())
					}
					l.applyPolicies(ctx, t, "replace", policyJSON(t, orig))
					break // one policy per mutation and case
				}
			}
			if m, v := l.check(); v.wrong > 0 {
				t.Errorf("after restoring every policy, %d flows differ (%s):\n%s", v.wrong, m.counts(), v.table())
			}
		})
	}
	for _, mu := range mutations {
		if !seeded[mu.name] {
			t.Errorf("%q was never seeded: no case has a policy it applies to", mu.name)
		} else if mu.neutral == "" && !caught[mu.name] {
			t.Errorf("%q was never caught", mu.name)
		}
	}
}

// checkUnresolved wants every lookup of a Service name by a pod the
// mutated policy selects to have failed, when a real DNS runs.
func checkUnresolved(t *testing.T, l *live, np *networkingv1.NetworkPolicy, m *measurement) {
	t.Helper()
	if l.dns == nil {
		t.Logf("no real DNS here: resolution not checked")
		return
	}
	sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range m.attempts {
		if a.lookup == "" || a.from.namespace != np.Namespace || !sel.Matches(labels.Set(a.from.peer.Labels)) {
			continue
		}
		n++
		if a.outcome == connected {
			t.Errorf("%s in %s/%s: %s still resolved", "drop the DNS egress", np.Namespace, np.Name, a)
		}
	}
	if n == 0 {
		t.Errorf("%s/%s: no pod it selects looked a name up; the check proves nothing", np.Namespace, np.Name)
	}
	t.Logf("%s/%s without DNS egress: %d lookups by the pods it selects, none resolved", np.Namespace, np.Name, n)
}

// withPolicy returns objs with the NetworkPolicy of np's name replaced by
// np.
func withPolicy(objs []*verify.Object, np *networkingv1.NetworkPolicy) []*verify.Object {
	out := make([]*verify.Object, len(objs))
	for i, o := range objs {
		out[i] = o
		if old, ok := o.Obj.(*networkingv1.NetworkPolicy); ok && old.Namespace == np.Namespace && old.Name == np.Name {
			c := *o
			c.Obj = np
			out[i] = &c
		}
	}
	return out
}

// diffLines lists a verdict's missing and extra flows.
func diffLines(v *verdict) []string {
	var out []string
	for _, f := range v.report.Expect.Missing {
		out = append(out, "  missing: "+verify.FormatFlow(f))
	}
	for _, f := range v.report.Expect.Extra {
		out = append(out, "  extra:   "+verify.FormatFlow(f))
	}
	for _, m := range v.mixed {
		out = append(out, "  inconsistent: "+m)
	}
	return out
}

// TestFailedRunLeavesNothing makes the world fail on purpose at each stage
// of its setup and checks that nothing is left behind: no network
// namespace, no process of the cluster or of kube-router.
func TestFailedRunLeavesNothing(t *testing.T) {
	needWorld(t)
	before := netnsList(t)
	for _, stage := range []string{"node", "engine"} {
		t.Run(stage, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
			defer cancel()
			spy := &recorder{TB: t}
			w := &world{t: spy, podCIDRs: []string{"10.244.0.0/24", "10.244.1.0/24"}, podNet: "10.244.0.0/16", failAt: stage}
			err := w.start(ctx)
			if err == nil {
				w.close()
				t.Fatalf("start with failAt=%s succeeded, want the injected failure", stage)
			}
			t.Logf("start failed as injected: %v", err)
			if after := netnsList(t); after != before {
				t.Errorf("after a failed start the network namespaces are\n%s\nwant as before:\n%s", after, before)
			}
			for _, node := range w.nodes {
				if exists(cluster.NetnsPath(node)) {
					t.Errorf("the node namespace %s is still there", node)
				}
			}
			if w.c != nil {
				for name, pid := range w.c.PIDs() {
					if live, _ := cluster.GroupMembers(pid); len(live) > 0 {
						t.Errorf("%s (process group %d) still has live processes %v", name, pid, live)
					}
				}
				if stage == "engine" && w.c.PIDs()["kube-router"] == 0 {
					t.Errorf("kube-router was not started before the injected failure; the test proves less than it says")
				}
				if _, err := os.Stat(w.c.Dir); !os.IsNotExist(err) {
					t.Errorf("the cluster directory %s is still there", w.c.Dir)
				}
			}
		})
	}
}

// recorder is a testing.TB whose Failed reports only what the world itself
// reported, so that close removes the cluster directory as on success.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(format string, args ...any) { r.failed = true; r.TB.Errorf(format, args...) }
func (r *recorder) Failed() bool                      { return r.failed }

func netnsList(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").CombinedOutput()
	if err != nil {
		t.Fatalf("ip netns list: %v: %s", err, out)
	}
	return strings.TrimSpace(string(out))
}
