// Package basedir is the one place that touches a base's folder on disk:
// it decides which files may be replaced (by the checksum header
// kubenetgen writes), keeps, renews or makes the self-signed pairs, and
// writes the base as one transaction, under a lock, without ever following
// a symbolic link inside the folder. Every command that writes a base comes
// through here, and calls Recover before it reads anything in the folder.
package basedir

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

	"github.com/kubenetgen/kubenetgen/generate"
)

// BackupDir is the folder, inside the base, where --force keeps a copy of
// each file of the user's it replaces, under the time of the run.
const BackupDir = ".kubenetgen-backup"

// DefaultLockWait is how long a write waits for another kubenetgen
// writing the same folder before it gives up.
const DefaultLockWait = 10 * time.Second

// Options control Write.
type Options struct {
	// Force replaces files kubenetgen wrote that were edited since, and a
	// self-signed pair that is not usable, each after keeping a copy in
	// BackupDir. A file kubenetgen did not write is never replaced.
	Force bool
	// DryRun decides everything, reports it, and writes nothing.
	DryRun bool
	// Now is the time self-signed certificates are judged and made at, and
	// the name of the backup; zero means the current time.
	Now time.Time
	// Pairs are the self-signed certificates the base needs (see
	// generate.SelfSignedCerts): kept when usable, made otherwise.
	Pairs []generate.SelfSigned
	// Also are files outside the base (Path is a path on disk, such as
	// --write-spec's), written in the same transaction. The caller has
	// checked that they may be replaced; none may be a file of the base.
	Also []generate.File
	// LockWait is how long to wait for another run writing the folder;
	// zero means DefaultLockWait.
	LockWait time.Duration
}

// Result says what Write did (or, with DryRun, would do), paths relative
// to the base.
type Result struct {
	Written   []string
	Unchanged []string
	Removed   []string
	// Kept are files kubenetgen once wrote that the base no longer uses,
	// left in place because they were edited.
	Kept []string
	// Backups are the files --force replaced after keeping their content,
	// each with the path of its copy.
	Backups []Backup
}

// Backup is a file --force replaced and where its old content is.
type Backup struct {
	Path string
	Copy string
}

// ConflictError lists what Write refused to replace.
type ConflictError struct {
	Dir   string
	Files []Conflict
	// Folders is set when something other than a file stands where a file
	// goes (a folder, a symbolic link), which --force does not fix.
	Folders bool
}

// Conflict is one path Write refused to replace, and why.
type Conflict struct {
	Path   string
	Reason string
	// Kind says which rule refused it.
	Kind ConflictKind
}

// ConflictKind is why a path may not be replaced.
type ConflictKind int

const (
	// Edited: kubenetgen wrote it and it was changed since; --force
	// replaces it after keeping a copy.
	Edited ConflictKind = iota
	// Foreign: kubenetgen did not write it; never replaced.
	Foreign
	// InTheWay: a folder, or a symbolic link, where a file or a folder of
	// the base goes; never replaced.
	InTheWay
)

// Reasons of conflicts.
const (
	reasonEdited  = "edited since kubenetgen wrote it"
	reasonForeign = "not written by kubenetgen"
	reasonFolder  = "is a folder"
	reasonSymlink = "is a symbolic link: kubenetgen never writes through one"
	reasonNotDir  = "is not a folder, and the base needs one there"
)

func (e *ConflictError) Error() string {
	var b strings.Builder
	foreign := slices.ContainsFunc(e.Files, func(c Conflict) bool { return c.Kind == Foreign })
	onlyFolders := !slices.ContainsFunc(e.Files, func(c Conflict) bool { return c.Reason != reasonFolder })
	switch {
	case e.Folders && onlyFolders:
		fmt.Fprintf(&b, "%d path(s) in %s are in the way; nothing was written (move the folders away):", len(e.Files), e.Dir)
	case e.Folders:
		fmt.Fprintf(&b, "%d path(s) in %s are in the way; nothing was written (move them away, or choose another folder):", len(e.Files), e.Dir)
	case foreign:
		fmt.Fprintf(&b, "%d file(s) in %s are not kubenetgen's to replace; nothing was written (kubenetgen never replaces a file it did not write, not even with --force: choose another folder, or move the file away):", len(e.Files), e.Dir)
	default:
		fmt.Fprintf(&b, "%d file(s) in %s changed since kubenetgen wrote them; nothing was written (--force replaces them):", len(e.Files), e.Dir)
	}
	for _, c := range e.Files {
		fmt.Fprintf(&b, "\n  %s: %s", filepath.Join(e.Dir, c.Path), c.Reason)
	}
	return b.String()
}

// Write writes the base's files into dir, all or nothing. It first
// decides for every file whether it may be replaced: only if absent,
// unchanged, or untouched since kubenetgen wrote it; an edited one only
// with Force, after keeping a copy; one kubenetgen did not write, a
// folder or a symbolic link never. Files kubenetgen wrote earlier that
// the base no longer has are removed when untouched, kept (and reported)
// when edited. Then it writes everything as one transaction (see tx), under
// an exclusive lock on the folder, after finishing any write an earlier
// run left unfinished.
//
// A self-signed pair (opts.Pairs) is made once: an existing pair is kept
// while it is kubenetgen's and serves the hosts for
// generate.CertRenewBefore more, or is the user's own and serves them;
// kubenetgen's own is renewed otherwise; anything else there stops the
// run, and Force replaces it after keeping a copy.
func Write(dir string, files []generate.File, opts Options) (*Result, error) {
	return write(disk, dir, files, opts)
}

func write(fsys fileSystem, dir string, files []generate.File, opts Options) (*Result, error) {
	root, exists, err := resolve(fsys, dir)
	if err != nil {
		return nil, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.DryRun && !exists {
		p := &planner{fs: fsys, dir: dir, root: root, opts: opts, id: newID()}
		return p.plan(files)
	}
	unlock, err := lock(fsys, dir, root, opts.LockWait, !opts.DryRun)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if !opts.DryRun {
		if err := recoverLocked(fsys, dir, root); err != nil {
			return nil, err
		}
	}
	p := &planner{fs: fsys, dir: dir, root: root, opts: opts, id: newID()}
	res, err := p.plan(files)
	if err != nil || opts.DryRun {
		return res, err
	}
	t := &tx{fs: fsys, root: root, j: journal{ID: p.id, Ops: p.ops, Dirs: p.dirs}}
	if len(t.j.Ops) == 0 {
		return res, nil
	}
	if err := t.run(); err != nil {
		return nil, err
	}
	return res, nil
}

// resolve finds the folder dir names: itself, or the folder a symbolic
// link given as the output leads to. exists is false when there is none
// yet.
func resolve(fsys fileSystem, dir string) (root string, exists bool, err error) {
	fi, err := fsys.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return filepath.Clean(dir), false, nil
	case err != nil:
		return "", false, fmt.Errorf("output %s: %w", dir, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		to, _ := os.Readlink(dir)
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return "", false, fmt.Errorf("output %s is a symbolic link to %s, which does not exist; nothing was written (create the folder it names, or give another output)", dir, to)
		}
		if rfi, err := fsys.Lstat(real); err != nil || !rfi.IsDir() {
			return "", false, fmt.Errorf("output %s is a symbolic link to %s, which is not a folder; nothing was written", dir, to)
		}
		return real, true, nil
	case !fi.IsDir():
		return "", false, fmt.Errorf("output %s is a file, not a folder", dir)
	}
	return filepath.Clean(dir), true, nil
}

// lock takes the folder's lock, waiting up to wait for another run to
// finish, and makes the folder (and its missing parents) first when
// create is set. unlock releases the lock and removes the folders it made
// if they are still empty.
func lock(fsys fileSystem, dir, root string, wait time.Duration, create bool) (unlock func(), err error) {
	if wait == 0 {
		wait = DefaultLockWait
	}
	deadline := time.Now().Add(wait)
	for {
		var made []string
		if create {
			if made, err = mkdirAll(fsys, root); err != nil {
				return nil, err
			}
		}
		release := func() {
			for i := len(made) - 1; i >= 0; i-- {
				fsys.Remove(made[i])
			}
		}
		d, err := os.Open(root)
		if err != nil {
			release()
			return nil, fmt.Errorf("output %s: %w", dir, err)
		}
		for {
			busy, err := tryLock(d)
			if err != nil {
				d.Close()
				release()
				return nil, fmt.Errorf("locking %s: %w", dir, err)
			}
			if !busy {
				break
			}
			if time.Now().After(deadline) {
				d.Close()
				release()
				return nil, fmt.Errorf("another kubenetgen is writing %s and did not finish within %v; nothing was written (run again when it is done)", dir, wait)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !sameFile(d, root) {
			// The folder was removed (by a failed run that had made it)
			// while this one waited: start again.
			d.Close()
			continue
		}
		return func() {
			release()
			d.Close()
		}, nil
	}
}

// mkdirAll makes root and its missing parents, and returns those it made.
func mkdirAll(fsys fileSystem, root string) ([]string, error) {
	var missing []string
	for p := root; ; p = filepath.Dir(p) {
		if _, err := fsys.Lstat(p); err == nil {
			break
		}
		missing = append(missing, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	var made []string
	for i := len(missing) - 1; i >= 0; i-- {
		if err := fsys.Mkdir(missing[i], 0o755); err != nil {
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			for j := len(made) - 1; j >= 0; j-- {
				fsys.Remove(made[j])
			}
			return nil, fmt.Errorf("creating %s: %w", missing[i], err)
		}
		made = append(made, missing[i])
	}
	return made, nil
}

// planner decides a write.
type planner struct {
	fs   fileSystem
	dir  string // as the user named it, for messages
	root string // where it is
	opts Options
	id   string

	// err is the first failure to look at a path: the plan is void.
	err       error
	ops       []txOp
	dirs      []string
	conflicts []Conflict
	res       Result
	backup    string
	want      map[string]bool
}

// kind is what stands at a path of the base.
type kind int

const (
	absent kind = iota
	regular
	folder
	symlink
	other
)

func (p *planner) lstat(rel string) kind {
	fi, err := p.fs.Lstat(filepath.Join(p.root, filepath.FromSlash(rel)))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return absent
	case err != nil:
		if p.err == nil {
			p.err = fmt.Errorf("looking at %s: %w", filepath.Join(p.dir, filepath.FromSlash(rel)), err)
		}
		return other
	case fi.Mode()&fs.ModeSymlink != 0:
		return symlink
	case fi.IsDir():
		return folder
	case fi.Mode().IsRegular():
		return regular
	}
	return other
}

// parentOK checks the folders on the way to rel (tiers/, tls/): each must
// be a real folder or absent (then the write makes it).
func (p *planner) parentOK(rel string) bool {
	parent := pathDir(rel)
	if parent == "." {
		return true
	}
	if !p.parentOK(parent) {
		return false
	}
	switch p.lstat(parent) {
	case folder:
		return true
	case absent:
		if !slices.Contains(p.dirs, filepath.FromSlash(parent)) {
			p.dirs = append(p.dirs, filepath.FromSlash(parent))
		}
		return true
	case symlink:
		p.conflict(parent, reasonSymlink, InTheWay)
	default:
		p.conflict(parent, reasonNotDir, InTheWay)
	}
	return false
}

func pathDir(rel string) string {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return "."
	}
	return rel[:i]
}

func (p *planner) conflict(rel, reason string, k ConflictKind) {
	if !slices.ContainsFunc(p.conflicts, func(c Conflict) bool { return c.Path == rel }) {
		p.conflicts = append(p.conflicts, Conflict{Path: rel, Reason: reason, Kind: k})
	}
}

// read reads a regular file of the base.
func (p *planner) read(rel string) ([]byte, error) {
	data, err := p.fs.ReadFile(filepath.Join(p.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(p.dir, filepath.FromSlash(rel)), err)
	}
	return data, nil
}

// put plans writing data to rel; replaces says a file is there now.
func (p *planner) put(rel string, data []byte, perm fs.FileMode, replaces bool) {
	op := txOp{Target: filepath.FromSlash(rel), data: data, perm: perm}
	n := len(p.ops)
	op.Stage = filepath.Join(filepath.Dir(op.Target), p.tempName(n))
	if replaces {
		op.Old = op.Stage + ".old"
	}
	p.ops = append(p.ops, op)
	p.res.Written = append(p.res.Written, rel)
}

// keepCopy plans a copy of rel's old content into the backup folder.
func (p *planner) keepCopy(rel string, old []byte, perm fs.FileMode) {
	if p.backup == "" {
		stamp := p.opts.Now.UTC().Format("20060102T150405Z")
		p.backup = BackupDir + "/" + stamp
		for i := 2; p.lstat(p.backup) != absent; i++ {
			p.backup = fmt.Sprintf("%s/%s-%d", BackupDir, stamp, i)
		}
	}
	cp := p.backup + "/" + rel
	for _, d := range []string{BackupDir, p.backup, pathDir(cp)} {
		if p.lstat(d) == absent && !slices.Contains(p.dirs, filepath.FromSlash(d)) {
			p.dirs = append(p.dirs, filepath.FromSlash(d))
		}
	}
	op := txOp{Target: filepath.FromSlash(cp), data: old, perm: perm}
	op.Stage = filepath.Join(filepath.Dir(op.Target), p.tempName(len(p.ops)))
	p.ops = append(p.ops, op)
	p.res.Backups = append(p.res.Backups, Backup{Path: rel, Copy: cp})
}

// plan decides the write of files and opts.Pairs and opts.Also, and
// returns what it will do, or a *ConflictError.
func (p *planner) plan(files []generate.File) (*Result, error) {
	p.want = map[string]bool{}
	for _, f := range files {
		p.want[f.Path] = true
	}
	for _, c := range p.opts.Pairs {
		p.want[c.CertPath()], p.want[c.KeyPath()] = true, true
	}
	if p.lstat(BackupDir) == symlink {
		p.conflict(BackupDir, reasonSymlink, InTheWay)
	}
	for _, f := range files {
		if err := p.planFile(f); err != nil {
			return nil, err
		}
	}
	for i := range p.opts.Pairs {
		if err := p.planPair(&p.opts.Pairs[i]); err != nil {
			return nil, err
		}
	}
	if err := p.stale(); err != nil {
		return nil, err
	}
	if err := p.planAlso(); err != nil {
		return nil, err
	}
	if p.err != nil {
		return nil, p.err
	}
	if len(p.conflicts) > 0 {
		folders := slices.ContainsFunc(p.conflicts, func(c Conflict) bool { return c.Kind == InTheWay })
		blocking := folders || !p.opts.Force || slices.ContainsFunc(p.conflicts, func(c Conflict) bool { return c.Kind == Foreign })
		if blocking {
			// In the way first, then the rest, each group in the base's order.
			slices.SortStableFunc(p.conflicts, func(a, b Conflict) int { return int(b.Kind/InTheWay) - int(a.Kind/InTheWay) })
			return nil, &ConflictError{Dir: p.dir, Files: p.conflicts, Folders: folders}
		}
	}
	res := p.res
	return &res, nil
}

// tempName is the name of the n-th staged file of the write. It carries
// the write's random id, so that it cannot meet the name of another write,
// nor of one that an earlier process with the same id left behind.
func (p *planner) tempName(n int) string {
	return fmt.Sprintf("%s%s-%d", tempPrefix, p.id, n)
}

func (p *planner) planFile(f generate.File) error {
	if !p.parentOK(f.Path) {
		return nil
	}
	switch p.lstat(f.Path) {
	case absent:
		p.put(f.Path, f.Data, 0o644, false)
		return nil
	case folder:
		p.conflict(f.Path, reasonFolder, InTheWay)
		return nil
	case symlink:
		p.conflict(f.Path, reasonSymlink, InTheWay)
		return nil
	case other:
		p.conflict(f.Path, "is not a regular file", InTheWay)
		return nil
	}
	old, err := p.read(f.Path)
	if err != nil {
		return err
	}
	switch {
	case bytes.Equal(old, f.Data):
		p.res.Unchanged = append(p.res.Unchanged, f.Path)
	case generate.Pristine(old):
		p.put(f.Path, f.Data, p.mode(f.Path, 0o644), true)
	case !generate.Generated(old):
		p.conflict(f.Path, reasonForeign, Foreign)
	case p.opts.Force:
		p.keepCopy(f.Path, old, p.mode(f.Path, 0o644))
		p.put(f.Path, f.Data, p.mode(f.Path, 0o644), true)
	default:
		p.conflict(f.Path, reasonEdited, Edited)
	}
	return nil
}

// mode is the mode a replaced file keeps: its own, without execute bits,
// or def.
func (p *planner) mode(rel string, def fs.FileMode) fs.FileMode {
	fi, err := p.fs.Lstat(filepath.Join(p.root, filepath.FromSlash(rel)))
	if err != nil || !fi.Mode().IsRegular() {
		return def
	}
	return fi.Mode().Perm() & 0o666
}

// planAlso plans the files outside the base, refusing any that would be a
// file of the base.
func (p *planner) planAlso() error {
	for _, f := range p.opts.Also {
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			return err
		}
		if parent, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
			abs = filepath.Join(parent, filepath.Base(abs))
		}
		rootAbs, err := filepath.Abs(p.root)
		if err != nil {
			return err
		}
		if rel, err := filepath.Rel(rootAbs, abs); err == nil && rel != "." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != ".." {
			slash := filepath.ToSlash(rel)
			if p.want[slash] || pathDir(slash) != "." || strings.HasPrefix(slash, ".kubenetgen") {
				return fmt.Errorf("%s is a file of the base in %s; nothing was written (save the spec outside the base's files, for example as %s)", f.Path, p.dir, filepath.Join(p.dir, "kubenetgen.yaml"))
			}
		}
		old, err := p.fs.ReadFile(abs)
		exists := err == nil
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("reading %s: %w", f.Path, err)
		case bytes.Equal(old, f.Data):
			continue
		}
		op := txOp{Target: abs, data: f.Data, perm: 0o644}
		op.Stage = filepath.Join(filepath.Dir(abs), p.tempName(len(p.ops)))
		if exists {
			op.perm = p.modeAbs(abs)
			op.Old = op.Stage + ".old"
		}
		for d := filepath.Dir(abs); filepath.Dir(d) != d; d = filepath.Dir(d) {
			_, err := p.fs.Lstat(d)
			if err == nil {
				break
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("looking at %s: %w", d, err)
			}
			p.dirs = slices.Insert(p.dirs, 0, d)
		}
		p.ops = append(p.ops, op)
	}
	return nil
}

func (p *planner) modeAbs(abs string) fs.FileMode {
	fi, err := p.fs.Lstat(abs)
	if err != nil || !fi.Mode().IsRegular() {
		return 0o644
	}
	return fi.Mode().Perm() & 0o666
}

// stale plans the removal of the files kubenetgen wrote that the base no
// longer has: untouched ones are removed, edited ones kept. Only the
// base's own places are searched, its root, tiers/ and tls/, and a
// symbolic link is never followed.
func (p *planner) stale() error {
	for _, sub := range []string{".", generate.TiersDir} {
		if p.lstat(sub) != folder {
			continue
		}
		entries, err := p.fs.ReadDir(filepath.Join(p.root, sub))
		if err != nil {
			return fmt.Errorf("reading %s: %w", filepath.Join(p.dir, sub), err)
		}
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".md")) {
				continue
			}
			rel := path(sub, name)
			if p.want[rel] {
				continue
			}
			data, err := p.read(rel)
			if err != nil {
				return err
			}
			switch {
			case generate.Pristine(data):
				p.remove(rel)
			case generate.Generated(data):
				p.res.Kept = append(p.res.Kept, rel)
			}
		}
	}
	if err := p.staleCerts(); err != nil {
		return err
	}
	slices.Sort(p.res.Removed)
	slices.Sort(p.res.Kept)
	return nil
}

func path(sub, name string) string {
	if sub == "." {
		return name
	}
	return sub + "/" + name
}

func (p *planner) remove(rel string) {
	op := txOp{Target: filepath.FromSlash(rel), Remove: true}
	op.Old = filepath.Join(filepath.Dir(op.Target), p.tempName(len(p.ops))+".old")
	p.ops = append(p.ops, op)
	p.res.Removed = append(p.res.Removed, rel)
}

// WriteFile writes one file outside any base (a spec file beside a
// streamed base): a synced temporary sibling renamed into place, so a
// reader sees the old file or the new one.
func WriteFile(path string, data []byte) error {
	fsys := disk
	perm := fs.FileMode(0o644)
	if fi, err := fsys.Lstat(path); err == nil && fi.Mode().IsRegular() {
		perm = fi.Mode().Perm() & 0o666
	}
	dir := filepath.Dir(path)
	if _, err := mkdirAll(fsys, dir); err != nil {
		return err
	}
	t := &tx{fs: fsys, root: dir}
	tmp := filepath.Join(dir, tempPrefix+newID())
	if err := t.writeFile(tmp, data, perm, true); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := fsys.Rename(tmp, path); err != nil {
		fsys.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return fsys.SyncDir(dir)
}
