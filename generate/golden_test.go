package generate_test

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files under ../golden from the current output")

const goldenDir = "../golden"

// goldenNow is the time the golden bases' self-signed certificates are
// judged at, so that they never expire for the tests.
var goldenNow = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// goldenCase is one folder of ../golden: kubenetgen.yaml in, base/ out.
type goldenCase struct {
	name string
	dir  string
	app  *spec.App
}

func goldenCases(t testing.TB) []goldenCase {
	t.Helper()
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenCase
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(goldenDir, e.Name())
		data, err := os.ReadFile(filepath.Join(dir, "kubenetgen.yaml"))
		if err != nil {
			t.Fatalf("case %s: %v", e.Name(), err)
		}
		a, err := spec.Load(data)
		if err != nil {
			t.Fatalf("case %s: loading spec: %v", e.Name(), err)
		}
		spec.Default(a)
		if ps := spec.Validate(a); ps != nil {
			t.Fatalf("case %s: spec is invalid:\n%v", e.Name(), ps)
		}
		out = append(out, goldenCase{name: e.Name(), dir: dir, app: a})
	}
	if len(out) < 8 {
		t.Fatalf("found %d golden cases in %s, want at least 8", len(out), goldenDir)
	}
	return out
}

func render(t testing.TB, a *spec.App) []generate.File {
	t.Helper()
	files, err := generate.Render(a, ".")
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return files
}

// TestGolden compares each case's rendered base with golden/<case>/base,
// file by file, and that no file is missing or extra. Run with -update to
// rewrite them, then review the diff.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			files := render(t, c.app)
			base := filepath.Join(c.dir, "base")
			if *update {
				// Write keeps the certificates that still serve the
				// hosts, so their bytes change only when they must.
				if _, err := basedir.Write(base, files, basedir.Options{Force: true, Now: goldenNow, Pairs: generate.SelfSignedCerts(c.app)}); err != nil {
					t.Fatal(err)
				}
				return
			}
			var want []string
			err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(base, p)
					want = append(want, filepath.ToSlash(rel))
				}
				return err
			})
			if err != nil {
				t.Fatalf("reading golden base (run go test ./generate -update to create it): %v", err)
			}
			var got []string
			for _, c := range generate.SelfSignedCerts(c.app) {
				// Made, not rendered: judged by the dry run below.
				got = append(got, c.CertPath(), c.KeyPath())
			}
			for _, f := range files {
				got = append(got, f.Path)
				golden, err := os.ReadFile(filepath.Join(base, filepath.FromSlash(f.Path)))
				if err != nil {
					t.Errorf("%s: %v", f.Path, err)
					continue
				}
				if !bytes.Equal(golden, f.Data) {
					t.Errorf("%s differs from golden (-want +got):\n%s", f.Path, cmp.Diff(string(golden), string(f.Data)))
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("file set differs from golden (-want +got):\n%s", diff)
			}
			// Regenerating the golden base would change nothing: also its
			// certificates serve the hosts and are kubenetgen's.
			res, err := basedir.Write(base, files, basedir.Options{DryRun: true, Now: goldenNow, Pairs: generate.SelfSignedCerts(c.app)})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Written)+len(res.Removed) > 0 {
				t.Errorf("regenerating the golden base would write %v and remove %v", res.Written, res.Removed)
			}
		})
	}
}

// withGoldenCerts adds the golden base's certificates and keys to the
// rendered files, so that a built base can be compared.
func withGoldenCerts(t testing.TB, files []generate.File, c goldenCase) []generate.File {
	t.Helper()
	out := slices.Clone(files)
	for _, pair := range generate.SelfSignedCerts(c.app) {
		for _, p := range []string{pair.CertPath(), pair.KeyPath()} {
			data, err := os.ReadFile(filepath.Join(c.dir, "base", filepath.FromSlash(p)))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, generate.File{Path: p, Data: data})
		}
	}
	return out
}

// TestRenderDeterministic renders each case twice, from two separately
// loaded specs, and wants the same bytes: map order, goroutine timing or
// the clock must never show in the output, self-signed cases included.
func TestRenderDeterministic(t *testing.T) {
	first, second := goldenCases(t), goldenCases(t)
	selfSigned := 0
	for i := range first {
		if generate.SelfSignedCerts(first[i].app) != nil {
			selfSigned++
		}
		if diff := cmp.Diff(render(t, first[i].app), render(t, second[i].app)); diff != "" {
			t.Errorf("%s: two renders differ (-first +second):\n%s", first[i].name, diff)
		}
	}
	if selfSigned == 0 {
		t.Error("no golden case has self-signed TLS")
	}
}
