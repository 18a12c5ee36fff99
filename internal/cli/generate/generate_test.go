package generate

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
)

// TestNewCmdGenerateFlags parses command lines into the options the run
// function receives.
func TestNewCmdGenerateFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    GenerateOptions
		wantErr string
	}{
		{name: "defaults", want: GenerateOptions{Output: "-", App: appflags.Values{BlockMetadata: true}}},
		{
			name: "spec file",
			args: []string{"-f", "kubenetgen.yaml", "-o", "deploy/base", "--force", "--dry-run", "--write-spec", "out.yaml"},
			want: GenerateOptions{SpecFile: "kubenetgen.yaml", Output: "deploy/base", Force: true, DryRun: true, WriteSpec: "out.yaml", App: appflags.Values{BlockMetadata: true}},
		},
		{
			name: "app flags",
			args: []string{"--name", "shop", "--tier", "name=web,image=w", "--pod-cidr", "10.42.0.0/16", "--block-metadata=false"},
			want: GenerateOptions{Output: "-", App: appflags.Values{Name: "shop", Tiers: []string{"name=web,image=w"}, Cluster: appflags.Cluster{PodCIDR: "10.42.0.0/16"}}},
		},
		{name: "an argument", args: []string{"deploy"}, wantErr: `generate takes no arguments, got "deploy": give the spec with -f FILE and the output with -o DIR`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *GenerateOptions
			cmd := NewCmdGenerate(&cmdutil.Factory{IOStreams: ios}, func(o *GenerateOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				var fe *cmdutil.FlagError
				if err == nil || err.Error() != tt.wantErr || !errors.As(err, &fe) {
					t.Fatalf("Execute(%q) = %v, want flag error %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO, got.Flags, got.Ctx = nil, nil, nil
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("GenerateOptions (-want +got):\n%s", diff)
			}
		})
	}
}
