//go:build e2e

package packets

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubenetgen/kubenetgen/verify"
)

// canProxy says why Service paths cannot be measured here, or "".
func canProxy() string {
	if _, err := os.Stat(filepath.Join(binDir, "kube-proxy")); err != nil {
		return "kube-proxy is not built in " + binDir + " (make tools builds it)"
	}
	if _, err := exec.LookPath("nft"); err != nil {
		return "nft is not on PATH (make packages installs nftables)"
	}
	return ""
}

// startProxy runs kube-proxy in each node namespace, in nftables mode.
// Its conntrack settings are left alone (0): the node namespaces share the
// host's conntrack sysctls. Local traffic is told by the node's own pod
// range (NodeCIDR): with the whole pod network (ClusterCIDR), a pod's call
// to another node's node port would not be masqueraded, and its answer
// would come back by another path.
func (w *world) startProxy(ctx context.Context) error {
	for i := range w.nodes {
		err := w.startOnNode(ctx, i, "kube-proxy", []string{
			"--kubeconfig=" + w.c.Kubeconfig,
			"--proxy-mode=nftables",
			"--cluster-cidr=" + w.podNet,
			"--detect-local-mode=NodeCIDR",
			"--hostname-override=" + w.c.NodeNames[i],
			"--healthz-bind-address=127.0.0.1:10256",
			"--metrics-bind-address=127.0.0.1:10249",
			"--conntrack-max-per-core=0",
			"--conntrack-min=0",
			"--conntrack-tcp-timeout-established=0",
			"--conntrack-tcp-timeout-close-wait=0",
			"--v=1",
		}, "http://127.0.0.1:10256/healthz")
		if err != nil {
			return fmt.Errorf("starting kube-proxy on node %d: %w", i+1, err)
		}
	}
	return nil
}

// service is one port of a live Service of the base, with the pods behind it.
type service struct {
	name     string // namespace/name:port
	host     string // the Service's cluster DNS name
	addr     netip.AddrPort
	nodePort int32 // 0 when the Service has none
	proto    string
	peer     *verify.Peer // the tier it selects
	podPort  int32        // the target port, resolved on the tier's pods
	backends []*pod
}

// liveServices reads the base's Services from the apiserver and resolves
// each port to its tier and pod port.
func (l *live) liveServices(ctx context.Context) ([]service, error) {
	var out []service
	namespaces := map[string]bool{}
	for _, p := range l.e.Peers {
		if p.Kind == verify.PeerWorkload {
			namespaces[p.Namespace] = true
		}
	}
	for ns := range namespaces {
		var list corev1.ServiceList
		if _, err := l.w.c.Get(ctx, "/api/v1/namespaces/"+ns+"/services", &list); err != nil {
			return nil, err
		}
		for _, svc := range list.Items {
			ip, err := netip.ParseAddr(svc.Spec.ClusterIP)
			if err != nil || len(svc.Spec.Selector) == 0 {
				continue
			}
			var peer *verify.Peer
			for _, p := range l.e.Peers {
				if p.Kind == verify.PeerWorkload && p.Namespace == ns && p.Template != nil && subset(svc.Spec.Selector, p.Template.Labels) {
					peer = p
				}
			}
			if peer == nil {
				continue
			}
			var backends []*pod
			for _, p := range l.pods {
				if p.peer == peer {
					backends = append(backends, p)
				}
			}
			for _, sp := range svc.Spec.Ports {
				proto := string(sp.Protocol)
				if proto == "" {
					proto = "TCP"
				}
				podPort := sp.TargetPort.IntVal
				if sp.TargetPort.StrVal != "" {
					for _, cp := range peer.Ports {
						if cp.Name == sp.TargetPort.StrVal && cp.Protocol == proto {
							podPort = cp.Port
						}
					}
				}
				if podPort == 0 {
					podPort = sp.Port
				}
				out = append(out, service{
					name: fmt.Sprintf("%s/%s:%d", ns, svc.Name, sp.Port), host: svc.Name + "." + ns + ".svc.cluster.local", addr: netip.AddrPortFrom(ip, uint16(sp.Port)), nodePort: sp.NodePort,
					proto: proto, peer: peer, podPort: podPort, backends: backends,
				})
			}
		}
	}
	return out, nil
}

// waitProxy waits until every node's kube-proxy has programmed every
// Service address and its endpoints.
func (l *live) waitProxy(ctx context.Context, svcs []service) error {
	deadline := time.Now().Add(settleLimit)
	var last string
	for time.Now().Before(deadline) {
		missing := 0
		for _, node := range l.w.nodes {
			out, err := exec.CommandContext(ctx, "ip", "netns", "exec", node, "nft", "list", "table", "ip", "kube-proxy").CombinedOutput()
			if err != nil {
				missing, last = -1, strings.TrimSpace(string(out))
				break
			}
			for _, s := range svcs {
				if !strings.Contains(string(out), s.addr.Addr().String()) {
					missing++
				}
				// The Service's endpoints too: an address without them
				// is rejected. One endpoint is "dnat to IP:PORT", several
				// a map of "IP . PORT".
				for _, b := range s.backends {
					one, several := fmt.Sprintf("%s:%d", b.ip, s.podPort), fmt.Sprintf("%s . %d", b.ip, s.podPort)
					if !strings.Contains(string(out), one) && !strings.Contains(string(out), several) {
						missing++
					}
				}
			}
		}
		if missing == 0 {
			return nil
		}
		if missing > 0 {
			last = fmt.Sprintf("%d Service addresses or endpoints not in the nodes' rulesets yet", missing)
		}
		if err := l.w.c.CheckAlive(); err != nil {
			return err
		}
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("kube-proxy did not program every Service within %s: %s", settleLimit, last)
}

// dialable reports whether a Service port's protocol is one the attempts
// speak: TCP or UDP. Go's net package has no SCTP, and the listeners are
// TCP and UDP only, so an SCTP port is not measured.
func dialable(proto string) bool { return proto == "TCP" || proto == "UDP" }

// serviceAttempts lists, for every pod and every Service port, one
// connection to the Service address. A pod is not sent to its own tier's
// Service: the answer could come from itself, hairpinned and masqueraded
// to the node's address, which no policy is about.
func serviceAttempts(pods []*pod, svcs []service) []*attempt {
	var out []*attempt
	for _, from := range pods {
		for _, s := range svcs {
			if from.peer == s.peer || len(s.backends) == 0 || !dialable(s.proto) {
				continue
			}
			answers := map[string]bool{}
			for _, b := range s.backends {
				answers[b.key()] = true
			}
			// Keyed on the tier and the pod port, so that the comparison
			// is the pod-to-pod one: the policy sees the pod port after
			// the Service's DNAT.
			out = append(out, &attempt{from: from, to: s.backends[0], proto: s.proto, port: s.podPort, dial: s.addr, answers: answers, via: s.name, service: s.host})
		}
	}
	return out
}

// outsideIP is the outside namespace's own address on its link to the node,
// in the benchmarking range but not its first address, which stands for
// the range (strangerRange).
const outsideIP = "198.19.255.254"

// strangerRange is added to verify's outside peers: a client in no source
// range of any golden case (198.18.0.0/15 is the benchmarking range, in no
// documentation range), so that every NodePort and LoadBalancer tier with
// source ranges is called from outside them too.
var strangerRange = netip.MustParsePrefix("198.18.0.0/15")

// wireOutside creates the "outside" namespace: one client address per
// outside peer of verify (a client in each source range, and one in no
// range), joined to each node by a veth pair, each node routing the client
// addresses to it. The clients reach the nodes' addresses only, as clients
// of a NodePort or LoadBalancer Service do.
func (l *live) wireOutside() ([]*pod, error) {
	w := l.w
	name := fmt.Sprintf("%s%d-outside", prefix, worldSeq.Load())
	if err := w.addNetns(name); err != nil {
		return nil, err
	}
	lines := []string{
		"link set lo up",
		"address add " + outsideIP + "/32 dev lo",
	}
	var clients []*pod
	for _, p := range l.e.Peers {
		if p.Kind != verify.PeerOutside || !p.Address.Is4() {
			continue
		}
		lines = append(lines, "address add "+p.Address.String()+"/32 dev lo")
		clients = append(clients, &pod{namespace: "outside", name: p.ID, ip: p.Address, peer: p, netns: name})
	}
	for i, node := range w.nodes {
		eth := fmt.Sprintf("eth%d", i)
		nodeLines := []string{
			"link add kout type veth peer name " + eth + " netns " + name,
			"link set kout up",
			"route add " + outsideIP + "/32 dev kout src " + nodeIP(i),
		}
		for _, c := range clients {
			nodeLines = append(nodeLines, "route add "+c.ip.String()+"/32 dev kout src "+nodeIP(i))
		}
		if err := ipBatch(node, nodeLines); err != nil {
			return nil, err
		}
		// The node answers ARP for its address, which is on its loopback.
		lines = append(lines, "link set "+eth+" up", "route add "+nodeIP(i)+"/32 dev "+eth+" src "+outsideIP)
		// An isolated data plane is reached on its pod address through
		// its node, as a load balancer that keeps the client's address
		// (externalTrafficPolicy: Local) delivers to it.
		for _, p := range l.pods {
			if p.isolated && p.node == i {
				lines = append(lines, "route add "+p.ip.String()+"/32 via "+nodeIP(i)+" dev "+eth+" onlink")
			}
		}
	}
	if err := ipBatch(name, lines); err != nil {
		return nil, err
	}
	return clients, nil
}

// nodePortAttempts lists, for every outside client, every node port and
// every node that runs pods behind it, one connection to that node's
// address. The Services keep the client's address (externalTrafficPolicy:
// Local), so the policy decides by it, and only the called node's own pods
// answer.
func nodePortAttempts(clients []*pod, svcs []service, nodes int) []*attempt {
	var out []*attempt
	for _, from := range clients {
		for _, s := range svcs {
			for i := range nodes {
				answers := map[string]bool{}
				var to *pod
				for _, b := range s.backends {
					if b.node == i {
						answers[b.key()] = true
						if to == nil {
							to = b
						}
					}
				}
				if s.nodePort == 0 || to == nil || !dialable(s.proto) {
					continue
				}
				node := netip.MustParseAddr(nodeIP(i))
				out = append(out, &attempt{from: from, to: to, proto: s.proto, port: s.podPort,
					dial: netip.AddrPortFrom(node, uint16(s.nodePort)), answers: answers, via: fmt.Sprintf("node port %d of %s on node %d", s.nodePort, s.name, i+1)})
			}
		}
	}
	return out
}

// dataPlaneAttempts lists, for every outside client, one connection to
// each port of each isolated Gateway data-plane pod, over TCP and UDP: the
// policy of the data plane decides by the client's address (its source
// ranges).
func dataPlaneAttempts(clients, pods []*pod) []*attempt {
	var out []*attempt
	for _, from := range clients {
		for _, to := range pods {
			if !to.isolated {
				continue
			}
			for _, cp := range to.ports {
				for _, proto := range []string{"TCP", "UDP"} {
					out = append(out, &attempt{from: from, to: to, proto: proto, port: cp.Port})
				}
			}
		}
	}
	return out
}
