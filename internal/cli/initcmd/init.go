// Package initcmd is the `kubenetgen init` command: a wizard that asks
// about the app's tiers and how they are reached, then writes
// kubenetgen.yaml and the kustomize base. Without a terminal (or with
// --no-prompt) the same command takes every answer from flags.
package initcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cli/generate"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/prompter"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/templates"
)

// SpecFile is the name of the spec init writes beside the base.
const SpecFile = "kubenetgen.yaml"

// InitOptions are the inputs of one init run.
type InitOptions struct {
	IO *iostreams.IOStreams
	// Prompter asks the questions; nil asks at the terminal of IO.
	Prompter prompter.Prompter
	// Ctx is canceled by Ctrl-C between questions.
	Ctx context.Context

	// Dir is the folder for kubenetgen.yaml and the base.
	Dir      string
	Preset   string
	NoPrompt bool
	Force    bool
	Yes      bool
	App      appflags.Values

	// Flags is the command's flag set, to tell given flags from defaults.
	Flags *pflag.FlagSet
}

// NewCmdInit returns the init command. runF replaces the run function in
// tests of flag parsing.
func NewCmdInit(f *cmdutil.Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Ask about the app, then write kubenetgen.yaml and the kustomize base",
		Long: `Ask about the app's tiers and how each is reached, then write DIR/kubenetgen.yaml
and the kustomize base into DIR (kustomization.yaml at its root). DIR defaults
to the current folder.

Flags answer questions in advance: the wizard asks only what they leave
unset. Without a terminal, with --no-prompt or with KUBENETGEN_NO_PROMPT=1,
nothing is asked: the flags (and --preset or an existing DIR/kubenetgen.yaml)
must answer everything, and whatever is missing is named in one error.
Nothing is written until you confirm; an existing kubenetgen.yaml is offered
for editing and never silently replaced.`,
		Example: `  kubenetgen init deploy/base
  kubenetgen init deploy/base --preset three-tier
  kubenetgen init deploy/base --no-prompt --name shop \
    --tier 'name=web,image=ghcr.io/acme/web:1.4,port=http:8080,replicas=2' \
    --tier 'name=api,image=ghcr.io/acme/api:1.4,port=http:9090' \
    --allow 'web->api' \
    --ingress-class traefik --rule 'shop.example.com/=web:http,tls=shop-tls'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("init takes one folder, got %d arguments: %s", len(args), strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			opts.Flags = cmd.Flags()
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Preset, "preset", "", "start from a preset: "+strings.Join(presetNames(), ", ")+" (the wizard asks otherwise)")
	fs.BoolVar(&opts.NoPrompt, "no-prompt", false, "ask nothing: take every answer from flags, the preset or DIR/kubenetgen.yaml")
	fs.BoolVar(&opts.Force, "force", false, "replace DIR/kubenetgen.yaml and base files that were edited since kubenetgen wrote them")
	fs.BoolVarP(&opts.Yes, "yes", "y", false, "write without the final confirmation")
	appflags.AddFlags(cmd, &opts.App)
	return cmd
}

func presetNames() []string {
	var out []string
	for _, p := range templates.Presets() {
		out = append(out, p.Name)
	}
	return out
}

// start is where the answers begin: a preset, the existing spec file, or
// nothing.
type start struct {
	app *spec.App
	// existing is the spec file's content, nil when there is none.
	existing []byte
	// fromFile says the answers start from the existing spec file.
	fromFile bool
	// consented says the user chose, at a prompt, what happens to an
	// existing spec file.
	consented bool
}

func initRun(opts *InitOptions) error {
	if opts.Ctx == nil {
		opts.Ctx = context.Background()
	}
	if opts.NoPrompt {
		opts.IO.SetNeverPrompt(true)
	}
	var preset *templates.Preset
	if opts.Flags.Changed("preset") {
		p, err := templates.PresetByName(opts.Preset)
		if err != nil {
			return cmdutil.FlagErrorf("--preset %w", err)
		}
		preset = &p
	}
	specPath := filepath.Join(opts.Dir, SpecFile)
	st := &start{}
	existing, err := readExisting(specPath)
	if err != nil {
		return err
	}
	st.existing = existing

	p := opts.Prompter
	// talk is where the wizard speaks: stderr, like all talk, unless
	// stderr is redirected; then stdout, which CanPrompt found a terminal,
	// so that the questions and the summary stay in front of the user.
	talk := opts.IO.ErrOut
	if p == nil && opts.IO.CanPrompt() {
		if !opts.IO.IsStderrTTY() {
			talk = opts.IO.Out
		}
		in, inOK := opts.IO.In.(prompter.FileReader)
		out, outOK := talk.(prompter.FileWriter)
		if inOK && outOK {
			p = prompter.New(in, out)
		}
	}
	if p == nil || !opts.IO.CanPrompt() {
		return noPromptRun(opts, st, preset, specPath)
	}

	w := &wizard{ctx: opts.Ctx, p: p, out: talk, suggestName: suggestAppName(opts.Dir)}
	return wizardRun(opts, w, st, preset, specPath)
}

// wizardRun asks what the flags left open, shows the summary and writes
// once the user confirms.
func wizardRun(opts *InitOptions, w *wizard, st *start, preset *templates.Preset, specPath string) error {
	fmt.Fprintf(w.out, "kubenetgen init: a few questions about your app, then %s and its kustomize base in %s.\n"+
		"Type ? for help at any question, Ctrl-C to quit. Nothing is written until you confirm.\n\n", specPath, opts.Dir)
	var err error
	switch {
	case preset != nil:
		st.app, err = loadPreset(*preset)
	case st.existing != nil:
		var k int
		k, err = w.selectOne(specPath+" exists: what now?", helpExisting,
			[]string{"edit it: its values become the defaults", "start over from a preset (it is replaced when you confirm)"}, 0)
		if err != nil {
			return err
		}
		st.consented = true
		if k == 0 {
			st.app, err = loadSpec(specPath, st.existing)
			st.fromFile = true
		} else {
			st.app, err = w.choosePreset()
		}
	case opts.Flags.Changed(appflags.FlagTier):
		// The flags describe the tiers: a preset's would only be in the way.
		st.app = &spec.App{APIVersion: spec.APIVersion, Kind: spec.Kind}
	default:
		st.app, err = w.choosePreset()
	}
	if err != nil {
		return err
	}
	if err := opts.App.Apply(opts.Flags, st.app); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	if err := flagProblems(opts.Flags, &opts.App, st.app); err != nil {
		return err
	}
	w.app = st.app
	w.skip = skipFromFlags(opts.Flags)
	for _, section := range []func() error{w.appSection, w.tiersSection, w.ingressSection} {
		if err := section(); err != nil {
			return err
		}
	}
	for {
		if ps := spec.Validate(defaulted(w.app)); len(ps) > 0 {
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

// suggestAppName offers the folder's name as the app's name when it is a
// valid one.
func suggestAppName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err == nil {
		if base := strings.ToLower(filepath.Base(abs)); len(validation.IsDNS1035Label(base)) == 0 {
			if base != "base" && base != "deploy" {
				return base
			}
		}
	}
	return "my-app"
}

// readExisting returns the spec file's content, or nil when there is none.
func readExisting(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, nil
}

func loadSpec(path string, data []byte) (*spec.App, error) {
	a, err := spec.Load(data)
	if err != nil {
		var ps spec.Problems
		if errors.As(err, &ps) {
			return nil, appflags.ProblemsError(path+": fix it, or start over with --preset", ps, nil)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// plan is everything init is about to write, decided before anything is.
type plan struct {
	dir      string
	specPath string
	given    *spec.App
	app      *spec.App
	specData []byte
	files    []gen.File
	result   *gen.WriteResult
}

// newPlan renders the base and checks, without writing, that it may be
// written: files edited since kubenetgen wrote them are refused unless
// --force, exactly as generate does.
func newPlan(opts *InitOptions, given *spec.App) (*plan, error) {
	pl := &plan{dir: opts.Dir, specPath: filepath.Join(opts.Dir, SpecFile), given: given, app: defaulted(given)}
	var err error
	if pl.specData, err = spec.Marshal(given); err != nil {
		return nil, fmt.Errorf("encoding the spec: %w", err)
	}
	if pl.files, err = gen.Render(pl.app, opts.Dir); err != nil {
		return nil, err
	}
	if pl.result, err = gen.Write(opts.Dir, pl.files, gen.WriteOptions{Force: opts.Force, DryRun: true}); err != nil {
		return nil, err
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
	res, err := gen.Write(pl.dir, pl.files, gen.WriteOptions{Force: opts.Force, Also: []gen.File{{Path: pl.specPath, Data: pl.specData}}})
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	generate.Report(w, pl.dir, res, false)
	fmt.Fprintf(w, "saved the spec to %s\n", pl.specPath)
	fmt.Fprintf(w, "\nNext steps:\n")
	fmt.Fprintf(w, "  kubectl apply -k %s\n", pl.dir)
	fmt.Fprintf(w, "  kubenetgen generate -f %s -o %s   (after editing %s)\n", pl.specPath, pl.dir, SpecFile)
	for _, c := range gen.SelfSignedCerts(pl.app) {
		fmt.Fprintf(w, "  curl --cacert %s https://%s/   (trusts the self-signed certificate for one request)\n", filepath.Join(pl.dir, filepath.FromSlash(c.CertPath())), c.Hosts[0])
	}
	return nil
}
