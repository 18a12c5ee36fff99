// Package generate is the `kubenetgen generate` command: spec file or
// flags in, kustomize base out.
package generate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
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
	App       appflags.Values

	// Flags is the command's flag set, to tell given flags from defaults.
	Flags *pflag.FlagSet
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
	appflags.AddFlags(cmd, &opts.App)
	return cmd
}

// Load turns the spec file and the app flags into a defaulted, valid App.
// With keepGiven it also returns the spec as given, before defaults, as
// kubenetgen.yaml text (for --write-spec). Flag mistakes are FlagErrors;
// spec problems are plain errors listing every problem.
func Load(ios *iostreams.IOStreams, specFile string, values *appflags.Values, flags *pflag.FlagSet, keepGiven bool) (app *spec.App, givenSpec []byte, err error) {
	given := &spec.App{}
	source := "flags"
	if specFile != "" {
		data, err := readSpec(ios, specFile)
		if err != nil {
			return nil, nil, err
		}
		source = specFile
		if specFile == "-" {
			source = "standard input"
		}
		given, err = spec.Load(data)
		if err != nil {
			var ps spec.Problems
			if errors.As(err, &ps) {
				return nil, nil, appflags.ProblemsError(source, ps, nil)
			}
			return nil, nil, err
		}
	} else if !appflags.Describes(flags) {
		return nil, nil, cmdutil.FlagErrorf("nothing to generate: give the spec with -f kubenetgen.yaml, or describe the app with --name and --tier (see --help)")
	} else {
		given.APIVersion, given.Kind = spec.APIVersion, spec.Kind
	}
	if err := values.Apply(flags, given); err != nil {
		return nil, nil, &cmdutil.FlagError{Err: err}
	}
	if specFile == "" {
		var missing []string
		if !flags.Changed(appflags.FlagName) {
			missing = append(missing, "--name")
		}
		if len(values.Tiers) == 0 {
			missing = append(missing, "--tier")
		}
		if len(missing) > 0 {
			return nil, nil, cmdutil.FlagErrorf("missing %s: describe the app with --name NAME and at least one --tier 'name=NAME,image=IMAGE,port=NAME:PORT'", strings.Join(missing, " and "))
		}
	}
	if keepGiven {
		if givenSpec, err = spec.Marshal(given); err != nil {
			return nil, nil, fmt.Errorf("encoding the spec: %w", err)
		}
	}
	app = given
	spec.Default(app)
	if ps := spec.Validate(app); len(ps) > 0 {
		return nil, nil, appflags.ProblemsError(source, ps, values.Origin(flags, app))
	}
	return app, givenSpec, nil
}

func readSpec(ios *iostreams.IOStreams, name string) ([]byte, error) {
	if name == "-" {
		data, err := io.ReadAll(ios.In)
		if err != nil {
			return nil, fmt.Errorf("reading the spec from standard input: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("-f %s: no such file (create one with kubenetgen init, or describe the app with flags)", name)
		}
		return nil, fmt.Errorf("-f %s: %w", name, err)
	}
	return data, nil
}

func generateRun(opts *GenerateOptions) error {
	if opts.Output == "" {
		return cmdutil.FlagErrorf("-o is empty: give a folder for the base, or - for standard output")
	}
	app, specData, err := Load(opts.IO, opts.SpecFile, &opts.App, opts.Flags, opts.WriteSpec != "")
	if err != nil {
		return err
	}
	files, err := gen.Render(app, opts.Output)
	if err != nil {
		return err
	}
	if opts.WriteSpec != "" {
		if err := CheckSpecFile(opts.WriteSpec, specData, opts.Force); err != nil {
			return err
		}
	}
	for _, w := range spec.Warnings(app) {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	if opts.Output == "-" {
		if opts.DryRun {
			fmt.Fprintf(opts.IO.ErrOut, "dry run: would print %d objects\n", len(gen.Build(app))+len(gen.SelfSignedCerts(app)))
		} else if err := gen.Stream(opts.IO.Out, files); err != nil {
			return err
		}
	} else {
		// The spec file is written with the base, all or nothing.
		wo := gen.WriteOptions{Force: opts.Force, DryRun: opts.DryRun}
		if opts.WriteSpec != "" {
			wo.Also = []gen.File{{Path: opts.WriteSpec, Data: specData}}
		}
		res, err := gen.Write(opts.Output, files, wo)
		if err != nil {
			return err
		}
		Report(opts.IO.ErrOut, opts.Output, res, opts.DryRun)
		if opts.WriteSpec != "" && !opts.DryRun {
			fmt.Fprintf(opts.IO.ErrOut, "saved the spec to %s\n", opts.WriteSpec)
		}
		return nil
	}
	if opts.WriteSpec != "" && !opts.DryRun {
		if err := WriteSpecFile(opts.WriteSpec, specData); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "saved the spec to %s\n", opts.WriteSpec)
	}
	return nil
}

// Report tells the user what Write did.
func Report(w io.Writer, dir string, res *gen.WriteResult, dryRun bool) {
	switch {
	case len(res.Written) == 0 && len(res.Removed) == 0:
		fmt.Fprintf(w, "%s is up to date (%d file(s) unchanged)\n", dir, len(res.Unchanged))
	case dryRun:
		fmt.Fprintf(w, "would write %d file(s) to %s (%d unchanged):\n", len(res.Written), dir, len(res.Unchanged))
	default:
		fmt.Fprintf(w, "wrote %d file(s) to %s (%d unchanged):\n", len(res.Written), dir, len(res.Unchanged))
	}
	for _, p := range res.Written {
		fmt.Fprintf(w, "  %s\n", filepath.Join(dir, p))
	}
	for _, p := range res.Removed {
		if dryRun {
			fmt.Fprintf(w, "would remove %s (no longer part of the base)\n", filepath.Join(dir, p))
		} else {
			fmt.Fprintf(w, "removed %s (no longer part of the base)\n", filepath.Join(dir, p))
		}
	}
	for _, p := range res.Kept {
		fmt.Fprintf(w, "warning: kept %s: no longer part of the base, but edited since kubenetgen wrote it\n", filepath.Join(dir, p))
	}
}

// CheckSpecFile refuses to replace an existing spec file with different
// content unless force is set.
func CheckSpecFile(path string, data []byte, force bool) error {
	old, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || force || (err == nil && bytes.Equal(old, data)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--write-spec %s: %w", path, err)
	}
	return fmt.Errorf("--write-spec %s: the file exists with other content; nothing was written (--force replaces it)", path)
}

// WriteSpecFile writes the spec atomically.
func WriteSpecFile(path string, data []byte) error {
	return gen.WriteFileAtomic(path, data)
}
