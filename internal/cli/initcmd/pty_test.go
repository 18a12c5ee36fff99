//go:build !windows

package initcmd_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/internal/cli/root"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/iostreams/tabletest"
	"github.com/kubenetgen/kubenetgen/internal/ptytest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// testdata is the absolute path of testdata/, since the sessions run in
// temporary folders.
var testdata = func() string {
	p, err := filepath.Abs("testdata")
	if err != nil {
		panic(err)
	}
	return p
}()

// Keys a user presses.
const (
	enter      = "\r"
	down       = "\x1b[B"
	space      = " "
	ctrlC      = "\x03"
	screenCols = 120
	screenRows = 100
)

// console drives a session from the test's goroutine side. Like survey's
// own tests it never calls t.Fatal (the procedure runs in its own
// goroutine): a failed expectation is reported with t.Errorf and ends the
// procedure, and every expectation has a timeout so a hang fails.
type console struct {
	t      *testing.T
	c      *expect.Console
	failed bool
}

func (c *console) expect(s string) {
	if c.failed {
		return
	}
	if _, err := c.c.ExpectString(s); err != nil {
		c.t.Errorf("waiting for %q: %v", s, err)
		c.failed = true
	}
}

func (c *console) send(s string) {
	if c.failed {
		return
	}
	// Keys must wait until the prompt has put the terminal in raw mode: in
	// cooked mode the line discipline eats a Ctrl-C (turning it into a
	// signal for no one) and buffers the rest.
	if err := ptytest.WaitRaw(c.c.Tty()); err != nil {
		c.t.Errorf("sending %q: %v", s, err)
		c.failed = true
		return
	}
	if _, err := c.c.Send(s); err != nil {
		c.t.Errorf("sending %q: %v", s, err)
		c.failed = true
	}
}

// answer waits for a question and types the answer followed by enter.
func (c *console) answer(question, typed string) {
	c.expect(question)
	c.send(typed + enter)
}

// runPTY runs `kubenetgen args…` in-process on a pseudo-terminal while
// procedure types the answers, and returns the exit code and the final
// screen as a terminal shows it.
func runPTY(t *testing.T, args []string, procedure func(*console)) (int, string) {
	t.Helper()
	return runPTYCols(t, screenCols, args, procedure)
}

// runPTYCols is runPTY on a terminal cols wide.
func runPTYCols(t *testing.T, cols int, args []string, procedure func(*console)) (int, string) {
	t.Helper()
	term := ptytest.NewTerminal(t, cols, screenRows, 15*time.Second)
	c := term.Console

	donec := make(chan struct{})
	go func() {
		defer close(donec)
		con := &console{t: t, c: c}
		procedure(con)
		if con.failed {
			// Hang up, so the command's read of the terminal fails and
			// the test ends instead of waiting forever.
			term.HangUp()
			return
		}
		if _, err := c.ExpectEOF(); err != nil {
			t.Errorf("waiting for the end of the output: %v", err)
		}
	}()

	ios := &iostreams.IOStreams{In: c.Tty(), Out: c.Tty(), ErrOut: c.Tty()}
	ios.SetTTY(true, true)
	var code int
	ptytest.RunWithin(t, 60*time.Second, term.Close, func() {
		code = root.Run(context.Background(), &cmdutil.Factory{IOStreams: ios, Version: "test"}, args)
	})
	// However the command ended, the terminal is back in the mode it had
	// (echo, line editing), not left raw.
	term.CheckModeRestored(t)

	// Close the terminal only once the command returned: survey may still
	// be waiting for a cursor-position answer until then.
	if err := c.Tty().Close(); err != nil && !t.Failed() {
		t.Errorf("closing the terminal: %v", err)
	}
	select {
	case <-donec:
	case <-time.After(30 * time.Second):
		t.Errorf("the console procedure did not finish")
	}
	return code, expect.StripTrailingEmptyLines(term.Screen.String())
}

// checkGolden compares every file under dir with testdata/name, or
// rewrites testdata/name with -update.
func checkGolden(t *testing.T, dir, name string) {
	t.Helper()
	got := readTree(t, dir)
	golden := filepath.Join(testdata, name)
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for p, data := range got {
			target := filepath.Join(golden, p)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(target, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := readTree(t, golden)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files written differ from %s (-want +got; refresh with -update):\n%s", golden, diff)
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return out
}

// checkScreen compares the final screen from the summary on, trailing
// blanks trimmed, with testdata/name, or rewrites it with -update. The
// questions above it are checked line by line instead: how much of a
// question's redrawing a terminal keeps depends on timing.
func checkScreen(t *testing.T, screen, name string) {
	t.Helper()
	i := strings.Index(screen, "\nSummary:")
	if i < 0 {
		t.Errorf("the final screen has no summary:\n%s", screen)
		return
	}
	lines := strings.Split(screen[i+1:], "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join(testdata, name)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("final screen differs from %s (-want +got; refresh with -update):\n%s", golden, diff)
	}
}

func wantScreen(t *testing.T, screen string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(screen, w) {
			t.Errorf("final screen lacks %q; screen:\n%s", w, screen)
		}
	}
}

// TestPTYThreeTier is a whole session: the three-tier preset, one tier
// edited, one added with its caller, the Ingress with cert-manager TLS,
// the summary and the confirmation.
func TestPTYThreeTier(t *testing.T) {
	t.Chdir(t.TempDir())
	code, screen := runPTY(t, []string{"init", "shop"}, func(c *console) {
		c.answer("Start from", "")
		c.answer("App name", "")
		c.answer("Namespace", "")
		c.expect("Pod network of the cluster")
		c.send("?")
		c.expect("kubectl get nodes -o jsonpath='{.items[*].spec.podCIDR}'")
		c.send(enter)
		c.expect("Tiers")
		c.send("edit web" + enter)
		c.answer("Tier name", "")
		c.answer("Image of web", "")
		c.answer("Ports of web", "")
		c.answer("Replicas of web", "?")
		c.expect("PodDisruptionBudget")
		c.send("3" + enter)
		c.answer("Which tiers may call web?", "")
		c.answer("How is web reached?", "")
		c.expect("Tiers")
		c.send("add" + enter)
		c.answer("Tier name", "cache")
		c.answer("Image of cache", "ghcr.io/acme/shop-cache:1.0.0")
		c.answer("Ports of cache", "redis:6379")
		c.answer("Replicas of cache", "")
		c.expect("Which tiers may call cache?")
		c.send("api")
		c.send(space)
		c.send(enter)
		c.expect("How is cache reached?")
		c.send("?")
		c.expect("30000-32767")
		c.send(enter)
		c.answer("Tiers", "")
		c.answer("External HTTP(S) access", "")
		c.answer("Namespace of the ingress controller", "")
		c.answer("Host", "")
		c.answer("Routes", "")
		c.answer("TLS for shop.example.com", "")
		c.answer("TLS Secret name", "")
		c.answer("cert-manager ClusterIssuer", "letsencrypt-prod")
		c.answer("the base into shop?", "")
		c.expect("Next steps")
	})
	if code != 0 {
		t.Errorf("exit code = %d, want 0; screen:\n%s", code, screen)
	}
	checkGolden(t, "shop", "three-tier")
	wantScreen(t, screen, "wrote 9 file(s) to shop", "saved the spec to shop/kubenetgen.yaml",
		"kubectl apply -k shop", "kubenetgen generate -f shop/kubenetgen.yaml -o shop")
	wantScreen(t, screen, "? Start from three-tier web app", "? Pod network of the cluster kind or kubeadm (flannel): 10.244.0.0/16", "? Tiers edit web (http:8080; ClusterIP)", "? Replicas of web 3",
		"? Tiers add a tier", "? Which tiers may call cache? api", "? External HTTP(S) access traefik",
		"note: ingress class traefik expects the controller in namespace traefik",
		"? cert-manager ClusterIssuer letsencrypt-prod", "? Write shop/kubenetgen.yaml and the base into shop? Yes")
	checkScreen(t, screen, "three-tier.screen")
}

// TestPTYRejectedAnswer types an app name that spec validation refuses,
// reads the reason on screen while typing, presses enter anyway and is
// refused, and corrects it.
func TestPTYRejectedAnswer(t *testing.T) {
	t.Chdir(t.TempDir())
	code, screen := runPTY(t, []string{"init", "hello"}, func(c *console) {
		c.expect("Start from")
		c.send("single" + enter)
		c.expect("App name")
		c.send("Hello_World")
		c.expect(`is not a valid app name`) // before enter
		c.send(enter)
		c.expect(`Sorry, your reply was invalid: name: "Hello_World" is not a valid app name`)
		c.send("hello" + enter)
		c.answer("Namespace", "")
		c.answer("Pod network of the cluster", "")
		c.answer("Tiers", "")
		c.answer("External HTTP(S) access", "")
		c.answer("the base into hello?", "y")
		c.expect("Next steps")
	})
	if code != 0 {
		t.Errorf("exit code = %d, want 0; screen:\n%s", code, screen)
	}
	checkGolden(t, "hello", "single-service")
	wantScreen(t, screen, "kubectl apply -k hello")
}

// TestPTYInterrupt presses Ctrl-C at a question: the command exits 130,
// writes nothing and leaves the terminal usable.
func TestPTYInterrupt(t *testing.T) {
	t.Chdir(t.TempDir())
	code, screen := runPTY(t, []string{"init", "shop"}, func(c *console) {
		c.answer("Start from", "")
		c.answer("App name", "")
		c.expect("Namespace")
		c.send(ctrlC)
		c.expect("canceled: nothing was written")
	})
	if code != cmdutil.ExitCanceled {
		t.Errorf("exit code = %d, want %d; screen:\n%s", code, cmdutil.ExitCanceled, screen)
	}
	if _, err := os.Stat("shop"); !os.IsNotExist(err) {
		t.Errorf("shop exists after Ctrl-C (err %v); nothing should be written", err)
	}
	wantScreen(t, screen, "? Namespace", "Error: canceled: nothing was written")
	t.Logf("final screen:\n%s", screen)
}

// TestPTYTwoHostsNarrow: on a terminal 60 columns wide, a second host is
// asked about TLS and left on plain HTTP; the summary lists both hosts'
// routes with their TLS, warns of the plain one, no line of it is cut
// inside a word, and the flows table is intact.
func TestPTYTwoHostsNarrow(t *testing.T) {
	t.Chdir(t.TempDir())
	const cols = 60
	code, screen := runPTYCols(t, cols, []string{"init", "shop"}, func(c *console) {
		c.answer("Start from", "")
		c.answer("App name", "")
		c.answer("Namespace", "")
		c.expect("Pod network of the cluster")
		c.send(down + enter)
		c.answer("Tiers", "")
		c.answer("External HTTP(S) access", "")
		c.answer("Namespace of the ingress controller", "")
		c.answer("Host", "")
		c.expect("Routes")
		c.send("\x15/=web:http, admin.example.com/=api:http" + enter)
		c.answer("TLS for shop.example.com", "")
		c.answer("TLS Secret name", "")
		c.answer("cert-manager ClusterIssuer", "")
		c.expect("TLS for admin.example.com")
		c.send(down + enter)
		c.answer("the base into shop?", "")
		c.expect("Next steps")
	})
	if code != 0 {
		t.Errorf("exit code = %d, want 0; screen:\n%s", code, screen)
	}
	wantScreen(t, screen, "? Pod network of the cluster k3s: 10.42.0.0/16", "? TLS for admin.example.com none: plain HTTP",
		"admin.example.com  /     api:http  none: plain HTTP", "shop.example.com   /     web:http  secret shop-tls",
		"pod network: 10.42.0.0/16", "host admin.example.com is served over plain")
	i := strings.Index(screen, "\nSummary:")
	if i < 0 {
		t.Fatalf("no summary:\n%s", screen)
	}
	// From the summary on; the answered questions above are survey's.
	rows := strings.Split(screen[i+1:], "\n")
	for i := 0; i+1 < len(rows); i++ {
		r, next := []rune(strings.TrimRight(rows[i], " ")), []rune(rows[i+1])
		if len(r) == cols && len(next) > 0 && next[0] != ' ' && r[cols-1] != ' ' {
			t.Errorf("row %d is cut inside a word: %q / %q", i, rows[i], rows[i+1])
		}
	}
	for _, l := range strings.Split(screen[i:], "\n") {
		if n := len([]rune(strings.TrimRight(l, " "))); n >= cols {
			t.Errorf("summary line fills the terminal (%d columns), so the terminal may cut it: %q", n, l)
		}
	}
	// The flows table is intact: every row's cells on the lines of that
	// row, each within its own column, none continued under another.
	var table []string
	for _, l := range strings.Split(screen[i:], "\n") {
		l = strings.TrimRight(l, " ")
		switch {
		case l == "Allowed flows (everything else is denied)":
			table = []string{}
		case table == nil:
		case l == "" || strings.HasPrefix(l, "  cert-manager answers"):
			goto read
		default:
			table = append(table, l)
		}
	}
read:
	flows, err := tabletest.Read(table)
	if err != nil {
		t.Errorf("flows table: %v\n%s", err, strings.Join(table, "\n"))
	}
	want := [][]string{
		{"FROM", "TO", "PORTS"},
		{"every pod", "cluster DNS (kube-system, k8s-app=kube-dns)", "53/UDP, 53/TCP"},
		{"web", "api", "http (9090/TCP)"},
		{"api", "db", "postgres (5432/TCP)"},
		{"ingress controller (traefik)", "web", "http (8080/TCP)"},
		{"ingress controller (traefik)", "api", "http (9090/TCP)"},
		{"ingress controller (traefik)", "cert-manager HTTP-01 solver", "8089/TCP"},
	}
	if diff := cmp.Diff(want, flows); diff != "" {
		t.Errorf("flows table at %d columns reads back otherwise (-want +got):\n%s\n%s", cols, diff, strings.Join(table, "\n"))
	}
	checkScreen(t, screen, "two-hosts-narrow.screen")
}
