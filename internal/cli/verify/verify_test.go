package verify

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	lib "github.com/kubenetgen/kubenetgen/verify"
)

// defaultLimits are the load and report options no flag changed.
var (
	defaultLoad   = lib.LoadOptions{MaxBytes: lib.DefaultMaxBytes, MaxAliasNodes: lib.DefaultMaxAliasNodes, MaxObjects: lib.DefaultMaxObjects}
	defaultReport = lib.ReportOptions{MaxFlows: lib.DefaultMaxFlows}
)

func TestNewCmdVerifyFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    VerifyOptions
		wantErr string
	}{
		{name: "defaults", args: "", want: VerifyOptions{Path: ".", Output: "text", Load: defaultLoad, Report: defaultReport}},
		{name: "path and json", args: "deploy/base -o json", want: VerifyOptions{Path: "deploy/base", Output: "json", Load: defaultLoad, Report: defaultReport}},
		{name: "stdin with expect", args: "- --expect kubenetgen.yaml", want: VerifyOptions{Path: "-", Output: "text", Expect: "kubenetgen.yaml", Load: defaultLoad, Report: defaultReport}},
		{
			name: "untrusted input bounds",
			args: "base --allow-remote --max-input-bytes 1000 --max-alias-nodes 10 --max-objects 5 --max-flows 7 --summary",
			want: VerifyOptions{
				Path: "base", Output: "text",
				Load:   lib.LoadOptions{AllowRemote: true, MaxBytes: 1000, MaxAliasNodes: 10, MaxObjects: 5},
				Report: lib.ReportOptions{MaxFlows: 7, Summary: true},
			},
		},
		{name: "zero limit", args: "--max-flows 0", wantErr: "--max-flows 0: must be 1 or more"},
		{name: "negative limit", args: "--max-input-bytes -1", wantErr: "--max-input-bytes -1: must be 1 or more"},
		{
			name: "cluster facts",
			args: "x.yaml --ingress-namespace traefik --ingress-pod-labels app.kubernetes.io/name=traefik --dns-namespace openshift-dns --dns-pod-labels dns.operator.openshift.io/daemonset-dns=default --dns-port 5353 --api-server-cidr 172.18.0.2/32 --pod-cidr 10.42.0.0/16 --node-port-range 30000-30100",
			want: VerifyOptions{Path: "x.yaml", Output: "text", Cluster: appflags.Cluster{
				IngressNamespace: "traefik", IngressLabels: "app.kubernetes.io/name=traefik",
				DNSNamespace: "openshift-dns", DNSLabels: "dns.operator.openshift.io/daemonset-dns=default", DNSPort: 5353,
				APIServerCIDRs: []string{"172.18.0.2/32"}, PodCIDR: "10.42.0.0/16", NodePortRange: "30000-30100",
			}, Load: defaultLoad, Report: defaultReport},
		},
		{name: "bad output", args: "-o yaml", wantErr: `--output "yaml" is not supported: use text, json or mermaid`},
		{name: "two paths", args: "a b", wantErr: "verify takes one folder or file (or - for standard input), got 2: a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *VerifyOptions
			cmd := NewCmdVerify(&cmdutil.Factory{IOStreams: ios}, func(o *VerifyOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(strings.Fields(tt.args))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				var fe *cmdutil.FlagError
				if err == nil || err.Error() != tt.wantErr || !errors.As(err, &fe) {
					t.Fatalf("Execute(%s) = %v, want flag error %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Execute(%s) = %v", tt.args, err)
			}
			got.IO, got.Flags, got.Ctx = nil, nil, nil
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("VerifyOptions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	opts := &VerifyOptions{Cluster: appflags.Cluster{IngressNamespace: "edge", IngressLabels: "app=proxy", DNSCIDRs: []string{"169.254.20.10/32"}, APIServerCIDRs: []string{"10.0.0.1/32"}, APIServerPort: 443, NodePortRange: "31000-31999"}}
	got, err := opts.options()
	if err != nil {
		t.Fatal(err)
	}
	want := lib.Options{
		IngressController: &lib.Controller{Namespace: "edge", Labels: map[string]string{"app": "proxy"}},
		DNS:               lib.DNSOptions{CIDRs: []netip.Prefix{netip.MustParsePrefix("169.254.20.10/32")}},
		APIServer:         &lib.APIServerOptions{CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}, Port: 443},
		NodePortLow:       31000, NodePortHigh: 31999,
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("options() mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []appflags.Cluster{
		{IngressNamespace: "edge"},
		{IngressNamespace: "edge", IngressLabels: "app"},
		{DNSCIDRs: []string{"10.0.0.1/8"}},
		{APIServerPort: 443},
		{PodCIDR: "nope"},
		{NodePortRange: "3-2"},
	} {
		opts := &VerifyOptions{Cluster: bad}
		if _, err := opts.options(); err == nil || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("options(%+v) = %v, want a flag error", bad, err)
		}
	}
}

const shopSpec = `apiVersion: kubenetgen.dev/v1alpha1
kind: App
name: shop
tiers:
- {name: web, image: web:1, ports: [{name: http, port: 8080}]}
- {name: api, image: api:1, ports: [{name: http, port: 9090}], allowFrom: [web]}
`

func TestVerifyRun(t *testing.T) {
	dir := t.TempDir()
	manifests, err := os.ReadFile("../../../verify/testdata/broken.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), manifests, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kubenetgen.yaml"), []byte(shopSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad-spec.yaml"), []byte("kind: App\nname: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		opts       VerifyOptions
		stdin      string
		wantErr    error
		wantErrMsg string
		wantOut    []string
		wantErrOut string
	}{
		{
			name:       "findings fail",
			opts:       VerifyOptions{Path: filepath.Join(dir, "broken.yaml"), Output: "text"},
			wantErr:    cmdutil.ErrSilent,
			wantOut:    []string{"FROM", "blog/frontend → blog/backend", "error: Service blog/frontend spec.selector"},
			wantErrOut: "verify failed: 6 connections, 17 errors, 4 warnings\n",
		},
		{
			name:       "json",
			opts:       VerifyOptions{Path: "-", Output: "json"},
			stdin:      "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
			wantOut:    []string{`"source": "-"`, `"findings": []`, `"flows": []`},
			wantErrOut: "verify ok: 0 connections, 0 errors, 0 warnings\n",
		},
		{
			name:       "expect with no workloads",
			opts:       VerifyOptions{Path: "-", Output: "text", Expect: filepath.Join(dir, "kubenetgen.yaml")},
			stdin:      "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
			wantErr:    cmdutil.ErrSilent,
			wantOut:    []string{"error: tier web tiers[0]: has no workload in namespace shop"},
			wantErrOut: "verify failed: 0 connections, 2 errors, 0 warnings, 0 missing flows, 0 extra flows\n",
		},
		{
			name:       "invalid spec",
			opts:       VerifyOptions{Path: "-", Output: "text", Expect: filepath.Join(dir, "bad-spec.yaml")},
			wantErrMsg: "bad-spec.yaml",
		},
		{
			name:       "missing path",
			opts:       VerifyOptions{Path: filepath.Join(dir, "nowhere"), Output: "text"},
			wantErrMsg: "reading manifests: stat",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, out, errOut := iostreams.Test()
			in.WriteString(tt.stdin)
			tt.opts.IO = ios
			err := verifyRun(&tt.opts)
			switch {
			case tt.wantErrMsg != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErrMsg) {
					t.Fatalf("verifyRun() = %v, want an error containing %q", err, tt.wantErrMsg)
				}
				return
			case !errors.Is(err, tt.wantErr) && err != tt.wantErr:
				t.Fatalf("verifyRun() = %v, want %v", err, tt.wantErr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if got := errOut.String(); got != tt.wantErrOut {
				t.Errorf("stderr = %q, want %q", got, tt.wantErrOut)
			}
		})
	}
}
