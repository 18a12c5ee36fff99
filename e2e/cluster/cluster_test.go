//go:build e2e

package cluster

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStartStopLeavesNoProcesses starts a whole cluster, checks that it runs
// workloads' prerequisites, stops it, and checks that every process group it
// started is gone and its temporary directory removed.
func TestStartStopLeavesNoProcesses(t *testing.T) {
	began := time.Now()
	c, err := Start(context.Background(), Config{Logf: t.Logf})
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })

	out, _, err := c.Kubectl(context.Background(), nil, "get", "nodes", "--no-headers")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out, " Ready "); got != 3 {
		t.Errorf("Ready nodes = %d, want 3; kubectl get nodes:\n%s", got, out)
	}

	pids := c.PIDs()
	for _, name := range []string{Etcd, KubeAPIServer, KubeControllerManager, KubeScheduler, Kwok} {
		if pids[name] == 0 {
			t.Errorf("PIDs() has no %s: %v", name, pids)
		}
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	for name, pid := range pids {
		live, err := GroupMembers(pid)
		if err != nil {
			t.Fatal(err)
		}
		if len(live) > 0 {
			t.Errorf("after Stop, process group of %s (%d) still has live processes %v", name, pid, live)
		}
	}
	if _, err := os.Stat(c.Dir); !os.IsNotExist(err) {
		t.Errorf("after Stop, cluster directory %s: stat error %v, want it removed", c.Dir, err)
	}
	t.Logf("start, check and stop took %s", time.Since(began).Round(time.Millisecond))
}

// TestPodIPsDistinct wants every pod's IP distinct and inside its node's
// spec.podCIDR when kwok meets many pods of a node at once. kwok makes a
// node's IP pool on first use, and a race there once gave two pods the same
// address: here each node is registered only after its pods are bound to
// it, so kwok receives them in one burst, the way it receives a
// ReplicaSet's pods bound together.
func TestPodIPsDistinct(t *testing.T) {
	const nodes, perNode = 10, 8
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := Start(ctx, Config{Nodes: 1, NodePodCIDRs: []string{"10.244.0.0/24"}, Logf: t.Logf})
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })

	cidrOf := map[string]netip.Prefix{}
	for i := range nodes {
		node := fmt.Sprintf("late-node-%d", i)
		cidr := netip.MustParsePrefix(fmt.Sprintf("10.244.%d.0/24", i+1))
		cidrOf[node] = cidr
		for j := range perNode {
			err := c.post(ctx, "/api/v1/namespaces/default/pods", map[string]any{
				"apiVersion": "v1", "kind": "Pod",
				"metadata": map[string]any{"name": fmt.Sprintf("p%d-%d", i, j)},
				"spec": map[string]any{
					"nodeName":                     node,
					"automountServiceAccountToken": false,
					"containers":                   []any{map[string]any{"name": "c", "image": "registry.example/c:1"}},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		err := c.post(ctx, "/api/v1/nodes", map[string]any{
			"apiVersion": "v1", "kind": "Node",
			"metadata": map[string]any{"name": node, "annotations": map[string]string{fakeNodeAnnotation: "fake"}},
			"spec":     map[string]any{"podCIDR": cidr.String(), "podCIDRs": []string{cidr.String()}},
			"status":   map[string]any{"capacity": nodeResources, "allocatable": nodeResources},
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	type livePod struct {
		Metadata struct{ Name string }
		Spec     struct{ NodeName string }
		Status   struct{ PodIP string }
	}
	var pods []livePod
	err = c.waitFor(ctx, "every pod with an IP", func() (bool, error) {
		var list struct{ Items []livePod }
		if _, err := c.get(ctx, "/api/v1/namespaces/default/pods", &list); err != nil {
			return false, err
		}
		for _, p := range list.Items {
			if p.Status.PodIP == "" {
				return false, fmt.Errorf("pod %s has no IP yet", p.Metadata.Name)
			}
		}
		pods = list.Items
		return len(pods) == nodes*perNode, fmt.Errorf("%d pods, want %d", len(pods), nodes*perNode)
	})
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{}
	for _, p := range pods {
		if o, ok := owner[p.Status.PodIP]; ok {
			t.Errorf("pods %s and %s both have IP %s", o, p.Metadata.Name, p.Status.PodIP)
		}
		owner[p.Status.PodIP] = p.Metadata.Name
		if cidr := cidrOf[p.Spec.NodeName]; !cidr.Contains(netip.MustParseAddr(p.Status.PodIP)) {
			t.Errorf("pod %s on %s has IP %s, outside the node's %s", p.Metadata.Name, p.Spec.NodeName, p.Status.PodIP, cidr)
		}
	}
}

// TestStartReportsFailingComponent makes kube-apiserver refuse to start and
// checks that Start says so with the apiserver's own words rather than
// timing out, and leaves nothing running.
func TestStartReportsFailingComponent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cluster")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := Start(ctx, Config{
		Dir:       dir,
		ExtraArgs: map[string][]string{KubeAPIServer: {"--no-such-flag-for-the-test"}},
	})
	if err == nil {
		t.Fatal("Start() with a bad apiserver flag succeeded, want an error")
	}
	t.Logf("Start() error, as a user sees it:\n%v", err)
	for _, want := range []string{"kube-apiserver exited", "no-such-flag-for-the-test"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Start() error lacks %q:\n%v", want, err)
		}
	}
	if ctx.Err() != nil {
		t.Errorf("Start() waited for its deadline instead of reporting the failure")
	}
	if pids := processesMentioning(t, dir); len(pids) > 0 {
		t.Errorf("after a failed Start, processes of the cluster remain: %v", pids)
	}
}

// TestPortInUseIsRetried hands etcd a port that is already bound and checks
// that it is started again on another one.
func TestPortInUseIsRetried(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port

	c := newBareCluster(t)
	first := true
	c.pickPort = func() (int, error) {
		if first {
			first = false
			return busyPort, nil
		}
		return c.freePort()
	}
	url, err := c.startEtcd(context.Background())
	if err != nil {
		t.Fatalf("startEtcd() = %v", err)
	}
	if strings.HasSuffix(url, ":"+strconv.Itoa(busyPort)) {
		t.Errorf("startEtcd() = %s, the busy port", url)
	}
	if n := len(c.procs); n != 2 {
		t.Errorf("etcd was started %d times, want 2 (one clash, one success)", n)
	}
}

// TestChildrenDieWithTheirParent runs a helper process that starts etcd and
// then is either killed outright or interrupted, and checks that etcd does
// not outlive it in either case.
func TestChildrenDieWithTheirParent(t *testing.T) {
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
	}{
		{"SIGKILL", syscall.SIGKILL}, // the parent-death signal
		{"SIGINT", syscall.SIGINT},   // StopOnInterrupt
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cluster")
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "CLUSTER_HELPER_DIR="+dir)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// The helper prints etcd's pid once etcd is ready.
			var pid int
			if _, err := fmt.Fscanf(stdout, "etcd %d\n", &pid); err != nil {
				_ = cmd.Process.Kill()
				t.Fatalf("reading the helper's etcd pid: %v", err)
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if err := waitGroupGone(pid, 15*time.Second); err != nil {
				_ = syscall.Kill(-pid, syscall.SIGKILL)
				t.Errorf("etcd outlived its parent after %s: %v", tc.name, err)
			}
		})
	}
}

// TestMain runs the helper process of TestChildrenDieWithTheirParent when
// asked to, and the tests otherwise.
func TestMain(m *testing.M) {
	if dir := os.Getenv("CLUSTER_HELPER_DIR"); dir != "" {
		helperStartEtcd(dir)
		return
	}
	os.Exit(m.Run())
}

// helperStartEtcd starts etcd, prints its pid and waits to be signalled; it
// exits by itself after a minute should its parent forget it.
func helperStartEtcd(dir string) {
	bin, err := DefaultBinDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c, err := newBareClusterWith(dir, bin, func(string, ...any) {})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stop := c.StopOnInterrupt()
	defer stop()
	if _, err := c.startEtcd(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("etcd %d\n", c.PIDs()[Etcd])
	time.Sleep(time.Minute)
	_ = c.Stop()
}

// newBareCluster returns a Cluster ready to start single components, as
// Start would have prepared it, stopped at the end of the test.
func newBareCluster(t *testing.T) *Cluster {
	t.Helper()
	c := newBareClusterIn(t, t.TempDir())
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

func newBareClusterIn(t *testing.T, dir string) *Cluster {
	t.Helper()
	bin, err := DefaultBinDir()
	if err != nil {
		t.Fatal(err)
	}
	c, err := newBareClusterWith(dir, bin, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newBareClusterWith(dir, bin string, logf func(string, ...any)) (*Cluster, error) {
	for _, d := range []string{"logs", "etcd"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	c := &Cluster{
		Dir:      dir,
		cfg:      Config{BinDir: bin, Logf: logf},
		usedPort: map[int]bool{},
		spawner:  newSpawner(),
		client:   &http.Client{Timeout: 5 * time.Second},
	}
	c.pickPort = c.freePort
	return c, nil
}

// processesMentioning lists live processes whose command line contains s.
func processesMentioning(t *testing.T, s string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if commandLineMentions(pid, s) {
			if live, _ := GroupMembers(pid); len(live) > 0 {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}
