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

// outsideEgress is what the spec lets tier t open to pods of another
// namespace: the ports of its egress.namespaces entries that name them.
func outsideEgress(t *spec.Tier, dst *Peer) PortSet {
	var s PortSet
	if dst.Kind != PeerOutsideApp {
		return s
	}
	for _, c := range t.Egress.Namespaces {
		if "["+spec.PeerID(c.Namespace, c.Name)+"]" == dst.ID {
			for _, p := range c.Ports {
				s.Add(p.Protocol, p.Port, p.Port)
			}
		}
	}
	return s
}

// outsideIngress is what the spec lets pods of another namespace open to
// tier t: the ports its allowFromNamespaces entries name.
func outsideIngress(t *spec.Tier, src *Peer) PortSet {
	var s PortSet
	if src.Kind != PeerOutsideApp {
		return s
	}
	for _, c := range t.AllowFromNamespaces {
		if "["+spec.PeerID(c.Namespace, c.Name)+"]" != src.ID {
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
