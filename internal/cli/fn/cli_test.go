//go:build kustomizecli

package fn

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kustomize runs the kustomize CLI that KUSTOMIZE names (built by
// tools/kustomize/build.sh) with args, and returns its standard output
// and error.
func kustomize(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	bin := os.Getenv("KUSTOMIZE")
	if bin == "" {
		t.Fatal("KUSTOMIZE is not set: run make kustomize-cli, which builds the kustomize CLI")
	}
	cmd := exec.Command(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// TestKustomizeCLI builds every golden case with the kustomize CLI twice:
// the base that generate writes, and a kustomization listing the spec
// under generators: (kustomize build --enable-alpha-plugins
// --enable-exec); the output must be the same, byte for byte.
func TestKustomizeCLI(t *testing.T) {
	t.Setenv(childEnv, "1")
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			want, stderr, err := kustomize(t, "build", c.base)
			if err != nil {
				t.Fatalf("kustomize build %s: %v\n%s", c.base, err, stderr)
			}
			dir := functionBase(t, c, os.Args[0])
			got, stderr, err := kustomize(t, "build", "--enable-alpha-plugins", "--enable-exec", dir)
			if err != nil {
				t.Fatalf("kustomize build through the function: %v\n%s", err, stderr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("objects through the function differ from the base's (-base +function):\n%s", diff)
			}
		})
	}
}

// TestKustomizeCLIProblems fails the build on a bad spec with kubenetgen's
// report, naming the field.
func TestKustomizeCLIProblems(t *testing.T) {
	t.Setenv(childEnv, "1")
	c := goldenCases(t)[0]
	dir := functionBase(t, c, os.Args[0])
	p := filepath.Join(dir, "kubenetgen.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("\nname: "), []byte("\nname: Not_Valid-"), 1)
	write(t, p, data)
	out, stderr, err := kustomize(t, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	if err == nil || out != "" {
		t.Fatalf("kustomize build of a bad spec succeeded:\n%s", out)
	}
	if !strings.Contains(stderr, "1 problem") || !strings.Contains(stderr, "  name: \"Not_Valid-") {
		t.Errorf("stderr does not carry kubenetgen's report naming the field:\n%s", stderr)
	}
}
