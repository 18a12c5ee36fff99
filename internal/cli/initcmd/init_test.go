package initcmd

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/clusterfacts"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/prompter"
	"github.com/kubenetgen/kubenetgen/internal/prompter/prompttest"
	"github.com/kubenetgen/kubenetgen/spec"
)

const D = prompttest.Default

// run runs `init args…` with p answering at a terminal (tty) or with no
// terminal, in a fresh temporary folder, and returns what went to stderr.
// Nothing may go to stdout: init writes no data there.
func run(t *testing.T, p prompter.Prompter, tty bool, args ...string) (string, error) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	ios.SetTTY(tty, tty)
	cmd := NewCmdInit(&cmdutil.Factory{IOStreams: ios}, func(o *InitOptions) error {
		o.Prompter = p
		return initRun(o)
	})
	// A nil slice would make cobra read the test binary's own flags.
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	_, err := cmd.ExecuteC()
	if stdout.Len() > 0 {
		t.Errorf("init wrote to stdout, which is for data only:\n%s", stdout)
	}
	return stderr.String(), err
}

func inTemp(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func loadWritten(t *testing.T, dir string) *spec.App {
	t.Helper()
	a, err := spec.Load([]byte(readFile(t, filepath.Join(dir, SpecFile))))
	if err != nil {
		t.Fatalf("loading the written spec: %v", err)
	}
	return a
}

const (
	confirmOut = "Write out/kubenetgen.yaml and the base into out?"
	anywayOut  = "Answer the questions anyway? (the answers can be saved even if out cannot take the base)"
)

// acceptIngress accepts every default of the three-tier preset's Ingress.
func acceptIngress(f *prompttest.Fake) *prompttest.Fake {
	return f.Answer("External HTTP(S) access", D).Answer("Namespace of the ingress controller", D).Answer("Host", D).Answer("Routes", D).
		Answer("TLS for shop.example.com", D).Answer("TLS Secret name", D).Answer("cert-manager ClusterIssuer", D)
}

// TestDefaultsEqualPresetWithoutPrompts: accepting every default of a
// preset writes exactly what --preset writes without prompts.
func TestDefaultsEqualPresetWithoutPrompts(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", D).Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D)
	acceptIngress(f).Answer(confirmOut, D)
	stderr, err := run(t, f, true, "out")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	wizard := treeOf(t, "out")

	if err := os.RemoveAll("out"); err != nil {
		t.Fatal(err)
	}
	// The wizard records the pod network it asked about.
	if _, err := run(t, nil, false, "out", "--preset", "three-tier", "--pod-cidr", spec.DefaultPodCIDR); err != nil {
		t.Fatalf("init --preset three-tier without a terminal: %v", err)
	}
	if diff := cmp.Diff(wizard, treeOf(t, "out")); diff != "" {
		t.Errorf("wizard with defaults and --preset without prompts differ (-wizard +flags):\n%s", diff)
	}
	for _, want := range []string{"Summary: app shop in namespace shop", "Allowed flows", "Next steps:", "kubectl apply -k out"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// Every question had help; the fake fails the test otherwise.
	if q, _ := f.Question("Namespace"); q.Default != "shop" {
		t.Errorf("namespace default = %q, want shop", q.Default)
	}
}

// TestSessionEqualsFlags: the answers of the terminal session in
// pty_test.go, given as flags, write the same bytes.
func TestSessionEqualsFlags(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", D).Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).
		Answer("Tiers", "edit web").
		Answer("Tier name", D).Answer("Image of web", D).Answer("Ports of web", D).Answer("Replicas of web", "3").
		Answer("Which tiers may call web?", D).Answer("How is web reached?", D).
		Answer("Tiers", "add a tier").
		Answer("Tier name", "cache").Answer("Image of cache", "ghcr.io/acme/shop-cache:1.0.0").
		Answer("Ports of cache", "redis:6379").Answer("Replicas of cache", D).
		Answer("Which tiers may call cache?", "api").Answer("How is cache reached?", D).
		Answer("Tiers", D).
		Answer("External HTTP(S) access", D).Answer("Namespace of the ingress controller", D).
		Answer("Host", D).Answer("Routes", D).
		Answer("TLS for shop.example.com", D).Answer("TLS Secret name", D).
		Answer("cert-manager ClusterIssuer", "letsencrypt-prod").
		Answer(confirmOut, "yes")
	if stderr, err := run(t, f, true, "out"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	wizard := treeOf(t, "out")
	if err := os.RemoveAll("out"); err != nil {
		t.Fatal(err)
	}
	if stderr, err := run(t, nil, false, "out", "--preset", "three-tier",
		"--tier", "name=web,image=ghcr.io/acme/shop-web:1.4.0,port=http:8080,replicas=3,expose=ClusterIP,probe=/healthz",
		"--tier", "name=cache,image=ghcr.io/acme/shop-cache:1.0.0,port=redis:6379",
		"--allow", "api->cache", "--tls-issuer", "letsencrypt-prod", "--pod-cidr", spec.DefaultPodCIDR); err != nil {
		t.Fatalf("init with flags: %v\n%s", err, stderr)
	}
	if diff := cmp.Diff(wizard, treeOf(t, "out")); diff != "" {
		t.Errorf("wizard and flags differ (-wizard +flags):\n%s", diff)
	}
}

func treeOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = readFile(t, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBlankPreset starts from nothing: the first tier is asked at once,
// the app name is suggested from the folder, and a refused answer is
// refused with spec.Validate's own message.
func TestBlankPreset(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", "blank").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).
		Answer("Tier name", "Web", "web").
		Answer("Image of web", "", "ghcr.io/acme/web:1.0").
		Answer("Ports of web", "http:80x", "http:99999", D).
		Answer("Replicas of web", "two", "-1", "2").
		Answer("How is web reached?", D).
		Answer("Tiers", D).
		Answer("External HTTP(S) access", D).
		Answer("Write hello/kubenetgen.yaml and the base into hello?", D)
	if stderr, err := run(t, f, true, "hello"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if q, _ := f.Question("App name"); q.Default != "hello" {
		t.Errorf("suggested app name = %q, want the folder's name hello", q.Default)
	}
	if f.WasAsked("Which tiers may call web?") {
		t.Errorf("asked who may call the only tier")
	}
	want := []prompttest.Rejection{
		{Message: "Tier name", Answer: "Web", Reason: problem(t, func(a *spec.App) { a.Tiers[0].Name = "Web" }, "tiers[0].name")},
		{Message: "Image of web", Answer: "", Reason: problem(t, func(a *spec.App) { a.Tiers[0].Image = "" }, "tiers[0].image")},
		{Message: "Ports of web", Answer: "http:80x", Reason: `port="http:80x": want NAME:PORT[/PROTOCOL], e.g. http:8080 or dns:53/UDP`},
		{Message: "Ports of web", Answer: "http:99999", Reason: problem(t, func(a *spec.App) { a.Tiers[0].Ports[0].Port = 99999 }, "tiers[0].ports[0].port")},
		{Message: "Replicas of web", Answer: "two", Reason: `"two" is not a whole number: give 0 or more`},
		{Message: "Replicas of web", Answer: "-1", Reason: problem(t, func(a *spec.App) { n := int32(-1); a.Tiers[0].Replicas = &n }, "tiers[0].replicas")},
	}
	if diff := cmp.Diff(want, f.Rejections); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
	a := loadWritten(t, "hello")
	if a.Name != "hello" || a.Namespace != "" || len(a.Tiers) != 1 || *a.Tiers[0].Replicas != 2 || a.Ingress != nil {
		t.Errorf("written spec = %+v", a)
	}
}

// problem returns spec.Validate's message for field after change, applied
// to a one-tier app: the prompts must refuse with exactly these words.
func problem(t *testing.T, change func(*spec.App), field string) string {
	t.Helper()
	a := &spec.App{Name: "hello", Tiers: []spec.Tier{{Name: "web", Image: "x", Ports: []spec.Port{{Name: "http", Port: 8080}}}}}
	change(a)
	spec.Default(a)
	var msgs []string
	for _, p := range spec.Validate(a) {
		if p.Field == field {
			msgs = append(msgs, p.String())
		}
	}
	if len(msgs) == 0 {
		t.Fatalf("spec.Validate finds no problem at %s", field)
	}
	return strings.Join(msgs, "; ")
}

// TestExistingSpecEdited: an existing kubenetgen.yaml is offered for
// editing, its values are the defaults, and flags pre-fill answers.
func TestExistingSpecEdited(t *testing.T) {
	inTemp(t)
	if _, err := run(t, nil, false, "out", "--preset", "single-service"); err != nil {
		t.Fatal(err)
	}
	f := prompttest.New(t)
	f.Answer("out/kubenetgen.yaml exists: what now?", "edit it").
		Answer("Namespace", "web-apps").Answer("Pod network of the cluster", D).
		Answer("Tiers", D).Answer("External HTTP(S) access", D).
		Answer("Replace out/kubenetgen.yaml and write the base into out?", D)
	if stderr, err := run(t, f, true, "out", "--name", "greeter"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if f.WasAsked("App name") || f.WasAsked("Start from") {
		t.Errorf("asked the app name given by --name, or a preset while editing")
	}
	if q, _ := f.Question("Namespace"); q.Default != "hello" {
		t.Errorf("namespace default = %q, want the spec file's hello", q.Default)
	}
	if a := loadWritten(t, "out"); a.Name != "greeter" || a.Namespace != "web-apps" || a.Tiers[0].Name != "hello" {
		t.Errorf("written spec: name %q namespace %q tiers %v", a.Name, a.Namespace, a.TierNames())
	}
}

// TestExistingSpecStartOver chooses a preset instead of the spec file.
func TestExistingSpecStartOver(t *testing.T) {
	inTemp(t)
	if _, err := run(t, nil, false, "out", "--preset", "single-service"); err != nil {
		t.Fatal(err)
	}
	f := prompttest.New(t)
	f.Answer("out/kubenetgen.yaml exists: what now?", "start over").
		Answer("Start from", "api + worker").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).
		Answer("External HTTP(S) access", D).Answer("Namespace of the ingress controller", D).
		Answer("Host", D).Answer("Routes", D).
		Answer("TLS for jobs.example.com", D).Answer("TLS Secret name", D).
		Answer("Replace out/kubenetgen.yaml and write the base into out?", "yes")
	if stderr, err := run(t, f, true, "out"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if q, _ := f.Question("TLS for jobs.example.com"); !strings.HasPrefix(q.Default, "an existing Secret") {
		t.Errorf("TLS default = %q, want the preset's existing secret", q.Default)
	}
	if a := loadWritten(t, "out"); a.Name != "jobs" || a.Ingress == nil || a.Ingress.TLSIssuer != "" {
		t.Errorf("written spec: %+v", a)
	}
	// single-service's tier file is gone: kubenetgen wrote it, nobody
	// edited it, and the new base has no such tier.
	if _, err := os.Stat("out/tiers/hello.yaml"); !os.IsNotExist(err) {
		t.Errorf("out/tiers/hello.yaml still exists: %v", err)
	}
}

// TestExistingSpecBroken refuses to start from a spec file with problems.
func TestExistingSpecBroken(t *testing.T) {
	inTemp(t)
	if err := os.MkdirAll("out", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("out/kubenetgen.yaml", []byte("apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntierz: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := prompttest.New(t)
	f.Answer("out/kubenetgen.yaml exists: what now?", "edit it")
	_, err := run(t, f, true, "out")
	if err == nil || !strings.Contains(err.Error(), `tierz: is not a known field: did you mean "tiers"?`) {
		t.Errorf("err = %v, want the spec file's problem", err)
	}
}

// TestTierMenu edits, adds and removes tiers: renames follow into flows
// and Ingress rules, removals take their flows and rules with them.
func TestTierMenu(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", "three-tier").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).
		// Rename web to frontend and its port http to web: the flow to
		// api and both Ingress rules follow.
		Answer("Tiers", "edit web").
		Answer("Tier name", "frontend").Answer("Image of frontend", D).
		Answer("Ports of frontend", "web:8080").Answer("Replicas of frontend", D).
		Answer("Which tiers may call frontend?", D).Answer("How is frontend reached?", D).
		// A worker without ports: nobody may call it, it has no Service.
		Answer("Tiers", "add a tier").
		Answer("Tier name", "worker").Answer("Image of worker", "ghcr.io/acme/worker:1").
		Answer("Ports of worker", "").Answer("Replicas of worker", D).
		// Remove db: api's... db had api as a caller; nothing else names db.
		Answer("Tiers", "remove a tier").Answer("Remove which tier?", "db").
		Answer("Tiers", "remove a tier").Answer("Remove which tier?", "none").
		Answer("Tiers", D)
	acceptIngress(f).Answer(confirmOut, D)
	stderr, err := run(t, f, true, "out")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	q, _ := f.Question("Tiers")
	wantOptions := []string{optDone, "edit frontend (web:8080; ClusterIP)", "edit api (http:9090; ClusterIP; called by frontend)", "edit worker (none)", optAdd, optRemove}
	if diff := cmp.Diff(wantOptions, q.Options); diff != "" {
		t.Errorf("tiers menu (-want +got):\n%s", diff)
	}
	a := loadWritten(t, "out")
	if got := a.TierNames(); !cmp.Equal(got, []string{"frontend", "api", "worker"}) {
		t.Errorf("tiers = %v", got)
	}
	if got := a.Tier("api").AllowFrom; !cmp.Equal(got, []string{"frontend"}) {
		t.Errorf("api.allowFrom = %v, want [frontend]", got)
	}
	if r := a.Ingress.Rules[0]; r.Tier != "frontend" || r.Port != "web" {
		t.Errorf("first rule = %+v, want frontend:web", r)
	}
	if w := a.Tier("worker"); len(w.Ports) != 0 || w.Expose.Type != "" || w.Replicas != nil {
		t.Errorf("worker = %+v", w)
	}
	if !strings.Contains(stderr, "removed tier db") {
		t.Errorf("stderr does not report the removal:\n%s", stderr)
	}
}

// TestRemoveDropsFlowsAndRules removes a tier that others call and the
// Ingress routes to.
func TestRemoveDropsFlowsAndRules(t *testing.T) {
	a := &spec.App{Tiers: []spec.Tier{{Name: "web"}, {Name: "api", AllowFrom: []string{"web:http", "db"}}},
		Ingress: &spec.Ingress{Rules: []spec.Rule{{Host: "h", Path: "/", Tier: "web", Port: "http"}, {Path: "/api", Tier: "api", Port: "http"}}}}
	dropped := removeTier(a, 0)
	want := []string{"the flow web → api", "the Ingress rule h/ → web:http"}
	if diff := cmp.Diff(want, dropped); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
	if !cmp.Equal(a.Tiers[0].AllowFrom, []string{"db"}) || len(a.Ingress.Rules) != 1 {
		t.Errorf("after removal: %+v %+v", a.Tiers, a.Ingress.Rules)
	}
}

// TestNodePortAndLoadBalancer asks the follow-ups each exposure needs and
// clears them when the tier goes back inside the cluster.
func TestNodePortAndLoadBalancer(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", "single").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).
		Answer("Tiers", "edit hello").
		Answer("Tier name", D).Answer("Image of hello", D).Answer("Ports of hello", D).Answer("Replicas of hello", D).
		Answer("How is hello reached?", "NodePort").
		Answer("Node port for hello's http port (empty: any free one)", "8080", "30080").
		Answer("Source ranges allowed into hello (empty: any address)", "10.0.0.1/8", "203.0.113.0/24").
		Answer("Tiers", "edit hello").
		Answer("Tier name", D).Answer("Image of hello", D).Answer("Ports of hello", D).Answer("Replicas of hello", D).
		Answer("How is hello reached?", "LoadBalancer").
		Answer("Source ranges allowed into hello (empty: any address)", "").
		Answer("Tiers", D).
		Answer("External HTTP(S) access", D).
		Answer("Write out/kubenetgen.yaml and the base into out?", D)
	stderr, err := run(t, f, true, "out", "--node-port-range", "30000-30100")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	wantRejections := []string{
		"tiers[0].ports[0].nodePort: 8080 is outside the NodePort range 30000-30100",
		`tiers[0].expose.sourceRanges[0]: "10.0.0.1/8" has host bits set: use 10.0.0.0/8`,
	}
	var got []string
	for _, r := range f.Rejections {
		got = append(got, r.Reason)
	}
	if diff := cmp.Diff(wantRejections, got); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
	if q, _ := f.Question("Source ranges allowed into hello (empty: any address)"); q.Default != "203.0.113.0/24" {
		t.Errorf("second source-range default = %q, want the first answer", q.Default)
	}
	a := loadWritten(t, "out")
	h := a.Tiers[0]
	if h.Expose.Type != spec.ExposeLoadBalancer || len(h.Expose.SourceRanges) != 0 || h.Ports[0].NodePort != 30080 {
		t.Errorf("hello = %+v", h)
	}
	if !strings.Contains(stderr, "LoadBalancer without sourceRanges: it admits any address") {
		t.Errorf("summary lacks the any-source warning:\n%s", stderr)
	}

	// Back to ClusterIP: node ports and source ranges go.
	f = prompttest.New(t)
	f.Answer("out/kubenetgen.yaml exists: what now?", "edit").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).
		Answer("Tiers", "edit hello").
		Answer("Tier name", D).Answer("Image of hello", D).Answer("Ports of hello", D).Answer("Replicas of hello", D).
		Answer("How is hello reached?", "ClusterIP").
		Answer("Tiers", D).Answer("External HTTP(S) access", D).
		Answer("Replace out/kubenetgen.yaml and write the base into out?", D)
	if stderr, err := run(t, f, true, "out", "--node-port-range", "30000-30100"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if h := loadWritten(t, "out").Tiers[0]; h.Expose.Type != spec.ExposeClusterIP || h.Ports[0].NodePort != 0 || h.Expose.ExternalTrafficPolicy != "" {
		t.Errorf("hello = %+v", h)
	}
}

// TestIngressChoices covers none, the presets with their notes, a custom
// controller, a host-less Ingress (no TLS question) and each TLS choice.
func TestIngressChoices(t *testing.T) {
	start := func(f *prompttest.Fake) *prompttest.Fake {
		return f.Answer("Start from", "three-tier").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D)
	}
	tests := []struct {
		name   string
		script func(*prompttest.Fake)
		check  func(t *testing.T, a *spec.App, stderr string)
	}{{
		name:   "none",
		script: func(f *prompttest.Fake) { f.Answer("External HTTP(S) access", "none") },
		check: func(t *testing.T, a *spec.App, _ string) {
			if a.Ingress != nil {
				t.Errorf("ingress = %+v, want none", a.Ingress)
			}
		},
	}, {
		name: "nginx, existing secret",
		script: func(f *prompttest.Fake) {
			f.Answer("External HTTP(S) access", "nginx").Answer("Namespace of the ingress controller", D).Answer("Host", "shop.example.org").Answer("Routes", D).
				Answer("TLS for shop.example.org", "an existing Secret").Answer("TLS Secret name", "shop-cert")
		},
		check: func(t *testing.T, a *spec.App, stderr string) {
			in := a.Ingress
			if in.Class != "nginx" || in.Controller != nil || in.TLSIssuer != "" || in.Rules[1].Host != "shop.example.org" || in.Rules[1].TLS != "shop-cert" {
				t.Errorf("ingress = %+v", in)
			}
			if n := strings.Count(stderr, "retired in March 2026"); n < 2 {
				t.Errorf("the retirement note is said %d times, want at the choice and in the summary:\n%s", n, stderr)
			}
		},
	}, {
		name: "traefik, self-signed on a local cluster",
		script: func(f *prompttest.Fake) {
			f.Answer("External HTTP(S) access", "traefik").Answer("Namespace of the ingress controller", D).Answer("Host", "shop.localhost").Answer("Routes", D).
				Answer("TLS for shop.localhost", "self-signed").Answer("TLS Secret name", D)
		},
		check: func(t *testing.T, a *spec.App, stderr string) {
			in := a.Ingress
			if in.Class != "traefik" || in.TLSIssuer != "" || !in.TLSSelfSigned || in.Rules[1].Host != "shop.localhost" || in.Rules[1].TLS != "shop-tls" {
				t.Errorf("ingress = %+v", in)
			}
			for _, want := range []string{
				"TLS secret shop-tls from a self-signed certificate kubenetgen makes in tls/",
				"out/tls/shop-tls.crt", "out/tls/shop-tls.key",
				"curl --cacert out/tls/shop-tls.crt https://shop.localhost/",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("the output does not say %q:\n%s", want, stderr)
				}
			}
			for _, p := range []string{"out/tls/shop-tls.crt", "out/tls/shop-tls.key"} {
				if _, err := os.Stat(p); err != nil {
					t.Error(err)
				}
			}
		},
	}, {
		name: "istio, no TLS",
		script: func(f *prompttest.Fake) {
			f.Answer("External HTTP(S) access", "istio").Answer("Namespace of the ingress controller", "istio-ingress").Answer("Host", D).Answer("Routes", "/=web:http").
				Answer("TLS for shop.example.com", "none")
		},
		check: func(t *testing.T, a *spec.App, stderr string) {
			in := a.Ingress
			if in.Class != "istio" || in.Controller.Namespace != "istio-ingress" || in.Controller.PodLabels["istio"] != "ingressgateway" || in.TLSIssuer != "" || len(in.Rules) != 1 || in.Rules[0].TLS != "" {
				t.Errorf("ingress = %+v", in)
			}
			if !strings.Contains(stderr, "note: ingress class istio expects the gateway in namespace istio-system") {
				t.Errorf("no istio note:\n%s", stderr)
			}
		},
	}, {
		name: "custom, any host",
		script: func(f *prompttest.Fake) {
			f.Answer("External HTTP(S) access", "custom").
				Answer("IngressClass of the controller", "", "haproxy").
				Answer("Namespace of the ingress controller", "HAProxy", "haproxy").
				Answer("Pod labels of the ingress controller", "", "app.kubernetes.io/name=haproxy-ingress").
				Answer("Host", "").Answer("Routes", "/=db:pg", "/=web:http, /api=api:http")
		},
		check: func(t *testing.T, a *spec.App, _ string) {
			in := a.Ingress
			want := &spec.Controller{Namespace: "haproxy", PodLabels: map[string]string{"app.kubernetes.io/name": "haproxy-ingress"}}
			if in.Class != "haproxy" || !cmp.Equal(in.Controller, want) || in.Rules[0].Host != "" || in.Rules[0].TLS != "" || in.TLSIssuer != "" {
				t.Errorf("ingress = %+v", in)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inTemp(t)
			f := start(prompttest.New(t))
			tt.script(f)
			f.Answer(confirmOut, D)
			stderr, err := run(t, f, true, "out")
			if err != nil {
				t.Fatalf("init: %v\n%s", err, stderr)
			}
			tt.check(t, loadWritten(t, "out"), stderr)
			if tt.name == "custom, any host" {
				if f.WasAsked("TLS for ") {
					t.Errorf("asked about TLS without a host")
				}
				if len(f.Rejections) != 4 {
					t.Errorf("rejections = %+v, want 4", f.Rejections)
				}
			}
		})
	}
}

// TestNewIngress adds an Ingress to an app that had none: the host and
// the route are suggested, TLS defaults to cert-manager.
func TestNewIngress(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", "single").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).
		Answer("External HTTP(S) access", "traefik").Answer("Namespace of the ingress controller", D).Answer("Host", D).Answer("Routes", D).
		Answer("TLS for hello.example.com", D).Answer("TLS Secret name", D).Answer("cert-manager ClusterIssuer", D).
		Answer(confirmOut, D)
	if stderr, err := run(t, f, true, "out"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	want := &spec.Ingress{Class: "traefik", TLSIssuer: "letsencrypt", Rules: []spec.Rule{{Host: "hello.example.com", Path: "/", Tier: "hello", Port: "http", TLS: "hello-tls"}}}
	if diff := cmp.Diff(want, loadWritten(t, "out").Ingress); diff != "" {
		t.Errorf("ingress (-want +got):\n%s", diff)
	}
}

// TestFlagsPrefill asks only what the flags left unset.
func TestFlagsPrefill(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Host", D).Answer("Routes", D).Answer("TLS Secret name", D).Answer(confirmOut, D)
	stderr, err := run(t, f, true, "out", "--name", "shop",
		"--tier", "name=web,image=ghcr.io/acme/web:1,port=http:8080",
		"--ingress-class", "traefik", "--tls-issuer", "letsencrypt")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	// Start from, App name, Tiers, External access, TLS choice and the
	// issuer were all answered by flags; the fake fails on any of them.
	a := loadWritten(t, "out")
	if a.Ingress.TLSIssuer != "letsencrypt" || a.Ingress.Rules[0].TLS != "shop-tls" || a.Ingress.Rules[0].Host != "shop.example.com" {
		t.Errorf("ingress = %+v", a.Ingress)
	}
}

// TestSelfSignedFromFlags: --tls-self-signed answers the TLS choice, and
// replaces the preset's cert-manager issuer; only the secret's name is
// asked, since no --rule names it.
func TestSelfSignedFromFlags(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).Answer("External HTTP(S) access", D).Answer("Namespace of the ingress controller", D).
		Answer("Host", "shop.localhost").Answer("Routes", D).Answer("TLS Secret name", D).Answer(confirmOut, D)
	stderr, err := run(t, f, true, "out", "--preset", "three-tier", "--tls-self-signed")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	in := loadWritten(t, "out").Ingress
	if !in.TLSSelfSigned || in.TLSIssuer != "" || in.Rules[0].TLS != "shop-tls" {
		t.Errorf("ingress = %+v", in)
	}
	if _, err := os.Stat("out/tls/shop-tls.crt"); err != nil {
		t.Error(err)
	}
}

// TestCustomControllerFromFlags asks the controller's labels, which the
// flags left out, and nothing else of the Ingress.
func TestCustomControllerFromFlags(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", "single").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).
		Answer("Pod labels of the ingress controller", "app=haproxy").
		Answer(confirmOut, D)
	if stderr, err := run(t, f, true, "out", "--ingress-class", "haproxy", "--ingress-namespace", "haproxy", "--rule", "/=hello:http"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if c := loadWritten(t, "out").Ingress.Controller; c.Namespace != "haproxy" || c.PodLabels["app"] != "haproxy" {
		t.Errorf("controller = %+v", c)
	}
}

// TestWrongFlagBeforeQuestions: the problems of values flags gave are
// reported before any question, each naming its flag, as an invalid spec
// (exit 1) like without prompts; an unknown preset is a usage error.
func TestWrongFlagBeforeQuestions(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", D)
	_, err := run(t, f, true, "out", "--name", "Shop", "--pod-cidr", "10.0.0.1/8")
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitError {
		t.Fatalf("err = %v, exit %d, want %d", err, code, cmdutil.ExitError)
	}
	var fe *cmdutil.FlagError
	for _, want := range []string{`name (--name): "Shop" is not a valid app name`, `network.podCIDR (--pod-cidr): "10.0.0.1/8" has host bits set`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := run(t, f, true, "out", "--preset", "thre-tier"); !errors.As(err, &fe) || !strings.Contains(err.Error(), `--preset "thre-tier" is not a preset: did you mean "three-tier"?`) {
		t.Errorf("near-miss preset: err = %v", err)
	}
	if _, err := run(t, f, true, "out", "--preset", "four-tier"); !errors.As(err, &fe) || !strings.Contains(err.Error(), `--preset "four-tier" is not a preset: use one of three-tier, api-worker-cache, single-service, gateway-shop, blank`) {
		t.Errorf("unknown preset: err = %v", err)
	}
}

// TestFinalProblemsRevisit: answers that fit each question but not each
// other (an Ingress rule to a tier that lost its Service) send the user
// back before anything is written.
func TestFinalProblemsRevisit(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", "three-tier").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D)
	acceptIngress(f).
		Answer(confirmOut, "no").
		Answer("What do you want to change?", "edit the tiers").
		Answer("Tiers", "edit api").
		Answer("Tier name", D).Answer("Image of api", D).Answer("Ports of api", D).Answer("Replicas of api", D).
		Answer("Which tiers may call api?", D).Answer("How is api reached?", "none").
		Answer("Tiers", D).
		Answer("What do you want to change?", "edit external access").
		Answer("External HTTP(S) access", D).Answer("Namespace of the ingress controller", D).Answer("Host", D).
		Answer("Routes", D, "/=web:http").
		Answer("TLS for shop.example.com", D).Answer("TLS Secret name", D).Answer("cert-manager ClusterIssuer", D).
		Answer(confirmOut, D)
	stderr, err := run(t, f, true, "out")
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	want := `ingress.rules[1].tier: "api" has expose.type none, so no Service to route to`
	if !strings.Contains(stderr, "The answers do not fit together yet:\n  "+want) {
		t.Errorf("stderr lacks the problem:\n%s", stderr)
	}
	if len(f.Rejections) != 1 || !strings.HasPrefix(f.Rejections[0].Reason, want) {
		t.Errorf("rejections = %+v, want the broken route refused at the Routes question", f.Rejections)
	}
	if n := len(loadWritten(t, "out").Ingress.Rules); n != 1 {
		t.Errorf("rules = %d, want 1", n)
	}
}

// TestDeclineThenQuit: declining the confirmation offers to go back;
// quitting writes nothing.
func TestDeclineThenQuit(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", "single").Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).
		Answer("External HTTP(S) access", D).
		Answer(confirmOut, "no").
		Answer("What do you want to change?", "edit the app name").Answer("App name", "greeter").Answer("Namespace", D).Answer("Pod network of the cluster", D).
		Answer(confirmOut, "no").
		Answer("What do you want to change?", "edit the tiers").Answer("Tiers", D).
		Answer(confirmOut, "no").
		Answer("What do you want to change?", "quit")
	_, err := run(t, f, true, "out")
	if !errors.Is(err, cmdutil.ErrCanceled) {
		t.Errorf("err = %v, want ErrCanceled", err)
	}
	if _, err := os.Stat("out"); !os.IsNotExist(err) {
		t.Errorf("out exists: %v", err)
	}
}

// TestInterrupt: Ctrl-C at any question, or a canceled context between
// questions, cancels with nothing written.
func TestInterrupt(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("Start from", D).Answer("App name", prompttest.Interrupt)
	if _, err := run(t, f, true, "out"); !errors.Is(err, cmdutil.ErrCanceled) {
		t.Errorf("err = %v, want ErrCanceled", err)
	}

	ios, _, _, _ := iostreams.Test()
	ios.SetTTY(true, true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f = prompttest.New(t)
	opts := &InitOptions{IO: ios, Prompter: f, Ctx: ctx, Dir: "out", Flags: NewCmdInit(&cmdutil.Factory{IOStreams: ios}, nil).Flags()}
	if err := initRun(opts); !errors.Is(err, cmdutil.ErrCanceled) {
		t.Errorf("canceled context: err = %v, want ErrCanceled", err)
	}
	if _, err := os.Stat("out"); !os.IsNotExist(err) {
		t.Errorf("out exists: %v", err)
	}
}

// TestEditedBaseFileRefused: a base file edited since kubenetgen wrote it
// is named before the first question; answering anyway, the base is
// refused at the end and the answers are saved alone; --force replaces it,
// keeping a copy.
func TestEditedBaseFileRefused(t *testing.T) {
	inTemp(t)
	if _, err := run(t, nil, false, "out", "--preset", "single-service"); err != nil {
		t.Fatal(err)
	}
	ns := filepath.Join("out", gen.NamespaceFile)
	if err := os.WriteFile(ns, append([]byte(readFile(t, ns)), "# mine\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	script := func(goOn bool) *prompttest.Fake {
		f := prompttest.New(t)
		if goOn {
			f.Answer(anywayOut, "yes")
		}
		return f.Answer("out/kubenetgen.yaml exists: what now?", "edit").Answer("App name", D).
			Answer("Namespace", "hello2").Answer("Pod network of the cluster", D).Answer("Tiers", D).Answer("External HTTP(S) access", D)
	}
	f := script(true).Answer("The base cannot be written: what now?", "save")
	stderr, err := run(t, f, true, "out")
	if !errors.Is(err, cmdutil.ErrSilent) {
		t.Fatalf("err = %v, want the refusal reported on stderr", err)
	}
	var ce *basedir.ConflictError
	if errors.As(err, &ce) {
		t.Errorf("the refusal was returned, not offered: %v", err)
	}
	if f.Asked[0].Message != anywayOut {
		t.Errorf("first question = %q, want the conflict asked about before any other", f.Asked[0].Message)
	}
	for _, want := range []string{"out/namespace.yaml: edited since kubenetgen wrote it", "saved the spec to out/kubenetgen.yaml",
		"kubenetgen generate -f out/kubenetgen.yaml -o out"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if a := loadWritten(t, "out"); a.Namespace != "hello2" {
		t.Errorf("the saved spec has namespace %q, want the answer hello2", a.Namespace)
	}
	if !strings.HasSuffix(readFile(t, ns), "# mine\n") {
		t.Errorf("the edited file was replaced")
	}
	out, err := run(t, script(false), true, "out", "--force", "--yes")
	if err != nil {
		t.Fatalf("with --force --yes: %v", err)
	}
	// The confirmation names the edited file --force replaces, and where
	// its copy goes; the copy is there.
	if want := "\n  replaces " + ns + ", after keeping a copy in out/.kubenetgen-backup/"; !strings.Contains(out, want) {
		t.Errorf("the summary lacks %q:\n%s", want, out)
	}
	copies, _ := filepath.Glob("out/.kubenetgen-backup/*/" + gen.NamespaceFile)
	if len(copies) != 1 || !strings.HasSuffix(readFile(t, copies[0]), "# mine\n") {
		t.Errorf("copies of the edited file: %v", copies)
	}
	if strings.HasSuffix(readFile(t, ns), "# mine\n") {
		t.Errorf("--force kept the edited file")
	}
}

// TestNoPromptMissingAnswers names every missing answer's flag in one
// usage error, and writes nothing.
func TestNoPromptMissingAnswers(t *testing.T) {
	inTemp(t)
	_, err := run(t, nil, false, "out", "--ingress-class", "haproxy")
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a FlagError (exit 2)", err)
	}
	for _, want := range []string{"--name NAME", "--tier 'name=NAME", "--ingress-namespace NAMESPACE", "--ingress-pod-labels", "--rule 'HOST/PATH=TIER:PORT", "--preset three-tier|api-worker-cache|single-service|gateway-shop|blank"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := os.Stat("out"); !os.IsNotExist(err) {
		t.Errorf("out exists: %v", err)
	}
}

// TestNoPromptFlagsOnly writes a complete app from flags alone; a wrong
// value is a usage error naming its flag.
func TestNoPromptFlagsOnly(t *testing.T) {
	inTemp(t)
	args := []string{"out", "--name", "shop",
		"--tier", "name=web,image=ghcr.io/acme/web:1,port=http:8080,expose=NodePort,nodePort=30080",
		"--tier", "name=api,image=ghcr.io/acme/api:1,port=http:9090",
		"--allow", "web->api"}
	stderr, err := run(t, nil, false, args...)
	if err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "warning: tier web is a NodePort without sourceRanges") {
		t.Errorf("no warning:\n%s", stderr)
	}
	if strings.Contains(stderr, "Summary") {
		t.Errorf("a summary without a terminal:\n%s", stderr)
	}
	// Again, identical: nothing to do, and the spec file is unchanged.
	if _, err := run(t, nil, false, args...); err != nil {
		t.Fatalf("second run: %v", err)
	}
	// Different flags against the existing spec need --force.
	_, err = run(t, nil, false, "out", "--namespace", "other")
	if err == nil || !strings.Contains(err.Error(), "out/kubenetgen.yaml exists with other content; nothing was written (--force replaces it") {
		t.Errorf("err = %v, want a refusal to replace the spec file", err)
	}
	if _, err := run(t, nil, false, "out", "--namespace", "other", "--force"); err != nil {
		t.Errorf("with --force: %v", err)
	}
	if a := loadWritten(t, "out"); a.Namespace != "other" || len(a.Tiers) != 2 {
		t.Errorf("spec after --force: %+v", a)
	}

	_, err = run(t, nil, false, "bad", "--name", "shop", "--tier", "name=web,image=x,port=http:8080,nodePort=30080")
	if cmdutil.ExitCode(err) != cmdutil.ExitError || !strings.Contains(err.Error(), "tiers[0].ports[0].nodePort (--tier web): 30080 is set but expose.type is ClusterIP") {
		t.Errorf("err = %v, want an invalid spec (exit 1) naming --tier web", err)
	}
}

// TestNoPromptEnv: KUBENETGEN_NO_PROMPT and --no-prompt turn prompting
// off even at a terminal.
func TestNoPromptFlag(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t) // any question fails the test
	if _, err := run(t, f, true, "out", "--no-prompt", "--preset", "blank", "--name", "x", "--tier", "name=a,image=b"); err != nil {
		t.Fatalf("init --no-prompt: %v", err)
	}
	if len(f.Asked) != 0 {
		t.Errorf("asked %d questions with --no-prompt", len(f.Asked))
	}
}

// TestArgs parses the command line into the options.
func TestArgs(t *testing.T) {
	tests := []struct {
		args    []string
		want    InitOptions
		wantErr string
	}{
		{args: nil, want: InitOptions{Dir: "."}},
		{args: []string{"deploy", "--preset", "blank", "--no-prompt", "--force", "-y"}, want: InitOptions{Dir: "deploy", Preset: "blank", NoPrompt: true, Force: true, Yes: true}},
		{args: []string{"a", "b"}, wantErr: "init takes one folder, got 2 arguments: a b"},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *InitOptions
		cmd := NewCmdInit(&cmdutil.Factory{IOStreams: ios}, func(o *InitOptions) error { got = o; return nil })
		cmd.SetArgs(append([]string{}, tt.args...))
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		_, err := cmd.ExecuteC()
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%q: err = %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		type plain struct {
			Dir, Preset          string
			NoPrompt, Force, Yes bool
		}
		g := plain{got.Dir, got.Preset, got.NoPrompt, got.Force, got.Yes}
		w := plain{tt.want.Dir, tt.want.Preset, tt.want.NoPrompt, tt.want.Force, tt.want.Yes}
		if g != w {
			t.Errorf("%q: options = %+v, want %+v", tt.args, g, w)
		}
	}
}

// TestPortRename: a port that keeps its number but changes its name is
// renamed wherever it is named; unrelated settings of kept ports stay.
func TestPortRename(t *testing.T) {
	a := &spec.App{
		Tiers: []spec.Tier{
			{Name: "web"},
			{Name: "api", AllowFrom: []string{"web:http", "web"}, Probe: &spec.Probe{Port: "http"},
				Ports: []spec.Port{{Name: "http", Port: 9090}, {Name: "metrics", Port: 9100, ServicePort: 80}}},
		},
		Ingress: &spec.Ingress{Rules: []spec.Rule{{Path: "/", Tier: "api", Port: "http"}}},
	}
	if err := setPorts(a, 1, "api:9090, metrics:9100, dns:53/udp"); err != nil {
		t.Fatal(err)
	}
	api := a.Tiers[1]
	want := []spec.Port{{Name: "api", Port: 9090}, {Name: "metrics", Port: 9100, ServicePort: 80}, {Name: "dns", Port: 53, Protocol: "UDP"}}
	if diff := cmp.Diff(want, api.Ports); diff != "" {
		t.Errorf("ports (-want +got):\n%s", diff)
	}
	if !cmp.Equal(api.AllowFrom, []string{"web:api", "web"}) || api.Probe.Port != "api" || a.Ingress.Rules[0].Port != "api" {
		t.Errorf("references not renamed: allowFrom %v, probe %q, rule %q", api.AllowFrom, api.Probe.Port, a.Ingress.Rules[0].Port)
	}
	if got := formatPorts(api.Ports); got != "api:9090, metrics:9100, dns:53/UDP" {
		t.Errorf("formatPorts = %q", got)
	}
	if err := setPorts(a, 1, ""); err != nil {
		t.Fatal(err)
	}
	if api := a.Tiers[1]; api.Ports != nil || api.AllowFrom != nil || api.Probe != nil {
		t.Errorf("a tier without ports keeps callers or a probe: %+v", api)
	}
}

// TestAllowFromKeepsNarrowedFlows: unchecking a caller drops its flows,
// keeping a checked one keeps its port narrowing.
func TestAllowFromKeepsNarrowedFlows(t *testing.T) {
	f := prompttest.New(t)
	f.Answer("Which tiers may call db?", "api", "worker")
	w := &wizard{ctx: context.Background(), p: f, out: io.Discard, app: &spec.App{Tiers: []spec.Tier{
		{Name: "web"}, {Name: "api"}, {Name: "worker"},
		{Name: "db", Ports: []spec.Port{{Name: "pg", Port: 5432}}, AllowFrom: []string{"web", "api:pg"}},
	}}}
	if err := w.allowFrom(3); err != nil {
		t.Fatal(err)
	}
	if got := w.app.Tiers[3].AllowFrom; !cmp.Equal(got, []string{"api:pg", "worker"}) {
		t.Errorf("allowFrom = %v, want [api:pg worker]", got)
	}
	if q, _ := f.Question("Which tiers may call db?"); q.Default != "web, api" {
		t.Errorf("checked first = %q, want web, api", q.Default)
	}
}

// TestAllowFlagSkipsTiers: --allow answers the tiers part, like --tier.
func TestAllowFlagSkipsTiers(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t)
	f.Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D)
	acceptIngress(f).Answer(confirmOut, D)
	if stderr, err := run(t, f, true, "out", "--preset", "three-tier", "--allow", "web->db"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if got := loadWritten(t, "out").Tier("db").AllowFrom; !cmp.Equal(got, []string{"api", "web"}) {
		t.Errorf("db.allowFrom = %v", got)
	}
}

// TestPodNetwork: the pod network is asked with the usual clusters as
// choices, another one is typed and judged, the spec records it, and
// --pod-cidr answers the question in advance.
func TestPodNetwork(t *testing.T) {
	inTemp(t)
	f := prompttest.New(t).Answer("Start from", "single").Answer("App name", D).Answer("Namespace", D).
		Answer("Pod network of the cluster", "other").Answer("Pod network (CIDR)", "172.16.0.0/33", "172.16.0.0/16").
		Answer("Tiers", D).Answer("External HTTP(S) access", D).Answer(confirmOut, D)
	if stderr, err := run(t, f, true, "out"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	q, _ := f.Question("Pod network of the cluster")
	for _, want := range []string{"kind or kubeadm (flannel): 10.244.0.0/16", "k3s: 10.42.0.0/16", "dual-stack: an IPv4 and an IPv6 network"} {
		if !slices.Contains(q.Options, want) {
			t.Errorf("options %q lack %q", q.Options, want)
		}
	}
	if !strings.Contains(q.Help, "kubectl get nodes -o jsonpath='{.items[*].spec.podCIDR}'") {
		t.Errorf("help does not say how to find the pod network: %s", q.Help)
	}
	if len(f.Rejections) != 1 || f.Rejections[0].Answer != "172.16.0.0/33" {
		t.Errorf("rejections = %+v, want the /33 refused", f.Rejections)
	}
	if got := loadWritten(t, "out").Network.PodCIDR; got != "172.16.0.0/16" {
		t.Errorf("spec podCIDR = %q, want 172.16.0.0/16", got)
	}

	f = prompttest.New(t).Answer("out/kubenetgen.yaml exists: what now?", "edit").Answer("App name", D).Answer("Namespace", D).
		Answer("Tiers", D).Answer("External HTTP(S) access", D).Answer("Replace out/kubenetgen.yaml and write the base into out?", D)
	if stderr, err := run(t, f, true, "out", "--pod-cidr", "10.42.0.0/16,fd00:42::/56"); err != nil {
		t.Fatalf("init --pod-cidr: %v\n%s", err, stderr)
	}
	if got := loadWritten(t, "out").Network.PodCIDR; got != "10.42.0.0/16,fd00:42::/56" {
		t.Errorf("spec podCIDR = %q after --pod-cidr", got)
	}
}

// TestBarePortNamed: a port given as a bare number is written to the spec
// with the name the base uses for it, never with an empty name.
func TestBarePortNamed(t *testing.T) {
	inTemp(t)
	if _, err := run(t, nil, false, "out", "--name", "shop", "--tier", "name=web,image=nginx,port=80", "--tier", "name=dns,image=x,port=53/UDP"); err != nil {
		t.Fatal(err)
	}
	spec := readFile(t, filepath.Join("out", SpecFile))
	for _, want := range []string{"  - name: tcp-80\n    port: 80\n", "  - name: udp-53\n    port: 53\n"} {
		if !strings.Contains(spec, want) {
			t.Errorf("spec lacks %q:\n%s", want, spec)
		}
	}
	if strings.Contains(spec, `name: ""`) {
		t.Errorf("spec has an empty name:\n%s", spec)
	}
}

// TestNamespaceFollowsName: renaming a preset's app moves the namespace,
// which was the app's name, to the new name, in the wizard and with
// flags; a namespace of its own stays.
func TestNamespaceFollowsName(t *testing.T) {
	inTemp(t)
	if _, err := run(t, nil, false, "a", "--preset", "three-tier", "--name", "store"); err != nil {
		t.Fatal(err)
	}
	if a := loadWritten(t, "a"); a.Namespace != "" || spec.Defaulted(a).Namespace != "store" {
		t.Errorf("--name store: namespace %q, defaulted %q, want it to follow the name", a.Namespace, spec.Defaulted(a).Namespace)
	}
	if _, err := run(t, nil, false, "b", "--preset", "three-tier", "--name", "store", "--namespace", "shop"); err != nil {
		t.Fatal(err)
	}
	if a := loadWritten(t, "b"); a.Namespace != "shop" {
		t.Errorf("--namespace shop: namespace %q", a.Namespace)
	}
	g := prompttest.New(t).Answer("Start from", "single").Answer("App name", "greeter").Answer("Namespace", D).
		Answer("Pod network of the cluster", D).Answer("Tiers", D).Answer("External HTTP(S) access", D).
		Answer("Write c/kubenetgen.yaml and the base into c?", D)
	if stderr, err := run(t, g, true, "c"); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr)
	}
	if q, _ := g.Question("Namespace"); q.Default != "greeter" {
		t.Errorf("namespace default after renaming the app = %q, want greeter", q.Default)
	}
}

// TestWizardFromCluster: with --from-cluster, what the cluster runs is the
// default of each question about it, said as found, and the spec records
// it.
func TestWizardFromCluster(t *testing.T) {
	inTemp(t)
	facts := &clusterfacts.Facts{
		PodCIDR: "10.42.0.0/16", PodCIDRHow: "read from kube-controller-manager's --cluster-cidr",
		Controllers: map[string]*clusterfacts.Controller{"traefik": {Class: "traefik", Namespace: "kube-system",
			Labels: map[string]string{"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system"}}},
		DNS:    &spec.DNS{Namespace: "kube-system", PodLabels: map[string]string{"k8s-app": "coredns"}, Port: 53},
		Engine: spec.PolicyEngine{Enforced: spec.EnforcedNo, Plugins: []string{"flannel"}},
	}
	read := func(context.Context, appflags.Connection, *clusterfacts.GatewayQuery) (*clusterfacts.Facts, *clusterfacts.Cluster, error) {
		return facts, &clusterfacts.Cluster{Context: "k3s"}, nil
	}
	f := prompttest.New(t).Answer("Start from", "single").Answer("App name", D).Answer("Namespace", D).
		Answer("Pod network of the cluster", D).Answer("Tiers", D).Answer("External HTTP(S) access", "traefik").
		Answer("Namespace of the ingress controller", D).Answer("Host", "hello.example.com").Answer("Routes", D).
		Answer("TLS for hello.example.com", "none").Answer(confirmOut, D)
	ios, _, _, stderr := iostreams.Test()
	ios.SetTTY(true, true)
	cmd := NewCmdInit(&cmdutil.Factory{IOStreams: ios}, func(o *InitOptions) error {
		o.Prompter, o.ReadCluster = f, read
		return initRun(o)
	})
	cmd.SetArgs([]string{"out", "--from-cluster"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("init --from-cluster: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		"from the cluster k3s:", "pod network: 10.42.0.0/16, read from kube-controller-manager's --cluster-cidr",
		"found traefik in kube-system with app.kubernetes.io/instance=traefik-kube-system,app.kubernetes.io/name=traefik",
		"NetworkPolicy: NOT ENFORCED (flannel)", "! NETWORK POLICIES WILL NOT BE ENFORCED",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the wizard does not say %q:\n%s", want, stderr)
		}
	}
	if q, _ := f.Question("Namespace of the ingress controller"); q.Default != "kube-system" {
		t.Errorf("controller namespace default = %q, want the cluster's kube-system", q.Default)
	}
	if q, _ := f.Question("Pod network of the cluster"); !strings.Contains(q.Default, "10.42.0.0/16") {
		t.Errorf("pod network default = %q, want the cluster's", q.Default)
	}
	a := loadWritten(t, "out")
	if c := a.Ingress.Controller; c == nil || c.Namespace != "kube-system" || c.PodLabels["app.kubernetes.io/instance"] != "traefik-kube-system" {
		t.Errorf("spec controller = %+v", c)
	}
	if a.Network.PolicyEngine == nil || a.Network.PolicyEngine.Enforced != spec.EnforcedNo || a.Network.DNS.PodLabels["k8s-app"] != "coredns" {
		t.Errorf("spec network = %+v", a.Network)
	}
}

// initOnTTY runs init on a terminal with the prompter p and the cluster
// reader read, and returns what it said on standard error.
func initOnTTY(p prompter.Prompter, read shared.ClusterReader, args ...string) (string, error) {
	ios, _, _, stderr := iostreams.Test()
	ios.SetTTY(true, true)
	cmd := NewCmdInit(&cmdutil.Factory{IOStreams: ios}, func(o *InitOptions) error {
		o.Prompter, o.ReadCluster = p, read
		return initRun(o)
	})
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	return stderr.String(), err
}

// TestFromClusterChecksThePresetGateway: the Gateway a preset names is
// checked against the cluster before anything is asked or written, and the
// cluster's refusal stops init.
func TestFromClusterChecksThePresetGateway(t *testing.T) {
	inTemp(t)
	var asked *clusterfacts.GatewayQuery
	read := func(_ context.Context, _ appflags.Connection, gw *clusterfacts.GatewayQuery) (*clusterfacts.Facts, *clusterfacts.Cluster, error) {
		asked = gw
		return nil, nil, errors.New("GatewayClass eg belongs to istio")
	}
	f := prompttest.New(t)
	if _, err := initOnTTY(f, read, "out", "--preset", "gateway-shop", "--from-cluster"); err == nil || !strings.Contains(err.Error(), "belongs to istio") {
		t.Fatalf("init --from-cluster = %v, want the cluster's refusal", err)
	}
	want := clusterfacts.GatewayQuery{Class: "envoy-gateway", ClassName: "eg", Shared: true, Name: "public", Namespace: "gateways"}
	if asked == nil || *asked != want {
		t.Errorf("the cluster was asked about %+v, want %+v", asked, want)
	}
	if len(f.Asked) > 0 {
		t.Errorf("asked %d questions before the Gateway was checked", len(f.Asked))
	}
	if _, err := os.Stat("out"); !os.IsNotExist(err) {
		t.Errorf("init wrote out (%v) after the cluster refused the Gateway", err)
	}
}

// TestWizardDropsAStaleDataPlane: the data plane --from-cluster found for
// the preset's shared Gateway is kept while the answers keep that Gateway,
// and dropped, with a note, when they name another one.
func TestWizardDropsAStaleDataPlane(t *testing.T) {
	for _, tc := range []struct {
		gateway string
		want    string
	}{{gateway: D, want: "edge-proxies"}, {gateway: "edge/infra", want: "envoy-gateway-system"}} {
		t.Run(tc.gateway, func(t *testing.T) {
			inTemp(t)
			read := func(_ context.Context, _ appflags.Connection, gw *clusterfacts.GatewayQuery) (*clusterfacts.Facts, *clusterfacts.Cluster, error) {
				f := &clusterfacts.Facts{PodCIDR: "10.244.0.0/16", Engine: spec.PolicyEngine{Enforced: spec.EnforcedYes}}
				f.Gateway = &clusterfacts.GatewayFacts{Query: *gw, Class: "eg", Controller: "gateway.envoyproxy.io/gatewayclass-controller",
					DataPlane: &spec.Controller{Namespace: "edge-proxies", PodLabels: spec.GatewayPresets["envoy-gateway"].Labels(gw.Name, gw.Namespace)}, DataPlanePods: 2}
				return f, &clusterfacts.Cluster{Context: "test"}, nil
			}
			f := prompttest.New(t).Answer("App name", D).Answer("Namespace", D).Answer("Pod network of the cluster", D).Answer("Tiers", D).
				Answer("External HTTP(S) access", D).Answer("Gateway API implementation", D).
				Answer("Which Gateway do the routes attach to?", D).Answer("Shared Gateway (NAME/NAMESPACE)", tc.gateway).
				Answer("Listener of the shared Gateway", D).Answer("Host", D).Answer("Routes", D).Answer(confirmOut, D)
			stderr, err := initOnTTY(f, read, "out", "--preset", "gateway-shop", "--from-cluster")
			if err != nil {
				t.Fatalf("init --from-cluster: %v\n%s", err, stderr)
			}
			a := spec.Defaulted(loadWritten(t, "out"))
			if dp := a.Gateway.DataPlane; dp == nil || dp.Namespace != tc.want || dp.PodLabels[spec.LabelEnvoyOwningName] != a.Gateway.Attach.Name {
				t.Errorf("data plane of Gateway %s = %+v, want it in %s with that Gateway's labels", a.Gateway.Attach.Name, dp, tc.want)
			}
			if said := strings.Contains(stderr, "the Gateway was changed after the cluster was read"); said != (tc.gateway != D) {
				t.Errorf("note of a changed Gateway said: %v, want %v\n%s", said, tc.gateway != D, stderr)
			}
		})
	}
}
