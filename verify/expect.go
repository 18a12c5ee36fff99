package verify

import (
	"fmt"
	"net/netip"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Labels kubenetgen puts on a tier's pods, by which a tier is found when
// its workload is not named after it.
const (
	labelComponent = "app.kubernetes.io/component"
	labelPartOf    = "app.kubernetes.io/part-of"
)

// TierPeers maps each tier of a to the workload peer running it: the
// workload named after the tier in the app's namespace, else the one whose
// pods carry app.kubernetes.io/component=<tier> (and part-of=<app> when
// set). Tiers with no workload are missing from the map.
func TierPeers(a *spec.App, e *Evaluator) map[string]*Peer {
	out := map[string]*Peer{}
	for _, t := range a.Tiers {
		var byLabel *Peer
		for _, p := range e.Peers {
			if p.Kind != PeerWorkload || p.Namespace != a.Namespace {
				continue
			}
			if p.Object.Meta().GetName() == t.Name {
				out[t.Name] = p
				break
			}
			if byLabel == nil && p.Labels[labelComponent] == t.Name && (p.Labels[labelPartOf] == "" || p.Labels[labelPartOf] == a.Name) {
				byLabel = p
			}
		}
		if out[t.Name] == nil && byLabel != nil {
			out[t.Name] = byLabel
		}
	}
	return out
}

// intent is what a spec says one end allows: egress from a tier, ingress
// to a tier.
type intent struct {
	a       *spec.App
	tierOf  map[*Peer]*spec.Tier
	peerOf  map[string]*Peer
	podCIDR netip.Prefix
	o       Options
}

func portSetOf(ps []spec.Port) PortSet {
	var s PortSet
	for _, p := range ps {
		s.Add(p.Protocol, p.Port, p.Port)
	}
	return s
}

// egress is what the spec lets src open to dst: its callees on their
// declared ports, DNS, the API server if asked, and its egress CIDRs
// (metadata address excepted when blocked). Peers that are not tiers are
// not constrained by the spec.
func (in *intent) egress(src, dst *Peer) PortSet {
	t := in.tierOf[src]
	if t == nil {
		return AllPorts()
	}
	var s PortSet
	if dt := in.tierOf[dst]; dt != nil {
		for _, e := range in.a.Edges() {
			if e.From == t.Name && e.To == dt.Name {
				s.Union(portSetOf(e.Ports))
			}
		}
	}
	if dst.Kind == PeerDNS {
		s.Add("UDP", in.o.DNS.Port, in.o.DNS.Port)
		s.Add("TCP", in.o.DNS.Port, in.o.DNS.Port)
	}
	if dst.Kind == PeerAPIServer && t.Egress.APIServer && in.o.APIServer != nil {
		s.Add("TCP", in.o.APIServer.Port, in.o.APIServer.Port)
	}
	if dst.Address.IsValid() {
		blocked := *in.a.Network.BlockMetadata && netip.MustParsePrefix(spec.MetadataCIDR).Contains(dst.Address)
		for _, c := range parsePrefixes(t.Egress.CIDRs) {
			if !c.Contains(dst.Address) || blocked {
				continue
			}
			if len(t.Egress.Ports) == 0 {
				s.Union(AllPorts())
			}
			for _, p := range t.Egress.Ports {
				s.Add("TCP", p, p)
			}
		}
	}
	return s
}

// ingress is what the spec lets src open to dst: the declared callers on
// their ports, the ingress controller on the routed ports, and sources in
// an exposed tier's source ranges (any address but pods' when empty) on
// all its ports.
func (in *intent) ingress(src, dst *Peer) PortSet {
	t := in.tierOf[dst]
	if t == nil {
		return AllPorts()
	}
	var s PortSet
	if st := in.tierOf[src]; st != nil {
		for _, e := range in.a.Edges() {
			if e.From == st.Name && e.To == t.Name {
				s.Union(portSetOf(e.Ports))
			}
		}
	}
	if src.Kind == PeerIngressController && in.a.Ingress != nil {
		for _, r := range in.a.Ingress.Rules {
			if r.Tier != t.Name {
				continue
			}
			if p := t.Port(r.Port); p != nil {
				s.Add(p.Protocol, p.Port, p.Port)
			}
		}
	}
	if t.Expose.External() && src.Address.IsValid() {
		ranges := parsePrefixes(t.Expose.SourceRanges)
		anySource := len(ranges) == 0
		if anySource {
			ranges = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}
		}
		for _, r := range ranges {
			if r.Contains(src.Address) && !(anySource && in.podCIDR.Contains(src.Address)) {
				s.Union(portSetOf(t.Ports))
			}
		}
	}
	return s
}

// Expected returns the flows the spec a declares, among the peers of e,
// for the same pairs Matrix reports: each tier's declared callers on its
// declared ports, DNS for every tier, the ingress controller into each
// routed tier on the routed port, the outside into NodePort and
// LoadBalancer tiers from their source ranges, the API server for tiers
// that ask, and the egress CIDRs. Workloads that are no tier are left out
// (and reported as findings), as are tiers with no workload.
func Expected(a *spec.App, e *Evaluator) ([]Flow, []Finding) {
	o := OptionsFromSpec(a)
	in := &intent{a: a, tierOf: map[*Peer]*spec.Tier{}, o: o, podCIDR: o.PodCIDR}
	in.peerOf = TierPeers(a, e)
	var findings []Finding
	for i := range a.Tiers {
		t := &a.Tiers[i]
		if p := in.peerOf[t.Name]; p != nil {
			in.tierOf[p] = t
		} else {
			findings = append(findings, Finding{Severity: Error, Object: "tier " + t.Name, Field: fmt.Sprintf("tiers[%d]", i), Problem: fmt.Sprintf("has no workload in namespace %s (no Deployment %s, no pods labelled %s=%s)", a.Namespace, t.Name, labelComponent, t.Name), Fix: "generate the base again from this spec"})
		}
	}
	for _, p := range e.Peers {
		if p.Kind == PeerWorkload && in.tierOf[p] == nil {
			findings = append(findings, Finding{Severity: Warning, Object: p.Object.Ref(), Source: p.Object.Source.String(), Problem: "is no tier of the spec; its flows were not compared", Fix: "add it to the spec as a tier, or verify it without --expect"})
		}
	}
	var out []Flow
	for _, s := range e.Peers {
		for _, d := range e.Peers {
			if !in.inScope(s, d) {
				continue
			}
			set := in.egress(s, d).Intersect(in.ingress(s, d))
			if !set.Empty() {
				out = append(out, Flow{From: s.ID, To: d.ID, Ports: set.Ranges(d.Ports)})
			}
		}
	}
	return out, findings
}

// inScope reports whether a pair is compared: one end a tier's workload,
// neither end a workload that is no tier.
func (in *intent) inScope(s, d *Peer) bool {
	sw, dw := s.Kind == PeerWorkload, d.Kind == PeerWorkload
	if sw && in.tierOf[s] == nil || dw && in.tierOf[d] == nil {
		return false
	}
	return sw || dw
}

// Diff is the difference between the flows a spec declares and those the
// manifests allow.
type Diff struct {
	// Missing are declared flows the policies deny.
	Missing []Flow `json:"missing"`
	// Extra are flows the policies allow that the spec does not declare.
	Extra []Flow `json:"extra"`
}

// Empty reports whether the flows agree.
func (d Diff) Empty() bool { return len(d.Missing) == 0 && len(d.Extra) == 0 }

// Compare returns the flows of want not in got (missing) and of got not in
// want (extra), port by port, in the order of peers. Flows whose ends are
// outside scope (see Expected) should be filtered from got first.
func Compare(peers []*Peer, want, got []Flow) Diff {
	type pair struct{ from, to string }
	sets := func(fs []Flow) map[pair]PortSet {
		m := map[pair]PortSet{}
		for _, f := range fs {
			var s PortSet
			for _, r := range f.Ports {
				s.Add(r.Protocol, r.Port, max(r.Port, r.EndPort))
			}
			k := pair{f.From, f.To}
			cur := m[k]
			cur.Union(s)
			m[k] = cur
		}
		return m
	}
	w, g := sets(want), sets(got)
	var d Diff
	for _, s := range peers {
		for _, t := range peers {
			k := pair{s.ID, t.ID}
			if m := w[k].Minus(g[k]); !m.Empty() {
				d.Missing = append(d.Missing, Flow{From: s.ID, To: t.ID, Ports: m.Ranges(t.Ports)})
			}
			if x := g[k].Minus(w[k]); !x.Empty() {
				d.Extra = append(d.Extra, Flow{From: s.ID, To: t.ID, Ports: x.Ranges(t.Ports)})
			}
		}
	}
	return d
}

// FormatFlow renders a flow as the matrix does: "from → to: ports".
func FormatFlow(f Flow) string {
	return fmt.Sprintf("%s → %s: %s", f.From, f.To, FormatPorts(f.Ports))
}
