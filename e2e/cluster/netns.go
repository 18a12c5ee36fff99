package cluster

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// NetnsPath is where ip netns add puts the handle of a named network
// namespace.
func NetnsPath(name string) string { return filepath.Join("/run/netns", name) }

// InNetns runs fn on an OS thread switched into the named network namespace
// (one made by ip netns add), and switches the thread back after. Sockets fn
// opens stay in that namespace for their whole life, whichever thread uses
// them later; nothing else of the process changes namespace. If the thread
// cannot be switched back it is discarded rather than returned to the
// scheduler, so no other goroutine ever runs in the wrong namespace.
func InNetns(name string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		home, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("opening this thread's network namespace: %w", err)
			return
		}
		defer home.Close()
		target, err := os.Open(NetnsPath(name))
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("opening network namespace %s: %w", name, err)
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("entering network namespace %s: %w", name, err)
			return
		}
		err = fn()
		if unix.Setns(int(home.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		} // else the goroutine ends locked and the runtime retires the thread
		errc <- err
	}()
	return <-errc
}

// dialInNetns returns a DialContext that opens its connections inside the
// named network namespace.
func dialInNetns(name string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var conn net.Conn
		err := InNetns(name, func() error {
			var d net.Dialer
			var err error
			conn, err = d.DialContext(ctx, network, addr)
			return err
		})
		return conn, err
	}
}

// inNetnsCommand rewrites a command line so that it runs in the cluster's
// network namespace, if it has one. ip netns exec replaces itself with the
// command, so the process id stays the one started.
func (c *Cluster) inNetnsCommand(bin string, args []string) (string, []string) {
	if c.cfg.Netns == "" {
		return bin, args
	}
	return "ip", append([]string{"netns", "exec", c.cfg.Netns, bin}, args...)
}
