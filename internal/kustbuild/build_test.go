package kustbuild_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/kustbuild"
	"github.com/kubenetgen/kubenetgen/internal/randapp"
)

// asYAML prints resources as kustomize's ResMap.AsYaml does.
func asYAML(t *testing.T, rs []*resource.Resource) string {
	t.Helper()
	var b strings.Builder
	for i, r := range rs {
		y, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.String()
}

// krustyYAML is kustomize's build of dir with krusty's default options,
// as verify runs it.
func krustyYAML(t *testing.T, fSys filesys.FileSystem, dir string) string {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fSys, dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	y, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return string(y)
}

// equalToKustomize wants Build to take the fast path and to give exactly
// kustomize's objects in kustomize's order.
func equalToKustomize(t *testing.T, name string, fSys filesys.FileSystem, dir string) {
	t.Helper()
	rs, ok, err := kustbuild.Build(fSys, dir)
	if err != nil || !ok {
		t.Fatalf("%s: Build = ok %v, %v; want the fast path", name, ok, err)
	}
	if diff := cmp.Diff(krustyYAML(t, fSys, dir), asYAML(t, rs)); diff != "" {
		t.Fatalf("%s: Build differs from kustomize build (-kustomize +Build):\n%s", name, diff)
	}
	for _, r := range rs {
		want, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		got, err := kustbuild.JSON(r)
		if err != nil || string(got) != string(want) {
			t.Fatalf("%s: JSON(%s) = %s, %v; want kustomize's %s", name, r.CurId(), got, err, want)
		}
	}
}

// TestBuildEqualsKustomizeGolden: every golden base, from disk.
func TestBuildEqualsKustomizeGolden(t *testing.T) {
	dirs, err := filepath.Glob("../../golden/*/base")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden bases: %v", err)
	}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			t.Fatal(err)
		}
		equalToKustomize(t, d, filesys.MakeFsOnDisk(), abs)
	}
}

// memBase renders the base of random app i into memory, with pairs.
func memBase(t *testing.T, seed int) (filesys.FileSystem, []generate.File) {
	t.Helper()
	a := randapp.Valid(seed+1, t.Fatalf)[seed]
	files, err := generate.Render(a, "base")
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := generate.NewPairs(generate.SelfSignedCerts(a), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, pairs...)
	fSys := filesys.MakeFsInMemory()
	for _, f := range files {
		if err := fSys.WriteFile(path.Join("/base", f.Path), f.Data); err != nil {
			t.Fatal(err)
		}
	}
	return fSys, files
}

// TestBuildEqualsKustomizeRandom: a few hundred random apps.
func TestBuildEqualsKustomizeRandom(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, a := range randapp.Valid(n, t.Fatalf) {
		files, err := generate.Render(a, "base")
		if err != nil {
			t.Fatal(err)
		}
		pairs, err := generate.NewPairs(generate.SelfSignedCerts(a), now)
		if err != nil {
			t.Fatal(err)
		}
		fSys := filesys.MakeFsInMemory()
		for _, f := range append(files, pairs...) {
			if err := fSys.WriteFile(path.Join("/base", f.Path), f.Data); err != nil {
				t.Fatal(err)
			}
		}
		equalToKustomize(t, "random app "+string(rune('0'+i%10)), fSys, "/base")
	}
}

// TestBuildLeavesTheRestToKustomize: any change to the folder, any
// kustomization field beyond kubenetgen's, any path kustomize's loader
// would treat otherwise, and the build is kustomize's (ok false).
func TestBuildLeavesTheRestToKustomize(t *testing.T) {
	edit := func(p string, f func([]byte) []byte) func(filesys.FileSystem) {
		return func(fSys filesys.FileSystem) {
			data, err := fSys.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := fSys.WriteFile(p, f(data)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// rehead rewrites a file's checksum so that it is pristine again: a
	// forged header must not widen what the fast path accepts.
	rehead := func(p string, f func([]byte) []byte) func(filesys.FileSystem) {
		return func(fSys filesys.FileSystem) {
			data, err := fSys.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			i := bytes.Index(data, []byte("# "+kustbuild.ChecksumKey))
			nl := bytes.IndexByte(data[i:], '\n')
			head, body := data[:i], f(data[i+nl+1:])
			sum := sha256.Sum256(append(append([]byte{}, head...), body...))
			out := append(append([]byte{}, head...), "# "+kustbuild.ChecksumKey+" "+hex.EncodeToString(sum[:])+"\n"...)
			if err := fSys.WriteFile(p, append(out, body...)); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendText := func(s string) func([]byte) []byte {
		return func(b []byte) []byte { return append(append([]byte{}, b...), s...) }
	}
	cases := map[string]func(filesys.FileSystem){
		"an edited tier":          edit("/base/namespace.yaml", appendText("# mine\n")),
		"an edited kustomization": edit("/base/kustomization.yaml", appendText("namePrefix: x-\n")),
		"a second kustomization": func(fSys filesys.FileSystem) {
			_ = fSys.WriteFile("/base/kustomization.yml", []byte("resources: []\n"))
		},
		"namePrefix, rechecksummed": rehead("/base/kustomization.yaml", appendText("namePrefix: x-\n")),
		"a path outside": rehead("/base/kustomization.yaml", func(b []byte) []byte {
			return bytes.Replace(b, []byte("- namespace.yaml"), []byte("- ../namespace.yaml"), 1)
		}),
		"a remote resource": rehead("/base/kustomization.yaml", func(b []byte) []byte {
			return bytes.Replace(b, []byte("- namespace.yaml"), []byte("- https://example.com/x.yaml"), 1)
		}),
		"a folder resource": rehead("/base/kustomization.yaml", func(b []byte) []byte { return bytes.Replace(b, []byte("- namespace.yaml"), []byte("- tiers"), 1) }),
		"labels on selectors": rehead("/base/kustomization.yaml", func(b []byte) []byte {
			return bytes.Replace(b, []byte("includeTemplates: true"), []byte("includeSelectors: true"), 1)
		}),
		"another kind": rehead("/base/namespace.yaml", appendText("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")),
		"a local-config resource": rehead("/base/namespace.yaml", func(b []byte) []byte {
			return bytes.Replace(b, []byte("metadata:\n"), []byte("metadata:\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n"), 1)
		}),
	}
	for name, change := range cases {
		fSys, _ := memBase(t, 0)
		if _, ok, err := kustbuild.Build(fSys, "/base"); !ok || err != nil {
			t.Fatalf("%s: the untouched base is not built fast: %v", name, err)
		}
		change(fSys)
		if _, ok, err := kustbuild.Build(fSys, "/base"); ok || err != nil {
			t.Errorf("%s: Build = ok %v, %v; want kustomize's build", name, ok, err)
		}
	}
}

// TestBuildRootOnly: a file source that is a symbolic link out of the
// folder is not read (kustomize refuses it with its own error).
func TestBuildRootOnly(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../golden/self-signed-tls/base")); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "secret.key")
	if err := os.WriteFile(outside, []byte("not yours"), 0o600); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "tls", "shop-tls.key")
	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, key); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := kustbuild.Build(filesys.MakeFsOnDisk(), dir); ok || err != nil {
		t.Errorf("Build through a link out of the folder = ok %v, %v; want kustomize's build", ok, err)
	}
}

// TestPristineAgrees: verify's reading of the checksum line is
// generate's.
func TestPristineAgrees(t *testing.T) {
	_, files := memBase(t, 3)
	for _, f := range files {
		for _, data := range [][]byte{f.Data, append(append([]byte{}, f.Data...), '\n')} {
			if g, k := generate.Pristine(data), kustbuild.Pristine(data); g != k {
				t.Errorf("%s: generate.Pristine = %v, kustbuild.Pristine = %v", f.Path, g, k)
			}
		}
	}
}
