package verify

import (
	"maps"
	"slices"
	"strings"

	"github.com/kubenetgen/kubenetgen/spec"
)

// PeerOutsideApp stands for pods of another namespace that a spec names
// as callers (allowFromNamespaces) or callees (egress.namespaces) of its
// tiers: a monitoring stack, another team's app, a shared database.
const PeerOutsideApp = "outside-app"

// PodSet locates pods of another namespace by name: their namespace and
// labels, and the ports they listen on.
type PodSet struct {
	// Name says who the pods are: the peer is "[NAMESPACE/NAME]".
	Name      string
	Namespace string
	Labels    map[string]string
	Ports     []ContainerPort
}

// ID is the peer's name in flows.
func (s PodSet) ID() string { return "[" + spec.PeerID(s.Namespace, s.Name) + "]" }

// podSetsFromSpec lists the pods of other namespaces that a's tiers name,
// one per NAMESPACE/NAME (the spec keeps a name to one set of labels),
// with the ports its tiers call on them, sorted by ID.
func podSetsFromSpec(a *spec.App) []PodSet {
	byID := map[string]*PodSet{}
	get := func(name, ns string, labels map[string]string) *PodSet {
		s := PodSet{Name: name, Namespace: ns, Labels: maps.Clone(labels)}
		if p, ok := byID[s.ID()]; ok {
			return p
		}
		byID[s.ID()] = &s
		return &s
	}
	for _, t := range a.Tiers {
		for _, c := range t.AllowFromNamespaces {
			get(c.Name, c.Namespace, c.PodLabels)
		}
		for _, c := range t.Egress.Namespaces {
			s := get(c.Name, c.Namespace, c.PodLabels)
			for _, p := range c.Ports {
				cp := ContainerPort{Port: p.Port, Protocol: p.Protocol}
				if !slices.Contains(s.Ports, cp) {
					s.Ports = append(s.Ports, cp)
				}
			}
		}
	}
	var out []PodSet
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		out = append(out, *byID[id])
	}
	return out
}

// mergePodSets adds the spec's pod sets to those given, by ID.
func mergePodSets(given, fromSpec []PodSet) []PodSet {
	out := slices.Clone(given)
	for _, s := range fromSpec {
		if !slices.ContainsFunc(out, func(g PodSet) bool { return g.ID() == s.ID() }) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b PodSet) int { return strings.Compare(a.ID(), b.ID()) })
	return out
}

// podSetPeers makes the "[NAMESPACE/NAME]" peers.
func podSetPeers(sets []PodSet) []*Peer {
	var out []*Peer
	for _, s := range sets {
		out = append(out, &Peer{ID: s.ID(), Kind: PeerOutsideApp, Namespace: s.Namespace, Labels: s.Labels, Ports: slices.Clone(s.Ports), pod: true})
	}
	return out
}

// outsideEgress is what the spec lets tier t open to dst: the ports of
// its egress.namespaces entries whose namespace and labels select dst's
// pods (the pods named there, and any other peer they select: a callee
// named by cluster DNS's labels is DNS too).
func outsideEgress(t *spec.Tier, dst *Peer) PortSet {
	var s PortSet
	for _, c := range t.Egress.Namespaces {
		if selectsPeer(c.Namespace, c.PodLabels, dst) {
			for _, p := range c.Ports {
				s.Add(p.Protocol, p.Port, p.Port)
			}
		}
	}
	return s
}

// outsideIngress is what the spec lets src open to tier t: the ports its
// allowFromNamespaces entries name, when their namespace and labels
// select src's pods.
func outsideIngress(t *spec.Tier, src *Peer) PortSet {
	var s PortSet
	for _, c := range t.AllowFromNamespaces {
		if !selectsPeer(c.Namespace, c.PodLabels, src) {
			continue
		}
		for _, name := range c.Ports {
			if p := t.Port(name); p != nil {
				s.Add(p.Protocol, p.Port, p.Port)
			}
		}
	}
	return s
}

// selectsPeer reports whether the pods labelled labels in namespace ns
// include p's: p is a pod there that carries every one of the labels.
func selectsPeer(ns string, labels map[string]string, p *Peer) bool {
	if !p.IsPod() || p.Namespace != ns || len(labels) == 0 {
		return false
	}
	for k, v := range labels {
		if got, ok := p.Labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// isDNS reports whether p is cluster DNS: the [dns] peer, or pods the
// spec names otherwise (a callee of a tier) that DNS's namespace and
// labels select.
func (in *intent) isDNS(p *Peer) bool {
	return p.Kind == PeerDNS || len(in.o.DNS.CIDRs) == 0 && selectsPeer(in.o.DNS.Namespace, in.o.DNS.Labels, p)
}

// isController reports whether p is the ingress controller: the
// [ingress-controller] peer, or pods that its namespace and labels select.
func (in *intent) isController(p *Peer) bool {
	c := in.o.IngressController
	return p.Kind == PeerIngressController || c != nil && selectsPeer(c.Namespace, c.Labels, p)
}
