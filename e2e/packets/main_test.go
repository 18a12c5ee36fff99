//go:build e2e

package packets

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
)

var (
	repoRoot string
	binDir   string
	// cannot says why this machine cannot run the real-packet tests; empty
	// when it can.
	cannot string
	// prefix begins the name of every network namespace this run creates:
	// "kng<pid>-", so that a later run can tell a leftover of a dead run
	// from one of a live run.
	prefix = fmt.Sprintf("kng%d-", os.Getpid())
	began  = time.Now()
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	var err error
	if repoRoot, err = cluster.RepoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "packets:", err)
		return 1
	}
	if binDir, err = cluster.DefaultBinDir(); err != nil {
		fmt.Fprintln(os.Stderr, "packets:", err)
		return 1
	}
	cannot = missingCapability()
	if cannot != "" {
		fmt.Fprintln(os.Stderr, "packets: the real-packet tests cannot run here:", cannot)
		return m.Run() // each test skips (or fails under CI) with the reason
	}
	removeLeftovers()
	before, err := hostState()
	if err != nil {
		fmt.Fprintln(os.Stderr, "packets: reading the host's network state:", err)
		return 1
	}
	code := m.Run()
	after, err := hostState()
	if err != nil {
		fmt.Fprintln(os.Stderr, "packets: reading the host's network state:", err)
		return 1
	}
	if diff := stateDiff(before, after); diff != "" {
		fmt.Fprintf(os.Stderr, "packets: FAIL: the host's network state changed during the run:\n%s", diff)
		code = 1
	} else {
		fmt.Fprintf(os.Stderr, "packets: the host's network namespaces, addresses, routes, rules, iptables, ipsets and nftables are as before the run\n")
	}
	fmt.Fprintf(os.Stderr, "packets: total %s\n", time.Since(began).Round(100*time.Millisecond))
	return code
}

// needWorld skips the test when this machine cannot run real packets, and
// fails it instead under CI=true: CI must run them.
func needWorld(t *testing.T) {
	t.Helper()
	if cannot == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and the real-packet tests cannot run: %s", cannot)
	}
	t.Skipf("real-packet tests skipped: %s", cannot)
}

// missingCapability returns why the real-packet tests cannot run, or "".
func missingCapability() string {
	if os.Geteuid() != 0 {
		return "they need root (network namespaces, veth pairs, iptables inside them)"
	}
	for _, cmd := range []string{"ip", "iptables", "iptables-save", "ipset", "kubectl"} {
		if _, err := exec.LookPath(cmd); err != nil {
			return fmt.Sprintf("%s is not on PATH (make packages installs iptables and ipset)", cmd)
		}
	}
	for _, b := range []string{cluster.Etcd, cluster.KubeAPIServer, cluster.KubeControllerManager, cluster.KubeScheduler, cluster.Kwok, "kube-router"} {
		if _, err := os.Stat(filepath.Join(binDir, b)); err != nil {
			return fmt.Sprintf("%s is not built in %s (make tools builds it)", b, binDir)
		}
	}
	probe := prefix + "probe"
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		return fmt.Sprintf("cannot create a network namespace (ip netns add: %v: %s)", err, strings.TrimSpace(string(out)))
	}
	if out, err := exec.Command("ip", "netns", "delete", probe).CombinedOutput(); err != nil {
		return fmt.Sprintf("cannot delete a network namespace (ip netns delete: %v: %s)", err, strings.TrimSpace(string(out)))
	}
	return ""
}

var leftover = regexp.MustCompile(`^kng(\d+)-`)

// removeLeftovers deletes the network namespaces of earlier runs whose
// process is gone (killed before it could clean up). Its processes died with
// it (they are killed when the test binary dies), so only the namespaces
// remain.
func removeLeftovers() {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		m := leftover.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		var pid int
		fmt.Sscan(m[1], &pid)
		if pid == os.Getpid() || syscall.Kill(pid, 0) == nil || errors.Is(syscall.Kill(pid, 0), syscall.EPERM) {
			continue
		}
		fmt.Fprintf(os.Stderr, "packets: deleting network namespace %s, left by a run that died\n", name)
		_ = exec.Command("ip", "netns", "delete", name).Run()
	}
}

// counters are the packet and byte counts iptables-save prints, which
// change with any traffic and say nothing about the rules.
var counters = regexp.MustCompile(`\[\d+:\d+\]`)

// hostState captures what the run must leave as it found it in the host's
// own network namespace, one section per command.
func hostState() (map[string]string, error) {
	cmds := [][]string{
		{"ip", "netns", "list"},
		{"ip", "-o", "address"},
		{"ip", "route", "show", "table", "all"},
		{"ip", "rule"},
		{"ip", "-o", "link"},
		{"iptables-save"},
		{"ip6tables-save"},
		{"ipset", "list"},
	}
	if _, err := exec.LookPath("nft"); err == nil {
		cmds = append(cmds, []string{"nft", "list", "ruleset"})
	}
	state := map[string]string{}
	// The node namespaces set these for themselves; on a kernel where one
	// is not per namespace, setting it would change the host's.
	for _, k := range []string{"ip_forward", "icmp_ratelimit", "icmp_msgs_burst", "icmp_msgs_per_sec"} {
		v, err := os.ReadFile("/proc/sys/net/ipv4/" + k)
		if err != nil {
			return nil, err
		}
		state["net.ipv4."+k] = string(v)
	}
	for _, c := range cmds {
		out, err := exec.Command(c[0], c[1:]...).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("%s: %v: %s", strings.Join(c, " "), err, out)
		}
		s := counters.ReplaceAllString(string(out), "")
		// Comment lines carry the time of the dump.
		var keep []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "#") {
				keep = append(keep, l)
			}
		}
		state[strings.Join(c, " ")] = strings.Join(keep, "\n")
	}
	return state, nil
}

// stateDiff names each section of the host state that differs, with both
// versions.
func stateDiff(before, after map[string]string) string {
	var b strings.Builder
	for k, v := range before {
		if after[k] != v {
			fmt.Fprintf(&b, "%s before:\n%s\n%s after:\n%s\n", k, v, k, after[k])
		}
	}
	return b.String()
}
