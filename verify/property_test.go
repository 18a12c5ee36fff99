package verify_test

import (
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

// randomApp draws an app from seed: 1-6 tiers with 0-3 ports (TCP mostly,
// some UDP and SCTP, Service ports that differ from pod ports), every
// exposure, source ranges, fixed nodePorts, narrowed and plain edges,
// self-edges, API-server and CIDR egress, callers and callees in other
// namespaces, an ingress controller preset or custom, and DNS as pods or
// addresses. Apps that do not validate are
// redrawn by the caller.
func randomApp(seed uint64) *spec.App {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	a := &spec.App{Name: "app" + fmt.Sprint(seed%1000), Namespace: pick("", "shop", "prod")}
	n := 1 + r.IntN(6)
	portNames := []string{"http", "grpc", "metrics", "admin", "gossip", "sig"}
	used := map[int32]bool{}
	nodePort := func() int32 {
		for {
			p := int32(30000 + r.IntN(2768))
			if !used[p] {
				used[p] = true
				return p
			}
		}
	}
	for i := range n {
		t := spec.Tier{Name: fmt.Sprintf("t%d", i), Image: "ghcr.io/acme/t:1"}
		np := r.IntN(4)
		if i == 0 && np == 0 {
			np = 1
		}
		names := slices.Clone(portNames)
		r.Shuffle(len(names), func(x, y int) { names[x], names[y] = names[y], names[x] })
		for j := range np {
			p := spec.Port{Name: names[j], Port: int32(1024 + r.IntN(60000))}
			if j > 0 {
				switch r.IntN(6) {
				case 0:
					p.Protocol = "UDP"
				case 1:
					p.Protocol = "SCTP"
				}
			}
			if r.IntN(3) == 0 {
				p.ServicePort = int32(1 + r.IntN(1000))
			}
			t.Ports = append(t.Ports, p)
		}
		if np > 0 {
			t.Expose.Type = pick(spec.ExposeNone, spec.ExposeClusterIP, spec.ExposeClusterIP, spec.ExposeNodePort, spec.ExposeLoadBalancer)
			if t.Expose.External() {
				for _, c := range []string{"198.51.100.0/24", "192.0.2.0/24", "100.64.0.0/10", "0.0.0.0/0"} {
					if r.IntN(4) == 0 {
						t.Expose.SourceRanges = append(t.Expose.SourceRanges, c)
					}
				}
				for j := range t.Ports {
					if r.IntN(3) == 0 {
						t.Ports[j].NodePort = nodePort()
					}
				}
			}
		}
		replicas := int32(r.IntN(4))
		t.Replicas = &replicas
		switch r.IntN(6) {
		case 0:
			t.Egress.APIServer = true
		case 5:
			t.Egress.APIServer = true
			fallthrough
		case 1:
			t.Egress.CIDRs = []string{pick("0.0.0.0/0", "203.0.113.0/24", "10.0.0.0/8", "169.254.0.0/16", "10.244.0.0/16")}
			if r.IntN(2) == 0 {
				t.Egress.Ports = []int32{443, int32(5432 + r.IntN(3))}
			}
		}
		a.Tiers = append(a.Tiers, t)
	}
	for i := range a.Tiers {
		t := &a.Tiers[i]
		if len(t.Ports) == 0 {
			continue
		}
		for j := range a.Tiers {
			if r.IntN(3) != 0 {
				continue
			}
			ref := a.Tiers[j].Name
			if r.IntN(3) == 0 {
				ref += ":" + t.Ports[r.IntN(len(t.Ports))].Name
			}
			t.AllowFrom = append(t.AllowFrom, ref)
		}
	}
	// Callers and callees in other namespaces: a scraper preset (one per
	// app, both are named prometheus) or pods given by labels, some of
	// them the custom ingress controller's or cluster DNS's, so that a
	// peer selected twice shows.
	scraper := pick(spec.ScraperPresetNames...)
	for i := range a.Tiers {
		t := &a.Tiers[i]
		if len(t.Ports) > 0 && r.IntN(3) == 0 {
			c := spec.Caller{Ports: []string{t.Ports[r.IntN(len(t.Ports))].Name}}
			switch r.IntN(4) {
			case 0, 1:
				c.Preset, c.Namespace = scraper, pick("", "observability")
			case 2:
				c.Namespace, c.PodLabels = "billing", map[string]string{"app": "invoicer"}
			case 3:
				c.Namespace, c.PodLabels = "edge", map[string]string{"app": "edge-proxy", "role": "ingress"}
			}
			t.AllowFromNamespaces = append(t.AllowFromNamespaces, c)
		}
		if r.IntN(4) == 0 {
			c := spec.Callee{Namespace: "shared-db", PodLabels: map[string]string{"app": "postgres"}, Ports: []spec.PeerPort{{Port: 5432}}}
			switch r.IntN(3) {
			case 1:
				c = spec.Callee{Namespace: "billing", PodLabels: map[string]string{"app": "invoicer"}, Ports: []spec.PeerPort{{Port: 8080}, {Port: 8125, Protocol: "UDP"}}}
			case 2:
				c = spec.Callee{Namespace: "kube-system", PodLabels: map[string]string{"k8s-app": "kube-dns"}, Ports: []spec.PeerPort{{Port: 9153}}}
			}
			t.Egress.Namespaces = append(t.Egress.Namespaces, c)
		}
	}
	if r.IntN(2) == 0 {
		in := &spec.Ingress{Class: pick("nginx", "traefik", "istio", "custom")}
		if in.Class == "custom" {
			in.Controller = &spec.Controller{Namespace: "edge", PodLabels: map[string]string{"app": "edge-proxy", "role": "ingress"}}
		}
		for i, t := range a.Tiers {
			if !t.Expose.HasService() || r.IntN(2) == 0 {
				continue
			}
			for _, p := range t.Ports {
				if p.Protocol == "" && r.IntN(2) == 0 {
					host := fmt.Sprintf("t%d.example.com", i)
					rule := spec.Rule{Host: host, Path: "/" + p.Name, Tier: t.Name, Port: p.Name}
					if r.IntN(3) == 0 {
						rule.Port = fmt.Sprint(max(p.ServicePort, p.Port))
						if p.ServicePort == 0 {
							rule.Port = fmt.Sprint(p.Port)
						}
					}
					if r.IntN(2) == 0 {
						rule.TLS = fmt.Sprintf("t%d-tls", i)
					}
					in.Rules = append(in.Rules, rule)
				}
			}
		}
		if slices.ContainsFunc(in.Rules, func(x spec.Rule) bool { return x.TLS != "" }) && r.IntN(2) == 0 {
			// cert-manager, with or without solver pods here.
			in.TLSIssuer, in.ACMESolver = "letsencrypt", pick("", spec.ACMESolverHTTP01, spec.ACMESolverDNS01, spec.ACMESolverNone)
		}
		if len(in.Rules) > 0 {
			a.Ingress = in
		}
	} else if r.IntN(2) == 0 {
		a.Gateway = randomGateway(r, a)
	}
	switch r.IntN(4) {
	case 0:
		a.Network.DNS = &spec.DNS{Namespace: "openshift-dns", PodLabels: map[string]string{"dns.operator.openshift.io/daemonset-dns": "default"}, Port: 5353}
	case 1:
		a.Network.DNS = &spec.DNS{CIDRs: []string{"169.254.20.10/32"}}
	}
	if r.IntN(3) == 0 {
		a.Network.PodCIDR = "10.42.0.0/16"
	}
	if r.IntN(4) == 0 {
		f := false
		a.Network.BlockMetadata = &f
	}
	if r.IntN(2) == 0 {
		a.Network.APIServer = &spec.APIServer{CIDRs: []string{pick("172.18.0.2/32", "10.0.0.0/24", "192.168.1.10/32")}}
	}
	return a
}

// randomGateway draws Gateway API exposure for a: a preset or custom
// class, an own or a shared Gateway, routes to random TCP ports (gRPC ones
// become GRPCRoutes), TLS per host on an own Gateway, source ranges for a
// data plane in the app's namespace. nil when no port can be routed.
func randomGateway(r *rand.Rand, a *spec.App) *spec.Gateway {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	g := &spec.Gateway{Class: pick("envoy-gateway", "istio", "nginx", "kgateway", "traefik", "custom")}
	if g.Class == "custom" {
		g.DataPlane = &spec.Controller{Namespace: "edge", PodLabels: map[string]string{"app": "edge-proxy"}}
	}
	if r.IntN(2) == 0 {
		g.Attach = &spec.GatewayRef{Name: "shared", Namespace: pick("infra", "gateways")}
		if g.Class == "custom" {
			g.DataPlane.Namespace = g.Attach.Namespace
		}
	} else {
		switch r.IntN(3) {
		case 0:
			g.TLSIssuer = "letsencrypt"
		case 1:
			g.SourceRanges = []string{pick("198.51.100.0/24", "0.0.0.0/0")}
		}
	}
	for i, t := range a.Tiers {
		if !t.Expose.HasService() || r.IntN(2) == 0 {
			continue
		}
		host := fmt.Sprintf("t%d.example.com", i)
		tls := ""
		if g.Own() && (g.TLSIssuer != "" || r.IntN(2) == 0) {
			tls = fmt.Sprintf("t%d-tls", i)
		}
		for _, p := range t.Ports {
			if p.Protocol == "" && r.IntN(2) == 0 {
				g.Routes = append(g.Routes, spec.Rule{Host: host, Path: "/" + p.Name, Tier: t.Name, Port: p.Name, TLS: tls})
			}
		}
	}
	if len(g.Routes) == 0 {
		return nil
	}
	if !slices.ContainsFunc(g.Routes, func(r spec.Rule) bool { return r.TLS != "" }) {
		g.TLSIssuer = ""
	}
	return g
}

// validApps draws n valid, defaulted apps, seeds 1, 2, 3…
func validApps(tb testing.TB, n int) []*spec.App {
	var out []*spec.App
	for seed := uint64(1); len(out) < n; seed++ {
		if seed > uint64(20*n) {
			tb.Fatalf("only %d of %d random apps validate: fix randomApp", len(out), n)
		}
		a := randomApp(seed)
		spec.Default(a)
		if len(spec.Validate(a)) > 0 {
			continue
		}
		out = append(out, a)
	}
	return out
}

// TestGeneratedFlowsAreDeclared is the property: for random valid apps, the
// connections the generated policies allow are exactly the declared flows,
// and the generated objects raise no finding.
func TestGeneratedFlowsAreDeclared(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 100
	}
	outside := 0
	for i, a := range validApps(t, n) {
		if slices.ContainsFunc(a.Tiers, func(t spec.Tier) bool { return len(t.AllowFromNamespaces)+len(t.Egress.Namespaces) > 0 }) {
			outside++
		}
		b := verify.FromObjects("build", generate.Build(a))
		e := verify.NewEvaluator(b.Objects, verify.OptionsFromSpec(a))
		if diff := verify.MatrixDiff(e) + verify.ExpectedDiff(a, e); diff != "" {
			t.Fatalf("app %d: Matrix or Expected differs from every pair tried (-every pair +indexed):\n%s", i, diff)
		}
		r := verify.Verify("build", b, verify.Options{}, a)
		if !r.Failed() && len(r.Findings) == 0 {
			continue
		}
		data, _ := spec.Marshal(a)
		var sb strings.Builder
		verify.WriteText(&sb, r)
		t.Fatalf("app %d: %s\nspec:\n%s\nreport:\n%s", i, r.Summary(), data, sb.String())
	}
	if outside < n/4 {
		t.Errorf("only %d of %d apps have callers or callees in other namespaces", outside, n)
	}
}

// TestRenderedBaseThroughKustomize takes every 25th random app the long
// way: rendered as a base, built by kustomize from an in-memory
// filesystem, decoded from YAML. The report must equal that of the typed
// objects, so the property holds for what users apply.
func TestRenderedBaseThroughKustomize(t *testing.T) {
	apps := validApps(t, 600)
	if testing.Short() {
		apps = apps[:100]
	}
	for i := 0; i < len(apps); i += 25 {
		a := apps[i]
		files, err := generate.Render(a, "base")
		if err != nil {
			t.Fatalf("generate.Render(app %d): %v", i, err)
		}
		fs := filesys.MakeFsInMemory()
		for _, f := range files {
			if err := fs.WriteFile(path.Join("/base", f.Path), f.Data); err != nil {
				t.Fatal(err)
			}
		}
		built, err := verify.LoadKustomize(fs, "/base", verify.LoadOptions{})
		if err != nil {
			t.Fatalf("app %d: %v", i, err)
		}
		viaKustomize := verify.Verify("base", built, verify.Options{}, a)
		typed := verify.Verify("base", verify.FromObjects("base", generate.Build(a)), verify.Options{}, a)
		if viaKustomize.Failed() || len(viaKustomize.Findings) > 0 {
			t.Fatalf("app %d via kustomize: %s\n%s", i, viaKustomize.Summary(), report(viaKustomize))
		}
		if diff := cmp.Diff(typed.Flows, viaKustomize.Flows); diff != "" {
			t.Errorf("app %d: flows via kustomize differ from the typed objects' (-typed +kustomize):\n%s", i, diff)
		}
	}
}

// TestExplicitAnySourceExceptsPods: design rule 7 says a NodePort or
// LoadBalancer tier open to 0.0.0.0/0 excepts the pod network, whether
// the source ranges are empty or say 0.0.0.0/0.
func TestExplicitAnySourceExceptsPods(t *testing.T) {
	a := &spec.App{Name: "shop", Tiers: []spec.Tier{{
		Name: "web", Image: "web:1", Ports: []spec.Port{{Name: "http", Port: 8080}},
		Expose: spec.Expose{Type: spec.ExposeNodePort, SourceRanges: []string{"0.0.0.0/0"}},
	}}}
	spec.Default(a)
	r := verify.Verify("base", verify.FromObjects("base", generate.Build(a)), verify.Options{}, a)
	if r.Failed() {
		t.Errorf("an explicit 0.0.0.0/0 source range admits pods (design rule 7):\n%s", report(r))
	}
}

// TestPropertyCoversGateways: the random apps include every Gateway
// preset and both ownership models, so the property speaks for them.
func TestPropertyCoversGateways(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range validApps(t, 600) {
		if g := a.Gateway; g != nil {
			seen[fmt.Sprintf("%s own=%v", g.Class, g.Own())] = true
			seen[fmt.Sprintf("in-app=%v", a.DataPlaneInApp())] = true
		}
	}
	for _, c := range append(slices.Clone(spec.GatewayPresetNames), "custom") {
		for _, own := range []bool{true, false} {
			if k := fmt.Sprintf("%s own=%v", c, own); !seen[k] {
				t.Errorf("no random app with gateway %s", k)
			}
		}
	}
	if !seen["in-app=true"] || !seen["in-app=false"] {
		t.Errorf("random gateways cover data plane in the app's namespace: %v", seen)
	}
}
