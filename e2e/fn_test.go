//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKRMFunctionBase applies a base built through the KRM function: kubenetgen
// init --krm writes the spec and a kustomization listing it under
// generators:, the kustomize CLI (tools/kustomize) builds it running
// kubenetgen fn, and the objects it prints go through the same checks as
// every written base.
func TestKRMFunctionBase(t *testing.T) {
	bin := kubenetgenBinary(t)
	out, err := exec.Command("bash", filepath.Join(repoRoot, "tools", "kustomize", "build.sh")).Output()
	if err != nil {
		t.Fatalf("building the kustomize CLI: %v", err)
	}
	kustomize := strings.TrimSpace(string(out))
	work := t.TempDir()
	run(t, work, bin, "init", "fn", "--krm", "--no-prompt", "--preset", "three-tier",
		"--name", "fnapp", "--namespace", "kubenetgen-e2e-fn", "--tls-self-signed",
		"--rule", "fn.localhost/=web:http,tls=fn-tls")
	// kustomize runs the function by the name the annotation gives, from PATH.
	build := exec.Command(kustomize, "build", "--enable-alpha-plugins", "--enable-exec", filepath.Join(work, "fn"))
	build.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	objs, err := build.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("kustomize build through kubenetgen fn: %v\n%s", err, stderr)
	}
	// kubectl apply -k runs no exec function: apply what the build printed,
	// as a plain kustomization of one file.
	base := filepath.Join(work, "built")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "objects.yaml"), objs, 0o644); err != nil {
		t.Fatal(err)
	}
	k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- objects.yaml\n"
	if err := os.WriteFile(filepath.Join(base, "kustomization.yaml"), []byte(k), 0o644); err != nil {
		t.Fatal(err)
	}
	checkBase(t, "init --krm (kubenetgen fn)", base)
}
