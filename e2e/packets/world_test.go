//go:build e2e

package packets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
	"github.com/kubenetgen/kubenetgen/verify"
)

// nodeIP is the i-th node's address, on its namespace's loopback: the
// Node's InternalIP, so the pods' hostIP, which kube-router compares with
// its own node's to find the pods it must guard.
func nodeIP(i int) string { return fmt.Sprintf("172.31.255.%d", i+1) }

const (
	// gatewayIP is every pod's default gateway. It sits on the node's
	// loopback too, so the node answers the pods' ARP requests for it
	// itself: proxy ARP would need a route out, which the node lacks.
	gatewayIP = "169.254.1.1"
	// kubeRouterHealth is kube-router's default health port, on the node
	// namespace's loopback.
	kubeRouterHealth = "http://127.0.0.1:20244/healthz"
)

var worldSeq, podSeq atomic.Int32

// pod is one pod of the world: a real pod of the cluster, with a network
// namespace holding its IP and listeners answering with its name.
type pod struct {
	namespace, name string
	ip              netip.Addr
	peer            *verify.Peer
	// ports are the pod's container ports: its peer's, or for an
	// unlabelled stand-in, decoyPorts.
	ports []verify.ContainerPort
	netns string
	// node is the index of the node the pod runs on.
	node int
	// dns marks the DNS stand-in when CoreDNS serves its DNS port: no
	// listener of the test opens that port.
	dns bool
	// veth is the node's end of the pod's link, and closers its
	// listeners.
	veth    string
	closers []io.Closer
	// isolated marks a Gateway data plane that the base's policies
	// isolate (it runs in the app's namespace): measured like a workload,
	// from outside too.
	isolated bool
}

// decoyPorts are what the unlabelled stand-in pods listen on, though verify
// gives them no ports: DNS's port, so that a policy admitting a whole
// namespace where it meant its DNS pods is caught, and a common HTTP port.
var decoyPorts = []verify.ContainerPort{
	{Name: "dns", Port: 53, Protocol: "UDP"},
	{Name: "dns-tcp", Port: 53, Protocol: "TCP"},
	{Name: "http", Port: 8080, Protocol: "TCP"},
}

// portsOf returns what a peer's pods listen on.
func portsOf(p *verify.Peer) []verify.ContainerPort {
	if p.Kind == verify.PeerPod {
		return decoyPorts
	}
	return p.Ports
}

// key is how the pod names itself in answers.
func (p *pod) key() string { return p.namespace + "/" + p.name }

// world is one case's nodes: their network namespaces, the control plane
// (in the first), a kube-router (and kube-proxy) in each, and the pods wired
// to them.
type world struct {
	t testing.TB
	// podCIDRs are the nodes' spec.podCIDR, one per node, and podNet the
	// pod network they share.
	podCIDRs []string
	podNet   string
	// nodes are the nodes' network namespaces.
	nodes []string
	c     *cluster.Cluster
	proxy bool // kube-proxy runs
	// dns is set when CoreDNS is to serve as the cluster DNS stand-in.
	dns  bool
	pods []*pod
	// created are the network namespaces made so far, deleted by close.
	created   []string
	closers   []io.Closer
	listening sync.WaitGroup
	// failAt makes setup fail on purpose after the named step, to test
	// that a failed run leaves nothing behind.
	failAt string
}

// ip runs ip with args and fails with its output.
func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// ipBatch runs ip commands, one a line, in the named network namespace, in
// one ip process.
func ipBatch(netns string, lines []string) error {
	cmd := exec.Command("ip", "-n", netns, "-batch", "-")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ip -n %s -batch: %v: %s\n(commands: %s)", netns, err, strings.TrimSpace(string(out)), strings.Join(lines, "; "))
	}
	return nil
}

// addNetns creates a network namespace and records it for close.
func (w *world) addNetns(name string) error {
	if err := ip("netns", "add", name); err != nil {
		return err
	}
	w.created = append(w.created, name)
	return nil
}

// nodePodCIDRs are the nodes' shares of the spec's pod network: its first
// two /24s, or the network itself, on one node, when it is too small to
// split. The pods' real addresses are then where the policies' ipBlocks
// expect pods.
func nodePodCIDRs(o verify.Options) []string {
	p := o.PodCIDR.Masked()
	if p.Bits() > 23 || !p.Addr().Is4() {
		return []string{p.String()}
	}
	first := netip.PrefixFrom(p.Addr(), 24)
	b := first.Addr().As4()
	b[2]++
	return []string{first.String(), netip.PrefixFrom(netip.AddrFrom4(b), 24).String()}
}

// start builds the nodes: their namespaces, the control plane inside the
// first, and a kube-router in each. On error everything started is stopped.
func (w *world) start(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	if err := w.startNodes(); err != nil {
		return err
	}
	if w.failAt == "node" {
		return errors.New("failing on purpose after the node namespaces")
	}
	var addrs []string
	for i := range w.nodes {
		addrs = append(addrs, nodeIP(i))
	}
	w.c, err = cluster.Start(ctx, cluster.Config{
		BinDir:        binDir,
		Netns:         w.nodes[0],
		Nodes:         len(w.nodes),
		NodeAddresses: addrs,
		NodePodCIDRs:  w.podCIDRs,
		Logf:          w.t.Logf,
	})
	if err != nil {
		return fmt.Errorf("starting the control plane in %s: %w", w.nodes[0], err)
	}
	for i := 1; i < len(w.nodes); i++ {
		if err := w.forwardAPIServer(w.nodes[i]); err != nil {
			return err
		}
	}
	for i := range w.nodes {
		// The firewall only: no routing (the test wires the pods) and no
		// service proxy (kube-router's needs IPVS).
		err = w.startOnNode(ctx, i, "kube-router", []string{
			"--kubeconfig=" + w.c.Kubeconfig,
			"--run-firewall=true",
			"--run-router=false",
			"--run-service-proxy=false",
			"--hostname-override=" + w.c.NodeNames[i],
			"--v=1",
		}, kubeRouterHealth)
		if err != nil {
			return fmt.Errorf("starting kube-router on node %d: %w", i+1, err)
		}
	}
	if w.failAt == "engine" {
		return errors.New("failing on purpose after starting kube-router")
	}
	return nil
}

// startOnNode starts a program of binDir in node i's network namespace,
// ready when health answers 200 there. The first node's copy is named as
// the program, the others' get the node's number: "kube-router-2".
func (w *world) startOnNode(ctx context.Context, i int, name string, args []string, health string) error {
	bin := filepath.Join(binDir, name)
	if i == 0 {
		return w.c.StartProcess(ctx, name, bin, args, func(ctx context.Context) (bool, error) { return w.c.HTTPGet(ctx, health, "") })
	}
	// The cluster runs its programs in the first node's namespace; ip
	// netns exec moves this one on into its own, and execs it, so the
	// process id stays the one started.
	netns := w.nodes[i]
	return w.c.StartProcess(ctx, fmt.Sprintf("%s-%d", name, i+1), "ip", append([]string{"netns", "exec", netns, bin}, args...),
		func(ctx context.Context) (bool, error) { return httpGetIn(ctx, netns, health) })
}

// httpGetIn reports whether url answers 200, asked from inside netns.
func httpGetIn(ctx context.Context, netns, url string) (bool, error) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var c net.Conn
			err := cluster.InNetns(netns, func() (err error) {
				var d net.Dialer
				c, err = d.DialContext(ctx, network, addr)
				return err
			})
			return c, err
		},
	}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

// forwardAPIServer makes the apiserver, which listens on the first node's
// loopback, reachable on the same address and port from netns: a listener
// there relays each connection to it. The kubeconfig and the server's
// certificate then serve on every node unchanged, and the apiserver needs
// no address any pod could reach.
func (w *world) forwardAPIServer(netns string) error {
	u, err := url.Parse(w.c.Server)
	if err != nil {
		return err
	}
	var l net.Listener
	if err := cluster.InNetns(netns, func() (err error) { l, err = net.Listen("tcp", u.Host); return err }); err != nil {
		return fmt.Errorf("relaying the apiserver into %s: %w", netns, err)
	}
	w.closers = append(w.closers, l)
	w.listening.Add(1)
	go func() {
		defer w.listening.Done()
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer in.Close()
				var out net.Conn
				if err := cluster.InNetns(w.nodes[0], func() (err error) { out, err = net.Dial("tcp", u.Host); return err }); err != nil {
					return
				}
				defer out.Close()
				// Each direction ends the other: the relay lives as long
				// as the connection, which the programs or the
				// apiserver close when they stop.
				go func() { _, _ = io.Copy(out, in); out.Close(); in.Close() }()
				_, _ = io.Copy(in, out)
			}()
		}
	}()
	return nil
}

// startNodes creates a network namespace per pod CIDR, each standing for a
// node: loopback up with the node's and the pods' gateway addresses,
// forwarding on; and links every two nodes by a veth pair, with routes to
// each other's address and pod range.
func (w *world) startNodes() error {
	seq := worldSeq.Add(1)
	for i := range w.podCIDRs {
		node := fmt.Sprintf("%s%d-node%d", prefix, seq, i+1)
		if err := w.addNetns(node); err != nil {
			return err
		}
		w.nodes = append(w.nodes, node)
		if err := ipBatch(node, []string{
			"link set lo up",
			"address add " + nodeIP(i) + "/32 dev lo",
			"address add " + gatewayIP + "/32 dev lo",
		}); err != nil {
			return err
		}
		// Forwarding makes the node a router between its pods. Without
		// ICMP rate limits, every REJECT of kube-router is answered at
		// once, so a denial is "refused" rather than a timeout that costs
		// a second.
		sysctl := exec.Command("ip", "netns", "exec", node, "sysctl", "-q", "-w",
			"net.ipv4.ip_forward=1", "net.ipv4.icmp_ratelimit=0", "net.ipv4.icmp_msgs_burst=10000", "net.ipv4.icmp_msgs_per_sec=100000")
		if out, err := sysctl.CombinedOutput(); err != nil {
			return fmt.Errorf("sysctl in %s: %v: %s", node, err, out)
		}
	}
	for i := range w.nodes {
		for j := i + 1; j < len(w.nodes); j++ {
			if err := ipBatch(w.nodes[i], []string{fmt.Sprintf("link add kn%d type veth peer name kn%d netns %s", j+1, i+1, w.nodes[j])}); err != nil {
				return err
			}
			for _, e := range [][2]int{{i, j}, {j, i}} {
				a, b := e[0], e[1]
				dev := fmt.Sprintf("kn%d", b+1)
				// The other node answers ARP for its address, which is on
				// its loopback; its pods are behind it.
				if err := ipBatch(w.nodes[a], []string{
					"link set " + dev + " up",
					"route add " + nodeIP(b) + "/32 dev " + dev + " src " + nodeIP(a),
					"route add " + w.podCIDRs[b] + " via " + nodeIP(b) + " dev " + dev + " onlink src " + nodeIP(a),
				}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// close stops everything the world started and deletes every namespace it
// created; it reports what it could not undo as test errors.
func (w *world) close() {
	for _, c := range w.closers {
		_ = c.Close()
	}
	for _, p := range w.pods {
		for _, c := range p.closers {
			_ = c.Close()
		}
	}
	w.listening.Wait()
	if w.c != nil {
		if w.t.Failed() {
			w.c.KeepDir()
			w.t.Logf("the cluster's logs (kube-router's too) are kept in %s", filepath.Join(w.c.Dir, "logs"))
		}
		if err := w.c.Stop(); err != nil {
			w.t.Errorf("stopping the cluster: %v", err)
		}
	}
	for i := len(w.created) - 1; i >= 0; i-- {
		if err := ip("netns", "delete", w.created[i]); err != nil {
			w.t.Errorf("deleting network namespace: %v", err)
		}
	}
	w.created = nil
}

// kubectl runs kubectl against the world's cluster with stdin.
func (w *world) kubectl(ctx context.Context, stdin string, args ...string) (string, error) {
	var in io.Reader
	if stdin != "" {
		in = strings.NewReader(stdin)
	}
	out, _, err := w.c.Kubectl(ctx, in, args...)
	return out, err
}

var (
	policyDoc = regexp.MustCompile(`(?m)^kind: NetworkPolicy$`)
	// gatewayDoc matches Gateway API objects: no implementation runs in
	// the world, so they move no packet, and its control plane has no
	// CRDs for them (the e2e suite applies them, with the CRDs, for real).
	gatewayDoc = regexp.MustCompile(`(?m)^apiVersion: gateway\.networking\.k8s\.io/`)
)

// splitBase builds the kustomize base in dir and returns its documents
// without the NetworkPolicies and the Gateway API objects, and the
// NetworkPolicies alone.
func (w *world) splitBase(ctx context.Context, dir string) (rest, policies string, err error) {
	out, err := w.kubectl(ctx, "", "kustomize", dir)
	if err != nil {
		return "", "", err
	}
	var r, p []string
	for _, doc := range strings.Split(out, "\n---\n") {
		switch {
		case policyDoc.MatchString(doc):
			p = append(p, doc)
		case gatewayDoc.MatchString(doc):
		default:
			r = append(r, doc)
		}
	}
	return strings.Join(r, "\n---\n"), strings.Join(p, "\n---\n"), nil
}

// standIns returns the Namespaces and Pods standing for verify's pseudo-peers
// that are pods: cluster DNS, the ingress controller, cert-manager's HTTP-01
// solver in the app's namespace when the spec has cert-manager solve HTTP-01
// challenges (verify.OptionsFromSpec adds that peer), the spec's callers
// and callees in other namespaces (with their labels, the callees
// listening on the ports the tiers call), and an unlabelled pod of each
// namespace. They run on the fake node like the base's pods.
//
// shared names each stand-in after what it is (its namespace, labels and
// ports, hashed) and places it by that name, so that the apps sharing a
// world share the stand-ins they agree on and never clash on the others.
func (w *world) standIns(peers []*verify.Peer, shared bool) (string, map[string]*verify.Peer) {
	byName := map[string]*verify.Peer{}
	var docs []any
	namespaces := map[string]bool{}
	for _, p := range peers {
		if !p.IsPod() || p.Kind == verify.PeerWorkload {
			continue
		}
		name := "standin-" + strings.NewReplacer("[", "", "]", "", " ", "-").Replace(p.Kind)
		if p.Kind == verify.PeerOutsideApp {
			// One namespace may hold several callers and callees: each
			// is named after its [NAMESPACE/NAME].
			name = "standin-" + strings.ToLower(strings.NewReplacer("[", "", "]", "", "/", "-", "_", "-", ".", "-").Replace(p.ID))
		}
		node := w.c.NodeNames[len(docs)%len(w.c.NodeNames)]
		if shared {
			h := fnv.New32a()
			_ = json.NewEncoder(h).Encode([]any{p.Namespace, p.Labels, portsOf(p)})
			name += fmt.Sprintf("-%08x", h.Sum32())
			node = w.c.NodeNames[int(h.Sum32()%uint32(len(w.c.NodeNames)))]
		}
		byName[p.Namespace+"/"+name] = p
		namespaces[p.Namespace] = true
		var ports []map[string]any
		for _, cp := range portsOf(p) {
			ports = append(ports, map[string]any{"name": cp.Name, "containerPort": cp.Port, "protocol": cp.Protocol})
		}
		// Restricted, so that it is admitted in the app's namespace too.
		docs = append(docs, map[string]any{
			"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": name, "namespace": p.Namespace, "labels": p.Labels},
			"spec": map[string]any{
				"nodeName":                     node,
				"automountServiceAccountToken": false,
				"securityContext": map[string]any{
					"runAsNonRoot": true, "runAsUser": 10001,
					"seccompProfile": map[string]any{"type": "RuntimeDefault"},
				},
				"containers": []any{map[string]any{
					"name": "standin", "image": "registry.example/standin:1", "ports": ports,
					"securityContext": map[string]any{
						"allowPrivilegeEscalation": false,
						"capabilities":             map[string]any{"drop": []string{"ALL"}},
					},
				}},
			},
		})
	}
	if d := dnsPeer(peers); w.dns && d != nil {
		docs = append(docs, kubeDNSService(d))
	}
	for _, ns := range slices.Sorted(maps.Keys(namespaces)) {
		docs = append([]any{map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}, docs...)
	}
	data, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": docs})
	return string(data), byName
}

// livePod is what the world reads of a pod from the apiserver.
type livePod struct {
	Metadata struct {
		Name              string            `json:"name"`
		Namespace         string            `json:"namespace"`
		Labels            map[string]string `json:"labels"`
		DeletionTimestamp *string           `json:"deletionTimestamp"`
	} `json:"metadata"`
	Status struct {
		PodIP      string `json:"podIP"`
		HostIP     string `json:"hostIP"`
		Conditions []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"conditions"`
	} `json:"status"`
}

func (p livePod) ready() bool {
	for _, c := range p.Status.Conditions {
		if c.Type == "Ready" {
			return c.Status == "True"
		}
	}
	return false
}

// waitPods waits until every pod peer has its pods, each Ready with an IP,
// and returns them matched to their peers: a workload's pods by namespace
// and template labels, stand-ins by name.
func (w *world) waitPods(ctx context.Context, peers []*verify.Peer, standIns map[string]*verify.Peer) ([]*pod, error) {
	want := map[*verify.Peer]int{}
	for _, p := range peers {
		switch {
		case p.Kind == verify.PeerWorkload:
			n := 1
			if d, ok := p.Object.Obj.(*appsv1.Deployment); ok && d.Spec.Replicas != nil {
				n = int(*d.Spec.Replicas)
			}
			want[p] = n
		case p.IsPod():
			want[p] = 1
		}
	}
	var last string
	for {
		var list struct{ Items []livePod }
		if _, err := w.c.Get(ctx, "/api/v1/pods", &list); err != nil {
			last = err.Error()
		} else {
			pods, why := matchPods(list.Items, peers, standIns, want, w.podCIDRs)
			if why == "" {
				return pods, nil
			}
			last = why
		}
		if err := w.c.CheckAlive(); err != nil {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the pods: %w (last: %s)", ctx.Err(), last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// matchPods pairs live pods with peers, or says what is not there yet.
// podCIDRs are the nodes' ranges, in node order. Pods that share an IP, or
// whose IP lies outside their node's range, cannot be wired (their routes
// clash on a node): such a world is not ready either, and the answer names
// the pods and addresses.
func matchPods(items []livePod, peers []*verify.Peer, standIns map[string]*verify.Peer, want map[*verify.Peer]int, podCIDRs []string) ([]*pod, string) {
	got := map[*verify.Peer]int{}
	var pods []*pod
	for _, lp := range items {
		m := lp.Metadata
		if m.DeletionTimestamp != nil {
			continue
		}
		peer := standIns[m.Namespace+"/"+m.Name]
		for _, p := range peers {
			if peer == nil && p.Kind == verify.PeerWorkload && p.Namespace == m.Namespace && p.Template != nil && subset(p.Template.Labels, m.Labels) {
				peer = p
			}
		}
		if peer == nil {
			continue // not part of the world (none are expected)
		}
		addr, err := netip.ParseAddr(lp.Status.PodIP)
		if !lp.ready() || err != nil {
			return nil, fmt.Sprintf("pod %s/%s not Ready with an IP yet", m.Namespace, m.Name)
		}
		node := -1
		for i := range podCIDRs {
			if lp.Status.HostIP == nodeIP(i) {
				node = i
			}
		}
		if node < 0 {
			return nil, fmt.Sprintf("pod %s/%s has hostIP %q, no node's address", m.Namespace, m.Name, lp.Status.HostIP)
		}
		got[peer]++
		pods = append(pods, &pod{namespace: m.Namespace, name: m.Name, ip: addr, peer: peer, ports: portsOf(peer), node: node})
	}
	slices.SortFunc(pods, func(a, b *pod) int { return strings.Compare(a.key(), b.key()) })
	if why := addressConflicts(pods, podCIDRs); why != "" {
		return nil, why
	}
	for p, n := range want {
		if got[p] != n {
			return nil, fmt.Sprintf("%s has %d Ready pods, want %d", p.ID, got[p], n)
		}
	}
	return pods, ""
}

// addressConflicts names the pods, sorted by key, that share an IP or have
// one outside their node's range; empty when there are none.
func addressConflicts(pods []*pod, podCIDRs []string) string {
	var problems []string
	owner := map[netip.Addr]*pod{}
	for _, p := range pods {
		if o, ok := owner[p.ip]; ok {
			problems = append(problems, fmt.Sprintf("pods %s (node %d) and %s (node %d) both have IP %s", o.key(), o.node+1, p.key(), p.node+1, p.ip))
		} else {
			owner[p.ip] = p
		}
		r, err := netip.ParsePrefix(podCIDRs[p.node])
		if err != nil || !r.Contains(p.ip) {
			problems = append(problems, fmt.Sprintf("pod %s has IP %s, outside its node %d's pod range %s", p.key(), p.ip, p.node+1, podCIDRs[p.node]))
		}
	}
	if len(problems) == 0 {
		return ""
	}
	return "pod addresses clash: " + strings.Join(problems, "; ")
}

func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// wire gives each pod a network namespace with its IP, a veth pair to its
// node and a /32 route to it there, then opens its listeners.
func (w *world) wire(pods []*pod) error {
	for _, p := range pods {
		// Numbered across the run, so that pods wired after others were
		// unwired never meet a name still being released.
		n := podSeq.Add(1)
		p.netns = fmt.Sprintf("%s%d-pod%d", prefix, worldSeq.Load(), n)
		if err := w.addNetns(p.netns); err != nil {
			return err
		}
		w.pods = append(w.pods, p)
		veth := fmt.Sprintf("kv%d", n)
		p.veth = veth
		node := w.nodes[p.node]
		if err := ipBatch(node, []string{
			"link add " + veth + " type veth peer name eth0 netns " + p.netns,
			"link set " + veth + " up",
		}); err != nil {
			return err
		}
		if err := ipBatch(p.netns, []string{
			"link set lo up",
			"address add " + p.ip.String() + "/32 dev eth0",
			"link set eth0 up",
			"route add " + gatewayIP + " dev eth0 scope link",
			"route add default via " + gatewayIP + " dev eth0",
		}); err != nil {
			return err
		}
		if err := ipBatch(node, []string{"route add " + p.ip.String() + "/32 dev " + veth + " src " + nodeIP(p.node)}); err != nil {
			return err
		}
		if err := w.listen(p); err != nil {
			return err
		}
	}
	if w.failAt == "wired" {
		return errors.New("failing on purpose after wiring the pods")
	}
	return nil
}

// unwire undoes wire for pods that are gone: their listeners, their links
// (and with them the node's routes to them) and their namespaces, with one
// ip process per node and one for the namespaces.
func (w *world) unwire(pods []*pod) error {
	links := map[int][]string{}
	var netns []string
	for _, p := range pods {
		for _, c := range p.closers {
			_ = c.Close()
		}
		p.closers = nil
		if p.veth != "" {
			links[p.node] = append(links[p.node], "link delete "+p.veth)
		}
		netns = append(netns, "netns delete "+p.netns)
	}
	for node, lines := range links {
		if err := ipBatch(w.nodes[node], lines); err != nil {
			return err
		}
	}
	if len(netns) > 0 {
		cmd := exec.Command("ip", "-batch", "-")
		cmd.Stdin = strings.NewReader(strings.Join(netns, "\n") + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("ip -batch (deleting pod namespaces): %v: %s", err, strings.TrimSpace(string(out)))
		}
	}
	for _, p := range pods {
		w.created = slices.DeleteFunc(w.created, func(n string) bool { return n == p.netns })
		w.pods = slices.DeleteFunc(w.pods, func(q *pod) bool { return q == p })
	}
	return nil
}

// listen opens, in the pod's namespace, a TCP and a UDP listener on each of
// its container port numbers; each answers with the pod's name.
func (w *world) listen(p *pod) error {
	answer := []byte(p.key())
	var ports []int32
	for _, cp := range p.ports {
		if p.dns && cp.Port == dnsPort(p.peer) {
			continue // CoreDNS's
		}
		if !slices.Contains(ports, cp.Port) {
			ports = append(ports, cp.Port)
		}
	}
	return cluster.InNetns(p.netns, func() error {
		for _, port := range ports {
			addr := net.JoinHostPort(p.ip.String(), fmt.Sprint(port))
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s/TCP in %s: %w", addr, p.key(), err)
			}
			p.closers = append(p.closers, l)
			u, err := net.ListenPacket("udp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s/UDP in %s: %w", addr, p.key(), err)
			}
			p.closers = append(p.closers, u)
			w.listening.Add(2)
			go func() {
				defer w.listening.Done()
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					_ = c.SetDeadline(time.Now().Add(2 * time.Second))
					_, _ = c.Write(answer)
					_ = c.Close()
				}
			}()
			go func() {
				defer w.listening.Done()
				buf := make([]byte, 512)
				for {
					_, from, err := u.ReadFrom(buf)
					if err != nil {
						return
					}
					_, _ = u.WriteTo(answer, from)
				}
			}()
		}
		return nil
	})
}

// rulesState is the nodes' firewalls as their kube-routers leave them:
// iptables rules and ipsets, without counters.
func (w *world) rulesState(ctx context.Context) (string, error) {
	var b strings.Builder
	for _, node := range w.nodes {
		for _, c := range [][]string{{"iptables-save"}, {"ipset", "save"}} {
			out, err := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", node}, c...)...).CombinedOutput()
			if err != nil {
				return "", fmt.Errorf("%s in %s: %v: %s", c[0], node, err, out)
			}
			for _, l := range strings.Split(counters.ReplaceAllString(string(out), ""), "\n") {
				if !strings.HasPrefix(l, "#") {
					b.WriteString(l + "\n")
				}
			}
		}
	}
	return b.String(), nil
}

// waitRules waits until the nodes' firewalls differ from before and has then
// stayed the same for a while: kube-router has acted on a policy change.
// A change that kube-router programs identically never differs; after limit
// the wait ends with a note, and the measurement decides.
func (w *world) waitRules(ctx context.Context, before string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	prev, stable := "", 0
	for time.Now().Before(deadline) {
		cur, err := w.rulesState(ctx)
		if err != nil {
			return err
		}
		if cur != before && cur == prev {
			stable++
			if stable >= 3 {
				return nil
			}
		} else {
			stable = 0
		}
		prev = cur
		if err := w.c.CheckAlive(); err != nil {
			return err
		}
		time.Sleep(400 * time.Millisecond)
	}
	w.t.Logf("the nodes' firewalls did not settle into a new state within %s; measuring anyway", limit)
	return nil
}

// exists reports whether a path exists; for the leftover checks.
func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
