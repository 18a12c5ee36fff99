package graph

import (
	"errors"
	"os"
	"strings"
	"testing"

	lib "github.com/kubenetgen/kubenetgen/graph"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/spectest"
	"github.com/kubenetgen/kubenetgen/verify"
)

func run(t *testing.T, look func(string) (string, error), args ...string) (string, error) {
	t.Helper()
	ios, _, stdout, _ := iostreams.Test()
	cmd := NewCmdGraph(&cmdutil.Factory{IOStreams: ios}, func(o *GraphOptions) error {
		o.LookPath = look
		return graphRun(o)
	})
	// A nil slice would make cobra read the test binary's own flags.
	cmd.SetArgs(append([]string{}, args...))
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return stdout.String(), err
}

const golden = "../../../golden/three-tier-tls"

// TestSpecAndFolder draws the spec alone as its base's README does (the
// golden picture), and the written base with the spec's cluster facts as
// the verify evaluator computes it.
func TestSpecAndFolder(t *testing.T) {
	fromSpec, err := run(t, nil, "-f", golden+"/kubenetgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../../graph/testdata/three-tier-tls.mmd")
	if err != nil {
		t.Fatal(err)
	}
	if fromSpec != string(want) {
		t.Errorf("graph -f prints\n%s\nwant graph/testdata/three-tier-tls.mmd:\n%s", fromSpec, want)
	}
	fromBase, err := run(t, nil, golden+"/base", "-f", golden+"/kubenetgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	app := spectest.Load(t, golden+"/kubenetgen.yaml")
	b, err := verify.Load(golden+"/base", nil, verify.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var evaluated strings.Builder
	if err := lib.Mermaid(&evaluated, verify.Verify(golden+"/base", b, verify.OptionsFromSpec(app), nil).Graph()); err != nil {
		t.Fatal(err)
	}
	if fromBase != evaluated.String() || !strings.Contains(fromBase, "([\"[ingress-controller]\"]):::pseudo") {
		t.Errorf("graph of the base prints\n%s\nwant the evaluator's picture:\n%s", fromBase, evaluated.String())
	}
	dot, err := run(t, nil, "-f", golden+"/kubenetgen.yaml", "--format", "dot")
	if err != nil || !strings.HasPrefix(dot, "digraph flows {") {
		t.Errorf("--format dot: %v\n%s", err, dot)
	}
}

// TestFolderDrawsWhatItHolds: a base whose api policy no longer admits
// web is drawn without that edge, and with every other one: the picture
// of a folder is the manifests', not the spec's.
func TestFolderDrawsWhatItHolds(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(golden+"/base")); err != nil {
		t.Fatal(err)
	}
	api, err := os.ReadFile(dir + "/tiers/api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	from := "app.kubernetes.io/component: web\n          app.kubernetes.io/name: shop\n    ports:\n    - port: http"
	if strings.Count(string(api), from) != 1 {
		t.Fatalf("tiers/api.yaml of %s no longer admits web as this test expects", golden)
	}
	edited := strings.Replace(string(api), "component: web\n", "component: nobody\n", 1)
	if err := os.WriteFile(dir+"/tiers/api.yaml", []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	whole, err := run(t, nil, golden+"/base", "-f", golden+"/kubenetgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cut, err := run(t, nil, dir, "-f", golden+"/kubenetgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const webToAPI = "  n2 -->|\"http 9090/TCP\"| n0\n"
	if !strings.Contains(whole, webToAPI) || strings.Replace(whole, webToAPI, "", 1) != cut {
		t.Errorf("graph of the edited base prints\n%s\nwant the whole base's picture without %q:\n%s", cut, webToAPI, whole)
	}
}

// TestFormats refuses an unknown format as a usage error, and svg without
// Graphviz's dot with a message saying what to do.
func TestFormats(t *testing.T) {
	_, err := run(t, nil, "-f", golden+"/kubenetgen.yaml", "--format", "png")
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), `--format "png" is not supported: use one of mermaid, dot, svg`) {
		t.Errorf("--format png: %v", err)
	}
	noDot := func(string) (string, error) { return "", errors.New("not found") }
	out, err := run(t, noDot, "-f", golden+"/kubenetgen.yaml", "--format", "svg")
	if err == nil || out != "" || !strings.Contains(err.Error(), "--format svg needs Graphviz's dot on PATH") {
		t.Errorf("--format svg without dot: %v, output %q", err, out)
	}
}

// TestBadSpec reports the spec's problems in the one style.
func TestBadSpec(t *testing.T) {
	p := t.TempDir() + "/kubenetgen.yaml"
	os.WriteFile(p, []byte("apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: Shop\ntiers: []\n"), 0o644)
	_, err := run(t, nil, "-f", p)
	if err == nil || !strings.Contains(err.Error(), "2 problems") || !strings.Contains(err.Error(), "name: \"Shop\"") {
		t.Errorf("bad spec: %v", err)
	}
}
