package spec

import (
	"fmt"
	"strings"
)

// Warnings lists what is valid but worth a second look in a defaulted,
// valid App: choices that admit more than the user may think, or that will
// not work as they may expect.
func Warnings(a *App) []string {
	var out []string
	if e := a.Network.PolicyEngine; e != nil && e.Enforced != EnforcedYes {
		out = append(out, e.Warning())
	}
	if a.Ingress != nil {
		if p, ok := Presets[a.Ingress.Class]; ok && a.Ingress.Class == "nginx" {
			out = append(out, p.Note)
		}
		if in := a.Ingress; in.TLSIssuer != "" && in.ACMESolver == ACMESolverHTTP01 {
			// ACME servers prove a wildcard name only over DNS-01.
			seen := map[string]bool{}
			for _, r := range in.Rules {
				if r.TLS != "" && strings.HasPrefix(r.Host, "*.") && !seen[r.Host] {
					seen[r.Host] = true
					out = append(out, fmt.Sprintf("ingress: an ACME HTTP-01 challenge cannot prove the wildcard host %s, so its certificate will not issue: use a DNS-01 issuer and set ingress.acmeSolver: dns01 (none for an issuer without ACME)", r.Host))
				}
			}
		}
		if a.Ingress.TLSSelfSigned {
			out = append(out, "ingress.tlsSelfSigned: clients do not trust a self-signed certificate (browsers warn, curl needs --cacert), and its private key sits in the base's tls/ folder: use it on local clusters only")
		}
	}
	for _, t := range a.Tiers {
		if t.Expose.External() && len(t.Expose.SourceRanges) == 0 {
			out = append(out, fmt.Sprintf("tier %s is a %s without sourceRanges: it admits any address outside the pod network (%s)", t.Name, t.Expose.Type, a.Network.AnySourceText()))
		}
		if t.Expose.External() && t.Expose.ExternalTrafficPolicy == "Cluster" && len(t.Expose.SourceRanges) == 0 {
			out = append(out, fmt.Sprintf("tier %s uses externalTrafficPolicy Cluster: nodes may forward clients with a source address inside the pod network, which its any-source rule excepts; use Local", t.Name))
		}
		if t.Expose.External() && t.Expose.ExternalTrafficPolicy == "Cluster" && len(t.Expose.SourceRanges) > 0 {
			out = append(out, fmt.Sprintf("tier %s uses externalTrafficPolicy Cluster: client addresses are replaced by node addresses, so its sourceRanges policy rule will not match clients; use Local", t.Name))
		}
		if t.Replicas != nil && *t.Replicas == 0 {
			out = append(out, fmt.Sprintf("tier %s has 0 replicas: its Service has no endpoints until it is scaled up", t.Name))
		}
	}
	return out
}

// Warning says what a cluster that does not enforce NetworkPolicy, or of
// which nobody could tell, means for the base.
func (e *PolicyEngine) Warning() string {
	found := "no network plugin kubenetgen knows"
	if len(e.Plugins) > 0 {
		found = strings.Join(e.Plugins, ", ")
	}
	if e.Enforced == EnforcedNo {
		return fmt.Sprintf("NETWORK POLICIES WILL NOT BE ENFORCED: the cluster runs %s, which does not enforce NetworkPolicy; every policy of this base is decoration until a policy engine (Calico, Cilium, Antrea, kube-router…) runs", found)
	}
	return fmt.Sprintf("kubenetgen could not tell whether the cluster enforces NetworkPolicy (found %s): check that its network plugin does, or the policies of this base are decoration", found)
}
