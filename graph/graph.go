// Package graph draws the flows a set of manifests allows, as the verify
// evaluator computes them from the objects: tiers (and other workloads) as
// nodes grouped by namespace, the pseudo-peers (ingress controller, DNS,
// API server, outside) styled apart, and one edge per allowed connection
// labelled with its ports. It writes Mermaid, which GitHub and GitLab draw
// inline, and Graphviz DOT.
package graph

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kubenetgen/kubenetgen/verify"
)

// Graph is what a picture shows.
type Graph struct {
	// Nodes are in the evaluator's peer order: workloads by ID, then the
	// pseudo-peers.
	Nodes []Node
	Edges []Edge
}

// Node is one peer.
type Node struct {
	// ID is the peer's ID in the evaluator's flows ("shop/web", "[dns]").
	ID string
	// Label is what the picture shows: the workload's name within its
	// namespace, or the pseudo-peer's ID.
	Label string
	// Namespace groups workloads; empty for pseudo-peers.
	Namespace string
	// Pseudo marks a peer that is no workload of the manifests.
	Pseudo bool
}

// Edge is one allowed connection.
type Edge struct {
	From, To string
	// Ports are the ports From may open on To, as verify prints them.
	Ports string
}

// FromFlows makes the graph of the evaluator's peers and flows. Peers
// that take part in no flow are left out, unless they are workloads.
func FromFlows(peers []*verify.Peer, flows []verify.Flow) *Graph {
	used := map[string]bool{}
	g := &Graph{}
	for _, f := range flows {
		used[f.From], used[f.To] = true, true
		g.Edges = append(g.Edges, Edge{From: f.From, To: f.To, Ports: verify.FormatPorts(f.Ports)})
	}
	for _, p := range peers {
		if p.Kind != verify.PeerWorkload {
			if used[p.ID] {
				g.Nodes = append(g.Nodes, Node{ID: p.ID, Label: p.ID, Pseudo: true})
			}
			continue
		}
		label := strings.TrimPrefix(p.ID, p.Namespace+"/")
		// Other workloads than Deployments are "Kind/ns/name".
		if k, rest, ok := strings.Cut(p.ID, "/"); ok && strings.HasPrefix(rest, p.Namespace+"/") {
			label = k + " " + strings.TrimPrefix(rest, p.Namespace+"/")
		}
		g.Nodes = append(g.Nodes, Node{ID: p.ID, Label: label, Namespace: p.Namespace})
	}
	return g
}

// namespaces returns the namespaces of the workloads, sorted.
func (g *Graph) namespaces() []string {
	var out []string
	for _, n := range g.Nodes {
		if !n.Pseudo && !slices.Contains(out, n.Namespace) {
			out = append(out, n.Namespace)
		}
	}
	slices.Sort(out)
	return out
}

// Mermaid writes the graph as a Mermaid flowchart.
func Mermaid(w io.Writer, g *Graph) error {
	ids := map[string]string{}
	for i, n := range g.Nodes {
		ids[n.ID] = fmt.Sprintf("n%d", i)
	}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for i, ns := range g.namespaces() {
		fmt.Fprintf(&b, "  subgraph ns%d[\"namespace %s\"]\n", i, mermaidText(ns))
		for _, n := range g.Nodes {
			if !n.Pseudo && n.Namespace == ns {
				fmt.Fprintf(&b, "    %s[\"%s\"]\n", ids[n.ID], mermaidText(n.Label))
			}
		}
		b.WriteString("  end\n")
	}
	for _, n := range g.Nodes {
		if n.Pseudo {
			fmt.Fprintf(&b, "  %s([\"%s\"]):::pseudo\n", ids[n.ID], mermaidText(n.Label))
		}
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", ids[e.From], mermaidText(e.Ports), ids[e.To])
	}
	b.WriteString("  classDef pseudo fill:#f4f4f4,stroke:#888,stroke-dasharray:4 3,color:#444\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText escapes text for a quoted Mermaid label.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "\n", " ").Replace(s)
}

// DOT writes the graph in Graphviz's DOT language.
func DOT(w io.Writer, g *Graph) error {
	var b strings.Builder
	b.WriteString("digraph flows {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, ns := range g.namespaces() {
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s;\n    style=dashed;\n", dotID("cluster_"+ns), dotID("namespace "+ns))
		for _, n := range g.Nodes {
			if !n.Pseudo && n.Namespace == ns {
				fmt.Fprintf(&b, "    %s [label=%s];\n", dotID(n.ID), dotID(n.Label))
			}
		}
		b.WriteString("  }\n")
	}
	for _, n := range g.Nodes {
		if n.Pseudo {
			fmt.Fprintf(&b, "  %s [label=%s, shape=ellipse, style=dashed, color=gray40, fontcolor=gray25];\n", dotID(n.ID), dotID(n.Label))
		}
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", dotID(e.From), dotID(e.To), dotID(e.Ports))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// dotID quotes s as a DOT identifier.
func dotID(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
