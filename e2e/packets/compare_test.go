//go:build e2e

package packets

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/verify"
)

// TestCompare checks the comparison of attempts with the declared flows on
// made-up outcomes, so that it needs no world: an exact matrix is 0 wrong,
// and an extra flow, a missing one, replicas that disagree and a wrong pod
// answering each count.
func TestCompare(t *testing.T) {
	web := &verify.Peer{ID: "shop/web", Kind: verify.PeerWorkload, Ports: []verify.ContainerPort{{Name: "http", Port: 8080, Protocol: "TCP"}}}
	api := &verify.Peer{ID: "shop/api", Kind: verify.PeerWorkload, Ports: []verify.ContainerPort{{Name: "http", Port: 9090, Protocol: "TCP"}}}
	peers := []*verify.Peer{api, web}
	web1 := &pod{namespace: "shop", name: "web-1", peer: web, ports: web.Ports}
	web2 := &pod{namespace: "shop", name: "web-2", peer: web, ports: web.Ports}
	api1 := &pod{namespace: "shop", name: "api-1", peer: api, ports: api.Ports}
	want := []verify.Flow{{From: "shop/web", To: "shop/api", Ports: []verify.PortRange{{Protocol: "TCP", Port: 9090}}}}

	// outcomes sets every attempt to refused except those named
	// "from>to/proto" in ok (connected) or odd (the given outcome).
	outcomes := func(ok []string, odd map[string]string) *measurement {
		m := &measurement{attempts: attempts([]*pod{api1, web1, web2})}
		for _, a := range m.attempts {
			k := a.from.name + ">" + a.to.name + "/" + a.proto
			a.outcome = refused
			for _, o := range ok {
				if o == k {
					a.outcome = connected
				}
			}
			if o, found := odd[k]; found {
				a.outcome = o
			}
		}
		return m
	}
	exact := []string{"web-1>api-1/TCP", "web-2>api-1/TCP"}
	tests := []struct {
		name      string
		m         *measurement
		wrong     int
		wantTable []string
	}{
		{"exact", outcomes(exact, nil), 0, []string{"shop/web → shop/api http 9090/TCP", "exactly the declared flows"}},
		{"extra UDP", outcomes(append(exact, "web-1>api-1/UDP", "web-2>api-1/UDP"), nil), 1, []string{"Extra", "shop/web → shop/api: 9090/UDP"}},
		{"missing", outcomes(nil, nil), 1, []string{"Missing", "shop/web → shop/api: http 9090/TCP"}},
		{"replicas disagree", outcomes(exact[:1], nil), 2, []string{"inconsistent: shop/web → shop/api 9090/TCP: some attempts connected"}},
		{"wrong pod answers", outcomes(exact[:1], map[string]string{"web-2>api-1/TCP": wrongAnswer}), 3, []string{"inconsistent: shop/web-2 → shop/api-1 9090/TCP"}},
		{"timeout is a denial", outcomes(exact, map[string]string{"api-1>web-1/TCP": timedOut}), 0, []string{"exactly the declared flows"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := compare(tt.m, peers, want)
			table := v.table()
			if v.wrong != tt.wrong {
				t.Errorf("compare() wrong = %d, want %d; table:\n%s", v.wrong, tt.wrong, table)
			}
			for _, s := range tt.wantTable {
				if !strings.Contains(table, s) {
					t.Errorf("table lacks %q:\n%s", s, table)
				}
			}
		})
	}
}

// TestAttemptsReachSolver checks that cert-manager's HTTP-01 solver is
// measured like a workload: the ingress controller, which is no workload,
// calls it, and it calls the other stand-ins.
func TestAttemptsReachSolver(t *testing.T) {
	ctrl := &verify.Peer{ID: "[ingress-controller]", Kind: verify.PeerIngressController}
	dns := &verify.Peer{ID: "[dns]", Kind: verify.PeerDNS, Ports: []verify.ContainerPort{{Name: "dns", Port: 53, Protocol: "UDP"}}}
	solver := &verify.Peer{ID: "[acme-solver in shop]", Kind: verify.PeerACMESolver, Ports: []verify.ContainerPort{{Name: "http", Port: 8089, Protocol: "TCP"}}}
	pods := []*pod{
		{namespace: "ingress", name: "ctrl", peer: ctrl},
		{namespace: "kube-system", name: "dns", peer: dns, ports: dns.Ports},
		{namespace: "shop", name: "solver", peer: solver, ports: solver.Ports},
	}
	var got []string
	for _, a := range attempts(pods) {
		got = append(got, a.String())
	}
	want := []string{
		"ingress/ctrl → shop/solver 8089/TCP", "ingress/ctrl → shop/solver 8089/UDP",
		"kube-system/dns → shop/solver 8089/TCP", "kube-system/dns → shop/solver 8089/UDP",
		"shop/solver → kube-system/dns 53/TCP", "shop/solver → kube-system/dns 53/UDP",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("attempts() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTwoNodes checks, without a world, how the pod network is shared
// between the nodes and that replicas all on one node are reported.
func TestTwoNodes(t *testing.T) {
	for _, tt := range []struct{ net, want string }{
		{"10.244.0.0/16", "10.244.0.0/24 10.244.1.0/24"},
		{"10.42.0.0/23", "10.42.0.0/24 10.42.1.0/24"},
		{"10.42.7.0/24", "10.42.7.0/24"},
	} {
		got := strings.Join(nodePodCIDRs(verify.Options{PodCIDR: netip.MustParsePrefix(tt.net)}), " ")
		if got != tt.want {
			t.Errorf("nodePodCIDRs(%s) = %s, want %s", tt.net, got, tt.want)
		}
	}
	web := &verify.Peer{ID: "shop/web", Kind: verify.PeerWorkload}
	dns := &verify.Peer{ID: "[dns]", Kind: verify.PeerDNS}
	pods := []*pod{{name: "web-1", peer: web}, {name: "web-2", peer: web}, {name: "dns", peer: dns, node: 1}}
	if got := unspread(pods, 2); !strings.Contains(got, "shop/web has 2 pods, all on one node") {
		t.Errorf("unspread(both replicas on node 1) = %q, want shop/web named", got)
	}
	if got := unspread(pods, 1); got != "" {
		t.Errorf("unspread(one node) = %q, want \"\"", got)
	}
	pods[1].node = 1
	if got := unspread(pods, 2); got != "" {
		t.Errorf("unspread(replicas on both nodes) = %q, want \"\"", got)
	}
}

// TestAttemptsReachIsolatedDataPlane checks that an own Gateway's data
// plane in the app's namespace is measured like a workload (it calls DNS
// and its control plane) and is called from outside on its listener
// ports, while a shared data plane is only measured into the workloads.
func TestAttemptsReachIsolatedDataPlane(t *testing.T) {
	listeners := []verify.ContainerPort{{Name: "http", Port: 80, Protocol: "TCP"}}
	dp := &verify.Peer{ID: "[gateway-data-plane]", Kind: verify.PeerGatewayDataPlane, Ports: listeners}
	cp := &verify.Peer{ID: "[gateway-control-plane]", Kind: verify.PeerGatewayControlPlane, Ports: []verify.ContainerPort{{Name: "xds", Port: 15012, Protocol: "TCP"}}}
	out := &verify.Peer{ID: "[outside]", Kind: verify.PeerOutside}
	pods := []*pod{
		{namespace: "shop", name: "gw", peer: dp, ports: dp.Ports, isolated: true},
		{namespace: "istio-system", name: "istiod", peer: cp, ports: cp.Ports},
	}
	clients := []*pod{{namespace: "outside", name: "[outside]", peer: out}}
	var got []string
	for _, a := range append(attempts(pods), dataPlaneAttempts(clients, pods)...) {
		got = append(got, a.String())
	}
	want := []string{
		"shop/gw → istio-system/istiod 15012/TCP", "shop/gw → istio-system/istiod 15012/UDP",
		"istio-system/istiod → shop/gw 80/TCP", "istio-system/istiod → shop/gw 80/UDP",
		"outside/[outside] → shop/gw 80/TCP", "outside/[outside] → shop/gw 80/UDP",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("attempts =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	pods[0].isolated = false
	if as := append(attempts(pods), dataPlaneAttempts(clients, pods)...); len(as) != 0 {
		t.Errorf("a shared data plane and a control plane: %d attempts, want none (neither is listed)", len(as))
	}
}
