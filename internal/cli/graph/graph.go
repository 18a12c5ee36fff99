// Package graph is the `kubenetgen graph` command: the allowed flows of a
// spec's base, or of any manifests, as a Mermaid or Graphviz picture.
package graph

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	gen "github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/graph"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

// Formats are the picture formats graph writes.
var Formats = []string{"mermaid", "dot", "svg"}

// GraphOptions are the inputs of one graph run.
type GraphOptions struct {
	IO *iostreams.IOStreams

	// SpecFile is a kubenetgen.yaml: its base is drawn, or, with Path, its
	// cluster facts (ingress controller, DNS…) name the pseudo-peers.
	SpecFile string
	// Path is a kustomize folder, a folder of manifests, a YAML file or -
	// for standard input; empty draws the spec's base.
	Path   string
	Format string

	// LookPath finds the dot program for svg; nil uses exec.LookPath.
	LookPath func(string) (string, error)
}

// NewCmdGraph returns the graph command. runF replaces the run function in
// tests of flag parsing.
func NewCmdGraph(f *cmdutil.Factory, runF func(*GraphOptions) error) *cobra.Command {
	opts := &GraphOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "graph [-f kubenetgen.yaml] [DIR|FILE|-] [--format mermaid|dot|svg]",
		Short: "Draw who may call whom, on which ports, as Mermaid or Graphviz",
		Long: `Draw the connections the NetworkPolicies allow: workloads as nodes grouped
by namespace, the other ends (ingress controller, DNS, API server, outside
addresses) drawn apart, each edge labelled with its ports.

With -f kubenetgen.yaml alone it draws the base generate writes from the
spec: the flows its README lists, read from the policies it builds (the
README draws the same picture). With a folder (a kustomize base is built
in-process), a file or - for standard input it draws those manifests as the
verify evaluator computes them (as verify -o mermaid does); -f then only
supplies the cluster facts (where the ingress controller and DNS run).

--format mermaid (the default) prints a Mermaid flowchart, which GitHub and
GitLab draw inline in Markdown; dot prints Graphviz DOT; svg runs Graphviz's
dot, which must be installed, to print SVG.`,
		Example: `  kubenetgen graph -f kubenetgen.yaml
  kubenetgen graph deploy/base --format dot | dot -Tpng > flows.png
  kubenetgen graph -f kubenetgen.yaml --format svg > flows.svg`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("graph takes one folder or file (or - for standard input), got %d: %s", len(args), strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if opts.Path == "" && opts.SpecFile == "" {
				opts.Path = "."
			}
			if !validFormat(opts.Format) {
				return cmdutil.FlagErrorf("--format %q is not supported: use one of %s", opts.Format, strings.Join(Formats, ", "))
			}
			if runF != nil {
				return runF(opts)
			}
			return graphRun(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.SpecFile, "file", "f", "", "a kubenetgen.yaml: draw its base (- for standard input), or with manifests, take its cluster facts")
	fs.StringVar(&opts.Format, "format", "mermaid", "picture format: "+strings.Join(Formats, ", ")+" (svg needs Graphviz's dot)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func validFormat(f string) bool {
	for _, x := range Formats {
		if f == x {
			return true
		}
	}
	return false
}

func graphRun(opts *GraphOptions) error {
	var app *spec.App
	if opts.SpecFile != "" {
		st, err := shared.FromFile(shared.SpecFile{Flag: "-f", Path: opts.SpecFile, Stdin: opts.IO.In,
			Hint: "create one with kubenetgen init"})
		if err != nil {
			return err
		}
		if app, err = st.Resolve(nil, nil); err != nil {
			return err
		}
	}
	var g *graph.Graph
	if opts.Path == "" {
		// The spec's base: the flows generate reads from the policies it
		// builds, the picture the base's README draws.
		g = gen.FlowGraph(gen.BuildObjects(app))
	} else {
		if opts.Path == "-" && opts.SpecFile == "-" {
			return cmdutil.FlagErrorf("-f - and - both read standard input: give one of them as a file")
		}
		b, err := verify.Load(opts.Path, opts.IO.In, verify.LoadOptions{})
		if err != nil {
			return err
		}
		var o verify.Options
		if app != nil {
			o = verify.OptionsFromSpec(app)
		}
		g = verify.Verify(opts.Path, b, o, nil).Graph()
	}
	switch opts.Format {
	case "dot":
		return graph.DOT(opts.IO.Out, g)
	case "svg":
		return svg(opts, g)
	}
	return graph.Mermaid(opts.IO.Out, g)
}

// svg renders the graph with Graphviz's dot, when it is installed.
func svg(opts *GraphOptions, g *graph.Graph) error {
	look := opts.LookPath
	if look == nil {
		look = exec.LookPath
	}
	dot, err := look("dot")
	if err != nil {
		return errors.New("--format svg needs Graphviz's dot on PATH, and there is none: install Graphviz, or print --format dot or mermaid")
	}
	var in bytes.Buffer
	if err := graph.DOT(&in, g); err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, opts.IO.Out, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("running %s -Tsvg: %v: %s", dot, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
