// Package graph draws allowed flows as pictures: nodes grouped by
// namespace, the pseudo-peers (ingress controller, DNS, API server,
// outside) styled apart, and one edge per allowed connection labelled with
// its ports. It writes Mermaid, which GitHub and GitLab draw inline, and
// Graphviz DOT.
//
// It computes nothing: generate (from the policies it built) and verify
// (from its evaluator) each turn their flows into a Graph. So it imports
// neither, and generate need not import verify to draw a base's README.
package graph

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Graph is what a picture shows.
type Graph struct {
	// Nodes are drawn in this order within their namespace, and so are
	// the nodes outside any namespace.
	Nodes []Node
	// Edges are drawn in this order; their ends are Node IDs.
	Edges []Edge
}

// Node is one end of flows.
type Node struct {
	// ID names the node in Edges; it is never printed.
	ID string
	// Label is what the picture shows.
	Label string
	// Namespace groups the node with the others of its namespace; empty
	// draws it outside every namespace.
	Namespace string
	// Pseudo marks a node that is not a workload (the ingress controller,
	// DNS, addresses, "every pod"…): drawn apart, dashed.
	Pseudo bool
}

// Edge is one allowed connection.
type Edge struct {
	From, To string
	// Ports are the ports From may open on To, in words.
	Ports string
}

// namespaces returns the namespaces of the nodes, sorted.
func (g *Graph) namespaces() []string {
	var out []string
	for _, n := range g.Nodes {
		if n.Namespace != "" && !slices.Contains(out, n.Namespace) {
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
			if n.Namespace == ns {
				b.WriteString("    " + mermaidNode(ids[n.ID], n) + "\n")
			}
		}
		b.WriteString("  end\n")
	}
	for _, n := range g.Nodes {
		if n.Namespace == "" {
			b.WriteString("  " + mermaidNode(ids[n.ID], n) + "\n")
		}
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", ids[e.From], mermaidText(e.Ports), ids[e.To])
	}
	b.WriteString("  classDef pseudo fill:#f4f4f4,stroke:#888,stroke-dasharray:4 3,color:#444\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidNode declares n as Mermaid node id: a box for a workload, a
// dashed stadium for a pseudo-peer.
func mermaidNode(id string, n Node) string {
	if n.Pseudo {
		return fmt.Sprintf("%s([\"%s\"]):::pseudo", id, mermaidText(n.Label))
	}
	return fmt.Sprintf("%s[\"%s\"]", id, mermaidText(n.Label))
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
			if n.Namespace == ns {
				b.WriteString("    " + dotNode(n) + "\n")
			}
		}
		b.WriteString("  }\n")
	}
	for _, n := range g.Nodes {
		if n.Namespace == "" {
			b.WriteString("  " + dotNode(n) + "\n")
		}
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", dotID(e.From), dotID(e.To), dotID(e.Ports))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// dotNode declares n in DOT: a rounded box for a workload, a dashed grey
// ellipse for a pseudo-peer.
func dotNode(n Node) string {
	if n.Pseudo {
		return fmt.Sprintf("%s [label=%s, shape=ellipse, style=dashed, color=gray40, fontcolor=gray25];", dotID(n.ID), dotID(n.Label))
	}
	return fmt.Sprintf("%s [label=%s];", dotID(n.ID), dotID(n.Label))
}

// dotID quotes s as a DOT identifier.
func dotID(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
