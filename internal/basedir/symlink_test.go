package basedir_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
)

// No write leaves the folder: a symbolic link inside it, where a file or
// a folder of the base goes, stops the run with its name, and nothing is
// written, removed or followed, --force or not.
func TestSymlinksInsideTheFolderAreRefused(t *testing.T) {
	cases := []struct {
		name string
		link string // inside the base
		old  bool   // an earlier base is there
	}{
		{"tls folder", "tls", false},
		{"tiers folder", "tiers", true},
		{"a tier file", "tiers/web.yaml", true},
		{"the kustomization", "kustomization.yaml", true},
		{"a key", "tls/shop-tls.key", false},
		{"the backup folder", basedir.BackupDir, true},
	}
	for _, c := range cases {
		for _, force := range []bool{false, true} {
			t.Run(c.name+map[bool]string{true: " with force"}[force], func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "base")
				elsewhere := t.TempDir()
				a := selfSignedApp(t)
				if c.old {
					mustWriteApp(t, dir, a, basedir.Options{})
					// The earlier base's files are in elsewhere too, so that
					// removing or replacing through the link would show.
					src := filepath.Join(dir, filepath.FromSlash(c.link))
					if fi, err := os.Stat(src); err == nil && fi.IsDir() {
						must(t, os.CopyFS(elsewhere, os.DirFS(src)))
					} else if err == nil {
						must(t, os.WriteFile(filepath.Join(elsewhere, "target"), mustRead(t, src), 0o777))
					}
					must(t, os.RemoveAll(src))
				}
				target := elsewhere
				if strings.HasSuffix(c.link, ".yaml") || strings.HasSuffix(c.link, ".key") {
					target = filepath.Join(elsewhere, "target")
					if _, err := os.Stat(target); err != nil {
						must(t, os.WriteFile(target, []byte("mine\n"), 0o777))
					}
				}
				link := filepath.Join(dir, filepath.FromSlash(c.link))
				must(t, os.MkdirAll(filepath.Dir(link), 0o755))
				must(t, os.Symlink(target, link))
				// Edit a file, so that --force has something to replace.
				a.Tiers[0].Image += "-2"
				before, beforeElsewhere := snapshot(t, dir), snapshot(t, elsewhere)
				_, err := writeApp(dir, a, basedir.Options{Force: force})
				var ce *basedir.ConflictError
				if !errors.As(err, &ce) || !ce.Folders {
					t.Fatalf("Write = %v, want a conflict naming the link", err)
				}
				if want := link + ": is a symbolic link: kubenetgen never writes through one"; !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
				if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
					t.Errorf("the folder changed (-before +after):\n%s", diff)
				}
				if diff := cmp.Diff(beforeElsewhere, snapshot(t, elsewhere)); diff != "" {
					t.Errorf("the link's target changed (-before +after):\n%s", diff)
				}
				if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf("the link is gone: %v", err)
				}
			})
		}
	}
}

// TestDanglingOutputLink: a symbolic link given as the output that leads
// nowhere is an error, and is left as it is.
func TestDanglingOutputLink(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	must(t, os.Symlink(filepath.Join(parent, "missing"), out))
	_, err := writeApp(out, threeTier(t), basedir.Options{})
	if err == nil || !strings.Contains(err.Error(), "is a symbolic link to "+filepath.Join(parent, "missing")+", which does not exist; nothing was written") {
		t.Fatalf("Write to a dangling link = %v", err)
	}
	if fi, err := os.Lstat(out); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is gone: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(parent, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the link's target was made: %v", err)
	}
}

// TestOutputLinkToAFolder: the output itself may be a link to a folder
// (a user's own layout): the base goes into that folder.
func TestOutputLinkToAFolder(t *testing.T) {
	real, parent := t.TempDir(), t.TempDir()
	out := filepath.Join(parent, "out")
	must(t, os.Symlink(real, out))
	mustWriteApp(t, out, threeTier(t), basedir.Options{})
	if _, err := os.Stat(filepath.Join(real, generate.KustomizationFile)); err != nil {
		t.Errorf("the base is not in the link's folder: %v", err)
	}
}

// TestModesAreKubenetgens: new files are 0644 and keys 0600 whatever the
// umask; a replaced file keeps its own mode, never gaining execute bits.
func TestModesAreKubenetgens(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	a := selfSignedApp(t)
	mustWriteApp(t, dir, a, basedir.Options{})
	for p, want := range map[string]os.FileMode{"kustomization.yaml": 0o644, "tiers/web.yaml": 0o644, "tls/shop-tls.crt": 0o644, "tls/shop-tls.key": 0o600} {
		if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (err %v), want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	web := filepath.Join(dir, "tiers", "web.yaml")
	must(t, os.Chmod(web, 0o777))
	a.Tiers[0].Image += "-2"
	mustWriteApp(t, dir, a, basedir.Options{})
	if fi, _ := os.Stat(web); fi.Mode().Perm() != 0o666 {
		t.Errorf("replaced 0777 file: mode %v, want 0666 (its own, without execute bits)", fi.Mode().Perm())
	}
}

// TestSpecFileInsideTheBase: the spec written with the base may not be a
// file of the base, nor go into its tiers/ or tls/; beside it is fine.
func TestSpecFileInsideTheBase(t *testing.T) {
	for _, p := range []string{"kustomization.yaml", "README.md", "tiers/web.yaml", "tiers/new.yaml", "tls/x.yaml", basedir.JournalFile} {
		dir := t.TempDir()
		before := snapshot(t, dir)
		spec := filepath.Join(dir, filepath.FromSlash(p))
		_, err := writeApp(dir, threeTier(t), basedir.Options{Also: []generate.File{{Path: spec, Data: []byte("spec\n")}}})
		if err == nil || !strings.Contains(err.Error(), spec+" is a file of the base in "+dir+"; nothing was written") {
			t.Errorf("spec file %s: err = %v", p, err)
		}
		if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
			t.Errorf("spec file %s: the folder changed:\n%s", p, diff)
		}
	}
	dir := t.TempDir()
	spec := filepath.Join(dir, "kubenetgen.yaml")
	mustWriteApp(t, dir, threeTier(t), basedir.Options{Also: []generate.File{{Path: spec, Data: []byte("spec\n")}}})
	if string(mustRead(t, spec)) != "spec\n" {
		t.Error("the spec beside the base was not written")
	}
}

// TestForceNeverReplacesForeignFiles: a file without kubenetgen's header
// (a project's own README.md) is never replaced, --force or not; the
// error names it and says what to do.
func TestForceNeverReplacesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	readme := filepath.Join(dir, "README.md")
	must(t, os.WriteFile(readme, []byte("# My project\n"), 0o644))
	before := snapshot(t, dir)
	for _, force := range []bool{false, true} {
		_, err := writeApp(dir, threeTier(t), basedir.Options{Force: force})
		var ce *basedir.ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("force=%v: err = %v, want a conflict", force, err)
		}
		for _, want := range []string{readme + ": not written by kubenetgen", "not even with --force", "choose another folder"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("force=%v: error %q lacks %q", force, err, want)
			}
		}
		if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
			t.Errorf("force=%v: the folder changed:\n%s", force, diff)
		}
	}
}

// TestForceKeepsACopy: --force replaces an edited file only after keeping
// its content in the backup folder, and says where.
func TestForceKeepsACopy(t *testing.T) {
	dir := t.TempDir()
	a := threeTier(t)
	mustWriteApp(t, dir, a, basedir.Options{})
	web := filepath.Join(dir, "tiers", "web.yaml")
	edited := append(mustRead(t, web), "# scaled by hand\n"...)
	must(t, os.WriteFile(web, edited, 0o644))
	res := mustWriteApp(t, dir, a, basedir.Options{Force: true, Now: fixedNow})
	want := []basedir.Backup{{Path: "tiers/web.yaml", Copy: basedir.BackupDir + "/20261201T120000Z/tiers/web.yaml"}}
	if diff := cmp.Diff(want, res.Backups); diff != "" {
		t.Fatalf("Backups (-want +got):\n%s", diff)
	}
	if got := mustRead(t, filepath.Join(dir, filepath.FromSlash(want[0].Copy))); string(got) != string(edited) {
		t.Errorf("the copy holds %q, want the edited file", got)
	}
	if !generate.Pristine(mustRead(t, web)) {
		t.Error("the edited file was not replaced")
	}
	// A second forced replacement in the same second keeps the first copy.
	must(t, os.WriteFile(web, append(mustRead(t, web), "# again\n"...), 0o644))
	res = mustWriteApp(t, dir, a, basedir.Options{Force: true, Now: fixedNow})
	if len(res.Backups) != 1 || res.Backups[0].Copy != basedir.BackupDir+"/20261201T120000Z-2/tiers/web.yaml" {
		t.Errorf("second Backups = %v", res.Backups)
	}
	if got := mustRead(t, filepath.Join(dir, filepath.FromSlash(want[0].Copy))); string(got) != string(edited) {
		t.Error("the first copy was overwritten")
	}
	// The dry run says the same, and writes nothing.
	must(t, os.WriteFile(web, edited, 0o644))
	before := snapshot(t, dir)
	res = mustWriteApp(t, dir, a, basedir.Options{Force: true, DryRun: true})
	if len(res.Backups) != 1 || res.Backups[0].Path != "tiers/web.yaml" {
		t.Errorf("dry run Backups = %v", res.Backups)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("the dry run changed the folder:\n%s", diff)
	}
}
