//go:build e2e

package packets

import (
	"net/netip"
	"testing"

	"github.com/kubenetgen/kubenetgen/verify"
)

// TestPlumbing wires three pods to two node namespaces, one pod on the
// second, without any control plane or policy engine: every attempt must reach the pod meant, and
// closing the world must leave no namespace behind. It isolates the
// wiring from everything else the other tests depend on.
func TestPlumbing(t *testing.T) {
	needWorld(t)
	before := netnsList(t)
	w := &world{t: t, podCIDRs: []string{"10.244.0.0/24", "10.244.1.0/24"}, podNet: "10.244.0.0/16"}
	if err := w.startNodes(); err != nil {
		w.close()
		t.Fatal(err)
	}
	web := &verify.Peer{ID: "shop/web", Kind: verify.PeerWorkload, Ports: []verify.ContainerPort{{Name: "http", Port: 8080, Protocol: "TCP"}}}
	dns := &verify.Peer{ID: "[dns]", Kind: verify.PeerDNS, Ports: []verify.ContainerPort{{Name: "dns", Port: 53, Protocol: "UDP"}}}
	pods := []*pod{
		{namespace: "shop", name: "web-1", ip: netip.MustParseAddr("10.244.0.2"), peer: web, ports: web.Ports},
		{namespace: "shop", name: "web-2", ip: netip.MustParseAddr("10.244.1.3"), peer: web, ports: web.Ports, node: 1},
		{namespace: "kube-system", name: "dns", ip: netip.MustParseAddr("10.244.0.4"), peer: dns, ports: dns.Ports},
	}
	if err := w.wire(pods); err != nil {
		w.close()
		t.Fatal(err)
	}
	m := measure(pods)
	t.Logf("%s", m.counts())
	if bad := m.notConnected(); len(bad) > 0 || len(m.attempts) != 12 {
		t.Errorf("%d attempts, want 12, all connected; not connected: %v", len(m.attempts), bad)
	}
	w.close()
	if after := netnsList(t); after != before {
		t.Errorf("after close the network namespaces are\n%s\nwant as before:\n%s", after, before)
	}
}
