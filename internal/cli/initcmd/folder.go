package initcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/spec"
)

// The target folder is judged twice: before the first question, so that a
// user does not answer everything only to learn the base cannot be
// written there, and at the end, on the base as answered. When the end
// check fails the answers are saved on request, never dropped.

// suggestedFolder is the subfolder init proposes when run without DIR in a
// folder that holds other files.
const suggestedFolder = "deploy"

// otherFiles lists, sorted, the entries of dir that are neither the spec
// file nor files or folders of a base kubenetgen wrote: the files a base
// written into dir would sit beside. Hidden entries (.git, .gitignore)
// are left out: they are in every repository's root and say nothing about
// what the folder is for.
func otherFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."), name == SpecFile:
			continue
		case e.IsDir():
			if name == gen.TiersDir || name == gen.TLSDir {
				continue
			}
			out = append(out, name+"/")
		case e.Type().IsRegular():
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil && gen.Generated(data) {
				continue
			}
			out = append(out, name)
		default:
			out = append(out, name)
		}
	}
	return out, nil
}

// listSome writes up to four names, and how many more there are.
func listSome(names []string) string {
	if len(names) <= 4 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:4], ", "), len(names)-4)
}

// folderConflicts checks, writing nothing, whether the base of a (as far
// as it is known: the tiers may still change) could be written into dir,
// and returns Write's refusal if not. It asks the writer itself, through a
// dry run, so that the early check and the final one never disagree on
// what may be replaced.
func folderConflicts(dir string, a *spec.App, force bool) error {
	files := []gen.File{{Path: gen.KustomizationFile}, {Path: gen.ReadmeFile}, {Path: gen.NamespaceFile}, {Path: gen.PoliciesFile}, {Path: gen.IngressFile}}
	for _, t := range a.Tiers {
		if t.Name != "" {
			files = append(files, gen.File{Path: gen.TiersDir + "/" + t.Name + ".yaml"})
		}
	}
	_, err := basedir.Write(dir, files, basedir.Options{Force: force, DryRun: true})
	return err
}

// proposeFolder is asked when init runs without DIR in a folder holding
// other files: writing the base beside them mixes the two, so a subfolder
// of its own is proposed. It returns the folder chosen.
func (w *wizard) proposeFolder(others []string) (string, error) {
	w.note("This folder already holds other files (%s).", listSome(others))
	dir, err := w.ask("Folder for kubenetgen.yaml and the base", helpFolder, suggestedFolder, func(s string) error {
		if fi, err := os.Stat(strings.TrimSpace(s)); err == nil && !fi.IsDir() {
			return fmt.Errorf("%s is a file: name a folder", s)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if dir == "" {
		dir = "."
	}
	return filepath.Clean(dir), nil
}

// checkFolderFirst reports, before the first question, the files in the
// target folder that the base may not replace, and asks whether to go on.
func (w *wizard) checkFolderFirst(dir string, a *spec.App, force bool) error {
	err := folderConflicts(dir, a, force)
	var ce *basedir.ConflictError
	if !errors.As(err, &ce) {
		return err
	}
	w.note("%s\n", ce)
	ok, err := w.confirmYN(fmt.Sprintf("Answer the questions anyway? (the answers can be saved even if %s cannot take the base)", dir), helpConflictFirst, false)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w; run kubenetgen init with another folder, or move those files away first", cmdutil.ErrCanceled)
	}
	return nil
}

// saveAnswers is offered when the base cannot be written at the end: the
// answers are saved as the spec alone, and the user is told how to
// continue from it.
func (w *wizard) saveAnswers(pl *plan, conflict error) error {
	w.note("\n%s\n", conflict)
	const (
		optSave = iota
		optQuit
	)
	k, err := w.selectOne("The base cannot be written: what now?", helpSaveAnswers,
		[]string{"save the answers alone to " + pl.specPath + ", and write the base later", "quit without writing anything"}, optSave)
	if err != nil {
		return err
	}
	if k == optQuit {
		return fmt.Errorf("%w (the answers were not saved)", cmdutil.ErrCanceled)
	}
	if err := os.MkdirAll(pl.dir, 0o755); err != nil {
		return err
	}
	if err := shared.WriteSpec(pl.specPath, pl.specData); err != nil {
		return err
	}
	shared.SavedSpec(w.out, pl.specPath)
	w.note("To continue, move the files named above out of the way (or keep them and add --force, which replaces them), then run:\n"+
		"  kubenetgen generate -f %s -o %s\n"+
		"or, to change the answers, kubenetgen init %s: it starts from the saved ones.", pl.specPath, pl.dir, pl.dir)
	return cmdutil.ErrSilent
}

// isConflict reports whether err is the writer's refusal to replace files.
func isConflict(err error) bool {
	var ce *basedir.ConflictError
	return errors.As(err, &ce)
}

// noPromptFolder refuses, without a terminal, to write the base beside
// other files when no DIR was named: the user names the folder, "." to
// write beside them.
func noPromptFolder(dir string, existing []byte) error {
	if existing != nil {
		return nil
	}
	others, err := otherFiles(dir)
	if err != nil || len(others) == 0 {
		return err
	}
	return cmdutil.FlagErrorf("the current folder already holds other files (%s): name a folder of its own for the base, e.g. kubenetgen init %s, or kubenetgen init . to write beside them",
		listSome(others), suggestedFolder)
}

// Help for the folder questions.
const (
	helpFolder = "kubenetgen writes kubenetgen.yaml and the base (kustomization.yaml, namespace.yaml, tiers/…) into this folder. " +
		"A folder of its own keeps them apart from your other files; answer . to write beside them."
	helpConflictFirst = "The files above would be in the way of the base: kubenetgen never replaces a file you edited or did not write (--force does). " +
		"You may answer the questions now and, at the end, save the answers as kubenetgen.yaml alone."
	helpSaveAnswers = "Saving writes only kubenetgen.yaml, the spec of your answers; kubenetgen generate -f turns it into the base once the folder is clear."
)
