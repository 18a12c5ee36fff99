package basedir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// Recover finishes, or takes back, a write that a killed or failed run
// left unfinished in dir, and removes the temporary files of runs that
// died before they wrote a journal. Every command that reads a base's
// folder (or a spec file written with it) calls it first. A folder that
// does not exist, or holds no journal, costs one lock.
func Recover(dir string) error {
	return recoverDir(disk, dir)
}

func recoverDir(fsys fileSystem, dir string) error {
	root, exists, err := resolve(fsys, dir)
	if err != nil || !exists {
		return nil // nothing to finish; a write reports what is wrong
	}
	unlock, err := lock(fsys, dir, root, 0, false)
	if err != nil {
		return err
	}
	defer unlock()
	return recoverLocked(fsys, dir, root)
}

// recoverLocked is Recover with the folder's lock held.
func recoverLocked(fsys fileSystem, dir, root string) error {
	jpath := filepath.Join(root, JournalFile)
	fi, err := fsys.Lstat(jpath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return clearTemps(fsys, root)
	case err != nil:
		return fmt.Errorf("reading %s: %w", filepath.Join(dir, JournalFile), err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not kubenetgen's journal (not a regular file); nothing was written: remove it", filepath.Join(dir, JournalFile))
	}
	data, err := fsys.ReadFile(jpath)
	if err != nil {
		return fmt.Errorf("reading %s: %w", filepath.Join(dir, JournalFile), err)
	}
	t := &tx{fs: fsys, root: root, recovering: true}
	if err := json.Unmarshal(data, &t.j); err != nil || t.j.check() != nil || throughLink(fsys, root, &t.j) {
		return fmt.Errorf("%s is not a journal kubenetgen can finish; nothing was written: look at it, then remove it", filepath.Join(dir, JournalFile))
	}
	switch t.j.State {
	case statePending:
		err = t.undo()
	case stateCommit:
		if err = t.apply(); err == nil {
			err = t.finish()
		}
	case stateRollback:
		err = t.rollback()
	}
	if err != nil {
		return fmt.Errorf("finishing the write an earlier run left unfinished in %s: %w", dir, err)
	}
	return clearTemps(fsys, root)
}

// check refuses a journal that names anything but kubenetgen's own
// temporary files, and targets inside the folder other than its own
// places: recovery never renames or removes anything else, whoever wrote
// the journal.
func (j *journal) check() error {
	if j.State != statePending && j.State != stateCommit && j.State != stateRollback {
		return fmt.Errorf("unknown state %q", j.State)
	}
	if j.ID == "" || strings.ContainsAny(j.ID, `/\.`) {
		return fmt.Errorf("bad id %q", j.ID)
	}
	temp := func(p, target string) bool {
		return p == "" || (filepath.Dir(p) == filepath.Dir(target) && strings.HasPrefix(filepath.Base(p), tempPrefix+j.ID+"-"))
	}
	for _, op := range j.Ops {
		if !inside(op.Target) && !(filepath.IsAbs(op.Target) && !op.Remove) {
			return fmt.Errorf("bad target %q", op.Target)
		}
		if !temp(op.Stage, op.Target) || !temp(op.Old, op.Target) || (op.Remove && (op.Stage != "" || op.Old == "")) || (!op.Remove && op.Stage == "") {
			return fmt.Errorf("bad names for %q", op.Target)
		}
	}
	for _, d := range j.Dirs {
		if !inside(d) && !filepath.IsAbs(d) {
			return fmt.Errorf("bad folder %q", d)
		}
	}
	return nil
}

// throughLink reports whether a path the journal names inside the folder
// goes through a symbolic link, which recovery never follows.
func throughLink(fsys fileSystem, root string, j *journal) bool {
	for _, op := range j.Ops {
		if filepath.IsAbs(op.Target) {
			continue
		}
		for d := filepath.Dir(op.Target); d != "."; d = filepath.Dir(d) {
			if fi, err := fsys.Lstat(filepath.Join(root, d)); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
				return true
			}
		}
	}
	return false
}

// inside reports whether p is a clean relative path in the folder.
func inside(p string) bool {
	return p != "" && !filepath.IsAbs(p) && filepath.Clean(p) == p && p != ".." && !strings.HasPrefix(p, ".."+string(filepath.Separator))
}

// clearTemps removes the temporary files of writes that died before they
// wrote their journal, in the base's own places (symbolic links are not
// followed).
func clearTemps(fsys fileSystem, root string) error {
	for _, sub := range []string{".", "tiers", "tls"} {
		d := filepath.Join(root, sub)
		if sub != "." {
			fi, err := fsys.Lstat(d)
			if errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.IsDir()) {
				continue
			}
			if err != nil {
				return err
			}
		}
		entries, err := fsys.ReadDir(d)
		if err != nil {
			return fmt.Errorf("reading %s: %w", d, err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && strings.HasPrefix(e.Name(), tempPrefix) {
				if err := ignoreMissing(fsys.Remove(filepath.Join(d, e.Name()))); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
