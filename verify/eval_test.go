package verify

import (
	"net/netip"
	"strings"
	"testing"
)

// evalBase is the cluster the evaluator cases run in: namespace shop (web,
// api, db) and namespace other (client, and a web of its own), with the
// ingress controller, cluster DNS, the API server and the outside.
const evalBase = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other, labels: {team: b}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
      - name: web
        image: web
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: back}}
    spec:
      containers:
      - name: api
        image: api
        ports:
        - {name: http, containerPort: 9090}
        - {name: metrics, containerPort: 9100}
        - {name: gossip, containerPort: 7946, protocol: UDP}
        - {name: sig, containerPort: 3868, protocol: SCTP}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db, tier: back}}
    spec:
      containers:
      - {name: db, image: db, ports: [{name: postgres, containerPort: 5432}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: other}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec:
      containers: [{name: c, image: c}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: other}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: w, image: w, ports: [{name: http, containerPort: 80}]}]
`

func evalOptions() Options {
	return Options{
		IngressController: &Controller{Namespace: "traefik", Labels: map[string]string{"app.kubernetes.io/name": "traefik"}},
		APIServer:         &APIServerOptions{CIDRs: []netip.Prefix{netip.MustParsePrefix("172.18.0.2/32")}},
	}
}

// pair is one question to the evaluator and its hand-worked answer: the
// ports From may open to To, as the matrix prints them ("" for none).
type pair struct{ from, to, want string }

// TestEvaluate works one case per rule of NetworkPolicy semantics and per
// pitfall of the design brief. Each answer was worked out by hand from the
// API reference, not by running the evaluator.
func TestEvaluate(t *testing.T) {
	tests := []struct {
		name     string
		policies string
		pairs    []pair
	}{
		{
			name: "no policy: every pod is open both ways",
			pairs: []pair{
				{"shop/web", "shop/api", "all ports"},
				{"[outside]", "shop/db", "all ports"},
				{"shop/db", "[outside]", "all ports"},
			},
		},
		{
			name: "default-deny of both types isolates every pod of the namespace only",
			policies: `
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`,
			pairs: []pair{
				{"shop/web", "shop/api", ""},
				{"[outside]", "shop/web", ""},
				{"shop/db", "[dns]", ""},
				{"other/client", "other/web", "all ports"},
			},
		},
		{
			name: "isolation is per direction: an Ingress deny leaves egress open",
			policies: `
kind: NetworkPolicy
metadata: {name: deny-in, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}`,
			pairs: []pair{
				{"shop/web", "shop/api", ""},
				{"shop/web", "[outside]", "all ports"},
				{"shop/web", "other/web", "all ports"},
			},
		},
		{
			name: "a policy without policyTypes and without rules denies ingress only (a meant deny-all-egress)",
			policies: `
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: shop}
spec: {podSelector: {}}`,
			pairs: []pair{
				{"shop/web", "[outside]", "all ports"},
				{"[outside]", "shop/web", ""},
			},
		},
		{
			name: "an egress-only policy without policyTypes also isolates ingress",
			policies: `
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  egress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]`,
			pairs: []pair{
				{"shop/web", "shop/api", "all ports"},
				{"shop/web", "shop/db", ""},
				{"other/client", "shop/web", ""},
				{"other/client", "shop/api", "all ports"},
			},
		},
		{
			name: "explicit policyTypes [Egress] leaves ingress open",
			policies: `
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]`,
			pairs: []pair{
				{"other/client", "shop/web", "all ports"},
				{"shop/web", "[outside]", ""},
			},
		},
		{
			name: "ingress rules under policyTypes [Egress] are ignored: ingress stays open",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
  egress: [{ports: [{port: 53, protocol: UDP}]}]`,
			pairs: []pair{
				{"[outside]", "shop/api", "all ports"},
				{"shop/api", "[dns]", "dns 53/UDP"},
			},
		},
		{
			name: "empty podSelector in a peer is every pod of the policy's namespace, no other",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}]}]`,
			pairs: []pair{
				{"shop/web", "shop/api", "all ports"},
				{"shop/db", "shop/api", "all ports"},
				{"other/client", "shop/api", ""},
				{"[ingress-controller]", "shop/api", ""},
				{"[outside]", "shop/api", ""},
			},
		},
		{
			name: "namespaceSelector {} alone is every pod of every namespace, but no address",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {}}]}]`,
			pairs: []pair{
				{"other/client", "shop/api", "all ports"},
				{"[ingress-controller]", "shop/api", "all ports"},
				{"[outside]", "shop/api", ""},
				{"[api-server]", "shop/api", ""},
			},
		},
		{
			name: "namespace and pod selector in one element: AND",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: b}}
      podSelector: {matchLabels: {app: web}}`,
			pairs: []pair{
				{"other/web", "shop/api", "all ports"},
				{"other/client", "shop/api", ""},
				{"shop/web", "shop/api", ""},
			},
		},
		{
			name: "namespace and pod selector in two elements: OR",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: b}}
    - podSelector: {matchLabels: {app: web}}`,
			pairs: []pair{
				{"other/web", "shop/api", "all ports"},
				{"other/client", "shop/api", "all ports"},
				{"shop/web", "shop/api", "all ports"},
				{"shop/db", "shop/api", ""},
			},
		},
		{
			name: "kubernetes.io/metadata.name selects a namespace with no Namespace object",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}
      podSelector: {matchLabels: {app.kubernetes.io/name: traefik}}`,
			pairs: []pair{
				{"[ingress-controller]", "shop/api", "all ports"},
				{"shop/web", "shop/api", ""},
			},
		},
		{
			name: "ingress controller admitted by the right namespace but a wrong pod label: denied",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: traefik}}
      podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}`,
			pairs: []pair{{"[ingress-controller]", "shop/api", ""}},
		},
		{
			name: "a rule without from admits every source, addresses included, on its ports",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{ports: [{port: 9090}]}]`,
			pairs: []pair{
				{"[outside]", "shop/api", "http 9090/TCP"},
				{"other/client", "shop/api", "http 9090/TCP"},
			},
		},
		{
			name: "ingress: [{}] admits everything; ingress: [] admits nothing",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress], ingress: [{}]}
---
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress], ingress: []}`,
			pairs: []pair{
				{"[outside]", "shop/api", "all ports"},
				{"shop/web", "shop/db", ""},
			},
		},
		{
			name: "protocol defaults to TCP: port 53 alone does not open DNS over UDP",
			policies: `
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
kind: NetworkPolicy
metadata: {name: dns, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53}]`,
			pairs: []pair{{"shop/web", "[dns]", "dns-tcp 53/TCP"}},
		},
		{
			name: "DNS with UDP explicit, to one AND element",
			policies: `
kind: NetworkPolicy
metadata: {name: dns, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]`,
			pairs: []pair{
				{"shop/web", "[dns]", "dns-tcp 53/TCP, dns 53/UDP"},
				{"shop/web", "shop/api", ""},
			},
		},
		{
			name: "DNS as two elements (OR) opens port 53 of every pod in the namespace too",
			policies: `
kind: NetworkPolicy
metadata: {name: dns, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}, {podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{port: 53, protocol: UDP}, {port: 9090}]`,
			pairs: []pair{
				{"shop/web", "[dns]", "9090/TCP, dns 53/UDP"},
				{"shop/web", "shop/api", ""},
			},
		},
		{
			name: "named port resolves to each destination's own container port",
			policies: `
kind: NetworkPolicy
metadata: {name: http, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{ports: [{port: http}]}]`,
			pairs: []pair{
				{"other/client", "shop/api", "http 9090/TCP"},
				{"other/client", "shop/web", "http 8080/TCP"},
				{"other/client", "shop/db", ""},
			},
		},
		{
			name: "named port of the wrong protocol matches nothing",
			policies: `
kind: NetworkPolicy
metadata: {name: gossip, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{ports: [{port: gossip}]}, {ports: [{port: gossip, protocol: UDP}, {port: sig, protocol: SCTP}]}]`,
			pairs: []pair{{"shop/web", "shop/api", "gossip 7946/UDP, sig 3868/SCTP"}},
		},
		{
			name: "named port in an egress rule resolves against the destination pod",
			policies: `
kind: NetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{ports: [{port: http}]}]`,
			pairs: []pair{
				{"shop/web", "shop/api", "http 9090/TCP"},
				{"shop/web", "other/web", "http 80/TCP"},
				{"shop/web", "shop/db", ""},
				{"shop/web", "[outside]", ""},
			},
		},
		{
			name: "the Service port in a policy is not the pod port",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 80}]}]`,
			pairs: []pair{{"shop/web", "shop/api", "80/TCP"}},
		},
		{
			name: "endPort makes a range, ends included",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{ports: [{port: 9000, endPort: 9099}, {port: 9100, endPort: 9100, protocol: UDP}]}]`,
			pairs: []pair{{"shop/web", "shop/api", "9000-9099/TCP, 9100/UDP"}},
		},
		{
			name: "ipBlock with except: the outside but not the pod network",
			policies: `
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.244.0.0/16]}}], ports: [{port: http}]}]`,
			pairs: []pair{
				{"[outside]", "shop/web", "http 8080/TCP"},
				{"[api-server]", "shop/web", "http 8080/TCP"},
				{"other/client", "shop/web", ""},
				{"[ingress-controller]", "shop/web", ""},
			},
		},
		{
			name: "ipBlock matches pods by their address",
			policies: `
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]`,
			pairs: []pair{
				{"other/client", "shop/web", "all ports"},
				{"[outside]", "shop/web", ""},
			},
		},
		{
			name: "a connection needs the source's egress and the destination's ingress",
			policies: `
kind: NetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: api}}}, {podSelector: {matchLabels: {app: db}}}], ports: [{port: 9090}, {port: 5432}]}]
---
kind: NetworkPolicy
metadata: {name: api-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: db}}}]}]`,
			pairs: []pair{
				{"shop/web", "shop/api", ""},
				{"shop/web", "shop/db", "postgres 5432/TCP, 9090/TCP"},
				{"shop/db", "shop/api", "all ports"},
			},
		},
		{
			name: "policies add up: each selecting policy contributes its rules",
			policies: `
kind: NetworkPolicy
metadata: {name: a, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]
---
kind: NetworkPolicy
metadata: {name: b, namespace: shop}
spec:
  podSelector: {matchLabels: {tier: back}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: metrics}]}]`,
			pairs: []pair{
				{"shop/web", "shop/api", "http 9090/TCP, metrics 9100/TCP"},
				{"shop/web", "shop/db", ""},
			},
		},
		{
			name: "a policy in another namespace does not select this namespace's pods",
			policies: `
kind: NetworkPolicy
metadata: {name: deny, namespace: other}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`,
			pairs: []pair{
				{"shop/web", "shop/api", "all ports"},
				{"shop/web", "other/web", ""},
			},
		},
		{
			name: "matchExpressions: In, NotIn, Exists, DoesNotExist",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: app, operator: In, values: [api, db]}]}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {matchExpressions: [{key: tier, operator: Exists}, {key: app, operator: NotIn, values: [db]}]}
    - namespaceSelector: {matchExpressions: [{key: team, operator: DoesNotExist}]}`,
			pairs: []pair{
				{"shop/web", "shop/api", "all ports"},
				{"shop/api", "shop/db", "all ports"},
				{"shop/db", "shop/api", ""},
				{"other/client", "shop/db", ""},
				{"[dns]", "shop/db", "all ports"},
			},
		},
		{
			name: "port with a protocol and no number is every port of that protocol",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{ports: [{protocol: UDP}]}]`,
			pairs: []pair{{"shop/web", "shop/api", "all UDP"}},
		},
		{
			name: "the API server is an address, reached through an ipBlock",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 172.18.0.2/32}}], ports: [{port: 6443}]}, {to: [{namespaceSelector: {}}]}]`,
			pairs: []pair{
				{"shop/api", "[api-server]", "https 6443/TCP"},
				{"shop/api", "[outside]", ""},
				{"shop/api", "[dns]", "all ports"},
			},
		},
		{
			name: "pods the namespace's policies do not select stay open",
			policies: `
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress, Egress]}`,
			pairs: []pair{
				{"[outside]", "shop/web", "all ports"},
				{"shop/web", "shop/api", ""},
				{"shop/api", "shop/web", ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := evalBase
			if tt.policies != "" {
				docs += "---\napiVersion: networking.k8s.io/v1\n" + strings.ReplaceAll(tt.policies, "\n---\n", "\n---\napiVersion: networking.k8s.io/v1\n")
			}
			b := loadYAML(t, "case.yaml", docs)
			for _, f := range b.Findings {
				t.Fatalf("LoadYAML finding: %v", f)
			}
			e := NewEvaluator(b.Objects, evalOptions())
			for _, f := range e.Findings {
				t.Errorf("NewEvaluator finding: %v", f)
			}
			if diff := MatrixDiff(e); diff != "" {
				t.Errorf("Matrix differs from every pair tried (-every pair +Matrix):\n%s", diff)
			}
			for _, p := range tt.pairs {
				src, dst := e.Peer(p.from), e.Peer(p.to)
				if src == nil || dst == nil {
					t.Fatalf("no peer %q or %q", p.from, p.to)
				}
				if got := FormatPorts(e.Allowed(src, dst).Ranges(dst.Ports)); got != p.want {
					t.Errorf("Allowed(%s, %s) = %q, want %q", p.from, p.to, got, p.want)
				}
			}
		})
	}
}
