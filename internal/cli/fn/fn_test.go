package fn

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/api/krusty"
	ktypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	sigsyaml "sigs.k8s.io/yaml"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/krm"
	"github.com/kubenetgen/kubenetgen/spec"
)

// childEnv makes the test binary act as `kubenetgen fn` when kustomize
// runs it as the exec function, so the tests need no separate build.
const childEnv = "KUBENETGEN_FN_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" && len(os.Args) == 2 && os.Args[1] == krm.Command {
		cmd := NewCmdFn(&cmdutil.Factory{IOStreams: iostreams.System()}, nil)
		cmd.SetArgs([]string{})
		cmd.SilenceUsage = true
		if err := cmd.Execute(); err != nil {
			os.Exit(cmdutil.ExitCode(err))
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const goldenDir = "../../../golden"

// goldenCase is a folder of golden/: its spec and the base generate writes
// from it (TestGolden in package generate holds the two together).
type goldenCase struct{ name, specPath, base string }

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenCase
	for _, e := range entries {
		if e.IsDir() {
			d, _ := filepath.Abs(filepath.Join(goldenDir, e.Name()))
			out = append(out, goldenCase{e.Name(), filepath.Join(d, "kubenetgen.yaml"), filepath.Join(d, "base")})
		}
	}
	if len(out) < 8 {
		t.Fatalf("found %d golden cases, want at least 8", len(out))
	}
	return out
}

// functionBase writes into a new folder what kubenetgen init --krm writes
// for the case: the spec annotated to run exe as the function, the
// kustomization listing it under generators:, and the base's self-signed
// pairs. It returns the folder.
func functionBase(t *testing.T, c goldenCase, exe string) string {
	t.Helper()
	data, err := os.ReadFile(c.specPath)
	if err != nil {
		t.Fatal(err)
	}
	app, err := spec.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	krm.Annotate(app, exe)
	specData, err := spec.Marshal(app)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	k, err := krm.Kustomization("kubenetgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "kubenetgen.yaml"), specData)
	write(t, filepath.Join(dir, "kustomization.yaml"), k)
	pairs, _ := filepath.Glob(filepath.Join(c.base, "tls", "*"))
	for _, p := range pairs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, "tls", filepath.Base(p)), b)
	}
	return dir
}

func write(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// build runs kustomize in-process over dir as kustomize build does (its
// output order), with exec functions enabled when exec is set.
func build(t *testing.T, dir string, exec bool) ([]byte, error) {
	t.Helper()
	o := gen.KustomizeOptions()
	if exec {
		o.PluginConfig = ktypes.EnabledPluginConfig(ktypes.BploUseStaticallyLinked)
		o.PluginConfig.FnpLoadingOptions.EnableExec = true
	}
	m, err := krusty.MakeKustomizer(o).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// TestFunctionMatchesBase builds every golden case twice, in-process: the
// base that generate writes, and a kustomization that lists the spec under
// generators: so that kustomize runs kubenetgen fn; the objects must be
// the same, byte for byte.
func TestFunctionMatchesBase(t *testing.T) {
	t.Setenv(childEnv, "1")
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			want, err := build(t, c.base, false)
			if err != nil {
				t.Fatalf("kustomize build of the base: %v", err)
			}
			got, err := build(t, functionBase(t, c, os.Args[0]), true)
			if err != nil {
				t.Fatalf("kustomize build through the function: %v", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("objects through the function differ from the base's (-base +function):\n%s", diff)
			}
		})
	}
}

// run runs the function over a ResourceList and returns its output and
// the command's error.
func run(t *testing.T, in, dir string) (string, error) {
	t.Helper()
	ios, stdin, stdout, _ := iostreams.Test()
	stdin.WriteString(in)
	cmd := NewCmdFn(&cmdutil.Factory{IOStreams: ios}, nil)
	cmd.SetArgs([]string{"--dir", dir})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return stdout.String(), err
}

// TestProblemsAsResults returns each problem of the spec as an error
// result naming its field, and fails with kubenetgen's one report.
func TestProblemsAsResults(t *testing.T) {
	in := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items: []
functionConfig:
  apiVersion: kubenetgen.dev/v1alpha1
  kind: App
  metadata:
    name: shop
  name: shop
  tiers:
    - name: Web
      image: w
      ports: [{name: http, port: 80}]
    - name: api
      image: a
      ports: [{name: http, port: 70000}]
`
	out, err := run(t, in, t.TempDir())
	if err == nil || !strings.HasPrefix(err.Error(), "functionConfig App shop: 2 problems") {
		t.Fatalf("error = %v, want the report of 2 problems", err)
	}
	rl := readResults(t, out)
	var fields []string
	for _, r := range rl {
		if r.Severity != framework.Error || r.ResourceRef == nil || r.ResourceRef.Name != "shop" || r.ResourceRef.Kind != "App" {
			t.Errorf("result %+v: want severity error on App shop", r)
		}
		fields = append(fields, r.Field.Path)
	}
	if want := []string{"tiers[0].name", "tiers[1].ports[0].port"}; !cmp.Equal(fields, want) {
		t.Errorf("result fields = %q, want %q\n%s", fields, want, out)
	}
}

func readResults(t *testing.T, out string) framework.Results {
	t.Helper()
	rw := &kio.ByteReader{Reader: strings.NewReader(out)}
	if _, err := rw.Read(); err != nil {
		t.Fatalf("reading the output ResourceList: %v\n%s", err, out)
	}
	if rw.Results == nil {
		t.Fatalf("no results in\n%s", out)
	}
	var rs framework.Results
	s, _ := rw.Results.String()
	if err := yamlUnmarshal([]byte(s), &rs); err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestSelfSignedNeedsPair refuses to make a certificate in function mode
// and names the files it wants.
func TestSelfSignedNeedsPair(t *testing.T) {
	var c goldenCase
	for _, g := range goldenCases(t) {
		if g.name == "self-signed-tls" {
			c = g
		}
	}
	dir := functionBase(t, c, "kubenetgen")
	if err := os.RemoveAll(filepath.Join(dir, "tls")); err != nil {
		t.Fatal(err)
	}
	specData, _ := os.ReadFile(filepath.Join(dir, "kubenetgen.yaml"))
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n" + indent(string(specData))
	out, err := run(t, in, dir)
	if err == nil || !strings.Contains(err.Error(), "ingress.tlsSelfSigned: secret shop-tls: tls/shop-tls.crt and tls/shop-tls.key must sit beside") {
		t.Fatalf("error = %v, want the missing pair named", err)
	}
	if rs := readResults(t, out); len(rs) != 2 || rs[0].Field.Path != "ingress.tlsSelfSigned" {
		t.Errorf("results = %v, want one per missing pair", rs)
	}
	// With the pairs in place the same run succeeds.
	dir = functionBase(t, c, "kubenetgen")
	out, err = run(t, in, dir)
	if err != nil || !bytes.Contains([]byte(out), []byte("type: kubernetes.io/tls")) {
		t.Errorf("with the pairs: error %v, output\n%s", err, out)
	}
}

func indent(s string) string {
	var b strings.Builder
	for l := range strings.Lines(s) {
		b.WriteString("  " + l)
	}
	return b.String()
}

func yamlUnmarshal(data []byte, v any) error { return sigsyaml.Unmarshal(data, v) }
