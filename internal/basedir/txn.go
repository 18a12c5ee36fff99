package basedir

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// A write is one transaction over the folder, recorded in a journal
// (JournalFile) that the next run reads before anything else:
//
//  1. the journal is saved as "pending", listing every file the write
//     stages, links and replaces, and the folders it makes;
//  2. each new file is staged beside its target under a random name and
//     synced, each file to be replaced is hard-linked to a second random
//     name (its way back), and the folders are synced;
//  3. the journal is saved as "commit": the point of no return;
//  4. the staged files are renamed onto their targets, stale files onto
//     their way-back names, the folders synced, the way-back links and
//     the journal removed.
//
// A run that finds a pending journal undoes steps 1-2; one that finds a
// committed journal finishes step 4. A failure within the run after the
// commit point saves the journal as "rollback" and puts every replaced
// file back from its link, which a later run finishes if need be. Either
// way the folder holds the old files or the new ones, never a mix.
const (
	// JournalFile is the journal of an unfinished write, in the folder.
	JournalFile = ".kubenetgen-journal"
	// tempPrefix starts the name of every staged file, way-back link and
	// journal draft: a run removes such files it finds without a journal.
	tempPrefix = ".kubenetgen-tmp-"
)

const (
	statePending  = "pending"
	stateCommit   = "commit"
	stateRollback = "rollback"
)

// journal is the record of one write. Paths inside the folder are
// relative to it, so that a moved folder still recovers; paths outside it
// (a spec file written with the base) are absolute.
type journal struct {
	State string `json:"state"`
	ID    string `json:"id"`
	Ops   []txOp `json:"ops"`
	// Dirs are the folders the write makes, in order; undoing it removes
	// them again when empty.
	Dirs []string `json:"dirs,omitempty"`
}

// txOp is one file of a write: staged and renamed onto Target, or, with
// Remove, taken away.
type txOp struct {
	Target string `json:"target"`
	Stage  string `json:"stage,omitempty"`
	// Old is the way back: a hard link to what Target held before.
	Old    string `json:"old,omitempty"`
	Remove bool   `json:"remove,omitempty"`

	data []byte
	perm fs.FileMode
}

// tx is a write being carried out in root.
type tx struct {
	fs   fileSystem
	root string
	j    journal
	// recovering is set when the journal was read from the disk: it may
	// not be kubenetgen's, so nothing outside the folder is removed.
	recovering bool
}

// newID names a write; a variable so that a test can give two writes the
// same name, as two processes with the same PID would have had.
var newID = func() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// abs is where a journal path is on disk.
func (t *tx) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(t.root, p)
}

// exists reports whether p is there, as a file or anything else. A
// failure to tell is an error: guessing would mix the folder.
func (t *tx) exists(p string) (bool, error) {
	_, err := t.fs.Lstat(t.abs(p))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// save writes the journal in the given state: a draft renamed over the
// journal, so that the journal on disk is always whole. With durable, the
// draft and the folder are synced first and after: the commit and
// rollback states must be on the disk before the first rename they
// allow. A pending journal need not: it is synced with the staged files.
func (t *tx) save(state string, durable bool) error {
	t.j.State = state
	data, err := json.Marshal(&t.j)
	if err != nil {
		return err
	}
	draft := filepath.Join(t.root, tempPrefix+t.j.ID+".journal")
	if err := t.writeFile(draft, data, 0o600, durable); err != nil {
		return err
	}
	if err := t.fs.Rename(draft, filepath.Join(t.root, JournalFile)); err != nil {
		t.fs.Remove(draft)
		return err
	}
	if !durable {
		return nil
	}
	return t.fs.SyncDir(t.root)
}

// writeFile makes a new file with data, synced if sync is set.
func (t *tx) writeFile(p string, data []byte, perm fs.FileMode, sync bool) error {
	f, err := t.fs.Create(p, perm)
	if errors.Is(err, fs.ErrExist) {
		// A leftover of a killed write that had the same id: the name is
		// kubenetgen's own, and no live write has it (the folder is locked).
		if err := t.fs.Remove(p); err != nil {
			return err
		}
		f, err = t.fs.Create(p, perm)
	}
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	var serr error
	if sync && werr == nil {
		serr = f.Sync()
	}
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		t.fs.Remove(p)
		return err
	}
	return nil
}

// run carries out the write. On an error the folder is as before, or, if
// even undoing failed, the journal says how to get it there.
func (t *tx) run() error {
	if err := t.save(statePending, false); err != nil {
		t.fs.Remove(filepath.Join(t.root, JournalFile))
		return fmt.Errorf("starting the write: %w", err)
	}
	if err := t.stage(); err != nil {
		return t.fail(err, t.undo())
	}
	if err := t.save(stateCommit, true); err != nil {
		// The journal may or may not say "commit" now: make it say
		// "rollback", and undo.
		return t.fail(err, t.rollback())
	}
	if err := t.apply(); err != nil {
		return t.fail(err, t.rollback())
	}
	return t.finish()
}

func (t *tx) fail(err, undo error) error {
	if undo != nil {
		return fmt.Errorf("%w; undoing it failed too (the next kubenetgen run in the folder finishes undoing it): %v", err, undo)
	}
	return err
}

// stage makes the folders, stages every new file and links every file
// to be replaced, then syncs all of it: one sync of each file system
// involved rather than one per file.
func (t *tx) stage() error {
	for _, d := range t.j.Dirs {
		if err := t.fs.Mkdir(t.abs(d), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("creating %s: %w", t.abs(d), err)
		}
	}
	dirs := map[string]bool{}
	for _, op := range t.j.Ops {
		target := t.abs(op.Target)
		if op.Stage != "" {
			if err := t.writeFile(t.abs(op.Stage), op.data, op.perm, false); err != nil {
				return fmt.Errorf("writing %s: %w", target, err)
			}
			dirs[filepath.Dir(target)] = true
		}
		if op.Remove {
			dirs[filepath.Dir(target)] = true
		}
		if op.Old != "" && !op.Remove {
			if err := t.fs.Link(target, t.abs(op.Old)); err != nil {
				return fmt.Errorf("keeping a way back to %s: %w", target, err)
			}
		}
	}
	return t.syncFS(dirs)
}

// syncFS syncs the file systems that hold dirs: the folder's, and the
// one of a spec file outside it (usually the same).
func (t *tx) syncFS(dirs map[string]bool) error {
	done := map[string]bool{}
	dirs[t.root] = true
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		key := d
		if d != t.root && strings.HasPrefix(d, t.root+string(filepath.Separator)) {
			key = t.root // the folder's own places are on its file system
		}
		if done[key] {
			continue
		}
		done[key] = true
		if err := t.fs.SyncFS(d); err != nil {
			return fmt.Errorf("syncing %s: %w", d, err)
		}
	}
	return nil
}

// apply renames the staged files onto their targets and the stale ones
// away. It is also how a later run finishes a committed write: a staged
// file that is gone was renamed already.
func (t *tx) apply() error {
	for _, op := range t.j.Ops {
		target := t.abs(op.Target)
		from, to, what := op.Stage, op.Target, "replacing"
		if op.Remove {
			from, to, what = op.Target, op.Old, "removing"
		}
		there, err := t.exists(from)
		if err != nil {
			return fmt.Errorf("%s %s: %w", what, target, err)
		}
		if there {
			if err := t.fs.Rename(t.abs(from), t.abs(to)); err != nil {
				return fmt.Errorf("%s %s: %w", what, target, err)
			}
		}
	}
	return nil
}

// finish makes a committed write durable and clears its traces.
func (t *tx) finish() error {
	dirs := map[string]bool{t.root: true}
	for _, op := range t.j.Ops {
		dirs[filepath.Dir(t.abs(op.Target))] = true
	}
	// The renames are on the disk before the journal that allows them
	// goes.
	if err := t.syncFS(dirs); err != nil {
		return err
	}
	var errs []error
	for _, op := range t.j.Ops {
		if op.Old != "" {
			errs = append(errs, ignoreMissing(t.fs.Remove(t.abs(op.Old))))
		}
	}
	// The folders that removing stale files emptied.
	for _, d := range []string{"tiers", "tls"} {
		if slices.ContainsFunc(t.j.Ops, func(op txOp) bool { return op.Remove && strings.HasPrefix(op.Target, d+"/") }) {
			t.fs.Remove(filepath.Join(t.root, d))
		}
	}
	errs = append(errs, ignoreMissing(t.fs.Remove(filepath.Join(t.root, JournalFile))))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("finishing the write (it is complete; the next run clears what is left): %w", err)
	}
	// Not synced: a journal that comes back after a power loss finds
	// the write done, and goes again.
	return nil
}

// undo takes back a write that never reached its commit point: its
// staged files and links, its folders, its journal.
func (t *tx) undo() error {
	var errs []error
	for _, op := range t.j.Ops {
		if op.Stage != "" {
			errs = append(errs, ignoreMissing(t.fs.Remove(t.abs(op.Stage))))
		}
		if op.Old != "" && !op.Remove {
			errs = append(errs, ignoreMissing(t.fs.Remove(t.abs(op.Old))))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	t.removeDirs()
	return ignoreMissing(t.fs.Remove(filepath.Join(t.root, JournalFile)))
}

// rollback takes back a write past its commit point: every target gets
// what it held before. It is also how a later run finishes a rollback.
func (t *tx) rollback() error {
	if err := t.save(stateRollback, true); err != nil {
		return err
	}
	for _, op := range t.j.Ops {
		target := t.abs(op.Target)
		staged, err := t.exists(op.Stage)
		if err != nil {
			return fmt.Errorf("putting %s back: %w", target, err)
		}
		if op.Remove {
			staged = false
		}
		switch {
		case op.Remove || (op.Old != "" && !staged):
			// Renamed away, or replaced: the way back holds the old file.
			back, err := t.exists(op.Old)
			if err != nil {
				return fmt.Errorf("putting %s back: %w", target, err)
			}
			if back {
				if err := t.fs.Rename(t.abs(op.Old), target); err != nil {
					return fmt.Errorf("putting %s back: %w", target, err)
				}
			}
		case staged:
			if err := t.fs.Remove(t.abs(op.Stage)); err != nil {
				return err
			}
			if op.Old != "" {
				if err := ignoreMissing(t.fs.Remove(t.abs(op.Old))); err != nil {
					return err
				}
			}
		case t.recovering && filepath.IsAbs(op.Target):
			// A new file outside the folder stays: a journal read from
			// the disk does not get to remove a file out there.
		default:
			// A new file, renamed into place.
			if err := ignoreMissing(t.fs.Remove(target)); err != nil {
				return fmt.Errorf("removing %s again: %w", target, err)
			}
		}
	}
	dirs := map[string]bool{t.root: true}
	for _, op := range t.j.Ops {
		dirs[filepath.Dir(t.abs(op.Target))] = true
	}
	if err := t.syncFS(dirs); err != nil {
		return err
	}
	t.removeDirs()
	return ignoreMissing(t.fs.Remove(filepath.Join(t.root, JournalFile)))
}

// removeDirs removes the folders the write made, when empty.
func (t *tx) removeDirs() {
	for i := len(t.j.Dirs) - 1; i >= 0; i-- {
		if t.recovering && filepath.IsAbs(t.j.Dirs[i]) {
			continue
		}
		t.fs.Remove(t.abs(t.j.Dirs[i]))
	}
}

func ignoreMissing(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
