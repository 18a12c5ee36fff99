// Package generate is the `kubenetgen generate` command: spec file or
// flags in, kustomize base out.
package generate

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/basedir"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/internal/overlay"
	"github.com/kubenetgen/kubenetgen/spec"
)

// GenerateOptions are the inputs of one generate run.
type GenerateOptions struct {
	IO *iostreams.IOStreams

	SpecFile  string
	Output    string
	Force     bool
	DryRun    bool
	WriteSpec string
	// Overlays are environments to scaffold overlays for, beside the base.
	Overlays []string
	App      appflags.Values

	// Flags is the command's flag set, to tell given flags from defaults.
	Flags *pflag.FlagSet
	// Ctx bounds the reading of the cluster (--from-cluster).
	Ctx context.Context
}

// NewCmdGenerate returns the generate command. runF replaces the run
// function in tests of flag parsing.
func NewCmdGenerate(f *cmdutil.Factory, runF func(*GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "generate [-f kubenetgen.yaml | --name NAME --tier SPEC…] [-o DIR|-]",
		Short: "Write the kustomize base of an app from its spec file or flags",
		Long: `Write the kustomize base of an app, from kubenetgen.yaml (-f) or from flags.

The base goes into the folder given with -o (kustomization.yaml at its root),
or to standard output as multi-document YAML with -o - (the default). Files
edited since kubenetgen wrote them are never replaced without --force.`,
		Example: `  kubenetgen generate -f kubenetgen.yaml -o deploy/base
  kubenetgen generate -f kubenetgen.yaml -o - | kubectl apply -f -
  kubenetgen generate --name shop \
    --tier 'name=web,image=ghcr.io/acme/web:1.4,port=http:8080,replicas=2' \
    --tier 'name=api,image=ghcr.io/acme/api:1.4,port=http:9090' \
    --allow 'web->api' \
    --ingress-class traefik --rule 'shop.example.com/=web:http,tls=shop-tls' \
    -o deploy/base --write-spec kubenetgen.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.FlagErrorf("generate takes no arguments, got %q: give the spec with -f FILE and the output with -o DIR", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Flags = cmd.Flags()
			opts.Ctx = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return generateRun(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.SpecFile, "file", "f", "", "the app's spec, kubenetgen.yaml (- for standard input); flags given with it override its values")
	fs.StringVarP(&opts.Output, "output", "o", "-", "folder to write the base into, or - for multi-document YAML on standard output")
	fs.BoolVar(&opts.Force, "force", false, "replace files that were edited since kubenetgen wrote them")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "say what would be written, write nothing")
	fs.StringVar(&opts.WriteSpec, "write-spec", "", "also save the spec the flags describe to this file (kubenetgen.yaml)")
	fs.StringSliceVar(&opts.Overlays, "overlays", nil, "also scaffold an overlay per environment (dev,prod) in overlays/ENV beside the base, written once and then yours")
	appflags.AddFlags(cmd, &opts.App)
	return cmd
}

// load turns the spec file and the app flags into a defaulted, valid App.
// With keepGiven it also returns the spec as given, before defaults, as
// kubenetgen.yaml text (for --write-spec). Flag mistakes are FlagErrors;
// spec problems are plain errors listing every problem.
func load(opts *GenerateOptions, keepGiven bool) (app *spec.App, givenSpec []byte, err error) {
	var st *shared.Start
	switch {
	case opts.SpecFile != "":
		st, err = shared.FromFile(shared.SpecFile{Flag: "-f", Path: opts.SpecFile, Stdin: opts.IO.In,
			Hint: "create one with kubenetgen init, or describe the app with flags"})
		if err != nil {
			return nil, nil, err
		}
	case !appflags.Describes(opts.Flags):
		return nil, nil, cmdutil.FlagErrorf("nothing to generate: give the spec with -f kubenetgen.yaml, or describe the app with --name and --tier (see --help)")
	default:
		st = shared.Blank()
	}
	if err := st.Apply(&opts.App, opts.Flags); err != nil {
		return nil, nil, err
	}
	ctx := opts.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if _, err := st.FromCluster(ctx, &opts.App, opts.Flags, opts.IO.ErrOut, nil); err != nil {
		return nil, nil, err
	}
	if missing := appflags.MissingRequired(opts.Flags); opts.SpecFile == "" && len(missing) > 0 {
		return nil, nil, cmdutil.FlagErrorf("missing %s: describe the app with --name NAME and at least one --tier 'name=NAME,image=IMAGE,port=NAME:PORT'", strings.Join(missing, " and "))
	}
	if keepGiven {
		if givenSpec, err = spec.Marshal(st.App); err != nil {
			return nil, nil, fmt.Errorf("encoding the spec: %w", err)
		}
	}
	if app, err = st.Resolve(&opts.App, opts.Flags); err != nil {
		return nil, nil, err
	}
	return app, givenSpec, nil
}

func generateRun(opts *GenerateOptions) error {
	// Prepare the encoder on the other core while the spec is read.
	go gen.Warm()
	if opts.Output == "" {
		return cmdutil.FlagErrorf("-o is empty: give a folder for the base, or - for standard output")
	}
	envs, err := overlay.ParseEnvs(opts.Overlays)
	if err != nil {
		return cmdutil.FlagErrorf("--overlays %w", err)
	}
	if len(envs) > 0 && opts.Output == "-" {
		return cmdutil.FlagErrorf("--overlays needs the base in a folder: give -o DIR")
	}
	if opts.Output != "-" && !opts.DryRun {
		// A write an earlier run left unfinished is finished first: the
		// spec may be one of its files.
		if err := basedir.Recover(opts.Output); err != nil {
			return err
		}
	}
	app, specData, err := load(opts, opts.WriteSpec != "")
	if err != nil {
		return err
	}
	if opts.WriteSpec != "" {
		if err := shared.CheckWriteSpec(opts.WriteSpec, specData, opts.Force); err != nil {
			return err
		}
	}
	shared.Warnings(opts.IO.ErrOut, app)
	if opts.Output == "-" {
		if opts.DryRun {
			fmt.Fprintf(opts.IO.ErrOut, "dry run: would print %d objects\n", len(gen.Build(app))+len(gen.SelfSignedCerts(app)))
		} else {
			// A streamed base has no pair to keep: a new one each run.
			pairs, err := gen.NewPairs(gen.SelfSignedCerts(app), time.Now())
			if err != nil {
				return err
			}
			if err := gen.Stream(opts.IO.Out, app, pairs); err != nil {
				return err
			}
		}
	} else {
		files, err := gen.Render(app, opts.Output)
		if err != nil {
			return err
		}
		// The spec file is written with the base, all or nothing.
		wo := basedir.Options{Force: opts.Force, DryRun: opts.DryRun, Pairs: gen.SelfSignedCerts(app)}
		if opts.WriteSpec != "" {
			wo.Also = []gen.File{{Path: opts.WriteSpec, Data: specData}}
		}
		res, err := basedir.Write(opts.Output, files, wo)
		if err != nil {
			return err
		}
		shared.Report(opts.IO.ErrOut, opts.Output, res, opts.DryRun)
		if opts.WriteSpec != "" && !opts.DryRun {
			shared.SavedSpec(opts.IO.ErrOut, opts.WriteSpec)
		}
		if len(envs) > 0 {
			ov, err := overlay.Scaffold(app, opts.Output, envs, opts.DryRun)
			if err != nil {
				return err
			}
			overlay.Report(opts.IO.ErrOut, ov, opts.DryRun)
		}
		return nil
	}
	if opts.WriteSpec != "" && !opts.DryRun {
		if err := shared.WriteSpec(opts.WriteSpec, specData); err != nil {
			return err
		}
		shared.SavedSpec(opts.IO.ErrOut, opts.WriteSpec)
	}
	return nil
}
