// Package verify checks Kubernetes manifests the way kubenetgen means them
// to be: it loads a kustomize base or multi-document YAML into typed
// objects, checks the objects against each other (selectors select pods,
// ports exist, Ingress backends resolve, every pod is isolated by a
// default-deny, DNS stays reachable, Pod Security "restricted" holds) and
// evaluates the NetworkPolicies exactly as the API defines them, to list
// who may connect to whom on which ports. Given the spec, it compares that
// matrix with the declared flows. It is a library: it imports neither
// cobra nor survey.
package verify

import (
	"github.com/kubenetgen/kubenetgen/spec"
)

// Report is the outcome of verifying a set of manifests.
type Report struct {
	// Source is what was read (a directory, a file, "-").
	Source string `json:"source"`
	// Findings are sorted, errors first.
	Findings []Finding `json:"findings"`
	// Peers are the workloads and pseudo-peers the matrix is over.
	Peers []*Peer `json:"peers"`
	// Flows is the connectivity matrix: every allowed connection with a
	// workload at one end, in peer order, up to ReportOptions.MaxFlows
	// (none in a summary).
	Flows []Flow `json:"flows"`
	// FlowCount is the number of allowed connections, listed or not.
	FlowCount int `json:"flowCount"`
	// MaxFlows is set when Flows stopped at that many connections.
	MaxFlows int `json:"maxFlows,omitempty"`
	// Reach counts each peer's connections, in peer order, when not every
	// connection is listed.
	Reach []PeerReach `json:"reach,omitempty"`
	// Expect is the difference from the spec's declared flows, when a
	// spec was given.
	Expect *Diff `json:"expect,omitempty"`
}

// Verify checks the loaded bundle. With a defaulted, valid spec it also
// compares the flows with the spec's, and the spec's cluster facts (ingress
// controller, DNS, API server, pod CIDR, NodePort range) fill the options
// the caller left unset.
func Verify(source string, b *Bundle, o Options, app *spec.App) *Report {
	return VerifyReport(source, b, o, app, ReportOptions{})
}

// VerifyReport is Verify with the listing of a large matrix bounded by ro:
// the connections past ro.MaxFlows are counted, not kept. The flows
// compared with a spec are kept in full; they are bounded by its tiers.
func VerifyReport(source string, b *Bundle, o Options, app *spec.App, ro ReportOptions) *Report {
	if app != nil {
		o = mergeOptions(o, OptionsFromSpec(app))
	} else if o.ACMESolvers == nil {
		// Without a spec, an Ingress that asks cert-manager for a
		// certificate says where its solver pods may run.
		o.ACMESolvers = acmeSolverNamespaces(b.Objects)
	}
	o = o.Defaulted()
	e := NewEvaluator(b.Objects, o)
	r := &Report{Source: source, Peers: e.Peers}
	findings := append([]Finding(nil), b.Findings...)
	findings = append(findings, Check(b.Objects, e, o)...)
	if app == nil {
		r.matrix(e, ro, nil)
	} else {
		want, fs := Expected(app, e)
		findings = append(findings, fs...)
		isTier := map[string]bool{}
		for _, p := range TierPeers(app, e) {
			isTier[p.ID] = true
		}
		got := r.matrix(e, ro, func(s, d *Peer) bool {
			return (s.Kind != PeerWorkload || isTier[s.ID]) && (d.Kind != PeerWorkload || isTier[d.ID])
		})
		d := Compare(e.Peers, want, got)
		r.Expect = &d
	}
	r.Findings = SortFindings(findings)
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return r
}

// mergeOptions fills the unset fields of o from the spec's.
func mergeOptions(o, fromSpec Options) Options {
	if !o.PodCIDR.IsValid() {
		o.PodCIDR = fromSpec.PodCIDR
	}
	if o.IngressController == nil {
		o.IngressController = fromSpec.IngressController
	}
	if o.GatewayDataPlane == nil {
		o.GatewayDataPlane = fromSpec.GatewayDataPlane
	}
	if o.GatewayControlPlane == nil {
		o.GatewayControlPlane = fromSpec.GatewayControlPlane
	}
	if o.DNS.Namespace == "" && len(o.DNS.Labels) == 0 && len(o.DNS.CIDRs) == 0 {
		port := o.DNS.Port
		o.DNS = fromSpec.DNS
		if port != 0 {
			o.DNS.Port = port
		}
	}
	if o.DNS.Port == 0 {
		o.DNS.Port = fromSpec.DNS.Port
	}
	if o.APIServer == nil {
		o.APIServer = fromSpec.APIServer
	}
	o.Outside = uniquePrefixes(append(o.Outside, fromSpec.Outside...))
	o.EgressCIDRs = uniquePrefixes(append(o.EgressCIDRs, fromSpec.EgressCIDRs...))
	if o.NodePortLow == 0 && o.NodePortHigh == 0 {
		o.NodePortLow, o.NodePortHigh = fromSpec.NodePortLow, fromSpec.NodePortHigh
	}
	o.AllowMetadata = o.AllowMetadata || fromSpec.AllowMetadata
	if o.ACMESolvers == nil {
		o.ACMESolvers = fromSpec.ACMESolvers
	}
	o.PodSets = mergePodSets(o.PodSets, fromSpec.PodSets)
	return o
}

// Counts returns the number of error and warning findings.
func (r *Report) Counts() (errors, warnings int) {
	for _, f := range r.Findings {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Failed reports whether verify should exit 1: an error finding, or a
// difference from the declared flows.
func (r *Report) Failed() bool {
	errs, _ := r.Counts()
	return errs > 0 || (r.Expect != nil && !r.Expect.Empty())
}
