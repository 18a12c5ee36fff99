// Package randapp draws random kubenetgen specs for property tests of
// what kustomize makes of a base: the stream of generate -o - and
// verify's fast build are both held byte-equal to kustomize's on them.
package randapp

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/kubenetgen/kubenetgen/spec"
)

// App is the random app of seed, for properties of kustomize builds:
// the shapes of
// verify's random apps (ports, exposures, edges, Ingress, network options)
// and, where kustomize's reading and printing of a file could differ from
// kubenetgen's, strings that YAML may read as something else (numbers in
// every base, booleans, null, timestamps, long and multi-line text),
// self-signed TLS and every namespace form.
func App(seed uint64) *spec.App {
	r := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	tricky := []string{"0o17", "017", "0x1F", "0b101", "1e3", "1_000", ".inf", "-.Inf", ".nan", "true", "yes", "on", "off", "y", "n", "null", "~", "",
		"2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30:45", "+1", "-0", "3.", "a: b", "#x", "- x", "'q'", "\"dq\"", "x\ny", " lead", "trail ",
		"ünïcödé", strings.Repeat("long value ", 20), "=", "*", "&a", "!tag", "%p", "@at", "`bt`", "{}", "[]", "0", "1.50"}
	a := &spec.App{Name: "app" + fmt.Sprint(seed%1000), Namespace: pick("", "shop", "prod", "a-very-long-namespace-name-x")}
	n := 1 + r.IntN(6)
	portNames := []string{"http", "grpc", "metrics", "admin", "gossip", "sig"}
	for i := range n {
		t := spec.Tier{Name: fmt.Sprintf("t%d", i), Image: pick("ghcr.io/acme/t:1", "nginx", "registry.local:5000/x/y@sha256:"+strings.Repeat("ab", 32), "busybox:1.36")}
		np := r.IntN(4)
		if i == 0 && np == 0 {
			np = 1
		}
		names := slices.Clone(portNames)
		r.Shuffle(len(names), func(x, y int) { names[x], names[y] = names[y], names[x] })
		for j := range np {
			p := spec.Port{Name: names[j], Port: int32(1024 + r.IntN(60000))}
			if j > 0 && r.IntN(4) == 0 {
				p.Protocol = pick("UDP", "SCTP")
			}
			if r.IntN(3) == 0 {
				p.ServicePort = int32(1 + r.IntN(1000))
			}
			t.Ports = append(t.Ports, p)
		}
		if np > 0 {
			t.Expose.Type = pick(spec.ExposeNone, spec.ExposeClusterIP, spec.ExposeNodePort, spec.ExposeLoadBalancer)
			if t.Expose.External() && r.IntN(2) == 0 {
				t.Expose.SourceRanges = []string{pick("198.51.100.0/24", "0.0.0.0/0")}
			}
			if r.IntN(3) == 0 {
				t.Probe = &spec.Probe{HTTPPath: pick("/", "/healthz", "/a b", "/0o17", "/true")}
			}
		} else {
			t.Probe = &spec.Probe{Exec: []string{"sh", "-c", pick(tricky...)}}
		}
		replicas := int32(r.IntN(4))
		t.Replicas = &replicas
		for k := range r.IntN(4) {
			t.Env = append(t.Env, spec.EnvVar{Name: fmt.Sprintf("V%d", k), Value: pick(tricky...)})
		}
		if r.IntN(3) == 0 {
			t.Resources = spec.Resources{CPURequest: spec.Quantity(pick("1", "0.5", "250m")), MemoryLimit: spec.Quantity(pick("1Gi", "512Mi", "1e9"))}
		}
		if r.IntN(4) == 0 {
			t.WritablePaths = []string{pick("/var/cache", "/data", "/run/x")}
		}
		if r.IntN(6) == 0 {
			t.Egress.APIServer = true
		}
		a.Tiers = append(a.Tiers, t)
	}
	for i := range a.Tiers {
		t := &a.Tiers[i]
		for j := range a.Tiers {
			if len(t.Ports) > 0 && r.IntN(3) == 0 {
				t.AllowFrom = append(t.AllowFrom, a.Tiers[j].Name)
			}
		}
	}
	if r.IntN(3) > 0 {
		in := &spec.Ingress{Class: pick("nginx", "traefik", "istio"), TLSSelfSigned: r.IntN(2) == 0}
		for i, t := range a.Tiers {
			if !t.Expose.HasService() {
				continue
			}
			for _, p := range t.Ports {
				if p.Protocol == "" && r.IntN(2) == 0 {
					rule := spec.Rule{Host: pick(fmt.Sprintf("t%d.example.com", i), "*.preview.example.com", "example.com"), Path: "/" + p.Name, Tier: t.Name, Port: p.Name}
					if r.IntN(2) == 0 {
						rule.TLS = pick("a-tls", "b-tls")
					}
					in.Rules = append(in.Rules, rule)
				}
			}
		}
		if len(in.Rules) > 0 {
			a.Ingress = in
		}
	}
	if r.IntN(3) == 0 {
		a.Network.PodCIDR = "10.42.0.0/16"
	}
	if r.IntN(2) == 0 {
		a.Network.APIServer = &spec.APIServer{CIDRs: []string{"172.18.0.2/32"}}
	}
	return a
}

// Valid returns the first n random apps, from seed 1 on, that validate
// after defaults, and calls fail when too few do.
func Valid(n int, fail func(format string, args ...any)) []*spec.App {
	var out []*spec.App
	for seed := uint64(1); len(out) < n; seed++ {
		if seed > uint64(20*n) {
			fail("only %d of %d random apps validate: fix randapp.App", len(out), n)
			return out
		}
		a := App(seed)
		spec.Default(a)
		if len(spec.Validate(a)) == 0 {
			out = append(out, a)
		}
	}
	return out
}
