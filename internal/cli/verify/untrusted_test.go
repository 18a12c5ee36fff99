package verify

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// childEnv makes the test binary run `kubenetgen verify` with its
// arguments instead of the tests: a real process, to be measured.
const childEnv = "KUBENETGEN_VERIFY_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		cmd := NewCmdVerify(&cmdutil.Factory{IOStreams: iostreams.System()}, nil)
		cmd.SetArgs(os.Args[1:])
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		if err := cmd.Execute(); err != nil {
			if err != cmdutil.ErrSilent {
				fmt.Fprintln(os.Stderr, "Error:", err)
			}
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// listener is a loopback HTTP server counting the requests it gets.
func listener(t *testing.T) (url string, requests *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	requests = new(atomic.Int64)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		fmt.Fprint(w, "apiVersion: v1\nkind: Service\nmetadata: {name: fetched}\n")
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String(), requests
}

// fakeGit puts first on PATH a git that records its arguments in the
// returned file.
func fakeGit(t *testing.T) (log string) {
	t.Helper()
	bin := t.TempDir()
	log = filepath.Join(bin, "git-called")
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte("#!/bin/sh\necho \"$@\" >> "+log+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// TestVerifyRemoteRefused: `kubenetgen verify` of a kustomization with
// remote resources makes no connection and runs no program; the findings
// say how to allow them.
func TestVerifyRemoteRefused(t *testing.T) {
	url, requests := listener(t)
	gitLog := fakeGit(t)
	dir := t.TempDir()
	k := "resources:\n- " + url + "/evil.yaml\n- ssh://git@127.0.0.1:1/org/repo\n- git@127.0.0.1:org/repo.git\n"
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(k), 0o644); err != nil {
		t.Fatal(err)
	}
	ios, _, out, errOut := iostreams.Test()
	err := verifyRun(&VerifyOptions{IO: ios, Path: dir, Output: "text"})
	if err != cmdutil.ErrSilent || strings.Count(out.String(), "--allow-remote") != 3 || errOut.String() != "verify failed: 0 connections, 3 errors, 0 warnings\n" {
		t.Errorf("verifyRun = %v\nstdout:\n%s\nstderr: %s\nwant 3 findings naming --allow-remote", err, out, errOut)
	}
	if n := requests.Load(); n > 0 {
		t.Errorf("verify sent %d HTTP requests", n)
	}
	if data, err := os.ReadFile(gitLog); err == nil {
		t.Errorf("verify ran git %s", data)
	}
}

// TestOffline: while offline, the default HTTP transport refuses before
// connecting and no program is found on PATH; afterwards both are back.
func TestOffline(t *testing.T) {
	url, requests := listener(t)
	fakeGit(t)
	restore := offline()
	_, getErr := http.Get(url)
	_, gitErr := exec.LookPath("git")
	restore()
	if getErr == nil || !strings.Contains(getErr.Error(), "--allow-remote") || requests.Load() != 0 {
		t.Errorf("offline: GET = %v, %d requests; want refused, none sent", getErr, requests.Load())
	}
	if gitErr == nil {
		t.Error("offline: git was found on PATH")
	}
	if resp, err := http.Get(url); err != nil || requests.Load() != 1 {
		t.Errorf("after offline: GET = %v, %d requests; want 1", err, requests.Load())
	} else {
		resp.Body.Close()
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Errorf("after offline: %v", err)
	}
}

// TestAliasBombProcess runs verify, as a process, on a 9-level alias bomb
// given as a kustomize resource (9^9 strings once expanded: 13 GB before
// the limits). The data segment is capped at 256 MiB so that a regression
// fails instead of exhausting the machine; the clear error is wanted, and
// the peak resident memory must stay under 100 MB. The time is logged,
// not asserted.
func TestAliasBombProcess(t *testing.T) {
	if raceEnabled {
		// make unit runs this test again without -race.
		t.Skip("the race detector cannot start under a 256 MiB data-segment cap")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to set the memory limit")
	}
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\nbomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		a := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&b, "  a%d: &a%d [%s]\n", i, i, strings.Repeat(a+", ", 8)+a)
	}
	for name, data := range map[string]string{"kustomization.yaml": "resources: [bomb.yaml]\n", "bomb.yaml": b.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("sh", "-c", `ulimit -d 262144 && exec "$@"`, "sh", os.Args[0], dir)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "more than 100000 YAML nodes added by aliases (the limit of --max-alias-nodes); if the input is trusted, raise the limit with --max-alias-nodes") {
		t.Fatalf("verify of the bomb: %v\n%s\nwant exit 1 and the alias limit named", err, stderr.String())
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	t.Logf("refused in %v, peak resident memory %d KiB, %d-byte bomb", elapsed.Round(time.Millisecond), rss, b.Len())
	if rss > 100_000 {
		t.Errorf("peak resident memory %d KiB, want under 100 MB", rss)
	}
}

func TestHelpNamesUntrustedInputFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	cmd := NewCmdVerify(&cmdutil.Factory{IOStreams: ios}, nil)
	var help bytes.Buffer
	cmd.SetOut(&help)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"--allow-remote", "--max-input-bytes", "--max-alias-nodes", "--max-objects", "--max-flows", "--summary", "reaches no network and runs no program"} {
		if !strings.Contains(help.String(), w) {
			t.Errorf("verify --help lacks %q", w)
		}
	}
}
