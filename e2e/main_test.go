//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
)

// The cluster is shared by every test of the binary: starting one takes
// seconds, but the cases only need it clean between them, which deleting
// each case's namespace provides.
var (
	testCluster *cluster.Cluster
	repoRoot    string

	summaryMu sync.Mutex
	summary   []string // one line per checked base, printed at the end
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	began := time.Now()
	var err error
	if repoRoot, err = cluster.RepoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: kubectl is needed on PATH:", err)
		return 1
	}
	testCluster, err = cluster.Start(context.Background(), cluster.Config{
		Logf: func(format string, a ...any) { fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", a...) },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting the cluster:", err)
		return 1
	}
	clusterUp := time.Since(began)
	cancel := testCluster.StopOnInterrupt()
	if err := installGatewayCRDs(context.Background(), testCluster); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		cancel()
		_ = testCluster.Stop()
		return 1
	}
	code := m.Run()
	cancel()
	if kubenetgen != "" {
		_ = os.RemoveAll(filepath.Dir(kubenetgen))
	}
	if code != 0 {
		testCluster.KeepDir()
		fmt.Fprintf(os.Stderr, "e2e: the cluster's logs are kept in %s\n", filepath.Join(testCluster.Dir, "logs"))
	}
	if err := testCluster.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: stopping the cluster:", err)
		code = 1
	}
	for _, line := range summary {
		fmt.Fprintln(os.Stderr, "e2e:", line)
	}
	fmt.Fprintf(os.Stderr, "e2e: %d bases checked; cluster start %s; total %s\n",
		len(summary), clusterUp.Round(100*time.Millisecond), time.Since(began).Round(100*time.Millisecond))
	return code
}

// recordSummary adds one line to the summary printed after all tests.
func recordSummary(format string, a ...any) {
	summaryMu.Lock()
	defer summaryMu.Unlock()
	summary = append(summary, fmt.Sprintf(format, a...))
}

var (
	buildOnce   sync.Once
	kubenetgen  string
	buildErr    error
	buildOutput []byte
)

// kubenetgenBinary builds cmd/kubenetgen once per test binary and returns its
// path. A missing or broken command fails the calling test: the example and
// the wizard cannot be checked without it.
func kubenetgenBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(repoRoot, "cmd", "kubenetgen")); err != nil {
			buildErr = fmt.Errorf("cmd/kubenetgen does not exist: %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "kubenetgen-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		kubenetgen = filepath.Join(dir, "kubenetgen")
		cmd := exec.Command("go", "build", "-o", kubenetgen, "./cmd/kubenetgen")
		cmd.Dir = repoRoot
		buildOutput, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building cmd/kubenetgen: %v\n%s", buildErr, buildOutput)
	}
	return kubenetgen
}
