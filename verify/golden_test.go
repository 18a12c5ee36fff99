package verify_test

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/graph"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", p, diff)
	}
}

// TestGolden renders the report (matrix, differences, findings) of each
// case as text and JSON, and its matrix as the Mermaid picture of
// verify -o mermaid.
func TestGolden(t *testing.T) {
	shop := loadSpec(t, "testdata/shop.kubenetgen.yaml")
	traefik := verify.Options{IngressController: &verify.Controller{Namespace: "traefik", Labels: map[string]string{"app.kubernetes.io/name": "traefik"}}}
	mutated := generate.BuildObjects(shop)
	mutated.AllowDNS.Spec.Egress[0].Ports[0].Protocol = nil
	tests := []struct {
		name string
		b    *verify.Bundle
		o    verify.Options
		app  *spec.App
	}{
		{"shop", verify.FromObjects("base", generate.Build(shop)), verify.Options{}, shop},
		{"shop-no-spec", verify.FromObjects("base", generate.Build(shop)), traefik, nil},
		{"shop-dns-udp-dropped", verify.FromObjects("base", mutated.List()), verify.Options{}, shop},
		{"broken", loadFile(t, "testdata/broken.yaml"), verify.Options{
			IngressController: traefik.IngressController,
			Outside:           []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verify.Verify("base", tt.b, tt.o, tt.app)
			var text, js bytes.Buffer
			if err := verify.WriteText(&text, r); err != nil {
				t.Fatal(err)
			}
			text.WriteString(r.Summary() + "\n")
			if err := verify.WriteJSON(&js, r); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".txt", text.Bytes())
			golden(t, tt.name+".json", js.Bytes())
			var m bytes.Buffer
			g := r.Graph()
			if err := graph.Mermaid(&m, g); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".mmd", m.Bytes())
			// One edge per listed connection, between drawn nodes.
			nodes := map[string]bool{}
			for _, n := range g.Nodes {
				nodes[n.ID] = true
			}
			if len(g.Edges) != len(r.Flows) {
				t.Errorf("%d edges for %d flows", len(g.Edges), len(r.Flows))
			}
			for _, e := range g.Edges {
				if !nodes[e.From] || !nodes[e.To] {
					t.Errorf("edge %+v has an end that is not drawn", e)
				}
			}
		})
	}
}

func loadFile(t *testing.T, p string) *verify.Bundle {
	t.Helper()
	b, err := verify.Load(p, nil, verify.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
