package verify

import (
	"os"
	"testing"

	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// TestOutputMermaid prints the matrix of a golden base as the Mermaid
// flowchart kubenetgen graph draws for its spec.
func TestOutputMermaid(t *testing.T) {
	const c = "../../../golden/three-tier-tls"
	ios, _, out, _ := iostreams.Test()
	opts := &VerifyOptions{IO: ios, Path: c + "/base", Expect: c + "/kubenetgen.yaml", Output: "mermaid"}
	if err := verifyRun(opts); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../../graph/testdata/three-tier-tls.mmd")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("verify -o mermaid prints\n%s\nwant graph/testdata/three-tier-tls.mmd:\n%s", out, want)
	}
}
