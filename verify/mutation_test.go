package verify_test

import (
	"os"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubenetgen/kubenetgen/generate"
	"github.com/kubenetgen/kubenetgen/spec"
	"github.com/kubenetgen/kubenetgen/verify"
)

// loadSpec reads a test spec, defaulted and valid.
func loadSpec(tb testing.TB, path string) *spec.App {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	a, err := spec.Load(data)
	if err != nil {
		tb.Fatalf("spec.Load(%s): %v", path, err)
	}
	spec.Default(a)
	if ps := spec.Validate(a); len(ps) > 0 {
		tb.Fatalf("spec.Validate(%s): %v", path, ps)
	}
	return a
}

func tierObjects(o *generate.Objects, name string) *generate.TierObjects {
	for i := range o.Tiers {
		if o.Tiers[i].Tier.Name == name {
			return &o.Tiers[i]
		}
	}
	panic("no tier " + name)
}

func report(r *verify.Report) string {
	var sb strings.Builder
	verify.WriteText(&sb, r)
	return sb.String()
}

// TestMutations seeds one defect at a time into the correct base of
// testdata/shop.kubenetgen.yaml; verify with the spec must fail and say
// what is wrong.
func TestMutations(t *testing.T) {
	a := loadSpec(t, "testdata/shop.kubenetgen.yaml")
	clean := verify.Verify("base", verify.FromObjects("base", generate.Build(a)), verify.Options{}, a)
	if clean.Failed() || len(clean.Findings) > 0 {
		t.Fatalf("the unmutated base does not verify cleanly:\n%s", report(clean))
	}
	port := func(n int32) *intstr.IntOrString { p := intstr.FromInt32(n); return &p }
	tests := []struct {
		name   string
		mutate func(o *generate.Objects) []runtime.Object
		// want are substrings of the text report, each required.
		want []string
	}{
		{"drop the DNS rule", func(o *generate.Objects) []runtime.Object {
			o.AllowDNS = nil
			return nil
		}, []string{"may not reach cluster DNS [dns] on 53/UDP", "Missing", "shop/web → [dns]"}},
		{"DNS over UDP left to the TCP default", func(o *generate.Objects) []runtime.Object {
			o.AllowDNS.Spec.Egress[0].Ports[0].Protocol = nil
			return nil
		}, []string{"on 53/UDP: every name lookup fails", "shop/db → [dns]: dns 53/UDP"}},
		{"DNS selectors as two peer elements (OR)", func(o *generate.Objects) []runtime.Object {
			p := &o.AllowDNS.Spec.Egress[0].To[0]
			o.AllowDNS.Spec.Egress[0].To = []networkingv1.NetworkPolicyPeer{{NamespaceSelector: p.NamespaceSelector}, {PodSelector: p.PodSelector}}
			return nil
		}, []string{"are two peer elements", "Extra", "shop/web → [pod in kube-system]: 53/TCP, 53/UDP"}},
		{"drop policyTypes of the default-deny", func(o *generate.Objects) []runtime.Object {
			o.DefaultDeny.Spec.PolicyTypes = nil
			return nil
		}, []string{"NetworkPolicy shop/default-deny spec.policyTypes: is missing, so the API server sets [Ingress]: this policy denies ingress only"}},
		{"drop policyTypes of an egress-only policy", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "worker").Policy.Spec.PolicyTypes = nil
			return nil
		}, []string{"NetworkPolicy shop/worker spec.policyTypes", "also denies all ingress"}},
		{"Service selector label typo", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "api").Service.Spec.Selector[generate.LabelComponent] = "apj"
			return nil
		}, []string{"Service shop/api spec.selector", "selects no pod template in namespace shop"}},
		{"policy podSelector label typo", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "db").Policy.Spec.PodSelector.MatchLabels[generate.LabelComponent] = "bd"
			return nil
		}, []string{"NetworkPolicy shop/db spec.podSelector", "the policy does nothing", "Missing", "shop/api → shop/db: postgres 5432/TCP"}},
		{"peer podSelector label typo", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "db").Policy.Spec.Ingress[0].From[0].PodSelector.MatchLabels[generate.LabelComponent] = "apl"
			return nil
		}, []string{"spec.ingress[0].from[0]", "matches no pod", "shop/api → shop/db: postgres 5432/TCP"}},
		{"the Service port in a policy instead of the pod port", func(o *generate.Objects) []runtime.Object {
			pol := tierObjects(o, "api").Policy
			for i := range pol.Spec.Ingress {
				for j := range pol.Spec.Ingress[i].Ports {
					if pol.Spec.Ingress[i].Ports[j].Port.StrVal == "http" {
						pol.Spec.Ingress[i].Ports[j].Port = port(80)
					}
				}
			}
			return nil
		}, []string{"80/TCP is not a container port of the pods the policy selects (it is a port of Service api", "Missing", "shop/web → shop/api: http 9090/TCP"}},
		{"ingress controller selectors as two peer elements (OR)", func(o *generate.Objects) []runtime.Object {
			pol := tierObjects(o, "web").Policy
			for i, r := range pol.Spec.Ingress {
				if p := r.From[0]; p.NamespaceSelector != nil {
					pol.Spec.Ingress[i].From = []networkingv1.NetworkPolicyPeer{{NamespaceSelector: p.NamespaceSelector}, {PodSelector: p.PodSelector}}
				}
			}
			return nil
		}, []string{"are two peer elements", "Extra", "[pod in traefik] → shop/web: http 8080/TCP"}},
		{"removed default-deny", func(o *generate.Objects) []runtime.Object {
			o.DefaultDeny = nil
			return nil
		}, []string{"no NetworkPolicy isolates its pods for ingress", "no default-deny covers its pods for egress", "[outside] → shop/worker: all ports"}},
		{"Ingress backend port typo", func(o *generate.Objects) []runtime.Object {
			o.Ingress.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Name = "htp"
			return nil
		}, []string{"Ingress shop/shop spec.rules[0].http.paths[0].backend.service.port: htp is not a port of Service"}},
		{"Ingress backend Service typo", func(o *generate.Objects) []runtime.Object {
			o.Ingress.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name = "wbe"
			return nil
		}, []string{`backend.service.name: "wbe" is not a Service in namespace shop`}},
		{"Service targetPort typo", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "db").Service.Spec.Ports[0].TargetPort = intstr.FromString("postgress")
			return nil
		}, []string{`Service shop/db spec.ports[0].targetPort: "postgress" is not a TCP container port of shop/db`}},
		{"nodePort out of range", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "web").Service.Spec.Ports[0].NodePort = 3000
			return nil
		}, []string{"3000 is outside the NodePort range 30000-32767"}},
		{"duplicated nodePort", func(o *generate.Objects) []runtime.Object {
			svc := tierObjects(o, "web").Service
			svc.Spec.Ports[0].NodePort = 30080
			dup := svc.DeepCopy()
			dup.Name = "web-canary"
			return []runtime.Object{dup}
		}, []string{"30080/TCP is already used by Service shop/web"}},
		{"TLS host typo", func(o *generate.Objects) []runtime.Object {
			o.Ingress.Spec.TLS[0].Hosts[0] = "shop.exmaple.com"
			return nil
		}, []string{`"shop.exmaple.com" is not the host of any rule`}},
		{"privilege escalation allowed", func(o *generate.Objects) []runtime.Object {
			c := &tierObjects(o, "web").Deployment.Spec.Template.Spec.Containers[0]
			c.SecurityContext.AllowPrivilegeEscalation = nil
			return nil
		}, []string{"violates Pod Security restricted: allowPrivilegeEscalation != false"}},
		{"seccomp profile dropped", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "db").Deployment.Spec.Template.Spec.SecurityContext.SeccompProfile = nil
			return nil
		}, []string{"violates Pod Security restricted: seccompProfile"}},
		{"a callee's egress rule removed", func(o *generate.Objects) []runtime.Object {
			pol := tierObjects(o, "api").Policy
			var keep []networkingv1.NetworkPolicyEgressRule
			for _, r := range pol.Spec.Egress {
				if len(r.To) > 0 && r.To[0].PodSelector != nil && r.To[0].PodSelector.MatchLabels[generate.LabelComponent] == "db" {
					continue
				}
				keep = append(keep, r)
			}
			pol.Spec.Egress = keep
			return nil
		}, []string{"Missing", "shop/api → shop/db: postgres 5432/TCP"}},
		{"a rule's from dropped (every source)", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "db").Policy.Spec.Ingress[0].From = nil
			return nil
		}, []string{"Extra", "[outside] → shop/db: postgres 5432/TCP"}},
		{"named port with the wrong protocol", func(o *generate.Objects) []runtime.Object {
			udp := corev1.ProtocolUDP
			tierObjects(o, "db").Policy.Spec.Ingress[0].Ports[0].Protocol = &udp
			return nil
		}, []string{`"postgres" is not a UDP container port of any pod the policy selects`, "shop/api → shop/db: postgres 5432/TCP"}},
		{"namespace selected by a label it does not carry", func(o *generate.Objects) []runtime.Object {
			pol := tierObjects(o, "web").Policy
			for _, r := range pol.Spec.Ingress {
				if p := r.From[0]; p.NamespaceSelector != nil {
					p.NamespaceSelector.MatchLabels = map[string]string{"name": "traefik"}
				}
			}
			return nil
		}, []string{"matches no pod", "Missing", "[ingress-controller] → shop/web: http 8080/TCP"}},
		{"Deployment selector not matching its pods", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "db").Deployment.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}
			return nil
		}, []string{"Deployment shop/db spec.selector: app=db does not select the pod template's labels"}},
		{"egress CIDR without the pod network excepted", func(o *generate.Objects) []runtime.Object {
			for _, r := range tierObjects(o, "worker").Policy.Spec.Egress {
				if r.To[0].IPBlock != nil {
					r.To[0].IPBlock.Except = nil
				}
			}
			return nil
		}, []string{"Extra", "shop/worker → [dns]: 443/TCP", "shop/worker → [ingress-controller]: 443/TCP", "shop/worker → [metadata]: 443/TCP", "may reach the cloud metadata address 169.254.169.254 (443/TCP)"}},
		{"NodePort tier's outside rule removed", func(o *generate.Objects) []runtime.Object {
			pol := tierObjects(o, "web").Policy
			var keep []networkingv1.NetworkPolicyIngressRule
			for _, r := range pol.Spec.Ingress {
				if r.From[0].IPBlock == nil {
					keep = append(keep, r)
				}
			}
			pol.Spec.Ingress = keep
			return nil
		}, []string{"Service shop/web spec.ports[0]: is exposed outside the cluster, but the NetworkPolicies of shop/web admit no outside address on 8080/TCP", "[outside 198.51.100.0/24] → shop/web: http 8080/TCP"}},
		{"externalTrafficPolicy Cluster", func(o *generate.Objects) []runtime.Object {
			tierObjects(o, "web").Service.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyCluster
			return nil
		}, []string{"Service shop/web spec.externalTrafficPolicy: is Cluster: nodes replace client addresses"}},
	}
	// Defects verify reports as warnings, without failing.
	warningOnly := map[string]bool{"externalTrafficPolicy Cluster": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := generate.BuildObjects(a)
			extra := tt.mutate(o)
			objs := append(o.List(), extra...)
			e := verify.NewEvaluator(verify.FromObjects("base", objs).Objects, verify.OptionsFromSpec(a))
			if diff := verify.MatrixDiff(e) + verify.ExpectedDiff(a, e); diff != "" {
				t.Errorf("Matrix or Expected differs from every pair tried (-every pair +indexed):\n%s", diff)
			}
			r := verify.Verify("base", verify.FromObjects("base", objs), verify.Options{}, a)
			text := report(r)
			if !r.Failed() && !warningOnly[tt.name] {
				t.Errorf("Verify(%s).Failed() = false, want true; report:\n%s", tt.name, text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("report lacks %q; report:\n%s", w, text)
				}
			}
		})
	}
}
