package root

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// TestRun maps command lines to exit codes and to what is printed: data
// on stdout, the one error on stderr, and a usage hint for usage errors
// only.
func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		canceled bool
		code     int
		stdout   string
		stderr   string
	}{
		{name: "version", args: []string{"version"}, code: 0, stdout: "kubenetgen test\n"},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2,
			stderr: "Error: unknown command \"frobnicate\" for \"kubenetgen\"\nRun 'kubenetgen --help' for usage.\n"},
		{name: "an argument too many", args: []string{"version", "extra"}, code: 2,
			stderr: "Error: unknown command \"extra\" for \"kubenetgen version\"\nRun 'kubenetgen version --help' for usage.\n"},
		{name: "unknown flag", args: []string{"generate", "--bogus"}, code: 2,
			stderr: "Error: unknown flag: --bogus\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "a flag's value of the wrong type", args: []string{"generate", "--dns-port", "x"}, code: 2,
			stderr: "Error: invalid argument \"x\" for \"--dns-port\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nRun 'kubenetgen generate --help' for usage.\n"},
		{name: "completion without a shell", args: []string{"completion"}, code: 2,
			stderr: "Error: completion takes one shell: bash, zsh, fish or powershell\nRun 'kubenetgen completion --help' for usage.\n"},
		{name: "completion of an unknown shell", args: []string{"completion", "tcsh"}, code: 2,
			stderr: "Error: completion: \"tcsh\" is not a supported shell: use bash, zsh, fish or powershell\nRun 'kubenetgen completion --help' for usage.\n"},
		{name: "a failure, no usage", args: []string{"verify", "nowhere"}, code: 1,
			stderr: "Error: reading manifests: stat nowhere: no such file or directory\n"},
		{name: "interrupted", args: []string{"generate"}, canceled: true, code: 130,
			stderr: "Error: canceled: nothing was written\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			ios, _, stdout, stderr := iostreams.Test()
			ctx, cancel := context.WithCancel(context.Background())
			if tt.canceled {
				cancel()
			}
			defer cancel()
			code := Run(ctx, &cmdutil.Factory{IOStreams: ios, Version: "test"}, tt.args)
			if code != tt.code {
				t.Errorf("Run(%q) = %d, want %d", tt.args, code, tt.code)
			}
			if stdout.String() != tt.stdout {
				t.Errorf("stdout = %q, want %q", stdout, tt.stdout)
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr = %q, want %q", stderr, tt.stderr)
			}
		})
	}
}

// TestCommands: the tree has every command, each with its flags.
func TestCommands(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	root := NewCmdRoot(&cmdutil.Factory{IOStreams: ios})
	for cmd, flag := range map[string]string{"init": "preset", "generate": "write-spec", "verify": "expect", "version": "", "completion": ""} {
		c, _, err := root.Find([]string{cmd})
		if err != nil || c.Name() != cmd {
			t.Errorf("Find(%s) = %v, %v", cmd, c, err)
			continue
		}
		if flag != "" && c.Flags().Lookup(flag) == nil {
			t.Errorf("%s has no --%s", cmd, flag)
		}
	}
}

// TestCompletion: flag values are completed from what kubenetgen knows,
// not from files, and the help says what bash needs.
func TestCompletion(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"init", "--preset", ""}, []string{"three-tier", "api-worker-cache", "single-service", "gateway-shop", "blank"}},
		{[]string{"generate", "--ingress-class", ""}, []string{"nginx", "traefik", "istio", "none"}},
		{[]string{"generate", "--tier", "name=web,ex"}, []string{"name=web,expose=", "name=web,externalTrafficPolicy="}},
		{[]string{"init", "--tier", "name=web,expose=Lo"}, []string{"name=web,expose=LoadBalancer"}},
		{[]string{"generate", "--tier", "name=web,image=x", "--tier", "name=api,image=y", "--allow", ""}, []string{"web->", "api->"}},
		{[]string{"init", "--tier", "name=web,image=x", "--tier", "name=api,image=y", "--allow", "web->"}, []string{"web->api"}},
	}
	for _, tt := range tests {
		ios, _, stdout, _ := iostreams.Test()
		Run(context.Background(), &cmdutil.Factory{IOStreams: ios}, append([]string{"__complete"}, tt.args...))
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		got, directive := lines[:len(lines)-1], lines[len(lines)-1]
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("completing %q = %q, want %q", tt.args, got, tt.want)
		}
		if d, _ := strconv.Atoi(strings.TrimPrefix(directive, ":")); d&int(cobra.ShellCompDirectiveNoFileComp) == 0 {
			t.Errorf("completing %q offers files too (directive %s)", tt.args, directive)
		}
	}
	ios, _, stdout, _ := iostreams.Test()
	Run(context.Background(), &cmdutil.Factory{IOStreams: ios}, []string{"completion", "--help"})
	if !strings.Contains(stdout.String(), "needs the bash-completion package") {
		t.Errorf("completion --help does not say bash needs bash-completion:\n%s", stdout)
	}
}
