package verify

import (
	"strings"

	"github.com/kubenetgen/kubenetgen/graph"
)

// Graph is the picture of the report's matrix: workloads by namespace, the
// pseudo-peers that take part in a flow, one edge per flow. It is what
// `verify -o mermaid` and `kubenetgen graph` of manifests draw.
func (r *Report) Graph() *graph.Graph {
	used := map[string]bool{}
	g := &graph.Graph{}
	for _, f := range r.Flows {
		used[f.From], used[f.To] = true, true
		g.Edges = append(g.Edges, graph.Edge{From: f.From, To: f.To, Ports: FormatPorts(f.Ports)})
	}
	for _, p := range r.Peers {
		if p.Kind != PeerWorkload {
			if used[p.ID] {
				g.Nodes = append(g.Nodes, graph.Node{ID: p.ID, Label: p.ID, Pseudo: true})
			}
			continue
		}
		label := strings.TrimPrefix(p.ID, p.Namespace+"/")
		// Other workloads than Deployments are "Kind/ns/name".
		if k, rest, ok := strings.Cut(p.ID, "/"); ok && strings.HasPrefix(rest, p.Namespace+"/") {
			label = k + " " + strings.TrimPrefix(rest, p.Namespace+"/")
		}
		g.Nodes = append(g.Nodes, graph.Node{ID: p.ID, Label: label, Namespace: p.Namespace})
	}
	return g
}
