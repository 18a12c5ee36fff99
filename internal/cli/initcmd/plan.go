package initcmd

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/krm"
	"github.com/kubenetgen/kubenetgen/schema"
	"github.com/kubenetgen/kubenetgen/spec"
)

// confirm checks that the answers fit together, shows the summary and
// writes once the user confirms; otherwise it offers to revisit a section.
func (w *wizard) confirm(opts *InitOptions, st *start, specPath string) error {
	for {
		if ps := spec.Validate(spec.Defaulted(w.app)); len(ps) > 0 {
			fmt.Fprintf(w.out, "\nThe answers do not fit together yet:\n")
			for _, p := range ps {
				fmt.Fprintf(w.out, "  %s\n", p)
			}
			if err := w.revisit("What do you want to change?"); err != nil {
				return err
			}
			continue
		}
		pl, err := newPlan(opts, w.app)
		if isConflict(err) {
			return w.saveAnswers(pl, err)
		}
		if err != nil {
			return err
		}
		// Asking for confirmation is asking for consent to replace the spec.
		if err := pl.checkSpecFile(st, opts.Force || !opts.Yes); err != nil {
			return err
		}
		writeSummary(w.out, pl)
		ok := opts.Yes
		if !ok {
			if err := w.canceled(); err != nil {
				return err
			}
			msg := fmt.Sprintf("Write %s and the base into %s?", specPath, opts.Dir)
			if st.existing != nil && !bytes.Equal(st.existing, pl.specData) {
				msg = fmt.Sprintf("Replace %s and write the base into %s?", specPath, opts.Dir)
			}
			if ok, err = w.p.Confirm(msg, helpConfirm, true); err != nil {
				return err
			}
		}
		if ok {
			if err := w.canceled(); err != nil {
				return err
			}
			return pl.write(opts, w.out)
		}
		if err := w.revisit("What do you want to change?"); err != nil {
			return err
		}
	}
}

// revisit offers to go back to a section of the answers; it returns
// ErrCanceled when the user quits.
func (w *wizard) revisit(msg string) error {
	options := []string{"edit the tiers", "edit external access", "edit the app name, namespace and pod network", "quit without writing anything"}
	k, err := w.selectOne(msg, helpRevisit, options, 0)
	if err != nil {
		return err
	}
	switch k {
	case 0:
		w.skip.Reask(appflags.SectionTiers)
		return w.tiersSection()
	case 1:
		w.skip.Reask(appflags.SectionIngress, appflags.SectionTLS)
		return w.ingressSection()
	case 2:
		w.skip.Reask(appflags.SectionApp)
		return w.appSection()
	}
	return cmdutil.ErrCanceled
}

// plan is everything init is about to write, decided before anything is.
type plan struct {
	dir      string
	specPath string
	given    *spec.App
	app      *spec.App
	specData []byte
	files    []gen.File
	result   *basedir.Result
	// krm says the kustomization runs kubenetgen fn (init --krm).
	krm bool
}

// newPlan renders the base and checks, without writing, that it may be
// written: files edited since kubenetgen wrote them are refused unless
// --force, exactly as generate does. With the writer's refusal it returns
// the plan too, whose spec can still be saved.
func newPlan(opts *InitOptions, given *spec.App) (*plan, error) {
	pl := &plan{dir: opts.Dir, specPath: filepath.Join(opts.Dir, SpecFile), given: given, app: spec.Defaulted(given), krm: opts.KRM}
	written := given
	if pl.krm {
		written = given.Clone()
		krm.Annotate(written, krm.DefaultExec)
	}
	var err error
	if pl.specData, err = spec.Marshal(written); err != nil {
		return nil, fmt.Errorf("encoding the spec: %w", err)
	}
	// The modeline lets editors complete and check the file.
	pl.specData = append([]byte(schema.Modeline+"\n"), pl.specData...)
	if pl.krm {
		pl.files, err = krm.Files(SpecFile)
	} else {
		pl.files, err = gen.Render(pl.app, opts.Dir)
	}
	if err != nil {
		return nil, err
	}
	if pl.result, err = basedir.Write(opts.Dir, pl.files, basedir.Options{Force: opts.Force, DryRun: true, Pairs: gen.SelfSignedCerts(pl.app)}); err != nil {
		// The plan goes with the refusal: the answers can still be saved.
		return pl, err
	}
	return pl, nil
}

// checkSpecFile refuses to replace an existing spec file with other
// content unless the user agreed to (at a prompt, or with --force).
func (pl *plan) checkSpecFile(st *start, agreed bool) error {
	if st.existing == nil || bytes.Equal(st.existing, pl.specData) || st.consented || agreed {
		return nil
	}
	return fmt.Errorf("%s exists with other content; nothing was written (--force replaces it; or edit it and run kubenetgen generate -f %s -o %s)",
		pl.specPath, pl.specPath, pl.dir)
}

// write writes the base and the spec, all or nothing, and tells the user
// on w what it wrote and what to do next.
func (pl *plan) write(opts *InitOptions, w io.Writer) error {
	res, err := basedir.Write(pl.dir, pl.files, basedir.Options{Force: opts.Force, Pairs: gen.SelfSignedCerts(pl.app), Also: []gen.File{{Path: pl.specPath, Data: pl.specData}}})
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	shared.Report(w, pl.dir, res, false)
	shared.SavedSpec(w, pl.specPath)
	if pl.krm {
		krm.NextSteps(w, pl.dir)
	} else {
		shared.NextSteps(w, pl.dir, pl.specPath, pl.app)
	}
	return nil
}

// Help for the confirmation and the way back.
const (
	helpConfirm = "Nothing has been written yet. Yes writes kubenetgen.yaml and the base; files you edited since kubenetgen wrote them are never replaced (unless --force)."
	helpRevisit = "Go back to any part of the answers; everything you answered stays as the defaults."
)
