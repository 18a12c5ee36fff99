package generate

import (
	"strings"

	"github.com/kubenetgen/kubenetgen/graph"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

// DiagramMaxTiers bounds the tiers of a base whose README draws its flows:
// a picture of more is unreadable, and the evaluator grows with the square
// of the tiers.
const DiagramMaxTiers = 40

// flowDiagram draws, as a Mermaid flowchart, the flows the built objects
// allow, as the verify evaluator computes them (the same picture as
// kubenetgen graph), or "" past DiagramMaxTiers.
func flowDiagram(a *spec.App, o *Objects) (string, error) {
	if len(a.Tiers) > DiagramMaxTiers {
		return "", nil
	}
	b := verify.FromObjects("", o.List())
	r := verify.Verify("", b, verify.OptionsFromSpec(a), nil)
	var s strings.Builder
	if err := graph.Mermaid(&s, graph.FromFlows(r.Peers, r.Flows)); err != nil {
		return "", err
	}
	return s.String(), nil
}
