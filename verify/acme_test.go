package verify_test

import (
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

const solverPeer = "[acme-solver in docs]"

// TestACMESolver checks cert-manager's HTTP-01 solver pods as verify sees
// them: a pseudo-peer in the app's namespace that --expect compares
// exactly, with the spec and without.
func TestACMESolver(t *testing.T) {
	a := loadSpec(t, "../golden/cert-manager-http01/kubenetgen.yaml")
	has := func(r *verify.Report, from, to, ports string) bool {
		for _, f := range r.Flows {
			if f.From == from && f.To == to && verify.FormatPorts(f.Ports) == ports {
				return true
			}
		}
		return false
	}
	run := func(mutate func(o *generate.Objects), app *spec.App) *verify.Report {
		o := generate.BuildObjects(a)
		if mutate != nil {
			mutate(o)
		}
		return verify.Verify("base", verify.FromObjects("base", o.List()), verify.Options{}, app)
	}

	clean := run(nil, a)
	if clean.Failed() || len(clean.Findings) > 0 {
		t.Fatalf("the base does not verify cleanly:\n%s", report(clean))
	}
	if !has(clean, "[ingress-controller]", solverPeer, "http 8089/TCP") {
		t.Errorf("no flow [ingress-controller] → %s on 8089/TCP:\n%s", solverPeer, report(clean))
	}
	if !has(clean, solverPeer, "[dns]", "dns-tcp 53/TCP, dns 53/UDP") {
		t.Errorf("the solver pods may not resolve names, as every pod may:\n%s", report(clean))
	}

	// Without a spec the Ingress's cert-manager annotation says where the
	// solver pods run, so the policy selects them.
	noSpec := run(nil, nil)
	if strings.Contains(report(noSpec), generate.PolicyACMESolver+" spec.podSelector") {
		t.Errorf("without a spec, the solver policy is said to select nothing:\n%s", report(noSpec))
	}
	if !has(noSpec, "[ingress-controller]", solverPeer, "http 8089/TCP") && !strings.Contains(report(noSpec), solverPeer) {
		t.Errorf("without a spec, verify does not show the solver pods:\n%s", report(noSpec))
	}

	tests := []struct {
		name   string
		mutate func(o *generate.Objects)
		want   []string
	}{
		{"solver policy dropped", func(o *generate.Objects) { o.ACMESolver = nil },
			[]string{"Missing", "[ingress-controller] → " + solverPeer + ": http 8089/TCP"}},
		{"controller namespace OR pods", func(o *generate.Objects) {
			r := &o.ACMESolver.Spec.Ingress[0]
			r.From = []networkingv1.NetworkPolicyPeer{{NamespaceSelector: r.From[0].NamespaceSelector}, {PodSelector: r.From[0].PodSelector}}
		}, []string{"Extra", "[pod in kube-system] → " + solverPeer + ": http 8089/TCP"}},
		{"every port of the solver pods", func(o *generate.Objects) { o.ACMESolver.Spec.Ingress[0].Ports = nil },
			[]string{"Extra", "[ingress-controller] → " + solverPeer + ": "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(tt.mutate, a)
			if !r.Failed() {
				t.Errorf("verify passed:\n%s", report(r))
			}
			for _, w := range tt.want {
				if !strings.Contains(report(r), w) {
					t.Errorf("report lacks %q:\n%s", w, report(r))
				}
			}
		})
	}

	// A DNS-01 issuer starts no solver pods: a base that still admits them
	// has a policy that selects nothing.
	dns01 := loadSpec(t, "../golden/cert-manager-http01/kubenetgen.yaml")
	dns01.Ingress.ACMESolver = spec.ACMESolverDNS01
	if r := run(nil, dns01); !r.Failed() || !strings.Contains(report(r), "selects no pod template") {
		t.Errorf("a solver policy under a DNS-01 issuer is not reported:\n%s", report(r))
	}
}
