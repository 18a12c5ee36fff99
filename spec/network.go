package spec

import (
	"net/netip"
	"strings"
)

// PodCIDRs returns the cluster's pod networks: network.podCIDR holds one,
// or one per address family separated by a comma as in
// kube-controller-manager's --cluster-cidr (dual-stack clusters).
func (n *Network) PodCIDRs() []string {
	var out []string
	for _, s := range strings.Split(n.PodCIDR, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// podCIDROf returns the pod network of the address family of p, if the
// spec gives one.
func (n *Network) podCIDROf(p netip.Prefix) (netip.Prefix, bool) {
	for _, s := range n.PodCIDRs() {
		if pods, err := netip.ParsePrefix(s); err == nil && pods.Addr().Is4() == p.Addr().Is4() {
			return pods, true
		}
	}
	return netip.Prefix{}, false
}

// Block is an address range less the ranges excepted from it, as in a
// NetworkPolicy ipBlock.
type Block struct {
	CIDR   string
	Except []string
}

// AnySources are the ranges that stand for "any source outside the
// cluster": every address of each family the pod networks are in, except
// the pod network.
func (n *Network) AnySources() []Block {
	var out []Block
	for _, s := range n.PodCIDRs() {
		all := "0.0.0.0/0"
		if p, err := netip.ParsePrefix(s); err == nil && !p.Addr().Is4() {
			all = "::/0"
		}
		out = append(out, Block{CIDR: all, Except: []string{s}})
	}
	return out
}

// AnySourceText says in words what AnySources admits, e.g.
// "0.0.0.0/0 except 10.244.0.0/16".
func (n *Network) AnySourceText() string {
	var parts []string
	for _, b := range n.AnySources() {
		parts = append(parts, b.CIDR+" except "+strings.Join(b.Except, ", "))
	}
	return strings.Join(parts, " and ")
}
