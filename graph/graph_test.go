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
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

var update = flag.Bool("update", false, "rewrite testdata/*.mmd and *.dot from the current output")

// TestGolden draws every golden case's base, from the objects generate
// builds, as Mermaid and DOT, and compares with testdata/<case>.mmd and
// .dot; -update rewrites them (review the diff).
func TestGolden(t *testing.T) {
	specs, err := filepath.Glob("../golden/*/kubenetgen.yaml")
	if err != nil || len(specs) < 8 {
		t.Fatalf("found %d golden specs (%v)", len(specs), err)
	}
	for _, p := range specs {
		name := filepath.Base(filepath.Dir(p))
		t.Run(name, func(t *testing.T) {
			_, r := flows(t, p)
			g := graph.FromFlows(r.Peers, r.Flows)
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

// TestEveryFlowDrawn draws each allowed flow as one edge between the
// nodes of its ends, pseudo-peers styled apart, workloads in their
// namespace.
func TestEveryFlowDrawn(t *testing.T) {
	a, r := flows(t, "../golden/three-tier-tls/kubenetgen.yaml")
	g := graph.FromFlows(r.Peers, r.Flows)
	if len(g.Edges) != len(r.Flows) || len(r.Flows) == 0 {
		t.Fatalf("%d edges for %d flows", len(g.Edges), len(r.Flows))
	}
	var m bytes.Buffer
	if err := graph.Mermaid(&m, g); err != nil {
		t.Fatal(err)
	}
	out := m.String()
	for _, want := range []string{
		"subgraph ns0[\"namespace " + a.Namespace + "\"]",
		"([\"[ingress-controller]\"]):::pseudo",
		"([\"[dns]\"]):::pseudo",
		"-->|\"http 9090/TCP\"|",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the Mermaid lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "-->"); n != len(r.Flows) {
		t.Errorf("%d edges drawn for %d flows", n, len(r.Flows))
	}
}

// flows evaluates the base generate builds from the spec at p.
func flows(t *testing.T, p string) (*spec.App, *verify.Report) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	a, err := spec.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	a = spec.Defaulted(a)
	return a, verify.Verify(p, verify.FromObjects(p, gen.Build(a)), verify.OptionsFromSpec(a), nil)
}
