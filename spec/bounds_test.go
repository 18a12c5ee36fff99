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

// TestPodFields: the user, group, pull policy and ephemeral storage of a
// tier are defaulted, parsed from --tier and validated.
func TestPodFields(t *testing.T) {
	a := load(t, "apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers:\n- {name: a, image: i}\n- {name: b, image: i, runAsGroup: 0}\n")
	spec.Default(a)
	d, g := a.Tiers[0], a.Tiers[1]
	if *d.RunAsUser != 10001 || *d.RunAsGroup != 10001 || *d.FSGroup != 10001 || d.ImagePullPolicy != "Always" ||
		d.Resources.EphemeralStorageRequest != "128Mi" || d.Resources.EphemeralStorageLimit != "1Gi" {
		t.Errorf("defaults: %+v", d)
	}
	if *g.RunAsGroup != 0 || *g.FSGroup != 0 {
		t.Errorf("fsGroup does not follow runAsGroup 0: %d", *g.FSGroup)
	}
	if ps := spec.Validate(a); ps != nil {
		t.Errorf("defaults are invalid: %v", ps)
	}

	pt, err := spec.ParseTier("name=a,image=i,runAsUser=20000,runAsGroup=20001,fsGroup=20002,imagePullPolicy=IfNotPresent,ephemeralStorage=1Gi,ephemeralStorageLimit=2Gi")
	if err != nil {
		t.Fatal(err)
	}
	if *pt.RunAsUser != 20000 || *pt.RunAsGroup != 20001 || *pt.FSGroup != 20002 || pt.ImagePullPolicy != "IfNotPresent" ||
		pt.Resources.EphemeralStorageRequest != "1Gi" || pt.Resources.EphemeralStorageLimit != "2Gi" {
		t.Errorf("ParseTier: %+v", pt)
	}
	for _, bad := range []string{"runAsGroup=staff", "fsGroup=-"} {
		if _, err := spec.ParseTier("name=a,image=i," + bad); err == nil || !strings.Contains(err.Error(), "is not a group ID such as 10001") {
			t.Errorf("ParseTier(%s) = %v", bad, err)
		}
	}

	bad := load(t, "apiVersion: kubenetgen.dev/v1alpha1\nkind: App\nname: x\ntiers:\n- {name: a, image: i, runAsUser: 0, runAsGroup: -1, fsGroup: 2147483648, imagePullPolicy: always, resources: {ephemeralStorageRequest: 2Gi, ephemeralStorageLimit: 1Gi}}\n- {name: b, image: i, resources: {ephemeralStorageLimit: lots}}\n")
	spec.Default(bad)
	var got []string
	for _, p := range spec.Validate(bad) {
		got = append(got, p.String())
	}
	want := []string{
		"tiers[0].resources.ephemeralStorageRequest: 2Gi is above ephemeralStorageLimit 1Gi: a request may not exceed its limit",
		`tiers[0].runAsUser: 0 is root, which Pod Security "restricted" refuses: give a non-root user ID, or leave it out for 10001`,
		"tiers[0].runAsGroup: -1 is not a group ID: use 0-2147483647",
		"tiers[0].fsGroup: 2147483648 is not a group ID: use 0-2147483647",
		`tiers[0].imagePullPolicy: "always" is not supported: use one of Always, IfNotPresent, Never`,
		`tiers[1].resources.ephemeralStorageLimit: "lots" is not a Kubernetes quantity (e.g. 250m for CPU, 256Mi for memory)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
