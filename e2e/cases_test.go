//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenBases applies every golden case's base, golden/*/base.
func TestGoldenBases(t *testing.T) {
	bases, err := filepath.Glob(filepath.Join(repoRoot, "golden", "*", "base", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(bases) == 0 {
		t.Fatalf("no golden bases: nothing matches golden/*/base/kustomization.yaml under %s", repoRoot)
	}
	for _, k := range bases {
		dir := filepath.Dir(k)
		name := filepath.Base(filepath.Dir(dir))
		t.Run(name, func(t *testing.T) { checkBase(t, "golden/"+name, dir) })
	}
}

// TestExamples renders each bundled example spec, examples/*/kubenetgen.yaml,
// with kubenetgen generate and applies the result.
func TestExamples(t *testing.T) {
	specs, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "kubenetgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) == 0 {
		t.Fatalf("no bundled example: nothing matches examples/*/kubenetgen.yaml under %s", repoRoot)
	}
	bin := kubenetgenBinary(t)
	for _, spec := range specs {
		name := filepath.Base(filepath.Dir(spec))
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "base")
			run(t, "", bin, "generate", "-f", spec, "-o", out)
			checkBase(t, "examples/"+name, out)
		})
	}
}

// TestInitNoPrompt drives the wizard's non-interactive path: kubenetgen init
// with every answer given as flags and prompting disabled writes a base,
// which then goes through the same checks as the golden cases.
func TestInitNoPrompt(t *testing.T) {
	bin := kubenetgenBinary(t)
	if out, err := exec.Command(bin, "init", "--help").CombinedOutput(); err != nil || !strings.Contains(string(out), "--no-prompt") {
		t.Skipf("kubenetgen init with --no-prompt does not exist yet (init --help: %v)\n%s", err, out)
	}
	work := t.TempDir()
	run(t, work, bin, "init", "base", "--no-prompt",
		"--name", "initapp",
		"--namespace", "kubenetgen-e2e-init",
		"--tier", "name=web,image=registry.example/web:1.0,port=http:8080,replicas=2,expose=ClusterIP",
		"--tier", "name=api,image=registry.example/api:1.0,port=http:9090,replicas=2,expose=ClusterIP",
		"--tier", "name=admin,image=registry.example/admin:1.0,port=http:8081,expose=NodePort,nodePort=30081",
		"--allow", "web->api",
		"--allow", "admin->api",
		"--ingress-class", "traefik",
		"--rule", "init.example.com/=web:http",
	)
	base := filepath.Join(work, "base")
	for _, f := range []string{"kubenetgen.yaml", "kustomization.yaml"} {
		if _, err := os.Stat(filepath.Join(base, f)); err != nil {
			t.Fatalf("kubenetgen init wrote no %s: %v", f, err)
		}
	}
	checkBase(t, "init --no-prompt", base)
}

// run runs a command in dir with standard input closed (so nothing can
// prompt) and fails the test with its output if it fails.
func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}
