//go:build e2e

package packets

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

// caseTimeout bounds one case from the node's creation to its removal. A
// case takes seconds; the margin is for a loaded machine.
const caseTimeout = 5 * time.Minute

// settleLimit bounds the wait for kube-router to program a policy change.
const settleLimit = 20 * time.Second

// subject is one base and the spec it was generated from.
type subject struct {
	name string // for the logs: "golden/nodeport"
	dir  string // the kustomize base
	app  *spec.App
	// bundle, evaluator and want are the oracle: the base's objects as
	// verify reads them, and the flows the spec declares among them.
	bundle *verify.Bundle
	e      *verify.Evaluator
	want   []verify.Flow
}

// loadSubject reads a base and its spec, and computes the declared flows
// exactly as verify --expect does.
func loadSubject(t *testing.T, name, dir, specPath string) *subject {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	app, err := spec.Load(data)
	if err != nil {
		t.Fatalf("%s: %v", specPath, err)
	}
	spec.Default(app)
	if ps := spec.Validate(app); len(ps) > 0 {
		t.Fatalf("%s is not a valid spec: %v", specPath, ps)
	}
	return subjectOf(t, name, dir, app)
}

// subjectOf is the subject of a defaulted, valid spec and its base.
func subjectOf(t *testing.T, name, dir string, app *spec.App) *subject {
	t.Helper()
	b, err := verify.Load(dir, nil, verify.LoadOptions{})
	if err != nil {
		t.Fatalf("loading %s: %v", dir, err)
	}
	s := &subject{name: name, dir: dir, app: app, bundle: b}
	o := verify.OptionsFromSpec(app)
	o.Outside = append(o.Outside, strangerRange)
	s.e = verify.NewEvaluator(b.Objects, o)
	s.want, _ = verify.Expected(app, s.e)
	return s
}

// live is a subject running in its world.
type live struct {
	*subject
	w     *world
	pods  []*pod
	steps []string
	// svcs are the base's Service ports, when kube-proxy runs, and
	// clients the outside addresses that call their node ports.
	svcs    []service
	clients []*pod
	// dns is the DNS stand-in pod when CoreDNS serves it, and dnsAddr
	// the kube-dns Service's address.
	dns     *pod
	dnsAddr netip.Addr
}

func (l *live) step(what string, since time.Time) {
	l.steps = append(l.steps, fmt.Sprintf("%s %s", what, time.Since(since).Round(10*time.Millisecond)))
}

// bringUp starts the subject's world, applies the base without its
// policies plus the stand-ins, wires the pods and checks the baseline:
// with no policy every attempt must reach the pod meant. The world is
// closed when the test ends.
func bringUp(ctx context.Context, t *testing.T, s *subject) *live {
	t.Helper()
	o := verify.OptionsFromSpec(s.app)
	l := &live{subject: s, w: &world{t: t, podCIDRs: nodePodCIDRs(o), podNet: o.PodCIDR.Masked().String()}}
	start := time.Now()
	if err := l.w.start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.w.close)
	if why := canProxy(); why == "" {
		if err := l.w.startProxy(ctx); err != nil {
			t.Fatal(err)
		}
		l.w.proxy = true
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and Service paths cannot be measured: %s", why)
	} else {
		t.Logf("Service paths not measured: %s", why)
	}
	if why := canDNS(); why == "" && dnsPeer(s.e.Peers) != nil {
		l.w.dns = true
	} else if why != "" && os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and real DNS cannot run: %s", why)
	} else if why != "" {
		t.Logf("names not resolved by a real DNS: %s", why)
	} else {
		t.Logf("names not resolved by a real DNS: cluster DNS is only addresses in this spec")
	}
	l.step("node+control plane+engine", start)

	start = time.Now()
	rest, _, err := l.w.splitBase(ctx, s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.w.kubectl(ctx, rest, "apply", "-f", "-"); err != nil {
		t.Fatalf("applying the base without its policies: %v", err)
	}
	standIns, byName := l.w.standIns(s.e.Peers, false)
	if _, err := l.w.kubectl(ctx, standIns, "apply", "-f", "-"); err != nil {
		t.Fatalf("applying the stand-in pods: %v", err)
	}
	if l.pods, err = l.w.waitPods(ctx, s.e.Peers, byName); err != nil {
		t.Fatal(err)
	}
	for _, p := range l.pods {
		if p.peer.Kind == verify.PeerGatewayDataPlane {
			in, out := s.e.Isolated(p.peer)
			p.isolated = in || out
		}
	}
	if why := unspread(l.pods, len(l.w.nodes)); why != "" {
		t.Fatalf("%s: replicas must run on more than one node, so that flows between nodes are measured: %s", s.name, why)
	}
	l.step("apply+pods", start)

	start = time.Now()
	for _, p := range l.pods {
		p.dns = l.w.dns && p.peer.Kind == verify.PeerDNS
		if p.dns {
			l.dns = p
		}
	}
	if err := l.w.wire(l.pods); err != nil {
		t.Fatal(err)
	}
	if l.dns != nil {
		if err := l.w.startDNS(ctx, l.dns); err != nil {
			t.Fatal(err)
		}
		if l.dnsAddr, err = l.liveDNS(ctx, l.dns.peer); err != nil {
			t.Fatal(err)
		}
	}
	l.step("wire", start)

	if l.w.proxy {
		if l.svcs, err = l.liveServices(ctx); err != nil {
			t.Fatal(err)
		}
		wait := l.svcs
		if l.dns != nil {
			wait = append(slices.Clone(wait), dnsService(l.dnsAddr, l.dns))
		}
		if err := l.waitProxy(ctx, wait); err != nil {
			t.Fatal(err)
		}
		if l.clients, err = l.wireOutside(); err != nil {
			t.Fatal(err)
		}
	}
	base := runAll(l.allAttempts())
	t.Logf("%s: baseline without policies, %d pods on %d nodes, %d Service ports: %s; %d attempts between pods of different nodes; %d lookups of Service names",
		s.name, len(l.pods), len(l.w.nodes), len(l.svcs), base.counts(), crossNode(base), lookups(base))
	if bad := base.notConnected(); len(bad) > 0 {
		t.Fatalf("without any NetworkPolicy every attempt must reach the pod meant (the plumbing is broken otherwise); %d did not:\n  %s",
			len(bad), strings.Join(bad, "\n  "))
	}
	l.step("baseline", start)
	return l
}

// applyPolicies applies the given documents (kubectl verb apply or
// replace) and waits for kube-router to program them.
func (l *live) applyPolicies(ctx context.Context, t *testing.T, verb, docs string) {
	t.Helper()
	before, err := l.w.rulesState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.w.kubectl(ctx, docs, verb, "-f", "-"); err != nil {
		t.Fatalf("kubectl %s of the policies: %v", verb, err)
	}
	if err := l.w.waitRules(ctx, before, settleLimit); err != nil {
		t.Fatal(err)
	}
}

// allAttempts are the pod-to-pod attempts and, when kube-proxy runs, the
// attempts through the Services: from the pods to their ClusterIPs, and from
// the outside clients to their node ports and to the data plane of an own
// Gateway that runs in the app's namespace.
func (l *live) allAttempts() []*attempt {
	calls := serviceAttempts(l.pods, l.svcs)
	as := append(attempts(l.pods), calls...)
	as = append(as, lookupAttempts(l.pods, l.svcs, l.dns, l.dnsAddr, calls)...)
	as = append(as, dataPlaneAttempts(l.clients, l.pods)...)
	return append(as, nodePortAttempts(l.clients, l.svcs, len(l.w.nodes))...)
}

// check measures every flow, pod to pod and through the Services, and
// compares it with the declared ones. A Service path is compared as the
// flow to its tier on the pod port, which is what the policy sees after
// the Service's DNAT.
func (l *live) check() (*measurement, *verdict) {
	m := runAll(l.allAttempts())
	return m, compare(m, l.e.Peers, l.want)
}

// unspread names a workload whose replicas all run on one node though
// there are more nodes, or returns "".
func unspread(pods []*pod, nodes int) string {
	if nodes < 2 {
		return ""
	}
	on := map[*verify.Peer]map[int]bool{}
	count := map[*verify.Peer]int{}
	for _, p := range pods {
		if p.peer.Kind != verify.PeerWorkload {
			continue
		}
		if on[p.peer] == nil {
			on[p.peer] = map[int]bool{}
		}
		on[p.peer][p.node] = true
		count[p.peer]++
	}
	for p, n := range count {
		if n > 1 && len(on[p]) < 2 {
			return fmt.Sprintf("%s has %d pods, all on one node", p.ID, n)
		}
	}
	return ""
}

// crossNode counts the attempts from a pod to a pod of another node.
func crossNode(m *measurement) int {
	n := 0
	for _, a := range m.attempts {
		if a.from.peer.Kind != verify.PeerOutside && !a.dial.IsValid() && a.from.node != a.to.node {
			n++
		}
	}
	return n
}

// checkPackets runs one subject: baseline, then the base's policies, which
// must give exactly the declared flows.
func checkPackets(t *testing.T, s *subject) {
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	began := time.Now()
	l := bringUp(ctx, t, s)
	start := time.Now()
	_, policies, err := l.w.splitBase(ctx, s.dir)
	if err != nil {
		t.Fatal(err)
	}
	l.applyPolicies(ctx, t, "apply", policies)
	l.step("policies programmed", start)
	start = time.Now()
	m, v := l.check()
	l.step("measure", start)
	t.Logf("%s: with the policies: %s; %d wrong flows\n%s", s.name, m.counts(), v.wrong, v.table())
	if v.wrong > 0 {
		t.Errorf("%s: %d flows differ from the declared ones (table above)", s.name, v.wrong)
	}
	t.Logf("%s: %s (%s)", s.name, time.Since(began).Round(100*time.Millisecond), strings.Join(l.steps, ", "))
}

// TestGoldenPackets measures every golden case's base.
func TestGoldenPackets(t *testing.T) {
	needWorld(t)
	specs, err := filepath.Glob(filepath.Join(repoRoot, "golden", "*", "kubenetgen.yaml"))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no golden case under %s (%v)", repoRoot, err)
	}
	for _, sp := range specs {
		name := filepath.Base(filepath.Dir(sp))
		t.Run(name, func(t *testing.T) {
			checkPackets(t, loadSubject(t, "golden/"+name, filepath.Join(filepath.Dir(sp), "base"), sp))
		})
	}
}

// TestExamplePackets renders each bundled example with kubenetgen generate
// and measures the result.
func TestExamplePackets(t *testing.T) {
	needWorld(t)
	specs, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "kubenetgen.yaml"))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no bundled example under %s (%v)", repoRoot, err)
	}
	for _, sp := range specs {
		name := filepath.Base(filepath.Dir(sp))
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "base")
			cmd := exec.Command("go", "run", "./cmd/kubenetgen", "generate", "-f", sp, "-o", out)
			cmd.Dir = repoRoot
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("kubenetgen generate -f %s: %v\n%s", sp, err, b)
			}
			checkPackets(t, loadSubject(t, "examples/"+name, out, sp))
		})
	}
}

// TestInitPackets measures what the wizard's non-interactive path writes.
func TestInitPackets(t *testing.T) {
	needWorld(t)
	work := t.TempDir()
	cmd := exec.Command("go", "run", "./cmd/kubenetgen", "init", filepath.Join(work, "base"), "--no-prompt",
		"--name", "initapp",
		"--namespace", "initapp",
		"--tier", "name=web,image=registry.example/web:1.0,port=http:8080,replicas=2,expose=ClusterIP",
		"--tier", "name=api,image=registry.example/api:1.0,port=http:9090,expose=ClusterIP",
		"--tier", "name=worker,image=registry.example/worker:1.0,port=metrics:9100",
		"--allow", "web->api",
		"--allow", "worker->api",
		"--ingress-class", "traefik",
		"--rule", "init.example.com/=web:http",
	)
	cmd.Dir = repoRoot
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kubenetgen init --no-prompt: %v\n%s", err, b)
	}
	base := filepath.Join(work, "base")
	checkPackets(t, loadSubject(t, "init --no-prompt", base, filepath.Join(base, "kubenetgen.yaml")))
}
