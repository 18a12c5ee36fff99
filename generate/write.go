package generate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// WriteOptions control Write.
type WriteOptions struct {
	// Force replaces files that were edited since kubenetgen wrote them, or
	// that kubenetgen did not write.
	Force bool
	// DryRun decides everything, reports it, and writes nothing.
	DryRun bool
	// Now is the time self-signed certificates are judged at; zero means
	// the current time.
	Now time.Time
	// Also are files outside the base (Path is a path on disk, such as
	// --write-spec's) written in the same all-or-nothing step as the
	// base. The caller has checked that they may be replaced.
	Also []File
}

// WriteResult says what Write did (or, with DryRun, would do), paths
// relative to the base.
type WriteResult struct {
	Written   []string
	Unchanged []string
	Removed   []string
	// Kept are files kubenetgen once wrote that the base no longer uses,
	// left in place because they were edited.
	Kept []string
}

// ConflictError lists the files Write refused to replace.
type ConflictError struct {
	Dir   string
	Files []Conflict
	// Folders is set when a folder stands where a file goes, which --force
	// does not fix.
	Folders bool
}

// Conflict is one file Write refused to replace, and why.
type Conflict struct {
	Path   string
	Reason string
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	if e.Folders {
		fmt.Fprintf(&b, "%d path(s) in %s are in the way; nothing was written (move the folders away):", len(e.Files), e.Dir)
	} else {
		fmt.Fprintf(&b, "%d file(s) in %s changed since kubenetgen wrote them; nothing was written (--force replaces them):", len(e.Files), e.Dir)
	}
	for _, c := range e.Files {
		fmt.Fprintf(&b, "\n  %s: %s", filepath.Join(e.Dir, c.Path), c.Reason)
	}
	return b.String()
}

// Write writes the base's files into dir, all or nothing: it first decides
// for every file whether it may be replaced (only if absent, unchanged, or
// untouched since kubenetgen wrote it, unless Force), then writes every
// file to a temporary sibling, and only then renames them into place, so a
// reader never sees half a file and a refusal writes nothing. Files that
// kubenetgen wrote earlier and the base no longer has are removed when
// untouched, kept (and reported) when edited.
//
// A self-signed certificate and its key (files with Cert set) are made
// once: an existing pair is kept while it is kubenetgen's and serves the
// hosts for CertRenewBefore more, or is the user's own and serves them;
// kubenetgen's own is renewed otherwise; anything else there is the
// user's and replaced only with Force.
func Write(dir string, files []File, opts WriteOptions) (*WriteResult, error) {
	res := &WriteResult{}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("output %s is a file, not a folder", dir)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	var conflicts, folders []Conflict
	var todo []File
	want := map[string]bool{}
	for i, f := range files {
		want[filepath.FromSlash(f.Path)] = true
		if f.Cert != nil {
			if f.Path != f.Cert.CertPath() {
				continue // the key, judged with its certificate
			}
			key := slices.IndexFunc(files, func(k File) bool { return k.Cert == f.Cert && k.Path == f.Cert.KeyPath() })
			if key < 0 {
				return nil, fmt.Errorf("internal error: %s comes without its key", f.Path)
			}
			st, c, err := planCert(dir, files[i], files[key], now, opts.Force)
			if err != nil {
				return nil, err
			}
			if st.folder {
				folders = append(folders, c...)
			} else {
				conflicts = append(conflicts, c...)
			}
			todo = append(todo, st.todo...)
			res.Unchanged = append(res.Unchanged, st.unchanged...)
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			todo = append(todo, f)
		case err != nil:
			var pe *fs.PathError
			if errors.As(err, &pe) && isDirErr(target) {
				// Not even --force replaces a folder with a file.
				folders = append(folders, Conflict{f.Path, "is a folder"})
				continue
			}
			return nil, fmt.Errorf("reading %s: %w", target, err)
		case bytes.Equal(old, f.Data):
			res.Unchanged = append(res.Unchanged, f.Path)
		case Pristine(old) || opts.Force:
			todo = append(todo, f)
		case Generated(old):
			conflicts = append(conflicts, Conflict{f.Path, "edited since kubenetgen wrote it"})
		default:
			conflicts = append(conflicts, Conflict{f.Path, "not written by kubenetgen"})
		}
	}
	if len(folders) > 0 {
		return nil, &ConflictError{Dir: dir, Files: append(folders, conflicts...), Folders: true}
	}
	if len(conflicts) > 0 && !opts.Force {
		return nil, &ConflictError{Dir: dir, Files: conflicts}
	}
	stale, kept, err := staleFiles(dir, want)
	if err != nil {
		return nil, err
	}
	res.Kept = kept
	for _, f := range todo {
		res.Written = append(res.Written, f.Path)
	}
	res.Removed = stale
	if opts.DryRun {
		return res, nil
	}
	targets := make([]target, 0, len(todo)+len(opts.Also))
	for _, f := range todo {
		targets = append(targets, target{filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data, f.Private()})
	}
	for _, f := range opts.Also {
		if old, err := os.ReadFile(f.Path); err != nil || !bytes.Equal(old, f.Data) {
			targets = append(targets, target{f.Path, f.Data, false})
		}
	}
	if err := commit(targets); err != nil {
		return nil, err
	}
	for _, p := range stale {
		if err := os.Remove(filepath.Join(dir, p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("removing unused %s: %w", p, err)
		}
	}
	// Drop the folders that removing stale files emptied.
	_ = os.Remove(filepath.Join(dir, TiersDir))
	_ = os.Remove(filepath.Join(dir, TLSDir))
	return res, nil
}

type certPlan struct {
	todo      []File
	unchanged []string
	folder    bool
}

// planCert decides what Write does with a self-signed certificate and its
// key, and names what stands in the way.
func planCert(dir string, crt, key File, now time.Time, force bool) (certPlan, []Conflict, error) {
	var p certPlan
	read := func(f File) ([]byte, bool, error) {
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		data, err := os.ReadFile(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, false, nil
		case err != nil && isDirErr(target):
			p.folder = true
			return nil, true, nil
		case err != nil:
			return nil, false, fmt.Errorf("reading %s: %w", target, err)
		}
		return data, true, nil
	}
	oldCrt, hasCrt, err := read(crt)
	if err != nil {
		return p, nil, err
	}
	oldKey, hasKey, err := read(key)
	if err != nil {
		return p, nil, err
	}
	if p.folder {
		var c []Conflict
		for _, f := range []File{crt, key} {
			if isDirErr(filepath.Join(dir, filepath.FromSlash(f.Path))) {
				c = append(c, Conflict{f.Path, "is a folder"})
			}
		}
		return p, c, nil
	}
	var conflict Conflict
	switch {
	case !hasCrt && !hasKey:
		p.todo = []File{crt, key}
		return p, nil, nil
	case !hasKey:
		conflict = Conflict{crt.Path, "a certificate without its key " + key.Path}
	case !hasCrt:
		conflict = Conflict{key.Path, "a key without its certificate " + crt.Path}
	default:
		switch st, why := crt.Cert.check(oldCrt, oldKey, now); st {
		case certKeep:
			p.unchanged = []string{crt.Path, key.Path}
			return p, nil, nil
		case certRenew:
			p.todo = []File{crt, key}
			return p, nil, nil
		default:
			conflict = Conflict{crt.Path, why + "; --force replaces it and its key with a new self-signed pair"}
		}
	}
	if force {
		p.todo = []File{crt, key}
		return p, nil, nil
	}
	return p, []Conflict{conflict}, nil
}

func isDirErr(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// staleFiles finds files under dir that kubenetgen wrote (they carry its
// header) and the new base does not have: untouched ones to remove, edited
// ones to keep. Only the base's own places are searched: its root and
// tiers/.
func staleFiles(dir string, want map[string]bool) (remove, kept []string, err error) {
	for _, sub := range []string{".", TiersDir} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, sub), err)
		}
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".md")) {
				continue
			}
			rel := filepath.Join(sub, name)
			if want[rel] {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, rel))
			if err != nil {
				return nil, nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, rel), err)
			}
			switch {
			case Pristine(data):
				remove = append(remove, filepath.ToSlash(rel))
			case Generated(data):
				kept = append(kept, filepath.ToSlash(rel))
			}
		}
	}
	stale, err := staleCerts(dir, want)
	if err != nil {
		return nil, nil, err
	}
	remove = append(remove, stale...)
	slices.Sort(remove)
	slices.Sort(kept)
	return remove, kept, nil
}

// staleCerts finds the self-signed certificates in tls/ that kubenetgen
// made and the base no longer uses, with their keys. A certificate or key
// kubenetgen did not make is left alone.
func staleCerts(dir string, want map[string]bool) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, TLSDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, TLSDir), err)
	}
	var out []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".crt")
		rel := filepath.Join(TLSDir, e.Name())
		if !ok || !e.Type().IsRegular() || want[rel] {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, rel), err)
		}
		cert, err := parseCert(data)
		if err != nil || !isOurs(cert) {
			continue
		}
		out = append(out, filepath.ToSlash(rel))
		keyRel := filepath.Join(TLSDir, name+".key")
		if key, err := os.ReadFile(filepath.Join(dir, keyRel)); err == nil && !want[keyRel] && keyMatches(cert, key) == nil {
			out = append(out, filepath.ToSlash(keyRel))
		}
	}
	return out, nil
}

// target is one file commit writes: its path on disk, not in the base.
type target struct {
	path    string
	data    []byte
	private bool
}

// rename is os.Rename, replaced in tests to fail on purpose.
var (
	renameFile = os.Rename
	rename     = renameFile
)

// commit stages every file as a temporary sibling, then renames them all
// into place. If staging fails, the temporaries and any folders it made
// are removed and nothing changed. If a rename fails (rare: the
// temporaries sit beside their targets), the files already renamed are
// put back from hard-linked copies of what they replaced, so the files
// are again as they were.
func commit(targets []target) (err error) {
	var made, temps, backups []string
	defer func() {
		for _, b := range backups {
			if b != "" {
				os.Remove(b)
			}
		}
		if err == nil {
			return
		}
		for _, t := range temps {
			os.Remove(t)
		}
		for i := len(made) - 1; i >= 0; i-- {
			os.Remove(made[i])
		}
	}()
	known := map[string]bool{} // folders known to exist
	mkdir := func(d string) error {
		if known[d] {
			return nil
		}
		var missing []string
		for p := d; !known[p]; p = filepath.Dir(p) {
			if _, err := os.Stat(p); err == nil {
				break
			}
			missing = append(missing, p)
			if filepath.Dir(p) == p {
				break
			}
		}
		for i := len(missing) - 1; i >= 0; i-- {
			if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("creating %s: %w", missing[i], err)
			}
			made = append(made, missing[i])
		}
		known[d] = true
		return nil
	}
	// Temporaries are named after this process, so two runs never meet;
	// O_EXCL refuses a leftover instead of reusing it.
	prefix := fmt.Sprintf(".kubenetgen-%d-", os.Getpid())
	backups = make([]string, len(targets))
	for i, t := range targets {
		if err := mkdir(filepath.Dir(t.path)); err != nil {
			return err
		}
		// A new file gets 0644 less the umask; a replaced one keeps its
		// mode and is linked to a backup, to be put back if need be.
		mode, keepMode := fs.FileMode(0o644), false
		if fi, err := os.Stat(t.path); err == nil {
			mode, keepMode = fi.Mode().Perm(), true
			b := filepath.Join(filepath.Dir(t.path), fmt.Sprintf("%s%d.bak", prefix, i))
			if os.Link(t.path, b) == nil {
				backups[i] = b
			}
		}
		if t.private {
			mode = 0o600 // also when it replaces a key others could read
		}
		tmpName := filepath.Join(filepath.Dir(t.path), fmt.Sprintf("%s%d.tmp", prefix, i))
		tmp, err := os.OpenFile(tmpName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if err != nil {
			return fmt.Errorf("writing %s: %w", t.path, err)
		}
		temps = append(temps, tmpName)
		_, werr := tmp.Write(t.data)
		cerr := tmp.Close()
		if werr != nil || cerr != nil {
			return fmt.Errorf("writing %s: %w", t.path, errors.Join(werr, cerr))
		}
		if keepMode {
			// The umask may have narrowed it.
			if err := os.Chmod(tmpName, mode); err != nil {
				return fmt.Errorf("writing %s: %w", t.path, err)
			}
		}
	}
	for i, tmp := range temps {
		if err := rename(tmp, targets[i].path); err != nil {
			err = fmt.Errorf("replacing %s: %w", targets[i].path, err)
			for j := i - 1; j >= 0; j-- {
				var undo error
				if backups[j] != "" {
					undo = os.Rename(backups[j], targets[j].path)
					backups[j] = ""
				} else {
					undo = os.Remove(targets[j].path)
				}
				if undo != nil {
					err = errors.Join(err, fmt.Errorf("%s is left replaced: %w", targets[j].path, undo))
				}
			}
			return err
		}
	}
	temps = nil
	return nil
}

// WriteFileAtomic writes one file the way Write does: a temporary sibling
// renamed into place, so a reader sees the old file or the new one.
func WriteFileAtomic(path string, data []byte) error {
	return commit([]target{{path: path, data: data}})
}
