//go:build e2e

package packets

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/randapp"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

const (
	// randomDefault is how many random apps a run measures unless
	// KUBENETGEN_PACKETS_RANDOM says otherwise.
	randomDefault = 50
	// batchSize apps share one round of apply, wire, baseline, policies,
	// measure and teardown in a world: the fixed costs of a round
	// (kube-router's settling after a policy change, the teardown) are then
	// paid once per batch. 17 makes the default 50 apps three batches
	// (about two thirds of the apps use the default pod network, a third
	// another), about 150 pods each, well inside the nodes' two /24s.
	batchSize = 17
)

// randomApp is one drawn app and the seed that draws it again.
type randomApp struct {
	seed uint64
	app  *spec.App
}

// envNumber reads a non-negative number from the environment, or def.
func envNumber(t *testing.T, name string, def uint64) uint64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q: want a non-negative whole number", name, v)
	}
	return n
}

// drawApps draws n valid apps from seed on, each in a namespace of its own
// ("r<seed>") so that they can share a world.
func drawApps(t *testing.T, seed uint64, n int) []randomApp {
	var out []randomApp
	for s := seed; len(out) < n && s < seed+uint64(20*n); s++ {
		a := randapp.App(s)
		a.Namespace = fmt.Sprintf("r%d", s)
		spec.Default(a)
		if len(spec.Validate(a)) == 0 {
			out = append(out, randomApp{seed: s, app: a})
		}
	}
	if len(out) < n {
		t.Fatalf("only %d of %d random apps from seed %d validate", len(out), n, seed)
	}
	return out
}

// TestRandomPackets is the property test: seeded random apps (package
// randapp) must each give exactly their declared flows, 0 wrong. The apps
// share worlds (one per pod network) and are measured a batch at a time,
// each batch torn down before the next. The seed is in the log; a failing
// app names its own, which KUBENETGEN_PACKETS_SEED=<seed>
// KUBENETGEN_PACKETS_RANDOM=1 replays alone.
func TestRandomPackets(t *testing.T) {
	needWorld(t)
	n := int(envNumber(t, "KUBENETGEN_PACKETS_RANDOM", randomDefault))
	seed := envNumber(t, "KUBENETGEN_PACKETS_SEED", uint64(time.Now().UnixNano()%1_000_000_000))
	if n == 0 {
		t.Skip("KUBENETGEN_PACKETS_RANDOM=0")
	}
	t.Logf("%d random apps from seed %d (replay: KUBENETGEN_PACKETS_SEED=%d KUBENETGEN_PACKETS_RANDOM=%d)", n, seed, seed, n)
	began := time.Now()
	groups := map[string][]randomApp{}
	for _, ra := range drawApps(t, seed, n) {
		net := verify.OptionsFromSpec(ra.app).PodCIDR.Masked().String()
		groups[net] = append(groups[net], ra)
	}
	for _, net := range slices.Sorted(maps.Keys(groups)) {
		t.Run("pods in "+strings.ReplaceAll(net, "/", "_"), func(t *testing.T) { runRandomGroup(t, groups[net]) })
	}
	t.Logf("%d random apps from seed %d in %s, %s per app", n, seed, time.Since(began).Round(100*time.Millisecond),
		(time.Since(began) / time.Duration(n)).Round(10*time.Millisecond))
}

// runRandomGroup measures apps of one pod network in one world.
func runRandomGroup(t *testing.T, apps []randomApp) {
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout+time.Duration(len(apps))*20*time.Second)
	defer cancel()
	o := verify.OptionsFromSpec(apps[0].app)
	w := &world{t: t, podCIDRs: nodePodCIDRs(o), podNet: o.PodCIDR.Masked().String()}
	start := time.Now()
	if err := w.start(ctx); err != nil {
		t.Fatal(err)
	}
	defer w.close()
	if why := canProxy(); why == "" {
		if err := w.startProxy(ctx); err != nil {
			t.Fatal(err)
		}
		w.proxy = true
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and Service paths cannot be measured: %s", why)
	}
	t.Logf("world up in %s", time.Since(start).Round(100*time.Millisecond))
	for i := 0; i < len(apps); i += batchSize {
		if !runRandomBatch(ctx, t, w, apps[i:min(i+batchSize, len(apps))]) {
			return
		}
	}
}

// runRandomBatch applies a few apps with their stand-ins, wires their pods,
// checks the baseline, applies their policies, measures each app's flows
// against its declared ones, and removes them again. It reports whether the
// world is fit for the next batch.
func runRandomBatch(ctx context.Context, t *testing.T, w *world, batch []randomApp) bool {
	t.Helper()
	began := time.Now()
	var steps []string
	step := func(what string, since time.Time) time.Time {
		steps = append(steps, fmt.Sprintf("%s %s", what, time.Since(since).Round(10*time.Millisecond)))
		return time.Now()
	}
	var lives []*live
	var rest, policies, standIns []string
	byNames := map[*live]map[string]*verify.Peer{}
	for _, ra := range batch {
		s, stream := randomSubject(t, ra)
		l := &live{subject: s, w: w}
		lives = append(lives, l)
		for _, doc := range strings.Split(stream, "\n---\n") {
			if policyDoc.MatchString(doc) {
				policies = append(policies, doc)
			} else {
				rest = append(rest, doc)
			}
		}
		docs, byName := w.standIns(s.e.Peers, true)
		// As YAML: kubectl reads a stream that begins with JSON as one
		// JSON document.
		y, err := yaml.JSONToYAML([]byte(docs))
		if err != nil {
			t.Fatal(err)
		}
		standIns = append(standIns, string(y))
		byNames[l] = byName
	}
	defer func() {
		start := time.Now()
		if err := removeApps(ctx, w, lives); err != nil {
			t.Errorf("removing the batch: %v", err)
		}
		t.Logf("batch removed in %s", time.Since(start).Round(10*time.Millisecond))
	}()
	start := step("generate", began)
	if _, err := w.kubectl(ctx, strings.Join(rest, "\n---\n"), "apply", "-f", "-"); err != nil {
		t.Errorf("applying the bases without their policies: %v", err)
		return false
	}
	if _, err := w.kubectl(ctx, strings.Join(standIns, "\n---\n"), "apply", "-f", "-"); err != nil {
		t.Errorf("applying the stand-in pods: %v", err)
		return false
	}
	// A stand-in the apps share is one pod, matched once per app (to each
	// app's own peer): it is wired once, and the other apps' copies take
	// its namespace.
	var pods []*pod
	first := map[string]*pod{}
	for _, l := range lives {
		var err error
		if l.pods, err = w.waitPods(ctx, l.e.Peers, byNames[l]); err != nil {
			t.Errorf("%s: %v", l.name, err)
			return false
		}
		for _, p := range l.pods {
			if first[p.key()] == nil {
				first[p.key()] = p
				pods = append(pods, p)
			}
		}
	}
	start = step("apply+pods", start)
	if err := w.wire(pods); err != nil {
		t.Errorf("wiring: %v", err)
		return false
	}
	for _, l := range lives {
		for _, p := range l.pods {
			p.netns = first[p.key()].netns
		}
	}
	start = step("wire", start)
	if w.proxy {
		var all []service
		for _, l := range lives {
			var err error
			if l.svcs, err = l.liveServices(ctx); err != nil {
				t.Errorf("%s: %v", l.name, err)
				return false
			}
			all = append(all, l.svcs...)
		}
		if err := lives[0].waitProxy(ctx, all); err != nil {
			t.Errorf("%v", err)
			return false
		}
	}
	start = step("Services programmed", start)
	base := measureApps(lives)
	for i, l := range lives {
		if bad := base[i].notConnected(); len(bad) > 0 {
			t.Errorf("%s: without any NetworkPolicy every attempt must reach the pod meant; %d did not:\n  %s",
				l.name, len(bad), strings.Join(bad, "\n  "))
			return false
		}
	}
	before, err := w.rulesState(ctx)
	if err != nil {
		t.Error(err)
		return false
	}
	if _, err := w.kubectl(ctx, strings.Join(policies, "\n---\n"), "apply", "-f", "-"); err != nil {
		t.Errorf("applying the policies: %v", err)
		return false
	}
	if err := w.waitRules(ctx, before, settleLimit); err != nil {
		t.Error(err)
		return false
	}
	start = step("baseline+policies programmed", start)
	got := measureApps(lives)
	step("measure", start)
	attempts := 0
	for i, l := range lives {
		v := compare(got[i], l.e.Peers, l.want)
		attempts += len(got[i].attempts) + len(base[i].attempts)
		if v.wrong > 0 {
			data, _ := spec.Marshal(l.app)
			t.Errorf("%s: %d flows differ from the declared ones (replay: KUBENETGEN_PACKETS_SEED=%d KUBENETGEN_PACKETS_RANDOM=1):\n%s\nspec:\n%s",
				l.name, v.wrong, batch[i].seed, v.table(), data)
			continue
		}
		t.Logf("%s: %d pods, %d Service ports: %s; 0 wrong", l.name, len(l.pods), len(l.svcs), got[i].counts())
	}
	t.Logf("batch of %d apps, %d pods, %d attempts: %s (%s)",
		len(batch), len(pods), attempts, time.Since(began).Round(10*time.Millisecond), strings.Join(steps, ", "))
	return !t.Failed()
}

// randomSubject writes a random app's base and returns its subject and the
// base as kustomize builds it (generate's stream, held byte-equal to
// kustomize's build by generate's own tests).
func randomSubject(t *testing.T, ra randomApp) (*subject, string) {
	t.Helper()
	files, err := generate.Render(ra.app, "base")
	if err != nil {
		t.Fatalf("random app %d: %v", ra.seed, err)
	}
	pairs, err := generate.NewPairs(generate.SelfSignedCerts(ra.app), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "base")
	for _, f := range append(files, pairs...) {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	stream, err := generate.StreamBytes(ra.app, pairs)
	if err != nil {
		t.Fatalf("random app %d: %v", ra.seed, err)
	}
	return subjectOf(t, fmt.Sprintf("random app %d", ra.seed), dir, ra.app), string(stream)
}

// measureApps makes every app's attempts in one run and returns each app's
// share.
func measureApps(lives []*live) []*measurement {
	var per [][]*attempt
	var all []*attempt
	for _, l := range lives {
		as := l.allAttempts()
		per = append(per, as)
		all = append(all, as...)
	}
	m := runAll(all)
	out := make([]*measurement, len(per))
	for i, as := range per {
		out[i] = &measurement{attempts: as, took: m.took}
	}
	return out
}

// removeApps deletes a batch: its namespaces, which stops their
// controllers from making new pods, then every pod and policy of the world
// (the world holds this batch only) at once, without grace, so that the
// next batch meets no pod or policy of this one; the namespaces themselves
// finish terminating in the background. Then it unwires the pods (every
// pod the world has wired is the batch's).
func removeApps(ctx context.Context, w *world, lives []*live) error {
	namespaces := map[string]bool{}
	for _, l := range lives {
		namespaces[l.app.Namespace] = true
	}
	args := append([]string{"delete", "namespaces", "--ignore-not-found", "--wait=false"}, slices.Sorted(maps.Keys(namespaces))...)
	if _, err := w.kubectl(ctx, "", args...); err != nil {
		return err
	}
	if _, err := w.kubectl(ctx, "", "delete", "pods,networkpolicies", "--all", "--all-namespaces", "--force", "--grace-period=0", "--wait=false"); err != nil {
		return err
	}
	return w.unwire(slices.Clone(w.pods))
}
