//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
)

// The cluster shapes --from-cluster is proved on: each is a control plane
// of its own (the nodes' pod ranges are fixed when a node is made) with
// look-alike controllers, DNS and network plugins that kwok makes run.

// helmTraefik is Traefik as k3s's Helm chart installs it in kube-system.
const helmTraefik = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: traefik, namespace: kube-system}
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: traefik, app.kubernetes.io/instance: traefik-kube-system}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: traefik
        app.kubernetes.io/instance: traefik-kube-system
        app.kubernetes.io/managed-by: Helm
        helm.sh/chart: traefik-34.2.1_up34.2.0
    spec:
      containers: [{name: traefik, image: docker.io/rancher/mirrored-library-traefik:3.3.6}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
`

// coreDNS runs DNS pods behind the kube-dns Service with the given
// labels and named target ports.
func coreDNS(labels string) string {
	return fmt.Sprintf(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system}
spec:
  replicas: 2
  selector: {matchLabels: {%[1]s}}
  template:
    metadata: {labels: {%[1]s}}
    spec:
      containers:
        - name: coredns
          image: registry.k8s.io/coredns/coredns:v1.12.0
          ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec:
  selector: {%[1]s}
  ports:
    - {name: dns, port: 53, protocol: UDP, targetPort: dns}
    - {name: dns-tcp, port: 53, protocol: TCP, targetPort: dns-tcp}
`, labels)
}

// daemonSet is a network plugin's DaemonSet (its pods run on every node).
func daemonSet(ns, name, image string) string {
	return fmt.Sprintf(`
apiVersion: v1
kind: Namespace
metadata: {name: %[1]s}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: %[2]s, namespace: %[1]s}
spec:
  selector: {matchLabels: {app: %[2]s}}
  template:
    metadata: {labels: {app: %[2]s}}
    spec:
      containers: [{name: %[2]s, image: "%[3]s"}]
`, ns, name, image)
}

// ingressNginx is ingress-nginx in its namespace, relabelled by its Helm
// release: its pods lack app.kubernetes.io/component=controller, which
// the preset admits.
const ingressNginx = `
apiVersion: v1
kind: Namespace
metadata: {name: ingress-nginx}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge-ingress-nginx-controller, namespace: ingress-nginx}
spec:
  replicas: 1
  selector: {matchLabels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: edge}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: edge, app.kubernetes.io/part-of: ingress-nginx}
    spec:
      containers: [{name: controller, image: registry.k8s.io/ingress-nginx/controller:v1.12.1}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
`

// kubeadmControlPlane are the static pods of kubeadm's control plane
// whose flags tell the pod network and the NodePort range.
const kubeadmControlPlane = `
apiVersion: v1
kind: Pod
metadata: {name: kube-controller-manager-cp, namespace: kube-system, labels: {component: kube-controller-manager, tier: control-plane}}
spec:
  nodeName: kwok-node-0
  containers:
    - name: kube-controller-manager
      image: registry.k8s.io/kube-controller-manager:v1.37.2
      command: [kube-controller-manager, --allocate-node-cidrs=true, --cluster-cidr=10.244.0.0/16]
---
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver-cp, namespace: kube-system, labels: {component: kube-apiserver, tier: control-plane}}
spec:
  nodeName: kwok-node-0
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.37.2
      command: [kube-apiserver, --service-node-port-range=30000-31999]
`

// appFlags describe a two-tier app behind an Ingress of class.
func appFlags(ns, class string) []string {
	return []string{"--name", "shop", "--namespace", ns,
		"--tier", "name=web,image=registry.example/web:1.0,port=http:8080,replicas=2",
		"--tier", "name=api,image=registry.example/api:1.0,port=http:9090",
		"--allow", "web->api", "--ingress-class", class, "--rule", "shop.example.com/=web:http"}
}

// shapeCluster starts a control plane of its own for one shape.
func shapeCluster(t *testing.T, podCIDRs ...string) *cluster.Cluster {
	t.Helper()
	c, err := cluster.Start(context.Background(), cluster.Config{Nodes: len(podCIDRs), NodePodCIDRs: podCIDRs,
		Logf: func(format string, a ...any) { t.Logf(format, a...) }})
	if err != nil {
		t.Fatalf("starting the cluster: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			c.KeepDir()
			t.Logf("the cluster's logs are kept in %s", filepath.Join(c.Dir, "logs"))
		}
		if err := c.Stop(); err != nil {
			t.Errorf("stopping the cluster: %v", err)
		}
	})
	return c
}

func apply(t *testing.T, c *cluster.Cluster, yaml string) {
	t.Helper()
	if _, stderr, err := c.Kubectl(context.Background(), strings.NewReader(yaml), "apply", "-f", "-"); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, stderr)
	}
}

// runningPods waits until n pods of ns carry selector and run, and
// returns their names.
func runningPods(t *testing.T, c *cluster.Cluster, ns, selector string, n int) []string {
	t.Helper()
	var names []string
	ok := poll(context.Background(), t, fmt.Sprintf("%d running pods %s in %s", n, selector, ns), 90*time.Second, func() (bool, string) {
		out, stderr, err := c.Kubectl(context.Background(), nil, "get", "pods", "-n", ns, "-l", selector,
			"-o", `jsonpath={range .items[?(@.status.phase=="Running")]}{.metadata.name}{"\n"}{end}`)
		if err != nil {
			return false, stderr
		}
		names = strings.Fields(out)
		return len(names) == n, fmt.Sprintf("running: %v", names)
	})
	if !ok {
		t.FailNow()
	}
	slices.Sort(names)
	return names
}

// kng runs kubenetgen in dir with the cluster's kubeconfig and returns its
// output and exit code.
func kng(t *testing.T, dir, kubeconfig string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(kubenetgenBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "KUBENETGEN_NO_PROMPT=1")
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running kubenetgen: %v", err)
	}
	return o.String(), e.String(), code
}

func mustContain(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s does not say %q:\n%s", what, w, s)
		}
	}
}

// controllerPeer returns the namespace and pod labels the base's policy of
// tier admits the ingress controller by.
func controllerPeer(t *testing.T, c *cluster.Cluster, base, tier string) (string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	yaml, stderr, err := c.Kubectl(ctx, nil, "kustomize", base)
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", base, err, stderr)
	}
	out, stderr, err := c.Kubectl(ctx, strings.NewReader(yaml), "create", "--dry-run=client", "-o", "json", "-f", "-")
	if err != nil {
		t.Fatalf("reading the built base: %v\n%s", err, stderr)
	}
	objs, err := decodeObjects([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.Kind != "NetworkPolicy" || o.Metadata.Name != tier {
			continue
		}
		var np struct {
			Spec struct {
				Ingress []struct {
					From []struct {
						NamespaceSelector *struct {
							MatchLabels map[string]string `json:"matchLabels"`
						} `json:"namespaceSelector"`
						PodSelector *struct {
							MatchLabels map[string]string `json:"matchLabels"`
						} `json:"podSelector"`
					} `json:"from"`
				} `json:"ingress"`
			} `json:"spec"`
		}
		if err := o.decode(&np); err != nil {
			t.Fatal(err)
		}
		for _, r := range np.Spec.Ingress {
			for _, p := range r.From {
				if p.NamespaceSelector != nil && p.PodSelector != nil {
					return p.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"], p.PodSelector.MatchLabels
				}
			}
		}
	}
	t.Fatalf("no policy %s admitting a namespace's pods in %s", tier, base)
	return "", nil
}

// admitted lists the pods of every namespace the controller peer admits.
func admitted(t *testing.T, c *cluster.Cluster, ns string, labels map[string]string) []string {
	t.Helper()
	var sel []string
	for k, v := range labels {
		sel = append(sel, k+"="+v)
	}
	out, stderr, err := c.Kubectl(context.Background(), nil, "get", "pods", "-n", ns, "-l", strings.Join(sel, ","), "-o", `jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}`)
	if err != nil {
		t.Fatalf("kubectl get pods: %v\n%s", err, stderr)
	}
	names := strings.Fields(out)
	slices.Sort(names)
	return names
}

// TestFromClusterK3sShape: k3s-style pod ranges on three nodes (no one
// network: the flag is asked for, nothing written), Traefik from Helm in
// kube-system, CoreDNS with the default labels, and a Flannel-only
// network: policies admit exactly the Traefik pods, and the base says
// loudly that nothing enforces them.
func TestFromClusterK3sShape(t *testing.T) {
	c := shapeCluster(t, "10.42.0.0/24", "10.42.1.0/24", "10.42.2.0/24")
	apply(t, c, helmTraefik+"---"+coreDNS("k8s-app: kube-dns")+"---"+daemonSet("kube-flannel", "kube-flannel-ds", "ghcr.io/flannel-io/flannel:v0.26.4"))
	traefik := runningPods(t, c, "kube-system", "app.kubernetes.io/name=traefik", 2)
	runningPods(t, c, "kube-system", "k8s-app=kube-dns", 2)

	work := t.TempDir()
	_, stderr, code := kng(t, work, c.Kubeconfig, append([]string{"generate", "--from-cluster", "-o", "base"}, appFlags("shop-k3s", "traefik")...)...)
	if code != 2 {
		t.Fatalf("generate with the nodes' ranges not one network: exit %d, want 2\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr, "not one network", "10.42.0.0/24, 10.42.1.0/24, 10.42.2.0/24", "give it with --pod-cidr", "nothing was written")
	if _, err := os.Stat(filepath.Join(work, "base")); !os.IsNotExist(err) {
		t.Fatalf("base written after the error: %v", err)
	}

	args := append([]string{"generate", "--from-cluster", "--pod-cidr", "10.42.0.0/16", "-o", "base", "--write-spec", "kubenetgen.yaml"}, appFlags("shop-k3s", "traefik")...)
	_, stderr, code = kng(t, work, c.Kubeconfig, args...)
	if code != 0 {
		t.Fatalf("generate --from-cluster: exit %d\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr,
		"ingress controller: found traefik in kube-system with app.kubernetes.io/instance=traefik-kube-system,app.kubernetes.io/name=traefik",
		"NetworkPolicy: NOT ENFORCED; found DaemonSet kube-flannel/kube-flannel-ds (flannel)",
		"warning: NETWORK POLICIES WILL NOT BE ENFORCED")
	readme, _ := os.ReadFile(filepath.Join(work, "base", "README.md"))
	mustContain(t, "README.md", string(readme), "> **Warning:** NETWORK POLICIES WILL NOT BE ENFORCED: the cluster runs flannel")
	ns, labels := controllerPeer(t, c, filepath.Join(work, "base"), "web")
	if got := admitted(t, c, ns, labels); ns != "kube-system" || !slices.Equal(got, traefik) {
		t.Errorf("the policy admits pods %v of %s (labels %v), want exactly the Traefik pods %v", got, ns, labels, traefik)
	}

	// Later, without the cluster: the same bytes from the spec alone.
	again := t.TempDir()
	if _, stderr, code := kng(t, again, filepath.Join(again, "no-kubeconfig"), "generate", "-f", filepath.Join(work, "kubenetgen.yaml"), "-o", "base"); code != 0 {
		t.Fatalf("generate -f without the cluster: exit %d\n%s", code, stderr)
	}
	sameFiles(t, filepath.Join(work, "base"), filepath.Join(again, "base"))
}

// sameFiles wants the two folders to hold the same files, byte for byte.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	read := func(dir string) map[string]string {
		out := map[string]string{}
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				data, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(dir, p)
				out[rel] = string(data)
			}
			return nil
		})
		return out
	}
	fa, fb := read(a), read(b)
	if len(fa) == 0 || len(fa) != len(fb) {
		t.Fatalf("%d files with the cluster, %d from the spec alone", len(fa), len(fb))
	}
	for name, data := range fa {
		if fb[name] != data {
			t.Errorf("%s differs between the run with the cluster and the spec alone", name)
		}
	}
}

// TestFromClusterKubeadmShape: kubeadm's static pods tell the pod network
// and the NodePort range, Calico enforces, CoreDNS carries labels of its
// own, and ingress-nginx runs in its namespace relabelled by its Helm
// release. A base written with the preset's labels does not admit it:
// verify --cluster finds that, naming the labels its pods carry; the base
// written --from-cluster does, until a policy is edited (drift).
func TestFromClusterKubeadmShape(t *testing.T) {
	c := shapeCluster(t, "10.244.0.0/24", "10.244.1.0/24")
	apply(t, c, kubeadmControlPlane+"---"+coreDNS("k8s-app: coredns, app.kubernetes.io/name: coredns")+"---"+ingressNginx+"---"+
		daemonSet("calico-system", "calico-node", "quay.io/calico/node:v3.29.2"))
	nginx := runningPods(t, c, "ingress-nginx", "app.kubernetes.io/name=ingress-nginx", 1)
	runningPods(t, c, "kube-system", "k8s-app=coredns", 2)
	runningPods(t, c, "kube-system", "component", 2)

	work := t.TempDir()
	const ns = "shop-kubeadm"
	// The preset's labels, not the cluster's: the controller is not
	// admitted, and verify --cluster says why.
	if _, stderr, code := kng(t, work, c.Kubeconfig, append([]string{"generate", "-o", "preset", "--pod-cidr", "10.244.0.0/16"}, appFlags(ns, "nginx")...)...); code != 0 {
		t.Fatalf("generate: exit %d\n%s", code, stderr)
	}
	applyBase(t, c, filepath.Join(work, "preset"), ns)
	stdout, stderr, code := kng(t, work, c.Kubeconfig, "verify", "--cluster", "-n", ns)
	if code != 1 {
		t.Errorf("verify --cluster of a base that does not admit the running controller: exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	mustContain(t, "verify --cluster", stdout, "the ingress controller cannot reach shop-kubeadm/web on 8080/TCP",
		"its running pods in ingress-nginx carry app.kubernetes.io/instance=edge,app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/part-of=ingress-nginx")

	// --from-cluster: the real labels, and every other fact.
	args := append([]string{"generate", "--from-cluster", "-o", "base", "--write-spec", "kubenetgen.yaml", "--force"}, appFlags(ns, "nginx")...)
	_, stderr, code = kng(t, work, c.Kubeconfig, args...)
	if code != 0 {
		t.Fatalf("generate --from-cluster: exit %d\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr,
		"pod network: 10.244.0.0/16, read from kube-controller-manager's --cluster-cidr",
		"NodePort range: 30000-31999, read from kube-apiserver's --service-node-port-range",
		"DNS: the pods behind Service kube-system/kube-dns (selector app.kubernetes.io/name=coredns,k8s-app=coredns, 2 running), port 53",
		"ingress controller: found nginx in ingress-nginx with app.kubernetes.io/instance=edge,app.kubernetes.io/name=ingress-nginx",
		"NetworkPolicy: enforced; found DaemonSet calico-system/calico-node (calico)")
	spec, _ := os.ReadFile(filepath.Join(work, "kubenetgen.yaml"))
	mustContain(t, "kubenetgen.yaml", string(spec), "app.kubernetes.io/instance: edge", "k8s-app: coredns", "nodePortRange: 30000-31999", "enforced: \"yes\"")
	nsOf, labels := controllerPeer(t, c, filepath.Join(work, "base"), "web")
	if got := admitted(t, c, nsOf, labels); !slices.Equal(got, nginx) {
		t.Errorf("the policy admits pods %v of %s, want exactly the controller's %v", got, nsOf, nginx)
	}
	if _, stderr, err := c.Kubectl(context.Background(), nil, "delete", "namespace", ns, "--wait=true"); err != nil {
		t.Fatalf("deleting %s: %v\n%s", ns, err, stderr)
	}
	applyBase(t, c, filepath.Join(work, "base"), ns)
	stdout, stderr, code = kng(t, work, c.Kubeconfig, "verify", "--cluster", "--expect", "kubenetgen.yaml")
	if code != 0 {
		t.Fatalf("verify --cluster --expect of the base written --from-cluster: exit %d\n%s\n%s", code, stdout, stderr)
	}
	mustContain(t, "verify --cluster", stdout, "[ingress-controller] → shop-kubeadm/web")

	// An edited policy: api admits any address.
	patch := `[{"op":"add","path":"/spec/ingress/-","value":{"from":[{"ipBlock":{"cidr":"0.0.0.0/0"}}]}}]`
	if _, stderr, err := c.Kubectl(context.Background(), nil, "patch", "networkpolicy", "api", "-n", ns, "--type=json", "-p", patch); err != nil {
		t.Fatalf("patching the policy: %v\n%s", err, stderr)
	}
	stdout, stderr, code = kng(t, work, c.Kubeconfig, "verify", "--cluster", "--expect", "kubenetgen.yaml")
	if code != 1 {
		t.Errorf("verify --cluster --expect after an edited policy: exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	mustContain(t, "verify --cluster after the edit", stdout+stderr, "Extra (allowed by the policies, not declared in the spec)", "[outside] → shop-kubeadm/api: all ports", "6 extra flows")
}

// applyBase applies a base and waits for its Deployments.
func applyBase(t *testing.T, c *cluster.Cluster, dir, ns string) {
	t.Helper()
	ctx := context.Background()
	if _, stderr, err := c.Kubectl(ctx, nil, "apply", "-k", dir); err != nil {
		t.Fatalf("kubectl apply -k %s: %v\n%s", dir, err, stderr)
	}
	if _, stderr, err := c.Kubectl(ctx, nil, "wait", "--for=condition=Available", "deployment", "--all", "-n", ns, "--timeout=90s"); err != nil {
		t.Fatalf("waiting for the Deployments of %s: %v\n%s", ns, err, stderr)
	}
}

// TestFromClusterNodeLocalKindnet: one node, NodeLocal DNSCache, kindnet
// of kind v0.24 (kube-network-policies) and Traefik in its own namespace.
func TestFromClusterNodeLocalKindnet(t *testing.T) {
	c := shapeCluster(t, "10.244.0.0/24")
	nodeLocal := `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-local-dns, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: node-local-dns}}
  template:
    metadata: {labels: {k8s-app: node-local-dns}}
    spec:
      containers:
        - name: node-cache
          image: registry.k8s.io/dns/k8s-dns-node-cache:1.25.0
          args: [-localip, "169.254.20.10,10.96.0.10", -conf, /etc/Corefile]
`
	traefik := strings.ReplaceAll(strings.ReplaceAll(helmTraefik, "namespace: kube-system", "namespace: traefik"), "traefik-kube-system", "traefik-traefik")
	apply(t, c, "apiVersion: v1\nkind: Namespace\nmetadata: {name: traefik}\n---"+traefik+"---"+nodeLocal+"---"+
		daemonSet("kube-node", "kindnet", "docker.io/kindest/kindnetd:v20240813-c6f155d6")+"---"+coreDNS("k8s-app: kube-dns"))
	runningPods(t, c, "traefik", "app.kubernetes.io/name=traefik", 2)

	work := t.TempDir()
	_, stderr, code := kng(t, work, c.Kubeconfig, append([]string{"init", "base", "--no-prompt", "--from-cluster"}, appFlags("shop-local", "traefik")...)...)
	if code != 0 {
		t.Fatalf("init --from-cluster: exit %d\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr,
		"pod network: 10.244.0.0/24, the union of the nodes' spec.podCIDRs",
		"DNS: NodeLocal DNSCache (DaemonSet kube-system/node-local-dns) listens on 169.254.20.10/32, 10.96.0.10/32",
		"found traefik in traefik with app.kubernetes.io/instance=traefik-traefik,app.kubernetes.io/name=traefik",
		"NetworkPolicy: enforced; found DaemonSet kube-node/kindnet (kindnet)")
	spec, _ := os.ReadFile(filepath.Join(work, "base", "kubenetgen.yaml"))
	mustContain(t, "kubenetgen.yaml", string(spec), "169.254.20.10/32", "10.96.0.10/32")
}

// TestFromClusterErrors: an unreachable cluster, a user the cluster does
// not let list, and one that may list nodes only each give one clear
// error, and nothing is written. The shared cluster is the fourth shape:
// its nodes set no pod range.
func TestFromClusterErrors(t *testing.T) {
	ctx := context.Background()
	// A user of the cluster without rights: a ServiceAccount's token.
	for _, args := range [][]string{
		{"create", "serviceaccount", "kng-nobody", "-n", "default"},
		{"create", "serviceaccount", "kng-nodes", "-n", "default"},
		{"create", "clusterrole", "kng-nodes", "--verb=list", "--resource=nodes"},
		{"create", "clusterrolebinding", "kng-nodes", "--clusterrole=kng-nodes", "--serviceaccount=default:kng-nodes"},
	} {
		if _, stderr, err := testCluster.Kubectl(ctx, nil, args...); err != nil && !strings.Contains(stderr, "AlreadyExists") {
			t.Fatalf("kubectl %v: %v\n%s", args, err, stderr)
		}
	}
	kubeconfigFor := func(name, server, token string) string {
		data, err := os.ReadFile(testCluster.Kubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		var kc map[string]any
		if err := json.Unmarshal(data, &kc); err != nil {
			t.Fatal(err)
		}
		if server != "" {
			kc["clusters"].([]any)[0].(map[string]any)["cluster"].(map[string]any)["server"] = server
		}
		if token != "" {
			kc["users"].([]any)[0].(map[string]any)["user"].(map[string]any)["token"] = token
		}
		out, _ := json.Marshal(kc)
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, out, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	token := func(sa string) string {
		out, stderr, err := testCluster.Kubectl(ctx, nil, "create", "token", sa, "-n", "default")
		if err != nil {
			t.Fatalf("kubectl create token: %v\n%s", err, stderr)
		}
		return strings.TrimSpace(out)
	}
	for _, tc := range []struct {
		name, kubeconfig string
		want             []string
	}{
		{"unreachable", kubeconfigFor("down", "https://127.0.0.1:1", ""), []string{"cannot reach the cluster kubenetgen-e2e (https://127.0.0.1:1)", "connection refused"}},
		{"forbidden", kubeconfigFor("nobody", "", token("kng-nobody")), []string{"refused to list nodes in every namespace", "forbidden", "needs read access"}},
		{"forbidden in part", kubeconfigFor("nodes", "", token("kng-nodes")), []string{"refused to list pods in namespace kube-system", "forbidden"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			for _, cmd := range [][]string{
				append([]string{"generate", "--from-cluster", "-o", "base", "--write-spec", "kubenetgen.yaml"}, appFlags("shop-err", "traefik")...),
				append([]string{"init", "base", "--no-prompt", "--from-cluster"}, appFlags("shop-err", "traefik")...),
				{"verify", "--cluster", "-n", "default"},
			} {
				stdout, stderr, code := kng(t, work, tc.kubeconfig, cmd...)
				if code != 1 {
					t.Errorf("%s: exit %d, want 1\n%s", cmd[0], code, stderr)
				}
				if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stdout != "" {
					t.Errorf("%s: want one line on stderr and nothing on stdout, got:\n%s\n%s", cmd[0], stdout, stderr)
				}
				mustContain(t, cmd[0]+" stderr", stderr, tc.want...)
				if cmd[0] != "verify" {
					mustContain(t, cmd[0]+" stderr", stderr, "nothing was written")
				}
				if entries, _ := os.ReadDir(work); len(entries) != 0 {
					t.Errorf("%s wrote %d entries after the error", cmd[0], len(entries))
				}
			}
		})
	}

	// The shared cluster's nodes set no pod range; Flannel alone runs.
	apply(t, testCluster, daemonSet("kube-flannel", "kube-flannel-ds", "ghcr.io/flannel-io/flannel:v0.26.4"))
	t.Cleanup(func() { _, _, _ = testCluster.Kubectl(ctx, nil, "delete", "namespace", "kube-flannel", "--wait=false") })
	work := t.TempDir()
	_, stderr, code := kng(t, work, testCluster.Kubeconfig, append([]string{"generate", "--from-cluster", "-o", "base"}, appFlags("shop-flannel", "traefik")...)...)
	if code != 2 {
		t.Errorf("no node sets a pod range: exit %d, want 2\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr, "no node sets spec.podCIDRs", "--pod-cidr")
	_, stderr, code = kng(t, work, testCluster.Kubeconfig, append([]string{"generate", "--from-cluster", "--pod-cidr", "10.244.0.0/16", "-o", "base"}, appFlags("shop-flannel", "traefik")...)...)
	if code != 0 {
		t.Fatalf("generate --from-cluster --pod-cidr: exit %d\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr, "the cluster has no IngressClass traefik", "NetworkPolicy: NOT ENFORCED", "warning: NETWORK POLICIES WILL NOT BE ENFORCED")
}

// sharedEdge is a platform's shared Gateway edge in infra, of class eg
// (Envoy Gateway); its data plane (envoyProxy) runs where this platform
// installed Envoy Gateway: edge-proxies, not the preset's
// envoy-gateway-system.
const sharedEdge = `
apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: v1
kind: Namespace
metadata: {name: edge-proxies}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec:
  gatewayClassName: eg
  listeners:
    - name: https
      protocol: HTTPS
      port: 443
      tls: {mode: Terminate, certificateRefs: [{name: edge-tls}]}
      allowedRoutes: {namespaces: {from: All}}
`

// envoyProxy is the Deployment of the data plane of Gateway infra/gw as
// Envoy Gateway labels it, in edge-proxies.
func envoyProxy(gw string, replicas int) string {
	return fmt.Sprintf(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: envoy-infra-%[1]s, namespace: edge-proxies}
spec:
  replicas: %[2]d
  selector:
    matchLabels: {gateway.envoyproxy.io/owning-gateway-name: %[1]s, gateway.envoyproxy.io/owning-gateway-namespace: infra}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: envoy
        app.kubernetes.io/component: proxy
        gateway.envoyproxy.io/owning-gateway-name: %[1]s
        gateway.envoyproxy.io/owning-gateway-namespace: infra
    spec:
      containers: [{name: envoy, image: docker.io/envoyproxy/envoy:distroless-v1.36.2}]
`, gw, replicas)
}

// gatewayAppFlags describe a one-tier app whose routes attach to the
// shared Gateway edge/infra, through the Gateway API implementation class.
func gatewayAppFlags(ns, class string) []string {
	return []string{"--name", "shop", "--namespace", ns,
		"--tier", "name=web,image=registry.example/web:1.0,port=http:8080,replicas=2",
		"--gateway-class", class, "--gateway", "edge/infra", "--rule", "shop.example.com/=web:http"}
}

// TestFromClusterGateway: a cluster without Gateway API refuses the
// spec's Gateway; with it, a shared Gateway's data plane is found where it
// really runs and the policy admits exactly its pods; a class of another
// implementation than the preset's is refused. Every refusal writes
// nothing.
func TestFromClusterGateway(t *testing.T) {
	c := shapeCluster(t, "10.244.0.0/24")
	work := t.TempDir()
	const ns = "shop-gw"
	nothingWritten := func(dir string) {
		t.Helper()
		if _, err := os.Stat(filepath.Join(work, dir)); !os.IsNotExist(err) {
			t.Errorf("%s written after the error: %v", dir, err)
		}
	}

	_, stderr, code := kng(t, work, c.Kubeconfig, append([]string{"generate", "--from-cluster", "-o", "nocrd"}, gatewayAppFlags(ns, "envoy-gateway")...)...)
	if code != 1 {
		t.Errorf("generate --from-cluster on a cluster without Gateway API: exit %d, want 1\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr, "--gateway-class envoy-gateway (gateway.class)", "has no Gateway API", "cannot work there", "nothing was written")
	nothingWritten("nocrd")

	if err := installGatewayCRDs(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	apply(t, c, sharedEdge+"---"+envoyProxy("edge", 2)+"---"+envoyProxy("other", 1))
	proxies := runningPods(t, c, "edge-proxies", "gateway.envoyproxy.io/owning-gateway-name=edge", 2)
	runningPods(t, c, "edge-proxies", "app.kubernetes.io/name=envoy", 3)

	_, stderr, code = kng(t, work, c.Kubeconfig, append([]string{"generate", "--from-cluster", "-o", "base", "--write-spec", "kubenetgen.yaml"}, gatewayAppFlags(ns, "envoy-gateway")...)...)
	if code != 0 {
		t.Fatalf("generate --from-cluster: exit %d\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr, "gateway class eg: controller gateway.envoyproxy.io/gatewayclass-controller; data plane 2 pods in edge-proxies with gateway.envoyproxy.io/owning-gateway-name=edge,gateway.envoyproxy.io/owning-gateway-namespace=infra")
	spec, _ := os.ReadFile(filepath.Join(work, "kubenetgen.yaml"))
	mustContain(t, "kubenetgen.yaml", string(spec), "namespace: edge-proxies")
	nsOf, labels := controllerPeer(t, c, filepath.Join(work, "base"), "web")
	if got := admitted(t, c, nsOf, labels); nsOf != "edge-proxies" || !slices.Equal(got, proxies) {
		t.Errorf("the policy admits pods %v of %s (labels %v), want exactly the data plane of edge %v", got, nsOf, labels, proxies)
	}
	applyBase(t, c, filepath.Join(work, "base"), ns)

	// edge's class is Envoy Gateway's, not Istio's.
	_, stderr, code = kng(t, work, c.Kubeconfig, append([]string{"generate", "--from-cluster", "-o", "wrong"}, gatewayAppFlags(ns, "istio")...)...)
	if code != 1 {
		t.Errorf("generate --from-cluster with a class of another implementation: exit %d, want 1\n%s", code, stderr)
	}
	mustContain(t, "stderr", stderr, "GatewayClass eg (the class of Gateway infra/edge) belongs to envoy-gateway", "use --gateway-class envoy-gateway", "nothing was written")
	nothingWritten("wrong")
}
