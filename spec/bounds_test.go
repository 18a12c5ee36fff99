package spec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kubenetgen/kubenetgen/spec"
)

// problemsAt validates a one-tier app and returns its problems under field.
func problemsAt(t *testing.T, doc, field string) []string {
	t.Helper()
	a := load(t, doc)
	spec.Default(a)
	var out []string
	for _, p := range spec.Validate(a) {
		if p.Field == field {
			out = append(out, p.Message)
		}
	}
	return out
}

// TestNodePortBounds tries each nodePort at and just beyond the edges of
// the default range and of a custom one: the edges are in, one past them
// is out.
func TestNodePortBounds(t *testing.T) {
	for _, r := range []struct {
		network string
		lo, hi  int
	}{
		{"", 30000, 32767},
		{"network: {nodePortRange: 31000-31999}\n", 31000, 31999},
		{"network: {nodePortRange: 30500-30500}\n", 30500, 30500},
	} {
		for _, c := range []struct {
			port int
			ok   bool
		}{{r.lo - 1, false}, {r.lo, true}, {r.hi, true}, {r.hi + 1, false}} {
			doc := fmt.Sprintf("apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers:\n- {name: a, image: i, expose: NodePort, ports: [{name: http, port: 8080, nodePort: %d}]}\n%s", c.port, r.network)
			got := problemsAt(t, doc, "tiers[0].ports[0].nodePort")
			if c.ok && len(got) > 0 || !c.ok && (len(got) != 1 || !strings.Contains(got[0], "is outside the NodePort range")) {
				t.Errorf("nodePort %d in range %d-%d: problems %q, want ok=%v", c.port, r.lo, r.hi, got, c.ok)
			}
		}
	}
}

// TestRangeEqualToPodNetwork: a source range or egress CIDR exactly equal
// to the pod network is refused like one inside it (nothing would be
// left to except, and every pod of the cluster would be admitted); one
// that strictly contains it is fine (the pods are excepted).
func TestRangeEqualToPodNetwork(t *testing.T) {
	for _, c := range []struct {
		podCIDR, cidr string
		ok            bool
	}{
		{"", "10.244.0.0/16", false},
		{"", "10.244.7.0/24", false},
		{"", "10.244.0.0/15", true},
		{"", "10.245.0.0/16", true},
		{"10.42.0.0/16,fd00:10:42::/56", "10.42.0.0/16", false},
		{"10.42.0.0/16,fd00:10:42::/56", "fd00:10:42::/56", false},
		{"10.42.0.0/16,fd00:10:42::/56", "fd00:10:42::/55", true},
	} {
		network := ""
		if c.podCIDR != "" {
			network = "network: {podCIDR: \"" + c.podCIDR + "\"}\n"
		}
		for _, f := range []struct{ field, tier string }{
			{"tiers[0].expose.sourceRanges[0]", "expose: {type: NodePort, sourceRanges: [\"" + c.cidr + "\"]}, ports: [{name: http, port: 8080}]"},
			{"tiers[0].egress.cidrs[0]", "egress: {cidrs: [\"" + c.cidr + "\"]}"},
		} {
			doc := "apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers:\n- {name: a, image: i, " + f.tier + "}\n" + network
			got := problemsAt(t, doc, f.field)
			if c.ok && len(got) > 0 || !c.ok && (len(got) != 1 || !strings.Contains(got[0], "lies within the pod network")) {
				t.Errorf("%s %s with pod network %q: problems %q, want ok=%v", f.field, c.cidr, c.podCIDR, got, c.ok)
			}
		}
	}
}
