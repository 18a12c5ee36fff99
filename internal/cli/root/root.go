// Package root assembles the kubenetgen command tree and runs it, mapping
// the outcome to the process's exit code.
package root

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubenetgen/kubenetgen/internal/cli/fn"
	"github.com/kubenetgen/kubenetgen/internal/cli/generate"
	"github.com/kubenetgen/kubenetgen/internal/cli/graph"
	"github.com/kubenetgen/kubenetgen/internal/cli/initcmd"
	"github.com/kubenetgen/kubenetgen/internal/cli/verify"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// version is set at build time with -ldflags "-X ...root.version=v1.2.3";
// otherwise the module version recorded in the binary is used.
var version = ""

// Version returns the version of this build.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// NewCmdRoot returns the kubenetgen command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kubenetgen",
		Short: "Write a correct Kubernetes networking baseline as a kustomize base",
		Long: `kubenetgen writes the networking baseline of a multi-tier app — Deployments,
Services, a default-deny NetworkPolicy with exact allow rules, and an Ingress
with TLS — as a kustomize base in which every object agrees with every other.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.SetIn(f.IOStreams.In)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cmdutil.FlagError{Err: err}
	})
	wrapHelp(cmd)
	cmd.AddCommand(initcmd.NewCmdInit(f, nil))
	cmd.AddCommand(generate.NewCmdGenerate(f, nil))
	cmd.AddCommand(verify.NewCmdVerify(f, nil))
	cmd.AddCommand(fn.NewCmdFn(f, nil))
	cmd.AddCommand(graph.NewCmdGraph(f, nil))
	cmd.AddCommand(newCmdVersion(f))
	cmd.AddCommand(newCmdCompletion(f))
	return cmd
}

// wrapHelp makes every command's help break its lines between words at
// the width of the terminal it goes to, the flags' help continuing under
// itself, instead of letting the terminal cut words in two.
func wrapHelp(cmd *cobra.Command) {
	help := cmd.HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		out := c.OutOrStdout()
		width := iostreams.WidthOf(out)
		if width <= 0 {
			help(c, args)
			return
		}
		var b bytes.Buffer
		c.SetOut(&b)
		help(c, args)
		c.SetOut(out)
		iostreams.Fprintw(out, b.String())
	})
}

func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print kubenetgen's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.IOStreams.Out, "kubenetgen %s\n", f.Version)
			return err
		},
	}
}

func newCmdCompletion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a shell completion script: it completes commands, flags and their
values (presets, ingress classes, --tier keys, tier names for --allow).

bash: the script needs the bash-completion package (apt install
bash-completion; on macOS brew install bash-completion@2). Then:

  source <(kubenetgen completion bash)

and, for every new shell, kubenetgen completion bash >
~/.local/share/bash-completion/completions/kubenetgen

zsh (with compinit loaded): source <(kubenetgen completion zsh)
fish: kubenetgen completion fish | source
PowerShell: kubenetgen completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.FlagErrorf("completion takes one shell: bash, zsh, fish or powershell")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), f.IOStreams.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return cmdutil.FlagErrorf("completion: %q is not a supported shell: use bash, zsh, fish or powershell", args[0])
		},
	}
}

// Main runs kubenetgen with the process's arguments and streams and
// returns the exit code. Ctrl-C cancels the command's context.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, &cmdutil.Factory{IOStreams: iostreams.System(), Version: Version()}, os.Args[1:])
}

// Run executes the command line args and returns the exit code; errors are
// printed once, to the error stream.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	c, err := cmd.ExecuteContextC(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if errors.Is(err, cmdutil.ErrSilent) {
		return cmdutil.ExitError
	}
	if ctx.Err() != nil && !errors.Is(err, cmdutil.ErrCanceled) {
		err = cmdutil.ErrCanceled
	}
	w := f.IOStreams.ErrOut
	code := cmdutil.ExitCode(err)
	// Cobra reports unknown commands and argument-count mistakes as plain
	// errors; they are usage errors all the same.
	if code == cmdutil.ExitError && isCobraUsageError(err) {
		code = cmdutil.ExitUsage
	}
	iostreams.Fprintw(w, fmt.Sprintf("Error: %s\n", strings.TrimRight(err.Error(), "\n")))
	if code == cmdutil.ExitUsage {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", c.CommandPath())
	}
	return code
}

func isCobraUsageError(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand", "invalid argument"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
