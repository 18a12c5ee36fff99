package graph_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/graph"
	"github.com/kubenetgen/kubenetgen/internal/spectest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.mmd and *.dot from the current output")

// TestGolden draws every golden case's base, from the flows generate reads
// from the policies it builds, as Mermaid and DOT, and compares with testdata/<case>.mmd and
// .dot; -update rewrites them (review the diff).
func TestGolden(t *testing.T) {
	specs, err := filepath.Glob("../golden/*/kubenetgen.yaml")
	if err != nil || len(specs) < 8 {
		t.Fatalf("found %d golden specs (%v)", len(specs), err)
	}
	for _, p := range specs {
		name := filepath.Base(filepath.Dir(p))
		t.Run(name, func(t *testing.T) {
			g := gen.FlowGraph(gen.BuildObjects(spectest.Load(t, p)))
			for _, f := range []struct {
				ext   string
				write func(*bytes.Buffer, *graph.Graph) error
			}{
				{".mmd", func(b *bytes.Buffer, g *graph.Graph) error { return graph.Mermaid(b, g) }},
				{".dot", func(b *bytes.Buffer, g *graph.Graph) error { return graph.DOT(b, g) }},
			} {
				var got bytes.Buffer
				if err := f.write(&got, g); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join("testdata", name+f.ext)
				if *update {
					if err := os.WriteFile(file, got.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("reading %s (go test ./graph -update writes it): %v", file, err)
				}
				if diff := cmp.Diff(string(want), got.String()); diff != "" {
					t.Errorf("%s differs (-want +got):\n%s", file, diff)
				}
				if f.ext == ".mmd" {
					// The base's README draws the same picture.
					readme, err := os.ReadFile(filepath.Join(filepath.Dir(p), "base", gen.ReadmeFile))
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(string(readme), "```mermaid\n"+got.String()+"```\n") {
						t.Errorf("the golden base's README does not draw %s", file)
					}
				}
			}
		})
	}
}

// TestEveryFlowDrawn draws each flow of the base's README table as one
// edge between the nodes of its ends: tiers and the ends inside the app's
// namespace grouped in it, the others apart, all but tiers styled apart.
func TestEveryFlowDrawn(t *testing.T) {
	a := spectest.Load(t, "../golden/three-tier-tls/kubenetgen.yaml")
	o := gen.BuildObjects(a)
	flows := gen.Flows(o)
	g := gen.FlowGraph(o)
	if len(g.Edges) != len(flows) || len(flows) == 0 {
		t.Fatalf("%d edges for %d flows", len(g.Edges), len(flows))
	}
	var m bytes.Buffer
	if err := graph.Mermaid(&m, g); err != nil {
		t.Fatal(err)
	}
	out := m.String()
	for _, want := range []string{
		"subgraph ns0[\"namespace " + a.Namespace + "\"]\n    n0[\"web\"]\n    n1[\"api\"]\n    n2[\"db\"]\n    n3([\"every pod\"]):::pseudo\n",
		"([\"cluster DNS\"]):::pseudo",
		"([\"ingress controller\"]):::pseudo",
		"([\"cert-manager HTTP-01 solver\"]):::pseudo\n  end\n",
		"n0 -->|\"http (9090/TCP)\"| n1",
		"n3 -->|\"53/UDP, 53/TCP\"| n4",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the Mermaid lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "-->"); n != len(flows) {
		t.Errorf("%d edges drawn for %d flows", n, len(flows))
	}
}

// TestRender draws a small graph by hand: nodes by namespace (sorted), the
// others after them, labels escaped for each language.
func TestRender(t *testing.T) {
	g := &graph.Graph{
		Nodes: []graph.Node{
			{ID: "b/x", Label: "x", Namespace: "b"},
			{ID: "a/y", Label: `say "hi"`, Namespace: "a"},
			{ID: "[dns]", Label: "[dns]", Pseudo: true},
		},
		Edges: []graph.Edge{{From: "b/x", To: "a/y", Ports: "http 80/TCP"}, {From: "a/y", To: "[dns]", Ports: "53/UDP"}},
	}
	var m, d bytes.Buffer
	if err := graph.Mermaid(&m, g); err != nil {
		t.Fatal(err)
	}
	wantM := `flowchart LR
  subgraph ns0["namespace a"]
    n1["say #quot;hi#quot;"]
  end
  subgraph ns1["namespace b"]
    n0["x"]
  end
  n2(["[dns]"]):::pseudo
  n0 -->|"http 80/TCP"| n1
  n1 -->|"53/UDP"| n2
  classDef pseudo fill:#f4f4f4,stroke:#888,stroke-dasharray:4 3,color:#444
`
	if diff := cmp.Diff(wantM, m.String()); diff != "" {
		t.Errorf("Mermaid (-want +got):\n%s", diff)
	}
	if err := graph.DOT(&d, g); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  subgraph \"cluster_a\" {\n    label=\"namespace a\";\n    style=dashed;\n    \"a/y\" [label=\"say \\\"hi\\\"\"];\n  }\n",
		"  \"[dns]\" [label=\"[dns]\", shape=ellipse, style=dashed",
		"  \"b/x\" -> \"a/y\" [label=\"http 80/TCP\"];\n",
	} {
		if !strings.Contains(d.String(), want) {
			t.Errorf("the DOT lacks %q:\n%s", want, d.String())
		}
	}
}

// TestReadmeExample holds the picture in the project's README to the one
// kubenetgen graph -f draws for the bundled example.
func TestReadmeExample(t *testing.T) {
	var want bytes.Buffer
	if err := graph.Mermaid(&want, gen.FlowGraph(gen.BuildObjects(spectest.Load(t, "../examples/shop/kubenetgen.yaml")))); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, pictures, _ := strings.Cut(string(readme), "## Pictures: `kubenetgen graph`")
	_, got, _ := strings.Cut(pictures, "```mermaid\n")
	got, _, _ = strings.Cut(got, "```\n")
	if diff := cmp.Diff(want.String(), got); diff != "" {
		t.Errorf("the README's picture of the example is stale (-want +README):\n%s", diff)
	}
}
