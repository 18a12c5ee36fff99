// Package initcmd is the `kubenetgen init` command: a wizard that asks
// about the app's tiers and how they are reached, then writes
// kubenetgen.yaml and the kustomize base. Without a terminal (or with
// --no-prompt) the same command takes every answer from flags.
package initcmd

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
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
	// ReadCluster reads the cluster's facts for --from-cluster; nil reads
	// the cluster the kubeconfig names.
	ReadCluster shared.ClusterReader

	// Dir is the folder for kubenetgen.yaml and the base.
	Dir string
	// DirDefaulted says no DIR was given: Dir is the current folder, and a
	// folder of its own is proposed when that holds other files.
	DirDefaulted bool
	Preset       string
	NoPrompt     bool
	Force        bool
	Yes          bool
	// KRM writes the kustomization wired to run kubenetgen as a KRM
	// function (kubenetgen fn) instead of the base's files.
	KRM bool
	App appflags.Values

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
to the current folder; when that already holds other files, the wizard
proposes a folder of its own (deploy/), and without prompts init asks you to
name one ("." writes beside them).

Flags answer questions in advance: the wizard asks only what they leave
unset. Without a terminal, with --no-prompt or with KUBENETGEN_NO_PROMPT=1,
nothing is asked: the flags (and --preset or an existing DIR/kubenetgen.yaml)
must answer everything, and whatever is missing is named in one error.
Nothing is written until you confirm; an existing kubenetgen.yaml is offered
for editing and never silently replaced. Files in DIR that the base may not
replace are named before the first question; if they are still in the way at
the end, the answers can be saved as kubenetgen.yaml alone.`,
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
			opts.Dir, opts.DirDefaulted = ".", true
			if len(args) == 1 {
				opts.DirDefaulted = false
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
	fs.BoolVar(&opts.KRM, "krm", false, "write a kustomization that runs kubenetgen as a KRM function with the spec as its config, instead of the base's files")
	appflags.AddFlags(cmd, &opts.App)
	_ = cmd.RegisterFlagCompletionFunc("preset", cobra.FixedCompletions(presetNames(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func presetNames() []string {
	var out []string
	for _, p := range templates.Presets() {
		out = append(out, p.Name)
	}
	return out
}

// start is where the answers begin (a preset, the existing spec file, or
// nothing) and what init must know of the existing spec file.
type start struct {
	*shared.Start
	// existing is the spec file's content, nil when there is none.
	existing []byte
	// consented says the user chose, at a prompt, what happens to an
	// existing spec file.
	consented bool
}

func initRun(opts *InitOptions) error {
	// Prepare the encoder on the other core while the spec is read.
	go gen.Warm()
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
			if c := spec.Closest(opts.Preset, presetNames()...); c != "" {
				return cmdutil.FlagErrorf("--preset %q is not a preset: did you mean %q? use one of %s", opts.Preset, c, strings.Join(presetNames(), ", "))
			}
			return cmdutil.FlagErrorf("--preset %w", err)
		}
		preset = &p
	}
	specPath := filepath.Join(opts.Dir, SpecFile)
	// A write an earlier run left unfinished is finished first: the spec
	// may be one of its files.
	if err := basedir.Recover(opts.Dir); err != nil {
		return err
	}
	st := &start{}
	existing, err := shared.ReadExisting(specPath)
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
		if opts.DirDefaulted {
			if err := noPromptFolder(opts.Dir, existing); err != nil {
				return err
			}
		}
		return noPromptRun(opts, st, preset, specPath)
	}

	w := &wizard{ctx: opts.Ctx, p: p, out: talk, suggestName: suggestAppName(opts.Dir)}
	return wizardRun(opts, w, st, preset, specPath)
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
