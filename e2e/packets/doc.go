// Package packets measures kubenetgen's NetworkPolicies with real packets:
// for each golden case, the bundled example, init's output and seeded
// random apps it builds a small world of
// Linux network namespaces, has a real NetworkPolicy engine enforce the
// generated policies in it, opens every connection between the pods, and
// compares what got through, flow by flow, with the flows the spec declares
// (the same intent verify --expect compares against).
//
// The world of one case:
//
//   - two network namespaces stand for two nodes, each with its own address
//     and its own /24 of the spec's pod network, joined by a veth pair with
//     routes to each other's address and pod range. The control plane of
//     package cluster runs inside the first (cluster.Config.Netns), with one
//     fake node per namespace whose InternalIP and podCIDR are the
//     namespace's; the apiserver is relayed onto the second's loopback. Each
//     node runs its own kube-router (its firewall only) and kube-proxy
//     (nftables, local traffic told by the node's pod range). The namespaces
//     have no route out: nothing in them can reach the host or beyond;
//   - the base's replicas are spread across the nodes (the case fails when a
//     workload with several replicas sits on one node), and the stand-ins
//     are placed on them in turn, so that flows between nodes are measured;
//   - every pod the fake nodes "run" (the base's Deployments, and stand-ins
//     for verify's pseudo-peers: cluster DNS, the ingress controller with its
//     preset namespace and labels, cert-manager's ACME HTTP-01 solver pod in
//     the app's namespace when the spec asks for one, an unlabelled pod of
//     each namespace in play) gets a network namespace of its own with the
//     pod's IP, routed (not bridged) to its node, so every packet between
//     pods crosses the nodes' FORWARD chains where kube-router hooks its
//     per-pod rules;
//   - in each pod, a listener on every container port, over TCP and UDP,
//     answers with the pod's name: a connection counts only when the pod
//     meant answers;
//   - the DNS stand-in's process is CoreDNS (v1.15.0, built from its own
//     module tools/coredns), behind a kube-dns Service, answering the
//     cluster's names from the apiserver (relayed onto the pod's loopback;
//     no upstream), and answering whoami.kubenetgen.test with its pod's
//     name, so that a DNS exchange with it counts like any other attempt.
//
// Every pod then opens every port of every other pod (bounded: one second
// per attempt, a few in parallel) and every Service port through its
// ClusterIP; an outside namespace calls the NodePort and LoadBalancer node
// ports from inside and outside their source ranges; each pod of a tier
// looks up, over UDP and over TCP through the kube-dns Service, every
// Service name its Deployment is handed (<CALLEE>_HOST), wants the
// Service's address, and its calls to that Service dial what DNS answered.
// A lookup is a flow to the DNS pod on its port, held to the declared flows
// like the rest. All this first with no NetworkPolicy (everything must
// connect, which proves the plumbing), then with the base's policies.
// The outcome is a matrix like verify's, compared with verify.Expected for
// the spec; the test log shows it. A mutation test seeds known defects into
// the live policies and wants each caught by the packets; with the DNS
// egress removed, no pod the policy selects may resolve a name.
//
// TestRandomPackets is the property test: KUBENETGEN_PACKETS_RANDOM apps
// (50 by default) drawn by package randapp from KUBENETGEN_PACKETS_SEED
// (from the clock by default; logged, and each failing app prints its own
// seed and spec for a replay), each in a namespace of its own, must give 0
// wrong flows. They share a world per pod network and go a batch at a
// time, removed before the next; they measure pod to pod and pod to
// ClusterIP, without CoreDNS or outside clients, which the golden cases
// measure. On the 2-core machine under load, 50 apps took 4.5 to 5.5
// minutes, most of it the control plane bringing pods up and down.
//
// What this shows is one engine's reading of NetworkPolicy (kube-router
// v2.1.0 on iptables and ipset), for pod-to-pod flows, Service paths and
// node ports called from outside; the pseudo-peers that are addresses
// (CIDRs, the API server, DNS as NodeLocal DNSCache) are not measured here.
// Pods calling node ports are left out: the source the policy sees depends
// on kube-proxy's path (the calling node's address when the node port is
// another node's, as measured here), and verify's intent for node ports is
// about clients outside the cluster. SCTP ports are not dialled: Go's net
// package has no SCTP.
//
// Safety: every address, route, rule and set lives in namespaces the test
// created and deletes; every process is started and stopped by its id;
// the host's namespaces, addresses, routes, iptables rules, ipsets and
// nftables ruleset are compared before and after the run. Without root,
// network namespaces, iptables/ipset or the built kube-router (kube-proxy,
// nft and CoreDNS for Service paths and names) the tests skip and say why,
// except under CI=true, where that is a failure.
//
// The tests carry the build tag e2e; make e2e builds kube-router
// (tools/build.sh) and CoreDNS (tools/coredns/build.sh) and installs the
// Debian packages (tools/packages.sh) first.
package packets
