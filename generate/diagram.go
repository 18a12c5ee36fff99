package generate

import (
	"strings"

	"github.com/kubenetgen/kubenetgen/graph"
)

// DiagramMaxTiers bounds the tiers of a base whose README draws its flows:
// a picture of more is unreadable.
const DiagramMaxTiers = 40

// FlowGraph is the picture of the flows o's policies allow, as Flows reads
// them (the README's table and picture, and kubenetgen graph -f): the tiers, and the ends inside the
// app's namespace (every pod, cert-manager's solver pods), in its
// namespace; the other ends (DNS, the ingress controller, the API server,
// addresses) apart; one edge per flow.
func FlowGraph(o *Objects) *graph.Graph { return flowGraph(o, Flows(o)) }

// flowGraph draws flows, which Flows read from o.
func flowGraph(o *Objects, flows []Flow) *graph.Graph {
	g := &graph.Graph{}
	ids := map[string]bool{}
	add := func(p Peer) string {
		id := p.Kind + ": " + p.String()
		if ids[id] {
			return id
		}
		ids[id] = true
		n := graph.Node{ID: id, Label: p.Name, Pseudo: p.Kind != PeerTier}
		switch p.Kind {
		case PeerTier, PeerEveryPod, PeerACMESolver:
			n.Namespace = o.App.Namespace
		}
		if p.Addresses != "" {
			n.Label = strings.TrimSpace(p.Name + " " + p.Addresses)
		}
		g.Nodes = append(g.Nodes, n)
		return id
	}
	// Every tier is drawn, in the spec's order, even one no flow reaches.
	for i := range o.Tiers {
		add(Peer{Kind: PeerTier, Name: o.Tiers[i].Tier.Name})
	}
	for _, f := range flows {
		g.Edges = append(g.Edges, graph.Edge{From: add(f.From), To: add(f.To), Ports: f.Ports})
	}
	return g
}

// flowDiagram draws flows as a Mermaid flowchart, or "" past
// DiagramMaxTiers.
func flowDiagram(o *Objects, flows []Flow) (string, error) {
	if len(o.App.Tiers) > DiagramMaxTiers {
		return "", nil
	}
	var s strings.Builder
	if err := graph.Mermaid(&s, flowGraph(o, flows)); err != nil {
		return "", err
	}
	return s.String(), nil
}
