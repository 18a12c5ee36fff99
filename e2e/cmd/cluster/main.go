// Command cluster starts and stops a local control plane for trying the
// generated bases by hand (make cluster-up, make cluster-down). The cluster
// keeps running after "up" returns; its state, logs and kubeconfig live in
// the directory given by -dir.
//
// Usage:
//
//	cluster up   [-dir .cache/cluster] [-nodes 3]
//	cluster down [-dir .cache/cluster]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one subcommand and returns the exit code. The export line goes
// to stdout so that `eval "$(cluster up)"` works; progress goes to stderr.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: cluster up|down [-dir DIR] [-nodes N]")
		return 2
	}
	fs := flag.NewFlagSet("cluster "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "directory for the cluster's state, logs and kubeconfig (default .cache/cluster at the repository root)")
	nodes := fs.Int("nodes", 3, "number of fake nodes")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *dir == "" {
		root, err := cluster.RepoRoot()
		if err != nil {
			fmt.Fprintln(stderr, "cluster:", err)
			return 1
		}
		*dir = filepath.Join(root, ".cache", "cluster")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "cluster:", err)
		return 1
	}

	switch args[0] {
	case "up":
		err = up(abs, *nodes, stdout, stderr)
	case "down":
		_, stateErr := cluster.LoadState(abs)
		if err = cluster.Down(abs); err == nil {
			if errors.Is(stateErr, os.ErrNotExist) {
				fmt.Fprintf(stderr, "no cluster recorded in %s; nothing to stop\n", abs)
			} else {
				fmt.Fprintf(stderr, "cluster in %s stopped\n", abs)
			}
		}
	default:
		fmt.Fprintf(stderr, "cluster: unknown subcommand %q (want up or down)\n", args[0])
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "cluster:", err)
		return 1
	}
	return 0
}

func up(dir string, nodes int, stdout, stderr io.Writer) error {
	if s, err := cluster.LoadState(dir); err == nil {
		return fmt.Errorf("a cluster is already recorded in %s (kubeconfig %s); run make cluster-down first", dir, s.Kubeconfig)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	// Leftovers of a cluster that failed to start would confuse the next
	// one's etcd.
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clearing %s: %w", dir, err)
	}
	c, err := cluster.Start(context.Background(), cluster.Config{
		Dir:    dir,
		Nodes:  nodes,
		Detach: true,
		Logf:   func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) },
	})
	if err != nil {
		return err
	}
	if err := c.SaveState(); err != nil {
		return errors.Join(err, c.Stop())
	}
	fmt.Fprintf(stderr, "cluster running; logs in %s; stop it with make cluster-down\n", filepath.Join(dir, "logs"))
	fmt.Fprintf(stdout, "export KUBECONFIG=%s\n", c.Kubeconfig)
	return nil
}
