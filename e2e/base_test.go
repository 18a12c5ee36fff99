//go:build e2e

package e2e

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// caseTimeout bounds one base from apply to deletion. A healthy base takes
// seconds; the margin is for a loaded CI machine.
const caseTimeout = 6 * time.Minute

// How long the cluster may take to act on a base: Deployments to become
// Available, and PodDisruptionBudgets and EndpointSlices to catch up. The
// tests of the checks themselves shorten them, since they wait for things
// that never happen.
var (
	availableTimeout = 2 * time.Minute
	settleTimeout    = time.Minute
)

// kubectl runs kubectl against the test cluster.
func kubectl(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	return testCluster.Kubectl(ctx, nil, args...)
}

// checkBase applies the kustomize base in dir to the test cluster and checks
// everything a user relies on, then deletes it again. name labels the
// summary line.
func checkBase(t testing.TB, name, dir string) {
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	began := time.Now()
	var steps []string
	step := func(what string, since time.Time) {
		steps = append(steps, fmt.Sprintf("%s %s", what, time.Since(since).Round(10*time.Millisecond)))
	}

	var rendered []object
	// Deferred so that a case that stops at its first fatal error is
	// timed and summarised too.
	defer func() {
		t.Logf("%s: %d objects, %s (%s)", name, len(rendered), time.Since(began).Round(10*time.Millisecond), strings.Join(steps, ", "))
		if _, real := t.(*testing.T); real {
			status := "ok"
			if t.Failed() {
				status = "FAILED"
			}
			recordSummary("%-6s %-36s %3d objects %6s", status, name, len(rendered), time.Since(began).Round(100*time.Millisecond))
		}
	}()

	start := time.Now()
	rendered = renderBase(ctx, t, dir)
	namespaces := namespacesOf(rendered)
	if !slices.ContainsFunc(rendered, func(o object) bool { return o.Kind == "Namespace" }) {
		t.Errorf("the base has no Namespace object; objects are in %v", namespaces)
	}
	// Cases may share a namespace: the previous one must be gone first.
	for _, ns := range namespaces {
		waitNamespaceGone(ctx, t, ns)
	}
	step("render+wait", start)

	start = time.Now()
	// Registered before applying: a rejected apply may still have created
	// the objects before the one rejected.
	t.Cleanup(func() { deleteBase(t, dir) })
	out, stderr, err := kubectl(ctx, "apply", "-k", dir, "--validate=strict")
	if err != nil {
		t.Fatalf("the API server rejected the base: %v", err)
	}
	if strings.TrimSpace(stderr) != "" {
		t.Errorf("kubectl apply printed warnings:\n%s", stderr)
	}
	checkApplyOutput(t, out, rendered, "created")
	step("apply", start)

	start = time.Now()
	deployments := waitDeploymentsAvailable(ctx, t, rendered)
	step("available", start)
	start = time.Now()
	checkPDBs(ctx, t, rendered, deployments)
	checkServices(ctx, t, rendered, deployments)
	checkIngresses(ctx, t, rendered)
	checkTLSSecrets(ctx, t, rendered)
	step("pdb+endpoints", start)

	start = time.Now()
	checkReapply(ctx, t, dir, rendered)
	checkDiffEmpty(ctx, t, dir)
	step("reapply+diff", start)
}

// renderBase returns the objects of the base as kubectl would send them,
// before the server defaults anything: the requested nodePorts are read from
// here.
func renderBase(ctx context.Context, t testing.TB, dir string) []object {
	t.Helper()
	yaml, _, err := kubectl(ctx, "kustomize", dir)
	if err != nil {
		t.Fatalf("building the base: %v", err)
	}
	// A client-side dry run converts the YAML to JSON without creating
	// anything.
	out, _, err := testCluster.Kubectl(ctx, strings.NewReader(yaml), "create", "--dry-run=client", "-o", "json", "-f", "-")
	if err != nil {
		t.Fatalf("reading the built base: %v", err)
	}
	objs, err := decodeObjects([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 {
		t.Fatalf("the base in %s has no objects", dir)
	}
	return objs
}

// namespacesOf returns the namespaces the objects live in or create.
func namespacesOf(objs []object) []string {
	set := map[string]bool{}
	for _, o := range objs {
		if o.Kind == "Namespace" {
			set[o.Metadata.Name] = true
		} else if o.Metadata.Namespace != "" {
			set[o.Metadata.Namespace] = true
		}
	}
	return sortedKeys(set)
}

// waitNamespaceGone waits until namespace ns does not exist.
func waitNamespaceGone(ctx context.Context, t testing.TB, ns string) {
	t.Helper()
	poll(ctx, t, "namespace "+ns+" to be gone", 2*time.Minute, func() (bool, string) {
		out, _, err := kubectl(ctx, "get", "namespace", ns, "--ignore-not-found", "-o", "name")
		if err != nil {
			return false, err.Error()
		}
		return strings.TrimSpace(out) == "", "it still exists"
	})
}

// deleteBase deletes what the base created. It does not wait for the
// namespaces to finish terminating: the next case that uses one of them
// waits for it before applying, and the others need not wait at all.
func deleteBase(t testing.TB, dir string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, _, err := kubectl(ctx, "delete", "-k", dir, "--ignore-not-found", "--wait=false"); err != nil {
		t.Errorf("deleting the base: %v", err)
	}
}

// poll calls cond until it holds; on timeout it fails the test with cond's
// last explanation.
func poll(ctx context.Context, t testing.TB, what string, timeout time.Duration, cond func() (ok bool, why string)) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		ok, why := cond()
		if ok {
			return true
		}
		if err := testCluster.CheckAlive(); err != nil {
			t.Fatalf("waiting for %s: the cluster broke: %v", what, err)
		}
		select {
		case <-ctx.Done():
			t.Errorf("waiting for %s: %v: %s", what, ctx.Err(), why)
			return false
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// getObjects runs kubectl get with args and decodes the result.
func getObjects(ctx context.Context, t testing.TB, args ...string) []object {
	t.Helper()
	out, _, err := kubectl(ctx, append([]string{"get", "-o", "json"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeObjects([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// checkApplyOutput checks that kubectl apply reported each rendered object
// with the given verb.
func checkApplyOutput(t testing.TB, out string, rendered []object, verb string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(rendered) {
		t.Errorf("kubectl apply reported %d objects, the base has %d:\n%s", len(lines), len(rendered), out)
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, " "+verb) {
			t.Errorf("kubectl apply: %q, want every object %s", l, verb)
		}
	}
}

// waitDeploymentsAvailable waits until every Deployment of the base is
// Available with all its replicas updated and ready, and returns them as the
// server has them.
func waitDeploymentsAvailable(ctx context.Context, t testing.TB, rendered []object) map[string]deployment {
	t.Helper()
	live := map[string]deployment{}
	for _, o := range rendered {
		if o.Kind != "Deployment" {
			continue
		}
		key := o.Metadata.Namespace + "/" + o.Metadata.Name
		ok := poll(ctx, t, "Deployment "+key+" to be Available", availableTimeout, func() (bool, string) {
			objs := getObjects(ctx, t, "deployment", o.Metadata.Name, "-n", o.Metadata.Namespace)
			var d deployment
			if err := objs[0].decode(&d); err != nil {
				return false, err.Error()
			}
			live[key] = d
			want := d.replicas()
			s := d.Status
			done := s.ObservedGeneration >= d.Metadata.Generation && conditionTrue(s.Conditions, "Available") &&
				s.UpdatedReplicas == want && s.ReadyReplicas == want && s.AvailableReplicas == want && s.Replicas == want
			return done, fmt.Sprintf("replicas %d: updated %d, ready %d, available %d; conditions %+v",
				want, s.UpdatedReplicas, s.ReadyReplicas, s.AvailableReplicas, s.Conditions)
		})
		if !ok {
			events, _, _ := kubectl(ctx, "get", "events", "-n", o.Metadata.Namespace, "--sort-by=.lastTimestamp")
			t.Errorf("events in %s:\n%s", o.Metadata.Namespace, events)
			continue
		}
		checkSpread(ctx, t, live[key])
	}
	return live
}

// podsOf lists the pods of namespace ns whose labels sel matches.
func podsOf(ctx context.Context, t testing.TB, ns string, sel func(map[string]string) bool) []pod {
	t.Helper()
	var pods []pod
	for _, o := range getObjects(ctx, t, "pods", "-n", ns) {
		var p pod
		if err := o.decode(&p); err != nil {
			t.Fatal(err)
		}
		if sel(p.Metadata.Labels) {
			pods = append(pods, p)
		}
	}
	return pods
}

// checkSpread checks that the scheduler honoured the Deployment's hard
// topology spread constraints across the fake nodes, and logs where its pods
// landed.
func checkSpread(ctx context.Context, t testing.TB, d deployment) {
	t.Helper()
	pods := podsOf(ctx, t, d.Metadata.Namespace, d.Spec.Selector.matches)
	perNode := map[string]int{}
	for _, n := range testCluster.NodeNames {
		perNode[n] = 0
	}
	for _, p := range pods {
		perNode[p.Spec.NodeName]++
	}
	for _, c := range d.Spec.Template.Spec.TopologySpreadConstraints {
		if c.TopologyKey != "kubernetes.io/hostname" || c.WhenUnsatisfiable != "DoNotSchedule" {
			continue
		}
		counts := slices.Collect(maps.Values(perNode))
		if skew := slices.Max(counts) - slices.Min(counts); int32(skew) > c.MaxSkew {
			t.Errorf("Deployment %s/%s: pods per node %v, skew %d exceeds maxSkew %d",
				d.Metadata.Namespace, d.Metadata.Name, perNode, skew, c.MaxSkew)
		}
	}
	t.Logf("Deployment %s/%s: pods per node %v", d.Metadata.Namespace, d.Metadata.Name, perNode)
}

// matchingDeployments returns the Deployments whose pod template labels sel
// selects.
func matchingDeployments(deployments map[string]deployment, ns string, sel func(map[string]string) bool) []deployment {
	var out []deployment
	for _, key := range sortedKeys(deployments) {
		d := deployments[key]
		if d.Metadata.Namespace == ns && sel(d.Spec.Template.Metadata.Labels) {
			out = append(out, d)
		}
	}
	return out
}

// checkPDBs checks that each PodDisruptionBudget counts the replicas of the
// Deployments it protects, and that it protects at least one.
func checkPDBs(ctx context.Context, t testing.TB, rendered []object, deployments map[string]deployment) {
	t.Helper()
	for _, spec := range ofKind[podDisruptionBudget](t, rendered, "PodDisruptionBudget") {
		key := spec.Metadata.Namespace + "/" + spec.Metadata.Name
		owners := matchingDeployments(deployments, spec.Metadata.Namespace, spec.Spec.Selector.matches)
		if len(owners) == 0 {
			t.Errorf("PodDisruptionBudget %s selects the pods of no Deployment", key)
			continue
		}
		var want int32
		for _, d := range owners {
			want += d.replicas()
		}
		poll(ctx, t, "PodDisruptionBudget "+key+" to expect its pods", settleTimeout, func() (bool, string) {
			var pdb podDisruptionBudget
			if err := getObjects(ctx, t, "pdb", spec.Metadata.Name, "-n", spec.Metadata.Namespace)[0].decode(&pdb); err != nil {
				return false, err.Error()
			}
			s := pdb.Status
			return s.ObservedGeneration >= pdb.Metadata.Generation && s.ExpectedPods == want && s.CurrentHealthy == want,
				fmt.Sprintf("status.expectedPods %d, currentHealthy %d, want %d (replicas of the Deployments it selects)",
					s.ExpectedPods, s.CurrentHealthy, want)
		})
	}
}

// targetPortOf resolves a Service port's targetPort against one pod: a
// number is itself, a name is the pod's container port of that name, and an
// unset targetPort is the Service port.
func targetPortOf(sp servicePort, p pod) (int32, error) {
	switch {
	case !sp.TargetPort.set:
		return sp.Port, nil
	case sp.TargetPort.str == "":
		return sp.TargetPort.num, nil
	}
	proto := sp.Protocol
	if proto == "" {
		proto = "TCP"
	}
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			cpProto := cp.Protocol
			if cpProto == "" {
				cpProto = "TCP"
			}
			if cp.Name == sp.TargetPort.str && cpProto == proto {
				return cp.ContainerPort, nil
			}
		}
	}
	return 0, fmt.Errorf("targetPort %s names no %s container port of pod %s", sp.TargetPort, proto, p.Metadata.Name)
}

// checkServices checks each Service against the pods of its tier: its
// EndpointSlices hold exactly those pods' IPs, each port on the number its
// targetPort resolves to, and the nodePorts the base asked for were
// allocated.
func checkServices(ctx context.Context, t testing.TB, rendered []object, deployments map[string]deployment) {
	t.Helper()
	for _, requested := range ofKind[service](t, rendered, "Service") {
		key := requested.Metadata.Namespace + "/" + requested.Metadata.Name
		var live service
		if err := getObjects(ctx, t, "service", requested.Metadata.Name, "-n", requested.Metadata.Namespace)[0].decode(&live); err != nil {
			t.Fatal(err)
		}
		checkNodePorts(t, key, requested, live)

		if len(live.Spec.Selector) == 0 {
			t.Logf("Service %s has no selector; its endpoints are managed elsewhere and not checked", key)
			continue
		}
		sel := func(l map[string]string) bool { return mapSelects(live.Spec.Selector, l) }
		if tiers := matchingDeployments(deployments, requested.Metadata.Namespace, sel); len(tiers) != 1 {
			names := make([]string, len(tiers))
			for i, d := range tiers {
				names[i] = d.Metadata.Name
			}
			t.Errorf("Service %s selects the pods of %d Deployments %v, want exactly one tier", key, len(tiers), names)
		}
		pods := podsOf(ctx, t, requested.Metadata.Namespace, sel)
		if len(pods) == 0 {
			t.Errorf("Service %s (selector %v) selects no pods", key, live.Spec.Selector)
			continue
		}
		wantIPs := map[string]bool{}
		wantPorts := map[string]int32{} // Service port name -> pod port number
		for _, p := range pods {
			wantIPs[p.Status.PodIP] = true
			for _, sp := range live.Spec.Ports {
				n, err := targetPortOf(sp, p)
				if err != nil {
					t.Errorf("Service %s port %q: %v", key, sp.Name, err)
					continue
				}
				if prev, ok := wantPorts[sp.Name]; ok && prev != n {
					t.Errorf("Service %s port %q: targetPort %s is %d on one pod and %d on another", key, sp.Name, sp.TargetPort, prev, n)
				}
				wantPorts[sp.Name] = n
			}
		}
		poll(ctx, t, "EndpointSlices of Service "+key, settleTimeout, func() (bool, string) {
			gotIPs, gotPorts, err := endpointsOf(ctx, t, requested.Metadata.Namespace, requested.Metadata.Name)
			if err != nil {
				return false, err.Error()
			}
			// Every Service port must be there: a targetPort that names
			// no container port leaves its port out of the slices.
			if !maps.Equal(gotIPs, wantIPs) || !maps.Equal(gotPorts, wantPorts) || len(gotPorts) != len(live.Spec.Ports) {
				return false, fmt.Sprintf("ready addresses %v on ports %v, want the tier's pod IPs %v on ports %v (Service ports %d)",
					sortedKeys(gotIPs), gotPorts, sortedKeys(wantIPs), wantPorts, len(live.Spec.Ports))
			}
			return true, ""
		})
	}
}

// endpointsOf collects the ready addresses and the ports (by name) of the
// EndpointSlices of one Service. Ports that differ between slices are
// reported as an error.
func endpointsOf(ctx context.Context, t testing.TB, ns, svc string) (map[string]bool, map[string]int32, error) {
	ips := map[string]bool{}
	ports := map[string]int32{}
	objs := getObjects(ctx, t, "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name="+svc)
	if len(objs) == 0 {
		return nil, nil, errors.New("no EndpointSlices yet")
	}
	for _, o := range objs {
		var s endpointSlice
		if err := o.decode(&s); err != nil {
			return nil, nil, err
		}
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
				continue
			}
			for _, a := range ep.Addresses {
				ips[a] = true
			}
		}
		if len(s.Endpoints) == 0 {
			continue // an empty slice carries no ports
		}
		for _, p := range s.Ports {
			name := ""
			if p.Name != nil {
				name = *p.Name
			}
			if p.Port == nil {
				return nil, nil, fmt.Errorf("EndpointSlice %s: port %q has no number", o.Metadata.Name, name)
			}
			if prev, ok := ports[name]; ok && prev != *p.Port {
				return nil, nil, fmt.Errorf("port %q is %d in one EndpointSlice and %d in another", name, prev, *p.Port)
			}
			ports[name] = *p.Port
		}
	}
	return ips, ports, nil
}

// checkNodePorts checks that each nodePort the base requested is the one
// allocated, and that NodePort and LoadBalancer Services got one on every
// port.
func checkNodePorts(t testing.TB, key string, requested, live service) {
	t.Helper()
	byName := map[string]servicePort{}
	for _, p := range live.Spec.Ports {
		byName[p.Name] = p
	}
	for _, rp := range requested.Spec.Ports {
		lp, ok := byName[rp.Name]
		if !ok {
			t.Errorf("Service %s: port %q missing on the server", key, rp.Name)
			continue
		}
		if rp.NodePort != 0 && lp.NodePort != rp.NodePort {
			t.Errorf("Service %s port %q: nodePort %d, requested %d", key, rp.Name, lp.NodePort, rp.NodePort)
		}
		if (live.Spec.Type == "NodePort" || live.Spec.Type == "LoadBalancer") && lp.NodePort == 0 {
			t.Errorf("Service %s (%s) port %q: no nodePort allocated", key, live.Spec.Type, rp.Name)
		}
	}
}

// checkIngresses checks that every Ingress backend names a Service of the
// base and one of its ports; the apiserver accepts dangling backends, so
// only this catches them.
func checkIngresses(ctx context.Context, t testing.TB, rendered []object) {
	t.Helper()
	services := map[string]service{}
	for _, s := range ofKind[service](t, rendered, "Service") {
		services[s.Metadata.Namespace+"/"+s.Metadata.Name] = s
	}
	for _, ing := range ofKind[ingress](t, rendered, "Ingress") {
		var backends []ingressBackend
		if ing.Spec.DefaultBackend != nil {
			backends = append(backends, *ing.Spec.DefaultBackend)
		}
		for _, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			for _, p := range r.HTTP.Paths {
				backends = append(backends, p.Backend)
			}
		}
		for _, b := range backends {
			if b.Service == nil {
				continue
			}
			svc, ok := services[ing.Metadata.Namespace+"/"+b.Service.Name]
			if !ok {
				t.Errorf("Ingress %s/%s: backend Service %q is not in the base", ing.Metadata.Namespace, ing.Metadata.Name, b.Service.Name)
				continue
			}
			if !slices.ContainsFunc(svc.Spec.Ports, func(p servicePort) bool {
				return (b.Service.Port.Name != "" && p.Name == b.Service.Port.Name) ||
					(b.Service.Port.Number != 0 && p.Port == b.Service.Port.Number)
			}) {
				t.Errorf("Ingress %s/%s: backend %s port %+v is not a port of the Service", ing.Metadata.Namespace, ing.Metadata.Name, b.Service.Name, b.Service.Port)
			}
		}
		if ing.Spec.IngressClassName != nil {
			out, _, _ := kubectl(ctx, "get", "ingressclass", *ing.Spec.IngressClassName, "--ignore-not-found", "-o", "name")
			if strings.TrimSpace(out) == "" {
				t.Logf("Ingress %s/%s: IngressClass %q does not exist in this cluster (accepted: the class is only a name until a controller is installed)",
					ing.Metadata.Namespace, ing.Metadata.Name, *ing.Spec.IngressClassName)
			}
		}
	}
}

// checkReapply applies the base again and checks that nothing changed.
//
// Client-side apply always sends a non-empty patch for a
// PodDisruptionBudget, because spec.selector has the "replace" patch
// strategy, so kubectl says "configured" for it even when nothing changes.
// For those the check is that the server kept the object as it was (same
// resourceVersion, or same generation when a controller updated its status
// meanwhile).
func checkReapply(ctx context.Context, t testing.TB, dir string, rendered []object) {
	t.Helper()
	before := liveVersions(ctx, t, dir)
	out, stderr, err := kubectl(ctx, "apply", "-k", dir, "--validate=strict")
	if err != nil {
		t.Errorf("second apply: %v", err)
		return
	}
	if strings.TrimSpace(stderr) != "" {
		t.Errorf("second apply printed warnings:\n%s", stderr)
	}
	after := liveVersions(ctx, t, dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(rendered) {
		t.Errorf("second apply reported %d objects, the base has %d:\n%s", len(lines), len(rendered), out)
	}
	for _, l := range lines {
		if strings.HasSuffix(l, " unchanged") {
			continue
		}
		ref := strings.TrimSuffix(l, " configured")
		// kustomize wraps a generated Secret's base64 over lines, which
		// kubectl compares with the server's unwrapped form and so always
		// sends; the server finds the same bytes and keeps the version.
		if ref != l && strings.HasPrefix(ref, "secret/") {
			if b, a := before[ref], after[ref]; b.resourceVersion != "" && b.resourceVersion == a.resourceVersion {
				continue
			}
			t.Errorf("second apply changed %s: resourceVersion %s -> %s", ref, before[ref].resourceVersion, after[ref].resourceVersion)
			continue
		}
		if ref != l && strings.HasPrefix(ref, "poddisruptionbudget.policy/") {
			b, a := before[ref], after[ref]
			if b.resourceVersion == a.resourceVersion || b.generation == a.generation {
				continue
			}
			t.Errorf("second apply changed %s: generation %d -> %d", ref, b.generation, a.generation)
			continue
		}
		t.Errorf("second apply: %q, want unchanged", l)
	}
}

type version struct {
	resourceVersion string
	generation      int64
}

// liveVersions maps "kind.group/name", as kubectl apply prints it, to the
// object's versions on the server.
func liveVersions(ctx context.Context, t testing.TB, dir string) map[string]version {
	t.Helper()
	out, _, err := kubectl(ctx, "get", "-k", dir, "-o", `jsonpath={range .items[*]}{.kind}{"\t"}{.apiVersion}{"\t"}{.metadata.name}{"\t"}{.metadata.resourceVersion}{"\t"}{.metadata.generation}{"\n"}{end}`)
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]version{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			continue
		}
		kind := strings.ToLower(f[0])
		if group, _, ok := strings.Cut(f[1], "/"); ok {
			kind += "." + group
		}
		var gen int64
		fmt.Sscan(f[4], &gen)
		versions[kind+"/"+f[2]] = version{resourceVersion: f[3], generation: gen}
	}
	return versions
}

// checkDiffEmpty checks that kubectl diff finds nothing to change.
func checkDiffEmpty(ctx context.Context, t testing.TB, dir string) {
	t.Helper()
	out, _, err := kubectl(ctx, "diff", "-k", dir)
	var exit *exec.ExitError
	switch {
	case err == nil && strings.TrimSpace(out) == "":
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		t.Errorf("kubectl diff -k found differences after apply:\n%s", out)
	default:
		t.Errorf("kubectl diff -k: %v", err)
	}
}

// checkTLSSecrets checks that each TLS secret an Ingress names and the base
// makes (kubenetgen's self-signed certificates) is on the server as a
// kubernetes.io/tls Secret whose certificate serves that entry's hosts.
// Secrets the base does not make come from cert-manager or the user.
func checkTLSSecrets(ctx context.Context, t testing.TB, rendered []object) {
	t.Helper()
	made := map[string]bool{}
	for _, o := range rendered {
		if o.Kind == "Secret" {
			made[o.Metadata.Namespace+"/"+o.Metadata.Name] = true
		}
	}
	for _, ing := range ofKind[ingress](t, rendered, "Ingress") {
		for _, tls := range ing.Spec.TLS {
			key := ing.Metadata.Namespace + "/" + tls.SecretName
			if !made[key] {
				continue
			}
			var s struct {
				Type string
				Data map[string][]byte
			}
			if err := getObjects(ctx, t, "secret", tls.SecretName, "-n", ing.Metadata.Namespace)[0].decode(&s); err != nil {
				t.Fatal(err)
			}
			if s.Type != "kubernetes.io/tls" {
				t.Errorf("Secret %s has type %q, want kubernetes.io/tls", key, s.Type)
				continue
			}
			block, _ := pem.Decode(s.Data["tls.crt"])
			if block == nil {
				t.Errorf("Secret %s: tls.crt holds no PEM certificate", key)
				continue
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Errorf("Secret %s: %v", key, err)
				continue
			}
			if !slices.Equal(cert.DNSNames, tls.Hosts) {
				t.Errorf("Secret %s serves %v, Ingress %s wants %v", key, cert.DNSNames, ing.Metadata.Name, tls.Hosts)
			}
		}
	}
}

// ofKind decodes the objects of one kind.
func ofKind[T any](t testing.TB, objs []object, kind string) []T {
	t.Helper()
	var out []T
	for _, o := range objs {
		if o.Kind != kind {
			continue
		}
		var v T
		if err := o.decode(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}
