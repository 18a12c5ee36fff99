//go:build e2e

package packets

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubenetgen/kubenetgen/e2e/cluster"
	"github.com/kubenetgen/kubenetgen/verify"
)

// Real DNS: CoreDNS runs as the process of the cluster DNS stand-in pod,
// behind a kube-dns Service, and answers from the apiserver (its kubernetes
// plugin; there is no upstream). The pods resolve the Service names their
// Deployments are handed over UDP and over TCP through that Service, so
// through kube-proxy and the policies, and then dial what DNS answered.

const (
	// whoami is the name the DNS stand-in answers with its own pod's name
	// (a TXT record), so that a DNS exchange with it counts, like any other
	// attempt, only when the pod meant answers.
	whoami = "whoami.kubenetgen.test."
	// dnsReady is CoreDNS's readiness endpoint (its ready plugin, which
	// answers 200 once the kubernetes plugin has synced), on the DNS pod's
	// own loopback.
	dnsReady = "127.0.0.1:8181"
	// kubeDNS names the Service in front of the DNS stand-in, as in
	// clusters.
	kubeDNS = "kube-dns"
)

// canDNS says why real DNS cannot run here, or "". It needs kube-proxy too,
// for the kube-dns Service's address.
func canDNS() string {
	if why := canProxy(); why != "" {
		return why
	}
	if _, err := os.Stat(filepath.Join(binDir, "coredns")); err != nil {
		return "coredns is not built in " + binDir + " (make tools builds it)"
	}
	return ""
}

// dnsPort is the port the DNS stand-in serves: the DNS peer's UDP port.
func dnsPort(p *verify.Peer) int32 {
	for _, cp := range p.Ports {
		if cp.Protocol == "UDP" {
			return cp.Port
		}
	}
	return 53
}

// dnsPeer returns the cluster DNS peer when it is a pod with labels, which
// a Service can select; nil when DNS is only addresses (NodeLocal DNSCache).
func dnsPeer(peers []*verify.Peer) *verify.Peer {
	for _, p := range peers {
		if p.Kind == verify.PeerDNS && p.IsPod() && len(p.Labels) > 0 {
			return p
		}
	}
	return nil
}

// kubeDNSService is the kube-dns Service selecting the DNS stand-in, on
// port 53 over UDP and TCP, as clusters have it.
func kubeDNSService(p *verify.Peer) map[string]any {
	port := dnsPort(p)
	return map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": kubeDNS, "namespace": p.Namespace},
		"spec": map[string]any{
			"selector": p.Labels,
			"ports": []any{
				map[string]any{"name": "dns", "port": 53, "targetPort": port, "protocol": "UDP"},
				map[string]any{"name": "dns-tcp", "port": 53, "targetPort": port, "protocol": "TCP"},
			},
		},
	}
}

// corefile is the DNS stand-in's configuration: the cluster's names from
// the apiserver, and whoami answered with the pod's name.
func corefile(p *pod, kubeconfig string) string {
	return fmt.Sprintf(`.:%d {
    ready %s
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig %s
    }
    template IN TXT %s {
        answer "{{ .Name }} 0 IN TXT %s"
    }
}
`, dnsPort(p.peer), dnsReady, kubeconfig, whoami, p.key())
}

// startDNS runs CoreDNS in the DNS stand-in pod's network namespace. The
// apiserver is relayed onto the pod's loopback, as onto the other nodes':
// the pod reaches it without any route, and no policy is involved.
func (w *world) startDNS(ctx context.Context, p *pod) error {
	if err := w.forwardAPIServer(p.netns); err != nil {
		return err
	}
	conf := filepath.Join(w.c.Dir, "Corefile")
	if err := os.WriteFile(conf, []byte(corefile(p, w.c.Kubeconfig)), 0o600); err != nil {
		return err
	}
	bin := filepath.Join(binDir, "coredns")
	err := w.c.StartProcess(ctx, "coredns", "ip", []string{"netns", "exec", p.netns, bin, "-conf", conf},
		func(ctx context.Context) (bool, error) { return httpGetIn(ctx, p.netns, "http://"+dnsReady+"/ready") })
	if err != nil {
		return fmt.Errorf("starting CoreDNS in %s: %w", p.key(), err)
	}
	return nil
}

// liveDNS reads the kube-dns Service's address.
func (l *live) liveDNS(ctx context.Context, p *verify.Peer) (netip.Addr, error) {
	var svc corev1.Service
	if _, err := l.w.c.Get(ctx, "/api/v1/namespaces/"+p.Namespace+"/services/"+kubeDNS, &svc); err != nil {
		return netip.Addr{}, err
	}
	return netip.ParseAddr(svc.Spec.ClusterIP)
}

// calledNames lists the cluster DNS names a workload's containers are
// handed in their environment (kubenetgen's <CALLEE>_HOST variables).
func calledNames(p *verify.Peer) []string {
	var out []string
	if p.Template == nil {
		return nil
	}
	for _, c := range p.Template.Spec.Containers {
		for _, e := range c.Env {
			if strings.HasSuffix(e.Value, ".svc.cluster.local") && !slices.Contains(out, e.Value) {
				out = append(out, e.Value)
			}
		}
	}
	return out
}

// lookupAttempts lists, for every pod of a workload and every Service name
// it is handed, one lookup over UDP and one over TCP through the kube-dns
// Service. Each counts as a flow to the DNS stand-in on its port (which
// the policy sees after the Service's DNAT), and must answer the Service's
// address. The pod's attempts to that Service then dial what DNS answered.
func lookupAttempts(pods []*pod, svcs []service, dns *pod, dnsAddr netip.Addr, calls []*attempt) []*attempt {
	if dns == nil {
		return nil
	}
	var out []*attempt
	for _, from := range pods {
		if from.peer.Kind != verify.PeerWorkload {
			continue
		}
		for _, name := range calledNames(from.peer) {
			var want netip.Addr
			for _, s := range svcs {
				if s.host == name {
					want = s.addr.Addr()
				}
			}
			if !want.IsValid() {
				continue // a callee with no pods behind it has no live Service here
			}
			var these []*attempt
			for _, proto := range []string{"UDP", "TCP"} {
				these = append(these, &attempt{
					from: from, to: dns, proto: proto, port: dnsPort(dns.peer),
					dial: netip.AddrPortFrom(dnsAddr, 53), answers: map[string]bool{dns.key(): true},
					via: "resolve " + name + " at " + dns.namespace + "/" + kubeDNS, lookup: name, want: want,
				})
			}
			out = append(out, these...)
			for _, c := range calls {
				if c.from == from && c.service == name {
					c.resolvers = these
				}
			}
		}
	}
	return out
}

// dnsResolver is a Go resolver that sends every query of the attempt over
// its protocol to its address, from inside the source pod's namespace.
// Whatever server the host's resolv.conf names is ignored: the Dial below
// decides. A TCP connection makes the resolver speak DNS over TCP.
func (a *attempt) dnsResolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, StrictErrors: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var c net.Conn
		err := cluster.InNetns(a.from.netns, func() (err error) {
			c, err = a.connect(ctx, a.targetAddr())
			return err
		})
		return c, err
	}}
}

// runDNS makes an attempt whose far end is CoreDNS: a lookup of a Service
// name, or, on a direct attempt to the DNS pod, the whoami exchange.
func (a *attempt) runDNS() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*attemptTimeout)
	defer cancel()
	r := a.dnsResolver()
	var err error
	if a.lookup != "" {
		var ips []netip.Addr
		ips, err = r.LookupNetIP(ctx, "ip4", a.lookup+".")
		switch {
		case err != nil: // classified below
		case len(ips) == 1 && ips[0] == a.want:
			a.outcome, a.resolved = connected, ips[0]
			return
		default:
			a.outcome, a.detail = wrongAnswer, fmt.Sprintf("resolved to %v, want %s", ips, a.want)
			return
		}
	} else {
		var txt []string
		txt, err = r.LookupTXT(ctx, whoami)
		if err == nil {
			a.classify(nil, strings.Join(txt, ""))
			return
		}
	}
	// The resolver reports failures as a *net.DNSError, which keeps the
	// socket's error only as text.
	var de *net.DNSError
	switch {
	case errors.As(err, &de) && strings.Contains(de.Err, "refused"):
		a.outcome = refused
	case errors.As(err, &de) && de.IsTimeout:
		a.outcome = timedOut
	default:
		a.classify(err, "")
	}
	if a.outcome != refused && a.outcome != timedOut {
		a.detail = err.Error()
	}
}

// servesDNS reports whether the attempt's far end is CoreDNS.
func (a *attempt) servesDNS() bool {
	return a.lookup != "" || (a.to.dns && !a.dial.IsValid() && a.port == dnsPort(a.to.peer))
}

// dnsService is the kube-dns Service as waitProxy waits for it.
func dnsService(addr netip.Addr, dns *pod) service {
	return service{name: kubeDNS, addr: netip.AddrPortFrom(addr, 53), proto: "UDP", podPort: dnsPort(dns.peer), backends: []*pod{dns}}
}

// lookups counts the DNS lookups of a measurement.
func lookups(m *measurement) int {
	n := 0
	for _, a := range m.attempts {
		if a.lookup != "" {
			n++
		}
	}
	return n
}
