package basedir_test

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/spec"
)

// snapshot reads every file under dir, with its mode, for byte-for-byte
// comparisons.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			to, err := os.Readlink(p)
			out[rel] = "-> " + to
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		out[rel] = info.Mode().String() + " " + string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func threeTier(t *testing.T) *spec.App {
	t.Helper()
	return loadApp(t, "../../templates/presets/three-tier.yaml")
}

// loadApp loads, defaults and validates a spec file.
func loadApp(t *testing.T, path string) *spec.App {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := spec.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	spec.Default(a)
	if ps := spec.Validate(a); ps != nil {
		t.Fatal(ps)
	}
	return a
}

func render(t testing.TB, a *spec.App) []generate.File {
	t.Helper()
	files, err := generate.Render(a, ".")
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return files
}

// writeApp renders a and writes it into dir with its self-signed pairs.
func writeApp(dir string, a *spec.App, opts basedir.Options) (*basedir.Result, error) {
	files, err := generate.Render(a, ".")
	if err != nil {
		return nil, err
	}
	opts.Pairs = generate.SelfSignedCerts(a)
	return basedir.Write(dir, files, opts)
}

func mustWriteApp(t *testing.T, dir string, a *spec.App, opts basedir.Options) *basedir.Result {
	t.Helper()
	res, err := writeApp(dir, a, opts)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return res
}

func mustWrite(t *testing.T, dir string, files []generate.File, opts basedir.Options) *basedir.Result {
	t.Helper()
	res, err := basedir.Write(dir, files, opts)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return res
}

func TestWriteFreshThenUnchanged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "deploy", "base")
	files := render(t, threeTier(t))
	res := mustWrite(t, dir, files, basedir.Options{})
	if len(res.Written) != len(files) || len(res.Unchanged) != 0 {
		t.Fatalf("first Write = %+v, want all %d files written", res, len(files))
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s not written as rendered (err %v)", f.Path, err)
		}
	}
	before := snapshot(t, dir)
	old := time.Now().Add(-time.Hour)
	for _, f := range files {
		os.Chtimes(filepath.Join(dir, f.Path), old, old)
	}
	res = mustWrite(t, dir, files, basedir.Options{})
	if len(res.Written) != 0 || len(res.Unchanged) != len(files) {
		t.Errorf("second Write = %+v, want every file unchanged", res)
	}
	for _, f := range files {
		fi, _ := os.Stat(filepath.Join(dir, f.Path))
		if !fi.ModTime().Equal(old) {
			t.Errorf("%s was rewritten although unchanged", f.Path)
		}
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("folder changed (-before +after):\n%s", diff)
	}
}

// TestWriteKeepsEdits is the promise to users: an edited file survives
// generate, nothing else is written either, and --force replaces it.
func TestWriteKeepsEdits(t *testing.T) {
	dir := t.TempDir()
	a := threeTier(t)
	mustWriteApp(t, dir, a, basedir.Options{})
	edited := filepath.Join(dir, "tiers", "web.yaml")
	data, _ := os.ReadFile(edited)
	if err := os.WriteFile(edited, []byte(strings.Replace(string(data), "replicas: 2", "replicas: 5", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chmod(edited, 0o600)
	// A spec change that touches other files too.
	*a.Tiers[1].Replicas = 4
	files := render(t, a)
	before := snapshot(t, dir)
	_, err := basedir.Write(dir, files, basedir.Options{})
	var ce *basedir.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("Write over an edited file = %v, want a *ConflictError", err)
	}
	want := []basedir.Conflict{{Path: "tiers/web.yaml", Reason: "edited since kubenetgen wrote it"}}
	if diff := cmp.Diff(want, ce.Files); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), edited) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("error %q should name %s and --force", err, edited)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("a refused Write changed the folder (-before +after):\n%s", diff)
	}
	res := mustWrite(t, dir, files, basedir.Options{Force: true})
	if len(res.Written) != 2 {
		t.Errorf("forced Write wrote %v, want tiers/web.yaml and tiers/api.yaml", res.Written)
	}
	got, _ := os.ReadFile(edited)
	if !generate.Pristine(got) {
		t.Errorf("--force did not replace the edited file")
	}
	if fi, _ := os.Stat(edited); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode = %v, want the user's 0600 kept", fi.Mode().Perm())
	}
}

func TestWriteRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	mine := "# my own kustomization\nresources: [app.yaml]\n"
	os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(mine), 0o644)
	os.MkdirAll(filepath.Join(dir, "tiers", "web.yaml"), 0o755)
	before := snapshot(t, dir)
	_, err := basedir.Write(dir, render(t, threeTier(t)), basedir.Options{})
	var ce *basedir.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("Write = %v, want a *ConflictError", err)
	}
	want := []basedir.Conflict{
		{Path: "tiers/web.yaml", Reason: "is a folder", Kind: basedir.InTheWay},
		{Path: "kustomization.yaml", Reason: "not written by kubenetgen", Kind: basedir.Foreign},
	}
	if diff := cmp.Diff(want, ce.Files); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("folder changed (-before +after):\n%s", diff)
	}
	// --force replaces the foreign kustomization, but not the folder.
	if _, err := basedir.Write(dir, render(t, threeTier(t)), basedir.Options{Force: true}); !errors.As(err, &ce) || !ce.Folders {
		t.Errorf("forced Write over a folder = %v, want a *ConflictError about the folder", err)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("folder changed (-before +after):\n%s", diff)
	}
}

// TestWriteRemovesStaleFiles: a tier dropped from the spec loses its file
// when untouched; an edited one is kept and reported.
func TestWriteRemovesStaleFiles(t *testing.T) {
	dir := t.TempDir()
	a := threeTier(t)
	mustWriteApp(t, dir, a, basedir.Options{})
	// Edit db's file, then drop api and db from the app.
	db := filepath.Join(dir, "tiers", "db.yaml")
	data, _ := os.ReadFile(db)
	os.WriteFile(db, append(data, "# tuned by hand\n"...), 0o644)
	a.Tiers = a.Tiers[:1]
	a.Ingress.Rules = a.Ingress.Rules[:1]
	res := mustWriteApp(t, dir, a, basedir.Options{})
	if diff := cmp.Diff([]string{"tiers/api.yaml"}, res.Removed); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"tiers/db.yaml"}, res.Kept); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "tiers", "api.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tiers/api.yaml still exists: %v", err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("edited tiers/db.yaml was removed: %v", err)
	}
}

func TestWriteDryRunWritesNothing(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "base")
	res := mustWrite(t, dir, render(t, threeTier(t)), basedir.Options{DryRun: true})
	if len(res.Written) == 0 {
		t.Errorf("dry run reported nothing to write")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("dry run created %v", entries)
	}
}

func TestWriteLeavesNoTemporaries(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, dir, render(t, threeTier(t)), basedir.Options{})
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if strings.Contains(d.Name(), ".kubenetgen-") {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

func TestWriteOutputIsAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "out")
	os.WriteFile(f, []byte("x"), 0o644)
	if _, err := basedir.Write(f, render(t, threeTier(t)), basedir.Options{}); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("Write into a file = %v, want an error saying it is a file", err)
	}
}

func TestPristine(t *testing.T) {
	files := render(t, threeTier(t))
	for _, f := range files {
		if !generate.Pristine(f.Data) {
			t.Errorf("%s: Pristine(rendered) = false", f.Path)
		}
		edited := append([]byte(nil), f.Data...)
		edited[len(edited)-2] ^= 1
		if generate.Pristine(edited) {
			t.Errorf("%s: Pristine(edited) = true", f.Path)
		}
		if !generate.Generated(edited) {
			t.Errorf("%s: Generated(edited) = false", f.Path)
		}
		// An edit in kubenetgen's own comment counts too, and so does a
		// line added above it.
		inComment := append([]byte(nil), f.Data...)
		inComment[3] ^= 1
		above := append([]byte("# Copyright Acme\n"), f.Data...)
		if generate.Pristine(inComment) || generate.Pristine(above) {
			t.Errorf("%s: an edit in or above the header went unnoticed", f.Path)
		}
	}
	for _, s := range []string{"", "x", "# kubenetgen-sha256:\n", "apiVersion: v1\n"} {
		if generate.Pristine([]byte(s)) {
			t.Errorf("Pristine(%q) = true", s)
		}
	}
}

// TestRelativeFolder: a folder named relative to the working directory,
// as users give it.
func TestRelativeFolder(t *testing.T) {
	a := threeTier(t)
	t.Chdir(t.TempDir())
	mustWriteApp(t, "out", a, basedir.Options{Also: []generate.File{{Path: "out/kubenetgen.yaml", Data: []byte("spec\n")}}})
	*a.Tiers[0].Replicas = 5
	a.Tiers = a.Tiers[:2]
	a.Ingress.Rules = a.Ingress.Rules[:1]
	want := render(t, a)
	mustWriteApp(t, "out", a, basedir.Options{})
	got := snapshot(t, "out")
	if len(got) != len(want)+3 { // ./, tiers/ and the spec file
		t.Errorf("the folder holds %v, want the %d files of the base and the spec", slices.Sorted(maps.Keys(got)), len(want))
	}
	for _, f := range want {
		if data, err := os.ReadFile(filepath.Join("out", f.Path)); err != nil || !bytes.Equal(data, f.Data) {
			t.Errorf("%s not as rendered (err %v)", f.Path, err)
		}
	}
}
