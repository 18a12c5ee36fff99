//go:build kubescore

package generate_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

// kubeScore runs kube-score (the binary KUBESCORE names, built by
// tools/kubescore/build.sh) on manifests and returns its CRITICAL and
// WARNING lines.
func kubeScore(t *testing.T, manifests []byte) (critical, warning []string) {
	t.Helper()
	bin := os.Getenv("KUBESCORE")
	if bin == "" {
		t.Fatal("KUBESCORE is not set: run make score, which builds kube-score")
	}
	cmd := exec.Command(bin, "score", "--output-format", "ci", "-")
	cmd.Stdin = bytes.NewReader(manifests)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	for line := range strings.Lines(string(out)) {
		switch {
		case strings.HasPrefix(line, "[CRITICAL]"):
			critical = append(critical, strings.TrimSpace(line))
		case strings.HasPrefix(line, "[WARNING]"):
			warning = append(warning, strings.TrimSpace(line))
		}
	}
	// kube-score exits 1 when it finds a CRITICAL; any other failure is
	// the run's own.
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1 && len(critical) > 0) {
		t.Fatalf("kube-score: %v\n%s", err, stderr.String())
	}
	return critical, warning
}

// TestKubeScore scores every golden base, as kustomize builds it, and
// wants no CRITICAL finding (and no ignore annotation to hide one).
func TestKubeScore(t *testing.T) {
	for _, c := range goldenCases(t) {
		dir, err := filepath.Abs(filepath.Join(c.dir, "base"))
		if err != nil {
			t.Fatal(err)
		}
		m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
		if err != nil {
			t.Fatalf("%s: kustomize build: %v", c.name, err)
		}
		y, err := m.AsYaml()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(y, []byte("kube-score/ignore")) {
			t.Errorf("%s: the base hides findings with a kube-score/ignore annotation", c.name)
		}
		critical, warning := kubeScore(t, y)
		// allow-acme-solver selects the pods cert-manager starts during an
		// ACME HTTP-01 challenge, and the data-plane policy of an own
		// Gateway the pods its implementation deploys; no base holds
		// either, so kube-score can only say that they select none of the
		// base's pods. Every other policy must select some.
		critical = slices.DeleteFunc(critical, func(f string) bool {
			if !strings.HasSuffix(f, "The NetworkPolicys selector doesn't match any pods") {
				return false
			}
			return strings.Contains(f, "] "+generate.PolicyACMESolver+"/") || strings.Contains(f, "] "+spec.GatewayPolicyName+"/")
		})
		t.Logf("%s: %d CRITICAL, %d WARNING", c.name, len(critical), len(warning))
		if len(critical) > 0 {
			t.Errorf("%s: kube-score reports CRITICAL:\n%s", c.name, strings.Join(critical, "\n"))
		}
	}
}

// TestKubeScoreCatchesDefects: the same run on a base with a pull policy
// other than Always and identical probes reports both, so a silent
// kube-score cannot pass the test above.
func TestKubeScoreCatchesDefects(t *testing.T) {
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(goldenDir, "three-tier-tls", "base"))
	if err != nil {
		t.Fatal(err)
	}
	y, _ := m.AsYaml()
	y = bytes.ReplaceAll(y, []byte("imagePullPolicy: Always"), []byte("imagePullPolicy: IfNotPresent"))
	y = bytes.ReplaceAll(y, []byte("runAsUser: 10001"), []byte("runAsUser: 999"))
	critical, _ := kubeScore(t, y)
	for _, want := range []string{"ImagePullPolicy is not set to Always", "low user ID"} {
		if !strings.Contains(strings.Join(critical, "\n"), want) {
			t.Errorf("kube-score did not report %q; CRITICAL findings:\n%s", want, strings.Join(critical, "\n"))
		}
	}
}
