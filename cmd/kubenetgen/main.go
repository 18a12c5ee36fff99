// Command kubenetgen writes the Kubernetes networking baseline of a
// multi-tier application as a kustomize base.
package main

import (
	"os"
	"runtime/debug"

	"github.com/kubenetgen/kubenetgen/internal/cli/root"
)

func main() {
	// A run is short and its garbage dies with the process: collect less
	// often than the default, unless the user tuned the collector.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(root.Main())
}
