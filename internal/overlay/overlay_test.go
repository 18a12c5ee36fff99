package overlay

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/internal/spectest"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

// writeBase writes the app's base into dir/base, as generate -o does.
func writeBase(t *testing.T, a *spec.App, dir string) string {
	t.Helper()
	base := filepath.Join(dir, "base")
	files, err := gen.Render(a, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := basedir.Write(base, files, basedir.Options{Pairs: gen.SelfSignedCerts(a)}); err != nil {
		t.Fatal(err)
	}
	return base
}

// TestOverlaysProveFlows scaffolds dev and prod over every golden base;
// verify of each overlay (built by kustomize) finds no error and exactly
// the spec's flows.
func TestOverlaysProveFlows(t *testing.T) {
	specs, _ := filepath.Glob("../../golden/*/kubenetgen.yaml")
	if len(specs) < 8 {
		t.Fatalf("found %d golden specs", len(specs))
	}
	for _, p := range specs {
		name := filepath.Base(filepath.Dir(p))
		t.Run(name, func(t *testing.T) {
			a := spectest.Load(t, p)
			dir := t.TempDir()
			base := writeBase(t, a, dir)
			res, err := Scaffold(a, base, []string{"dev", "prod"}, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Written) != 2 || len(res.Kept) != 0 {
				t.Fatalf("Scaffold = %+v, want both written", res)
			}
			for _, env := range []string{"dev", "prod"} {
				od := filepath.Join(dir, Dir, env)
				b, err := verify.Load(od, nil, verify.LoadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				r := verify.Verify(od, b, verify.Options{}, a)
				errs, _ := r.Counts()
				if errs > 0 || !r.Expect.Empty() {
					t.Errorf("%s: verify of the overlay: %d errors, %+v\n%v", env, errs, r.Expect, r.Findings)
				}
			}
		})
	}
}

// TestWrittenOnce never writes over an overlay, edited or not.
func TestWrittenOnce(t *testing.T) {
	a := spectest.Load(t, "../../golden/three-tier-tls/kubenetgen.yaml")
	dir := t.TempDir()
	base := writeBase(t, a, dir)
	if _, err := Scaffold(a, base, []string{"dev"}, false); err != nil {
		t.Fatal(err)
	}
	k := filepath.Join(dir, Dir, "dev", gen.KustomizationFile)
	edited := []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\n")
	if err := os.WriteFile(k, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	crt := filepath.Join(dir, Dir, "dev", "tls", "shop-tls.crt")
	before, err := os.ReadFile(crt)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Scaffold(a, base, []string{"dev", "prod"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Kept, []string{filepath.Join(dir, Dir, "dev")}) || len(res.Written) != 1 {
		t.Errorf("Scaffold = %+v, want dev kept and prod written", res)
	}
	if got, _ := os.ReadFile(k); string(got) != string(edited) {
		t.Errorf("the edited overlay was written over:\n%s", got)
	}
	if got, _ := os.ReadFile(crt); string(got) != string(before) {
		t.Errorf("the dev certificate was written over")
	}
	// An untouched overlay is kept too, even when the spec has changed
	// since it was written.
	pk := filepath.Join(dir, Dir, "prod", gen.KustomizationFile)
	prod, err := os.ReadFile(pk)
	if err != nil {
		t.Fatal(err)
	}
	a.Tiers[0].Replicas = ptr(int32(7))
	a.Ingress.Rules[0].Host = "changed.example.com"
	res, err = Scaffold(a, base, []string{"dev", "prod"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Kept) != 2 || len(res.Written) != 0 {
		t.Errorf("Scaffold = %+v, want both kept", res)
	}
	if got, _ := os.ReadFile(pk); string(got) != string(prod) {
		t.Errorf("the untouched prod overlay was written over:\n%s", got)
	}
}

func ptr[T any](v T) *T { return &v }

// TestDevAndProd gives dev one replica, dev. hosts and self-signed TLS,
// and prod at least two replicas.
func TestDevAndProd(t *testing.T) {
	a := spectest.Load(t, "../../golden/three-tier-tls/kubenetgen.yaml")
	dir := t.TempDir()
	base := writeBase(t, a, dir)
	if _, err := Scaffold(a, base, []string{"dev", "prod"}, false); err != nil {
		t.Fatal(err)
	}
	build := func(env string) string {
		b, err := verify.Load(filepath.Join(dir, Dir, env), nil, verify.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var s strings.Builder
		for _, o := range b.Objects {
			s.WriteString(o.Ref() + "\n")
		}
		return s.String()
	}
	dev, err := os.ReadFile(filepath.Join(dir, Dir, "dev", gen.KustomizationFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"count: 1", "value: dev.shop.example.com", "type: kubernetes.io/tls", "path: /metadata/annotations/cert-manager.io~1cluster-issuer"} {
		if !strings.Contains(string(dev), want) {
			t.Errorf("the dev overlay lacks %q:\n%s", want, dev)
		}
	}
	if refs := build("dev"); !strings.Contains(refs, "Secret") {
		t.Errorf("the dev overlay builds no TLS Secret:\n%s", refs)
	}
	prod, _ := os.ReadFile(filepath.Join(dir, Dir, "prod", gen.KustomizationFile))
	if strings.Contains(string(prod), "count: 1") || !strings.Contains(string(prod), "count: 2") {
		t.Errorf("prod replicas:\n%s", prod)
	}
}
