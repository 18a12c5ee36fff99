package generate_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

// exactPeer reports whether a rule's peers are exactly one element that
// selects the pods labelled labels in namespace ns, and no other
// namespace: its namespace AND its labels, never either alone.
func exactPeer(t reporter, peers []networkingv1.NetworkPolicyPeer, ns string, labels map[string]string) bool {
	if len(peers) != 1 || peers[0].NamespaceSelector == nil || peers[0].PodSelector == nil || peers[0].IPBlock != nil {
		return false
	}
	p := peers[0]
	return selects(t, p.NamespaceSelector, map[string]string{generate.LabelNamespace: ns}) &&
		!selects(t, p.NamespaceSelector, map[string]string{generate.LabelNamespace: ns + "-other"}) &&
		len(p.PodSelector.MatchExpressions) == 0 && maps.Equal(p.PodSelector.MatchLabels, labels)
}

// portWords writes a rule's ports as "NAME|NUMBER/PROTO" in order.
func portWords(ps []networkingv1.NetworkPolicyPort) []string {
	var out []string
	for _, p := range ps {
		proto := "TCP"
		if p.Protocol != nil {
			proto = string(*p.Protocol)
		}
		port := "all"
		if p.Port != nil {
			port = p.Port.String()
		}
		if p.EndPort != nil {
			port += fmt.Sprintf("-%d", *p.EndPort)
		}
		out = append(out, port+"/"+proto)
	}
	return out
}

// checkOutsideInvariants asserts that each caller from another namespace
// is admitted into its tier, and each callee reached from it, by one rule
// whose one peer element is the pods' namespace AND labels, on exactly
// the declared pod ports (the tier's, by name; the callee's, by number);
// and that no rule of the base names a namespace without pod labels.
func checkOutsideInvariants(t reporter, a *spec.App, b *base) {
	t.Helper()
	policyOf := func(tier string) *networkingv1.NetworkPolicy {
		for i := range b.policies {
			if b.policies[i].Name == tier {
				return &b.policies[i]
			}
		}
		return nil
	}
	for _, tier := range a.Tiers {
		p := policyOf(tier.Name)
		for _, c := range tier.AllowFromNamespaces {
			var want []string
			for _, name := range c.Ports {
				want = append(want, name+"/"+tier.Port(name).Protocol)
			}
			found := p != nil && slices.ContainsFunc(p.Spec.Ingress, func(r networkingv1.NetworkPolicyIngressRule) bool {
				return exactPeer(t, r.From, c.Namespace, c.PodLabels) && slices.Equal(portWords(r.Ports), want)
			})
			if !found {
				t.Errorf("tier %s: no ingress rule admits %s (namespace %s AND labels %v in one element) on exactly %v", tier.Name, c.ID(), c.Namespace, c.PodLabels, want)
			}
		}
		for _, c := range tier.Egress.Namespaces {
			var want []string
			for _, port := range c.Ports {
				want = append(want, fmt.Sprintf("%d/%s", port.Port, port.Protocol))
			}
			found := p != nil && slices.ContainsFunc(p.Spec.Egress, func(r networkingv1.NetworkPolicyEgressRule) bool {
				return exactPeer(t, r.To, c.Namespace, c.PodLabels) && slices.Equal(portWords(r.Ports), want)
			})
			if !found {
				t.Errorf("tier %s: no egress rule lets it reach %s (namespace %s AND labels %v in one element) on exactly %v", tier.Name, c.ID(), c.Namespace, c.PodLabels, want)
			}
		}
	}
	for _, p := range b.policies {
		var peers []networkingv1.NetworkPolicyPeer
		for _, r := range p.Spec.Ingress {
			peers = append(peers, r.From...)
		}
		for _, r := range p.Spec.Egress {
			peers = append(peers, r.To...)
		}
		for _, pe := range peers {
			if pe.NamespaceSelector != nil && (pe.PodSelector == nil || len(pe.PodSelector.MatchLabels)+len(pe.PodSelector.MatchExpressions) == 0) {
				t.Errorf("NetworkPolicy %s names namespaces %v without pod labels: every pod there is admitted", p.Name, pe.NamespaceSelector)
			}
		}
	}
}

// TestOutsideInvariants checks every golden case against the invariants
// of callers and callees outside the app.
func TestOutsideInvariants(t *testing.T) {
	callers, callees := 0, 0
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			checkOutsideInvariants(t, c.app, decodeBase(t, render(t, c.app)))
		})
		for _, tier := range c.app.Tiers {
			callers += len(tier.AllowFromNamespaces)
			callees += len(tier.Egress.Namespaces)
		}
	}
	if callers == 0 || callees == 0 {
		t.Errorf("golden cases have %d callers and %d callees outside the app: the invariants prove nothing", callers, callees)
	}
}

// TestOutsideInvariantsCatchDefects breaks the rules of callers and
// callees outside the app the ways they go wrong, and wants each defect
// reported.
func TestOutsideInvariantsCatchDefects(t *testing.T) {
	rule := func(b *base, tier, ns string, ingress bool) *[]networkingv1.NetworkPolicyPeer {
		for i := range b.policies {
			p := &b.policies[i]
			if p.Name != tier {
				continue
			}
			if ingress {
				for j := range p.Spec.Ingress {
					if pe := p.Spec.Ingress[j].From; len(pe) == 1 && pe[0].NamespaceSelector != nil && pe[0].NamespaceSelector.MatchLabels[generate.LabelNamespace] == ns {
						return &p.Spec.Ingress[j].From
					}
				}
			}
			for j := range p.Spec.Egress {
				if pe := p.Spec.Egress[j].To; len(pe) == 1 && pe[0].NamespaceSelector != nil && pe[0].NamespaceSelector.MatchLabels[generate.LabelNamespace] == ns {
					return &p.Spec.Egress[j].To
				}
			}
		}
		t.Fatalf("no rule of %s names namespace %s", tier, ns)
		return nil
	}
	defects := []struct {
		name    string
		breakIt func(b *base)
	}{
		{"caller namespace OR pods", func(b *base) {
			from := rule(b, "api", "billing", true)
			pe := (*from)[0]
			*from = []networkingv1.NetworkPolicyPeer{{NamespaceSelector: pe.NamespaceSelector}, {PodSelector: pe.PodSelector}}
		}},
		{"caller from any namespace", func(b *base) {
			(*rule(b, "api", "monitoring", true))[0].NamespaceSelector = &metav1.LabelSelector{}
		}},
		{"caller label dropped", func(b *base) {
			delete((*rule(b, "api", "billing", true))[0].PodSelector.MatchLabels, "app.kubernetes.io/component")
		}},
		{"callee namespace alone", func(b *base) {
			(*rule(b, "api", "shared-db", false))[0].PodSelector = nil
		}},
		{"callee on the Service port", func(b *base) {
			for i := range b.policies {
				for j := range b.policies[i].Spec.Egress {
					for k := range b.policies[i].Spec.Egress[j].Ports {
						if p := b.policies[i].Spec.Egress[j].Ports[k].Port; p != nil && p.IntVal == 5432 {
							p.IntVal = 15432
						}
					}
				}
			}
		}},
		{"scrape port widened", func(b *base) {
			for i := range b.policies {
				for j := range b.policies[i].Spec.Ingress {
					if pe := b.policies[i].Spec.Ingress[j].From; len(pe) == 1 && pe[0].NamespaceSelector != nil && strings.Contains(pe[0].NamespaceSelector.String(), "monitoring") {
						b.policies[i].Spec.Ingress[j].Ports = nil
					}
				}
			}
		}},
	}
	for _, d := range defects {
		c := goldenApp(t, "outside-peers")
		b := decodeBase(t, render(t, c.app))
		d.breakIt(b)
		var r recorder
		checkOutsideInvariants(&r, c.app, b)
		if len(r.errs) == 0 {
			t.Errorf("defect %q was not reported", d.name)
		}
	}
}
