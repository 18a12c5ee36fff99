package generate

import (
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubenetgen/kubenetgen/spec"
)

// PeerOutsideApp is the Peer kind of pods of another namespace that the
// spec names as a tier's caller (allowFromNamespaces) or callee
// (egress.namespaces).
const PeerOutsideApp = "outside the app"

// namespacePeer selects the pods labelled so in one namespace: one peer
// element, its namespace AND its pod labels (in two elements they would
// mean OR, admitting every pod of the namespace).
func namespacePeer(namespace string, labels map[string]string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{LabelNamespace: namespace}},
		PodSelector:       &metav1.LabelSelector{MatchLabels: maps.Clone(labels)},
	}
}

// outsideCallers admits t's callers from other namespaces, each on the
// ports of t it names (pod ports, by name).
func outsideCallers(t *spec.Tier) []networkingv1.NetworkPolicyIngressRule {
	var out []networkingv1.NetworkPolicyIngressRule
	for _, c := range t.AllowFromNamespaces {
		var ports []spec.Port
		for _, name := range c.Ports {
			if p := t.Port(name); p != nil {
				ports = append(ports, *p)
			}
		}
		out = append(out, networkingv1.NetworkPolicyIngressRule{
			From:  []networkingv1.NetworkPolicyPeer{namespacePeer(c.Namespace, c.PodLabels)},
			Ports: policyPorts(ports),
		})
	}
	return out
}

// outsideCallees lets t reach its callees in other namespaces, on their
// pod ports by number (the pods are not the app's: their port names are
// unknown here).
func outsideCallees(t *spec.Tier) []networkingv1.NetworkPolicyEgressRule {
	var out []networkingv1.NetworkPolicyEgressRule
	for _, c := range t.Egress.Namespaces {
		r := networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{namespacePeer(c.Namespace, c.PodLabels)}}
		for _, p := range c.Ports {
			n := intstr.FromInt32(p.Port)
			r.Ports = append(r.Ports, networkingv1.NetworkPolicyPort{Protocol: ptr(corev1.Protocol(p.Protocol)), Port: &n})
		}
		out = append(out, r)
	}
	return out
}

// outsideName names pods of another namespace that the spec names as a
// caller or callee of a tier, by their namespace and labels; "" when none.
func outsideName(a *spec.App, namespace, labels string) string {
	for _, t := range a.Tiers {
		for _, c := range t.AllowFromNamespaces {
			if c.Namespace == namespace && labelString(c.PodLabels) == labels {
				return c.Name
			}
		}
		for _, c := range t.Egress.Namespaces {
			if c.Namespace == namespace && labelString(c.PodLabels) == labels {
				return c.Name
			}
		}
	}
	return ""
}

// OutsidePeers lists the pods of other namespaces among flows (Flows of
// the built objects), each once, in the order of the flows.
func OutsidePeers(flows []Flow) []Peer {
	var out []Peer
	for _, f := range flows {
		for _, p := range []Peer{f.From, f.To} {
			if p.Kind == PeerOutsideApp && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}
