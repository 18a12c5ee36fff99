package verify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// TestOutputMermaid prints the matrix of a golden base as a Mermaid
// flowchart: one edge per connection the JSON report lists, the tiers in
// their namespace, the pseudo-peers apart.
func TestOutputMermaid(t *testing.T) {
	const c = "../../../golden/three-tier-tls"
	report := func(output string) string {
		ios, _, out, _ := iostreams.Test()
		opts := &VerifyOptions{IO: ios, Path: c + "/base", Expect: c + "/kubenetgen.yaml", Output: output}
		if err := verifyRun(opts); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	var r struct{ Flows []json.RawMessage }
	if err := json.Unmarshal([]byte(report("json")), &r); err != nil {
		t.Fatal(err)
	}
	m := report("mermaid")
	if n := strings.Count(m, " -->|"); n != len(r.Flows) || n == 0 {
		t.Errorf("%d edges drawn for %d flows:\n%s", n, len(r.Flows), m)
	}
	for _, want := range []string{
		"flowchart LR\n  subgraph ns0[\"namespace shop-prod\"]\n    n0[\"api\"]\n    n1[\"db\"]\n    n2[\"web\"]\n  end\n",
		"([\"[ingress-controller]\"]):::pseudo",
		"([\"[dns]\"]):::pseudo",
		"n2 -->|\"http 9090/TCP\"| n0",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("verify -o mermaid lacks %q:\n%s", want, m)
		}
	}
}
