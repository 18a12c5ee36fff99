// Package verify is the `kubenetgen verify` command: manifests in, the
// connectivity matrix and the cross-object findings out.
package verify

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/graph"
	"github.com/kubenetgen/kubenetgen/internal/appflags"
	"github.com/kubenetgen/kubenetgen/internal/cli/shared"
	"github.com/kubenetgen/kubenetgen/internal/cmdutil"
	"github.com/kubenetgen/kubenetgen/internal/iostreams"
	"github.com/kubenetgen/kubenetgen/spec"
	lib "github.com/kubenetgen/kubenetgen/verify"
)

// VerifyOptions are the inputs of one verify run.
type VerifyOptions struct {
	IO *iostreams.IOStreams

	// Path is a kustomize folder, a plain folder of manifests, a YAML file
	// or - for standard input.
	Path   string
	Output string
	// Expect is a kubenetgen.yaml whose declared flows the matrix must
	// equal.
	Expect string

	// Cluster holds the cluster facts, the same flags as generate's and
	// init's; unset ones come from --expect's spec or the defaults.
	appflags.Cluster

	// Load bounds what is read and says whether kustomize may fetch
	// remote resources.
	Load lib.LoadOptions
	// Report bounds the listing of a large matrix.
	Report lib.ReportOptions

	// Live reads the namespace's objects from the cluster (--cluster)
	// instead of files: the only way verify reaches the network.
	Live bool
	// Namespace is the namespace --cluster reads.
	Namespace string
	// Conn names the cluster --cluster reads.
	Conn appflags.Connection

	// Flags is the command's flag set, to tell given flags from defaults.
	Flags *pflag.FlagSet
	// Ctx bounds the reading of the cluster.
	Ctx context.Context
}

// NewCmdVerify returns the verify command. runF replaces the run function
// in tests of flag parsing.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "verify [DIR|FILE|-]",
		Short: "Check manifests and show which pod may reach which, on which ports",
		Long: `Check Kubernetes manifests and evaluate their NetworkPolicies.

verify reads a kustomize folder (built in-process, as kustomize build would), a
folder or file of YAML manifests, or - for standard input; the default is the
current folder. It prints who may connect to whom on which ports — workloads
and the pseudo-peers [ingress-controller], [dns], [api-server] and [outside] —
then every finding: Services selecting no pods, target ports the pods lack,
Ingress backends naming missing Services or ports, TLS hosts no rule serves,
NetworkPolicies selecting nothing or omitting policyTypes, pods no default-deny
covers, egress denied without DNS, bad nodePorts, Pod Security "restricted"
violations.

With --expect kubenetgen.yaml the allowed connections must be exactly the
spec's declared flows (its edges, DNS, the ingress controller into routed
tiers, outside sources into NodePort/LoadBalancer tiers, the API server where
asked, egress CIDRs); missing and extra flows are listed.

verify is safe to run on untrusted manifests, such as a pull request's in CI:
it reaches no network and runs no program. A remote resources: entry (a URL, a
git repository) is refused with a finding unless --allow-remote is given. The
input is bounded (--max-input-bytes, --max-alias-nodes, --max-objects, on
every path, kustomize's included) and so is the listing (--max-flows): past
it, connections are counted per peer instead of listed, as --summary always
does.

verify exits 1 on any error finding or difference, 0 otherwise.`,
		Example: `  kubenetgen verify deploy/base
  kubenetgen verify deploy/base --expect kubenetgen.yaml
  kubenetgen generate -f kubenetgen.yaml | kubenetgen verify -
  kubectl get deploy,svc,ing,netpol -n shop -o yaml | kubenetgen verify - \
    --ingress-namespace traefik --ingress-pod-labels app.kubernetes.io/name=traefik`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("verify takes one folder or file (or - for standard input), got %d: %s", len(args), strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = "."
			if len(args) == 1 {
				opts.Path = args[0]
			}
			opts.Flags = cmd.Flags()
			opts.Ctx = cmd.Context()
			if opts.Live && len(args) == 1 {
				return cmdutil.FlagErrorf("--cluster reads the running namespace, not %s: give one or the other", opts.Path)
			}
			if !opts.Live && (opts.Namespace != "" || opts.Conn.Kubeconfig != "" || opts.Conn.Context != "") {
				return cmdutil.FlagErrorf("-n, --kubeconfig and --context name what --cluster reads: give --cluster too")
			}
			if opts.Output != "text" && opts.Output != "json" && opts.Output != "mermaid" {
				return cmdutil.FlagErrorf("--output %q is not supported: use text, json or mermaid", opts.Output)
			}
			for _, l := range []struct {
				flag string
				v    int64
			}{{"--max-input-bytes", opts.Load.MaxBytes}, {"--max-alias-nodes", opts.Load.MaxAliasNodes}, {"--max-objects", int64(opts.Load.MaxObjects)}, {"--max-flows", int64(opts.Report.MaxFlows)}} {
				if l.v < 1 {
					return cmdutil.FlagErrorf("%s %d: must be 1 or more", l.flag, l.v)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.Output, "output", "o", "text", "report format: text (the matrix and findings), json, or mermaid (the matrix as a Mermaid flowchart, as kubenetgen graph draws it)")
	fs.StringVar(&opts.Expect, "expect", "", "a kubenetgen.yaml: fail unless the allowed connections are exactly its declared flows; its cluster facts fill the flags below")
	appflags.AddClusterFlags(cmd, &opts.Cluster)
	fs.BoolVar(&opts.Live, "cluster", false, "read the namespace's live objects (-n) and the ingress controller and DNS pods that really run from the cluster, read-only, instead of files: the only way verify reaches the network")
	fs.StringVarP(&opts.Namespace, "namespace", "n", "", "the namespace --cluster reads (default: --expect's)")
	appflags.AddConnectionFlags(cmd, &opts.Conn)
	fs.BoolVar(&opts.Load.AllowRemote, "allow-remote", false, "let kustomize fetch remote resources, bases and components (URLs, git repositories: network access, runs git); only for trusted input")
	fs.Int64Var(&opts.Load.MaxBytes, "max-input-bytes", lib.DefaultMaxBytes, "refuse input of more bytes in all (every file kustomize reads counts)")
	fs.Int64Var(&opts.Load.MaxAliasNodes, "max-alias-nodes", lib.DefaultMaxAliasNodes, "refuse YAML whose aliases add more nodes than this")
	fs.IntVar(&opts.Load.MaxObjects, "max-objects", lib.DefaultMaxObjects, "refuse input of more objects (documents)")
	fs.IntVar(&opts.Report.MaxFlows, "max-flows", lib.DefaultMaxFlows, "list at most this many connections; count the rest per peer")
	fs.BoolVar(&opts.Report.Summary, "summary", false, "list no connection: count them per peer")
	return cmd
}

// options turns the flags into evaluator options; unset ones stay zero so
// that the spec's values (or the defaults) fill them.
func (opts *VerifyOptions) options() (lib.Options, error) {
	var o lib.Options
	var err error
	if opts.IngressNamespace != "" || opts.IngressLabels != "" {
		if opts.IngressNamespace == "" || opts.IngressLabels == "" {
			return o, cmdutil.FlagErrorf("--ingress-namespace and --ingress-pod-labels go together: give both")
		}
		l, err := spec.ParseLabels(opts.IngressLabels)
		if err != nil {
			return o, cmdutil.FlagErrorf("--ingress-pod-labels %w", err)
		}
		o.IngressController = &lib.Controller{Namespace: opts.IngressNamespace, Labels: l}
	}
	o.DNS.Namespace = opts.DNSNamespace
	if opts.DNSLabels != "" {
		if o.DNS.Labels, err = spec.ParseLabels(opts.DNSLabels); err != nil {
			return o, cmdutil.FlagErrorf("--dns-pod-labels %w", err)
		}
	}
	if o.DNS.CIDRs, err = prefixes("--dns-cidr", opts.DNSCIDRs); err != nil {
		return o, err
	}
	o.DNS.Port = opts.DNSPort
	if len(opts.APIServerCIDRs) > 0 {
		cidrs, err := prefixes("--api-server-cidr", opts.APIServerCIDRs)
		if err != nil {
			return o, err
		}
		o.APIServer = &lib.APIServerOptions{CIDRs: cidrs, Port: opts.APIServerPort}
	} else if opts.APIServerPort != 0 {
		return o, cmdutil.FlagErrorf("--api-server-port needs --api-server-cidr")
	}
	if opts.PodCIDR != "" {
		p, err := prefixes("--pod-cidr", []string{opts.PodCIDR})
		if err != nil {
			return o, err
		}
		o.PodCIDR = p[0]
	}
	if opts.NodePortRange != "" {
		lo, hi, err := spec.ParseNodePortRange(opts.NodePortRange)
		if err != nil {
			return o, cmdutil.FlagErrorf("--node-port-range %w", err)
		}
		o.NodePortLow, o.NodePortHigh = int32(lo), int32(hi)
	}
	return o, nil
}

func prefixes(flag string, ss []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range ss {
		if err := spec.CheckCIDR(s); err != nil {
			return nil, cmdutil.FlagErrorf("%s %w", flag, err)
		}
		out = append(out, netip.MustParsePrefix(s))
	}
	return out, nil
}

// loadSpec reads, defaults and validates the spec of --expect.
func loadSpec(path string) (*spec.App, error) {
	st, err := shared.FromFile(shared.SpecFile{Flag: "--expect", Path: path, Hint: "give the kubenetgen.yaml the manifests were written from"})
	if err != nil {
		return nil, err
	}
	return st.Resolve(nil, nil)
}

func verifyRun(opts *VerifyOptions) error {
	o, err := opts.options()
	if err != nil {
		return err
	}
	var app *spec.App
	if opts.Expect != "" {
		if app, err = loadSpec(opts.Expect); err != nil {
			return err
		}
	}
	var b *lib.Bundle
	source := opts.Path
	if opts.Live {
		ctx := opts.Ctx
		if ctx == nil {
			ctx = context.Background()
		}
		b, source, err = loadCluster(ctx, opts, app, &o)
	} else {
		b, err = load(opts.Path, opts.IO.In, opts.Load)
	}
	if err != nil {
		return err
	}
	r := lib.VerifyReport(source, b, o, app, opts.Report)
	switch opts.Output {
	case "json":
		err = lib.WriteJSON(opts.IO.Out, r)
	case "mermaid":
		// The matrix as a picture (kubenetgen graph draws the same); the
		// findings stay in the summary and the exit code.
		err = graph.Mermaid(opts.IO.Out, r.Graph())
	default:
		err = lib.WriteText(opts.IO.Out, r)
	}
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	fmt.Fprintln(opts.IO.ErrOut, r.Summary())
	if r.Failed() {
		return cmdutil.ErrSilent
	}
	return nil
}
