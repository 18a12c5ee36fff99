package verify

import (
	"net/netip"
	"slices"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// peerIndex finds the peers a selector or an address block may name
// without trying every peer: pods by namespace and by label, every peer by
// address. What it returns is a superset, in peer order, of what the
// selector or block matches; the caller still asks the selector (or
// matches), so the API's semantics stay those of the labels package. It
// keeps the evaluator's cost near the number of connections it finds
// rather than the square of the peers.
type peerIndex struct {
	// inNS are the pod peers of each namespace.
	inNS map[string][]*Peer
	// byLabel are the pod peers of each namespace by one label.
	byLabel map[nsLabel][]*Peer
	// namespaces are the namespaces of the pod peers, sorted.
	namespaces []string
	// byAddr is every peer with an address, by address (IPv4 first).
	byAddr []*Peer
}

type nsLabel struct{ ns, key, value string }

func newPeerIndex(peers []*Peer) peerIndex {
	x := peerIndex{inNS: map[string][]*Peer{}, byLabel: map[nsLabel][]*Peer{}}
	for _, p := range peers {
		if p.Address.IsValid() {
			x.byAddr = append(x.byAddr, p)
		}
		if !p.pod {
			continue
		}
		if _, ok := x.inNS[p.Namespace]; !ok {
			x.namespaces = append(x.namespaces, p.Namespace)
		}
		x.inNS[p.Namespace] = append(x.inNS[p.Namespace], p)
		for k, v := range p.Labels {
			key := nsLabel{p.Namespace, k, v}
			x.byLabel[key] = append(x.byLabel[key], p)
		}
	}
	slices.Sort(x.namespaces)
	slices.SortStableFunc(x.byAddr, func(a, b *Peer) int { return a.Address.Compare(b.Address) })
	return x
}

// pods lists the pods of ns that sel may match: those that carry a label
// one of sel's equality requirements (=, ==, in) asks for, taking the
// requirement with the fewest such pods, or every pod of ns when sel has
// no such requirement.
func (x *peerIndex) pods(ns string, sel labels.Selector) []*Peer {
	reqs, selectable := sel.Requirements()
	if !selectable {
		return nil
	}
	best, found := x.inNS[ns], false
	for _, r := range reqs {
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals, selection.In:
		default:
			continue
		}
		var c []*Peer
		if vals := r.ValuesUnsorted(); len(vals) == 1 {
			c = x.byLabel[nsLabel{ns, r.Key(), vals[0]}]
		} else {
			for _, v := range vals {
				c = append(c, x.byLabel[nsLabel{ns, r.Key(), v}]...)
			}
			// A pod has one value per key: the lists are disjoint.
			slices.SortFunc(c, func(a, b *Peer) int { return a.order - b.order })
		}
		if !found || len(c) < len(best) {
			best, found = c, true
		}
	}
	return best
}

// inBlock lists the peers whose address lies in p.
func (x *peerIndex) inBlock(p netip.Prefix) []*Peer {
	p = p.Masked()
	i, _ := slices.BinarySearchFunc(x.byAddr, p.Addr(), func(q *Peer, a netip.Addr) int { return q.Address.Compare(a) })
	j := i
	for j < len(x.byAddr) && p.Contains(x.byAddr[j].Address) {
		j++
	}
	return x.byAddr[i:j]
}

// candidates calls fn for every peer the peer element c of a policy in
// namespace ns may admit (a superset of those it admits).
func (e *Evaluator) candidates(c *compiledPeer, ns string, fn func(*Peer)) {
	switch {
	case c.invalid:
	case c.ipBlock != nil:
		for _, p := range e.index.inBlock(*c.ipBlock) {
			fn(p)
		}
	case c.ns == nil:
		e.podCandidates(ns, c.pod, fn)
	default:
		for _, n := range e.index.namespaces {
			if c.ns.Matches(e.namespaceLabels(n)) {
				e.podCandidates(n, c.pod, fn)
			}
		}
	}
}

func (e *Evaluator) podCandidates(ns string, sel labels.Selector, fn func(*Peer)) {
	ps := e.index.inNS[ns]
	if sel != nil {
		ps = e.index.pods(ns, sel)
	}
	for _, p := range ps {
		fn(p)
	}
}

// destinations lists, in peer order, the peers src may reach at all:
// every peer when its egress is not isolated, else the peers its egress
// rules may admit (Allowed decides on each).
func (e *Evaluator) destinations(src *Peer, set *peerSet) []*Peer {
	pols := e.egressOf[src.order]
	if len(pols) == 0 {
		return e.Peers
	}
	set.reset()
	for _, pol := range pols {
		for i := range pol.outRules {
			r := &pol.outRules[i]
			if r.anyPeer {
				return e.Peers
			}
			for j := range r.peers {
				e.candidates(&r.peers[j], pol.ns, set.add)
			}
		}
	}
	return set.list()
}

// peerSet collects peers, each once, and lists them in peer order. Its
// marks (one per peer) are reused from one collection to the next.
type peerSet struct {
	mark  []int
	stamp int
	out   []*Peer
}

func newPeerSet(peers []*Peer) *peerSet { return &peerSet{mark: make([]int, len(peers))} }

// reset starts a new collection.
func (s *peerSet) reset() { s.stamp, s.out = s.stamp+1, nil }

func (s *peerSet) add(p *Peer) {
	if s.mark[p.order] != s.stamp {
		s.mark[p.order] = s.stamp
		s.out = append(s.out, p)
	}
}

// list returns the peers collected, in peer order.
func (s *peerSet) list() []*Peer {
	slices.SortFunc(s.out, func(a, b *Peer) int { return a.order - b.order })
	return s.out
}

// eachPair calls fn for every pair of peers with at least one end listed
// in the matrix and src able to reach dst at all, in the order of Matrix.
func (e *Evaluator) eachPair(fn func(src, dst *Peer)) {
	set := newPeerSet(e.Peers)
	for _, s := range e.Peers {
		for _, d := range e.destinations(s, set) {
			if e.listed(s) || e.listed(d) {
				fn(s, d)
			}
		}
	}
}
