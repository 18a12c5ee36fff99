package initcmd

// The wizard: its questions are asked section by section, each in a file
// of its own (app.go, tiers.go, access.go, tls.go), then plan.go shows
// what would be written and asks to confirm.

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/clusterfacts"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/prompter"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/templates"
)

// wizard asks the questions and records the answers in app, which holds
// only what was given (presets, the spec file, flags and answers), never
// defaults: spec.Default fills those when the base is rendered.
type wizard struct {
	ctx context.Context
	p   prompter.Prompter
	out io.Writer
	app *spec.App
	// skip holds the questions the flags answered, which are not asked.
	skip appflags.Answered
	// suggestName is the app name offered when nothing gave one.
	suggestName string
	// fromFile says the answers start from a spec file, whose namespace
	// stays when the app is renamed.
	fromFile bool
	// facts are what --from-cluster found, nil without it: the ingress
	// controller of the class chosen is the default of its questions.
	facts *clusterfacts.Facts
}

// inputQ is one text question whose answer changes the app.
type inputQ struct {
	msg, help, def string
	// suggested marks def as a suggestion rather than the current value, so
	// accepting it still changes the app.
	suggested bool
	// fields are the spec fields the answer sets; their problems, in
	// spec.Validate's words, refuse the answer.
	fields []string
	// apply records the answer in a; it is also run on a copy to judge the
	// answer before it is accepted.
	apply func(a *spec.App, s string) error
}

func (w *wizard) canceled() error {
	if w.ctx.Err() != nil {
		return cmdutil.ErrCanceled
	}
	return nil
}

func (w *wizard) input(q inputQ) error {
	if err := w.canceled(); err != nil {
		return err
	}
	changes := func(s string) bool { return q.suggested || s != q.def }
	validate := func(s string) error {
		s = strings.TrimSpace(s)
		c := w.app.Clone()
		if changes(s) {
			if err := q.apply(c, s); err != nil {
				return err
			}
		}
		return problemsAt(c, q.fields...)
	}
	s, err := w.p.Input(q.msg, q.help, q.def, validate)
	if err != nil {
		return err
	}
	if s = strings.TrimSpace(s); changes(s) {
		return q.apply(w.app, s)
	}
	return nil
}

// ask asks for a line of text that is not a field of the app.
func (w *wizard) ask(msg, help, def string, validate func(string) error) (string, error) {
	if err := w.canceled(); err != nil {
		return "", err
	}
	s, err := w.p.Input(msg, help, def, validate)
	return strings.TrimSpace(s), err
}

func (w *wizard) confirmYN(msg, help string, def bool) (bool, error) {
	if err := w.canceled(); err != nil {
		return false, err
	}
	return w.p.Confirm(msg, help, def)
}

func (w *wizard) selectOne(msg, help string, options []string, def int) (int, error) {
	if err := w.canceled(); err != nil {
		return 0, err
	}
	return w.p.Select(msg, help, options, def)
}

// note tells the user something between questions, its lines broken
// between words at the terminal's width.
func (w *wizard) note(format string, args ...any) {
	iostreams.Fprintw(w.out, fmt.Sprintf(format+"\n", args...))
}

// choosePreset asks which preset to start from.
func (w *wizard) choosePreset() (*shared.Start, error) {
	presets := templates.Presets()
	options := make([]string, len(presets))
	for i, p := range presets {
		options[i] = p.Title
	}
	i, err := w.selectOne("Start from", helpPreset, options, 0)
	if err != nil {
		return nil, err
	}
	return shared.FromPreset(presets[i])
}

// wizardRun asks what the flags left open, shows the summary and writes
// once the user confirms.
func wizardRun(opts *InitOptions, w *wizard, st *start, preset *templates.Preset, specPath string) error {
	others, err := otherFiles(opts.Dir)
	if err != nil {
		return err
	}
	propose := opts.DirDefaulted && st.existing == nil && len(others) > 0
	where := specPath + " and its kustomize base in " + opts.Dir
	if propose {
		where = SpecFile + " and its kustomize base"
	}
	w.note("kubenetgen init: a few questions about your app, then %s.\n"+
		"Type ? for help at any question, Ctrl-C to quit. Nothing is written until you confirm.\n", where)
	if propose {
		if opts.Dir, err = w.proposeFolder(others); err != nil {
			return err
		}
		specPath = filepath.Join(opts.Dir, SpecFile)
		if st.existing, err = shared.ReadExisting(specPath); err != nil {
			return err
		}
		w.suggestName = suggestAppName(opts.Dir)
	}
	if err := w.checkFolderFirst(opts.Dir, knownApp(opts, preset, st.existing), opts.Force); err != nil {
		return err
	}
	switch {
	case preset != nil:
		st.Start, err = shared.FromPreset(*preset)
	case st.existing != nil:
		var k int
		k, err = w.selectOne(specPath+" exists: what now?", helpExisting,
			[]string{"edit it: its values become the defaults", "start over from a preset (it is replaced when you confirm)"}, 0)
		if err != nil {
			return err
		}
		st.consented = true
		if k == 0 {
			st.Start, err = shared.FromData(specPath, st.existing)
		} else {
			st.Start, err = w.choosePreset()
		}
	case opts.Flags.Changed(appflags.FlagTier):
		// The flags describe the tiers: a preset's would only be in the way.
		st.Start = shared.Blank()
	default:
		st.Start, err = w.choosePreset()
	}
	if err != nil {
		return err
	}
	if err := st.Apply(&opts.App, opts.Flags); err != nil {
		return err
	}
	// The cluster's facts become the defaults of their questions.
	if w.facts, err = st.FromCluster(opts.Ctx, &opts.App, opts.Flags, w.out, opts.ReadCluster); err != nil {
		return err
	}
	if err := flagProblems(opts.Flags, &opts.App, st.App); err != nil {
		return err
	}
	w.app, w.fromFile = st.App, st.FromFile
	w.skip = appflags.AnsweredBy(opts.Flags)
	for _, section := range []func() error{w.appSection, w.tiersSection, w.ingressSection} {
		if err := section(); err != nil {
			return err
		}
	}
	if shared.DropStaleGateway(w.app, w.facts) {
		w.note("note: the Gateway was changed after the cluster was read: its data plane is the preset's again, unchecked; run init --from-cluster with --gateway-class and --gateway to check them")
	}
	return w.confirm(opts, st, specPath)
}

// knownApp is the app as far as it is known before the first question:
// the preset's or the spec file's, with the tiers --tier names, enough to
// tell which files of the folder the base will want to replace.
func knownApp(opts *InitOptions, preset *templates.Preset, existing []byte) *spec.App {
	a := &spec.App{}
	switch {
	case preset != nil:
		if s, err := shared.FromPreset(*preset); err == nil {
			a = s.App
		}
	case existing != nil:
		if l, err := spec.Load(existing); err == nil {
			a = l
		}
	}
	for _, s := range opts.App.Tiers {
		if t, err := spec.ParseTier(s); err == nil && a.Tier(t.Name) == nil {
			a.Tiers = append(a.Tiers, t)
		}
	}
	return a
}

// Help for the questions before the sections.
const (
	helpExisting = "kubenetgen.yaml is your app's spec: kubenetgen generate turns it into the base. " +
		"Editing it keeps its values as the defaults of every question; nothing is written until you confirm."
	helpPreset = "A preset fills in the default of every later question; you can change any of it. " +
		"blank starts from nothing."
)
