package generate_test

import (
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
)

// flowLines renders flows as "from → to: ports" lines.
func flowLines(fs []generate.Flow) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.From.String()+" → "+f.To.String()+": "+f.Ports)
	}
	return out
}

func goldenApp(t *testing.T, name string) goldenCase {
	t.Helper()
	for _, c := range goldenCases(t) {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no golden case %s", name)
	return goldenCase{}
}

// TestFlowsReadTheObjects changes the built policies and wants the table
// to follow them: it is read from the objects, not from the spec.
func TestFlowsReadTheObjects(t *testing.T) {
	c := goldenApp(t, "three-tier-tls")
	tier := func(o *generate.Objects, name string) *generate.TierObjects {
		for i := range o.Tiers {
			if o.Tiers[i].Tier.Name == name {
				return &o.Tiers[i]
			}
		}
		t.Fatalf("no tier %s", name)
		return nil
	}
	o := generate.BuildObjects(c.app)
	before := flowLines(generate.Flows(o))
	const apiToDB = "api → db: postgres (5432/TCP)"
	if !slices.Contains(before, apiToDB) {
		t.Fatalf("flows of %s lack %q:\n%s", c.name, apiToDB, strings.Join(before, "\n"))
	}

	// A flow needs both ends: without api's egress to db, the db policy's
	// ingress rule alone allows nothing.
	api := tier(o, "api").Policy
	api.Spec.Egress = slices.DeleteFunc(api.Spec.Egress, func(r networkingv1.NetworkPolicyEgressRule) bool {
		return len(r.To) == 1 && r.To[0].PodSelector != nil && r.To[0].PodSelector.MatchLabels[generate.LabelComponent] == "db"
	})
	if got := flowLines(generate.Flows(o)); slices.Contains(got, apiToDB) {
		t.Errorf("api's egress to db removed, yet the flows still say %q", apiToDB)
	}

	// The controller's ports are the policy's, whatever the spec says.
	o = generate.BuildObjects(c.app)
	web := tier(o, "web").Policy
	for i, r := range web.Spec.Ingress {
		if len(r.From) == 1 && r.From[0].NamespaceSelector != nil {
			web.Spec.Ingress = slices.Delete(web.Spec.Ingress, i, i+1)
			break
		}
	}
	for _, l := range flowLines(generate.Flows(o)) {
		if strings.HasPrefix(l, "ingress controller") && strings.Contains(l, "→ web:") {
			t.Errorf("web's controller rule removed, yet the flows still say %q", l)
		}
	}
}

// TestPolicyNamesReserved: no tier may take the name of a namespace-wide
// policy, or its own policy would replace it.
func TestPolicyNamesReserved(t *testing.T) {
	for _, c := range goldenCases(t) {
		for _, p := range generate.BuildObjects(c.app).Policies() {
			if !slices.Contains(spec.ReservedTierNames, p.Name) {
				t.Errorf("%s: policy %s is no reserved tier name", c.name, p.Name)
			}
			if generate.PolicyPurpose(p.Name) == "" {
				t.Errorf("%s: policy %s has no purpose for the README", c.name, p.Name)
			}
		}
	}
}
