package verify

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkBase is a clean namespace: one hardened Deployment behind a
// default-deny with DNS allowed. Each case adds documents to it.
const checkBase = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: ns}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ns}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: app:1
        ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 5353, protocol: UDP}]
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`

// TestCheck lists, for manifests added to a clean namespace, every finding
// as "severity object field".
func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		docs string
		// drop names the base's policies the case replaces.
		drop []string
		want []string
	}{
		{name: "clean"},
		{
			name: "Service: numeric targetPort not declared is a warning, no selector is fine, nodePort on ClusterIP",
			docs: `
apiVersion: v1
kind: Service
metadata: {name: s, namespace: ns}
spec: {selector: {app: a}, ports: [{port: 80, targetPort: 8081}, {port: 81, targetPort: 8080}, {name: d, port: 53, protocol: UDP, targetPort: dns}]}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: ns}
spec: {ports: [{port: 80, nodePort: 30001}]}`,
			want: []string{
				"error Service ns/manual spec.ports[0].nodePort",
				"warning Service ns/s spec.ports[0].targetPort",
			},
		},
		{
			name: "nodePorts: same number on two protocols is fine, on one protocol twice is not",
			docs: `
apiVersion: v1
kind: Service
metadata: {name: a, namespace: ns}
spec: {type: NodePort, selector: {app: a}, ports: [{name: t, port: 80, targetPort: http, nodePort: 30053}, {name: u, port: 53, protocol: UDP, targetPort: dns, nodePort: 30053}]}
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: ns}
spec: {type: LoadBalancer, selector: {app: a}, ports: [{port: 80, targetPort: http, nodePort: 30053}]}`,
			want: []string{
				"error Service ns/b spec.ports[0].nodePort",
				"warning Service ns/a spec.externalTrafficPolicy",
				"warning Service ns/a spec.ports[0]",
				"warning Service ns/a spec.ports[1]",
				"warning Service ns/b spec.externalTrafficPolicy",
				"warning Service ns/b spec.ports[0]",
			},
		},
		{
			name: "a load balancer source range the policies deny",
			docs: `
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: ns}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  loadBalancerSourceRanges: [198.51.100.0/24, 192.0.2.0/24]
  selector: {app: a}
  ports: [{name: http, port: 443, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lb, namespace: ns}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Ingress]
  ingress: [{from: [{ipBlock: {cidr: 198.51.100.0/24}}], ports: [{port: http}]}]`,
			want: []string{"warning Service ns/lb spec.loadBalancerSourceRanges"},
		},
		{
			name: "Ingress: wildcard TLS host covers one label, paths absolute, pathType stated",
			docs: `
apiVersion: v1
kind: Service
metadata: {name: s, namespace: ns}
spec: {selector: {app: a}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i, namespace: ns}
spec:
  defaultBackend: {service: {name: s, port: {number: 81}}}
  tls: [{hosts: ["*.example.com", "*.a.example.com", example.com]}]
  rules:
  - host: www.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}
      - {path: api, pathType: Exact, backend: {service: {name: s, port: {name: http}}}}
      - {path: /x, backend: {resource: {kind: Bucket, name: b}}}`,
			want: []string{
				"error Ingress ns/i spec.defaultBackend.service.port",
				"error Ingress ns/i spec.rules[0].http.paths[1].path",
				"error Ingress ns/i spec.tls[0].hosts[1]",
				"error Ingress ns/i spec.tls[0].hosts[2]",
				"warning Ingress ns/i spec.rules[0].http.paths[2].pathType",
			},
		},
		{
			name: "policies the API server rejects",
			docs: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}, {}, {ipBlock: {cidr: nonsense, except: [also-nonsense]}}]
    ports: [{port: http, endPort: 9000}, {port: 9000, endPort: 8000}, {endPort: 3}, {port: 1, protocol: ICMP}]`,
			want: []string{
				"error NetworkPolicy ns/bad spec.ingress[0].from[0]",
				"error NetworkPolicy ns/bad spec.ingress[0].from[1]",
				"error NetworkPolicy ns/bad spec.ingress[0].from[2].ipBlock.cidr",
				"error NetworkPolicy ns/bad spec.ingress[0].ports[0].endPort",
				"error NetworkPolicy ns/bad spec.ingress[0].ports[1].endPort",
				"error NetworkPolicy ns/bad spec.ingress[0].ports[2].endPort",
				"error NetworkPolicy ns/bad spec.ingress[0].ports[3].protocol",
			},
		},
		{
			name: "a selector of a policy that selects nothing, and a peer that matches nothing",
			docs: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: ns}
spec:
  podSelector: {matchLabels: {app: b}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: c}}}]}]`,
			want: []string{
				"error NetworkPolicy ns/p spec.podSelector",
				"warning NetworkPolicy ns/p spec.ingress[0].from[0]",
			},
		},
		{
			name: "rules of a type policyTypes lacks are ignored",
			docs: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  ingress: [{from: [{podSelector: {}}]}]`,
			want: []string{"warning NetworkPolicy ns/p spec.ingress"},
		},
		{
			name: "DNS over UDP only is a warning",
			docs: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}]`,
			drop: []string{"dns"},
			want: []string{"warning Deployment ns/app spec.template.metadata.labels"},
		},
		{
			name: "workloads of every kind are checked; a bare pod not isolated",
			docs: `
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: other}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ns}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: dbx}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers: [{name: c, image: db, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb, namespace: ns}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: none}}}`,
			want: []string{
				"error Pod other/debug metadata.labels",
				"error Pod other/debug metadata.labels",
				"error Pod other/debug spec",
				"error Pod other/debug spec",
				"error Pod other/debug spec",
				"error Pod other/debug spec",
				"error StatefulSet ns/db spec.selector",
				"warning Pod other/debug metadata.labels",
				"warning PodDisruptionBudget ns/pdb spec.selector",
			},
		},
		{
			name: "isolated by allow policies only",
			docs: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{podSelector: {}}]}]
  egress: [{to: [{namespaceSelector: {}}]}]`,
			drop: []string{"deny"},
			want: []string{
				"warning Deployment ns/app spec.template.metadata.labels",
				"warning Deployment ns/app spec.template.metadata.labels",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts []string
			for _, d := range strings.Split(checkBase, "---") {
				keep := true
				for _, name := range tt.drop {
					keep = keep && !strings.Contains(d, "{name: "+name+", namespace: ns}")
				}
				if keep {
					parts = append(parts, d)
				}
			}
			docs := strings.Join(parts, "---")
			if tt.docs != "" {
				docs += "---" + tt.docs
			}
			b := loadYAML(t, "in.yaml", docs)
			for _, f := range b.Findings {
				t.Fatalf("LoadYAML finding: %v", f)
			}
			e := NewEvaluator(b.Objects, Options{})
			var got []string
			for _, f := range Check(b.Objects, e, Options{}) {
				got = append(got, strings.Join([]string{string(f.Severity), f.Object, f.Field}, " "))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check findings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
