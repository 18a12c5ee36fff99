// Package appflags is the flag form of a kubenetgen spec, shared by
// generate and init so that both take exactly the same flags, and by
// verify for the flags that describe the cluster.
//
// Every flag is one row of a table (fields.go) that ties it to the spec
// field it sets, the wizard questions it answers in advance, its help, its
// completion values and its setter. Registering the flags, telling whether
// any was given, laying them over an app, naming the flag behind a
// problem and listing the answers still missing are all read from that
// table.
package appflags

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/spec"
)

// NoIngress as --ingress-class drops the Ingress (of a preset or a spec
// file).
const NoIngress = "none"

// Flag names, for error messages that name the flag.
const (
	FlagName             = "name"
	FlagNamespace        = "namespace"
	FlagTier             = "tier"
	FlagAllow            = "allow"
	FlagAllowFrom        = "allow-from"
	FlagEgressTo         = "egress-to"
	FlagScrape           = "scrape"
	FlagIngressClass     = "ingress-class"
	FlagIngressNamespace = "ingress-namespace"
	FlagIngressLabels    = "ingress-pod-labels"
	FlagRule             = "rule"
	FlagTLSIssuer        = "tls-issuer"
	FlagTLSSelfSigned    = "tls-self-signed"
	FlagACMESolver       = "acme-solver"
	FlagNodePortRange    = "node-port-range"
	FlagPodCIDR          = "pod-cidr"
	FlagDNSNamespace     = "dns-namespace"
	FlagDNSLabels        = "dns-pod-labels"
	FlagDNSCIDR          = "dns-cidr"
	FlagDNSPort          = "dns-port"
	FlagAPIServerCIDR    = "api-server-cidr"
	FlagAPIServerPort    = "api-server-port"
	FlagBlockMetadata    = "block-metadata"
	FlagFromCluster      = "from-cluster"
	FlagKubeconfig       = "kubeconfig"
	FlagContext          = "context"
)

// AddFlags registers the app-describing flags on cmd, bound to v.
func AddFlags(cmd *cobra.Command, v *Values) {
	for i := range table {
		f := &table[i]
		f.register(cmd, f.value(v), f.Usage)
	}
}

// AddConnectionFlags registers the flags that say how to reach a cluster
// (--kubeconfig, --context) on cmd, bound to c, for a command that reads
// one by a switch of its own.
func AddConnectionFlags(cmd *cobra.Command, c *Connection) {
	for i := range table {
		f := &table[i]
		if f.conn != nil && f.Flag != FlagFromCluster {
			f.register(cmd, f.conn(c), f.Usage)
		}
	}
}

// AddClusterFlags registers the flags that describe the cluster on cmd,
// bound to c, as a command that reads manifests rather than a spec
// describes them.
func AddClusterFlags(cmd *cobra.Command, c *Cluster) {
	for i := range table {
		f := &table[i]
		if f.cluster == nil {
			continue
		}
		usage := f.Usage
		if f.ClusterUsage != "" {
			usage = f.ClusterUsage
		}
		f.register(cmd, f.cluster(c), usage)
	}
}

// Describes reports whether any app-describing flag was given (the flags
// that say how to reach the cluster describe nothing).
func Describes(fs *pflag.FlagSet) bool {
	for i := range table {
		if table[i].conn == nil && fs.Changed(table[i].Flag) {
			return true
		}
	}
	return false
}

// Apply lays the flags that were given over a (possibly empty) app, in the
// order of the table: scalar flags replace, a --tier replaces the tier of
// the same name or adds one, --allow adds flows, --rule entries replace
// the rules. Syntax errors name the flag and the value; Validate judges
// the result.
func (v *Values) Apply(fs *pflag.FlagSet, a *spec.App) error {
	v.Unplaced = nil
	for i := range table {
		f := &table[i]
		if fs.Changed(f.Flag) {
			if err := f.apply(v, fs.Changed, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// MissingRequired names, as --FLAG, the flags an app described by flags
// alone must have and fs lacks.
func MissingRequired(fs *pflag.FlagSet) []string {
	var out []string
	for _, f := range table {
		if f.Required && !fs.Changed(f.Flag) {
			out = append(out, "--"+f.Flag)
		}
	}
	return out
}

// Missing lists the answers that neither a preset, a spec file nor a flag
// gave a, each with the flag that gives it.
func Missing(a *spec.App) []string {
	var out []string
	for _, f := range table {
		if f.missing != nil {
			out = append(out, f.missing(a)...)
		}
	}
	return out
}

// Path returns the spec field that flag sets, as spec.Validate names it.
func Path(flag string) string {
	for _, f := range table {
		if f.Flag == flag {
			return f.Paths[0]
		}
	}
	panic("appflags: no flag " + flag)
}

// Section is a part of the wizard, asked, and revisited, as a whole.
type Section string

// The wizard's sections. Of the cluster facts (the network section of the
// spec) the wizard asks only the pod network, with the app's name and
// namespace; the others keep their defaults unless flags give them.
const (
	SectionApp     Section = "app"
	SectionTiers   Section = "tiers"
	SectionIngress Section = "ingress"
	SectionTLS     Section = "tls"
)

// Question is one question, or group of questions, of the wizard that a
// flag answers in advance.
type Question struct {
	Section Section
	Name    string
}

// The questions flags answer in advance.
var (
	AskName             = Question{SectionApp, "name"}
	AskNamespace        = Question{SectionApp, "namespace"}
	AskPodCIDR          = Question{SectionApp, "pod network"}
	AskTiers            = Question{SectionTiers, "tiers"}
	AskIngressClass     = Question{SectionIngress, "class"}
	AskIngressNamespace = Question{SectionIngress, "controller namespace"}
	AskIngressLabels    = Question{SectionIngress, "controller labels"}
	AskRoutes           = Question{SectionIngress, "routes"}
	AskTLS              = Question{SectionTLS, "tls"}
)

// Answered is the set of questions the given flags answered, which the
// wizard then does not ask.
type Answered map[Question]bool

// AnsweredBy returns the questions the flags given in fs answer.
func AnsweredBy(fs *pflag.FlagSet) Answered {
	out := Answered{}
	for _, f := range table {
		if fs.Changed(f.Flag) {
			for _, q := range f.Answers {
				out[q] = true
			}
		}
	}
	return out
}

// Reask forgets the answers of the given sections, so that the wizard
// asks their questions again.
func (ans Answered) Reask(sections ...Section) {
	for q := range ans {
		for _, s := range sections {
			if q.Section == s {
				delete(ans, q)
			}
		}
	}
}
