// Package cluster runs a local Kubernetes control plane for end-to-end tests:
// etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, all
// listening on 127.0.0.1 only, with fake nodes on which pods are scheduled and
// become Running and Ready without any container runtime.
//
// The binaries come from tools/build.sh (see BinDir). Pod and Service IPs in
// such a cluster are data only: nothing listens on them, and nothing here ever
// sends traffic to them.
package cluster

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Component names, as used in errors, log file names and Config.ExtraArgs.
const (
	Etcd                  = "etcd"
	KubeAPIServer         = "kube-apiserver"
	KubeControllerManager = "kube-controller-manager"
	KubeScheduler         = "kube-scheduler"
	Kwok                  = "kwok"
)

const (
	serviceCIDR = "10.96.0.0/16"
	// kubernetesServiceIP is the first address of serviceCIDR, which the
	// apiserver reserves for the kubernetes Service.
	kubernetesServiceIP = "10.96.0.1"
	// podCIDR is where kwok draws the IPs of pods on nodes without
	// spec.podCIDRs; it must not overlap serviceCIDR. A node with
	// spec.podCIDRs has a pool of its own, which may overlap this one
	// (10.244.0.0/24 does): a cluster whose nodes all have one, or none,
	// never hands out an address twice.
	podCIDR = "10.244.0.0/16"
	// fakeNodeAnnotation marks the nodes kwok manages.
	fakeNodeAnnotation = "kwok.x-k8s.io/node"
	// portAttempts bounds how often a component is restarted on another
	// port when the one picked was taken in the meantime.
	portAttempts = 4
)

// Config says how to start a cluster. The zero value is usable once BinDir
// is found (DefaultBinDir).
type Config struct {
	// BinDir holds the binaries and kwok-stages built by tools/build.sh.
	// Empty means DefaultBinDir().
	BinDir string
	// Dir receives certificates, data, logs and the kubeconfig. Empty means
	// a new temporary directory, removed by Stop.
	Dir string
	// Nodes is the number of fake nodes; zero means three, so that
	// topology spread across nodes is exercised.
	Nodes int
	// Detach lets the components outlive the process that started them (for
	// make cluster-up). Otherwise each is killed when that process dies,
	// whatever the cause.
	Detach bool
	// Timeout bounds Start; zero means three minutes.
	Timeout time.Duration
	// Logf receives progress messages; nil discards them.
	Logf func(format string, args ...any)
	// ExtraArgs appends flags to a component, keyed by component name.
	ExtraArgs map[string][]string
	// Netns names a network namespace (made by ip netns add) in which every
	// component, every probe of the harness and Kubectl run, so that the
	// namespace can stand for a node: its loopback is the cluster's, and
	// nothing of the cluster listens in the caller's own namespace. Empty
	// means the caller's namespace.
	Netns string
	// NodeAddresses and NodePodCIDRs, when set, give the i-th fake node its
	// InternalIP and its spec.podCIDR, from which kwok hands out the
	// addresses of the pods placed on it. Missing entries leave a node
	// without (kwok then draws pod IPs from 10.244.0.0/16, and may hand out
	// an address that another node's range also yields: give every node a
	// range, or none).
	NodeAddresses []string
	NodePodCIDRs  []string
}

// Cluster is a running control plane.
type Cluster struct {
	// Dir holds the cluster's files; logs are in Dir/logs.
	Dir string
	// Kubeconfig is the path of an admin kubeconfig for the cluster.
	Kubeconfig string
	// Server is the URL of kube-apiserver.
	Server string
	// NodeNames are the fake nodes, in creation order.
	NodeNames []string

	cfg      Config
	pki      *pki
	client   *http.Client
	spawner  *spawner
	tempDir  bool
	pickPort func() (int, error) // replaced in tests to force a port clash

	keep bool // keep a temporary Dir at Stop, for its logs

	mu       sync.Mutex
	procs    []*process
	usedPort map[int]bool
	stopOnce sync.Once
	stopErr  error
}

// DefaultBinDir returns where tools/build.sh puts the binaries:
// $KUBENETGEN_TOOLS_BIN (relative to the repository root unless absolute), or
// else .cache/bin at the root of the repository that contains the working
// directory.
func DefaultBinDir() (string, error) {
	d := os.Getenv("KUBENETGEN_TOOLS_BIN")
	if filepath.IsAbs(d) {
		return d, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	if d != "" {
		return filepath.Join(root, d), nil
	}
	return filepath.Join(root, ".cache", "bin"), nil
}

// RepoRoot finds the repository root: the nearest directory above the working
// directory whose go.mod declares the kubenetgen module.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the repository root: %w", err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/kubenetgen/kubenetgen\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("finding the repository root: no go.mod of github.com/kubenetgen/kubenetgen above the working directory")
		}
		dir = parent
	}
}

// Start starts a cluster and waits until it can run workloads: the apiserver
// is ready, every fake node is Ready and untainted, and the default
// ServiceAccount exists. If a component fails to start, the error carries
// that component's log tail, and everything already started is stopped.
func Start(ctx context.Context, cfg Config) (_ *Cluster, err error) {
	if cfg.Nodes == 0 {
		cfg.Nodes = 3
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 3 * time.Minute
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.BinDir == "" {
		if cfg.BinDir, err = DefaultBinDir(); err != nil {
			return nil, err
		}
	}
	for _, b := range []string{Etcd, KubeAPIServer, KubeControllerManager, KubeScheduler, Kwok} {
		if _, err := os.Stat(filepath.Join(cfg.BinDir, b)); err != nil {
			return nil, fmt.Errorf("%s is not built in %s (run tools/build.sh or make tools): %w", b, cfg.BinDir, err)
		}
	}

	c := &Cluster{cfg: cfg, Dir: cfg.Dir, usedPort: map[int]bool{}, spawner: newSpawner()}
	c.pickPort = c.freePort
	if c.Dir == "" {
		if c.Dir, err = os.MkdirTemp("", "kubenetgen-e2e-"); err != nil {
			c.spawner.close()
			return nil, fmt.Errorf("creating the cluster directory: %w", err)
		}
		c.tempDir = true
	}
	defer func() {
		if err != nil {
			if stopErr := c.Stop(); stopErr != nil {
				err = fmt.Errorf("%w (and stopping what had started: %v)", err, stopErr)
			}
		}
	}()

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context) error {
	began := time.Now()
	for _, d := range []string{"logs", "etcd", "kwok-home"} {
		if err := os.MkdirAll(filepath.Join(c.Dir, d), 0o700); err != nil {
			return fmt.Errorf("creating the cluster directory: %w", err)
		}
	}
	var err error
	if c.pki, err = writePKI(filepath.Join(c.Dir, "pki")); err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.pki.caPEM)
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, Proxy: nil}
	if c.cfg.Netns != "" {
		transport.DialContext = dialInNetns(c.cfg.Netns)
	}
	c.client = &http.Client{Timeout: 5 * time.Second, Transport: transport}

	etcdURL, err := c.startEtcd(ctx)
	if err != nil {
		return err
	}
	if err := c.startAPIServer(ctx, etcdURL); err != nil {
		return err
	}
	if err := c.writeKubeconfig(); err != nil {
		return err
	}
	// The rest only need the apiserver; starting them together saves the
	// time each spends loading.
	errs := make(chan error, 3)
	go func() { errs <- c.startControllerManager(ctx) }()
	go func() { errs <- c.startScheduler(ctx) }()
	go func() { errs <- c.startKwok(ctx) }()
	var startErrs []error
	for range 3 {
		if err := <-errs; err != nil {
			startErrs = append(startErrs, err)
		}
	}
	if err := errors.Join(startErrs...); err != nil {
		return err
	}
	if err := c.createNodes(ctx); err != nil {
		return err
	}
	if err := c.waitReady(ctx); err != nil {
		return err
	}
	c.cfg.Logf("cluster ready in %s (%s)", time.Since(began).Round(100*time.Millisecond), c.Dir)
	return nil
}

// freePort asks the kernel for a free port on 127.0.0.1 (of the cluster's
// network namespace). Another process may take it before the component binds
// it; startComponent retries then.
func (c *Cluster) freePort() (int, error) {
	for range 20 {
		var l net.Listener
		listen := func() (err error) { l, err = net.Listen("tcp", "127.0.0.1:0"); return err }
		var err error
		if c.cfg.Netns != "" {
			err = InNetns(c.cfg.Netns, listen)
		} else {
			err = listen()
		}
		if err != nil {
			return 0, fmt.Errorf("finding a free port: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		c.mu.Lock()
		taken := c.usedPort[port]
		c.usedPort[port] = true
		c.mu.Unlock()
		if !taken {
			return port, nil
		}
	}
	return 0, errors.New("finding a free port: the kernel kept handing out ports already given to this cluster")
}

// component describes how to run and probe one binary.
type component struct {
	name  string
	bin   string                                               // its path; empty means BinDir/name
	ports int                                                  // how many ports it needs
	args  func(ports []int) []string                           // its flags for the given ports
	ready func(ctx context.Context, ports []int) (bool, error) // whether it is serving yet
	env   []string                                             // extra environment
}

// startComponent starts comp and waits until it is ready. A component that
// exits because a port was taken is started again on new ports; one that
// exits for any other reason, or never becomes ready, yields an error with
// its log tail.
func (c *Cluster) startComponent(ctx context.Context, comp component) ([]int, error) {
	logPath := filepath.Join(c.Dir, "logs", comp.name+".log")
	for attempt := 1; ; attempt++ {
		ports := make([]int, comp.ports)
		for i := range ports {
			p, err := c.pickPort()
			if err != nil {
				return nil, fmt.Errorf("starting %s: %w", comp.name, err)
			}
			ports[i] = p
		}
		args := append(comp.args(ports), c.cfg.ExtraArgs[comp.name]...)
		env := append(os.Environ(), comp.env...)
		bin := comp.bin
		if bin == "" {
			bin = filepath.Join(c.cfg.BinDir, comp.name)
		}
		bin, args = c.inNetnsCommand(bin, args)
		p, err := c.spawner.startProcess(comp.name, bin, args, env, logPath, c.cfg.Detach)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.procs = append(c.procs, p)
		c.mu.Unlock()

		var lastErr error
		for {
			if p.exited() {
				tail := p.logTail()
				if strings.Contains(tail, "address already in use") && attempt < portAttempts {
					c.cfg.Logf("%s: a port in %v was taken; retrying with other ports", comp.name, ports)
					break
				}
				return nil, p.failure()
			}
			ok, err := c.probeWhileAlive(ctx, p, func(ctx context.Context) (bool, error) { return comp.ready(ctx, ports) })
			if ok {
				c.cfg.Logf("%s ready (pid %d, ports %v)", comp.name, p.pid, ports)
				return ports, nil
			}
			lastErr = err
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("%s not ready (%v, last probe: %v); last lines of %s:\n%s",
					comp.name, ctx.Err(), lastErr, logPath, p.logTail())
			case <-p.done:
			case <-time.After(150 * time.Millisecond):
			}
		}
	}
}

// probeWhileAlive runs one readiness probe, cut short if the process exits
// meanwhile: a port taken by another program may accept the connection and
// never answer, and the probe must not outwait the process's failure.
func (c *Cluster) probeWhileAlive(ctx context.Context, p *process, probe func(context.Context) (bool, error)) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	go func() {
		select {
		case <-p.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return probe(ctx)
}

// probe GETs url and reports whether it answered 200 and its body contains
// want.
func (c *Cluster) probe(ctx context.Context, url, want string, auth bool) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, err
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+c.pki.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("%s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	if !strings.Contains(string(body), want) {
		return false, fmt.Errorf("%s: body %q lacks %q", url, body, want)
	}
	return true, nil
}

func (c *Cluster) startEtcd(ctx context.Context) (string, error) {
	ports, err := c.startComponent(ctx, component{
		name:  Etcd,
		ports: 2,
		args: func(p []int) []string {
			client := fmt.Sprintf("http://127.0.0.1:%d", p[0])
			peer := fmt.Sprintf("http://127.0.0.1:%d", p[1])
			return []string{
				"--name=e2e",
				"--data-dir=" + filepath.Join(c.Dir, "etcd"),
				"--listen-client-urls=" + client,
				"--advertise-client-urls=" + client,
				"--listen-peer-urls=" + peer,
				"--initial-advertise-peer-urls=" + peer,
				"--initial-cluster=e2e=" + peer,
				// Durability is worthless for a throwaway cluster, and
				// fsync is the slowest thing etcd does on a small disk.
				"--unsafe-no-fsync",
				"--log-level=warn",
			}
		},
		ready: func(ctx context.Context, p []int) (bool, error) {
			return c.probe(ctx, fmt.Sprintf("http://127.0.0.1:%d/health", p[0]), `"health":"true"`, false)
		},
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("http://127.0.0.1:%d", ports[0]), nil
}

func (c *Cluster) startAPIServer(ctx context.Context, etcdURL string) error {
	ports, err := c.startComponent(ctx, component{
		name:  KubeAPIServer,
		ports: 1,
		args: func(p []int) []string {
			return []string{
				"--etcd-servers=" + etcdURL,
				"--bind-address=127.0.0.1",
				"--advertise-address=127.0.0.1",
				fmt.Sprintf("--secure-port=%d", p[0]),
				"--cert-dir=" + filepath.Join(c.Dir, "pki", "apiserver"),
				"--tls-cert-file=" + c.pki.servingCert,
				"--tls-private-key-file=" + c.pki.servingKey,
				"--client-ca-file=" + c.pki.caCert,
				"--token-auth-file=" + c.pki.tokens,
				"--authorization-mode=RBAC",
				"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
				"--service-account-key-file=" + c.pki.saPub,
				"--service-account-signing-key-file=" + c.pki.saKey,
				"--service-cluster-ip-range=" + serviceCIDR,
				// No kubelet or kube-proxy runs here and the advertise
				// address is loopback: the apiserver must not publish
				// itself as the kubernetes Service's endpoint.
				"--endpoint-reconciler-type=none",
				"--profiling=false",
			}
		},
		ready: func(ctx context.Context, p []int) (bool, error) {
			return c.probe(ctx, fmt.Sprintf("https://127.0.0.1:%d/readyz", p[0]), "ok", true)
		},
	})
	if err != nil {
		return err
	}
	c.Server = fmt.Sprintf("https://127.0.0.1:%d", ports[0])
	return nil
}

// writeKubeconfig writes an admin kubeconfig. JSON is valid kubeconfig
// syntax, which spares a YAML dependency.
func (c *Cluster) writeKubeconfig() error {
	kc := map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"current-context": "kubenetgen-e2e",
		"clusters": []any{map[string]any{
			"name": "kubenetgen-e2e",
			"cluster": map[string]any{
				"server":                     c.Server,
				"certificate-authority-data": c.pki.caPEM,
			},
		}},
		"users": []any{map[string]any{
			"name": "kubenetgen-e2e-admin",
			"user": map[string]any{"token": c.pki.token},
		}},
		"contexts": []any{map[string]any{
			"name": "kubenetgen-e2e",
			"context": map[string]any{
				"cluster": "kubenetgen-e2e",
				"user":    "kubenetgen-e2e-admin",
			},
		}},
	}
	data, err := json.MarshalIndent(kc, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the kubeconfig: %w", err)
	}
	c.Kubeconfig = filepath.Join(c.Dir, "kubeconfig")
	if err := os.WriteFile(c.Kubeconfig, data, 0o600); err != nil {
		return fmt.Errorf("writing the kubeconfig: %w", err)
	}
	return nil
}

// servingArgs are the flags that make a controller's own HTTPS endpoint
// (health and metrics) listen on loopback with the cluster's certificate, and
// delegate its authentication to the apiserver through the kubeconfig.
func (c *Cluster) servingArgs(port int) []string {
	return []string{
		"--kubeconfig=" + c.Kubeconfig,
		"--authentication-kubeconfig=" + c.Kubeconfig,
		"--authorization-kubeconfig=" + c.Kubeconfig,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--tls-cert-file=" + c.pki.servingCert,
		"--tls-private-key-file=" + c.pki.servingKey,
		// One instance each: leader election would only add a lease
		// round-trip before any work starts.
		"--leader-elect=false",
		"--profiling=false",
	}
}

func (c *Cluster) startControllerManager(ctx context.Context) error {
	_, err := c.startComponent(ctx, component{
		name:  KubeControllerManager,
		ports: 1,
		args: func(p []int) []string {
			// The default controller set includes node-lifecycle, which
			// lifts the not-ready taint once kwok reports a node Ready.
			return append(c.servingArgs(p[0]),
				"--service-account-private-key-file="+c.pki.saKey,
				"--root-ca-file="+c.pki.caCert,
				"--cluster-signing-cert-file="+c.pki.caCert,
				"--cluster-signing-key-file="+c.pki.caKey,
				"--service-cluster-ip-range="+serviceCIDR,
			)
		},
		ready: func(ctx context.Context, p []int) (bool, error) {
			return c.probe(ctx, fmt.Sprintf("https://127.0.0.1:%d/healthz", p[0]), "ok", false)
		},
	})
	return err
}

func (c *Cluster) startScheduler(ctx context.Context) error {
	_, err := c.startComponent(ctx, component{
		name:  KubeScheduler,
		ports: 1,
		args:  func(p []int) []string { return c.servingArgs(p[0]) },
		ready: func(ctx context.Context, p []int) (bool, error) {
			return c.probe(ctx, fmt.Sprintf("https://127.0.0.1:%d/healthz", p[0]), "ok", false)
		},
	})
	return err
}

func (c *Cluster) startKwok(ctx context.Context) error {
	stages, err := filepath.Glob(filepath.Join(c.cfg.BinDir, "kwok-stages", "*.yaml"))
	if err != nil || len(stages) == 0 {
		return fmt.Errorf("starting kwok: no stage definitions in %s (run tools/build.sh)", filepath.Join(c.cfg.BinDir, "kwok-stages"))
	}
	// kwok v0.8.0 hands out pod IPs from one pool per CIDR, made on first
	// use by a lookup and a store that are not one atomic step
	// (PodController.ipPool in pkg/kwok/controllers/pod_controller.go), and
	// plays pod stages on four workers by default. Two first pods of a node
	// played at once may then each make a fresh pool of the node's
	// spec.podCIDR and both get its first address. The pods of the tests
	// that wire real network namespaces must have distinct IPs; one worker
	// makes every pool lookup sequential, for a few milliseconds per pod.
	kwokConfig := filepath.Join(c.Dir, "kwok-config.yaml")
	if err := os.WriteFile(kwokConfig, []byte(kwokConfiguration), 0o600); err != nil {
		return fmt.Errorf("starting kwok: %w", err)
	}
	_, err = c.startComponent(ctx, component{
		name:  Kwok,
		ports: 1,
		args: func(p []int) []string {
			args := []string{
				"--kubeconfig=" + c.Kubeconfig,
				"--manage-all-nodes=false",
				"--manage-nodes-with-annotation-selector=" + fakeNodeAnnotation + "=fake",
				// Leases keep the node-lifecycle controller from marking
				// the fake nodes unreachable.
				"--node-lease-duration-seconds=40",
				"--cidr=" + podCIDR,
				fmt.Sprintf("--server-address=127.0.0.1:%d", p[0]),
				"--config=" + kwokConfig,
			}
			for _, s := range stages {
				args = append(args, "--config="+s)
			}
			return args
		},
		ready: func(ctx context.Context, p []int) (bool, error) {
			return c.probe(ctx, fmt.Sprintf("http://127.0.0.1:%d/healthz", p[0]), "ok", false)
		},
		// kwok also reads ~/.kwok/kwok.yaml; a private HOME keeps a
		// developer's own kwok settings out of the tests.
		env: []string{"HOME=" + filepath.Join(c.Dir, "kwok-home")},
	})
	return err
}

// kwokConfiguration makes kwok play one pod stage at a time (see startKwok).
// kwok applies its defaults only when no configuration is given, not to one
// read from a file, so every option without a flag here is spelled out at
// its v0.8.0 default (sigs.k8s.io/kwok/pkg/apis/config/v1alpha1,
// SetObjectDefaults_KwokConfiguration); a parallelism left at zero makes
// kwok refuse to start.
const kwokConfiguration = `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  podPlayStageParallelism: 1
  nodePlayStageParallelism: 4
  nodeLeaseParallelism: 4
  podsOnNodeSyncParallelism: 1
  enablePodsOnNodeSyncListPager: true
  enablePodsOnNodeSyncStreamWatch: false
  enableDebuggingHandlers: true
  enableContentionProfiling: false
  enableProfilingHandler: true
`

// createNodes registers the fake nodes. Zone labels let spread constraints on
// topology.kubernetes.io/zone schedule too, since a node without the key is
// not a candidate for a DoNotSchedule constraint.
// nodeResources are what each fake node offers: kwok's defaults, and disk.
var nodeResources = map[string]string{"cpu": "1k", "memory": "1Ti", "pods": "1M", "ephemeral-storage": "1Ti"}

func (c *Cluster) createNodes(ctx context.Context) error {
	for i := range c.cfg.Nodes {
		name := fmt.Sprintf("kwok-node-%d", i)
		node := map[string]any{
			"apiVersion": "v1",
			"kind":       "Node",
			"metadata": map[string]any{
				"name":        name,
				"annotations": map[string]string{fakeNodeAnnotation: "fake"},
				"labels": map[string]string{
					"kubernetes.io/hostname":        name,
					"kubernetes.io/os":              "linux",
					"kubernetes.io/arch":            "amd64",
					"type":                          "kwok",
					"topology.kubernetes.io/region": "local",
					"topology.kubernetes.io/zone":   fmt.Sprintf("zone-%c", 'a'+i%26),
				},
			},
			// kwok keeps resources given at creation. Its own defaults
			// name no ephemeral storage, and pods that request some (as
			// kubenetgen's do) would never schedule; a real kubelet
			// reports its disk.
			"status": map[string]any{"capacity": nodeResources, "allocatable": nodeResources},
		}
		spec := map[string]any{}
		if i < len(c.cfg.NodePodCIDRs) {
			spec["podCIDR"] = c.cfg.NodePodCIDRs[i]
			spec["podCIDRs"] = []string{c.cfg.NodePodCIDRs[i]}
		}
		node["spec"] = spec
		if i < len(c.cfg.NodeAddresses) {
			// The apiserver keeps a new Node's status as given, as it does
			// for a kubelet registering; kwok then reports this address as
			// the hostIP of the node's pods.
			node["status"].(map[string]any)["addresses"] = []any{
				map[string]string{"type": "InternalIP", "address": c.cfg.NodeAddresses[i]},
				map[string]string{"type": "Hostname", "address": name},
			}
		}
		if err := c.post(ctx, "/api/v1/nodes", node); err != nil {
			return fmt.Errorf("creating node %s: %w", name, err)
		}
		c.NodeNames = append(c.NodeNames, name)
	}
	return nil
}

func (c *Cluster) post(ctx context.Context, path string, obj any) error {
	body, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Server+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.pki.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("POST %s: %s: %s", path, resp.Status, msg)
	}
	return nil
}

// get decodes the JSON at path into out, and reports false for a 404.
func (c *Cluster) get(ctx context.Context, path string, out any) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Server+path, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+c.pki.token)
	resp, err := c.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return false, nil
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return false, fmt.Errorf("GET %s: %s: %s", path, resp.Status, msg)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return false, fmt.Errorf("GET %s: decoding: %w", path, err)
	}
	return true, nil
}

// waitReady waits until every fake node is Ready without the not-ready
// taint, and the ServiceAccount controller has created "default". Meanwhile
// any component that dies ends the wait with its log tail.
func (c *Cluster) waitReady(ctx context.Context) error {
	return c.waitFor(ctx, "nodes Ready and untainted, default ServiceAccount present", func() (bool, error) {
		var nodes struct {
			Items []struct {
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
				Spec struct {
					Taints []struct {
						Key string `json:"key"`
					} `json:"taints"`
				} `json:"spec"`
				Status struct {
					Conditions []struct {
						Type   string `json:"type"`
						Status string `json:"status"`
					} `json:"conditions"`
				} `json:"status"`
			} `json:"items"`
		}
		if _, err := c.get(ctx, "/api/v1/nodes", &nodes); err != nil {
			return false, err
		}
		var notReady []string
		for _, n := range nodes.Items {
			ready := slices.ContainsFunc(n.Status.Conditions, func(cond struct {
				Type   string `json:"type"`
				Status string `json:"status"`
			}) bool {
				return cond.Type == "Ready" && cond.Status == "True"
			})
			for _, t := range n.Spec.Taints {
				if strings.HasPrefix(t.Key, "node.kubernetes.io/") {
					ready = false
				}
			}
			if !ready {
				notReady = append(notReady, n.Metadata.Name)
			}
		}
		if len(nodes.Items) != c.cfg.Nodes || len(notReady) > 0 {
			return false, fmt.Errorf("%d nodes, not yet ready or still tainted: %v", len(nodes.Items), notReady)
		}
		var sa map[string]any
		found, err := c.get(ctx, "/api/v1/namespaces/default/serviceaccounts/default", &sa)
		if err != nil {
			return false, err
		}
		if !found {
			return false, errors.New("ServiceAccount default/default not created yet")
		}
		return true, nil
	})
}

// waitFor polls cond until it holds, a component dies, or ctx ends.
func (c *Cluster) waitFor(ctx context.Context, what string, cond func() (bool, error)) error {
	var lastErr error
	for {
		if err := c.checkAlive(); err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		ok, err := cond()
		if ok {
			return nil
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last check: %v)", what, ctx.Err(), lastErr)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// checkAlive returns the failure of the first component that has exited.
func (c *Cluster) checkAlive() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		if p.exited() {
			// A component restarted on another port leaves its first,
			// failed process behind; only the newest of each name counts.
			if c.newestLocked(p.name) == p {
				return p.failure()
			}
		}
	}
	return nil
}

func (c *Cluster) newestLocked(name string) *process {
	var newest *process
	for _, p := range c.procs {
		if p.name == name {
			newest = p
		}
	}
	return newest
}

// CheckAlive returns an error naming, with its log tail, a component that
// has exited since the cluster started; nil when all are running.
func (c *Cluster) CheckAlive() error { return c.checkAlive() }

// PIDs returns the process ids of the running components by name. Each is
// also the id of the process group the component leads.
func (c *Cluster) PIDs() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	pids := map[string]int{}
	for _, p := range c.procs {
		pids[p.name] = p.pid
	}
	return pids
}

// Stop stops every process the cluster started, waits until each process
// group is gone, and removes the cluster directory if Start created it. It
// is safe to call more than once and from several goroutines.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		procs := slices.Clone(c.procs)
		keep := c.keep
		c.mu.Unlock()
		c.stopErr = stopProcesses(procs, 5*time.Second)
		c.spawner.close()
		if c.tempDir && !keep && c.stopErr == nil {
			if err := os.RemoveAll(c.Dir); err != nil {
				c.stopErr = fmt.Errorf("removing %s: %w", c.Dir, err)
			}
		}
	})
	return c.stopErr
}

// KeepDir makes Stop leave the cluster directory in place even when Start
// created it, so that the components' logs can be read after a failure.
func (c *Cluster) KeepDir() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keep = true
}

// StopOnInterrupt stops the cluster when the process receives SIGINT or
// SIGTERM, then lets the signal take its usual effect. The returned function
// cancels this.
func (c *Cluster) StopOnInterrupt() (cancel func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			fmt.Fprintf(os.Stderr, "cluster: %v: stopping the cluster\n", sig)
			_ = c.Stop()
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		case <-done:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(done)
		})
	}
}

// StartProcess starts a long-running program beside the components (a
// network policy engine, a service proxy) the way the components are
// started: in the cluster's network namespace, logged to Dir/logs/name.log,
// killed if the caller dies, stopped by Stop. It returns once ready (which
// may be nil) reports true, or with the program's log tail if it exits or
// ctx ends first. CheckAlive watches it from then on.
func (c *Cluster) StartProcess(ctx context.Context, name, bin string, args []string, ready func(ctx context.Context) (bool, error)) error {
	if ready == nil {
		ready = func(context.Context) (bool, error) { return true, nil }
	}
	_, err := c.startComponent(ctx, component{
		name:  name,
		bin:   bin,
		args:  func([]int) []string { return args },
		ready: func(ctx context.Context, _ []int) (bool, error) { return ready(ctx) },
	})
	return err
}

// Get fetches the JSON object at an apiserver path (such as
// /api/v1/namespaces/kube-system/pods) into out, through the cluster's own
// client; it reports false for a 404.
func (c *Cluster) Get(ctx context.Context, path string, out any) (bool, error) {
	return c.get(ctx, path, out)
}

// HTTPGet GETs url through the cluster's client, so from inside its network
// namespace, and reports whether it answered 200 with a body containing
// want. It serves as a readiness probe for StartProcess.
func (c *Cluster) HTTPGet(ctx context.Context, url, want string) (bool, error) {
	return c.probe(ctx, url, want, false)
}

// Kubectl runs kubectl against the cluster and returns its standard output
// and standard error. The error, if any, includes both.
func (c *Cluster) Kubectl(ctx context.Context, stdin io.Reader, args ...string) (stdout, stderr string, err error) {
	// A cache inside the cluster's directory goes away with the cluster;
	// the default one in ~/.kube would keep a directory per port forever.
	global := []string{"--kubeconfig=" + c.Kubeconfig, "--cache-dir=" + filepath.Join(c.Dir, "kubectl-cache")}
	bin, all := c.inNetnsCommand("kubectl", append(global, args...))
	cmd := exec.CommandContext(ctx, bin, all...)
	cmd.Stdin = stdin
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	// The cluster's kubeconfig only; never one of the developer's clusters.
	cmd.Env = append(os.Environ(), "KUBECONFIG="+c.Kubeconfig)
	err = cmd.Run()
	if err != nil {
		err = fmt.Errorf("kubectl %s: %w\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String(), err
}
