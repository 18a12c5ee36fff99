// Command kubenetgen writes the Kubernetes networking baseline of a
// multi-tier application as a kustomize base.
package main

import (
	"os"

	"github.com/kubenetgen/kubenetgen/internal/cli/root"
)

func main() {
	os.Exit(root.Main())
}
