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
	// often than the default (a small app then needs no collection at all),
	// but keep a large one under about 100 MiB of heap. A user's GOGC or
	// GOMEMLIMIT wins.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(100 << 20)
	}
	os.Exit(root.Main())
}
