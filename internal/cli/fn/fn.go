// Package fn is the `kubenetgen fn` command: kubenetgen as a KRM generator
// function. kustomize runs it with a ResourceList on standard input whose
// functionConfig is kubenetgen.yaml, and reads back a ResourceList whose
// items are the objects of the base that `kubenetgen generate` writes, as
// `kustomize build` of that base prints them.
package fn

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/spec"
)

// FnOptions are the inputs of one function run.
type FnOptions struct {
	IO *iostreams.IOStreams
	// Dir is where the self-signed certificates are read from: the
	// kustomization's folder, which kustomize makes the function's working
	// directory.
	Dir string
}

// NewCmdFn returns the fn command. runF replaces the run function in tests
// of flag parsing.
func NewCmdFn(f *cmdutil.Factory, runF func(*FnOptions) error) *cobra.Command {
	opts := &FnOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "fn",
		Short: "Run as a KRM generator function inside kustomize build",
		Long: `Run as a KRM generator function (the KRM Functions Specification): read a
ResourceList on standard input whose functionConfig is kubenetgen.yaml, and
write it back with the base's objects added to its items, exactly as
kustomize build of the base that kubenetgen generate writes prints them.

kustomize runs it when kubenetgen.yaml carries the annotation

  metadata:
    annotations:
      config.kubernetes.io/function: |
        exec:
          path: kubenetgen
          args: [fn]

and a kustomization lists the file under generators: (kubenetgen init --krm
writes both), built with kustomize build --enable-alpha-plugins --enable-exec.
Problems of the spec come back as the ResourceList's results, each naming
its field, and fail the build.

A function must give the same objects every run, so it makes no self-signed
certificate: with ingress.tlsSelfSigned it reads each secret's pair from
tls/<secret>.crt and tls/<secret>.key in the kustomization's folder
(kubenetgen init --krm writes them), and fails naming the files when they
are missing.`,
		Example: `  kustomize build --enable-alpha-plugins --enable-exec deploy/base`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.FlagErrorf("fn takes no arguments, got %q: it reads a ResourceList on standard input", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return fnRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "folder to read self-signed certificates from (kustomize runs the function in the kustomization's folder)")
	return cmd
}

func fnRun(opts *FnOptions) error {
	rw := &kio.ByteReadWriter{Reader: opts.IO.In, Writer: opts.IO.Out, KeepReaderAnnotations: true}
	return framework.Execute(framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		return Process(rl, opts.Dir)
	}), rw)
}

// Process adds the objects of the base that rl's functionConfig describes
// to rl's items. Problems of the spec become error results, one per
// problem with its field path, and the returned error is the one report
// kubenetgen prints for them.
func Process(rl *framework.ResourceList, dir string) error {
	if rl.FunctionConfig == nil || rl.FunctionConfig.IsNilOrEmpty() {
		msg := "no functionConfig: kustomize passes kubenetgen.yaml as the function's config when a kustomization lists it in its generators"
		rl.Results = append(rl.Results, &framework.Result{Message: msg, Severity: framework.Error})
		return errors.New(msg)
	}
	data, err := rl.FunctionConfig.String()
	if err != nil {
		return fmt.Errorf("reading the functionConfig: %w", err)
	}
	ref := configRef(rl.FunctionConfig)
	source := "functionConfig " + ref.Kind + " " + ref.Name
	st, err := shared.FromData(source, []byte(data))
	if err == nil {
		var app *spec.App
		if app, err = st.Resolve(nil, nil); err == nil {
			var items []*yaml.RNode
			if items, err = objects(app, dir); err == nil {
				rl.Items = append(rl.Items, items...)
				return nil
			}
		}
	}
	var ps spec.Problems
	if errors.As(err, &ps) {
		var pe *shared.ProblemsError
		if !errors.As(err, &pe) {
			err = &shared.ProblemsError{Source: source, Problems: ps}
		}
		for _, p := range ps {
			rl.Results = append(rl.Results, &framework.Result{
				Message:     p.Message,
				Severity:    framework.Error,
				ResourceRef: ref,
				Field:       &framework.Field{Path: p.Field},
			})
		}
	} else {
		rl.Results = append(rl.Results, &framework.Result{Message: err.Error(), Severity: framework.Error, ResourceRef: ref})
	}
	return err
}

// configRef names the functionConfig in results.
func configRef(fc *yaml.RNode) *yaml.ResourceIdentifier {
	ref := &yaml.ResourceIdentifier{TypeMeta: yaml.TypeMeta{APIVersion: fc.GetApiVersion(), Kind: fc.GetKind()}}
	ref.Name = fc.GetName()
	if ref.Name == "" {
		// The spec names the app at its top level; metadata is optional.
		if n, err := fc.Pipe(yaml.Get("name")); err == nil && n != nil {
			ref.Name = yaml.GetValue(n)
		}
	}
	return ref
}

// objects are what kubectl kustomize of the written base prints, with the
// self-signed pairs read from dir instead of made anew.
func objects(app *spec.App, dir string) ([]*yaml.RNode, error) {
	var (
		pairs   []gen.File
		missing spec.Problems
	)
	for _, c := range gen.SelfSignedCerts(app) {
		var pair [2][]byte
		for i, p := range []string{c.CertPath(), c.KeyPath()} {
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("reading %s: %w", p, err)
			}
			pair[i] = data
		}
		if pair[0] == nil || pair[1] == nil {
			missing = append(missing, spec.Problem{Field: "ingress.tlsSelfSigned",
				Message: fmt.Sprintf("secret %s: %s and %s must sit beside the kustomization: a function gives the same objects every run, so it makes no certificate; write the pair once with kubenetgen init --krm (or put your own there), or use ingress.tlsIssuer", c.Secret, c.CertPath(), c.KeyPath())})
			continue
		}
		pairs = append(pairs, gen.File{Path: c.CertPath(), Data: pair[0]}, gen.File{Path: c.KeyPath(), Data: pair[1]})
	}
	if len(missing) > 0 {
		return nil, missing
	}
	// What kustomize build prints for the base, without running
	// kustomize over it (generate -o - does the same; tests hold it
	// byte-equal to kustomize's build).
	out, err := gen.StreamBytes(app, pairs)
	if err != nil {
		return nil, err
	}
	return kio.FromBytes(bytes.TrimSpace(out))
}
