// Package krm wires kubenetgen.yaml into kustomize as a KRM generator
// function: the annotation that tells kustomize to run `kubenetgen fn`
// with the spec as its config, and the kustomization that lists the spec
// under generators:. It knows nothing of commands.
package krm

import (
	"fmt"
	"io"

	ktypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

// FunctionAnnotation is the annotation of a KRM function's config that
// says how kustomize runs the function.
const FunctionAnnotation = "config.kubernetes.io/function"

// Command is the subcommand that runs kubenetgen as a KRM function.
const Command = "fn"

// DefaultExec is the executable the annotation names: found on PATH when
// kustomize runs it, like any command a build runs.
const DefaultExec = "kubenetgen"

// FunctionSpec is the annotation's value for the executable at path.
func FunctionSpec(path string) string {
	// The value is YAML (the KRM function spec); a path with a colon or
	// a quote stays one string through JSON quoting.
	p, _ := yaml.Marshal(path)
	return fmt.Sprintf("exec:\n  path: %s  args: [%s]\n", p, Command)
}

// Annotate makes the spec a function config that runs the executable at
// path: metadata.name is the app's name (kustomize names a generator by
// it), and the function annotation is set. Other metadata is kept.
func Annotate(a *spec.App, path string) {
	if a.Metadata == nil {
		a.Metadata = &spec.Metadata{}
	}
	if a.Metadata.Name == "" {
		a.Metadata.Name = a.Name
	}
	if a.Metadata.Annotations == nil {
		a.Metadata.Annotations = map[string]string{}
	}
	a.Metadata.Annotations[FunctionAnnotation] = FunctionSpec(path)
}

// Kustomization returns the kustomization.yaml that lists the spec file
// specFile (relative to the kustomization) under generators:, so that
// `kustomize build --enable-alpha-plugins --enable-exec` produces the
// base's objects from it.
func Kustomization(specFile string) ([]byte, error) {
	k := ktypes.Kustomization{
		TypeMeta:   ktypes.TypeMeta{APIVersion: ktypes.KustomizationVersion, Kind: ktypes.KustomizationKind},
		Generators: []string{specFile},
	}
	b, err := yaml.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", gen.KustomizationFile, err)
	}
	return b, nil
}

// Files are the files of a base wired as a function: the kustomization.
// The spec file is the caller's to write, and so are the self-signed
// pairs the function reads (gen.SelfSignedCerts), kept like a base's.
func Files(specFile string) ([]gen.File, error) {
	k, err := Kustomization(specFile)
	if err != nil {
		return nil, err
	}
	return []gen.File{{Path: gen.KustomizationFile, Data: gen.WithHeader(gen.KustomizationFile, k)}}, nil
}

// NextSteps tells the user how to build the function-wired kustomization
// in dir.
func NextSteps(w io.Writer, dir string) {
	fmt.Fprintf(w, "\nNext steps (kubenetgen must be on PATH when kustomize runs):\n")
	fmt.Fprintf(w, "  kustomize build --enable-alpha-plugins --enable-exec %s | kubectl apply -f -\n", dir)
	fmt.Fprintf(w, "  or list %s under resources: of another kustomization built with those flags\n", dir)
}
