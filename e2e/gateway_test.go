//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
)

// gatewayCRDs are the standard-channel Gateway API CRDs the Gateway cases
// need, as shipped in the module sigs.k8s.io/gateway-api.
var gatewayCRDs = []string{"gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants", "listenersets"}

// installGatewayCRDs installs the Gateway API CRDs from the Go module cache
// (the version go.mod names), so that the API server checks the Gateway
// cases' objects with the CRDs' own schemas and CEL rules. They are
// applied server-side: httproutes is over the 256 KiB limit of the
// last-applied annotation that a client-side apply writes.
func installGatewayCRDs(ctx context.Context, c *cluster.Cluster) error {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("locating sigs.k8s.io/gateway-api in the module cache: %w", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard")
	args := []string{"apply", "--server-side", "--field-manager", "kubenetgen-e2e"}
	var names []string
	for _, c := range gatewayCRDs {
		args = append(args, "-f", filepath.Join(dir, "gateway.networking.k8s.io_"+c+".yaml"))
		names = append(names, "crd/"+c+".gateway.networking.k8s.io")
	}
	if _, stderr, err := c.Kubectl(ctx, nil, args...); err != nil {
		return fmt.Errorf("kubectl apply of the Gateway API CRDs: %v\n%s", err, stderr)
	}
	if _, stderr, err := c.Kubectl(ctx, nil, append([]string{"wait", "--for", "condition=Established", "--timeout", "60s"}, names...)...); err != nil {
		return fmt.Errorf("waiting for the Gateway API CRDs: %v\n%s", err, stderr)
	}
	return nil
}
