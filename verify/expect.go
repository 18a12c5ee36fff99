package verify

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/kubenetgen/kubenetgen/internal/wellknown"
	"github.com/kubenetgen/kubenetgen/spec"
)

// Labels kubenetgen puts on a tier's pods, by which a tier is found when
// its workload is not named after it.
const (
	labelComponent = wellknown.LabelComponent
	labelPartOf    = wellknown.LabelPartOf
)

// TierPeers maps each tier of a to the workload peer running it: the
// workload named after the tier in the app's namespace, else the one whose
// pods carry app.kubernetes.io/component=<tier> (and part-of=<app> when
// set). Tiers with no workload are missing from the map.
func TierPeers(a *spec.App, e *Evaluator) map[string]*Peer {
	// The first workload of each name, and of each component, in peer
	// order: one pass, not one per tier.
	byName, byLabel := map[string]*Peer{}, map[string]*Peer{}
	for _, p := range e.Peers {
		if p.Kind != PeerWorkload || p.Namespace != a.Namespace {
			continue
		}
		if n := p.Object.Meta().GetName(); byName[n] == nil {
			byName[n] = p
		}
		if c := p.Labels[labelComponent]; byLabel[c] == nil && (p.Labels[labelPartOf] == "" || p.Labels[labelPartOf] == a.Name) {
			byLabel[c] = p
		}
	}
	out := map[string]*Peer{}
	for _, t := range a.Tiers {
		if p := cmp.Or(byName[t.Name], byLabel[t.Name]); p != nil {
			out[t.Name] = p
		}
	}
	return out
}

// intent is what a spec says one end allows: egress from a tier, ingress
// to a tier.
type intent struct {
	a      *spec.App
	tierOf map[*Peer]*spec.Tier
	peerOf map[string]*Peer
	// podCIDRs are the pod networks: the stand-in pods' and, on a
	// dual-stack cluster, the spec's network of the other family.
	podCIDRs []netip.Prefix
	o        Options
	// edges are the declared flows' ports by (from, to) tier names.
	edges map[[2]string]PortSet
	// callees are the tiers each tier calls, by name.
	callees map[string][]string
	// pseudo are the peers that are no workload.
	pseudo []*Peer
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
	if in.dataPlaneInApp(src) {
		return in.dataPlaneEgress(dst)
	}
	t := in.tierOf[src]
	var s PortSet
	if t == nil {
		if (src.Kind == PeerPod || src.Kind == PeerACMESolver) && src.Namespace == in.a.Namespace {
			// Any other pod of the app's namespace, cert-manager's
			// solver pods included: the default-deny isolates it and
			// only DNS is allowed.
			if in.isDNS(dst) {
				s.Add("UDP", in.o.DNS.Port, in.o.DNS.Port)
				s.Add("TCP", in.o.DNS.Port, in.o.DNS.Port)
			}
			return s
		}
		return AllPorts()
	}
	if dt := in.tierOf[dst]; dt != nil {
		s.Union(in.edges[[2]string{t.Name, dt.Name}])
	}
	s.Union(outsideEgress(t, dst))
	if in.isDNS(dst) && dst.IsPod() {
		s.Add("UDP", in.o.DNS.Port, in.o.DNS.Port)
		s.Add("TCP", in.o.DNS.Port, in.o.DNS.Port)
	}
	if !dst.Address.IsValid() {
		return s
	}
	for _, c := range in.o.DNS.CIDRs {
		if c.Contains(dst.Address) {
			s.Add("UDP", in.o.DNS.Port, in.o.DNS.Port)
			s.Add("TCP", in.o.DNS.Port, in.o.DNS.Port)
		}
	}
	if t.Egress.APIServer && in.o.APIServer != nil {
		for _, c := range in.o.APIServer.CIDRs {
			if in.cidrAdmits(c, dst.Address) {
				s.Add("TCP", in.o.APIServer.Port, in.o.APIServer.Port)
			}
		}
	}
	for _, c := range parsePrefixes(t.Egress.CIDRs) {
		if !in.cidrAdmits(c, dst.Address) {
			continue
		}
		if len(t.Egress.Ports) == 0 {
			s.Union(AllPorts())
		}
		for _, p := range t.Egress.Ports {
			s.Add("TCP", p, p)
		}
	}
	return s
}

// cidrAdmits reports whether an egress CIDR of the spec admits addr. A
// CIDR wider than the pod network excepts it (other pods are reached only
// through declared edges), and one wider than the cloud metadata address
// excepts that too unless network.blockMetadata is false: a CIDR that is
// exactly one of them was asked for and admits it.
func (in *intent) cidrAdmits(c netip.Prefix, addr netip.Addr) bool {
	if !c.Contains(addr) {
		return false
	}
	excepts := slices.Clone(in.podCIDRs)
	if *in.a.Network.BlockMetadata {
		excepts = append(excepts, netip.MustParsePrefix(spec.MetadataCIDR), netip.MustParsePrefix(spec.MetadataCIDRv6))
	}
	for _, e := range excepts {
		if e.IsValid() && c.Bits() < e.Bits() && c.Contains(e.Addr()) && e.Contains(addr) {
			return false
		}
	}
	return true
}

// ingress is what the spec lets src open to dst: the declared callers on
// their ports, the ingress controller on the routed ports, and sources in
// an exposed tier's source ranges (any address but pods' when empty) on
// all its ports.
func (in *intent) ingress(src, dst *Peer) PortSet {
	if in.dataPlaneInApp(dst) {
		return in.dataPlaneIngress(src)
	}
	t := in.tierOf[dst]
	var s PortSet
	if t == nil {
		if dst.Kind == PeerACMESolver && dst.Namespace == in.a.Namespace {
			// The ACME server's challenge comes through the ingress
			// controller, when the issuer solves HTTP-01.
			if (in.isController(src) || in.isDataPlane(src)) && in.httpSolver() {
				s.Add("TCP", wellknown.ACMESolverPort, wellknown.ACMESolverPort)
			}
			return s
		}
		if dst.Kind == PeerPod && dst.Namespace == in.a.Namespace {
			return s // the default-deny admits nothing into other pods
		}
		return AllPorts()
	}
	if st := in.tierOf[src]; st != nil {
		s.Union(in.edges[[2]string{st.Name, t.Name}])
	}
	s.Union(outsideIngress(t, src))
	if in.isController(src) && in.a.Ingress != nil {
		for _, r := range in.a.Ingress.Rules {
			if r.Tier != t.Name {
				continue
			}
			if p := t.Port(r.Port); p != nil {
				s.Add(p.Protocol, p.Port, p.Port)
			}
		}
	}
	s.Union(in.gatewayIngress(src, t))
	if t.Expose.External() && src.Address.IsValid() {
		ranges := parsePrefixes(t.Expose.SourceRanges)
		if len(ranges) == 0 {
			// Any address of the pods' families.
			for _, b := range in.a.Network.AnySources() {
				ranges = append(ranges, netip.MustParsePrefix(b.CIDR))
			}
		}
		for _, r := range ranges {
			// Design rule 7: a source range wider than the pod network
			// (0.0.0.0/0 above all) excepts it; pods come in through
			// declared edges only.
			if r.Contains(src.Address) && !slices.ContainsFunc(in.podCIDRs, func(pods netip.Prefix) bool {
				return r.Bits() < pods.Bits() && r.Contains(pods.Addr()) && pods.Contains(src.Address)
			}) {
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
// (and reported as findings), as are tiers with no workload. The cluster
// facts (DNS, API server, pod CIDR) are the evaluator's options, which
// Verify takes from the flags first and the spec second.
func Expected(a *spec.App, e *Evaluator) ([]Flow, []Finding) {
	return expected(a, e, false)
}

// expected is Expected; everyPair tries every pair of peers instead of
// the destinations the spec may let each source reach (for the test that
// holds the two equal).
func expected(a *spec.App, e *Evaluator, everyPair bool) ([]Flow, []Finding) {
	o := e.opts
	in := &intent{a: a, tierOf: map[*Peer]*spec.Tier{}, o: o, podCIDRs: []netip.Prefix{o.PodCIDR}}
	for _, s := range a.Network.PodCIDRs() {
		if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is4() != o.PodCIDR.Addr().Is4() {
			in.podCIDRs = append(in.podCIDRs, p)
		}
	}
	in.peerOf = TierPeers(a, e)
	in.edges = map[[2]string]PortSet{}
	in.callees = map[string][]string{}
	for _, ed := range a.Edges() {
		in.callees[ed.From] = append(in.callees[ed.From], ed.To)
		k := [2]string{ed.From, ed.To}
		cur := in.edges[k]
		cur.Union(portSetOf(ed.Ports))
		in.edges[k] = cur
	}
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
	for _, p := range e.Peers {
		if p.Kind != PeerWorkload {
			in.pseudo = append(in.pseudo, p)
		}
	}
	var out []Flow
	set := newPeerSet(e.Peers)
	for _, s := range e.Peers {
		dsts := e.Peers
		if !everyPair {
			dsts = in.destinations(e, s, set)
		}
		for _, d := range dsts {
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

// destinations lists, in peer order, the peers the spec may let src open
// connections to (egress decides on each): every peer for a source that
// is no tier; for a tier, every peer that is no workload, the tiers it
// calls, and the pods in the address ranges its egress names.
func (in *intent) destinations(e *Evaluator, src *Peer, set *peerSet) []*Peer {
	t := in.tierOf[src]
	if t == nil {
		return e.Peers
	}
	set.reset()
	for _, p := range in.pseudo {
		set.add(p)
	}
	for _, callee := range in.callees[t.Name] {
		if p := in.peerOf[callee]; p != nil {
			set.add(p)
		}
	}
	blocks := slices.Clone(in.o.DNS.CIDRs)
	if t.Egress.APIServer && in.o.APIServer != nil {
		blocks = append(blocks, in.o.APIServer.CIDRs...)
	}
	for _, b := range append(blocks, parsePrefixes(t.Egress.CIDRs)...) {
		for _, p := range e.index.inBlock(b) {
			set.add(p)
		}
	}
	return set.list()
}

// inScope reports whether a pair is compared: one end a tier's workload
// or cert-manager's solver pods, neither end a workload that is no tier.
func (in *intent) inScope(s, d *Peer) bool {
	sw, dw := s.Kind == PeerWorkload, d.Kind == PeerWorkload
	if sw && in.tierOf[s] == nil || dw && in.tierOf[d] == nil {
		return false
	}
	// The data plane of an own Gateway in the app's namespace is the
	// app's to isolate, so its flows are compared too.
	return s.listed() || d.listed() || in.dataPlaneInApp(s) || in.dataPlaneInApp(d)
}

// httpSolver reports whether the spec's Ingress or own Gateway has
// cert-manager issue its certificates through HTTP-01 solver pods.
func (in *intent) httpSolver() bool { return in.a.HTTP01Solver() }

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
	// Only the pairs of a flow can differ: they are visited in the order
	// of peers, not every pair of peers tried.
	at := map[string][]int{}
	for i, p := range peers {
		at[p.ID] = append(at[p.ID], i)
	}
	type cell struct{ s, t int }
	var cells []cell
	for _, m := range []map[pair]PortSet{w, g} {
		for k := range m {
			for _, i := range at[k.from] {
				for _, j := range at[k.to] {
					cells = append(cells, cell{i, j})
				}
			}
		}
	}
	slices.SortFunc(cells, func(a, b cell) int { return cmp.Or(a.s-b.s, a.t-b.t) })
	cells = slices.Compact(cells) // a pair in both want and got
	d := Diff{Missing: []Flow{}, Extra: []Flow{}}
	for _, c := range cells {
		s, t := peers[c.s], peers[c.t]
		k := pair{s.ID, t.ID}
		if m := w[k].Minus(g[k]); !m.Empty() {
			d.Missing = append(d.Missing, Flow{From: s.ID, To: t.ID, Ports: m.Ranges(t.Ports)})
		}
		if x := g[k].Minus(w[k]); !x.Empty() {
			d.Extra = append(d.Extra, Flow{From: s.ID, To: t.ID, Ports: x.Ranges(t.Ports)})
		}
	}
	return d
}

// FormatFlow renders a flow as the matrix does: "from → to: ports".
func FormatFlow(f Flow) string {
	return fmt.Sprintf("%s → %s: %s", f.From, f.To, FormatPorts(f.Ports))
}
