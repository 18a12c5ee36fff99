package verify_test

import (
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/verify"
)

// TestOutsidePeers checks callers and callees in other namespaces as
// verify sees them: pseudo-peers named [NAMESPACE/NAME] that --expect
// compares exactly, so that a policy admitting a whole namespace, a lost
// rule or a widened port is a difference.
func TestOutsidePeers(t *testing.T) {
	a := loadSpec(t, "../golden/outside-peers/kubenetgen.yaml")
	run := func(mutate func(api *networkingv1.NetworkPolicy)) *verify.Report {
		o := generate.BuildObjects(a)
		if mutate != nil {
			for i := range o.Tiers {
				if o.Tiers[i].Tier.Name == "api" {
					mutate(o.Tiers[i].Policy)
				}
			}
		}
		return verify.Verify("base", verify.FromObjects("base", o.List()), verify.Options{}, a)
	}
	clean := run(nil)
	if clean.Failed() || len(clean.Findings) > 0 {
		t.Fatalf("the base does not verify cleanly:\n%s", report(clean))
	}
	var ids []string
	for _, p := range clean.Peers {
		ids = append(ids, p.ID)
	}
	for _, id := range []string{"[billing/invoicer]", "[monitoring/prometheus]", "[shared-db/postgres]", "[pod in billing]", "[pod in shared-db]"} {
		if !slices.Contains(ids, id) {
			t.Errorf("no peer %s among %v", id, ids)
		}
	}
	flows := func(r *verify.Report) []string {
		var out []string
		for _, f := range r.Flows {
			out = append(out, verify.FormatFlow(f))
		}
		return out
	}
	for _, want := range []string{
		"[monitoring/prometheus] → orders/api: metrics 9100/TCP",
		"[monitoring/prometheus] → orders/web: metrics 9100/TCP",
		"[billing/invoicer] → orders/api: http 9090/TCP",
		"orders/api → [shared-db/postgres]: 5432/TCP",
	} {
		if !slices.Contains(flows(clean), want) {
			t.Errorf("flow %q missing from %v", want, flows(clean))
		}
	}
	diff := func(r *verify.Report) string {
		var out []string
		for _, f := range r.Expect.Missing {
			out = append(out, "missing "+verify.FormatFlow(f))
		}
		for _, f := range r.Expect.Extra {
			out = append(out, "extra "+verify.FormatFlow(f))
		}
		return strings.Join(out, "; ")
	}
	for _, m := range []struct {
		name   string
		mutate func(api *networkingv1.NetworkPolicy)
		want   string
	}{
		{"caller namespace OR labels", func(p *networkingv1.NetworkPolicy) {
			pe := p.Spec.Ingress[2].From[0]
			p.Spec.Ingress[2].From = []networkingv1.NetworkPolicyPeer{{NamespaceSelector: pe.NamespaceSelector}, {PodSelector: pe.PodSelector}}
		}, "extra [pod in billing] → orders/api: http 9090/TCP"},
		{"scrape port widened", func(p *networkingv1.NetworkPolicy) { p.Spec.Ingress[1].Ports = nil },
			"extra [monitoring/prometheus] → orders/api: 1-9099/TCP, 9101-65535/TCP, all UDP, all SCTP"},
		{"callee rule dropped", func(p *networkingv1.NetworkPolicy) { p.Spec.Egress = p.Spec.Egress[:0] },
			"missing orders/api → [shared-db/postgres]: 5432/TCP"},
		{"callee namespace alone", func(p *networkingv1.NetworkPolicy) { p.Spec.Egress[0].To[0].PodSelector = nil },
			"extra orders/api → [pod in shared-db]: 5432/TCP"},
	} {
		r := run(m.mutate)
		if !r.Failed() || !strings.Contains(diff(r), m.want) {
			t.Errorf("%s: --expect says %q, want %q", m.name, diff(r), m.want)
		}
	}
}
