package appflags

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kubenetgen/kubenetgen/spec"
)

// Under reports whether a problem's field is f or lies beneath it.
func Under(field, f string) bool {
	return field == f || strings.HasPrefix(field, f+".") || strings.HasPrefix(field, f+"[")
}

// Origin returns a function that names the flag which set a problem's
// field, or "" when no given flag set it (the value came from a spec file,
// a preset or a default), so that messages about flag values name the flag.
func (v *Values) Origin(fs *pflag.FlagSet, a *spec.App) func(field string) string {
	flagTiers := map[string]bool{}
	for _, s := range v.Tiers {
		if t, err := spec.ParseTier(s); err == nil {
			flagTiers[t.Name] = true
		}
	}
	given := func(flag string) string {
		if fs.Changed(flag) {
			return "--" + flag
		}
		return ""
	}
	return func(field string) string {
		var i int
		switch {
		case field == "name":
			return given(FlagName)
		case field == "namespace":
			return given(FlagNamespace)
		case field == "tiers":
			return given(FlagTier)
		case strings.HasPrefix(field, "tiers["):
			if strings.Contains(field, ".allowFrom") {
				return given(FlagAllow)
			}
			if _, err := fmt.Sscanf(field, "tiers[%d]", &i); err == nil && i < len(a.Tiers) && flagTiers[a.Tiers[i].Name] {
				return "--" + FlagTier + " " + a.Tiers[i].Name
			}
			return ""
		case Under(field, "ingress.class"):
			return given(FlagIngressClass)
		case Under(field, "ingress.controller.namespace"):
			return given(FlagIngressNamespace)
		case Under(field, "ingress.controller.podLabels"):
			return given(FlagIngressLabels)
		case Under(field, "ingress.controller"):
			return given(FlagIngressClass)
		case Under(field, "ingress.rules"):
			if _, err := fmt.Sscanf(field, "ingress.rules[%d]", &i); err == nil && fs.Changed(FlagRule) {
				return fmt.Sprintf("--%s #%d", FlagRule, i+1)
			}
			return given(FlagRule)
		case Under(field, "ingress.tlsIssuer"):
			return given(FlagTLSIssuer)
		case Under(field, "ingress.tlsSelfSigned"):
			return given(FlagTLSSelfSigned)
		case Under(field, "network.nodePortRange"):
			return given("node-port-range")
		case Under(field, "network.podCIDR"):
			return given("pod-cidr")
		case Under(field, "network.dns.namespace"):
			return given("dns-namespace")
		case Under(field, "network.dns.podLabels"):
			return given("dns-pod-labels")
		case Under(field, "network.dns.cidrs"):
			return given("dns-cidr")
		case Under(field, "network.dns.port"):
			return given("dns-port")
		case Under(field, "network.apiServer.cidrs"):
			return given("api-server-cidr")
		case Under(field, "network.apiServer.port"):
			return given("api-server-port")
		}
		return ""
	}
}

// ProblemsError lists every problem of a spec, one per line under the
// name of its source, each with the flag that set it when origin knows.
func ProblemsError(source string, ps spec.Problems, origin func(string) string) error {
	var b strings.Builder
	noun := "problem"
	if len(ps) > 1 {
		noun = "problems"
	}
	fmt.Fprintf(&b, "%s: %d %s, nothing was written:", source, len(ps), noun)
	for _, p := range ps {
		field := p.Field
		if origin != nil {
			if o := origin(p.Field); o != "" {
				field += " (" + o + ")"
			}
		}
		fmt.Fprintf(&b, "\n  %s: %s", field, p.Message)
	}
	return errors.New(b.String())
}
