package appflags

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubenetgen/kubenetgen/spec"
)

// keyValues are the values completion offers after KEY= in --tier.
var keyValues = map[string][]string{
	"expose":                spec.Exposures,
	"externalTrafficPolicy": {"Local", "Cluster"},
	"probe":                 {"/", "/healthz", "tcp"},
	"apiServer":             {"true", "false"},
}

// completeTier completes --tier's KEY=VALUE list: the keys not given yet,
// then the values of the keys that have a fixed set of them.
func completeTier(_ *cobra.Command, _ []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
	done, cur := "", typed
	if i := strings.LastIndexByte(typed, ','); i >= 0 {
		done, cur = typed[:i+1], typed[i+1:]
	}
	given := map[string]bool{}
	for _, kv := range strings.Split(done, ",") {
		k, _, _ := strings.Cut(kv, "=")
		given[k] = true
	}
	var out []string
	if k, v, hasValue := strings.Cut(cur, "="); hasValue {
		for _, x := range keyValues[k] {
			if strings.HasPrefix(x, v) {
				out = append(out, done+k+"="+x)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	for _, k := range spec.TierKeys {
		repeatable := k == "port" || k == "env" || k == "sourceRanges" || k == "egressCIDR" || k == "nodePort" || k == "servicePort"
		if strings.HasPrefix(k, cur) && (!given[k] || repeatable) {
			out = append(out, done+k+"=")
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeAllow completes --allow FROM->TO with the names of the tiers
// the --tier flags typed so far give.
func completeAllow(cmd *cobra.Command, _ []string, typed string) ([]cobra.Completion, cobra.ShellCompDirective) {
	tiers, _ := cmd.Flags().GetStringArray(FlagTier)
	var names []string
	for _, s := range tiers {
		if t, err := spec.ParseTier(s); err == nil && !slices.Contains(names, t.Name) {
			names = append(names, t.Name)
		}
	}
	var out []string
	if from, to, arrow := strings.Cut(typed, "->"); arrow {
		for _, n := range names {
			if n != from && strings.HasPrefix(n, to) {
				out = append(out, from+"->"+n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	for _, n := range names {
		if strings.HasPrefix(n, typed) {
			out = append(out, n+"->")
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
