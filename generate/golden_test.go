package generate_test

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files under ../golden from the current output")

const goldenDir = "../golden"

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
				if err := os.RemoveAll(base); err != nil {
					t.Fatal(err)
				}
				for _, f := range files {
					p := filepath.Join(base, filepath.FromSlash(f.Path))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
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
		})
	}
}

// TestRenderDeterministic renders each case twice, from two separately
// loaded specs, and wants the same bytes: map order or goroutine timing must
// never show in the output.
func TestRenderDeterministic(t *testing.T) {
	first, second := goldenCases(t), goldenCases(t)
	for i := range first {
		if diff := cmp.Diff(render(t, first[i].app), render(t, second[i].app)); diff != "" {
			t.Errorf("%s: two renders differ (-first +second):\n%s", first[i].name, diff)
		}
	}
}
