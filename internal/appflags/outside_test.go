package appflags

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubenetgen/kubenetgen/spec"
)

// TestApplyOutside: the same pods given twice make one entry with the
// ports of both; a scrape joins its preset's entry; a flow to a tier there
// is none of is kept as a problem naming the flag and the value.
func TestApplyOutside(t *testing.T) {
	v, fs := parse(t,
		"--allow-from", "api=billing/app=inv:http", "--allow-from", "api=billing/app=inv:metrics",
		"--egress-to", "api=db/app=pg:5432", "--egress-to", "api=db/app=pg:5432;5433/udp",
		"--scrape", "api:metrics", "--scrape", "api:admin=kube-prometheus-stack",
		"--scrape", "cache:metrics")
	a := &spec.App{Tiers: []spec.Tier{{Name: "web"}, {Name: "api"}}}
	if err := v.Apply(fs, a); err != nil {
		t.Fatal(err)
	}
	want := spec.Tier{Name: "api",
		AllowFromNamespaces: []spec.Caller{
			{Preset: spec.ScraperKubePrometheusStack, Ports: []string{"metrics", "admin"}},
			{Namespace: "billing", PodLabels: map[string]string{"app": "inv"}, Ports: []string{"http", "metrics"}},
		},
		Egress: spec.Egress{Namespaces: []spec.Callee{{Namespace: "db", PodLabels: map[string]string{"app": "pg"}, Ports: []spec.PeerPort{{Port: 5432}, {Port: 5433, Protocol: "UDP"}}}}},
	}
	if diff := cmp.Diff(want, *a.Tier("api")); diff != "" {
		t.Errorf("api (-want +got):\n%s", diff)
	}
	wantP := spec.Problems{{Field: "--scrape cache:metrics", Message: `"cache" is not a tier: use one of web, api`}}
	if diff := cmp.Diff(wantP, v.Unplaced); diff != "" {
		t.Errorf("Unplaced (-want +got):\n%s", diff)
	}
}
