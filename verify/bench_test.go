package verify_test

import (
	"fmt"
	"path"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

// bigApp is an n-tier app: each tier called by the previous one and by one
// further away, every fifth tier NodePort, every tenth routed by the
// Ingress, every seventh with API-server egress.
func bigApp(n int) *spec.App {
	a := &spec.App{Name: "big", Ingress: &spec.Ingress{Class: "traefik"}, Network: spec.Network{APIServer: &spec.APIServer{CIDRs: []string{"172.18.0.2/32"}}}}
	for i := range n {
		t := spec.Tier{Name: fmt.Sprintf("t%03d", i), Image: "ghcr.io/acme/t:1", Ports: []spec.Port{{Name: "http", Port: 8080}, {Name: "metrics", Port: 9100}}}
		if i > 0 {
			t.AllowFrom = append(t.AllowFrom, fmt.Sprintf("t%03d", i-1))
		}
		if j := (i * 7) % n; j != i && j != i-1 {
			t.AllowFrom = append(t.AllowFrom, fmt.Sprintf("t%03d:http", j))
		}
		if i%5 == 0 {
			t.Expose = spec.Expose{Type: spec.ExposeNodePort, SourceRanges: []string{"198.51.100.0/24"}}
		}
		if i%7 == 0 {
			t.Egress.APIServer = true
		}
		if i%10 == 0 {
			a.Ingress.Rules = append(a.Ingress.Rules, spec.Rule{Host: "big.example.com", Path: "/" + t.Name, Tier: t.Name, Port: "http"})
		}
		a.Tiers = append(a.Tiers, t)
	}
	spec.Default(a)
	return a
}

// BenchmarkVerify measures verify of an n-tier app with its spec: the
// evaluator, every check and the comparison with the declared flows, from
// typed objects.
//
//	go test ./verify -run XXX -bench Verify -benchtime 3x
func BenchmarkVerify(b *testing.B) {
	for _, n := range []int{50, 100, 200, 400, 1000, 2000} {
		a := bigApp(n)
		if ps := spec.Validate(a); len(ps) > 0 {
			b.Fatal(ps)
		}
		objs := generate.Build(a)
		b.Run(fmt.Sprintf("tiers=%d", n), func(b *testing.B) {
			for b.Loop() {
				r := verify.Verify("base", verify.FromObjects("base", objs), verify.Options{}, a)
				if r.Failed() {
					b.Fatal(r.Summary())
				}
			}
		})
	}
}

// BenchmarkVerifyKustomize measures what `kubenetgen verify DIR --expect`
// does: kustomize build of the rendered base, decoding, then Verify.
func BenchmarkVerifyKustomize(b *testing.B) {
	for _, n := range []int{50, 100, 200, 400, 1000} {
		a := bigApp(n)
		files, err := generate.Render(a, "base")
		if err != nil {
			b.Fatal(err)
		}
		// engine=fast is the folder as generate wrote it; engine=kustomize
		// the same folder with one comment added to one tier file, which
		// sends the build to kustomize's engine (quadratic: 400 tiers at
		// most here).
		for _, engine := range []string{"fast", "kustomize"} {
			if engine == "kustomize" && n > 400 {
				continue
			}
			fs := filesys.MakeFsInMemory()
			for _, f := range files {
				data := f.Data
				if engine == "kustomize" && f.Path == generate.TierFile(a.Tiers[0].Name) {
					data = append(append([]byte{}, data...), "# edited\n"...)
				}
				if err := fs.WriteFile(path.Join("/base", f.Path), data); err != nil {
					b.Fatal(err)
				}
			}
			b.Run(fmt.Sprintf("tiers=%d/engine=%s", n, engine), func(b *testing.B) {
				for b.Loop() {
					built, err := verify.LoadKustomize(fs, "/base", verify.LoadOptions{})
					if err != nil {
						b.Fatal(err)
					}
					r := verify.Verify("base", built, verify.Options{}, a)
					if r.Failed() {
						b.Fatal(r.Summary())
					}
				}
			})
		}
	}
}
